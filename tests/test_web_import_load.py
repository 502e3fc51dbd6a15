"""The Impor data page tells the truth (issue 11), on both stores: a refused
file says "Tidak ada yang dimuat", the preview shows each change (old -> new)
before the confirm, a kind can be picked per file, and the employers review
list is reachable and decides."""
from __future__ import annotations

import io

import web_fixture as fx
from web_support import app, client, login, ok_json, web_store  # noqa: F401 (fixtures)

BAD = ("nisn,nama,npsn,kode_program,tahun_masuk\n"
       "0051000099,Baru,99999999,TKR,2022\n")
RENAME = f"nisn,nama,npsn,kode_program\n0051000006,Eko Saputra Baru,{fx.NPSN},TKJ\n"


def _upload(client, text: str, name: str, url: str = "/impor", **form):
    data = {"files": [(io.BytesIO(text.encode()), name)], **form}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_a_refused_file_is_never_reported_as_loaded(client, web_store):
    staged = ok_json(_upload(client, BAD, "siswa.csv", "/impor.json"))
    assert staged["outcome"]["text"] == "Tidak ada yang akan dimuat: 1 baris tidak valid."
    loaded = ok_json(client.post(f"/impor/{staged['token']}/muat.json"))
    assert loaded["outcome"] == {"level": "error", "written": False,
                                 "text": "Tidak ada yang dimuat: 1 baris tidak valid."}
    staged = _upload(client, BAD, "siswa.csv")
    token = ok_json(_upload(client, BAD, "siswa.csv", "/impor.json"))["token"]
    html = client.post(f"/impor/{token}/muat").get_data(as_text=True)
    assert "Tidak ada yang dimuat: 1 baris tidak valid." in html
    assert "sudah dimuat" not in html
    assert web_store.get_node("Person", ("0051000099",)) is None


def test_the_preview_lists_each_change_before_the_confirm(client, web_store):
    r = _upload(client, RENAME, "siswa.csv")
    html = r.get_data(as_text=True)
    assert 'id="report-changes"' in html and "Eko Saputra Baru" in html and "Eko Saputra" in html
    body = ok_json(_upload(client, RENAME, "siswa.csv", "/impor.json"))
    fields = body["report"]["files"][0]["changes"][0]["fields"]
    assert {"column": "nama", "field": "name", "old": "Eko Saputra", "new": "Eko Saputra Baru"} in fields
    assert body["report"]["kinds"]["siswa"]["updated"] == 1
    assert web_store.get_node("Person", ("0051000006",))["name"] == "Eko Saputra"  # not yet
    done = ok_json(client.post(f"/impor/{body['token']}/muat.json"))
    assert done["outcome"]["text"].startswith("Dimuat: 0 baru, 1 diperbarui")
    assert web_store.get_node("Person", ("0051000006",))["name"] == "Eko Saputra Baru"


def test_a_kind_picked_per_file_overrides_the_name(client, web_store):
    staged = ok_json(_upload(client, RENAME, "Data kelas XII.csv", "/impor.json", kind_0="siswa"))
    assert staged["report"]["files"][0]["kind"] == "siswa"
    assert staged["picked"] == ["siswa"]
    again = ok_json(client.post(f"/impor/{staged['token']}/periksa.json", data={"kind_0": "prakerin"}))
    assert again["report"]["files"][0]["kind"] == "prakerin" and not again["report"]["ok"]
    back = ok_json(client.post(f"/impor/{staged['token']}/periksa.json", data={"kind_0": "siswa"}))
    assert back["report"]["ok"]
    done = ok_json(client.post(f"/impor/{staged['token']}/muat.json"))
    assert done["report"]["files"][0]["kind"] == "siswa" and done["outcome"]["written"]


def test_the_review_list_decides_in_the_browser(app, web_store):
    c = login(app, "admin")
    pek = f"nisn,nama_dudi,kota_dudi,mulai\n0051000001,UD {{name}},{{city}},2024-01-01\n"
    emp = next(iter(web_store.iter_nodes("Employer")))
    text = pek.format(name=emp["name"].replace(",", " "), city=emp.get("city") or "")
    staged = ok_json(_upload(c, text, "pekerjaan.csv", "/impor.json"))
    ok_json(c.post(f"/impor/{staged['token']}/muat.json"))
    page = ok_json(c.get("/dudi/dicek.json"))
    assert len(page["items"]) == 1 and page["items"][0]["candidate"]["code"] == emp["code"]
    assert "DU/DI perlu dicek (1)" in c.get("/impor").get_data(as_text=True)
    code = page["items"][0]["code"]
    decided = ok_json(c.post(f"/dudi/dicek/{code}.json", data={"decision": "different"}))
    assert decided["result"]["decision"] == "different" and decided["items"] == []
    assert web_store.get_node("Employer", (code,)) is not None
    assert login(app, "viewer").get("/dudi/dicek").status_code == 403
    assert login(app, "bkk").post(f"/dudi/dicek/{code}", data={"decision": "same"}).status_code == 403


def test_a_dapodik_rombel_mapping_is_confirmed_and_corrected_on_the_page(app, web_store, tmp_path):
    """Issue 11: the rombel -> programme mapping of a Dapodik export is shown on
    the preview; a rombel no programme fits is picked by hand, stored, used by
    the load and by the next export."""
    from test_loaders_school_files import dapodik_export

    from alumni_graph.loaders.dapodik import load_rombel_map

    c = login(app, "admin")
    xlsx = dapodik_export([("0071234501", "ADI PRATAMA", "XII TKJ 1", "081234500001"),
                           ("0071234502", "BUNGA LESTARI", "XII OTO 1", "081234500002")])

    def upload(url="/impor.json"):
        return c.post(url, data={"files": [(io.BytesIO(xlsx), "daftar_pd-SMK NEGERI 1 CONTOH.xlsx")]},
                      content_type="multipart/form-data")

    html = upload("/impor").get_data(as_text=True)
    assert 'class="data rombel-mapping"' in html and 'name="rombel::XII OTO 1"' in html
    assert "tidak cocok: pilih programnya" in html  # OTO fits no programme: the officer is told to pick
    # the reader's notes (title rows skipped, columns dropped) are told apart from the errors
    assert 'class="problem level-warning"' in html and 'class="problem"' in html
    assert 'id="report-notes-help"' in html
    staged = ok_json(upload())
    # the heading counts errors and notes apart (a note never reads as a problem)
    report = staged["report"]
    levels = [p["level"] for p in report["problems"]]
    assert report["errors_total"] == levels.count("error") >= 1
    assert report["notes_total"] == levels.count("warning") >= 1
    title = html.split('id="report-problems-title">', 1)[1].split("</h3>", 1)[0]
    assert f"{report['errors_total']} masalah ditemukan · {report['notes_total']} catatan" in title
    mapping = {e["rombel"]: e["code"] for e in staged["report"]["files"][0]["rombel_mapping"]}
    assert mapping == {"XII TKJ 1": "TKJ", "XII OTO 1": None}
    assert not staged["report"]["ok"]  # the unmapped rombel's row is refused, nothing written yet
    token = staged["token"]
    # a programme that does not exist is refused with a message, not stored
    bad = c.post(f"/impor/{token}/rombel.json", data={"rombel::XII OTO 1": f"{fx.NPSN}|XYZ"})
    assert bad.status_code == 400
    assert load_rombel_map(_mapping_dir(app)) == {}
    again = ok_json(c.post(f"/impor/{token}/rombel.json",
                           data={"rombel::XII OTO 1": f"{fx.NPSN}|TKR", "rombel::XII TKJ 1": f"{fx.NPSN}|TKJ"}))
    assert again["report"]["ok"], again["report"]["problems"]
    shown = {e["rombel"]: (e["code"], e["how"]) for e in again["report"]["files"][0]["rombel_mapping"]}
    assert shown == {"XII TKJ 1": ("TKJ", "tersimpan"), "XII OTO 1": ("TKR", "tersimpan")}
    assert load_rombel_map(_mapping_dir(app))["XII OTO 1"] == [fx.NPSN, "TKR"]
    assert web_store.get_node("Person", ("0071234502",)) is None  # still only a preview
    done = ok_json(c.post(f"/impor/{token}/muat.json"))
    assert done["outcome"]["written"]
    assert web_store.get_node("Person", ("0071234502",))["program_code"] == "TKR"
    # the next export of the same school needs no correction
    assert ok_json(upload())["report"]["ok"]
    assert login(app, "humas").post(f"/impor/{token}/rombel", data={}).status_code == 403


def _mapping_dir(app):
    """Where the upload's loader keeps the rombel mapping (the embedded store's
    folder, or the app's data directory beside Neo4j)."""
    with app.app_context():
        from alumni_graph.web.pages import _loader_config

        return _loader_config().data_dir


def test_the_preview_marks_a_phone_written_anew_as_the_same_number(client, web_store):
    """After the update that keeps phones as +62…, the first re-load shows the
    stored 0812… numbers as written anew, the same number, not as changes of number."""
    web_store.upsert_nodes("Person", [{"nisn": "0051000006", "phone": "0812 3456 7006"}], source="old-version")
    text = f"nisn,nama,npsn,kode_program,no_hp\n0051000006,Eko Saputra,{fx.NPSN},TKJ,081234567006\n"
    html = _upload(client, text, "siswa.csv").get_data(as_text=True)
    assert 'id="report-phones-rewritten"' in html
    assert "1 data hanya menulis ulang nomor HP" in html and "(nomor sama)" in html
