"""The audit log: append-only, one record per write, export and view of
personal data, in ``data_dir/audit.sqlite3``.

A record holds the time, the user, their role, the action, the target and a
short detail. The target is never a raw NISN: it is ``HMAC-SHA256(audit key,
NISN)`` with the installation's own key (``data_dir/audit.key``, mode 0600),
so the log can answer "who looked at this student?" for a subject request
without itself being a list of students. Details are fixed words and counts
chosen by the code (never names, phones, emails or cell values).

Append-only: there is no update or delete in this module, and SQLite
triggers refuse UPDATE and DELETE on the table, so even a hand-edit through
the sqlite3 shell fails loudly.

Durable and cheap (every view of contact details writes a record, cached
page or not): the file is in WAL mode and each record is one transaction on
one connection the log keeps open, committed with ``synchronous=FULL``, so
the record is on disk (the WAL synced) before :meth:`AuditLog.record`
returns, and so before the page is sent. That is one fsync per record
instead of the rollback journal's two plus creating and deleting the
journal file (measured 0.3 against 0.9 ms on an idle disk, 0.6 against
7 ms on a busy one; bench/RESULTS.md, 8r). ``synchronous=NORMAL`` would
be cheaper still but may lose the last records at a power cut: not for an
audit log. Readers (``entries``, the CLI, a backup through SQLite's backup
API) see every committed record; ``alumni-graph restore`` removes the
``-wal``/``-shm`` files before it puts a file back, and the kept connection
is opened again when the file was replaced (or this process forked).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from alumni_graph.security.accounts import AUDIT_KEY_FILE, now_iso
from alumni_graph.security.private import KeptConnection, connect_sqlite, create_sqlite, secret

AUDIT_FILE = "audit.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_target ON audit (target);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def _durable(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # the WAL synced at every commit


class AuditLog:
    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._key = secret(self.data_dir, AUDIT_KEY_FILE)
        self.path = create_sqlite(self.data_dir, AUDIT_FILE, _SCHEMA, foreign_keys=False)
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")  # kept in the file
        self._writer = KeptConnection(self.path, foreign_keys=False, isolation_level=None,
                                      setup=_durable)

    def _connect(self) -> sqlite3.Connection:
        return connect_sqlite(self.path, foreign_keys=False)

    def close(self) -> None:
        """Close the kept connection (a later record opens it again)."""
        self._writer.close()

    def target(self, nisn: str | None) -> str | None:
        """The keyed hash a NISN is logged as (``p:`` + 32 hex digits)."""
        if not nisn:
            return None
        return "p:" + hmac.new(self._key, str(nisn).encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def record(self, user: str, role: str, action: str, *, nisn: str | None = None,
               target: str | None = None, detail: dict | str | None = None) -> None:
        """Append one record. ``nisn`` is hashed; ``target`` is logged as is
        (an employer code, a file kind, a query name: never personal data)."""
        tgt = self.target(nisn) if nisn else target
        if isinstance(detail, dict):
            detail = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        with self._writer.use() as db:  # an error drops the connection: the next record opens another
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO audit (at, user, role, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                       (now_iso(), user or "-", role or "-", action, tgt, detail))
            db.execute("COMMIT")  # returns once the record is on disk

    def entries(self, *, nisn: str | None = None, limit: int = 10_000) -> list[dict]:
        """The newest records first; with ``nisn`` only those about that person."""
        sql, args = "SELECT id, at, user, role, action, target, detail FROM audit", []
        if nisn:
            sql += " WHERE target = ?"
            args.append(self.target(nisn))
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(int(limit))
        with closing(self._connect()) as db:
            return [dict(r) for r in db.execute(sql, args).fetchall()]
