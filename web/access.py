"""Who may do what.

Deny by default: every route declares the roles it allows with
:func:`requires` (or is on the short public allow-list, :func:`public`:
login, health, static files, the vendored graph library). ``web.auth``
authenticates each request (session cookie or ``Authorization: Bearer``
token) and refuses, before the view runs, an anonymous caller (401, or a
redirect to the login page for HTML) and a role the route does not allow
(403); a route without a declaration is refused to everyone (and fails the
route-matrix test). :func:`_check` repeats the role check inside the view.

Roles: ``admin`` (users, settings, deletions), ``bkk`` (referrals, alumni
contact details, tracer data), ``humas`` (partners, employers, contacts,
visits), ``viewer`` (aggregates and graphs; no contact details, no personal
exports). Contact details of people follow :func:`contact_policy`, names of
people in graphs, search and detail pages follow :func:`name_policy`, and
every view of personal data is written to the audit log (:func:`audit`).
"""
from __future__ import annotations

import datetime as dt
from functools import wraps

from flask import current_app, g
from werkzeug.exceptions import Forbidden, Unauthorized

from alumni_graph.graph_service.schema import ROLES

#: Every role, for routes any logged-in user may use.
ANY_ROLE = ROLES
#: The ``CONTACT_DETAILS`` values, least shown first (the setting is a ceiling: contact_policy).
CONTACT_POLICIES = ("hidden", "masked", "full")
#: Roles that see people's phone and email in full on detail pages (audit-logged).
CONTACT_ROLES = ("bkk", "admin")
#: How each role sees people's names in graphs, search and detail pages
#: (``queries.explore.Names``): bkk and admin by name (referral work), humas
#: only people with display consent (minor rule included), viewers nobody.
NAME_MODES = {"admin": "all", "bkk": "all", "humas": "consented", "viewer": "none"}
#: Who may run each registered query through ``/api/v1/query/<name>``: the
#: roles of the page that shows it (tests/test_access_matrix.py checks they
#: agree). Aggregates are for everyone; anything that lists people is not for
#: viewers; referral work is BKK's, prospecting Humas'. A query missing here
#: is refused to everyone.
QUERY_ROLES = {
    "prospective_partners": ("humas", "admin"),
    "referral_paths": ("bkk", "admin"),
    "alumni_at_employer": ("bkk", "humas", "admin"),
    "tracer_summary": ("bkk", "humas", "admin", "viewer"),
    "program_alignment": ("bkk", "humas", "admin", "viewer"),
    "industry_clusters": ("bkk", "humas", "admin", "viewer"),
    "internship_monitoring": ("bkk", "humas", "admin"),
    "internship_hosts": ("bkk", "humas", "admin"),
    "key_connectors": ("bkk", "humas", "admin"),
    "alumni_register": ("bkk", "humas", "admin"),
    "untraced_reach": ("bkk", "admin"),
    # Issue 14: Humas works the pipeline and MoUs, BKK vacancies and referrals;
    # the placement report and the conversion table are aggregates.
    "outreach_pipeline": ("humas", "admin"),
    "work_alerts": ("humas", "bkk", "admin"),
    "outreach_conversion": ("humas", "bkk", "admin", "viewer"),
    "vacancies": ("bkk", "humas", "admin"),
    "vacancy_candidates": ("bkk", "admin"),
    "placement_report": ("bkk", "humas", "admin", "viewer"),
}
#: The installation's key for the opaque keys of unnamed people (data_dir).
GRAPH_KEY_FILE = "graph.key"


def requires(*roles: str):
    """Declare the roles a view is for; checked by :func:`_check` on each call."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            _check(roles)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorate


def public(view):
    """Mark a view as open to anonymous callers (the public allow-list)."""
    view.required_roles = ()
    view.public = True
    return view


def current_user() -> dict | None:
    """The logged-in user (``id``, ``name``, ``role``) or None."""
    return g.get("user")


def current_role() -> str | None:
    user = current_user()
    return user["role"] if user else None


def _check(roles: tuple[str, ...]) -> None:
    """401 without a user, 403 when the user's role is not among ``roles``."""
    user = current_user()
    if user is None:
        raise Unauthorized()
    if user["role"] not in roles:
        raise Forbidden()


def may_open(endpoint: str) -> bool:
    """May the current user open the route ``endpoint``? (Its declared roles:
    the one source for the nav, cards and links each role is shown.)"""
    view = current_app.view_functions.get(endpoint)
    roles = getattr(view, "required_roles", None)
    if getattr(view, "public", False):
        return True
    role = current_role()
    return role is not None and roles is not None and role in roles


def may_run(name: str) -> bool:
    """May the current user run the registered query ``name`` (QUERY_ROLES)?"""
    return current_role() in QUERY_ROLES.get(name, ())


def require_query(name: str) -> None:
    """403 unless the current user may run ``name``."""
    if not may_run(name):
        raise Forbidden()


def contact_policy() -> str:
    """How people's phone and email are shown to the current user (the
    contact rule, :data:`web.names.CONTACT_RULE`): ``full`` for bkk and
    admin, ``outreach`` for humas (adult alumni in full, others masked),
    ``hidden`` for viewers and anonymous callers. The ``CONTACT_DETAILS``
    setting is the school's ceiling over every role: ``full`` (the default)
    leaves each role's rule, ``masked`` shows nobody more than a masked number
    (BKK and admin too), ``hidden`` shows them to nobody."""
    from alumni_graph.web.names import CONTACT_RULE

    setting = current_app.config.get("CONTACT_DETAILS", "full")
    rule = CONTACT_RULE.get(current_role() or "", "none")
    if setting == "hidden" or rule == "none":
        return "hidden"
    return "masked" if setting == "masked" else rule


def name_policy():
    """The :class:`queries.explore.Names` policy of the current user: who may
    be named, in the page's language, as of today; anyone else sees nobody."""
    from alumni_graph.security.private import secret
    from alumni_graph.queries.explore import Names

    mode = NAME_MODES.get(current_role(), "none")
    if mode == "all":
        return Names("all")
    key = current_app.extensions.get("alumni_graph_names_key")
    if key is None:
        key = secret(current_app.extensions["alumni_graph_data_dir"], GRAPH_KEY_FILE)
        current_app.extensions["alumni_graph_names_key"] = key
    return Names(mode, key=key, lang=g.get("lang") or "id", as_of=dt.date.today().isoformat())


def audit(action: str, *, nisn: str | None = None, target: str | None = None,
          detail: dict | str | None = None) -> None:
    """Append a record for the current user to the audit log (NISN hashed)."""
    log = current_app.extensions.get("alumni_graph_audit")
    if log is None:
        return
    user = current_user() or {}
    log.record(user.get("name", "-"), user.get("role", "-"), action, nisn=nisn, target=target,
               detail=detail)
    kept = g.get("_audit_capture")
    if kept is not None:  # a page being kept by the cache replays this on every later view
        kept.append([action, {"nisn": nisn, "target": target, "detail": detail}])


def mask_phone(phone: str | None) -> str | None:
    """``081234567890`` -> ``0812*****890``: enough to recognise, not to call."""
    if not phone:
        return None
    digits = str(phone)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 7) + digits[-3:]


def mask_email(email: str | None) -> str | None:
    if not email:
        return None
    local, _, domain = str(email).partition("@")
    return (local[:1] + "***@" + domain) if domain else "***"


def person_contact(props: dict) -> dict:
    """The contact block of a person for the current user: the one contact
    rule, :func:`web.names.contact` (consent first, then the role)."""
    from alumni_graph.web.names import contact

    return contact(props, current_role(),
                   setting=current_app.config.get("CONTACT_DETAILS", "full"))