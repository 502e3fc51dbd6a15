"""web/ stays a thin layer: it imports neither the Neo4j driver nor networkx
(all store work goes through ``queries``). Checked on the source, statically."""
from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"
FORBIDDEN = {"neo4j", "networkx"}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.add(str(node.args[0].value))
    return found


def test_web_imports_neither_neo4j_nor_networkx():
    files = sorted(WEB.rglob("*.py"))
    assert files, "no web sources found"
    offenders = {
        str(f.relative_to(WEB.parent)): sorted(m for m in imported_modules(f)
                                               if m.split(".")[0] in FORBIDDEN)
        for f in files
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_the_check_catches_an_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    import networkx as nx\n    from neo4j import GraphDatabase\n")
    assert {"networkx", "neo4j"} <= imported_modules(sample)


def test_no_cdn_in_templates_or_static():
    for f in list((WEB / "templates").glob("*.html")) + list((WEB / "static").glob("*")):
        text = f.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, f
        assert "innerHTML" not in text and "eval(" not in text, f


# -- one installed name ----------------------------------------------------------------------

ROOT = WEB.parent
OLD_TOPS = {"graph_service", "loaders", "queries", "web", "security"}


def old_style_imports(path: Path) -> list[str]:
    """Imports of a project package by its folder name (``from web import x``)
    rather than its installed name (``from alumni_graph.web import x``): such
    an import works from a checkout and fails once installed."""
    return sorted(m for m in imported_modules(path) if m.split(".")[0] in OLD_TOPS)


def test_every_import_uses_the_installed_namespace():
    files = [p for p in ROOT.rglob("*.py")
             if not {".venv", ".git", "build", "node_modules"} & set(p.relative_to(ROOT).parts)
             and p.name != "ns_imports.py"]
    assert len(files) > 100
    offenders = {str(f.relative_to(ROOT)): old_style_imports(f) for f in files}
    assert not {k: v for k, v in offenders.items() if v}, (
        "use the alumni_graph namespace (python tools/ns_imports.py FILE rewrites them)")


def test_the_namespace_check_catches_an_old_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from web.pages import page\nimport queries.framework as f\n"
                      "from alumni_graph.loaders import load\n")
    assert old_style_imports(sample) == ["queries" + ".framework", "web" + ".pages"]


def test_pages_read_through_the_leaf_module_not_the_api_blueprint():
    """The pages share their reads with the API through web/shared.py (no
    blueprint); none imports web/api.py, and shared.py imports no blueprint."""
    blueprints = {"alumni_graph.web." + m for m in ("api", "pages", "analyses", "work", "tracer",
                                                    "users", "auth")}
    pages = {f: imported_modules(WEB / f) for f in ("pages.py", "analyses.py", "work.py", "tracer.py",
                                                    "users.py")}
    assert {f: "alumni_graph.web.api" for f, mods in pages.items() if "alumni_graph.web.api" in mods} == {}
    assert imported_modules(WEB / "shared.py") & blueprints == set()
    assert "alumni_graph.web.shared" in pages["pages.py"]
