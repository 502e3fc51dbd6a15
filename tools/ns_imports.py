"""Rewrite old-style imports to the installed ``alumni_graph`` namespace.

The folders stay at the top of the repository (``graph_service/``, ``loaders/``,
``queries/``, ``web/``, ``security/``), but they are installed, and imported, as
``alumni_graph.graph_service`` and so on (``pyproject.toml`` maps them), so the
installed names cannot collide with another project's ``web`` or ``queries``.
The CLI lives at the top (``alumni_graph/cli.py``); accounts, audit, subject
requests and file modes live in ``security/``.

Usage: ``python tools/ns_imports.py [FILE...]`` (no files: every ``.py`` file of
the repository outside ``.venv``). Idempotent: a file already rewritten is left
as it is. Prints the files it changed.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("graph_service", "loaders", "queries", "web", "security")

#: Modules that moved to another package (old dotted name -> new dotted name).
MOVES = {
    "graph_service.cli": "alumni_graph.cli",
    "graph_service.accounts": "alumni_graph.security.accounts",
    "graph_service.audit": "alumni_graph.security.audit",
    "graph_service.subject": "alumni_graph.security.subject",
    "graph_service.private": "alumni_graph.security.private",
}
MOVED_FROM_PACKAGE = {"accounts", "audit", "subject", "private"}

_PKG = "|".join(PACKAGES)
# `from web.pages import x`, `>>> from queries import y`, `import loaders.readers as r`
_FROM = re.compile(rf"^(?P<lead>\s*(?:>>> |\.\.\. )?)from (?P<mod>(?:{_PKG})(?:\.\w+)*) import (?P<rest>.*)$")
_IMPORT = re.compile(rf"^(?P<lead>\s*(?:>>> |\.\.\. )?)import (?P<mod>(?:{_PKG})(?:\.\w+)*)\b(?!\.)(?P<rest>.*)$")
# `python -m graph_service.cli`, "loaders.isolated" as a module to run
_DASH_M = re.compile(rf"(?P<q>[\"'])(?P<mod>(?:{_PKG})\.\w+(?:\.\w+)*)(?P=q)")


def new_name(mod: str) -> str:
    for old, new in MOVES.items():
        if mod == old or mod.startswith(old + "."):
            return new + mod[len(old):]
    return "alumni_graph." + mod


def _rewrite_from(m: re.Match) -> str:
    lead, mod, rest = m["lead"], m["mod"], m["rest"]
    if mod == "graph_service":
        names = [n.strip() for n in rest.split(",")]
        if rest.strip().startswith("(") or not all(re.fullmatch(r"\w+(\s+as\s+\w+)?", n) for n in names):
            if any(n.split()[0] in MOVED_FROM_PACKAGE for n in names if n):
                raise SystemExit(f"cannot rewrite by rule: {m.group(0).strip()!r} (edit by hand)")
            return f"{lead}from alumni_graph.graph_service import {rest}"
        moved = [n for n in names if n.split()[0] in MOVED_FROM_PACKAGE]
        kept = [n for n in names if n.split()[0] not in MOVED_FROM_PACKAGE]
        lines = []
        if kept:
            lines.append(f"{lead}from alumni_graph.graph_service import {', '.join(kept)}")
        if moved:
            lines.append(f"{lead}from alumni_graph.security import {', '.join(moved)}")
        return "\n".join(lines)
    return f"{lead}from {new_name(mod)} import {rest}"


def _rewrite_import(m: re.Match) -> str:
    lead, mod, rest = m["lead"], m["mod"], m["rest"]
    if not re.match(r"\s+as\s+\w+", rest):
        # `import web.graphview` binds `web`: keep the binding with an alias
        # of the last part only when the code uses the dotted name; simplest
        # and explicit: bind the old top name to the new package.
        alias = mod.split(".")[0]
        if "." in mod:
            raise SystemExit(f"cannot rewrite by rule: {m.group(0).strip()!r} (use 'import ... as ...')")
        return f"{lead}import {new_name(mod)} as {alias}{rest}"
    return f"{lead}import {new_name(mod)}{rest}"


def rewrite(text: str) -> str:
    out = []
    for line in text.split("\n"):
        m = _FROM.match(line)
        if m:
            line = _rewrite_from(m)
        else:
            m = _IMPORT.match(line)
            if m:
                line = _rewrite_import(m)
        if re.search(r"[\"']-m[\"']", line):  # a module run as `python -m ...`
            line = _DASH_M.sub(lambda d: d["q"] + new_name(d["mod"]) + d["q"]
                               if _looks_like_module(d["mod"]) else d.group(0), line)
        out.append(line)
    return "\n".join(out)


def _looks_like_module(dotted: str) -> bool:
    """``"graph_service.cli"`` is a module path; ``"web.pages"`` too only if the
    file exists (so strings such as endpoint names ``"pages.upload"`` stay)."""
    parts = dotted.split(".")
    return (ROOT.joinpath(*parts).with_suffix(".py").is_file()
            or (ROOT.joinpath(*parts) / "__init__.py").is_file()
            or dotted in MOVES)


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or [
        p for p in ROOT.rglob("*.py")
        if ".venv" not in p.parts and "node_modules" not in p.parts and p.resolve() != Path(__file__).resolve() and p.name != "test_web_imports.py"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        new = rewrite(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
