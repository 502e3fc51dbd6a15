"""From insight to action (issue 14): the pages and JSON routes where Humas
works its outreach pipeline, visits and MoUs, and BKK its vacancies,
candidates, referrals and placement report.

Every write goes through the loader's own row rules (``loaders.load_rows``
with the ``kunjungan``, ``kemitraan``, ``lowongan``, ``rujukan``,
``pekerjaan`` and ``siswa`` kinds, source ``web``): one rule set for files,
forms and the API, and what staff enter comes back out of an export in the
loader's file format. Every write is CSRF-checked (``web.auth``) and audited
with field names, never values. Reads go through the registered queries
(``queries/work.py``), so each page's numbers are the JSON twin's and the
CLI's.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask import (
    Blueprint, Response, flash, get_flashed_messages, g, jsonify, redirect, render_template,
    request, url_for,
)

from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.graph_service.schema import OUTREACH_STATUSES, REFERRAL_STATUSES, VACANCY_ORIGINS
from alumni_graph.queries import explore
from alumni_graph.web import access, cache, get_store, i18n, wants_json
from alumni_graph.web.shared import run_registered
from alumni_graph.web.exports import CSV_MIME, XLSX_MIME, to_csv, to_xlsx
from alumni_graph.web.openapi import COMPONENTS, _envelope, doc

bp = Blueprint("work", __name__)

# The JSON contract's answers, for the OpenAPI document (web.openapi).
_ROWS = {"type": "array", "items": {"type": "object"}}
COMPONENTS.update({
    "Alerts": _envelope(npsn={"type": "string"}, count={"type": "integer"}, rows=_ROWS),
    "Outreach": _envelope(employer={"type": "object"}, npsn={"type": "string"},
                          status={"enum": list(OUTREACH_STATUSES)}, history=_ROWS),
    "VacancyCreated": _envelope(id={"type": "string"}),
    "Candidates": _envelope(id={"type": "string"}, count={"type": "integer"}, rows=_ROWS),
    "Referral": _envelope(referral={"type": "object"}),
    "Vacancy": _envelope(vacancy={"type": "object"}, referrals=_ROWS, version={"type": "string"}),
})

HUMAS = ("humas", "admin")
BKK = ("bkk", "admin")
CONTACT_KINDS = ("kunjungan", "telepon", "rapat", "promosi", "monitoring", "catatan")
PARTNERSHIP_KINDS = ("prakerin", "rekrutmen", "sinkronisasi_kurikulum", "guru_tamu", "kelas_industri")


def _t(key: str, **kwargs) -> str:
    return i18n.translate(g.get("lang") or i18n.DEFAULT_LANG, key, **kwargs)


def _today() -> str:
    return dt.date.today().isoformat()


def _user() -> str:
    return (access.current_user() or {}).get("name", "-")


def _school() -> tuple[list[dict], str]:
    """Every school and the one the page is about (``npsn`` from the query
    string or form, else the first one); 404 when there is none."""
    schools = cache.schools()
    npsn = (request.values.get("npsn") or "").strip()
    if not npsn:
        body = request.get_json(silent=True) if request.is_json else None
        npsn = str((body or {}).get("npsn") or "").strip()
    if not npsn and schools:
        npsn = schools[0]["npsn"]
    if not npsn:
        raise NotFound(_t("work_no_school"), [{"param": "npsn", "message": "no school loaded"}])
    return schools, npsn


def _json() -> bool:
    """A JSON caller: a JSON body, a ``.json`` URL or ``Accept: application/json``."""
    return request.is_json or wants_json()


def _render(template: str, data: dict, json_endpoint: str, **url_args):
    """The page, or for a JSON caller (``.json`` twin, ``Accept``) the same dict."""
    if wants_json():
        return jsonify({"ok": True, **data})
    query = request.query_string.decode("ascii", "replace")
    json_url = url_for(json_endpoint, **url_args) + (f"?{query}" if query else "")
    return render_template(template, d=data, json_url=json_url, notices=get_flashed_messages(),
                           view="work")


def _twin(rule: str, endpoint: str, roles: tuple):
    """Register a GET view at ``rule`` and at ``rule + '.json'`` (its JSON twin)."""
    def decorate(view):
        guarded = access.requires(*roles)(view)
        bp.add_url_rule(rule, endpoint, guarded, methods=["GET"])
        bp.add_url_rule(rule + ".json", endpoint + "_json", guarded, methods=["GET"])
        return guarded

    return decorate


def _load(kind: str, row: dict, *, dry_run: bool = False):
    """Write one row through the loader's rules; ParameterError naming every
    problem (column, message in the page's language) when it is refused."""
    from alumni_graph.loaders import load_rows
    from alumni_graph.loaders.kinds import KINDS

    # A required field left out is a row problem naming it, not a missing column.
    row = {**{c.name: None for c in KINDS[kind].columns if c.required}, **row}
    report = load_rows(get_store(), kind, [row], source="web", dry_run=dry_run)
    if not report.ok:
        lang = g.get("lang") or i18n.DEFAULT_LANG
        errors = [{"param": p.column or kind, "value": p.value,
                   "message": p.message if lang == "id" else p.message_en}
                  for p in report.problems if p.level == "error"]
        text = "; ".join(f"{e['param']}: {e['message']}" for e in errors) or _t("work_refused")
        raise ParameterError(text, errors)
    return report


def _form() -> dict:
    """The request's fields: a JSON body or a form (lists kept for multi-selects)."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ParameterError(_t("work_json_object"), [{"param": "body", "message": "not an object"}])
        return body
    out = {}
    for key in request.form:
        values = [v for v in request.form.getlist(key) if v.strip()]
        out[key] = values if len(values) > 1 else (values[0] if values else "")
    return out


def _text(form: dict, key: str) -> str | None:
    value = form.get(key)
    if value is None:
        return None
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    value = str(value).strip()
    return value or None


def _back(default: str):
    """Where a form goes after its write: its own ``next`` (a local path only)."""
    target = request.form.get("next") or default
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        target = default
    return redirect(target, code=303)


def _refused(exc: ParameterError, default: str):
    """A refused form: back to the page with the problem shown (nothing was written)."""
    if _json():
        raise exc
    flash(_t("work_not_saved") + " " + exc.message)
    return _back(default)


@bp.app_context_processor
def _work_helpers():
    """Template helpers for the blocks other pages include (Beranda's alerts,
    the Calon mitra row's status form)."""
    def work_alerts(npsn):
        if npsn is None or access.current_role() not in ("humas", "bkk", "admin"):
            return None
        return alerts(npsn)

    def outreach_status(npsn, code):
        """The current outreach status of ``code`` (one pipeline read per request)."""
        if npsn is None or access.current_role() not in HUMAS:
            return None
        pipeline = g.setdefault("work_pipeline", {})
        if npsn not in pipeline:
            rows = run_registered("outreach_pipeline", {"npsn": npsn})["rows"]
            pipeline[npsn] = {r["code"]: r for r in rows}
        return pipeline[npsn].get(code)

    return {"work_alerts": work_alerts, "outreach_status": outreach_status,
            "outreach_statuses": OUTREACH_STATUSES,
            "outreach_owners": _owners, "contact_kinds": CONTACT_KINDS}


# -- Humas: the outreach pipeline ------------------------------------------------------

def _owners() -> list[str]:
    """Who may own an outreach (Humas and admin accounts), read once per
    request (Calon mitra's rows each have an owner list)."""
    from alumni_graph.web.auth import accounts

    owners = g.get("_work_owners")
    if owners is None:
        owners = g._work_owners = tuple(sorted(name for _, name, role, disabled in accounts().roster()
                                               if role in HUMAS and not disabled))
    return list(owners)


def outreach_state(npsn: str, code: str) -> dict:
    """The current status and the history of one employer (404 if unknown)."""
    store = get_store()
    emp = store.get_node("Employer", (code,))
    if emp is None:
        raise NotFound(_t("work_no_employer"), [{"param": "employer_code", "message": "no such employer"}])
    rows = run_registered("outreach_pipeline", {"npsn": npsn, "employer": code})["rows"]
    if rows:
        return {"employer": {"code": code, "name": emp.get("name")}, "npsn": npsn, **rows[0]}
    return {"employer": {"code": code, "name": emp.get("name")}, "npsn": npsn, "code": code,
            "name": emp.get("name"), "status": "belum_dihubungi", "status_explicit": False,
            "owner": None, "next_action": None, "next_action_date": None, "overdue": False,
            "this_week": False, "last_contact": None, "contacts": 0, "history": []}


def record_outreach(npsn: str, code: str, form: dict) -> dict:
    """Record a contact carrying the outreach status (the ``kunjungan`` row rules)."""
    status = _text(form, "status")
    if status is not None and status not in OUTREACH_STATUSES:
        raise ParameterError(_t("work_bad_status"), [{"param": "status", "value": status,
                                                      "message": ", ".join(OUTREACH_STATUSES)}])
    owner = _text(form, "owner")
    if owner is not None and owner not in _owners():
        raise ParameterError(_t("work_bad_owner"), [{"param": "owner", "value": owner,
                                                     "message": ", ".join(_owners())}])
    current = outreach_state(npsn, code)
    day = _text(form, "date") or _today()
    g.work_created = True
    kind = _text(form, "kind") or ("kunjungan" if status == "dikunjungi" else "catatan")
    note = _text(form, "note")
    # A second note the same day of the same kind adds to that record, never replaces it.
    same = next((h for h in current["history"] if h["date"] == day and h["kind"] == kind), None)
    if note and same and same.get("notes") and note not in same["notes"]:
        note = f"{same['notes']}; {note}"
    if same:
        g.work_created = False  # added to that day's record: nothing new
    row = {"npsn": npsn, "kode_dudi": code, "tanggal": day, "jenis": kind, "oleh": _user(),
           "status": status or current["status"], "catatan": note,
           "penanggung_jawab": owner or current.get("owner") or _user(),
           "tindakan_berikut": _text(form, "next_action"),
           "tanggal_tindakan": _text(form, "next_action_date")}
    _load("kunjungan", {k: v for k, v in row.items() if v is not None})
    fields = sorted(k for k in ("status", "note", "owner", "next_action", "next_action_date", "kind",
                                "date") if _text(form, k) is not None)
    access.audit("outreach_update", target=code, detail={"npsn": npsn, "fields": fields})
    return outreach_state(npsn, code)


@bp.post("/dudi/<code>/penjajakan")
@access.requires(*HUMAS)
def outreach_form(code: str):
    """The status form on the Calon mitra row and the firm's page."""
    _, npsn = _school()
    try:
        record_outreach(npsn, code.upper(), _form())
    except ParameterError as exc:
        return _refused(exc, url_for("pages.employer", code=code))
    flash(_t("work_saved"))
    return _back(url_for("pages.employer", code=code))


@bp.get("/dudi/<code>/penjajakan")
@access.requires(*HUMAS)
def outreach_page(code: str):
    """The firm's outreach: status form and history (linked from Calon mitra and the firm's page)."""
    schools, npsn = _school()
    data = {"schools": schools, "npsn": npsn, **outreach_state(npsn, code.upper()),
            "statuses": list(OUTREACH_STATUSES), "kinds": list(CONTACT_KINDS), "owners": _owners(),
            "today": _today()}
    if wants_json():
        return jsonify({"ok": True, **data})
    return render_template("work/outreach.html", d=data, notices=get_flashed_messages(),
                           json_url=url_for("work.api_outreach", employer_code=code.upper(), npsn=npsn))


@_twin("/rencana-kunjungan", "plan", HUMAS)
def plan():
    """Rencana kunjungan: the pipeline by status, this week, overdue, filters."""
    schools, npsn = _school()
    params = {"npsn": npsn}
    for key in ("owner", "program", "status"):
        if (request.args.get(key) or "").strip():
            params[key] = request.args[key]
    result = run_registered("outreach_pipeline", params)
    rows = result["rows"]
    groups = [{"status": s, "rows": [r for r in rows if r["status"] == s]} for s in OUTREACH_STATUSES]
    data = {"schools": schools, "npsn": npsn, "filters": {k: params.get(k) for k in ("owner", "program", "status")},
            "owners": _owners(), "programs": _programs(schools, npsn), "statuses": list(OUTREACH_STATUSES),
            "overdue": [r for r in rows if r["overdue"]], "this_week": [r for r in rows if r["this_week"]],
            "groups": groups, "count": len(rows), "today": _today()}
    return _render("work/plan.html", data, "work.plan_json")


def _programs(schools: list[dict], npsn: str) -> list[dict]:
    return next((s.get("programs") or [] for s in schools if s["npsn"] == npsn), [])


@_twin("/rencana-kunjungan/lembar", "call_sheet", HUMAS)
def call_sheet():
    """A printable call sheet of one day's visits: firm, address, champions with
    their contact (as the user's role may see it), last contact, what to offer."""
    schools, npsn = _school()
    day = (request.args.get("tanggal") or "").strip() or _today()
    try:
        day = dt.date.fromisoformat(day).isoformat()
    except ValueError:
        raise ParameterError("tanggal: YYYY-MM-DD", [{"param": "tanggal", "value": day[:20],
                                                      "message": "must be a date (YYYY-MM-DD)"}]) from None
    rows = [r for r in run_registered("outreach_pipeline", {"npsn": npsn})["rows"]
            if r["next_action_date"] == day]
    store = get_store()
    names = access.name_policy()
    shown = 0
    for r in rows:
        champs = []
        for c in r["champions"]:
            person = store.get_node("Person", (c["nisn"],)) or {}
            name = person.get("name") if names.reveals(person) else names.label(person)
            # The one contact rule (web.names.contact): consent, then the role; its
            # tel:/WhatsApp links only where it gives the number in full.
            contact = access.person_contact(person)
            shown += bool(contact.get("shown"))
            champs.append({**c, "name": name, "named": names.reveals(person), "contact": contact})
        r["champions"] = champs
    if shown:
        access.audit("view_contacts", target="call-sheet", detail={"npsn": npsn, "people": shown})
    data = {"schools": schools, "npsn": npsn, "date": day, "rows": rows}
    return _render("work/call_sheet.html", data, "work.call_sheet_json")


# -- Humas: MoUs --------------------------------------------------------------------

def partnerships(npsn: str) -> list[dict]:
    """The school's partnerships (its own and its programmes'), newest first."""
    from alumni_graph.queries.rules import partnership_is_active
    from alumni_graph.queries.work import facts

    today = _today()
    rows = []
    for f in facts(get_store(), npsn):
        for m in f["partnerships"]:
            rows.append({"code": f["code"], "name": f["name"], "program": m.get("program"),
                         "start": m.get("start"), "end": m.get("end"), "kinds": m.get("kinds") or [],
                         "mou_number": m.get("mou_number"), "scope": m.get("scope"),
                         "active": partnership_is_active(m, today),
                         "days_left": (dt.date.fromisoformat(m["end"]) - dt.date.today()).days
                         if m.get("end") else None})
    rows.sort(key=lambda r: (not r["active"], r["end"] or "9999", r["name"] or "", r["start"] or ""))
    return rows


@_twin("/kemitraan", "mous", HUMAS)
def mous():
    schools, npsn = _school()
    prefill = {k: request.args.get(k, "") for k in ("kode_dudi", "kode_program", "mulai", "nomor_mou")}
    data = {"schools": schools, "npsn": npsn, "rows": partnerships(npsn), "kinds": list(PARTNERSHIP_KINDS),
            "programs": _programs(schools, npsn), "prefill": prefill, "today": _today(),
            "employers": _employer_choices()}
    return _render("work/mous.html", data, "work.mous_json")


def _employer_choices() -> list[dict]:
    return sorted(({"code": e.get("code"), "name": e.get("name")} for e in get_store().iter_nodes("Employer")),
                  key=lambda e: (e["name"] or "", e["code"]))


@bp.post("/kemitraan")
@access.requires(*HUMAS)
def mou_create():
    """Create or renew a partnership (a new ``kemitraan`` record)."""
    _, npsn = _school()
    form = _form()
    kinds = form.get("jenis")
    row = {"npsn": npsn, "kode_program": _text(form, "kode_program"), "kode_dudi": _text(form, "kode_dudi"),
           "jenis": "; ".join(kinds) if isinstance(kinds, list) else kinds,
           "nomor_mou": _text(form, "nomor_mou"), "mulai": _text(form, "mulai"),
           "selesai": _text(form, "selesai"), "lingkup": _text(form, "lingkup"), "oleh": _user()}
    try:
        if row["kode_dudi"] and get_store().get_node("Employer", (row["kode_dudi"].upper(),)) is None:
            raise ParameterError(_t("work_no_employer"), [{"param": "kode_dudi", "value": row["kode_dudi"],
                                                           "message": "no such employer"}])
        _load("kemitraan", {k: v for k, v in row.items() if v})
    except ParameterError as exc:
        return _refused(exc, url_for("work.mous", npsn=npsn))
    access.audit("mou_create", target=(row["kode_dudi"] or "").upper(),
                 detail={"npsn": npsn, "fields": sorted(k for k, v in row.items() if v)})
    if _json():
        return jsonify({"ok": True, "rows": partnerships(npsn)}), 201
    flash(_t("work_saved"))
    return _back(url_for("work.mous", npsn=npsn))


@bp.post("/kemitraan/akhiri")
@access.requires(*HUMAS)
def mou_end():
    """End a partnership on a date: first a confirmation page showing the
    change (old end → new end), then, with ``confirm``, the write."""
    _, npsn = _school()
    form = _form()
    code, program, start = _text(form, "kode_dudi"), _text(form, "kode_program"), _text(form, "mulai")
    found = next((m for m in partnerships(npsn) if m["code"] == code and m["program"] == program
                  and m["start"] == start), None)
    if found is None:
        raise NotFound(_t("work_no_mou"), [{"param": "mulai", "message": "no such partnership"}])
    end = _text(form, "selesai") or _today()
    if not form.get("confirm"):
        data = {"npsn": npsn, "mou": found, "end": end}
        if _json():
            return jsonify({"ok": True, "preview": {"old_end": found["end"], "new_end": end}, **data})
        return render_template("work/mou_end.html", d=data)
    row = {"npsn": npsn, "kode_program": program, "kode_dudi": code, "jenis": "; ".join(found["kinds"]),
           "mulai": start, "selesai": end}
    try:
        _load("kemitraan", {k: v for k, v in row.items() if v})
    except ParameterError as exc:
        return _refused(exc, url_for("work.mous", npsn=npsn))
    access.audit("mou_end", target=code, detail={"npsn": npsn, "fields": ["selesai"]})
    if _json():
        return jsonify({"ok": True, "rows": partnerships(npsn)})
    flash(_t("work_saved"))
    return redirect(url_for("work.mous", npsn=npsn), code=303)


# -- alerts and conversion -------------------------------------------------------------

def alerts(npsn: str) -> list[dict]:
    return run_registered("work_alerts", {"npsn": npsn})["rows"]


@bp.get("/api/v1/alerts")
@access.requires("humas", "bkk", "admin")
@doc("Alerts: MoUs ending within 90 days (mou_expiring), ended and not renewed (mou_ended), "
     "partners with no intern, hire or visit in 12 months (partner_dormant), overdue next actions "
     "(action_overdue).", params=(("npsn", "string", False, "the school (default: the first)"),),
     response="Alerts")
def api_alerts():
    _, npsn = _school()
    rows = alerts(npsn)
    return jsonify({"ok": True, "npsn": npsn, "count": len(rows), "rows": rows})


@_twin("/konversi", "conversion", ("humas", "bkk", "admin", "viewer"))
def conversion():
    schools, npsn = _school()
    result = run_registered("outreach_conversion", {"npsn": npsn})
    data = {"schools": schools, "npsn": npsn, "rows": result["rows"], "firms": result["meta"]["firms"]}
    return _render("work/conversion.html", data, "work.conversion_json")


# -- the outreach JSON contract ---------------------------------------------------------

@bp.route("/api/v1/outreach/<employer_code>", methods=["GET", "POST"])
@access.requires(*HUMAS)
@doc("An employer's outreach: GET the current status and history; POST "
     '{"status", "note", "next_action", "next_action_date", "owner", "kind", "date"} records a contact '
     "carrying the new status (the kunjungan record, source web).",
     params=(("npsn", "string", False, "the school (default: the first)"),), response="Outreach",
     body={"type": "object", "properties": {
         "status": {"enum": list(OUTREACH_STATUSES)}, "note": {"type": "string"},
         "next_action": {"type": "string"}, "next_action_date": {"type": "string", "format": "date"},
         "owner": {"type": "string"}, "kind": {"enum": list(CONTACT_KINDS)},
         "date": {"type": "string", "format": "date"}, "npsn": {"type": "string"}}},
     created="new")
def api_outreach(employer_code: str):
    _, npsn = _school()
    code = employer_code.upper()
    if request.method == "GET":
        return jsonify({"ok": True, **outreach_state(npsn, code)})
    state = record_outreach(npsn, code, _form())
    return jsonify({"ok": True, **state}), 201 if g.get("work_created") else 200


# -- BKK: vacancies ----------------------------------------------------------------------

def new_vacancy_id() -> str:
    return f"L-{dt.date.today():%y%m%d}-{secrets.token_hex(2).upper()}"


def create_vacancy(npsn: str, form: dict) -> str:
    """A vacancy from a form or the API (the ``lowongan`` row rules); its new code."""
    employer = _text(form, "employer") or _text(form, "kode_dudi")
    programs = form.get("programs") if "programs" in form else form.get("program")
    if isinstance(programs, list):
        programs = "; ".join(str(p) for p in programs)
    vid = new_vacancy_id()
    row = {"npsn": npsn, "kode_lowongan": vid, "kode_dudi": employer,
           "posisi": _text(form, "title") or _text(form, "posisi"),
           "program": programs or None, "jumlah": form.get("openings") or form.get("jumlah") or None,
           "batas_waktu": _text(form, "deadline") or _text(form, "batas_waktu"),
           "asal": _text(form, "origin") or _text(form, "asal"),
           "catatan": _text(form, "notes") or _text(form, "catatan"),
           "dicatat_oleh": _user(), "tanggal_dicatat": _today()}
    if not employer:
        raise ParameterError("employer: " + _t("work_required"),
                             [{"param": "employer", "message": "required"}])
    if get_store().get_node("Employer", (employer.upper(),)) is None:
        raise ParameterError(_t("work_no_employer"), [{"param": "employer", "value": employer,
                                                       "message": "no such employer (use its code)"}])
    row["kode_dudi"] = employer.upper()
    _load("lowongan", {k: v for k, v in row.items() if v is not None})
    access.audit("vacancy_create", target=vid,
                 detail={"npsn": npsn, "fields": sorted(k for k, v in row.items() if v is not None)})
    return vid


@_twin("/lowongan", "vacancies", ("bkk", "humas", "admin"))
def vacancies():
    schools, npsn = _school()
    rows = run_registered("vacancies", {"npsn": npsn})["rows"]
    data = {"schools": schools, "npsn": npsn, "rows": rows, "programs": _programs(schools, npsn),
            "origins": list(VACANCY_ORIGINS), "employers": _employer_choices(),
            "may_create": access.current_role() in BKK,
            "prefill": {"kode_dudi": request.args.get("kode_dudi", "")}}
    return _render("work/vacancies.html", data, "work.vacancies_json")


@bp.post("/lowongan")
@access.requires(*BKK)
def vacancy_create():
    _, npsn = _school()
    try:
        vid = create_vacancy(npsn, _form())
    except ParameterError as exc:
        return _refused(exc, url_for("work.vacancies", npsn=npsn))
    if _json():
        return _created_vacancy(vid)
    flash(_t("work_saved"))
    return redirect(url_for("work.vacancy", id=vid), code=303)


@bp.post("/api/v1/vacancies")
@access.requires(*BKK)
@doc('Create a vacancy: {"employer", "title", "programs", "openings", "deadline", "origin", "notes"} '
     '-> {"id"} (the lowongan row rules); 201 with the Location of GET /api/v1/vacancies/{id}.',
     response="VacancyCreated", created="always", location=True,
     body={"type": "object", "required": ["employer", "title"], "properties": {
         "employer": {"type": "string"}, "title": {"type": "string"},
         "programs": {"type": "array", "items": {"type": "string"}},
         "openings": {"type": "integer", "minimum": 1}, "deadline": {"type": "string", "format": "date"},
         "origin": {"enum": list(VACANCY_ORIGINS)}, "notes": {"type": "string"},
         "npsn": {"type": "string"}}})
def api_vacancy_create():
    _, npsn = _school()
    return _created_vacancy(create_vacancy(npsn, _form()))


def _created_vacancy(vid: str):
    answer = jsonify({"ok": True, "id": vid})
    answer.status_code = 201
    answer.headers["Location"] = url_for("work.api_vacancy", id=vid)
    return answer


@bp.get("/api/v1/vacancies/<id>")
@access.requires(*BKK)
@doc("One vacancy and its referrals (edit: POST /lowongan/<id>/ubah; delete: POST "
     "/lowongan/<id>/hapus, both with a preview first).", response="Vacancy")
def api_vacancy(id: str):
    vid = id.upper()
    npsn = _vacancy_school(vid)
    v = get_store().get_node("Vacancy", (vid,))
    return jsonify({"ok": True, "vacancy": _vacancy_row(npsn, vid), "referrals": referrals(vid),
                    "version": record_version(v)})


def _vacancy_row(npsn: str, vid: str) -> dict:
    rows = run_registered("vacancies", {"npsn": npsn, "id": vid})["rows"]
    if not rows:
        raise NotFound(_t("work_no_vacancy"), [{"param": "id", "message": "no such vacancy"}])
    return rows[0]


def _vacancy_school(vid: str) -> str:
    v = get_store().get_node("Vacancy", (vid,))
    if v is None:
        raise NotFound(_t("work_no_vacancy"), [{"param": "id", "message": "no such vacancy"}])
    return v["school_npsn"]


def candidates(vid: str) -> list[dict]:
    """Ranked candidates, each with the contact the user's role may see (audited)."""
    rows = run_registered("vacancy_candidates", {"id": vid})["rows"]
    store = get_store()
    people = {p["nisn"]: p for p in store.iter_nodes("Person", [(r["nisn"],) for r in rows])}
    shown = 0
    for r in rows:
        r["contact"] = access.person_contact(people.get(r["nisn"], {}))
        shown += bool(r["contact"].get("shown"))
    if shown:
        access.audit("view_contacts", target=vid, detail={"page": "candidates", "people": shown})
    return rows


def referrals(vid: str) -> list[dict]:
    store = get_store()
    out = []
    for rel in store.relationships_of("Vacancy", (vid,)):
        if rel["type"] != "REFERRED_TO":
            continue
        nisn = rel["other"][1][0]
        person = store.get_node("Person", (nisn,)) or {}
        out.append({"nisn": nisn, "name": person.get("name"), "program": person.get("program_code"),
                    **{k: rel["props"].get(k) for k in ("status", "date", "referred_on", "by", "notes")}})
    out.sort(key=lambda r: (r["date"] or "", r["nisn"]), reverse=True)
    return out


@_twin("/lowongan/<id>", "vacancy", BKK)
def vacancy(id: str):
    vid = id.upper()
    npsn = _vacancy_school(vid)
    data = {"npsn": npsn, "vacancy": _vacancy_row(npsn, vid), "candidates": candidates(vid),
            "referrals": referrals(vid), "statuses": list(REFERRAL_STATUSES), "today": _today()}
    return _render("work/vacancy.html", data, "work.vacancy_json", id=vid)


@bp.get("/lowongan/<id>/kandidat.csv")
@access.requires(*BKK)
def vacancy_candidates_csv(id: str):
    vid = id.upper()
    _vacancy_school(vid)
    rows = [{**r, "phone": r["contact"].get("phone"), "email": r["contact"].get("email")}
            for r in candidates(vid)]
    columns = ["rank", "nisn", "name", "program", "graduation_year", "kind", "status", "strength",
               "hops", "explanation_id", "referral_status", "phone", "email"]
    access.audit("export", target=f"kandidat-{vid}", detail={"format": "csv", "rows": len(rows)})
    return Response(to_csv(columns, rows), mimetype=CSV_MIME,
                    headers={"Content-Disposition": f'attachment; filename="kandidat-{vid}.csv"'})


@bp.get("/api/v1/vacancies/<id>/candidates")
@access.requires(*BKK)
@doc("The ranked candidates for a vacancy, each with the strongest referral path and, for bkk "
     "and admin, the contact the person consented to.", response="Candidates")
def api_candidates(id: str):
    vid = id.upper()
    _vacancy_school(vid)
    rows = candidates(vid)
    return jsonify({"ok": True, "id": vid, "count": len(rows), "rows": rows})


def record_referral(vid: str, form: dict) -> dict:
    """A referral and its outcome (the ``rujukan`` row rules); ``diterima``
    also writes the job (the ``pekerjaan`` rules, channel bkk) and, for a
    graduate, the status ``bekerja`` (the ``siswa`` rules). Everything is
    checked before anything is written."""
    npsn = _vacancy_school(vid)
    v = get_store().get_node("Vacancy", (vid,))
    nisn = _text(form, "nisn")
    status = _text(form, "status") or "dirujuk"
    day = _text(form, "date") or _text(form, "tanggal") or _today()
    existing = next((r for r in referrals(vid) if r["nisn"] == nisn), None)
    g.work_created = existing is None
    row = {"nisn": nisn, "kode_lowongan": vid, "status": status, "tanggal": day, "oleh": _user(),
           "tanggal_rujuk": (existing or {}).get("referred_on") or day,
           "catatan": _text(form, "note") or _text(form, "catatan")}
    row = {k: v for k, v in row.items() if v is not None}
    writes = [("rujukan", row)]
    if status == "diterima":
        start = _text(form, "start") or _text(form, "mulai_kerja") or day
        writes.append(("pekerjaan", {"nisn": nisn, "kode_dudi": v["employer_code"], "jabatan": v.get("title"),
                                     "mulai": start, "sumber": "bkk"}))
        person = get_store().get_node("Person", (nisn,)) if nisn else None
        if person and person.get("graduation_year") is not None and person.get("status") != "bekerja":
            writes.append(("siswa", {"nisn": nisn, "nama": person.get("name"), "npsn": person.get("school_npsn"),
                                     "kode_program": person.get("program_code"),
                                     "tahun_lulus": person["graduation_year"], "status": "bekerja"}))
    for kind, r in writes:  # all checked first: a refused job writes no referral either
        _load(kind, r, dry_run=True)
    for kind, r in writes:
        _load(kind, r)
    access.audit("referral", nisn=nisn, target=vid,
                 detail={"npsn": npsn, "status": status, "writes": [k for k, _ in writes]})
    return next(r for r in referrals(vid) if r["nisn"] == nisn)


@bp.post("/lowongan/<id>/rujukan")
@access.requires(*BKK)
def referral_form(id: str):
    vid = id.upper()
    try:
        record_referral(vid, _form())
    except ParameterError as exc:
        return _refused(exc, url_for("work.vacancy", id=vid))
    if _json():
        return _referral_answer(vid, _text(request.get_json(silent=True) or {}, "nisn"))
    flash(_t("work_saved"))
    return redirect(url_for("work.vacancy", id=vid) + "#rujukan", code=303)


@bp.post("/api/v1/vacancies/<id>/referrals")
@access.requires(*BKK)
@doc('Record a referral or its outcome: {"nisn", "status", "date", "note", "start"}; status '
     "diterima also creates the job (WORKS_AT, channel bkk) through the loader's rules.",
     response="Referral", created="new", location=True,
     body={"type": "object", "required": ["nisn"], "properties": {
         "nisn": {"type": "string"}, "status": {"enum": list(REFERRAL_STATUSES)},
         "date": {"type": "string", "format": "date"}, "note": {"type": "string"},
         "start": {"type": "string", "format": "date"}}})
def api_referral(id: str):
    vid = id.upper()
    form = _form()
    record_referral(vid, form)
    return _referral_answer(vid, _text(form, "nisn"))


def _referral_answer(vid: str, nisn: str):
    """201 with the referral's URL when it is new, 200 when its outcome moved."""
    ref = next(r for r in referrals(vid) if r["nisn"] == nisn)
    answer = jsonify({"ok": True, "referral": ref})
    if g.get("work_created"):
        answer.status_code = 201
        answer.headers["Location"] = url_for("work.api_referral_one", id=vid, nisn=nisn)
    return answer


@bp.get("/api/v1/vacancies/<id>/referrals/<nisn>")
@access.requires(*BKK)
@doc("One referral (edit: POST /lowongan/<id>/rujukan/<nisn>/ubah; delete: POST "
     "/lowongan/<id>/rujukan/<nisn>/hapus).", response="Referral")
def api_referral_one(id: str, nisn: str):
    vid = id.upper()
    _vacancy_school(vid)
    ref = next((r for r in referrals(vid) if r["nisn"] == nisn), None)
    if ref is None:
        raise NotFound(_t("work_not_found"), [{"param": "nisn", "message": "no such referral"}])
    return jsonify({"ok": True, "referral": ref})


# -- BKK: the placement report -----------------------------------------------------------

PLACEMENT_HEADERS = (
    ("year", "Tahun lulus"), ("program", "Program keahlian"), ("graduates", "Jumlah lulusan"),
    ("placed", "Bekerja"), ("bkk", "Melalui BKK"), ("alumni", "Rujukan alumni"),
    ("prakerin", "Tempat prakerin"), ("mandiri", "Usaha sendiri"), ("placed_pct", "Keterserapan (%)"),
)


def _placement(npsn: str) -> dict:
    params = {"npsn": npsn}
    for key in ("program", "year"):
        if (request.args.get(key) or "").strip():
            params[key] = request.args[key]
    result = run_registered("placement_report", params)
    for r in result["rows"]:
        r["placed_pct"] = None if r["placed_rate"] is None else round(100 * r["placed_rate"], 1)
    return {"npsn": npsn, "rows": result["rows"], "totals": result["meta"]["totals"],
            "filters": {k: params.get(k) for k in ("program", "year")}}


@_twin("/laporan-penempatan", "placement", ("bkk", "humas", "admin", "viewer"))
def placement():
    schools, npsn = _school()
    data = {"schools": schools, "programs": _programs(schools, npsn), **_placement(npsn)}
    return _render("work/placement.html", data, "work.placement_json")


def _placement_tables(data: dict) -> tuple[list[str], list[dict], list[str], list[dict]]:
    head = [h for _, h in PLACEMENT_HEADERS]
    summary = [{h: r.get(k) for k, h in PLACEMENT_HEADERS} for r in data["rows"]]
    detail_head = ["Tahun lulus", "Program keahlian", "Kode DU/DI", "Nama DU/DI", "Jalur", "Jumlah"]
    detail = [{"Tahun lulus": r["year"], "Program keahlian": r["program"], "Kode DU/DI": e["code"],
               "Nama DU/DI": e["name"], "Jalur": e["channel"], "Jumlah": e["count"]}
              for r in data["rows"] for e in r["employers"]]
    return head, summary, detail_head, detail


@bp.get("/laporan-penempatan.<fmt>")
@access.requires("bkk", "humas", "admin", "viewer")
def placement_export(fmt: str):
    """The annual-report layout: one row per graduation year and programme
    (CSV), plus the employers sheet (XLSX). Aggregates only: no names."""
    if fmt not in ("csv", "xlsx"):
        raise NotFound("csv or xlsx", [{"param": "fmt", "message": "csv or xlsx"}])
    _, npsn = _school()
    data = _placement(npsn)
    head, summary, detail_head, detail = _placement_tables(data)
    name = f"laporan-penempatan-{npsn}-{_today()}"
    if fmt == "csv":
        body, mime = to_csv(head, summary), CSV_MIME
    else:
        body, mime = _placement_xlsx(head, summary, detail_head, detail), XLSX_MIME
    access.audit("export", target="laporan-penempatan", detail={"format": fmt, "rows": len(summary)})
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _placement_xlsx(head, summary, detail_head, detail) -> bytes:
    import io

    from openpyxl import Workbook

    from alumni_graph.web.exports import cell

    wb = Workbook(write_only=True)
    for title, columns, rows in (("Rekap", head, summary), ("DU-DI", detail_head, detail)):
        ws = wb.create_sheet(title)
        ws.append([cell(c) for c in columns])
        for row in rows:
            ws.append([cell(row.get(c)) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- edit one record ----------------------------------------------------------------------

#: What each record's edit form changes: (form field, stored property, loader column).
PERSON_FIELDS = (
    ("phone", "phone", "no_hp"), ("email", "email", "email"), ("status", "status", "status"),
    ("consent_contact", "consent_contact", "bersedia_dihubungi"),
    ("consent_display", "consent_display", "boleh_ditampilkan"),
    ("consent_source", "consent_source", "sumber_persetujuan"),
    ("consent_date", "consent_date", "tanggal_persetujuan"),
    ("guardian_consent_ref", "guardian_consent_ref", "ref_persetujuan_wali"),
)
EMPLOYER_FIELDS = (
    ("name", "name", "nama"), ("sector", "sector", "bidang_usaha"), ("city", "city", "kota"),
    ("address", "address", "alamat"), ("contact", "contact", "kontak"),
)
BOOLEAN_FIELDS = ("consent_contact", "consent_display")


def record_version(props: dict) -> str:
    """A record's version for the edit forms: a digest of its stored values
    (provenance excluded), so a save over someone else's newer save is caught."""
    import hashlib
    import json

    values = {k: v for k, v in props.items() if k not in ("source", "loaded_at")}
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _shown(value):
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _edit(label: str, key: tuple, fields: tuple, kind: str, base_row: dict, back: str, title: str,
          props: dict | None = None, choices: dict | None = None, dates: tuple = (), move=None,
          check=None, multi: dict | None = None, labels: dict | None = None):
    """The edit flow of one record: the form (GET), the change shown before
    it is saved (POST), the save (POST with ``confirm``). A save whose
    ``version`` is not the record's current one is refused with 409 and the
    entered values kept on the page, next to the values saved meanwhile.
    ``props``: a relationship's properties (a node's are read here);
    ``choices``: field -> [(value, label key)] for a select; ``dates``: the
    date fields; ``move=(column, write)``: a change of that key column (a
    job's start) is written by ``write(row, props) -> (new key, back)``
    instead of the plain loader write; ``check(entered)``:
    a ParameterError for a change the form may not make."""
    store = get_store()
    if props is None:
        props = store.get_node(label, key)
    if props is None:
        raise NotFound(_t("work_not_found"), [{"param": "key", "message": "no such record"}])
    current = {f: _shown(props.get(p)) for f, p, _ in fields}
    version = record_version(props)
    data = {"title": title, "label": label, "key": "/".join(key), "fields": [f for f, _, _ in fields],
            "current": current, "entered": current, "version": version, "changes": [], "conflict": False,
            "back": back, "statuses": ["bekerja", "melanjutkan", "wirausaha", "mencari_kerja", "tidak_terdata"],
            "choices": choices or {}, "dates": list(dates) + ["end", "start"], "multi": multi or {},
            "labels": labels or {}, "delete_url": g.get("work_delete_url")}
    for f in data["multi"]:  # a set of codes: compared and shown in one order
        current[f] = "; ".join(sorted(filter(None, current[f].split("; "))))
    if request.method == "GET":
        return _edit_answer(data)
    form = _form()
    entered = {f: _text(form, f) or "" for f, _, _ in fields}
    for f in data["multi"]:
        entered[f] = "; ".join(sorted(filter(None, entered[f].split("; "))))
    if move is not None and "start" in entered and "start" not in form:
        entered["start"] = current["start"]  # a form (or script) without the key keeps it
    for f in BOOLEAN_FIELDS:
        if f in entered:
            entered[f] = "ya" if str(form.get(f, "")).lower() in ("ya", "1", "true", "on") else "tidak"
    if "aligned" in entered and entered["aligned"] not in ("", "ya", "tidak"):
        entered["aligned"] = "ya" if entered["aligned"].lower() in ("1", "true", "on", "y") else "tidak"
    data["entered"] = entered
    data["changes"] = [{"field": f, "old": current[f], "new": entered[f]} for f, _, _ in fields
                       if entered[f] != current[f]]
    if _text(form, "version") != version:
        data["conflict"] = True
        access.audit("edit_conflict", target=_audit_target(label, key), nisn=_audit_nisn(label, key),
                     detail={"fields": [c["field"] for c in data["changes"]]})
        return _edit_answer(data, 409)
    if not data["changes"]:
        return _edit_answer(data)
    from alumni_graph.loaders.validate import CLEAR_MARKER

    cols = {f: col for f, _, col in fields}
    row = dict(base_row)
    moving = move is not None and any(cols[c["field"]] == move[0] for c in data["changes"])
    if moving:
        # A key change writes the whole record again: every field goes through the rules.
        row.update({cols[f]: v for f, v in entered.items() if v != "" and cols[f] not in base_row})
    for c in data["changes"]:
        # An emptied field clears the stored value: the loader's own clear marker.
        row[cols[c["field"]]] = c["new"] if c["new"] != "" else CLEAR_MARKER
    try:
        if check is not None:
            check(entered, current)
        _load(kind, row, dry_run=True)  # the loader's rules, nothing written yet
    except ParameterError as exc:
        if _json():  # the error envelope, also on a page URL called with a JSON body
            return jsonify({"ok": False, "status": 400, "error": exc.message,
                            "errors": getattr(exc, "errors", None) or []}), 400
        data["error"] = exc.message
        return _edit_answer(data, 400)
    if not form.get("confirm"):
        data["preview"] = True
        return _edit_answer(data)
    fields_changed = sorted(c["field"] for c in data["changes"])
    if moving:
        key, back = move[1](row, props)
    else:
        _load(kind, row)
    access.audit("edit_record", nisn=_audit_nisn(label, key), target=_audit_target(label, key),
                 detail={"label": label, "fields": fields_changed})
    if _json():
        fresh = props_of(label, key)
        return jsonify({"ok": True, "changed": fields_changed, "version": record_version(fresh),
                        "url": back})
    flash(_t("work_saved"))
    return redirect(back, code=303)


def props_of(label: str, key: tuple) -> dict:
    """A record's stored properties: a node's, or a person's job/internship/referral."""
    if label == "Job":
        return _relationship(key[0], "WORKS_AT", key[1], key[2])
    if label == "Internship":
        return _relationship(key[0], "INTERNED_AT", key[1], key[2])
    if label == "Referral":
        return _referral_props(key[1], key[0])
    return get_store().get_node(label, key) or {}


def _audit_nisn(label: str, key: tuple):
    """A person's records are audited under the NISN (hashed by the audit log)."""
    return key[0] if label in ("Person", "Job", "Internship", "Referral") else None


def _audit_target(label: str, key: tuple):
    if label == "Person":
        return None
    if label in ("Job", "Internship"):
        return f"{label}:{key[1]}/{key[2]}"  # never the NISN in clear
    if label == "Referral":
        return f"Referral:{key[1]}"
    return f"{label}:{'/'.join(key)}"


def _edit_answer(data: dict, status: int = 200):
    if _json():
        if status == 409:
            return jsonify({"ok": False, "status": 409, "error": _t("work_conflict"),
                            "errors": [{"param": "version", "message": "the record changed meanwhile"}],
                            "current": data["current"], "version": data["version"]}), 409
        return jsonify({"ok": True, **data}), status
    return render_template("work/edit.html", d=data, related=g.get("work_related") or [],
                           notices=get_flashed_messages()), status


@bp.route("/siswa/<nisn>/ubah", methods=["GET", "POST"])
@access.requires(*BKK)
def person_edit(nisn: str):
    """Correct a person's contact, status and consent (the ``siswa`` rules)."""
    props = get_store().get_node("Person", (nisn,))
    if props is None:
        raise NotFound(_t("work_not_found"), [{"param": "nisn", "message": "no such person"}])
    base = {"nisn": nisn, "nama": props.get("name"), "npsn": props.get("school_npsn"),
            "kode_program": props.get("program_code"), "tahun_lulus": props.get("graduation_year")}
    fields = PERSON_FIELDS if props.get("graduation_year") is not None else \
        tuple(f for f in PERSON_FIELDS if f[0] != "status")
    if request.method == "GET":  # the person's jobs and internships, each editable
        g.work_related = [
            {"type": r["type"], "code": r["other"][1][0], "start": r["props"].get("start"),
             "title": r["props"].get("title"),
             "url": url_for("work.job_edit" if r["type"] == "WORKS_AT" else "work.internship_edit",
                            nisn=nisn, code=r["other"][1][0], start=r["props"]["start"])}
            for r in get_store().relationships_of("Person", (nisn,))
            if r["type"] in ("WORKS_AT", "INTERNED_AT") and r["direction"] == "out" and r["props"].get("start")]
    return _edit("Person", (nisn,), fields, "siswa", {k: v for k, v in base.items() if v is not None},
                 url_for("pages.person", nisn=nisn), props.get("name") or nisn)


@bp.route("/dudi/<code>/ubah", methods=["GET", "POST"])
@access.requires("humas", "bkk", "admin")
def employer_edit(code: str):
    """Correct an employer's name, sector, city, address and contact (the ``dudi`` rules)."""
    code = code.upper()
    props = get_store().get_node("Employer", (code,))
    if props is None:
        raise NotFound(_t("work_not_found"), [{"param": "code", "message": "no such employer"}])
    base = {"kode": code, "nama": props.get("name")}
    return _edit("Employer", (code,), EMPLOYER_FIELDS, "dudi", base, url_for("pages.employer", code=code),
                 props.get("name") or code)


JOB_FIELDS = (("start", "start", "mulai"), ("title", "title", "jabatan"), ("end", "end", "selesai"),
              ("aligned", "aligned", "selaras"))
INTERNSHIP_FIELDS = (("start", "start", "mulai"), ("end", "end", "selesai"), ("score", "score", "nilai"),
                     ("supervisor", "supervisor", "guru_pembimbing"))


def _relationship(nisn: str, type_: str, code: str, start: str) -> dict:
    for rel in get_store().relationships_of("Person", (nisn,)):
        if (rel["type"] == type_ and rel["direction"] == "out" and rel["other"][1][0] == code
                and rel["props"].get("start") == start):
            return rel["props"]
    raise NotFound(_t("work_not_found"), [{"param": "start", "message": "no such record"}])


def _starts(nisn: str, type_: str, code: str) -> set:
    return {rel["props"].get("start") for rel in get_store().relationships_of("Person", (nisn,))
            if rel["type"] == type_ and rel["direction"] == "out" and rel["other"][1][0] == code}


def _start_edit(nisn: str, type_: str, code: str, start: str, kind: str, fields: tuple):
    """The edit of a job or an internship, its start date included. The start
    is the record's key: a corrected start *moves* the record (the same
    record, every other value kept, the old start remembered in
    ``corrected_from`` so a re-load of the old file updates it instead of
    adding it again), checked by the loader's rules like any other field."""
    from alumni_graph.loaders.kinds import Invalid, date

    code = code.upper()
    props = _relationship(nisn, type_, code, start)
    edited = {p for _, p, _ in fields}
    back = url_for("pages.person", nisn=nisn)

    def check(entered, current):
        if entered["start"] in ("", current["start"]):
            return
        try:
            new = date(entered["start"])
        except Invalid:
            return  # the loader's rules name it
        if new in _starts(nisn, type_, code) and new != start:
            raise ParameterError(_t("work_start_taken", date=new),
                                 [{"param": "mulai", "value": new, "message": "a record with this start exists"}])

    def write(row, old):
        new = date(row["mulai"])
        store = get_store()
        keep = {k: v for k, v in old.items() if k not in ("source", "loaded_at", "start") and k not in edited}
        keep["corrected_from"] = sorted((set(old.get("corrected_from") or []) | {start}) - {new}) or None
        with store.transaction():
            # The record at its new start with everything the form does not show
            # (channel, monitoring visits, earlier corrections), then the form's
            # fields through the loader's rules, then the old start goes.
            store.upsert_relationships(type_, [{"start": (nisn,), "end": (code,), "props": {"start": new, **keep}}],
                                       start_label="Person", end_label="Employer", source="web")
            _load(kind, row)
            store.delete_relationships(type_, [{"start": (nisn,), "end": (code,), "props": {"start": start}}],
                                       start_label="Person", end_label="Employer")
        return (nisn, code, new), back

    label = "Job" if type_ == "WORKS_AT" else "Internship"
    base = {"nisn": nisn, "kode_dudi": code, "mulai": start}
    person = get_store().get_node("Person", (nisn,)) or {}
    firm = (get_store().get_node("Employer", (code,)) or {}).get("name") or code
    title = f"{person.get('name') or nisn} · {_t('work_rel_' + type_)} {firm} ({start})"
    g.work_delete_url = url_for("work.job_delete" if type_ == "WORKS_AT" else "work.internship_delete",
                                nisn=nisn, code=code, start=start)
    return _edit(label, (nisn, code, start), fields, kind, base, back, title, props=props,
                 dates=("start",), move=("mulai", write), check=check)


@bp.route("/siswa/<nisn>/pekerjaan/<code>/<start>/ubah", methods=["GET", "POST"])
@access.requires(*BKK)
def job_edit(nisn: str, code: str, start: str):
    """Correct a job's start, title, end date and alignment (the ``pekerjaan`` rules)."""
    return _start_edit(nisn, "WORKS_AT", code, start, "pekerjaan", JOB_FIELDS)


@bp.route("/siswa/<nisn>/prakerin/<code>/<start>/ubah", methods=["GET", "POST"])
@access.requires(*BKK)
def internship_edit(nisn: str, code: str, start: str):
    """Correct an internship's start, end date, score and supervisor (the ``prakerin`` rules)."""
    return _start_edit(nisn, "INTERNED_AT", code, start, "prakerin", INTERNSHIP_FIELDS)


# -- vacancies and referrals: edit and delete ------------------------------------------------

VACANCY_FIELDS = (
    ("title", "title", "posisi"), ("programs", "programs", "program"), ("openings", "openings", "jumlah"),
    ("deadline", "deadline", "batas_waktu"), ("origin", "origin", "asal"), ("notes", "notes", "catatan"),
)
REFERRAL_FIELDS = (("status", "status", "status"), ("date", "date", "tanggal"),
                   ("referred_on", "referred_on", "tanggal_rujuk"), ("notes", "notes", "catatan"))


@bp.route("/lowongan/<id>/ubah", methods=["GET", "POST"])
@access.requires(*BKK)
def vacancy_edit(id: str):
    """Correct a vacancy (the ``lowongan`` rules), shown before it is saved."""
    vid = id.upper()
    v = get_store().get_node("Vacancy", (vid,))
    if v is None:
        raise NotFound(_t("work_no_vacancy"), [{"param": "id", "message": "no such vacancy"}])
    base = {"npsn": v["school_npsn"], "kode_lowongan": vid, "kode_dudi": v["employer_code"],
            "posisi": v.get("title")}
    choices = {"origin": [(o, "origin_" + o) for o in VACANCY_ORIGINS]}
    programs = sorted({p["code"] for p in _programs(cache.schools(), v["school_npsn"])}
                      | set(v.get("programs") or []))
    return _edit("Vacancy", (vid,), VACANCY_FIELDS, "lowongan", base, url_for("work.vacancy", id=vid),
                 f"{v.get('title')} · {vid}", choices=choices, dates=("deadline",),
                 multi={"programs": programs}, labels={"title": _t("work_position")})


def _referral_props(vid: str, nisn: str) -> dict:
    for rel in get_store().relationships_of("Vacancy", (vid,)):
        if rel["type"] == "REFERRED_TO" and rel["other"][1][0] == nisn:
            return rel["props"]
    raise NotFound(_t("work_not_found"), [{"param": "nisn", "message": "no such referral"}])


@bp.route("/lowongan/<id>/rujukan/<nisn>/ubah", methods=["GET", "POST"])
@access.requires(*BKK)
def referral_edit(id: str, nisn: str):
    """Correct a referral's status, dates and note (the ``rujukan`` rules). A
    hire is recorded with the outcome form (it writes the job): not here."""
    vid = id.upper()
    _vacancy_school(vid)
    props = _referral_props(vid, nisn)
    person = get_store().get_node("Person", (nisn,)) or {}

    def check(entered, current):
        if entered["status"] == "diterima" and current["status"] != "diterima":
            raise ParameterError(_t("work_hire_by_outcome"),
                                 [{"param": "status", "value": "diterima", "message": "use the outcome form"}])

    base = {"nisn": nisn, "kode_lowongan": vid, "status": props.get("status"), "tanggal": props.get("date")}
    choices = {"status": [(s, "ref_" + s) for s in REFERRAL_STATUSES]}
    name = person.get("name") if access.name_policy().reveals(person) else nisn
    return _edit("Referral", (nisn, vid), REFERRAL_FIELDS, "rujukan", base,
                 url_for("work.vacancy", id=vid) + "#rujukan", f"{name} · {vid}", props=props,
                 choices=choices, dates=("date", "referred_on"), check=check)


def _delete(kind: str, vid: str, nisn: str | None = None):
    """Delete a vacancy (with its referrals) or one referral: first what goes
    and what stays (jobs written by accepted referrals stay), then, with
    ``confirm`` and the version shown, the delete; audited."""
    store = get_store()
    v = store.get_node("Vacancy", (vid,))
    if v is None:
        raise NotFound(_t("work_no_vacancy"), [{"param": "id", "message": "no such vacancy"}])
    refs = referrals(vid)
    if nisn is not None:
        props = _referral_props(vid, nisn)
        refs = [r for r in refs if r["nisn"] == nisn]
        version = record_version(props)
    else:
        version = record_version({**v, "referrals": [(r["nisn"], r["status"], r["date"]) for r in refs]})
    names = access.name_policy()
    people = {p["nisn"]: p for p in store.iter_nodes("Person", [(r["nisn"],) for r in refs])}
    shown = [{**r, "name": r["name"] if names.reveals(people.get(r["nisn"], {})) else names.label(
        people.get(r["nisn"], {}))} for r in refs]
    firm = (store.get_node("Employer", (v.get("employer_code"),)) or {}).get("name")
    data = {"kind": kind, "vacancy": {"id": vid, "title": v.get("title"), "employer_code": v.get("employer_code"),
                                      "employer_name": firm},
            "referrals": shown, "hired": sum(r["status"] == "diterima" for r in refs), "version": version,
            "nisn": nisn, "conflict": False}
    form = _form() if request.method == "POST" else {}
    if not form.get("confirm"):
        if _json():
            return jsonify({"ok": True, "preview": True, **data})
        return render_template("work/delete.html", d=data)
    if _text(form, "version") != version:
        data["conflict"] = True
        access.audit("edit_conflict", target=f"{kind}:{vid}", nisn=nisn, detail={"fields": ["delete"]})
        if _json():
            return jsonify({"ok": False, "status": 409, "error": _t("work_conflict"),
                            "errors": [{"param": "version", "message": "the record changed meanwhile"}],
                            "version": version}), 409
        return render_template("work/delete.html", d=data), 409
    if nisn is None:
        store.delete_node("Vacancy", (vid,))
        access.audit("vacancy_delete", target=vid, detail={"referrals": len(refs), "hired": data["hired"]})
        back = url_for("work.vacancies", npsn=v["school_npsn"])
    else:
        store.delete_relationships("REFERRED_TO", [{"start": (nisn,), "end": (vid,), "props": {}}],
                                   start_label="Person", end_label="Vacancy")
        access.audit("referral_delete", nisn=nisn, target=vid, detail={"hired": data["hired"]})
        back = url_for("work.vacancy", id=vid) + "#rujukan"
    if _json():
        return jsonify({"ok": True, "deleted": {"id": vid, "nisn": nisn, "referrals": len(refs)}})
    flash(_t("work_deleted"))
    return redirect(back, code=303)


@bp.post("/lowongan/<id>/hapus")
@access.requires(*BKK)
def vacancy_delete(id: str):
    return _delete("vacancy", id.upper())


@bp.post("/lowongan/<id>/rujukan/<nisn>/hapus")
@access.requires(*BKK)
def referral_delete(id: str, nisn: str):
    return _delete("referral", id.upper(), nisn)


# -- employer aliases -------------------------------------------------------------------------

@bp.post("/dudi/<code>/alias")
@access.requires(*HUMAS)
def employer_alias(code: str):
    """Add or remove an employer's alias (another name loads and searches
    resolve to it), by the loader's own alias rules: an alias that already
    names another firm is refused, naming it. First the change (aliases
    before → after), then, with ``confirm`` and the version shown, the write;
    audited (field name only)."""
    from alumni_graph.loaders.employers import add_alias, alias_owners, clean_alias, remove_alias, split_alias

    code = code.upper()
    store = get_store()
    node = store.get_node("Employer", (code,))
    if node is None:
        raise NotFound(_t("work_no_employer"), [{"param": "code", "message": "no such employer"}])
    form = _form()
    action = _text(form, "action") or "add"
    if action not in ("add", "remove"):
        raise ParameterError("action: add | remove", [{"param": "action", "value": action, "message": "add or remove"}])
    alias = _text(form, "alias") or ""
    city = _text(form, "kota") or _text(form, "city")
    if city and action == "add" and not split_alias(alias)[1]:
        alias = f"{alias} | {city}"
    alias = clean_alias(alias)
    before = list(node.get("aliases") or [])
    version = record_version(node)
    page = url_for("pages.employer", code=code)
    data = {"code": code, "name": node.get("name"), "action": action, "alias": alias, "before": before,
            "version": version, "back": page, "conflict": False, "error": None}
    try:
        if not split_alias(alias)[0]:
            raise ParameterError(_t("work_alias_empty"), [{"param": "alias", "message": "required"}])
        if action == "add":
            owners = alias_owners(store, code, alias)
            if owners:
                named = ", ".join(f"{o.get('name')} ({o['code']})" for o in owners[:3])
                raise ParameterError(_t("work_alias_taken", alias=alias, firms=named),
                                     [{"param": "alias", "value": alias, "message": f"already names {named}",
                                       "employers": [o["code"] for o in owners]}])
            after = before + ([alias] if alias not in before else [])
        else:
            if alias not in before:
                raise ParameterError(_t("work_alias_unknown", alias=alias),
                                     [{"param": "alias", "value": alias, "message": "not an alias of this employer"}])
            after = [a for a in before if a != alias]
    except ParameterError as exc:
        if _json():
            return jsonify({"ok": False, "status": 400, "error": exc.message, "errors": exc.errors or []}), 400
        flash(_t("work_not_saved") + " " + exc.message)
        return redirect(page + "#aliases", code=303)
    data["after"] = after
    if not form.get("confirm"):
        if _json():
            return jsonify({"ok": True, "preview": True, **data})
        return render_template("work/alias_confirm.html", d=data)
    if _text(form, "version") != version:
        data["conflict"] = True
        access.audit("edit_conflict", target=f"Employer:{code}", detail={"fields": ["aliases"]})
        if _json():
            return jsonify({"ok": False, "status": 409, "error": _t("work_conflict"),
                            "errors": [{"param": "version", "message": "the record changed meanwhile"}],
                            "current": before, "version": version}), 409
        return render_template("work/alias_confirm.html", d=data), 409
    if action == "add":
        aliases = add_alias(store, code, alias, source="web")
    else:
        aliases = remove_alias(store, code, alias, source="web")
    access.audit("employer_alias" if action == "add" else "employer_alias_remove", target=code,
                 detail={"fields": ["aliases"]})
    if _json():
        return jsonify({"ok": True, "aliases": aliases,
                        "version": record_version(store.get_node("Employer", (code,)))})
    flash(_t("work_saved"))
    return redirect(page + "#aliases", code=303)


# -- delete a job or an internship (e.g. one a mistaken hire wrote) ------------------------------

def _delete_started(nisn: str, type_: str, code: str, start: str):
    """Delete one job or internship: first the record as stored, then, with
    ``confirm`` and the version shown, the delete (409 if it changed); audited."""
    code = code.upper()
    store = get_store()
    props = _relationship(nisn, type_, code, start)
    version = record_version(props)
    person = store.get_node("Person", (nisn,)) or {}
    firm = (store.get_node("Employer", (code,)) or {}).get("name") or code
    fields = JOB_FIELDS if type_ == "WORKS_AT" else INTERNSHIP_FIELDS
    label = "Job" if type_ == "WORKS_AT" else "Internship"
    data = {"title": f"{person.get('name') or nisn} · {_t('work_rel_' + type_)} {firm} ({start})",
            "rows": [{"field": f, "value": _shown(props.get(p))} for f, p, _ in fields],
            "version": version, "back": url_for("pages.person", nisn=nisn), "conflict": False,
            "hired": props.get("channel") == "bkk"}
    form = _form() if request.method == "POST" else {}
    if not form.get("confirm"):
        if _json():
            return jsonify({"ok": True, "preview": True, **data})
        return render_template("work/delete_record.html", d=data)
    if _text(form, "version") != version:
        data["conflict"] = True
        access.audit("edit_conflict", nisn=nisn, target=_audit_target(label, (nisn, code, start)),
                     detail={"fields": ["delete"]})
        if _json():
            return jsonify({"ok": False, "status": 409, "error": _t("work_conflict"),
                            "errors": [{"param": "version", "message": "the record changed meanwhile"}],
                            "version": version}), 409
        return render_template("work/delete_record.html", d=data), 409
    store.delete_relationships(type_, [{"start": (nisn,), "end": (code,), "props": {"start": start}}],
                               start_label="Person", end_label="Employer")
    access.audit("record_delete", nisn=nisn, target=_audit_target(label, (nisn, code, start)),
                 detail={"label": label})
    if _json():
        return jsonify({"ok": True, "deleted": {"label": label, "code": code, "start": start}})
    flash(_t("work_deleted"))
    return redirect(data["back"], code=303)


@bp.post("/siswa/<nisn>/pekerjaan/<code>/<start>/hapus")
@access.requires(*BKK)
def job_delete(nisn: str, code: str, start: str):
    return _delete_started(nisn, "WORKS_AT", code, start)


@bp.post("/siswa/<nisn>/prakerin/<code>/<start>/hapus")
@access.requires(*BKK)
def internship_delete(nisn: str, code: str, start: str):
    return _delete_started(nisn, "INTERNED_AT", code, start)
