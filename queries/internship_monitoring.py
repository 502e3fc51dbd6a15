"""Internship (prakerin) monitoring and the quality of host firms: two queries.

``internship_monitoring``: placements with fewer monitoring visits than
expected, grouped by supervising teacher. The rules, as implemented here and
in ``internship_monitoring.cypher``:

* Placements: INTERNED_AT of the selected school's / programme's people
  (students and alumni) that have **ended** by ``as_of`` (an ``end`` on or
  before ``as_of``) within the last ``years`` years (``end`` on or after the
  window start). Ongoing placements can still be visited and are left out.
* Expected visits: ``long_visits`` (default 2) when the placement is longer
  than ``long_months`` months (``end`` after ``start`` + ``long_months``
  calendar months), else ``min_visits`` (default 1). A missing visit count
  counts as 0.
* One row per (school, supervising teacher); a placement without a teacher
  falls in the teacher None. ``under_monitored``: placements with fewer visits
  than expected; ``missing_visits``: the visits they lack;
  ``under_rate`` = under_monitored / placements.
* ``under_placements``: the under-monitored placements (at most
  :data:`MAX_LISTED`), latest end first, then latest start, employer code; the
  student's NISN and name only when they consented to be contacted.
* ``only_under`` (default true) keeps the teachers with an under-monitored
  placement. Order: under_monitored, then missing_visits (both descending),
  school NPSN, teacher (None last); at most ``limit`` rows.

``internship_hosts``: per host employer, whether interns get hired and how
they score. The rules, as implemented here and in ``internship_hosts.cypher``:

* Placements: INTERNED_AT of the selected people that started in the last
  ``years`` years (default 3), by ``as_of``.
* ``interns``: distinct people; ``eligible``: those of them who have
  graduated by ``as_of`` (students cannot be hired yet); ``hired``: eligible
  interns with a job (WORKS_AT) at the same employer that started on or after
  the internship's start, by ``as_of``. ``conversion_rate`` = hired / eligible.
* ``avg_score`` over the placements with a score (``scored``).
* ``never_hired``: at least ``min_interns`` eligible interns and none hired;
  ``low_score``: an average score below ``low_score``.
* ``partner``: the employer has an active partnership (on ``as_of``) with the
  school or one of its programmes (any school when ``npsn`` is not given).
* Order: flagged hosts (never_hired or low_score) first, then conversion rate
  ascending (None last), average score ascending (None last), more placements
  first, code; ``only_flagged`` keeps the flagged ones; at most ``limit`` rows.
"""
from __future__ import annotations

from alumni_graph.queries.analytics import (
    NPSN_PARAM, PROGRAM_PARAM, add_months, as_of_param, in_scope, last_cohort, person_nodes, rate,
    require_scope, require_scope_in, years_before,
)
from alumni_graph.queries.framework import Param, Query, is_neo4j, read_cypher
from alumni_graph.queries.rules import consented, partnership_is_active

MAX_LISTED = 50

COLUMNS = ("school_npsn", "supervisor", "placements", "under_monitored", "missing_visits",
           "under_rate", "under_placements")
HOST_COLUMNS = ("code", "name", "sector", "city", "partner", "placements", "interns", "eligible",
                "hired", "conversion_rate", "scored", "avg_score", "never_hired", "low_score")

PARAMS = (
    NPSN_PARAM,
    PROGRAM_PARAM,
    Param("years", "int", default=1, min=1, max=20,
          help="prakerin yang selesai dalam N tahun terakhir / placements ended in the last N years"),
    Param("min_visits", "int", default=1, min=0, max=50,
          help="kunjungan minimal per prakerin / minimum visits per placement"),
    Param("long_visits", "int", default=2, min=0, max=50,
          help="kunjungan minimal untuk prakerin panjang / minimum visits for a long placement"),
    Param("long_months", "int", default=3, min=1, max=24,
          help="prakerin panjang: lebih dari N bulan / a long placement: more than N months"),
    Param("only_under", "bool", default=True,
          help="hanya guru dengan prakerin kurang kunjungan / only teachers with under-monitored "
               "placements"),
    Param("limit", "int", default=100, min=1, max=1000,
          help="jumlah baris maksimum / maximum number of rows"),
    as_of_param(),
)

HOST_PARAMS = (
    NPSN_PARAM,
    PROGRAM_PARAM,
    Param("years", "int", default=3, min=1, max=20,
          help="prakerin yang mulai dalam N tahun terakhir / placements started in the last N years"),
    Param("min_interns", "int", default=3, min=1, max=1000,
          help="'tidak pernah merekrut' mulai dari N alumni prakerin / 'never hired' from N "
               "graduated interns"),
    Param("low_score", "int", default=75, min=0, max=100,
          help="nilai rata-rata di bawah ini ditandai / average scores below this are flagged"),
    Param("only_flagged", "bool", default=False,
          help="hanya DU/DI yang ditandai / only flagged hosts"),
    Param("limit", "int", default=100, min=1, max=1000,
          help="jumlah baris maksimum / maximum number of rows"),
    as_of_param(),
)


# -- internship_monitoring ---------------------------------------------------------

def internship_monitoring(G, *, as_of: str, npsn: str | None = None, program: str | None = None,
                          years: int = 1, min_visits: int = 1, long_visits: int = 2,
                          long_months: int = 3, only_under: bool = True,
                          limit: int = 100, names_all: bool = False) -> tuple[list[dict], dict]:
    """Under-monitored placements per teacher on a networkx graph (twin of
    ``internship_monitoring.cypher``); the rules are in the module docstring.

    Returns
    -------
    tuple
        ``(rows, meta)``: rows with the keys in :data:`COLUMNS`; meta with
        the totals and the rule's numbers.

    Examples
    --------
    >>> rows, meta = internship_monitoring(G, npsn="20400001", as_of="2025-07-01")
    >>> [(r["supervisor"], r["under_monitored"]) for r in rows]
    [('Bu Rina', 1), ('Pak Budi <i>', 1), (None, 1)]
    """
    require_scope_in(G, npsn, program)
    window_start = years_before(as_of, years)
    groups: dict[tuple, dict] = {}
    for pid, person in person_nodes(G, npsn):
        if not in_scope(person, npsn, program):
            continue
        for _, e, r in G.out_edges(pid, data=True):
            end = r.get("end")
            if r["type"] != "INTERNED_AT" or end is None or not window_start <= end <= as_of:
                continue
            expected = long_visits if end > add_months(r["start"], long_months) else min_visits
            visits = r.get("monitoring_visits") or 0
            grp = groups.setdefault((person.get("school_npsn"), r.get("supervisor")), {
                "school_npsn": person.get("school_npsn"), "supervisor": r.get("supervisor"),
                "placements": 0, "under": []})
            grp["placements"] += 1
            if visits < expected:
                emp = G.nodes[e]
                grp["under"].append({
                    "nisn": person.get("nisn"), "name": person.get("name"),
                    "consent": consented(person, as_of), "program": person.get("program_code"),
                    "employer_code": emp.get("code"), "employer_name": emp.get("name"),
                    "start": r["start"], "end": end, "visits": visits, "expected": expected})
    return monitoring_finish(list(groups.values()), only_under=only_under, limit=limit,
                             window_start=window_start, names_all=names_all)


def monitoring_finish(groups: list[dict], *, only_under: bool, limit: int,
                      window_start: str, names_all: bool = False) -> tuple[list[dict], dict]:
    """Shared by both implementations: counts, the listed placements (names
    only with consent), order, limit and meta."""
    rows = []
    for g in groups:
        # Latest end first, then latest start, then employer code and NISN ascending.
        under = sorted(g["under"], key=lambda u: (u["employer_code"] or "", u["nisn"] or ""))
        under.sort(key=lambda u: (u["end"], u["start"]), reverse=True)
        missing = sum(u["expected"] - u["visits"] for u in under)
        if only_under and not under:
            continue
        rows.append({
            "school_npsn": g["school_npsn"], "supervisor": g["supervisor"],
            "placements": g["placements"], "under_monitored": len(under),
            "missing_visits": missing, "under_rate": rate(len(under), g["placements"]),
            "under_placements": [{
                "nisn": u["nisn"] if u["consent"] is True or names_all else None,
                "name": u["name"] if u["consent"] is True or names_all else None,
                "program": u["program"], "employer_code": u["employer_code"],
                "employer_name": u["employer_name"], "start": u["start"], "end": u["end"],
                "visits": u["visits"], "expected": u["expected"]} for u in under[:MAX_LISTED]],
        })
    rows.sort(key=lambda r: (-r["under_monitored"], -r["missing_visits"], r["school_npsn"] or "",
                             r["supervisor"] is None, r["supervisor"] or ""))
    meta = {"placements": sum(g["placements"] for g in groups),
            "under_monitored": sum(len(g["under"]) for g in groups),
            "window_start": window_start}
    return rows[:limit], meta


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Dispatch: Cypher on Neo4j, the networkx twin elsewhere."""
    if not is_neo4j(store):
        return internship_monitoring(store.graph(), **params)
    require_scope(store, params)
    window_start = years_before(params["as_of"], params["years"])
    groups = read_cypher(store, "internship_monitoring", {
        **{k: params[k] for k in ("npsn", "program", "as_of", "min_visits", "long_visits",
                                  "long_months")},
        "window_start": window_start})
    return monitoring_finish(groups, only_under=params["only_under"], limit=params["limit"],
                             window_start=window_start, names_all=params.get("names_all", False))


QUERY = Query(
    name="internship_monitoring",
    title_id="Monitoring prakerin",
    title_en="Internship monitoring",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    duty_names=True,
    description="Placements with fewer monitoring visits than expected, per supervising "
                "teacher. / Prakerin dengan kunjungan monitoring kurang dari seharusnya, per guru "
                "pembimbing.",
    table_columns=("school_npsn", "supervisor", "placements", "under_monitored",
                   "missing_visits", "under_rate"),
)


# -- internship_hosts ------------------------------------------------------------------

def internship_hosts(G, *, as_of: str, npsn: str | None = None, program: str | None = None,
                     years: int = 3, min_interns: int = 3, low_score: int = 75,
                     only_flagged: bool = False, limit: int = 100) -> tuple[list[dict], dict]:
    """Internship-to-job conversion and scores per host on a networkx graph
    (twin of ``internship_hosts.cypher``); the rules are in the module docstring.

    Returns
    -------
    tuple
        ``(rows, meta)``: rows with the keys in :data:`HOST_COLUMNS`.

    Examples
    --------
    >>> rows, _ = internship_hosts(G, npsn="20400001", years=5, as_of="2025-07-01")
    >>> rows[0]["code"], rows[0]["never_hired"], rows[0]["low_score"]
    ('E07', True, True)
    """
    require_scope_in(G, npsn, program)
    window_start = years_before(as_of, years)
    cohort = last_cohort(as_of)
    hosts: dict[str, dict] = {}
    for pid, person in person_nodes(G, npsn):
        if not in_scope(person, npsn, program):
            continue
        year = person.get("graduation_year")
        eligible = year is not None and year <= cohort
        edges = list(G.out_edges(pid, data=True))
        for _, e, r in edges:
            if r["type"] != "INTERNED_AT" or not window_start <= r["start"] <= as_of:
                continue
            h = hosts.setdefault(e, {"placements": 0, "interns": set(), "eligible": set(),
                                     "hired": set(), "score_sum": 0, "scored": 0})
            h["placements"] += 1
            h["interns"].add(pid)
            if r.get("score") is not None:
                h["score_sum"] += r["score"]
                h["scored"] += 1
            if not eligible:
                continue
            h["eligible"].add(pid)
            if any(t == e and j["type"] == "WORKS_AT" and r["start"] <= j["start"] <= as_of
                   for _, t, j in edges):
                h["hired"].add(pid)
    partners = set()
    for holder, attrs in G.nodes(data=True):
        if attrs.get("label") == "School":
            ok = npsn is None or attrs.get("npsn") == npsn
        elif attrs.get("label") == "Program":
            ok = npsn is None or attrs.get("school_npsn") == npsn
        else:
            continue
        if ok:
            partners |= {e for _, e, m in G.out_edges(holder, data=True)
                         if m["type"] == "PARTNERS_WITH" and partnership_is_active(m, as_of)}
    rows = []
    for e, h in hosts.items():
        emp = G.nodes[e]
        rows.append({"code": emp.get("code"), "name": emp.get("name"), "sector": emp.get("sector"),
                     "city": emp.get("city"), "partner": e in partners,
                     "placements": h["placements"], "interns": len(h["interns"]),
                     "eligible": len(h["eligible"]), "hired": len(h["hired"]),
                     "score_sum": h["score_sum"], "scored": h["scored"]})
    return hosts_finish(rows, min_interns=min_interns, low_score=low_score,
                        only_flagged=only_flagged, limit=limit, window_start=window_start)


def hosts_finish(rows: list[dict], *, min_interns: int, low_score: int, only_flagged: bool,
                 limit: int, window_start: str) -> tuple[list[dict], dict]:
    """Shared by both implementations: rates, flags, order, limit, meta."""
    out = []
    for row in rows:
        row = dict(row)
        row["conversion_rate"] = rate(row["hired"], row["eligible"])
        row["avg_score"] = rate(row["score_sum"], row["scored"])
        row["never_hired"] = row["eligible"] >= min_interns and row["hired"] == 0
        row["low_score"] = row["scored"] > 0 and row["score_sum"] < low_score * row["scored"]
        if only_flagged and not (row["never_hired"] or row["low_score"]):
            continue
        out.append({c: row[c] for c in HOST_COLUMNS})
    out.sort(key=lambda r: (not (r["never_hired"] or r["low_score"]),
                            r["conversion_rate"] is None, r["conversion_rate"] or 0,
                            r["avg_score"] is None, r["avg_score"] or 0,
                            -r["placements"], r["code"]))
    meta = {"hosts": len(rows), "flagged": sum(1 for r in out if r["never_hired"] or r["low_score"]),
            "window_start": window_start}
    return out[:limit], meta


def run_hosts(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Dispatch: Cypher on Neo4j, the networkx twin elsewhere."""
    if not is_neo4j(store):
        return internship_hosts(store.graph(), **params)
    require_scope(store, params)
    window_start = years_before(params["as_of"], params["years"])
    rows = read_cypher(store, "internship_hosts", {
        "npsn": params["npsn"], "program": params["program"], "as_of": params["as_of"],
        "window_start": window_start, "last_cohort": last_cohort(params["as_of"])})
    return hosts_finish(rows, min_interns=params["min_interns"], low_score=params["low_score"],
                        only_flagged=params["only_flagged"], limit=params["limit"],
                        window_start=window_start)


HOSTS_QUERY = Query(
    name="internship_hosts",
    title_id="Mutu DU/DI tempat prakerin",
    title_en="Internship host quality",
    params=HOST_PARAMS,
    columns=HOST_COLUMNS,
    runner=run_hosts,
    description="Per host: interns, graduated interns later hired there (conversion) and the "
                "average score; hosts that never hire or score low are flagged. / Per DU/DI: "
                "siswa prakerin, yang kemudian direkrut (konversi) dan nilai rata-rata; yang tidak "
                "pernah merekrut atau bernilai rendah ditandai.",
    table_columns=("code", "name", "partner", "interns", "eligible", "hired", "conversion_rate",
                   "avg_score", "never_hired", "low_score"),
)
