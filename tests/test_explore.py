"""queries.explore on both stores: expected answers, and parity between the
Cypher and the networkx implementations on the same graph."""
from __future__ import annotations

import pytest

from graph_service.errors import NotFound, ParameterError
from queries import explore
import web_fixture as fx


@pytest.fixture
def graph_store(store):
    fx.build(store)
    return store


@pytest.fixture(scope="module")
def both(tmp_path_factory, neo4j_server):
    """The fixture graph in an embedded store and in Neo4j, for parity checks."""
    import os

    from graph_service.embedded import EmbeddedStore
    from graph_service.neo4j_store import Neo4jStore

    emb = EmbeddedStore(tmp_path_factory.mktemp("parity"))
    neo = Neo4jStore(neo4j_server["uri"], user=neo4j_server["user"],
                     password=neo4j_server["password"],
                     database=os.environ.get("NEO4J_DATABASE", "neo4j"))
    neo.clear()
    for s in (emb, neo):
        fx.build(s)
    yield emb, neo
    neo.close()


PARITY_CALLS = [
    ("search", lambda s: explore.search(s, "an", 20)),
    ("search-key", lambda s: explore.search(s, "00510", 3)),
    ("search-types", lambda s: explore.search(s, "t", 20, types=["Employer"])),
    ("search-program", lambda s: explore.search(s, "tkr", 10)),
    ("entity-person", lambda s: explore.entity(s, "Person", "0051000002", include_contact=True)),
    ("entity-employer", lambda s: explore.entity(s, "Employer", "E-001")),
    ("entity-program", lambda s: explore.entity(s, "Program", f"{fx.NPSN}/TKR")),
    ("entity-school", lambda s: explore.entity(s, "School", fx.NPSN, max_relationships=3)),
    ("around-1", lambda s: explore.around(s, "Employer", "E-002")),
    ("around-2", lambda s: explore.around(s, "School", fx.NPSN, depth=2)),
    ("around-3-capped", lambda s: explore.around(s, "School", fx.NPSN, depth=3, max_nodes=7, max_edges=5)),
    ("around-filtered", lambda s: explore.around(
        s, "School", fx.NPSN, depth=3, filters={"types": {"Person", "Employer"}, "program": "TKR",
                                                 "year_from": 2020, "year_to": 2021})),
    ("around-sector", lambda s: explore.around(s, "Program", f"{fx.NPSN}/TKJ", depth=2,
                                               filters={"sector": "J"})),
    ("between", lambda s: explore.between(s, fx.NPSN, "E-001")),
    ("between-none", lambda s: explore.between(s, fx.NPSN, "E-005")),
    ("schools", lambda s: explore.schools(s)),
    ("overview-all", lambda s: explore.overview(s, as_of="2026-11-01")),
    ("overview-school", lambda s: explore.overview(s, fx.NPSN, as_of="2026-11-01")),
    ("overview-past", lambda s: explore.overview(s, fx.NPSN, as_of="2020-06-30")),
]


@pytest.mark.neo4j
@pytest.mark.parametrize("name,call", PARITY_CALLS, ids=[c[0] for c in PARITY_CALLS])
def test_parity(both, name, call):
    emb, neo = both
    assert call(emb) == call(neo)


def test_search_ranks_exact_key_first(graph_store):
    rows = explore.search(graph_store, "e-001", 5)
    assert rows[0]["id"] == "Employer:E-001"
    rows = explore.search(graph_store, "ani", 5)
    assert [r["key"] for r in rows] == ["0051000001"]
    assert set(rows[0]) == {"id", "type", "key", "name", "degree", "school_npsn",
                            "program_code", "graduation_year", "status"}
    assert explore.search(graph_store, "a", 5) == []  # too short to be useful


def test_entity_contact_only_on_request(graph_store):
    plain = explore.entity(graph_store, "Person", "0051000001")
    assert "phone" not in plain["properties"] and "email" not in plain["properties"]
    full = explore.entity(graph_store, "Person", "0051000001", include_contact=True)
    assert full["properties"]["phone"] == "081234500001"
    assert full["name"] == fx.PEOPLE["0051000001"][0]
    types = sorted((r["type"], r["other"]["key"]) for r in full["relationships"])
    assert types == [("INTERNED_AT", "E-002"), ("STUDIED_IN", f"{fx.NPSN}/TKJ"), ("WORKS_AT", "E-002")]


def test_entity_relationship_cap(graph_store):
    e = explore.entity(graph_store, "Program", f"{fx.NPSN}/TKR", max_relationships=2)
    assert e["relationships_total"] == 5 and len(e["relationships"]) == 2


def test_entity_not_found(graph_store):
    with pytest.raises(NotFound):
        explore.entity(graph_store, "Employer", "NOPE")
    with pytest.raises(NotFound):
        explore.entity(graph_store, "Program", "onlyonepart")


def test_around_caps_and_counts(graph_store):
    full = explore.around(graph_store, "School", fx.NPSN, depth=2)
    ids = {n["id"] for n in full["nodes"]}
    # depth 2 from the school: programmes, partner/contacted firms, students, and
    # the firms' other people (the other school's alumnus works at E-002)
    assert "Person:0052000001" in ids and "Person:0051000001" in ids
    assert full["total_nodes"] == len(full["nodes"]) and not full["truncated"]
    capped = explore.around(graph_store, "School", fx.NPSN, depth=2, max_nodes=4)
    assert capped["truncated"] and capped["total_nodes"] == full["total_nodes"]
    assert [n["distance"] for n in capped["nodes"]][0] == 0
    assert len(capped["nodes"]) == 4 and all(n["distance"] <= 1 for n in capped["nodes"])
    kept = {n["id"] for n in capped["nodes"]}
    assert all(e["from"] in kept and e["to"] in kept for e in capped["edges"])
    # never a contact field in a graph
    assert not any("phone" in n or "email" in n for n in full["nodes"])


def test_around_filters(graph_store):
    res = explore.around(graph_store, "School", fx.NPSN, depth=3,
                         filters={"types": {"Person"}, "year_from": 2021, "year_to": 2022})
    assert {n["key"] for n in res["nodes"]} == {fx.NPSN, "0051000001", "0051000002", "0052000001"}


def test_around_rejects_bad_depth(graph_store):
    with pytest.raises(ParameterError) as exc:
        explore.around(graph_store, "School", fx.NPSN, depth=9)
    assert exc.value.errors[0]["param"] == "depth"
    with pytest.raises(NotFound):
        explore.around(graph_store, "School", "99999999")


def test_between(graph_store):
    res = explore.between(graph_store, fx.NPSN, "E-001")
    assert {n["key"] for n in res["nodes"]} == {
        fx.NPSN, "E-001", "0051000002", "0051000004", "0051000005", f"{fx.NPSN}/TKR"}
    assert {e["type"] for e in res["edges"]} == {
        "HAS_PROGRAM", "STUDIED_IN", "WORKS_AT", "INTERNED_AT", "CONTACTED"}
    with pytest.raises(NotFound):
        explore.between(graph_store, fx.NPSN, "NOPE")


def test_overview(graph_store):
    o = explore.overview(graph_store, fx.NPSN, as_of="2026-11-01")
    assert o == {"npsn": fx.NPSN, "as_of": "2026-11-01", "year": 2026, "alumni": 4,
                 "alumni_traced": 3, "students": 2, "active_partners": 1,
                 "internships_this_year": 2}
    with pytest.raises(ParameterError):
        explore.overview(graph_store, as_of="kemarin")


def test_layout_is_deterministic():
    nodes = [{"id": f"n{i}"} for i in range(200)]
    edges = [{"from": f"n{i}", "to": f"n{(i * 7) % 200}"} for i in range(200)]
    a = explore.layout(nodes, edges)
    assert a == explore.layout(nodes, edges) and len(a) == 200
