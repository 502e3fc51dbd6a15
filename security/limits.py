"""Sliding-window counters shared by every process of the server: the login
limits (``web.auth``) and the tracer form's limits (``web.tracer``).

``alumni-graph serve`` runs several worker processes (alumni_graph/server.py);
counters kept in one process's memory would let a guesser spread tries over
the workers (and a test's fifth wrong password might land on the other one).
So they live in ``data_dir/limits.sqlite3`` (mode 0600), one row per hit,
keyed by a hash of the key (a user name and an address are not kept as
text), dropped after an hour.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

LIMITS_FILE = "limits.sqlite3"
#: Hits older than this are deleted (every window in use is shorter).
KEEP_SECONDS = 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at);
"""


class SharedHits:
    """``count(key, window)``, ``add(*keys)``, ``clear(key)`` across processes."""

    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / LIMITS_FILE
        self._lock = threading.Lock()
        self._ready = False
        self._last_prune = 0.0

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        if not self._ready:
            with self._lock:
                new = not self.path.exists() or self.path.stat().st_size == 0
                db.executescript(_SCHEMA)
                if new:
                    os.chmod(self.path, 0o600)
                self._ready = True
        return db

    @staticmethod
    def _key(key) -> str:
        return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]

    def count(self, key, window: float) -> int:
        with closing(self._connect()) as db:
            return db.execute("SELECT count(*) FROM hits WHERE key = ? AND at > ?",
                              (self._key(key), time.time() - window)).fetchone()[0]

    def add(self, *keys) -> None:
        now = time.time()
        with closing(self._connect()) as db, db:
            db.executemany("INSERT INTO hits (key, at) VALUES (?, ?)",
                           [(self._key(k), now) for k in keys])
            if now - self._last_prune > 60:
                self._last_prune = now
                db.execute("DELETE FROM hits WHERE at < ?", (now - KEEP_SECONDS,))

    def clear(self, key) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM hits WHERE key = ?", (self._key(key),))
