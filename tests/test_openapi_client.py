"""The API as a generated client sees it, on both stores.

``/api/v1/openapi.json`` must be a valid OpenAPI 3.1 document
(openapi-spec-validator), and a client generated from it by
openapi-python-client must parse the rows of every query operation against a
live server (werkzeug on 127.0.0.1 in a thread, a bearer token). Also here:
each query's row schema holds for every row on both stores, paging with
totals, ``Allow`` on 405, malformed JSON, a bad NISN, ``Accept-Language``
and ``ETag`` / ``If-None-Match``.
"""
from __future__ import annotations

import datetime
import importlib
import json
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import jsonschema
import pytest
from werkzeug.serving import make_server

import analyses_support as sup
import queries_support as qs
from alumni_graph.security.accounts import Accounts
from alumni_graph.graph_service.embedded import EmbeddedStore
from alumni_graph.loaders import load_paths
from alumni_graph.queries import REGISTRY
from test_work_queries import QUERIES as WORK_QUERIES, WORK
from alumni_graph.web import create_app
from alumni_graph.web.openapi import openapi_document

def _golden_calls() -> dict:
    """Per query, the parameters of its golden file with the most rows."""
    best: dict = {}
    for path in sorted(qs.GOLDEN.glob("*.json")):
        golden = json.loads(path.read_text(encoding="utf-8"))
        if len(golden["rows"]) > best.get(golden["query"], (-1, None))[0]:
            best[golden["query"]] = (len(golden["rows"]), golden["params"])
    return {name: params for name, (_, params) in best.items()}


#: Every query with parameters that give rows on the edge + analyses datasets.
CALLS = {**_golden_calls(), **{name: {"as_of": sup.AS_OF, "npsn": sup.SCHOOL} for name in sup.ANALYSES},
         **{name: {"as_of": qs.AS_OF, **params} for name, params in reversed(WORK_QUERIES)}}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, neo4j_server):
    emb_dir = tmp_path_factory.mktemp("oa") / "data"
    emb = EmbeddedStore(emb_dir)
    neo = qs.open_neo4j(neo4j_server)
    neo.clear()
    for store in (emb, neo):
        qs.load_edge(store)
        sup.load(store)
        assert load_paths(store, [WORK]).ok
    yield {"embedded": emb, "neo4j": neo}
    neo.close()


@pytest.fixture(params=["embedded", "neo4j"], scope="module")
def server(request, loaded, tmp_path_factory):
    """A live server on 127.0.0.1 over one store, and an admin's API token."""
    data_dir = tmp_path_factory.mktemp(f"srv-{request.param}")
    app = create_app({"TESTING": False, "DATA_DIR": str(data_dir)}, store=loaded[request.param])
    accounts = Accounts(data_dir)
    accounts.add_user("api-admin", "admin", "a-long-password-1")
    _, token = accounts.create_token("api-admin", label="generated client")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{httpd.server_port}", "token": token, "app": app,
           "store": loaded[request.param]}
    httpd.shutdown()


def _get(server, path, *, headers=None, method="GET", data=None):
    req = urllib.request.Request(server["url"] + path, method=method, data=data,
                                 headers={"Authorization": f"Bearer {server['token']}", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_calls_cover_every_query():
    assert set(CALLS) == set(REGISTRY)


def test_document_is_valid_openapi(server):
    from openapi_spec_validator import validate

    status, _, body = _get(server, "/api/v1/openapi.json")
    assert status == 200
    doc = json.loads(body)
    validate(doc)
    qr = doc["components"]["schemas"]["QueryResult"]["properties"]
    assert qr["columns"]["items"] == {"type": "string"}
    for name in REGISTRY:
        row = doc["components"]["schemas"][f"{name}_row"]
        assert row["required"] == list(REGISTRY[name].columns)
        assert all("type" in s for s in row["properties"].values())


def test_every_row_of_every_query_matches_its_schema(server):
    """The declared column types are true on this store (both stores run this)."""
    for name, params in CALLS.items():
        status, _, body = _get(server, f"/api/v1/query/{name}?" + urllib.parse.urlencode(params))
        assert status == 200, (name, body[:300])
        result = json.loads(body)
        assert result["rows"], name  # the datasets give every query rows
        schema = REGISTRY[name].row_schema()
        for row in result["rows"]:
            jsonschema.validate(row, schema)


@pytest.fixture(scope="module")
def generated_client(tmp_path_factory, loaded):
    """openapi-python-client run on the document; the package imported."""
    out = tmp_path_factory.mktemp("client")
    app = create_app({"TESTING": True, "DATA_DIR": str(out / "d")}, store=loaded["embedded"])
    spec = out / "openapi.json"
    spec.write_text(json.dumps(openapi_document(app)), encoding="utf-8")
    config = out / "config.json"
    config.write_text(json.dumps({"post_hooks": [], "project_name_override": "gen",
                                  "package_name_override": "gen"}), encoding="utf-8")
    exe = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run([str(exe), "generate", "--path", str(spec), "--output-path",
                           str(out / "gen"), "--meta", "none", "--config", str(config)],
                          capture_output=True, text=True, timeout=300, cwd=out)
    assert done.returncode == 0, done.stdout + done.stderr
    # Warnings mean an operation or schema the generator skipped.
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    try:
        package = importlib.import_module("gen")
        yield package
    finally:
        sys.path.remove(str(out))
        for mod in [m for m in sys.modules if m == "gen" or m.startswith("gen.")]:
            del sys.modules[mod]
        shutil.rmtree(out, ignore_errors=True)


def test_generated_client_parses_every_query(server, generated_client):
    client = generated_client.AuthenticatedClient(base_url=server["url"], token=server["token"],
                                                  raise_on_unexpected_status=True)
    api = importlib.import_module("gen.api.default")
    seen = set()
    for name, params in CALLS.items():
        module = importlib.import_module(f"gen.api.default.query_{name}_get")
        typed = REGISTRY[name].validate(params)
        kinds = {p.name: p.type for p in REGISTRY[name].params}
        kwargs = {k: datetime.date.fromisoformat(typed[k]) if kinds[k] == "date" else typed[k]
                  for k in params}
        response = module.sync_detailed(client=client, **kwargs)
        assert response.status_code == 200, (name, response.content[:300])
        parsed = response.parsed
        assert parsed is not None, name
        assert parsed.rows, name
        row = parsed.rows[0]
        assert not isinstance(row, dict), (name, type(row))  # a typed row model
        for column in REGISTRY[name].columns:
            # (the generator adds "_" to names Python has, e.g. open_)
            assert hasattr(row, column) or hasattr(row, column + "_"), (name, column)
        assert parsed.total >= len(parsed.rows)
        seen.add(name)
    assert seen == set(REGISTRY)
    assert api is not None


# -- paging, errors, languages, ETags -----------------------------------------------

def test_paging_with_totals(server):
    base = "/api/v1/query/untraced_reach?as_of=2025-07-01"
    _, _, body = _get(server, base)
    whole = json.loads(body)
    assert whole["total"] == len(whole["rows"]) and whole["total"] >= 3
    assert whole["next_offset"] is None
    pages, offset = [], 0
    while offset is not None:
        _, _, body = _get(server, f"{base}&limit=2&offset={offset}")
        page = json.loads(body)
        assert page["total"] == whole["total"] and page["limit"] == 2 and page["count"] <= 2
        pages += page["rows"]
        offset = page["next_offset"]
    assert pages == whole["rows"]
    # A query without its own limit pages the same way.
    _, _, body = _get(server, "/api/v1/query/tracer_summary?as_of=2025-07-01&limit=1&offset=1")
    page = json.loads(body)
    assert page["count"] == 1 and page["offset"] == 1 and page["total"] > 1
    status, _, body = _get(server, f"{base}&offset=-1")
    assert status == 400 and json.loads(body)["errors"][0]["param"] == "offset"


def test_405_lists_allowed_methods(server):
    status, headers, _ = _get(server, "/api/v1/search?q=ab", method="DELETE")
    assert status == 405
    assert set(headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    assert "DELETE" not in headers["Allow"]


def test_malformed_json_is_a_400_that_says_so(server):
    status, _, body = _get(server, "/api/v1/query/alumni_at_employer", method="POST",
                           data=b'{"employer": "E01",', headers={"Content-Type": "application/json",
                                                                 "Accept-Language": "en"})
    answer = json.loads(body)
    assert status == 400
    assert answer["errors"][0]["param"] == "body" and "not valid JSON" in answer["error"]


def test_person_with_a_malformed_nisn_is_a_400(server):
    status, _, body = _get(server, "/api/v1/person/abc")
    assert status == 400 and json.loads(body)["errors"][0]["param"] == "nisn"


def test_errors_in_the_language_asked_for(server):
    path = "/api/v1/query/prospective_partners?npsn=20300001&limit=zero"
    _, _, en = _get(server, path, headers={"Accept-Language": "en-US,en;q=0.9"})
    _, _, id_ = _get(server, path, headers={"Accept-Language": "id-ID,id;q=0.9"})
    en, id_ = json.loads(en), json.loads(id_)
    assert en["errors"][0]["message"] == "must be a whole number"
    assert id_["errors"][0]["message"] == "harus bilangan bulat"
    assert "/" not in en["error"] and "/" not in id_["error"]


def test_etag_and_if_none_match(server):
    store = server["store"]
    path = "/api/v1/query/alumni_at_employer?employer=E01&as_of=2025-07-01"
    status, headers, _ = _get(server, path)
    etag = headers["ETag"]
    assert status == 200 and etag
    status, headers, body = _get(server, path, headers={"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["ETag"] == etag
    # Another user's or another language's answer has another ETag.
    _, other, _ = _get(server, path, headers={"Accept-Language": "en"})
    assert other["ETag"] != etag
    # Any committed write changes it.
    store.upsert_nodes("School", [{"npsn": "20999999", "name": "Sekolah Baru"}], source="etag-test")
    try:
        status, headers, _ = _get(server, path, headers={"If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag
    finally:
        store.delete_node("School", ("20999999",))
