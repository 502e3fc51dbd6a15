"""Employer names and codes: normalisation and resolution of name references.

Tracer forms and BKK logs spell one firm many ways ("PT. Astra Honda Motor
Tbk", "Astra Honda Motor", "ASTRA HONDA MOTOR, PT"). :func:`normalize_name`
maps them to one key; :class:`EmployerIndex` resolves a reference (code
and/or name, optionally the city) to an employer code, or tells that a new,
unverified employer has to be created.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

#: Legal-form words dropped from names before matching. Matching is on whole
#: words, so "PTPN" or "Cahaya" are untouched.
LEGAL_FORMS = frozenset({
    "pt", "cv", "ud", "pd", "tbk", "persero", "perum", "perumda", "koperasi", "kop",
    "fa", "firma", "pte", "ltd",
})

_DOTTED = re.compile(r"\b([a-z])\.\s*([a-z])\.(?=\s|$|[^a-z])")  # "p.t." -> "pt"
_NON_WORD = re.compile(r"[^\w]+|_+")
_NON_CODE = re.compile(r"[^A-Z0-9]+")


def _fold(text: str) -> str:
    """Lower-case and strip accents (é -> e) so spellings compare equal."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def normalize_name(name: str) -> str:
    """The matching key of an employer name.

    Lower-case, accents and punctuation removed, legal forms (PT, CV, UD, PD,
    Tbk, (Persero), Koperasi...) dropped, whitespace collapsed. A name made
    only of legal forms keeps them (so "PT" alone is not empty).

    Examples
    --------
    >>> normalize_name("PT. Astra Honda Motor Tbk")
    'astra honda motor'
    >>> normalize_name("ASTRA HONDA MOTOR, PT")
    'astra honda motor'
    >>> normalize_name("P.T. Telkom (Persero)")
    'telkom'
    """
    folded = _DOTTED.sub(r"\1\2 ", _fold(name))
    words = _NON_WORD.sub(" ", folded).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def normalize_city(city: str | None) -> str:
    """City key: "Kab. Bekasi" and "KABUPATEN BEKASI" compare equal.

    >>> normalize_city("Kab. Bekasi")
    'kabupaten bekasi'
    """
    if not city:
        return ""
    words = _NON_WORD.sub(" ", _fold(city)).split()
    return " ".join("kabupaten" if w == "kab" else w for w in words)


def normalize_code(code: str) -> str:
    """Employer codes are ``[A-Z0-9-]``: upper-cased, other runs become ``-``.

    >>> normalize_code(" dudi 0001 ")
    'DUDI-0001'
    """
    return _NON_CODE.sub("-", _fold(code).upper()).strip("-")


def derive_code(name: str, city: str | None = None) -> str:
    """The deterministic code of an employer whose file gives none.

    >>> derive_code("PT. Astra Honda Motor Tbk", "Jakarta")
    'ASTRA-HONDA-MOTOR-JAKARTA'

    Names with no Latin letters or digits (e.g. written in another script)
    get a stable hash instead of an empty code.
    """
    base = normalize_name(name)
    city_key = normalize_city(city)
    code = normalize_code(f"{base} {city_key}")
    if len(code) > 80 or not _NON_CODE.sub("", normalize_code(base)):
        digest = hashlib.sha1(f"{base}|{city_key}".encode()).hexdigest()[:10].upper()
        code = f"{code[:60].rstrip('-')}-{digest}".lstrip("-") if code else f"DUDI-{digest}"
    return code


@dataclass
class Employer:
    code: str
    name: str
    name_normalized: str
    city: str = ""
    verified: bool = False


@dataclass
class EmployerIndex:
    """Known employers by code and by normalised name.

    Filled from the store and from the ``dudi`` files of the running load;
    :meth:`resolve` adds the unverified employers it decides to create, so a
    second reference to the same unknown firm finds the first.
    """

    by_code: dict[str, Employer] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)

    def add(self, emp: Employer) -> None:
        self.remove(emp.code)
        self.by_code[emp.code] = emp
        self.by_name.setdefault(emp.name_normalized, []).append(emp.code)

    def remove(self, code: str) -> None:
        emp = self.by_code.pop(code, None)
        if emp is not None:
            codes = self.by_name.get(emp.name_normalized, [])
            if code in codes:
                codes.remove(code)

    def add_node(self, props: dict) -> None:
        """Add an Employer node's properties as the store returns them."""
        name = props.get("name") or props["code"]
        self.add(Employer(
            code=props["code"],
            name=name,
            name_normalized=props.get("name_normalized") or normalize_name(name),
            city=props.get("city") or "",
            verified=bool(props.get("verified")),
        ))

    def candidates(self, name: str, city: str | None = None) -> list[Employer]:
        """Employers whose name matches, narrowed by city when that decides."""
        found = [self.by_code[c] for c in self.by_name.get(normalize_name(name), [])]
        city_key = normalize_city(city)
        if city_key and found:
            # Same city first, then employers of unknown city; a firm known
            # only in other cities is another branch: a different employer.
            found = ([e for e in found if normalize_city(e.city) == city_key]
                     or [e for e in found if not e.city])
        if len(found) > 1:
            verified = [e for e in found if e.verified]
            if len(verified) == 1:
                return verified
        return found

    def resolve(self, code: str | None, name: str | None, city: str | None):
        """Resolve a reference to ``(code, new_employer_or_None, problem_or_None)``.

        ``problem`` is ``(message_id, message_en)`` when the reference cannot
        be resolved: an unknown code without a name, or a name that matches
        several employers. A name that matches nothing gives a new unverified
        employer (with the given code, or one derived from name and city).
        """
        code = normalize_code(code) if code else ""
        if code and code in self.by_code:
            return code, None, None
        if not name:
            return None, None, (
                "kode_dudi tidak dikenal (tidak ada di database maupun file dudi); "
                "isi juga nama_dudi",
                "unknown kode_dudi (neither in the database nor in a dudi file); "
                "also give nama_dudi",
            )
        found = self.candidates(name, city)
        if len(found) == 1:
            return found[0].code, None, None
        if len(found) > 1:
            codes = ", ".join(sorted(e.code for e in found)[:5])
            return None, None, (
                f"nama_dudi cocok dengan {len(found)} DU/DI ({codes}); isi kode_dudi atau kota_dudi",
                f"nama_dudi matches {len(found)} employers ({codes}); give kode_dudi or kota_dudi",
            )
        new_code = code or derive_code(name, city)
        if new_code in self.by_code:  # same derived code, different spelling
            return new_code, None, None
        emp = Employer(new_code, name, normalize_name(name), city or "", False)
        self.add(emp)
        return new_code, emp, None
