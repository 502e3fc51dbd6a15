"""Who may do what: the one place where access control will plug in.

Today every user on the school LAN is trusted alike (login and roles are a
later issue). Each route still declares the roles it is meant for with
:func:`requires`, so adding a login only means filling in :func:`_check`.
Contact details of people follow :func:`contact_policy`.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app

ROLES = ("bkk", "humas", "admin")
CONTACT_POLICIES = ("hidden", "masked", "full")


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


def _check(roles: tuple[str, ...]) -> None:
    """No login yet: everyone may. Raise werkzeug's Forbidden here once roles exist."""
    return None


def contact_policy() -> str:
    """How a person's phone and email are shown: hidden, masked (default) or full."""
    policy = current_app.config.get("CONTACT_DETAILS", "masked")
    return policy if policy in CONTACT_POLICIES else "hidden"


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
    """The contact block of a person page: consent first, then the policy."""
    policy = contact_policy()
    if not props.get("consent_contact"):
        return {"shown": False, "reason": "no_consent", "phone": None, "email": None}
    if policy == "hidden":
        return {"shown": False, "reason": "policy", "phone": None, "email": None}
    phone, email = props.get("phone"), props.get("email")
    if policy == "masked":
        phone, email = mask_phone(phone), mask_email(email)
    return {"shown": True, "masked": policy == "masked", "phone": phone, "email": email}
