"""1. Loading into Neo4j: batched ``UNWIND`` against one row per transaction,
the batch-size curve, rows per second for nodes and relationships, and the
refusal to load without the uniqueness constraints."""
from __future__ import annotations

import csv
import itertools

from bench.harness import Bench, Stats, interleaved, node_rows, rel_rows, repeat, write_all

SAMPLE = 2_000  # students in the batched-vs-single comparison (as the first measurement)
BATCH_SIZES = (1_000, 5_000, 10_000, 20_000, 50_000)


def run(b: Bench) -> None:
    """Parts, in order (``--load-parts`` picks some): guard, sample, curve,
    store, loader. Each starts from the state the previous left; sample and
    curve need schools, programmes and employers, which they load."""
    out = b.results.setdefault("load", {})
    emb = b.embedded()
    neo = b.neo4j()
    neo.clear()
    if b.part("guard"):
        out["refuses_without_constraints"] = refusal(b, neo)
    neo.init_schema()
    if b.part("sample") or b.part("curve"):
        for label in ("School", "Program", "Employer"):
            neo.upsert_nodes(label, list(node_rows(emb, label)), source="bench")
        neo.upsert_relationships("HAS_PROGRAM", list(rel_rows(emb, "HAS_PROGRAM", "School", "Program")),
                                 start_label="School", end_label="Program", source="bench")
        persons = sorted(node_rows(emb, "Person"), key=lambda r: r["nisn"])
        if b.part("sample"):
            _sample(b, neo, emb, out, persons)
        if b.part("curve"):
            _curve(b, neo, emb, out, persons)
        del persons
    if b.part("store"):
        _store_level(b, neo, emb, out)
    if b.part("loader"):
        _loader(b, neo, out)
    neo.close()


def _empty(neo) -> None:
    neo.clear()
    neo.init_schema()


def _sample(b: Bench, neo, emb, out: dict, persons: list[dict]) -> None:
    from alumni_graph.graph_service.config import Config

    default = Config().batch_size
    sample = persons[:SAMPLE]
    sample_keys = [p["nisn"] for p in sample]
    sample_set = set(sample_keys)
    studied = [r for r in rel_rows(emb, "STUDIED_IN", "Person", "Program") if r["start"][0] in sample_set]
    csv_rows = _siswa_rows(b, sample_set)
    stores = {"batched": b.neo4j(default), "one_row": b.neo4j(1)}

    def store_level(store):
        def go():
            store.upsert_nodes("Person", sample, source="bench")
            store.upsert_relationships("STUDIED_IN", studied, start_label="Person",
                                       end_label="Program", source="bench")
        return go

    def loader_level(store):
        from alumni_graph.loaders import load_rows

        def go():
            report = load_rows(store, "siswa", csv_rows, source="siswa-sample.csv")
            assert report.ok, report.render()[:2000]
        return go

    contenders = {
        "store_batched": store_level(stores["batched"]),
        "store_one_row": store_level(stores["one_row"]),
        "loader_batched": loader_level(stores["batched"]),
        "loader_one_row": loader_level(stores["one_row"]),
    }
    b.log(f"batched vs one row per transaction: {len(sample)} students "
          f"({len(sample) + len(studied)} rows), {b.runs} interleaved runs")
    # Extra warm-up for the batched side (a cold page cache at M), then
    # interleaved rounds with one more warm-up round for everyone.
    for _ in range(3):
        for name in ("store_batched", "loader_batched"):
            delete_persons(neo, sample_keys)
            contenders[name]()
    cmp = interleaved(contenders, runs=b.runs, warmup=1,
                      setup=lambda _: delete_persons(neo, sample_keys))
    rows = len(sample) + len(studied)
    out["batched_vs_one_row"] = {
        "sample_students": len(sample), "rows": rows, "batch_size": default,
        **{k: s.as_dict() | {"rows_per_second": round(rows / s.median)} for k, s in cmp.items()},
        "ratio_store": round(cmp["store_one_row"].median / cmp["store_batched"].median, 1),
        "ratio_loader": round(cmp["loader_one_row"].median / cmp["loader_batched"].median, 1),
    }
    for s in stores.values():
        s.close()
    r = out["batched_vs_one_row"]
    b.bar("1a", "batched UNWIND vs one row per transaction (store writes, median of "
          f"{b.runs})", ">= 50x", f"{r['ratio_store']}x", r["ratio_store"] >= 50,
          f"{rows} rows (Person + STUDIED_IN); through the loader (validation included): "
          f"{r['ratio_loader']}x")

    delete_persons(neo, sample_keys)


def _curve(b: Bench, neo, emb, out: dict, persons: list[dict]) -> None:
    from alumni_graph.graph_service.config import Config

    default = Config().batch_size
    n = min(b.scale.curve_persons, len(persons))
    workload_keys = [p["nisn"] for p in persons[:n]]
    keyset = set(workload_keys)
    work_nodes = persons[:n]
    work_rels = {t: [r for r in rel_rows(emb, t, "Person", end) if r["start"][0] in keyset]
                 for t, end in (("STUDIED_IN", "Program"), ("INTERNED_AT", "Employer"),
                                ("WORKS_AT", "Employer"))}
    ends = {"STUDIED_IN": "Program", "INTERNED_AT": "Employer", "WORKS_AT": "Employer"}
    curve_rows = n + sum(len(v) for v in work_rels.values())

    def at(size):
        store = b.neo4j(size)

        def go():
            store.upsert_nodes("Person", work_nodes, source="bench")
            for t, rows_ in work_rels.items():
                store.upsert_relationships(t, rows_, start_label="Person", end_label=ends[t],
                                           source="bench")
        return go

    b.log(f"batch-size curve: {n:,} persons with their relationships ({curve_rows:,} rows), "
          f"sizes {BATCH_SIZES}, {b.scale.curve_runs} interleaved runs")
    if b.scale.name != "S":  # one untimed pass to warm the server
        delete_persons(neo, workload_keys)
        at(default)()
    curve = interleaved({str(s): at(s) for s in BATCH_SIZES}, runs=b.scale.curve_runs,
                        warmup=1 if b.scale.name == "S" else 0,
                        setup=lambda _: delete_persons(neo, workload_keys))
    best = min(curve.values(), key=lambda s: s.median)
    best_size = next(k for k, s in curve.items() if s is best)
    share = best.median / curve[str(default)].median
    out["batch_size_curve"] = {
        "persons": n, "rows": curve_rows, "default": default, "best": int(best_size),
        "default_share_of_best": round(share, 3),
        "sizes": {k: s.as_dict() | {"rows_per_second": round(curve_rows / s.median)}
                  for k, s in curve.items()},
    }
    b.bar("1b", f"default batch size ({default:,}) against the best of the curve",
          ">= 90% of the best", f"{share:.0%} (best: {int(best_size):,})", share >= 0.9,
          f"{curve_rows:,} rows; rows/s " + ", ".join(
              f"{int(k):,}: {curve_rows / s.median:,.0f}" for k, s in curve.items()))

    delete_persons(neo, workload_keys)


def _store_level(b: Bench, neo, emb, out: dict) -> None:
    from alumni_graph.graph_service.config import Config

    default = Config().batch_size
    phases: list[dict] = []

    def full():
        phases.append(write_all(neo, emb))

    runs = b.runs if b.scale.name == "S" else b.scale.load_runs
    b.log(f"whole dataset, store level, batch {default}: {runs} runs")
    repeat(full, runs=runs, warmup=1 if b.scale.name == "S" else 0, setup=lambda: _empty(neo))
    timed_phases = phases[-runs:]
    node_s = Stats([p["node_seconds"] for p in timed_phases])
    rel_s = Stats([p["rel_seconds"] for p in timed_phases])
    p = timed_phases[-1]
    out["store_level"] = {
        "batch_size": default, "node_rows": p["node_rows"], "rel_rows": p["rel_rows"],
        "node_seconds": node_s.as_dict(), "rel_seconds": rel_s.as_dict(),
        "node_rows_per_second": round(p["node_rows"] / node_s.median),
        "rel_rows_per_second": round(p["rel_rows"] / rel_s.median),
        "total_seconds_median": round(node_s.median + rel_s.median, 2),
    }
    b.log(f"store level: nodes {out['store_level']['node_rows_per_second']:,} rows/s, "
          f"relationships {out['store_level']['rel_rows_per_second']:,} rows/s")
    b.mark_neo4j_loaded()
    out["store_on_disk_mb"] = store_on_disk(b)


def _loader(b: Bench, neo, out: dict) -> None:
    from alumni_graph.loaders import load_paths

    files = list(b.files().values())
    loader_runs = 3 if b.scale.name == "S" else 1
    reports = []

    def loader():
        report = load_paths(neo, files)
        if not report.ok:
            raise SystemExit(report.render()[:5000])
        reports.append(report)

    b.log(f"loader end to end into Neo4j: {loader_runs} runs")
    stats = repeat(loader, runs=loader_runs, warmup=0, setup=lambda: _empty(neo))
    file_rows = sum(f.read for f in reports[-1].files)
    out["loader_end_to_end"] = {
        "seconds": stats.as_dict(), "file_rows": file_rows,
        "file_rows_per_second": round(file_rows / stats.median),
        "per_file": {f.name: {"rows": f.read, "seconds": round(f.seconds, 2)} for f in reports[-1].files},
    }
    b.log(f"loader end to end: {file_rows:,} file rows in {stats.median:.1f} s "
          f"({file_rows / stats.median:,.0f} rows/s)")
    b.mark_neo4j_loaded()
    b.note_counts(neo)
    out["store_on_disk_mb"] = store_on_disk(b)


def store_on_disk(b: Bench) -> dict | None:
    """Sizes of the bench server's database files (store files and transaction logs)."""
    data = b.work / "neo4j" / "data"
    if b.neo4j_uri or not data.exists():
        return None

    def mb(path):
        return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)

    return {"store_files": mb(data / "databases" / "neo4j"),
            "transaction_logs": mb(data / "transactions" / "neo4j")}


def refusal(b: Bench, neo) -> dict:
    """Drop the constraints of an empty database and try to load."""
    from alumni_graph.graph_service.errors import SchemaError

    names = neo.constraints()
    for name in names:
        neo.write(f"DROP CONSTRAINT {name}")
    store = b.neo4j()
    try:
        store.upsert_nodes("School", [{"npsn": "20399999", "name": "x"}], source="bench")
        refused, message = False, None
    except SchemaError as exc:
        refused, message = True, exc.message
    finally:
        store.close()
    written = neo.count_nodes()
    b.bar("1c", "loads refuse to run without the uniqueness constraints", "refused",
          "refused" if refused and written == 0 else "NOT refused", refused and written == 0,
          "also tests/test_admin_import.py::test_loads_refuse_without_the_uniqueness_constraints")
    return {"refused": refused, "message": message, "nodes_written": written}


def delete_persons(neo, keys: list[str]) -> None:
    for chunk in _chunks(keys, 10_000):
        neo.write("UNWIND $keys AS k MATCH (p:Person {nisn: k}) DETACH DELETE p", {"keys": chunk})


def _chunks(items, size):
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _siswa_rows(b: Bench, keys: set[str]) -> list[dict]:
    with open(b.files()["siswa"], encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row["nisn"] in keys]
