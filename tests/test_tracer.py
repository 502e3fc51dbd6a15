"""Tracer rounds (issue 16) on both stores: links that work for one person
until submitted and never after expiry, revocation or a guess; the form's
own CSRF, rate limits and size limit; validation (a minor without a
guardian's reference); hostile text kept as text for the staff; approval
through the loader (tracer summary, Calon mitra champion, referral
intermediary) and a rejection that changes nothing."""
from __future__ import annotations

import datetime as dt
import re

import pytest

import web_fixture as fx
from alumni_graph.loaders.tracer import Tracer, validate_answers
from alumni_graph.queries import run_query
from web_support import app, client, login, web_store  # noqa: F401 (fixtures)

#: An untraced alumnus who consented (fixture): TKR 2020, a formula as name.
UNTRACED = "0051000005"
#: Budi (TKR 2021, bekerja, no consent): the subject of the approval tests.
BUDI = "0051000002"
#: Eko (TKJ 2023, studying, no job, consented): the subject of the approval test.
EKO = "0051000006"

HOSTILE = [
    '<script>window.__xss=1</script>',
    '"><img src=x onerror=alert(1)>',
    "=HYPERLINK(\"http://evil.invalid\",\"x\")",
    "{{7*7}} ${7*7} {% raw %}",
    "'; DROP TABLE responses; --",
]


def _start(app, years=(2020, 2021), programs=("TKR",)):
    c = login(app, "bkk")
    r = c.post("/tracer", data={"years": ",".join(map(str, years)), "programs": ",".join(programs),
                                "npsn": fx.NPSN}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.get_json()
    rnd = r.get_json()["round"]
    tr = Tracer(app.extensions["alumni_graph_data_dir"])
    return c, rnd, {l["nisn"]: l for l in tr.links(rnd["id"])}, tr


def _answers(**over):
    a = {"activity": "bekerja", "employer": "CV Jaringan Nusantara", "employer_city": "Bandung",
         "position": "Teknisi", "start": "2024-07-01", "sector": "J", "fits": "ya", "channel": "alumni",
         "income": "2_4", "phone": "081299990000", "email": "budi.baru@example.org",
         "consent_school": "ya", "consent_referral": "ya", "consent_register": "ya"}
    a.update(over)
    return {k: v for k, v in a.items() if v is not None}


def _form_key(anon, token):
    page = anon.get(f"/t/{token}")
    assert page.status_code == 200
    return re.search(r'name="form_key" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _submit(anon, token, **over):
    data = _answers(**over) | {"form_key": _form_key(anon, token)}
    return anon.post(f"/t/{token}", data=data)


def test_round_makes_one_unguessable_hashed_link_per_alumnus(app):
    c, rnd, links, tr = _start(app)
    # TKR 2020 and 2021 at the fixture school: Budi and the untraced one.
    assert set(links) == {BUDI, UNTRACED}
    raw = (tr.path).read_bytes()
    for link in links.values():
        assert len(link["token"]) >= 43 and link["token"] not in raw.decode("latin-1")
        assert tr.open_link(link["token"])["nisn"] == link["nisn"]
    assert len({l["token"] for l in links.values()}) == 2
    assert oct(tr.path.stat().st_mode & 0o777) == "0o600"


def test_form_greets_by_first_name_only_and_works_without_login(app):
    _, _, links, _ = _start(app)
    anon = app.test_client()
    page = anon.get(f"/t/{links[BUDI]['token']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Halo, Budi!" in html
    # Nothing else about the person or anyone else: no surname part, NISN, phone, email.
    assert BUDI not in html and "0812345" not in html and "example.org" not in html
    assert "&#34; x=&#34;" not in html and 'x="' not in html  # the rest of Budi's (hostile) name
    assert "<script" not in html
    # English by a switch, remembered in a cookie.
    en = anon.get(f"/t/{links[BUDI]['token']}?lang=en")
    assert "Hello, Budi!" in en.get_data(as_text=True)


def test_guessed_expired_revoked_and_closed_links_look_the_same(app):
    c, rnd, links, tr = _start(app)
    anon = app.test_client()
    guessed = anon.get("/t/" + "A" * 43)
    assert guessed.status_code == 404
    body = guessed.get_data(as_text=True)
    # Revoked.
    assert c.post(f"/tracer/tautan/{links[BUDI]['id']}/cabut").status_code == 303
    revoked = anon.get(f"/t/{links[BUDI]['token']}")
    assert revoked.status_code == 404 and revoked.get_data(as_text=True) == body
    # Expired: the day after the round closes.
    after = (dt.date.fromisoformat(rnd["closes"]) + dt.timedelta(days=1)).isoformat()
    assert tr.open_link(links[UNTRACED]["token"], on=after) is None
    assert tr.open_link(links[UNTRACED]["token"]) is not None
    # A new link replaces the revoked one; the old one stays dead.
    assert c.post(f"/tracer/tautan/{links[BUDI]['id']}/baru").status_code == 303
    new = tr.get_link(links[BUDI]["id"])["token"]
    assert new != links[BUDI]["token"] and anon.get(f"/t/{new}").status_code == 200
    assert anon.get(f"/t/{links[BUDI]['token']}").status_code == 404
    # Closed round: every link stops.
    # Without the confirmation box ticked nothing closes.
    assert c.post(f"/tracer/{rnd['id']}/tutup").status_code == 303
    assert anon.get(f"/t/{new}").status_code == 200
    assert c.post(f"/tracer/{rnd['id']}/tutup", data={"confirm": "ya"}).status_code == 303
    closed = anon.get(f"/t/{new}")
    assert closed.status_code == 404 and closed.get_data(as_text=True) == body


def test_link_is_reusable_until_submitted_then_thanks(app):
    _, _, links, tr = _start(app)
    anon = app.test_client()
    token = links[BUDI]["token"]
    anon.get(f"/t/{token}")  # opened once, opened again: still the form
    bad = _submit(anon, token, employer="")  # a mistake: the form again, nothing kept
    assert bad.status_code == 400 and tr.responses() == []
    ok = _submit(anon, token)
    assert ok.status_code == 303
    done = anon.get(f"/t/{token}").get_data(as_text=True)
    assert "Terima kasih, Budi!" in done and "CV Jaringan Nusantara" in done and 'id="tracer-form"' not in done
    # Reused: a second submission is not taken.
    again = anon.post(f"/t/{token}", data=_answers(employer="Other") | {"form_key": "x"})
    assert again.status_code == 200 and len(tr.responses()) == 1
    assert tr.responses()[0]["answers"]["employer"] == "CV Jaringan Nusantara"


def test_form_csrf_is_bound_to_the_link(app):
    _, _, links, tr = _start(app)
    anon = app.test_client()
    other_key = _form_key(anon, links[UNTRACED]["token"])
    r = anon.post(f"/t/{links[BUDI]['token']}", data=_answers() | {"form_key": other_key})
    assert r.status_code == 400 and tr.responses() == []
    r = anon.post(f"/t/{links[BUDI]['token']}", data=_answers())
    assert r.status_code == 400 and tr.responses() == []


def test_oversized_submission_is_refused(app):
    _, _, links, tr = _start(app)
    anon = app.test_client()
    token = links[BUDI]["token"]
    r = anon.post(f"/t/{token}", data=_answers(note="x" * 20_000) | {"form_key": _form_key(anon, token)})
    assert r.status_code == 413 and tr.responses() == []


def test_rate_limits_per_address_and_per_link(app):
    app.config.update(TRACER_MAX_BAD_TOKENS_IP=3, TRACER_MAX_POSTS_LINK=2)
    _, _, links, _ = _start(app)
    anon = app.test_client()
    token = links[BUDI]["token"]
    for _ in range(2):
        assert anon.post(f"/t/{token}", data={"form_key": "x"}).status_code == 400
    assert anon.post(f"/t/{token}", data={"form_key": "x"}).status_code == 429
    for i in range(3):
        assert anon.get(f"/t/{'B' * 42}{i}").status_code == 404
    # Guessing from this address now stops every link from it, the real one included.
    assert anon.get(f"/t/{links[UNTRACED]['token']}").status_code == 429
    other = app.test_client()
    assert other.get(f"/t/{links[UNTRACED]['token']}",
                     environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_minor_needs_a_guardian_reference():
    adult_errors = validate_answers(_answers(), minor=False)[1]
    assert adult_errors == {}
    values, errors = validate_answers(_answers(), minor=True)
    assert errors == {"guardian_ref": "guardian"}
    assert validate_answers(_answers(guardian_ref="Surat wali 12/BKK/2026"), minor=True)[1] == {}
    # A minor who says no to everything needs no guardian.
    no = _answers(consent_school="tidak", consent_referral="tidak", consent_register="tidak")
    assert validate_answers(no, minor=True)[1] == {}


def test_minor_on_the_form(app, web_store):
    born = (dt.date.today() - dt.timedelta(days=365 * 17)).isoformat()
    web_store.upsert_nodes("Person", [fx.person_row(BUDI) | {"birth_date": born}], source="test")
    _, _, links, tr = _start(app)
    anon = app.test_client()
    token = links[BUDI]["token"]
    r = _submit(anon, token)
    assert r.status_code == 400 and 'id="err-guardian_ref"' in r.get_data(as_text=True)
    assert tr.responses() == []
    assert _submit(anon, token, guardian_ref="Surat wali 7/2026").status_code == 303


def test_validation_errors_are_named():
    _, errors = validate_answers(_answers(activity="x", start="2999-01-01", sector="Z", phone="12",
                                          email="no", consent_school=None), minor=False)
    assert errors["activity"] == "required"
    assert validate_answers(_answers(start="2999-01-01"), minor=False)[1] == {"start": "date_range"}
    assert validate_answers(_answers(sector="Z", phone="12", email="no"), minor=False)[1] == {
        "sector": "choice", "phone": "phone", "email": "email"}
    assert validate_answers(_answers(consent_school=None), minor=False)[1] == {"consent_school": "required"}
    assert validate_answers(_answers(position="x" * 201), minor=False)[1] == {"position": "too_long"}


def test_hostile_text_in_every_field_is_shown_as_text(app, web_store):
    # Budi made a minor, so the guardian reference is asked too.
    born = (dt.date.today() - dt.timedelta(days=365 * 17)).isoformat()
    web_store.upsert_nodes("Person", [fx.person_row(BUDI) | {"birth_date": born}], source="test")
    c, rnd, links, tr = _start(app)
    anon = app.test_client()
    # Choice and format fields refuse every payload by name.
    for payload in HOSTILE:
        _, errors = validate_answers({f: payload for f in ("activity", "fits", "channel", "income", "phone",
                                                           "email", "consent_school", "consent_referral",
                                                           "consent_register")}, minor=False)
        assert {"activity", "phone", "email", "consent_school", "consent_referral",
                "consent_register"} <= set(errors), payload
        _, errors = validate_answers(_answers(sector=payload, fits=payload, channel=payload, income=payload,
                                              start=payload), minor=False)
        assert {"sector", "fits", "channel", "income", "start"} <= set(errors), payload
    # Every free-text field, over two answers (work, and study).
    bad = HOSTILE[0] + HOSTILE[1] + HOSTILE[3]
    work = {f: bad for f in ("employer", "employer_city", "position", "note", "guardian_ref")}
    assert _submit(anon, links[BUDI]["token"], **work).status_code == 303
    study = {"activity": "melanjutkan", "institution": bad, "study_program": bad, "note": bad}
    assert _submit(anon, links[UNTRACED]["token"], **study).status_code == 303
    answers = {r["nisn"]: r for r in tr.responses()}
    assert answers[BUDI]["answers"]["employer"] == bad and answers[UNTRACED]["answers"]["study_program"] == bad
    pages = [c.get(f"/tracer/jawaban/{r['id']}").get_data(as_text=True) for r in answers.values()]
    pages += [c.get(f"/tracer/{rnd['id']}").get_data(as_text=True),
              anon.get(f"/t/{links[BUDI]['token']}").get_data(as_text=True),
              anon.get(f"/t/{links[UNTRACED]['token']}").get_data(as_text=True)]
    for html in pages:
        assert "<script>window.__xss" not in html and "<img src=x" not in html
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
        assert "{{7*7}}" in html and "49" not in html.split("{{7*7}}")[0][-5:]
    for f in ("employer", "employer_city", "position", "note", "guardian_ref"):
        assert f'id="ans-{f}"' in pages[0] or f'id="cmp-{f}"' in pages[0], f
    for f in ("institution", "study_program", "note"):
        assert f'id="ans-{f}"' in pages[1], f


def _totals(store):
    rows = run_query(store, "tracer_summary", {"npsn": fx.NPSN, "program": "TKJ", "year_from": 2023,
                                               "year_to": 2023}).rows
    return rows[0]


def test_approve_writes_through_the_loader_and_reaches_every_answer(app, web_store):
    # Eko (TKJ 2023, studying, no job), without consent before the round.
    web_store.upsert_nodes("Person", [fx.person_row(EKO) | {"consent_contact": False,
                                                                 "consent_display": False}], source="test")
    c, rnd, links, tr = _start(app, years=(2023,), programs=("TKJ",))
    anon = app.test_client()
    employer = "PT Tanpa Alumni"  # E-005: no alumni there yet
    assert _submit(anon, links[EKO]["token"], employer=employer, employer_city="Karawang",
                   start="2025-01-06").status_code == 303
    before = _totals(web_store)
    resp = tr.responses()[0]
    review = c.get(f"/tracer/jawaban/{resp['id']}").get_data(as_text=True)
    assert 'value="E-005"' in review  # the loader's employer resolution found it
    # What approval would write, from the loader's own dry run (field by field).
    writes = c.get(f"/tracer/jawaban/{resp['id']}.json").get_json()["writes"]
    person_changes = [f for ch in writes[0]["changes"] for f in ch["fields"]]
    assert {"field": "status", "column": "status", "old": "melanjutkan", "new": "bekerja"} in person_changes
    assert writes[1]["kind"] == "pekerjaan" and writes[1]["created"] == 1 and writes[1]["ok"]
    assert web_store.get_node("Person", (EKO,))["consent_contact"] is False  # nothing yet
    r = c.post(f"/tracer/jawaban/{resp['id']}/setujui", data={"employer_code": "E-005"})
    assert r.status_code == 303
    done = tr.get_response(resp["id"])
    assert done["status"] == "disetujui" and done["employer_code"] == "E-005"
    person = web_store.get_node("Person", (EKO,))
    assert person["consent_contact"] is True and person["consent_display"] is True
    from alumni_graph.loaders.kinds import phone

    assert person["phone"] == phone("081299990000") and person["status"] == "bekerja"
    assert person["consent_source"] == f"tracer:{rnd['id']}" and person["consent_date"] == resp["submitted_at"][:10]
    job = [r for r in web_store.relationships_of("Person", (EKO,))
           if r["type"] == "WORKS_AT" and r["other"][1] == ["E-005"]]
    assert len(job) == 1 and job[0]["props"]["start"] == "2025-01-06"
    assert job[0]["props"]["source"] == f"tracer:{rnd['id']}" and job[0]["props"]["channel"] == "alumni"
    after = _totals(web_store)
    assert after["employed"] == before["employed"] + 1 and after["bekerja"] == before["bekerja"] + 1
    assert after["melanjutkan"] == before["melanjutkan"] - 1
    # A champion of E-005 in Calon mitra, an intermediary in referral paths.
    partners = run_query(web_store, "prospective_partners", {"npsn": fx.NPSN}).rows
    e5 = next(p for p in partners if p["code"] == "E-005")
    assert [ch["name"] for ch in e5["champions"]] == ["Eko Saputra"], e5
    paths = run_query(web_store, "referral_paths", {"nisn": "0051000003", "employer": "E-005"}).rows
    intermediaries = [n.get("key") or n.get("nisn") for p in paths for n in p["nodes"][1:-1]]
    assert EKO in str(intermediaries), paths
    # Reviewed once: a second approval is refused.
    assert c.post(f"/tracer/jawaban/{resp['id']}/setujui").status_code == 400


def test_reject_keeps_the_answer_and_changes_nothing(app, web_store):
    c, rnd, links, tr = _start(app)
    anon = app.test_client()
    assert _submit(anon, links[BUDI]["token"], employer="PT Tanpa Alumni").status_code == 303
    dump_before = web_store.dump()
    resp = tr.responses()[0]
    assert c.post(f"/tracer/jawaban/{resp['id']}/tolak", data={"reason": ""}).status_code == 400
    r = c.post(f"/tracer/jawaban/{resp['id']}/tolak", data={"reason": "Bukan alumni kita"})
    assert r.status_code == 303
    done = tr.get_response(resp["id"])
    assert done["status"] == "ditolak" and done["reason"] == "Bukan alumni kita"
    assert done["answers"]["employer"] == "PT Tanpa Alumni"
    assert web_store.dump() == dump_before
    log = app.extensions["alumni_graph_audit"].entries()
    assert {"tracer_round_start", "tracer_submit", "tracer_answer_reject"} <= {e["action"] for e in log}


def test_loader_refusal_writes_nothing(app, web_store):
    c, rnd, links, tr = _start(app)
    anon = app.test_client()
    assert _submit(anon, links[BUDI]["token"]).status_code == 303
    resp = tr.responses()[0]
    dump_before = web_store.dump()
    r = c.post(f"/tracer/jawaban/{resp['id']}/setujui", data={"employer_code": "NO-SUCH-CODE"})
    assert r.status_code == 400 and "review-error" in r.get_data(as_text=True)
    assert web_store.dump() == dump_before and tr.get_response(resp["id"])["status"] == "menunggu"


def test_staff_pages_need_bkk_or_admin(app):
    _, rnd, links, _ = _start(app)
    for role in ("humas", "viewer"):
        assert login(app, role).get(f"/tracer/{rnd['id']}").status_code == 403
    assert app.test_client().get("/tracer.json").status_code == 401


def test_dashboard_counts_and_indicators(app, web_store):
    c, rnd, links, tr = _start(app)
    anon = app.test_client()
    _submit(anon, links[BUDI]["token"], employer="PT Tanpa Alumni")
    d = c.get(f"/tracer/{rnd['id']}.json").get_json()
    assert d["totals"]["links"] == 2 and d["totals"]["opened"] == 1 and d["totals"]["submitted"] == 1
    assert d["totals"]["approved"] == 0 and d["totals"]["response_rate"] == 0.5
    assert d["before"]["alumni"] == 2 and d["after"]["alumni"] == 2
    assert d["untraced"]["untraced"] == 1  # the 2020 untraced alumnus
    assert c.get(f"/tracer/{rnd['id']}").status_code == 200


def test_sending_page_links_qr_whatsapp_and_csv(app, web_store):
    c, rnd, links, tr = _start(app)
    page = c.get(f"/tracer/{rnd['id']}/kirim").get_data(as_text=True)
    assert links[BUDI]["token"] in page and "data:image/svg+xml" in page
    sent = c.get(f"/tracer/{rnd['id']}/kirim.json").get_json()
    wa = next(l for l in sent["links"] if l["nisn"] == BUDI)["whatsapp"]
    assert wa.startswith("https://wa.me/62812345") and "Budi" in wa and links[BUDI]["token"] in wa
    r = c.get(f"/tracer/tautan/{links[BUDI]['id']}/wa")
    assert r.status_code == 302 and r.headers["Location"].startswith("https://wa.me/62")
    assert tr.get_link(links[BUDI]["id"])["sent_at"]
    csv = c.get(f"/tracer/{rnd['id']}/kirim.csv")
    text = csv.get_data(as_text=True)
    assert text.splitlines()[0].lstrip("\ufeff") == "nisn,nama,link,whatsapp"
    assert "'=HYPERLINK" in text  # the fixture's formula name, defused
    assert c.get(f"/tracer/{rnd['id']}/slip").status_code == 200


def test_subject_deletion_removes_the_tracer_answers_only(app, web_store):
    from alumni_graph.security.subject import delete_subject

    c, rnd, links, tr = _start(app)
    anon = app.test_client()
    assert _submit(anon, links[BUDI]["token"]).status_code == 303
    assert _submit(anon, links[UNTRACED]["token"]).status_code == 303
    report = delete_subject(web_store, BUDI, data_dir=app.extensions["alumni_graph_data_dir"])
    assert report["tracer_answers_removed"] == 1
    assert tr.path.exists() and [r["nisn"] for r in tr.responses()] == [UNTRACED]
    assert BUDI not in {l["nisn"] for l in tr.links(rnd["id"])}
    assert anon.get(f"/t/{links[BUDI]['token']}").status_code == 404
