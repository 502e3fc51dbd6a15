"""Deterministic demo-data generator for alumni-graph.

Writes one UTF-8 CSV per kind (``<kind>.csv``) in the loader file contract::

    generate_demo(out_dir, seed=2026, schools=1, today=None) -> {kind: path}
    python -m alumni_graph.demo OUT_DIR [--seed N] [--schools N] [--today YYYY-MM-DD]

All data is synthetic (Faker ``id_ID`` + ``random.Random``).  The same seed,
arguments and Faker version give byte-identical files: no global random
state is used and no wall-clock time enters the data (everything time-like
derives from ``today``, default 2026-11-01).

Rows are streamed school by school, so memory stays bounded by the employer
table (at most 50,000 rows) plus one school's small lookup tables.

Modules: :mod:`reference` (reference data, helpers), :mod:`employers`,
:mod:`schools` (schools, internship hosts, MoUs, the run's state) and
:mod:`school_run` (one school's people, internships, jobs and visits).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import time
from pathlib import Path

from faker import Faker

from alumni_graph.demo.employers import EmpIndex, gen_employers
from alumni_graph.demo.reference import (
    COLUMNS, DEFAULT_TODAY, KINDS, NisnPermutation, normalize_company_name,
)
from alumni_graph.demo.school_run import SchoolRun
from alumni_graph.demo.schools import Ctx, school_specs

__all__ = ["COLUMNS", "KINDS", "DEFAULT_TODAY", "generate_demo", "normalize_company_name"]


def _generate(out_dir: Path, seed: int, schools: int, today: dt.date | None):
    if schools < 1:
        raise ValueError("schools must be >= 1")
    today = today or DEFAULT_TODAY
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    fk = Faker("id_ID")
    fk.seed_instance(seed)

    specs = school_specs(rng, schools)
    n_emp = min(800 + 300 * (schools - 1), 50_000)
    emps, dudi_rows = gen_employers(rng, fk, n_emp, [(s["kota"], s["prov"]) for s in specs])
    index = EmpIndex(emps)
    nisn_perm = NisnPermutation(rng)

    paths = {k: out_dir / f"{k}.csv" for k in KINDS}
    counts = {k: 0 for k in KINDS}
    files = {k: open(p, "w", encoding="utf-8", newline="") for k, p in paths.items()}
    try:
        writers = {k: csv.writer(f, lineterminator="\n") for k, f in files.items()}
        for k in KINDS:
            writers[k].writerow(COLUMNS[k])
        ctx = Ctx(rng, fk, today, emps, index, nisn_perm, writers, counts)
        for row in dudi_rows:
            ctx.write("dudi", row)
        del dudi_rows
        for school in specs:
            SchoolRun(ctx, school).run()
    finally:
        for f in files.values():
            f.close()
    return paths, counts


def generate_demo(out_dir: Path, *, seed: int = 2026, schools: int = 1,
                  today: dt.date | None = None) -> dict[str, Path]:
    """Write ``<kind>.csv`` for every kind into *out_dir*; return ``{kind: path}``.

    Deterministic: same seed and arguments (and Faker version) give
    byte-identical files.  ``today`` (default 2026-11-01) anchors cohorts,
    current jobs, ongoing internships and the five-year Humas window.
    """
    paths, _ = _generate(out_dir, seed, schools, today)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m alumni_graph.demo", description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--schools", type=int, default=1)
    ap.add_argument("--today", type=dt.date.fromisoformat, default=None,
                    help="reference date YYYY-MM-DD (default 2026-11-01)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    paths, counts = _generate(args.out_dir, args.seed, args.schools, args.today)
    elapsed = time.perf_counter() - t0
    for k in KINDS:
        print(f"{k:<10} {counts[k]:>10,}  {paths[k]}")
    print(f"generated in {elapsed:.1f}s", file=sys.stderr)
    return 0

