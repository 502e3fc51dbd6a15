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


#: The operations that write (a work record, a correction, a deletion): each
#: runs on a fresh app and graph of its own. Every other operation only reads
#: and runs on one app per store shared by the module (building a graph and an
#: app per case was most of this module's time); the shared graph is checked
#: unchanged after each case, so a read that starts writing fails here.
WRITES = {(path, method) for path, method, _ in OPERATIONS
          if method != "get" and not path.startswith("/api/v1/query/")}
#: How many writer cases have run (they clear and reload the one Neo4j database).
_writer_runs = [0]


@pytest.fixture
def api_app_on(store, data_dir):
    """An app over the fixture graph, on each store (a fresh one: for writers)."""
    fx.build(store)
    _writer_runs[0] += 1
    return create_app({"TESTING": True, "DATA_DIR": data_dir}, store=store)


def _graph_state(store) -> tuple:
    """What a read must leave as it was: every node and relationship, and (on
    the embedded store) the committed file's stamp."""
    nodes = sorted(repr(sorted(n.items())) for label in ("School", "Program", "Person", "Employer")
                   for n in store.iter_nodes(label))
    counts = (store.count_nodes(), store.count_relationships())
    return (counts, nodes, store.version() if store.__class__.__name__ == "EmbeddedStore" else None)


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def shared_api(request, tmp_path_factory):
    """One app over the fixture graph per store, for the operations that only read."""
    if request.param == "neo4j":
        from queries_support import open_neo4j

        store = open_neo4j(request.getfixturevalue("neo4j_server"), batch_size=500)
    else:
        store = EmbeddedStore(tmp_path_factory.mktemp("openapi-shared") / "data", batch_size=500)
    yield {"store": store, "built_at": None,
           "app": create_app({"TESTING": True, "DATA_DIR": tmp_path_factory.mktemp("openapi-data")},
                             store=store)}
    if request.param == "neo4j":
        store.close()


@pytest.fixture
def read_app_on(shared_api):
    """The shared app of the case's store, its graph (re)built when new or when
    a writer case cleared the Neo4j database since; checked unchanged after."""
    store = shared_api["store"]
    if shared_api["built_at"] != _writer_runs[0]:
        store.clear()
        fx.build(store)
        shared_api["built_at"] = _writer_runs[0]
    before = _graph_state(store)
    yield shared_api["app"]
    assert _graph_state(store) == before, "a read-only operation changed the graph"


def _schema(app, auth: dict):
    """The schema as ``auth`` is served it, parsed once per app and document
    (parsing is most of a case's cost; every case still fetches its own)."""
    served = app.test_client().get("/api/v1/openapi.json", headers=auth)
    assert served.status_code == 200, served.status_code
    parsed = app.extensions.setdefault("test_openapi_parsed", {})
    if served.data not in parsed:
        parsed[served.data] = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=auth)
    return parsed[served.data]


READS = [op for op in OPERATIONS if op[:2] not in WRITES]
WRITERS = [op for op in OPERATIONS if op[:2] in WRITES]


def _honours_its_schema(app, role, path, method, roles):
    """Every operation as each role: no 5xx, documented status codes and
    bodies; an operation the role may not use answers 403 every time."""
    auth = {"Authorization": f"Bearer {token(app, role)}"}
    operation = _schema(app, auth)[path][method]
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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path,method,roles", READS, ids=[f"{m.upper()} {p}" for p, m, _ in READS])
def test_api_honours_its_schema(read_app_on, role, path, method, roles):
    """Each reading operation as each role, on the module's app of each store."""
    _honours_its_schema(read_app_on, role, path, method, roles)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path,method,roles", WRITERS, ids=[f"{m.upper()} {p}" for p, m, _ in WRITERS])
def test_api_writes_honour_its_schema(api_app_on, role, path, method, roles):
    """Each writing operation as each role, on a fresh app and graph of each store."""
    _honours_its_schema(api_app_on, role, path, method, roles)


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
