"""Issue 14, edit one record: a job's or an internship's start date moved on
its page (and what a re-load of a file then does), vacancies and referrals
edited and deleted (shown first, version-checked, audited), and the 201
answers of the creating JSON POSTs. Both stores (the ``store`` fixture).
"""
from __future__ import annotations

import re

import pytest

from alumni_graph.loaders import load_rows
from queries_support import SCHOOL_A
from test_work_web import app  # noqa: F401  (the fixture: edge + work data, one user per role)
from web_support import login, ok_json

JOB = "/siswa/0000000103/pekerjaan/E01/2020-08-01/ubah"


def _version(client, url: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]+)"', client.get(url).get_data(as_text=True)).group(1)


def _jobs(store, nisn: str, type_: str = "WORKS_AT") -> list[dict]:
    return sorted((r["props"] for r in store.relationships_of("Person", (nisn,))
                   if r["type"] == type_ and r["direction"] == "out"), key=lambda p: p["start"])


def _audit(app, action: str) -> list[dict]:
    import json

    out = [dict(e) for e in app.extensions["alumni_graph_audit"].entries() if e["action"] == action]
    for e in out:
        if isinstance(e.get("detail"), str):
            e["detail"] = json.loads(e["detail"])
    return out


def test_a_corrected_start_moves_the_job_keeping_it_one_record(app, store):
    bkk = login(app, "bkk")
    version = _version(bkk, JOB)
    form = {"version": version, "start": "2020-08-15", "title": "Mekanik", "end": "", "aligned": "ya"}
    preview = bkk.post(JOB, data=form)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="edit-preview"' in html
    assert "2020-08-01" in html and "2020-08-15" in html
    assert [j["start"] for j in _jobs(store, "0000000103")] == ["2020-08-01"]  # nothing written yet
    saved = bkk.post(JOB, data={**form, "confirm": "1"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/siswa/0000000103")
    [job] = _jobs(store, "0000000103")
    # The same record: the channel the form does not show is kept, the old start remembered.
    assert (job["start"], job["title"], job["aligned"], job["channel"], job["corrected_from"]) == (
        "2020-08-15", "Mekanik", True, "tracer", ["2020-08-01"])
    assert bkk.get(JOB).status_code == 404
    [entry] = _audit(app, "edit_record")
    assert entry["detail"]["fields"] == ["start"]
    assert "0000000103" not in str(entry) and "2020-08-15" not in str(entry)


def test_a_start_move_is_checked_by_the_loaders_rules_and_the_version(app, store):
    bkk = login(app, "bkk")
    version = _version(bkk, JOB)
    # The end before the new start: the pekerjaan rule, named; nothing written.
    r = bkk.post(JOB, data={"version": version, "start": "2020-08-15", "title": "Mekanik", "end": "2020-08-10",
                            "aligned": "ya", "confirm": "1"})
    assert r.status_code == 400 and "selesai" in r.get_data(as_text=True)
    r = bkk.post(JOB, json={"version": version, "start": "31/02/2020", "title": "Mekanik", "aligned": "ya",
                            "confirm": "1"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "mulai", r.get_data(as_text=True)[:400]
    assert [j["start"] for j in _jobs(store, "0000000103")] == ["2020-08-01"]
    # Someone else saved meanwhile: 409, both values shown, nothing lost.
    ok_json(bkk.post(JOB, json={"version": version, "title": "Mekanik senior", "aligned": "ya", "confirm": "1"}))
    stale = bkk.post(JOB, json={"version": version, "start": "2020-08-15", "title": "Mekanik", "aligned": "ya",
                                "confirm": "1"})
    assert stale.status_code == 409 and stale.get_json()["current"]["title"] == "Mekanik senior"
    assert [j["start"] for j in _jobs(store, "0000000103")] == ["2020-08-01"]
    # JSON: the move answers the new version and the page it now lives under.
    moved = ok_json(bkk.post(JOB, json={"version": stale.get_json()["version"], "start": "2020-08-15",
                                        "title": "Mekanik senior", "aligned": "ya", "confirm": "1"}))
    assert moved["changed"] == ["start"] and moved["url"] == "/siswa/0000000103"


def test_a_start_already_taken_at_that_employer_is_refused(app, store):
    bkk = login(app, "bkk")
    url = "/siswa/0000000102/pekerjaan/E08/2019-02-01/ubah"
    # 0000000102 has two jobs at two firms; give them a second one at E08 first.
    load_rows(store, "pekerjaan", [{"nisn": "0000000102", "kode_dudi": "E08", "mulai": "2024-01-01"}], source="t")
    r = bkk.post(url, json={"version": _version(bkk, url), "start": "2024-01-01", "confirm": "1",
                            "title": "Teknisi", "aligned": "ya"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "mulai"
    assert [j["start"] for j in _jobs(store, "0000000102") if j.get("title") != "Mekanik"] == [
        "2019-02-01", "2024-01-01"]


def test_reloading_the_old_file_after_a_correction_adds_no_second_record(app, store):
    bkk = login(app, "bkk")
    ok_json(bkk.post(JOB, json={"version": _version(bkk, JOB), "start": "2020-08-15", "title": "Mekanik",
                                "aligned": "ya", "confirm": "1"}))
    old_row = {"nisn": "0000000103", "kode_dudi": "E01", "jabatan": "Mekanik", "mulai": "2020-08-01",
               "selaras": "ya", "sumber": "tracer"}
    report = load_rows(store, "pekerjaan", [old_row], source="pekerjaan.csv")
    assert report.ok
    assert [j["start"] for j in _jobs(store, "0000000103")] == ["2020-08-15"]
    notes = [p.message_en for p in report.problems if p.level == "warning"]
    assert any("2020-08-01 was corrected to 2020-08-15" in n for n in notes), notes


def test_a_file_with_another_start_is_shown_as_a_new_record_before_it_is_loaded(store):
    from test_work_queries import load_work

    load_work(store)
    row = {"nisn": "0000000103", "kode_dudi": "E01", "jabatan": "Mekanik", "mulai": "2020-08-15"}
    preview = load_rows(store, "pekerjaan", [row], source="pekerjaan.csv", dry_run=True)
    assert preview.ok and preview.files[0].expected["created"] == 1
    [note] = [p for p in preview.problems if p.level == "warning"]
    assert (note.row, note.column, note.value) == (1, "mulai", "2020-08-15") or note.column == "mulai"
    assert "already has a job at this employer from 2020-08-01" in note.message_en
    assert [j["start"] for j in _jobs(store, "0000000103")] == ["2020-08-01"]


def test_an_internship_start_moves_with_its_score_and_visits(app, store):
    bkk = login(app, "bkk")
    url = "/siswa/0000000101/prakerin/E04/2025-01-10/ubah"
    body = ok_json(bkk.post(url, json={"version": _version(bkk, url), "start": "2025-01-13", "end": "2025-03-31",
                                       "score": "85", "supervisor": 'Bu Guru "Wati"', "confirm": "1"}))
    assert body["changed"] == ["start"]
    [intern] = _jobs(store, "0000000101", "INTERNED_AT")
    assert (intern["start"], intern["score"], intern["monitoring_visits"], intern["corrected_from"]) == (
        "2025-01-13", 85, 2, ["2025-01-10"])


# -- vacancies and referrals --------------------------------------------------------------

def test_edit_a_vacancy_shown_first_checked_by_the_lowongan_rules(app, store):
    bkk = login(app, "bkk")
    url = "/lowongan/L-TEST1/ubah"
    version = _version(bkk, url)
    form = {"version": version, "title": "Teknisi senior", "programs": "TKR", "openings": "3",
            "deadline": "2025-09-30", "origin": "permintaan_mitra", "notes": ""}
    preview = bkk.post(url, data=form).get_data(as_text=True)
    assert 'id="edit-preview"' in preview and "Teknisi senior" in preview
    assert store.get_node("Vacancy", ("L-TEST1",))["title"] == "Teknisi"
    bad = bkk.post(url, json={**form, "programs": "XYZ", "confirm": "1"})
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["param"] == "program"
    ok_json(bkk.post(url, json={**form, "confirm": "1"}))
    v = store.get_node("Vacancy", ("L-TEST1",))
    assert (v["title"], v["openings"], v["deadline"], v["programs"]) == ("Teknisi senior", 3, "2025-09-30", ["TKR"])
    stale = bkk.post(url, json={**form, "title": "Lain", "confirm": "1"})
    assert stale.status_code == 409
    [entry] = _audit(app, "edit_record")
    assert entry["detail"]["fields"] == ["deadline", "openings", "title"] and "senior" not in str(entry)
    for role in ("humas", "viewer"):
        assert login(app, role).get(url).status_code == 403


def test_delete_a_vacancy_says_what_happens_to_its_referrals(app, store):
    bkk = login(app, "bkk")
    # L-TEST2 has an accepted referral (0000000115, hired at E01).
    jobs_before = _jobs(store, "0000000115")
    page = bkk.post("/lowongan/L-TEST2/hapus", data={})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="delete-referrals"' in html and 'id="delete-hired"' in html
    assert store.get_node("Vacancy", ("L-TEST2",)) is not None  # shown, not deleted
    preview = ok_json(bkk.post("/lowongan/L-TEST2/hapus", json={}))
    assert (preview["hired"], len(preview["referrals"])) == (1, 1)
    stale = bkk.post("/lowongan/L-TEST2/hapus", json={"confirm": "1", "version": "0" * 16})
    assert stale.status_code == 409 and store.get_node("Vacancy", ("L-TEST2",)) is not None
    done = bkk.post("/lowongan/L-TEST2/hapus", data={"confirm": "1", "version": preview["version"]})
    assert done.status_code == 303
    assert store.get_node("Vacancy", ("L-TEST2",)) is None
    assert not [r for r in store.relationships_of("Person", ("0000000115",)) if r["type"] == "REFERRED_TO"]
    assert _jobs(store, "0000000115") == jobs_before  # the hire stays
    [entry] = _audit(app, "vacancy_delete")
    assert entry["detail"] == {"referrals": 1, "hired": 1}
    assert bkk.get("/lowongan/L-TEST2").status_code == 404
    assert login(app, "humas").post("/lowongan/L-TEST1/hapus", json={"confirm": "1"}).status_code == 403


def test_edit_and_delete_a_referral(app, store):
    bkk = login(app, "bkk")
    url = "/lowongan/L-TEST1/rujukan/0000000118/ubah"
    version = _version(bkk, url)
    # A hire is recorded by the outcome form (it writes the job), not by a correction.
    r = bkk.post(url, json={"version": version, "status": "diterima", "date": "2025-06-25",
                            "referred_on": "2025-06-10", "confirm": "1"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "status"
    body = ok_json(bkk.post(url, json={"version": version, "status": "tes", "date": "2025-06-20",
                                       "referred_on": "2025-06-10", "notes": "Tes tertulis", "confirm": "1"}))
    assert body["changed"] == ["date", "notes", "status"]
    [ref] = [x["props"] for x in store.relationships_of("Vacancy", ("L-TEST1",)) if x["type"] == "REFERRED_TO"]
    assert (ref["status"], ref["date"], ref["notes"]) == ("tes", "2025-06-20", "Tes tertulis")
    bad = bkk.post(url, json={"version": body["version"], "status": "tes", "date": "2025-13-01",
                              "referred_on": "2025-06-10", "confirm": "1"})
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["param"] == "tanggal"
    page = bkk.get("/lowongan/L-TEST1").get_data(as_text=True)
    assert "/lowongan/L-TEST1/rujukan/0000000118/ubah" in page and "/lowongan/L-TEST1/rujukan/0000000118/hapus" in page
    preview = ok_json(bkk.post("/lowongan/L-TEST1/rujukan/0000000118/hapus", json={}))
    assert preview["hired"] == 0 and [x["nisn"] for x in preview["referrals"]] == ["0000000118"]
    ok_json(bkk.post("/lowongan/L-TEST1/rujukan/0000000118/hapus",
                     json={"confirm": "1", "version": preview["version"]}))
    assert not [x for x in store.relationships_of("Vacancy", ("L-TEST1",)) if x["type"] == "REFERRED_TO"]
    assert store.get_node("Vacancy", ("L-TEST1",)) is not None
    entries = _audit(app, "referral_delete")
    assert len(entries) == 1 and "0000000118" not in str(entries)


@pytest.mark.parametrize("role", ["bkk", "admin"])
def test_creating_posts_answer_201_with_a_location(app, role):
    c = login(app, role)
    r = c.post("/lowongan", json={"npsn": SCHOOL_A, "employer": "E08", "title": "Teknisi", "programs": ["TKR"]})
    vid = ok_json(r, 201)["id"]
    assert r.headers["Location"] == f"/api/v1/vacancies/{vid}"
    r = c.post(f"/api/v1/vacancies/{vid}/referrals", json={"nisn": "0000000118"})
    assert ok_json(r, 201)["referral"]["status"] == "dirujuk"
    assert r.headers["Location"] == f"/api/v1/vacancies/{vid}/referrals/0000000118"
    # The outcome of an existing referral is an update: 200, no Location.
    r = c.post(f"/api/v1/vacancies/{vid}/referrals", json={"nisn": "0000000118", "status": "tes"})
    assert ok_json(r)["referral"]["status"] == "tes" and "Location" not in r.headers
    assert c.get("/api/v1/vacancies/L-NOPE").status_code == 404
    assert c.get(f"/api/v1/vacancies/{vid}/referrals/0000000101").status_code == 404


def test_humas_creating_posts_answer_201(app):
    humas = login(app, "humas")
    r = humas.post("/kemitraan", json={"npsn": SCHOOL_A, "kode_dudi": "E07", "jenis": "prakerin",
                                       "mulai": "2025-01-01", "selesai": "2026-12-31"})
    assert ok_json(r, 201)["rows"]
    r = humas.post(f"/api/v1/outreach/E05?npsn={SCHOOL_A}", json={"status": "dihubungi", "kind": "rapat",
                                                                   "date": "2025-07-01"})
    assert ok_json(r, 201)["status"] == "dihubungi"
    again = humas.post(f"/api/v1/outreach/E05?npsn={SCHOOL_A}", json={"note": "lagi", "kind": "rapat",
                                                                       "date": "2025-07-01"})
    assert ok_json(again)["history"][0]["notes"] == "lagi"


def test_the_openapi_document_lists_201_and_the_location(app):
    doc = login(app, "viewer").get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/api/v1/vacancies"]["post"]["responses"]
    assert "201" in post and "200" not in post and "Location" in post["201"]["headers"]
    ref = doc["paths"]["/api/v1/vacancies/{id}/referrals"]["post"]["responses"]
    assert {"200", "201"} <= set(ref) and "Location" in ref["201"]["headers"]
    out = doc["paths"]["/api/v1/outreach/{employer_code}"]["post"]["responses"]
    assert {"200", "201"} <= set(out)
    assert "get" in doc["paths"]["/api/v1/vacancies/{id}"]


# -- employer aliases on the firm's page ---------------------------------------------------

def test_add_and_remove_an_alias_on_the_firms_page(app, store):
    from alumni_graph.loaders.employers import resolve_employer

    humas = login(app, "humas")
    page = humas.get("/dudi/E01").get_data(as_text=True)
    assert 'id="alias-form"' in page
    preview = humas.post("/dudi/E01/alias", data={"action": "add", "alias": "  Maju   Motor Grup "})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="alias-diff"' in html and "Maju Motor Grup" in html
    assert not store.get_node("Employer", ("E01",)).get("aliases")  # shown, not saved
    body = ok_json(humas.post("/dudi/E01/alias", json={"action": "add", "alias": "Maju Motor Grup"}))
    saved = humas.post("/dudi/E01/alias", data={"action": "add", "alias": "Maju Motor Grup", "confirm": "1",
                                                "version": body["version"]})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/dudi/E01#aliases")
    assert store.get_node("Employer", ("E01",))["aliases"] == ["Maju Motor Grup"]
    assert [e["code"] for e in resolve_employer(store, "Maju Motor Grup")] == ["E01"]
    page = humas.get("/dudi/E01").get_data(as_text=True)
    assert 'id="alias-list"' in page and "Tersimpan." in page
    # The old version is stale now: 409, nothing changed.
    stale = humas.post("/dudi/E01/alias", json={"action": "remove", "alias": "Maju Motor Grup", "confirm": "1",
                                                "version": body["version"]})
    assert stale.status_code == 409 and store.get_node("Employer", ("E01",))["aliases"] == ["Maju Motor Grup"]
    removed = ok_json(humas.post("/dudi/E01/alias", json={"action": "remove", "alias": "Maju Motor Grup",
                                                           "confirm": "1", "version": stale.get_json()["version"]}))
    assert removed["aliases"] == [] and not store.get_node("Employer", ("E01",)).get("aliases")
    assert resolve_employer(store, "Maju Motor Grup") == []
    actions = [e["action"] for e in app.extensions["alumni_graph_audit"].entries()]
    assert actions.count("employer_alias") == 1 and actions.count("employer_alias_remove") == 1
    assert "Maju Motor Grup" not in str(app.extensions["alumni_graph_audit"].entries())
    for role in ("bkk", "viewer"):
        assert login(app, role).post("/dudi/E01/alias", json={"alias": "X"}).status_code == 403


def test_an_alias_that_names_another_firm_is_refused_naming_it(app, store):
    from alumni_graph.graph_service.errors import ParameterError
    from alumni_graph.loaders.employers import add_alias

    humas = login(app, "humas")
    r = humas.post("/dudi/E01/alias", json={"action": "add", "alias": "P.T. Sunyi", "confirm": "1"})
    assert r.status_code == 400
    err = r.get_json()["errors"][0]
    assert err["param"] == "alias" and err["employers"] == ["E07"] and "PT Sunyi (E07)" in r.get_json()["error"]
    # The form: back to the firm's page with the refusal shown; nothing stored.
    back = humas.post("/dudi/E01/alias", data={"action": "add", "alias": "Sunyi"})
    assert back.status_code == 303
    assert "PT Sunyi (E07)" in humas.get(back.headers["Location"]).get_data(as_text=True)
    assert not store.get_node("Employer", ("E01",)).get("aliases")
    # The same rule for the CLI's and the review list's add_alias.
    with pytest.raises(ParameterError, match="E07"):
        add_alias(store, "E01", "Sunyi", source="t")
    # Another legal form is another firm (the loader's rule): allowed.
    ok_json(humas.post("/dudi/E01/alias", json={"action": "add", "alias": "CV Sunyi"}))
    assert humas.post("/dudi/E01/alias", json={"action": "remove", "alias": "Tidak Ada"}).status_code == 400


def test_a_dudi_files_other_names_load_by_the_same_alias_rules(store):
    from test_work_queries import load_work

    from alumni_graph.loaders.employers import resolve_employer

    load_work(store)
    row = {"kode": "E01", "nama": "PT Maju Motor", "nama_lain": "Maju Motor Grup; MM | Kota Contoh"}
    report = load_rows(store, "dudi", [row], source="dudi.csv")
    assert report.ok, report.render()
    assert store.get_node("Employer", ("E01",))["aliases"] == ["Maju Motor Grup", "MM | Kota Contoh"]
    assert [e["code"] for e in resolve_employer(store, "Maju Motor Grup")] == ["E01"]
    # A name that already names another firm: the row is refused, the firm named.
    bad = load_rows(store, "dudi", [{**row, "nama_lain": "Sunyi"}], source="dudi.csv")
    [err] = [p for p in bad.problems if p.level == "error"]
    assert (err.column, err.value) == ("nama_lain", "Sunyi") and "PT Sunyi (E07)" in err.message
    assert store.get_node("Employer", ("E01",))["aliases"] == ["Maju Motor Grup", "MM | Kota Contoh"]


def test_aliases_entered_on_the_firms_page_come_back_out_in_the_export(app, store, tmp_path):
    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.graph_service.export_files import export_files
    from alumni_graph.loaders import load_paths

    humas = login(app, "humas")
    version = ok_json(humas.post("/dudi/E01/alias", json={"action": "add", "alias": "Maju Motor Grup"}))["version"]
    ok_json(humas.post("/dudi/E01/alias", json={"action": "add", "alias": "Maju Motor Grup", "confirm": "1",
                                                "version": version}))
    report = export_files(store, tmp_path / "ekspor")
    assert "aliases" not in str(report.skipped)
    copy = EmbeddedStore(tmp_path / "salinan")
    assert load_paths(copy, [tmp_path / "ekspor"]).ok
    assert copy.get_node("Employer", ("E01",))["aliases"] == ["Maju Motor Grup"]


# -- the call sheet follows the one contact rule -----------------------------------------------

@pytest.mark.parametrize("role", ["humas", "admin"])
def test_the_call_sheet_links_exactly_what_the_contact_rule_gives(app, store, role):
    from alumni_graph.web.names import contact

    c = login(app, role)
    sheet = ok_json(c.get(f"/rencana-kunjungan/lembar.json?npsn={SCHOOL_A}&tanggal=2025-07-03"))
    champions = [ch for r in sheet["rows"] for ch in r["champions"]]
    assert champions  # E01's visit that day has consenting alumni who can introduce
    html = c.get(f"/rencana-kunjungan/lembar?npsn={SCHOOL_A}&tanggal=2025-07-03").get_data(as_text=True)
    links = set(re.findall(r'href="(tel:[^"]+|https://wa\.me/[^"]+)"', html))
    wanted = set()
    for ch in champions:
        person = store.get_node("Person", (ch["nisn"],)) if ch.get("nisn") else None
        rule = contact(person or {}, role)
        assert ch["contact"] == rule  # the page shows the rule's own answer, nothing decided here
        wanted |= {rule[k] for k in ("tel", "wa") if rule.get(k)}
    assert links == wanted and wanted  # some champion is an adult alumnus who agreed: callable


def test_a_job_recorded_by_a_mistaken_hire_can_be_deleted_after_a_confirmation(app, store):
    bkk = login(app, "bkk")
    ok_json(bkk.post("/api/v1/vacancies/L-TEST1/referrals", json={
        "nisn": "0000000118", "status": "diterima", "date": "2026-01-05"}))
    [job] = _jobs(store, "0000000118")
    url = f"/siswa/0000000118/pekerjaan/E08/{job['start']}/hapus"
    assert f'action="{url}"' in bkk.get(url.replace("/hapus", "/ubah")).get_data(as_text=True)
    page = bkk.post(url, data={})
    assert page.status_code == 200 and 'id="delete-hired"' in page.get_data(as_text=True)
    preview = ok_json(bkk.post(url, json={}))
    assert _jobs(store, "0000000118") == [job]  # shown, not deleted
    assert bkk.post(url, json={"confirm": "1", "version": "0" * 16}).status_code == 409
    ok_json(bkk.post(url, json={"confirm": "1", "version": preview["version"]}))
    assert _jobs(store, "0000000118") == []
    [entry] = _audit(app, "record_delete")
    assert "0000000118" not in str(entry)
    rep = ok_json(bkk.get(f"/laporan-penempatan.json?npsn={SCHOOL_A}&year=2024&program=TKR"))
    assert rep["rows"][0]["placed"] == 0
    assert login(app, "humas").post(url, json={"confirm": "1"}).status_code == 403
