"""``referral_paths`` at one scale: two versions of the query in one process,
each case's time split into the main search and the hint.

    python -m bench.referral_split --embedded /tmp/tails-M/embedded-M \\
        --neo4j-uri bolt://127.0.0.1:17687 --before DIR [--after DIR] [--out FILE]

For an already loaded embedded store and a Neo4j holding the same graph
(nothing is written to either), this times the query as it is in ``DIR``
(a copy of ``queries/referral_paths.py`` and its ``.cypher`` files, e.g.
from an earlier commit) against the worktree's (or ``--after DIR``),
interleaved case by case on the cases of section ``referral``
(``bench/referral_tails.py``: the bar's 20 per hop count, twice, and 100
more, once), for 3 and 5 hops on both stores. Every case's answers (rows and
hint) are compared. It prints and writes p50/p95/p99/max of the whole call,
of the main search alone and of the hint alone (run when no path exists),
the slowest cases, the garbage collector's pauses during the runs, and the
first-call (cold index) times of the new version. Loading a province's
embedded store takes minutes and several GB: this opens it once for both
versions (section ``referral`` compares the pre-issue-15 query instead).
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

from bench.harness import machine, percentile, versions

HERE = Path(__file__).resolve().parent
FILES = ("referral_paths", "referral_paths_hint", "referral_paths_short", "referral_paths_hint_start",
         "referral_paths_reach", "referral_paths_around", "referral_paths_nodes")


def load_version(name: str, folder: Path):
    """``referral_paths.py`` from ``folder`` as module ``name``, reading its
    Cypher files from there too."""
    from alumni_graph.queries import framework
    from alumni_graph.queries.rules import expand_cypher

    spec = importlib.util.spec_from_file_location(name, folder / "referral_paths.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    texts = {n: expand_cypher((folder / f"{n}.cypher").read_text(encoding="utf-8"))
             for n in FILES if (folder / f"{n}.cypher").exists()}
    module.cypher_text = texts.__getitem__

    def read(store, n, params, text=None, **kw):
        return framework.read_cypher(store, n, params, text=texts[n] if text is None else text, **kw)

    module.read_cypher = read
    return module


def split_run(m, store, params: dict):
    """``m.run(store, params)``, timed in two parts: ((rows, meta), main ms, hint ms or None)."""
    from alumni_graph.queries.framework import is_neo4j, require_node

    began = time.perf_counter()
    meta = {}
    if not is_neo4j(store):
        G = store.graph()
        args = {k: params[k] for k in ("nisn", "employer", "as_of", "max_hops")}
        rows = m.referral_paths(G, k=params["k"], **args)
        middle = time.perf_counter()
        if not rows:
            meta = {"hint": m._hint(m.nearby_employers(G, **args), params["max_hops"])}
    elif hasattr(m, "main_neo4j"):  # kept per store version; ends looked up only without a path
        rows = m.finish(m.main_neo4j(store, params), m._letters(None))
        middle = time.perf_counter()
        if not rows:
            nearby = m.nearby_employers_neo4j(store, params)
            if nearby is None:
                require_node(store, "Person", (params["nisn"],), "nisn", "person")
                require_node(store, "Employer", (params["employer"],), "employer", "employer")
            meta = {"hint": m._hint(nearby or [], params["max_hops"])}
    else:
        require_node(store, "Person", (params["nisn"],), "nisn", "person")
        require_node(store, "Employer", (params["employer"],), "employer", "employer")
        text = m.main_cypher(params["max_hops"])
        rows = m.finish(m.read_cypher(store, "referral_paths", m.cypher_params(params), text=text),
                        m._letters(None))
        middle = time.perf_counter()
        if not rows:
            nearby = m.read_cypher(store, "referral_paths_hint", m.hint_cypher_params(params))
            meta = {"hint": m._hint(nearby, params["max_hops"])}
    end = time.perf_counter()
    return (rows, meta), (middle - began) * 1000, ((end - middle) * 1000 if not rows else None)


def dist(xs: list[float]) -> dict:
    if not xs:
        return {"n": 0}
    return {"n": len(xs), "p50": round(percentile(xs, 50), 1), "p95": round(percentile(xs, 95), 1),
            "p99": round(percentile(xs, 99), 1), "max": round(max(xs), 1)}


class Pauses:
    """The garbage collector's pauses (ms) while it is on."""

    def __init__(self):
        self.pauses: list[float] = []
        self._began = 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._began) * 1000)

    def summary(self) -> dict:
        out = {"collections": len(self.pauses), "total_ms": round(sum(self.pauses)),
               "over_20_ms": sorted((round(p, 1) for p in self.pauses if p > 20), reverse=True)[:20]}
        self.pauses.clear()
        return out


def measure(versions_: dict, store, sets: list[dict], repeat: int) -> dict:
    from alumni_graph.queries import REGISTRY, _with_employer_code

    query = REGISTRY["referral_paths"]
    plist = [query.validate(_with_employer_code(query, store, raw)) for raw in sets]
    for p in plist:  # warm-up: plan caches, page cache, the walk index
        for m in versions_.values():
            split_run(m, store, p)
    total = {n: [] for n in versions_}
    main = {n: [] for n in versions_}
    hint = {n: [] for n in versions_}
    cases, differ, flip = [], 0, False
    for _ in range(repeat):
        for raw, p in zip(sets, plist):
            order = list(versions_.items())
            if flip:
                order.reverse()
            flip = not flip
            answers, ms = {}, {}
            for n, m in order:
                answer, main_ms, hint_ms = split_run(m, store, p)
                answers[n] = answer
                total[n].append(main_ms + (hint_ms or 0))
                main[n].append(main_ms)
                if hint_ms is not None:
                    hint[n].append(hint_ms)
                ms[n] = {"main": round(main_ms, 1), "hint": None if hint_ms is None else round(hint_ms, 1)}
            first = next(iter(answers.values()))
            differ += any(a != first for a in answers.values())
            cases.append({"params": raw, "ms": ms, "rows": len(first[0])})
    last = list(versions_)[-1]
    return {"cases": len(sets), "runs": len(sets) * repeat, "answers_differ": differ,
            **{n: {"total": dist(total[n]), "main": dist(main[n]), "hint": dist(hint[n])} for n in versions_},
            "slowest": sorted(cases, key=lambda c: -sum(v or 0 for v in c["ms"][last].values()))[:5]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.referral_split", description=__doc__.splitlines()[0])
    ap.add_argument("--embedded", type=Path, required=True, help="an embedded store's data directory (read only)")
    ap.add_argument("--neo4j-uri", default=None, help="a Neo4j on 127.0.0.1 with the same graph (read only)")
    ap.add_argument("--before", type=Path, required=True, help="folder with the other version's files")
    ap.add_argument("--after", type=Path, default=HERE.parent / "queries")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.neo4j_uri and "127.0.0.1" not in args.neo4j_uri and "localhost" not in args.neo4j_uri:
        ap.error("only a Neo4j on 127.0.0.1")

    from bench.harness import lift_reader_limits
    from bench.referral_tails import HOPS, cases
    from alumni_graph.graph_service.embedded import EmbeddedStore

    lift_reader_limits()
    began = time.time()
    emb = EmbeddedStore(args.embedded)
    G = emb.graph()
    print(f"embedded store opened in {time.time() - began:.0f} s: {len(G):,} nodes", flush=True)
    stores = {"embedded": emb}
    if args.neo4j_uri:
        from alumni_graph.graph_service.neo4j_store import Neo4jStore

        stores["neo4j"] = Neo4jStore(args.neo4j_uri)
    pair = {"before": load_version("referral_before_split", args.before),
            "after": load_version("referral_after_split", args.after)}
    sets = cases(G)
    pauses = Pauses()
    gc.callbacks.append(pauses)
    doc = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), "versions": versions(),
           "before": str(args.before), "after": str(args.after),
           "load_average_start": os.getloadavg(), "results": {}}
    for hops in HOPS:
        for label, store in stores.items():
            for kind, repeat in (("bar", 2), ("wide", 1)):
                r = measure(pair, store, sets[hops][kind], repeat)
                r["gc"] = pauses.summary()
                doc["results"][f"{label}/{hops}/{kind}"] = r
                for n in pair:
                    print(f"{label:8} hops={hops} {kind:4} {n:6} total {r[n]['total']} | main {r[n]['main']} "
                          f"| hint {r[n]['hint']}", flush=True)
                print(f"   answers differ in {r['answers_differ']} of {r['cases']}; gc {r['gc']}", flush=True)
    # The new version's first calls, on indexes not yet filled (a fresh module).
    cold = load_version("referral_cold_split", args.after)
    from alumni_graph.queries import REGISTRY, _with_employer_code

    query = REGISTRY["referral_paths"]
    for label, store in stores.items():
        for hops in HOPS:
            times = []
            for raw in sets[hops]["bar"]:
                p = query.validate(_with_employer_code(query, store, raw))
                t = time.perf_counter()
                split_run(cold, store, p)
                times.append((time.perf_counter() - t) * 1000)
            doc["results"][f"{label}/{hops}/cold"] = dist(times)
            print(f"{label} hops={hops} first call per case (nothing kept yet): {dist(times)}", flush=True)
    doc["load_average_end"] = os.getloadavg()
    gc.callbacks.remove(pauses)
    if args.out:
        args.out.write_text(json.dumps(doc, indent=1, default=str), encoding="utf-8")
        print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
