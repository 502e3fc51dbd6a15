"""Tracer rounds: personal links, the alumni's answers, and their review.

Working state that no analysis reads lives here, beside the graph, in
``DATA_DIR/tracer.sqlite3`` (like users and the audit log): rounds, links and
the answers alumni send. An answer reaches the graph only when a BKK user
approves it, and then only through the loader (:func:`loaders.load.load_rows`,
the same validation as a spreadsheet) with the source ``tracer:<round>``.

* **Round**: a school's cohorts (graduation years, optionally programmes)
  with an open period (``opens`` .. ``closes``, both inclusive).
* **Link**: one per alumnus of the round. The token in the link is
  ``HMAC-SHA256(tracer.key, link id + random nonce)`` (43 URL-safe
  characters, 256 bits): unguessable, and the database keeps only its
  SHA-256 and the nonce, so a copy of ``tracer.sqlite3`` alone opens no form
  (the key file ``tracer.key``, mode 0600, is needed to rebuild a link for the
  staff's sending page). A link is bound to one NISN, works until the round
  closes, can be revoked, and is usable again until an answer is submitted.
* **Answer** (``responses``): validated on submit (:func:`validate_answers`),
  kept as JSON with its date; status ``menunggu`` (waiting), ``disetujui``
  (approved: written to the graph) or ``ditolak`` (rejected, with a reason:
  kept, nothing written).

The rules of the form (which fields, which values) are :data:`FIELDS` and
:func:`validate_answers`; the mapping to the loader's columns is
:func:`loader_rows`.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path

from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.security.private import connect_sqlite, create_sqlite, secret, sha256
from alumni_graph.loaders.kinds import KBLI_SECTIONS, Invalid, email as parse_email, phone as parse_phone

DB_FILE = "tracer.sqlite3"
KEY_FILE = "tracer.key"
#: How long a round stays open when no end date is given.
DEFAULT_DAYS = 30
MAX_DAYS = 366

ACTIVITIES = ("bekerja", "wirausaha", "melanjutkan", "mencari_kerja", "lainnya")
#: How the job was obtained (the loader's ``sumber`` values).
CHANNELS = ("bkk", "alumni", "prakerin", "mandiri")
INCOME_BANDS = ("", "lt2", "2_4", "4_6", "6_10", "gt10")
YES_NO = ("ya", "tidak")
CONSENTS = ("consent_school", "consent_referral", "consent_register")
STATUSES = ("menunggu", "disetujui", "ditolak")

#: Every field of the form: (name, max length). Anything else sent is ignored.
FIELDS = {
    "activity": 20, "employer": 200, "employer_city": 100, "position": 200, "start": 10,
    "sector": 1, "fits": 6, "channel": 10, "income": 6, "institution": 200, "study_program": 200,
    "phone": 20, "email": 254, "consent_school": 6, "consent_referral": 6, "consent_register": 6,
    "guardian_ref": 200, "note": 1000,
}
#: A whole submission is refused above this many bytes (the web checks it first).
MAX_SUBMISSION_BYTES = 16 * 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rounds (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    npsn TEXT,
    years TEXT NOT NULL,
    programs TEXT NOT NULL,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    before TEXT
);
CREATE TABLE IF NOT EXISTS links (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    nisn TEXT NOT NULL,
    npsn TEXT,
    program TEXT,
    graduation_year INTEGER,
    nonce TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    opened_at TEXT,
    submitted_at TEXT,
    revoked_at TEXT,
    UNIQUE (round_id, nisn)
);
CREATE TABLE IF NOT EXISTS responses (
    id INTEGER PRIMARY KEY,
    link_id INTEGER NOT NULL UNIQUE REFERENCES links(id),
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    nisn TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    answers TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'menunggu',
    employer_code TEXT,
    reviewed_by TEXT,
    reviewed_at TEXT,
    reason TEXT,
    result TEXT
);
"""


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def today() -> str:
    return dt.date.today().isoformat()


def first_name(name: str | None) -> str:
    """The first word of a name (the form greets by it, and by nothing else)."""
    words = str(name or "").split()
    return words[0][:40] if words else ""


class Tracer:
    """Rounds, links and answers in ``data_dir/tracer.sqlite3``.

    Every method opens its own connection (web threads and the CLI alike).
    Methods that need the graph take the store as an argument.
    """

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.path = create_sqlite(self.data_dir, DB_FILE, _SCHEMA)
        self._key = secret(self.data_dir, KEY_FILE, min_chars=64,
                           regenerate_note="every tracer link then stops working")

    def _connect(self) -> sqlite3.Connection:
        return connect_sqlite(self.path)

    # -- tokens -------------------------------------------------------------------
    def token(self, link_id: int, nonce: str) -> str:
        mac = hmac.new(self._key, f"link:{link_id}:{nonce}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def form_key(self, link_id: int, token_hash: str) -> str:
        """The form's CSRF token: bound to the link (no login, no session)."""
        mac = hmac.new(self._key, f"csrf:{link_id}:{token_hash}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def check_form_key(self, link: dict, sent: str | None) -> bool:
        expected = self.form_key(link["id"], link["token_hash"])
        return hmac.compare_digest(expected.encode(), str(sent or "").encode()[:200])

    # -- rounds -------------------------------------------------------------------
    def start_round(self, store, *, years: list[int], programs: list[str] | None = None,
                    npsn: str | None = None, until: str | None = None, name: str | None = None,
                    created_by: str = "-", before: dict | None = None) -> dict:
        """A new round for the alumni of ``years`` (and ``programs``, and the
        school ``npsn`` when given), open from today until ``until``
        (default :data:`DEFAULT_DAYS` days). Returns the round with its links."""
        years = sorted({int(y) for y in years or []})
        programs = sorted({p.strip().upper() for p in programs or [] if p and p.strip()})
        if not years:
            raise ParameterError("choose at least one graduation year",
                                 [{"param": "graduation_year", "message": "required"}])
        opens = today()
        closes = until or (dt.date.today() + dt.timedelta(days=DEFAULT_DAYS)).isoformat()
        try:
            closes_day = dt.date.fromisoformat(str(closes))
        except ValueError:
            raise ParameterError("until: a date YYYY-MM-DD",
                                 [{"param": "until", "value": str(closes)[:20],
                                   "message": "a date YYYY-MM-DD"}]) from None
        if not 0 <= (closes_day - dt.date.today()).days <= MAX_DAYS:
            raise ParameterError(f"until: from today to {MAX_DAYS} days ahead",
                                 [{"param": "until", "value": str(closes)[:20],
                                   "message": f"from today to {MAX_DAYS} days ahead"}])
        people = [p for p in store.iter_nodes("Person")
                  if p.get("graduation_year") in years
                  and (not programs or (p.get("program_code") or "").upper() in programs)
                  and (not npsn or p.get("school_npsn") == npsn)]
        if not people:
            raise NotFound("no alumni match these graduation years and programmes",
                           [{"param": "graduation_year", "message": "no alumni"}])
        people.sort(key=lambda p: (p.get("school_npsn") or "", p.get("program_code") or "",
                                   p.get("graduation_year") or 0, p.get("name") or "", p["nisn"]))
        label = name or ("Tracer " + ", ".join(map(str, years))
                         + (" " + ", ".join(programs) if programs else ""))
        stamp = now_iso()
        with closing(self._connect()) as db, db:
            cur = db.execute(
                "INSERT INTO rounds (name, npsn, years, programs, opens, closes, created_by, created_at, before) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (label[:200], npsn, json.dumps(years), json.dumps(programs), opens, closes_day.isoformat(),
                 created_by, stamp, json.dumps(before) if before is not None else None))
            round_id = cur.lastrowid
            for p in people:
                self._insert_link(db, round_id, p, stamp)
        return self.get_round(round_id)

    def _insert_link(self, db, round_id: int, person: dict, stamp: str) -> int:
        placeholder = "pending:" + secrets.token_hex(16)
        cur = db.execute(
            "INSERT INTO links (round_id, nisn, npsn, program, graduation_year, nonce, token_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (round_id, person["nisn"], person.get("school_npsn"), person.get("program_code"),
             person.get("graduation_year"), "", placeholder, stamp))
        link_id = cur.lastrowid
        nonce = secrets.token_urlsafe(16)
        db.execute("UPDATE links SET nonce = ?, token_hash = ? WHERE id = ?",
                   (nonce, sha256(self.token(link_id, nonce)), link_id))
        return link_id

    def get_round(self, round_id: int) -> dict:
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM rounds WHERE id = ?", (int(round_id),)).fetchone()
        if row is None:
            raise NotFound("no such tracer round", [{"param": "round", "message": "no such round"}])
        return _round(dict(row))

    def rounds(self) -> list[dict]:
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT r.*, (SELECT count(*) FROM links l WHERE l.round_id = r.id) AS links, "
                "(SELECT count(*) FROM responses s WHERE s.round_id = r.id) AS responses, "
                "(SELECT count(*) FROM responses s WHERE s.round_id = r.id AND s.status = 'menunggu') AS waiting "
                "FROM rounds r ORDER BY r.id DESC").fetchall()
        return [_round(dict(r)) for r in rows]

    def close_round(self, round_id: int) -> None:
        self.get_round(round_id)
        with closing(self._connect()) as db, db:
            db.execute("UPDATE rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                       (now_iso(), int(round_id)))

    # -- links --------------------------------------------------------------------
    def links(self, round_id: int) -> list[dict]:
        """The round's links, each with its token (rebuilt from the key)."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT l.*, s.status AS response_status FROM links l "
                              "LEFT JOIN responses s ON s.link_id = l.id "
                              "WHERE l.round_id = ? ORDER BY l.id", (int(round_id),)).fetchall()
        return [dict(r) | {"token": self.token(r["id"], r["nonce"])} for r in rows]

    def get_link(self, link_id: int) -> dict:
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM links WHERE id = ?", (int(link_id),)).fetchone()
        if row is None:
            raise NotFound("no such tracer link", [{"param": "link", "message": "no such link"}])
        return dict(row) | {"token": self.token(row["id"], row["nonce"])}

    def mark_sent(self, link_ids) -> None:
        ids = [int(i) for i in link_ids]
        with closing(self._connect()) as db, db:
            db.executemany("UPDATE links SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
                           [(now_iso(), i) for i in ids])

    def revoke(self, link_id: int) -> bool:
        with closing(self._connect()) as db, db:
            return db.execute("UPDATE links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                              (now_iso(), int(link_id))).rowcount > 0

    def reissue(self, link_id: int) -> dict:
        """A new token for a link (the old one stops working at once)."""
        nonce = secrets.token_urlsafe(16)
        with closing(self._connect()) as db, db:
            n = db.execute("UPDATE links SET nonce = ?, token_hash = ?, revoked_at = NULL, sent_at = NULL "
                           "WHERE id = ? AND submitted_at IS NULL",
                           (nonce, sha256(self.token(int(link_id), nonce)), int(link_id))).rowcount
        if not n:
            raise ParameterError("this link was already used to answer: it cannot be renewed",
                                 [{"param": "link", "message": "already submitted"}])
        return self.get_link(link_id)

    def open_link(self, token: str, *, on: str | None = None) -> dict | None:
        """The live link of ``token``, or None: wrong, revoked, expired, closed
        round and never-existed all look the same to the caller. The lookup is
        by the token's SHA-256 (what an attacker sends says nothing about what
        is stored), then compared in constant time."""
        if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
            sha256("x" * 43)  # the same work for a malformed token
            return None
        key = sha256(token)
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT l.*, r.closes, r.opens, r.closed_at AS round_closed, r.name AS round_name "
                "FROM links l JOIN rounds r ON r.id = l.round_id WHERE l.token_hash = ?", (key,)).fetchone()
        if row is None or not hmac.compare_digest(row["token_hash"], key):
            return None
        day = on or today()
        if row["revoked_at"] or row["round_closed"] or not (row["opens"] <= day <= row["closes"]):
            return None
        return dict(row)

    def mark_opened(self, link_id: int) -> None:
        with closing(self._connect()) as db, db:
            db.execute("UPDATE links SET opened_at = ? WHERE id = ? AND opened_at IS NULL",
                       (now_iso(), int(link_id)))

    # -- answers ------------------------------------------------------------------
    def submit(self, link: dict, answers: dict) -> dict:
        """Keep validated answers for review; a link answers once."""
        stamp = now_iso()
        try:
            with closing(self._connect()) as db, db:
                n = db.execute("UPDATE links SET submitted_at = ? WHERE id = ? AND submitted_at IS NULL "
                               "AND revoked_at IS NULL", (stamp, link["id"])).rowcount
                if not n:
                    raise ParameterError("this link has already been used to answer",
                                         [{"param": "link", "message": "already submitted"}])
                cur = db.execute(
                    "INSERT INTO responses (link_id, round_id, nisn, submitted_at, answers) VALUES (?, ?, ?, ?, ?)",
                    (link["id"], link["round_id"], link["nisn"], stamp,
                     json.dumps(answers, ensure_ascii=False)))
        except sqlite3.IntegrityError:
            raise ParameterError("this link has already been used to answer",
                                 [{"param": "link", "message": "already submitted"}]) from None
        return self.get_response(cur.lastrowid)

    def response_of_link(self, link_id: int) -> dict | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT id FROM responses WHERE link_id = ?", (int(link_id),)).fetchone()
        return self.get_response(row["id"]) if row else None

    def get_response(self, response_id: int) -> dict:
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM responses WHERE id = ?", (int(response_id),)).fetchone()
        if row is None:
            raise NotFound("no such tracer answer", [{"param": "response", "message": "no such answer"}])
        return _response(dict(row))

    def responses(self, round_id: int | None = None, status: str | None = None) -> list[dict]:
        sql, args = "SELECT * FROM responses WHERE 1 = 1", []
        if round_id is not None:
            sql += " AND round_id = ?"
            args.append(int(round_id))
        if status:
            sql += " AND status = ?"
            args.append(status)
        with closing(self._connect()) as db:
            rows = db.execute(sql + " ORDER BY submitted_at, id", args).fetchall()
        return [_response(dict(r)) for r in rows]

    def _review(self, response_id: int, status: str, by: str, *, reason: str | None = None,
                employer_code: str | None = None, result: dict | None = None) -> dict:
        with closing(self._connect()) as db, db:
            n = db.execute(
                "UPDATE responses SET status = ?, reviewed_by = ?, reviewed_at = ?, reason = ?, "
                "employer_code = ?, result = ? WHERE id = ? AND status = 'menunggu'",
                (status, by, now_iso(), reason, employer_code,
                 json.dumps(result, ensure_ascii=False) if result is not None else None,
                 int(response_id))).rowcount
        if not n:
            raise ParameterError("this answer has already been reviewed",
                                 [{"param": "response", "message": "already reviewed"}])
        return self.get_response(response_id)

    def reject(self, response_id: int, by: str, reason: str) -> dict:
        reason = (reason or "").strip()
        if not reason:
            raise ParameterError("give a reason for rejecting",
                                 [{"param": "reason", "message": "required"}])
        return self._review(response_id, "ditolak", by, reason=reason[:500])

    def preview(self, store, response_id: int, *, employer_code: str | None = None) -> list[dict]:
        """What approving would do, from the loader's own dry run (the same
        validation and per-field change report as a file import): per kind,
        the row, created/updated/unchanged, the changes old -> new, new
        employers and problems. Writes nothing."""
        from alumni_graph.loaders.load import load_rows

        resp = self.get_response(response_id)
        person = store.get_node("Person", (resp["nisn"],))
        if person is None:
            return []
        source = f"tracer:{resp['round_id']}"
        out = []
        for kind, row in loader_rows(person, resp["answers"], resp["submitted_at"][:10], source,
                                     employer_code=employer_code):
            fr = load_rows(store, kind, [row], source=source, dry_run=True).files[0].as_dict()
            out.append({"kind": kind, "row": row, "ok": fr["status"] in ("loaded", "partial"),
                        "created": fr["created"], "updated": fr["updated"], "unchanged": fr["unchanged"],
                        "changes": fr["changes"],
                        "consent_changes": fr["consent_changes"], "new_employers": fr["new_employers"],
                        "problems": fr["problems"]})
        return out

    def approve(self, store, response_id: int, by: str, *, employer_code: str | None = None) -> dict:
        """Write an answer to the graph through the loader (source
        ``tracer:<round>``); nothing is written unless every row is valid.
        Returns the reviewed answer; raises ParameterError with the loader's
        problems otherwise."""
        from alumni_graph.loaders.load import load_rows

        resp = self.get_response(response_id)
        if resp["status"] != "menunggu":
            raise ParameterError("this answer has already been reviewed",
                                 [{"param": "response", "message": "already reviewed"}])
        person = store.get_node("Person", (resp["nisn"],))
        if person is None:
            raise NotFound("the alumnus of this answer is no longer in the database",
                           [{"param": "nisn", "message": "not found"}])
        source = f"tracer:{resp['round_id']}"
        rows = loader_rows(person, resp["answers"], resp["submitted_at"][:10], source,
                           employer_code=employer_code)
        for kind, row in rows:  # everything checked before anything is written
            report = load_rows(store, kind, [row], source=source, dry_run=True)
            if not report.ok:
                raise ParameterError("the loader refused this answer", _problems(kind, report))
        written = {}
        for kind, row in rows:
            report = load_rows(store, kind, [row], source=source)
            if not report.ok:
                raise ParameterError("the loader refused this answer", _problems(kind, report))
            written[kind] = report.by_kind().get(kind, {})
        job = next((r for k, r in rows if k == "pekerjaan"), None)
        code = employer_code or (_resolved_code(store, job) if job else None)
        return self._review(response_id, "disetujui", by, employer_code=code,
                            result={"rows": [[k, r] for k, r in rows], "written": written})

    # -- the dashboard's counts ------------------------------------------------------
    def progress(self, round_id: int) -> list[dict]:
        """Per school, programme and graduation year: links, sent, opened,
        submitted, approved, rejected."""
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT l.npsn, l.program, l.graduation_year, count(*) AS links, "
                "count(l.sent_at) AS sent, count(l.opened_at) AS opened, count(l.submitted_at) AS submitted, "
                "sum(s.status = 'disetujui') AS approved, sum(s.status = 'ditolak') AS rejected, "
                "count(l.revoked_at) AS revoked "
                "FROM links l LEFT JOIN responses s ON s.link_id = l.id WHERE l.round_id = ? "
                "GROUP BY l.npsn, l.program, l.graduation_year "
                "ORDER BY l.npsn, l.program, l.graduation_year", (int(round_id),)).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["approved"], d["rejected"] = d["approved"] or 0, d["rejected"] or 0
            d["response_rate"] = round(d["submitted"] / d["links"], 4) if d["links"] else None
            out.append(d)
        return out

    def forget(self, nisn: str) -> int:
        """Delete a person's links and answers (a subject deletion)."""
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM responses WHERE nisn = ?", (nisn,))
            return db.execute("DELETE FROM links WHERE nisn = ?", (nisn,)).rowcount


def _problems(kind: str, report) -> list[dict]:
    return [{"param": p.column or kind, "kind": kind, "message": p.message, "message_en": p.message_en}
            for p in report.problems]


def _round(row: dict) -> dict:
    row["years"] = json.loads(row["years"])
    row["programs"] = json.loads(row["programs"])
    row["before"] = json.loads(row["before"]) if row.get("before") else None
    row["open"] = row["closed_at"] is None and row["opens"] <= today() <= row["closes"]
    return row


def _response(row: dict) -> dict:
    row["answers"] = json.loads(row["answers"])
    row["result"] = json.loads(row["result"]) if row.get("result") else None
    return row


def _resolved_code(store, job: dict) -> str | None:
    """The employer code a job row resolved to (for the review record)."""
    from alumni_graph.loaders.employers import EmployerIndex

    if job.get("kode_dudi"):
        return job["kode_dudi"]
    index = EmployerIndex()
    for props in store.iter_nodes("Employer"):
        index.add_node(props)
    found = index.candidates(job.get("nama_dudi") or "", job.get("kota_dudi"))
    return found[0].code if len(found) == 1 else None


# -- the form's rules ---------------------------------------------------------------------

def _date(value: str, field: str, errors: dict) -> str | None:
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}", value):
        value += "-01"
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors[field] = "date"
        return None
    if not dt.date(1950, 1, 1) <= day <= dt.date.today():
        errors[field] = "date_range"
        return None
    return day.isoformat()


def validate_answers(form, *, minor: bool) -> tuple[dict, dict]:
    """The answers of a submitted form (a mapping of field -> text), cleaned,
    and the errors by field (an error code each, translated by the page).

    Text is kept as typed (trimmed, control characters removed) and never
    interpreted: the staff pages show it escaped.
    """
    a: dict = {}
    errors: dict = {}
    for name, max_len in FIELDS.items():
        raw = form.get(name)
        value = raw if isinstance(raw, str) else ""
        value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value).strip()
        if len(value) > max_len:
            errors[name] = "too_long"
            value = value[:max_len]
        a[name] = value
    if a["activity"] not in ACTIVITIES:
        errors["activity"] = "required"
    working = a["activity"] in ("bekerja", "wirausaha")
    if working:
        if not a["employer"]:
            errors["employer"] = "required"
        if not a["start"]:
            errors["start"] = "required"
        else:
            a["start"] = _date(a["start"], "start", errors) or a["start"]
        if a["sector"] and a["sector"].upper() not in KBLI_SECTIONS:
            errors["sector"] = "choice"
        a["sector"] = a["sector"].upper()
        if a["fits"] and a["fits"] not in YES_NO:
            errors["fits"] = "choice"
        if a["channel"] and a["channel"] not in CHANNELS:
            errors["channel"] = "choice"
        if a["income"] not in INCOME_BANDS:
            errors["income"] = "choice"
    else:
        for f in ("employer", "employer_city", "position", "start", "sector", "fits", "channel", "income"):
            a[f] = ""
    if a["activity"] == "melanjutkan":
        if not a["institution"]:
            errors["institution"] = "required"
    else:
        a["institution"] = a["study_program"] = ""
    if a["phone"]:
        try:
            a["phone"] = parse_phone(a["phone"])
        except Invalid:
            errors["phone"] = "phone"
    if a["email"]:
        try:
            a["email"] = parse_email(a["email"])
        except Invalid:
            errors["email"] = "email"
    for c in CONSENTS:
        if a[c] not in YES_NO:
            errors[c] = "required"
    if minor and any(a[c] == "ya" for c in CONSENTS) and not a["guardian_ref"]:
        errors["guardian_ref"] = "guardian"
    if not minor:
        a["guardian_ref"] = ""
    return a, errors


#: How the form's channel maps to the loader's ``sumber`` column.
_CHANNEL_TO_LOADER = {"bkk": "bkk", "alumni": "alumni", "prakerin": "prakerin", "mandiri": "mandiri"}


def loader_rows(person: dict, answers: dict, answered_on: str, source: str, *,
                employer_code: str | None = None) -> list[tuple[str, dict]]:
    """The loader rows (kind, row) an approved answer writes: the person
    (status, contact, consents with their date and source) and, for work, the
    job. Only what the alumnus answered is written; nothing is blanked."""
    person_row = {
        "nisn": person["nisn"], "nama": person.get("name"), "npsn": person.get("school_npsn"),
        "kode_program": person.get("program_code"), "tahun_lulus": person.get("graduation_year"),
    }
    if answers.get("activity") in ("bekerja", "wirausaha", "melanjutkan", "mencari_kerja"):
        person_row["status"] = answers["activity"]
    if answers.get("phone"):
        person_row["no_hp"] = answers["phone"]
    if answers.get("email"):
        person_row["email"] = answers["email"]
    if answers.get("consent_referral") in YES_NO:
        person_row["bersedia_dihubungi"] = answers["consent_referral"] == "ya"
    if answers.get("consent_register") in YES_NO:
        person_row["boleh_ditampilkan"] = answers["consent_register"] == "ya"
    person_row["sumber_persetujuan"] = source
    person_row["tanggal_persetujuan"] = answered_on
    if answers.get("guardian_ref"):
        person_row["ref_persetujuan_wali"] = answers["guardian_ref"]
    rows = [("siswa", person_row)]
    if answers.get("activity") in ("bekerja", "wirausaha") and answers.get("employer") and answers.get("start"):
        job = {"nisn": person["nisn"], "mulai": answers["start"]}
        if employer_code:
            job["kode_dudi"] = employer_code
        else:
            job["nama_dudi"] = answers["employer"]
            if answers.get("employer_city"):
                job["kota_dudi"] = answers["employer_city"]
        if answers.get("position"):
            job["jabatan"] = answers["position"]
        if answers.get("fits") in YES_NO:
            job["selaras"] = answers["fits"] == "ya"
        if answers.get("channel") in _CHANNEL_TO_LOADER:
            job["sumber"] = _CHANNEL_TO_LOADER[answers["channel"]]
        rows.append(("pekerjaan", job))
    return rows


def employer_suggestions(store, name: str, city: str | None = None, limit: int = 5) -> list[dict]:
    """Known employers that an answer's employer name may mean: exact matches
    of the loader's normalised name first (narrowed by city), then close names."""
    import difflib

    from alumni_graph.loaders.employers import EmployerIndex, normalize_name

    index = EmployerIndex()
    for props in store.iter_nodes("Employer"):
        # Matched on today's normalisation of the name (a stored key may
        # come from an older rule or another tool).
        index.add_node(props | {"name_normalized": normalize_name(props.get("name") or props["code"])})
    exact = index.candidates(name or "", city) if name else []
    out = [{"code": e.code, "name": e.name, "city": e.city, "exact": True} for e in exact]
    key = normalize_name(name or "")
    if key:
        close = difflib.get_close_matches(key, list(index.by_name), n=limit * 2, cutoff=0.6)
        for k in close:
            for code in index.by_name.get(k, []):
                if all(o["code"] != code for o in out):
                    e = index.by_code[code]
                    out.append({"code": e.code, "name": e.name, "city": e.city, "exact": False})
    return out[:limit]
