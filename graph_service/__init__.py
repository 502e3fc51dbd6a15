"""alumni-graph core: the schema, configuration, errors and the two stores.

Nothing here imports from ``loaders``, ``queries`` or ``web`` (the CLI is the
one place that ties them together).
"""
from alumni_graph.graph_service.config import Config
from alumni_graph.graph_service.errors import (
    AlumniGraphError,
    ConfigError,
    NotFound,
    ParameterError,
    SchemaError,
    StoreUnavailable,
)
from alumni_graph.graph_service.factory import open_store
from alumni_graph.graph_service.store import Store, WriteCounts

__all__ = [
    "AlumniGraphError",
    "Config",
    "ConfigError",
    "NotFound",
    "ParameterError",
    "SchemaError",
    "Store",
    "StoreUnavailable",
    "WriteCounts",
    "open_store",
]
