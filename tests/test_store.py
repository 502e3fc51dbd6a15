"""Store-level behaviour every later feature relies on, on both stores."""
from __future__ import annotations

import pytest

from alumni_graph.graph_service.errors import NotFound, SchemaError
from alumni_graph.graph_service.schema import NODE_TYPES, constraint_name

SCHOOL = {"npsn": "20300001", "name": "SMK Negeri 2 Contoh", "city": "Klaten", "province": "Jawa Tengah"}
PROGRAMS = [
    {"school_npsn": "20300001", "code": "TKR", "name": "Teknik Kendaraan Ringan", "sectors": ["G", "C"]},
    {"school_npsn": "20300001", "code": "TKJ", "name": "Teknik Komputer dan Jaringan", "sectors": ["J"]},
]
PEOPLE = [
    {"nisn": "0012345678", "name": "Budi", "graduation_year": 2018, "consent_contact": True},
    {"nisn": "0012345679", "name": "Siti", "graduation_year": None, "consent_contact": False},
]
EMPLOYERS = [{"code": "DUDI-0001", "name": "PT Maju", "sector": "C", "verified": True}]
HOSTILE = "Robert'); MATCH (n) DETACH DELETE n; // `x` <script>alert(1)</script> \"q\" {x}"


def _load(store):
    counts = {}
    with store.transaction():
        counts["School"] = store.upsert_nodes("School", [SCHOOL], source="t")
        counts["Program"] = store.upsert_nodes("Program", PROGRAMS, source="t")
        counts["Person"] = store.upsert_nodes("Person", PEOPLE, source="t")
        counts["Employer"] = store.upsert_nodes("Employer", EMPLOYERS, source="t")
        counts["HAS_PROGRAM"] = store.upsert_relationships(
            "HAS_PROGRAM",
            [{"start": ("20300001",), "end": ("20300001", p["code"])} for p in PROGRAMS],
            start_label="School", end_label="Program", source="t",
        )
        counts["WORKS_AT"] = store.upsert_relationships(
            "WORKS_AT",
            [
                {"start": ("0012345678",), "end": ("DUDI-0001",),
                 "props": {"start": "2019-01-02", "end": "2020-05-01", "title": "Mekanik"}},
                {"start": ("0012345678",), "end": ("DUDI-0001",),
                 "props": {"start": "2021-03-01", "title": "Kepala bengkel"}},
            ],
            start_label="Person", end_label="Employer", source="t",
        )
    return counts


def test_constraints_exist_for_every_node_type(store):
    names = store.init_schema()
    assert set(names) >= {constraint_name(label) for label in NODE_TYPES}
    assert store.init_schema() == names  # idempotent


def test_first_load_creates_and_second_load_changes_nothing(store):
    first = _load(store)
    assert {k: c.created for k, c in first.items()} == {
        "School": 1, "Program": 2, "Person": 2, "Employer": 1, "HAS_PROGRAM": 2, "WORKS_AT": 2,
    }
    before = store.dump()
    second = _load(store)
    assert all(c.created == 0 and c.updated == 0 for c in second.values())
    assert sum(c.unchanged for c in second.values()) == 10
    assert store.dump() == before
    assert store.count_nodes() == 6
    assert store.count_relationships() == 4
    assert store.count_relationships("WORKS_AT") == 2  # two jobs at one firm stay two


def test_changed_value_updates_property_and_provenance(store):
    _load(store)
    counts = store.upsert_nodes("School", [{**SCHOOL, "name": "SMK N 2 Baru", "city": None}], source="fix.csv")
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 0)
    node = store.get_node("School", ("20300001",))
    assert node["name"] == "SMK N 2 Baru"
    assert "city" not in node  # None removes the property
    assert node["source"] == "fix.csv" and node["loaded_at"]
    job = store.upsert_relationships(
        "WORKS_AT",
        [{"start": ("0012345678",), "end": ("DUDI-0001",), "props": {"start": "2021-03-01", "end": "2024-01-31"}}],
        start_label="Person", end_label="Employer", source="fix.csv",
    )
    assert job.updated == 1
    rels = [r for r in store.dump()["relationships"] if r[0] == "WORKS_AT" and r[3]["start"] == "2021-03-01"]
    assert rels[0][3] == {"start": "2021-03-01", "end": "2024-01-31", "title": "Kepala bengkel"}


def test_relationship_to_missing_node_is_counted_not_written(store):
    _load(store)
    counts = store.upsert_relationships(
        "WORKS_AT", [{"start": ("9999999999",), "end": ("DUDI-0001",), "props": {"start": "2020-01-01"}}],
        start_label="Person", end_label="Employer", source="t",
    )
    assert counts.missing == 1 and counts.created == 0
    assert store.count_relationships("WORKS_AT") == 2


def test_values_are_data_never_code(store):
    store.upsert_nodes("Employer", [{"code": "DUDI-0666", "name": HOSTILE}], source=HOSTILE)
    assert store.get_node("Employer", ("DUDI-0666",))["name"] == HOSTILE
    assert store.get_node("Employer", ("DUDI-0666",))["source"] == HOSTILE
    assert store.count_nodes() == 1


def test_schema_rejects_unknown_labels_types_and_properties(store):
    with pytest.raises(SchemaError, match="unknown node label"):
        store.upsert_nodes("School) DETACH DELETE (n", [{"npsn": "1"}], source="t")
    with pytest.raises(SchemaError, match="has no properties"):
        store.upsert_nodes("School", [{"npsn": "20300001", "evil`": 1}], source="t")
    with pytest.raises(SchemaError, match="goes from"):
        store.upsert_relationships("WORKS_AT", [], start_label="School", end_label="Employer", source="t")
    with pytest.raises(SchemaError, match="lacks its key"):
        store.upsert_nodes("Person", [{"nisn": "", "name": "x"}], source="t")


def test_merge_nodes_moves_every_relationship(store):
    _load(store)
    store.upsert_nodes("Employer", [{"code": "DUDI-0002", "name": "PT. Maju Tbk", "verified": False}], source="t")
    store.upsert_relationships(
        "WORKS_AT",
        [
            # a duplicate of an existing job at DUDI-0001: folded, not doubled
            {"start": ("0012345678",), "end": ("DUDI-0002",), "props": {"start": "2021-03-01", "title": "Kepala bengkel"}},
            {"start": ("0012345679",), "end": ("DUDI-0002",), "props": {"start": "2022-07-01"}},
        ],
        start_label="Person", end_label="Employer", source="t",
    )
    moved = store.merge_nodes("Employer", ("DUDI-0001",), ("DUDI-0002",), source="merge")
    assert moved == 2
    assert store.get_node("Employer", ("DUDI-0002",)) is None
    assert store.count_relationships("WORKS_AT") == 3
    ends = {tuple(r[2][1]) for r in store.dump()["relationships"] if r[0] == "WORKS_AT"}
    assert ends == {("DUDI-0001",)}
    with pytest.raises(NotFound):
        store.merge_nodes("Employer", ("DUDI-0001",), ("NOPE",), source="merge")


def test_delete_node_removes_its_relationships(store):
    _load(store)
    assert store.delete_node("Person", ("0012345678",)) is True
    assert store.delete_node("Person", ("0012345678",)) is False
    assert store.count_relationships("WORKS_AT") == 0
    assert "0012345678" not in str(store.dump())


def test_graph_projection_has_the_same_shape_on_both_stores(store):
    _load(store)
    g = store.graph()
    assert g.nodes["Person:0012345678"]["label"] == "Person"
    assert g.nodes["Program:20300001/TKR"]["sectors"] == ["G", "C"]
    keys = sorted(k for _, _, k in g.out_edges("Person:0012345678", keys=True))
    assert keys == ["WORKS_AT|2019-01-02", "WORKS_AT|2021-03-01"]


def test_both_stores_hold_the_same_graph_after_the_same_writes(embedded_store, neo4j_store):
    _load(embedded_store)
    _load(neo4j_store)
    assert embedded_store.dump() == neo4j_store.dump()


@pytest.mark.neo4j
def test_neo4j_rows_are_what_record_data_gives(neo4j_store):
    """The store's fast row conversion returns exactly ``Record.data()``: for
    text, numbers, booleans, nulls and nested lists and maps, and (through
    ``data()`` itself) for nodes, relationships and dates."""
    from alumni_graph.graph_service.neo4j_store import _row

    _load(neo4j_store)
    queries = [
        "RETURN 'a' AS s, 1 AS i, 1.5 AS f, true AS b, null AS n, [1, 'x', null, [2.5]] AS l, "
        "{k: 'v', m: {deep: [1, {x: null}]}, e: []} AS m",
        "MATCH (p:Person) RETURN p.nisn AS nisn, properties(p) AS props ORDER BY nisn",
        "MATCH (p:Person) RETURN p ORDER BY p.nisn",                   # nodes
        "MATCH (:School)-[r:HAS_PROGRAM]->(pr) RETURN r, pr.code AS c ORDER BY c",  # relationships
        "RETURN date('2026-11-30') AS d, [date('2026-01-01')] AS ds",  # temporal values
    ]
    driver = neo4j_store._driver
    for cypher in queries:
        records, _, _ = driver.execute_query(cypher, database_=neo4j_store.database)
        assert records, cypher
        assert [_row(r) for r in records] == [r.data() for r in records], cypher
        assert neo4j_store.read(cypher) == [r.data() for r in records], cypher
