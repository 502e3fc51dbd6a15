"""The networkx-only analyses checked against something no one here wrote.

Davis's Southern Women (18 women x 14 social events of the 1930s; in networkx as
``davis_southern_women_graph``) is the classic affiliation network. It is
written out as loader files (women as consenting alumni of one programme,
events as employers, attendance as jobs, dated in 2021 because the loader
takes years from 1950 on), loaded through the loader into both
stores, and then:

* ``key_connectors`` must give each woman networkx's bipartite betweenness
  (``networkx.algorithms.bipartite.betweenness_centrality``) run directly on
  the original graph;
* ``industry_clusters`` must give the communities that
  ``networkx.community.louvain_communities`` finds (same seed) on networkx's
  own weighted projection of the events
  (``bipartite.weighted_projected_graph``), with the same modularity.
"""
from __future__ import annotations

import csv

import networkx as nx
import pytest
from networkx.algorithms import bipartite

import analyses_support as sup
from alumni_graph.queries import run_query

NPSN = "20900001"
AS_OF = "2025-07-01"


def write_davis(folder):
    """The Davis graph as loader files; returns (graph, {name: nisn}, {event: code})."""
    G = nx.davis_southern_women_graph()
    women, events = sorted(G.graph["top"]), sorted(G.graph["bottom"])
    nisn = {w: f"00900000{i:02d}" for i, w in enumerate(women, start=1)}
    code = {e: e.upper() for e in events}  # E1 .. E14

    def write(name, header, rows):
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)

    write("sekolah", ["npsn", "nama"], [[NPSN, "Davis School"]])
    write("program", ["npsn", "kode", "nama", "bidang"], [[NPSN, "SOC", "Society", "S"]])
    write("siswa", ["nisn", "nama", "npsn", "kode_program", "tahun_lulus", "status",
                    "bersedia_dihubungi"],
          [[nisn[w], w, NPSN, "SOC", 2020, "bekerja", "ya"] for w in women])
    write("dudi", ["kode", "nama", "bidang_usaha"], [[code[e], f"Event {e}", "S"] for e in events])
    write("pekerjaan", ["nisn", "kode_dudi", "mulai", "selesai"],
          [[nisn[w], code[e], f"2021-{2 + int(e[1:]) % 10:02d}-01", f"2021-{2 + int(e[1:]) % 10:02d}-02"]
           for w, e in sorted((u, v) if u in nisn else (v, u) for u, v in G.edges())])
    return G, nisn, code


@pytest.fixture(scope="module")
def davis(tmp_path_factory, neo4j_server):
    folder = tmp_path_factory.mktemp("davis-input")
    G, nisn, code = write_davis(folder)
    emb, neo = sup.both_stores(tmp_path_factory, neo4j_server, paths=(folder,))
    yield {"graph": G, "nisn": nisn, "code": code, "stores": {"embedded": emb, "neo4j": neo}}
    neo.close()


@pytest.mark.parametrize("backend", ["embedded", "neo4j"])
def test_key_connectors_is_bipartite_betweenness(davis, backend):
    G, nisn = davis["graph"], davis["nisn"]
    women = set(G.graph["top"])
    expected = bipartite.betweenness_centrality(G, women)
    result = run_query(davis["stores"][backend], "key_connectors",
                       {"npsn": NPSN, "as_of": AS_OF, "limit": 100})
    assert result.meta["exact"] is True
    assert (result.meta["alumni"], result.meta["employers"], result.meta["links"]) == (18, 14, 89)
    got = {row["name"]: row["betweenness"] for row in result.rows}
    assert set(got) == women
    for w in women:
        assert got[w] == pytest.approx(expected[w], abs=1e-6), w
    ranking = sorted(women, key=lambda w: (-round(expected[w], 6), nisn[w]))
    assert [row["name"] for row in result.rows] == ranking
    assert result.rows[0]["name"] == "Nora Fayette"  # the classic answer


@pytest.mark.parametrize("backend", ["embedded", "neo4j"])
@pytest.mark.parametrize("seed", [42, 7])
def test_industry_clusters_are_louvain_on_the_event_projection(davis, backend, seed):
    G, code = davis["graph"], davis["code"]
    projection = bipartite.weighted_projected_graph(G, G.graph["bottom"])
    expected = nx.community.louvain_communities(projection, weight="weight", seed=seed)
    result = run_query(davis["stores"][backend], "industry_clusters",
                       {"npsn": NPSN, "as_of": AS_OF, "seed": seed, "min_size": 1})
    got = {frozenset(row["employer_codes"]) for row in result.rows}
    assert got == {frozenset(code[e] for e in c) for c in expected}
    assert result.meta["modularity"] == round(
        nx.community.modularity(projection, expected, weight="weight"), 4)
    assert (result.meta["employers"], result.meta["links"]) == (
        projection.number_of_nodes(), projection.number_of_edges())
    # Davis's two well-known groups of events: E1-E5 with one side, E10-E14 with the other.
    sides = [next(r["cluster"] for r in result.rows if c in r["employer_codes"]) for c in ("E1", "E14")]
    assert sides[0] != sides[1]


def test_both_stores_agree_on_davis(davis):
    stores = davis["stores"]
    for name, params in (("key_connectors", {"limit": 100}), ("industry_clusters", {"min_size": 1}),
                         ("key_connectors", {"samples": 10, "seed": 3})):
        a = run_query(stores["embedded"], name, {"npsn": NPSN, "as_of": AS_OF, **params})
        b = run_query(stores["neo4j"], name, {"npsn": NPSN, "as_of": AS_OF, **params})
        assert (a.rows, a.meta) == (b.rows, b.meta)
