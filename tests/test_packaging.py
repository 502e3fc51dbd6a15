"""The wheel installs one name, ``alumni_graph``, and nothing else: no
generic ``web`` or ``queries`` in site-packages, no ``tools`` (the test-only
Neo4j launcher), with the Cypher files and the templates inside. Built
offline from a copy of the source tree, installed into a clean venv, and
run from there (not from the checkout)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"alumni_graph"}
SUBPACKAGES = ("cli.py", "graph_service/store.py", "loaders/load.py", "queries/framework.py",
               "security/accounts.py", "security/uploads.py", "web/pages.py", "demo/school_run.py")
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
    assert "alumni_graph/queries/prospective_partners.cypher" in names
    assert "alumni_graph/web/templates/base.html" in names
    for module in SUBPACKAGES:
        assert f"alumni_graph/{module}" in names, module
    assert not any(n.startswith("alumni_graph/tools/") or n.startswith("alumni_graph/tests/") for n in names)

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

    # Run from the clean venv, away from the checkout: the installed copy is
    # the one imported (the dependencies come from the test venv, after it).
    deps = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": deps}
    where = subprocess.run([str(python), "-c", "import alumni_graph.web, alumni_graph.security.subject, "
                            "alumni_graph.cli; print(alumni_graph.web.__file__); "
                            "print(alumni_graph.security.subject.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert where.returncode == 0, where.stderr[-3000:]
    for line in where.stdout.split():
        assert line.startswith(str(site)), (line, site)
    helped = subprocess.run([str(venv / "bin" / "alumni-graph"), "--help"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=120)
    assert helped.returncode == 0 and "Usage" in helped.stdout, helped.stderr[-3000:]


def test_the_dockerfile_copies_every_installed_folder():
    """The production image installs the project from the folders it copies:
    one left out (a new package mapped in pyproject.toml) breaks the image's
    `pip install .` only at build time, on the school's server."""
    import tomllib

    mapped = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]
    copied = {line.split()[1] for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
              if line.startswith("COPY ") and len(line.split()) == 3}
    assert set(mapped.values()) <= copied, set(mapped.values()) - copied
