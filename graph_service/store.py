"""The store interface and shared write-row helpers (``open_store`` is in
``graph_service.factory``; imported here too for older callers).

Two implementations: :class:`graph_service.embedded.EmbeddedStore` (networkx,
persisted to a JSON file; the default) and
:class:`graph_service.neo4j_store.Neo4jStore` (the official driver).

Rows
----
``upsert_nodes(label, rows)`` takes dicts holding the node type's key
properties and any other declared properties. A ``None`` value means "absent"
(the property is removed). ``upsert_relationships(type, rows, start_label=...,
end_label=...)`` takes dicts ``{"start": (key values...), "end": (key
values...), "props": {...}}`` where ``props`` holds the relationship's key
properties and others.

Both stores count every row as exactly one of created, updated or unchanged;
relationship rows whose endpoints do not exist are counted as ``missing`` and
not written.
"""
from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

from alumni_graph.graph_service.errors import SchemaError
from alumni_graph.graph_service.schema import NodeType, RelType, node_type, rel_type


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0

    def __iadd__(self, other: "WriteCounts") -> "WriteCounts":
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.missing += other.missing
        return self

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.missing

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "missing": self.missing,
        }


@dataclass(frozen=True)
class NodeRow:
    key: tuple
    props: dict = field(hash=False)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def split_node_row(nt: NodeType, row: dict) -> NodeRow:
    """Check a node row against the schema and split it into key and properties."""
    unknown = set(row) - set(nt.key) - set(nt.properties)
    if unknown:
        raise SchemaError(f"{nt.label} has no properties {sorted(unknown)}")
    key = tuple(row.get(k) for k in nt.key)
    if any(v is None or v == "" for v in key):
        raise SchemaError(f"{nt.label} row lacks its key {nt.key}")
    props = {k: v for k, v in row.items() if k not in nt.key}
    return NodeRow(key, props)


def check_rel_endpoints(rt: RelType, start_label: str, end_label: str) -> None:
    if start_label not in rt.start or end_label not in rt.end:
        raise SchemaError(
            f"{rt.type} goes from {'/'.join(rt.start)} to {'/'.join(rt.end)}, "
            f"not from {start_label} to {end_label}"
        )


def check_rel_row(rt: RelType, row: dict) -> dict:
    """Check a relationship row's properties; return them."""
    props = row.get("props") or {}
    unknown = set(props) - set(rt.key) - set(rt.properties)
    if unknown:
        raise SchemaError(f"{rt.type} has no properties {sorted(unknown)}")
    if any(props.get(k) in (None, "") for k in rt.key):
        raise SchemaError(f"{rt.type} row lacks its key properties {rt.key}")
    return props


def batched(rows: Iterable, size: int) -> Iterator[list]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


class Store(ABC):
    """What every store offers. Plain methods, the store first, like networkx."""

    backend: str
    batch_size: int

    # -- schema -----------------------------------------------------------
    @abstractmethod
    def init_schema(self) -> list[str]:
        """Create the constraints and indexes derived from the schema; idempotent."""

    @abstractmethod
    def constraints(self) -> list[str]:
        """Names of the uniqueness constraints that exist."""

    # -- writes -----------------------------------------------------------
    @abstractmethod
    def upsert_nodes(self, label: str, rows: Iterable[dict], *, source: str) -> WriteCounts: ...

    @abstractmethod
    def upsert_relationships(
        self, type_: str, rows: Iterable[dict], *, start_label: str, end_label: str, source: str
    ) -> WriteCounts: ...

    @contextmanager
    def transaction(self):
        """Group writes. The embedded store saves once at the end (or rolls back
        on error); on Neo4j each batch is its own transaction, so this only
        marks the scope."""
        yield self

    @abstractmethod
    def delete_relationships(
        self, type_: str, rows: Iterable[dict], *, start_label: str, end_label: str
    ) -> int:
        """Delete relationships given as write rows (``start``, ``end`` and the
        type's key properties in ``props``); rows matching nothing are ignored.
        Returns the number deleted. (Loaders use it when a value a
        relationship derives from changes, e.g. a student's programme.)"""

    # -- reads ------------------------------------------------------------
    @abstractmethod
    def get_node(self, label: str, key: tuple) -> dict | None:
        """The node's properties (provenance included), or None."""

    @abstractmethod
    def iter_nodes(self, label: str, keys: Iterable[tuple] | None = None) -> Iterator[dict]:
        """Properties (provenance included) of every node of ``label``, or of
        those whose key is in ``keys`` (absent keys are skipped): the bulk
        form of ``get_node``, for loaders that check thousands of references."""

    def iter_relationships(self, type_: str, *, start_label: str, end_label: str) -> Iterator[dict]:
        """Every relationship of ``type_`` from a ``start_label`` node to an
        ``end_label`` node, streamed, as write rows ``{"start": (key...),
        "end": (key...), "props": {...}}`` (provenance included): the bulk
        read behind ``export-admin-import``. Order is unspecified."""
        raise NotImplementedError

    def relationships_of(self, label: str, key: tuple) -> list[dict]:
        """Every relationship of one node, both directions, as
        ``{"type", "direction": "out"|"in", "other": [label, [key...]], "props"}``
        (provenance included), sorted; [] if the node does not exist. For
        subject-access exports."""
        raise NotImplementedError

    @abstractmethod
    def count_nodes(self, label: str | None = None) -> int: ...

    @abstractmethod
    def count_relationships(self, type_: str | None = None) -> int: ...

    @abstractmethod
    def dump(self, *, provenance: bool = False) -> dict:
        """The whole graph in a canonical, sorted, JSON-ready form.

        ``{"nodes": [[label, [key...], {props}]...],
           "relationships": [[type, [start_label, [key...]], [end_label, [key...]], {props}]...]}``
        Used to compare the two stores and for subject-access exports.
        """

    def version(self) -> str:
        """A short text that changes whenever a committed write changes what
        reads return (the web's ETags rest on it). Cheap: no graph read."""
        raise NotImplementedError

    def snapshot(self) -> tuple[dict, str]:
        """``(dump(provenance=True), version)`` read consistently: every node
        and relationship as of one committed state (``alumni-graph backup``)."""
        raise NotImplementedError

    def restore_dump(self, dump: dict) -> WriteCounts:
        """Write a ``dump(provenance=True)`` into this (empty) store as it is,
        provenance included (``alumni-graph restore``). The caller checks that
        the store is empty."""
        raise NotImplementedError

    @abstractmethod
    def graph(self):
        """A networkx MultiDiGraph of the store's data in the embedded layout
        (node ids from ``schema.node_id``; node attribute ``label``; edge key
        ``TYPE|keyvalues``; edge attribute ``type``)."""

    @abstractmethod
    def merge_nodes(self, label: str, keep: tuple, drop: tuple, *, source: str) -> int:
        """Move every relationship of node ``drop`` onto node ``keep`` and delete
        ``drop``. A moved relationship that ``keep`` already has (same type, other
        end and key properties) is folded into the existing one. Returns the
        number of relationships moved. Raises NotFound if either node is missing."""

    @abstractmethod
    def delete_node(self, label: str, key: tuple) -> bool:
        """Delete a node and its relationships; True if it existed."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (tests and ``demo --reset``)."""

    # -- freshness and health ---------------------------------------------
    def sync(self) -> None:
        """Make every write committed so far, by any process, visible to the
        next read. Neo4j is live (nothing to do); the embedded store rereads
        a newer file. Raises StoreUnavailable when the store cannot be read."""

    def data_changed_at(self) -> float | None:
        """When the data last changed (seconds since the epoch), None if empty."""
        return None

    def health(self) -> dict:
        """``{"backend", "readable": True, "data_changed_at": ISO time or None,
        "data_age_seconds"}`` after a real read; raises StoreUnavailable when the
        store cannot be read or reached (for ``/healthz``)."""
        import time

        self.sync()
        changed = self.data_changed_at()
        age = None if changed is None else max(0, int(time.time() - changed))
        stamp = None if changed is None else dt.datetime.fromtimestamp(
            changed, dt.timezone.utc).replace(microsecond=0).isoformat()
        return {"backend": self.backend, "readable": True, "data_changed_at": stamp,
                "data_age_seconds": age}

    def close(self) -> None:  # pragma: no cover - trivial
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def rel_edge_key(rt: RelType, props: dict) -> str:
    return "|".join([rt.type, *(str(props[k]) for k in rt.key)])


def canonical_dump(nodes: list, rels: list) -> dict:
    return {"nodes": sorted(nodes, key=_sort_key), "relationships": sorted(rels, key=_sort_key)}


def _sort_key(item) -> str:
    import json

    return json.dumps(item[:-1], sort_keys=True, default=str) + json.dumps(
        item[-1], sort_keys=True, default=str
    )


def sort_relationships(rels: list[dict]) -> list[dict]:
    import json

    return sorted(rels, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def strip_provenance(props: dict, keep: bool) -> dict:
    if keep:
        return dict(props)
    return {k: v for k, v in props.items() if k not in ("source", "loaded_at")}


__all__ = [
    "NodeRow", "Store", "WriteCounts", "batched", "canonical_dump", "check_rel_endpoints",
    "check_rel_row",
    "node_type", "now_iso", "rel_edge_key", "rel_type", "split_node_row",
    "strip_provenance",
]


def __getattr__(name):  # ``from graph_service.store import open_store`` still works
    if name == "open_store":
        from alumni_graph.graph_service.factory import open_store

        return open_store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
