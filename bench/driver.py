"""4. The driver: the optional ``neo4j-rust-ext`` extension (``pip install
'alumni-graph[fast]'``) against the pure-Python driver, and lazy iteration
against an eager fetch for large exports.

Each mode runs in its own Python process (the extension replaces the
driver's PackStream codec at import time); the pure mode blocks
``neo4j._rust`` before ``neo4j`` is imported. The two modes alternate,
process by process. Workloads:

* ``read_100k``: a 100,000-row read (seven columns of Person data);
* ``send_20k``: a 20,000-row parameter list sent and counted (the packing
  a batched load pays);
* ``write_10k``: 10,000 new Person nodes through ``Neo4jStore.upsert_nodes``
  at the default batch size (deleted, untimed, between runs).

Peak memory (``tracemalloc``, Python allocations) of a 100,000-row export
read eagerly (``Neo4jStore.read``: a list of dicts) and lazily
(``Neo4jStore.iter_read``: one fetch batch at a time).
"""
from __future__ import annotations

import json
import subprocess
import sys

from bench.harness import ROOT, Bench, Stats

READ_100K = """
UNWIND range(1, $repeat) AS copy
MATCH (p:Person)
RETURN p.nisn AS nisn, p.name AS name, p.school_npsn AS npsn, p.program_code AS program,
       p.graduation_year AS year, p.consent_contact AS consent, copy
LIMIT 100000
"""

_CHILD = r'''
import json, os, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])
uri, mode, runs, persons = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
if mode == "pure":
    class _Block:
        def find_spec(self, name, path=None, target=None):
            if name == "neo4j._rust" or name.startswith("neo4j._rust."):
                raise ImportError("pure-Python driver requested")
    sys.meta_path.insert(0, _Block())
import neo4j
from neo4j._codec.packstream import v1 as packstream
active = "rust" if getattr(packstream, "_rust_pack", None) else "pure"
from alumni_graph.graph_service.neo4j_store import Neo4jStore
from bench.driver import READ_100K
store = Neo4jStore(uri)
repeat = -(-100_000 // max(persons, 1))
# Keys no real NISN (10 digits) can equal: the runs never touch loaded people.
rows = [{"key": [f"BENCH{i:08d}"], "props": {"name": f"Nama Siswa {i}", "school_npsn": "20300001",
         "program_code": "TKR", "gender": "L", "birth_date": "2008-01-01", "entry_year": 2022,
         "graduation_year": None, "status": "bekerja", "consent_contact": True,
         "phone": "081234567890", "email": f"siswa{i}@contoh.id"}} for i in range(20_000)]
people = [{"nisn": r["key"][0], **r["props"]} for r in rows[:10_000]]

def delete():
    store.write("UNWIND $keys AS k MATCH (p:Person {nisn: k}) DETACH DELETE p",
                {"keys": [p["nisn"] for p in people]})

def read():
    records, _, _ = store._driver.execute_query(READ_100K, {"repeat": repeat}, database_=store.database,
                                                routing_=neo4j.RoutingControl.READ)
    assert len(records) == 100_000, len(records)

def send():
    with store._driver.session(database=store.database) as s:
        assert s.run("RETURN size($rows) AS n", rows=rows).single()["n"] == len(rows)

def write():
    store.upsert_nodes("Person", people, source="bench-driver")

out = {"mode": active}
for name, fn, setup in (("read_100k", read, None), ("send_20k", send, None), ("write_10k", write, delete)):
    values = []
    for i in range(1 + runs):
        if setup:
            setup()
        t = time.perf_counter()
        fn()
        if i:
            values.append(time.perf_counter() - t)
    out[name] = values
delete()
if len(sys.argv) > 6 and sys.argv[6] == "memory":
    tracemalloc.start()
    t = time.perf_counter()
    eager = store.read(READ_100K, {"repeat": repeat})
    eager_s = time.perf_counter() - t
    n_eager = len(eager)
    _, eager_peak = tracemalloc.get_traced_memory()
    del eager
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    t = time.perf_counter()
    n_lazy = sum(1 for _ in store.iter_read(READ_100K, {"repeat": repeat}))
    lazy_s = time.perf_counter() - t
    _, lazy_peak = tracemalloc.get_traced_memory()
    out["memory"] = {"eager_peak_mb": eager_peak / 2**20, "lazy_peak_mb": (lazy_peak - base) / 2**20,
                     "eager_rows": n_eager, "lazy_rows": n_lazy,
                     "eager_seconds": eager_s, "lazy_seconds": lazy_s}
store.close()
print(json.dumps(out))
'''


def _child(uri: str, mode: str, runs: int, persons: int, memory: bool = False) -> dict:
    cmd = [sys.executable, "-c", _CHILD, str(ROOT), uri, mode, str(runs), str(persons)]
    if memory:
        cmd.append("memory")
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"driver child ({mode}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(b: Bench) -> None:
    from importlib.util import find_spec

    out = b.results.setdefault("driver", {})
    neo = b.neo4j_loaded()
    persons = neo.count_nodes("Person")
    neo.close()
    have_rust = find_spec("neo4j._rust") is not None
    out["rust_ext_installed"] = have_rust
    modes = ["pure", "rust"] if have_rust else ["pure"]
    per_round = max(3, -(-b.runs // 2))
    values: dict[str, dict[str, list[float]]] = {m: {} for m in modes}
    for _ in range(2):  # two rounds, modes alternating
        for mode in modes:
            res = _child(b.uri(), mode, per_round, persons)
            if res["mode"] != mode:
                raise RuntimeError(f"asked for the {mode} driver, got {res['mode']}")
            for k in ("read_100k", "send_20k", "write_10k"):
                values[mode].setdefault(k, []).extend(res[k])
    stats = {m: {k: Stats(v) for k, v in d.items()} for m, d in values.items()}
    out["seconds"] = {m: {k: s.as_dict() for k, s in d.items()} for m, d in stats.items()}
    if have_rust:
        out["speedup"] = {k: round(stats["pure"][k].median / stats["rust"][k].median, 2)
                          for k in stats["pure"]}
        sp = out["speedup"]
        b.log(f"rust extension speed-up: {sp}")
        b.bar("4a", "neo4j-rust-ext vs the pure driver, 100k-row read (optional extra `fast`)",
              "measured (faster)", f"{sp['read_100k']}x ({stats['pure']['read_100k'].median:.2f} s -> "
              f"{stats['rust']['read_100k'].median:.2f} s)", sp["read_100k"] > 1,
              f"20k-row parameter send {sp['send_20k']}x, 10k-node batched write {sp['write_10k']}x")
    else:
        b.bar("4a", "neo4j-rust-ext vs the pure driver", "measured", "extension not installed", None,
              "pip install 'alumni-graph[fast]'")

    mem = _child(b.uri(), "rust" if have_rust else "pure", 1, persons, memory=True)["memory"]
    out["lazy_vs_eager"] = {k: round(v, 2) if isinstance(v, float) else v for k, v in mem.items()}
    share = mem["lazy_peak_mb"] / mem["eager_peak_mb"]
    out["lazy_vs_eager"]["share"] = round(share, 4)
    b.bar("4b", "lazy iteration (iter_read) peak memory vs an eager fetch (read), 100k rows",
          "<= 1/10", f"{mem['lazy_peak_mb']:.1f} MB vs {mem['eager_peak_mb']:.1f} MB = 1/{1 / share:,.0f}",
          share <= 0.1, "tracemalloc peaks (Python allocations) in a fresh process")
