"""Tracer rounds on the web: the alumni's public form and BKK's pages.

* ``/t/<token>`` (public, declared in ``web.auth.PUBLIC_ENDPOINTS``): the
  form an alumnus opens from their personal link. Mobile-first, no
  JavaScript, its own small stylesheet; greets by first name and shows
  nothing else about anyone. CSRF without a login: the form carries an HMAC
  of the link (``Tracer.form_key``), checked in constant time. Wrong,
  expired, revoked and never-existing tokens get one and the same answer.
  Rate limits per address and per link (:class:`Limiter`); submissions
  above ``loaders.tracer.MAX_SUBMISSION_BYTES`` are refused (413).
* BKK and admin: ``/tracer`` (rounds; start one), ``/tracer/<id>`` (the
  dashboard: response rate per cohort and programme, tracer indicators
  before/now, the untraced still to reach), ``/tracer/<id>/kirim`` (links,
  QR codes, WhatsApp messages; alumni without a phone with who can reach
  them), ``/tracer/<id>/kirim.csv``, ``/tracer/<id>/slip`` (printable QR
  slips), ``/tracer/jawaban/<id>`` (one answer beside the stored record,
  employer match, approve or reject). Every view of links and every write is
  audited; every page has a JSON twin (``.json``) except the printable ones.
"""
from __future__ import annotations

import datetime as dt
import time
import urllib.parse
from collections import defaultdict

from flask import (
    Blueprint, abort, current_app, flash, g, get_flashed_messages, jsonify, redirect,
    render_template, request, url_for,
)

from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.loaders import tracer as core
from alumni_graph.web import access, get_store, i18n, wants_json


bp = Blueprint("tracer", __name__)

STAFF = ("bkk", "admin")

TRACER_DEFAULTS = {
    # Requests to /t/... per address per window, and wrong tokens per address.
    # Generous per address: a class visit or a reunion shares one Wi-Fi
    # address; the wrong-token count is what stops guessing.
    "TRACER_MAX_REQUESTS_IP": 300,
    "TRACER_MAX_BAD_TOKENS_IP": 20,
    # Submissions per link per window (a valid link answers once; this caps retries).
    "TRACER_MAX_POSTS_LINK": 10,
    "TRACER_WINDOW_SECONDS": 600,
    # Employer names offered as suggestions on the form (the page stays small).
    "TRACER_MAX_SUGGESTIONS": 200,
}


def public_url() -> str:
    """The base of the links alumni get: the ``PUBLIC_URL`` setting
    (``ALUMNI_GRAPH_PUBLIC_URL`` through ``web.settings``: the address alumni
    reach the app at, e.g. the school's HTTPS proxy), else the address of this
    request."""
    base = (current_app.config.get("PUBLIC_URL") or "").strip()
    return (base or request.host_url).rstrip("/")


def public_url_is_local() -> bool:
    """True when links would point at this machine only (no
    ``ALUMNI_GRAPH_PUBLIC_URL`` and the page was opened as localhost)."""
    from urllib.parse import urlsplit

    host = (urlsplit(public_url()).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def link_url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/t/{token}"


def wa_number(phone: str | None) -> str | None:
    """``0812...`` / ``+62812...`` / ``62812...`` -> ``62812...`` (wa.me wants
    the country code, no plus); None when it is not an Indonesian mobile."""
    if not phone:
        return None
    digits = "".join(c for c in str(phone) if c.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not digits.startswith("628") or not 10 <= len(digits) <= 15:
        return None
    return digits


def wa_link(phone: str | None, name: str | None, school: str, link: str) -> str | None:
    number = wa_number(phone)
    if number is None:
        return None
    text = i18n.translate("id", "tr_wa_greeting", name=core.first_name(name) or "alumni",
                          school=school, link=link)
    return f"https://wa.me/{number}?text={urllib.parse.quote(text, safe='')}"


class Limiter:
    """Sliding-window counters shared by every server process
    (security/limits.py), in the app's data directory (found on first use)."""

    def __init__(self):
        self._hits = None

    def _shared(self):
        if self._hits is None:
            from alumni_graph.security.limits import SharedHits

            self._hits = SharedHits(current_app.extensions["alumni_graph_data_dir"])
        return self._hits

    def count(self, key: tuple, window: float) -> int:
        return self._shared().count(key, window)

    def hit(self, key: tuple) -> None:
        self._shared().add(key)


@bp.record_once
def _setup(state):
    app = state.app
    for k, v in TRACER_DEFAULTS.items():
        app.config.setdefault(k, v)
    app.extensions["alumni_graph_tracer_limiter"] = Limiter()


def tracer() -> core.Tracer:
    ext = current_app.extensions
    if "alumni_graph_tracer" not in ext:
        ext["alumni_graph_tracer"] = core.Tracer(ext["alumni_graph_data_dir"])
    return ext["alumni_graph_tracer"]


def _t(key: str, **kwargs) -> str:
    return i18n.translate(g.get("lang") or i18n.DEFAULT_LANG, key, **kwargs)


def _user() -> str:
    return (access.current_user() or {}).get("name", "-")


# -- the public form -----------------------------------------------------------------------

def _invalid(status: int = 404):
    html = render_template("tracer/form.html", state="invalid", title=_t("tf_invalid_title"))
    resp = current_app.make_response((html, status))
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _limited():
    html = render_template("tracer/form.html", state="limited", title=_t("tf_invalid_title"))
    resp = current_app.make_response((html, 429))
    resp.headers["Retry-After"] = str(int(current_app.config["TRACER_WINDOW_SECONDS"]))
    return resp


def _employer_names() -> list[str]:
    """Known employer names for the form's suggestions: those employing the
    most alumni first, verified before unverified, then by name; at most
    ``TRACER_MAX_SUGGESTIONS`` (the page stays small). Cached 5 minutes."""
    store = get_store()
    cache = current_app.extensions.setdefault("alumni_graph_tracer_employers", {})
    hit = cache.get("names")
    if hit and time.monotonic() - hit[0] < 300:
        return hit[1]
    alumni: dict[str, int] = defaultdict(int)
    for r in store.iter_relationships("WORKS_AT", start_label="Person", end_label="Employer"):
        alumni[r["end"][0]] += 1
    ranked = sorted((-alumni.get(e["code"], 0), not bool(e.get("verified")), str(e["name"]))
                    for e in store.iter_nodes("Employer") if e.get("name"))
    out = list(dict.fromkeys(name for *_, name in ranked))[: current_app.config["TRACER_MAX_SUGGESTIONS"]]
    cache["names"] = (time.monotonic(), out)
    return out


@bp.route("/t/<token>", methods=["GET", "POST"])
@access.public
def form(token: str):
    """The alumnus's form (public: the link is the key)."""
    cfg = current_app.config
    ip = request.remote_addr or "-"
    window = cfg["TRACER_WINDOW_SECONDS"]
    limiter: Limiter = current_app.extensions["alumni_graph_tracer_limiter"]
    lang_arg = request.args.get("lang")
    if lang_arg in i18n.LANGS:
        g.lang = lang_arg
    if (limiter.count(("ip", ip), window) >= cfg["TRACER_MAX_REQUESTS_IP"]
            or limiter.count(("bad", ip), window) >= cfg["TRACER_MAX_BAD_TOKENS_IP"]):
        return _limited()
    limiter.hit(("ip", ip))
    if request.method == "POST" and (request.content_length is None
                                     or request.content_length > core.MAX_SUBMISSION_BYTES):
        abort(413)
    tr = tracer()
    link = tr.open_link(token)
    person = get_store().get_node("Person", (link["nisn"],)) if link else None
    if link is None or person is None:
        limiter.hit(("bad", ip))
        return _invalid()
    name = core.first_name(person.get("name"))
    minor = _is_minor(person)
    response = tr.response_of_link(link["id"])
    if response is not None:  # answered: thanks, and what they sent
        resp = current_app.make_response(render_template(
            "tracer/form.html", state="done", title=_t("tf_title"), name=name,
            answers=response["answers"], submitted=response["submitted_at"][:10], token=token))
        return _form_headers(resp, lang_arg)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        if limiter.count(("link", link["id"]), window) >= cfg["TRACER_MAX_POSTS_LINK"]:
            return _limited()
        limiter.hit(("link", link["id"]))
        if not tr.check_form_key(link, request.form.get("form_key")):
            return _error_page(400, _t("csrf_failed"))
        values, errors = core.validate_answers(request.form, minor=minor)
        if not errors:
            try:
                tr.submit(link, values)
            except ParameterError:  # answered a moment ago (another tab)
                pass
            _audit_public("tracer_submit", link)
            return redirect(url_for("tracer.form", token=token), code=303)
        status = 400
    else:
        tr.mark_opened(link["id"])
    school = get_store().get_node("School", (person.get("school_npsn"),)) if person.get("school_npsn") else None
    html = render_template(
        "tracer/form.html", state="form", title=_t("tf_title"), name=name, minor=minor,
        school=(school or {}).get("name") or "", token=token,
        form_key=tr.form_key(link["id"], link["token_hash"]), v=values, errors=errors,
        activities=core.ACTIVITIES, channels=core.CHANNELS, incomes=core.INCOME_BANDS,
        sectors=_sectors(), employers=_employer_names(), consents=core.CONSENTS)
    return _form_headers(current_app.make_response((html, status)), lang_arg)


def _form_headers(resp, lang_arg):
    resp.headers["Cache-Control"] = "no-store"
    if lang_arg in i18n.LANGS:
        resp.set_cookie(i18n.COOKIE, lang_arg, max_age=365 * 86400, samesite="Lax", httponly=True)
    return resp


def _error_page(status: int, message: str):
    from alumni_graph.web import _error_response

    return _error_response(status, message)


def _audit_public(action: str, link: dict) -> None:
    log = current_app.extensions.get("alumni_graph_audit")
    if log is not None:
        log.record("alumnus", "-", action, nisn=link["nisn"], target=f"round:{link['round_id']}")


def _is_minor(person: dict) -> bool:
    from alumni_graph.queries.rules import is_minor

    return is_minor(person, dt.date.today().isoformat())


def _sectors() -> list[tuple[str, str]]:
    """The KBLI sections (the loader's ``bidang_usaha`` letters) in words."""
    from alumni_graph.loaders.kinds import KBLI_SECTIONS

    return [(letter, f"{letter} · {_t('tr_kbli_' + letter)}") for letter in KBLI_SECTIONS]


# -- staff: rounds -------------------------------------------------------------------------

def _json(**body):
    resp = jsonify({"ok": True, **body})
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _parse_years(raw: str) -> list[int]:
    years = []
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1950 <= int(part) <= 2100:
            raise ParameterError(f"graduation_year: {part[:10]!r} is not a year",
                                 [{"param": "graduation_year", "value": part[:10], "message": "a year 1950-2100"}])
        years.append(int(part))
    return years


def before_indicators(store, npsn: str | None, years: list[int], programs: list[str]) -> dict:
    """The tracer summary's counts and rates over a round's cohorts
    (``tracer_summary`` rows summed over the chosen years and programmes)."""
    from alumni_graph.queries import run_query
    from alumni_graph.queries.tracer_summary import COUNTS

    params = {"year_from": min(years), "year_to": max(years)}
    if npsn:
        params["npsn"] = npsn
    rows = run_query(store, "tracer_summary", params).rows
    total = dict.fromkeys(COUNTS, 0)
    for r in rows:
        if r["graduation_year"] in years and (not programs or r["program"] in programs):
            for c in COUNTS:
                total[c] += r.get(c) or 0

    def rate(a, b):
        return round(a / b, 4) if b else None

    total["traced_rate"] = rate(total["traced"], total["alumni"])
    total["absorption_rate"] = rate(total["bekerja"] + total["melanjutkan"] + total["wirausaha"],
                                    total["traced"])
    total["alignment_rate"] = rate(total["aligned"], total["employed"])
    return total


def _schools() -> list[dict]:
    return sorted(({"npsn": s["npsn"], "name": s.get("name") or s["npsn"]}
                   for s in get_store().iter_nodes("School")), key=lambda s: s["name"])


@bp.route("/tracer", methods=["GET", "POST"])
@access.requires(*STAFF)
def rounds():
    """The rounds, and (POST) a new one."""
    tr = tracer()
    error, form = None, {}
    if request.method == "POST":
        form = {k: (request.form.get(k) or "").strip()[:200] for k in ("years", "programs", "npsn", "until", "name")}
        try:
            years = _parse_years(form["years"])
            programs = [p for p in form["programs"].replace(";", ",").split(",") if p.strip()]
            npsn = form["npsn"] or None
            store = get_store()
            if not years:
                raise ParameterError(_t("tr_years"), [{"param": "graduation_year", "message": "required"}])
            before = before_indicators(store, npsn, years, [p.strip().upper() for p in programs])
            rnd = tr.start_round(store, years=years, programs=programs, npsn=npsn,
                                 until=form["until"] or None, name=form["name"] or None,
                                 created_by=_user(), before=before)
        except (ParameterError, NotFound) as exc:
            if wants_json():
                raise
            error = exc.message
        else:
            access.audit("tracer_round_start", target=f"round:{rnd['id']}",
                         detail={"years": rnd["years"], "programs": rnd["programs"], "links": len(tr.links(rnd["id"]))})
            if wants_json():
                return _json(round=_round_json(rnd))
            flash(_t("tr_started", n=len(tr.links(rnd["id"]))))
            return redirect(url_for("tracer.send", round_id=rnd["id"]), code=303)
    data = tr.rounds()
    if wants_json():
        return _json(rounds=[_round_json(r) for r in data])
    default_until = (dt.date.today() + dt.timedelta(days=core.DEFAULT_DAYS)).isoformat()
    html = render_template("tracer/rounds.html", rounds=data, error=error, form=form, schools=_schools(),
                           default_until=default_until, notices=get_flashed_messages(),
                           json_url=url_for("tracer.rounds_json"))
    return current_app.make_response((html, 400 if error else 200))


@bp.get("/tracer.json")
@access.requires(*STAFF)
def rounds_json():
    """The rounds as JSON."""
    return _json(rounds=[_round_json(r) for r in tracer().rounds()])


def _round_json(r: dict) -> dict:
    keys = ("id", "name", "npsn", "years", "programs", "opens", "closes", "open", "closed_at",
            "created_by", "created_at", "links", "responses", "waiting")
    return {k: r.get(k) for k in keys if k in r}


@bp.post("/tracer/<int:round_id>/tutup")
@access.requires(*STAFF)
def close(round_id: int):
    """Close a round: its links stop working (the form asks to confirm)."""
    if request.form.get("confirm") != "ya" and not wants_json():
        flash(_t("tr_close_confirm_needed"))
        return redirect(url_for("tracer.dashboard", round_id=round_id), code=303)
    tracer().close_round(round_id)
    access.audit("tracer_round_close", target=f"round:{round_id}")
    if wants_json():
        return _json(round=_round_json(tracer().get_round(round_id)))
    return redirect(url_for("tracer.dashboard", round_id=round_id), code=303)


# -- staff: dashboard -------------------------------------------------------------------------

def _untraced(store, rnd: dict) -> dict:
    """untraced_reach over the round's cohorts (one run per year)."""
    from alumni_graph.queries import run_query

    rows, untraced, reachable = [], 0, 0
    for year in rnd["years"]:
        params = {"graduation_year": year, "k": 3, "limit": 500}
        if rnd["npsn"]:
            params["npsn"] = rnd["npsn"]
        res = run_query(store, "untraced_reach", params)
        for r in res.rows:
            if not rnd["programs"] or r.get("program") in rnd["programs"]:
                rows.append(r)
    untraced = len(rows)
    reachable = sum(1 for r in rows if r.get("reachers_count"))
    return {"rows": rows, "untraced": untraced, "reachable": reachable}


def _dashboard_data(round_id: int) -> dict:
    tr = tracer()
    rnd = tr.get_round(round_id)
    store = get_store()
    progress = tr.progress(round_id)
    totals = {k: sum(p[k] for p in progress) for k in ("links", "sent", "opened", "submitted", "approved", "rejected")}
    totals["response_rate"] = round(totals["submitted"] / totals["links"], 4) if totals["links"] else None
    after = before_indicators(store, rnd["npsn"], rnd["years"], rnd["programs"])
    waiting = tr.responses(round_id, "menunggu")
    names = {p["nisn"]: p.get("name") for p in store.iter_nodes("Person", [(w["nisn"],) for w in waiting])}
    for w in waiting:
        w["name"] = names.get(w["nisn"])
    return {"round": rnd, "progress": progress, "totals": totals, "before": rnd["before"], "after": after,
            "untraced": _untraced(store, rnd), "waiting": waiting}


@bp.get("/tracer/<int:round_id>")
@access.requires(*STAFF)
def dashboard(round_id: int):
    """A round's dashboard and review queue."""
    d = _dashboard_data(round_id)
    access.audit("tracer_dashboard_view", target=f"round:{round_id}")
    return render_template("tracer/round.html", d=d, notices=get_flashed_messages(),
                           json_url=url_for("tracer.dashboard_json", round_id=round_id))


@bp.get("/tracer/<int:round_id>.json")
@access.requires(*STAFF)
def dashboard_json(round_id: int):
    """The dashboard as JSON (the queue as ids and dates, no answers)."""
    d = _dashboard_data(round_id)
    access.audit("tracer_dashboard_view", target=f"round:{round_id}")
    return _json(round=_round_json(d["round"]), progress=d["progress"], totals=d["totals"],
                 before=d["before"], after=d["after"], untraced=d["untraced"],
                 waiting=[{"id": r["id"], "submitted_at": r["submitted_at"]} for r in d["waiting"]])


# -- staff: sending ---------------------------------------------------------------------------

def link_rows(store, tr: core.Tracer, round_id: int, base: str, *, qr: bool = True) -> list[dict]:
    """Each link of a round with the person's name, phone, the link, its QR
    (an SVG data URI made here by segno, no network) and the WhatsApp
    message link. Plain function: the CLI uses it too."""
    import segno

    links = tr.links(round_id)
    people = {p["nisn"]: p for p in store.iter_nodes("Person", [(l["nisn"],) for l in links])}
    schools = {s["npsn"]: s.get("name") or "" for s in store.iter_nodes("School")}
    rows = []
    for l in links:
        p = people.get(l["nisn"])
        if p is None:  # deleted since the round started: no link
            continue
        url = link_url(base, l["token"])
        school = schools.get(l["npsn"] or "", "")
        state = ("revoked" if l["revoked_at"] else "submitted" if l["submitted_at"]
                 else "opened" if l["opened_at"] else "new")
        rows.append({
            "link_id": l["id"], "nisn": l["nisn"], "name": p.get("name") or "", "program": l["program"],
            "graduation_year": l["graduation_year"], "phone": p.get("phone"), "link": url,
            "whatsapp": wa_link(p.get("phone"), p.get("name"), school, url) if not l["revoked_at"] else None,
            "qr": segno.make(url, error="m").svg_data_uri(scale=3, border=2) if qr else None,
            "state": state, "sent": bool(l["sent_at"]),
        })
    return rows


def _send_rows(round_id: int) -> tuple[dict, list[dict]]:
    tr = tracer()
    rnd = tr.get_round(round_id)
    return rnd, link_rows(get_store(), tr, round_id, public_url())


def _no_phone(round_id: int, rows: list[dict]) -> list[dict]:
    """Alumni of the round without a usable phone, with who can reach them
    (untraced_reach's reachers where it lists them)."""
    rnd = tracer().get_round(round_id)
    reach = {r["nisn"]: r for r in _untraced(get_store(), rnd)["rows"] if r.get("nisn")}
    out = []
    for r in rows:
        if r["state"] in ("revoked", "submitted") or wa_number(r["phone"]):
            continue
        found = reach.get(r["nisn"]) or {}
        out.append({"nisn": r["nisn"], "name": r["name"], "program": r["program"],
                    "graduation_year": r["graduation_year"], "reachers": found.get("reachers") or []})
    return out


@bp.get("/tracer/<int:round_id>/kirim")
@access.requires(*STAFF)
def send(round_id: int):
    """Links, QR codes and WhatsApp messages of a round; alumni without a phone."""
    rnd, rows = _send_rows(round_id)
    access.audit("tracer_links_view", target=f"round:{round_id}", detail={"links": len(rows)})
    return render_template("tracer/send.html", rnd=rnd, rows=rows, no_phone=_no_phone(round_id, rows),
                           notices=get_flashed_messages(), local_links=public_url_is_local(),
                           base_url=public_url(),
                           json_url=url_for("tracer.send_json", round_id=round_id))


@bp.get("/tracer/<int:round_id>/kirim.json")
@access.requires(*STAFF)
def send_json(round_id: int):
    """The links as JSON (nisn, name, link, whatsapp, state)."""
    rnd, rows = _send_rows(round_id)
    access.audit("tracer_links_view", target=f"round:{round_id}", detail={"links": len(rows)})
    keep = ("link_id", "nisn", "name", "program", "graduation_year", "link", "whatsapp", "state")
    return _json(round=_round_json(rnd), links=[{k: r[k] for k in keep} for r in rows],
                 no_phone=_no_phone(round_id, rows))


CSV_COLUMNS = ["nisn", "nama", "link", "whatsapp"]


def links_csv(rows: list[dict]) -> bytes:
    """One row per live link: nisn, nama, link, whatsapp (formula-safe)."""
    from alumni_graph.web.exports import to_csv

    return to_csv(CSV_COLUMNS, [{"nisn": r["nisn"], "nama": r["name"], "link": r["link"],
                                 "whatsapp": r["whatsapp"] or ""}
                                for r in rows if r["state"] != "revoked"])


@bp.get("/tracer/<int:round_id>/kirim.csv")
@access.requires(*STAFF)
def send_csv(round_id: int):
    """The links as CSV for a mail merge (personal data: audited, no-store)."""
    rnd, rows = _send_rows(round_id)
    live = [r for r in rows if r["state"] != "revoked"]
    tracer().mark_sent([r["link_id"] for r in live])
    access.audit("tracer_links_export", target=f"round:{round_id}", detail={"links": len(live)})
    resp = current_app.make_response(links_csv(rows))
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="tracer-{round_id}-tautan.csv"'
    return resp


@bp.get("/tracer/<int:round_id>/slip")
@access.requires(*STAFF)
def slips(round_id: int):
    """A printable sheet of QR slips (first name and QR only)."""
    rnd, rows = _send_rows(round_id)
    live = [r | {"first": core.first_name(r["name"])} for r in rows if r["state"] in ("new", "opened")]
    tracer().mark_sent([r["link_id"] for r in live])
    access.audit("tracer_slips_print", target=f"round:{round_id}", detail={"links": len(live)})
    return render_template("tracer/slips.html", rnd=rnd, rows=live)


@bp.get("/tracer/tautan/<int:link_id>/wa")
@access.requires(*STAFF)
def whatsapp(link_id: int):
    """Record the link as sent, then open WhatsApp with the message."""
    link = tracer().get_link(link_id)
    person = get_store().get_node("Person", (link["nisn"],)) or {}
    school = get_store().get_node("School", (link["npsn"],)) if link["npsn"] else None
    target = wa_link(person.get("phone"), person.get("name"), (school or {}).get("name") or "",
                     link_url(public_url(), link["token"]))
    if target is None or link["revoked_at"]:
        raise NotFound(_t("tr_no_phone"), [{"param": "link", "message": "no WhatsApp number"}])
    tracer().mark_sent([link_id])
    access.audit("tracer_link_send", nisn=link["nisn"], target=f"round:{link['round_id']}")
    return redirect(target)  # a fixed host (wa.me), built here: not an open redirect


@bp.post("/tracer/tautan/<int:link_id>/cabut")
@access.requires(*STAFF)
def revoke(link_id: int):
    """Revoke one link (it stops working at once)."""
    link = tracer().get_link(link_id)
    tracer().revoke(link_id)
    access.audit("tracer_link_revoke", nisn=link["nisn"], target=f"round:{link['round_id']}")
    if wants_json():
        return _json(link_id=link_id, revoked=True)
    return redirect(url_for("tracer.send", round_id=link["round_id"]) + f"#link-{link_id}", code=303)


@bp.post("/tracer/tautan/<int:link_id>/baru")
@access.requires(*STAFF)
def reissue(link_id: int):
    """A new link for one alumnus (the old one stops working)."""
    link = tracer().reissue(link_id)
    access.audit("tracer_link_reissue", nisn=link["nisn"], target=f"round:{link['round_id']}")
    if wants_json():
        return _json(link_id=link_id, link=link_url(public_url(), link["token"]))
    return redirect(url_for("tracer.send", round_id=link["round_id"]) + f"#link-{link_id}", code=303)


# -- staff: review ----------------------------------------------------------------------------

#: The rows of the side-by-side view: (label key, answer field, stored property).
COMPARE = (
    ("tf_activity", "activity", "status"),
    ("tf_phone", "phone", "phone"),
    ("tf_email", "email", "email"),
    ("tf_consent_referral", "consent_referral", "consent_contact"),
    ("tf_consent_register", "consent_register", "consent_display"),
    ("tf_guardian", "guardian_ref", "guardian_consent_ref"),
)
ANSWER_ONLY = ("employer", "employer_city", "position", "start", "sector", "fits", "channel", "income",
               "institution", "study_program", "consent_school", "note")


def _review_data(response_id: int) -> dict:
    tr = tracer()
    resp = tr.get_response(response_id)
    store = get_store()
    person = store.get_node("Person", (resp["nisn"],)) or {}
    a = resp["answers"]

    def shown(field, value):
        if field in ("consent_contact", "consent_display"):
            return None if value is None else ("ya" if value is True else "tidak")
        return value

    rows = []
    for key, field, prop in COMPARE:
        old = shown(prop, person.get(prop))
        new = a.get(field) or None
        if field == "activity" and new == "lainnya":
            new_written = old
        else:
            new_written = new if new is not None else old
        rows.append({"label": key, "field": field, "old": old, "new": new,
                     "changes": new is not None and new_written != old})
    jobs = [r for r in store.relationships_of("Person", (resp["nisn"],)) if r.get("type") == "WORKS_AT"] \
        if hasattr(store, "relationships_of") else []
    suggestions = core.employer_suggestions(store, a.get("employer") or "", a.get("employer_city")) \
        if a.get("employer") else []
    default_code = suggestions[0]["code"] if suggestions and suggestions[0]["exact"] else None
    rows_to_write = tr.preview(store, response_id, employer_code=default_code) \
        if resp["status"] == "menunggu" else []
    return {"response": resp, "person": person, "rows": rows, "answers": a, "answer_only": ANSWER_ONLY,
            "default_code": default_code,
            "jobs": jobs, "suggestions": suggestions, "writes": rows_to_write,
            "minor": bool(person) and _is_minor(person), "round": tr.get_round(resp["round_id"])}


@bp.get("/tracer/jawaban/<int:response_id>")
@access.requires(*STAFF)
def review(response_id: int, *, error: str | None = None, problems: list | None = None, status: int = 200):
    """One answer beside the stored record, with approve and reject."""
    d = _review_data(response_id)
    access.audit("tracer_answer_view", nisn=d["response"]["nisn"], target=f"response:{response_id}")
    html = render_template("tracer/response.html", d=d, error=error, problems=problems or [],
                           notices=get_flashed_messages(),
                           json_url=url_for("tracer.review_json", response_id=response_id))
    return current_app.make_response((html, status))


@bp.get("/tracer/jawaban/<int:response_id>.json")
@access.requires(*STAFF)
def review_json(response_id: int):
    """One answer, the stored record's compared fields and what approval writes."""
    d = _review_data(response_id)
    access.audit("tracer_answer_view", nisn=d["response"]["nisn"], target=f"response:{response_id}")
    r = d["response"]
    return _json(response={k: r[k] for k in ("id", "round_id", "nisn", "submitted_at", "status", "answers",
                                             "employer_code", "reviewed_by", "reviewed_at", "reason")},
                 compare=d["rows"], suggestions=d["suggestions"],
                 writes=d["writes"])


@bp.post("/tracer/jawaban/<int:response_id>/setujui")
@access.requires(*STAFF)
def approve(response_id: int):
    """Approve: write through the loader (source tracer:<round>)."""
    code = (request.form.get("employer_code") or (request.get_json(silent=True) or {}).get("employer_code")
            or "").strip()[:100] or None
    try:
        done = tracer().approve(get_store(), response_id, _user(), employer_code=code)
    except ParameterError as exc:
        access.audit("tracer_answer_refused", target=f"response:{response_id}")
        if wants_json():
            raise
        problems = [f"{p.get('kind', '')} {p.get('param', '')}: "
                    + (p.get("message") if (g.get("lang") or "id") == "id" else p.get("message_en") or "")
                    for p in exc.errors] or [exc.message]
        return review(response_id, error=_t("tr_loader_refused"), problems=problems, status=400)
    access.audit("tracer_answer_approve", nisn=done["nisn"], target=f"response:{response_id}",
                 detail={"round": done["round_id"], "employer": done["employer_code"]})
    if hasattr(get_store(), "invalidate"):
        get_store().invalidate()
    if wants_json():
        return _json(response_id=response_id, status=done["status"], employer_code=done["employer_code"])
    flash(_t("tr_approved_done", source=f"tracer:{done['round_id']}"))
    return redirect(url_for("tracer.dashboard", round_id=done["round_id"]), code=303)


@bp.post("/tracer/jawaban/<int:response_id>/tolak")
@access.requires(*STAFF)
def reject(response_id: int):
    """Reject with a reason: the answer is kept, nothing is written."""
    reason = (request.form.get("reason") or (request.get_json(silent=True) or {}).get("reason") or "")
    try:
        done = tracer().reject(response_id, _user(), str(reason))
    except ParameterError as exc:
        if wants_json():
            raise
        return review(response_id, error=exc.message, status=400)
    access.audit("tracer_answer_reject", nisn=done["nisn"], target=f"response:{response_id}",
                 detail={"round": done["round_id"]})
    if wants_json():
        return _json(response_id=response_id, status=done["status"])
    flash(_t("tr_rejected_done"))
    return redirect(url_for("tracer.dashboard", round_id=done["round_id"]), code=303)
