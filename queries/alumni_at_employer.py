"""``alumni_at_employer``: the alumni who work (or worked) at one employer.

The rules, as implemented here and in ``alumni_at_employer.cypher``:

* One row per job (WORKS_AT) of an alumnus (a person with a graduation year)
  at the employer that has started by ``as_of``; with ``npsn`` only alumni of
  that school. ``current_only`` (default true) keeps the current jobs
  (:mod:`queries.rules`).
* Columns: nisn, name, school, programme, graduation year, job title, since
  (start), until (end), current, consent flag. Contact details (phone, email)
  are never part of this query.
* An alumnus who has not consented to be contacted appears without NISN and
  name (counted, never named).
* Order: current jobs first, then graduation year (most recent first), then
  NISN, then start date.
"""
from __future__ import annotations

from alumni_graph.queries.framework import Param, Query, is_neo4j, read_cypher, require_node, today
from alumni_graph.queries.rules import consented, is_alumnus, job_is_current, started

COLUMNS = ("nisn", "name", "school_npsn", "program", "graduation_year", "title", "since",
           "until", "current", "consent_contact")

PARAMS = (
    Param("employer", "str", required=True, upper=True, pattern=r"[A-Z0-9][A-Z0-9-]{0,99}",
          pattern_help="an employer code (letters, digits, -) / kode DU/DI (huruf, angka, -)",
          help="kode DU/DI / the employer's code"),
    Param("npsn", "str", pattern=r"\d{8}", pattern_help="must be 8 digits / harus 8 digit",
          help="hanya alumni sekolah ini / only alumni of this school"),
    Param("current_only", "bool", default=True,
          help="hanya yang masih bekerja di sana / only those who work there now"),
    Param("as_of", "date", default=today,
          help="tanggal acuan (default hari ini) / reference date (default today)"),
)


def alumni_at_employer(G, *, employer: str, as_of: str, npsn: str | None = None,
                       current_only: bool = True) -> list[dict]:
    """The alumni jobs at one employer, on a networkx graph.

    The networkx twin of ``alumni_at_employer.cypher``; the rules are in the
    module docstring.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the embedded layout (``store.graph()``).
    employer : str
        The employer's code.
    as_of : str
        Reference date ``YYYY-MM-DD``.
    npsn : str, optional
        Only alumni of this school.
    current_only : bool
        Only current jobs.

    Returns
    -------
    list of dict
        Rows with the keys in :data:`COLUMNS`.

    Raises
    ------
    NotFound
        The employer (or the school given as ``npsn``) does not exist.

    Examples
    --------
    >>> rows = alumni_at_employer(G, employer="E01", as_of="2025-07-01")
    >>> [(r["program"], r["graduation_year"], r["current"]) for r in rows][:1]
    [('TKR', 2022, True)]
    """
    from alumni_graph.graph_service.errors import NotFound

    e = f"Employer:{employer}"
    for nid, param, what in ((e, "employer", "employer"),
                             (None if npsn is None else f"School:{npsn}", "npsn", "school")):
        if nid is not None and nid not in G:
            raise NotFound(f"{param}: no {what} with this key / {param}: tidak ditemukan",
                           [{"param": param, "message": f"no such {what}"}])
    found = []
    for pid, _, job in G.in_edges(e, data=True):
        person = G.nodes[pid]
        if job["type"] != "WORKS_AT" or not is_alumnus(person) or not started(job, as_of):
            continue
        if npsn is not None and person.get("school_npsn") != npsn:
            continue
        current = job_is_current(job, as_of)
        if current_only and not current:
            continue
        shown = consented(person, as_of)
        found.append(((not current, -person["graduation_year"], person.get("nisn"), job.get("start")), {
            "nisn": person.get("nisn") if shown else None,
            "name": person.get("name") if shown else None,
            "school_npsn": person.get("school_npsn"),
            "program": person.get("program_code"),
            "graduation_year": person.get("graduation_year"),
            "title": job.get("title"),
            "since": job.get("start"),
            "until": job.get("end"),
            "current": current,
            "consent_contact": shown,
        }))
    found.sort(key=lambda f: f[0])
    return [row for _, row in found]


def cypher_params(params: dict, weights: dict | None = None) -> dict:
    """The parameters of ``alumni_at_employer.cypher`` for validated ``params``."""
    return dict(params)


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Dispatch: Cypher on Neo4j, the networkx twin elsewhere."""
    if not is_neo4j(store):
        return alumni_at_employer(store.graph(), **params), {}
    require_node(store, "Employer", (params["employer"],), "employer", "employer")
    if params["npsn"] is not None:
        require_node(store, "School", (params["npsn"],), "npsn", "school")
    return read_cypher(store, "alumni_at_employer", cypher_params(params)), {}


QUERY = Query(
    name="alumni_at_employer",
    title_id="Alumni di DU/DI",
    title_en="Alumni at an employer",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    description="The alumni who work (or worked) at one employer; contact details are never "
                "shown. / Alumni yang bekerja (atau pernah) di satu DU/DI; kontak tidak pernah "
                "ditampilkan.",
)
