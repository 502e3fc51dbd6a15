"""The embedded store: a networkx MultiDiGraph persisted as JSON in the data dir.

Durability: every commit writes a complete new file next to the old one,
fsyncs it and renames it over ``graph.json`` (``os.replace`` is atomic on
POSIX), then fsyncs the directory. A process killed at any moment leaves the
old or the new file, never a torn one. No pickle: the file is plain JSON.

Concurrency: one writer at a time across processes (``flock`` on
``graph.lock``). Writes work on a copy of the graph and swap it in on commit,
so readers in the same process (web threads) never see half a load, and a
failed load leaves the previous state. Readers in other processes notice a new
file by its stat stamp and reload it: at once by default (the next read
waits for the new graph), or, with ``reload_in_background``, in a background
thread while reads keep the previous graph. The web app calls :meth:`sync` at
the start of every request, which reloads at once: a deletion or any other
commit by another process (a CLI ``subject delete``) is visible to the next
request, never served once more (the request after a load waits for the
reload instead).

Failures: a commit that cannot be written (disk full, quota) removes its temp
file and raises StoreUnavailable saying nothing was saved; temp files left by
a killed writer (they hold personal data) are removed when the store is
opened or the next commit takes the lock. A ``graph.json`` of the wrong shape
is StoreUnavailable (a one-line error in the CLI, 503 on the web), never a
KeyError in a query. Files are written 0600 and the directory made 0700
(``security.private``).
"""
from __future__ import annotations

import errno
import fcntl
import gc
import json
import logging
import os
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import networkx as nx

from alumni_graph.graph_service.errors import NotFound, StoreUnavailable
from alumni_graph.security.private import make_private_dir
from alumni_graph.graph_service.schema import NODE_TYPES, constraint_name, node_id, node_type
from alumni_graph.graph_service.store import (
    Store,
    WriteCounts,
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

log = logging.getLogger("alumni_graph.embedded")

FORMAT = "alumni-graph/embedded-1"
GRAPH_FILE = "graph.json"

#: From this many nodes the garbage collector is kept off the graph.
GC_FREEZE_NODES = 100_000


def _keep_gc_off(g: nx.MultiDiGraph) -> None:
    """Keep Python's garbage collector off a large graph.

    A full collection walks every tracked object: a province's graph holds
    tens of millions, a pass takes about a second, and one comes every few
    thousand allocations, so queries stall at random (measured at M: p95 of
    a 12 ms query at 600 ms). The graph holds no garbage, so its objects are
    frozen (skipped by collections). The previous graph is unfrozen and
    collected first so that replaced graphs are still freed; small graphs
    are left alone (a collection costs them nothing).
    """
    if g.number_of_nodes() < GC_FREEZE_NODES:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class EmbeddedStore(Store):
    backend = "embedded"

    def __init__(self, data_dir: Path | str, *, batch_size: int = 5000):
        self.data_dir = Path(data_dir)
        self.batch_size = batch_size
        self.path = self.data_dir / GRAPH_FILE
        self._lock = threading.RLock()
        self._g = nx.MultiDiGraph()
        self._work: nx.MultiDiGraph | None = None  # the copy a transaction writes to
        self._dirty = False  # whether the current transaction changed anything
        self._stamp = None
        #: Reload another process's commit in a background thread (see the module doc).
        self.reload_in_background = False
        self._reloading = False
        try:
            make_private_dir(self.data_dir)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot create the data directory {self.data_dir}: {exc.strerror}; "
                "check ALUMNI_GRAPH_DATA_DIR"
            ) from None
        self._remove_stale_temp_files()
        self._refresh()

    # -- temp files -------------------------------------------------------
    def _temp_files(self) -> list[Path]:
        return sorted(self.data_dir.glob(f".{GRAPH_FILE}.*.tmp"))

    def _remove_stale_temp_files(self) -> None:
        """Remove half-written commits left by a killed process (kill -9, power
        loss): they hold personal data. Only when no writer runs (the
        ``graph.lock`` flock is free), so a commit in progress is never touched."""
        if not self._temp_files():
            return
        try:
            lock_file = open(self.data_dir / "graph.lock", "a")
        except OSError:
            return
        try:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return  # a writer is committing: its temp file is not stale
            self._remove_temp_files()
        finally:
            lock_file.close()

    def _remove_temp_files(self) -> None:
        """(With the flock held.) Every temp file is a dead writer's."""
        for tmp in self._temp_files():
            try:
                tmp.unlink()
                log.warning("removed %s, left by an interrupted commit", tmp.name)
            except OSError:
                pass

    # -- persistence ------------------------------------------------------
    def _file_stamp(self):
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _refresh(self) -> None:
        """Reload from disk if another process committed since we last looked."""
        with self._lock:
            stamp = self._file_stamp()
            if stamp == self._stamp:
                return
            self._g = self._read() if stamp else nx.MultiDiGraph()
            _keep_gc_off(self._g)
            self._stamp = stamp

    def _refresh_in_background(self) -> None:
        """Start reloading a newer file unless a reload or a transaction runs."""
        if self._file_stamp() == self._stamp:
            return
        with self._lock:
            if self._reloading or self._work is not None:
                return
            self._reloading = True
            before = self._stamp
        threading.Thread(target=self._reload, args=(before,), name="embedded-reload",
                         daemon=True).start()

    def _reload(self, before) -> None:
        try:
            stamp = self._file_stamp()
            g = self._read() if stamp else nx.MultiDiGraph()
            with self._lock:
                # Swap only if nothing newer arrived meanwhile (a commit of ours).
                if self._stamp == before and self._work is None:
                    self._g, self._stamp = g, stamp
            _keep_gc_off(g)
        except StoreUnavailable as exc:
            log.warning("background reload failed: %s", exc.message)
        finally:
            self._reloading = False

    def _read(self) -> nx.MultiDiGraph:
        try:
            with open(self.path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as exc:
            raise StoreUnavailable(
                f"cannot read {self.path}: {exc.__class__.__name__}; the file is not "
                "an alumni-graph store (restore a backup or move it away)"
            ) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise StoreUnavailable(f"{self.path} is not an {FORMAT} file")
        try:
            return _graph_of(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreUnavailable(
                f"{self.path} is damaged ({exc.__class__.__name__}: not the shape of an "
                f"{FORMAT} file); restore a backup or move it away"
            ) from None

    def _write(self, g: nx.MultiDiGraph) -> None:
        """Write ``g`` as the new file. On any failure (disk full, quota, I/O
        error, an interrupt) the temp file goes and the old file stays: the
        error says what happened and that nothing was saved."""
        tmp = self.path.with_name(f".{GRAPH_FILE}.{os.getpid()}.tmp")
        try:
            self._write_file(tmp, g)
            os.replace(tmp, self.path)
        except BaseException as exc:
            try:
                tmp.unlink()
            except OSError:
                pass
            if isinstance(exc, OSError):
                reason = ("the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT)
                          else exc.strerror or exc.__class__.__name__)
                raise StoreUnavailable(
                    f"cannot save {self.path}: {reason}; nothing of this change was saved "
                    "(the previous data is intact): free space in the data directory and "
                    "run it again"
                ) from None
            raise
        dir_fd = os.open(self.data_dir, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._stamp = self._file_stamp()

    @staticmethod
    def _write_file(tmp: Path, g: nx.MultiDiGraph) -> None:
        doc_head = {"format": FORMAT, "saved_at": now_iso()}
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as f:
            # Streamed piecewise so a large graph is never one giant string.
            f.write(json.dumps(doc_head)[:-1] + ', "nodes": [')
            for i, (n, attrs) in enumerate(g.nodes(data=True)):
                f.write(("," if i else "") + json.dumps([n, attrs], ensure_ascii=False))
            f.write('], "edges": [')
            for i, (u, v, k, attrs) in enumerate(g.edges(keys=True, data=True)):
                f.write(("," if i else "") + json.dumps([u, v, k, attrs], ensure_ascii=False))
            f.write("]}")
            f.flush()
            os.fsync(f.fileno())

    @contextmanager
    def transaction(self):
        with self._lock:
            if self._work is not None:  # nested: the outer transaction commits
                yield self
                return
            lock_file = open(self.data_dir / "graph.lock", "a")
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX)
                self._remove_temp_files()  # we hold the lock: any temp file is a dead writer's
                self._refresh()
                self._work = self._g.copy()
                self._dirty = False
                try:
                    yield self
                    # A re-load that changed nothing must not rewrite the file.
                    if self._dirty:
                        self._write(self._work)
                        self._g = self._work
                        _keep_gc_off(self._g)
                finally:
                    self._work = None
            finally:
                lock_file.close()  # releases the flock

    @contextmanager
    def _writing(self):
        with self.transaction():
            yield self._work

    # -- schema -----------------------------------------------------------
    def init_schema(self) -> list[str]:
        # Keys are enforced by construction: the node id is the key.
        return self.constraints()

    def constraints(self) -> list[str]:
        return [constraint_name(label) for label in NODE_TYPES]

    # -- writes -----------------------------------------------------------
    def upsert_nodes(self, label: str, rows: Iterable[dict], *, source: str) -> WriteCounts:
        nt = node_type(label)
        counts = WriteCounts()
        stamp = now_iso()
        with self._writing() as g:
            for row in rows:
                r = split_node_row(nt, row)
                nid = node_id(label, r.key)
                if nid not in g:
                    attrs = {"label": label, **dict(zip(nt.key, r.key))}
                    attrs.update({k: v for k, v in r.props.items() if v is not None})
                    attrs.update(source=source, loaded_at=stamp)
                    g.add_node(nid, **attrs)
                    counts.created += 1
                    self._dirty = True
                elif _apply(g.nodes[nid], r.props, source, stamp):
                    counts.updated += 1
                    self._dirty = True
                else:
                    counts.unchanged += 1
        return counts

    def upsert_relationships(
        self, type_: str, rows: Iterable[dict], *, start_label: str, end_label: str, source: str
    ) -> WriteCounts:
        rt = rel_type(type_)
        check_rel_endpoints(rt, start_label, end_label)
        counts = WriteCounts()
        stamp = now_iso()
        with self._writing() as g:
            for row in rows:
                props = check_rel_row(rt, row)
                u = node_id(start_label, row["start"])
                v = node_id(end_label, row["end"])
                if u not in g or v not in g:
                    counts.missing += 1
                    continue
                key = rel_edge_key(rt, props)
                if not g.has_edge(u, v, key):
                    attrs = {"type": rt.type, **{k: val for k, val in props.items() if val is not None}}
                    g.add_edge(u, v, key, **attrs, source=source, loaded_at=stamp)
                    counts.created += 1
                    self._dirty = True
                elif _apply(g.edges[u, v, key], props, source, stamp):
                    counts.updated += 1
                    self._dirty = True
                else:
                    counts.unchanged += 1
        return counts

    def delete_relationships(
        self, type_: str, rows: Iterable[dict], *, start_label: str, end_label: str
    ) -> int:
        rt = rel_type(type_)
        check_rel_endpoints(rt, start_label, end_label)
        deleted = 0
        with self._writing() as g:
            for row in rows:
                props = check_rel_row(rt, row)
                u, v = node_id(start_label, row["start"]), node_id(end_label, row["end"])
                key = rel_edge_key(rt, props)
                if g.has_edge(u, v, key):
                    g.remove_edge(u, v, key)
                    deleted += 1
                    self._dirty = True
        return deleted

    def merge_nodes(self, label: str, keep: tuple, drop: tuple, *, source: str) -> int:
        keep_id, drop_id = node_id(label, keep), node_id(label, drop)
        moved = 0
        with self._writing() as g:
            for nid in (keep_id, drop_id):
                if nid not in g:
                    raise NotFound(f"{label} {nid.split(':', 1)[1]} does not exist")
            if keep_id == drop_id:
                return 0
            stamp = now_iso()
            edges = [(u, v, k, dict(a)) for u, v, k, a in g.out_edges(drop_id, keys=True, data=True)]
            edges += [(u, v, k, dict(a)) for u, v, k, a in g.in_edges(drop_id, keys=True, data=True)]
            for u, v, k, attrs in edges:
                u2 = keep_id if u == drop_id else u
                v2 = keep_id if v == drop_id else v
                if not g.has_edge(u2, v2, k):
                    attrs.update(source=source, loaded_at=stamp)
                    g.add_edge(u2, v2, k, **attrs)
                moved += 1
            g.remove_node(drop_id)
            self._dirty = True
        return moved

    def delete_node(self, label: str, key: tuple) -> bool:
        nid = node_id(label, key)
        with self._writing() as g:
            if nid not in g:
                return False
            g.remove_node(nid)
            self._dirty = True
        return True

    def clear(self) -> None:
        with self._writing() as g:
            g.clear()
            self._dirty = True

    # -- reads ------------------------------------------------------------
    def sync(self) -> None:
        """See every commit made so far, by any process, now (one ``stat``
        when nothing changed). The web app calls it at the start of each
        request: a deletion or any other committed write is visible to the
        next request, never served once more from the previous graph. Raises
        StoreUnavailable when the file cannot be read (the server answers 503)."""
        with self._lock:
            if self._work is None:
                self._refresh()

    def data_changed_at(self) -> float | None:
        """When the data last changed (the file's mtime, seconds since the epoch)."""
        try:
            return self.path.stat().st_mtime
        except FileNotFoundError:
            return None

    def graph(self) -> nx.MultiDiGraph:
        if self.reload_in_background and self._stamp is not None:
            self._refresh_in_background()
        else:
            self._refresh()
        return self._g

    def get_node(self, label: str, key: tuple) -> dict | None:
        attrs = self.graph().nodes.get(node_id(label, key))
        return None if attrs is None else {k: v for k, v in attrs.items() if k != "label"}

    def iter_nodes(self, label: str, keys: Iterable[tuple] | None = None):
        node_type(label)
        g = self.graph()
        if keys is None:
            found = (attrs for _, attrs in g.nodes(data=True) if attrs["label"] == label)
        else:
            found = (g.nodes.get(node_id(label, key)) for key in keys)
        for attrs in found:
            if attrs is not None:
                yield {k: v for k, v in attrs.items() if k != "label"}

    def iter_relationships(self, type_: str, *, start_label: str, end_label: str):
        rt = rel_type(type_)
        check_rel_endpoints(rt, start_label, end_label)
        g = self.graph()
        nodes = g.nodes
        for u, v, attrs in g.edges(data=True):
            if attrs["type"] != type_:
                continue
            a, b = nodes[u], nodes[v]
            if a["label"] != start_label or b["label"] != end_label:
                continue
            yield {
                "start": tuple(a[k] for k in NODE_TYPES[start_label].key),
                "end": tuple(b[k] for k in NODE_TYPES[end_label].key),
                "props": {k: val for k, val in attrs.items() if k != "type"},
            }

    def relationships_of(self, label: str, key: tuple) -> list[dict]:
        g = self.graph()
        nid = node_id(label, key)
        if nid not in g:
            return []
        out = []
        for direction, edges in (("out", g.out_edges(nid, data=True)), ("in", g.in_edges(nid, data=True))):
            for u, v, attrs in edges:
                other = g.nodes[v if direction == "out" else u]
                out.append({"type": attrs["type"], "direction": direction, "other": _ref(other),
                            "props": {k: val for k, val in attrs.items() if k != "type"}})
        return sort_relationships(out)

    def count_nodes(self, label: str | None = None) -> int:
        g = self.graph()
        if label is None:
            return g.number_of_nodes()
        return sum(1 for _, lab in g.nodes(data="label") if lab == label)

    def count_relationships(self, type_: str | None = None) -> int:
        g = self.graph()
        if type_ is None:
            return g.number_of_edges()
        return sum(1 for *_, t in g.edges(data="type") if t == type_)

    def version(self) -> str:
        """The stamp (inode, mtime, size) of the graph file the reads return:
        every commit writes a new file, and a reader that has not yet taken
        another process's commit still reports the older stamp."""
        self.graph()  # the reads' own refresh path (no graph read when unchanged)
        stamp = self._stamp
        return "e0" if stamp is None else "e" + "-".join(f"{part:x}" for part in stamp)

    def snapshot(self) -> tuple[dict, str]:
        with self._lock:
            # Writes swap in a new graph on commit and never touch the one
            # readers hold, so one reference is one committed state.
            self._refresh()
            g, stamp = self._g, self._stamp
        version = "e0" if stamp is None else "e" + "-".join(f"{part:x}" for part in stamp)
        return self._dump(g, True), version

    def restore_dump(self, dump: dict) -> WriteCounts:
        counts = WriteCounts()
        with self._writing() as g:
            for label, key, props in dump["nodes"]:
                nt = node_type(label)
                g.add_node(node_id(label, tuple(key)), label=label, **dict(zip(nt.key, key)), **props)
                counts.created += 1
            for type_, (a_label, a_key), (b_label, b_key), props in dump["relationships"]:
                rt = rel_type(type_)
                u, v = node_id(a_label, tuple(a_key)), node_id(b_label, tuple(b_key))
                if u not in g or v not in g:
                    counts.missing += 1
                    continue
                g.add_edge(u, v, rel_edge_key(rt, props), type=rt.type, **props)
                counts.created += 1
            self._dirty = True
        return counts

    def dump(self, *, provenance: bool = False) -> dict:
        return self._dump(self.graph(), provenance)

    @staticmethod
    def _dump(g, provenance: bool) -> dict:
        nodes, rels = [], []
        for _, attrs in g.nodes(data=True):
            nodes.append(_node_entry(attrs, provenance))
        for u, v, attrs in g.edges(data=True):
            props = {k: val for k, val in attrs.items() if k != "type"}
            rels.append([
                attrs["type"],
                _ref(g.nodes[u]),
                _ref(g.nodes[v]),
                strip_provenance(props, provenance),
            ])
        return canonical_dump(nodes, rels)


def _graph_of(doc: dict) -> nx.MultiDiGraph:
    """The graph of a parsed file, checking its shape (a JSON file of the wrong
    shape must fail here, as StoreUnavailable, not as a KeyError in a query)."""
    nodes, edges = doc["nodes"], doc["edges"]
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise TypeError("nodes and edges must be lists")
    g = nx.MultiDiGraph()
    g.add_nodes_from((n, attrs) for n, attrs in nodes)
    keys = {label: nt.key for label, nt in NODE_TYPES.items()}
    for n, attrs in g.nodes(data=True):
        if not isinstance(n, str):
            raise TypeError("a node id must be text")
        for k in keys[attrs["label"]]:  # KeyError: an unknown label or a missing key
            attrs[k]
    g.add_edges_from((u, v, k, attrs) for u, v, k, attrs in edges)
    if g.number_of_nodes() != len(nodes):
        raise ValueError("an edge ends at a node that is not in the file (or a node is repeated)")
    for *_, t in g.edges(data="type"):
        if not isinstance(t, str):
            raise TypeError("an edge has no type")
    return g


def _apply(attrs: dict, props: dict, source: str, stamp: str) -> bool:
    """Set ``props`` on ``attrs`` (None removes); return True if anything changed."""
    changed = any(attrs.get(k) != v for k, v in props.items())
    if changed:
        for k, v in props.items():
            if v is None:
                attrs.pop(k, None)
            else:
                attrs[k] = v
        attrs["source"] = source
        attrs["loaded_at"] = stamp
    return changed


def _ref(attrs: dict) -> list:
    nt = NODE_TYPES[attrs["label"]]
    return [nt.label, [attrs[k] for k in nt.key]]


def _node_entry(attrs: dict, provenance: bool) -> list:
    nt = NODE_TYPES[attrs["label"]]
    props = {k: v for k, v in attrs.items() if k != "label" and k not in nt.key}
    return [nt.label, [attrs[k] for k in nt.key], strip_provenance(props, provenance)]
