"""Shared rules and helpers of the seven analyses (issue 6).

The analyses serve the school's own recommendations on industry cooperation:
the tracer study (``tracer_summary``, ``untraced_reach``), curriculum sync
(``program_alignment``), internship (prakerin) monitoring and the quality of
partner firms (``internship_monitoring``, ``internship_hosts``), the alumni
network (``key_connectors``, ``industry_clusters``) and the register of
successful alumni (``alumni_register``).

Rules every analysis shares, on top of :mod:`queries.rules`:

* **Graduated by** ``as_of``: a cohort graduates on 1 June of its graduation
  year, so a person counts as an alumnus on ``as_of`` when
  ``graduation_year <= last_cohort(as_of)`` (the as_of year when as_of is on
  or after 1 June, else the year before). Later cohorts are still students
  for every analysis. Cypher: ``p.graduation_year <= $last_cohort``.
* **Traced** (tracer study): status is one of :data:`TRACED`. A missing
  status counts as ``tidak_terdata``.
* **Whole months** between two ISO dates ``a <= b``: calendar months, minus
  one when b's day of month is before a's (floor); :func:`whole_months`.
* **Rates** are ``None`` when the denominator is 0 and otherwise rounded to 4
  decimals in the shared post-processing, so both stores give equal rows.
* **Windows** ("the last N years") start on the same calendar day N years
  before ``as_of`` (29 February becomes 28 February); computed here once and
  passed to the Cypher as a parameter, so both stores use the same date.

Nothing here touches a store except :func:`affiliations` and
:func:`active_partners`, which fetch what the networkx-only analyses
(``key_connectors``, ``industry_clusters``) run on.
"""
from __future__ import annotations

import calendar
import datetime as dt
import statistics

from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.graph_service.schema import (
    ABSORBED_STATUSES, TRACED_STATUSES, TRACER_STATUSES, UNTRACED_STATUS, node_id,
)
from alumni_graph.queries.framework import Param, is_neo4j, read_cypher
from alumni_graph.queries.rules import consented

#: Tracer-study statuses that count as traced (status known).
TRACED = TRACED_STATUSES  # graph_service.schema: the one vocabulary
#: Traced statuses that count as absorbed (working, studying or self-employed).
ABSORBED = ABSORBED_STATUSES
UNTRACED = UNTRACED_STATUS
STATUSES = TRACER_STATUSES

NPSN_PARAM = Param("npsn", "str", pattern=r"\d{8}", pattern_help="must be 8 digits / harus 8 digit",
                   help="hanya sekolah ini (NPSN) / only this school (NPSN)")
PROGRAM_PARAM = Param("program", "str", upper=True, pattern=r"[A-Z0-9][A-Z0-9_-]{0,19}",
                      pattern_help="a programme code such as TKR / kode program seperti TKR",
                      help="hanya satu program keahlian (kode) / only one programme (code)")


def as_of_param():
    from alumni_graph.queries.framework import today

    return Param("as_of", "date", default=today,
                 help="tanggal acuan (default hari ini) / reference date (default today)")


# -- dates ---------------------------------------------------------------------

def last_cohort(as_of: str) -> int:
    """The latest graduation year that has graduated (1 June) by ``as_of``."""
    year = int(as_of[:4])
    return year if as_of[5:] >= "06-01" else year - 1


def add_months(iso: str, months: int) -> str:
    """``iso`` plus ``months`` calendar months, the day clamped to the month's
    last day (java.time and Cypher ``date + duration({months: n})`` do the same)."""
    d = dt.date.fromisoformat(iso)
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    day = min(d.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day).isoformat()


def years_before(as_of: str, years: int) -> str:
    """The start of a window of ``years`` years ending on ``as_of``."""
    return add_months(as_of, -12 * years)


def whole_months(start: str, end: str) -> int:
    """Whole months from ``start`` to ``end`` (ISO dates), floored; may be negative.

    >>> whole_months("2022-08-15", "2025-07-01"), whole_months("2022-07-01", "2025-07-01")
    (34, 36)
    """
    months = (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7])
    return months - 1 if end[8:10] < start[8:10] else months


def waiting_months(graduation_year: int, first_start: str) -> int:
    """Months from graduation (``YYYY-06-01``) to the first job's start date:
    whole months, floored, a job that started before graduation counts 0.
    Cypher: ``(toInteger(substring(s, 0, 4)) - y) * 12 + toInteger(substring(s, 5, 2)) - 6``
    (the anchor is the 1st, so no day correction is ever needed)."""
    return max(0, whole_months(f"{graduation_year:04d}-06-01", first_start))


# -- numbers -------------------------------------------------------------------

def rate(numerator: int | float, denominator: int | float, digits: int = 4) -> float | None:
    """``numerator / denominator`` rounded; None when the denominator is 0."""
    if not denominator:
        return None
    return round(numerator / denominator, digits)


def median(values) -> float | None:
    """The median (mean of the two middle values for an even count), 4 decimals."""
    values = list(values)
    if not values:
        return None
    return round(float(statistics.median(values)), 4)


def check_range(low_name: str, low, high_name: str, high) -> None:
    """ParameterError when both bounds are given and ``low > high``."""
    if low is not None and high is not None and low > high:
        raise ParameterError(
            f"{low_name} is after {high_name} / {low_name} lebih besar dari {high_name}",
            [{"param": low_name, "value": low, "message": f"must not be greater than {high_name}"}])


# -- existence checks, the same on both stores --------------------------------------

def check_scope(exists, npsn: str | None, program: str | None) -> None:
    """NotFound (naming the parameter, never its value) for a missing school
    ``npsn`` or a programme ``program`` missing at that school; ``exists(label,
    key)`` says whether a node is there. The one "not found" rule of the
    school-scoped queries: :func:`require_scope` (a store) and
    :func:`require_scope_in` (a networkx graph) use it."""
    if npsn is not None and not exists("School", (npsn,)):
        raise NotFound("npsn: no school with this NPSN / npsn: sekolah tidak ditemukan",
                       [{"param": "npsn", "message": "no such school"}])
    if npsn is not None and program is not None and not exists("Program", (npsn, program)):
        raise NotFound("program: no such programme at this school / program tidak ditemukan",
                       [{"param": "program", "message": "no such programme at this school"}])


def require_scope(store, params: dict) -> None:
    """:func:`check_scope` on a store, for ``params["npsn"]`` and ``params["program"]``."""
    check_scope(lambda label, key: store.get_node(label, key) is not None,
                params.get("npsn"), params.get("program"))


def require_scope_in(G, npsn: str | None, program: str | None) -> None:
    """:func:`check_scope` on the embedded store's graph (the networkx twins).

    >>> import networkx as nx
    >>> require_scope_in(nx.MultiDiGraph([("School:20300001", "Program:20300001/TKR")]), "20300001", "TKR")
    >>> require_scope_in(nx.MultiDiGraph(), "20300001", None)
    Traceback (most recent call last):
    ...
    alumni_graph.graph_service.errors.NotFound: npsn: no school with this NPSN / npsn: sekolah tidak ditemukan
    """
    check_scope(lambda label, key: node_id(label, key) in G, npsn, program)


def in_scope(person: dict, npsn: str | None, program: str | None) -> bool:
    return ((npsn is None or person.get("school_npsn") == npsn)
            and (program is None or person.get("program_code") == program))


def person_nodes(G, npsn: str | None = None):
    """``(node id, attributes)`` of every Person, sorted by node id; with
    ``npsn``, a superset of that school's people (callers still filter with
    :func:`in_scope`).

    A school's people are read from its programme hubs instead of scanning
    every node (a province holds a million): the loader keeps a person's
    STUDIED_IN in step with its ``school_npsn`` and ``program_code``.
    """
    if npsn is None:
        found = ((n, a) for n, a in G.nodes(data=True) if a.get("label") == "Person")
    else:
        school = f"School:{npsn}"
        programs = [v for _, v, t in G.out_edges(school, data="type") if t == "HAS_PROGRAM"] \
            if school in G else []
        found = {pid: G.nodes[pid] for prog in programs for pid, keyed in G.pred[prog].items()
                 if any(r["type"] == "STUDIED_IN" for r in keyed.values())}.items()
    return sorted(found, key=lambda item: item[0])


# -- the projection the networkx-only analyses run on --------------------------------

PERSON_FIELDS = ("nisn", "name", "school_npsn", "program_code", "graduation_year", "consent_contact")
EMPLOYER_FIELDS = ("code", "name", "sector", "city")


def affiliations(store, *, as_of: str, npsn: str | None = None, program: str | None = None,
                 jobs: bool = True, internships: bool = False,
                 window_start: str | None = None) -> tuple[dict, dict, list]:
    """The person-employer affiliation (bipartite) graph the networkx-only
    analyses run on: ``(people, employers, links)``.

    ``people`` maps NISN to :data:`PERSON_FIELDS`, ``employers`` maps code to
    :data:`EMPLOYER_FIELDS`, ``links`` is the sorted list of distinct
    ``(nisn, code)`` pairs. A link is a job (WORKS_AT) of an alumnus graduated
    by ``as_of`` (with ``jobs``) or an internship (INTERNED_AT) of anyone
    (with ``internships``) that started by ``as_of`` and, with
    ``window_start``, had not ended before it; only people of ``npsn`` /
    ``program``. Only linked people and employers appear.

    The embedded store reads its graph; on Neo4j ``analyses_affiliations.cypher``
    returns just these pairs, because projecting the whole database
    (``store.graph()``) takes most of a minute for ten schools. The parity
    tests hold the two together.
    """
    cohort = last_cohort(as_of)
    people, employers, links = {}, {}, set()
    if is_neo4j(store):
        rows = read_cypher(store, "analyses_affiliations", {
            "as_of": as_of, "npsn": npsn, "program": program, "jobs": jobs,
            "internships": internships, "window_start": window_start, "last_cohort": cohort})
        for row in rows:
            p, e = row["person"], row["employer"]
            people[p["nisn"]] = {f: p.get(f) for f in PERSON_FIELDS}
            employers[e["code"]] = {f: e.get(f) for f in EMPLOYER_FIELDS}
            links.add((p["nisn"], e["code"]))
        return people, employers, sorted(links)
    G = store.graph()
    for pid, person in person_nodes(G, npsn):
        if not in_scope(person, npsn, program):
            continue
        year = person.get("graduation_year")
        alumnus = year is not None and year <= cohort
        for _, e, r in G.out_edges(pid, data=True):
            if not ((r["type"] == "WORKS_AT" and jobs and alumnus)
                    or (r["type"] == "INTERNED_AT" and internships)):
                continue
            if r["start"] > as_of or (window_start is not None and r.get("end") is not None
                                      and r["end"] < window_start):
                continue
            emp = G.nodes[e]
            # consent_contact as it counts on as_of (the minor rule: queries/rules.py);
            # the Cypher twin returns the same (@consented).
            people[person["nisn"]] = {f: person.get(f) for f in PERSON_FIELDS} | {
                "consent_contact": consented(person, as_of)}
            employers[emp["code"]] = {f: emp.get(f) for f in EMPLOYER_FIELDS}
            links.add((person["nisn"], emp["code"]))
    return people, employers, sorted(links)


def active_partners(store, *, as_of: str, npsn: str | None = None) -> set[str]:
    """Codes of the employers with a partnership active on ``as_of`` with the
    school ``npsn`` or one of its programmes (with any school when None)."""
    if is_neo4j(store):
        return {r["code"] for r in read_cypher(store, "analyses_partners",
                                               {"as_of": as_of, "npsn": npsn})}
    from alumni_graph.queries.rules import partnership_is_active

    G = store.graph()
    found = set()
    for holder, attrs in G.nodes(data=True):
        label = attrs.get("label")
        if label not in ("School", "Program"):
            continue
        if npsn is not None and attrs.get("npsn" if label == "School" else "school_npsn") != npsn:
            continue
        found |= {G.nodes[e]["code"] for _, e, m in G.out_edges(holder, data=True)
                  if m["type"] == "PARTNERS_WITH" and partnership_is_active(m, as_of)}
    return found


__all__ = [
    "ABSORBED", "NPSN_PARAM", "PROGRAM_PARAM", "STATUSES", "TRACED", "UNTRACED", "add_months",
    "as_of_param", "check_range", "in_scope", "last_cohort", "median",
    "person_nodes", "affiliations", "active_partners", "rate", "require_scope", "waiting_months", "whole_months",
    "years_before",
]
