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
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from alumni_graph.security.accounts import AUDIT_KEY_FILE, now_iso
from alumni_graph.security.private import connect_sqlite, create_sqlite, secret

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


class AuditLog:
    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._key = secret(self.data_dir, AUDIT_KEY_FILE)
        self.path = create_sqlite(self.data_dir, AUDIT_FILE, _SCHEMA, foreign_keys=False)

    def _connect(self) -> sqlite3.Connection:
        return connect_sqlite(self.path, foreign_keys=False)

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
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO audit (at, user, role, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                       (now_iso(), user or "-", role or "-", action, tgt, detail))

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
