"""The OpenAPI document: generated from the routes and the registry (so it
covers every API route), and the API honours it under schemathesis, run
authenticated (Bearer token) as each role, and without auth (401 only)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance,
    status_code_conformance,
)

import web_fixture as fx
from alumni_graph.graph_service.embedded import EmbeddedStore
from alumni_graph.queries import REGISTRY
from alumni_graph.web import create_app
from web_support import ROLES, login, token


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("openapi"))
    fx.build(store)
    return create_app({"TESTING": True}, store=store)


def test_document_covers_every_api_route(api_app):
    assert api_app.test_client().get("/api/v1/openapi.json").status_code == 401
    doc = login(api_app, "viewer").get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = set(doc["paths"])
    for rule in api_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        if "<name>" in rule.rule:
            expected = {rule.rule.replace("<name>", name) for name in REGISTRY}
        else:
            import re

            expected = {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)}
        assert expected <= documented, rule.rule
    params = {p["name"]: p for p in doc["paths"]["/api/v1/query/prospective_partners"]["get"]["parameters"]}
    assert params["npsn"]["required"] and params["category"]["schema"]["enum"]
    assert params["limit"]["schema"]["maximum"] == 1000


def test_an_undocumented_route_breaks_the_document(api_app):
    from flask import Blueprint

    app = create_app(store=api_app.extensions["alumni_graph_store"].get())
    extra = Blueprint("extra", __name__, url_prefix="/api/v1")
    extra.add_url_rule("/sneaky", "sneaky", lambda: "")
    app.register_blueprint(extra)
    with pytest.raises(RuntimeError, match="sneaky"):
        from alumni_graph.web.openapi import openapi_document

        openapi_document(app)


def _operation_labels() -> list[tuple[str, str]]:
    """(path, method) of every operation, read at collection time from an app
    over an empty store (the document does not depend on the data)."""
    import tempfile

    from alumni_graph.web.openapi import openapi_document

    app = create_app({"TESTING": True}, store=EmbeddedStore(tempfile.mkdtemp(prefix="openapi-")))
    doc = openapi_document(app)
    return [(path, method, tuple(op.get("x-roles") or ()))
            for path, ops in doc["paths"].items() for method, op in ops.items()]


OPERATIONS = _operation_labels()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api_app_on(store, data_dir):
    """An app over the fixture graph, on each store."""
    fx.build(store)
    return create_app({"TESTING": True, "DATA_DIR": data_dir}, store=store)


def _schema(app, auth: dict):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=auth)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path,method,roles", OPERATIONS,
                         ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS])
def test_api_honours_its_schema(api_app_on, role, path, method, roles):
    """Every operation as each role: no 5xx, documented status codes and
    bodies; an operation the role may not use answers 403 every time."""
    auth = {"Authorization": f"Bearer {token(api_app_on, role)}"}
    operation = _schema(api_app_on, auth)[path][method]
    allowed = role in roles

    @given(case=operation.as_strategy())
    @settings(max_examples=15 if allowed else 3, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call_and_validate(headers=auth, checks=CHECKS)
        if not allowed:
            assert response.status_code == 403, (role, path, method, response.status_code)
        else:
            assert response.status_code != 403, (role, path, method)

    run()


@pytest.mark.parametrize("path,method,roles", OPERATIONS,
                         ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS])
def test_api_without_auth_is_401_only(api_app, path, method, roles):
    """The same operations without credentials (or with a made-up token): 401, nothing else."""
    operation = _schema(api_app, {"Authorization": f"Bearer {token(api_app, 'viewer')}"})[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=5, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(headers={})
        assert response.status_code == 401, (path, method, response.status_code)
        assert response.json()["ok"] is False
        forged = case.call(headers={"Authorization": "Bearer agt_forged-token"})
        assert forged.status_code == 401

    run()
