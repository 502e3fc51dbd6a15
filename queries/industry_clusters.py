"""``industry_clusters``: communities of employers that share alumni or interns.

networkx only: Louvain community detection optimises modularity over the
whole employer graph, which Cypher (without the GDS plugin, absent from
Community Edition) cannot do; the affiliation graph is fetched from the store
(:func:`queries.analytics.affiliations`) and clustered in networkx, the same
code for both stores. The rules:

* Links: jobs (WORKS_AT) of alumni graduated by ``as_of`` and, with
  ``internships`` (default true), internships (INTERNED_AT) of anyone, that
  started by ``as_of``; with ``years``, only those not ended before the
  window start. Only people of ``npsn`` / ``program``.
* The employer projection: two employers are joined when a person is linked
  to both; the weight is the number of such people (networkx's
  ``bipartite.weighted_projected_graph``). Employers with one link only are
  nodes without edges (communities of one).
* Communities: ``networkx.community.louvain_communities`` (weight, resolution
  1, ``seed``) on the projection with nodes and edges in sorted order, so
  both stores give the same communities.
* Per community: ``size`` (employers), ``people`` (distinct people linked to
  them), ``top_sectors`` (up to 3 KBLI sections by employer count, then
  letter), ``top_employers`` (up to 5 by weighted degree inside the
  community, then code), ``partners`` (employers inside with a partnership
  active on ``as_of`` with the school or its programmes; with any school when
  ``npsn`` is not given), ``has_partner``, and ``employer_codes`` (every
  member's code, sorted).
* Order: size, then people (both descending), then the smallest employer
  code; ``cluster`` numbers them 1, 2, ... in that order. Communities smaller
  than ``min_size`` (default 2) are left out; at most ``limit`` rows.
* ``meta``: projection size, number of communities, ``without_partner``
  (among the listed), ``modularity`` (4 decimals; None without edges), and
  ``links`` between listed communities (``{"a", "b", "weight"}``) for the
  page's drawing.

Only employers appear: people are counted.
"""
from __future__ import annotations

from itertools import combinations

from alumni_graph.queries.analytics import (
    NPSN_PARAM, PROGRAM_PARAM, active_partners, affiliations, as_of_param, require_scope,
    years_before,
)
from alumni_graph.queries.framework import Param, Query

COLUMNS = ("cluster", "size", "people", "top_sectors", "top_employers", "partners",
           "has_partner", "employer_codes")
MAX_TOP_EMPLOYERS = 5
MAX_TOP_SECTORS = 3

PARAMS = (
    NPSN_PARAM,
    PROGRAM_PARAM,
    Param("years", "int", min=1, max=50,
          help="hanya hubungan dalam N tahun terakhir / only links of the last N years"),
    Param("internships", "bool", default=True,
          help="hitung juga prakerin / count internships too"),
    Param("min_size", "int", default=2, min=1, max=10000,
          help="ukuran klaster minimal / minimum cluster size"),
    Param("seed", "int", default=42, min=0, max=2**31 - 1,
          help="benih acak Louvain / Louvain random seed"),
    Param("limit", "int", default=50, min=1, max=1000,
          help="jumlah baris maksimum / maximum number of rows"),
    as_of_param(),
)


def employer_projection(employers: dict, links: list):
    """Employers joined by shared people (weight: how many), in sorted order:
    a ``networkx.Graph``."""
    import networkx as nx

    by_person: dict[str, list[str]] = {}
    for nisn, code in links:
        by_person.setdefault(nisn, []).append(code)
    weights: dict[tuple, int] = {}
    for codes in by_person.values():
        for a, b in combinations(sorted(set(codes)), 2):
            weights[(a, b)] = weights.get((a, b), 0) + 1
    P = nx.Graph()
    P.add_nodes_from(sorted(employers))
    P.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weights.items()))
    return P


def industry_clusters(people: dict, employers: dict, links: list, partners: set, *,
                      min_size: int = 2, seed: int = 42, limit: int = 50) -> tuple[list[dict], dict]:
    """Louvain communities of the employer projection, with sectors and partners.

    Parameters
    ----------
    people, employers, links
        What :func:`queries.analytics.affiliations` returns.
    partners : set of str
        Codes of the active partners (:func:`queries.analytics.active_partners`).
    min_size, seed, limit
        See the module docstring.

    Returns
    -------
    tuple
        ``(rows, meta)``: rows with the keys in :data:`COLUMNS`.

    Examples
    --------
    >>> aff = affiliations(store, as_of="2025-07-01", internships=True)
    >>> rows, meta = industry_clusters(*aff, active_partners(store, as_of="2025-07-01"))
    >>> [(r["size"], r["has_partner"]) for r in rows]
    [(4, False), (2, True)]
    """
    import networkx as nx

    P = employer_projection(employers, links)
    communities = (nx.community.louvain_communities(P, weight="weight", resolution=1, seed=seed)
                   if P.number_of_nodes() else [])
    staff: dict[str, set] = {}
    for nisn, code in links:
        staff.setdefault(code, set()).add(nisn)
    found = []
    for members in communities:
        codes = sorted(members)
        sectors: dict[str, int] = {}
        for c in codes:
            s = employers[c].get("sector")
            if s is not None:
                sectors[s] = sectors.get(s, 0) + 1
        inner = P.subgraph(codes)
        strength = {c: inner.degree(c, weight="weight") for c in codes}
        found.append({
            "codes": codes,
            "size": len(codes),
            "people": len(set().union(*(staff.get(c, set()) for c in codes))),
            "top_sectors": [{"sector": s, "employers": n} for s, n in
                            sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TOP_SECTORS]],
            "top_employers": [{"code": c, "name": employers[c].get("name"),
                               "sector": employers[c].get("sector"), "links": strength[c]}
                              for c in sorted(codes, key=lambda c: (-strength[c], c))
                              [:MAX_TOP_EMPLOYERS]],
            "partners": [{"code": c, "name": employers[c].get("name"),
                          "sector": employers[c].get("sector")} for c in codes if c in partners],
        })
    found.sort(key=lambda f: (-f["size"], -f["people"], f["codes"][0]))
    rows, number = [], {}
    for i, f in enumerate(found, start=1):
        if f["size"] < min_size or len(rows) >= limit:
            continue
        number[i] = f["codes"]
        rows.append({"cluster": i, "size": f["size"], "people": f["people"],
                     "top_sectors": f["top_sectors"], "top_employers": f["top_employers"],
                     "partners": f["partners"], "has_partner": bool(f["partners"]),
                     "employer_codes": f["codes"]})
    of = {c: i for i, codes in number.items() for c in codes}
    between: dict[tuple, int] = {}
    for a, b, w in P.edges(data="weight"):
        ca, cb = of.get(a), of.get(b)
        if ca is not None and cb is not None and ca != cb:
            key = (min(ca, cb), max(ca, cb))
            between[key] = between.get(key, 0) + w
    meta = {
        "employers": P.number_of_nodes(), "links": P.number_of_edges(),
        "people": len(people), "communities": len(found),
        "without_partner": sum(1 for r in rows if not r["has_partner"]),
        "modularity": (round(nx.community.modularity(P, communities, weight="weight"), 4)
                       if P.number_of_edges() else None),
        "seed": seed,
        "cluster_links": [{"a": a, "b": b, "weight": w} for (a, b), w in sorted(between.items())],
    }
    return rows, meta


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Fetch the affiliation graph and the partners (either store), then networkx."""
    require_scope(store, params)
    window = None if params["years"] is None else years_before(params["as_of"], params["years"])
    people, employers, links = affiliations(
        store, as_of=params["as_of"], npsn=params["npsn"], program=params["program"], jobs=True,
        internships=params["internships"], window_start=window)
    partners = active_partners(store, as_of=params["as_of"], npsn=params["npsn"])
    return industry_clusters(people, employers, links, partners, min_size=params["min_size"],
                             seed=params["seed"], limit=params["limit"])


QUERY = Query(
    name="industry_clusters",
    title_id="Klaster industri",
    title_en="Industry clusters",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    description="Communities of employers that share alumni or interns (Louvain, fixed seed), "
                "with their top sectors and the school's partners inside, so Humas sees which "
                "clusters have no partner yet. / Klaster DU/DI yang berbagi alumni atau siswa "
                "prakerin, dengan bidang utama dan mitra sekolah di dalamnya.",
    table_columns=("cluster", "size", "people", "top_sectors", "has_partner"),
)
