"""Employer names and codes: normalisation and resolution, as a careful person would.

Tracer forms and BKK logs spell one firm many ways ("PT. Astra Honda Motor
Tbk", "Astra Honda Motor", "ASTRA HONDA MOTOR, PT", "P.T Astra Honda Motor
(AHM)"), and different firms alike ("PT Maju Jaya", "CV Maju Jaya", "UD Maju
Jaya" are three legal entities). The rules, in one place:

* :func:`normalize_name` is the name without legal form, punctuation or case
  (the stored ``name_normalized``); :func:`legal_form` is the form (PT, CV, UD,
  Koperasi, Yayasan...; "Tbk" and "(Persero)" count as PT). Two names are one
  firm only when the cores are equal *and* the forms do not differ (a name
  typed without a form fits any form), unless a confirmed alias says so.
* A parenthesised abbreviation ("... (AHM)") is not part of the name: a
  ``dudi`` row records it as an alias; a reference may use it.
* Cities: "Kota Tegal" and "Kabupaten Tegal" are two regions; "Tegal" alone is
  uncertain where both exist (:data:`BOTH_KOTA_AND_KABUPATEN`); "Jakarta"
  fits the verified "Jakarta Utara".
* What is uncertain (same name but another region or legal form, or a name
  that only looks alike: rapidfuzz score >= :data:`FUZZY_THRESHOLD`) is never
  merged or split silently: the reference gets its own unverified employer
  carrying a review item ("DU/DI perlu dicek": candidate, score, reason,
  rows) that staff resolve in the browser or with ``alumni-graph employers``;
  "same" merges it into the candidate and keeps the typed name as an alias
  (reused by every later load), "different" keeps it apart for good.
* :func:`resolve_employer` finds an employer by code, name or alias for
  queries and pages.
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

_DOTTED = re.compile(r"\b([pcuf])\s*\.\s*([tvda])\b\.?")  # "p.t.", "P.T", "c.v." -> "pt", "cv"
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
    abbrev = abbreviation(name)
    if abbrev:
        name = name.replace(f"({abbrev})", " ")
    folded = _DOTTED.sub(r"\1\2 ", _fold(name))
    words = _NON_WORD.sub(" ", folded).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


#: Legal forms as identity: word -> canonical form. "Tbk" and "Persero" are PTs.
_FORMS = {
    "pt": "PT", "tbk": "PT", "persero": "PT", "cv": "CV", "ud": "UD", "pd": "PD", "perum": "Perum",
    "perumda": "Perumda", "koperasi": "Koperasi", "kop": "Koperasi", "kud": "Koperasi",
    "yayasan": "Yayasan", "fa": "Firma", "firma": "Firma",
}
_PAREN_ABBREV = re.compile(r"\(\s*([A-Za-z0-9&.\- ]{2,15})\s*\)")


def legal_form(name: str) -> str | None:
    """The legal form a name states, or None.

    >>> legal_form("P.T Astra Honda Motor"), legal_form("Telkom Indonesia (Persero) Tbk")
    ('PT', 'PT')
    >>> legal_form("Koperasi Maju Jaya"), legal_form("Maju Jaya, CV"), legal_form("Bengkel Jaya")
    ('Koperasi', 'CV', None)
    """
    folded = _DOTTED.sub(r"\1\2 ", _fold(name))
    forms = {_FORMS[w] for w in _NON_WORD.sub(" ", folded).split() if w in _FORMS}
    if len(forms) == 1:
        return forms.pop()
    return "+".join(sorted(forms)) if forms else None


def abbreviation(name: str) -> str | None:
    """A parenthesised abbreviation that is not a legal form: "PT. Astra Honda Motor (AHM)" -> "AHM".

    >>> abbreviation("PT. Astra Honda Motor (AHM)"), abbreviation("PT Telkom (Persero)")
    ('AHM', None)
    """
    for m in _PAREN_ABBREV.finditer(name):
        text = m.group(1).strip()
        if _fold(text).replace(".", "") not in _FORMS:
            return text
    return None


def _core(name: str) -> str:
    return normalize_name(name)


def forms_differ(a: str | None, b: str | None) -> bool:
    """Two stated forms that differ; a name without a form fits any."""
    return a is not None and b is not None and a != b


#: Names that are both a Kota and a Kabupaten (Kemendagri, Permendagri
#: 58/2021 "Kode dan Data Wilayah Administrasi Pemerintahan"): "Tegal" alone
#: could be either. Shipped as a short list: no maintained PyPI package of
#: Indonesian regions fits (the ones found are unmaintained or scrape data).
BOTH_KOTA_AND_KABUPATEN = frozenset({
    "bandung", "banjar", "bekasi", "bima", "blitar", "bogor", "cirebon", "jayapura", "kediri",
    "kupang", "madiun", "magelang", "malang", "mojokerto", "pasuruan", "pekalongan",
    "probolinggo", "semarang", "serang", "solok", "sorong", "sukabumi", "tangerang",
    "tasikmalaya", "tegal",
})


def city_parts(city: str | None) -> tuple[str | None, str]:
    """("kota" | "kabupaten" | None, the name), prefixes normalised.

    >>> city_parts("Kab. Tegal"), city_parts("KOTA TEGAL"), city_parts("Tegal")
    (('kabupaten', 'tegal'), ('kota', 'tegal'), (None, 'tegal'))
    >>> city_parts("Kota Adm. Jakarta Utara"), city_parts("Kabupaten  Bekasi")
    (('kota', 'jakarta utara'), ('kabupaten', 'bekasi'))
    """
    words = _NON_WORD.sub(" ", _fold(city or "")).split()
    kind = None
    if words and words[0] in ("kab", "kabupaten"):
        kind, words = "kabupaten", words[1:]
    elif words and words[0] == "kota":
        kind, words = "kota", words[1:]
        if words and words[0] in ("adm", "administrasi"):
            words = words[1:]
    return kind, " ".join(words)


def city_match(typed: str | None, known: str | None) -> str:
    """How a typed city fits a known one: "same", "within" (the typed name
    is the start of the known one: "Jakarta" / "Jakarta Utara"), "unsure"
    ("Tegal" / "Kota Tegal" where both exist; "Kab. Tegal" / "Kota Tegal") or
    "different". An empty side fits ("same").

    >>> city_match("Kab. Tegal", "Kabupaten Tegal"), city_match("Jakarta", "Jakarta Utara")
    ('same', 'within')
    >>> city_match("Tegal", "Kota Tegal"), city_match("Kab. Tegal", "Kota Tegal"), city_match("Depok", "Bogor")
    ('unsure', 'unsure', 'different')
    >>> city_match("Karawang", "Kab. Karawang")
    'same'
    """
    (tk, tn), (kk, kn) = city_parts(typed), city_parts(known)
    if not tn or not kn:
        return "same"
    if tn == kn:
        if tk == kk:
            return "same"
        if tk is None or kk is None:
            return "unsure" if tn in BOTH_KOTA_AND_KABUPATEN else "same"
        return "unsure"  # Kota X / Kabupaten X: two regions, maybe a typo
    if kn.startswith(tn + " ") and (tk is None or tk == kk):
        return "within"
    return "different"


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
    aliases: tuple = ()

    @property
    def form(self) -> str | None:
        return legal_form(self.name)


#: rapidfuzz score (0-100, token_sort_ratio on the names without legal form)
#: from which a name that is not equal is put on the review list.
FUZZY_THRESHOLD = 88


@dataclass
class Review:
    """An uncertain match: the typed reference, its best candidate, why."""

    candidate: str
    score: int
    reason: str  # "form" | "city" | "similar"

    REASONS = {
        "form": ("nama sama, bentuk badan usaha berbeda", "same name, another legal form"),
        "city": ("nama sama, kota/kabupaten lain atau tidak pasti", "same name, another or an unsure city"),
        "similar": ("nama mirip", "similar name"),
    }


#: An alias that holds for one city only is stored as "name | city".
ALIAS_CITY_SEPARATOR = " | "


def split_alias(alias: str) -> tuple[str, str | None]:
    """The name and the city (or None) of a stored alias.

    >>> split_alias("CV Maju Jaya | Kab. Tegal"), split_alias("AHM")
    (('CV Maju Jaya', 'Kab. Tegal'), ('AHM', None))
    """
    name, _, city = alias.partition(ALIAS_CITY_SEPARATOR)
    return name.strip(), (city.strip() or None)


def _alias_key(text: str) -> tuple[str | None, str]:
    return legal_form(text), _core(text)


@dataclass
class EmployerIndex:
    """Known employers by code, by name without legal form, and by alias.

    Filled from the store and from the ``dudi`` files of the running load;
    :meth:`resolve` adds the unverified employers it decides to create, so a
    second reference to the same unknown firm finds the first.
    """

    by_code: dict[str, Employer] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)
    by_alias: dict[str, list[str]] = field(default_factory=dict)
    #: The review item of each new employer :meth:`resolve` created for an uncertain match.
    reviews: dict[str, Review] = field(default_factory=dict)

    def add(self, emp: Employer) -> None:
        self.remove(emp.code)
        self.by_code[emp.code] = emp
        self.by_name.setdefault(emp.name_normalized, []).append(emp.code)
        for alias in emp.aliases:
            self.by_alias.setdefault(_core(split_alias(alias)[0]), []).append(emp.code)

    def remove(self, code: str) -> None:
        emp = self.by_code.pop(code, None)
        self.reviews.pop(code, None)
        if emp is not None:
            keys = [(self.by_name, emp.name_normalized)]
            keys += [(self.by_alias, _core(split_alias(a)[0])) for a in emp.aliases]
            for index, key in keys:
                codes = index.get(key, [])
                if code in codes:
                    codes.remove(code)

    def add_node(self, props: dict) -> None:
        """Add an Employer node's properties as the store returns them."""
        name = props.get("name") or props["code"]
        aliases = list(props.get("aliases") or [])
        abbrev = abbreviation(name)
        if abbrev and abbrev not in aliases:
            aliases.append(abbrev)
        self.add(Employer(
            code=props["code"],
            name=name,
            name_normalized=_core(name) or props.get("name_normalized") or normalize_name(name),
            city=props.get("city") or "",
            verified=bool(props.get("verified")),
            aliases=tuple(aliases),
        ))

    def _by_key(self, core: str) -> list[Employer]:
        codes = dict.fromkeys(self.by_name.get(core, []) + self.by_alias.get(core, []))
        return [self.by_code[c] for c in codes if c in self.by_code]

    def candidates(self, name: str, city: str | None = None) -> list[Employer]:
        """Employers that surely are the named one (form and city fit)."""
        return self.match(name, city)[0]

    def match(self, name: str, city: str | None = None) -> tuple[list[Employer], Review | None]:
        """``(sure matches, review)``: the employers the name and city surely
        denote, and, when there are none, the uncertain best candidate."""
        form, core = _alias_key(name)
        abbrev = abbreviation(name)
        found = self._by_key(core)
        if abbrev and not found:
            found = self._by_key(_core(abbrev))
        aliased = {e.code for e in found if self._is_alias(e, name, city)}
        same_form = [e for e in found if not forms_differ(form, e.form) or e.code in aliased]
        fits = {e.code: "same" if e.code in aliased else city_match(city, e.city) for e in same_form}
        sure = [e for e in same_form if fits[e.code] == "same"] or [e for e in same_form if fits[e.code] == "within"]
        if len(sure) > 1:
            verified = [e for e in sure if e.verified]
            if len(verified) == 1:
                return verified, None
        if sure:
            return sure, None
        unsure = [e for e in same_form if fits[e.code] == "unsure"]
        if unsure:
            return [], Review(_pick(unsure).code, 100, "city")
        other_form = [e for e in found if e not in same_form and fits_city(city, e)]
        if other_form:
            return [], Review(_pick(other_form).code, 100, "form")
        similar = self._similar(core, form, city)
        return [], similar

    def _is_alias(self, emp: Employer, name: str, city: str | None = None) -> bool:
        """A confirmed alias of ``emp`` names this (same form or none; its city, if it has one, fits)."""
        form, core = _alias_key(name)
        for alias in emp.aliases:
            a_name, a_city = split_alias(alias)
            if _core(a_name) != core or forms_differ(form, legal_form(a_name)):
                continue
            if not a_city or city_match(city, a_city) == "same":
                return True
        return False

    def alias_owners(self, code: str, alias: str, *, ignore: tuple = ()) -> list[Employer]:
        """The other employers ``alias`` ("name" or "name | city") already
        names: their name or a confirmed alias, without legal form, in a form
        that does not differ, in a city that fits (when the alias names one).
        An alias naming another firm would make a load's reference ambiguous:
        the firm's page, the CLI and a ``dudi`` file's ``nama_lain`` refuse it."""
        name, city = split_alias(alias)
        form, core = _alias_key(name)
        found = [e for e in self._by_key(core)
                 if e.code != code and e.code not in ignore
                 and (not forms_differ(form, e.form) or self._is_alias(e, name, city))
                 and (not city or fits_city(city, e))]
        return sorted(found, key=lambda e: e.code)

    def _similar(self, core: str, form: str | None, city: str | None) -> Review | None:
        if not core or not self.by_name:
            return None
        from rapidfuzz import fuzz, process, utils

        keys = [k for k, codes in self.by_name.items() if codes and k != core]
        best = process.extractOne(core, keys, scorer=fuzz.token_sort_ratio, processor=utils.default_process,
                                  score_cutoff=FUZZY_THRESHOLD)
        if best is None:
            return None
        emps = [self.by_code[c] for c in self.by_name[best[0]] if c in self.by_code]
        emps = [e for e in emps if fits_city(city, e)] or emps
        return Review(_pick(emps).code, int(round(best[1])), "similar")

    def resolve(self, code: str | None, name: str | None, city: str | None):
        """Resolve a reference to ``(code, new_employer_or_None, problem_or_None)``.

        ``problem`` is ``(message_id, message_en)`` when the reference cannot
        be resolved: an unknown code without a name, or a name that matches
        several employers. A name that matches nothing gives a new unverified
        employer (with the given code, or one derived from name and city); an
        uncertain match gives one too, with its review item in
        :attr:`reviews`.
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
        found, review = self.match(name, city)
        if len(found) == 1:
            return found[0].code, None, None
        if len(found) > 1:
            codes = ", ".join(sorted(e.code for e in found)[:5])
            return None, None, (
                f"nama_dudi cocok dengan {len(found)} DU/DI ({codes}); isi kode_dudi atau kota_dudi",
                f"nama_dudi matches {len(found)} employers ({codes}); give kode_dudi or kota_dudi",
            )
        form = legal_form(name)
        base = derive_code(name, city)
        new_code = code or (f"{normalize_code(form)}-{base}" if form and form != "PT" else base)
        if new_code in self.by_code and review is None and not forms_differ(form, self.by_code[new_code].form):
            return new_code, None, None  # same derived code, another spelling of the same name
        n = 2
        while new_code in self.by_code:  # a derived code taken by another firm: never merge silently
            new_code = f"{(code or base)[:70]}-{n}"
            n += 1
        emp = Employer(new_code, name, _core(name), city or "", False)
        self.add(emp)
        if review is not None:
            self.reviews[new_code] = review
        return new_code, emp, None


def fits_city(city: str | None, emp: Employer) -> bool:
    return city_match(city, emp.city) != "different"


def _pick(emps: list[Employer]) -> Employer:
    return sorted(emps, key=lambda e: (not e.verified, e.code))[0]


def resolve_employer(store, text: str) -> list[dict]:
    """The employers a person means by ``text``: its code, its name (any
    spelling of it: "PT. Astra Honda Motor", "Astra Honda Motor, PT") or a
    confirmed alias ("AHM"). Returns the Employer nodes' properties: one,
    several (the caller asks which) or none. One function for every query
    and page that takes an employer.
    """
    text = (text or "").strip()
    if not text:
        return []
    node = store.get_node("Employer", (normalize_code(text),))
    if node is not None:
        return [node]
    index = EmployerIndex()
    nodes = {}
    for props in store.iter_nodes("Employer"):
        index.add_node(props)
        nodes[props["code"]] = props
    found = index.match(text)[0]
    if not found:
        form, core = _alias_key(text)
        found = [e for e in index._by_key(core) if not forms_differ(form, e.form)]
    return [nodes[e.code] for e in sorted(found, key=lambda e: (not e.verified, e.code))]


# -- the review list ("DU/DI perlu dicek") and staff decisions -------------------------------

def review_items(store) -> list[dict]:
    """The open review items: each unverified employer created for an
    uncertain match, with its candidate, score, reason and rows."""
    nodes = {p["code"]: p for p in store.iter_nodes("Employer")}
    out = []
    for p in nodes.values():
        cand = p.get("review_candidate")
        if not cand:
            continue
        c = nodes.get(cand) or {"code": cand}
        reason = p.get("review_reason") or "similar"
        out.append({
            "code": p["code"], "name": p.get("name"), "city": p.get("city"),
            "candidate": {"code": c["code"], "name": c.get("name"), "city": c.get("city"),
                          "verified": bool(c.get("verified"))},
            "score": p.get("review_score"), "reason": reason,
            "reason_text": Review.REASONS.get(reason, (reason, reason))[0],
            "reason_text_en": Review.REASONS.get(reason, (reason, reason))[1],
            "rows": list(p.get("review_rows") or []),
        })
    return sorted(out, key=lambda r: (-(r["score"] or 0), r["code"]))


_CLEARED = {"review_candidate": None, "review_score": None, "review_reason": None, "review_rows": None}


def decide_review(store, code: str, same: bool, *, source: str) -> dict:
    """Staff's decision on a review item. ``same``: the typed employer is
    the candidate: its relationships move onto the candidate, which keeps
    the typed name (with its city) as an alias, so the next load resolves it
    there. Otherwise it stays a separate employer and leaves the list.
    Returns ``{"code", "candidate", "decision", "moved"}``."""
    from alumni_graph.graph_service.errors import NotFound, ParameterError

    code = normalize_code(code)
    node = store.get_node("Employer", (code,))
    if node is None:
        raise NotFound(f"Employer {code} does not exist")
    cand = node.get("review_candidate")
    if not cand:
        raise ParameterError(f"Employer {code} has no open review item")
    if not same:
        with store.transaction():
            store.upsert_nodes("Employer", [{"code": code, **_CLEARED}], source=source)
        return {"code": code, "candidate": cand, "decision": "different", "moved": 0}
    alias = node.get("name") or code
    if node.get("city"):
        alias = f"{alias}{ALIAS_CITY_SEPARATOR}{node['city']}"
    add_alias(store, cand, alias, source=source, ignore=(code,))
    moved = store.merge_nodes("Employer", (cand,), (code,), source=source)
    return {"code": code, "candidate": cand, "decision": "same", "moved": moved}


def alias_owners(store, code: str, alias: str, *, ignore: tuple = ()) -> list[dict]:
    """Other employers ``alias`` already names, by the loader's own matching
    (:meth:`EmployerIndex.alias_owners`), as their stored properties."""
    index = EmployerIndex()
    nodes = {}
    for props in store.iter_nodes("Employer"):
        index.add_node(props)
        nodes[props["code"]] = props
    return [nodes[e.code] for e in index.alias_owners(code, alias, ignore=ignore)]


def clean_alias(alias: str) -> str:
    """One alias as stored: spaces collapsed, "name | city" kept apart.

    >>> clean_alias("  CV  Maju Jaya |  Kab. Tegal ")
    'CV Maju Jaya | Kab. Tegal'
    """
    name, city = split_alias(" ".join((alias or "").split()))
    return f"{name}{ALIAS_CITY_SEPARATOR}{city}" if city else name


def add_alias(store, code: str, alias: str, *, source: str, ignore: tuple = ()) -> list[str]:
    """Record ``alias`` (a name, or "name | city") as another name of the
    employer ``code``; later loads and :func:`resolve_employer` use it.
    Refused (ParameterError naming the firm) when it already names another
    employer (:func:`alias_owners`; ``ignore``: codes not to count)."""
    from alumni_graph.graph_service.errors import NotFound, ParameterError

    code = normalize_code(code)
    node = store.get_node("Employer", (code,))
    if node is None:
        raise NotFound(f"Employer {code} does not exist")
    alias = clean_alias(alias)
    if not normalize_name(split_alias(alias)[0]):
        raise ParameterError("an alias needs letters or digits",
                             [{"param": "alias", "value": alias, "message": "needs letters or digits"}])
    owners = alias_owners(store, code, alias, ignore=ignore)
    if owners:
        named = ", ".join(f"{o.get('name')} ({o['code']})" for o in owners[:3])
        raise ParameterError(f"'{alias}' already names another employer: {named}",
                             [{"param": "alias", "value": alias, "message": f"already names {named}",
                               "employers": [o["code"] for o in owners]}])
    aliases = list(node.get("aliases") or [])
    if alias not in aliases:
        aliases.append(alias)
        with store.transaction():
            store.upsert_nodes("Employer", [{"code": code, "aliases": aliases}], source=source)
    return aliases


def remove_alias(store, code: str, alias: str, *, source: str) -> list[str]:
    """Forget a confirmed alias of ``code``: later loads no longer resolve
    it there (a name derived from the employer's own name stays)."""
    from alumni_graph.graph_service.errors import NotFound, ParameterError

    code = normalize_code(code)
    node = store.get_node("Employer", (code,))
    if node is None:
        raise NotFound(f"Employer {code} does not exist")
    aliases = list(node.get("aliases") or [])
    alias = clean_alias(alias)
    if alias not in aliases:
        raise ParameterError(f"'{alias}' is not an alias of {code}",
                             [{"param": "alias", "value": alias, "message": "not an alias of this employer"}])
    aliases.remove(alias)
    with store.transaction():
        store.upsert_nodes("Employer", [{"code": code, "aliases": aliases or None}], source=source)
    return aliases
