"""The analyses pages (issue 6): one page per analysis, a table and a chart or
a graph drawn on the server as inline SVG (no script, no inline style: the
CSP allows neither), each with its JSON twin: the registry query behind it at
``/api/v1/query/<name>`` with the same parameters (linked in the footer).
The tracer summary also downloads as CSV/XLSX laid out for the annual report.

Like the rest of ``web``, a thin layer: parameters from the query string go
to the registry (``run_registered``), which validates them; the views only
shape rows into chart items. Every value reaches the page through Jinja's
autoescaping; the SVG carries numbers in attributes and names as text.
"""
from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, Response, g, render_template, request, url_for

from alumni_graph.web import access, cache, get_store, i18n
from alumni_graph.web.shared import registry, run_registered
from alumni_graph.web.exports import CSV_MIME, XLSX_MIME, to_csv, to_xlsx

bp = Blueprint("analyses", __name__, url_prefix="/analisis")

#: The pages: slug -> (view name, registry queries shown, template).
PAGES = (
    ("penelusuran", "tracer", ("tracer_summary",)),
    ("keselarasan", "alignment", ("program_alignment",)),
    ("prakerin", "internships", ("internship_monitoring", "internship_hosts")),
    ("penghubung", "connectors", ("key_connectors",)),
    ("klaster", "clusters", ("industry_clusters",)),
    ("tak-terlacak", "untraced", ("untraced_reach",)),
    ("alumni-sukses", "register", ("alumni_register",)),
)

def _t(key: str, **kwargs) -> str:
    return i18n.translate(getattr(g, "lang", i18n.DEFAULT_LANG), key, **kwargs)


@bp.context_processor
def _helpers():
    return {"pct": _pct}


@bp.app_context_processor
def _nav():
    """The base template's nav link (every page)."""
    return {"analyses_nav": lambda: _t("nav_analyses")}


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


# -- helpers ---------------------------------------------------------------------

def _title(name: str) -> str:
    reg, _ = registry()
    q = reg[name]
    return q.title_en if getattr(g, "lang", "id") == "en" else q.title_id


def _schools() -> list[dict]:
    return cache.schools()


def _params(name: str, *, school_default: bool = True) -> dict:
    """The query's parameters from the query string (others ignored); the
    first school when none is chosen, like the other pages."""
    reg, _ = registry()
    known = {p.name for p in reg[name].params}
    params = {k: v for k, v in request.args.items() if k in known and v.strip() != ""}
    if school_default and "npsn" in known and "npsn" not in request.args:
        schools = _schools()
        if schools:
            params["npsn"] = schools[0]["npsn"]
    return params


def _api_url(name: str, params: dict) -> str:
    return url_for("api.query", name=name, **params)


def _render(template: str, name: str, params: dict, **data):
    """Render a page whose JSON twin is the registry query ``name`` with ``params``."""
    return render_template(f"analyses/{template}", d=data, title=_title(name),
                           schools=_schools(), args=request.args,
                           json_url=_api_url(name, params))


def _bars(items, value, label, display=None, color=None) -> list[dict]:
    out = []
    for it in items:
        v = value(it)
        out.append({"label": label(it), "value": v or 0,
                    "display": display(it) if display else str(v),
                    "color": color(it) if color else "#1f6fb2"})
    return out


# -- index -----------------------------------------------------------------------

#: Pages of counts and employers only (no person named): viewers may see them too.
AGGREGATE_ROLES = tuple(r for r in ("bkk", "humas", "admin", "viewer") if r in access.ROLES)


@bp.get("/")
@access.requires(*AGGREGATE_ROLES)
def index():
    reg, _ = registry()
    lang = getattr(g, "lang", "id")
    pages = []
    for slug, view, names in PAGES:
        if not access.may_open(f"analyses.{view}"):
            continue  # a card only for the roles that may open the page
        q = reg[names[0]]
        pages.append({"url": url_for(f"analyses.{view}"), "title": _title(names[0]),
                      "help": q.description.split(" / ")[1 if lang == "id" else 0]
                      if " / " in q.description else q.description})
    return render_template("analyses/index.html", pages=pages, json_url=url_for("api.queries"))


# -- 1. tracer summary ---------------------------------------------------------------

def _tracer():
    params = _params("tracer_summary")
    result = run_registered("tracer_summary", params)
    per_program: dict[str, dict] = {}
    for row in result["rows"]:
        acc = per_program.setdefault(row["program"], {"program": row["program"], "alumni": 0,
                                                      "traced": 0, "absorbed": 0})
        acc["alumni"] += row["alumni"]
        acc["traced"] += row["traced"]
        acc["absorbed"] += row["bekerja"] + row["melanjutkan"] + row["wirausaha"]
    chart = []
    for p in per_program.values():
        chart.append({"label": f"{p['program']} · {_t('traced_rate')}",
                      "value": p["traced"] / p["alumni"] if p["alumni"] else 0,
                      "display": _pct(p["traced"] / p["alumni"] if p["alumni"] else None),
                      "color": "#1f6fb2"})
        chart.append({"label": f"{p['program']} · {_t('absorption_rate')}",
                      "value": p["absorbed"] / p["traced"] if p["traced"] else 0,
                      "display": _pct(p["absorbed"] / p["traced"] if p["traced"] else None),
                      "color": "#27ae60"})
    return params, result, chart


@bp.get("/penelusuran")
@access.requires(*access.QUERY_ROLES["tracer_summary"])
def tracer():
    params, result, chart = _tracer()
    return _render("tracer.html", "tracer_summary", params, result=result, chart=chart,
                   print_url=url_for("analyses.tracer_print", **request.args),
                   exports={"csv": url_for("analyses.tracer_csv", **request.args),
                            "xlsx": url_for("analyses.tracer_xlsx", **request.args)})


def _print_filters(params: dict, labels: dict) -> list[tuple[str, str]]:
    """The filters a printed page was made with, in words (the school is in its head)."""
    return [(_t(label), str(params[name])) for name, label in labels.items()
            if params.get(name) not in (None, "")]


@bp.get("/penelusuran/cetak")
@access.requires(*access.QUERY_ROLES["tracer_summary"])
def tracer_print():
    """The tracer summary laid out for paper: the school, the date, the
    filters, the totals, then one block per programme (its years as rows),
    each kept on one page where it fits."""
    params, result, _ = _tracer()
    programs: dict[str, dict] = {}
    for row in result["rows"]:
        block = programs.setdefault(row["program"], {"program": row["program"],
                                                     "name": row.get("program_name"), "rows": []})
        block["rows"].append(row)
    access.audit("print", target="penelusuran", detail={"rows": len(result["rows"])})
    return render_template("print/tracer.html", d={"result": result, "programs": list(programs.values()),
                                                   "npsn": params.get("npsn"), "schools": _schools(),
                                                   "back": url_for("analyses.tracer", **request.args),
                                                   "filters": _print_filters(params, {
                                                       "program": "program_code", "year_from": "an_year_from",
                                                       "year_to": "an_year_to", "as_of": "as_of"})},
                           title=_title("tracer_summary"))


def _tracer_export(fmt: str):
    from alumni_graph.queries.tracer_summary import report_rows

    params, result, _ = _tracer()
    headers, rows = report_rows(result["rows"])
    name = f"penelusuran-tamatan-{params.get('npsn') or 'semua'}-{dt.date.today().isoformat()}"
    if fmt == "csv":
        body, mime = to_csv(headers, rows), CSV_MIME
    else:
        body, mime = to_xlsx(headers, rows, "penelusuran"), XLSX_MIME
    return Response(body, mimetype=mime,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.get("/penelusuran.csv")
@access.requires(*access.QUERY_ROLES["tracer_summary"])
def tracer_csv():
    return _tracer_export("csv")


@bp.get("/penelusuran.xlsx")
@access.requires(*access.QUERY_ROLES["tracer_summary"])
def tracer_xlsx():
    return _tracer_export("xlsx")


# -- 2. programme alignment -------------------------------------------------------------

@bp.get("/keselarasan")
@access.requires(*access.QUERY_ROLES["program_alignment"])
def alignment():
    params = _params("program_alignment")
    result = run_registered("program_alignment", params)
    charts = []
    for row in result["rows"]:
        partnered = {p["sector"] for p in row["partner_sectors"]}
        charts.append(_bars(row["alumni_sectors"], lambda a: a["alumni"],
                            lambda a: f"{row['program']} · {a['sector']}",
                            color=lambda a: "#27ae60" if a["sector"] in partnered else "#c0392b"))
    return _render("alignment.html", "program_alignment", params, result=result, charts=charts)


# -- 3. internships ------------------------------------------------------------------------

@bp.get("/prakerin")
@access.requires(*access.QUERY_ROLES["internship_monitoring"])
def internships():
    params = _params("internship_monitoring")
    result = run_registered("internship_monitoring", params)
    host_params = _params("internship_hosts")
    hosts = run_registered("internship_hosts", host_params)
    chart = _bars(result["rows"], lambda r: r["under_monitored"],
                  lambda r: r["supervisor"] or _t("no_supervisor"), color=lambda r: "#e67e22")
    host_chart = _bars([h for h in hosts["rows"] if h["conversion_rate"] is not None][:20],
                       lambda h: h["conversion_rate"], lambda h: h["name"] or h["code"],
                       display=lambda h: _pct(h["conversion_rate"]),
                       color=lambda h: "#c0392b" if h["never_hired"] or h["low_score"] else "#1f6fb2")
    return _render("internships.html", "internship_monitoring", params, result=result,
                   chart=chart, hosts=hosts, host_chart=host_chart,
                   hosts_url=_api_url("internship_hosts", host_params),
                   print_url=url_for("analyses.internships_print", **request.args))


@bp.get("/prakerin/cetak")
@access.requires(*access.QUERY_ROLES["internship_monitoring"])
def internships_print():
    """The internship monitoring list for paper: per supervising teacher, the
    students still owed a visit (name as the names policy allows, programme,
    firm, dates, visits done of expected), one teacher's block per page
    where it fits, with a line to sign."""
    params = _params("internship_monitoring")
    result = run_registered("internship_monitoring", params)
    access.audit("print", target="prakerin", detail={"rows": len(result["rows"])})
    return render_template("print/internships.html", d={
        "result": result, "npsn": params.get("npsn"), "schools": _schools(),
        "back": url_for("analyses.internships", **request.args),
        "filters": _print_filters(params, {"program": "program_code", "years": "years",
                                           "min_visits": "min_visits_label", "as_of": "as_of"})},
        title=_title("internship_monitoring"))


# -- 4. key connectors ----------------------------------------------------------------

@bp.get("/penghubung")
@access.requires(*access.QUERY_ROLES["key_connectors"])
def connectors():
    params = _params("key_connectors")
    result = run_registered("key_connectors", params)
    top = max((r["betweenness"] for r in result["rows"]), default=0)
    chart = _bars(result["rows"], lambda r: r["betweenness"],
                  lambda r: r["name"] or f"{_t('an_unnamed')} {r['program']} {r['graduation_year']}",
                  display=lambda r: f"{(r['betweenness'] / top * 100) if top else 0:.0f}",
                  color=lambda r: "#27ae60" if r["name"] else "#95a5a6")
    return _render("connectors.html", "key_connectors", params, result=result, chart=chart, top=top)


# -- 5. industry clusters ------------------------------------------------------------------

def cluster_drawing(rows: list[dict], links: list[dict], size: int = 520) -> dict:
    """Circle layout of the clusters (area ~ employers) and their links, as
    numbers for the SVG. Deterministic: clusters in their order on a circle."""
    n = len(rows)
    centre, ring = size / 2, size / 2 - 70 if n > 1 else 0
    biggest = max((r["size"] for r in rows), default=1)
    nodes, at = [], {}
    for i, r in enumerate(rows):
        angle = 2 * math.pi * i / max(n, 1) - math.pi / 2
        x, y = centre + ring * math.cos(angle), centre + ring * math.sin(angle)
        radius = 8 + 42 * math.sqrt(r["size"] / biggest)
        at[r["cluster"]] = (x, y)
        top = r["top_sectors"][0]["sector"] if r["top_sectors"] else ""
        nodes.append({"x": round(x, 1), "y": round(y, 1), "r": round(radius, 1),
                      "label": f"{r['cluster']} · {top}", "size": r["size"],
                      "has_partner": r["has_partner"]})
    heaviest = max((link["weight"] for link in links), default=1)
    edges = []
    for link in links:
        if link["a"] in at and link["b"] in at:
            (x1, y1), (x2, y2) = at[link["a"]], at[link["b"]]
            edges.append({"x1": round(x1, 1), "y1": round(y1, 1), "x2": round(x2, 1),
                          "y2": round(y2, 1), "w": round(1 + 7 * link["weight"] / heaviest, 1),
                          "weight": link["weight"]})
    return {"size": size, "nodes": nodes, "edges": edges}


@bp.get("/klaster")
@access.requires(*access.QUERY_ROLES["industry_clusters"])
def clusters():
    params = _params("industry_clusters")
    result = run_registered("industry_clusters", params)
    drawing = cluster_drawing(result["rows"][:40], result["meta"].get("cluster_links") or [])
    return _render("clusters.html", "industry_clusters", params, result=result, drawing=drawing)


# -- 6. untraced reach ------------------------------------------------------------------------

@bp.get("/tak-terlacak")
@access.requires(*access.QUERY_ROLES["untraced_reach"])
def untraced():
    params = _params("untraced_reach")
    result = run_registered("untraced_reach", params)
    chart = _bars(result["meta"].get("top_reachers") or [], lambda c: c["reaches"],
                  lambda c: f"{c['name']} ({c['program']} {c['graduation_year']})",
                  color=lambda c: "#8e44ad")
    return _render("untraced.html", "untraced_reach", params, result=result, chart=chart)


# -- 7. alumni register ------------------------------------------------------------------------

@bp.get("/alumni-sukses")
@access.requires(*access.QUERY_ROLES["alumni_register"])
def register():
    params = _params("alumni_register")
    result = run_registered("alumni_register", params)
    # What a school means by "alumni sukses": the ones staff featured (with
    # evidence: their job, their employer); below them the candidates, the
    # ones whose work fits their programme first, then the longest in post.
    featured = [r for r in result["rows"] if r.get("featured")]
    candidates = sorted((r for r in result["rows"] if not r.get("featured")),
                        key=lambda r: (not r.get("aligned"), -(r.get("tenure_months") or 0)))
    counts: dict[str, int] = {}
    for row in result["rows"]:
        counts[row["program"]] = counts.get(row["program"], 0) + 1
    chart = [{"label": p, "value": n, "display": str(n), "color": "#18465e"}
             for p, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))]
    return _render("register.html", "alumni_register", params, result=result, chart=chart,
                   featured=featured, candidates=candidates,
                   may_feature=access.may_open("analyses.feature"))


@bp.post("/alumni-sukses/<nisn>/unggulan")
@access.requires(*access.QUERY_ROLES["alumni_register"])
def feature(nisn: str):
    """Feature (``on=1``) or unfeature an alumnus in the register; CSRF-checked
    by the gate, audited, then back to the page."""
    from flask import redirect

    from alumni_graph.queries.alumni_register import set_featured

    on = request.form.get("on") == "1"
    set_featured(get_store(), nisn, on)
    access.audit("feature_alumnus" if on else "unfeature_alumnus", nisn=nisn)
    back = request.form.get("next") or url_for("analyses.register")
    if not back.startswith("/") or back.startswith(("//", "/\\")):
        back = url_for("analyses.register")
    return redirect(back)
