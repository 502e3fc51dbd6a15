"""Latency (p50/p95) of the named queries on the demo school, on both stores,
and the Neo4j query plans (PROFILE) of their Cypher.

    python bench/query_latency.py                      # starts a throwaway Neo4j
    python bench/query_latency.py --neo4j-uri bolt://127.0.0.1:7687 --runs 60
    python bench/query_latency.py --profile            # also print the PROFILE plans

The demo school (``alumni_graph.demo.generate_demo``, seed 2026, ~8,000 people) is
generated into a temporary folder and loaded through ``load_paths`` into a
temporary embedded store and into Neo4j (whose database is CLEARED first:
never point this at a database with real data). Each query is timed end to
end through ``run_query`` (validation, existence checks, the query, shared
post-processing), after one warm-up pass over every parameter set, cycling
through a fixed, seeded list of parameter sets. Results also go to
``bench/results/query_latency.json`` (git-ignored).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import DEMO_TODAY, demo_index, referral_pair  # noqa: E402 (after the path)

SCAN_OPERATORS = ("NodeByLabelScan", "AllNodesScan", "DirectedRelationshipTypeScan",
                  "UndirectedRelationshipTypeScan")


def parameter_sets(G, seed: int = 2026) -> dict[str, list[dict]]:
    """Fixed, seeded parameter sets per benchmark line (bench/cases.py, the
    sampler the demo parity tests use too)."""
    rng = random.Random(seed)
    ix = demo_index(G)
    npsn = ix.schools[0]

    prospects = []
    for as_of in (DEMO_TODAY, "2026-01-15", "2025-07-01", "2024-07-01"):
        prospects.append({"npsn": npsn, "as_of": as_of})
        for program in rng.sample(ix.programs, 4):
            prospects.append({"npsn": npsn, "as_of": as_of, "program": program})

    def referrals(max_hops: int) -> list[dict]:
        out = []
        for i in range(20):
            nisn, employer = referral_pair(rng, ix, i)
            out.append({"nisn": nisn, "employer": employer, "max_hops": max_hops, "as_of": DEMO_TODAY})
        return out

    return {
        "prospective_partners": prospects,
        "referral_paths (max_hops=3)": referrals(3),
        "referral_paths (max_hops=5)": referrals(5),
        "alumni_at_employer": [{"employer": c, "as_of": DEMO_TODAY}
                               for c in ix.busiest[:10] + rng.sample(ix.employers, 10)],
    }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def measure(store, name: str, sets: list[dict], runs: int) -> dict:
    from alumni_graph.queries import run_query

    query = name.split(" ")[0]
    for params in sets:  # warm-up: plan caches, JIT, page cache, Python caches
        run_query(store, query, params)
    times, rows = [], []
    for i in range(runs):
        params = sets[i % len(sets)]
        t = time.perf_counter()
        result = run_query(store, query, params)
        times.append((time.perf_counter() - t) * 1000)
        rows.append(len(result.rows))
    return {"runs": runs, "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1), "max_ms": round(max(times), 1),
            "mean_rows": round(sum(rows) / len(rows), 1)}


def plan_lines(plan: dict, depth: int = 0) -> list[str]:
    args = plan.get("args", {})
    details = " ".join(str(args.get("Details", "")).split())
    line = (f"{'  ' * depth}{plan['operatorType'].split('@')[0]} rows={plan.get('rows')} "
            f"hits={plan.get('dbHits')} {details[:140]}")
    out = [line]
    for child in plan.get("children", []):
        out += plan_lines(child, depth + 1)
    return out


def leaves(plan: dict) -> list[str]:
    children = plan.get("children", [])
    if not children:
        return [plan["operatorType"].split("@")[0]]
    return [op for c in children for op in leaves(c)]


def operators(plan: dict) -> list[str]:
    return [plan["operatorType"].split("@")[0]] + [
        op for c in plan.get("children", []) for op in operators(c)]


def profile(uri: str, G) -> dict:
    """PROFILE each Cypher file once with the first parameter set of its query."""
    return profile_sets(uri, parameter_sets(G))


def profile_sets(uri: str, sets: dict) -> dict:
    """PROFILE each main Cypher file once with the first of ``sets`` of its
    query, with the parameters ``queries.framework.read_cypher`` adds (the
    consent rule's ``adult_born_by``)."""
    import neo4j

    from alumni_graph.queries import REGISTRY, alumni_at_employer, prospective_partners, referral_paths
    from alumni_graph.queries.framework import cypher_text
    from alumni_graph.queries.rules import adult_born_by

    referral = REGISTRY["referral_paths"].validate(dict(sets["referral_paths (max_hops=5)"][0]))
    plans = {
        "prospective_partners": prospective_partners.cypher_params(
            REGISTRY["prospective_partners"].validate(sets["prospective_partners"][0])),
        "referral_paths": referral_paths.cypher_params(referral),
        "referral_paths_hint": referral_paths.hint_cypher_params(referral),
        "alumni_at_employer": alumni_at_employer.cypher_params(
            REGISTRY["alumni_at_employer"].validate(sets["alumni_at_employer"][0])),
    }
    report = {}
    with neo4j.GraphDatabase.driver(uri, auth=None, notifications_disabled_classifications=[
            "UNRECOGNIZED"]) as driver, driver.session() as session:
        for name, params in plans.items():
            params = {**params, "adult_born_by": adult_born_by(params.get("as_of"))}
            result = session.run("PROFILE " + cypher_text(name), params)
            list(result)
            summary = result.consume()
            ops = operators(summary.profile)
            report[name] = {
                "anchors": sorted(set(leaves(summary.profile)) - {"Argument"}),
                "scans": sorted({op for op in ops if op in SCAN_OPERATORS}),
                "db_hits": sum(_hits(summary.profile)),
                "plan": plan_lines(summary.profile),
            }
    return report


def _hits(plan: dict):
    yield plan.get("dbHits", 0) or 0
    for c in plan.get("children", []):
        yield from _hits(c)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-uri", help="a Neo4j to use (its database is cleared); "
                                            "default: start a throwaway server")
    parser.add_argument("--runs", type=int, default=40, help="timed runs per query and store (>= 20)")
    parser.add_argument("--profile", action="store_true", help="print the PROFILE plans")
    args = parser.parse_args(argv)
    if args.runs < 20:
        parser.error("--runs must be at least 20")

    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.graph_service.neo4j_store import Neo4jStore
    from alumni_graph.loaders import load_paths
    from alumni_graph.demo import generate_demo

    with tempfile.TemporaryDirectory(prefix="alumni-bench-") as tmp:
        tmp = Path(tmp)
        server = None
        uri = args.neo4j_uri
        if uri is None:
            from tools.neo4j.launcher import fetch_jars, start

            fetch_jars()
            server = start(tmp / "neo4j")
            uri = server.uri
        try:
            files = list(generate_demo(tmp / "demo", seed=2026, schools=1).values())
            emb = EmbeddedStore(tmp / "data")
            neo = Neo4jStore(uri)
            neo.clear()
            loads = {}
            for label, store in (("embedded", emb), ("neo4j", neo)):
                store.init_schema()
                t = time.perf_counter()
                report = load_paths(store, files)
                loads[label] = round(time.perf_counter() - t, 1)
                if not report.ok:
                    print(report.render(), file=sys.stderr)
                    return 1
            G = emb.graph()
            # Wall-clock latency depends on what else runs: say how busy the machine was.
            print(f"cpus: {os.cpu_count()}, load average (1/5/15 min): {os.getloadavg()}")
            print(f"demo school: {emb.count_nodes('Person')} people, "
                  f"{emb.count_nodes('Employer')} employers, {G.number_of_edges()} relationships; "
                  f"load seconds: {loads}")
            sets = parameter_sets(G)
            results = {}
            print(f"\n{'query':30} {'store':9} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'max ms':>8} {'rows':>6}")
            for name, params in sets.items():
                for label, store in (("embedded", emb), ("neo4j", neo)):
                    r = measure(store, name, params, args.runs)
                    results.setdefault(name, {})[label] = r
                    print(f"{name:30} {label:9} {r['runs']:>5} {r['p50_ms']:>8} {r['p95_ms']:>8} "
                          f"{r['max_ms']:>8} {r['mean_rows']:>6}")
            plans = profile(uri, G)
            print("\nNeo4j plans: anchors (leaf operators) and scans")
            for name, p in plans.items():
                print(f"  {name:22} anchors={p['anchors']} scans={p['scans'] or 'none'} "
                      f"db_hits={p['db_hits']}")
            if args.profile:
                for name, p in plans.items():
                    print(f"\nPROFILE {name}.cypher")
                    print("\n".join(p["plan"]))
            out = ROOT / "bench" / "results"
            out.mkdir(parents=True, exist_ok=True)
            (out / "query_latency.json").write_text(json.dumps(
                {"load_seconds": loads, "load_average": os.getloadavg(), "latency": results,
                 "plans": plans}, indent=2))
            neo.close()
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
