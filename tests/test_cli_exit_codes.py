"""Exit codes of the installed ``alumni-graph`` command, run as a subprocess
(the contract a cron job or a script relies on; click's runner would hide
the defect where ``ctx.exit(n)`` under ``standalone_mode=False`` was dropped).

Codes: 0 done, 1 refused/failed, 2 usage/configuration, 3 loaded with rows
skipped, 130 interrupted.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMAND = Path(sys.executable).parent / "alumni-graph"

SEKOLAH = "npsn;nama;kota\n20300001;SMK Negeri 1 Contoh;Bandung\n"
PROGRAM = "npsn;kode;nama\n20300001;TKJ;Teknik Komputer dan Jaringan\n"
# Second row names a school that exists nowhere: the file is refused.
SISWA_BAD = ("nisn;nama;npsn;kode_program;tahun_masuk\n"
             "0012345678;Ani;20300001;TKJ;2022\n"
             "0012345679;Budi;99999999;TKJ;2022\n")


def _env(tmp_path, backend: str, neo4j=None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    env["ALUMNI_GRAPH_DATA_DIR"] = str(tmp_path / "data")
    env["ALUMNI_GRAPH_BACKEND"] = backend
    if backend == "neo4j":
        env.update(NEO4J_URI=neo4j["uri"], NEO4J_USER=neo4j["user"], NEO4J_PASSWORD=neo4j["password"])
    return env


def run(env, *args, stdin: str = "", timeout: int = 180) -> subprocess.CompletedProcess:
    assert COMMAND.exists(), f"the installed command is missing: {COMMAND}"
    return subprocess.run([str(COMMAND), *map(str, args)], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def env(request, tmp_path):
    if request.param == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        store = request.getfixturevalue("neo4j_store")  # cleared, schema in place
        del store
        return _env(tmp_path, "neo4j", server)
    return _env(tmp_path, "embedded")


def _files(tmp_path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "sekolah.csv").write_text(SEKOLAH)
    (d / "program.csv").write_text(PROGRAM)
    return d


def test_load_codes_on_both_stores(env, tmp_path):
    d = _files(tmp_path)
    ok = run(env, "load", d)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = tmp_path / "siswa.csv"
    bad.write_text(SISWA_BAD)
    refused = run(env, "load", bad)
    assert refused.returncode == 1, refused.stdout
    assert "TIDAK dimuat" in refused.stdout
    partial = run(env, "load", "--skip-invalid", bad)
    assert partial.returncode == 3, partial.stdout + partial.stderr
    assert "dimuat sebagian" in partial.stdout
    dry = run(env, "load", "--dry-run", bad)
    assert dry.returncode == 1


def test_folder_with_a_refused_file_exits_1(tmp_path):
    env = _env(tmp_path, "embedded")
    d = _files(tmp_path)
    (d / "siswa.csv").write_text(SISWA_BAD)
    r = run(env, "load", d)
    assert r.returncode == 1, r.stdout
    assert "siswa.csv (siswa): TIDAK dimuat" in r.stdout


@pytest.mark.parametrize("what", ["txt", "empty-folder", "missing-path"])
def test_nothing_to_load_is_not_success(tmp_path, what):
    env = _env(tmp_path, "embedded")
    if what == "txt":
        target = tmp_path / "random.txt"
        target.write_text("hello\n")
    elif what == "empty-folder":
        target = tmp_path / "kosong"
        target.mkdir()
    else:
        target = tmp_path / "nowhere"
    r = run(env, "load", target)
    assert r.returncode == (2 if what == "missing-path" else 1), r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    if what == "empty-folder":
        assert "Tidak ada file data yang dimuat" in r.stdout
        assert "Selesai" not in r.stdout


def test_user_commands_check_the_user_first(tmp_path):
    env = _env(tmp_path, "embedded")
    tokens = run(env, "user", "tokens", "nosuchuser")
    assert tokens.returncode == 1 and "no such user" in tokens.stderr
    # No password prompt for a user that does not exist (stdin is empty: a
    # prompt would abort with 130 instead).
    pw = run(env, "user", "password", "nosuchuser")
    assert pw.returncode == 1, pw.stdout + pw.stderr
    assert "no such user" in pw.stderr and "assword" not in pw.stdout
    added = run(env, "user", "add", "ani", "--role", "bkk", "--password-stdin", stdin="a-long-password-1\n")
    assert added.returncode == 0, added.stderr
    assert run(env, "user", "tokens", "ani").returncode == 0
    weak = run(env, "user", "password", "ani", "--password-stdin", stdin="x\n")
    assert weak.returncode == 1


def test_merge_employers_codes(tmp_path):
    env = _env(tmp_path, "embedded")
    same = run(env, "merge-employers", "X", "x")
    assert same.returncode == 2 and "same employer" in same.stderr
    unknown = run(env, "merge-employers", "X", "Y")
    assert unknown.returncode == 1 and "does not exist" in unknown.stderr


def test_serve_on_a_busy_port_is_one_clear_line(tmp_path):
    env = _env(tmp_path, "embedded")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run(env, "serve", "--port", port, timeout=60)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr


def test_demo_failure_and_bad_config(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    env = _env(tmp_path, "embedded") | {"ALUMNI_GRAPH_DATA_DIR": str(blocker / "data")}
    r = run(env, "demo", "--no-serve")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    bad = _env(tmp_path, "embedded") | {"ALUMNI_GRAPH_BACKEND": "mysql"}
    assert run(bad, "stats").returncode == 2
