"""Shared by the query tests: the edge-case dataset and stores loaded with it.

The edge-case dataset (tests/fixtures/edge/*.csv, in the loader's file
format) is small (35 nodes) and hits every rule of the queries; the golden
files under tests/fixtures/edge/golden/ were worked out by hand from it.
People of note (all synthetic):

* 0000000101 Ani, TKR student of SMK A: the referral source.
* 0000000102 Budi (hostile name), 0000000117 Sari (backticks, quote):
  consenting TKR alumni currently at E08.
* 0000000104 Dedi and 0000000111 Kiki: alumni WITHOUT consent.
* 0000000105 Eko: a TKR student who interned at E08 and has a job at E10.
* 0000000202 Qori: SMK B alumnus at E08.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EDGE = FIXTURES / "edge"
GOLDEN = EDGE / "golden"
AS_OF = "2025-07-01"
SCHOOL_A, SCHOOL_B = "20300001", "20300002"
#: Issue 14's work records (pipeline, MoU scope, vacancies, referrals) on top of the edge dataset.
WORK = FIXTURES / "work"

#: Issue 14's queries with the work dataset's own parameters (as_of = AS_OF).
WORK_QUERIES = (
    ("outreach_pipeline", {"npsn": SCHOOL_A}),
    ("outreach_pipeline", {"npsn": SCHOOL_A, "owner": "uji-humas", "program": "TKR"}),
    ("outreach_pipeline", {"npsn": SCHOOL_A, "employer": "E03"}),
    ("work_alerts", {"npsn": SCHOOL_A}),
    ("work_alerts", {"npsn": SCHOOL_A, "days": 400}),
    ("outreach_conversion", {"npsn": SCHOOL_A}),
    ("vacancies", {"npsn": SCHOOL_A}),
    ("vacancies", {"npsn": SCHOOL_A, "only_open": "ya"}),
    ("vacancy_candidates", {"id": "L-TEST1"}),
    ("vacancy_candidates", {"id": "l-test2", "max_hops": 2}),
    ("placement_report", {"npsn": SCHOOL_A}),
    ("placement_report", {"npsn": SCHOOL_A, "program": "TKR", "year": 2020}),
)

#: Values that must never appear in any query output.
NO_CONSENT_NAMES = ("Dedi Rahasia", "Kiki Diam")
NO_CONSENT_NISN = ("0000000104", "0000000111")


def load_edge(store) -> None:
    from alumni_graph.loaders import load_paths

    store.init_schema()
    report = load_paths(store, [EDGE])
    assert report.ok, report.render()


def open_neo4j(neo4j_server, batch_size: int = 5000):
    from alumni_graph.graph_service.neo4j_store import Neo4jStore

    return Neo4jStore(neo4j_server["uri"], user=neo4j_server["user"],
                      password=neo4j_server["password"],
                      database=os.environ.get("NEO4J_DATABASE", "neo4j"), batch_size=batch_size)


def people() -> dict[str, dict]:
    """siswa.csv as read by the test itself (not through the code under test)."""
    with open(EDGE / "siswa.csv", encoding="utf-8", newline="") as f:
        return {r["nisn"]: r for r in csv.DictReader(f)}


def employers() -> dict[str, dict]:
    with open(EDGE / "dudi.csv", encoding="utf-8", newline="") as f:
        return {r["kode"]: r for r in csv.DictReader(f)}
