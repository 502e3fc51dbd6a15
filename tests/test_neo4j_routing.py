"""The store through a routing URI (``neo4j://``): what a cluster or Aura
(``neo4j+s://``, the same plus TLS) needs, tested here against the single test
server, which answers the driver's routing requests with itself. Reads go out
as READ transactions (routed to secondaries on a cluster), writes as WRITE
(to the leader); the sessions share the driver's bookmarks, so a read after
this store's own load sees the load (docs/scaling.md)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph_service.config import Config
from loaders import load_paths

EDGE = Path(__file__).resolve().parent / "fixtures" / "edge"

pytestmark = pytest.mark.neo4j


def test_a_routing_uri_loads_and_reads(neo4j_server, neo4j_store):
    from graph_service.neo4j_store import Neo4jStore
    from queries import run_query

    uri = neo4j_server["uri"]
    if not uri.startswith("bolt://"):
        pytest.skip("NEO4J_URI is not a bolt:// URI to turn into neo4j://")
    routed = "neo4j://" + uri.removeprefix("bolt://")
    config = Config.from_env({"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": routed})
    store = Neo4jStore(config.neo4j_uri, user=neo4j_server["user"], password=neo4j_server["password"],
                       database=os.environ.get("NEO4J_DATABASE", "neo4j"), batch_size=5)
    try:
        report = load_paths(store, [EDGE])
        assert report.ok, report.render()
        # Read at once through the routing driver: our own writes are visible.
        assert store.count_nodes() == neo4j_store.count_nodes() > 0
        assert sum(1 for _ in store.iter_nodes("Person")) == store.count_nodes("Person")
        school = next(store.iter_nodes("School"))["npsn"]
        result = run_query(store, "prospective_partners", {"npsn": school, "as_of": "2026-11-01"})
        assert result.rows == run_query(neo4j_store, "prospective_partners",
                                        {"npsn": school, "as_of": "2026-11-01"}).rows
    finally:
        store.close()


def test_cluster_and_aura_uris_are_accepted():
    for uri in ("neo4j+s://abcd1234.databases.neo4j.io", "neo4j://core1.example:7687",
                "bolt+s://db.example:7687"):
        assert Config.from_env({"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": uri}).neo4j_uri == uri
