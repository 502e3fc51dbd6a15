"""queries.explore on both stores: expected answers, and parity between the
Cypher and the networkx implementations on the same graph."""
from __future__ import annotations

import pytest
import queries_support as qs
import web_fixture as fx
from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.queries import explore

ALL = explore.ALL_NAMES
KEY = b"k" * 32
HUMAS = explore.Names("consented", key=KEY, as_of="2026-11-01")
VIEWER = explore.Names("none", key=KEY, lang="en")


@pytest.fixture
def graph_store(store):
    fx.build(store)
    return store


@pytest.fixture(scope="module")
def both(tmp_path_factory, neo4j_server):
    """The fixture graph in an embedded store and in Neo4j, for parity checks."""
    from alumni_graph.graph_service.embedded import EmbeddedStore

    emb = EmbeddedStore(tmp_path_factory.mktemp("parity"))
    neo = qs.open_neo4j(neo4j_server)
    neo.clear()
    for s in (emb, neo):
        fx.build(s)
    yield emb, neo
    neo.close()


PARITY_CALLS = [
    ("search", lambda s: explore.search(s, "an", 20, names=ALL)),
    ("search-key", lambda s: explore.search(s, "00510", 3, names=ALL)),
    ("search-types", lambda s: explore.search(s, "an", 20, types=["Employer"], names=ALL)),
    ("search-program", lambda s: explore.search(s, "tkr", 10, names=ALL)),
    ("entity-person", lambda s: explore.entity(s, "Person", "0051000002", include_contact=True, names=ALL)),
    ("entity-employer", lambda s: explore.entity(s, "Employer", "E-001", names=ALL)),
    ("entity-program", lambda s: explore.entity(s, "Program", f"{fx.NPSN}/TKR", names=ALL)),
    ("entity-school", lambda s: explore.entity(s, "School", fx.NPSN, max_relationships=3, names=ALL)),
    ("around-1", lambda s: explore.around(s, "Employer", "E-002", names=ALL)),
    ("around-2", lambda s: explore.around(s, "School", fx.NPSN, depth=2, names=ALL)),
    ("around-3-capped", lambda s: explore.around(s, "School", fx.NPSN, depth=3, max_nodes=7, max_edges=5, names=ALL)),
    ("around-filtered", lambda s: explore.around(
        s, "School", fx.NPSN, depth=3, filters={"types": {"Person", "Employer"}, "program": "TKR",
                                                 "year_from": 2020, "year_to": 2021}, names=ALL)),
    ("around-sector", lambda s: explore.around(s, "Program", f"{fx.NPSN}/TKJ", depth=2,
                                               filters={"sector": "J"}, names=ALL)),
    ("focus", lambda s: explore.focus(s, fx.NPSN, as_of="2026-11-01")),
    ("focus-capped", lambda s: explore.focus(s, fx.NPSN, limit=2, as_of="2026-11-01")),
    ("focus-past", lambda s: explore.focus(s, fx.NPSN, as_of="2020-06-30")),
    ("between", lambda s: explore.between(s, fx.NPSN, "E-001", names=ALL)),
    ("between-none", lambda s: explore.between(s, fx.NPSN, "E-005", names=ALL)),
    ("schools", lambda s: explore.schools(s)),
    ("search-humas", lambda s: explore.search(s, "00510", 20, names=HUMAS)),
    ("around-humas", lambda s: explore.around(s, "School", fx.NPSN, depth=2, names=HUMAS)),
    ("around-viewer", lambda s: explore.around(s, "Employer", "E-001", names=VIEWER)),
    ("between-humas", lambda s: explore.between(s, fx.NPSN, "E-001", names=HUMAS)),
    ("entity-program-viewer", lambda s: explore.entity(s, "Program", f"{fx.NPSN}/TKR", names=VIEWER)),
    ("overview-all", lambda s: explore.overview(s, as_of="2026-11-01")),
    ("overview-school", lambda s: explore.overview(s, fx.NPSN, as_of="2026-11-01")),
    ("overview-past", lambda s: explore.overview(s, fx.NPSN, as_of="2020-06-30")),
]


@pytest.mark.neo4j
@pytest.mark.parametrize("name,call", PARITY_CALLS, ids=[c[0] for c in PARITY_CALLS])
def test_parity(both, name, call):
    emb, neo = both
    answer = call(emb)
    assert answer == call(neo)
    if name in EMPTY_BY_DESIGN:
        assert _size(answer) == 0, name
    else:  # parity on an empty answer compares nothing
        assert _size(answer) > 0, name


#: Parity cases whose answer is empty on purpose (no path joins the two).
EMPTY_BY_DESIGN = {"between-none"}


def _size(answer) -> int:
    """How much a parity case returned: rows, relationships, edges or alumni."""
    if isinstance(answer, list):
        return len(answer)
    for key in ("edges", "relationships"):
        if key in answer:
            return len(answer[key])
    return answer["alumni"]  # overview


def test_search_type_filter(graph_store):
    every = {r["type"] for r in explore.search(graph_store, "an", 20, names=ALL)}
    assert every > {"Employer"}  # the term also finds people and programmes
    rows = explore.search(graph_store, "an", 20, types=["Employer"], names=ALL)
    assert [r["key"] for r in rows] and {r["type"] for r in rows} == {"Employer"}


def test_search_ranks_exact_key_first(graph_store):
    rows = explore.search(graph_store, "e-001", 5, names=ALL)
    assert rows[0]["id"] == "Employer:E-001"
    rows = explore.search(graph_store, "ani", 5, names=ALL)
    assert [r["key"] for r in rows] == ["0051000001"]
    assert set(rows[0]) == {"id", "type", "key", "name", "degree", "school_npsn",
                            "program_code", "graduation_year", "status"}
    assert explore.search(graph_store, "a", 5, names=ALL) == []  # too short to be useful


def test_entity_contact_only_on_request(graph_store):
    plain = explore.entity(graph_store, "Person", "0051000001", names=ALL)
    assert "phone" not in plain["properties"] and "email" not in plain["properties"]
    full = explore.entity(graph_store, "Person", "0051000001", include_contact=True, names=ALL)
    assert full["properties"]["phone"] == "081234500001"
    assert full["name"] == fx.PEOPLE["0051000001"][0]
    types = sorted((r["type"], r["other"]["key"]) for r in full["relationships"])
    assert types == [("INTERNED_AT", "E-002"), ("STUDIED_IN", f"{fx.NPSN}/TKJ"), ("WORKS_AT", "E-002")]


def test_entity_relationship_cap_is_per_kind(graph_store):
    """The cap applies to each kind (type and direction) of relationship, so
    a firm with thousands of interns still shows its alumni and partnerships;
    the counts say how many of each kind there are."""
    full = explore.entity(graph_store, "Program", f"{fx.NPSN}/TKR", names=ALL)
    e = explore.entity(graph_store, "Program", f"{fx.NPSN}/TKR", max_relationships=2, names=ALL)
    assert e["relationships_total"] == full["relationships_total"] == len(full["relationships"]) == 5
    kinds = {}
    for r in full["relationships"]:
        kinds.setdefault(f"{r['type']}:{r['direction']}", []).append(r)
    assert e["relationship_counts"] == full["relationship_counts"] == {k: len(v) for k, v in kinds.items()}
    assert max(map(len, kinds.values())) > 2  # the cap bites on one kind ...
    assert e["relationships"] == [r for v in kinds.values() for r in v[:2]]  # ... and every kind shows
    firm = explore.entity(graph_store, "Employer", "E-001", max_relationships=1, names=ALL)
    assert {(r["type"], r["direction"]) for r in firm["relationships"]} == {
        tuple(k.split(":")) for k in firm["relationship_counts"]}
    assert len(firm["relationships"]) == len(firm["relationship_counts"]) < firm["relationships_total"]


def test_entity_not_found(graph_store):
    with pytest.raises(NotFound):
        explore.entity(graph_store, "Employer", "NOPE", names=ALL)
    with pytest.raises(NotFound):
        explore.entity(graph_store, "Program", "onlyonepart", names=ALL)


def test_around_caps_and_counts(graph_store):
    full = explore.around(graph_store, "School", fx.NPSN, depth=2, names=ALL)
    ids = {n["id"] for n in full["nodes"]}
    # depth 2 from the school: programmes, partner/contacted firms, students, and
    # the firms' other people (the other school's alumnus works at E-002)
    assert "Person:0052000001" in ids and "Person:0051000001" in ids
    assert full["total_nodes"] == len(full["nodes"]) and not full["truncated"]
    capped = explore.around(graph_store, "School", fx.NPSN, depth=2, max_nodes=4, names=ALL)
    assert capped["truncated"] and capped["total_nodes"] == full["total_nodes"]
    assert [n["distance"] for n in capped["nodes"]][0] == 0
    assert len(capped["nodes"]) == 4 and all(n["distance"] <= 1 for n in capped["nodes"])
    kept = {n["id"] for n in capped["nodes"]}
    assert all(e["from"] in kept and e["to"] in kept for e in capped["edges"])
    # never a contact field in a graph
    assert not any("phone" in n or "email" in n for n in full["nodes"])


def test_around_filters(graph_store):
    res = explore.around(graph_store, "School", fx.NPSN, depth=3,
                         filters={"types": {"Person"}, "year_from": 2021, "year_to": 2022}, names=ALL)
    assert {n["key"] for n in res["nodes"]} == {fx.NPSN, "0051000001", "0051000002", "0052000001"}


def test_around_rejects_bad_depth(graph_store):
    with pytest.raises(ParameterError) as exc:
        explore.around(graph_store, "School", fx.NPSN, depth=9, names=ALL)
    assert exc.value.errors[0]["param"] == "depth"
    with pytest.raises(NotFound):
        explore.around(graph_store, "School", "99999999", names=ALL)


def test_focus_keeps_the_strongest_employers(graph_store):
    """The graph page's first view: the school, its programmes and the
    employers ranked by alumni working there now + interns + 10 for an active
    partnership; no person, so nobody is named to anyone."""
    res = explore.focus(graph_store, fx.NPSN, as_of="2026-11-01")
    firms = [n for n in res["nodes"] if n["type"] == "Employer"]
    assert [n["key"] for n in firms] == ["E-002", "E-001", "E-003", "E-004"]
    e2 = firms[0]  # active partner, 1 alumnus working, 2 interns
    assert (e2["strength"], e2["alumni_now"], e2["interns"], e2["partner"]) == (13, 1, 2, True)
    assert [n["strength"] for n in firms] == sorted((n["strength"] for n in firms), reverse=True)
    assert {n["type"] for n in res["nodes"]} == {"School", "Program", "Employer"}
    assert res["center"] == f"School:{fx.NPSN}"
    links = {(e["from"], e["to"]): e for e in res["edges"] if e["type"] == explore.FOCUS_LINK}
    assert links[(f"Program:{fx.NPSN}/TKJ", "Employer:E-002")]["interns"] == 2
    # the E-003 partnership ended in 2021: no bonus now, but in 2020 it leads
    past = explore.focus(graph_store, fx.NPSN, as_of="2020-06-30")
    assert next(n for n in past["nodes"] if n["key"] == "E-003")["partner"] is True
    capped = explore.focus(graph_store, fx.NPSN, limit=1, as_of="2026-11-01")
    assert [n["key"] for n in capped["nodes"] if n["type"] == "Employer"] == ["E-002"]
    assert capped["truncated"] and capped["total_nodes"] == 7
    with pytest.raises(NotFound):
        explore.focus(graph_store, "99999999")


def test_between(graph_store):
    res = explore.between(graph_store, fx.NPSN, "E-001", names=ALL)
    assert {n["key"] for n in res["nodes"]} == {
        fx.NPSN, "E-001", "0051000002", "0051000004", "0051000005", f"{fx.NPSN}/TKR"}
    assert {e["type"] for e in res["edges"]} == {
        "HAS_PROGRAM", "STUDIED_IN", "WORKS_AT", "INTERNED_AT", "CONTACTED"}
    with pytest.raises(NotFound):
        explore.between(graph_store, fx.NPSN, "NOPE", names=ALL)


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


# -- who may be named (queries.explore.Names) --------------------------------------

HIDDEN = ("0051000002", "0051000003")  # consent_display false in the fixture


def strings(value):
    if isinstance(value, dict):
        return [s for v in (*value.keys(), *value.values()) for s in strings(v)]
    if isinstance(value, (list, tuple, set)):
        return [s for v in value for s in strings(v)]
    return [str(value)]


def leaks(value, nisns) -> list[str]:
    text = "\n".join(strings(value))
    return [n for n in nisns if n in text or fx.PEOPLE[n][0] in text]


def test_names_policy_is_required():
    for call in (lambda: explore.search(None, "ab"), lambda: explore.around(None, "School", "1"),
                 lambda: explore.entity(None, "School", "1"), lambda: explore.between(None, "1", "E")):
        with pytest.raises(TypeError, match="names"):
            call()
    with pytest.raises(ValueError):
        explore.Names("consented")  # hiding needs a key
    with pytest.raises(ValueError):
        explore.Names("some", key=KEY)


def test_hidden_people_are_neutral_labels(graph_store):
    res = explore.around(graph_store, "School", fx.NPSN, depth=2, names=HUMAS)
    assert leaks(res, HIDDEN) == []
    people = {n["name"] for n in res["nodes"] if n["type"] == "Person"}
    assert {"Alumni TKR 2021", "Siswa TKJ", "Eko Saputra"} <= people
    budi = next(n for n in res["nodes"] if n["name"] == "Alumni TKR 2021")
    assert budi["redacted"] and budi["key"].startswith("~") and budi["id"] == "Person:" + budi["key"]
    assert budi["key"] == HUMAS.token("0051000002")  # stable: the same node in every answer
    # edges still join the hidden node to its programme and employers
    assert any(e["from"] == budi["id"] for e in res["edges"])
    assert not any(k in n for n in res["nodes"] for k in explore.CONSENT_FIELDS)
    everyone = explore.around(graph_store, "School", fx.NPSN, depth=2, names=VIEWER)
    assert leaks(everyone, list(fx.PEOPLE)) == []
    assert all(n.get("redacted") for n in everyone["nodes"] if n["type"] == "Person")
    assert {"Alumnus TKR 2021", "Student TKJ"} <= {n["name"] for n in everyone["nodes"]}
    assert len(everyone["nodes"]) == len(res["nodes"])  # counted, not named


def test_hidden_people_are_not_found_or_expandable(graph_store):
    for q in ("budi", "citra", "0051000002", "00510000"):
        assert leaks(explore.search(graph_store, q, 20, names=HUMAS), HIDDEN) == []
    assert [r["key"] for r in explore.search(graph_store, "eko", 5, names=HUMAS)] == ["0051000006"]
    assert explore.search(graph_store, "eko", 5, names=VIEWER) == []
    assert [r["type"] for r in explore.search(graph_store, "tkr", 5, names=VIEWER)] == ["Program"] * 2
    for policy in (HUMAS, VIEWER):
        with pytest.raises(NotFound):
            explore.around(graph_store, "Person", "0051000002", names=policy)
    assert explore.around(graph_store, "Person", "0051000006", names=HUMAS)["center"] == "Person:0051000006"
    firm = explore.entity(graph_store, "Employer", "E-001", names=HUMAS)
    assert firm["unnamed"] == 1 and leaks(firm, HIDDEN) == []
    assert explore.entity(graph_store, "Employer", "E-001", names=VIEWER)["unnamed"] == 3


def test_a_minor_without_guardian_consent_is_hidden(graph_store):
    ani = "0051000001"
    graph_store.upsert_nodes("Person", [{"nisn": ani, "birth_date": "2010-01-01"}], source="t")
    assert leaks(explore.around(graph_store, "Employer", "E-002", names=HUMAS), [ani]) == []
    assert explore.search(graph_store, ani, 5, names=HUMAS) == []
    # an adult by as_of 2028: named again
    later = explore.Names("consented", key=KEY, as_of="2028-01-01")
    assert explore.search(graph_store, ani, 5, names=later)[0]["name"] == fx.PEOPLE[ani][0]
    graph_store.upsert_nodes("Person", [{"nisn": ani, "guardian_consent_ref": "SPW/1"}], source="t")
    assert explore.search(graph_store, ani, 5, names=HUMAS)[0]["name"] == fx.PEOPLE[ani][0]


def test_networkx_private_force_layout_is_still_the_one_spring_layout_uses():
    """explore.layout calls networkx's private ``_fruchterman_reingold`` (the
    dense force layout behind ``spring_layout``; the public function switches
    to a scipy-only variant at 500 nodes, the drawing cap). networkx is pinned
    below its next minor version in pyproject.toml; when raising the pin, this
    test says whether the private function is still there and still the one
    ``spring_layout`` runs. If it fails: change explore.layout, not this test."""
    import inspect

    import networkx as nx
    import numpy as np
    from networkx.drawing import layout as nx_layout

    assert hasattr(nx_layout, "_fruchterman_reingold"), (
        f"networkx {nx.__version__} has no _fruchterman_reingold: explore.layout must change")
    params = list(inspect.signature(nx_layout._fruchterman_reingold).parameters)
    assert params[0] == "A" and {"iterations", "seed"} <= set(params), params
    G = nx.path_graph(6)
    pos = nx_layout._fruchterman_reingold(nx.to_numpy_array(G, weight=None), iterations=50,
                                          seed=np.random.RandomState(7))
    extra = {"method": "force"} if "method" in inspect.signature(nx.spring_layout).parameters else {}
    public = nx.spring_layout(G, iterations=50, seed=np.random.RandomState(7), **extra)
    assert np.allclose(nx.rescale_layout(pos), np.array([public[n] for n in G]))
