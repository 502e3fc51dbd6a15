"""The web app: JSON API (``/api/v1``), HTML pages with JSON twins, graph explorer.

A thin layer: parse the request, call ``queries`` (the registry and
``queries.explore``), render. It imports neither ``neo4j`` nor ``networkx``
(tests/test_web_imports.py checks): all store work happens in ``queries``.

``create_app(test_config=None, *, config=None, store=None)``: a given ``store``
is used as is (the caller closes it); otherwise one store is opened from
``config`` (or the environment) on first use and closed at exit.

Every route needs a login (``web.auth``; roles in ``web.access``) except the
login page, ``/healthz`` and static files. Users, sessions, tokens, the
audit log and the generated secret key live in the data directory:
``DATA_DIR`` in ``test_config``, else the embedded store's directory, else
``config.data_dir`` (``ALUMNI_GRAPH_DATA_DIR``).
"""
from __future__ import annotations

import atexit
import logging
import threading

from flask import Flask, current_app, g, request
from werkzeug.exceptions import HTTPException

from alumni_graph.graph_service.errors import AlumniGraphError, ParameterError
from alumni_graph.web import i18n

log = logging.getLogger("alumni_graph.web")

DEFAULTS = {
    # The graph explorer's cap per drawing; above it the page says "showing N of M".
    "GRAPH_MAX_NODES": 500,
    "GRAPH_MAX_EDGES": 1500,
    # Above this many nodes positions come from the server and physics is off.
    "GRAPH_LAYOUT_THRESHOLD": 150,
    # Uploads (the import page); Flask answers 413 above it.
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    "UPLOAD_TTL_SECONDS": 1800,
    # Each upload is checked, and loaded, in a child process with these limits
    # (loaders.isolated): memory in MiB (plus room for the embedded store's
    # graph), seconds of CPU and wall clock.
    "UPLOAD_MEMORY_MB": 1024,
    "UPLOAD_CHECK_SECONDS": 120,
    "UPLOAD_LOAD_SECONDS": 900,
    # Person phone/email: hidden, masked or full (see web.access).
    "CONTACT_DETAILS": "full",
    # Rows of a query export (CSV/XLSX).
    "EXPORT_MAX_ROWS": 5000,
}

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class _StoreHolder:
    """One store per process, opened on first use (so the app starts even if
    Neo4j is still booting; requests answer 503 until it is up)."""

    def __init__(self, store, config):
        self._store = store
        self._config = config
        self._lock = threading.Lock()

    def get(self):
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from alumni_graph.graph_service import Config, open_store

                    store = open_store(self._config or Config.from_env())
                    # A load by another process must not block the web's readers:
                    # the embedded store reloads its file in the background.
                    if hasattr(store, "reload_in_background"):
                        store.reload_in_background = True
                    atexit.register(store.close)
                    self._store = store
        return self._store


def get_store():
    """The store, synced once per request: a write committed by any process
    (a CLI ``subject delete``, a load) before this request is visible to it."""
    from flask import has_request_context

    store = current_app.extensions["alumni_graph_store"].get()
    if has_request_context() and not g.get("_store_synced"):
        store.sync()
        g._store_synced = True
    return store


def create_app(test_config: dict | None = None, *, config=None, store=None) -> Flask:
    from alumni_graph.security.private import private_umask

    private_umask()  # uploads, exports, SQLite files, temp files: 0600 whatever the umask
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    from alumni_graph.web.auth import AUTH_DEFAULTS

    app.config.from_mapping(AUTH_DEFAULTS)  # cookie flags, session timeouts, login limits
    from alumni_graph.web import settings
    from alumni_graph.web.cache import CACHE_DEFAULTS

    app.config.from_mapping(settings.EXTRA)
    app.config.from_mapping(CACHE_DEFAULTS)  # the result cache (web.cache)
    if config is None and store is None:  # a WSGI server's create_app(): the environment
        from alumni_graph.graph_service import Config

        config = Config.from_env()
    if config is not None:  # the operator's ALUMNI_GRAPH_* settings (one-line errors)
        settings.apply(app, config.web)
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["alumni_graph_store"] = _StoreHolder(store, config)
    from alumni_graph.web import cache

    cache.init_app(app)

    from alumni_graph.web import analyses, api, pages, tracer, users, work

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(analyses.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(tracer.bp)
    app.register_blueprint(work.bp)

    @app.before_request
    def _language_and_origin():
        g.lang = _request_lang()
        # Besides the CSRF token (web.auth), refuse outright state-changing
        # requests another site's page makes a staff browser send.
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            if request.headers.get("Sec-Fetch-Site") == "cross-site":
                return _error_response(403, "cross-site request refused")
            origin = request.headers.get("Origin")
            if origin and origin != "null" and origin.split("://", 1)[-1] != request.host:
                return _error_response(403, "cross-site request refused")
        return None

    from alumni_graph.web import auth

    data_dir = _data_dir(app, config, store)
    from alumni_graph.security.private import check_private, make_private_dir

    make_private_dir(data_dir)
    check_private(data_dir)  # warns (with the fix) when older files are readable by others
    auth.init_app(app, data_dir)
    if app.config["TRUST_PROXY"]:
        # Behind one HTTPS reverse proxy: take the scheme and the client's address
        # from its X-Forwarded-* headers (Secure cookies, per-address login limits).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    @app.after_request
    def _security_headers(response):
        h = response.headers
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"
        h["X-Frame-Options"] = "DENY"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.endpoint in ("static", "pages.vendor"):
            h["Cache-Control"] = "public, max-age=86400"
        else:
            # Pages and JSON carry personal data: never in a shared or disk cache.
            h["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(AlumniGraphError)
    def _our_error(exc: AlumniGraphError):
        status = exc.status
        if status >= 500:
            # Store or configuration trouble: the message may name hosts or
            # Cypher, so the client gets a generic text and the log the class.
            log.warning("%s on %s: %s", exc.__class__.__name__, request.endpoint, exc.message)
            return _error_response(status, None)
        return _error_response(status, exc.message, exc.errors)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        message = None
        if exc.code == 413:
            mib = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = i18n.translate(_lang(), "too_large", mib=mib)
        resp = _error_response(exc.code or 500, message)
        if exc.code == 405:
            # RFC 9110: a 405 lists the methods the resource allows.
            for name, value in exc.get_headers():
                if name.lower() == "allow":
                    resp.headers["Allow"] = value
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # No traceback to the client, and none in the log either: exception
        # messages can hold row values (personal data). Class and place only.
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
        log.error("unexpected %s on %s at %s", exc.__class__.__name__, request.endpoint, where)
        return _error_response(500, None)

    return app


def _data_dir(app: Flask, config, store):
    from pathlib import Path

    if app.config.get("DATA_DIR"):
        return Path(app.config["DATA_DIR"])
    if getattr(store, "data_dir", None) is not None:
        return Path(store.data_dir)
    if config is None:
        from alumni_graph.graph_service import Config

        config = Config.from_env()
    return Path(config.data_dir)


def _request_lang() -> str:
    """The switch's cookie; for the JSON API also ``Accept-Language`` (a
    client's way to ask; pages keep Indonesian unless switched)."""
    api = request.path.startswith("/api/")
    return i18n.pick_lang(request.cookies.get(i18n.COOKIE),
                          request.accept_languages if api else None)


def _lang() -> str:
    return getattr(g, "lang", None) or _request_lang()


def wants_json() -> bool:
    path = request.path
    if path.startswith("/api/") or path.endswith(".json"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _error_response(status: int, message: str | None, errors: list | None = None):
    from flask import jsonify, render_template

    lang = _lang()
    text = message or i18n.translate(lang, f"error_{status}")
    if text == f"error_{status}":
        text = i18n.translate(lang, "error_500" if status >= 500 else "error_400")
    if wants_json():
        # Messages written in both languages ("English / Indonesian") come in the one
        # asked for (Accept-Language or the switch); unasked, both halves as before.
        asked = request.path.startswith("/api/") and bool(
            request.headers.get("Accept-Language") or request.cookies.get(i18n.COOKIE))
        one = (lambda t: i18n.one_language(t, lang)) if asked else (lambda t: t)
        errors = [{**e, "message": one(e["message"])}
                  if isinstance(e, dict) and "message" in e else e for e in errors or []]
        resp = jsonify({"ok": False, "error": one(text), "errors": errors, "status": status})
    else:
        # A page speaks its own language: the half of a two-language message.
        errors = [{**e, "message": i18n.one_language(e["message"], lang)}
                  if isinstance(e, dict) and isinstance(e.get("message"), str) else e
                  for e in errors or []]
        resp = current_app.make_response(
            render_template("error.html", status=status, message=i18n.one_language(text, lang),
                            errors=errors)
        )
    resp.status_code = status
    return resp


def param_error(param: str, value, message: str) -> ParameterError:
    """A 400 that names the parameter (the value is cut short: it may be personal)."""
    shown = value if isinstance(value, (int, float)) or value is None else str(value)[:40]
    english, both, indonesian = message.partition(" / ")
    text = f"{param}: {english} / {param}: {indonesian}" if both else f"{param}: {message}"
    return ParameterError(text, [{"param": param, "value": shown, "message": message}])
