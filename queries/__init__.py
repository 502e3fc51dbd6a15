"""Named queries for BKK and Humas, each in Cypher (Neo4j) and networkx (embedded).

>>> from alumni_graph.queries import REGISTRY, run_query, format_result
>>> result = run_query(store, "alumni_at_employer", {"employer": "E01", "as_of": "2025-07-01"})
>>> print(format_result(result, "table"))
nisn        name          school_npsn  program  graduation_year  title            since       until       current  consent_contact
----------  ------------  -----------  -------  ---------------  ---------------  ----------  ----------  -------  ---------------
0000000108  Hadi Kontrak  20300001     TKR      2022             Mekanik kontrak  2022-08-01  2025-12-31  true     true
0000000103  Citra Alumni  20300001     TKR      2020             Mekanik          2020-08-01              true     true
0000000115  Nina Mesin    20300001     TKR      2020             Mekanik          2021-01-04              true     true
0000000116  Oki Senior    20300001     TKR      2018             Kepala bengkel   2018-08-01              true     true
(4 rows / baris)

* ``prospective_partners``: calon mitra DU/DI (Humas).
* ``referral_paths``: who can introduce a student to an employer (BKK).
* ``alumni_at_employer``: the alumni working at one employer.

Each query has ``queries/<name>.cypher`` and its networkx twin, a plain
function ``<name>(G, *, ...)`` in ``queries/<name>.py``; :func:`run_query`
validates the parameters and picks the implementation by ``store.backend``.
See ``queries/README.md``.
"""
from __future__ import annotations

from collections.abc import Mapping

from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.queries.framework import Param, Query, QueryResult, format_result
from alumni_graph.queries import alumni_at_employer, prospective_partners, referral_paths
from alumni_graph.queries import (alumni_register, industry_clusters, internship_monitoring, key_connectors,
                     program_alignment, tracer_summary, untraced_reach)
from alumni_graph.queries import work

REGISTRY: dict[str, Query] = {
    q.name: q for q in (prospective_partners.QUERY, referral_paths.QUERY, alumni_at_employer.QUERY,
                        tracer_summary.QUERY, program_alignment.QUERY,
                        internship_monitoring.QUERY, internship_monitoring.HOSTS_QUERY,
                        alumni_register.QUERY, untraced_reach.QUERY, key_connectors.QUERY,
                        industry_clusters.QUERY, *work.QUERIES)
}


def run_query(store, name: str, params: dict | None = None, *,
              weights: dict | None = None, names_all: bool = False) -> QueryResult:
    """Validate ``params`` and run the query ``name`` on ``store``.

    Parameters
    ----------
    store : graph_service.store.Store
        The embedded store or Neo4j.
    name : str
        A key of :data:`REGISTRY`.
    params : dict
        Raw values: strings (CLI, query string) or JSON values.
    weights : dict, optional
        Overrides of the query's default weights (``prospective_partners``:
        score weights; ``referral_paths``: relationship weights).
    names_all : bool
        Name people without contact consent too, in the queries that serve a
        staff duty (``Query.duty_names``: tracing, internship monitoring);
        ignored by the others. The web decides it per role (web/names.py).

    Raises
    ------
    NotFound
        No such query, or a person/employer/school named by a parameter is missing.
    ParameterError
        One or more parameters are invalid (``errors`` lists each).
    """
    query = REGISTRY.get(name)
    if query is None:
        raise NotFound(f"unknown query / query tidak dikenal; known: {', '.join(REGISTRY)}",
                       [{"param": "name", "message": "unknown query"}])
    if isinstance(params, Mapping) and isinstance(params.get("employer"), str) \
            and any(p.name == "employer" for p in query.params):
        params = _with_employer_code(query, store, params)
    return query.run(store, params, weights=weights, names_all=names_all)


def _with_employer_code(query, store, params: Mapping) -> Mapping:
    """``employer`` given by name or alias becomes its code. Parameters are
    checked first (no store work for a bad request); a value that is a
    valid code but names no employer, or that is not a code at all while the
    other parameters are fine, is looked up by name and alias."""
    text = params["employer"]
    try:
        checked = query.validate(params)
    except ParameterError as exc:
        if not exc.errors or any(e.get("param") != "employer" for e in exc.errors) \
                or not any(c.isalnum() for c in text):
            raise
    else:
        if store.get_node("Employer", (checked["employer"],)) is not None:
            return params
    return dict(params, employer=_employer_code(store, text))


def _employer_code(store, text: str) -> str:
    """An employer given by code, name or alias, as its code (one resolver:
    :func:`loaders.employers.resolve_employer`). Several matches are an error
    listing them; no match leaves the text for the query's own check."""
    from alumni_graph.loaders.employers import resolve_employer

    found = resolve_employer(store, text)
    if len(found) == 1:
        return found[0]["code"]
    if len(found) > 1:
        codes = ", ".join(e["code"] for e in found[:10])
        raise ParameterError(
            f"employer: several employers match / beberapa DU/DI cocok: {codes}",
            [{"param": "employer", "message": f"several employers match: {codes}"}])
    return text


__all__ = ["REGISTRY", "Param", "Query", "QueryResult", "format_result", "run_query"]
