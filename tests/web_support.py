"""Fixtures shared by the web tests (imported by name into each test module)."""
from __future__ import annotations

import pytest

import web_fixture as fx
from web import create_app


@pytest.fixture
def web_store(store):
    """The hostile-names fixture graph, on each store in turn."""
    fx.build(store)
    return store


@pytest.fixture
def app(web_store):
    return create_app({"TESTING": True}, store=web_store)


@pytest.fixture
def client(app):
    return app.test_client()


def ok_json(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["ok"] is (status < 400)
    return body
