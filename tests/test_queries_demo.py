"""Parity on the demo school (~8,000 people): the Cypher and the networkx
implementations return identical rows and meta for every query and a fixed
set of sampled parameters. The demo is generated and loaded through the
loader into both stores once for the run (tests/demo_support.py)."""
from __future__ import annotations

import os
import random

import pytest

from bench.cases import DEMO_TODAY, demo_index, referral_pair
from alumni_graph.queries import run_query


@pytest.fixture(scope="module")
def demo(demo_stores):
    return demo_stores()


def sample_cases(G, n_referrals: int = 14, seed: int = 7) -> list[tuple[str, dict]]:
    """A fixed, deterministic set of parameter cases for a demo graph, drawn
    with the benchmarks' sampler (bench/cases.py). Referral targets are mostly
    employers where an alumnus of the person's programme works (paths exist),
    some are random (no path: the hint)."""
    rng = random.Random(seed)
    ix = demo_index(G)
    npsn = ix.schools[0]
    cases = [
        ("prospective_partners", {"npsn": npsn, "as_of": DEMO_TODAY}),
        ("prospective_partners", {"npsn": npsn, "as_of": DEMO_TODAY, "limit": 1000}),
        ("prospective_partners", {"npsn": npsn, "as_of": "2023-07-01", "limit": 1000}),
    ]
    for program in rng.sample(ix.programs, 3):
        cases.append(("prospective_partners", {"npsn": npsn, "program": program,
                                               "as_of": DEMO_TODAY, "limit": 1000}))
    for category in ("former_partner", "alumni_employer", "internship_host", "past_alumni_only"):
        cases.append(("prospective_partners", {"npsn": npsn, "category": category,
                                               "as_of": DEMO_TODAY, "limit": 1000}))
    for code in ix.busiest[:2] + rng.sample(ix.employers, 2):
        cases.append(("alumni_at_employer", {"employer": code, "as_of": DEMO_TODAY}))
        cases.append(("alumni_at_employer", {"employer": code, "npsn": npsn,
                                             "current_only": False, "as_of": DEMO_TODAY}))
    for i in range(n_referrals):
        nisn, target = referral_pair(rng, ix, i)
        cases.append(("referral_paths", {"nisn": nisn, "employer": target,
                                         "max_hops": (3, 5)[i % 2], "k": (5, 20)[i % 2],
                                         "as_of": DEMO_TODAY}))
    return cases


def test_parity_on_the_demo_school(demo):
    emb, neo = demo
    cases = sample_cases(emb.graph())
    non_empty = {"referral_paths": 0, "prospective_partners": 0, "alumni_at_employer": 0}
    for name, params in cases:
        a, b = run_query(emb, name, params), run_query(neo, name, params)
        assert a.rows == b.rows, (name, params)
        assert a.meta == b.meta, (name, params)
        non_empty[name] += bool(a.rows)
    # The sample exercises real answers, not only empty ones.
    assert non_empty["referral_paths"] >= 5
    assert non_empty["prospective_partners"] >= 8
    assert non_empty["alumni_at_employer"] >= 4


def test_demo_referral_paths_obey_the_rules(demo):
    """On the big graph: intermediaries are consenting alumni, paths simple."""
    emb, _ = demo
    G = emb.graph()
    for name, params in sample_cases(G):
        if name != "referral_paths":
            continue
        for row in run_query(emb, name, {**params, "max_hops": 5, "k": 50}).rows:
            ids = [n["id"] for n in row["nodes"]]
            assert len(set(ids)) == len(ids) and row["hops"] in (1, 3, 5)
            for nid in ids[1:-1]:
                attrs = G.nodes[nid]
                if attrs["label"] == "Person":
                    assert attrs.get("graduation_year") is not None
                    assert attrs.get("consent_contact") is True


def _operators(plan: dict) -> list[str]:
    return [plan["operatorType"].split("@")[0]] + [
        op for c in plan.get("children", []) for op in _operators(c)]


def _leaves(plan: dict) -> list[str]:
    if not plan.get("children"):
        return [plan["operatorType"].split("@")[0]]
    return [op for c in plan["children"] for op in _leaves(c)]


def _leaf_details(plan: dict) -> list[str]:
    if not plan.get("children"):
        return [f'{plan["operatorType"]}: {plan.get("args", {}).get("Details", "")}']
    return [d for c in plan["children"] for d in _leaf_details(c)]


_SOME_ID = "4:00000000-0000-0000-0000-000000000000:0"


def test_cypher_plans_seek_indexes_at_the_anchors(demo, neo4j_server):
    """EXPLAIN on the demo data: every plan starts from index seeks (the
    School/Person/Employer uniqueness constraints; a school's people are
    reached from the school) and never scans a label or the whole store. The full
    PROFILE output is printed by bench/query_latency.py --profile."""
    import neo4j

    from alumni_graph.queries import REGISTRY, alumni_at_employer, prospective_partners, referral_paths
    from alumni_graph.queries.framework import cypher_text
    from alumni_graph.queries.rules import adult_born_by

    emb, _ = demo
    cases = {name: params for name, params in reversed(sample_cases(emb.graph()))}
    rp = REGISTRY["referral_paths"].validate(cases["referral_paths"])
    plans = {
        "prospective_partners": prospective_partners.cypher_params(
            REGISTRY["prospective_partners"].validate(cases["prospective_partners"])),
        "referral_paths": referral_paths.cypher_params(rp),
        "referral_paths_short": referral_paths.cypher_params({**rp, "max_hops": 3}),
        "referral_paths_hint": referral_paths.hint_cypher_params(rp),
        "referral_paths_hint_start": {k: rp[k] for k in ("nisn", "employer", "as_of")},
        # kept per store version (the hint's reach, the 5-hop halves) and the
        # nodes of 5-hop paths: from nodes already found, by elementId
        "referral_paths_reach": {"xs": [_SOME_ID], "sector": "G"},
        "referral_paths_around": {"xs": [_SOME_ID]},
        "referral_paths_nodes": {"ids": [_SOME_ID], "as_of": rp["as_of"]},
        "alumni_at_employer": alumni_at_employer.cypher_params(
            REGISTRY["alumni_at_employer"].validate(cases["alumni_at_employer"])),
    }
    auth = (neo4j_server["user"], neo4j_server["password"]) if neo4j_server["password"] else None
    with neo4j.GraphDatabase.driver(neo4j_server["uri"], auth=auth) as driver:
        # Plans made for the earlier tests' tiny stores are cached; these
        # plans should be made for the demo school's statistics.
        driver.execute_query("CALL db.clearQueryCaches()",
                             database_=os.environ.get("NEO4J_DATABASE", "neo4j"))
        for name, params in plans.items():
            # as read_cypher() sends them
            params = {**params, "adult_born_by": adult_born_by(params.get("as_of"))}
            _, summary, _ = driver.execute_query("EXPLAIN " + cypher_text(name), params,
                                                 database_=os.environ.get("NEO4J_DATABASE", "neo4j"))
            plan = summary.plan
            ops = _operators(plan)
            assert not {"NodeByLabelScan", "AllNodesScan", "DirectedRelationshipTypeScan",
                        "UndirectedRelationshipTypeScan"} & set(ops), (name, ops)
            anchors = set(_leaves(plan)) - {"Argument"}
            if name in ("referral_paths_reach", "referral_paths_around", "referral_paths_nodes"):
                assert anchors == {"Unwind", "NodeByElementIdSeek"}, (name, _leaf_details(plan))
                continue
            assert "NodeUniqueIndexSeek" in anchors, (name, anchors)
            assert anchors <= {"NodeUniqueIndexSeek", "NodeIndexSeek"}, (name, _leaf_details(plan))
            if name == "referral_paths":  # the two halves meet in a hash join
                assert "NodeHashJoin" in ops, ops


def test_the_short_referral_query_orders_paths_as_the_general_one():
    """Up to 3 hops the runner sends referral_paths_short.cypher, which finds
    the paths another way (issue 15); from the paths on, both files must be
    the same text, so that ties, strength and names cannot drift apart."""
    from alumni_graph.queries.framework import cypher_text
    from alumni_graph.queries.referral_paths import main_cypher

    def tail(name):
        text = cypher_text(name)
        return text[text.index("WHERE all(i IN range(0, size(ns) - 2)"):]

    assert tail("referral_paths_short") == tail("referral_paths")
    assert main_cypher(3) == main_cypher(1) == cypher_text("referral_paths_short")
    assert main_cypher(4) == main_cypher(5) == cypher_text("referral_paths")


def referral_sample(G, n: int, seed: int) -> list[tuple[dict, dict | None]]:
    """``n`` random ``referral_paths`` cases on a demo graph: the bench's
    person/employer sampler (a third of the targets random: the hint), every
    ``max_hops`` 1..5, ``k`` from 1 to 50, past and future reference dates,
    and now and then other weights (ties everywhere, a weight above 1 that
    turns the branch and bound off, a zero weight)."""
    rng = random.Random(seed)
    ix = demo_index(G)
    cases = []
    for i in range(n):
        nisn, target = referral_pair(rng, ix, i)
        params = {"nisn": nisn, "employer": target, "max_hops": rng.choice((1, 2, 3, 3, 4, 5, 5)),
                  "k": rng.choice((1, 3, 5, 5, 20, 50)),
                  "as_of": rng.choice((DEMO_TODAY, DEMO_TODAY, "2026-06-30", "2024-07-01", "2021-01-15"))}
        weights = rng.choice((None, None, None, {"studied_in": 1.0, "interned_at": 1.0, "works_at_past": 1.0},
                              {"interned_at": 0.9}, {"studied_in": 1.3}, {"works_at_past": 0.0}))
        cases.append((params, weights))
    return cases


def test_referral_paths_answer_as_before_issue_15(demo):
    """The walk of issue 15 (a per-graph adjacency, the last two steps met from
    the employer's side) against the query as it was before, frozen in
    bench/referral_before: the same rows and meta (hint included) for many
    random cases on the demo school, on both stores. bench section
    ``referral`` compares them at S and M too."""
    from bench.referral_before import referral_paths as before
    from alumni_graph.queries import REGISTRY

    emb, neo = demo
    query = REGISTRY["referral_paths"]
    cases = referral_sample(emb.graph(), 240, seed=15)
    with_rows = with_hint = 0
    for store, count in ((emb, len(cases)), (neo, 40)):
        for params, weights in cases[:count]:
            old = before.run(store, query.validate(params), weights)
            now = run_query(store, "referral_paths", params, weights=weights)
            assert (now.rows, now.meta) == old, (store.backend, params, weights)
            with_rows += bool(now.rows)
            with_hint += "hint" in now.meta
    # Real answers and hints both, not only empty ones.
    assert with_rows >= 100 and with_hint >= 30, (with_rows, with_hint)
