"""``untraced_reach``: who could reach the alumni the tracer study has lost.

For each untraced alumnus, the traced, consenting alumni of the same school
who know them, ranked, to raise the tracer study's response rate. The rules,
as implemented here and in ``untraced_reach.cypher``:

* Untraced: alumni graduated by ``as_of`` whose status is ``tidak_terdata``
  or missing (any status outside bekerja, melanjutkan, wirausaha,
  mencari_kerja); with ``npsn``, ``program``, ``graduation_year`` only those.
* Reachers: alumni of the **same school**, graduated by ``as_of``, traced and
  consenting (``consent_contact`` true), tied to the untraced alumnus by
  - ``classmate``: same programme and graduation year;
  - ``coworker``: jobs (WORKS_AT) at the same employer whose periods overlap
    (both started by ``as_of``; an open end counts as ``as_of``; the ends
    are inclusive);
  - ``intern_peer``: internships (INTERNED_AT) at the same employer whose
    periods overlap (same rule).
* ``strength`` = the sum of the weights of the reacher's ties
  (:data:`WEIGHTS`: coworker 3, intern_peer 2, classmate 1;
  ``run_query(..., weights=...)`` overrides). Reachers are ordered by
  strength (descending), then graduation year (most recent first), then NISN;
  each row lists the best ``k`` (``reachers_count`` counts them all).
* An untraced alumnus who did not consent is counted, never named: the row
  shows programme, year and status without NISN and name.
* ``only_reachable`` keeps the rows with at least one reacher. Order: school
  NPSN, graduation year (most recent first), programme, then NISN (internal,
  also for unnamed rows); at most ``limit`` rows.
* ``meta``: ``untraced`` (all matching, before the limit), ``reachable``
  (with a reacher), and ``top_reachers``: the :data:`TOP_REACHERS` reachers
  who reach the most untraced alumni (then total strength, then NISN), each
  with ``reaches`` and ``strength``: the tracer team's call list.
"""
from __future__ import annotations

from alumni_graph.queries.analytics import (
    NPSN_PARAM, PROGRAM_PARAM, TRACED, as_of_param, in_scope, last_cohort, person_nodes,
    require_scope, require_scope_in,
)
from alumni_graph.queries.framework import Param, Query, is_neo4j, read_cypher
from alumni_graph.queries.rules import consented

#: Default tie weights; ``run_query(..., weights={...})`` overrides some or all.
WEIGHTS = {"coworker": 3, "intern_peer": 2, "classmate": 1}
TIES = ("coworker", "intern_peer", "classmate")
TOP_REACHERS = 10

COLUMNS = ("nisn", "name", "school_npsn", "program", "graduation_year", "status",
           "reachers_count", "reachers")

PARAMS = (
    NPSN_PARAM,
    PROGRAM_PARAM,
    Param("graduation_year", "int", min=1950, max=2100,
          help="hanya satu angkatan (tahun lulus) / only one cohort (graduation year)"),
    Param("k", "int", default=5, min=1, max=50,
          help="penghubung per alumni / reachers per alumnus"),
    Param("only_reachable", "bool", default=False,
          help="hanya yang punya penghubung / only alumni someone can reach"),
    Param("limit", "int", default=100, min=1, max=5000,
          help="jumlah baris maksimum / maximum number of rows"),
    as_of_param(),
)


def _reacher(person: dict) -> dict:
    return {"nisn": person.get("nisn"), "name": person.get("name"),
            "program": person.get("program_code"), "graduation_year": person.get("graduation_year")}


def _overlap(a: dict, b: dict, as_of: str) -> bool:
    if a["start"] > as_of or b["start"] > as_of:
        return False
    return a["start"] <= (b.get("end") or as_of) and b["start"] <= (a.get("end") or as_of)


def untraced_reach(G, *, as_of: str, npsn: str | None = None, program: str | None = None,
                   graduation_year: int | None = None, k: int = 5, only_reachable: bool = False,
                   limit: int = 100, weights: dict | None = None,
                   names_all: bool = False) -> tuple[list[dict], dict]:
    """Reachers of untraced alumni on a networkx graph (twin of ``untraced_reach.cypher``).

    Returns
    -------
    tuple
        ``(rows, meta)``: rows with the keys in :data:`COLUMNS`.

    Raises
    ------
    NotFound
        The school, or the programme at that school, does not exist.

    Examples
    --------
    >>> rows, meta = untraced_reach(G, npsn="20400001", as_of="2025-07-01")
    >>> rows[0]["name"], [r["ties"] for r in rows[0]["reachers"]][:1]
    (None, [['coworker', 'classmate']])
    """
    require_scope_in(G, npsn, program)
    cohort = last_cohort(as_of)

    def alumnus(p):
        return p.get("graduation_year") is not None and p["graduation_year"] <= cohort

    def reacher(p):
        return alumnus(p) and consented(p, as_of) and p.get("status") in TRACED

    untraced, classmates, links = [], {}, []
    for pid, person in person_nodes(G, npsn):
        year = person.get("graduation_year")
        cohort_ok = in_scope(person, npsn, program) and (graduation_year is None or year == graduation_year)
        if reacher(person) and cohort_ok:
            key = (person.get("school_npsn"), person.get("program_code"), year)
            classmates.setdefault(key, []).append(_reacher(person))
        if not (alumnus(person) and person.get("status") not in TRACED and cohort_ok):
            continue
        untraced.append({"nisn": person.get("nisn"), "name": person.get("name"),
                         "consent": consented(person, as_of), "school_npsn": person.get("school_npsn"),
                         "program": person.get("program_code"), "graduation_year": year,
                         "status": person.get("status")})
        for _, e, a in G.out_edges(pid, data=True):
            if a["type"] not in ("WORKS_AT", "INTERNED_AT"):
                continue
            for cid, _, b in G.in_edges(e, data=True):
                other = G.nodes[cid]
                if cid == pid or b["type"] != a["type"] or not reacher(other) \
                        or other.get("school_npsn") != person.get("school_npsn"):
                    continue
                if _overlap(a, b, as_of):
                    links.append({"nisn": person.get("nisn"), "person": _reacher(other),
                                  "coworker": a["type"] == "WORKS_AT",
                                  "intern_peer": a["type"] == "INTERNED_AT"})
    return finish(untraced, [{"school_npsn": s, "program": p, "graduation_year": y, "people": people}
                             for (s, p, y), people in classmates.items()],
                  links, k=k, only_reachable=only_reachable, limit=limit, weights=weights,
                  names_all=names_all)


def finish(untraced: list[dict], classmates: list[dict], links: list[dict], *, k: int,
           only_reachable: bool, limit: int, weights: dict | None,
           names_all: bool = False) -> tuple[list[dict], dict]:
    """Shared by both implementations: combine the ties, rank the reachers,
    hide what consent does not allow, order, limit and the call list."""
    w = {**WEIGHTS, **(weights or {})}
    cohorts = {(c["school_npsn"], c["program"], c["graduation_year"]): c["people"] for c in classmates}
    linked: dict[str, dict[str, dict]] = {}
    for link in links:
        found = linked.setdefault(link["nisn"], {}).setdefault(
            link["person"]["nisn"], {"person": link["person"], "ties": set()})
        if link["coworker"]:
            found["ties"].add("coworker")
        if link["intern_peer"]:
            found["ties"].add("intern_peer")
    rows, calls, reachable = [], {}, 0
    for u in sorted(untraced, key=lambda u: (u["school_npsn"] or "", -u["graduation_year"],
                                             u["program"] or "", u["nisn"])):
        cand = {nisn: {"person": v["person"], "ties": set(v["ties"])}
                for nisn, v in linked.get(u["nisn"], {}).items()}
        for c in cohorts.get((u["school_npsn"], u["program"], u["graduation_year"]), []):
            if c["nisn"] != u["nisn"]:
                cand.setdefault(c["nisn"], {"person": c, "ties": set()})["ties"].add("classmate")
        reachers = []
        for nisn, c in cand.items():
            strength = sum(w[t] for t in c["ties"])
            reachers.append({**c["person"], "ties": [t for t in TIES if t in c["ties"]],
                             "strength": strength})
            call = calls.setdefault(nisn, {**c["person"], "reaches": 0, "strength": 0})
            call["reaches"] += 1
            call["strength"] += strength
        reachers.sort(key=lambda r: (-r["strength"], -(r["graduation_year"] or 0), r["nisn"]))
        reachable += bool(reachers)
        if only_reachable and not reachers:
            continue
        shown = u["consent"] is True or names_all
        rows.append({"nisn": u["nisn"] if shown else None, "name": u["name"] if shown else None,
                     "school_npsn": u["school_npsn"], "program": u["program"],
                     "graduation_year": u["graduation_year"], "status": u["status"],
                     "reachers_count": len(reachers), "reachers": reachers[:k]})
    top = sorted(calls.values(), key=lambda c: (-c["reaches"], -c["strength"], c["nisn"]))
    meta = {"untraced": len(untraced), "reachable": reachable, "top_reachers": top[:TOP_REACHERS]}
    return rows[:limit], meta


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Dispatch: Cypher on Neo4j, the networkx twin elsewhere."""
    if not is_neo4j(store):
        return untraced_reach(store.graph(), weights=weights, **params)
    require_scope(store, params)
    [found] = read_cypher(store, "untraced_reach", {
        "npsn": params["npsn"], "program": params["program"],
        "graduation_year": params["graduation_year"], "as_of": params["as_of"],
        "last_cohort": last_cohort(params["as_of"]), "traced": list(TRACED)})
    return finish(found["untraced"], found["classmates"], found["links"], k=params["k"],
                  only_reachable=params["only_reachable"], limit=params["limit"], weights=weights,
                  names_all=params.get("names_all", False))


QUERY = Query(
    name="untraced_reach",
    title_id="Jangkau alumni tak terlacak",
    title_en="Reach untraced alumni",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    duty_names=True,
    description="For each untraced alumnus, the traced, consenting classmates, co-workers and "
                "internship peers who could reach them, ranked. / Untuk tiap alumni tak terlacak, "
                "teman sekelas, rekan kerja dan teman prakerin yang terlacak dan bersedia "
                "dihubungi, berurutan.",
    table_columns=("name", "program", "graduation_year", "status", "reachers_count", "reachers"),
)
