"""Files private by default: the data directory 0700, every file 0600.

The data directory holds personal data of students and alumni (UU PDP):
other local users of the laptop or server must not read it, whatever the
umask of the shell or service that starts the product. So every process
of the product (the CLI, the web app) sets its umask to ``077`` before it
writes anything (:func:`private_umask`), the data directory is created (or
tightened when the product created it) as 0700, and a check at start
(:func:`check_private`) warns about anything wider that was there before
(copied in, restored by hand, made by an older version) with the command
that fixes it.

The product's own files in it share three helpers: :func:`secret` (a random
key file), :func:`create_sqlite` / :func:`connect_sqlite` (the users, audit
and tracer databases) and :func:`sha256` (how session ids and tokens are
stored: a copy of a file logs nobody in and opens no tracer form).
"""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from alumni_graph.graph_service.errors import AlumniGraphError

log = logging.getLogger("alumni_graph.private")

UMASK = 0o077
#: How deep the start check looks (the data dir, demo-input/, uploads/<token>/).
CHECK_DEPTH = 2
CHECK_MAX_ENTRIES = 2000


def private_umask() -> None:
    """Make every file this process creates 0600 and every directory 0700."""
    os.umask(UMASK)


def make_private_dir(path: Path | str) -> Path:
    """Create ``path`` (and parents) with mode 0700; tighten it if it exists
    and belongs to us (a directory the operator made 0755 is made 0700)."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        st = path.stat()
        if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & 0o700)
    except OSError:
        pass
    return path


def check_private(data_dir: Path | str) -> list[str]:
    """Paths under ``data_dir`` (itself included) readable by group or others.

    Returns relative paths (``.`` for the directory itself); logs one warning
    naming how many and the fix. Nothing is changed: the operator decides.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    wide: list[str] = []
    seen = 0

    def look(path: Path, depth: int) -> None:
        nonlocal seen
        try:
            st = path.lstat()
        except OSError:
            return
        if stat.S_ISLNK(st.st_mode):
            return
        if stat.S_IMODE(st.st_mode) & 0o077:
            wide.append("." if path == data_dir else str(path.relative_to(data_dir)))
        if stat.S_ISDIR(st.st_mode) and depth < CHECK_DEPTH:
            try:
                children = sorted(path.iterdir())
            except OSError:
                return
            for child in children:
                seen += 1
                if seen > CHECK_MAX_ENTRIES:
                    return
                look(child, depth + 1)

    look(data_dir, 0)
    if wide:
        log.warning(
            "the data directory %s holds personal data but %d entr%s can be read by other "
            "users (e.g. %s); fix with: chmod -R go= %s",
            data_dir, len(wide), "y" if len(wide) == 1 else "ies", wide[0], data_dir)
    return wide


def sha256(text: str) -> str:
    """The hex SHA-256 of ``text`` (a session id or token is stored as this)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def secret(data_dir: Path | str, name: str, nbytes: int = 32, *, min_chars: int = 32,
           regenerate_note: str = "") -> bytes:
    """The secret in ``data_dir/name``, created (random, mode 0600) on first use.

    A file shorter than ``min_chars`` hex digits is refused (one line saying to
    delete it, and ``regenerate_note``: what regenerating it breaks).
    """
    path = Path(data_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="ascii").strip()
        if len(value) < min_chars:
            raise AlumniGraphError(f"{path} is too short to be a secret: delete it to regenerate"
                                   + (f" ({regenerate_note})" if regenerate_note else "")) from None
        return bytes.fromhex(value)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(nbytes))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def connect_sqlite(path: Path | str, *, foreign_keys: bool = True) -> sqlite3.Connection:
    """A connection to one of the product's SQLite files (rows as ``sqlite3.Row``)."""
    db = sqlite3.connect(path, timeout=10)
    db.row_factory = sqlite3.Row
    if foreign_keys:
        db.execute("PRAGMA foreign_keys = ON")
    return db


class KeptConnection:
    """One connection to a product SQLite file, kept open by a process and
    used by its threads one at a time (:meth:`use`), so a request does not
    pay for opening the file and reading its schema. Opened again when the
    file is no longer the one it was opened on (``alumni-graph restore`` put
    another in its place) and in a forked child (gunicorn's workers), which
    must not use its parent's connection. ``setup(db)`` runs on each new
    connection. Whoever reads through it reads every row (``fetchall``), so
    no statement stays open holding a lock."""

    def __init__(self, path: Path | str, *, foreign_keys: bool = True,
                 isolation_level: str | None = "", setup: Callable[[sqlite3.Connection], None] | None = None):
        self.path = Path(path)
        self._foreign_keys = foreign_keys
        self._isolation_level = isolation_level
        self._setup = setup
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._of: tuple | None = None  # (pid, device, inode) it was opened for

    @contextmanager
    def use(self) -> Iterator[sqlite3.Connection]:
        """The connection, for this thread alone until the block ends. An
        error inside drops it (the next use opens a fresh one)."""
        with self._lock:
            st = os.stat(self.path)
            now = (os.getpid(), st.st_dev, st.st_ino)
            if self._db is None or self._of != now:
                self._drop()
                db = sqlite3.connect(self.path, timeout=10, isolation_level=self._isolation_level,
                                     check_same_thread=False)
                db.row_factory = sqlite3.Row
                if self._foreign_keys:
                    db.execute("PRAGMA foreign_keys = ON")
                if self._setup is not None:
                    self._setup(db)
                self._db, self._of = db, now
            try:
                yield self._db
            except BaseException:
                self._drop()
                raise

    def _drop(self) -> None:
        if self._db is not None and self._of[0] == os.getpid():  # never a parent's, after a fork
            if self._db.in_transaction:
                self._db.rollback()
            self._db.close()
        self._db = self._of = None

    def close(self) -> None:
        with self._lock:
            self._drop()


def create_sqlite(data_dir: Path | str, name: str, schema: str, *, foreign_keys: bool = True,
                  upgrade=None) -> Path:
    """Create (or bring up to date) ``data_dir/name`` with ``schema`` (idempotent
    SQL) and ``upgrade(db)`` if given, in one transaction; a new file is made
    0600. Returns the file's path."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / name
    new = not path.exists()
    with closing(connect_sqlite(path, foreign_keys=foreign_keys)) as db, db:
        db.executescript(schema)
        if upgrade is not None:
            upgrade(db)
    if new:
        os.chmod(path, 0o600)
    return path
