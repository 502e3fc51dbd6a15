"""Typed text to one record, for forms that forgive: a person by name or NISN,
an employer by code, name (with or without its legal form: "PT", "CV"...) or
alias. One match: use it; several: a short list to pick from; none: a message
for beside the field. Uses the explorer's search (both stores) and therefore
the names policy of the current user (a person this role may not see is
never found).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from alumni_graph.queries import explore

#: At most this many choices are offered; more means "type more".
MAX_CHOICES = 8


@dataclass
class Resolved:
    text: str
    item: dict | None = None          # the one match (a search result: type, key, name...)
    choices: list[dict] = field(default_factory=list)
    more: bool = False                # more matches than the choices shown
    error: str | None = None          # "empty", "none", "many": a message key

    @property
    def ok(self) -> bool:
        return self.item is not None


def _norm_employer(text: str) -> str:
    from alumni_graph.loaders.employers import normalize_name

    return normalize_name(text or "")


def _fold(text: str) -> str:
    return " ".join(str(text or "").lower().split())


def resolve(store, text: str, kind: str, *, names) -> Resolved:
    """Resolve ``text`` to one ``person`` or ``employer`` (``kind``)."""
    raw = (text or "").strip()
    out = Resolved(text=raw)
    if not raw:
        out.error = "empty"
        return out
    types = ["Person"] if kind == "person" else ["Employer"]
    exact = explore.exact_key(store, raw, types[0], names=names)
    if exact is not None:  # a typed NISN or code: what the search would pick, without a scan
        out.item = exact
        return out
    found = explore.search(store, raw, MAX_CHOICES * 4, types=types, names=names)
    if kind == "employer" and not found:
        plain = _norm_employer(raw)
        if plain and plain != raw.lower():
            found = explore.search(store, plain, MAX_CHOICES * 4, types=types, names=names)
    found = [f for f in found if not f.get("redacted")]
    if not found:
        out.error = "none"
        return out
    exact = [f for f in found if str(f["key"]).lower() == raw.lower()]
    if not exact:
        exact = [f for f in found if _fold(f.get("name")) == _fold(raw)]
    if not exact and kind == "employer":
        want = _norm_employer(raw)
        exact = [f for f in found if _norm_employer(f.get("name") or "") == want]
    if len(exact) == 1:
        out.item = exact[0]
        return out
    pool = exact or found
    if len(pool) == 1:
        out.item = pool[0]
        return out
    out.choices, out.more = pool[:MAX_CHOICES], len(pool) > MAX_CHOICES
    out.error = "many"
    return out
