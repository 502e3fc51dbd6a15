"""3t. ``referral_paths`` tails: the query before issue 15 and now, in one run.

    python -m bench --scale M --only referral        # this section alone
    python -m bench.referral_tails table bench/results/bench-S.json bench/results/bench-M.json

The query as it was before (``bench/referral_before/``, frozen: the networkx
twin and its two Cypher files) and as it is now, interleaved case by case
(the order alternates, so a burst of background load hits both alike), for
``max_hops`` 3 and 5 on both stores, over

* the bar's cases: the 20 seeded parameter sets per hop count of section
  ``queries`` (``bench/query_latency.py``), each timed twice (40 runs, as
  section ``queries`` measures bars 3a/3b);
* a wider sample: ``WIDE`` more pairs from the same sampler
  (``bench/cases.py``, another seed), each timed once, for the distribution
  (p50/p95/p99/max) and the answers' comparison.

Every case's answers (rows and meta) are compared between before and now.
The slowest cases of the current code are broken down: the main search
against the hint (the nearest same-sector employers, run when no path
exists), and the degree of the target employer.
"""
from __future__ import annotations

import random
import time

from bench.harness import Bench, percentile

WIDE = 100
HOPS = (3, 5)
LIMITS = {"embedded": 20, "neo4j": 50}


def cases(G, wide: int = WIDE) -> dict[int, dict[str, list[dict]]]:
    """``{hops: {"bar": [...], "wide": [...]}}``: raw parameter dicts."""
    from bench.cases import DEMO_TODAY, demo_index, referral_pair
    from bench.query_speed import school_parameter_sets

    sets = school_parameter_sets(G)
    ix = demo_index(G)
    rng = random.Random(15)
    out = {}
    for hops in HOPS:
        more = []
        for i in range(wide):
            nisn, employer = referral_pair(rng, ix, i)
            more.append({"nisn": nisn, "employer": employer, "max_hops": hops, "as_of": DEMO_TODAY})
        out[hops] = {"bar": sets[f"referral_paths (max_hops={hops})"], "wide": more}
    return out


def runners(store):
    """``{"before": fn, "now": fn}``, each taking raw parameters and
    returning ``(rows, meta)`` the way ``run_query`` serves them."""
    from bench.referral_before import referral_paths as before
    from alumni_graph.queries import REGISTRY, _with_employer_code, run_query

    query = REGISTRY["referral_paths"]

    def old(raw):
        params = query.validate(_with_employer_code(query, store, raw))
        return before.run(store, params)

    def new(raw):
        result = run_query(store, "referral_paths", raw)
        return result.rows, result.meta

    return {"before": old, "now": new}


def _dist(times: list[float]) -> dict:
    return {"runs": len(times), "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1), "p99_ms": round(percentile(times, 99), 1),
            "max_ms": round(max(times), 1)}


def compare(store, sets: list[dict], repeat: int) -> dict:
    """Time before and now on every case ``repeat`` times, interleaved;
    compare their answers."""
    fns = runners(store)
    for raw in sets:  # warm-up: plan caches, page cache, the walk's adjacency
        for fn in fns.values():
            fn(raw)
    times = {name: [] for name in fns}
    per_case, differ = [], []
    flip = False
    for _ in range(repeat):
        for raw in sets:
            order = list(fns.items())
            if flip:
                order.reverse()
            flip = not flip
            answers = {}
            spent = {}
            for name, fn in order:
                began = time.perf_counter()
                answers[name] = fn(raw)
                spent[name] = (time.perf_counter() - began) * 1000
                times[name].append(spent[name])
            if answers["before"] != answers["now"]:
                differ.append(raw)
            per_case.append({"params": raw, "ms": {k: round(v, 2) for k, v in spent.items()},
                             "rows": len(answers["now"][0]), "hint": "hint" in answers["now"][1]})
    return {"before": _dist(times["before"]), "now": _dist(times["now"]),
            "cases": len(sets), "answers_differ": len(differ), "differing_cases": differ[:5],
            "slowest_now": sorted(per_case, key=lambda c: -c["ms"]["now"])[:5]}


def breakdown(store, G, raw: dict) -> dict:
    """The main search and the hint of one case timed apart (current code)."""
    from alumni_graph.queries import REGISTRY
    from alumni_graph.queries import referral_paths as rp
    from alumni_graph.queries.framework import is_neo4j, read_cypher

    params = REGISTRY["referral_paths"].validate(raw)
    args = {k: params[k] for k in ("nisn", "employer", "as_of", "max_hops")}
    began = time.perf_counter()
    if is_neo4j(store):
        rows = read_cypher(store, "referral_paths", rp.cypher_params(params),
                           text=rp.main_cypher(params["max_hops"]))
    else:
        rows = rp.referral_paths(store.graph(), k=params["k"], **args)
    main_ms = (time.perf_counter() - began) * 1000
    hint_ms = None
    if not rows:
        began = time.perf_counter()
        if is_neo4j(store):
            read_cypher(store, "referral_paths_hint", rp.hint_cypher_params(params))
        else:
            rp.nearby_employers(store.graph(), **args)
        hint_ms = round((time.perf_counter() - began) * 1000, 1)
    out = {"main_ms": round(main_ms, 1), "hint_ms": hint_ms,
           "employer_degree": G.degree(f"Employer:{params['employer']}"),
           "person_degree": G.degree(f"Person:{params['nisn']}")}
    if is_neo4j(store):
        out["profile"] = {"referral_paths": busiest(store, "referral_paths", rp.cypher_params(params),
                                                    text=rp.main_cypher(params["max_hops"]))}
        if hint_ms is not None:
            out["profile"]["referral_paths_hint"] = busiest(
                store, "referral_paths_hint", rp.hint_cypher_params(params))
    return out


def busiest(store, name: str, params: dict, top: int = 4, text: str | None = None) -> list[str]:
    """PROFILE one Cypher file (or ``text``): its ``top`` operators by rows produced."""
    from alumni_graph.queries.framework import cypher_text
    from alumni_graph.queries.rules import adult_born_by

    params = {**params, "adult_born_by": adult_born_by(params["as_of"])}
    with store._driver.session(database=store.database) as session:
        result = session.run("PROFILE " + (cypher_text(name) if text is None else text), params)
        list(result)
        plan = result.consume().profile

    def walk(p):
        yield p
        for c in p.get("children", []):
            yield from walk(c)

    ops = sorted(walk(plan), key=lambda p: -(p.get("rows") or 0))[:top]
    return [f"{p['operatorType'].split('@')[0]} rows={p.get('rows')} hits={p.get('dbHits')}" for p in ops]


def run(b: Bench) -> None:
    out = b.results.setdefault("referral_tails", {})
    emb = b.embedded()
    neo = b.neo4j_loaded()
    G = emb.graph()
    all_cases = cases(G)
    for hops in HOPS:
        for label, store in (("embedded", emb), ("neo4j", neo)):
            bar = compare(store, all_cases[hops]["bar"], 2)
            wide = compare(store, all_cases[hops]["wide"], 1)
            for c in wide["slowest_now"][:3]:
                c["breakdown"] = breakdown(store, G, c["params"])
            out.setdefault(f"max_hops={hops}", {})[label] = {"bar_cases": bar, "wide": wide}
            for name in ("before", "now"):
                d, w = bar[name], wide[name]
                b.log(f"referral_paths max_hops={hops} {label:9} {name:6} bar cases p50/p95/p99/max "
                      f"{d['p50_ms']}/{d['p95_ms']}/{d['p99_ms']}/{d['max_ms']} ms; wide sample "
                      f"{w['p50_ms']}/{w['p95_ms']}/{w['p99_ms']}/{w['max_ms']} ms")
            b.log(f"  answers differ: {bar['answers_differ']} of {bar['cases']} bar cases, "
                  f"{wide['answers_differ']} of {wide['cases']} wide cases; slowest now: " + "; ".join(
                      f"{c['ms']['now']} ms rows={c['rows']} {c.get('breakdown', '')}"
                      for c in wide["slowest_now"][:3]))
            limit = LIMITS[label]
            now, before = bar["now"], bar["before"]
            same = bar["answers_differ"] == 0 and wide["answers_differ"] == 0
            b.bar(f"3t-{'ab'[HOPS.index(hops)]}-{label}",
                  f"referral_paths (max_hops={hops}) p95 on {label}, before -> now (one run)",
                  f"<= {limit} ms, same answers",
                  f"{before['p95_ms']} -> {now['p95_ms']} ms",
                  now["p95_ms"] <= limit and same,
                  f"p50/p95/p99/max now {now['p50_ms']}/{now['p95_ms']}/{now['p99_ms']}/{now['max_ms']} ms "
                  f"over {now['runs']} runs (before {before['p50_ms']}/{before['p95_ms']}/"
                  f"{before['p99_ms']}/{before['max_ms']}); wide sample of {wide['cases']} cases: p95 "
                  f"{wide['before']['p95_ms']} -> {wide['now']['p95_ms']} ms, p99 "
                  f"{wide['before']['p99_ms']} -> {wide['now']['p99_ms']} ms; answers differ in "
                  f"{bar['answers_differ'] + wide['answers_differ']} of {bar['cases'] + wide['cases']} cases")


def table(docs: list[dict]) -> str:
    """Before -> now per scale, store and hop count (markdown), from
    ``bench-<scale>.json`` files of runs with this section."""
    rows = ["| scale | store | max_hops | before p50 / p95 / p99 / max ms | now p50 / p95 / p99 / max ms "
            "| p95 before / now | wide sample p95 / p99: before -> now ms | answers differ | load avg |",
            "|" + "---|" * 9]

    def four(d):
        return f"{d['p50_ms']:,} / {d['p95_ms']:,} / {d['p99_ms']:,} / {d['max_ms']:,}"

    for doc in docs:
        res = doc["results"].get("referral_tails", {})
        for hops in HOPS:
            for label in ("embedded", "neo4j"):
                r = res.get(f"max_hops={hops}", {}).get(label)
                if r is None:
                    continue
                bar, wide = r["bar_cases"], r["wide"]
                ratio = bar["before"]["p95_ms"] / max(bar["now"]["p95_ms"], 0.1)
                rows.append(
                    f"| {doc['scale']} | {label} | {hops} | {four(bar['before'])} | {four(bar['now'])} | "
                    f"{ratio:.1f}x | {wide['before']['p95_ms']:,} / {wide['before']['p99_ms']:,} -> "
                    f"{wide['now']['p95_ms']:,} / {wide['now']['p99_ms']:,} | "
                    f"{bar['answers_differ'] + wide['answers_differ']} of {bar['cases'] + wide['cases']} | "
                    f"{doc['machine'].get('load_average')} |")
    return "\n".join(rows)


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    if sys.argv[1:2] == ["table"]:  # python -m bench.referral_tails table bench-S.json bench-M.json
        print(table([json.loads(Path(p).read_text(encoding="utf-8")) for p in sys.argv[2:]]))
        sys.exit(0)
    from bench.__main__ import main

    sys.exit(main(["--only", "referral", *sys.argv[1:]]))
