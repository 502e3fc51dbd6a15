"""``alumni-graph tracer start`` through the installed command: the CSV
(nisn, nama, link, whatsapp), formula-safe, mode 0600; links that open the
form; the base URL from ALUMNI_GRAPH_PUBLIC_URL; clear errors."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import web_fixture as fx
from alumni_graph.graph_service.embedded import EmbeddedStore

CLI = str(Path(sys.executable).with_name("alumni-graph"))


@pytest.fixture
def data(tmp_path):
    store = EmbeddedStore(tmp_path / "data")
    fx.build(store)
    store.close()
    return tmp_path / "data"


def _run(data, *args, env=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    environ.update(env or {})
    return subprocess.run([CLI, "--backend", "embedded", "--data-dir", str(data), "tracer", *args],
                          capture_output=True, text=True, env=environ, timeout=120)


def test_start_writes_the_links_csv(data, tmp_path):
    out = tmp_path / "kirim" / "tautan.csv"
    r = _run(data, "start", "--graduation-year", "2020", "--graduation-year", "2021", "--program", "tkr",
             "--until", _in_days(20), "--out", str(out),
             env={"ALUMNI_GRAPH_PUBLIC_URL": "https://bkk.contoh.sch.id/"})
    assert r.returncode == 0, r.stderr
    assert "2 links" in r.stdout
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [list(rows[0])] == [["nisn", "nama", "link", "whatsapp"]]
    assert {r["nisn"] for r in rows} == {"0051000002", "0051000005"}
    for row in rows:
        assert row["link"].startswith("https://bkk.contoh.sch.id/t/") and len(row["link"]) > 60
        assert row["whatsapp"].startswith("https://wa.me/62812345")
    # The fixture's formula name is defused, and no personal value reaches the log.
    formula = next(r for r in rows if r["nisn"] == "0051000005")
    assert formula["nama"].startswith("'=")
    assert "0051000002" not in r.stdout + r.stderr
    # The link opens the form (and only that person's).
    from alumni_graph.web import create_app

    store = EmbeddedStore(data)
    app = create_app({"TESTING": True, "DATA_DIR": data}, store=store)
    token = rows[0]["link"].rsplit("/", 1)[1]
    page = app.test_client().get(f"/t/{token}")
    assert page.status_code == 200 and "Halo" in page.get_data(as_text=True)
    listed = _run(data, "list")
    assert listed.returncode == 0 and "links=2" in listed.stdout
    again = tmp_path / "lagi.csv"
    assert _run(data, "links", "1", "--out", str(again), "--base-url", "http://10.0.0.5:5000").returncode == 0
    assert "http://10.0.0.5:5000/t/" + token in again.read_text(encoding="utf-8-sig")


def _in_days(n: int) -> str:
    import datetime as dt

    return (dt.date.today() + dt.timedelta(days=n)).isoformat()


def test_start_without_public_url_or_alumni_fails_clearly(data, tmp_path):
    out = tmp_path / "t.csv"
    r = _run(data, "start", "--graduation-year", "2020", "--out", str(out))
    assert r.returncode == 2 and "ALUMNI_GRAPH_PUBLIC_URL" in r.stderr and not out.exists()
    # the setting is read the way `serve` reads it (web.settings): the same one-line error
    r = _run(data, "start", "--graduation-year", "2020", "--out", str(out),
             env={"ALUMNI_GRAPH_PUBLIC_URL": " "})
    assert r.returncode == 2 and not out.exists()
    assert r.stderr.strip().splitlines()[-1] == "Error: ALUMNI_GRAPH_PUBLIC_URL must not be empty"
    r = _run(data, "start", "--graduation-year", "1999", "--out", str(out), "--base-url", "https://x.id")
    assert r.returncode == 1 and "no alumni" in r.stderr and not out.exists()
    r = _run(data, "start", "--graduation-year", "2020", "--until", "kemarin", "--out", str(out),
             "--base-url", "https://x.id")
    assert r.returncode == 2 and "--until" in r.stderr and not out.exists()
    r = _run(data, "start", "--graduation-year", "2020", "--until", "2001-01-01", "--out", str(out),
             "--base-url", "https://x.id")
    assert r.returncode == 1 and "until" in r.stderr and not out.exists()
