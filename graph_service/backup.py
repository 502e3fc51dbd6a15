"""Backup and restore of a whole installation, across stores.

``alumni-graph backup FILE`` writes one archive (a gzip'd tar, mode 0600):

* ``manifest.json``: format name and version, when, from which store backend,
  counts (nodes per label, relationships per type, rows per SQLite table) and
  the SHA-256 and size of every other member;
* ``graph.json``: the graph in the stores' own store-independent form
  (``Store.dump(provenance=True)``: labels, keys, properties, provenance),
  read consistently (:meth:`Store.snapshot`);
* ``sqlite/<path>``: every SQLite database found in the data directory
  (users, sessions, tokens, the audit log, stored employer decisions and
  whatever later versions add), each copied with SQLite's online backup API,
  so a server writing meanwhile cannot tear it;
* ``keys/<name>``: the installation's secrets (``secret_key``, ``audit.key``,
  ``graph.key`` and any other ``*.key``, e.g. ``tracer.key``): without
  ``audit.key`` the audit log's pseudonymised targets could no longer be
  matched to a person;
* ``state/<name>``: other state kept as JSON at the top of the data
  directory (e.g. ``rombel_program.json``, the Dapodik class mapping).

``alumni-graph restore FILE`` checks the archive first (format, version,
every checksum) and refuses a non-empty target unless ``--force``; then it
writes the graph into the configured store, whichever backend that is (the
move from the embedded store to Neo4j is a backup and a restore), and puts
the SQLite files and keys back into the data directory.

What is not in the archive: uploads waiting for confirmation, the demo's
generated input files and exports (they are made again or are copies), and
the embedded store's ``graph.json`` itself (the graph travels as
``graph.json`` in the archive's own form).

The archive holds personal data and the keys: keep it like the data
directory (see the README).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from alumni_graph.graph_service.errors import BackupError
from alumni_graph.graph_service.store import now_iso

FORMAT = "alumni-graph-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
GRAPH = "graph.json"
#: The installation's secrets by name; any other top-level ``*.key`` is taken too.
KEY_FILES = ("secret_key", "audit.key", "graph.key")
#: Folders of the data directory that hold nothing to keep (transient or made again).
SKIP_DIRS = ("uploads", "demo-input", "exports", "tmp")
_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class BackupReport:
    path: Path
    manifest: dict
    members: list[str] = field(default_factory=list)

    def render(self) -> str:
        counts = self.manifest["counts"]
        return (f"backup written: {self.path} ({self.manifest['store_backend']} store, "
                f"{counts['nodes']} nodes, {counts['relationships']} relationships, "
                f"{len(self.manifest['sqlite'])} SQLite files, {len(self.manifest['keys'])} keys)")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def find_sqlite_files(data_dir: Path) -> list[Path]:
    """Every SQLite database under ``data_dir`` (by its header, whatever its
    name), relative paths, sorted; transient folders skipped."""
    found = []
    if not data_dir.is_dir():
        return found
    for root, dirs, files in os.walk(data_dir):
        rel_root = Path(root).relative_to(data_dir)
        dirs[:] = sorted(d for d in dirs
                         if not (rel_root == Path(".") and d in SKIP_DIRS) and not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.endswith(("-wal", "-shm", "-journal")):
                continue
            path = Path(root) / name
            if path.is_file() and not path.is_symlink() and is_sqlite(path):
                found.append(path.relative_to(data_dir))
    return found


def find_state_files(data_dir: Path) -> list[str]:
    """Other state kept as JSON beside the store (e.g. the Dapodik rombel ->
    programme mapping): top-level ``*.json`` except the embedded graph itself."""
    if not data_dir.is_dir():
        return []
    return sorted(p.name for p in data_dir.glob("*.json")
                  if p.is_file() and not p.name.startswith(".") and p.name != "graph.json")


def find_key_files(data_dir: Path) -> list[str]:
    names = {n for n in KEY_FILES if (data_dir / n).is_file()}
    if data_dir.is_dir():
        names |= {p.name for p in data_dir.glob("*.key") if p.is_file()}
    return sorted(names)


def sqlite_copy(src: Path) -> bytes:
    """A consistent copy of a live SQLite database (the online backup API),
    as the bytes of a standalone database file."""
    with tempfile.TemporaryDirectory(prefix=".backup-") as tmp:
        os.chmod(tmp, 0o700)
        out = Path(tmp) / "copy.sqlite3"
        with closing(sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)) as source, \
                closing(sqlite3.connect(out)) as dest:
            source.backup(dest)
            # A standalone file: no WAL beside it.
            dest.execute("PRAGMA journal_mode=DELETE")
        return out.read_bytes()


def sqlite_counts(data: bytes) -> dict:
    """Rows per table of a SQLite database given as bytes."""
    with tempfile.TemporaryDirectory(prefix=".backup-") as tmp:
        os.chmod(tmp, 0o700)
        path = Path(tmp) / "db.sqlite3"
        path.write_bytes(data)
        with closing(sqlite3.connect(path)) as db:
            tables = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name")]
            return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def graph_counts(dump: dict) -> dict:
    by_label: dict[str, int] = {}
    for label, _, _ in dump["nodes"]:
        by_label[label] = by_label.get(label, 0) + 1
    by_type: dict[str, int] = {}
    for type_, *_ in dump["relationships"]:
        by_type[type_] = by_type.get(type_, 0) + 1
    return {"nodes": len(dump["nodes"]), "relationships": len(dump["relationships"]),
            "nodes_by_label": dict(sorted(by_label.items())),
            "relationships_by_type": dict(sorted(by_type.items()))}


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, mode 0600 whatever the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def backup(store, data_dir: Path, out: Path, *, force: bool = False) -> BackupReport:
    """Write the archive of ``store`` and ``data_dir`` to ``out``."""
    data_dir, out = Path(data_dir), Path(out)
    if out.exists() and not force:
        raise BackupError(f"{out} exists: choose another name or pass --force to replace it")
    if out.is_dir():
        raise BackupError(f"{out} is a directory: give the archive's file name")
    members: dict[str, bytes] = {}
    dump, version = store.snapshot()
    members[GRAPH] = json.dumps(dump, ensure_ascii=False, separators=(",", ":")).encode()
    sqlite_meta = {}
    for rel in find_sqlite_files(data_dir):
        data = sqlite_copy(data_dir / rel)
        name = f"sqlite/{rel.as_posix()}"
        members[name] = data
        sqlite_meta[rel.as_posix()] = sqlite_counts(data)
    keys = find_key_files(data_dir)
    for name in keys:
        members[f"keys/{name}"] = (data_dir / name).read_bytes()
    state = find_state_files(data_dir)
    for name in state:
        members[f"state/{name}"] = (data_dir / name).read_bytes()
    try:
        from importlib.metadata import version as _dist_version

        app_version = _dist_version("alumni-graph")
    except Exception:  # not installed (a source checkout): the manifest still says which format
        app_version = "unknown"
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": now_iso(),
        "app_version": app_version,
        "store_backend": store.backend,
        "store_version": version,
        "counts": graph_counts(dump),
        "sqlite": sqlite_meta,
        "keys": keys,
        "state": state,
        "files": {name: {"sha256": _sha256(data), "size": len(data)}
                  for name, data in members.items()},
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in [(MANIFEST, json.dumps(manifest, indent=2).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            info.mtime = int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
    _write_private(out, buf.getvalue())
    return BackupReport(out, manifest, list(members))


# -- reading and restoring --------------------------------------------------------

def read_archive(path: Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the members of an archive, every checksum verified.
    BackupError (one line) for anything that is not a whole archive of a
    format this version reads."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such archive file")
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for info in tar:
                if not info.isfile():
                    continue
                if info.name.startswith("/") or ".." in Path(info.name).parts:
                    raise BackupError(f"{path}: archive member {info.name!r} has an unsafe path")
                members[info.name] = tar.extractfile(info).read()
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{path} is damaged or not an alumni-graph backup "
                          f"({exc.__class__.__name__}): use another copy") from None
    try:
        manifest = json.loads(members.pop(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(f"{path} has no readable {MANIFEST}: not an alumni-graph backup, "
                          "or damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not an alumni-graph backup (format {manifest.get('format')!r})"
                          if isinstance(manifest, dict) else f"{path} is not an alumni-graph backup")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise BackupError(f"{path}: the manifest has no format version")
    if version > FORMAT_VERSION:
        raise BackupError(f"{path} has backup format {version}, newer than this alumni-graph "
                          f"reads ({FORMAT_VERSION}): upgrade alumni-graph, then restore")
    files = manifest.get("files") or {}
    for name in sorted(set(files) | set(members)):
        if name not in files:
            raise BackupError(f"{path} is damaged: {name} is not listed in the manifest")
        if name not in members:
            raise BackupError(f"{path} is damaged: {name} is missing")
        if _sha256(members[name]) != files[name].get("sha256"):
            raise BackupError(f"{path} is damaged: the checksum of {name} does not match; "
                              "use another copy")
    return manifest, members


def target_contents(store, data_dir: Path) -> list[str]:
    """What a restore would overwrite: empty when the target is empty."""
    found = []
    nodes = store.count_nodes()
    if nodes:
        found.append(f"the {store.backend} store holds {nodes} nodes")
    for rel in find_sqlite_files(data_dir):
        counts = sqlite_counts(sqlite_copy(data_dir / rel))
        rows = sum(counts.values())
        if rows:
            found.append(f"{rel.as_posix()} holds {rows} rows")
    return found


@dataclass
class RestoreReport:
    manifest: dict
    backend: str
    nodes: int
    relationships: int
    files: list[str]

    def render(self) -> str:
        return (f"restored into the {self.backend} store: {self.nodes} nodes, "
                f"{self.relationships} relationships; {len(self.files)} files into the data "
                f"directory (backup of {self.manifest['created']} from the "
                f"{self.manifest['store_backend']} store)")


def restore(store, data_dir: Path, archive: Path, *, force: bool = False) -> RestoreReport:
    data_dir = Path(data_dir)
    manifest, members = read_archive(archive)
    try:
        dump = json.loads(members[GRAPH])
        nodes, rels = dump["nodes"], dump["relationships"]
    except (KeyError, ValueError, TypeError):
        raise BackupError(f"{archive} is damaged: {GRAPH} is not a graph") from None
    counts = manifest.get("counts") or {}
    if counts.get("nodes") != len(nodes) or counts.get("relationships") != len(rels):
        raise BackupError(f"{archive} is damaged: the graph's counts differ from the manifest's")
    busy = target_contents(store, data_dir)
    if busy and not force:
        raise BackupError("the target is not empty (" + "; ".join(busy) +
                          "): restore into an empty store and data directory, or pass --force "
                          "to replace everything")
    if busy:
        store.clear()
    written = store.restore_dump(dump)
    if written.missing:
        raise BackupError(f"{written.missing} relationships of the archive name nodes it does "
                          "not hold: the archive is inconsistent")
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    restored = []
    for name, data in sorted(members.items()):
        if name.startswith("sqlite/"):
            rel = Path(name[len("sqlite/"):])
        elif name.startswith(("keys/", "state/")):
            rel = Path(Path(name).name)
        else:
            continue
        target = data_dir / rel
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        _write_private(target, data)
        restored.append(rel.as_posix())
    return RestoreReport(manifest, store.backend, len(nodes), len(rels), restored)
