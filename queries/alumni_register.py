"""``alumni_register``: the register of successful alumni (alumni sukses), and
:func:`set_featured`, the staff's way to mark one as a featured success.

The rules, as implemented here and in ``alumni_register.cypher``:

* One row per **current** job (WORKS_AT current on ``as_of``,
  :mod:`queries.rules`) of an alumnus graduated by ``as_of`` who consented to
  be contacted; an alumnus with two current jobs has two rows. Alumni without
  consent are never listed: ``meta.hidden`` counts those who match the filters.
* Filters: ``npsn``, ``program``, ``year_from`` / ``year_to`` (graduation
  year), ``employer`` (code), ``sector`` (KBLI section of the employer),
  ``featured_only``, ``min_tenure_months``.
* ``tenure_months``: whole months from the job's start to ``as_of``, floored
  (:func:`queries.analytics.whole_months`).
* ``featured``: the person's ``featured`` property is true (set by staff with
  :func:`set_featured`; loads never touch it).
* Contact details (phone, email) are never part of this query.
* Order: featured first, then longest tenure, then NISN, then start date; at
  most ``limit`` rows (``meta.total`` counts them all).
"""
from __future__ import annotations

import re

from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.queries.analytics import (
    NPSN_PARAM, PROGRAM_PARAM, as_of_param, check_range, in_scope, last_cohort, person_nodes,
    require_scope, whole_months,
)
from alumni_graph.queries.framework import Param, Query, is_neo4j, read_cypher, require_node
from alumni_graph.queries.rules import consented, job_is_current

COLUMNS = ("nisn", "name", "school_npsn", "program", "graduation_year", "employer_code",
           "employer_name", "sector", "city", "title", "since", "tenure_months", "aligned",
           "featured")

PARAMS = (
    NPSN_PARAM,
    PROGRAM_PARAM,
    Param("year_from", "int", min=1950, max=2100, help="lulus dari tahun / graduated from"),
    Param("year_to", "int", min=1950, max=2100, help="lulus sampai tahun / graduated up to"),
    Param("employer", "str", upper=True, pattern=r"[A-Z0-9][A-Z0-9-]{0,99}",
          pattern_help="an employer code (letters, digits, -) / kode DU/DI (huruf, angka, -)",
          help="hanya satu DU/DI (kode) / only one employer (code)"),
    Param("sector", "str", upper=True, pattern=r"[A-U]",
          pattern_help="a KBLI section letter A-U / huruf seksi KBLI A-U",
          help="bidang usaha (seksi KBLI) / sector (KBLI section)"),
    Param("featured_only", "bool", default=False,
          help="hanya alumni unggulan / only featured alumni"),
    Param("min_tenure_months", "int", default=0, min=0, max=1200,
          help="masa kerja minimal (bulan) / minimum tenure (months)"),
    Param("limit", "int", default=200, min=1, max=5000,
          help="jumlah baris maksimum / maximum number of rows"),
    as_of_param(),
)


def alumni_register(G, *, as_of: str, npsn: str | None = None, program: str | None = None,
                    year_from: int | None = None, year_to: int | None = None,
                    employer: str | None = None, sector: str | None = None,
                    featured_only: bool = False, min_tenure_months: int = 0,
                    limit: int = 200) -> tuple[list[dict], dict]:
    """The alumni register on a networkx graph (twin of ``alumni_register.cypher``).

    Returns
    -------
    tuple
        ``(rows, meta)``: rows with the keys in :data:`COLUMNS`; ``meta``
        with ``total`` (rows before the limit) and ``hidden`` (matching
        alumni without consent, counted, never named).

    Raises
    ------
    NotFound
        The school, the programme at that school, or the employer does not exist.

    Examples
    --------
    >>> rows, meta = alumni_register(G, npsn="20400001", as_of="2025-07-01")
    >>> [(r["name"], r["tenure_months"]) for r in rows][:1], meta["hidden"]
    ([('Lina Kode', 46)], 1)
    """
    for node, param, what in ((None if npsn is None else f"School:{npsn}", "npsn", "school"),
                              (None if employer is None else f"Employer:{employer}", "employer",
                               "employer")):
        if node is not None and node not in G:
            raise NotFound(f"{param}: no {what} with this key / {param}: tidak ditemukan",
                           [{"param": param, "message": f"no such {what}"}])
    if npsn is not None and program is not None and f"Program:{npsn}/{program}" not in G:
        raise NotFound("program: no such programme at this school / program tidak ditemukan",
                       [{"param": "program", "message": "no such programme at this school"}])
    cohort = last_cohort(as_of)
    rows, hidden = [], set()
    for pid, person in person_nodes(G, npsn):
        year = person.get("graduation_year")
        if year is None or year > cohort or not in_scope(person, npsn, program):
            continue
        if (year_from is not None and year < year_from) or (year_to is not None and year > year_to):
            continue
        if featured_only and person.get("featured") is not True:
            continue
        for _, e, r in G.out_edges(pid, data=True):
            emp = G.nodes[e]
            if r["type"] != "WORKS_AT" or not job_is_current(r, as_of):
                continue
            if (employer is not None and emp.get("code") != employer) or \
                    (sector is not None and emp.get("sector") != sector):
                continue
            tenure = whole_months(r["start"], as_of)
            if tenure < min_tenure_months:
                continue
            if not consented(person, as_of):
                hidden.add(pid)
                continue
            rows.append({
                "nisn": person.get("nisn"), "name": person.get("name"),
                "school_npsn": person.get("school_npsn"), "program": person.get("program_code"),
                "graduation_year": year, "employer_code": emp.get("code"),
                "employer_name": emp.get("name"), "sector": emp.get("sector"),
                "city": emp.get("city"), "title": r.get("title"), "since": r["start"],
                "tenure_months": tenure, "aligned": r.get("aligned"),
                "featured": person.get("featured") is True,
            })
    return finish(rows, len(hidden), limit)


def finish(rows: list[dict], hidden: int, limit: int) -> tuple[list[dict], dict]:
    """Shared by both implementations: order, limit, meta."""
    rows = sorted(({c: r[c] for c in COLUMNS} for r in rows),
                  key=lambda r: (not r["featured"], -r["tenure_months"], r["nisn"], r["since"]))
    return rows[:limit], {"total": len(rows), "hidden": hidden}


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Dispatch: Cypher on Neo4j, the networkx twin elsewhere."""
    check_range("year_from", params["year_from"], "year_to", params["year_to"])
    if not is_neo4j(store):
        return alumni_register(store.graph(), **params)
    require_scope(store, params)
    if params["employer"] is not None:
        require_node(store, "Employer", (params["employer"],), "employer", "employer")
    [found] = read_cypher(store, "alumni_register", {
        **{k: v for k, v in params.items() if k != "limit"},
        "last_cohort": last_cohort(params["as_of"]), "featured_prop": "featured"})
    return finish(found["rows"], found["hidden"], params["limit"])


def set_featured(store, nisn: str, featured: bool = True) -> dict:
    """Mark (or unmark) an alumnus as a featured success, on either store.

    A partial upsert of the Person node: every other property stays as it
    was, and later loads of the student file leave the flag alone.

    Parameters
    ----------
    store : graph_service.store.Store
    nisn : str
        The person's NISN (10 digits).
    featured : bool
        True to feature, False to remove the mark.

    Returns
    -------
    dict
        ``{"nisn": ..., "featured": ...}``.

    Raises
    ------
    ParameterError
        ``nisn`` is not 10 digits or ``featured`` is not a bool.
    NotFound
        No person has this NISN (the message never repeats it).
    """
    errors = []
    if not isinstance(nisn, str) or not re.fullmatch(r"\d{10}", nisn):
        errors.append({"param": "nisn", "message": "must be 10 digits / harus 10 digit"})
    if not isinstance(featured, bool):
        errors.append({"param": "featured", "message": "must be true or false / harus true/false"})
    if errors:
        raise ParameterError("invalid parameters for set_featured / parameter tidak valid", errors)
    if store.get_node("Person", (nisn,)) is None:
        raise NotFound("nisn: no person with this NISN / nisn: tidak ditemukan",
                       [{"param": "nisn", "message": "no such person"}])
    store.upsert_nodes("Person", [{"nisn": nisn, "featured": featured}], source="staff")
    return {"nisn": nisn, "featured": featured}


QUERY = Query(
    name="alumni_register",
    title_id="Daftar alumni sukses",
    title_en="Alumni register",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    description="Consenting alumni with a current job: programme, year, employer, title and "
                "tenure; featured alumni first. / Alumni yang bersedia dihubungi dan sedang "
                "bekerja: program, tahun, DU/DI, jabatan dan masa kerja; alumni unggulan di atas.",
    table_columns=("name", "program", "graduation_year", "employer_name", "title",
                   "tenure_months", "featured"),
)
