"""The names policy: who sees which student's or alumnus' name, on every page,
query result, JSON route and export. One place (written out in
``docs/privacy.md``, "Kebijakan nama"; proved per view and role by
``tests/test_names_policy.py``).

A person is named to a role in a view when both hold:

* **the role's rule** (:data:`ROLE_RULE`): ``admin`` and ``bkk`` see the
  school's own people (their duty: placement, tracing, referral work);
  ``humas`` only people with effective display consent (``boleh_ditampilkan``,
  for a minor with a guardian's consent: :func:`queries.rules.display_consented`),
  the same rule as the person page, the graph and search; ``viewer`` nobody.
* **the view's rule** (:data:`VIEW_RULE`): a list that names people *to others*
  (a champion, a referral intermediary, the successful-alumni register, key
  connectors, alumni at a firm, exports) needs contact consent
  (``bersedia_dihubungi``, :func:`queries.rules.consented`); the query applies
  it itself. A view that serves a staff duty (tracing untraced alumni,
  internship monitoring) names every person of the school to the roles whose
  duty it is (:data:`DUTY_ROLES`); those views are audited.

Query results pass through :func:`apply` (``web.api.run_registered`` calls it
for every query a page, a JSON route or an export runs); graphs, search and
detail pages through :func:`web.access.name_policy` (``queries.explore.Names``),
which follows the same role rule.
"""
from __future__ import annotations

import datetime as dt

from alumni_graph.queries.rules import display_consented

#: The role's rule: ``all`` (the school's own staff with a duty), ``display``
#: (only people with display consent), ``none`` (aggregates only).
ROLE_RULE = {"admin": "all", "bkk": "all", "humas": "display", "viewer": "none"}

#: The view's rule for naming: ``contact`` (named to others: contact consent,
#: applied by the query), ``duty`` (a staff duty: everyone, for DUTY_ROLES).
VIEW_RULE = {
    "prospective_partners": "contact",   # champions
    "referral_paths": "contact",         # intermediaries
    "alumni_at_employer": "contact",
    "alumni_register": "contact",
    "key_connectors": "contact",
    "untraced_reach": "duty",            # tracing: whom to look for, and who can reach them
    "internship_monitoring": "duty",     # which students were not visited
    "internship_hosts": "contact",       # employers only
    "tracer_summary": "contact",         # aggregates only
    "program_alignment": "contact",      # aggregates only
    "industry_clusters": "contact",      # employers only
    # the outreach and placement work (issue 14): the queries' own rules, then the role's
    "outreach_pipeline": "contact",
    "outreach_conversion": "contact",
    "work_alerts": "contact",
    "vacancies": "contact",
    "vacancy_candidates": "contact",
    "placement_report": "contact",
}
#: Who carries the duty of a ``duty`` view (and so sees every name in it).
DUTY_ROLES = ("bkk", "admin")

#: What a person that may not be named is called (the count stays right).
UNNAMED = {"id": "(tanpa nama)", "en": "(unnamed)"}

#: Fields that identify a person in a row besides the name.
_IDENTIFYING = ("nisn", "employer_list")


def names_all(view: str, role: str | None) -> bool:
    """Does ``role`` see every person by name in ``view`` (a duty view)?"""
    return VIEW_RULE.get(view) == "duty" and role in DUTY_ROLES


def describe(view: str, role: str) -> str:
    """The rule for ``view`` and ``role`` in words (docs, tests):
    ``all``, ``contact``, ``contact+display``, ``none``."""
    role_rule = ROLE_RULE.get(role, "none")
    if role_rule == "none":
        return "none"
    if names_all(view, role):
        return "all"
    return "contact" if role_rule == "all" else "contact+display"


def apply(view: str, result: dict, role: str | None, store, *, as_of: str | None = None) -> dict:
    """``result`` (a query's rows and meta) with every person the policy does
    not let ``role`` see in ``view`` unnamed: name and NISN become None (and
    their employer list, which would identify them); the counts stay."""
    rule = ROLE_RULE.get(role or "", "none")
    if rule == "all":
        return result
    as_of = as_of or dt.date.today().isoformat()
    people = list(_people(result.get("rows")) ) + list(_people(result.get("meta")))
    if rule == "display":
        nisns = sorted({p["nisn"] for p in people if p.get("nisn")})
        props = {str(p.get("nisn")): p for p in store.iter_nodes("Person", [(n,) for n in nisns])}
        allowed = {n for n in nisns if display_consented(props.get(str(n), {}), as_of)}
    else:
        allowed = set()
    for p in people:
        if p.get("nisn") and p["nisn"] in allowed:
            continue
        if "nisn" not in p and rule == "display":
            continue  # champions: handled below, by name
        _unname(p)
    # Every row's champions in one consent lookup (one per row scanned the
    # whole graph once per row: seconds per Calon mitra page for humas).
    champs = [c for row_champs in _champion_lists(result.get("rows")) for c in row_champs]
    shown = _champions_shown(store, result, champs, as_of) if rule == "display" and champs else []
    for c, ok in zip(champs, shown or [False] * len(champs)):
        if not ok:
            _unname(c)
    return result


def _unname(p: dict) -> None:
    p["name"] = None
    for f in _IDENTIFYING:
        if f in p:
            p[f] = None


def _people(value):
    """Every dict in ``value`` that stands for a person: it has ``nisn`` and ``name``."""
    if isinstance(value, dict):
        if "nisn" in value and "name" in value:
            yield value
        for k, v in value.items():
            if k != "champions":
                yield from _people(v)
    elif isinstance(value, list):
        for item in value:
            yield from _people(item)


def _champion_lists(rows) -> list[list[dict]]:
    return [r["champions"] for r in rows or [] if isinstance(r, dict) and isinstance(r.get("champions"), list)]


def _champions_shown(store, result: dict, champs: list[dict], as_of: str) -> list[bool]:
    from alumni_graph.queries import explore

    npsn = (result.get("params") or {}).get("npsn")
    people = [c for c in champs if isinstance(c, dict) and c.get("name")]
    if not npsn or not people:
        return [False] * len(champs)
    verdict = dict(zip(map(id, people), explore.displayable(store, npsn, people, as_of)))
    return [verdict.get(id(c), False) for c in champs]
