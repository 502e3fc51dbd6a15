"""Login, sessions, API tokens and CSRF: the gate in front of every route.

* **Who**: each request is authenticated once, before its view: an
  ``Authorization: Bearer <token>`` header (API clients; per-user tokens,
  SHA-256 at rest, revocable with ``alumni-graph user revoke-token``), else
  the session cookie. Sessions live on the server (``users.sqlite3``): the
  cookie holds only a random id (signed), so logging out, disabling a user or
  changing a password ends the session for real, and the idle
  (``SESSION_IDLE_MINUTES``) and absolute (``SESSION_MAX_HOURS``) timeouts
  are enforced here. The cookie is ``HttpOnly``, ``SameSite=Lax`` and
  ``Secure`` whenever the request came over HTTPS.
* **May they**: the route's declared roles (``web.access.requires``); a route
  without a declaration is refused to everyone (deny by default). Anonymous:
  401 for JSON, a redirect to the login page for HTML.
* **CSRF**: every state-changing request (POST, PUT, PATCH, DELETE) made
  with the session cookie, the login form included, must carry the session's
  CSRF token, in the ``csrf_token`` form field or the ``X-CSRF-Token``
  header (the pages' scripts read it from ``<meta name="csrf-token">``).
  Bearer-token calls carry no cookie and are exempt. No GET changes data.
* **Login rate limit**: after 5 failed logins for one user name from one
  address within 60 s, the next attempt gets 429 (and 30 failures from one
  address, whatever the names).
"""
from __future__ import annotations

import logging
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint, current_app, g, jsonify, redirect, render_template, request, session, url_for,
)
from flask.sessions import SecureCookieSessionInterface

from alumni_graph.security.accounts import Accounts, SECRET_FILE, constant_equal
from alumni_graph.security.private import secret
from alumni_graph.security.audit import AuditLog
from alumni_graph.web import access, i18n

log = logging.getLogger("alumni_graph.web.auth")

bp = Blueprint("auth", __name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
#: Endpoints anyone may reach (the public allow-list; also marked with access.public).
#: ``tracer.form`` is the alumni's tracer form: the personal link is its key,
#: and it checks its own CSRF token (an HMAC of the link; ``web.tracer``).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.health", "static", "pages.vendor", "tracer.form"})
#: Public endpoints that check a CSRF token of their own instead of the session's.
OWN_CSRF_ENDPOINTS = frozenset({"tracer.form"})

AUTH_DEFAULTS = {
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_MAX_HOURS": 10,
    "LOGIN_MAX_FAILURES": 5,       # per user name and address, per window
    "LOGIN_MAX_FAILURES_IP": 30,   # per address, whatever the names
    "LOGIN_WINDOW_SECONDS": 60,
    "SESSION_COOKIE_NAME": "ag_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Secure is added per request when it came over HTTPS (see _SessionInterface);
    # True here forces it (e.g. behind a TLS proxy without X-Forwarded-Proto).
    "SESSION_COOKIE_SECURE": False,
}


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request is HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        from flask import has_request_context

        forced = bool(app.config.get("SESSION_COOKIE_SECURE"))
        return forced or (has_request_context() and request.is_secure)


class LoginLimiter:
    """Failed logins per (name, address) and per address, shared by every
    server process (security/limits.py: SQLite in the data directory)."""

    def __init__(self, data_dir: Path):
        from alumni_graph.security.limits import SharedHits

        self._hits = SharedHits(data_dir)

    def blocked(self, name: str, ip: str, *, limit: int, limit_ip: int, window: float) -> bool:
        return (self._hits.count(("u", name, ip), window) >= limit
                or self._hits.count(("ip", ip), window) >= limit_ip)

    def failed(self, name: str, ip: str) -> None:
        self._hits.add(("u", name, ip), ("ip", ip))

    def succeeded(self, name: str, ip: str) -> None:
        self._hits.clear(("u", name, ip))


#: What a user with a one-time password may open before changing it.
FIRST_LOGIN_ENDPOINTS = frozenset({"users.password", "auth.logout", "pages.language"})


def init_app(app, data_dir: Path) -> None:
    """Wire accounts, the audit log, the secret key and the request gate into ``app``."""
    data_dir = Path(data_dir)
    if not app.config.get("SECRET_KEY"):  # ALUMNI_GRAPH_SECRET_KEY (web.settings), else generated
        app.config["SECRET_KEY"] = secret(data_dir, SECRET_FILE).hex()
    app.session_interface = _SessionInterface()
    app.extensions["alumni_graph_accounts"] = Accounts(data_dir)
    app.extensions["alumni_graph_audit"] = AuditLog(data_dir)
    app.extensions["alumni_graph_limiter"] = LoginLimiter(data_dir)
    app.extensions["alumni_graph_data_dir"] = data_dir
    app.register_blueprint(bp)
    app.before_request(_gate)
    app.context_processor(_template_helpers)


def accounts() -> Accounts:
    return current_app.extensions["alumni_graph_accounts"]


def csrf_token() -> str:
    """The session's CSRF token (created on first use)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _template_helpers() -> dict:
    user = access.current_user()

    def may(endpoint: str) -> bool:
        """May the current user open ``endpoint``? (The nav, cards and links
        show only those: web.access.may_open, from the routes' declarations.)"""
        return bool(user) and access.may_open(endpoint)

    from alumni_graph.web.cache import my_name, owner_selected

    # The user's name and preselected owner come through these helpers: a page
    # kept by the cache for a whole role has them filled in per request.
    return {"csrf_token": csrf_token, "current_user": user, "may": may, "my_name": my_name,
            "owner_selected": owner_selected}


def _seconds(name: str, scale: int) -> float:
    return float(current_app.config[name]) * scale


def _authenticate() -> None:
    """Set ``g.user`` and ``g.auth`` ("token", "session" or None)."""
    g.user, g.auth = None, None
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer":
            g.auth = "token"  # a bad token is not rescued by a cookie
            g.user = accounts().token_user(token.strip())
        return
    sid = session.get("sid")
    if sid:
        user = accounts().session_user(sid, idle_seconds=_seconds("SESSION_IDLE_MINUTES", 60),
                                       max_seconds=_seconds("SESSION_MAX_HOURS", 3600))
        if user is None:
            session.pop("sid", None)  # expired or ended: the cookie is worthless now
        else:
            g.user, g.auth = user, "session"


def _gate():
    """Authenticate, then refuse what the route does not allow, then check CSRF."""
    from alumni_graph.web import _error_response, wants_json

    _authenticate()
    endpoint = request.endpoint
    if endpoint is None:  # no such route: the router's 404/405 follows
        return None
    view = current_app.view_functions.get(endpoint)
    if endpoint not in PUBLIC_ENDPOINTS:
        roles = getattr(view, "required_roles", None)
        if not roles:
            log.warning("route %s declares no roles: refused (deny by default)", endpoint)
            return _error_response(403, None)
        if g.user is None:
            if g.auth == "token" or wants_json() or request.method not in SAFE_METHODS:
                resp = _error_response(401, None)
                resp.headers["WWW-Authenticate"] = 'Bearer realm="alumni-graph"'
                return resp
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if g.user["role"] not in roles:
            return _error_response(403, None)
        if g.user.get("must_change") and endpoint not in FIRST_LOGIN_ENDPOINTS:
            # A one-time password is changed before anything else.
            if wants_json():
                from alumni_graph.web import _lang

                return _error_response(403, i18n.translate(_lang(), "must_change_password"))
            return redirect(url_for("users.password"))
    if request.method not in SAFE_METHODS and g.auth != "token" and endpoint not in OWN_CSRF_ENDPOINTS:
        sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
        expected = session.get("csrf") or ""
        if not expected or not sent or not constant_equal(sent, expected):
            return _error_response(400, i18n.translate(g.get("lang") or i18n.DEFAULT_LANG, "csrf_failed"))
    return None


def safe_next(target: str | None, default: str | None = None) -> str:
    r"""``target`` if it is a path on this site, else ``default`` (the home page).

    The one check for every ``?next=`` (login, language switch). Browsers drop
    tabs and newlines from a URL and read ``\`` as ``/``, so ``/\t/evil.example``
    would become ``//evil.example``, another site: any control character,
    whitespace or backslash refuses the target, as does anything with a scheme
    or a host. (A newline would also break the Location header: a 500.)

    >>> from flask import Flask
    >>> with Flask("t").test_request_context():
    ...     [safe_next(t, "/") for t in ("/graf?x=1", "/\t/evil.example", "//evil.example",
    ...                                  "/\n/x", "https://evil.example", "/\\evil", "")]
    ['/graf?x=1', '/', '/', '/', '/', '/', '/']
    """
    fallback = default if default is not None else url_for("pages.index")
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return fallback
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return fallback
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return fallback
    return target


@bp.route("/masuk", methods=["GET", "POST"])
@access.public
def login():
    """The login form (public). ``?lang=en|id`` picks the language here."""
    lang_arg = request.args.get("lang")
    if lang_arg in i18n.LANGS:
        g.lang = lang_arg
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if access.current_user() is not None and g.auth == "session":
            return redirect(target)
        resp = current_app.make_response(render_template("login.html", next=target, error=None))
        if lang_arg in i18n.LANGS:
            resp.set_cookie(i18n.COOKIE, lang_arg, max_age=365 * 86400, samesite="Lax", httponly=True)
        return resp
    name = (request.form.get("username") or "").strip().lower()[:80]
    password = request.form.get("password") or ""
    ip = request.remote_addr or "-"
    cfg = current_app.config
    limiter: LoginLimiter = current_app.extensions["alumni_graph_limiter"]
    if limiter.blocked(name, ip, limit=cfg["LOGIN_MAX_FAILURES"], limit_ip=cfg["LOGIN_MAX_FAILURES_IP"],
                       window=cfg["LOGIN_WINDOW_SECONDS"]):
        access.audit("login_rate_limited")
        html = render_template("login.html", next=target, error=i18n.translate(g.lang, "login_rate_limited"))
        resp = current_app.make_response((html, 429))
        resp.headers["Retry-After"] = str(int(cfg["LOGIN_WINDOW_SECONDS"]))
        return resp
    user = accounts().authenticate(name, password)
    if user is None:
        limiter.failed(name, ip)
        log.info("failed login from %s", ip)
        html = render_template("login.html", next=target, error=i18n.translate(g.lang, "login_failed"))
        return html, 401
    limiter.succeeded(name, ip)
    # A fresh session (and CSRF token) at login: no fixation of a planted cookie.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["sid"] = accounts().create_session(user["id"])
    session["csrf"] = secrets.token_urlsafe(32)
    g.user, g.auth = user, "session"
    access.audit("login")
    return redirect(target)


@bp.post("/keluar")
@access.requires(*access.ANY_ROLE)
def logout():
    """End the session on the server and forget the cookie."""
    access.audit("logout")
    if g.auth == "session":
        accounts().end_session(session.get("sid"))
    session.clear()
    if g.auth == "token" or request.path.endswith(".json"):
        return jsonify({"ok": True})
    return redirect(url_for("auth.login"))


@bp.get("/healthz")
@access.public
def health():
    """Health for a monitor, compose or a reverse proxy (public; no personal data).

    200 ``{"ok": true, "status": "up", "store": {"backend", "readable": true,
    "data_changed_at", "data_age_seconds"}}`` after a real read of the store
    (Neo4j reached); 503 ``{"ok": false, "status": "down", "store": {"readable":
    false}}`` when the store cannot be opened, read or reached (the reason goes
    to the log only: it may name hosts)."""
    from alumni_graph.web import get_store

    try:
        store = get_store()
        state = store.health()
    except Exception as exc:  # any failure means "down": the monitor alerts
        log.warning("healthz: store unavailable (%s: %s)", exc.__class__.__name__,
                    getattr(exc, "message", ""))
        return jsonify({"ok": False, "status": "down", "store": {"readable": False}}), 503
    return jsonify({"ok": True, "status": "up", "store": state})
