"""Interrupted loads: kill ``alumni-graph load`` (SIGKILL) midway, or lose
Neo4j midway, then run the load again: the graph must be exactly the one an
uninterrupted load gives. On the real Neo4j and on the embedded store.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from neo4j.exceptions import ServiceUnavailable

from alumni_graph.graph_service.embedded import EmbeddedStore
from alumni_graph.loaders import load_paths

ROOT = Path(__file__).resolve().parent.parent


PEOPLE = 1200  # with their internships and jobs: a load of a few seconds at batch size 100


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    """The demo school, cut to PEOPLE students and alumni (and their rows)."""
    from alumni_graph.demo import generate_demo

    full = tmp_path_factory.mktemp("demo-full")
    out = tmp_path_factory.mktemp("demo")
    files = generate_demo(full, seed=11)
    siswa = files["siswa"].read_text(encoding="utf-8").splitlines(keepends=True)
    keep = {line.split(",", 1)[0] for line in siswa[1:PEOPLE + 1]}
    for kind, path in files.items():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        if kind in ("siswa", "prakerin", "pekerjaan"):
            lines = lines[:1] + [line for line in lines[1:] if line.split(",", 1)[0] in keep]
        (out / path.name).write_text("".join(lines), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def reference(demo_dir, tmp_path_factory) -> dict:
    """The graph of an uninterrupted load into a fresh (embedded) store."""
    store = EmbeddedStore(tmp_path_factory.mktemp("reference"))
    report = load_paths(store, [demo_dir])
    assert report.ok, report.render()
    return store.dump()


def _start_load(demo_dir: Path, env: dict) -> subprocess.Popen:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    full_env.update(env)
    return subprocess.Popen(
        [sys.executable, "-m", "alumni_graph.cli", "load", str(demo_dir)],
        cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 60) -> bool:
    """SIGKILL the load once ``ready()`` holds; True if it was still running."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if ready():
                break
            time.sleep(0.02)
        running = proc.poll() is None
        if running:
            os.kill(proc.pid, signal.SIGKILL)
        return running
    finally:
        proc.wait(timeout=30)


def test_killed_load_then_rerun_on_neo4j(neo4j_store, demo_dir, reference):
    env = {"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": neo4j_store.uri,
           "ALUMNI_GRAPH_BATCH_SIZE": "100"}  # many transactions: the kill lands inside a file
    persons = sum(1 for n in reference["nodes"] if n[0] == "Person")
    proc = _start_load(demo_dir, env)
    assert _kill_when(proc, lambda: neo4j_store.count_nodes("Person") >= PEOPLE // 3), "the load ended early"
    assert proc.returncode == -signal.SIGKILL
    partial = neo4j_store.count_nodes("Person")
    assert 0 < partial and neo4j_store.dump() != reference  # really interrupted

    report = load_paths(neo4j_store, [demo_dir])
    assert report.ok, report.render()
    assert neo4j_store.dump() == reference
    assert report.by_kind()["siswa"]["created"] == persons - partial


def test_killed_load_then_rerun_on_embedded(tmp_path, demo_dir, reference):
    data = tmp_path / "data"
    graph = data / "graph.json"
    env = {"ALUMNI_GRAPH_BACKEND": "embedded", "ALUMNI_GRAPH_DATA_DIR": str(data)}
    proc = _start_load(demo_dir, env)
    # Kill after a few files are committed (the file is rewritten per file).
    stamps = set()

    def some_files_committed():
        try:
            stamps.add(graph.stat().st_mtime_ns)
        except FileNotFoundError:
            pass
        return len(stamps) >= 3

    assert _kill_when(proc, some_files_committed), "the load ended before the kill"
    # A kill inside a commit leaves its half-written temp file (personal data):
    # make sure there is one, as a kill at that moment would leave it.
    (data / f".graph.json.{proc.pid}.tmp").write_text('{"format": "half a commit', encoding="utf-8")
    store = EmbeddedStore(data)  # the file left behind is whole, never torn
    assert store.dump() != reference
    assert not list(data.glob(".graph.json.*.tmp"))  # opening the store removed the stale temp files

    report = load_paths(store, [demo_dir])
    assert report.ok, report.render()
    assert store.dump() == reference
    assert not list(data.glob(".graph.json.*.tmp"))


class _FlakySession:
    """A driver session that loses the server after some write transactions."""

    def __init__(self, session, budget):
        self._session, self._budget = session, budget

    def __getattr__(self, name):
        return getattr(self._session, name)

    def __enter__(self):
        self._session.__enter__()
        return self

    def __exit__(self, *exc):
        return self._session.__exit__(*exc)

    def execute_write(self, *args, **kwargs):
        self._budget[0] -= 1
        if self._budget[0] < 0:
            raise ServiceUnavailable("connection lost (simulated)")
        return self._session.execute_write(*args, **kwargs)


def test_neo4j_lost_midway_reports_failure_then_rerun_completes(neo4j_store, demo_dir, reference, monkeypatch):
    neo4j_store.batch_size = 100
    real_session = neo4j_store._driver.session
    budget = [16]  # sekolah 1, program 2, dudi 8 write transactions, then part of siswa
    monkeypatch.setattr(neo4j_store._driver, "session", lambda **kw: _FlakySession(real_session(**kw), budget))
    report = load_paths(neo4j_store, [demo_dir])
    assert not report.ok
    statuses = [f.status for f in report.files]
    assert statuses[:3] == ["loaded"] * 3 and statuses[3] == "failed"
    assert set(statuses[4:]) == {"skipped"}
    assert "Neo4j" in report.files[3].problems[0].message and "re-run" in report.files[3].problems[0].message
    assert 0 < neo4j_store.count_nodes("Person") < sum(1 for n in reference["nodes"] if n[0] == "Person")

    monkeypatch.undo()
    again = load_paths(neo4j_store, [demo_dir])
    assert again.ok, again.render()
    assert neo4j_store.dump() == reference


@pytest.mark.slow
def test_neo4j_reference_equals_the_embedded_reference(neo4j_store, demo_dir, reference):
    """The comparisons above use an embedded reference; check it is the
    graph an uninterrupted Neo4j load gives too."""
    assert load_paths(neo4j_store, [demo_dir]).ok
    assert neo4j_store.dump() == reference
