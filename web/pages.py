"""HTML pages. Each page's view returns a JSON-ready dict; :func:`page`
registers it twice: the HTML at the URL and the same dict as JSON at the URL
plus ``.json`` (its JSON twin, which the tests assert on).
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path

from flask import (
    Blueprint, Response, abort, current_app, g, jsonify, redirect, render_template,
    request, send_file, url_for,
)

from alumni_graph.queries import explore
from alumni_graph.web import access, cache, cards, get_store, graphview, i18n, names, param_error
from alumni_graph.web.shared import around_graph, entity_payload, int_arg, label_of, registry, run_registered
from alumni_graph.web.exports import CSV_MIME, XLSX_MIME, to_csv, to_xlsx
from alumni_graph.security.uploads import UPLOADS_DIR, Uploads

bp = Blueprint("pages", __name__)

#: The home page counts prospects up to this (the query's own row limit).
PROSPECTS_MAX = 1000


def page(rule: str, template: str, *, json_rule: str | None = None, methods=("GET",),
         cache: bool = False):
    """Register a view as an HTML page and as its JSON twin. ``cache``: a GET
    answer is reused until the data changes (web/cache.py; only for views that
    read, audit nothing and depend on nothing but the URL, the user, the
    language and the store)."""
    from alumni_graph.web.cache import page_response

    def decorate(view):
        name = view.__name__

        def html(**kwargs):
            def make():
                data = view(**kwargs)
                return render_template(template, d=data, json_url=_twin_url(name, kwargs))
            return page_response("html", make) if cache else make()

        def twin(**kwargs):
            def make():
                return jsonify({"ok": True, **view(**kwargs)})
            return page_response("json", make) if cache else make()

        # Both registrations carry the view's declared roles (web.auth checks them).
        html.required_roles = twin.required_roles = getattr(view, "required_roles", None)
        bp.add_url_rule(rule, name, html, methods=list(methods))
        bp.add_url_rule(json_rule or rule + ".json", name + "_json", twin, methods=list(methods))
        return view

    return decorate


def _twin_url(name: str, view_args: dict) -> str:
    url = url_for(f"pages.{name}_json", **view_args)
    query = request.query_string.decode("ascii", "replace")
    return f"{url}?{query}" if query and request.method == "GET" else url


#: A code made of lower-case words joined by "_" (shown as words).
_CODE = re.compile(r"[a-z]+(?:_[a-z]+)+")


@bp.app_template_filter("cardlist")
def _cardlist(rendered):
    """Label the cells of record tables so a phone shows them as cards (web/cards.py)."""
    return cards.label_cells(rendered)


@bp.app_context_processor
def _template_helpers():
    lang = getattr(g, "lang", i18n.DEFAULT_LANG)

    def t(key: str, **kwargs) -> str:
        return i18n.translate(lang, key, **kwargs)

    def fmt(value) -> str:
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return t("yes") if value else t("no")
        if isinstance(value, dict):
            return str(value.get("name") or value.get("key") or "")
        if isinstance(value, (list, tuple)):
            return ", ".join(fmt(v) for v in value)
        if isinstance(value, str) and _CODE.fullmatch(value):
            return value.replace("_", " ")  # sinkronisasi_kurikulum -> sinkronisasi kurikulum
        return str(value)

    other = "en" if lang == "id" else "id"
    here = request.full_path.rstrip("?") if request else "/"
    def label(name: str) -> str:
        return i18n.property_label(lang, name)

    def status(value) -> str:
        return fmt(None if value is None else i18n.status_label(lang, value))

    def sector(value) -> str:
        """A KBLI section by name (the letter in the tooltip)."""
        return "–" if not value else i18n.sector_name(lang, value)

    def count(n: int) -> str:
        """A whole number with thousands separators: 7.427 (id), 7,427 (en)."""
        return f"{n:,}".replace(",", "." if lang == "id" else ",")

    return {"t": t, "fmt": fmt, "label": label, "lang": lang, "status": status, "sector": sector,
            "count": count,
            "today_iso": lambda: dt.date.today().isoformat(),
            "switch_url": url_for("pages.language", code=other, next=here)}


@bp.get("/bahasa/<code>")
@access.requires(*access.ANY_ROLE)
def language(code: str):
    """The language switch: remember the choice in a cookie, go back."""
    if code not in i18n.LANGS:
        abort(404)
    from alumni_graph.web.auth import safe_next

    resp = redirect(safe_next(request.args.get("next"), "/"))  # never an open redirect
    resp.set_cookie(i18n.COOKIE, code, max_age=365 * 86400, samesite="Lax", httponly=True)
    return resp


_VIS_FILES = {"vis-network.min.js": "text/javascript", "vis-network.css": "text/css"}


@bp.get("/vendor/vis-network/<name>")
@access.public
def vendor(name: str):
    """vis-network from the copy inside the pyvis package: no CDN, works offline.
    (The file keeps its licence header: Apache-2.0 or MIT.)"""
    if name not in _VIS_FILES:
        abort(404)
    spec = importlib.util.find_spec("pyvis")
    base = Path(next(iter(spec.submodule_search_locations))) / "lib" / "vis-9.1.2"
    return send_file(base / name, mimetype=_VIS_FILES[name], max_age=86400)


# -- helpers ------------------------------------------------------------------

def _schools_and_npsn() -> tuple[list[dict], str | None]:
    """Every school, and the one the page is about: ``?npsn=`` or the only/first one."""
    schools = cache.schools()
    npsn = (request.args.get("npsn") or "").strip() or None
    if npsn is None and schools:
        npsn = schools[0]["npsn"]
    return schools, npsn


def _as_of() -> str | None:
    raw = (request.args.get("as_of") or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise param_error("as_of", raw, "must be a date YYYY-MM-DD / harus tanggal YYYY-MM-DD") from None


# -- home ----------------------------------------------------------------------

@page("/", "index.html", json_rule="/index.json", cache=True)
@access.requires("bkk", "humas", "admin", "viewer")
def index():
    schools, npsn = _schools_and_npsn()
    if request.args.get("npsn") == "":
        npsn = None  # "all schools" chosen explicitly
    as_of = _as_of()
    overview = cache.overview(npsn, as_of)
    # Prospects: the Calon mitra list itself, so both pages show the same number
    # (one school at a time: the query is per school).
    overview["prospects"] = overview["prospects_more"] = None
    if npsn is not None:
        params = {"npsn": npsn, "limit": PROSPECTS_MAX, **({"as_of": as_of} if as_of else {})}
        rows = run_registered("prospective_partners", params)["rows"]
        overview["prospects"], overview["prospects_more"] = len(rows), len(rows) >= PROSPECTS_MAX
    return {"schools": schools, "npsn": npsn, "overview": overview,
            "trend": _tracer_trend(npsn, as_of), "offices": _offices(npsn)}


def _tracer_trend(npsn: str | None, as_of: str | None) -> dict | None:
    """Tracer indicators by graduation year (all programmes together), for
    Beranda's small chart: traced rate and absorption per year, as SVG points."""
    if not access.may_run("tracer_summary"):
        return None
    params = {**({"npsn": npsn} if npsn else {}), **({"as_of": as_of} if as_of else {})}
    try:
        rows = run_registered("tracer_summary", params)["rows"]
    except Exception:  # noqa: BLE001 - the home page shows its numbers without the chart
        return None
    years: dict[int, dict] = {}
    for r in rows:
        y = years.setdefault(r["graduation_year"], {"alumni": 0, "traced": 0, "absorbed": 0})
        y["alumni"] += r.get("alumni") or 0
        y["traced"] += r.get("traced") or 0
        y["absorbed"] += (r.get("bekerja") or 0) + (r.get("melanjutkan") or 0) + (r.get("wirausaha") or 0)
    points = []
    for year in sorted(years)[-8:]:
        y = years[year]
        if not y["alumni"]:
            continue
        points.append({"year": year, "alumni": y["alumni"],
                       "traced": y["traced"] / y["alumni"],
                       "absorbed": (y["absorbed"] / y["traced"]) if y["traced"] else 0.0})
    if not points:
        return None
    width, height, pad = 360, 110, 22
    step = (width - 2 * pad) / max(1, len(points) - 1)
    for i, p in enumerate(points):
        p["x"] = round(pad + i * step, 1)
        p["y_traced"] = round(height - pad - p["traced"] * (height - 2 * pad), 1)
        p["y_absorbed"] = round(height - pad - p["absorbed"] * (height - 2 * pad), 1)
    line = lambda key: " ".join(f"{p['x']},{p[key]}" for p in points)  # noqa: E731
    return {"points": points, "width": width, "height": height, "pad": pad,
            "traced_line": line("y_traced"), "absorbed_line": line("y_absorbed")}


#: Beranda's links into each office's pages: (office, [(endpoint, label key)]).
OFFICES = (
    ("office_bkk", (("pages.referral", "nav_referral"), ("analyses.untraced", "office_untraced"),
                    ("analyses.tracer", "office_tracer"), ("analyses.register", "office_register"),
                    ("work.vacancies", "work_vacancies_title"), ("work.placement", "work_placement_title"))),
    ("office_humas", (("pages.partners", "nav_partners"), ("work.plan", "work_plan_title"),
                      ("work.mous", "work_mous_title"), ("work.conversion", "work_conversion_title"),
                      ("analyses.internships", "office_internships"),
                      ("analyses.alignment", "office_alignment"), ("analyses.clusters", "office_clusters"))),
    ("office_admin", (("pages.upload", "nav_import"), ("users.index", "nav_users"))),
    ("office_everyone", (("pages.graph", "nav_graph"), ("analyses.index", "office_analyses"))),
)


def _offices(npsn: str | None) -> list[dict]:
    """Only the links the user's role may open (web.access.may_open)."""
    out = []
    for office, links in OFFICES:
        shown = [{"url": url_for(ep, **({"npsn": npsn} if npsn and ep.startswith("analyses.")
                                         and ep != "analyses.index" else {})),
                  "label": i18n.translate(g.lang, key)}
                 for ep, key in links if ep in current_app.view_functions and access.may_open(ep)]
        if shown:
            out.append({"title": i18n.translate(g.lang, office), "links": shown})
    return out


# -- prospective partners (Humas) ------------------------------------------------

#: Rows per page on Calon mitra (the whole list is counted, as on Beranda).
PARTNERS_PAGE = 50


def _partners_data(*, export: bool = False) -> dict:
    from alumni_graph.queries.prospective_partners import CATEGORIES, WEIGHTS

    schools, npsn = _schools_and_npsn()
    reg, _ = registry()
    describe = reg["prospective_partners"].describe() if "prospective_partners" in reg else {}
    categories = []
    for p in describe.get("params") or []:
        if p.get("name") == "category":
            categories = list(p.get("choices") or p.get("enum") or [])
    filters = {k: (request.args.get(k) or "").strip() or None
               for k in ("program", "category", "sector", "city")}
    limit = int_arg(request.args, "limit", PROSPECTS_MAX if export else PARTNERS_PAGE, 1,
                    current_app.config["EXPORT_MAX_ROWS"])
    page_no = int_arg(request.args, "hal", 1, 1, 10_000)
    data = {"schools": schools, "npsn": npsn, "filters": filters, "limit": limit,
            "categories": categories, "columns": [], "rows": [], "sectors": [], "cities": [],
            "legend": graphview.legend(g.lang), "weights": WEIGHTS, "total": 0, "page": page_no,
            "pages": 1}
    if npsn is None:
        return data
    # The whole list (as Beranda counts it), then one page of it.
    params = {"npsn": npsn, "program": filters["program"], "category": filters["category"],
              "as_of": _as_of(), "limit": max(PROSPECTS_MAX, limit) if not export else limit}
    params = {k: v for k, v in params.items() if v is not None}
    result = _one_category(params) if filters["category"] in CATEGORIES and not export else None
    if result is None:
        result = run_registered("prospective_partners", params)
    rows = result["rows"]
    if filters["program"]:
        # A programme's list: only firms with evidence for that programme (a
        # former partner of another programme with nobody from this one goes).
        rows = [r for r in rows if (r.get("current_alumni") or 0) + (r.get("past_alumni") or 0)
                + (r.get("internships") or 0) > 0]
    # Sector and city are not query parameters: narrowed here, on the rows.
    data["sectors"] = sorted({r.get("sector") for r in rows if r.get("sector")})
    data["cities"] = sorted({r.get("city") for r in rows if r.get("city")})
    for field in ("sector", "city"):
        if filters[field]:
            rows = [r for r in rows if r.get(field) == filters[field]]
    total = len(rows)
    if not export:
        pages = max(1, -(-total // limit))
        page_no = min(page_no, pages)
        rows = rows[(page_no - 1) * limit: page_no * limit]
        data.update(page=page_no, pages=pages, first=(page_no - 1) * limit + 1 if total else 0,
                    last=(page_no - 1) * limit + len(rows))
        nav = request.args.to_dict()
        data["prev_url"] = url_for("pages.partners", **{**nav, "hal": page_no - 1}) if page_no > 1 else None
        data["next_url"] = url_for("pages.partners", **{**nav, "hal": page_no + 1}) if page_no < pages else None
    if not export:
        _champion_contacts(rows, npsn)
    data.update(query=result["query"], params=result["params"], columns=result["columns"],
                rows=[{**r, "evidence_text": _evidence_text(r)} for r in rows],
                meta=result.get("meta", {}), total=total)
    return data


def _one_category(params: dict) -> dict | None:
    """One category's list cut from the school's whole list: the category only
    filters rows before their order and limit (queries/prospective_partners.py),
    so these are the rows a run with ``category`` gives, without another run
    (the whole list is usually kept: web/cache.py). None when the whole list
    was cut at the query's maximum (then the category is run)."""
    whole = run_registered("prospective_partners", {k: v for k, v in params.items() if k != "category"})
    if whole["total"] >= PROSPECTS_MAX or whole["next_offset"] is not None:
        return None
    rows = [r for r in whole["rows"] if r.get("category") == params["category"]][:whole["limit"]]
    return {**whole, "params": {**whole["params"], "category": params["category"]}, "rows": rows,
            "count": len(rows), "total": len(rows)}


def _champion_contacts(rows: list[dict], npsn: str) -> None:
    """Each champion's phone links as the contact rule (web/names.py) lets
    the current role see them (humas: outreach to adult alumni who agreed to
    be contacted); shown contacts are audited."""
    champs = [c for r in rows for c in r.get("champions") or [] if isinstance(c, dict) and c.get("nisn")]
    found = _contacts([c["nisn"] for c in champs]) if champs else {}
    for c in champs:
        c["contact"] = found.get(c["nisn"])
    if found:
        access.audit("view_contacts", target="calon-mitra", detail={"npsn": npsn, "people": len(found)})


def _evidence_text(r: dict) -> str:
    """One sentence of a prospect's evidence, in the page's language."""
    lang = g.lang
    bits = []
    for field, key in (("current_alumni", "ev_current"), ("past_alumni", "ev_past"),
                       ("internships", "ev_interns")):
        if r.get(field):
            bits.append(i18n.translate(lang, key, n=r[field]))
    if r.get("aligned"):
        bits.append(i18n.translate(lang, "ev_aligned", program=r.get("recommended_program") or ""))
    if r.get("former_partner"):
        bits.append(i18n.translate(lang, "ev_former"))
    if r.get("last_contact"):
        bits.append(i18n.translate(lang, "ev_contact", date=r["last_contact"]))
    text = ", ".join(b.strip() for b in bits)
    return (text[:1].upper() + text[1:] + ".") if text else ""


@page("/calon-mitra", "partners.html", cache=True)
@access.requires(*access.QUERY_ROLES["prospective_partners"])
def partners():
    return _partners_data()


def _export(fmt: str):
    data = _partners_data(export=True)
    columns = [c["name"] if isinstance(c, dict) else c for c in data["columns"]]
    stamp = dt.date.today().isoformat()
    name = f"calon-mitra-{data['npsn'] or 'semua'}-{stamp}"
    rows = _displayable_champions(data["rows"], data["npsn"])
    if fmt == "csv":
        body, mime = to_csv(columns, rows), CSV_MIME
    else:
        body, mime = to_xlsx(columns, rows, "calon_mitra"), XLSX_MIME
    access.audit("export", target="calon-mitra", detail={"format": fmt, "rows": len(rows)})
    return Response(body, mimetype=mime,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _displayable_champions(rows: list[dict], npsn: str | None) -> list[dict]:
    """The rows as the page shows them (the names policy, web/names.py, has
    already unnamed who this role may not see); an unnamed champion is
    written "(tanpa nama)", so the count stays right."""
    unnamed = names.UNNAMED.get(g.get("lang") or "id", names.UNNAMED["id"])
    return [{**r, "champions": [c if not isinstance(c, dict) or c.get("name") else {**c, "name": unnamed}
                                for c in r.get("champions") or []]} for r in rows]


@bp.get("/calon-mitra/cetak")
@access.requires(*access.QUERY_ROLES["prospective_partners"])
def partners_print():
    """The whole list (up to the export cap) laid out for paper: school, date,
    the score rule, one line of evidence per firm."""
    data = _partners_data(export=True)
    data["rows"] = _displayable_champions(data["rows"], data["npsn"])
    access.audit("print", target="calon-mitra", detail={"rows": len(data["rows"])})
    return render_template("partners_print.html", d=data)


@bp.get("/calon-mitra.csv")
@access.requires(*access.QUERY_ROLES["prospective_partners"])
def partners_csv():
    return _export("csv")


@bp.get("/calon-mitra.xlsx")
@access.requires(*access.QUERY_ROLES["prospective_partners"])
def partners_xlsx():
    return _export("xlsx")


# -- referral paths (BKK) ------------------------------------------------------------

@page("/jalur-referensi", "referral.html")
@access.requires(*access.QUERY_ROLES["referral_paths"])
def referral():
    """Who can introduce this student to that firm. The student and the firm
    are typed (name, NISN, code, alias) and resolved here: one match is used,
    several come back as a short list to pick from, none as a message beside
    the field; the typed text stays in the form. No raw error page."""
    from alumni_graph.graph_service.errors import NotFound, ParameterError
    from alumni_graph.web.resolve import resolve

    student_text = (request.args.get("nisn") or "").strip()
    employer_text = (request.args.get("employer") or "").strip()
    from alumni_graph.queries import REGISTRY

    spec = {p.name: p for p in REGISTRY["referral_paths"].params}
    data = {"nisn": student_text, "employer": employer_text, "k": request.args.get("k") or "",
            "max_hops": request.args.get("max_hops") or "", "rows": None, "graph": None,
            "errors": {}, "choices": {}, "student": None, "target": None,
            # The empty number fields show what is used when left empty.
            "defaults": {"k": spec["k"].default, "max_hops": spec["max_hops"].default},
            "more_hops_url": None}
    if not student_text and not employer_text:
        return data
    names_policy = access.name_policy()
    found = {"nisn": resolve(get_store(), student_text, "person", names=names_policy),
             "employer": resolve(get_store(), employer_text, "employer", names=names_policy)}
    for field, res in found.items():
        if res.ok:
            continue
        data["errors"][field] = i18n.translate(g.lang, f"resolve_{res.error}_{field}")
        if res.choices:
            data["choices"][field] = [
                {**c, "pick_url": url_for("pages.referral", **{**request.args.to_dict(), field: c["key"]})}
                for c in res.choices]
            data["choices_more"] = res.more
    data["student"] = _linked(found["nisn"].item)
    data["target"] = _linked(found["employer"].item)
    if data["errors"]:
        return _form_errors(data)
    params = {"nisn": found["nisn"].item["key"], "employer": found["employer"].item["key"]}
    for name in ("k", "max_hops"):
        if data[name]:
            params[name] = data[name]
    try:
        result = run_registered("referral_paths", params)
    except (ParameterError, NotFound) as exc:
        for e in exc.errors or [{"param": "nisn", "message": str(exc)}]:
            data["errors"][e.get("param") or "nisn"] = _one_language(e.get("message") or str(exc))
        return _form_errors(data)
    access.audit("view_referral", nisn=params["nisn"],
                 detail={"contact": access.contact_policy()})
    rows = [_referral_row(r, data["student"]) for r in result["rows"]]
    data.update(rows=rows, columns=result["columns"], params=result["params"],
                meta=result["meta"], legend=graphview.legend(g.lang),
                graph=graphview.from_paths(result["rows"], g.lang) if result["rows"] else None)
    longest = spec["max_hops"].max
    if not rows and int(result["params"].get("max_hops") or longest) < longest:
        # No path: the next thing to try is a longer one (not a dead end).
        data["more_hops_url"] = url_for("pages.referral", **{**request.args.to_dict(),
                                                             "max_hops": longest})
        data["more_hops"] = longest
    return data


def _form_errors(data: dict) -> dict:
    """The page comes back with the messages beside the fields; its JSON twin
    (a program's call) answers 400 naming each parameter, with the choices."""
    from alumni_graph.graph_service.errors import ParameterError

    if request.endpoint and request.endpoint.endswith("_json"):
        raise ParameterError("; ".join(f"{k}: {v}" for k, v in data["errors"].items()), [
            {"param": k, "message": v,
             **({"choices": [{"key": c["key"], "name": c["name"]} for c in data["choices"][k]]}
                if k in data["choices"] else {})}
            for k, v in data["errors"].items()])
    return data


def _one_language(message: str) -> str:
    """``"english / indonesia"`` messages: the half in the page's language."""
    parts = [p.strip() for p in str(message).split(" / ")]
    if len(parts) == 2:
        return parts[1] if g.lang == "id" else parts[0]
    return str(message)


def _linked(item: dict | None) -> dict | None:
    if item is None:
        return None
    return {**item, "url": graphview.detail_url(item["type"], item["key"])}


#: Strength in words: at or above each bound (the product of the step weights).
STRENGTH_WORDS = ((0.7, "strength_strong"), (0.45, "strength_medium"), (0.0, "strength_weak"))
_STEP_WORDS = {("WORKS_AT", True): "step_works", ("WORKS_AT", False): "step_worked",
               ("INTERNED_AT", None): "step_interned", ("STUDIED_IN", None): "step_studied"}


def _referral_row(row: dict, student: dict | None) -> dict:
    """A path as a staff reader needs it: the student named (not "Anda"),
    strength in words, every person and firm linked, each step in words, and
    contact links (tel:, WhatsApp) for the consenting intermediaries when the
    role sees contacts in full (bkk, admin)."""
    lang = g.lang
    nodes = [{**n, "url": graphview.detail_url(n["type"], n["key"])} for n in row["nodes"]]
    if nodes and student and student.get("name"):
        nodes[0]["name"] = student["name"]  # the student asked about: staff know them
    by_id = {n["id"]: n for n in nodes}
    steps = []
    for rel in row.get("relationships") or []:
        key = _STEP_WORDS.get((rel["type"], rel.get("current")), "step_studied")
        steps.append({"from": by_id.get(rel["from"]), "to": by_id.get(rel["to"]),
                      "words": i18n.translate(lang, key)})
    strength = row.get("strength") or 0
    word = next(k for bound, k in STRENGTH_WORDS if strength >= bound)
    last = (row.get("relationships") or [{}])[-1]
    why = i18n.translate(lang, ("self_" if row.get("hops") == 1 else "why_")
                         + _STEP_WORDS.get((last.get("type"), last.get("current")), "step_studied")[5:])
    intermediaries = [n for n in nodes[1:] if n["type"] == "Person"]
    contacts = _contacts([n["key"] for n in intermediaries]) if intermediaries else {}
    for n in intermediaries:
        n["contact"] = contacts.get(n["key"])
    name = (student or {}).get("name") or (nodes[0].get("name") if nodes else "")
    text = row.get(f"explanation_{lang}") or row.get("explanation_id") or ""
    return {**row, "nodes": nodes, "steps": steps, "intermediaries": intermediaries,
            "strength_word": i18n.translate(lang, word), "strength_why": why,
            "explanation": _staff_sentence(text, name, lang)}


def _staff_sentence(text: str, student: str, lang: str) -> str:
    """The query speaks to the student ("Anda"/"you"); the reader is staff."""
    if not student:
        return text
    if lang == "en":
        for you, them in (("You work at", "works at"), ("you work at", "works at")):
            text = text.replace(you, f"{student} {them}")
        return re.sub(r"\b[Yy]ou\b", student, text)
    return re.sub(r"\bAnda\b", student, text)


def _contacts(nisns: list[str]) -> dict:
    """Phone links of intermediaries (they consented to be contacted) as the
    one contact rule (web/names.py) lets the current role see them."""
    return names.contacts(get_store(), nisns, access.current_role(),
                          setting=current_app.config.get("CONTACT_DETAILS", "full"))


# -- graph explorer ----------------------------------------------------------------------

#: Points on the graph page's first view (the rest comes by click or search).
GRAPH_FOCUS = 30

@page("/graf", "graph.html", cache=True)
@access.requires("bkk", "humas", "admin", "viewer")
def graph():
    schools, npsn = _schools_and_npsn()
    slug = (request.args.get("type") or "").strip()
    key = (request.args.get("key") or "").strip()
    if not slug or not key:
        slug, key = "school", npsn
    data = {"schools": schools, "type": slug, "key": key, "graph": None,
            "depth": int_arg(request.args, "depth", 1, 1, explore.MAX_DEPTH),
            "filters": {k: request.args.get(k) or "" for k in
                        ("program", "sector", "year_from", "year_to", "max_nodes")},
            "types": sorted({s for item in request.args.getlist("types") for s in item.split(",") if s}),
            "slugs": list(graphview.LABELS),
            "programs": sorted({p["code"] for s in schools for p in s["programs"]}),
            "legend": graphview.legend(g.lang),
            "max_nodes_cap": current_app.config["GRAPH_MAX_NODES"],
            "focus": min(GRAPH_FOCUS, current_app.config["GRAPH_MAX_NODES"])}
    narrowed = any(request.args.get(k) for k in ("program", "sector", "year_from", "year_to",
                                                  "max_nodes", "types")) or data["depth"] > 1
    if key and slug == "school" and not narrowed:
        # The first view: the school, its programmes and its strongest
        # employers (explore.focus), labelled; "+20 lagi" and search for more.
        focus = explore.focus(get_store(), key, limit=min(explore.FOCUS_EMPLOYERS,
                                                          current_app.config["GRAPH_MAX_NODES"]))
        data["graph"] = graphview.build(focus, g.lang, positions=graphview.rings(focus),
                                        layout_threshold=current_app.config["GRAPH_LAYOUT_THRESHOLD"])
        data["focused"] = {"employers": sum(1 for n in focus["nodes"] if n["type"] == "Employer"),
                           "weights": focus["weights"]}
        data["sectors"] = sorted({n.get("sector") for n in focus["nodes"] if n.get("sector")})
    elif key:
        args = request.args
        if not args.get("max_nodes"):
            # A focused first view: the nearest and best-connected 30 points,
            # labelled; "+20 lagi" on a click, search for the rest.
            args = _Args(**{**args.to_dict(), "max_nodes": min(GRAPH_FOCUS, current_app.config["GRAPH_MAX_NODES"]),
                            "types": ",".join(request.args.getlist("types"))})
        data["graph"] = around_graph(label_of(slug), key, args)
        data["sectors"] = sorted({n.get("sector") for n in data["graph"]["nodes"] if n.get("sector")})
    return data


# -- detail pages ------------------------------------------------------------------------

#: Rows of each kind a detail page lists at a time; "N berikutnya" pages on
#: (``dari_<section>``: the row to start from). A province's big employer has
#: thousands of interns and of alumni: 300 of each made a 537 KB page; on a
#: 390 px phone each row is a card of ~120 px, so 50 made 7 screens per
#: section and a 33,000 px page; 25 is about three screens (one on a laptop),
#: and the "Di halaman ini" links at the top jump to each section.
PAGE_RELATIONSHIPS = 25


def _detail(label: str, key: str, sections: list[tuple[str, str, list[str]]],
            graph_depth: int | None = 1) -> dict:
    """A detail page: the node, one section per kind of relationship
    (``(title, kind, columns)``; a job's kind says whether it is current
    today), each listing ``PAGE_RELATIONSHIPS`` rows from ``dari_<title>``
    with links to the next and previous rows, and a small graph."""
    today = dt.date.today().isoformat()
    offsets = {kind: int_arg(request.args, f"dari_{title}", 0, 0, 10**7) for title, kind, _ in sections}
    split = any(kind.count(":") == 2 for _, kind, _ in sections)
    ent = entity_payload(label, key, max_relationships=PAGE_RELATIONSHIPS, offsets=offsets,
                         current_on=today if split else None)
    counts = ent.get("relationship_counts") or {}
    data = {"entity": ent, "sections": [], "graph": None, "legend": graphview.legend(g.lang),
            "page_size": PAGE_RELATIONSHIPS}
    for title, kind, columns in sections:
        rows = [r for r in ent["relationships"] if explore.relationship_kind(r, today if split else None) == kind]
        total, offset = counts.get(kind, 0), offsets[kind]
        section = {"title": title, "kind": kind, "rows": rows, "columns": columns, "total": total,
                   "offset": offset, "first": offset + 1, "last": offset + len(rows),
                   "next": None, "prev": None, "start": None}
        if offset + len(rows) < total:
            section["next"] = _section_url(title, offset + PAGE_RELATIONSHIPS)
        if offset > 0:  # past the end (an old link after a deletion): back to the last rows
            section["prev"] = _section_url(title, max(0, min(offset, total) - PAGE_RELATIONSHIPS)
                                           if offset < total else max(0, total - PAGE_RELATIONSHIPS))
        if offset >= 2 * PAGE_RELATIONSHIPS:
            section["start"] = _section_url(title, 0)
        data["sections"].append(section)
    if graph_depth:
        data["graph"] = around_graph(label, key, _Args(depth=graph_depth, max_nodes=DETAIL_GRAPH_NODES))
    return data


#: Points in a detail page's small graph: as many as the graph page's first
#: view labels legibly. 150 drew a hub firm's 124 schools and 26 programmes
#: as one unreadable blot and were 218 KB of its 265 KB page; "Lihat di graf"
#: opens the explorer for more.
DETAIL_GRAPH_NODES = GRAPH_FOCUS


def _section_url(title: str, offset: int) -> str:
    """This page (or its JSON twin) with one section moved to ``offset``, the
    other sections where they are, scrolled to that section."""
    args = request.args.to_dict()
    args[f"dari_{title}"] = str(offset)
    if offset == 0:
        args.pop(f"dari_{title}")
    url = url_for(request.endpoint, **request.view_args, **args)
    return url if request.endpoint.endswith("_json") else f"{url}#bagian-{title}"


class _Args(dict):
    """Fixed arguments shaped like ``request.args`` (for the detail pages' graphs)."""

    def __init__(self, **kwargs):
        super().__init__({k: str(v) for k, v in kwargs.items()})

    def getlist(self, name):
        return [self[name]] if name in self else []


@page("/dudi/<code>", "entity.html", cache=True)
@access.requires("bkk", "humas", "admin", "viewer")
def employer(code: str):
    data = _detail("Employer", code, EMPLOYER_SECTIONS)
    # The alumni working here now: whom to ask for an introduction (humas,
    # bkk), with phone links as the contact rule allows (web/names.py).
    now = next(s for s in data["sections"] if s["title"] == "alumni_now")
    found = _contacts([r["other"]["key"] for r in now["rows"] if not r["other"].get("redacted")])
    for r in now["rows"]:
        r["contact"] = found.get(r["other"]["key"])
    if found:
        access.audit("view_contacts", target="employer", detail={"code": code, "people": len(found)})
    return data


EMPLOYER_SECTIONS = [
    ("alumni_now", "WORKS_AT:in:now", ["start", "title", "aligned"]),
    ("alumni_before", "WORKS_AT:in:ended", ["start", "end", "title", "aligned"]),
    ("interns", "INTERNED_AT:in", ["start", "end", "score"]),
    ("partnerships", "PARTNERS_WITH:in", ["start", "end", "kinds", "mou_number"]),
    ("contacts", "CONTACTED:in", ["date", "kind", "by", "notes"]),
]


@page("/siswa/<nisn>", "entity.html")
@access.requires("bkk", "admin")
def person(nisn: str):
    access.audit("view_person", nisn=nisn, detail={"contact": access.contact_policy(), "page": True})
    return _detail("Person", nisn, [
        ("programs", "STUDIED_IN:out", []),
        ("jobs", "WORKS_AT:out", ["start", "end", "title", "aligned"]),
        ("internships", "INTERNED_AT:out", ["start", "end", "score"]),
    ])


@page("/sekolah/<npsn>", "entity.html", cache=True)
@access.requires("bkk", "humas", "admin", "viewer")
def school(npsn: str):
    return _detail("School", npsn, [
        ("programs", "HAS_PROGRAM:out", []),
        ("partnerships", "PARTNERS_WITH:out", ["start", "end", "kinds", "mou_number"]),
        ("contacts", "CONTACTED:out", ["date", "kind", "by", "notes"]),
    ])


@page("/program/<npsn>/<code>", "entity.html", cache=True)
@access.requires("bkk", "humas", "admin", "viewer")
def program(npsn: str, code: str):
    return _detail("Program", f"{npsn}/{code}", [
        ("partnerships", "PARTNERS_WITH:out", ["start", "end", "kinds", "mou_number"]),
        ("people", "STUDIED_IN:in", []),
    ], graph_depth=None)


# -- import --------------------------------------------------------------------------------

def _uploads() -> Uploads:
    root = current_app.extensions["alumni_graph_data_dir"] / UPLOADS_DIR
    return current_app.extensions.setdefault("alumni_graph_uploads", Uploads(root))


def _load_isolated(files: list[tuple[str, Path]], *, dry_run: bool, skip_invalid: bool = False,
                   kinds: list | None = None) -> dict:
    """Check or load staged files in a child process with a memory and a time
    limit (``loaders.isolated``): no uploaded file can degrade the server."""
    from alumni_graph.loaders.isolated import Limits, load_isolated

    cfg = current_app.config
    seconds = cfg["UPLOAD_CHECK_SECONDS"] if dry_run else cfg["UPLOAD_LOAD_SECONDS"]
    kinds = list(kinds or [])
    kinds += [None] * (len(files) - len(kinds))
    files = [(name, path, kind) for (name, path), kind in zip(files, kinds)]
    return load_isolated(_loader_config(), files, dry_run=dry_run, skip_invalid=skip_invalid,
                         limits=Limits(memory_mb=cfg["UPLOAD_MEMORY_MB"], seconds=seconds))


def _loader_config():
    """How the upload's child process opens the store; its ``data_dir`` is
    where the loader keeps its state (the stored rombel mapping)."""
    from alumni_graph.loaders.isolated import config_of

    return config_of(get_store(), data_dir=current_app.extensions["alumni_graph_data_dir"])


def _kinds_from_form(n: int) -> list:
    """The kind picked for each file (``kind_0``...; empty = from its name or header)."""
    from alumni_graph.loaders.kinds import KINDS

    picked = [request.form.get(f"kind_{i}") or None for i in range(n)]
    return [k if k in KINDS else None for k in picked]


def _outcome(report: dict, loaded: bool) -> dict:
    """One truthful sentence about a load or its preview: what was (or would
    be) written, or that nothing was and why. Never "loaded" when nothing was."""
    files = report.get("files") or []
    kinds = report.get("kinds") or {}
    created = sum(c["created"] for c in kinds.values())
    updated = sum(c["updated"] for c in kinds.values())
    unchanged = sum(c["unchanged"] for c in kinds.values())
    rejected = sum(c["rejected"] for c in kinds.values())
    counted = [f for f in files if f.get("kind")]
    refused = [f["file"] for f in counted if f["status"] not in ("loaded", "partial")]
    written = [f for f in counted if f["status"] in ("loaded", "partial")]
    lang = g.lang
    tr = i18n.translate
    if not written:
        if rejected:
            why = tr(lang, "result_none_invalid", n=rejected)
        elif counted or files:
            why = tr(lang, "result_none_files")
        else:
            why = tr(lang, "result_none_empty")
        return {"level": "error", "text": tr(lang, "result_none" if loaded else "preview_nothing", why=why),
                "written": False}
    if not loaded:
        text = tr(lang, "preview_will", created=created, updated=updated, unchanged=unchanged)
        if refused:
            text += " " + tr(lang, "result_refused", files=", ".join(refused), created=created, updated=updated)
        return {"level": "error" if refused or rejected else "ok", "text": text, "written": False}
    if refused:
        return {"level": "error", "written": True,
                "text": tr(lang, "result_refused", files=", ".join(refused), created=created, updated=updated)}
    if rejected:
        return {"level": "warn", "written": True,
                "text": tr(lang, "result_partial", created=created, updated=updated, rejected=rejected)}
    return {"level": "ok", "written": True,
            "text": tr(lang, "result_done", created=created, updated=updated, unchanged=unchanged)}


def _import_page(**data) -> dict:
    from alumni_graph.loaders.employers import review_items
    from alumni_graph.loaders.kinds import ORDER

    mib = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    out = {"max_mib": mib, "token": None, "report": None, "loaded": False, "kinds": list(ORDER),
           "picked": [], "outcome": None, "reviews": len(review_items(get_store()))}
    out.update(data)
    if out["report"] is not None:
        out["outcome"] = _outcome(out["report"], out["loaded"])
        if any(f.get("rombel_mapping") for f in out["report"].get("files") or []):
            # a Dapodik export: the school's programmes to confirm or correct each rombel with
            out["programs"] = sorted(
                ({"value": f"{p.get('school_npsn')}|{p.get('code')}", "code": p.get("code"),
                  "name": p.get("name") or "", "npsn": p.get("school_npsn")}
                 for p in get_store().iter_nodes("Program")), key=lambda p: (p["npsn"] or "", p["code"] or ""))
    return out


@page("/impor", "import.html", methods=("GET", "POST"))
@access.requires("admin")
def upload():
    if request.method == "GET":
        return _import_page()
    files = [(Path(f.filename or "").name, f.read())
             for f in request.files.getlist("files") if f and f.filename]
    if not files:
        raise param_error("files", None, i18n.translate(g.lang, "no_files"))
    from alumni_graph.loaders.isolated import UploadRefused

    kinds = _kinds_from_form(len(files))
    token = _uploads().put(files, current_app.config["UPLOAD_TTL_SECONDS"])
    _uploads().set_kinds(token, kinds)
    try:
        report = _load_isolated(_uploads().files(token), dry_run=True, kinds=kinds)
    except UploadRefused as exc:
        _uploads().pop(token)  # nothing of a refused file stays
        info = exc.errors[0]
        access.audit("import_refused", target=info["reason"], detail={"files": len(files)})
        text = info["message_id"] if g.lang == "id" else info["message"]
        from alumni_graph.web import wants_json

        raise UploadRefused(text, [{"param": "files", "value": info["value"], "reason": info["reason"],
                                    "message": text}] if wants_json() else []) from None
    except BaseException:
        _uploads().pop(token)
        raise
    _uploads().set_report(token, report)
    access.audit("import_check", target=",".join(sorted({str(f.get("kind")) for f in report["files"]})),
                 detail={"files": len(files)})
    return _import_page(token=token, report=report, files=[name for name, _ in files], picked=kinds)


@page("/impor/<token>/periksa", "import.html", methods=("POST",))
@access.requires("admin")
def upload_recheck(token: str):
    """The same staged files checked again with the kinds picked per file."""
    item = _staged(token)
    kinds = _kinds_from_form(len(item["files"]))
    report = _load_isolated(item["files"], dry_run=True, kinds=kinds)
    _uploads().set_kinds(token, kinds)
    _uploads().set_report(token, report)
    access.audit("import_check", target=",".join(sorted({str(f.get("kind")) for f in report["files"]})),
                 detail={"files": len(item["files"]), "kinds_picked": sum(1 for k in kinds if k)})
    return _import_page(token=token, report=report, files=[n for n, _ in item["files"]], picked=kinds)


@page("/impor/<token>/rombel", "import.html", methods=("POST",))
@access.requires("admin")
def upload_rombel(token: str):
    """The rombel → programme mapping of a Dapodik export, confirmed or
    corrected on the preview: stored in the data directory (this and every
    later export use it), then the staged files are checked again."""
    from alumni_graph.loaders.dapodik import save_rombel_map

    item = _staged(token)
    known = {(p.get("school_npsn"), p.get("code")) for p in get_store().iter_nodes("Program")}
    chosen = {}
    for key, value in request.form.items():
        if not key.startswith("rombel::") or not value:
            continue
        npsn, _, code = value.partition("|")
        if (npsn, code) not in known:
            raise param_error(key, value, i18n.translate(g.lang, "rombel_unknown_program"))
        chosen[key[len("rombel::"):]] = [npsn, code]
    if chosen:
        save_rombel_map(_loader_config().data_dir, chosen)
    access.audit("rombel_mapping", detail={"rombels": len(chosen)})
    kinds = item.get("kinds") or [None] * len(item["files"])
    report = _load_isolated(item["files"], dry_run=True, kinds=kinds)
    _uploads().set_report(token, report)
    return _import_page(token=token, report=report, files=[n for n, _ in item["files"]], picked=kinds)


def _staged(token: str) -> dict:
    item = _uploads().get(token, current_app.config["UPLOAD_TTL_SECONDS"])
    if item is None:
        from alumni_graph.graph_service.errors import NotFound

        raise NotFound(i18n.translate(g.lang, "upload_expired"))
    return item


@page("/impor/<token>/muat", "import.html", methods=("POST",))
@access.requires("admin")
def upload_confirm(token: str):
    item = _staged(token)
    skip = request.form.get("skip_invalid") in ("1", "on", "true")
    try:
        report = _load_isolated(item["files"], dry_run=False, skip_invalid=skip, kinds=item.get("kinds"))
    finally:
        _uploads().pop(token)  # the uploaded copies go as soon as they are loaded (or refused)
    access.audit("import", target=",".join(report["kinds"]),
                 detail={k: {c: v[c] for c in ("created", "updated", "rejected")}
                         for k, v in report["kinds"].items()})
    return _import_page(report=report, loaded=True)


@page("/dudi/dicek", "employer_review.html", methods=("GET",))
@access.requires("admin", "humas")
def employer_review():
    """DU/DI perlu dicek: uncertain employer matches waiting for a decision."""
    from alumni_graph.loaders.employers import review_items

    return {"items": review_items(get_store()), "done": None}


@page("/dudi/dicek/<code>", "employer_review.html", methods=("POST",))
@access.requires("admin", "humas")
def employer_review_decide(code: str):
    """Staff's decision on one item: "same" merges it (name kept as an alias), "different" keeps it apart."""
    from alumni_graph.loaders.employers import decide_review, review_items

    decision = request.form.get("decision")
    if decision not in ("same", "different"):
        raise param_error("decision", decision, "must be same or different / harus same atau different")
    result = decide_review(get_store(), code, decision == "same", source="web:employer-review")
    access.audit("employer_review", target=result["code"],
                 detail={"candidate": result["candidate"], "decision": result["decision"]})
    done = i18n.translate(g.lang, "review_done_" + result["decision"], code=result["code"],
                          candidate=result["candidate"])
    return {"items": review_items(get_store()), "done": done, "result": result}


@bp.get("/impor/<token>/laporan.csv")
@access.requires("admin")
def upload_report(token: str):
    report = _staged(token)["report"] or {}
    columns = ["file", "row", "column", "value", "level", "message", "message_en"]
    access.audit("export", target="import-report", detail={"rows": len(report.get("problems") or [])})
    return Response(to_csv(columns, report.get("problems") or []), mimetype=CSV_MIME,
                    headers={"Content-Disposition": 'attachment; filename="laporan-impor.csv"'})


@bp.get("/impor/templat/<kind>.xlsx")
@access.requires("admin")
def import_template_xlsx(kind: str):
    """The XLSX template of one kind of file (columns, formats, dropdowns, a sheet of explanations)."""
    from alumni_graph.loaders.kinds import KINDS
    from alumni_graph.loaders.templates import xlsx_template

    if kind not in KINDS:
        abort(404)
    return Response(xlsx_template(kind),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="templat-{kind}.xlsx"'})


@bp.get("/impor/templat/<kind>.csv")
@access.requires("admin")
def import_template_csv(kind: str):
    """The CSV header line of one kind of file."""
    from alumni_graph.loaders.kinds import KINDS
    from alumni_graph.loaders.templates import csv_header

    if kind not in KINDS:
        abort(404)
    return Response("\ufeff" + csv_header(kind) + "\r\n", mimetype=CSV_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'})
