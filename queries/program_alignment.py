"""``program_alignment``: curriculum-sync gaps per programme (sinkronisasi kurikulum).

Where a programme's alumni actually work, against the sectors of its active
partners. The rules, as implemented here and in ``program_alignment.cypher``:

* One row per ``Program`` of the selected schools (``npsn``, ``program``).
* ``alumni_sectors``: the KBLI sections of the employers where the
  programme's alumni (graduated by ``as_of``) had a job during the last
  ``years`` years: a WORKS_AT that started by ``as_of`` and has no end or
  ends on or after the window start. Each alumnus counts once per section
  (two jobs in one section: once). ``alumni_in_window``: the distinct alumni
  with such a job; ``unknown_sector_alumni``: those of them with a job at an
  employer without a sector.
* ``partner_sectors``: the sections of the programme's **active** partners on
  ``as_of`` (:mod:`queries.rules`), each employer once. A partner is an
  employer with a PARTNERS_WITH from the programme itself or, with
  ``school_partners`` (default true), from its school when the employer's
  section is one of the programme's ``bidang`` (a school-wide MoU with a
  motor dealer is not a partner of the accounting programme). ``partners``:
  the number of such employers.
* ``gaps_no_partner``: sections where alumni work but no partner is
  ("alumni go to sector X, no partner in X"), most alumni first, then section;
  ``gaps_no_alumni``: sections with a partner but no alumni job in the window
  ("partner in sector Y, no alumni there in N years"), most partners first.
* ``curriculum_sync``: some partnership of the programme (same holder rule)
  lists ``sinkronisasi_kurikulum`` and is active at some time this calendar
  year up to ``as_of`` (started by ``as_of``, no end or ending on or after
  1 January); ``sync_partners`` counts those employers.
* Lists of sections are ordered by count (descending), then section letter.
* Order of rows: school NPSN, programme code.
"""
from __future__ import annotations

from alumni_graph.queries.analytics import (
    NPSN_PARAM, PROGRAM_PARAM, as_of_param, last_cohort, person_nodes, require_scope, require_scope_in,
    years_before,
)
from alumni_graph.queries.framework import Param, Query, is_neo4j, read_cypher
from alumni_graph.queries.rules import partnership_is_active, started

SYNC_KIND = "sinkronisasi_kurikulum"

COLUMNS = (
    "school_npsn", "program", "program_name", "program_sectors", "alumni_in_window",
    "alumni_sectors", "unknown_sector_alumni", "partners", "partner_sectors",
    "gaps_no_partner", "gaps_no_alumni", "curriculum_sync", "sync_partners",
)

PARAMS = (
    NPSN_PARAM,
    PROGRAM_PARAM,
    Param("years", "int", default=5, min=1, max=30,
          help="jendela tahun pekerjaan alumni / window of alumni jobs in years"),
    Param("school_partners", "bool", default=True,
          help="hitung mitra tingkat sekolah yang bidangnya sesuai / count school-wide partners "
               "in the programme's sectors"),
    as_of_param(),
)


def _window(as_of: str, years: int) -> dict:
    return {"window_start": years_before(as_of, years), "year_start": f"{as_of[:4]}-01-01",
            "last_cohort": last_cohort(as_of)}


def program_alignment(G, *, as_of: str, npsn: str | None = None, program: str | None = None,
                      years: int = 5, school_partners: bool = True) -> list[dict]:
    """Curriculum-sync gaps on a networkx graph (twin of ``program_alignment.cypher``).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the embedded layout (``store.graph()``).
    as_of : str
        Reference date ``YYYY-MM-DD``.
    npsn, program : str, optional
        Only this school / programme code.
    years : int
        The window of alumni jobs.
    school_partners : bool
        Count school-wide partners in the programme's sectors.

    Returns
    -------
    list of dict
        One row per programme, keys :data:`COLUMNS`.

    Raises
    ------
    NotFound
        The school, or the programme at that school, does not exist.

    Examples
    --------
    >>> rows = program_alignment(G, npsn="20400001", as_of="2025-07-01")
    >>> [g["sector"] for g in rows[2]["gaps_no_partner"]]
    ['G', 'I']
    """
    require_scope_in(G, npsn, program)
    w = _window(as_of, years)
    # The alumni's sections in the window, per (school, programme).
    alumni: dict[tuple, dict] = {}
    for pid, person in person_nodes(G):
        year = person.get("graduation_year")
        if year is None or year > w["last_cohort"]:
            continue
        for _, e, r in G.out_edges(pid, data=True):
            if r["type"] != "WORKS_AT" or not started(r, as_of):
                continue
            if r.get("end") is not None and r["end"] < w["window_start"]:
                continue
            entry = alumni.setdefault((person.get("school_npsn"), person.get("program_code")),
                                      {"all": set(), "unknown": set(), "sectors": {}})
            entry["all"].add(pid)
            sector = G.nodes[e].get("sector")
            if sector is None:
                entry["unknown"].add(pid)
            else:
                entry["sectors"].setdefault(sector, set()).add(pid)
    rows = []
    for sid, school in G.nodes(data=True):
        if school.get("label") != "School" or (npsn is not None and school.get("npsn") != npsn):
            continue
        school_mous = [(e, m) for _, e, m in G.out_edges(sid, data=True)
                       if m["type"] == "PARTNERS_WITH"]
        for _, prid, t in G.out_edges(sid, data="type"):
            pr = G.nodes[prid]
            if t != "HAS_PROGRAM" or (program is not None and pr.get("code") != program):
                continue
            bidang = pr.get("sectors") or []
            mous = [(e, m) for _, e, m in G.out_edges(prid, data=True) if m["type"] == "PARTNERS_WITH"]
            if school_partners:
                mous += [(e, m) for e, m in school_mous if G.nodes[e].get("sector") in bidang]
            active = {e for e, m in mous if partnership_is_active(m, as_of)}
            sync = {e for e, m in mous if SYNC_KIND in (m.get("kinds") or [])
                    and started(m, as_of) and (m.get("end") is None or m["end"] >= w["year_start"])}
            partner_sectors: dict[str, int] = {}
            for e in active:
                sector = G.nodes[e].get("sector")
                if sector is not None:
                    partner_sectors[sector] = partner_sectors.get(sector, 0) + 1
            found = alumni.get((pr.get("school_npsn"), pr.get("code")),
                               {"all": (), "unknown": (), "sectors": {}})
            rows.append({
                "school_npsn": pr.get("school_npsn"), "program": pr.get("code"),
                "program_name": pr.get("name"), "program_sectors": list(bidang),
                "alumni_in_window": len(found["all"]),
                "alumni_sectors": [{"sector": s, "alumni": len(p)} for s, p in found["sectors"].items()],
                "unknown_sector_alumni": len(found["unknown"]),
                "partners": len(active),
                "partner_sectors": [{"sector": s, "partners": n} for s, n in partner_sectors.items()],
                "sync_partners": len(sync),
            })
    return finish(rows)


def _by_count(items: list[dict], field: str) -> list[dict]:
    return sorted(items, key=lambda i: (-i[field], i["sector"]))


def finish(rows: list[dict]) -> list[dict]:
    """Shared by both implementations: order the section lists, derive the
    gaps and the sync flag, order the rows."""
    out = []
    for row in rows:
        row = dict(row)
        row["alumni_sectors"] = _by_count(row["alumni_sectors"], "alumni")
        row["partner_sectors"] = _by_count(row["partner_sectors"], "partners")
        with_partner = {p["sector"] for p in row["partner_sectors"]}
        with_alumni = {a["sector"] for a in row["alumni_sectors"]}
        row["gaps_no_partner"] = [a for a in row["alumni_sectors"] if a["sector"] not in with_partner]
        row["gaps_no_alumni"] = [p for p in row["partner_sectors"] if p["sector"] not in with_alumni]
        row["program_sectors"] = list(row["program_sectors"] or [])
        row["curriculum_sync"] = row["sync_partners"] > 0
        out.append({c: row[c] for c in COLUMNS})
    out.sort(key=lambda r: (r["school_npsn"] or "", r["program"] or ""))
    return out


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Dispatch: Cypher on Neo4j, the networkx twin elsewhere."""
    w = _window(params["as_of"], params["years"])
    meta = {"window_start": w["window_start"], "year_start": w["year_start"]}
    if not is_neo4j(store):
        return program_alignment(store.graph(), **params), meta
    require_scope(store, params)
    rows = read_cypher(store, "program_alignment", {
        "npsn": params["npsn"], "program": params["program"], "as_of": params["as_of"],
        "school_partners": params["school_partners"], "sync_kind": SYNC_KIND, **w,
    })
    return finish(rows), meta


QUERY = Query(
    name="program_alignment",
    title_id="Keselarasan program dan industri",
    title_en="Programme-industry alignment",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    description="Per programme: the sectors where its alumni work, the sectors of its active "
                "partners, the gaps both ways and whether curriculum sync is active this year. / "
                "Per program: bidang tempat alumni bekerja, bidang mitra aktif, kesenjangan dua "
                "arah dan apakah sinkronisasi kurikulum aktif tahun ini.",
    table_columns=("school_npsn", "program", "alumni_in_window", "partners", "gaps_no_partner",
                   "gaps_no_alumni", "curriculum_sync"),
)
