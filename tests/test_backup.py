"""``alumni-graph backup`` / ``restore``: one archive of the whole installation,
restorable into an empty store of either backend.

Round trips on both stores; embedded -> backup -> restore on Neo4j answers
every registered query the same; backups taken while a load or writes run are
consistent; damaged, newer and non-empty cases are refused by the installed
command with a one-line error and a non-zero exit code.
"""
from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
from contextlib import closing
from pathlib import Path

import pytest

import analyses_support as sup
import queries_support as qs
from alumni_graph.graph_service import backup as bk
from alumni_graph.security.accounts import SECRET_FILE, Accounts
from alumni_graph.security.private import secret
from alumni_graph.security.audit import AuditLog
from alumni_graph.graph_service.embedded import EmbeddedStore
from alumni_graph.graph_service.errors import BackupError
from alumni_graph.loaders import load_paths
from alumni_graph.queries import REGISTRY, run_query
from test_work_queries import QUERIES as WORK_QUERIES, WORK

BIN = Path(sys.executable).with_name("alumni-graph")
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}


def _installation(store, data_dir: Path) -> None:
    """A store with the edge and analyses datasets, a user with a token, audit
    entries, and one more SQLite database (a stand-in for any state a later
    version keeps, e.g. stored employer decisions) in a sub-folder."""
    qs.load_edge(store)
    sup.load(store)
    sup.load(store, [qs.WORK])
    assert load_paths(store, [WORK]).ok  # outreach, vacancies and referrals
    accounts = Accounts(data_dir)
    accounts.add_user("kepala", "admin", "a-long-password-1")
    accounts.create_token("kepala", label="backup test")
    AuditLog(data_dir).record("kepala", "admin", "view_person", nisn="0000000101")
    secret(data_dir, SECRET_FILE)  # the web sessions' key, as the server makes it
    (data_dir / "rombel_program.json").write_text('{"X TKR 1": "TKR"}', encoding="utf-8")
    (data_dir / "decisions").mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(data_dir / "decisions" / "employer_review.db")) as db, db:
        db.execute("CREATE TABLE decision (a TEXT, b TEXT, verdict TEXT)")
        db.execute("INSERT INTO decision VALUES ('E01', 'E01B', 'same')")


def _sqlite_rows(path: Path, table: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


#: Every registered query at least once, with the datasets' own parameters.
QUERY_CALLS = [
    *[(json.loads(p.read_text(encoding="utf-8"))["query"],
       json.loads(p.read_text(encoding="utf-8"))["params"]) for p in sorted(qs.GOLDEN.glob("*.json"))],
    *[(name, {"as_of": sup.AS_OF}) for name in sup.ANALYSES],
    *[(name, {"as_of": sup.AS_OF, "npsn": sup.SCHOOL}) for name in sup.ANALYSES],
    *[(name, {"as_of": qs.AS_OF, **params}) for name, params in WORK_QUERIES],
]


def test_every_registered_query_is_called():
    assert {name for name, _ in QUERY_CALLS} == set(REGISTRY)


def test_round_trip_on_each_store(store, tmp_path):
    """Backup of a store restored into an empty store of the same backend."""
    src_dir = tmp_path / "src"
    if store.backend == "embedded":
        store = EmbeddedStore(src_dir)
    _installation(store, src_dir)
    before = store.dump(provenance=True)
    archive = tmp_path / "b.tar.gz"
    report = bk.backup(store, src_dir, archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    m = report.manifest
    assert m["format_version"] == bk.FORMAT_VERSION and m["store_backend"] == store.backend
    assert m["counts"]["nodes"] == len(before["nodes"])
    assert m["counts"]["relationships"] == len(before["relationships"])
    assert m["sqlite"]["users.sqlite3"]["users"] == 1
    assert m["sqlite"]["users.sqlite3"]["tokens"] == 1
    assert m["sqlite"]["decisions/employer_review.db"] == {"decision": 1}
    assert {"secret_key", "audit.key"} <= set(m["keys"])
    assert m["state"] == ["rombel_program.json"]

    if store.backend == "embedded":
        target, dst_dir = EmbeddedStore(tmp_path / "dst"), tmp_path / "dst"
    else:
        store.clear()
        target, dst_dir = store, tmp_path / "dst"
    bk.restore(target, dst_dir, archive)
    assert target.dump(provenance=True) == before
    assert _sqlite_rows(dst_dir / "users.sqlite3", "users") == _sqlite_rows(src_dir / "users.sqlite3", "users")
    assert _sqlite_rows(dst_dir / "decisions" / "employer_review.db", "decision") == [("E01", "E01B", "same")]
    assert (dst_dir / "rombel_program.json").read_text(encoding="utf-8") == '{"X TKR 1": "TKR"}'
    for key in m["keys"]:
        assert (dst_dir / key).read_bytes() == (src_dir / key).read_bytes()
        assert stat.S_IMODE((dst_dir / key).stat().st_mode) == 0o600
    # The token still works, and the audit log still finds the person's entries.
    token_rows = _sqlite_rows(dst_dir / "users.sqlite3", "tokens")
    assert len(token_rows) == 1
    assert len(AuditLog(dst_dir).entries(nisn="0000000101")) == 1


def test_embedded_backup_restored_on_neo4j_answers_every_query_the_same(tmp_path, neo4j_store):
    src_dir = tmp_path / "src"
    emb = EmbeddedStore(src_dir)
    _installation(emb, src_dir)
    archive = tmp_path / "move.tar.gz"
    bk.backup(emb, src_dir, archive)
    report = bk.restore(neo4j_store, tmp_path / "neo-data", archive)
    assert report.backend == "neo4j" and report.manifest["store_backend"] == "embedded"
    assert neo4j_store.dump(provenance=True) == emb.dump(provenance=True)
    for name, params in QUERY_CALLS:
        a = run_query(emb, name, params)
        b = run_query(neo4j_store, name, params)
        assert (b.rows, b.meta) == (a.rows, a.meta), (name, params)


# -- consistency under writes ---------------------------------------------------------

def test_backup_during_a_load_in_another_process_holds_before_or_after(tmp_path):
    """A load writes each file in one transaction (all or nothing): a backup
    taken meanwhile holds the graph before that file or after it, never half."""
    data = tmp_path / "data"
    store = EmbeddedStore(data)
    sup.load(store, [p for p in sorted(qs.EDGE.glob("*.csv")) if p.name != "pekerjaan.csv"])
    before = store.dump(provenance=False)  # everything but the edge dataset's jobs
    env = {**CLEAN_ENV, "ALUMNI_GRAPH_DATA_DIR": str(data), "ALUMNI_GRAPH_BACKEND": "embedded"}
    loader = subprocess.Popen([str(BIN), "load", str(qs.EDGE / "pekerjaan.csv")], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = []
    try:
        i = 0
        while loader.poll() is None or i < 2:
            archive = tmp_path / f"b{i}.tar.gz"
            bk.backup(EmbeddedStore(data), data, archive)
            seen.append(json.loads(bk.read_archive(archive)[1][bk.GRAPH]))
            i += 1
    finally:
        loader.wait(timeout=120)
    assert loader.returncode == 0, loader.stderr.read()
    # and one certainly after the load (under load the loop's last backup may
    # have started before the loader's commit)
    bk.backup(EmbeddedStore(data), data, tmp_path / "last.tar.gz")
    seen.append(json.loads(bk.read_archive(tmp_path / "last.tar.gz")[1][bk.GRAPH]))
    after = EmbeddedStore(data).dump(provenance=False)
    assert after != before
    strip = lambda d: json.loads(json.dumps(  # noqa: E731 - provenance aside
        {"nodes": [[l, k, {p: v for p, v in props.items() if p not in ("source", "loaded_at")}]
                   for l, k, props in d["nodes"]],
         "relationships": [[t, a, b, {p: v for p, v in props.items() if p not in ("source", "loaded_at")}]
                           for t, a, b, props in d["relationships"]]}))
    before, after = strip(before), strip(after)
    states = [strip(d) for d in seen]
    assert all(s in (before, after) for s in states)
    assert states[-1] == after


def test_neo4j_snapshot_repeats_a_read_that_a_commit_cut_through(tmp_path, neo4j_store, monkeypatch):
    """Neo4j reads are read-committed: a transaction committing between the
    backup's node scan and its relationship scan would leave the archive with
    the old nodes and the new relationships. The snapshot notices (the last
    committed transaction moved) and reads again."""
    sup.load(neo4j_store)
    works_at = neo4j_store.count_relationships("WORKS_AT")
    assert works_at > 0
    real_session = neo4j_store._session
    cut = {"done": False}

    class Tx:
        def __init__(self, tx):
            self.tx, self.calls = tx, 0

        def run(self, *args, **kwargs):
            self.calls += 1
            if self.calls == 2 and not cut["done"]:  # between the two scans
                cut["done"] = True
                neo4j_store.write("MATCH (s:School) SET s.name = 'renamed' WITH count(s) AS _ "
                                  "MATCH ()-[r:WORKS_AT]->() DELETE r")
            return self.tx.run(*args, **kwargs)

    class Session:
        def __init__(self, session):
            self.session = session

        def __enter__(self):
            self.session.__enter__()
            return self

        def __exit__(self, *exc):
            return self.session.__exit__(*exc)

        def execute_read(self, work):
            return self.session.execute_read(lambda tx: work(Tx(tx)))

    monkeypatch.setattr(neo4j_store, "_session", lambda **config: Session(real_session(**config)))
    report = bk.backup(neo4j_store, tmp_path / "d", tmp_path / "cut.tar.gz")
    assert cut["done"]
    dump = json.loads(bk.read_archive(report.path)[1][bk.GRAPH])
    names = {props.get("name") for label, _, props in dump["nodes"] if label == "School"}
    assert names == {"renamed"}  # the state after the commit, whole
    assert not [r for r in dump["relationships"] if r[0] == "WORKS_AT"]
    assert report.manifest["counts"]["relationships_by_type"].get("WORKS_AT") is None


# -- refusals -------------------------------------------------------------------------

def _cli(data_dir: Path, *args, backend="embedded", extra_env=None):
    env = {**CLEAN_ENV, "ALUMNI_GRAPH_DATA_DIR": str(data_dir), "ALUMNI_GRAPH_BACKEND": backend,
           **(extra_env or {})}
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def archive(tmp_path):
    data = tmp_path / "src"
    _installation(EmbeddedStore(data), data)
    out = tmp_path / "good.tar.gz"
    done = _cli(data, "backup", str(out))
    assert done.returncode == 0, done.stderr
    assert "backup written" in done.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    return out


def _rewrite(src: Path, dst: Path, change) -> Path:
    with tarfile.open(src, "r:gz") as tar:
        members = {i.name: tar.extractfile(i).read() for i in tar if i.isfile()}
    change(members)
    with tarfile.open(dst, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return dst


def _one_line_error(done) -> str:
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_restore_through_the_command_into_an_empty_directory(tmp_path, archive):
    done = _cli(tmp_path / "new", "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "restored into the embedded store" in done.stdout
    assert EmbeddedStore(tmp_path / "new").dump(provenance=True) == \
        EmbeddedStore(tmp_path / "src").dump(provenance=True)
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700


def test_damaged_archive_is_refused(tmp_path, archive):
    def flip(members):
        data = bytearray(members[bk.GRAPH])
        data[len(data) // 2] ^= 0x01
        members[bk.GRAPH] = bytes(data)

    bad = _rewrite(archive, tmp_path / "flipped.tar.gz", flip)
    line = _one_line_error(_cli(tmp_path / "t1", "restore", str(bad)))
    assert "damaged" in line and "checksum of graph.json" in line
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    line = _one_line_error(_cli(tmp_path / "t2", "restore", str(truncated)))
    assert "damaged" in line
    # Nothing was written by the refused restores.
    assert EmbeddedStore(tmp_path / "t1").count_nodes() == 0
    assert not (tmp_path / "t1" / "users.sqlite3").exists()


def test_newer_format_is_refused(tmp_path, archive):
    def newer(members):
        manifest = json.loads(members[bk.MANIFEST])
        manifest["format_version"] = bk.FORMAT_VERSION + 1
        members[bk.MANIFEST] = json.dumps(manifest).encode()

    bad = _rewrite(archive, tmp_path / "newer.tar.gz", newer)
    line = _one_line_error(_cli(tmp_path / "t", "restore", str(bad)))
    assert f"backup format {bk.FORMAT_VERSION + 1}" in line and "upgrade" in line


def test_non_empty_target_is_refused_without_force(tmp_path, archive):
    target = tmp_path / "busy"
    EmbeddedStore(target).upsert_nodes("School", [{"npsn": "99999999", "name": "Lain"}], source="t")
    line = _one_line_error(_cli(target, "restore", str(archive)))
    assert "not empty" in line and "--force" in line
    assert EmbeddedStore(target).count_nodes() == 1  # untouched
    done = _cli(target, "restore", "--force", str(archive))
    assert done.returncode == 0, done.stderr
    assert EmbeddedStore(target).get_node("School", ("99999999",)) is None
    assert EmbeddedStore(target).dump() == EmbeddedStore(tmp_path / "src").dump()


def test_backup_refuses_to_overwrite_an_archive(tmp_path, archive):
    line = _one_line_error(_cli(tmp_path / "src", "backup", str(archive)))
    assert "exists" in line and "--force" in line


def test_library_refuses_a_file_that_is_not_an_archive(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_text("siswa;nama\n")
    with pytest.raises(BackupError, match="damaged or not an alumni-graph backup"):
        bk.read_archive(junk)
