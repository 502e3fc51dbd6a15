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

from alumni_graph.graph_service.config import Config
from alumni_graph.loaders import load_paths

EDGE = Path(__file__).resolve().parent / "fixtures" / "edge"

pytestmark = pytest.mark.neo4j


def _spy_access_modes(store) -> list[tuple[str, str]]:
    """Record the access mode of every transaction the store's driver starts:
    ``execute_query`` calls (``routing_``) and sessions (``default_access_mode``,
    or the mode of ``execute_read``/``execute_write``)."""
    import neo4j

    driver, seen = store._driver, []
    real_query, real_session = driver.execute_query, driver.session

    def execute_query(*args, **kwargs):
        mode = kwargs.get("routing_", neo4j.RoutingControl.WRITE)
        seen.append(("query", "READ" if mode == neo4j.RoutingControl.READ else "WRITE"))
        return real_query(*args, **kwargs)

    class Session:
        def __init__(self, session, mode):
            self._s, self._mode = session, mode

        def __enter__(self):
            self._s.__enter__()
            return self

        def __exit__(self, *exc):
            return self._s.__exit__(*exc)

        def __getattr__(self, name):
            return getattr(self._s, name)

        def run(self, *args, **kwargs):
            seen.append(("session.run", self._mode))
            return self._s.run(*args, **kwargs)

        def execute_write(self, *args, **kwargs):
            seen.append(("execute_write", "WRITE"))
            return self._s.execute_write(*args, **kwargs)

        def execute_read(self, *args, **kwargs):
            seen.append(("execute_read", "READ"))
            return self._s.execute_read(*args, **kwargs)

    def session(**config):
        mode = "READ" if config.get("default_access_mode") == neo4j.READ_ACCESS else "WRITE"
        return Session(real_session(**config), mode)

    driver.execute_query, driver.session = execute_query, session
    return seen


def test_a_routing_uri_loads_and_reads(neo4j_server, neo4j_store):
    import neo4j
    from neo4j.exceptions import ClientError

    from alumni_graph.graph_service.neo4j_store import Neo4jStore
    from alumni_graph.queries import run_query

    uri = neo4j_server["uri"]
    if not uri.startswith("bolt://"):
        pytest.skip("NEO4J_URI is not a bolt:// URI to turn into neo4j://")
    routed = "neo4j://" + uri.removeprefix("bolt://")
    config = Config.from_env({"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": routed})
    store = Neo4jStore(config.neo4j_uri, user=neo4j_server["user"], password=neo4j_server["password"],
                       database=os.environ.get("NEO4J_DATABASE", "neo4j"), batch_size=5)
    try:
        assert isinstance(store._driver, neo4j.Neo4jDriver)  # the routing driver, not a direct one
        seen = _spy_access_modes(store)
        report = load_paths(store, [EDGE])
        assert report.ok, report.render()
        # The load wrote in WRITE transactions (to the leader on a cluster; the
        # server refuses a write in a READ one, as checked below for reads).
        assert [kind for kind, _ in seen].count("execute_write") >= 10  # batches of 5 rows

        # Read at once through the routing driver: our own writes are visible,
        # and every read of the store and of a named query is a READ.
        del seen[:]
        assert store.count_nodes() == neo4j_store.count_nodes() > 0
        assert sum(1 for _ in store.iter_nodes("Person")) == store.count_nodes("Person")
        school = next(store.iter_nodes("School"))["npsn"]
        result = run_query(store, "prospective_partners", {"npsn": school, "as_of": "2026-11-01"})
        assert result.rows == run_query(neo4j_store, "prospective_partners",
                                        {"npsn": school, "as_of": "2026-11-01"}).rows
        assert result.rows
        assert seen and {mode for _, mode in seen} == {"READ"}, seen

        # And the server agrees: a write sent through ``read`` (a READ
        # transaction) is refused, so a read can never land on the leader's
        # write path by mistake.
        with pytest.raises(ClientError, match="(?i)read access mode"):
            store.read("CREATE (:RoutingProbe) RETURN 1 AS one")
        assert store.write("MATCH (n:RoutingProbe) RETURN count(n) AS c") == [{"c": 0}]
    finally:
        store.close()


def test_cluster_and_aura_uris_are_accepted():
    for uri in ("neo4j+s://abcd1234.databases.neo4j.io", "neo4j://core1.example:7687",
                "bolt+s://db.example:7687"):
        assert Config.from_env({"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": uri}).neo4j_uri == uri
