"""The demo school (seed 2026, ~8,000 people, 20,605 rows), generated once and
loaded through the loader into both stores once per test run, for the demo
parity tests (tests/test_queries_demo.py, tests/test_queries_demo_analyses.py:
their names keep them next to each other in a run). The tests only read.

The Neo4j database is shared with every other test, which clears it: before
each use its node and relationship counts are compared with those right after
the load, and the demo is loaded again if they differ. (Not ``store.version()``:
a query-cache or index call between the modules moves the bookmark too.)
"""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_stores(tmp_path_factory, neo4j_server):
    """``demo_stores()`` -> ``(embedded, neo4j)``, both holding the demo school."""
    from alumni_graph.demo import generate_demo
    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.loaders import load_paths
    from queries_support import open_neo4j

    files = list(generate_demo(tmp_path_factory.mktemp("demo-input"), seed=2026, schools=1).values())

    def load(store) -> None:
        store.init_schema()
        report = load_paths(store, files)
        assert report.ok, report.render()

    emb = EmbeddedStore(tmp_path_factory.mktemp("demo") / "data", batch_size=5000)
    load(emb)
    neo = open_neo4j(neo4j_server)
    loaded = {"counts": None, "loads": 0}

    def counts():
        return neo.count_nodes(), neo.count_relationships()

    def get():
        if loaded["counts"] is None or counts() != loaded["counts"]:
            neo.clear()
            load(neo)
            loaded["counts"], loaded["loads"] = counts(), loaded["loads"] + 1
        return emb, neo

    get.loaded = loaded
    yield get
    neo.close()
