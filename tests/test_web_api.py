"""The JSON API on both stores: envelopes, errors, consent, caps, headers."""
from __future__ import annotations

import pytest

import web_fixture as fx
from alumni_graph.graph_service.errors import StoreUnavailable
from alumni_graph.web import create_app
from web_support import app, client, login, make_client, ok_json, web_store  # noqa: F401 (fixtures)


def test_queries_lists_the_registry(client):
    body = ok_json(client.get("/api/v1/queries"))
    names = {q["name"] for q in body["queries"]}
    assert {"prospective_partners", "referral_paths", "alumni_at_employer"} <= names


def test_query_get_and_post(client):
    body = ok_json(client.get(f"/api/v1/query/prospective_partners?npsn={fx.NPSN}&as_of=2026-11-01"))
    assert body["query"] == "prospective_partners" and body["params"]["npsn"] == fx.NPSN
    assert "code" in body["columns"] and {r["code"] for r in body["rows"]} == {"E-001", "E-003", "E-004"}
    posted = ok_json(client.post("/api/v1/query/prospective_partners",
                                 json={"npsn": fx.NPSN, "as_of": "2026-11-01"}))
    assert posted["rows"] == body["rows"]
    paths = ok_json(client.post("/api/v1/query/referral_paths",
                                json={"nisn": "0051000003", "employer": "E-002"}))
    assert paths["rows"] and paths["rows"][0]["nodes"][0]["key"] == "0051000003"


def test_query_errors_are_json(client):
    bad = ok_json(client.get(f"/api/v1/query/prospective_partners?npsn={fx.NPSN}&limit=zero"), 400)
    assert bad["status"] == 400 and [e["param"] for e in bad["errors"]] == ["limit"]
    missing = ok_json(client.get("/api/v1/query/prospective_partners"), 400)
    assert missing["errors"][0]["param"] == "npsn"
    unknown = ok_json(client.get("/api/v1/query/drop_everything"), 404)
    assert unknown["status"] == 404
    no_person = ok_json(client.get("/api/v1/query/referral_paths?nisn=0000000000&employer=E-001"), 404)
    assert "Traceback" not in no_person["error"]
    not_object = ok_json(client.post("/api/v1/query/referral_paths", json=[1, 2]), 400)
    assert not_object["errors"][0]["param"] == "body"


def test_raw_cypher_is_never_accepted(client):
    # There is no endpoint that takes query text; a "cypher" parameter is just unknown.
    r = client.post("/api/v1/query/MATCH (n) DETACH DELETE n", json={})
    assert r.status_code == 404
    body = ok_json(client.get(f"/api/v1/query/prospective_partners?npsn={fx.NPSN}&cypher=MATCH%20(n)%20RETURN%20n"), 400)
    assert body["errors"][0]["param"] == "cypher"


def test_search(client):
    body = ok_json(client.get("/api/v1/search?q=ani&types=person"))
    assert [r["key"] for r in body["results"]] == ["0051000001"]
    assert ok_json(client.get("/api/v1/search?q=e-001&types=employer&limit=2"))["results"][0]["key"] == "E-001"
    bad = ok_json(client.get("/api/v1/search?q=an&types=planet"), 400)
    assert bad["errors"][0]["param"] == "types"


def test_person_contact_is_consent_aware_and_masked(app, client):
    # bkk and admin see contact details in full (audit-logged); humas in full
    # for an adult alumna who agreed to be contacted (outreach), masked for a
    # student (web/names.py, the contact rule)
    assert ok_json(client.get("/api/v1/person/0051000001"))["entity"]["contact"]["phone"] == "081234500001"
    client = login(app, "humas")
    ani = ok_json(client.get("/api/v1/person/0051000001"))["entity"]
    assert ani["contact"] == {"shown": True, "masked": False, "phone": "081234500001",
                              "email": "siswa0001@example.org", "tel": "tel:081234500001",
                              "wa": "https://wa.me/6281234500001"}
    assert "phone" not in ani["properties"] and "email" not in ani["properties"]
    dewi = ok_json(client.get("/api/v1/person/0051000004"))["entity"]  # a student
    assert dewi["contact"] == {"shown": True, "masked": True, "phone": "0812*****004",
                               "email": "s***@example.org"}
    # Budi gave no display consent: humas may not open his record at all, even
    # knowing his NISN (no name, employers or contacts in the answer)
    refused = client.get("/api/v1/person/0051000002")
    body = ok_json(refused, 404)  # the same answer as for a NISN that does not exist
    assert body["error"] == ok_json(client.get("/api/v1/person/0059999999"), 404)["error"]
    text = refused.get_data(as_text=True)
    assert "Budi" not in text and "081234500002" not in text and "E-001" not in text
    # bkk may (contacts follow contact consent, which Budi did not give)
    budi = ok_json(login(app, "bkk").get("/api/v1/person/0051000002"))["entity"]
    assert budi["contact"]["shown"] is False and budi["contact"]["reason"] == "no_consent"
    assert "081234500002" not in login(app, "bkk").get("/api/v1/person/0051000002").get_data(as_text=True)


@pytest.mark.parametrize("policy,role,phone", [
    ("full", "admin", "081234500001"), ("full", "bkk", "081234500001"), ("full", "humas", "081234500001"),
    ("masked", "admin", "0812*****001"), ("masked", "bkk", "0812*****001"), ("masked", "humas", "0812*****001"),
    ("hidden", "admin", None), ("hidden", "bkk", None), ("hidden", "humas", None),
])
def test_contact_policy_from_config(make_client, policy, role, phone):
    """CONTACT_DETAILS is the school's ceiling over every role's contact rule
    (Ani is an adult alumna who agreed to be contacted: humas sees her in full)."""
    c = make_client({"CONTACT_DETAILS": policy}, role=role)
    contact = ok_json(c.get("/api/v1/person/0051000001"))["entity"]["contact"]
    assert contact["phone"] == phone
    assert contact["shown"] is (phone is not None)
    if phone is not None:
        assert contact["masked"] is ("*" in phone)


def test_entities(client):
    emp = ok_json(client.get("/api/v1/employer/E-001"))["entity"]
    assert emp["name"] == fx.EMPLOYERS["E-001"][0]
    assert {r["type"] for r in emp["relationships"]} == {"WORKS_AT", "INTERNED_AT", "CONTACTED"}
    assert all(r["other"]["url"].startswith("/") for r in emp["relationships"])
    assert ok_json(client.get(f"/api/v1/school/{fx.NPSN}"))["entity"]["type"] == "School"
    assert ok_json(client.get(f"/api/v1/programme/{fx.NPSN}/TKJ"))["entity"]["key"] == f"{fx.NPSN}/TKJ"
    assert ok_json(client.get("/api/v1/employer/NOPE"), 404)["status"] == 404
    schools = ok_json(client.get("/api/v1/schools"))["schools"]
    assert [s["npsn"] for s in schools] == [fx.NPSN, fx.OTHER_NPSN]


def test_graph_around_and_expand(client):
    body = ok_json(client.get(f"/api/v1/graph/around/school/{fx.NPSN}?depth=2"))["graph"]
    ids = {n["id"] for n in body["nodes"]}
    assert f"School:{fx.NPSN}" in ids and "Person:0051000001" in ids
    assert body["meta"]["total_nodes"] == body["meta"]["shown_nodes"] == len(ids)
    assert body["meta"]["truncated"] is False and body["meta"]["layout"] == "browser"
    node = next(n for n in body["nodes"] if n["id"] == "Person:0051000001")
    assert node["url"] == "/siswa/0051000001" and node["slug"] == "person"
    assert "\n" in node["title"] and "phone" not in node
    prog = ok_json(client.get(f"/api/v1/graph/around/programme/{fx.NPSN}/TKR"))["graph"]
    assert prog["meta"]["center"] == f"Program:{fx.NPSN}/TKR"
    narrowed = ok_json(client.get(f"/api/v1/graph/around/school/{fx.NPSN}?depth=3&types=person,school"
                                  "&year_from=2021&year_to=2022"))["graph"]
    assert {n["type"] for n in narrowed["nodes"]} == {"School", "Person"}
    assert ok_json(client.get(f"/api/v1/graph/around/school/{fx.NPSN}?depth=7"), 400)["errors"][0]["param"] == "depth"
    assert ok_json(client.get("/api/v1/graph/around/planet/x"), 400)["errors"][0]["param"] == "type"


def test_graph_cap_says_showing_n_of_m(make_client):
    c = make_client({"GRAPH_MAX_NODES": 5, "GRAPH_LAYOUT_THRESHOLD": 3})
    g = ok_json(c.get(f"/api/v1/graph/around/school/{fx.NPSN}?depth=3"))["graph"]
    assert g["meta"]["truncated"] and g["meta"]["shown_nodes"] == 5 < g["meta"]["total_nodes"]
    # above the layout threshold the server places the nodes and physics is off
    assert g["meta"]["layout"] == "server" and g["options"]["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in g["nodes"])
    assert ok_json(c.get(f"/api/v1/graph/around/school/{fx.NPSN}?max_nodes=6"), 400)["errors"][0]["param"] == "max_nodes"


def test_between_and_overview(client):
    g = ok_json(client.get(f"/api/v1/graph/between/{fx.NPSN}/E-001"))["graph"]
    assert {n["type"] for n in g["nodes"]} == {"School", "Employer", "Person", "Program"}
    o = ok_json(client.get(f"/api/v1/overview?npsn={fx.NPSN}&as_of=2026-11-01"))["overview"]
    assert (o["alumni_traced"], o["active_partners"], o["internships_this_year"]) == (3, 1, 2)
    assert ok_json(client.get("/api/v1/overview?as_of=yesterday"), 400)["errors"][0]["param"] == "as_of"


def test_security_headers_everywhere(client):
    for url in ("/api/v1/queries", "/api/v1/employer/NOPE", "/", "/graf", "/static/graph.js"):
        r = client.get(url)
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        if not url.startswith("/static"):
            assert r.headers["Cache-Control"] == "no-store"


def test_cross_site_post_is_refused(client):
    r = client.post("/api/v1/query/referral_paths", json={}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and r.get_json()["ok"] is False
    r = client.post("/impor", data={}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403


class _DownStore:
    """A Neo4j-like store whose server is gone."""

    backend = "neo4j"

    def __getattr__(self, name):  # read, graph, get_node...: every call fails
        def down(*args, **kwargs):
            raise StoreUnavailable("Neo4j at bolt://db-secret:7687 stopped answering")

        return down


@pytest.mark.parametrize("url", [
    "/api/v1/search?q=ani", "/api/v1/employer/E-001", "/api/v1/overview",
    f"/api/v1/query/prospective_partners?npsn={fx.NPSN}", "/api/v1/graph/around/employer/E-001",
])
def test_store_down_is_503_without_details(url, tmp_path):
    c = login(create_app({"DATA_DIR": tmp_path}, store=_DownStore()), "admin")
    body = ok_json(c.get(url), 503)
    text = c.get(url).get_data(as_text=True)
    assert body["status"] == 503 and "bolt" not in text and "db-secret" not in text
    page = c.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 503 and "db-secret" not in page.get_data(as_text=True)


def test_unexpected_error_is_500_without_details(make_client, monkeypatch, caplog):
    from alumni_graph.queries import explore

    def boom(*a, **k):
        raise ValueError("MATCH (n) RETURN n -- Ani's phone 0812")

    monkeypatch.setattr(explore, "search", boom)
    c = make_client()
    r = c.get("/api/v1/search?q=ani")
    body = ok_json(r, 500)
    assert "MATCH" not in r.get_data(as_text=True) and "0812" not in r.get_data(as_text=True)
    assert body["error"] and "Traceback" not in body["error"]
    assert "0812" not in caplog.text and "ValueError" in caplog.text


@pytest.mark.neo4j
@pytest.mark.timeout(900)
def test_a_stopped_neo4j_server_is_a_503_on_the_next_request(tmp_path):
    """The real thing, not a fake store: a Neo4j of its own (the session's
    server is shared by the run), stopped between two web requests."""
    from alumni_graph.graph_service.neo4j_store import Neo4jStore
    from tools.neo4j.launcher import SHORT_LIVED_FLAGS, fetch_jars, start

    fetch_jars()
    (tmp_path / "neo4j").mkdir()
    server = start(tmp_path / "neo4j", jvm_flags=SHORT_LIVED_FLAGS)
    store = Neo4jStore(server.uri, user="neo4j", password="")
    try:
        store.init_schema()
        fx.build(store)
        c = login(create_app({"DATA_DIR": tmp_path / "data"}, store=store), "admin")
        assert ok_json(c.get("/api/v1/employer/E-001"))["entity"]["key"] == "E-001"
        assert server.stop() is not None and not server.alive()
        r = c.get("/api/v1/employer/E-001")
        body = ok_json(r, 503)
        text = r.get_data(as_text=True)
        assert body["status"] == 503 and "bolt" not in text and str(server.port) not in text
        page = c.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 503 and str(server.port) not in page.get_data(as_text=True)
    finally:
        store.close()
        server.stop()
