"""Run times of the issue-6 analyses on the demo school and a 10-school slice.

    python -m bench.analyses_time [--schools 1 10] [--repeat 3] [--json out.json]

Generates the demo data (``alumni_graph.demo.generate_demo``, seed 2026), loads it
through the loader into an embedded store and into Neo4j (``NEO4J_URI`` when
set, else a throwaway server from ``tools.neo4j.launcher`` with a 2 GiB heap),
then times every analysis (the registry queries, with ``as_of`` the demo's
"today") for one school (the first NPSN) and for all schools of the slice.
Each time is the median of ``--repeat`` runs of ``run_query`` (parameter
validation, the store round trip and the shared post-processing included);
the embedded store's graph is read once before timing, as a server would.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = "2026-11-01"  # alumni_graph.demo.DEFAULT_TODAY
ANALYSES = ("tracer_summary", "program_alignment", "internship_monitoring", "internship_hosts",
            "key_connectors", "industry_clusters", "untraced_reach", "alumni_register")


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def neo4j_store(work: Path):
    from alumni_graph.graph_service.neo4j_store import Neo4jStore

    uri = os.environ.get("NEO4J_URI")
    server = None
    if not uri:
        from tools.neo4j.launcher import fetch_jars, start

        fetch_jars()
        server = start(work / "neo4j", heap="2g", pagecache="512m")
        uri = server.uri
    store = Neo4jStore(uri, user=os.environ.get("NEO4J_USER", "neo4j"),
                       password=os.environ.get("NEO4J_PASSWORD", ""),
                       database=os.environ.get("NEO4J_DATABASE", "neo4j"), batch_size=5000)
    return store, server


def bench(schools: int, repeat: int, work: Path, neo) -> list[dict]:
    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.loaders import load_paths
    from alumni_graph.demo import generate_demo
    from alumni_graph.queries import run_query

    files = list(generate_demo(work / f"demo-{schools}", seed=2026, schools=schools).values())
    emb = EmbeddedStore(work / f"embedded-{schools}", batch_size=5000)
    neo.clear()
    out = []
    for backend, store in (("embedded", emb), ("neo4j", neo)):
        store.init_schema()
        t0 = time.perf_counter()
        report = load_paths(store, files)
        assert report.ok, report.render()
        print(f"# {schools} school(s): loaded into {backend} in {time.perf_counter() - t0:.0f}s",
              file=sys.stderr, flush=True)
    emb.graph()
    npsn = sorted(s["npsn"] for s in emb.iter_nodes("School"))[0]
    scopes = [("one school", {"npsn": npsn})] + ([("all schools", {})] if schools > 1 else [])
    for name in ANALYSES:
        for scope, params in scopes:
            row = {"schools": schools, "analysis": name, "scope": scope}
            for backend, store in (("embedded", emb), ("neo4j", neo)):
                seconds, result = timed(lambda: run_query(store, name, {"as_of": AS_OF, **params}),
                                        repeat)
                row[backend] = round(seconds, 3)
                row["rows"] = len(result.rows)
            out.append(row)
            print(f"{schools:>2}  {name:22} {scope:12} embedded {row['embedded']:7.3f}s  "
                  f"neo4j {row['neo4j']:7.3f}s  rows {row['rows']}", flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schools", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="analyses-bench-") as tmp:
        work = Path(tmp)
        neo, server = neo4j_store(work)
        try:
            rows = [r for n in args.schools for r in bench(n, args.repeat, work, neo)]
        finally:
            neo.close()
            if server is not None:
                server.stop()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
