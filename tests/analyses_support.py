"""Shared by the analyses tests (issue 6): the analyses dataset and stores loaded with it.

tests/fixtures/analyses/*.csv (loader format, all synthetic) is small and
hits each analysis's rules and edge cases; the expected values in the tests
were worked out by hand from it, with ``AS_OF`` = 2025-07-01. People of note:

* SMK 20400001: TKR cohort 2022 (Adi 1001 bridges E04 and E01; Bela 1002 has
  two current jobs and a hostile name; Dodi 1004 untraced without consent;
  Eka 1005 no status), cohort 2023 (Fani no consent; Indra 1009 untraced
  without consent, co-worker of Hadi 1008), cohort 2024 (Joko 1010: job in
  the future), cohort 2026 (Kiki: not graduated yet), cohort 2010 (Oma);
  RPL 2021 (Lina; Mira 1102 without consent bridging E01 and E06; Nando
  untraced, consenting); AKL: a programme with no alumni; students with
  internships for the monitoring.
* SMK 20400002: one alumnus with one job (graphs of one or two nodes).
* SMK 20400003: a school with a programme and nobody in it.
"""
from __future__ import annotations

import os
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA = FIXTURES / "analyses"
AS_OF = "2025-07-01"
SCHOOL, ONE_NODE, EMPTY = "20400001", "20400002", "20400003"

#: Names and NISNs of people who did not consent: never in any output.
NO_CONSENT = {"0040001004": "Dodi Tersembunyi", "0040001006": "Fani Rahasia",
              "0040001009": "Indra Senyap", "0040001102": "Mira Diam",
              "0040001105": "Tono Siswa"}

ANALYSES = ("tracer_summary", "program_alignment", "internship_monitoring", "internship_hosts",
            "key_connectors", "industry_clusters", "untraced_reach", "alumni_register")


def load(store, paths=(DATA,)) -> None:
    from alumni_graph.loaders import load_paths

    store.init_schema()
    report = load_paths(store, list(paths))
    assert report.ok, report.render()


def open_neo4j(neo4j_server):
    from alumni_graph.graph_service.neo4j_store import Neo4jStore

    return Neo4jStore(neo4j_server["uri"], user=neo4j_server["user"],
                      password=neo4j_server["password"],
                      database=os.environ.get("NEO4J_DATABASE", "neo4j"), batch_size=5000)


def both_stores(tmp_path_factory, neo4j_server, paths=(DATA,)):
    """(embedded, neo4j), each loaded with ``paths`` through the loader."""
    from alumni_graph.graph_service.embedded import EmbeddedStore

    emb = EmbeddedStore(tmp_path_factory.mktemp("analyses") / "data", batch_size=5000)
    load(emb, paths)
    neo = open_neo4j(neo4j_server)
    neo.clear()
    load(neo, paths)
    return emb, neo
