"""How fast the loaders write: rows per second into a store, and batched
writes against one row per transaction on Neo4j.

Standalone::

    python bench/load_speed.py --backend embedded
    python bench/load_speed.py --backend neo4j --uri bolt://127.0.0.1:7687
    python bench/load_speed.py --backend neo4j --uri ... --sample 2000 --skip-full

It generates the demo school (``alumni_graph.demo.generate_demo``) into a
temporary folder, loads it into an emptied store (the Neo4j database given
is CLEARED: use a throwaway one, e.g. ``python -m tools.neo4j.launcher``),
loads it again (everything unchanged), and on Neo4j compares, on a sample of
``--sample`` students, the default batch size with ``batch_size=1`` (one row
per transaction).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alumni_graph.graph_service.embedded import EmbeddedStore  # noqa: E402
from alumni_graph.loaders import load_paths, load_rows  # noqa: E402
from alumni_graph.demo import generate_demo  # noqa: E402


def open_store(args, batch_size: int, data_dir: Path):
    if args.backend == "neo4j":
        from alumni_graph.graph_service.neo4j_store import Neo4jStore

        store = Neo4jStore(args.uri, user=args.user, password=args.password, batch_size=batch_size)
        store.clear()
        store.init_schema()
        return store
    return EmbeddedStore(data_dir, batch_size=batch_size)


def timed_load(store, demo: Path) -> tuple[float, object]:
    began = time.perf_counter()
    report = load_paths(store, [demo])
    elapsed = time.perf_counter() - began
    if not report.ok:
        print(report.render(), file=sys.stderr)
        raise SystemExit("the demo did not load cleanly")
    return elapsed, report


def print_load(title: str, elapsed: float, report) -> None:
    rows = sum(f.read for f in report.files)
    print(f"\n{title}: {rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s")
    print(f"  {'file':<16}{'rows':>8}{'seconds':>9}{'rows/s':>10}   created/updated/unchanged")
    for f in report.files:
        rate = f.read / f.seconds if f.seconds else 0
        print(f"  {f.name:<16}{f.read:>8}{f.seconds:>9.2f}{rate:>10,.0f}   "
              f"{f.created}/{f.updated}/{f.unchanged}")


def sample_rows(demo: Path, n: int) -> list[dict]:
    import csv

    with open(demo / "siswa.csv", encoding="utf-8", newline="") as f:
        return [row for _, row in zip(range(n), csv.DictReader(f))]


def batch_comparison(args, demo: Path, tmp: Path) -> None:
    rows = sample_rows(demo, args.sample)
    print(f"\nbatched vs one row per transaction, {len(rows)} students (Person + STUDIED_IN):")
    for batch_size in (args.batch_size, 1):
        store = open_store(args, batch_size, tmp / f"cmp-{batch_size}")
        # Schools and programmes first, so only the sample is timed.
        load_paths(store, [demo / "sekolah.csv", demo / "program.csv"])
        began = time.perf_counter()
        report = load_rows(store, "siswa", rows, source="siswa-sample.csv")
        elapsed = time.perf_counter() - began
        assert report.ok, report.render()
        print(f"  batch_size={batch_size:<6} {elapsed:8.2f} s  {len(rows) / elapsed:10,.0f} rows/s")
        store.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    ap.add_argument("--uri", default="bolt://127.0.0.1:7687")
    ap.add_argument("--user", default="neo4j")
    ap.add_argument("--password", default="")
    ap.add_argument("--batch-size", type=int, default=5000)
    ap.add_argument("--schools", type=int, default=1)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--sample", type=int, default=2000, help="students in the batched-vs-single comparison")
    ap.add_argument("--skip-full", action="store_true", help="only the batched-vs-single comparison")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="alumni-graph-bench-") as tmp:
        tmp = Path(tmp)
        demo = tmp / "demo"
        began = time.perf_counter()
        generate_demo(demo, seed=args.seed, schools=args.schools)
        print(f"demo generated in {time.perf_counter() - began:.1f} s ({args.schools} school(s))")
        print(f"backend: {args.backend}, batch size {args.batch_size}")
        if not args.skip_full:
            store = open_store(args, args.batch_size, tmp / "data")
            print_load("first load (all created)", *timed_load(store, demo))
            print_load("second load (all unchanged)", *timed_load(store, demo))
            store.close()
        if args.backend == "neo4j":
            batch_comparison(args, demo, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
