"""Parity of the issue-6 analyses on the demo school (~8,000 people, loaded
through the loader into both stores): the Cypher and the networkx implementations, and the networkx-only analyses on both stores'
affiliation graphs, return identical rows and meta. The demo is loaded once for
the run, shared with tests/test_queries_demo.py (tests/demo_support.py)."""
from __future__ import annotations

import pytest

from alumni_graph.queries import run_query

DEMO_TODAY = "2026-11-01"  # alumni_graph.demo.DEFAULT_TODAY


@pytest.fixture(scope="module")
def demo(demo_stores):
    emb, neo = demo_stores()
    return emb, neo, next(iter(emb.iter_nodes("School")))["npsn"]


CASES = [
    ("tracer_summary", {}), ("tracer_summary", {"program": "TKJ", "year_from": 2015}),
    ("tracer_summary", {"as_of": "2024-03-01"}),
    ("program_alignment", {}), ("program_alignment", {"years": 2, "school_partners": False}),
    ("internship_monitoring", {"limit": 1000}), ("internship_monitoring", {"years": 3, "only_under": False}),
    ("internship_hosts", {"limit": 1000}), ("internship_hosts", {"years": 10, "min_interns": 5, "limit": 1000}),
    ("key_connectors", {"limit": 200}), ("key_connectors", {"samples": 50, "seed": 9, "limit": 200}),
    ("industry_clusters", {}), ("industry_clusters", {"internships": False, "years": 5, "min_size": 1}),
    ("untraced_reach", {"limit": 5000}), ("untraced_reach", {"program": "TKR", "k": 10, "limit": 5000}),
    ("alumni_register", {"limit": 5000}), ("alumni_register", {"sector": "C", "min_tenure_months": 24}),
]


@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_demo_parity(demo, name, params):
    emb, neo, npsn = demo
    full = {"npsn": npsn, "as_of": DEMO_TODAY, **params}
    a, b = run_query(emb, name, full), run_query(neo, name, full)
    assert a.rows == b.rows
    assert a.meta == b.meta
    assert a.rows, "the demo school should give rows"


def test_sampled_betweenness_is_reproducible_and_close_to_exact(demo):
    from alumni_graph.queries.analytics import affiliations
    from alumni_graph.queries.key_connectors import betweenness

    emb, _, npsn = demo
    params = {"npsn": npsn, "as_of": DEMO_TODAY, "limit": 20}
    first = run_query(emb, "key_connectors", {**params, "seed": 1})
    again = run_query(emb, "key_connectors", {**params, "seed": 1})
    assert first.meta["exact"] is False and first.meta["sources"] == 500
    assert first.rows == again.rows
    # The default sample (500 of ~2,100 sources) finds most of the exact top 20.
    people, employers, links = affiliations(emb, as_of=DEMO_TODAY, npsn=npsn)
    exact, is_exact, _ = betweenness(people, employers, links, samples=10**6, seed=0)
    sampled, _, _ = betweenness(people, employers, links, samples=500, seed=1)
    assert is_exact

    def top(values):
        return set(sorted(values, key=lambda n: (-values[n], n))[:20])

    assert len(top(sampled) & top(exact)) >= 12
