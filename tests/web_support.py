"""Fixtures shared by the web tests (imported by name into each test module).

Every route needs a login now: ``client`` is logged in as ``admin`` (the role
that may use every page); ``login(app, role)`` gives a client of any role
(server-side session planted directly, CSRF header preset), ``token(app, role)``
an API token, ``form_login(client, name, password)`` goes through the real
login form.

The browser tests (Chromium through Playwright) share the rest: the
``browser`` fixture (one per run, from tests/conftest.py), :func:`live_server` (a module's ``live`` fixture: a real
server over a loaded graph, on each store in turn), :class:`Watch`,
:func:`log_in` and :func:`open_page`.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

import web_fixture as fx
from alumni_graph.web import create_app

PASSWORD = "kata-sandi-uji-123"
ROLES = ("admin", "bkk", "humas", "viewer")


@pytest.fixture
def web_store(store):
    """The hostile-names fixture graph, on each store in turn."""
    fx.build(store)
    return store


@pytest.fixture
def app(web_store, data_dir):
    return create_app({"TESTING": True, "DATA_DIR": data_dir}, store=web_store)


@pytest.fixture
def client(app):
    return login(app, "admin")


@pytest.fixture
def make_client(web_store, data_dir):
    """``make_client(config=None, role="admin")``: a logged-in client of a new app
    over the fixture graph with extra config."""
    def make(config: dict | None = None, role: str | None = "admin", store=None):
        a = create_app({"TESTING": True, "DATA_DIR": data_dir, **(config or {})},
                       store=store if store is not None else web_store)
        return login(a, role) if role else a.test_client()

    return make


def accounts(app):
    return app.extensions["alumni_graph_accounts"]


def user(app, role: str, name: str | None = None) -> dict:
    """The test user of ``role`` (created on first use, password PASSWORD)."""
    name = name or f"uji-{role}"
    found = accounts(app).get_user(name)
    return found or accounts(app).add_user(name, role, PASSWORD)


def login(app, role: str, name: str | None = None):
    """A test client with a live session of a user of ``role``; every request
    it makes carries the session's CSRF token in X-CSRF-Token."""
    u = user(app, role, name)
    c = app.test_client()
    sid = accounts(app).create_session(u["id"])
    csrf = f"csrf-{role}-{u['id']}-token"
    with c.session_transaction() as s:
        s["sid"] = sid
        s["csrf"] = csrf
    c.environ_base["HTTP_X_CSRF_TOKEN"] = csrf
    return c


def token(app, role: str) -> str:
    u = user(app, role)
    return accounts(app).create_token(u["name"], "test")[1]


def csrf_from(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def form_login(c, name: str, password: str = PASSWORD, next_url: str = "/"):
    """Log in through the login form (GET for the CSRF token, then POST)."""
    page = c.get("/masuk")
    return c.post("/masuk", data={"username": name, "password": password, "next": next_url,
                                  "csrf_token": csrf_from(page.get_data(as_text=True))})


def ok_json(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["ok"] is (status < 400)
    return body


# -- browser tests -----------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    """The system's Chromium (headless), one for the whole run (registered in
    tests/conftest.py; each test opens its own context, so no cookie, storage
    or page is shared between tests)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        yield b
        b.close()


def live_server(load=fx.build, *, roles=("admin", "viewer"), name: str = "browser"):
    """A module-scoped ``live`` fixture, run on each store in turn: a live server
    (werkzeug, threaded, 127.0.0.1) over a graph loaded by ``load(store)``, with a
    user ``uji-<role>`` (password PASSWORD) per role. It yields ``{"url", "store"
    (embedded|neo4j), "app", "graph"}``. In a test module: ``live = live_server()``."""

    @pytest.fixture(scope="module", params=["embedded", "neo4j"])
    def live(request, tmp_path_factory):
        from werkzeug.serving import make_server

        if request.param == "neo4j":
            from alumni_graph.graph_service.neo4j_store import Neo4jStore

            srv = request.getfixturevalue("neo4j_server")
            store = Neo4jStore(srv["uri"], user=srv["user"], password=srv["password"],
                               database=os.environ.get("NEO4J_DATABASE", "neo4j"))
            store.clear()
        else:
            from alumni_graph.graph_service.embedded import EmbeddedStore

            store = EmbeddedStore(tmp_path_factory.mktemp(name))
        load(store)
        app = create_app({"DATA_DIR": tmp_path_factory.mktemp(f"{name}-data")}, store=store)
        for role in roles:
            accounts(app).add_user(f"uji-{role}", role, PASSWORD)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield {"url": f"http://127.0.0.1:{server.server_port}", "store": request.param, "app": app,
               "graph": store}
        server.shutdown()
        store.close()

    return live


class Watch:
    """What a page did that it must not: console errors, outside requests, dialogs."""

    def __init__(self, page, base: str):
        self.errors, self.outside, self.dialogs = [], [], []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r):
            url = r.request.url
            if url.startswith(base + "/") or url.startswith("data:"):
                r.continue_()
            else:
                self.outside.append(url)
                r.abort()

        page.route("**/*", route)

    def assert_clean(self, page):
        assert self.errors == [], self.errors
        assert self.outside == [], self.outside
        assert self.dialogs == [], self.dialogs
        assert page.evaluate("() => window.__xss") is None


def log_in(p, live, role: str = "admin") -> None:
    """Log in as ``uji-<role>`` through the login form (the user is made if missing)."""
    if accounts(live["app"]).get_user(f"uji-{role}") is None:
        accounts(live["app"]).add_user(f"uji-{role}", role, PASSWORD)
    p.goto(live["url"] + "/masuk")
    p.fill("#login-username", f"uji-{role}")
    p.fill("#login-password", PASSWORD)
    with p.expect_navigation():
        p.click("#login-submit")
    assert p.locator("#current-user").count() == 1


def open_page(browser, live, role: str | None = None, viewport=None, timeout: int = 15_000):
    """``(context, page)``: a new browser context at ``viewport`` (default 1366×768)
    with a :class:`Watch` as ``page.watch``, logged in as ``role`` unless None."""
    context = browser.new_context(viewport=viewport or {"width": 1366, "height": 768})
    p = context.new_page()
    p.set_default_timeout(timeout)
    p.watch = Watch(p, live["url"])
    if role:
        log_in(p, live, role)
    return context, p
