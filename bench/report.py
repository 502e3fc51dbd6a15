"""Markdown tables from bench JSON files (for bench/RESULTS.md):

    python -m bench.report bench/results/bench-S.json [bench/results/bench-M.json]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

MARK = {True: "met", False: "**not met**", None: "not measured", "info": "measured"}


def _get(d: dict, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d


def markdown(docs: list[dict]) -> str:
    out = []
    for doc in docs:
        m, v, s = doc["machine"], doc["versions"], doc["settings"]
        counts = _get(doc, "results", "data", "counts", default={})
        out.append(f"### Scale {doc['scale']}: {doc['about']}")
        out.append("")
        out.append(f"- run: {doc['date']}, {doc['wall_seconds'] / 60:.0f} min wall clock; "
                   f"load average at the end {m.get('load_average')} (shared machine)")
        out.append(f"- machine: {m.get('cpus')} cores ({m.get('cpu')}), {m.get('memory_gb')} GB RAM; "
                   f"{m.get('platform')}")
        out.append(f"- data: {s['schools']} schools, seed {s['seed']}: "
                   f"{counts.get('nodes', '?'):,} nodes, {counts.get('relationships', '?'):,} relationships"
                   if counts else f"- data: {s['schools']} schools, seed {s['seed']}")
        out.append(f"- versions: Python {v['python']}, Neo4j {v['neo4j_server']} ({v.get('java')}), "
                   f"driver {v['neo4j_driver']}, neo4j-rust-ext {v['neo4j_rust_ext'] or 'absent'}, "
                   f"networkx {v['networkx']}, gunicorn {v['gunicorn']}, {v.get('chromium')}; "
                   f"commit {v['git']}")
        out.append(f"- settings: {s['runs']} timed runs after warm-up unless noted; Neo4j heap "
                   f"{s['neo4j_heap']}, page cache {s['neo4j_pagecache']}; default batch size "
                   f"{s['default_batch_size']:,}")
        errors = _get(doc, "results", "errors", default={})
        if errors:
            out.append(f"- sections that failed: {', '.join(errors)} (see the JSON)")
        out.append("")
        out.append("| bar | what | target | measured | result | note |")
        out.append("|---|---|---|---|---|---|")
        for bar in sorted(doc["bars"], key=lambda b: b["id"]):
            note = bar["note"].replace("|", "/")
            out.append(f"| {bar['id']} | {bar['what']} | {bar['target']} | {bar['value']} | "
                       f"{MARK[bar['met']]} | {note} |")
        out.append("")
        out += _numbers(doc)
        out.append("")
        for backend, x in _get(doc, "results", "staff_load", default={}).items():
            if isinstance(x, dict) and x.get("table"):
                on = x.get("cache_on", {})
                out.append(f"Staff load on {backend} (bench/staff_load.py): 20 staff, think time "
                           f"{on.get('think_seconds')} s, {on.get('seconds')} s per run after "
                           f"{on.get('warmup_seconds')} s of warm-up; server CPU seconds per process "
                           f"off {x['cache_off'].get('server_cpu_seconds')}, on {on.get('server_cpu_seconds')}")
                out.append("")
                out.append(x["table"])
                out.append("")
    return "\n".join(out)


def _numbers(doc: dict) -> list[str]:
    r = doc["results"]
    rows = []

    def add(what, value):
        if value is not None:
            rows.append(f"| {what} | {value} |")

    e = r.get("embedded", {})
    if e:
        add("embedded: load (files -> store), median s", _get(e, "load_seconds", "median"))
        add("embedded: file rows per second", f"{e.get('load_rows_per_second', 0):,}")
        add("embedded: save s / open s / file MB",
            f"{_get(e, 'save_seconds', 'median')} / {_get(e, 'open_seconds', 'median')} / {e.get('file_mb')}")
        add("embedded: memory (graph) MB; per million nodes; peak while opening MB",
            f"{_get(e, 'memory', 'graph_mb')}; {_get(e, 'memory', 'mb_per_million_nodes')}; "
            f"{_get(e, 'memory', 'peak_rss_mb')}")
    ld = r.get("load", {})
    if ld:
        c = ld.get("batched_vs_one_row", {})
        if c:
            add("Neo4j: batched vs one row (store) rows/s",
                f"{_get(c, 'store_batched', 'rows_per_second'):,} vs {_get(c, 'store_one_row', 'rows_per_second'):,}"
                f" = {c.get('ratio_store')}x")
            add("Neo4j: batched vs one row (loader, with validation) rows/s",
                f"{_get(c, 'loader_batched', 'rows_per_second'):,} vs "
                f"{_get(c, 'loader_one_row', 'rows_per_second'):,} = {c.get('ratio_loader')}x")
        curve = ld.get("batch_size_curve", {})
        if curve:
            add(f"Neo4j: batch-size curve rows/s ({curve['rows']:,} rows)",
                ", ".join(f"{int(k):,}: {x['rows_per_second']:,}" for k, x in curve["sizes"].items()))
        sl = ld.get("store_level", {})
        if sl:
            add("Neo4j: whole dataset, store level: nodes rows/s; relationships rows/s",
                f"{sl['node_rows_per_second']:,}; {sl['rel_rows_per_second']:,} "
                f"({sl['total_seconds_median']} s for {sl['node_rows'] + sl['rel_rows']:,} rows)")
        le = ld.get("loader_end_to_end", {})
        if le:
            add("Neo4j: load_paths from the files, s (file rows/s)",
                f"{_get(le, 'seconds', 'median')} ({le['file_rows_per_second']:,})")
    a = r.get("admin_import", {})
    if a:
        add("admin import: export s; neo4j-admin import s; start s; constraints+indexes s",
            f"{_get(a, 'export_seconds', 'median')}; {_get(a, 'import_seconds', 'median')}; "
            f"{a.get('server_start_seconds')}; {a.get('init_schema_seconds')}")
        add("admin import: counts equal; dump equal", f"{a.get('counts_equal')}; {a.get('dump_equal')}")
        c = a.get("compare", {})
        add("initial load from validated rows: admin path s vs batched loader s",
            f"{c.get('admin_path_from_validated_seconds')} vs {c.get('batched_loader_from_validated_seconds')}")
        loader = c.get("loader_from_files_seconds") or _get(
            r, "load", "loader_end_to_end", "seconds", "median")
        add("initial load from the files: staging + admin path s vs load_paths into Neo4j s",
            f"{c.get('admin_path_from_files_seconds')} vs {loader}")
    q = r.get("queries", {})
    for name, per in q.get("latency_ms", {}).items():
        add(f"query {name}: p50/p95 ms embedded; neo4j",
            f"{per['embedded']['p50_ms']}/{per['embedded']['p95_ms']}; "
            f"{per['neo4j']['p50_ms']}/{per['neo4j']['p95_ms']}")
    nv = q.get("naive_referral_paths", {})
    for store, forms in nv.get("naive", {}).items():
        add(f"naive referral_paths on {store}: median ms (capped runs)",
            "; ".join(f"{f}: {x['median']:,} ({x['capped_runs']}/{x['runs']})" for f, x in forms.items()))
    d = r.get("driver", {})
    if d.get("speedup"):
        add("driver: rust-ext speed-up (read 100k; send 20k; write 10k)",
            f"{d['speedup']['read_100k']}x; {d['speedup']['send_20k']}x; {d['speedup']['write_10k']}x")
    if d.get("lazy_vs_eager"):
        le = d["lazy_vs_eager"]
        add("driver: peak MB eager vs lazy, 100k rows", f"{le['eager_peak_mb']} vs {le['lazy_peak_mb']}")
    g = r.get("graph_page", {})
    if g:
        add("graph page first draw ms: capped median/p95; uncapped 1,500 nodes: pyvis defaults "
            "median (runs stopped at the cap); the app's tuned physics median/p95",
            f"{_get(g, 'capped', 'median')}/{_get(g, 'capped', 'p95')}; "
            f"{_get(g, 'uncapped_pyvis_defaults_1500', 'median')} "
            f"({_get(g, 'uncapped_pyvis_defaults_1500', 'runs_stopped_at_cap')}/"
            f"{_get(g, 'uncapped_pyvis_defaults_1500', 'runs')}); "
            f"{_get(g, 'uncapped_tuned_physics_1500', 'median')}/"
            f"{_get(g, 'uncapped_tuned_physics_1500', 'p95')}")
    api = r.get("api", {})
    for backend in ("embedded", "neo4j"):
        x = api.get(backend)
        if not x:
            continue
        se = x.get("small_endpoint", {})
        if se:
            add(f"API ({backend}): /api/v1/queries req/s; p99 ms",
                f"{_get(se, 'rps', 'median'):,}; {_get(se, 'p99_ms', 'median')}")
        w = x.get("load_while_serving")
        if w:
            add(f"API ({backend}): load while serving: errors; reader p99 before / max during ms",
                f"{w['errors']}; {_get(w, 'before', 'p99_ms')} / {_get(w, 'during', 'max_ms')}")
    if not rows:
        return []
    return ["| number | value |", "|---|---|"] + rows


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    print(markdown(docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
