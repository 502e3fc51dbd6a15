"""From insight to action (issue 14): the Humas outreach pipeline, alerts and
conversion, and BKK's vacancies, candidates and placement report.

Each query reads raw facts with one ``.cypher`` file (Neo4j) or its networkx
twin here (embedded), and one shared finisher turns the facts into rows, so
the two stores give the same answers (tests/test_work_queries.py).

Outreach (``outreach_facts.cypher``)
------------------------------------
* The school's outreach to an employer is its CONTACTED records (what
  ``kunjungan`` files and the web's forms write). A record may carry the
  pipeline as of that contact: ``status`` (:data:`OUTREACH_STATUSES`),
  ``owner``, ``next_action``, ``next_action_date``.
* **Current** state: the latest record (by ``date``, then ``loaded_at``)
  carrying a status, owner or next action gives them. Without any status the
  status is ``mou`` when a partnership is active on ``as_of``, else
  ``dikunjungi`` when a ``kunjungan`` was recorded, else ``dihubungi``.
* ``overdue``: a next action dated before ``as_of`` while the outreach is open
  (status not ``mou`` / ``tidak_berminat``); ``this_week``: dated from
  ``as_of`` to ``as_of`` + 6 days.
* ``programs``: the programmes of the school's people who worked or interned
  there, and of programme-level partnerships; ``offer``: the programme with
  most of them (then code) — what to lead with on a visit.
* ``champions``: up to 3 of the school's alumni with a current job there who
  consented to be contacted (the consent rule of :mod:`queries.rules`),
  ordered by graduation year (latest first), then NISN.

Alerts (``work_alerts``), on ``as_of``
---------------------------------------
* ``mou_expiring``: an active partnership ending within ``days`` (default 90).
* ``mou_ended``: a partnership ended (latest end per employer) and no
  partnership of the school or its programmes active on ``as_of``; only ends
  within the last ``ended_years`` (default 2) years.
* ``partner_dormant``: an active partnership, and in the 12 months up to
  ``as_of`` no internship of the school's people running, no job of theirs
  started there, and no contact.
* ``action_overdue``: an open outreach whose next action date has passed.
* Order: kind (the order above), then the date, then the employer code.

Conversion (``outreach_conversion``)
------------------------------------
* The firms the school contacted (first contact on or before ``as_of``); one
  *converted* when a partnership of the school or a programme started on or
  after the first contact (by ``as_of``); ``days``: first contact to that
  start; a firm already partner before the first contact is left out.
* Evidence before the first contact: ``alumni_employer`` (a job of the
  school's alumni started before it), ``internship_host`` (an internship
  started before it), ``former_partner`` (a partnership ended before it),
  ``none``. A firm counts in each category it has; by programme likewise
  (programmes of that evidence and of the partnership).

Vacancies (``vacancies``, ``vacancy_candidates``)
-------------------------------------------------
* Candidates: the school's people in the wanted programmes (all programmes
  when none given) who are graduates (graduation year up to ``as_of``'s year)
  or final-year students (no graduation year, entry year at least two years
  before the school year of ``as_of``, which starts on 1 July), and are not
  employed on ``as_of``: status neither ``bekerja`` nor ``wirausaha`` and no
  current job (:func:`queries.rules.job_is_current`).
* Each with the strongest referral path to the vacancy's employer
  (``referral_paths`` with ``k`` = 1, its rules and weights).
* Rank: path strength (none = 0) descending, hops ascending, graduates
  before students, later graduation first, NISN.

Placement (``placement_report``)
--------------------------------
* Per graduation year and programme: graduates, and those placed (a job
  started by ``as_of``); the placement is the earliest job. Its channel:
  ``bkk`` (a ``diterima`` referral to a vacancy at that employer, or the job's
  channel ``bkk``), else ``alumni`` (channel ``alumni``), else ``prakerin``
  (an internship there started before the job), else ``mandiri``.
"""
from __future__ import annotations

import datetime as dt

from alumni_graph.graph_service.errors import NotFound
from alumni_graph.graph_service.schema import OUTREACH_CLOSED, OUTREACH_STATUSES, REFERRAL_STATUSES
from alumni_graph.queries.analytics import NPSN_PARAM, PROGRAM_PARAM, add_months, as_of_param, rate, years_before
from alumni_graph.queries.framework import Param, Query, is_neo4j, read_cypher
from alumni_graph.queries.rules import consented, job_is_current, partnership_is_active

CHANNELS = ("bkk", "alumni", "prakerin", "mandiri")
ALERT_KINDS = ("mou_expiring", "mou_ended", "partner_dormant", "action_overdue")
CATEGORIES = ("alumni_employer", "internship_host", "former_partner", "none")
MAX_CHAMPIONS = 3

REQUIRED_NPSN = Param("npsn", "str", required=True, pattern=r"\d{8}",
                      pattern_help="must be 8 digits / harus 8 digit",
                      help="sekolah (NPSN) / the school (NPSN)")
EMPLOYER_PARAM = Param("employer", "str", upper=True, pattern=r"[A-Z0-9][A-Z0-9-]{0,99}",
                       pattern_help="an employer code / kode DU/DI",
                       help="hanya DU/DI ini (kode) / only this employer (code)")


def _day(iso: str, days: int) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


def _require_school(store, npsn: str) -> None:
    if store.get_node("School", (npsn,)) is None:
        raise NotFound("npsn: no school with this NPSN / npsn: sekolah tidak ditemukan",
                       [{"param": "npsn", "message": "no such school"}])


# -- outreach facts ------------------------------------------------------------

def _edge_props(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if k != "type"}


def outreach_facts(G, *, npsn: str, employer: str | None = None, as_of: str | None = None) -> list[dict]:
    """The networkx twin of ``outreach_facts.cypher``: one dict per employer
    the school contacted or partners with (``code``, ``name``, ``city``,
    ``sector``, ``address``, ``contact``, ``contacts``, ``partnerships``,
    ``links``)."""
    school = f"School:{npsn}"
    if school not in G:
        return []
    holders = [(school, None)] + [
        (v, G.nodes[v].get("code")) for _, v, t in G.out_edges(school, data="type") if t == "HAS_PROGRAM"]
    contacts: dict[str, list] = {}
    for _, e, attrs in G.out_edges(school, data=True):
        if attrs["type"] == "CONTACTED":
            contacts.setdefault(e, []).append(_edge_props(attrs))
    partnerships: dict[str, list] = {}
    for h, program in holders:
        for _, e, attrs in G.out_edges(h, data=True):
            if attrs["type"] == "PARTNERS_WITH":
                partnerships.setdefault(e, []).append({**_edge_props(attrs), "program": program})
    out = []
    for e in set(contacts) | set(partnerships):
        node = G.nodes[e]
        if employer is not None and node.get("code") != employer:
            continue
        links = []
        for p, _, attrs in G.in_edges(e, data=True):
            if attrs["type"] not in ("WORKS_AT", "INTERNED_AT"):
                continue
            person = G.nodes[p]
            if person.get("label") != "Person" or person.get("school_npsn") != npsn:
                continue
            links.append({"nisn": person.get("nisn"), "name": person.get("name"),
                          "program": person.get("program_code"),
                          "graduation_year": person.get("graduation_year"),
                          "consented": consented(person, as_of), "type": attrs["type"],
                          "start": attrs.get("start"), "end": attrs.get("end")})
        out.append({"code": node.get("code"), "name": node.get("name"), "city": node.get("city"),
                    "sector": node.get("sector"), "address": node.get("address"),
                    "contact": node.get("contact"), "contacts": contacts.get(e, []),
                    "partnerships": partnerships.get(e, []), "links": links})
    return out


def facts(store, npsn: str, employer: str | None = None, as_of: str | None = None) -> list[dict]:
    """Outreach facts from either store, sorted by employer code; the consent
    rule (minors) is applied as of ``as_of`` (default today)."""
    if is_neo4j(store):
        rows = read_cypher(store, "outreach_facts", {"npsn": npsn, "employer": employer, "as_of": as_of})
    else:
        rows = outreach_facts(store.graph(), npsn=npsn, employer=employer, as_of=as_of)
    return sorted(rows, key=lambda r: r["code"])


def _contact_order(c: dict) -> tuple:
    return (c.get("date") or "", c.get("loaded_at") or "", c.get("kind") or "")


def history(contacts: list[dict]) -> list[dict]:
    """The contact records, newest first, without provenance but with ``source``."""
    keep = ("date", "kind", "by", "notes", "status", "owner", "next_action", "next_action_date",
            "source")
    return [{k: c.get(k) for k in keep} for c in sorted(contacts, key=_contact_order, reverse=True)]


def current_outreach(contacts: list[dict], partnerships: list[dict], as_of: str) -> dict:
    """The current status, owner and next action (rules in the module doc)."""
    ordered = sorted(contacts, key=_contact_order)
    state = next((c for c in reversed(ordered)
                  if c.get("status") or c.get("owner") or c.get("next_action_date")
                  or c.get("next_action")), None)
    status = next((c["status"] for c in reversed(ordered) if c.get("status")), None)
    explicit = status is not None
    if status is None:
        if any(partnership_is_active(m, as_of) for m in partnerships):
            status = "mou"
        elif any(c.get("kind") == "kunjungan" for c in contacts):
            status = "dikunjungi"
        elif contacts:
            status = "dihubungi"
        else:
            status = "belum_dihubungi"
    when = (state or {}).get("next_action_date")
    open_ = status not in OUTREACH_CLOSED
    past = [c for c in ordered if (c.get("date") or "") <= as_of]
    last = past[-1] if past else {}
    return {
        "status": status, "status_explicit": explicit,
        "owner": (state or {}).get("owner"), "next_action": (state or {}).get("next_action"),
        "next_action_date": when,
        "overdue": bool(open_ and when and when < as_of),
        "this_week": bool(open_ and when and as_of <= when <= _day(as_of, 6)),
        "last_contact": last.get("date"), "last_contact_kind": last.get("kind"),
        "contacts": len(past),
    }


def _programs_and_offer(f: dict) -> tuple[list[str], str | None]:
    counts: dict[str, int] = {}
    for link in f["links"]:
        if link.get("program"):
            counts[link["program"]] = counts.get(link["program"], 0) + 1
    for m in f["partnerships"]:
        if m.get("program"):
            counts[m["program"]] = counts.get(m["program"], 0) + 1
    offer = min(counts, key=lambda p: (-counts[p], p)) if counts else None
    return sorted(counts), offer


def _champions(f: dict, as_of: str) -> list[dict]:
    seen: dict[str, dict] = {}
    for link in f["links"]:
        if (link["type"] == "WORKS_AT" and link.get("consented") is True
                and link.get("graduation_year") is not None and job_is_current(link, as_of)):
            seen[link["nisn"]] = {"nisn": link["nisn"], "name": link["name"],
                                  "program": link["program"],
                                  "graduation_year": link["graduation_year"]}
    ordered = sorted(seen.values(), key=lambda c: c["nisn"])
    ordered.sort(key=lambda c: c["graduation_year"], reverse=True)
    return ordered[:MAX_CHAMPIONS]


PIPELINE_COLUMNS = ("code", "name", "city", "address", "contact", "status", "status_explicit",
                    "owner", "next_action", "next_action_date", "overdue", "this_week",
                    "last_contact", "last_contact_kind", "contacts", "active_mou", "programs",
                    "offer", "champions", "history")


def pipeline_finish(found: list[dict], *, as_of: str, owner: str | None = None,
                    program: str | None = None, status: str | None = None,
                    employer: str | None = None) -> list[dict]:
    rows = []
    for f in found:
        if not f["contacts"] and employer is None:
            continue
        cur = current_outreach(f["contacts"], f["partnerships"], as_of)
        programs, offer = _programs_and_offer(f)
        if owner is not None and cur["owner"] != owner:
            continue
        if program is not None and program not in programs:
            continue
        if status is not None and cur["status"] != status:
            continue
        rows.append({
            "code": f["code"], "name": f["name"], "city": f["city"], "address": f.get("address"),
            "contact": f.get("contact"), **cur,
            "active_mou": any(partnership_is_active(m, as_of) for m in f["partnerships"]),
            "programs": programs, "offer": offer, "champions": _champions(f, as_of),
            "history": history(f["contacts"]),
        })
    rank = {s: i for i, s in enumerate(OUTREACH_STATUSES)}
    rows.sort(key=lambda r: (rank[r["status"]], r["next_action_date"] is None,
                             r["next_action_date"] or "", r["name"] or "", r["code"]))
    return rows


def _run_pipeline(store, params, weights=None):
    _require_school(store, params["npsn"])
    found = facts(store, params["npsn"], params.get("employer"), params["as_of"])
    rows = pipeline_finish(found, as_of=params["as_of"], owner=params.get("owner"),
                           program=params.get("program"), status=params.get("status"),
                           employer=params.get("employer"))
    meta = {"by_status": {s: sum(1 for r in rows if r["status"] == s) for s in OUTREACH_STATUSES},
            "overdue": sum(1 for r in rows if r["overdue"]),
            "this_week": sum(1 for r in rows if r["this_week"])}
    return rows, meta


PIPELINE_QUERY = Query(
    name="outreach_pipeline",
    title_id="Rencana kunjungan (penjajakan DU/DI)",
    title_en="Visit plan (outreach pipeline)",
    params=(REQUIRED_NPSN, PROGRAM_PARAM, EMPLOYER_PARAM,
            Param("owner", "str", help="penanggung jawab (nama pengguna) / owner (user name)"),
            Param("status", "choice", choices=OUTREACH_STATUSES,
                  help="hanya status ini / only this status"),
            as_of_param()),
    columns=PIPELINE_COLUMNS,
    runner=_run_pipeline,
    table_columns=("code", "name", "status", "owner", "next_action_date", "last_contact"),
    description="The school's outreach to employers: status, owner, next action, history. / "
                "Penjajakan sekolah ke DU/DI: status, penanggung jawab, tindakan berikut, riwayat.",
)


# -- alerts ----------------------------------------------------------------------

ALERT_COLUMNS = ("kind", "code", "name", "date", "program", "detail")


def alerts_finish(found: list[dict], *, as_of: str, days: int = 90,
                  ended_years: int = 2) -> list[dict]:
    rows = []
    horizon = _day(as_of, days)
    since = years_before(as_of, 1)
    ended_since = years_before(as_of, ended_years)
    for f in found:
        base = {"code": f["code"], "name": f["name"]}
        active = [m for m in f["partnerships"] if partnership_is_active(m, as_of)]
        for m in active:
            if m.get("end") and m["end"] <= horizon:
                rows.append({**base, "kind": "mou_expiring", "date": m["end"],
                             "program": m.get("program"), "detail": m.get("mou_number")})
        if not active:
            ended = [m for m in f["partnerships"] if m.get("end") and m["end"] < as_of]
            if ended:
                last = max(ended, key=lambda m: (m["end"], m.get("program") or ""))
                if last["end"] >= ended_since:
                    rows.append({**base, "kind": "mou_ended", "date": last["end"],
                                 "program": last.get("program"), "detail": last.get("mou_number")})
        else:
            busy = any(
                (link["type"] == "INTERNED_AT" and link.get("start") and link["start"] <= as_of
                 and (link.get("end") or as_of) >= since)
                or (link["type"] == "WORKS_AT" and link.get("start") and since <= link["start"] <= as_of)
                for link in f["links"]
            ) or any(c.get("date") and since <= c["date"] <= as_of for c in f["contacts"])
            if not busy:
                rows.append({**base, "kind": "partner_dormant", "date": since, "program": None,
                             "detail": None})
        if f["contacts"]:
            cur = current_outreach(f["contacts"], f["partnerships"], as_of)
            if cur["overdue"]:
                rows.append({**base, "kind": "action_overdue", "date": cur["next_action_date"],
                             "program": None, "detail": cur["next_action"]})
    order = {k: i for i, k in enumerate(ALERT_KINDS)}
    rows.sort(key=lambda r: (order[r["kind"]], r["date"] or "", r["code"], r["program"] or ""))
    return [{k: r[k] for k in ALERT_COLUMNS} for r in rows]


def _run_alerts(store, params, weights=None):
    _require_school(store, params["npsn"])
    rows = alerts_finish(facts(store, params["npsn"], as_of=params["as_of"]), as_of=params["as_of"],
                         days=params["days"])
    return rows, {"by_kind": {k: sum(1 for r in rows if r["kind"] == k) for k in ALERT_KINDS}}


ALERTS_QUERY = Query(
    name="work_alerts",
    title_id="Peringatan kemitraan dan penjajakan",
    title_en="Partnership and outreach alerts",
    params=(REQUIRED_NPSN,
            Param("days", "int", default=90, min=1, max=1830,
                  help="MoU berakhir dalam N hari / MoUs ending within N days"),
            as_of_param()),
    columns=ALERT_COLUMNS,
    runner=_run_alerts,
    description="MoUs ending soon or ended, dormant partners, overdue next actions. / "
                "MoU segera berakhir atau sudah berakhir, mitra tidak aktif, tindak lanjut terlambat.",
)


# -- conversion ------------------------------------------------------------------

CONVERSION_COLUMNS = ("group", "value", "contacted", "converted", "rate", "median_days")


def conversion_finish(found: list[dict], *, as_of: str) -> tuple[list[dict], dict]:
    from alumni_graph.queries.analytics import median

    groups: dict[tuple, dict] = {}

    def add(group, value, converted, days):
        g = groups.setdefault((group, value), {"contacted": 0, "converted": 0, "days": []})
        g["contacted"] += 1
        if converted:
            g["converted"] += 1
            g["days"].append(days)

    firms = 0
    for f in found:
        dates = sorted(c["date"] for c in f["contacts"] if c.get("date") and c["date"] <= as_of)
        if not dates:
            continue
        first = dates[0]
        if any(m.get("start") and m["start"] < first and (m.get("end") is None or m["end"] >= first)
               for m in f["partnerships"]):
            continue  # already a partner when first contacted
        firms += 1
        after = sorted((m for m in f["partnerships"] if m.get("start") and first <= m["start"] <= as_of),
                       key=lambda m: (m["start"], m.get("program") or ""))
        converted = bool(after)
        days = (dt.date.fromisoformat(after[0]["start"]) - dt.date.fromisoformat(first)).days \
            if converted else None
        cats, programs = set(), set()
        for link in f["links"]:
            if link.get("start") and link["start"] < first:
                if link["type"] == "WORKS_AT" and link.get("graduation_year") is not None:
                    cats.add("alumni_employer")
                elif link["type"] == "INTERNED_AT":
                    cats.add("internship_host")
                else:
                    continue
                if link.get("program"):
                    programs.add(link["program"])
        if any(m.get("end") and m["end"] < first for m in f["partnerships"]):
            cats.add("former_partner")
        programs |= {m["program"] for m in after if m.get("program")}
        add("all", "all", converted, days)
        for c in sorted(cats) or ["none"]:
            add("category", c, converted, days)
        for p in sorted(programs):
            add("program", p, converted, days)
    order = {"all": 0, "category": 1, "program": 2}
    cat_rank = {c: i for i, c in enumerate(CATEGORIES)}
    rows = [{"group": g, "value": v, "contacted": d["contacted"], "converted": d["converted"],
             "rate": rate(d["converted"], d["contacted"]), "median_days": median(d["days"])}
            for (g, v), d in groups.items()]
    rows.sort(key=lambda r: (order[r["group"]], cat_rank.get(r["value"], 0), r["value"]))
    return rows, {"firms": firms}


def _run_conversion(store, params, weights=None):
    _require_school(store, params["npsn"])
    return conversion_finish(facts(store, params["npsn"], as_of=params["as_of"]), as_of=params["as_of"])


CONVERSION_QUERY = Query(
    name="outreach_conversion",
    title_id="Konversi penjajakan ke MoU",
    title_en="Outreach conversion to MoUs",
    params=(REQUIRED_NPSN, as_of_param()),
    columns=CONVERSION_COLUMNS,
    runner=_run_conversion,
    description="Of the firms contacted, how many reached an MoU and how fast, by evidence and "
                "programme. / Dari DU/DI yang dihubungi, berapa yang sampai MoU dan berapa lama, "
                "menurut bukti dan program.",
)


# -- vacancies -------------------------------------------------------------------

VACANCY_COLUMNS = ("id", "school_npsn", "employer_code", "employer_name", "employer_city", "title",
                   "programs", "openings", "deadline", "origin", "notes", "created_by", "created_on",
                   "open", "referrals", "accepted")


def vacancies_nx(G, *, npsn: str, id: str | None = None) -> list[dict]:
    """The networkx twin of ``vacancies.cypher``."""
    out = []
    for n, attrs in G.nodes(data=True):
        if attrs.get("label") != "Vacancy" or attrs.get("school_npsn") != npsn:
            continue
        if id is not None and attrs.get("id") != id:
            continue
        emp = next((G.nodes[v] for _, v, t in G.out_edges(n, data="type") if t == "AT"), {})
        refs = [a.get("status") for _, _, a in G.in_edges(n, data=True) if a["type"] == "REFERRED_TO"]
        out.append({"vacancy": {k: v for k, v in attrs.items() if k != "label"},
                    "employer_name": emp.get("name"), "employer_city": emp.get("city"),
                    "referrals": refs})
    return out


def vacancies_finish(found: list[dict], as_of: str) -> list[dict]:
    rows = []
    for f in found:
        v = f["vacancy"]
        refs = f["referrals"]
        rows.append({
            "id": v["id"], "school_npsn": v.get("school_npsn"), "employer_code": v.get("employer_code"),
            "employer_name": f["employer_name"], "employer_city": f["employer_city"],
            "title": v.get("title"), "programs": v.get("programs") or [], "openings": v.get("openings"),
            "deadline": v.get("deadline"), "origin": v.get("origin"), "notes": v.get("notes"),
            "created_by": v.get("created_by"), "created_on": v.get("created_on"),
            "open": v.get("deadline") is None or v["deadline"] >= as_of,
            "referrals": {s: refs.count(s) for s in REFERRAL_STATUSES},
            "accepted": refs.count("diterima"),
        })
    rows.sort(key=lambda r: (not r["open"], r["deadline"] is None, r["deadline"] or "", r["id"]))
    return rows


def _run_vacancies(store, params, weights=None):
    _require_school(store, params["npsn"])
    args = {"npsn": params["npsn"], "id": params.get("id")}
    found = read_cypher(store, "vacancies", args) if is_neo4j(store) else vacancies_nx(store.graph(), **args)
    rows = vacancies_finish(found, params["as_of"])
    if params.get("only_open"):
        rows = [r for r in rows if r["open"]]
    return rows, {}


VACANCY_ID = Param("id", "str", upper=True, pattern=r"[A-Z0-9][A-Z0-9_-]{0,39}",
                   pattern_help="a vacancy code / kode lowongan", help="kode lowongan / vacancy code")

VACANCIES_QUERY = Query(
    name="vacancies",
    title_id="Lowongan",
    title_en="Vacancies",
    params=(REQUIRED_NPSN, VACANCY_ID,
            Param("only_open", "bool", default=False, help="hanya yang masih dibuka / only open ones"),
            as_of_param()),
    columns=VACANCY_COLUMNS,
    runner=_run_vacancies,
    table_columns=("id", "employer_name", "title", "openings", "deadline", "accepted"),
    description="The school's vacancies and their referrals. / Lowongan sekolah dan rujukannya.",
)


CANDIDATE_COLUMNS = ("rank", "nisn", "name", "program", "graduation_year", "kind", "status",
                     "strength", "hops", "explanation_id", "explanation_en", "referral_status")


def vacancy_candidates_nx(G, *, id: str) -> list[dict]:
    """The networkx twin of ``vacancy_candidates.cypher``."""
    vid = f"Vacancy:{id}"
    if vid not in G:
        return []
    v = G.nodes[vid]
    npsn, programs = v.get("school_npsn"), v.get("programs") or []
    from alumni_graph.queries.analytics import person_nodes

    out = []
    for pid, p in person_nodes(G, npsn):
        if p.get("school_npsn") != npsn or (programs and p.get("program_code") not in programs):
            continue
        jobs = [{k: a[k] for k in ("start", "end") if k in a}
                for _, _, a in G.out_edges(pid, data=True) if a["type"] == "WORKS_AT"]
        refs = [{k: a[k] for k in ("status", "date") if k in a}
                for _, t, a in G.out_edges(pid, data=True) if a["type"] == "REFERRED_TO" and t == vid]
        out.append({"person": {k: p[k] for k in ("nisn", "name", "program_code", "graduation_year",
                                                  "entry_year", "status") if k in p},
                    "jobs": jobs, "referrals": refs})
    return out


def school_year_start(as_of: str) -> int:
    """The calendar year the school year of ``as_of`` began in (1 July)."""
    return int(as_of[:4]) if as_of[5:] >= "07-01" else int(as_of[:4]) - 1


def eligible(person: dict, jobs: list[dict], as_of: str) -> str | None:
    """``alumni`` / ``siswa`` when a candidate (rules in the module doc), else None."""
    if person.get("status") in ("bekerja", "wirausaha"):
        return None
    if any(job_is_current(j, as_of) for j in jobs):
        return None
    year = person.get("graduation_year")
    if year is not None:
        return "alumni" if year <= int(as_of[:4]) else None
    entry = person.get("entry_year")
    if entry is not None and school_year_start(as_of) - entry >= 2:
        return "siswa"
    return None


def strongest_path(store, nisn: str, employer: str, as_of: str, max_hops: int = 3) -> dict | None:
    """The strongest ``referral_paths`` answer (k = 1) or None, on either store."""
    from alumni_graph.queries import referral_paths as rp

    params = {"nisn": nisn, "employer": employer, "as_of": as_of, "max_hops": max_hops, "k": 1}
    if is_neo4j(store):
        rows = rp.finish(read_cypher(store, "referral_paths", rp.cypher_params(params)), rp._letters(None))
    else:
        rows = rp.referral_paths(store.graph(), nisn=nisn, employer=employer, as_of=as_of,
                                 max_hops=max_hops, k=1)
    return rows[0] if rows else None


def _as_candidate(text: str, you: str, candidate: str) -> str:
    """referral_paths calls the asking person "Anda"/"you"; here that is the candidate."""
    import re

    return re.sub(rf"\b{you}\b", candidate, text)


class _SharedPaths:
    """The strongest path of many people to one employer on networkx: the
    ``referral_paths`` search (same functions, same answers) with one walker
    and one distance table for all of them, so the programme hubs' neighbours
    are read once, not once per candidate."""

    def __init__(self, G, employer: str, as_of: str, max_hops: int):
        from alumni_graph.queries import referral_paths as rp

        self.rp, self.G, self.as_of, self.max_hops = rp, G, as_of, max_hops
        self.w = rp._letters(None)
        self.walker = rp._Walker(G, as_of, self.w)
        self.dst = f"Employer:{employer}"
        self.half = max_hops // 2
        self.dist = self.walker.distances_to(self.dst, self.half) if self.dst in G else {}

    def best(self, nisn: str) -> dict | None:
        import bisect

        rp, src = self.rp, f"Person:{nisn}"
        if self.dst not in self.G or src not in self.G:
            return None
        top: list[tuple] = []

        def floor():
            return (-top[-1][0], top[-1][1]) if top else (0.0, self.max_hops + 1)

        for ids, kinds in rp._paths(self.walker, src, self.max_hops, lambda v: v == self.dst,
                                    avoid=self.dst, prune=self.dist, beyond=self.half + 1, floor=floor):
            bisect.insort(top, (-rp.strength_of(kinds, self.w), len(kinds),
                                [i.split(":", 1)[1] for i in ids], ids, kinds))
            del top[1:]
        raw = [{"strength": -s, "kinds": kinds, "nodes": [rp._raw_node(self.G, n, self.as_of) for n in ids]}
               for s, _, _, ids, kinds in top]
        rows = rp.finish(raw, self.w)
        return rows[0] if rows else None


def candidate_paths_neo4j(store, nisns: list[str], employer: str, as_of: str,
                          max_hops: int) -> dict[str, dict]:
    """The strongest ``referral_paths`` answer of each person to ``employer``
    on Neo4j, all people in one query (``vacancy_candidate_paths.cypher``):
    nisn -> the finished row; people without a path are absent."""
    from alumni_graph.queries import referral_paths as rp

    if not nisns or store.get_node("Employer", (employer,)) is None:
        return {}
    w = rp._letters(None)
    raw = read_cypher(store, "vacancy_candidate_paths", {
        "nisns": list(nisns), "employer": employer, "as_of": as_of, "max_hops": max_hops, "weights": w})
    out = {}
    for r in raw:
        rows = rp.finish([{k: r[k] for k in ("strength", "kinds", "nodes")}], w)
        if rows:
            out[r["nisn"]] = rows[0]
    return out


def candidates_finish(store, found: list[dict], *, employer: str | None, as_of: str,
                      max_hops: int, limit: int) -> list[dict]:
    rows = []
    shared = _SharedPaths(store.graph(), employer, as_of, max_hops) \
        if employer and not is_neo4j(store) else None
    kinds = {f["person"]["nisn"]: eligible(f["person"], f["jobs"], as_of) for f in found}
    batch = candidate_paths_neo4j(store, [n for n, k in kinds.items() if k], employer, as_of, max_hops) \
        if employer and is_neo4j(store) else {}
    for f in found:
        p = f["person"]
        kind = kinds[p["nisn"]]
        if kind is None:
            continue
        if shared is not None:
            path = shared.best(p["nisn"])
        else:
            path = batch.get(p["nisn"])
        refs = sorted(f["referrals"], key=lambda r: r.get("date") or "")
        rows.append({
            "nisn": p["nisn"], "name": p.get("name"), "program": p.get("program_code"),
            "graduation_year": p.get("graduation_year"), "kind": kind, "status": p.get("status"),
            "strength": path["strength"] if path else 0.0, "hops": path["hops"] if path else None,
            "explanation_id": _as_candidate(path["explanation_id"], "Anda", "kandidat") if path else None,
            "explanation_en": _as_candidate(path["explanation_en"], "you", "the candidate") if path else None,
            "referral_status": refs[-1].get("status") if refs else None,
        })
    rows.sort(key=lambda r: r["nisn"])
    rows.sort(key=lambda r: -(r["graduation_year"] or 0))
    rows.sort(key=lambda r: (-r["strength"], r["hops"] if r["hops"] is not None else 99,
                             r["kind"] != "alumni"))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return [{k: r[k] for k in CANDIDATE_COLUMNS} for r in rows[:limit]]


def _vacancy(store, id: str) -> dict:
    v = store.get_node("Vacancy", (id,))
    if v is None:
        raise NotFound("id: no vacancy with this code / id: lowongan tidak ditemukan",
                       [{"param": "id", "message": "no such vacancy"}])
    return v


def _run_candidates(store, params, weights=None):
    v = _vacancy(store, params["id"])
    found = read_cypher(store, "vacancy_candidates", {"id": params["id"]}) if is_neo4j(store) \
        else vacancy_candidates_nx(store.graph(), id=params["id"])
    rows = candidates_finish(store, found, employer=v.get("employer_code"), as_of=params["as_of"],
                             max_hops=params["max_hops"], limit=params["limit"])
    return rows, {"vacancy": {k: v.get(k) for k in ("id", "title", "employer_code", "programs",
                                                      "openings", "deadline")}}


CANDIDATES_QUERY = Query(
    name="vacancy_candidates",
    title_id="Kandidat lowongan",
    title_en="Candidates for a vacancy",
    params=(Param("id", "str", required=True, upper=True, pattern=r"[A-Z0-9][A-Z0-9_-]{0,39}",
                  pattern_help="a vacancy code / kode lowongan", help="kode lowongan / vacancy code"),
            Param("max_hops", "int", default=3, min=1, max=5, help="panjang jalur maksimum / maximum hops"),
            Param("limit", "int", default=100, min=1, max=1000,
                  help="jumlah baris maksimum / maximum number of rows"),
            as_of_param()),
    columns=CANDIDATE_COLUMNS,
    runner=_run_candidates,
    table_columns=("rank", "nisn", "name", "program", "kind", "strength", "referral_status"),
    description="Graduates and final-year students of the wanted programmes who are not employed, "
                "ranked by their strongest referral path. / Alumni dan siswa tingkat akhir program "
                "yang dicari yang belum bekerja, diurutkan menurut jalur rujukan terkuat.",
)


# -- placement report ------------------------------------------------------------

PLACEMENT_COLUMNS = ("year", "program", "graduates", "placed", "bkk", "alumni", "prakerin", "mandiri",
                     "placed_rate", "employers")


def placement_nx(G, *, npsn: str, program: str | None, year: int | None, as_of: str) -> list[dict]:
    """The networkx twin of ``placement_report.cypher``."""
    from alumni_graph.queries.analytics import person_nodes

    out = []
    for pid, p in person_nodes(G, npsn):
        if p.get("school_npsn") != npsn or p.get("graduation_year") is None:
            continue
        if program is not None and p.get("program_code") != program:
            continue
        if year is not None and p.get("graduation_year") != year:
            continue
        jobs = []
        for _, e, a in G.out_edges(pid, data=True):
            if a["type"] != "WORKS_AT" or not a.get("start") or a["start"] > as_of:
                continue
            interned = any(b["type"] == "INTERNED_AT" and b.get("start") and b["start"] <= a["start"]
                           for b in G.get_edge_data(pid, e).values())
            referred = any(
                r["type"] == "REFERRED_TO" and r.get("status") == "diterima"
                and any(t == "AT" and w == e for _, w, t in G.out_edges(vac, data="type"))
                for _, vac, r in G.out_edges(pid, data=True))
            emp = G.nodes[e]
            jobs.append({"start": a["start"], "channel": a.get("channel"), "code": emp.get("code"),
                         "name": emp.get("name"), "interned": interned, "referred": referred})
        out.append({"nisn": p["nisn"], "year": p["graduation_year"], "program": p.get("program_code"),
                    "jobs": jobs})
    return out


def channel_of(job: dict) -> str:
    if job.get("referred") or job.get("channel") == "bkk":
        return "bkk"
    if job.get("channel") == "alumni":
        return "alumni"
    if job.get("interned"):
        return "prakerin"
    return "mandiri"


def placement_finish(found: list[dict]) -> list[dict]:
    groups: dict[tuple, dict] = {}
    for f in found:
        g = groups.setdefault((f["year"], f["program"]), {
            "year": f["year"], "program": f["program"], "graduates": 0, "placed": 0,
            **{c: 0 for c in CHANNELS}, "by_employer": {}})
        g["graduates"] += 1
        if not f["jobs"]:
            continue
        job = min(f["jobs"], key=lambda j: (j["start"], j["code"] or ""))
        ch = channel_of(job)
        g["placed"] += 1
        g[ch] += 1
        emp = g["by_employer"].setdefault((job["code"], ch), {"code": job["code"], "name": job["name"],
                                                              "channel": ch, "count": 0})
        emp["count"] += 1
    rows = []
    for g in groups.values():
        emps = sorted(g.pop("by_employer").values(), key=lambda e: (-e["count"], e["code"] or "", e["channel"]))
        rows.append({**g, "placed_rate": rate(g["placed"], g["graduates"]), "employers": emps})
    rows.sort(key=lambda r: (-r["year"], r["program"] or ""))
    return [{k: r[k] for k in PLACEMENT_COLUMNS} for r in rows]


def _run_placement(store, params, weights=None):
    _require_school(store, params["npsn"])
    args = {"npsn": params["npsn"], "program": params.get("program"), "year": params.get("year"),
            "as_of": params["as_of"]}
    found = read_cypher(store, "placement_report", {**args, "accepted": "diterima"}) if is_neo4j(store) \
        else placement_nx(store.graph(), **args)
    rows = placement_finish(found)
    totals = {k: sum(r[k] for r in rows) for k in ("graduates", "placed", *CHANNELS)}
    return rows, {"totals": totals}


PLACEMENT_QUERY = Query(
    name="placement_report",
    title_id="Laporan penempatan lulusan",
    title_en="Graduate placement report",
    params=(REQUIRED_NPSN, PROGRAM_PARAM,
            Param("year", "int", min=1950, max=2100, help="tahun lulus / graduation year"),
            as_of_param()),
    columns=PLACEMENT_COLUMNS,
    runner=_run_placement,
    table_columns=("year", "program", "graduates", "placed", "bkk", "alumni", "prakerin", "mandiri"),
    description="Graduates placed per year and programme, by channel and employer. / Lulusan yang "
                "bekerja per tahun dan program, menurut jalur dan DU/DI.",
)

QUERIES = (PIPELINE_QUERY, ALERTS_QUERY, CONVERSION_QUERY, VACANCIES_QUERY, CANDIDATES_QUERY,
           PLACEMENT_QUERY)

__all__ = ["QUERIES", "add_months", "alerts_finish", "current_outreach", "facts", "history"]
