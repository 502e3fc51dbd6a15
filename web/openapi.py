"""The OpenAPI 3.1 document of ``/api/v1``, generated at request time from
the app's URL map, each view's :func:`doc` declaration and the query registry.
A route without a declaration makes the document fail to build (and the
tests fail), so the document cannot silently drift from the API.
"""
from __future__ import annotations

import re

from alumni_graph.graph_service.schema import NODE_TYPES
from alumni_graph.web.access import QUERY_ROLES

_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def doc(summary: str, *, params=(), response: str | None = None, expand: str | None = None,
        path_enums: dict | None = None, body: dict | None = None, created: str | None = None,
        location: bool = False):
    """Attach an OpenAPI fragment to a view.

    ``params``: (name, type, required, description) query parameters;
    ``response``: a component schema name for the 200 answer;
    ``expand="queries"``: one path per registered query (``<name>`` filled in);
    ``body``: the JSON schema of a POST body;
    ``created``: the POST creates a record: ``"always"`` answers 201, ``"new"``
    201 when it created one and 200 when it updated one; ``location``: the
    201 carries a Location header (the new record's URL).
    """
    def decorate(view):
        view.openapi = {"summary": summary, "params": list(params), "response": response,
                        "expand": expand, "path_enums": path_enums or {}, "body": body,
                        "created": created, "location": location}
        return view

    return decorate


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _envelope(**props) -> dict:
    return {"type": "object", "required": ["ok", *props],
            "properties": {"ok": {"const": True}, **props}}


_NODE = {
    "type": "object", "required": ["id", "type", "key", "name"],
    "properties": {"id": {"type": "string"}, "type": {"enum": list(NODE_TYPES)},
                   "key": {"type": "string"}, "name": {"type": "string"}},
}
_OBJECTS = {"type": "array", "items": {"type": "object"}}

COMPONENTS = {
    "Error": {
        "type": "object", "required": ["ok", "error", "errors", "status"],
        "properties": {
            "ok": {"const": False}, "error": {"type": "string"},
            "errors": _OBJECTS, "status": {"type": "integer"},
        },
    },
    "Node": _NODE,
    "Queries": _envelope(queries=_OBJECTS),
    "QueryResult": _envelope(
        query={"type": "string"}, params={"type": "object"},
        columns={"type": "array", "items": {"type": "string"}}, rows=_OBJECTS,
        count={"type": "integer", "description": "rows in this page"},
        total={"type": "integer", "description": "rows in all pages"},
        offset={"type": "integer"}, limit={"type": "integer"},
        next_offset={"type": ["integer", "null"],
                     "description": "the offset of the next page; null on the last"},
        meta={"type": "object"},
    ),
    "Search": _envelope(q={"type": "string"}, results={"type": "array", "items": _NODE}),
    "Entity": _envelope(entity={
        "allOf": [_NODE, {"type": "object",
                          "required": ["properties", "relationships", "relationships_total",
                                       "relationship_counts"],
                          "properties": {"properties": {"type": "object"},
                                         "relationships": _OBJECTS,
                                         "relationships_total": {"type": "integer"},
                                         "relationship_counts": {
                                             "type": "object",
                                             "additionalProperties": {"type": "integer"},
                                             "description": "how many relationships of each kind "
                                                            "(\"WORKS_AT:in\"); at most 1,000 of "
                                                            "each kind are listed"}}}],
    }),
    "Schools": _envelope(schools=_OBJECTS),
    "SubjectExport": _envelope(subject={
        "type": "object", "required": ["nisn", "person", "relationships", "audit", "files"],
        "properties": {"nisn": {"type": "string"}, "person": {"type": "object"},
                       "relationships": _OBJECTS, "audit": _OBJECTS,
                       "files": {"type": "array", "items": {"type": "string"}}}}),
    "SubjectCorrect": _envelope(result={"type": "object", "required": ["nisn", "field", "changed"]}),
    "SubjectDelete": _envelope(result={
        "type": "object", "required": ["nisn_deleted", "files_rewritten", "files_removed"]}),
    "Overview": _envelope(overview={"type": "object", "required": ["alumni", "active_partners"]}),
    "Graph": _envelope(graph={
        "type": "object", "required": ["nodes", "edges", "options", "meta"],
        "properties": {
            "nodes": _OBJECTS, "edges": _OBJECTS, "options": {"type": "object"},
            "meta": {"type": "object", "required": ["shown_nodes", "total_nodes", "truncated"],
                     "properties": {"shown_nodes": {"type": "integer"},
                                    "total_nodes": {"type": "integer"},
                                    "truncated": {"type": "boolean"}}},
        },
    }),
}

#: Other spellings of the query framework's types (``queries.framework.column_schema``).
_TYPE_NAMES = {"string": "str", "text": "str", "integer": "int", "float": "number",
               "boolean": "bool"}


def _param_schema(p: dict) -> dict:
    """A registry parameter (``describe()['params']`` item) as a JSON schema."""
    from alumni_graph.queries.framework import SCALAR_TYPES, column_schema

    kind = str(p.get("type") or "string").lower()
    kind = _TYPE_NAMES.get(kind, kind)
    schema: dict = column_schema(kind if kind in SCALAR_TYPES else "str")
    choices = p.get("choices") or p.get("enum")
    if choices:
        schema = {"enum": list(choices)}
    for src, dst in (("min", "minimum"), ("max", "maximum"),
                     ("minimum", "minimum"), ("maximum", "maximum")):
        if p.get(src) is not None and "enum" not in schema:
            schema[dst] = p[src]
    if p.get("default") is not None and kind != "date":
        # (A date's default is today: a fixed date in the document would go stale
        # in every client generated from it.)
        schema["default"] = p["default"]
    return schema


#: The generic paging parameters of every query operation (``web.api.page``):
#: a query's own ``limit`` parameter is its page size.
PAGE_PARAMS = [
    {"name": "limit", "type": "int", "min": 1, "max": 5000, "default": 1000,
     "help": "rows per page"},
    {"name": "offset", "type": "int", "min": 0, "max": 1_000_000, "default": 0,
     "help": "rows to skip (the envelope's next_offset gives the next page)"},
]


def query_params(described: dict) -> list[dict]:
    """A query's parameters plus the paging ones it lacks."""
    own = list(described.get("params") or [])
    names = {p["name"] for p in own}
    return own + [p for p in PAGE_PARAMS if p["name"] not in names]


def query_components() -> dict:
    """Per query: its row schema and its result envelope with typed rows."""
    from alumni_graph.queries import REGISTRY

    out = {}
    for name, q in REGISTRY.items():
        row = q.row_schema()
        out[f"{name}_row"] = row
        # The generic envelope with typed rows (a whole schema, not allOf: generators
        # do not merge a property's two definitions).
        base = COMPONENTS["QueryResult"]
        out[f"{name}_result"] = {**base, "properties": {
            **base["properties"], "rows": {"type": "array", "items": _ref(f"{name}_row")}}}
    return out


def _errors(*codes: int) -> dict:
    text = {304: "Not modified (If-None-Match matched the ETag: the store has not changed)",
            400: "Invalid parameter (named in errors), or a missing CSRF token",
            401: "Not logged in: send Authorization: Bearer <token>",
            403: "The user's role may not use this operation", 404: "Not found",
            503: "Store unreachable"}
    return {str(c): ({"description": text[c]} if c == 304 else
                     {"description": text[c],
                      "content": {"application/json": {"schema": _ref("Error")}}}) for c in codes}


def _operation(view, spec: dict, summary: str, parameters: list, response: str | None,
               method: str, body: dict | None = None, roles: tuple | None = None) -> dict:
    op = {
        "summary": summary,
        "operationId": f"{view.__name__}_{method}",
        "parameters": parameters,
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": _ref(response) if response else {"type": "object"}}}}},
    }
    if response:
        op["responses"].update(_errors(400, 404, 503))
    if method.endswith("get") and response:
        op["responses"]["200"]["headers"] = {"ETag": {
            "description": "The answer's version: send it back in If-None-Match for a 304 "
                           "while the store has not changed", "schema": {"type": "string"}}}
        op["responses"].update(_errors(304))
        op["parameters"] = [*parameters, {"name": "If-None-Match", "in": "header",
                                          "required": False, "schema": {"type": "string"}}]
    op["responses"]["405"] = {"description": "Method not allowed (the Allow header lists "
                                             "the allowed ones)"}
    op["responses"].update(_errors(401, 403))
    if roles is None:
        roles = getattr(view, "required_roles", None)
    if roles:
        op["x-roles"] = list(roles)
    if spec.get("created") and not method.endswith("get"):
        ok = op["responses"].pop("200")
        created = {**ok, "description": "Created"}
        if spec.get("location"):
            created["headers"] = {"Location": {"description": "The new record's URL",
                                               "schema": {"type": "string"}}}
        op["responses"] = {"201": created, **({"200": {**ok, "description": "Updated (nothing new created)"}}
                                              if spec["created"] == "new" else {}), **op["responses"]}
    if body is not None:
        op["requestBody"] = {"required": False,
                             "content": {"application/json": {"schema": body}}}
    return op


def openapi_document(app) -> dict:
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        spec = getattr(view, "openapi", None)
        if spec is None:
            raise RuntimeError(f"API route {rule.rule} has no @doc declaration")
        methods = sorted(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
        if spec["expand"] == "queries":
            from alumni_graph.queries import REGISTRY

            for name, q in REGISTRY.items():
                d = q.describe()
                params = query_params(d)
                path = _ARG.sub(lambda m: name if m.group(1) == "name" else "{%s}" % m.group(1),
                                rule.rule)
                title = d.get("title_en") or d.get("title") or name
                ops = {}
                for method in methods:
                    if method == "get":
                        parameters = [{"name": p["name"], "in": "query",
                                       "required": bool(p.get("required")),
                                       "schema": _param_schema(p)} for p in params]
                        ops[method] = _operation(view, spec, title, parameters,
                                                 f"{name}_result", f"{name}_get",
                                                 roles=QUERY_ROLES.get(name, ()))
                    else:
                        body = {"type": "object",
                                "properties": {p["name"]: _param_schema(p) for p in params},
                                "required": [p["name"] for p in params if p.get("required")]}
                        ops[method] = _operation(view, spec, title, [], f"{name}_result",
                                                 f"{name}_post", body,
                                                 roles=QUERY_ROLES.get(name, ()))
                paths[path] = ops
            continue
        path = _ARG.sub(lambda m: "{%s}" % m.group(1), rule.rule)
        parameters = [
            {"name": arg, "in": "path", "required": True,
             "schema": ({"enum": spec["path_enums"][arg]} if arg in spec["path_enums"]
                        else {"type": "string", "minLength": 1})}
            for arg in _ARG.findall(rule.rule)
        ]
        for name, kind, required, description in spec["params"]:
            parameters.append({"name": name, "in": "query", "required": required,
                               "description": description, "schema": {"type": kind}})
        paths[path] = {m: _operation(view, spec, spec["summary"], parameters, spec["response"], m,
                                     spec.get("body") if m != "get" else None)
                       for m in methods}
    return {
        "openapi": "3.1.0",
        "info": {"title": "alumni-graph API", "version": "1",
                 "description": "JSON API of the SMK alumni network (reads, and the admin's "
                                "subject requests). Every call needs a per-user token "
                                "(Authorization: Bearer; `alumni-graph user token NAME`); "
                                "x-roles lists the roles an operation allows. Every answer "
                                "is an envelope with ok true or false."},
        "paths": paths,
        "security": [{"bearer": []}],
        "components": {"schemas": {**COMPONENTS, **query_components()},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
