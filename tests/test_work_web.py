"""Issue 14 in the browser's back end and the JSON contract, per role, on both
stores: outreach status (form and ``/api/v1/outreach/<code>``), MoUs, alerts,
vacancies, candidates, referrals (a hire writes the job through the loader's
rules), the placement report and its exports.

Data: the edge-case dataset plus tests/fixtures/work (synthetic).
"""
from __future__ import annotations

import datetime as dt
import io

import pytest

from test_work_queries import load_work
from queries_support import SCHOOL_A
from alumni_graph.web import create_app
from clock_support import Days
from web_support import ROLES, login, ok_json, user


@pytest.fixture
def app(store, data_dir):
    load_work(store)
    a = create_app({"TESTING": True, "DATA_DIR": data_dir}, store=store)
    for role in ROLES:
        user(a, role)
    return a


def clients(app):
    return {role: login(app, role) for role in ROLES}


PAGES = {
    # url: roles that may open it (everyone else: 403)
    f"/rencana-kunjungan?npsn={SCHOOL_A}": {"humas", "admin"},
    f"/rencana-kunjungan.json?npsn={SCHOOL_A}": {"humas", "admin"},
    f"/rencana-kunjungan/lembar?npsn={SCHOOL_A}&tanggal=2025-07-03": {"humas", "admin"},
    f"/dudi/E01/penjajakan?npsn={SCHOOL_A}": {"humas", "admin"},
    f"/kemitraan?npsn={SCHOOL_A}": {"humas", "admin"},
    f"/konversi?npsn={SCHOOL_A}": {"humas", "bkk", "admin", "viewer"},
    f"/lowongan?npsn={SCHOOL_A}": {"humas", "bkk", "admin"},
    "/lowongan/L-TEST1": {"bkk", "admin"},
    "/lowongan/L-TEST1.json": {"bkk", "admin"},
    "/lowongan/L-TEST1/kandidat.csv": {"bkk", "admin"},
    f"/laporan-penempatan?npsn={SCHOOL_A}": {"humas", "bkk", "admin", "viewer"},
    f"/laporan-penempatan.csv?npsn={SCHOOL_A}": {"humas", "bkk", "admin", "viewer"},
    f"/api/v1/alerts?npsn={SCHOOL_A}": {"humas", "bkk", "admin"},
    f"/api/v1/outreach/E01?npsn={SCHOOL_A}": {"humas", "admin"},
    "/api/v1/vacancies/L-TEST1/candidates": {"bkk", "admin"},
}


def test_each_page_and_route_answers_exactly_its_roles(app):
    cs = clients(app)
    for url, allowed in PAGES.items():
        for role, c in cs.items():
            r = c.get(url)
            assert r.status_code == (200 if role in allowed else 403), (url, role, r.status_code)


def test_outreach_contract_records_a_contact_with_the_user_and_audits_field_names(app, store):
    humas = login(app, "humas")
    before = ok_json(humas.get(f"/api/v1/outreach/E07?npsn={SCHOOL_A}"))
    assert before["status"] == "tidak_berminat"
    with Days() as days:  # no date sent: the contact is dated the day the app records it
        body = ok_json(humas.post(f"/api/v1/outreach/E07?npsn={SCHOOL_A}", json={
            "status": "kunjungan_dijadwalkan", "note": "Catatan rahasia 0812", "next_action": "Kunjungi",
            "next_action_date": "2030-01-02", "owner": "uji-humas"}), 201)
    assert body["status"] == "kunjungan_dijadwalkan" and body["owner"] == "uji-humas"
    assert body["next_action_date"] == "2030-01-02"
    latest = body["history"][0]
    assert latest["date"] in days, (latest["date"], days)
    assert (latest["by"], latest["source"], latest["notes"]) == ("uji-humas", "web", "Catatan rahasia 0812")
    # The same CONTACTED record the kunjungan loader writes, in the store.
    contacts = [r for r in store.relationships_of("Employer", ("E07",)) if r["type"] == "CONTACTED"]
    assert any(r["props"]["date"] == latest["date"] and r["props"]["source"] == "web" for r in contacts)
    # A second note the same day adds to the record (that day named, so a run
    # across midnight between the two posts still asks for the same day).
    again = ok_json(humas.post(f"/api/v1/outreach/E07?npsn={SCHOOL_A}",
                               json={"note": "kedua", "date": latest["date"]}))
    assert again["history"][0]["notes"] == "Catatan rahasia 0812; kedua"
    assert again["status"] == "kunjungan_dijadwalkan"
    entries = app.extensions["alumni_graph_audit"].entries()
    updates = [e for e in entries if e["action"] == "outreach_update"]
    assert len(updates) == 2
    assert "rahasia" not in str(entries) and "Kunjungi" not in str(entries)
    assert any("next_action_date" in str(u) for u in updates)


def test_outreach_refuses_bad_values_naming_them_and_writes_nothing(app, store):
    humas = login(app, "humas")
    n = store.count_relationships("CONTACTED")
    r = humas.post(f"/api/v1/outreach/E07?npsn={SCHOOL_A}", json={"status": "menikah"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "status"
    r = humas.post(f"/api/v1/outreach/E07?npsn={SCHOOL_A}", json={"next_action_date": "31/02/2030"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "tanggal_tindakan"
    r = humas.post(f"/api/v1/outreach/E07?npsn={SCHOOL_A}", json={"owner": "orang-lain"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "owner"
    assert humas.post(f"/api/v1/outreach/NOPE?npsn={SCHOOL_A}", json={}).status_code == 404
    assert store.count_relationships("CONTACTED") == n
    # bkk and viewers may not work the pipeline
    for role in ("bkk", "viewer"):
        assert login(app, role).post(f"/api/v1/outreach/E07?npsn={SCHOOL_A}",
                                     json={"status": "dihubungi"}).status_code == 403


def test_a_form_without_its_csrf_token_is_refused(app, store):
    c = login(app, "humas")
    c.environ_base.pop("HTTP_X_CSRF_TOKEN")
    n = store.count_relationships("CONTACTED")
    r = c.post("/dudi/E07/penjajakan", data={"npsn": SCHOOL_A, "status": "dihubungi"})
    assert r.status_code == 400
    assert store.count_relationships("CONTACTED") == n


def test_status_form_from_the_calon_mitra_row_goes_back_there(app):
    humas = login(app, "humas")
    page = humas.get(f"/calon-mitra?npsn={SCHOOL_A}").get_data(as_text=True)
    assert 'action="/dudi/' in page and "/penjajakan" in page
    r = humas.post("/dudi/E04/penjajakan", data={"npsn": SCHOOL_A, "status": "kunjungan_dijadwalkan",
                                                "next_action_date": "2030-02-03",
                                                "next": f"/calon-mitra?npsn={SCHOOL_A}"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/calon-mitra?npsn={SCHOOL_A}")
    r = humas.post("/dudi/E04/penjajakan", data={"npsn": SCHOOL_A, "next": "https://evil.example/"})
    assert r.headers["Location"].startswith("/dudi/")  # never an open redirect
    plan = ok_json(humas.get(f"/rencana-kunjungan.json?npsn={SCHOOL_A}&status=kunjungan_dijadwalkan"))
    assert "E04" in [r["code"] for g in plan["groups"] for r in g["rows"]]


def test_mou_create_alert_and_end_with_confirmation(app, store):
    humas = login(app, "humas")
    today = dt.date.today()
    end = (today + dt.timedelta(days=60)).isoformat()
    start = (today - dt.timedelta(days=300)).isoformat()
    r = humas.post("/kemitraan", data={"npsn": SCHOOL_A, "kode_dudi": "E07", "jenis": ["prakerin", "rekrutmen"],
                                       "nomor_mou": "MOU/UJI/1", "mulai": start, "selesai": end,
                                       "lingkup": "Prakerin TKR"})
    assert r.status_code == 303
    alerts = ok_json(humas.get(f"/api/v1/alerts?npsn={SCHOOL_A}"))["rows"]
    assert {"kind": "mou_expiring", "code": "E07", "name": "PT Sunyi", "date": end, "program": None,
            "detail": "MOU/UJI/1"} in alerts
    home = humas.get(f"/?npsn={SCHOOL_A}").get_data(as_text=True)
    assert 'id="home-alerts"' in home and "PT Sunyi" in home
    # Ending it: first the change is shown, nothing written ...
    form = {"npsn": SCHOOL_A, "kode_dudi": "E07", "kode_program": "", "mulai": start,
            "selesai": today.isoformat()}
    preview = humas.post("/kemitraan/akhiri", data=form)
    assert preview.status_code == 200 and end in preview.get_data(as_text=True)
    mou = [r for r in store.relationships_of("Employer", ("E07",))
           if r["type"] == "PARTNERS_WITH" and r["props"].get("mou_number") == "MOU/UJI/1"]
    assert mou[0]["props"]["end"] == end
    # ... then confirmed.
    assert humas.post("/kemitraan/akhiri", data={**form, "confirm": "1"}).status_code == 303
    mou = [r for r in store.relationships_of("Employer", ("E07",))
           if r["type"] == "PARTNERS_WITH" and r["props"].get("mou_number") == "MOU/UJI/1"]
    assert mou[0]["props"]["end"] == today.isoformat() and mou[0]["props"]["kinds"] == ["prakerin", "rekrutmen"]
    assert any(e["action"] == "mou_end" for e in app.extensions["alumni_graph_audit"].entries())
    # A bad date is refused with the column named, nothing written.
    r = humas.post("/kemitraan", data={"npsn": SCHOOL_A, "kode_dudi": "E07", "jenis": "prakerin",
                                       "mulai": "2025-13-01"})
    assert r.status_code == 303
    page = humas.get(r.headers["Location"]).get_data(as_text=True)
    assert "Tidak disimpan" in page and "mulai" in page


def test_vacancy_candidates_referral_and_hire(app, store):
    bkk = login(app, "bkk")
    r = bkk.post("/api/v1/vacancies", json={"npsn": SCHOOL_A, "employer": "E08", "title": "Teknisi AC",
                                            "programs": ["TKR"], "openings": 2, "deadline": "2030-01-31"})
    vid = ok_json(r, 201)["id"]
    assert r.headers["Location"].endswith(f"/api/v1/vacancies/{vid}")
    assert ok_json(bkk.get(r.headers["Location"]))["vacancy"]["title"] == "Teknisi AC"
    cands = ok_json(bkk.get(f"/api/v1/vacancies/{vid}/candidates"))["rows"]
    assert [c["nisn"] for c in cands] == ["0000000118", "0000000101"]
    assert cands[0]["contact"]["shown"] is True and cands[0]["contact"]["phone"] == "+6281200000118"
    assert cands[0]["explanation_id"]
    r = bkk.post(f"/api/v1/vacancies/{vid}/referrals", json={
        "nisn": "0000000118", "status": "diterima", "date": "2026-01-05"})
    hire = ok_json(r, 201)["referral"]
    assert ok_json(bkk.get(r.headers["Location"]))["referral"]["status"] == "diterima"
    assert hire["status"] == "diterima"
    jobs = [r for r in store.relationships_of("Person", ("0000000118",)) if r["type"] == "WORKS_AT"]
    assert [(j["other"][1][0], j["props"]["start"], j["props"]["channel"], j["props"]["title"])
            for j in jobs] == [("E08", "2026-01-05", "bkk", "Teknisi AC")]
    assert store.get_node("Person", ("0000000118",))["status"] == "bekerja"
    # No longer a candidate; the placement report counts the hire as BKK's.
    assert "0000000118" not in [c["nisn"] for c in ok_json(bkk.get(f"/api/v1/vacancies/{vid}/candidates"))["rows"]]
    rep = ok_json(bkk.get(f"/laporan-penempatan.json?npsn={SCHOOL_A}&year=2024&program=TKR"))
    assert (rep["rows"][0]["placed"], rep["rows"][0]["bkk"]) == (1, 1)
    # ... and the tracer numbers count the graduate as employed.
    from alumni_graph.queries import run_query
    tracer = run_query(store, "tracer_summary", {"npsn": SCHOOL_A, "program": "TKR"}).rows
    [row2024] = [r for r in tracer if r["graduation_year"] == 2024]
    assert (row2024["alumni"], row2024["bekerja"], row2024["mencari_kerja"]) == (1, 1, 0)


def test_a_refused_hire_writes_no_referral(app, store):
    bkk = login(app, "bkk")
    # Ani is a student: the job would be fine but ... a start before the referral's own
    # date rules still apply: a bad start date is refused before anything is written.
    r = bkk.post("/api/v1/vacancies/L-TEST1/referrals", json={"nisn": "0000000101", "status": "diterima",
                                                              "start": "2026-02-30"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "mulai"
    assert not [x for x in store.relationships_of("Person", ("0000000101",)) if x["type"] == "REFERRED_TO"]


def test_vacancy_api_errors_name_the_field(app):
    bkk = login(app, "bkk")
    r = bkk.post("/api/v1/vacancies", json={"npsn": SCHOOL_A, "employer": "E08", "title": "X", "programs": ["XYZ"]})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "program"
    r = bkk.post("/api/v1/vacancies", json={"npsn": SCHOOL_A, "employer": "NOPE", "title": "X"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "employer"
    r = bkk.post("/api/v1/vacancies", json={"npsn": SCHOOL_A, "employer": "E08"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "posisi"
    assert bkk.get("/api/v1/vacancies/L-NOPE/candidates").status_code == 404
    for role in ("humas", "viewer"):
        c = login(app, role)
        assert c.post("/api/v1/vacancies", json={"npsn": SCHOOL_A, "employer": "E08", "title": "X"}).status_code == 403
        assert c.post("/api/v1/vacancies/L-TEST1/referrals", json={"nisn": "0000000101"}).status_code == 403


def test_placement_exports_are_aggregates_in_the_report_layout(app):
    from openpyxl import load_workbook

    viewer = login(app, "viewer")
    csv_text = viewer.get(f"/laporan-penempatan.csv?npsn={SCHOOL_A}").data.decode("utf-8-sig")
    head = csv_text.splitlines()[0]
    assert head.startswith("Tahun lulus,Program keahlian,Jumlah lulusan,Bekerja,Melalui BKK")
    assert "0000000" not in csv_text and "Tono" not in csv_text
    wb = load_workbook(io.BytesIO(viewer.get(f"/laporan-penempatan.xlsx?npsn={SCHOOL_A}").data))
    assert wb.sheetnames == ["Rekap", "DU-DI"]
    rows = list(wb["DU-DI"].iter_rows(values_only=True))
    assert ("2020", "TKR", "E01", "PT Maju Motor", "bkk", 1) in [tuple(str(c) if i == 0 else c for i, c in enumerate(r)) for r in rows]


def test_openapi_documents_the_contract(app):
    doc = ok_json(login(app, "viewer").get("/api/v1/openapi.json")) if False else \
        login(app, "viewer").get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    assert set(paths["/api/v1/outreach/{employer_code}"]) == {"get", "post"}
    assert paths["/api/v1/outreach/{employer_code}"]["post"]["x-roles"] == ["humas", "admin"]
    assert "post" in paths["/api/v1/vacancies"]
    assert "get" in paths["/api/v1/vacancies/{id}/candidates"]
    assert "post" in paths["/api/v1/vacancies/{id}/referrals"]
    assert "get" in paths["/api/v1/alerts"]
    for name in ("outreach_pipeline", "work_alerts", "vacancy_candidates", "placement_report"):
        assert f"/api/v1/query/{name}" in paths


def test_edit_a_person_shows_the_change_then_saves_and_audits_field_names(app, store):
    bkk = login(app, "bkk")
    page = bkk.get("/siswa/0000000118/ubah")
    assert page.status_code == 200
    import re
    version = re.search(r'name="version" value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)
    form = {"version": version, "phone": "0813 5555 0118", "email": "", "status": "mencari_kerja",
            "consent_contact": "ya", "consent_source": "formulir BKK", "consent_date": "2026-01-02"}
    preview = bkk.post("/siswa/0000000118/ubah", data=form)
    assert preview.status_code == 200 and 'id="edit-preview"' in preview.get_data(as_text=True)
    assert store.get_node("Person", ("0000000118",))["phone"] == "+6281200000118"  # nothing yet
    saved = bkk.post("/siswa/0000000118/ubah", data={**form, "confirm": "1"})
    assert saved.status_code == 303
    p = store.get_node("Person", ("0000000118",))
    # The loader's phone rule normalised it; consent source and date written.
    assert (p["phone"], p["consent_source"], p["consent_date"]) == ("+6281355550118", "formulir BKK", "2026-01-02")
    assert "email" not in p  # emptied: cleared through the loader's clear marker
    entry = next(e for e in app.extensions["alumni_graph_audit"].entries() if e["action"] == "edit_record")
    assert "consent_date" in entry["detail"] and "0813" not in str(entry)


def test_the_second_saver_gets_a_conflict_and_loses_nothing(app, store):
    import re
    a, b = login(app, "bkk", "bkk-satu"), login(app, "admin")
    page = a.get("/dudi/E01/ubah").get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    first = {"version": version, "name": "PT Maju Motor", "sector": "G", "city": "Kota Contoh Baru",
             "address": "Jl. Industri 1", "contact": "Bagian HRD", "confirm": "1"}
    assert b.post("/dudi/E01/ubah", data=first).status_code == 303
    second = {**first, "city": "Kota Contoh", "address": "Jl. Lain 2"}
    r = a.post("/dudi/E01/ubah", data=second)
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "Jl. Lain 2" in html and "Jl. Industri 1" in html  # both: nothing lost
    assert store.get_node("Employer", ("E01",))["address"] == "Jl. Industri 1"
    # JSON callers get the same 409 with the current version to retry with.
    j = a.post("/dudi/E01/ubah", json={**second, "version": version})
    assert j.status_code == 409 and j.get_json()["version"] != version
    retry = a.post("/dudi/E01/ubah", json={**second, "version": j.get_json()["version"]})
    assert retry.status_code == 200 and store.get_node("Employer", ("E01",))["address"] == "Jl. Lain 2"


def test_edit_refuses_what_the_loader_refuses(app, store):
    import re
    bkk = login(app, "bkk")
    version = re.search(r'name="version" value="([0-9a-f]+)"',
                        bkk.get("/siswa/0000000118/ubah").get_data(as_text=True)).group(1)
    r = bkk.post("/siswa/0000000118/ubah", data={"version": version, "phone": "12", "confirm": "1"})
    assert r.status_code == 400 and "no_hp" in r.get_data(as_text=True)
    assert store.get_node("Person", ("0000000118",))["phone"] == "+6281200000118"
    assert login(app, "humas").get("/siswa/0000000118/ubah").status_code == 403
    assert login(app, "viewer").get("/dudi/E01/ubah").status_code == 403


def test_edit_a_job_through_the_pekerjaan_rules(app, store):
    import re
    bkk = login(app, "bkk")
    url = "/siswa/0000000103/pekerjaan/E01/2020-08-01/ubah"
    version = re.search(r'name="version" value="([0-9a-f]+)"', bkk.get(url).get_data(as_text=True)).group(1)
    # An end before the start is the loader's rule, named.
    bad = bkk.post(url, data={"version": version, "title": "Mekanik", "end": "2019-01-01", "aligned": "ya",
                              "confirm": "1"})
    assert bad.status_code == 400 and "selesai" in bad.get_data(as_text=True)
    ok = bkk.post(url, data={"version": version, "title": "Kepala mekanik", "end": "2025-12-31",
                             "aligned": "ya", "confirm": "1"})
    assert ok.status_code == 303
    [job] = [r["props"] for r in store.relationships_of("Person", ("0000000103",))
             if r["type"] == "WORKS_AT" and r["props"]["start"] == "2020-08-01"]
    assert (job["title"], job["end"], job["aligned"]) == ("Kepala mekanik", "2025-12-31", True)
    entry = next(e for e in app.extensions["alumni_graph_audit"].entries() if e["action"] == "edit_record")
    assert "0000000103" not in str(entry) and "Kepala" not in str(entry)
    assert bkk.get("/siswa/0000000103/pekerjaan/E01/1999-01-01/ubah").status_code == 404
    assert login(app, "humas").get(url).status_code == 403


def test_the_person_edit_page_links_each_job_and_internship(app):
    html = login(app, "bkk").get("/siswa/0000000105/ubah").get_data(as_text=True)
    assert "/siswa/0000000105/pekerjaan/E10/2024-06-01/ubah" in html
    assert "/siswa/0000000105/prakerin/E08/2025-02-01/ubah" in html
