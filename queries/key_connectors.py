"""``key_connectors``: the alumni who bridge the most employers and programmes.

Not Cypher: betweenness centrality is a whole-graph computation (all
shortest paths), which Cypher would have to enumerate path by path. The
affiliation graph is fetched from the store (:func:`queries.analytics.affiliations`)
and measured in Python (Brandes' algorithm, checked against networkx), the
same code for both stores. The rules:

* The graph: alumni graduated by ``as_of`` (of ``npsn`` / ``program``) and
  the employers where they had a job (WORKS_AT, current or past) that started
  by ``as_of``; one undirected, unweighted edge per alumnus-employer pair.
  Alumni without a job are not in it.
* Betweenness centrality of each alumnus on that graph, normalised as
  networkx's bipartite betweenness (``networkx.algorithms.bipartite.
  betweenness_centrality``): divided by the largest value an alumnus could
  have in a bipartite graph with these many alumni and employers (0 when
  that largest value is 0). Computed by Brandes' algorithm on the exactly
  leaf-reduced graph (:func:`betweenness`): exact when that graph has at
  most ``samples`` nodes; otherwise estimated from ``samples`` sources drawn
  with ``seed``, so a run is reproducible. Nodes are numbered in sorted
  order, so both stores draw the same sample. The tests hold the exact
  values to networkx's own ``betweenness_centrality`` and bipartite
  betweenness.
* ``employers``: the alumnus's distinct employers; ``programs_reached``: the
  distinct programmes (school and code) of the alumni who share an employer
  with them, their own included.
* Consent: an alumnus who did not consent is counted and ranked but never
  named: NISN, name and the employer list are None.
* Order: betweenness (6 decimals) descending, then NISN; at most ``limit``.
* ``meta``: graph size (``alumni``, ``employers``, ``links``), ``exact``,
  ``sources`` (BFS sources used), ``seed`` and ``unnamed`` (rows without a name).
"""
from __future__ import annotations

from alumni_graph.queries.analytics import (
    NPSN_PARAM, PROGRAM_PARAM, affiliations, as_of_param, require_scope,
)
from alumni_graph.queries.framework import Param, Query
from alumni_graph.queries.rules import consented

COLUMNS = ("nisn", "name", "school_npsn", "program", "graduation_year", "betweenness",
           "employers", "programs_reached", "employer_list")

PARAMS = (
    NPSN_PARAM,
    PROGRAM_PARAM,
    Param("samples", "int", default=500, min=10, max=5000,
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


def _reduce(people: dict, employers: dict, links: list):
    """The exact leaf reduction of the affiliation graph.

    An alumnus with one employer (a leaf) lies on no shortest path, and every
    shortest path from or to it runs through its employer. So leaves are
    dropped and each employer carries ``1 + leaves`` as its weight both as a
    source and as a target; the betweenness of every remaining alumnus is
    unchanged (Baglioni, Geraci, Pellegrini and Lastres, "Fast exact
    computation of betweenness centrality in social networks", 2012).
    Nodes are numbered in sorted order; returns ids, weights, adjacency.
    """
    works: dict[str, list[str]] = {}
    for nisn, code in links:
        works.setdefault(nisn, []).append(code)
    leaves = dict.fromkeys(employers, 0)
    kept = []
    for nisn in sorted(works):
        if len(works[nisn]) == 1:
            leaves[works[nisn][0]] += 1
        else:
            kept.append(nisn)
    codes = sorted(employers)
    ids = [f"Employer:{c}" for c in codes] + [f"Person:{n}" for n in kept]
    index = {node: i for i, node in enumerate(ids)}
    weight = [1 + leaves[c] for c in codes] + [1] * len(kept)
    adj: list[list[int]] = [[] for _ in ids]
    for n in kept:
        i = index[f"Person:{n}"]
        for c in sorted(works[n]):
            j = index[f"Employer:{c}"]
            adj[i].append(j)
            adj[j].append(i)
    return ids, weight, adj


def betweenness(people: dict, employers: dict, links: list, *, samples: int, seed: int):
    """Unnormalised betweenness of every alumnus of the affiliation graph.

    Brandes' algorithm (BFS, then dependencies accumulated backwards) on the
    leaf-reduced graph (:func:`_reduce`) with node weights: a source counts
    ``weight`` times and a target adds ``weight`` to its predecessors.
    Exact when the reduced graph has at most ``samples`` nodes; otherwise
    ``samples`` sources are drawn with ``random.Random(seed)``, each with
    probability proportional to its weight, and the sum is scaled by
    total weight / samples (an unbiased estimate). Pure Python, no numpy.
    Returns ``({"Person:<nisn>": value}, exact, sources used)``.
    """
    import random

    ids, weight, adj = _reduce(people, employers, links)
    n = len(ids)
    values = dict.fromkeys((f"Person:{p}" for p in people), 0.0)
    exact = n <= samples
    if exact:
        sources = {i: float(weight[i]) for i in range(n) if adj[i]}
    else:
        scale = sum(weight) / samples
        sources = {}
        for i in random.Random(seed).choices(range(n), weights=weight, k=samples):
            sources[i] = sources.get(i, 0.0) + scale
    total = [0.0] * n
    for s in sorted(sources):
        sigma = [0] * n
        dist = [-1] * n
        sigma[s], dist[s] = 1, 0
        order = [s]
        head = 0
        while head < len(order):  # BFS, counting shortest paths
            v = order[head]
            head += 1
            dv, sv = dist[v] + 1, sigma[v]
            for w in adj[v]:
                if dist[w] < 0:
                    dist[w] = dv
                    order.append(w)
                if dist[w] == dv:
                    sigma[w] += sv
        delta = [0.0] * n
        for w in reversed(order):  # dependencies, farthest first
            coef = (weight[w] + delta[w]) / sigma[w]
            dw = dist[w] - 1
            for v in adj[w]:
                if dist[v] == dw:
                    delta[v] += sigma[v] * coef
        times = sources[s]
        for v in order[1:]:
            total[v] += times * delta[v]
    for i, node in enumerate(ids):
        if node in values:
            values[node] = total[i] / 2.0  # undirected: each pair was counted both ways
    return values, exact, (len(sources) if exact else samples)


def key_connectors(people: dict, employers: dict, links: list, *, samples: int = 500,
                   seed: int = 42, limit: int = 25) -> tuple[list[dict], dict]:
    """Rank alumni by bipartite betweenness on the affiliation graph.

    Parameters
    ----------
    people, employers, links
        What :func:`queries.analytics.affiliations` returns (jobs only).
    samples : int
        Exact when the leaf-reduced graph has at most this many nodes, else
        the number of sampled BFS sources.
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
    >>> rows, meta = key_connectors(*affiliations(store, as_of="2025-07-01"))
    >>> rows[0]["name"], meta["exact"]
    ('Adi Penghubung', True)
    """
    raw, exact, sources = betweenness(people, employers, links, samples=samples, seed=seed)
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
            "exact": exact, "sources": sources, "seed": seed,
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
