"""Issue 14's queries (queries/work.py) on both stores: the Humas pipeline,
alerts and conversion, BKK's vacancies, candidates and placement report, and
the loader kinds they read (``kunjungan`` with the pipeline columns,
``kemitraan`` with scope, ``lowongan``, ``rujukan``).

Data: the edge-case dataset plus tests/fixtures/work (all synthetic), as of
2025-07-01. Expected values were worked out by hand from the CSV files.
"""
from __future__ import annotations

import pytest

from alumni_graph.loaders import load_paths, load_rows
from alumni_graph.queries import run_query
from queries_support import AS_OF, EDGE, SCHOOL_A, WORK, WORK_QUERIES

QUERIES = WORK_QUERIES


def load_work(store):
    store.init_schema()
    report = load_paths(store, [EDGE, WORK])
    assert report.ok, report.render()


@pytest.fixture
def work_store(store):
    load_work(store)
    return store


def run(store, name, **params):
    return run_query(store, name, {"as_of": AS_OF, **params})


def test_both_stores_give_the_same_answers(embedded_store, neo4j_store):
    load_work(embedded_store)
    load_work(neo4j_store)
    for name, params in QUERIES:
        a = run(embedded_store, name, **params)
        b = run(neo4j_store, name, **params)
        assert a.rows == b.rows, (name, params)
        assert a.meta == b.meta, (name, params)
        assert a.rows or name == "outreach_pipeline", (name, params)  # nothing vacuous


def test_pipeline_status_owner_and_next_action(work_store):
    rows = {r["code"]: r for r in run(work_store, "outreach_pipeline", npsn=SCHOOL_A).rows}
    assert rows["E01"]["status"] == "kunjungan_dijadwalkan"
    assert rows["E01"]["owner"] == "uji-humas" and rows["E01"]["this_week"] is True
    assert rows["E01"]["overdue"] is False
    # The latest contact on or before the date, not the status record.
    assert rows["E01"]["last_contact"] == "2025-06-20"
    assert rows["E05"]["overdue"] is True and rows["E05"]["owner"] == "uji-admin"
    # A closed outreach is never overdue.
    assert rows["E07"]["status"] == "tidak_berminat" and rows["E07"]["overdue"] is False
    # Without a status: the kind of contact tells it.
    assert rows["E10"]["status"] == "dihubungi" and rows["E10"]["status_explicit"] is False
    # Champions: consenting alumni with a current job there, never the non-consenting.
    assert {c["nisn"] for c in rows["E01"]["champions"]} <= {"0000000103", "0000000108",
                                                              "0000000115", "0000000116"}
    assert len(rows["E01"]["champions"]) == 3
    assert rows["E01"]["history"][0]["date"] == "2025-08-01"  # newest first
    # Filters.
    mine = run(work_store, "outreach_pipeline", npsn=SCHOOL_A, owner="uji-admin").rows
    assert [r["code"] for r in mine] == ["E05"]
    # Ordered by pipeline status.
    order = [r["status"] for r in run(work_store, "outreach_pipeline", npsn=SCHOOL_A).rows]
    from alumni_graph.graph_service.schema import OUTREACH_STATUSES
    assert order == sorted(order, key=OUTREACH_STATUSES.index)


def test_alerts(work_store):
    rows = run(work_store, "work_alerts", npsn=SCHOOL_A).rows
    got = {(r["kind"], r["code"]) for r in rows}
    assert got == {("mou_expiring", "E09"), ("mou_ended", "E02"), ("partner_dormant", "E03"),
                   ("partner_dormant", "E09"), ("action_overdue", "E04"), ("action_overdue", "E05")}
    ended = next(r for r in rows if r["kind"] == "mou_ended")
    assert ended["date"] == "2025-06-30" and ended["detail"] == "MOU/A/002"
    # The new MoU with E04 (2025-06-01..2028-05-31) is not expiring within 90 days.
    assert ("mou_expiring", "E04") not in got
    # ... but is within 3 years.
    wide = run(work_store, "work_alerts", npsn=SCHOOL_A, days=1100).rows
    assert ("mou_expiring", "E04") in {(r["kind"], r["code"]) for r in wide}
    # A renewal clears mou_ended.
    report = load_rows(work_store, "kemitraan", [{
        "npsn": SCHOOL_A, "kode_dudi": "E02", "jenis": "prakerin", "nomor_mou": "MOU/A/002-2",
        "mulai": "2025-07-01", "selesai": "2027-06-30"}])
    assert report.ok, report.render()
    again = {(r["kind"], r["code"]) for r in run(work_store, "work_alerts", npsn=SCHOOL_A).rows}
    assert ("mou_ended", "E02") not in again


def test_conversion(work_store):
    rows = {(r["group"], r["value"]): r for r in run(work_store, "outreach_conversion", npsn=SCHOOL_A).rows}
    # E04: first contact 2025-05-01, MoU from 2025-06-01: 31 days; an internship host.
    assert rows[("category", "internship_host")]["converted"] == 1
    assert rows[("category", "internship_host")]["median_days"] == 31.0
    assert rows[("all", "all")]["converted"] == 1
    assert rows[("category", "alumni_employer")]["converted"] == 0


def test_candidates_are_unemployed_graduates_and_final_year_students(work_store):
    result = run(work_store, "vacancy_candidates", id="L-TEST1")
    nisns = [r["nisn"] for r in result.rows]
    # Tono (graduate looking for work) and Ani (final-year TKR student); Eko has
    # a current job, the rest work; Umi is RPL.
    assert nisns == ["0000000118", "0000000101"]
    tono = result.rows[0]
    assert tono["referral_status"] == "wawancara" and tono["kind"] == "alumni"
    assert tono["strength"] > 0 and tono["hops"] >= 1 and "PT Tujuan Rujukan" in tono["explanation_id"]
    # The path never names an alumnus without consent.
    assert all("Dedi Rahasia" not in (r["explanation_id"] or "") for r in result.rows)


def test_placement_report_channels(work_store):
    rows = run(work_store, "placement_report", npsn=SCHOOL_A).rows
    by = {(r["year"], r["program"]): r for r in rows}
    # 2018 TKR: Budi (first job E01, tracer), Oki (E01), Sari (E08, alumni).
    r2018 = by[(2018, "TKR")]
    assert (r2018["graduates"], r2018["placed"], r2018["alumni"], r2018["mandiri"]) == (3, 3, 1, 2)
    # Nina (2020, TKR): accepted through the BKK vacancy L-TEST2 at E01.
    r2020 = by[(2020, "TKR")]
    assert r2020["bkk"] == 1
    assert {"code": "E01", "name": "PT Maju Motor", "channel": "bkk", "count": 1} in r2020["employers"]
    # Tono (2024) has no job yet.
    assert by[(2024, "TKR")]["placed"] == 0


def test_loader_kinds_name_the_bad_reference(work_store):
    report = load_rows(work_store, "rujukan", [
        {"nisn": "0000000101", "kode_lowongan": "L-NOPE", "status": "dirujuk", "tanggal": "2025-07-01"}])
    assert not report.ok
    [problem] = report.problems
    assert problem.column == "kode_lowongan" and "lowongan" in problem.message
    report = load_rows(work_store, "lowongan", [
        {"npsn": SCHOOL_A, "kode_dudi": "E01", "posisi": "Mekanik", "program": "TKR;XYZ"}])
    assert not report.ok and report.problems[0].column == "program"
    report = load_rows(work_store, "rujukan", [
        {"nisn": "0000000101", "kode_lowongan": "L-TEST1", "status": "lulus", "tanggal": "2025-07-01"}])
    assert not report.ok and report.problems[0].column == "status"


def test_a_vacancy_row_without_a_code_loads_to_the_same_vacancy_twice(work_store):
    row = {"npsn": SCHOOL_A, "kode_dudi": "E01", "posisi": "Mekanik", "program": "TKR",
           "batas_waktu": "2025-09-30"}
    first = load_rows(work_store, "lowongan", [row])
    second = load_rows(work_store, "lowongan", [row])
    assert first.ok and second.ok
    assert (first.files[0].created, second.files[0].created, second.files[0].unchanged) == (1, 0, 1)
    assert work_store.count_nodes("Vacancy") == 3


def test_batched_candidate_paths_equal_one_query_per_candidate_and_the_twin(embedded_store, neo4j_store):
    """vacancy_candidate_paths.cypher (all candidates in one query) gives each
    person the answer referral_paths.cypher gives them alone, and the networkx
    walker shared by all candidates gives the same."""
    from alumni_graph.queries import work

    load_work(embedded_store)
    load_work(neo4j_store)
    people = sorted(p["nisn"] for p in embedded_store.iter_nodes("Person"))
    for employer in ("E08", "E01", "E04"):
        for hops in (3, 5):
            batched = work.candidate_paths_neo4j(neo4j_store, people, employer, AS_OF, hops)
            one_by_one = {n: work.strongest_path(neo4j_store, n, employer, AS_OF, hops) for n in people}
            assert batched == {n: p for n, p in one_by_one.items() if p}, (employer, hops)
            shared = work._SharedPaths(embedded_store.graph(), employer, AS_OF, hops)
            twin = {n: shared.best(n) for n in people}
            assert batched == {n: p for n, p in twin.items() if p}, (employer, hops)
            assert batched  # the fixture has paths to each of these employers
    assert work.candidate_paths_neo4j(neo4j_store, people, "NOPE", AS_OF, 3) == {}
    assert work.candidate_paths_neo4j(neo4j_store, [], "E08", AS_OF, 3) == {}
