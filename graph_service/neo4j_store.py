"""The Neo4j store: one driver per store, batched ``UNWIND ... MERGE`` writes
in managed transactions, every value a parameter, ``database_`` always given.

Cypher text here is built only from names declared in ``schema`` (labels,
types, property keys); no caller-supplied string ever becomes Cypher.
"""
from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from alumni_graph.graph_service.errors import NotFound, SchemaError, StoreUnavailable
from alumni_graph.graph_service.schema import (
    NODE_TYPES,
    REL_TYPES,
    constraint_name,
    constraint_statements,
    index_statements,
    node_id,
    node_type,
)
from alumni_graph.graph_service.store import (
    Store,
    WriteCounts,
    batched,
    canonical_dump,
    check_rel_endpoints,
    check_rel_row,
    now_iso,
    rel_edge_key,
    rel_type,
    sort_relationships,
    split_node_row,
    strip_provenance,
)

# A row counts as changed when any given property differs; nulls compare
# equal to absent, as in the embedded store.
_CHANGED = (
    "[k IN keys(row.props) WHERE NOT coalesce(x[k] = row.props[k], "
    "x[k] IS NULL AND row.props[k] IS NULL)]"
)
_APPLY_AND_COUNT = f"""
WITH x, row, x.loaded_at IS NULL AS created
WITH x, row, created, {_CHANGED} AS changed
FOREACH (_ IN CASE WHEN created OR size(changed) > 0 THEN [1] ELSE [] END |
  SET x += row.props, x.source = $source, x.loaded_at = $loaded_at)
RETURN sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN NOT created AND size(changed) > 0 THEN 1 ELSE 0 END) AS updated,
       count(*) AS matched
"""


#: How long /healthz reuses the newest ``loaded_at`` (a full scan).
HEALTH_CACHE_SECONDS = 30


_SCALARS = frozenset({str, int, float, bool, type(None)})


class _NotPlain(Exception):
    """A value that only ``Record.data()`` converts (a node, a date...)."""


def _plain(value):
    if type(value) in _SCALARS:
        return value
    if type(value) is dict:
        return {k: _plain(v) for k, v in value.items()}
    if type(value) is list:
        return [_plain(v) for v in value]
    raise _NotPlain


def _row(record) -> dict:
    """``record.data()``, the same dict, made fast for the rows queries return
    (text, numbers, lists and maps): the driver's converter checks every value
    against its abstract types and took half a Calon mitra page at M.
    Anything else (nodes, dates) still goes through ``record.data()``."""
    try:
        return {k: _plain(v) for k, v in zip(record.keys(), record.values())}
    except _NotPlain:
        return record.data()

def _match(var: str, label: str, param: str) -> str:
    keys = NODE_TYPES[label].key
    inner = ", ".join(f"{k}: {param}[{i}]" for i, k in enumerate(keys))
    return f"{var}:{label} {{{inner}}}"


class Neo4jStore(Store):
    backend = "neo4j"

    def __init__(
        self,
        uri: str,
        *,
        user: str = "neo4j",
        password: str = "",
        database: str = "neo4j",
        batch_size: int = 5000,
    ):
        self.uri = uri
        self.database = database
        self._credentials = (user, password)
        self.batch_size = batch_size
        self._constraints_checked = False
        auth = (user, password) if password else None
        try:
            self._driver = GraphDatabase.driver(
                uri, auth=auth, user_agent="alumni-graph", connection_timeout=10,
                # "Property key does not exist" for an optional property no node
                # holds yet is normal in this schema; the driver would log each
                # one, with the whole query text, on every call.
                notifications_disabled_classifications=["UNRECOGNIZED"],
            )
            self._driver.verify_connectivity()
        except AuthError:
            self._close_quietly()
            raise StoreUnavailable(
                f"Neo4j at {uri} refused the credentials: check NEO4J_USER and NEO4J_PASSWORD"
            ) from None
        except (ServiceUnavailable, OSError, ValueError, Neo4jError) as exc:
            self._close_quietly()
            raise StoreUnavailable(
                f"Neo4j is unreachable at {uri} ({exc.__class__.__name__}): check that the "
                "server runs and that NEO4J_URI points at its Bolt port"
            ) from None

    def credentials(self) -> tuple[str, str]:
        """(user, password): for a helper process that opens the same store
        (the web's isolated upload check)."""
        return self._credentials

    def data_changed_at(self) -> float | None:
        """The newest ``loaded_at`` of any node (a real read: raises
        StoreUnavailable when Neo4j does not answer). A full scan, so the
        answer is kept for ``HEALTH_CACHE_SECONDS``."""
        import time

        now = time.monotonic()
        cached = getattr(self, "_changed_cache", None)
        if cached is not None and now - cached[0] < HEALTH_CACHE_SECONDS:
            self.read("RETURN 1 AS ok")  # still reachable?
            return cached[1]
        rows = self.read("MATCH (n) WHERE n.loaded_at IS NOT NULL RETURN max(n.loaded_at) AS at")
        at = rows[0]["at"] if rows else None
        value = None
        if isinstance(at, str):
            import datetime as dt

            try:
                value = dt.datetime.fromisoformat(at).timestamp()
            except ValueError:
                value = None
        self._changed_cache = (now, value)
        return value

    def _close_quietly(self):
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.close()

    def close(self) -> None:
        self._driver.close()

    # -- plumbing ---------------------------------------------------------
    def _session(self, **config):
        """A session sharing ``execute_query``'s bookmarks: on a cluster (a
        ``neo4j+s://`` URI) a read routed to a secondary after a load by this
        store waits until that secondary has the load (read your own writes)."""
        return self._driver.session(
            database=self.database,
            bookmark_manager=self._driver.execute_query_bookmark_manager, **config)

    def read(self, cypher: str, params: dict | None = None) -> list[dict]:
        """Run a read query and return plain dict rows."""
        try:
            records, _, _ = self._driver.execute_query(
                cypher, params or {}, database_=self.database,
                routing_=neo4j.RoutingControl.READ,
            )
        except ServiceUnavailable:
            raise StoreUnavailable(f"Neo4j at {self.uri} stopped answering") from None
        return [_row(r) for r in records]

    def iter_read(self, cypher: str, params: dict | None = None):
        """Stream rows lazily (large exports): memory stays at one fetch batch."""
        with self._session(default_access_mode=neo4j.READ_ACCESS) as s:
            yield from (_row(r) for r in s.run(cypher, params or {}))

    def write(self, cypher: str, params: dict | None = None) -> list[dict]:
        try:
            records, _, _ = self._driver.execute_query(
                cypher, params or {}, database_=self.database
            )
        except ServiceUnavailable:
            raise StoreUnavailable(f"Neo4j at {self.uri} stopped answering") from None
        return [_row(r) for r in records]

    def _write_batches(self, cypher: str, rows: Iterable, extra: dict) -> WriteCounts:
        counts = WriteCounts()

        def work(tx, batch):
            rec = tx.run(cypher, rows=batch, **extra).single()
            return rec["created"], rec["updated"], rec["matched"]

        with self._session() as session:
            for batch in batched(rows, self.batch_size):
                try:
                    created, updated, matched = session.execute_write(work, batch)
                except ServiceUnavailable:
                    raise StoreUnavailable(
                        f"Neo4j at {self.uri} stopped answering during a write; "
                        "re-run the load when it is back (loads are idempotent)"
                    ) from None
                counts.created += created
                counts.updated += updated
                counts.unchanged += matched - created - updated
                counts.missing += len(batch) - matched
        return counts

    # -- schema -----------------------------------------------------------
    def init_schema(self) -> list[str]:
        for statement in constraint_statements() + index_statements():
            self.write(statement)
        self._constraints_checked = False
        return self.constraints()

    def constraints(self) -> list[str]:
        rows = self.read("SHOW CONSTRAINTS YIELD name, type RETURN name, type")
        return sorted(r["name"] for r in rows if r["type"] == "UNIQUENESS")

    def _require_constraints(self) -> None:
        # Without the uniqueness constraints every MERGE scans its whole label.
        if self._constraints_checked:
            return
        wanted = {constraint_name(label) for label in NODE_TYPES}
        missing = wanted - set(self.constraints())
        if missing:
            raise SchemaError(
                f"Neo4j lacks the constraints {sorted(missing)}: run `alumni-graph init-schema` first"
            )
        self._constraints_checked = True

    # -- writes -----------------------------------------------------------
    def upsert_nodes(self, label: str, rows: Iterable[dict], *, source: str) -> WriteCounts:
        nt = node_type(label)
        self._require_constraints()
        cypher = f"UNWIND $rows AS row MERGE ({_match('x', label, 'row.key')})" + _APPLY_AND_COUNT
        payload = (
            {"key": list(r.key), "props": r.props}
            for r in (split_node_row(nt, row) for row in rows)
        )
        return self._write_batches(cypher, payload, {"source": source, "loaded_at": now_iso()})

    def upsert_relationships(
        self, type_: str, rows: Iterable[dict], *, start_label: str, end_label: str, source: str
    ) -> WriteCounts:
        rt = rel_type(type_)
        check_rel_endpoints(rt, start_label, end_label)
        self._require_constraints()
        rkey = ", ".join(f"{k}: row.props.{k}" for k in rt.key)
        cypher = (
            f"UNWIND $rows AS row "
            f"MATCH ({_match('a', start_label, 'row.start')}) "
            f"MATCH ({_match('b', end_label, 'row.end')}) "
            f"MERGE (a)-[x:{rt.type}{' {' + rkey + '}' if rkey else ''}]->(b)"
            + _APPLY_AND_COUNT
        )
        payload = (
            {"start": list(row["start"]), "end": list(row["end"]),
             "props": check_rel_row(rt, row)}
            for row in rows
        )
        return self._write_batches(cypher, payload, {"source": source, "loaded_at": now_iso()})

    def delete_relationships(
        self, type_: str, rows: Iterable[dict], *, start_label: str, end_label: str
    ) -> int:
        rt = rel_type(type_)
        check_rel_endpoints(rt, start_label, end_label)
        rkey = ", ".join(f"{k}: row.props.{k}" for k in rt.key)
        cypher = (
            f"UNWIND $rows AS row "
            f"MATCH ({_match('a', start_label, 'row.start')})"
            f"-[x:{rt.type}{' {' + rkey + '}' if rkey else ''}]->"
            f"({_match('b', end_label, 'row.end')}) "
            "DELETE x RETURN count(x) AS c"
        )
        payload = [
            {"start": list(row["start"]), "end": list(row["end"]),
             "props": check_rel_row(rt, row)}
            for row in rows
        ]
        deleted = 0
        for batch in batched(payload, self.batch_size):
            deleted += self.write(cypher, {"rows": batch})[0]["c"]
        return deleted

    def merge_nodes(self, label: str, keep: tuple, drop: tuple, *, source: str) -> int:
        node_type(label)
        if tuple(keep) == tuple(drop):
            if self.get_node(label, keep) is None:
                raise NotFound(f"{label} {'/'.join(map(str, keep))} does not exist")
            return 0
        # One statement per relationship type and direction, all in one
        # transaction: Cypher cannot parametrise a relationship type, and the
        # types come from the schema.
        statements = []
        for rt in REL_TYPES.values():
            rkey = ", ".join(f"{k}: r.{k}" for k in rt.key)
            pattern = f"[n:{rt.type}{' {' + rkey + '}' if rkey else ''}]"
            if label in rt.end:
                statements.append(
                    f"MATCH ({_match('d', label, '$drop')})<-[r:{rt.type}]-(o) "
                    f"MATCH ({_match('k', label, '$keep')}) "
                    f"MERGE (o)-{pattern}->(k) "
                    "ON CREATE SET n = properties(r), n.source = $source, n.loaded_at = $stamp "
                    "DELETE r RETURN count(*) AS c"
                )
            if label in rt.start:
                statements.append(
                    f"MATCH ({_match('d', label, '$drop')})-[r:{rt.type}]->(o) "
                    f"MATCH ({_match('k', label, '$keep')}) "
                    f"MERGE (k)-{pattern}->(o) "
                    "ON CREATE SET n = properties(r), n.source = $source, n.loaded_at = $stamp "
                    "DELETE r RETURN count(*) AS c"
                )

        def work(tx):
            found = tx.run(
                f"OPTIONAL MATCH ({_match('k', label, '$keep')}) "
                f"OPTIONAL MATCH ({_match('d', label, '$drop')}) "
                "RETURN k IS NOT NULL AS k, d IS NOT NULL AS d",
                keep=list(keep), drop=list(drop),
            ).single()
            for which, present in (("keep", found["k"]), ("drop", found["d"])):
                if not present:
                    key = keep if which == "keep" else drop
                    raise NotFound(f"{label} {'/'.join(map(str, key))} does not exist")
            params = {"keep": list(keep), "drop": list(drop), "source": source, "stamp": now_iso()}
            moved = sum(tx.run(s, **params).single()["c"] for s in statements)
            tx.run(f"MATCH ({_match('d', label, '$drop')}) DETACH DELETE d", drop=list(drop))
            return moved

        with self._session() as session:
            return session.execute_write(work)

    def delete_node(self, label: str, key: tuple) -> bool:
        node_type(label)
        rows = self.write(
            f"MATCH ({_match('n', label, '$key')}) DETACH DELETE n RETURN count(*) AS c",
            {"key": list(key)},
        )
        return bool(rows and rows[0]["c"])

    def clear(self) -> None:
        # CALL ... IN TRANSACTIONS needs an auto-commit transaction: session.run.
        # Relationships first: a DETACH DELETE of 10,000 nodes that include
        # programme and employer hubs deletes millions of relationships in one
        # inner transaction and exceeds the transaction memory at province
        # scale (measured: 1M nodes, 2.5M relationships, 3 GB heap).
        with self._session() as session:
            session.run(
                "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()

    # -- reads ------------------------------------------------------------
    def get_node(self, label: str, key: tuple) -> dict | None:
        node_type(label)
        rows = self.read(f"MATCH ({_match('n', label, '$key')}) RETURN properties(n) AS p", {"key": list(key)})
        if not rows:
            return None
        return dict(rows[0]["p"])

    def iter_nodes(self, label: str, keys: Iterable[tuple] | None = None):
        node_type(label)
        if keys is None:
            for row in self.iter_read(f"MATCH (n:{label}) RETURN properties(n) AS p"):
                yield dict(row["p"])
            return
        # Reads batch at a fixed size: a store made with batch_size=1 (to
        # measure one-row writes) should not also read row by row.
        cypher = f"UNWIND $keys AS key MATCH ({_match('n', label, 'key')}) RETURN properties(n) AS p"
        for batch in batched((list(k) for k in keys), 5000):
            for row in self.read(cypher, {"keys": batch}):
                yield dict(row["p"])

    def iter_relationships(self, type_: str, *, start_label: str, end_label: str):
        rt = rel_type(type_)
        check_rel_endpoints(rt, start_label, end_label)
        a_keys = ", ".join(f"a.{k}" for k in NODE_TYPES[start_label].key)
        b_keys = ", ".join(f"b.{k}" for k in NODE_TYPES[end_label].key)
        cypher = (
            f"MATCH (a:{start_label})-[r:{rt.type}]->(b:{end_label}) "
            f"RETURN [{a_keys}] AS s, [{b_keys}] AS e, properties(r) AS p"
        )
        for row in self.iter_read(cypher):
            yield {"start": tuple(row["s"]), "end": tuple(row["e"]), "props": dict(row["p"])}

    def relationships_of(self, label: str, key: tuple) -> list[dict]:
        node_type(label)
        rows = self.read(
            f"MATCH ({_match('n', label, '$key')})-[r]-(o) "
            "RETURN type(r) AS t, startNode(r) = n AS out, labels(o)[0] AS label, "
            "properties(o) AS o, properties(r) AS p",
            {"key": list(key)},
        )
        out = []
        for row in rows:
            nt = NODE_TYPES[row["label"]]
            out.append({"type": row["t"], "direction": "out" if row["out"] else "in",
                        "other": [nt.label, [row["o"][k] for k in nt.key]], "props": dict(row["p"])})
        return sort_relationships(out)

    def count_nodes(self, label: str | None = None) -> int:
        if label is None:
            return self.read("MATCH (n) RETURN count(n) AS c")[0]["c"]
        node_type(label)
        return self.read(f"MATCH (n:{label}) RETURN count(n) AS c")[0]["c"]

    def count_relationships(self, type_: str | None = None) -> int:
        if type_ is None:
            return self.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
        rel_type(type_)
        return self.read(f"MATCH ()-[r:{type_}]->() RETURN count(r) AS c")[0]["c"]

    def _all(self):
        nodes = self.iter_read(
            "MATCH (n) RETURN elementId(n) AS id, labels(n)[0] AS label, properties(n) AS p"
        )
        rels = self.iter_read(
            "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS t, "
            "properties(r) AS p"
        )
        return nodes, rels

    def version(self) -> str:
        """The database's last committed transaction, as the bookmark Neo4j
        hands a read-only session (it names the newest closed transaction):
        any committed write, by this app or anyone, changes it; reads don't.
        (``SHOW DATABASE ... lastCommittedTxn`` is null on Community.)"""
        return self.read_versioned("RETURN 1")[1]

    def read_versioned(self, cypher: str, params: dict | None = None) -> tuple[list[dict], str]:
        """A read query's rows and the store's :meth:`version` as that read
        left it, in one round trip (the bookmark of the read's own session)."""
        import hashlib

        try:
            with self._driver.session(database=self.database,
                                      default_access_mode=neo4j.READ_ACCESS) as session:
                rows = [_row(r) for r in session.run(cypher, params or {})]
                marks = session.last_bookmarks().raw_values
        except ServiceUnavailable:
            raise StoreUnavailable(f"Neo4j at {self.uri} stopped answering") from None
        return rows, "n" + hashlib.sha256("|".join(sorted(marks)).encode()).hexdigest()[:20]

    #: Tries of :meth:`snapshot` before giving up while writes keep coming.
    SNAPSHOT_TRIES = 20

    def snapshot(self) -> tuple[dict, str]:
        """One read transaction, bracketed by the last committed transaction id:
        Neo4j reads are read-committed, so a write committing during the read
        could show half; then the read is repeated (up to SNAPSHOT_TRIES)."""
        import time

        def work(tx):
            nodes = [_row(r) for r in tx.run(
                "MATCH (n) RETURN elementId(n) AS id, labels(n)[0] AS label, properties(n) AS p")]
            rels = [_row(r) for r in tx.run(
                "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS t, "
                "properties(r) AS p")]
            return nodes, rels

        for attempt in range(self.SNAPSHOT_TRIES):
            before = self.version()
            with self._session(default_access_mode=neo4j.READ_ACCESS) as session:
                nodes, rels = session.execute_read(work)
            if self.version() == before:
                return self._dump_rows(nodes, rels, True), before
            time.sleep(min(0.05 * 2 ** attempt, 2.0))
        raise StoreUnavailable(
            "the Neo4j database kept changing during the backup (a load is running): "
            "run the backup again when it has finished")

    def restore_dump(self, dump: dict) -> WriteCounts:
        self.init_schema()
        counts = WriteCounts()
        by_label: dict[str, list] = {}
        for label, key, props in dump["nodes"]:
            nt = node_type(label)
            by_label.setdefault(label, []).append({**props, **dict(zip(nt.key, key))})
        for label, rows in by_label.items():
            for batch in batched(rows, self.batch_size):
                counts.created += self.write(
                    f"UNWIND $rows AS row CREATE (n:{label}) SET n = row RETURN count(n) AS c",
                    {"rows": batch})[0]["c"]
        by_rel: dict[tuple, list] = {}
        for type_, (a_label, a_key), (b_label, b_key), props in dump["relationships"]:
            rt = rel_type(type_)
            check_rel_endpoints(rt, a_label, b_label)
            by_rel.setdefault((rt.type, a_label, b_label), []).append(
                {"start": list(a_key), "end": list(b_key), "props": props})
        for (type_, a_label, b_label), rows in by_rel.items():
            cypher = (f"UNWIND $rows AS row MATCH ({_match('a', a_label, 'row.start')}) "
                      f"MATCH ({_match('b', b_label, 'row.end')}) "
                      f"CREATE (a)-[r:{type_}]->(b) SET r = row.props RETURN count(r) AS c")
            for batch in batched(rows, self.batch_size):
                made = self.write(cypher, {"rows": batch})[0]["c"]
                counts.created += made
                counts.missing += len(batch) - made
        return counts

    def dump(self, *, provenance: bool = False) -> dict:
        nodes_iter, rels_iter = self._all()
        return self._dump_rows(nodes_iter, rels_iter, provenance)

    @staticmethod
    def _dump_rows(nodes_iter, rels_iter, provenance: bool) -> dict:
        refs, nodes = {}, []
        for row in nodes_iter:
            nt = NODE_TYPES[row["label"]]
            key = [row["p"][k] for k in nt.key]
            refs[row["id"]] = [nt.label, key]
            props = {k: v for k, v in row["p"].items() if k not in nt.key}
            nodes.append([nt.label, key, strip_provenance(props, provenance)])
        rels = [
            [row["t"], refs[row["a"]], refs[row["b"]], strip_provenance(row["p"], provenance)]
            for row in rels_iter
        ]
        return canonical_dump(nodes, rels)

    def graph(self) -> nx.MultiDiGraph:
        """Project the whole database into the embedded layout (networkx-only analyses)."""
        g = nx.MultiDiGraph()
        nodes_iter, rels_iter = self._all()
        ids = {}
        for row in nodes_iter:
            nt = NODE_TYPES[row["label"]]
            nid = node_id(nt.label, [row["p"][k] for k in nt.key])
            ids[row["id"]] = nid
            g.add_node(nid, label=nt.label, **row["p"])
        for row in rels_iter:
            rt = rel_type(row["t"])
            g.add_edge(ids[row["a"]], ids[row["b"]], rel_edge_key(rt, row["p"]), type=rt.type, **row["p"])
        return g
