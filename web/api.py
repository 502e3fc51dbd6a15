"""The JSON API, ``/api/v1``. Every answer is an envelope: ``{"ok": true, ...}``
or ``{"ok": false, "error", "errors", "status"}`` (see ``web._error_response``).

Each view declares its OpenAPI fragment with :func:`web.openapi.doc`; the
document at ``/api/v1/openapi.json`` is generated from those, the URL map and
the query registry, so it cannot drift from the routes.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, current_app, g, jsonify, request

from alumni_graph.graph_service.errors import NotFound
from alumni_graph.queries import explore
from alumni_graph.web import access, cache, get_store, graphview, i18n, param_error
from alumni_graph.web.openapi import doc, openapi_document
from alumni_graph.web.shared import (
    around_graph, entity_payload, graph_filters, int_arg, label_of, registry, run_registered,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


# -- ETags: a GET answer's version is the store's version ----------------------------

#: Per process: a restart (perhaps with new code) changes every ETag.
_ETAG_SALT = secrets.token_hex(8)


def _etag(version: str) -> str:
    """The ETag of this GET for this user and language at store ``version``."""
    user = g.get("user") or {}
    key = "\x1f".join([_ETAG_SALT, version, request.full_path, str(user.get("id")),
                        str(user.get("role")), g.get("lang") or ""])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@bp.before_request
def _store_version():
    g.etag_version = None
    if request.method == "GET" and g.get("user") is not None:
        g.etag_version = get_store().version()


@bp.after_request
def _etag_or_not_modified(response):
    """A 200 GET gets the ETag of the store's version; a request whose
    ``If-None-Match`` holds it gets a 304 instead (only after the view ran:
    its role checks and audit come first, so a 304 tells nothing a 200 would not)."""
    version = g.get("etag_version")
    if not version or response.status_code != 200 or request.method != "GET":
        return response
    if get_store().version() != version:  # a commit came in while the answer was made
        return response
    etag = _etag(version)
    if request.if_none_match and request.if_none_match.contains(etag) or (
            request.if_none_match and request.if_none_match.star_tag):
        not_modified = current_app.response_class(status=304)
        not_modified.set_etag(etag)
        return not_modified
    response.set_etag(etag)
    return response


def ok(**payload):
    return jsonify({"ok": True, **payload})


def json_body():
    """The request's JSON body: None when there is none; a 400 that says so
    when it is not valid JSON."""
    if not request.get_data(cache=True):
        return None
    body = request.get_json(silent=True, force=True)
    if body is None:
        raise param_error("body", None, i18n.translate(g.lang, "api_bad_json"))
    return body


# -- registry -------------------------------------------------------------------

@bp.get("/queries")
@access.requires("bkk", "humas", "admin", "viewer")
@doc("The registered queries: names, titles, parameters and columns.", response="Queries")
def queries():
    reg, _ = registry()
    return ok(queries=[q.describe() for q in reg.values() if access.may_run(q.name)])


@bp.route("/query/<name>", methods=["GET", "POST"])
@access.requires("bkk", "humas", "admin", "viewer")
@doc("Run a registered query.", expand="queries", response="QueryResult")
def query(name: str):
    reg, _ = registry()
    if name in reg:  # (an unknown name is a 404 below, for every role)
        access.require_query(name)
    if request.method == "POST":
        body = json_body()
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise param_error("body", type(body).__name__, "must be a JSON object of parameters")
        params = dict(body)
    else:
        params = request.args.to_dict()
    return ok(**run_registered(name, params))


# -- entities and search --------------------------------------------------------

@bp.get("/search")
@access.requires("bkk", "humas", "admin", "viewer")
@doc("Autocomplete: nodes whose name contains q or whose key starts with it.",
     params=[("q", "string", True, "at least 2 characters"),
             ("limit", "integer", False, "1-50, default 10"),
             ("types", "string", False, "comma-separated: school, programme, person, employer")],
     response="Search")
def search():
    q = request.args.get("q", "")
    if len(q) > 100:
        raise param_error("q", q, "at most 100 characters")
    limit = int_arg(request.args, "limit", 10, 1, 50)
    types = graph_filters(request.args)["types"]
    return ok(q=q, results=explore.search(get_store(), q, limit, types=sorted(types) if types else None,
                                          names=access.name_policy()))


@bp.get("/employer/<code>")
@access.requires("bkk", "humas", "admin", "viewer")
@doc("An employer and its relationships.", response="Entity")
def employer(code: str):
    return ok(entity=entity_payload("Employer", code))


#: The one answer for a person who does not exist or may not be shown (no oracle).
PERSON_NOT_FOUND = "no student/alumnus with that key / siswa/alumni tidak ditemukan"


@bp.get("/person/<nisn>")
@access.requires("bkk", "humas", "admin")
@doc("A student or alumnus; contact details only with consent: in full for bkk and admin "
     "(audit-logged), masked for humas.", response="Entity")
def person(nisn: str):
    from alumni_graph.security.subject import check_nisn

    nisn = check_nisn(nisn)  # "abc" is a 400, not a lookup
    try:
        ent = entity_payload("Person", nisn)
    except NotFound:
        ent = None
    if ent is None or not access.name_policy().reveals(ent["properties"]):
        # humas sees people only with display consent (boleh_ditampilkan),
        # as everywhere else (web/names.py); knowing a NISN must not get
        # around that, nor tell whether that NISN exists: the same 404.
        raise NotFound(PERSON_NOT_FOUND)
    access.audit("view_person", nisn=ent["key"], detail={"contact": access.contact_policy()})
    return ok(entity=ent)


@bp.get("/school/<npsn>")
@access.requires("bkk", "humas", "admin", "viewer")
@doc("A school and its relationships.", response="Entity")
def school(npsn: str):
    return ok(entity=entity_payload("School", npsn))


@bp.get("/programme/<npsn>/<code>")
@access.requires("bkk", "humas", "admin", "viewer")
@doc("A programme of a school and its relationships.", response="Entity")
def programme(npsn: str, code: str):
    return ok(entity=entity_payload("Program", f"{npsn}/{code}"))


@bp.get("/schools")
@access.requires("bkk", "humas", "admin", "viewer")
@doc("Every school with its programmes (for selectors).", response="Schools")
def schools():
    return ok(schools=cache.schools())


@bp.get("/overview")
@access.requires("bkk", "humas", "admin", "viewer")
@doc("The home page's numbers for one school or all.",
     params=[("npsn", "string", False, "a school; all schools when absent"),
             ("as_of", "string", False, "YYYY-MM-DD, default today")],
     response="Overview")
def overview():
    npsn = request.args.get("npsn") or None
    return ok(overview=cache.overview(npsn, request.args.get("as_of") or None))


# -- graph ------------------------------------------------------------------------

GRAPH_FILTER_PARAMS = [
    ("types", "string", False, "comma-separated node types to keep"),
    ("program", "string", False, "programme code (people and programmes)"),
    ("sector", "string", False, "KBLI section letter (employers)"),
    ("year_from", "integer", False, "graduated in or after"),
    ("year_to", "integer", False, "graduated in or before"),
]


@bp.get("/graph/around/<type>/<path:key>")
@access.requires("bkk", "humas", "admin", "viewer")
@doc("The subgraph around a node, capped; meta tells how many nodes there are in all.",
     params=[("depth", "integer", False, f"1-{explore.MAX_DEPTH}, default 1"),
             ("max_nodes", "integer", False, "at most the server's cap"),
             *GRAPH_FILTER_PARAMS],
     path_enums={"type": list(graphview.LABELS)}, response="Graph")
def around(type: str, key: str):  # noqa: A002 - the URL's name
    return ok(graph=around_graph(label_of(type), key, request.args))


@bp.get("/graph/between/<npsn>/<code>")
@access.requires("humas", "admin")
@doc("The evidence graph of a prospective partner: the school, the employer, "
     "the school's people who worked or interned there and their programmes.",
     response="Graph")
def between(npsn: str, code: str):
    cfg = current_app.config
    sub = explore.between(get_store(), npsn, code, max_nodes=cfg["GRAPH_MAX_NODES"],
                          max_edges=cfg["GRAPH_MAX_EDGES"], names=access.name_policy())
    return ok(graph=graphview.build(sub, g.lang, layout_threshold=cfg["GRAPH_LAYOUT_THRESHOLD"]))


@bp.get("/openapi.json")
@access.requires(*access.ANY_ROLE)
@doc("This document.", response=None)
def openapi():
    return jsonify(openapi_document(current_app))


# -- subject requests (UU PDP: access, correction, deletion; admin only) ------------

def _audit_log():
    return current_app.extensions["alumni_graph_audit"]


def _data_dir():
    return current_app.extensions["alumni_graph_data_dir"]


@bp.get("/subject/<nisn>/export")
@access.requires("admin")
@doc("Everything held about one person (by NISN): properties, relationships, the audit "
     "entries about them and the data-directory files that mention them.",
     response="SubjectExport")
def subject_export(nisn: str):
    from alumni_graph.security import subject

    nisn = subject.check_nisn(nisn)
    subject._person(get_store(), nisn)  # 404 before anything is logged
    access.audit("subject_export", nisn=nisn)
    data = subject.export_subject(get_store(), nisn, audit=_audit_log(), data_dir=_data_dir())
    resp = ok(subject=data)
    resp.headers["Content-Disposition"] = f'attachment; filename="subjek-{nisn}.json"'
    return resp


@bp.post("/subject/<nisn>/correct")
@access.requires("admin")
@doc("Correct one field of a person: body {field, value}; field from an allow-list, "
     "an empty value removes it.", response="SubjectCorrect",
     body={"type": "object", "required": ["field", "value"],
           "properties": {"field": {"type": "string"}, "value": {}}})
def subject_correct(nisn: str):
    from alumni_graph.security import subject

    nisn = subject.check_nisn(nisn)
    body = json_body()
    if not isinstance(body, dict) or "field" not in body:
        raise param_error("body", None, "must be a JSON object {field, value}")
    result = subject.correct_subject(get_store(), nisn, str(body.get("field")), body.get("value"))
    access.audit("subject_correct", nisn=nisn, detail={"field": result["field"]})
    return ok(result=result)


@bp.post("/subject/<nisn>/delete")
@access.requires("admin")
@doc("Delete a person everywhere: the node and its relationships, mentions in other "
     "properties, and every file of the data directory that holds their NISN, name, phone "
     "or email.", response="SubjectDelete")
def subject_delete(nisn: str):
    from alumni_graph.security import subject

    nisn = subject.check_nisn(nisn)
    subject._person(get_store(), nisn)
    report = subject.delete_subject(get_store(), nisn, data_dir=_data_dir())
    access.audit("subject_delete", nisn=nisn,
                 detail={"files_rewritten": len(report["files_rewritten"]),
                         "files_removed": len(report["files_removed"])})
    return ok(result=report)
