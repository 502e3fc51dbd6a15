"""Odd and empty data written straight with the store's upserts (no loader),
on both stores through the conftest ``store`` fixture."""
from __future__ import annotations

from alumni_graph.queries import run_query

NPSN = "20399999"
AS_OF = "2025-07-01"


def _school(store, *, people=(), employers=(), jobs=(), internships=()):
    store.init_schema()
    store.upsert_nodes("School", [{"npsn": NPSN, "name": "SMK Kosong"}], source="t")
    store.upsert_nodes("Program", [{"school_npsn": NPSN, "code": "TKR", "name": "TKR",
                                    "sectors": ["C"]}], source="t")
    store.upsert_relationships("HAS_PROGRAM", [{"start": (NPSN,), "end": (NPSN, "TKR")}],
                               start_label="School", end_label="Program", source="t")
    store.upsert_nodes("Employer", [{"code": c, "name": f"PT {c}", "sector": "C"} for c in employers],
                       source="t")
    store.upsert_nodes("Person", [{"nisn": n, "name": f"Orang {n[-2:]}", "school_npsn": NPSN,
                                   "program_code": "TKR", **extra} for n, extra in people],
                       source="t")
    store.upsert_relationships("STUDIED_IN", [{"start": (n,), "end": (NPSN, "TKR")} for n, _ in people],
                               start_label="Person", end_label="Program", source="t")
    for type_, rows in (("WORKS_AT", jobs), ("INTERNED_AT", internships)):
        store.upsert_relationships(type_, [{"start": (n,), "end": (c,), "props": props}
                                           for n, c, props in rows],
                                   start_label="Person", end_label="Employer", source="t")


def test_an_empty_school_has_no_prospects_and_no_paths(store):
    _school(store, people=[("0099000001", {})], employers=["X1", "X2"])
    assert run_query(store, "prospective_partners", {"npsn": NPSN, "as_of": AS_OF}).rows == []
    assert run_query(store, "prospective_partners",
                     {"npsn": NPSN, "program": "tkr", "as_of": AS_OF}).rows == []
    assert run_query(store, "alumni_at_employer", {"employer": "X1", "as_of": AS_OF}).rows == []
    result = run_query(store, "referral_paths", {"nisn": "0099000001", "employer": "X1",
                                                 "as_of": AS_OF})
    assert result.rows == [] and result.meta["hint"]["employers"] == []


def test_a_missing_consent_flag_means_no_consent(store):
    _school(store, employers=["X1"],
            people=[("0099000001", {}),  # the student asking
                    ("0099000002", {"graduation_year": 2020}),  # consent unknown
                    ("0099000003", {"graduation_year": 2021, "consent_contact": True})],
            jobs=[("0099000002", "X1", {"start": "2021-01-01"}),
                  ("0099000003", "X1", {"start": "2022-01-01"})])
    rows = run_query(store, "prospective_partners", {"npsn": NPSN, "as_of": AS_OF}).rows
    assert rows[0]["current_alumni"] == 2
    assert [c["name"] for c in rows[0]["champions"]] == ["Orang 03"]
    paths = run_query(store, "referral_paths", {"nisn": "0099000001", "employer": "X1",
                                                "as_of": AS_OF}).rows
    assert [p["nodes"][2]["key"] for p in paths] == ["0099000003"]
    people = run_query(store, "alumni_at_employer", {"employer": "X1", "as_of": AS_OF}).rows
    assert [(p["name"], p["consent_contact"]) for p in people] == [
        ("Orang 03", True), (None, False)]


def test_parallel_relationships_make_one_path_with_the_strongest(store):
    # Internship, then a past job, then a current job at the same firm.
    _school(store, employers=["X1"],
            people=[("0099000001", {}),
                    ("0099000002", {"graduation_year": 2019, "consent_contact": True})],
            internships=[("0099000002", "X1", {"start": "2018-08-01", "end": "2018-10-31"})],
            jobs=[("0099000002", "X1", {"start": "2019-07-01", "end": "2020-01-31"}),
                  ("0099000002", "X1", {"start": "2021-03-01"})])
    paths = run_query(store, "referral_paths", {"nisn": "0099000001", "employer": "X1",
                                                "as_of": AS_OF}).rows
    assert len(paths) == 1
    assert paths[0]["relationships"][-1] == {
        "type": "WORKS_AT", "from": "Person:0099000002", "to": "Employer:X1", "current": True,
        "weight": 1.0}
    # Before the current job started, the internship (0.7) beats the past job (0.6).
    paths = run_query(store, "referral_paths", {"nisn": "0099000001", "employer": "X1",
                                                "as_of": "2020-06-01"}).rows
    assert paths[0]["relationships"][-1]["type"] == "INTERNED_AT"
    assert paths[0]["strength"] == 0.448


def test_the_hint_sees_a_write_at_once(store):
    """The hint (no path: same-sector employers the person reaches) reads a
    per-graph reach index on the embedded store, and on Neo4j a reach kept per
    process for the store's version (issue 15): a new job, a new alumnus or a
    withdrawn consent shows in the very next answer."""
    from alumni_graph.queries import referral_paths as rp

    _school(store, employers=["X1", "X2", "X3"],
            people=[("0099000001", {}),  # the student asking
                    ("0099000002", {"graduation_year": 2020, "consent_contact": True})],
            jobs=[("0099000002", "X2", {"start": "2021-01-01"})])
    params = {"nisn": "0099000001", "employer": "X1", "as_of": AS_OF}

    def hint():
        result = run_query(store, "referral_paths", params)
        assert result.rows == []
        return [(e["code"], e["strength"], e["hops"]) for e in result.meta["hint"]["employers"]]

    assert hint() == [("X2", 0.64, 3)]
    if store.backend != "neo4j":
        assert rp.walk_index(store.graph())._reach  # the index was filled and is kept
    else:
        assert rp._NEO4J_REACH[store].reach  # kept for the store's version
    # A new consenting alumnus of the programme with a job at X3.
    store.upsert_nodes("Person", [{"nisn": "0099000003", "name": "Orang 03", "school_npsn": NPSN,
                                   "program_code": "TKR", "graduation_year": 2021,
                                   "consent_contact": True}], source="t")
    store.upsert_relationships("STUDIED_IN", [{"start": ("0099000003",), "end": (NPSN, "TKR")}],
                               start_label="Person", end_label="Program", source="t")
    store.upsert_relationships("WORKS_AT", [{"start": ("0099000003",), "end": ("X3",),
                                             "props": {"start": "2022-01-01"}}],
                               start_label="Person", end_label="Employer", source="t")
    assert hint() == [("X2", 0.64, 3), ("X3", 0.64, 3)]
    # A job that starts after as_of does not exist yet; one that ended is past.
    store.upsert_relationships("INTERNED_AT", [{"start": ("0099000003",), "end": ("X2",),
                                                "props": {"start": "2026-01-01"}}],
                               start_label="Person", end_label="Employer", source="t")
    assert hint() == [("X2", 0.64, 3), ("X3", 0.64, 3)]
    # The first alumnus withdraws consent: X2 is no longer reached.
    store.upsert_nodes("Person", [{"nisn": "0099000002", "name": "Orang 02", "school_npsn": NPSN,
                                   "program_code": "TKR", "graduation_year": 2020,
                                   "consent_contact": False}], source="t")
    assert hint() == [("X3", 0.64, 3)]


def test_a_new_path_is_found_at_once_after_a_write(store):
    """The embedded search keeps, per graph, which nodes lie within two and
    three steps of a target (issue 15): a write makes a new graph, so a
    person added between two firms opens a 5-hop path in the very next
    answer."""
    _school(store, employers=["X1", "X2"],
            people=[("0099000001", {}),
                    ("0099000002", {"graduation_year": 2019, "consent_contact": True})],
            jobs=[("0099000002", "X2", {"start": "2020-01-01"})])
    params = {"nisn": "0099000001", "employer": "X1", "max_hops": 5, "as_of": AS_OF}
    assert run_query(store, "referral_paths", params).rows == []
    store.upsert_nodes("Person", [{"nisn": "0099000003", "name": "Orang 03", "school_npsn": NPSN,
                                   "program_code": "TKR", "graduation_year": 2018,
                                   "consent_contact": True}], source="t")
    store.upsert_relationships("WORKS_AT", [
        {"start": ("0099000003",), "end": ("X2",), "props": {"start": "2019-01-01", "end": "2021-01-01"}},
        {"start": ("0099000003",), "end": ("X1",), "props": {"start": "2021-02-01"}}],
        start_label="Person", end_label="Employer", source="t")
    rows = run_query(store, "referral_paths", params).rows
    assert [([n["key"] for n in r["nodes"]], r["strength"]) for r in rows] == [
        (["0099000001", f"{NPSN}/TKR", "0099000002", "X2", "0099000003", "X1"], 0.384)]


def test_an_unknown_person_or_employer_is_named_at_every_length(store):
    """A question about a NISN or an employer code that does not exist is an
    error naming the parameter, never an empty answer with a hint (on Neo4j
    the two ends are looked up only when no path came back)."""
    import pytest

    from alumni_graph.graph_service.errors import NotFound

    _school(store, people=[("0099000001", {})], employers=["X1"])
    for max_hops in (1, 3, 5):
        for nisn, employer, param in (("0099000009", "X1", "nisn"), ("0099000001", "X9", "employer"),
                                      ("0099000009", "X9", "nisn")):
            with pytest.raises(NotFound) as info:
                run_query(store, "referral_paths", {"nisn": nisn, "employer": employer,
                                                    "max_hops": max_hops, "as_of": AS_OF})
            what = "person" if param == "nisn" else "employer"
            assert info.value.errors == [{"param": param, "message": f"no such {what}"}], (
                max_hops, nisn, employer)
