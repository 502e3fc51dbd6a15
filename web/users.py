"""User accounts on the web: the admin's page (``/pengguna``) and everyone's
own password (``/sandi``), so a school needs no shell for either.

The same rules as ``alumni-graph user ...`` (``security.accounts``) and
the same audit actions (``user_add``, ``user_disable``, ``user_enable``,
``user_password``), plus ``password_change`` for a user's own password.

* A new user and a password reset get a generated one-time password, shown
  once in the response (``Cache-Control: no-store``) and never stored or
  logged: the admin passes it on, the user changes it after the first login.
* An admin may neither disable their own account (the school would lose its
  last way in) nor reset their own password here (``/sandi`` asks for the
  current password first, so a session left open is not enough).
* Changing one's own password ends all of one's sessions
  (``Accounts.set_password``), this one included: the page says so and
  links to the login form.
"""
from __future__ import annotations

import secrets

from flask import (
    Blueprint, current_app, flash, g, get_flashed_messages, jsonify, redirect,
    render_template, request, session, url_for,
)

from alumni_graph.security.accounts import MIN_PASSWORD, USERNAME, check_password
from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.web import access, i18n, param_error, wants_json
from alumni_graph.web.auth import accounts

bp = Blueprint("users", __name__)

#: What the users table and its JSON twin show of each user (never a hash).
FIELDS = ("name", "role", "disabled", "tokens", "created_at")


def _t(key: str, **kwargs) -> str:
    return i18n.translate(g.get("lang") or i18n.DEFAULT_LANG, key, **kwargs)


def one_time_password() -> str:
    """A strong generated password (16 URL-safe characters, 96 bits)."""
    password = secrets.token_urlsafe(12)
    check_password(password)
    return password


def _users() -> list[dict]:
    return [{k: (bool(u[k]) if k == "disabled" else u[k]) for k in FIELDS}
            for u in accounts().list_users()]


def _me() -> str:
    return (access.current_user() or {}).get("name", "")


def _norm(name: str | None) -> str:
    return (name or "").strip().lower()


def _no_store(resp):
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Pragma"] = "no-cache"
    return resp


def _users_page(status: int = 200, *, error: str | None = None, one_time: dict | None = None,
                form: dict | None = None):
    """The users page (or, for a JSON caller, its data) with an optional
    error or one-time password."""
    data = {"users": _users(), "roles": list(access.ROLES), "me": _me(),
            "error": error, "one_time": one_time, "form": form or {}}
    if wants_json():
        if error:
            resp = jsonify({"ok": False, "error": error, "errors": [], "status": status})
        else:
            body = {"ok": True, "users": data["users"]}
            if one_time:
                body.update(user=one_time["name"], password=one_time["password"])
            resp = jsonify(body)
    else:
        html = render_template("users.html", view="users", d=data, notices=get_flashed_messages(),
                               json_url=url_for("users.index_json"))
        resp = current_app.make_response(html)
    resp.status_code = status
    return _no_store(resp)


def _refuse(param: str, value, message: str, form: dict | None = None):
    """A 400 naming the problem: the page with the message (and the add
    form filled in again), or JSON."""
    if wants_json():
        raise param_error(param, value, message)
    return _users_page(400, error=message, form=form)


def _existing(name: str) -> dict:
    user = accounts().get_user(name)
    if user is None:
        raise NotFound(_t("users_not_found"), [{"param": "name", "message": "no such user"}])
    return user


# -- the admin's page ----------------------------------------------------------

@bp.route("/pengguna", methods=["GET", "POST"])
@access.requires("admin")
def index():
    """The users, and (POST) a new one with a one-time password."""
    if request.method == "GET":
        return _users_page()
    raw = request.form.get("name")
    if raw is None and request.is_json:
        body = request.get_json(silent=True) or {}
        raw, role = body.get("name"), body.get("role")
    else:
        role = request.form.get("role")
    name = _norm(raw if isinstance(raw, str) else "")
    form = {"name": name[:40], "role": role if role in access.ROLES else ""}
    if not name:
        return _refuse("name", raw, _t("users_name_required"), form)
    if not USERNAME.fullmatch(name):
        return _refuse("name", raw, _t("users_name_invalid"), form)
    if role not in access.ROLES:
        return _refuse("role", role, _t("users_role_invalid", roles=", ".join(access.ROLES)), form)
    if accounts().get_user(name) is not None:
        return _refuse("name", name, _t("users_exists", name=name), form)
    password = one_time_password()
    try:
        created = accounts().add_user(name, role, password, must_change=True)
    except ParameterError:  # another admin added the same name a moment ago
        return _refuse("name", name, _t("users_exists", name=name), form)
    access.audit("user_add", target=created["name"], detail={"role": role})
    return _users_page(one_time={"name": created["name"], "password": password, "new": True})


@bp.get("/pengguna.json")
@access.requires("admin")
def index_json():
    """The users as JSON: name, role, disabled, live API tokens, created_at."""
    return _no_store(jsonify({"ok": True, "users": _users()}))


def _set_disabled(name: str, disabled: bool):
    user = _existing(name)
    if disabled and user["name"] == _me():
        return _refuse("name", user["name"], _t("users_not_self_disable"))
    accounts().set_disabled(user["name"], disabled)
    access.audit("user_disable" if disabled else "user_enable", target=user["name"])
    if wants_json():
        return _no_store(jsonify({"ok": True, "user": user["name"], "disabled": disabled}))
    flash(_t("users_disabled_done" if disabled else "users_enabled_done", name=user["name"]))
    return redirect(url_for("users.index"))


@bp.post("/pengguna/<name>/nonaktif")
@access.requires("admin")
def disable(name: str):
    """Disable a user: their sessions end and their API tokens are revoked."""
    return _set_disabled(name, True)


@bp.post("/pengguna/<name>/aktif")
@access.requires("admin")
def enable(name: str):
    """Enable a disabled user again (revoked tokens stay revoked)."""
    return _set_disabled(name, False)


@bp.post("/pengguna/<name>/sandi")
@access.requires("admin")
def reset_password(name: str):
    """A new one-time password for a user (their sessions end)."""
    user = _existing(name)
    if user["name"] == _me():
        return _refuse("name", user["name"], _t("users_not_self_reset"))
    password = one_time_password()
    accounts().set_password(user["name"], password, must_change=True)
    access.audit("user_password", target=user["name"])
    return _users_page(one_time={"name": user["name"], "password": password, "new": False})


# -- everyone's own password --------------------------------------------------

def _password_page(status: int = 200, *, error: str | None = None, done: bool = False):
    if wants_json():
        if error:
            resp = jsonify({"ok": False, "error": error, "errors": [], "status": status})
        else:
            resp = jsonify({"ok": True, "changed": done, "login_again": done})
    else:
        resp = current_app.make_response(
            render_template("users.html", view="password",
                            d={"error": error, "done": done, "min_length": MIN_PASSWORD}))
    resp.status_code = status
    return _no_store(resp)


@bp.route("/sandi", methods=["GET", "POST"])
@access.requires(*access.ANY_ROLE)
def password():
    """Change one's own password: the current one, then the new one twice."""
    if request.method == "GET":
        return _password_page()
    form = request.form
    current, new, again = (form.get("current_password") or "", form.get("new_password") or "",
                           form.get("new_password2") or "")
    user = access.current_user()
    ip = request.remote_addr or "-"
    cfg = current_app.config
    limiter = current_app.extensions["alumni_graph_limiter"]
    # Wrong current passwords count as failed logins: an open session is no
    # way to guess the password.
    if limiter.blocked(user["name"], ip, limit=cfg["LOGIN_MAX_FAILURES"],
                       limit_ip=cfg["LOGIN_MAX_FAILURES_IP"], window=cfg["LOGIN_WINDOW_SECONDS"]):
        resp = _password_page(429, error=_t("login_rate_limited"))
        resp.headers["Retry-After"] = str(int(cfg["LOGIN_WINDOW_SECONDS"]))
        return resp
    if accounts().authenticate(user["name"], current) is None:
        limiter.failed(user["name"], ip)
        access.audit("password_change_failed", target=user["name"])
        return _password_page(400, error=_t("password_wrong_current"))
    if new != again:
        return _password_page(400, error=_t("password_mismatch"))
    if new == current:
        return _password_page(400, error=_t("password_same"))
    try:
        check_password(new)
    except ParameterError as exc:
        message = _t("password_too_short", n=MIN_PASSWORD) if len(new) < MIN_PASSWORD else exc.message
        return _password_page(400, error=message)
    accounts().set_password(user["name"], new)  # ends every session of the user, this one too
    access.audit("password_change", target=user["name"])
    if g.get("auth") == "session":
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        g.user = None  # the page that follows is for a logged-out visitor
    return _password_page(done=True)
