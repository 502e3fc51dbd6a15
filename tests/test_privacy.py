"""UU PDP in the web app, on both stores: the audit log, minimum exposure of
contact details, subject requests (export, correction, deletion down to the
last file of the data directory) and hostile input."""
from __future__ import annotations

import io
import json
import os
import sqlite3
import zipfile

import pytest
from click.testing import CliRunner

import web_fixture as fx
from web_support import (  # noqa: F401 (fixtures)
    app, client, form_login, login, make_client, ok_json, web_store,
)

ANI = "0051000001"


def audit_entries(app, **kw):
    return app.extensions["alumni_graph_audit"].entries(**kw)


# -- the audit log --------------------------------------------------------------------

def test_audit_log_is_append_only_and_hashes_the_nisn(app, client, data_dir):
    ok_json(client.get(f"/api/v1/person/{ANI}"))
    [entry] = [e for e in audit_entries(app) if e["action"] == "view_person"]
    assert entry["user"] == "uji-admin" and entry["role"] == "admin"
    assert entry["target"].startswith("p:") and ANI not in entry["target"]
    assert entry["target"] == app.extensions["alumni_graph_audit"].target(ANI)
    for name in ("audit.sqlite3", "audit.sqlite3-wal"):  # records wait in the WAL until a checkpoint
        if (data_dir / name).exists():
            assert ANI.encode() not in (data_dir / name).read_bytes()
    db = sqlite3.connect(data_dir / "audit.sqlite3")
    for statement in ("UPDATE audit SET user = 'x'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)
    db.close()
    assert oct(os.stat(data_dir / "audit.key").st_mode & 0o777) == "0o600"


def test_writes_exports_and_views_are_audited(app, client):
    client.get(f"/siswa/{ANI}")
    client.get(f"/calon-mitra.csv?npsn={fx.NPSN}")
    client.get("/jalur-referensi?nisn=0051000003&employer=E-002")
    body = ok_json(client.post("/impor.json", data={"files": [(io.BytesIO(
        b"npsn,nama\n20300009,SMK Baru\n"), "sekolah.csv")]}, content_type="multipart/form-data"))
    ok_json(client.post(f"/impor/{body['token']}/muat.json"))
    actions = [e["action"] for e in audit_entries(app)]
    assert {"view_person", "export", "view_referral", "import_check", "import"} <= set(actions)
    for e in audit_entries(app):
        text = json.dumps(e, ensure_ascii=False)
        assert "Ani" not in text and ANI not in text and "0812" not in text


def test_no_personal_values_in_application_logs(app, client, caplog):
    # The app's own loggers at every level (the Neo4j driver's wire-level DEBUG
    # log echoes query parameters: the CLI pins it to WARNING).
    caplog.set_level("DEBUG", logger="alumni_graph")
    caplog.set_level("INFO")
    client.get(f"/siswa/{ANI}")
    body = ok_json(client.post("/impor.json", data={"files": [(io.BytesIO(
        b"nisn,nama,npsn,kode_program\n12,Nama Rahasia Sekali,20300001,TKR\n"
        b"0059999999,Nama Rahasia Kedua,20300001,TKR\n"), "siswa.csv")]},
        content_type="multipart/form-data"))
    ok_json(client.post(f"/impor/{body['token']}/muat.json"))  # the loader logs each file
    # A failed login through the real form (with its CSRF token): the path
    # that logs, with the typed name as the user name.
    assert form_login(app.test_client(), "Nama Rahasia", "x").status_code == 401
    ok_json(client.post(f"/api/v1/subject/{ANI}/delete"))
    messages = [r.getMessage() for r in caplog.records]
    assert any("failed login" in m for m in messages), messages
    assert any("read 2" in m and "rejected 1" in m for m in messages), messages
    logged = caplog.text.lower()  # the login form lower-cases the typed name
    for secret in ("Nama Rahasia", "0059999999", ANI, "081234500001", "siswa0001@example.org", "Ani "):
        assert secret.lower() not in logged


# -- minimum exposure ---------------------------------------------------------------------

@pytest.mark.parametrize("role,phone,student_phone", [
    ("admin", "081234500001", "081234500004"), ("bkk", "081234500001", "081234500004"),
    # humas: in full for an adult alumna (outreach), masked for a student
    ("humas", "081234500001", "0812*****004")])
def test_contact_details_by_role(app, role, phone, student_phone):
    contact = ok_json(login(app, role).get(f"/api/v1/person/{ANI}"))["entity"]["contact"]
    assert contact["phone"] == phone
    dewi = ok_json(login(app, role).get("/api/v1/person/0051000004"))["entity"]["contact"]
    assert dewi["phone"] == student_phone
    assert login(app, "viewer").get(f"/api/v1/person/{ANI}").status_code == 403


def test_a_minor_without_guardian_consent_shows_no_contact(app, client, web_store):
    web_store.upsert_nodes("Person", [{**fx.person_row("0051000003"), "birth_date": "2015-01-01",
                                       "consent_contact": True}], source="test")
    contact = ok_json(client.get("/api/v1/person/0051000003"))["entity"]["contact"]
    assert contact == {"shown": False, "reason": "no_consent", "phone": None, "email": None}
    web_store.upsert_nodes("Person", [{"nisn": "0051000003", "guardian_consent_ref": "SPW/7"}], source="t")
    assert ok_json(client.get("/api/v1/person/0051000003"))["entity"]["contact"]["shown"] is True


def test_exports_name_only_people_who_may_be_shown(app, web_store):
    # 0051000005 is a champion (agreed to be contacted) but not to be displayed:
    # Humas sees the champion for outreach (contact consent, web/names.py) on
    # the page and in the export, as admin does; once the consent to be
    # contacted is withdrawn, nobody sees them as a champion.
    web_store.upsert_nodes("Person", [{"nisn": "0051000005", "consent_display": False}], source="test")
    humas, admin = login(app, "humas"), login(app, "admin")
    for c in (humas, admin):
        text = c.get(f"/calon-mitra.csv?npsn={fx.NPSN}&as_of=2026-11-01").get_data(as_text=True)
        assert "HYPERLINK" in text and "(tanpa nama)" not in text
        assert "0051000005" not in text  # the export names, it does not identify by NISN
        page = ok_json(c.get(f"/calon-mitra.json?npsn={fx.NPSN}&as_of=2026-11-01"))
        assert any(ch["name"] == fx.FORMULA for row in page["rows"] for ch in row["champions"])
    web_store.upsert_nodes("Person", [{"nisn": "0051000005", "consent_contact": False}], source="test")
    for c in (humas, admin):
        page = ok_json(c.get(f"/calon-mitra.json?npsn={fx.NPSN}&as_of=2026-11-01"))
        assert not any(ch["name"] == fx.FORMULA for row in page["rows"] for ch in row["champions"])
        text = c.get(f"/calon-mitra.csv?npsn={fx.NPSN}&as_of=2026-11-01").get_data(as_text=True)
        assert "HYPERLINK" not in text


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_export_cells_neutralise_formula_starts(prefix):
    from alumni_graph.web.exports import cell, to_csv, to_xlsx

    assert cell(prefix + "1+1") == "'" + prefix + "1+1"
    assert cell(-5) == -5  # numbers are data
    assert b"'" + prefix.encode() in to_csv(["a"], [{"a": prefix + "cmd|' /C calc'!A0"}])
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(to_xlsx(["a"], [{"a": prefix + "SUM(A1)"}]))).active
    # (XML turns a CR into LF; the cell is text either way)
    assert ws["A2"].value.startswith("'") and ws["A2"].value.endswith("SUM(A1)")
    assert ws["A2"].data_type == "s"


# -- subject requests --------------------------------------------------------------------------

def test_subject_export(app, client):
    client.get(f"/siswa/{ANI}")  # an audit entry about Ani
    r = client.get(f"/api/v1/subject/{ANI}/export")
    data = ok_json(r)["subject"]
    assert "attachment" in r.headers["Content-Disposition"] and r.headers["Cache-Control"] == "no-store"
    assert data["person"]["name"] == fx.PEOPLE[ANI][0] and data["person"]["phone"] == "081234500001"
    assert data["person"]["source"] == "web-fixture"  # provenance included
    types = sorted(r["type"] for r in data["relationships"])
    assert types == ["INTERNED_AT", "STUDIED_IN", "WORKS_AT"]
    assert {r["other"]["key"][-1] for r in data["relationships"]} >= {"E-002", "TKJ"}
    assert {"view_person", "subject_export"} <= {e["action"] for e in data["audit"]}
    assert ok_json(client.get("/api/v1/subject/0059999999/export"), 404)
    assert ok_json(client.get("/api/v1/subject/12/export"), 400)["errors"][0]["param"] == "nisn"


def test_subject_correct(app, client, web_store):
    body = ok_json(client.post(f"/api/v1/subject/{ANI}/correct", json={"field": "phone", "value": "0899-1111-2222"}))
    # validated and stored like a load (phonenumbers, E.164)
    assert body["result"]["changed"] and web_store.get_node("Person", (ANI,))["phone"] == "+6289911112222"
    ok_json(client.post(f"/api/v1/subject/{ANI}/correct", json={"field": "email", "value": ""}))
    assert "email" not in web_store.get_node("Person", (ANI,))
    bad = ok_json(client.post(f"/api/v1/subject/{ANI}/correct", json={"field": "nisn", "value": "1"}), 400)
    assert bad["errors"][0]["param"] == "field"
    bad = ok_json(client.post(f"/api/v1/subject/{ANI}/correct",
                              json={"field": "birth_date", "value": "kemarin"}), 400)
    assert bad["errors"][0]["param"] == "value"
    assert "subject_correct" in {e["action"] for e in audit_entries(app, nisn=ANI)}


@pytest.mark.parametrize("field, value, stored", [
    ("birth_date", "06/05/2004", "2004-05-06"),     # day first, as a load reads it
    ("birth_date", "6 Mei 2004", "2004-05-06"),
    ("status", "kerja", "bekerja"),                 # the loader's alias
    ("consent_display", "Tidak", False),
    ("graduation_year", "2023", 2023),
])
def test_subject_correct_reads_values_like_a_load(client, web_store, field, value, stored):
    ok_json(client.post(f"/api/v1/subject/{ANI}/correct", json={"field": field, "value": value}))
    assert web_store.get_node("Person", (ANI,))[field] == stored


@pytest.mark.parametrize("field, value, message", [
    ("graduation_year", "2010", "graduation year) is before tahun_masuk"),  # entered 2019 (fixture)
    ("birth_date", "2020-01-01", "cannot be after tahun_masuk"),
    ("status", "kuliah di luar negeri", "tidak_terdata"),                   # lists the statuses
    ("phone", "12", "phone"),
])
def test_subject_correct_refuses_what_a_load_refuses(client, web_store, field, value, message):
    before = web_store.get_node("Person", (ANI,))
    bad = ok_json(client.post(f"/api/v1/subject/{ANI}/correct", json={"field": field, "value": value}), 400)
    assert bad["errors"][0]["param"] == "value" and message in bad["error"], bad["error"]
    assert web_store.get_node("Person", (ANI,)) == before


def _seed_data_dir(data_dir, store, values):
    """Copies of the person in every kind of file the data directory collects."""
    from openpyxl import Workbook

    from alumni_graph.graph_service.admin_import import export_admin_import

    nisn, name, phone, email = values
    other = fx.person_row("0051000006")
    header = "nisn,nama,npsn,kode_program,no_hp,email\n"

    def row(p):
        quoted = '"' + p["name"].replace('"', '""') + '"'
        return f"{p['nisn']},{quoted},{p['school_npsn']},{p['program_code']},{p['phone']},{p['email']}\n"

    person = fx.person_row(nisn)
    (data_dir / "demo-input").mkdir(parents=True, exist_ok=True)
    (data_dir / "demo-input" / "siswa.csv").write_text(header + row(person) + row(other), encoding="utf-8")
    (data_dir / "masukan").mkdir(exist_ok=True)
    (data_dir / "masukan" / "siswa.ditolak.csv").write_text(
        header.replace(",email", ",email,kesalahan") + row(person).rstrip("\n") + ",baris 2: salah\n",
        encoding="utf-8-sig")
    (data_dir / "masukan" / "tracer.jsonl").write_text(
        json.dumps({"nisn": nisn, "nama": name}, ensure_ascii=False) + "\n"
        + json.dumps({"nisn": other["nisn"], "nama": other["name"]}) + "\n", encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.append(["nisn", "nama", "no_hp", "email"])
    ws.append([nisn, name, phone, email])
    ws.append([other["nisn"], other["name"], other["phone"], other["email"]])
    (data_dir / "ekspor").mkdir(exist_ok=True)
    wb.save(data_dir / "ekspor" / "alumni.xlsx")
    (data_dir / "ekspor" / "catatan.bin").write_bytes(b"\x00\x01" + phone.encode() + b"\x00")
    export_admin_import(store, data_dir / "admin-import")
    # a pending upload holding the person
    (data_dir / "uploads" / ("a" * 32)).mkdir(parents=True)
    (data_dir / "uploads" / ("a" * 32) / "0.upload").write_text(header + row(person))
    # a visit note naming the person
    store.upsert_relationships("CONTACTED", [{"start": (fx.NPSN,), "end": ("E-005",), "props": {
        "date": "2026-05-05", "kind": "kunjungan", "notes": f"bertemu alumni {name}, hp {phone}"}}],
        start_label="School", end_label="Employer", source="test")


def _grep(data_dir, needles) -> list[str]:
    """Every file of the data directory (and inside XLSX zips) holding a needle,
    in plain, JSON-escaped or CSV-quoted form."""
    forms = set()
    for v in needles:
        forms |= {v, json.dumps(v)[1:-1], json.dumps(v, ensure_ascii=False)[1:-1], v.replace('"', '""')}
    hits = []
    for root, _, files in os.walk(data_dir):
        for f in files:
            path = os.path.join(root, f)
            blobs = [open(path, "rb").read()]
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as z:
                    blobs += [z.read(n) for n in z.namelist()]
            for blob in blobs:
                for form in forms:
                    if form.encode("utf-8") in blob:
                        hits.append(f"{path}: {form[:20]}")
    return hits


def _store_hits(store, needles) -> list:
    if store.backend == "neo4j":
        holds = ("any(k IN keys(x) WHERE any(v IN $vals WHERE (x[k] IS :: STRING AND x[k] CONTAINS v) "
                 "OR (x[k] IS :: LIST<STRING NOT NULL> AND any(i IN x[k] WHERE i CONTAINS v))))")
        return store.read(
            f"MATCH (x) WHERE {holds} RETURN 'node' AS kind, labels(x)[0] AS what "
            f"UNION ALL MATCH ()-[x]->() WHERE {holds} RETURN 'rel' AS kind, type(x) AS what",
            {"vals": list(needles)})
    text = json.dumps(store.dump(provenance=True), ensure_ascii=False)
    return [v for v in needles if v in text]


def test_subject_delete_leaves_no_trace_in_store_or_data_dir(app, client, web_store, data_dir):
    # Budi: a hostile name with quotes (escaped differently in CSV and JSON), and
    # a phone and email nobody else has (see the namesake test for shared ones)
    BUDI = "0051000002"
    person = web_store.get_node("Person", (BUDI,))
    values = (BUDI, person["name"], person["phone"], person["email"])
    _seed_data_dir(data_dir, web_store, values)
    assert _grep(data_dir, values) and _store_hits(web_store, values)  # the seeds are there
    employers, schools = web_store.count_nodes("Employer"), web_store.count_nodes("School")
    people = web_store.count_nodes("Person")

    report = ok_json(client.post(f"/api/v1/subject/{BUDI}/delete"))["result"]

    assert report["nisn_deleted"] and report["uploads_removed"] == 1
    assert report["store_properties_redacted"] >= 1
    assert _grep(data_dir, values) == []
    assert _store_hits(web_store, values) == []
    # everything else stays: employers, schools, other people and their rows
    assert (web_store.count_nodes("Employer"), web_store.count_nodes("School")) == (employers, schools)
    assert web_store.count_nodes("Person") == people - 1
    other = fx.person_row("0051000006")
    assert other["name"] in (data_dir / "demo-input" / "siswa.csv").read_text(encoding="utf-8")
    from openpyxl import load_workbook

    ws = load_workbook(data_dir / "ekspor" / "alumni.xlsx").active
    assert [c.value for c in ws[2]][:2] == [other["nisn"], other["name"]] and ws.max_row == 2
    assert "ekspor/catatan.bin" in report["files_removed"]
    assert web_store.get_node("Employer", ("E-005",))  # the visit note's employer stays
    # the deletion is in the audit log (as a hash), and the person is gone for the app
    assert "subject_delete" in {e["action"] for e in audit_entries(app, nisn=BUDI)}
    assert client.get(f"/siswa/{BUDI}").status_code == 404
    assert ok_json(client.get(f"/api/v1/subject/{BUDI}/export"), 404)


def test_subject_delete_spares_namesakes(client, web_store, data_dir):
    """Many Indonesians have one name: deleting "Citra" must not delete or
    blank another Citra. Rows go by NISN, phone or email; the name is redacted
    as a whole word in free text only."""
    citra = fx.person_row("0051000003")
    twin = {**fx.person_row("0051000006"), "nisn": "0051000007", "name": citra["name"],
            "phone": "081299999999", "email": "citra.lain@example.org"}
    web_store.upsert_nodes("Person", [twin], source="test")
    web_store.upsert_relationships("CONTACTED", [{"start": (fx.NPSN,), "end": ("E-005",), "props": {
        "date": "2026-05-05", "kind": "kunjungan", "notes": f"alumni {citra['name']} datang; "
                                                            f"{citra['name']}a bukan dia"}}],
        start_label="School", end_label="Employer", source="test")
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "siswa.csv").write_text(
        "nisn,nama,no_hp\n"
        f"{citra['nisn']},{citra['name']},{citra['phone']}\n"
        f"{twin['nisn']},{twin['name']},{twin['phone']}\n"
        f",{citra['name']} (tanpa NISN),\n", encoding="utf-8")

    ok_json(client.post(f"/api/v1/subject/{citra['nisn']}/delete"))

    assert web_store.get_node("Person", ("0051000003",)) is None
    assert web_store.get_node("Person", ("0051000007",))["name"] == citra["name"]  # the namesake stays
    lines = (data_dir / "siswa.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["nisn,nama,no_hp", f"0051000007,{citra['name']},081299999999",
                     ",[dihapus] (tanpa NISN),"]
    if web_store.backend == "embedded":  # the graph file, read afresh: namesake whole, Citra gone
        from alumni_graph.graph_service.embedded import EmbeddedStore

        saved = EmbeddedStore(data_dir)
        assert saved.get_node("Person", ("0051000007",)) == web_store.get_node("Person", ("0051000007",))
        assert saved.get_node("Person", ("0051000003",)) is None
    else:  # a Neo4j app keeps its graph in the server, never in a file here
        assert not (data_dir / "graph.json").exists()
    notes = [r["props"]["notes"] for r in web_store.iter_relationships(
        "CONTACTED", start_label="School", end_label="Employer") if r["props"]["date"] == "2026-05-05"]
    assert notes == [f"alumni [dihapus] datang; {citra['name']}a bukan dia"]


def test_subject_delete_spares_a_shared_family_phone(client, web_store, data_dir):
    """Ani (0051000001) and Fajar (0052000001) share a phone and an email in the
    fixture: deleting Ani leaves Fajar's record and Fajar's rows whole."""
    ani, fajar = web_store.get_node("Person", (ANI,)), web_store.get_node("Person", ("0052000001",))
    assert (ani["phone"], ani["email"]) == (fajar["phone"], fajar["email"])
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "kontak.csv").write_text(
        f"nisn,no_hp\n{ANI},{ani['phone']}\n0052000001,{fajar['phone']}\n,{ani['phone']}\n")
    ok_json(client.post(f"/api/v1/subject/{ANI}/delete"))
    assert web_store.get_node("Person", ("0052000001",)) == fajar
    assert (data_dir / "kontak.csv").read_text().splitlines() == [
        "nisn,no_hp", f"0052000001,{fajar['phone']}"]
    assert web_store.count_nodes("Employer") == 5


def test_subject_cli_twins(web_store, data_dir, tmp_path):
    from alumni_graph.cli import cli

    nisn = "0051000006"
    person = web_store.get_node("Person", (nisn,))
    backend = ["--backend", web_store.backend]
    env = {}
    if web_store.backend == "neo4j":
        env = {"NEO4J_URI": web_store.uri, "NEO4J_DATABASE": web_store.database}
    runner = CliRunner(env=env)
    out = tmp_path / "export.json"
    r = runner.invoke(cli, [*backend, "--data-dir", str(data_dir), "subject", "export", nisn, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["person"]["name"] == person["name"]
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    (data_dir / "siswa.csv").write_text(f"nisn,nama\n{nisn},{person['name']}\n0051000005,Lain\n")
    r = runner.invoke(cli, [*backend, "--data-dir", str(data_dir), "subject", "delete", nisn, "--yes"])
    assert r.exit_code == 0, r.output
    assert web_store.get_node("Person", (nisn,)) is None
    assert _grep(data_dir, (nisn, person["name"], person["phone"])) == []
    assert "0051000005" in (data_dir / "siswa.csv").read_text()


# -- hostile input -----------------------------------------------------------------------------

def _xlsx(sheet_xml: bytes, declared_size: int | None = None) -> bytes:
    from openpyxl import Workbook

    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(["npsn", "nama"])
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            z.writestr(item, data)
    raw = out.getvalue()
    if declared_size is not None:  # a zip bomb: the central directory claims a huge size
        import struct

        header = raw.find(b"xl/worksheets/sheet1.xml", raw.find(b"PK\x01\x02")) - 46
        raw = raw[:header + 24] + struct.pack("<I", declared_size) + raw[header + 28:]
        assert zipfile.ZipFile(io.BytesIO(raw)).getinfo("xl/worksheets/sheet1.xml").file_size == declared_size
    return raw


ENTITY_BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
               b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
               b'</sheetData></worksheet>')
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                   b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
                   b'</sheetData></worksheet>')


FORMULA_NAME = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("name,body,status", [
    ("sekolah.xlsx", _xlsx(ENTITY_BOMB), "failed"),
    ("sekolah.xlsx", _xlsx(EXTERNAL_ENTITY), "failed"),
    ("sekolah.xlsx", _xlsx(b"<worksheet/>", declared_size=2**31), "failed"),
    ("sekolah.xlsx", b"PK\x03\x04 not really a zip", "failed"),
    ("sekolah.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "failed"),
    ("sekolah.csv", f"npsn,nama\n20300009,{FORMULA_NAME}\n".encode(), "loaded"),
])
def test_hostile_uploads_are_rejected_or_inert(client, web_store, name, body, status, caplog):
    r = client.post("/impor.json", data={"files": [(io.BytesIO(body), name)]},
                    content_type="multipart/form-data")
    check = ok_json(r)
    report = check["report"]
    text = r.get_data(as_text=True)
    assert "root:" not in text and "lol" * 10 not in text
    assert report["files"][0]["status"] == status and report["ok"] is (status == "loaded")
    # nothing written by a check
    assert web_store.get_node("School", ("20300009",)) is None
    if status == "loaded":  # a formula is stored as the text it is, never evaluated or dropped
        ok_json(client.post(f"/impor/{check['token']}/muat.json"))
        assert web_store.get_node("School", ("20300009",))["name"] == FORMULA_NAME


def test_uploads_are_stored_under_generated_names_and_removed(client, data_dir, web_store):
    body = ok_json(client.post("/impor.json", data={"files": [(io.BytesIO(
        b"npsn,nama\n20300009,SMK Baru\n"), "../../sekolah <script>.csv")]},
        content_type="multipart/form-data"))
    stored = sorted(p.name for p in (data_dir / "uploads" / body["token"]).iterdir())
    assert stored == ["0.upload", "meta.json"]
    assert oct(os.stat(data_dir / "uploads" / body["token"]).st_mode & 0o777) == "0o700"
    assert not (data_dir.parent / "sekolah <script>.csv").exists()
    ok_json(client.post(f"/impor/{body['token']}/muat.json"))
    assert not (data_dir / "uploads" / body["token"]).exists()  # removed after loading
    assert client.post("/impor/..%2F..%2Fetc/muat").status_code == 404


def test_uploads_expire(make_client, data_dir):
    c = make_client({"UPLOAD_TTL_SECONDS": 0})
    body = ok_json(c.post("/impor.json", data={"files": [(io.BytesIO(b"npsn,nama\n20300009,X\n"),
                                                          "sekolah.csv")]}, content_type="multipart/form-data"))
    import time

    time.sleep(0.05)
    assert c.post(f"/impor/{body['token']}/muat.json").status_code == 404
    assert not (data_dir / "uploads" / body["token"]).exists()


# -- names in graphs, search and detail pages (access.name_policy) -------------------

HIDDEN = ("0051000002", "0051000003")  # consent_display false in the fixture
SHOWN = ("0051000006", "0052000001")   # consent_display true, adults


def _strings(value):
    if isinstance(value, dict):
        return [s for v in (*value.keys(), *value.values()) for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def _person_views(c, role: str) -> str:
    """Every string the client gets from the routes that return people (search
    answers without their echo of ``q``)."""
    urls = [f"/api/v1/graph/around/school/{fx.NPSN}?depth=2", "/api/v1/graph/around/employer/E-001",
            "/api/v1/graph/around/employer/E-002?depth=2", f"/graf.json?type=school&key={fx.NPSN}&depth=3",
            "/api/v1/employer/E-001", "/dudi/E-001.json", "/dudi/E-002.json",
            f"/program/{fx.NPSN}/TKR.json", f"/program/{fx.NPSN}/TKJ.json"]
    between = [f"/api/v1/graph/between/{fx.NPSN}/E-001", f"/api/v1/graph/between/{fx.NPSN}/E-002"]
    if role in ("humas", "admin"):
        urls += between
    else:
        assert {c.get(u).status_code for u in between} == {403}
    bodies = [ok_json(c.get(u)) for u in urls]
    for q in ("budi", "citra", "eko", "fajar", "0051000002", "0051000003", "005"):
        bodies.append(ok_json(c.get(f"/api/v1/search?q={q}&limit=50"))["results"])
    html = "".join(c.get(u).get_data(as_text=True) for u in ("/dudi/E-001", f"/graf?type=school&key={fx.NPSN}"))
    return "\n".join(_strings(bodies)) + html


def _seen(text: str, nisn: str) -> bool:
    from markupsafe import escape

    name = fx.PEOPLE[nisn][0]
    return nisn in text or name in text or str(escape(name)) in text


@pytest.mark.parametrize("role", ["admin", "bkk", "humas", "viewer"])
def test_person_names_by_role(app, role):
    text = _person_views(login(app, role), role)
    seen = {n for n in fx.PEOPLE if _seen(text, n)}
    if role in ("admin", "bkk"):
        assert seen == set(fx.PEOPLE)
    elif role == "humas":
        assert seen.isdisjoint(HIDDEN) and set(SHOWN) <= seen
    else:
        assert seen == set()  # viewers: aggregates and graphs, nobody by name
    if role in ("humas", "viewer"):
        assert "Alumni TKR 2021" in text and "Siswa TKJ" in text


def test_unnamed_people_are_counted_not_named_or_expandable(app):
    c = login(app, "humas")
    page = ok_json(c.get("/dudi/E-001.json"))
    assert page["entity"]["unnamed"] == 1
    rows = [r["other"] for s in page["sections"] for r in s["rows"] if r["other"].get("redacted")]
    assert [(r["name"], r["url"]) for r in rows] == [("Alumni TKR 2021", None)]
    graph = ok_json(c.get("/api/v1/graph/around/employer/E-001"))["graph"]
    hidden = [n for n in graph["nodes"] if n["label"] == "Alumni TKR 2021"]
    assert len(hidden) == 1 and hidden[0]["expandable"] is False and hidden[0]["url"] is None
    # the opaque key leads nowhere: no expansion, no detail
    assert c.get(f"/api/v1/graph/around/person/{hidden[0]['key']}").status_code == 404
    assert c.get(f"/api/v1/graph/around/person/{HIDDEN[0]}").status_code == 404
    assert login(app, "viewer").get(f"/api/v1/graph/around/person/{SHOWN[0]}").status_code == 404
    assert "Alumni TKR 2021" in c.get("/dudi/E-001").get_data(as_text=True)


def test_english_neutral_labels(app):
    from alumni_graph.web import i18n

    c = login(app, "viewer")
    c.set_cookie(i18n.COOKIE, "en")
    graph = ok_json(c.get("/api/v1/graph/around/employer/E-001"))["graph"]
    assert "Alumnus TKR 2021" in {n["label"] for n in graph["nodes"]}


def test_a_minor_without_guardian_consent_is_unnamed_for_humas(app, web_store):
    ani = "0051000001"  # consent_display true
    web_store.upsert_nodes("Person", [{"nisn": ani, "birth_date": "2015-01-01"}], source="test")
    assert not _seen(_person_views(login(app, "humas"), "humas"), ani)
    assert _seen(_person_views(login(app, "bkk"), "bkk"), ani)
    web_store.upsert_nodes("Person", [{"nisn": ani, "guardian_consent_ref": "SPW/7"}], source="t")
    assert _seen(_person_views(login(app, "humas"), "humas"), ani)
