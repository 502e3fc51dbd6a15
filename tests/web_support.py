"""Fixtures shared by the web tests (imported by name into each test module).

Every route needs a login now: ``client`` is logged in as ``admin`` (the role
that may use every page); ``login(app, role)`` gives a client of any role
(server-side session planted directly, CSRF header preset), ``token(app, role)``
an API token, ``form_login(client, name, password)`` goes through the real
login form.
"""
from __future__ import annotations

import re

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
