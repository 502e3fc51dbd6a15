"""Parameter cases on a demo graph: the one sampler behind the demo parity
tests (tests/test_queries_demo.py) and the query benchmarks
(bench/query_latency.py, bench/query_speed.py, bench/api_load.py).

Everything is read from the graph sorted, and drawn from a seeded
``random.Random``, so a graph and a seed always give the same cases.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

DEMO_TODAY = "2026-11-01"  # the demo generator's default "today"


@dataclass(frozen=True)
class DemoIndex:
    """What the samplers draw from, each list sorted."""

    schools: list[str]          # NPSNs
    programs: list[str]         # programme codes
    people: list[dict]          # Person attributes, by NISN
    employers: list[str]        # employer codes
    busiest: list[str]          # employer codes, most relationships first
    jobs_by_program: dict       # programme code -> employer codes of jobs (WORKS_AT)


def demo_index(G) -> DemoIndex:
    nodes = dict(G.nodes(data=True))
    employers = sorted(a["code"] for a in nodes.values() if a["label"] == "Employer")
    jobs_by_program: dict[str, list[str]] = {}
    for u, v, t in G.edges(data="type"):
        if t == "WORKS_AT":
            jobs_by_program.setdefault(nodes[u].get("program_code"), []).append(nodes[v]["code"])
    return DemoIndex(
        schools=sorted(a["npsn"] for a in nodes.values() if a["label"] == "School"),
        programs=sorted(a["code"] for a in nodes.values() if a["label"] == "Program"),
        people=sorted((a for a in nodes.values() if a["label"] == "Person"), key=lambda a: a["nisn"]),
        employers=employers,
        busiest=sorted(employers, key=lambda c: (-G.degree(f"Employer:{c}"), c)),
        jobs_by_program=jobs_by_program,
    )


def referral_pair(rng: random.Random, ix: DemoIndex, i: int) -> tuple[str, str]:
    """The ``i``-th referral case: a person, and an employer where an alumnus of
    their programme works (a path likely exists), except every third case, a
    random employer (often no path: the hint)."""
    person = rng.choice(ix.people)
    pool = ix.employers if i % 3 == 2 else sorted(
        ix.jobs_by_program.get(person.get("program_code"), ix.employers))
    return person["nisn"], rng.choice(pool)
