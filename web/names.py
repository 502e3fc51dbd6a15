"""The names policy: who sees which student's or alumnus' name, on every page,
query result, JSON route and export. One place (written out in
``docs/privacy.md``, "Kebijakan nama"; proved per view and role by
``tests/test_names_policy.py``).

A person is named to a role in a view when both hold:

* **the role's rule** (:data:`ROLE_RULE`): ``admin`` and ``bkk`` see the
  school's own people (their duty: placement, tracing, referral work);
  ``humas`` people with effective display consent (``boleh_ditampilkan``)
  and alumni who agreed to be contacted (``bersedia_dihubungi``: the
  champions Humas asks for an introduction to a firm), each with the minor
  rule (:func:`queries.rules.outreach_named`) -- the same rule on the person
  page, the graph, search and exports; ``viewer`` nobody.
* **the view's rule** (:data:`VIEW_RULE`): a list that names people *to others*
  (a champion, a referral intermediary, the successful-alumni register, key
  connectors, alumni at a firm, exports) needs contact consent
  (``bersedia_dihubungi``, :func:`queries.rules.consented`); the query applies
  it itself. A view that serves a staff duty (tracing untraced alumni,
  internship monitoring) names every person of the school to the roles whose
  duty it is (:data:`DUTY_ROLES`); those views are audited.

Query results pass through :func:`apply` (``web.shared.run_registered`` calls it
for every query a page, a JSON route or an export runs); graphs, search and
detail pages through :func:`web.access.name_policy` (``queries.explore.Names``),
which follows the same role rule.

Contact details (phone, email, ``tel:`` and WhatsApp links) follow
:func:`contact`, the one contact rule (:data:`CONTACT_RULE`): only for a
person who agreed to be contacted (minor rule), in full to bkk and admin, in
full to humas for adult alumni only (outreach: champions on Calon mitra, the
firm's page, the call sheet, the person record) and masked for anyone else,
never to viewers. Pages, JSON routes and the call sheet call it (through
:func:`web.access.person_contact` or :func:`contacts`).
"""
from __future__ import annotations

import datetime as dt

from alumni_graph.queries.rules import consented, is_alumnus, is_minor, outreach_named

#: The role's rule: ``all`` (the school's own staff with a duty), ``display``
#: (humas: display consent, or an alumnus who agreed to be contacted:
#: :func:`queries.rules.outreach_named`), ``none`` (aggregates only).
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
    ``all``, ``contact``, ``contact+outreach`` (humas), ``none``."""
    role_rule = ROLE_RULE.get(role, "none")
    if role_rule == "none":
        return "none"
    if names_all(view, role):
        return "all"
    return "contact" if role_rule == "all" else "contact+outreach"


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
        champions = [c for champs in _champion_lists(result.get("rows")) for c in champs
                     if isinstance(c, dict)]
        nisns = sorted({p["nisn"] for p in (*people, *champions) if p.get("nisn")})
        props = {str(p.get("nisn")): p for p in store.iter_nodes("Person", [(n,) for n in nisns])}
        allowed = {n for n in nisns if outreach_named(props.get(str(n), {}), as_of)}
    else:
        allowed = set()
    for p in people:
        if not (p.get("nisn") and p["nisn"] in allowed):
            _unname(p)
    for champs in _champion_lists(result.get("rows")):
        for c in champs:
            if isinstance(c, dict) and not (c.get("nisn") and c["nisn"] in allowed):
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


# -- contact -------------------------------------------------------------------------

#: How a role sees the phone and email of a person who agreed to be contacted:
#: ``full`` (bkk, admin: placement, tracing, referral work; with ``tel:`` and
#: WhatsApp links), ``outreach`` (humas: in full with links for an adult
#: alumnus -- the champions it asks for an introduction to a firm --, masked
#: for anyone else), ``none`` (viewers and anonymous callers).
CONTACT_RULE = {"admin": "full", "bkk": "full", "humas": "outreach", "viewer": "none"}


def contact(person: dict, role: str | None, *, setting: str = "full",
            as_of: str | None = None) -> dict:
    """The contact block of ``person`` as ``role`` may see it.

    ``shown`` False with a ``reason`` (``no_consent``: no effective contact
    consent, the minor rule included; ``policy``: the role or the
    ``CONTACT_DETAILS = hidden`` setting); else ``phone``, ``email``,
    ``masked`` and, when in full, ``tel`` and ``wa`` links. ``setting`` (the
    school's ``CONTACT_DETAILS``) is a ceiling: ``masked`` masks everyone's view.
    """
    from alumni_graph.web.access import mask_email, mask_phone

    as_of = as_of or dt.date.today().isoformat()
    if not consented(person, as_of):
        return {"shown": False, "reason": "no_consent", "phone": None, "email": None}
    rule = CONTACT_RULE.get(role or "", "none")
    if setting == "hidden" or rule == "none":
        return {"shown": False, "reason": "policy", "phone": None, "email": None}
    phone, email = person.get("phone"), person.get("email")
    full = rule == "full" or (is_alumnus(person) and not is_minor(person, as_of))
    if not full or setting == "masked":
        return {"shown": True, "masked": True, "phone": mask_phone(phone), "email": mask_email(email)}
    return {"shown": True, "masked": False, "phone": phone, "email": email, **links(phone)}


def links(phone) -> dict:
    """``tel:`` and WhatsApp (``https://wa.me/62…``) links of a phone number
    (a local ``08…`` number becomes ``62 8…``); nothing without a number."""
    number = "".join(ch for ch in str(phone or "") if ch.isdigit() or ch == "+")
    if not number.strip("+"):
        return {}
    digits = number.lstrip("+")
    wa = "62" + digits[1:] if digits.startswith("0") else digits
    return {"tel": "tel:" + number, "wa": "https://wa.me/" + wa}


def contacts(store, nisns, role: str | None, *, setting: str = "full") -> dict:
    """:func:`contact` for several people by NISN: ``{nisn: contact}`` for
    those whose contact is shown in full (with links)."""
    wanted = sorted({str(n) for n in nisns if n and not str(n).startswith("~")})
    if not wanted or CONTACT_RULE.get(role or "", "none") == "none" or setting in ("hidden", "masked"):
        return {}
    out = {}
    for props in store.iter_nodes("Person", [(n,) for n in wanted]):
        c = contact(props, role, setting=setting)
        if c.get("shown") and not c.get("masked") and c.get("tel"):
            out[str(props.get("nisn"))] = c
    return out
