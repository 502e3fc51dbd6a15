"""``key_connectors``: the alumni who bridge the most employers and programmes.

networkx only: betweenness centrality is a whole-graph computation (all
shortest paths), which Cypher would have to enumerate path by path; the
affiliation graph is fetched from the store (:func:`queries.analytics.affiliations`)
and measured in networkx, the same code for both stores. The rules:

* The graph: alumni graduated by ``as_of`` (of ``npsn`` / ``program``) and
  the employers where they had a job (WORKS_AT, current or past) that started
  by ``as_of``; one undirected, unweighted edge per alumnus-employer pair.
  Alumni without a job are not in it.
* Betweenness centrality of each alumnus on that graph, normalised as
  networkx's bipartite betweenness (``networkx.algorithms.bipartite.
  betweenness_centrality``): divided by the largest value an alumnus could
  have in a bipartite graph with these many alumni and employers (0 when
  that largest value is 0). Exact when the graph has at most ``samples``
  nodes; otherwise estimated from ``samples`` source nodes drawn with
  ``seed`` (networkx's ``k``/``seed``), so a run is reproducible. Nodes are
  added in sorted order, so both stores draw the same sample.
* ``employers``: the alumnus's distinct employers; ``programs_reached``: the
  distinct programmes (school and code) of the alumni who share an employer
  with them, their own included.
* Consent: an alumnus who did not consent is counted and ranked but never
  named: NISN, name and the employer list are None.
* Order: betweenness (6 decimals) descending, then NISN; at most ``limit``.
* ``meta``: graph size (``alumni``, ``employers``, ``links``), ``exact``,
  ``samples`` (sources used), ``seed`` and ``unnamed`` (rows without a name).
"""
from __future__ import annotations

import networkx as nx

from queries.analytics import (
    NPSN_PARAM, PROGRAM_PARAM, affiliations, as_of_param, require_scope,
)
from queries.framework import Param, Query
from queries.rules import consented

COLUMNS = ("nisn", "name", "school_npsn", "program", "graduation_year", "betweenness",
           "employers", "programs_reached", "employer_list")

PARAMS = (
    NPSN_PARAM,
    PROGRAM_PARAM,
    Param("samples", "int", default=500, min=10, max=100000,
          help="simpul sampel betweenness (pasti bila graf lebih kecil) / betweenness sample "
               "size (exact when the graph is smaller)"),
    Param("seed", "int", default=42, min=0, max=2**31 - 1,
          help="benih acak sampel / random seed of the sample"),
    Param("limit", "int", default=25, min=1, max=1000,
          help="jumlah baris maksimum / maximum number of rows"),
    as_of_param(),
)


def bipartite_max(n: int, m: int) -> float:
    """The largest (unnormalised) betweenness a node of the side with ``n``
    nodes can have in a bipartite graph with ``m`` nodes on the other side
    (Borgatti and Halgin; the formula networkx's bipartite betweenness uses)."""
    if n < 1 or m < 1:
        return 0.0
    s, t = divmod(n - 1, m)
    return (((m ** 2) * ((s + 1) ** 2)) + (m * (s + 1) * (2 * t - s - 1))
            - (t * ((2 * s) - t + 3))) / 2.0


def connector_graph(people: dict, employers: dict, links: list) -> nx.Graph:
    """The undirected alumni-employer graph, nodes and edges in sorted order."""
    H = nx.Graph()
    H.add_nodes_from(sorted([f"Employer:{c}" for c in employers] + [f"Person:{n}" for n in people]))
    H.add_edges_from(sorted((f"Person:{n}", f"Employer:{c}") for n, c in links))
    return H


def key_connectors(people: dict, employers: dict, links: list, *, samples: int = 500,
                   seed: int = 42, limit: int = 25) -> tuple[list[dict], dict]:
    """Rank alumni by bipartite betweenness on the affiliation graph.

    Parameters
    ----------
    people, employers, links
        What :func:`queries.analytics.affiliations` returns (jobs only).
    samples : int
        Exact when the graph has at most this many nodes, else the sample size.
    seed : int
        The sample's random seed.
    limit : int
        At most this many rows.

    Returns
    -------
    tuple
        ``(rows, meta)``: rows with the keys in :data:`COLUMNS`.

    Examples
    --------
    >>> import networkx as nx  # doctest: +SKIP
    >>> rows, meta = key_connectors(*affiliations(store, as_of="2025-07-01"))  # doctest: +SKIP
    >>> rows[0]["name"], meta["exact"]  # doctest: +SKIP
    ('Adi Penghubung', True)
    """
    H = connector_graph(people, employers, links)
    n_nodes = H.number_of_nodes()
    exact = n_nodes <= samples
    raw = nx.betweenness_centrality(H, k=None if exact else samples, normalized=False,
                                    seed=None if exact else seed) if n_nodes else {}
    top = bipartite_max(len(people), len(employers))
    works: dict[str, list[str]] = {}
    staff: dict[str, list[str]] = {}
    for nisn, code in links:
        works.setdefault(nisn, []).append(code)
        staff.setdefault(code, []).append(nisn)
    rows = []
    for nisn, person in people.items():
        codes = sorted(works.get(nisn, []))
        reached = {(people[o].get("school_npsn"), people[o].get("program_code"))
                   for c in codes for o in staff[c]}
        shown = consented(person)
        value = raw.get(f"Person:{nisn}", 0.0) / top if top > 0 else 0.0
        rows.append({
            "nisn": nisn if shown else None, "name": person.get("name") if shown else None,
            "school_npsn": person.get("school_npsn"), "program": person.get("program_code"),
            "graduation_year": person.get("graduation_year"),
            "betweenness": round(value, 6), "employers": len(codes),
            "programs_reached": len(reached),
            "employer_list": [{"code": c, "name": employers[c].get("name")} for c in codes]
            if shown else None,
            "_nisn": nisn,
        })
    rows.sort(key=lambda r: (-r["betweenness"], r["_nisn"]))
    rows = [{c: r[c] for c in COLUMNS} for r in rows[:limit]]
    meta = {"alumni": len(people), "employers": len(employers), "links": len(links),
            "exact": exact, "samples": n_nodes if exact else samples, "seed": seed,
            "unnamed": sum(1 for r in rows if r["name"] is None)}
    return rows, meta


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Fetch the affiliation graph (either store), then networkx."""
    require_scope(store, params)
    people, employers, links = affiliations(store, as_of=params["as_of"], npsn=params["npsn"],
                                            program=params["program"], jobs=True)
    return key_connectors(people, employers, links, samples=params["samples"],
                          seed=params["seed"], limit=params["limit"])


QUERY = Query(
    name="key_connectors",
    title_id="Alumni penghubung utama",
    title_en="Key connectors",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    description="Alumni who bridge the most employers and programmes (bipartite betweenness "
                "on the alumni-employer graph; sampled with a fixed seed, exact on small "
                "graphs). Non-consenting alumni are counted, never named. / Alumni yang "
                "menjembatani DU/DI dan program terbanyak (betweenness graf alumni-DU/DI).",
    table_columns=("name", "program", "graduation_year", "betweenness", "employers",
                   "programs_reached"),
)
