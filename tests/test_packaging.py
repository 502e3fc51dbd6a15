"""The wheel installs the project's own packages and nothing else: no
``tools`` (the test-only Neo4j launcher), with the Cypher files and the
templates inside. Built offline from a copy of the source tree, installed
into a clean venv."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"graph_service", "loaders", "queries", "web"}
SKIP = shutil.ignore_patterns(".venv", ".git", ".cache", "data", "test-artifacts", "__pycache__",
                              "*.egg-info", "build", "dist", ".pytest_cache", ".hypothesis")


def test_the_wheel_holds_only_the_project_and_installs_cleanly(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--quiet", "-w", str(tmp_path / "dist"), str(src)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = (tmp_path / "dist").glob("alumni_graph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top == PACKAGES, top
    assert "queries/prospective_partners.cypher" in names and "web/templates/base.html" in names

    # A clean venv: the install adds exactly those names (and the dist-info).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    before = set(p.name for p in site.iterdir()) if site.exists() else set()
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--quiet", str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    added = {p.name for p in site.iterdir()} - before
    assert {n for n in added if not n.endswith(".dist-info")} == PACKAGES, added
    assert (venv / "bin" / "alumni-graph").exists()
