"""``tracer_summary``: the tracer study per school x programme x graduation year.

The school's annual tracer report (laporan penelusuran tamatan). The rules,
as implemented here and in ``tracer_summary.cypher``:

* Alumni: persons with a graduation year whose cohort has graduated by
  ``as_of`` (1 June of the graduation year; :func:`queries.analytics.last_cohort`).
  With ``npsn`` / ``program`` only that school / programme code.
* One row per programme (every ``Program`` of the selected schools, plus any
  school/programme pair an alumnus names) and graduation year from
  ``year_from`` to ``year_to``. A missing bound is the earliest / latest
  graduation year among the selected alumni; the range never goes past the
  last cohort graduated by ``as_of``. A programme or year with no alumni gives
  a row of zeros whose rates are None (empty cohorts are part of the report).
  No alumni and no bounds: no rows.
* ``traced``: alumni whose status is one of bekerja, melanjutkan, wirausaha,
  mencari_kerja; ``tidak_terdata`` counts the rest (missing status included).
  ``traced_rate`` = traced / alumni.
* ``absorption_rate`` = (bekerja + melanjutkan + wirausaha) / traced.
* ``employed``: alumni with a current job (WORKS_AT) on ``as_of``;
  ``aligned``: those of them with at least one current job marked ``selaras``
  (``aligned`` true); ``alignment_rate`` = aligned / employed. Jobs are the
  job records, not the self-reported status.
* ``median_wait_months``: over the alumni with at least one job that started
  by ``as_of`` (``with_first_job``), the whole months from 1 June of the
  graduation year to the start of the earliest such job, floored; a job that
  started before graduation counts 0 (:func:`queries.analytics.waiting_months`).
  The median of an even count is the mean of the two middle values.
* Rates: None when the denominator is 0, else rounded to 4 decimals.
* Order: school NPSN, programme code, graduation year (ascending).
* ``meta.totals``: the same counts and rates over all rows.

Contact details and names never appear: the rows are counts.
"""
from __future__ import annotations

from alumni_graph.queries.analytics import (
    ABSORBED, NPSN_PARAM, PROGRAM_PARAM, TRACED, UNTRACED, as_of_param, check_range, in_scope,
    last_cohort, median, person_nodes, rate, require_scope, require_scope_in, waiting_months,
)
from alumni_graph.queries.framework import Param, Query, is_neo4j, read_cypher
from alumni_graph.queries.rules import job_is_current, started

COUNTS = ("alumni", "traced", "bekerja", "melanjutkan", "wirausaha", "mencari_kerja",
          "tidak_terdata", "employed", "aligned", "with_first_job")

COLUMNS = (
    "school_npsn", "school_name", "program", "program_name", "graduation_year",
    "alumni", "traced", "traced_rate", "bekerja", "melanjutkan", "wirausaha", "mencari_kerja",
    "tidak_terdata", "absorption_rate", "employed", "aligned", "alignment_rate",
    "with_first_job", "median_wait_months",
)

#: The annual tracer report's layout: (column, Indonesian header). Rates are
#: exported as percentages (``report_rows``).
REPORT_COLUMNS = (
    ("school_npsn", "NPSN"), ("school_name", "Sekolah"), ("program", "Kode program"),
    ("program_name", "Program keahlian"), ("graduation_year", "Tahun lulus"),
    ("alumni", "Jumlah lulusan"), ("traced", "Terlacak"), ("traced_rate", "Keterlacakan (%)"),
    ("bekerja", "Bekerja"), ("melanjutkan", "Melanjutkan"), ("wirausaha", "Wirausaha"),
    ("mencari_kerja", "Mencari kerja"), ("tidak_terdata", "Tidak terdata"),
    ("absorption_rate", "Keterserapan (%)"), ("employed", "Bekerja (data pekerjaan)"),
    ("aligned", "Bekerja selaras"), ("alignment_rate", "Keselarasan (%)"),
    ("with_first_job", "Punya pekerjaan pertama"),
    ("median_wait_months", "Median masa tunggu (bulan)"),
)
RATES = ("traced_rate", "absorption_rate", "alignment_rate")

PARAMS = (
    NPSN_PARAM,
    PROGRAM_PARAM,
    Param("year_from", "int", min=1950, max=2100,
          help="tahun lulus dari / first graduation year"),
    Param("year_to", "int", min=1950, max=2100,
          help="tahun lulus sampai / last graduation year"),
    as_of_param(),
)


def tracer_summary(G, *, as_of: str, npsn: str | None = None, program: str | None = None,
                   year_from: int | None = None, year_to: int | None = None) -> list[dict]:
    """The tracer summary on a networkx graph (the twin of ``tracer_summary.cypher``).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the embedded layout (``store.graph()``).
    as_of : str
        Reference date ``YYYY-MM-DD``.
    npsn, program : str, optional
        Only this school / programme code.
    year_from, year_to : int, optional
        The graduation years to report (see the module docstring).

    Returns
    -------
    rows : list of dict
        One row per programme and graduation year, keys :data:`COLUMNS`
        (a year with no alumni has rates ``None``).
    meta : dict
        ``totals`` (the reported years summed, rates recomputed), ``years``
        (the first and last graduation year reported) and ``last_cohort``.

    Raises
    ------
    NotFound
        The school, or the programme at that school, does not exist.

    Examples
    --------
    >>> rows, meta = tracer_summary(G, npsn="20400001", as_of="2025-07-01")
    >>> rows[0]["program"], rows[0]["graduation_year"], rows[0]["traced_rate"]
    ('AKL', 2010, None)
    >>> meta["totals"]["alumni"], meta["totals"]["traced_rate"], meta["years"]
    (14, 0.7143, [2010, 2024])
    """
    require_scope_in(G, npsn, program)
    programs = []
    for sid, school in G.nodes(data=True):
        if school.get("label") != "School" or (npsn is not None and school.get("npsn") != npsn):
            continue
        for _, pid, t in G.out_edges(sid, data="type"):
            pr = G.nodes[pid]
            if t == "HAS_PROGRAM" and (program is None or pr.get("code") == program):
                programs.append({"school_npsn": school.get("npsn"), "school_name": school.get("name"),
                                 "program": pr.get("code"), "program_name": pr.get("name")})
    cohort = last_cohort(as_of)
    groups: dict[tuple, dict] = {}
    for pid, person in person_nodes(G, npsn):
        year = person.get("graduation_year")
        if year is None or year > cohort or not in_scope(person, npsn, program):
            continue
        key = (person.get("school_npsn"), person.get("program_code"), year)
        grp = groups.setdefault(key, _empty_group(*key))
        grp["alumni"] += 1
        status = person.get("status")
        grp[status if status in TRACED else UNTRACED] += 1
        jobs = [r for _, _, r in G.out_edges(pid, data=True)
                if r["type"] == "WORKS_AT" and started(r, as_of)]
        current = [r for r in jobs if job_is_current(r, as_of)]
        grp["employed"] += bool(current)
        grp["aligned"] += any(r.get("aligned") is True for r in current)
        if jobs:
            grp["waits"].append(waiting_months(year, min(r["start"] for r in jobs)))
    return finish(programs, list(groups.values()), as_of=as_of, year_from=year_from,
                  year_to=year_to)


def _empty_group(school_npsn, program, graduation_year) -> dict:
    return {"school_npsn": school_npsn, "program": program, "graduation_year": graduation_year,
            "alumni": 0, "bekerja": 0, "melanjutkan": 0, "wirausaha": 0, "mencari_kerja": 0,
            "tidak_terdata": 0, "employed": 0, "aligned": 0, "waits": []}


def _rates(row: dict) -> dict:
    row["traced"] = sum(row[s] for s in TRACED)
    row["traced_rate"] = rate(row["traced"], row["alumni"])
    row["absorption_rate"] = rate(sum(row[s] for s in ABSORBED), row["traced"])
    row["alignment_rate"] = rate(row["aligned"], row["employed"])
    waits = row.pop("waits")
    row["with_first_job"] = len(waits)
    row["median_wait_months"] = median(waits)
    return row


def finish(programs: list[dict], groups: list[dict], *, as_of: str, year_from: int | None,
           year_to: int | None) -> tuple[list[dict], dict]:
    """Shared by both implementations: the programme x year grid, rates,
    medians, order and totals. ``groups`` hold raw counts and the list of
    waiting months per (school, programme, year)."""
    cohort = last_cohort(as_of)
    names = {}
    for p in programs:
        names[(p["school_npsn"], p["program"])] = (p.get("school_name"), p.get("program_name"))
    by_key = {(g["school_npsn"], g["program"], g["graduation_year"]): g for g in groups}
    for g in groups:
        names.setdefault((g["school_npsn"], g["program"]), (None, None))
    years = sorted(g["graduation_year"] for g in groups)
    lo = year_from if year_from is not None else (years[0] if years else None)
    hi = year_to if year_to is not None else (years[-1] if years else None)
    lo, hi = (hi if lo is None else lo), (lo if hi is None else hi)
    rows = []
    if lo is not None:
        hi = min(hi, cohort)
        for (school, prog), (school_name, program_name) in sorted(
                names.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or "")):
            for year in range(lo, hi + 1):
                g = by_key.get((school, prog, year)) or _empty_group(school, prog, year)
                row = _rates({**g, "waits": list(g["waits"]), "school_name": school_name,
                              "program_name": program_name})
                rows.append({c: row[c] for c in COLUMNS})
    totals = {c: sum(r[c] for r in rows) for c in COUNTS if c != "traced"}
    waits = [w for g in groups if lo is not None and lo <= g["graduation_year"] <= hi
             and (g["school_npsn"], g["program"]) in names for w in g["waits"]]
    totals = _rates({**totals, "waits": waits})
    totals = {c: totals[c] for c in COLUMNS if c in totals}
    return rows, {"totals": totals, "years": [lo, hi] if lo is not None and lo <= hi else None,
                  "last_cohort": cohort}


def report_rows(rows: list[dict]) -> tuple[list[str], list[dict]]:
    """The rows laid out for the annual tracer report: Indonesian headers,
    rates as percentages with one decimal (None stays empty)."""
    headers = [h for _, h in REPORT_COLUMNS]
    out = []
    for row in rows:
        out.append({h: (None if row[c] is None else round(row[c] * 100, 1)) if c in RATES
                    else row[c] for c, h in REPORT_COLUMNS})
    return headers, out


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Dispatch: Cypher on Neo4j, the networkx twin elsewhere."""
    check_range("year_from", params["year_from"], "year_to", params["year_to"])
    if not is_neo4j(store):
        rows, meta = tracer_summary(store.graph(), **params)
        return rows, meta
    require_scope(store, params)
    [found] = read_cypher(store, "tracer_summary", {
        "npsn": params["npsn"], "program": params["program"], "as_of": params["as_of"],
        "last_cohort": last_cohort(params["as_of"]), "traced": list(TRACED),
    })
    return finish(found["programs"], found["groups"], as_of=params["as_of"],
                  year_from=params["year_from"], year_to=params["year_to"])


QUERY = Query(
    name="tracer_summary",
    title_id="Ringkasan penelusuran tamatan",
    title_en="Tracer study summary",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    description="Per programme and graduation year: alumni, traced, statuses, absorption, "
                "alignment and median waiting time to the first job. / Per program dan tahun "
                "lulus: lulusan, terlacak, status, keterserapan, keselarasan dan median masa "
                "tunggu kerja pertama.",
    table_columns=("school_npsn", "program", "graduation_year", "alumni", "traced", "traced_rate",
                   "absorption_rate", "alignment_rate", "median_wait_months"),
)
