"""What the pages and the JSON API both read (a leaf: no blueprint, no route).

The pages (web/pages.py, web/analyses.py, web/work.py) and the API
(web/api.py) run registered queries, draw the graph around a node and show an
entity through these, so both apply the same names policy, contact rule,
result cache and parameter checks.
"""
from __future__ import annotations

from flask import current_app, g

from alumni_graph.queries import explore
from alumni_graph.web import access, cache, get_store, graphview, param_error


def registry():
    """The query registry, imported on first use (the app runs without it)."""
    from alumni_graph.queries import REGISTRY, run_query

    return REGISTRY, run_query


def int_arg(args, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise param_error(name, raw, "must be a whole number / harus bilangan bulat") from None
    if not low <= value <= high:
        raise param_error(name, value, f"must be between {low} and {high} / harus antara {low} dan {high}")
    return value


def label_of(slug: str, param: str = "type") -> str:
    try:
        return graphview.LABELS[slug]
    except KeyError:
        raise param_error(param, slug, f"must be one of: {', '.join(graphview.LABELS)} / harus salah satu dari: {', '.join(graphview.LABELS)}") from None


def graph_filters(args) -> dict:
    """The explorer's narrowing filters from request arguments (shared with the page)."""
    types = set()
    for item in args.getlist("types"):
        for slug in item.split(","):
            if slug.strip():
                types.add(label_of(slug.strip(), "types"))
    return {
        "types": types or None,
        "program": (args.get("program") or "").strip() or None,
        "sector": (args.get("sector") or "").strip() or None,
        "year_from": int_arg(args, "year_from", None, 1900, 2200),
        "year_to": int_arg(args, "year_to", None, 1900, 2200),
    }


def run_registered(name: str, params: dict):
    """Run a query for the API, one page of its rows: ``offset`` skips rows and
    ``limit`` is the page size (a query's own ``limit`` parameter is that size,
    and the query then runs up to its maximum so that ``total`` counts every row)."""
    reg, run_query = registry()
    if name not in reg:
        from alumni_graph.graph_service.errors import NotFound

        raise NotFound("no such query", [{"param": "name", "message": f"known: {', '.join(reg)}"}])
    from alumni_graph.web import names

    query = reg[name]
    params = dict(params)
    offset = int_arg(params, "offset", 0, 0, 1_000_000)
    params.pop("offset", None)
    own = next((p for p in query.params if p.name == "limit"), None)
    if own is None:
        limit = int_arg(params, "limit", 1000, 1, 5000)
        params.pop("limit", None)
        run_params = params
    else:
        limit = query.validate(params)["limit"]  # the caller's page size, checked by the query
        run_params = {**params, "limit": own.max}
    role = access.current_role()
    key = _params_key(query, run_params)
    names_all = names.names_all(name, role)

    def compute() -> dict:
        # The query's own answer is computed once for every role (web/cache.py) ...
        result = cache.unfiltered(name, key, names_all, lambda: run_query(
            get_store(), name, run_params, names_all=names_all).as_dict())
        # ... and the one names policy (web/names.py) applied for this role:
        # every page, JSON route and export that runs a query gets its rows through it.
        names.apply(name, result, role, get_store(), as_of=result["params"].get("as_of"))
        return result

    # Reused until the data changes (web/cache.py): by query, validated
    # parameters, the role's view and the store's version.
    result = cache.query_result(name, key, compute)
    if own is not None:
        result["params"]["limit"] = limit
    rows = result["rows"]
    page = rows[offset:offset + limit]
    # The API's envelope calls the query's name "query".
    return {"query": result["name"], "params": result["params"], "columns": result["columns"],
            "count": len(page), "total": len(rows), "offset": offset, "limit": limit,
            "next_offset": offset + limit if offset + limit < len(rows) else None,
            "rows": page, "meta": result["meta"]}


def _params_key(query, params: dict) -> str | None:
    """The validated parameters (defaults filled in) as a cache key; None when
    they do not validate as given (an employer by name: resolved by the run)."""
    from alumni_graph.graph_service.errors import ParameterError

    try:
        return cache.params_key(query.validate(params))
    except ParameterError:
        return None


def entity_payload(label: str, key: str, max_relationships: int = explore.MAX_RELATIONSHIPS,
                   offsets: dict | None = None, current_on: str | None = None) -> dict:
    """An entity with the person's contact block applied (consent, then policy);
    at most ``max_relationships`` relationships of each kind, from ``offsets``
    (explore.entity)."""
    want_contact = label == "Person" and access.contact_policy() != "hidden"
    ent = explore.entity(get_store(), label, key, include_contact=want_contact,
                         names=access.name_policy(), max_relationships=max_relationships,
                         offsets=offsets, current_on=current_on)
    if label == "Person":
        props = ent["properties"]
        ent["contact"] = access.person_contact(props)
        for field in explore.CONTACT_FIELDS:
            props.pop(field, None)
    ent["url"] = graphview.detail_url(label, ent["key"])
    for rel in ent["relationships"]:
        other = rel["other"]
        other["url"] = None if other.get("redacted") else graphview.detail_url(other["type"], other["key"])
    return ent


def around_graph(label: str, key: str, args) -> dict:
    """The explorer's drawing data around one node (shared with the graph page)."""
    cfg = current_app.config
    depth = int_arg(args, "depth", 1, 1, explore.MAX_DEPTH)
    max_nodes = int_arg(args, "max_nodes", cfg["GRAPH_MAX_NODES"], 1, cfg["GRAPH_MAX_NODES"])
    sub = explore.around(get_store(), label, key, depth=depth, max_nodes=max_nodes,
                         max_edges=cfg["GRAPH_MAX_EDGES"], filters=graph_filters(args),
                         names=access.name_policy())
    return graphview.build(sub, g.lang, layout_threshold=cfg["GRAPH_LAYOUT_THRESHOLD"])
