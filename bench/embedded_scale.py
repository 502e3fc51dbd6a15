"""7. The embedded store: load time, memory per million nodes, save and open time."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

from bench.harness import ROOT, Bench, repeat

_MEMORY_PROBE = r"""
import gc, json, sys, time
sys.path.insert(0, sys.argv[2])
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
import networkx
from alumni_graph.graph_service.embedded import EmbeddedStore
gc.collect()
before = status("VmRSS")
t = time.perf_counter()
store = EmbeddedStore(sys.argv[1])
opened = time.perf_counter() - t
gc.collect()
try:  # hand freed memory (the parsed JSON document) back, so RSS counts the graph
    import ctypes
    ctypes.CDLL("libc.so.6").malloc_trim(0)
except OSError:
    pass
g = store.graph()
print(json.dumps({"rss_before_mb": before, "rss_after_mb": status("VmRSS"),
                  "peak_rss_mb": status("VmHWM"), "open_seconds": opened,
                  "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}))
"""


def run(b: Bench) -> None:
    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.loaders import load_paths

    files = list(b.files().values())
    out = b.results.setdefault("embedded", {})
    runs = b.runs if b.scale.name == "S" else b.scale.load_runs
    warmup = 1 if b.scale.name == "S" else 0
    paths = []

    def fresh():
        path = b.work / f"embedded-load-{len(paths)}"
        shutil.rmtree(path, ignore_errors=True)
        paths.append(path)

    def load():
        store = EmbeddedStore(paths[-1])
        report = load_paths(store, files)
        if not report.ok:
            raise SystemExit(report.render()[:5000])
        return store

    stats = repeat(load, runs=runs, warmup=warmup, setup=fresh)
    out["load_seconds"] = stats.as_dict()
    store = EmbeddedStore(paths[-1])
    for p in paths[:-1]:
        shutil.rmtree(p, ignore_errors=True)
    b.set_embedded(store, remember=True)
    b.note_counts(store)
    counts = b.results["data"]["counts"]
    rows = sum(b.results["data"]["rows"].values())
    out["load_rows_per_second"] = round(rows / stats.median)
    b.log(f"embedded load: {rows:,} file rows in {stats.median:.1f} s "
          f"({counts['nodes']:,} nodes, {counts['relationships']:,} relationships)")

    g = store.graph()
    save_runs = b.runs if b.scale.name == "S" else 2
    out["save_seconds"] = repeat(lambda: store._write(g), runs=save_runs).as_dict()
    out["open_seconds"] = repeat(lambda: EmbeddedStore(store.data_dir), runs=save_runs).as_dict()
    out["file_mb"] = round(store.path.stat().st_size / 2**20, 1)

    probe = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(store.data_dir), str(ROOT)],
                           capture_output=True, text=True, timeout=3600)
    if probe.returncode != 0:
        raise RuntimeError(probe.stderr[-2000:])
    mem = json.loads(probe.stdout)
    graph_mb = mem["rss_after_mb"] - mem["rss_before_mb"]
    out["memory"] = {**{k: round(v, 1) if isinstance(v, float) else v for k, v in mem.items()},
                     "graph_mb": round(graph_mb, 1),
                     "mb_per_million_nodes": round(graph_mb / mem["nodes"] * 1e6),
                     "mb_per_million_nodes_and_edges": round(
                         graph_mb / (mem["nodes"] + mem["edges"]) * 1e6)}
    b.log(f"embedded: save {out['save_seconds']['median']} s, open {out['open_seconds']['median']} s, "
          f"file {out['file_mb']} MB, graph {graph_mb:.0f} MB in memory "
          f"({out['memory']['mb_per_million_nodes']} MB per million nodes; peak "
          f"{mem['peak_rss_mb']:.0f} MB while opening)")
    b.bar("7", "embedded store: load, memory, save/open", "measured (see docs/scaling.md)",
          f"load {stats.median:.1f} s; {graph_mb:,.0f} MB in memory "
          f"({out['memory']['mb_per_million_nodes']:,} MB per million nodes); save "
          f"{out['save_seconds']['median']} s, open {out['open_seconds']['median']} s; file {out['file_mb']} MB",
          "info", f"{counts['nodes']:,} nodes, {counts['relationships']:,} relationships; peak "
          f"{mem['peak_rss_mb']:,.0f} MB while opening")
