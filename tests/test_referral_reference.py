"""On Neo4j, ``referral_paths`` answers at 5 hops and its hint from reads kept
per process and joined in Python (queries/referral_paths.py: main_neo4j,
nearby_employers_neo4j). The whole-query Cypher files they replaced,
``referral_paths.cypher`` and ``referral_paths_hint.cypher``, stay the
written rule: here both are run as they are and must give exactly the rows
the product gives, for every person and employer pair of the edge dataset,
with the default and with other weights, and for several k.
"""
from __future__ import annotations

import pytest

import queries_support as qs
from alumni_graph.queries import referral_paths as rp
from alumni_graph.queries.framework import read_cypher

OTHER_WEIGHTS = {"works_at_current": 0.5, "works_at_past": 0.9, "interned_at": 0.95,
                 "studied_in": 0.3}


@pytest.fixture(scope="module")
def neo(neo4j_server):
    store = qs.open_neo4j(neo4j_server)
    store.clear()
    qs.load_edge(store)
    yield store
    store.close()


def _weights(name):
    return None if name == "default" else OTHER_WEIGHTS


@pytest.mark.parametrize("weights", ["default", "other"])
def test_five_hop_paths_equal_the_whole_query(neo, weights):
    w = _weights(weights)
    compared = non_empty = 0
    for nisn in qs.people():
        for code in qs.employers():
            for k in ((1, 50) if w is None else (2,)):
                params = {"nisn": nisn, "employer": code, "max_hops": 5, "k": k,
                          "as_of": qs.AS_OF}
                whole = read_cypher(neo, "referral_paths", rp.cypher_params(params, w))
                kept = rp.main_neo4j(neo, params, w)
                assert kept == whole, (nisn, code, k)
                compared += 1
                non_empty += bool(whole)
    assert compared >= 300 and non_empty >= 100 if w is None else compared >= 150, (compared, non_empty)


@pytest.mark.parametrize("weights", ["default", "other"])
def test_hint_equals_the_whole_query(neo, weights):
    w = _weights(weights)
    compared = non_empty = 0
    for nisn in qs.people():
        for code in qs.employers():
            for hops in ((1, 3, 5) if w is None else (3,)):
                params = {"nisn": nisn, "employer": code, "max_hops": hops, "k": 5,
                          "as_of": qs.AS_OF}
                whole = read_cypher(neo, "referral_paths_hint", rp.hint_cypher_params(params, w))
                kept = rp.nearby_employers_neo4j(neo, params, w)
                assert kept == whole, (nisn, code, hops)
                compared += 1
                non_empty += bool(whole)
    assert compared >= 400 and non_empty >= 50 if w is None else compared >= 150, (compared, non_empty)
