"""3. Queries on both stores: p50/p95 of the named queries (through
``run_query``, as bench/query_latency.py measures them and with its seeded
parameter sets), the PROFILE anchors, and ``referral_paths`` against naive
formulations of the same question.

Naive formulations (what one writes first), both stores, the same filters
checked on the finished path instead of during the walk:

* ``bounded``: whole-path expansion from the person, up to ``max_hops``
  relationships: ``(src)-[:STUDIED_IN|WORKS_AT|INTERNED_AT*1..5]-(dst)``;
* ``unbounded``: the same without an upper bound (``*1..``).

Each is cut off at a time cap; a run that hits the cap counts as the cap, so
the ratio is then a lower bound (marked ``>=``).
"""
from __future__ import annotations

import time

from bench.harness import Bench, Stats

NAIVE_CASES = 3

NAIVE_CYPHER = """
MATCH p = (src:Person {nisn: $nisn})-[:STUDIED_IN|WORKS_AT|INTERNED_AT*1..%s]-(dst:Employer {code: $employer})
WHERE all(r IN relationships(p) WHERE r.start IS NULL OR r.start <= $as_of)
  AND all(n IN nodes(p)[1..-1] WHERE NOT n:School AND n <> dst AND n <> src
          AND (NOT n:Person OR (n.graduation_year IS NOT NULL AND n.consent_contact = true)))
RETURN count(p) AS paths
"""


def run(b: Bench) -> None:
    from bench.query_latency import measure, profile_sets

    out = b.results.setdefault("queries", {})
    emb = b.embedded()
    neo = b.neo4j_loaded()
    G = emb.graph()
    sets = school_parameter_sets(G)
    runs = max(40, 8 * b.runs)
    latency = {}
    for name, params in sets.items():
        for label, store in (("embedded", emb), ("neo4j", neo)):
            r = measure(store, name, params, runs)
            latency.setdefault(name, {})[label] = r
            b.log(f"{name:30} {label:9} p50 {r['p50_ms']:>7} ms  p95 {r['p95_ms']:>7} ms  "
                  f"rows {r['mean_rows']}")
    out["latency_ms"] = latency
    out["runs_per_query"] = runs

    limits = {"referral_paths (max_hops=3)": {"neo4j": 50, "embedded": 20},
              "referral_paths (max_hops=5)": {"neo4j": 50, "embedded": 20},
              "prospective_partners": {"neo4j": 200, "embedded": 100}}
    scope = "" if b.scale.name == "M" else " (the bar is for M; S shown for reference)"
    for i, (name, per_store) in enumerate(limits.items()):
        for store_name, limit in per_store.items():
            p95 = latency[name][store_name]["p95_ms"]
            b.bar(f"3{'abc'[i]}-{store_name}", f"{name} p95 on {store_name}{scope}",
                  f"<= {limit} ms", f"{p95} ms", p95 <= limit,
                  f"p50 {latency[name][store_name]['p50_ms']} ms over {runs} runs")

    # -- PROFILE: index seeks at the anchors --------------------------------
    plans = profile_sets(b.uri(), sets)
    out["profile"] = {k: {x: v[x] for x in ("anchors", "scans", "db_hits")} | {"plan": v["plan"]}
                      for k, v in plans.items()}
    seeks = all(not p["scans"] and all("Seek" in a for a in p["anchors"])
                for k, p in plans.items() if k in ("referral_paths", "prospective_partners"))
    b.bar("3e", "PROFILE: referral_paths and prospective_partners anchor on index seeks, no label scans",
          "seeks only", "; ".join(f"{k}: {sorted(set(p['anchors']))}" for k, p in plans.items()
                                  if k in ("referral_paths", "prospective_partners")), seeks,
          "prospective_partners reaches the school's people from the school through its programme hubs "
          "before expanding to employers")

    # -- naive formulations -------------------------------------------------
    cases = [p for p in sets["referral_paths (max_hops=5)"]][:NAIVE_CASES]
    cap = 10.0 if b.scale.name == "S" else 30.0
    fast = {label: measure(store, "referral_paths (max_hops=5)", cases, 5 * len(cases))
            for label, store in (("embedded", emb), ("neo4j", neo))}
    naive: dict = {}
    for label in ("embedded", "neo4j"):
        for form, bound in (("bounded", 5), ("unbounded", None)):
            times, capped, counts = [], 0, []
            for params in cases:
                if label == "neo4j":
                    seconds, n, hit = _naive_neo4j(neo, params, bound, cap)
                else:
                    seconds, n, hit = _naive_embedded(G, params, bound, cap)
                times.append(seconds * 1000)
                capped += hit
                counts.append(n)
            s = Stats(times, "ms")
            naive.setdefault(label, {})[form] = s.as_dict() | {
                "capped_runs": capped, "cap_seconds": cap, "paths_found": counts,
                "out_of_memory_runs": counts.count(-2)}
            b.log(f"naive {form:9} {label:9} median {s.median:,.0f} ms ({capped} of {len(cases)} did not "
                  f"finish: {capped - counts.count(-2)} hit the {cap:.0f} s cap, {counts.count(-2)} ran out of "
                  "transaction memory)")
    out["naive_referral_paths"] = {"cases": len(cases), "max_hops": 5, "fast": fast, "naive": naive}
    for label in ("embedded", "neo4j"):
        fast_ms = max(fast[label]["p50_ms"], 0.1)
        parts, met = [], False
        for form in ("bounded", "unbounded"):
            n = naive[label][form]
            ratio = n["median"] / fast_ms
            if n["out_of_memory_runs"] == n["runs"]:
                # Never answers: it runs out of transaction memory every time.
                parts.append(f"{form}: never finishes (out of memory after "
                             f"{n['median'] / 1000:.1f} s; >= {ratio:,.0f}x)")
                met = True
            else:
                parts.append(f"{form}: {'>=' if n['capped_runs'] else ''}{ratio:,.0f}x")
                met = met or ratio >= 100
        b.bar(f"3d-{label}", f"referral_paths (max_hops=5) on {label} vs a naive whole-path "
              "formulation of the same question", ">= 100x faster", "; ".join(parts), met,
              f"fast p50 {fast[label]['p50_ms']} ms on the same {len(cases)} cases; >= marks a lower "
              f"bound: naive runs stopped at the {cap:.0f} s cap, or Neo4j ended them for "
              "exceeding its transaction memory")


def school_parameter_sets(G) -> dict[str, list[dict]]:
    """bench/query_latency.py's seeded parameter sets, with the programmes of
    ``prospective_partners`` drawn from the chosen school's own programmes
    (that function draws them from every school: fine for the one demo
    school, a NotFound with several)."""
    import random

    from bench.query_latency import parameter_sets

    sets = parameter_sets(G)
    rng = random.Random(2026)
    fixed = []
    for params in sets["prospective_partners"]:
        if "program" in params:
            offered = sorted(G.nodes[v]["code"] for _, v, t in
                             G.out_edges(f"School:{params['npsn']}", data="type") if t == "HAS_PROGRAM")
            if params["program"] not in offered:
                params = {**params, "program": rng.choice(offered)}
        fixed.append(params)
    sets["prospective_partners"] = fixed
    return sets


def _naive_neo4j(neo, params: dict, bound: int | None, cap: float) -> tuple[float, int, bool]:
    import neo4j
    from neo4j.exceptions import ClientError, TransientError

    text = NAIVE_CYPHER % ("" if bound is None else str(bound))
    query = neo4j.Query(text, timeout=cap)
    began = time.perf_counter()
    try:
        with neo._driver.session(database=neo.database, default_access_mode=neo4j.READ_ACCESS) as s:
            record = s.run(query, {"nisn": params["nisn"], "employer": params["employer"],
                                   "as_of": params["as_of"]}).single()
        return time.perf_counter() - began, record["paths"], False
    except (ClientError, TransientError) as exc:
        code, text = exc.code or "", str(exc).lower()
        if "TimedOut" in code or "Terminated" in code or "timeout" in text or "terminated" in text:
            return max(time.perf_counter() - began, cap), -1, True
        if "MemoryPoolOutOfMemory" in code:
            # It did not finish: it ran out of transaction memory. The time
            # until then is a lower bound of what it would take.
            return time.perf_counter() - began, -2, True
        raise


def _naive_embedded(G, params: dict, bound: int | None, cap: float) -> tuple[float, int, bool]:
    """Depth-first enumeration of every simple path over the three walkable
    types, read without direction, checking the rules only on finished paths."""
    walk = {"STUDIED_IN", "WORKS_AT", "INTERNED_AT"}
    src, dst = f"Person:{params['nisn']}", f"Employer:{params['employer']}"
    as_of = params["as_of"]
    nodes = G.nodes
    limit = bound if bound is not None else 10**9
    began = time.perf_counter()
    deadline = began + cap

    def neighbours(u):
        for _, v, a in G.out_edges(u, data=True):
            if a["type"] in walk:
                yield v, a
        for v, _, a in G.in_edges(u, data=True):
            if a["type"] in walk:
                yield v, a

    def valid(path, rels):
        if any(r.get("start") is not None and r["start"] > as_of for r in rels):
            return False
        for n in path[1:-1]:
            attrs = nodes[n]
            if attrs["label"] == "School":
                return False
            if attrs["label"] == "Person" and not (attrs.get("graduation_year") is not None
                                                   and attrs.get("consent_contact") is True):
                return False
        return True

    found = 0
    path, rels, on_path = [src], [], {src}
    stack = [iter(neighbours(src))]
    steps = 0
    while stack:
        steps += 1
        if steps % 2048 == 0 and time.perf_counter() > deadline:
            return cap, found, True
        nxt = next(stack[-1], None)
        if nxt is None:
            stack.pop()
            on_path.discard(path.pop())
            if rels:
                rels.pop()
            continue
        v, a = nxt
        if v in on_path:
            continue
        if v == dst:
            if valid(path + [v], rels + [a]):
                found += 1
            continue
        if len(path) < limit:
            path.append(v)
            rels.append(a)
            on_path.add(v)
            stack.append(iter(neighbours(v)))
    return time.perf_counter() - began, found, False
