"""The audit log's write path (security/audit.py): every record is committed
durably before ``record`` returns, on the one connection the log keeps, from
any number of threads, in a forked worker, and into the file that is there
now (a restore puts another file in place).

What the web writes into it (a view of contact details, answered from the
cache or not) is checked in tests/test_cache.py and tests/test_privacy.py.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing

from alumni_graph.graph_service import backup as bk
from alumni_graph.security.audit import AUDIT_FILE, AuditLog


def _rows(data_dir) -> list[tuple]:
    """The records as another process reads them from the file."""
    code = ("import sqlite3, sys, json; db = sqlite3.connect(sys.argv[1]); "
            "print(json.dumps(db.execute('SELECT user, action, target FROM audit ORDER BY id').fetchall()))")
    out = subprocess.run([sys.executable, "-c", code, str(data_dir / AUDIT_FILE)],
                         capture_output=True, text=True, check=True).stdout
    return [tuple(r) for r in json.loads(out)]


def test_a_record_is_committed_and_synced_when_record_returns(data_dir):
    log = AuditLog(data_dir)
    log.record("rina", "humas", "view_contacts", target="E-002", detail={"count": 3})
    # Another process sees it at once: committed, not waiting in this one.
    assert _rows(data_dir) == [("rina", "view_contacts", "E-002")]
    with closing(sqlite3.connect(data_dir / AUDIT_FILE)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # FULL: the WAL is synced at every commit (NORMAL could lose the last
    # records at a power cut).
    with log._writer.use() as db:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
    log.record("sari", "humas", "view_contacts", target="E-003")
    assert [r[0] for r in _rows(data_dir)] == ["rina", "sari"]
    assert [e["user"] for e in log.entries()] == ["sari", "rina"]


def test_records_from_many_threads_are_all_written(data_dir):
    log = AuditLog(data_dir)
    errors = []

    def write(n: int):
        try:
            for i in range(25):
                log.record(f"staf-{n}", "bkk", "view_person", nisn=f"00510000{i:02d}")
        except Exception as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = _rows(data_dir)
    assert len(rows) == 200
    assert {u for u, _, _ in rows} == {f"staf-{n}" for n in range(8)}


def test_a_file_put_in_place_gets_the_next_record(data_dir, tmp_path):
    """``alumni-graph restore`` replaces audit.sqlite3 (the server should be
    stopped, but if it is not): the next record goes into the new file, not
    into the replaced one the kept connection had open."""
    log = AuditLog(data_dir)
    log.record("rina", "humas", "view_contacts", target="E-002")
    other = tmp_path / "other"
    AuditLog(other).record("kepala", "admin", "export", target="alumni")
    data = bk.sqlite_copy(other / AUDIT_FILE)
    target = data_dir / AUDIT_FILE
    for suffix in ("-wal", "-shm"):  # as restore does
        (data_dir / f"{AUDIT_FILE}{suffix}").unlink(missing_ok=True)
    bk._write_private(target, data)
    log.record("sari", "humas", "view_contacts", target="E-003")
    assert _rows(data_dir) == [("kepala", "export", "alumni"), ("sari", "view_contacts", "E-003")]


def test_a_forked_worker_writes_on_its_own_connection(data_dir):
    """gunicorn workers fork; a connection must not be shared across a fork."""
    log = AuditLog(data_dir)
    log.record("parent", "admin", "view_person", nisn="0051000001")
    pid = os.fork()
    if pid == 0:  # the child: write one record and leave at once
        code = 0
        try:
            inherited = log._writer._db
            log.record("child", "bkk", "view_person", nisn="0051000002")
            if log._writer._db is inherited:  # written on the parent's connection
                code = 2
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    log.record("parent", "admin", "view_person", nisn="0051000003")
    assert [r[0] for r in _rows(data_dir)] == ["parent", "child", "parent"]
