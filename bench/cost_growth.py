"""Cost growth: what one scale costs on each store, for the table in
bench/RESULTS.md ("Cost growth") that the README's choice of store follows.

    python -m bench --scale S --only cost        # one row per scale: S, K, M
    python -m bench --scale K --only cost
    python -m bench --scale M --only cost
    python -m bench.cost_growth bench/results/bench-S.json bench/results/bench-K.json \\
        bench/results/bench-M.json                # the table (markdown)

Per scale, in one run:

* load: the embedded store from the files (``load_paths``), and Neo4j with
  the same graph (the harness's batched store-level load); when the run
  reused stores an earlier run with the same ``--work`` loaded, the earlier
  run's numbers are used if merged (``--merge``), else marked as not measured;
* memory: the embedded graph's share of this process (RSS after the load
  minus before) and its file; Neo4j's heap in use (JMX) and the JVM's RSS,
  and the database's size on disk (what the page cache would hold);
* p50/p95 of ``prospective_partners`` and ``referral_paths`` (3 and 5 hops)
  on both stores through ``run_query``, section ``queries``' parameter sets
  and run count (without the cache: the bars are for uncached queries);
* the staff-load p95, when section ``staff`` ran for this scale (in this run
  or a merged earlier one).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.harness import Bench, rss_mb

QUERIES = ("prospective_partners", "referral_paths (max_hops=3)", "referral_paths (max_hops=5)")


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def neo4j_memory(b: Bench, store) -> dict:
    """Heap in use (JMX), the JVM's RSS and the database files' size."""
    out: dict = {}
    try:
        rows = store.read("CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
                          "RETURN attributes AS a", {})
        heap = rows[0]["a"]["HeapMemoryUsage"]["value"]["properties"]
        out["heap_used_mb"] = round(heap["used"] / 2**20)
        out["heap_committed_mb"] = round(heap["committed"] / 2**20)
    except Exception as exc:  # a Neo4j without JMX access: say so, keep the rest
        out["heap_error"] = f"{exc.__class__.__name__}"
    server = getattr(b, "_server", None)
    if server is not None:
        out["jvm_rss_mb"] = round(rss_mb(server.pid))
        data = server.work_dir / "data" / "databases"  # as written so far (before a checkpoint)
        if data.exists():
            out["store_files_mb"] = round(_dir_mb(data))
    return out


def run(b: Bench) -> None:
    from bench.query_latency import measure
    from bench.query_speed import school_parameter_sets

    out = b.results.setdefault("cost", {})
    before = rss_mb()
    emb = b.embedded()
    data = b.results.get("data", {})
    emb_load = data.get("embedded_load")
    if emb_load is not None:
        out["embedded_load_seconds"] = emb_load["seconds"]
        out["embedded_graph_mb"] = emb_load["rss_mb_after"] - emb_load["rss_mb_before"]
    else:  # reopened: the graph's memory is what the reopen added
        out["embedded_graph_mb"] = round(rss_mb() - before)
        out["embedded_load_seconds"] = out.get("embedded_load_seconds")
    out["embedded_file_mb"] = round((Path(emb.data_dir) / "graph.json").stat().st_size / 2**20, 1)
    neo = b.neo4j_loaded()
    neo_load = b.results.get("data", {}).get("neo4j_load")
    if neo_load is not None:
        out["neo4j_load_seconds"] = neo_load["seconds"]
    out["neo4j_memory"] = neo4j_memory(b, neo)
    out["rss_mb_with_both"] = round(rss_mb())

    sets = school_parameter_sets(emb.graph())
    runs = max(40, 8 * b.runs)
    latency = {}
    for name in QUERIES:
        for label, store in (("embedded", emb), ("neo4j", neo)):
            r = measure(store, name, sets[name], runs)
            latency.setdefault(name, {})[label] = r
            b.log(f"cost {name:30} {label:9} p50 {r['p50_ms']:>7} ms  p95 {r['p95_ms']:>7} ms")
    out["latency_ms"] = latency
    out["runs_per_query"] = runs
    b.log(f"cost: load embedded {out.get('embedded_load_seconds')} s, neo4j "
          f"{out.get('neo4j_load_seconds')} s; embedded graph {out.get('embedded_graph_mb')} MB; "
          f"neo4j {out['neo4j_memory']}")
    b.bar("cost", "cost growth: load, memory, p95 of the core queries (bench/cost_growth.py)",
          "measured", f"embedded load {out.get('embedded_load_seconds')} s, graph "
          f"{out.get('embedded_graph_mb')} MB; neo4j load {out.get('neo4j_load_seconds')} s, heap "
          f"{out['neo4j_memory'].get('heap_used_mb')} MB", "info")


# -- the table ------------------------------------------------------------------

def _ms(doc: dict, name: str, store: str) -> str:
    r = doc["results"].get("cost", {}).get("latency_ms", {}).get(name, {}).get(store)
    return "–" if r is None else f"{r['p95_ms']:,.0f}"


def _staff(doc: dict) -> str:
    staff = doc["results"].get("staff_load") or doc["results"].get("staff")
    if not staff:
        return "see the staff-load section"
    p95 = staff.get("p95_ms_max") or staff.get("summary", {}).get("p95_ms_max")
    return "see the staff-load section" if p95 is None else f"{p95:,.0f}"


def table(docs: list[dict]) -> str:
    """The cost-growth table, one row per scale (markdown)."""
    head = ("| scale | nodes / relationships | load s: embedded / Neo4j | memory MB: embedded graph "
            "/ Neo4j heap used (JVM RSS) | prospective_partners p95 ms: emb / neo | "
            "referral_paths 3 hops p95 ms: emb / neo | 5 hops: emb / neo | staff-load p95 ms | load avg |")
    rows = [head, "|" + "---|" * 9]
    for doc in docs:
        c = doc["results"].get("cost", {})
        counts = doc["results"].get("data", {}).get("counts", {})
        mem = c.get("neo4j_memory", {})

        def num(x, fmt="{:,.0f}"):
            return "–" if x is None else fmt.format(x)

        rows.append(
            f"| {doc['scale']} ({doc['settings']['schools']} schools) | "
            f"{num(counts.get('nodes'))} / {num(counts.get('relationships'))} | "
            f"{num(c.get('embedded_load_seconds'))} / {num(c.get('neo4j_load_seconds'))} | "
            f"{num(c.get('embedded_graph_mb'))} / {num(mem.get('heap_used_mb'))} "
            f"({num(mem.get('jvm_rss_mb'))}) | "
            f"{_ms(doc, QUERIES[0], 'embedded')} / {_ms(doc, QUERIES[0], 'neo4j')} | "
            f"{_ms(doc, QUERIES[1], 'embedded')} / {_ms(doc, QUERIES[1], 'neo4j')} | "
            f"{_ms(doc, QUERIES[2], 'embedded')} / {_ms(doc, QUERIES[2], 'neo4j')} | "
            f"{_staff(doc)} | {doc['machine'].get('load_average')} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table([json.loads(Path(p).read_text(encoding="utf-8")) for p in sys.argv[1:]]))
