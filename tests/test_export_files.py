"""``alumni-graph export DIR``: the graph as the loader's own files; loading
them into an empty store gives the same graph, on both stores."""
from __future__ import annotations

import csv
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import analyses_support as sup
import queries_support as qs
from alumni_graph.graph_service.embedded import EmbeddedStore
from alumni_graph.graph_service.errors import ExportFilesError
from alumni_graph.graph_service.export_files import HEADERS, KINDS, export_files
from alumni_graph.loaders import load_paths
from alumni_graph.loaders.kinds import KINDS as LOADER_KINDS

BIN = Path(sys.executable).with_name("alumni-graph")


def test_headers_are_the_loaders_own():
    for kind in KINDS:
        assert set(HEADERS[kind]) <= {c.name for c in LOADER_KINDS[kind].columns}, kind


def test_export_and_reload_give_the_same_graph(store, tmp_path):
    qs.load_edge(store)
    sup.load(store)
    sup.load(store, [qs.WORK])  # issue 14's records: pipeline visits, MoU scope, vacancies, referrals
    before = store.dump()
    out = tmp_path / "ekspor"
    report = export_files(store, out)
    assert report.rows["lowongan"] == store.count_nodes("Vacancy") > 0
    assert report.rows["rujukan"] > 0
    assert report.skipped == {}, report.skipped  # nothing of this graph is left out of the files
    assert {p.name for p in out.iterdir()} >= {f"{k}.csv" for k in KINDS}
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    assert report.rows["sekolah"] == store.count_nodes("School")
    # The edge dataset has an employer named "=HYPERLINK(...)": written unchanged, counted.
    assert report.formula_like > 0
    # phones (+62...) are no formulas: counted apart, so the warning is not drowned in them
    phone, formulas, phones = re.compile(r"\+[1-9][0-9]{6,14}"), 0, 0
    for path in out.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as f:
            cells = [c for row in list(csv.reader(f))[1:] for c in row]
        phones += sum(1 for c in cells if phone.fullmatch(c))
        formulas += sum(1 for c in cells if c.startswith(("=", "+", "-", "@")) and not phone.fullmatch(c))
    assert phones > 0 and report.phones == phones
    assert report.formula_like == formulas > 0
    assert "phone numbers are written as +62" in report.render()
    with open(out / "dudi.csv", encoding="utf-8", newline="") as f:
        names = [r["nama"] for r in csv.DictReader(f)]
    assert '=HYPERLINK("x") Bengkel Empat' in names
    # Reload into an empty store of the same backend.
    if store.backend == "embedded":
        target = EmbeddedStore(tmp_path / "kosong")
    else:
        store.clear()
        target = store
    loaded = load_paths(target, [out])
    assert loaded.ok, loaded.render()
    assert target.dump() == before


def test_export_refuses_a_non_empty_folder(embedded_store, tmp_path):
    out = tmp_path / "isi"
    out.mkdir()
    (out / "lain.txt").write_text("x")
    with pytest.raises(ExportFilesError, match="not empty"):
        export_files(embedded_store, out)


def test_export_through_the_command(tmp_path):
    data = tmp_path / "data"
    sup.load(EmbeddedStore(data))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    env |= {"ALUMNI_GRAPH_DATA_DIR": str(data)}
    done = subprocess.run([str(BIN), "export", str(tmp_path / "out")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "siswa.csv" in done.stdout and "as Text" in done.stdout
    again = subprocess.run([str(BIN), "export", str(tmp_path / "out")], env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode != 0 and "not empty" in again.stderr
