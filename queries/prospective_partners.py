"""``prospective_partners``: calon mitra DU/DI for Humas.

Employers a school can reach (through its alumni and its students'
internships) but has no active partnership with on ``as_of``. The rules, as
implemented here and in ``prospective_partners.cypher``:

* The school's people are the persons whose ``school_npsn`` is the school's
  NPSN; with ``program`` only those whose ``program_code`` is that code.
  Evidence from other schools never counts.
* ``current_alumni``: the school's alumni (persons with a graduation year) with
  a current job there; ``past_alumni``: alumni with a job there that has ended
  and no current one; ``internships``: internship placements there (students'
  and alumni's; two internships of one person count twice). Jobs and
  internships that start after ``as_of`` are ignored, and so are students' jobs.
  See :mod:`queries.rules` for "current".
* Excluded: employers with an **active** partnership (on ``as_of``, end date
  inclusive) with the school or with any of its programmes, whatever
  ``program`` is. A partnership with another school does not exclude.
* ``former_partner``: the school or one of its programmes had a partnership
  with the employer that has ended. A former partner is listed even when no
  person evidence remains (Humas may revive it).
* ``aligned``: the employer's KBLI section is in the ``bidang`` of the school's
  programmes (of the chosen programme when ``program`` is given).
* ``last_contact``: the school's latest CONTACTED date on or before ``as_of``.
* ``champions``: up to 3 alumni who consented to be contacted and work there
  now, most recent graduation year first, then NISN; each as NISN, name, programme
  and graduation year. Alumni without consent are counted, never named.
* ``recommended_program``: among the programmes with current alumni or
  internships there, the one with most current alumni, then most internships,
  then the smallest code; None when there is none.
* ``category``: ``former_partner``, else ``alumni_employer`` (current alumni),
  else ``internship_host``, else ``past_alumni_only``.
* ``score`` = 3 x current_alumni + 1 x past_alumni + 2 x internships + 1 if
  aligned (:data:`WEIGHTS`).
* Employers with neither person evidence nor a former partnership are not
  listed. Order: score descending, then name, then code; at most ``limit`` rows.
"""
from __future__ import annotations

from alumni_graph.queries.analytics import person_nodes, require_scope, require_scope_in
from alumni_graph.queries.framework import (
    Param, Query, is_neo4j, merge_weights, read_cypher, today,
)
from alumni_graph.queries.rules import (
    consented,
    is_alumnus,
    job_is_current,
    job_is_past,
    partnership_has_ended,
    partnership_is_active,
    started,
)

#: Default score weights; ``run_query(..., weights={...})`` overrides some or all.
WEIGHTS = {"current_alumni": 3, "past_alumni": 1, "internships": 2, "aligned": 1}
CATEGORIES = ("former_partner", "alumni_employer", "internship_host", "past_alumni_only")
MAX_CHAMPIONS = 3

COLUMNS = (
    "code", "name", "sector", "city", "category", "score", "current_alumni", "past_alumni",
    "internships", "aligned", "former_partner", "last_contact", "recommended_program",
    "champions",
)

PARAMS = (
    Param("npsn", "str", required=True, pattern=r"\d{8}",
          pattern_help="must be 8 digits / harus 8 digit",
          help="NPSN sekolah / the school's NPSN"),
    Param("program", "str", upper=True, pattern=r"[A-Z0-9][A-Z0-9_-]{0,19}",
          pattern_help="a programme code such as TKR / kode program seperti TKR",
          help="hanya bukti dari satu program (kode) / only evidence from one programme (code)"),
    Param("as_of", "date", default=today,
          help="tanggal acuan (default hari ini) / reference date (default today)"),
    Param("limit", "int", default=50, min=1, max=1000,
          help="jumlah baris maksimum / maximum number of rows"),
    Param("category", "choice", choices=CATEGORIES,
          help="hanya satu kategori / only one category"),
)


def prospective_partners(G, *, npsn: str, as_of: str, program: str | None = None,
                         limit: int = 50, category: str | None = None,
                         weights: dict | None = None) -> list[dict]:
    """Prospective partner employers of one school, on a networkx graph.

    The networkx twin of ``prospective_partners.cypher``; the rules are in the
    module docstring.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the embedded layout (``store.graph()``).
    npsn : str
        The school's NPSN.
    as_of : str
        Reference date ``YYYY-MM-DD``.
    program : str, optional
        Count only the evidence of this programme's people.
    limit : int
        At most this many rows.
    category : str, optional
        Keep only rows of this category.
    weights : dict, optional
        Score weights overriding :data:`WEIGHTS`.

    Returns
    -------
    list of dict
        One row per employer, with the keys in :data:`COLUMNS`, best first.

    Raises
    ------
    NotFound
        The school, or the programme at that school, does not exist.

    Examples
    --------
    >>> rows = prospective_partners(G, npsn="20300001", as_of="2025-07-01")
    >>> rows[0]["code"], rows[0]["category"], rows[0]["score"]
    ('E08', 'alumni_employer', 16)
    """
    require_scope_in(G, npsn, program)
    school_id = f"School:{npsn}"
    programs = {
        v: G.nodes[v] for _, v, t in G.out_edges(school_id, data="type") if t == "HAS_PROGRAM"
    }
    w = merge_weights(WEIGHTS, weights)

    # Sectors of the school's programmes (or of the chosen one).
    sectors = {s for p in programs.values() if program is None or p.get("code") == program
               for s in p.get("sectors") or []}

    # Partnerships of the school and of its programmes (program ignored: an
    # MoU with any programme concerns the whole school).
    active, ended = set(), set()
    for holder in [school_id, *programs]:
        for _, e, mou in G.out_edges(holder, data=True):
            if mou["type"] != "PARTNERS_WITH":
                continue
            if partnership_is_active(mou, as_of):
                active.add(e)
            if partnership_has_ended(mou, as_of):
                ended.add(e)

    # Person evidence, per employer and per person.
    evidence: dict[str, dict] = {}
    succ = G.succ  # adjacency dicts: no view objects in the hot loop
    for pid, person in person_nodes(G, npsn):  # from the programme hubs, not a scan
        if person.get("label") != "Person" or person.get("school_npsn") != npsn:
            continue
        if program is not None and person.get("program_code") != program:
            continue
        for e, keyed in succ[pid].items():
            rels = [r for r in keyed.values()
                    if r["type"] in ("WORKS_AT", "INTERNED_AT") and started(r, as_of)]
            if not rels:
                continue
            interned = sum(1 for r in rels if r["type"] == "INTERNED_AT")
            jobs = [r for r in rels if r["type"] == "WORKS_AT"] if is_alumnus(person) else []
            current = any(job_is_current(r, as_of) for r in jobs)
            past = not current and any(job_is_past(r, as_of) for r in jobs)
            ev = evidence.setdefault(e, {"current": 0, "past": 0, "internships": 0,
                                         "programs": {}, "champions": []})
            ev["current"] += current
            ev["past"] += past
            ev["internships"] += interned
            by_prog = ev["programs"].setdefault(person.get("program_code"), [0, 0])
            by_prog[0] += current
            by_prog[1] += interned
            if current and consented(person, as_of):
                ev["champions"].append(_champion(person))

    last_contact: dict[str, str] = {}
    for _, e, r in G.out_edges(school_id, data=True):
        when = r.get("date")
        if r["type"] == "CONTACTED" and when is not None and when <= as_of:
            last_contact[e] = max(when, last_contact.get(e, when))

    rows = []
    for e in set(evidence) | ended:
        if e in active:
            continue
        ev = evidence.get(e) or {"current": 0, "past": 0, "internships": 0,
                                 "programs": {}, "champions": []}
        former = e in ended
        if not (ev["current"] or ev["past"] or ev["internships"] or former):
            continue  # only students' jobs there: no evidence
        emp = G.nodes[e]
        aligned = emp.get("sector") in sectors
        cat = ("former_partner" if former else "alumni_employer" if ev["current"]
               else "internship_host" if ev["internships"] else "past_alumni_only")
        if category is not None and cat != category:
            continue
        rows.append({
            "code": emp.get("code"),
            "name": emp.get("name"),
            "sector": emp.get("sector"),
            "city": emp.get("city"),
            "category": cat,
            "score": (w["current_alumni"] * ev["current"] + w["past_alumni"] * ev["past"]
                      + w["internships"] * ev["internships"] + (w["aligned"] if aligned else 0)),
            "current_alumni": ev["current"],
            "past_alumni": ev["past"],
            "internships": ev["internships"],
            "aligned": aligned,
            "former_partner": former,
            "last_contact": last_contact.get(e),
            "programs": [{"program": k, "current": v[0], "internships": v[1]}
                         for k, v in ev["programs"].items()],
            "champions": ev["champions"],
        })
    return finish(rows, limit)


def _champion(person: dict) -> dict:
    return {"nisn": person.get("nisn"), "name": person.get("name"),
            "program": person.get("program_code"), "graduation_year": person.get("graduation_year")}


def finish(rows: list[dict], limit: int) -> list[dict]:
    """Shared by both implementations: pick champions and the recommended
    programme, order (score desc, name, code) and cut at ``limit``."""
    out = []
    for row in rows:
        row = dict(row)
        champs = sorted(row.pop("champions"), key=lambda c: (-c["graduation_year"], c["nisn"]))
        row["champions"] = [
            {"nisn": c["nisn"], "name": c["name"], "program": c["program"],
             "graduation_year": c["graduation_year"]}
            for c in champs[:MAX_CHAMPIONS]
        ]
        candidates = [p for p in row.pop("programs") if p["current"] or p["internships"]]
        candidates.sort(key=lambda p: (-p["current"], -p["internships"], p["program"] or ""))
        row["recommended_program"] = candidates[0]["program"] if candidates else None
        out.append({c: row[c] for c in COLUMNS})
    out.sort(key=lambda r: (-r["score"], r["name"] or "", r["code"]))
    return out[:limit]


def cypher_params(params: dict, weights: dict | None = None) -> dict:
    """The parameters of ``prospective_partners.cypher`` for validated ``params``."""
    return {"npsn": params["npsn"], "program": params["program"], "as_of": params["as_of"],
            "category": params["category"], "limit": params["limit"],
            "weights": merge_weights(WEIGHTS, weights)}


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Dispatch: Cypher on Neo4j, the networkx twin elsewhere."""
    if not is_neo4j(store):
        return prospective_partners(store.graph(), weights=weights, **params), {}
    require_scope(store, params)
    rows = read_cypher(store, "prospective_partners", cypher_params(params, weights))
    return finish(rows, params["limit"]), {}


QUERY = Query(
    name="prospective_partners",
    title_id="Calon mitra DU/DI",
    title_en="Prospective partner employers",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    description="Employers the school reaches through alumni and internships but has no "
                "active partnership with. / DU/DI yang terjangkau lewat alumni dan prakerin "
                "tetapi belum bermitra aktif.",
)
