"""``python -m bench [--scale S|M] [--only NAME...] [--out bench/results/]``

Generates the scale's data (seeded), starts a throwaway Neo4j 5.26 on
127.0.0.1 from the Maven jars (or uses ``--neo4j-uri``: that database is
CLEARED), runs the sections in order, prints the bars, and writes
``<out>/bench-<scale>.json`` (machine, versions, settings, every number) and
``<out>/bench-<scale>.md`` (the tables for bench/RESULTS.md).
"""
from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.harness import ROOT, SCALES, Bench

SECTIONS = {
    "cost": "bench.cost_growth",
    "embedded": "bench.embedded_scale",
    "load": "bench.loading",
    "admin_import": "bench.initial_import",
    "queries": "bench.query_speed",
    "referral": "bench.referral_tails",
    "driver": "bench.driver",
    "graph_page": "bench.graph_page",
    "tracer_form": "bench.tracer_form_weight",
    "staff_load": "bench.staff_load",  # before api (which loads an extra school)
    "api": "bench.api_load",  # last: it loads an extra school into the stores
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=sorted(SCALES), default="S")
    ap.add_argument("--only", nargs="+", choices=list(SECTIONS), metavar="NAME",
                    help=f"run only these sections ({', '.join(SECTIONS)})")
    ap.add_argument("--skip", nargs="+", choices=list(SECTIONS), metavar="NAME", default=[])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--work", type=Path, default=None,
                    help="scratch directory (generated data is reused from here); default: a temp dir")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per measurement (>= 5)")
    ap.add_argument("--neo4j-uri", default=None,
                    help="use this Neo4j instead of starting one; its database is CLEARED")
    ap.add_argument("--load-parts", nargs="+", choices=["guard", "sample", "curve", "store", "loader"],
                    default=None, help="run only these parts of section load")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other sections' numbers from an earlier bench-<scale>.json "
                         "(re-running a section that failed); each section records when it ran")
    args = ap.parse_args(argv)
    if args.runs < 5:
        ap.error("--runs must be at least 5")
    if args.neo4j_uri and "127.0.0.1" not in args.neo4j_uri and "localhost" not in args.neo4j_uri:
        ap.error("the bench only talks to a Neo4j on 127.0.0.1")

    names = [n for n in (args.only or SECTIONS) if n not in args.skip]
    tmp = None
    if args.work is None:
        tmp = tempfile.TemporaryDirectory(prefix=f"alumni-bench-{args.scale}-")
        args.work = Path(tmp.name)
    args.work.mkdir(parents=True, exist_ok=True)
    b = Bench(SCALES[args.scale], args.work.resolve(), args.out, runs=args.runs,
              neo4j_uri=args.neo4j_uri, load_parts=set(args.load_parts or ()))
    if args.merge:
        b.merge_earlier(args.out / f"bench-{args.scale}.json", names)
    b.log(f"scale {args.scale}: {b.scale.about}; sections {', '.join(names)}; work dir {b.work}")
    try:
        b.files()
        for name in names:
            began = time.time()
            b.log(f"== {name}")
            try:
                importlib.import_module(SECTIONS[name]).run(b)
            except Exception as exc:  # one broken section must not lose the others' numbers
                b.log(f"section {name} FAILED: {exc.__class__.__name__}: {str(exc)[:500]}")
                b.results.setdefault("errors", {})[name] = traceback.format_exc()[-4000:]
            b.results.setdefault("section_seconds", {})[name] = round(time.time() - began, 1)
            b.results.setdefault("section_ran_at", {})[name] = time.strftime(
                "%Y-%m-%dT%H:%M:%S%z", time.localtime(began))
            b.write()  # keep what we have if a later section hangs
    finally:
        b.close()
        path = b.write()
        from bench.report import markdown

        md = markdown([b.document()])
        (args.out / f"bench-{args.scale}.md").write_text(md, encoding="utf-8")
        print("\n" + md)
        print(f"results: {path}")
        if tmp is not None:
            tmp.cleanup()
    return 1 if b.results.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
