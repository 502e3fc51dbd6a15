"""The OpenAPI document: generated from the routes and the registry (so it
covers every API route), and the API honours it under schemathesis."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance,
    status_code_conformance,
)

import web_fixture as fx
from graph_service.embedded import EmbeddedStore
from queries import REGISTRY
from web import create_app


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("openapi"))
    fx.build(store)
    return create_app({"TESTING": True}, store=store)


def test_document_covers_every_api_route(api_app):
    doc = api_app.test_client().get("/api/v1/openapi.json").get_json()
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
        from web.openapi import openapi_document

        openapi_document(app)


def _operation_labels() -> list[tuple[str, str]]:
    """(path, method) of every operation, read at collection time from an app
    over an empty store (the document does not depend on the data)."""
    import tempfile

    app = create_app({"TESTING": True}, store=EmbeddedStore(tempfile.mkdtemp(prefix="openapi-")))
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    return [(path, method) for path, ops in doc["paths"].items() for method in ops]


OPERATIONS = _operation_labels()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(store):
    """The schema bound to an app over the fixture graph, on each store."""
    fx.build(store)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json",
                                          create_app({"TESTING": True}, store=store))


@pytest.mark.parametrize("path,method", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_api_honours_its_schema(api_schema, path, method):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()
