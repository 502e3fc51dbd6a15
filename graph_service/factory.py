"""``open_store``: the one place that picks and opens a store from a Config.

Apart from the store interface (``graph_service.store``) that both stores
import, so the base module knows neither implementation.
"""
from __future__ import annotations

from alumni_graph.graph_service.store import Store


def open_store(config) -> Store:
    """Open the store the configuration names. Raises StoreUnavailable with a
    one-line reason when it cannot be reached."""
    if config.backend == "neo4j":
        from alumni_graph.graph_service.neo4j_store import Neo4jStore

        return Neo4jStore(
            config.neo4j_uri,
            user=config.neo4j_user,
            password=config.neo4j_password,
            database=config.neo4j_database,
            batch_size=config.batch_size,
        )
    from alumni_graph.graph_service.embedded import EmbeddedStore

    return EmbeddedStore(config.data_dir, batch_size=config.batch_size)
