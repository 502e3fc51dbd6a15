"""Loader rules, each run on the embedded store and on the real Neo4j.

Fixtures are synthetic (tests/fixtures/loader/). Every test starts from an
empty store.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from alumni_graph.cli import cli
from alumni_graph.loaders import load_files, load_paths, load_rows

LOADER = Path(__file__).resolve().parent / "fixtures" / "loader"
GOOD = LOADER / "good"
EXPECTED = json.loads((LOADER / "good_expected.json").read_text(encoding="utf-8"))

SEKOLAH = "npsn,nama,kota\n20300001,SMK Negeri 1 Contoh,Kota Bandung\n20300002,SMK Bakti,Kab. Bekasi\n"
PROGRAM = "npsn,kode,nama\n20300001,TKR,Teknik Kendaraan Ringan\n20300001,TKJ,TKJ\n20300002,AKL,AKL\n"
SISWA_HEAD = "nisn,nama,npsn,kode_program,jenis_kelamin,tanggal_lahir,tahun_masuk,tahun_lulus,status,bersedia_dihubungi,email\n"


def put(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def base(store, tmp_path) -> None:
    """Two schools and three programmes in the store."""
    d = tmp_path / "base"
    d.mkdir(exist_ok=True)
    assert load_paths(store, [put(d, "sekolah.csv", SEKOLAH), put(d, "program.csv", PROGRAM)]).ok


def problems(report, file=None) -> set[tuple]:
    return {(p.row, p.column) for p in report.problems if p.level == "error" and (file is None or p.file == file)}


def good_copy(tmp_path) -> Path:
    return Path(shutil.copytree(GOOD, tmp_path / "good"))


# -- the mapping ---------------------------------------------------------------------------

def test_good_files_map_to_the_schema_exactly(store):
    report = load_paths(store, [GOOD])
    assert report.ok, report.render()
    assert store.dump() == EXPECTED
    kinds = report.by_kind()
    assert {k: (c["read"], c["created"], c["rejected"]) for k, c in kinds.items()} == {
        "sekolah": (2, 2, 0), "program": (3, 3, 0), "dudi": (3, 3, 0), "siswa": (5, 5, 0),
        "prakerin": (3, 3, 0), "pekerjaan": (3, 3, 0), "kemitraan": (2, 2, 0), "kunjungan": (2, 2, 0),
    }
    assert [e["code"] for e in report.new_employers] == ["BENGKEL-SINAR-JAYA", "TOKO-ONLINE-DEDI-BANDUNG"]
    person = store.get_node("Person", ("0012345603",))
    assert person["source"] == "siswa.csv" and person["loaded_at"]
    assert "BENGKEL-SINAR-JAYA" in report.render() and "DU/DI baru" in report.render()


def test_loading_twice_changes_nothing(store):
    load_paths(store, [GOOD])
    first = store.dump(provenance=True)
    report = load_paths(store, [GOOD])
    assert report.ok
    for kind, c in report.by_kind().items():
        assert (c["created"], c["updated"], c["unchanged"], c["new_employers"]) == (0, 0, c["read"], 0), kind
    assert store.dump(provenance=True) == first  # not even loaded_at moved


def test_kinds_load_in_dependency_order_whatever_the_given_order(store):
    paths = sorted(GOOD.iterdir(), reverse=True)  # kunjungan first, sekolah last
    assert load_paths(store, paths).ok
    assert store.dump() == EXPECTED


def test_a_changed_value_updates_the_property_and_its_provenance(store, tmp_path):
    load_paths(store, [GOOD])
    rows = list(csv.reader(io.StringIO((GOOD / "siswa.csv").read_text(encoding="utf-8"))))
    rows = [r for r in rows if r]
    rows[1][1] = "Ani Lestari Putri"  # renamed
    rows[2][3] = "TKJ"  # Budi moved from TKR to TKJ
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    report = load_paths(store, [put(tmp_path, "siswa_koreksi.csv", out.getvalue())])
    c = report.by_kind()["siswa"]
    assert (c["created"], c["updated"], c["unchanged"]) == (0, 2, 3)
    ani = store.get_node("Person", ("0012345601",))
    assert ani["name"] == "Ani Lestari Putri" and ani["source"] == "siswa_koreksi.csv"
    assert store.get_node("Person", ("0012345604",))["source"] == "siswa.csv"
    studied = [r for r in store.dump()["relationships"] if r[0] == "STUDIED_IN" and r[1][1] == ["0012345602"]]
    assert [r[2] for r in studied] == [["Program", ["20300001", "TKJ"]]]  # the old one is gone
    assert store.count_relationships("STUDIED_IN") == 5


def test_absent_columns_leave_properties_alone_and_consent_defaults_to_no(store, tmp_path):
    load_paths(store, [GOOD])
    thin = "nisn,nama,npsn,kode_program\n0012345601,Ani Lestari,20300001,TKR\n0012345699,Eka Baru,20300001,TKR\n"
    report = load_paths(store, [put(tmp_path, "siswa.csv", thin)])
    assert report.by_kind()["siswa"]["unchanged"] == 1
    ani = store.get_node("Person", ("0012345601",))
    assert ani["phone"] == "+6281234567801" and ani["consent_contact"] is True
    assert store.get_node("Person", ("0012345699",))["consent_contact"] is False


def test_xlsx_with_title_row_and_excel_types_loads_like_the_csv(store, tmp_path):
    base(store, tmp_path)
    wb = openpyxl.Workbook()
    wb.active.title = "Petunjuk"
    wb.active.append(["Isi sheet 'siswa'"])
    ws = wb.create_sheet("SISWA")
    ws.append(["DAFTAR SISWA SMK NEGERI 1 CONTOH"])  # a title row above the header
    ws.append([])
    ws.append(["NISN", "Nama", "NPSN", "Kode Program", "Tanggal Lahir", "Tahun Masuk", "Tahun Lulus",
               "Status", "Bersedia Dihubungi", "No HP"])
    ws.append([12345601, "Ani", 20300001, "tkr", dt.datetime(2004, 7, 5), 2019, 2022.0, "Bekerja", True, 81234567801])
    ws.append(["0012345602", "Budi", "20300001", "TKJ", "05/07/2004", "2020", None, None, "tidak", None])
    path = tmp_path / "Siswa 2024.xlsx"
    wb.save(path)
    report = load_paths(store, [path])
    assert report.ok, report.render()
    ani = store.get_node("Person", ("0012345601",))
    assert {k: ani[k] for k in ("birth_date", "entry_year", "graduation_year", "status", "consent_contact",
                                "phone", "program_code", "school_npsn")} == {
        "birth_date": "2004-07-05", "entry_year": 2019, "graduation_year": 2022, "status": "bekerja",
        "consent_contact": True, "phone": "+6281234567801", "program_code": "TKR", "school_npsn": "20300001",
    }
    assert "graduation_year" not in store.get_node("Person", ("0012345602",))


# -- validation -----------------------------------------------------------------------------

BAD_SISWA = SISWA_HEAD + "\n".join([
    "0012345601,Ani,20300001,TKR,P,05/07/2004,2019,2022,bekerja,ya,ani@example.com",  # 2 valid
    "12345,Salah NISN,20300001,TKR,P,05/07/2004,2019,2022,,,",  # 3
    "0012345603,Tanggal,20300001,TKR,P,31/02/2004,2019,2022,,,",  # 4
    "0012345604,Lulus Dulu,20300001,TKR,P,05/07/2004,2022,2020,,,",  # 5
    "0012345605,Enum,20300001,TKR,X,05/07/2004,2019,2022,menganggur,,",  # 6
    "0012345606,Sekolah Asing,99999999,TKR,L,05/07/2004,2019,2022,,,",  # 7
    "0012345607,Program Asing,20300001,XYZ,L,05/07/2004,2019,2022,,,",  # 8
    "0012345608,,20300001,TKR,L,05/07/2004,2019,2022,,,",  # 9
    "0012345609,Kembar Satu,20300001,TKR,L,05/07/2004,2019,2022,,,",  # 10
    "0012345609,Kembar Dua,20300001,TKR,L,05/07/2004,2019,2022,,,",  # 11
    "0012345601,Ani,20300001,tkr,P,2004-07-05,2019,2022,Bekerja,Y,ani@example.com",  # 12: same as 2
    "0012345612,Masih Sekolah,20300001,TKR,L,05/07/2006,2022,,bekerja,,",  # 13
    "0012345613,Izin,20300001,TKR,L,05/07/2004,2019,2022,,mungkin,",  # 14
    "0012345614,Surel,20300001,TKR,L,05/07/2004,2019,2022,,,bukan-email",  # 15
]) + "\n"

BAD_SISWA_PROBLEMS = {
    (3, "nisn"), (4, "tanggal_lahir"), (5, "tahun_lulus"), (6, "jenis_kelamin"), (6, "status"),
    (7, "npsn"), (8, "kode_program"), (9, "nama"), (10, "nama"), (11, "nama"), (13, "status"),
    (14, "bersedia_dihubungi"), (15, "email"),
}


def test_every_problem_of_a_file_is_reported_and_nothing_of_it_written(store, tmp_path):
    base(store, tmp_path)
    before = store.dump()
    report = load_paths(store, [put(tmp_path, "siswa.csv", BAD_SISWA)])
    assert not report.ok
    assert problems(report) == BAD_SISWA_PROBLEMS
    assert store.dump() == before  # no partial writes
    f = report.files[0]
    assert (f.status, f.read, f.rejected) == ("rejected", 14, 12)
    nisn = next(p for p in report.problems if p.row == 3)
    assert (nisn.file, nisn.value) == ("siswa.csv", "12345") and "10 digit" in nisn.message
    assert "10 digits" in nisn.message_en
    text = report.render()
    assert "siswa.csv, baris 3, kolom nisn ['12345']: harus 10 digit angka" in text
    assert "TIDAK dimuat" in text
    assert "row 3, column nisn" in report.render(lang="en")
    json.dumps(report.as_dict())  # JSON-ready


def test_rules_of_the_relationship_files(store, tmp_path):
    base(store, tmp_path)
    d = tmp_path / "in"
    d.mkdir()
    put(d, "siswa.csv", SISWA_HEAD + "0012345601,Ani,20300001,TKR,P,05/07/2004,2019,2022,bekerja,ya,\n"
        "0012345602,Budi,20300001,TKR,L,05/07/2004,2019,2022,,,\n")
    put(d, "dudi.csv", "kode,nama,kota\nA1,PT Sinar Abadi,Bandung\nA2,Sinar Abadi,Bekasi\nB1,CV Maju,Bandung\n")
    put(d, "prakerin.csv", "nisn,kode_dudi,nama_dudi,mulai,selesai,nilai,kunjungan_monitoring\n"
        "0012345601,A1,,2021-01-04,2021-06-30,88,2\n"  # 2 valid
        "0012345601,B1,,2021-07-01,2021-06-30,88,2\n"  # 3 selesai < mulai
        "0012345602,B1,,2021-01-04,,101,-1\n"  # 4 nilai, visits
        "0099999999,B1,,2021-01-04,,,\n"  # 5 unknown NISN
        "0012345602,,Sinar Abadi,2021-02-01,,,\n"  # 6 ambiguous name
        "0012345602,ZZ9,,2021-03-01,,,\n"  # 7 unknown code, no name
        "0012345602,,,2021-03-01,,,\n"  # 8 no employer at all
        "0012345602,B1,,,,,\n")  # 9 mulai required
    put(d, "pekerjaan.csv", "nisn,kode_dudi,nama_dudi,kota_dudi,mulai,selaras,sumber\n"
        "0012345601,,Sinar Abadi,bekasi,2022-08-01,ya,bkk\n"  # 2 valid: kota splits the tie
        "0012345602,,cv maju,,2022-08-01,kadang,koran\n")  # 3 selaras, sumber
    put(d, "kemitraan.csv", "npsn,kode_program,kode_dudi,jenis,mulai,selesai\n"
        "20300001,,A1,prakerin;rekrutmen,2020-01-01,\n"  # 2 valid
        "20300001,TKR,A1,magang,2020-01-01,\n"  # 3 jenis
        "20300001,ABC,A1,prakerin,2020-01-01,\n"  # 4 unknown programme
        "20300001,TKR,A1,,2020-01-01,\n")  # 5 jenis required
    put(d, "kunjungan.csv", "npsn,kode_dudi,tanggal,jenis\n"
        "20300001,A1,2024-01-05,\n"  # 2 valid (jenis defaults to kunjungan)
        "20300009,A1,2024-01-05,rapat\n"  # 3 unknown school
        "20300001,A1,2024-13-05,faks\n"  # 4 date, jenis
        "2030001,A1,2024-01-05,rapat\n")  # 5 NPSN of 7 digits
    report = load_paths(store, [d])
    assert problems(report, "prakerin.csv") == {
        (3, "selesai"), (4, "nilai"), (4, "kunjungan_monitoring"), (5, "nisn"), (6, "nama_dudi"),
        (7, "kode_dudi"), (8, "kode_dudi"), (9, "mulai"),
    }
    assert problems(report, "pekerjaan.csv") == {(3, "selaras"), (3, "sumber")}
    assert problems(report, "kemitraan.csv") == {(3, "jenis"), (4, "kode_program"), (5, "jenis")}
    assert problems(report, "kunjungan.csv") == {(3, "npsn"), (4, "tanggal"), (4, "jenis"), (5, "npsn")}
    ambiguous = next(p for p in report.problems if p.file == "prakerin.csv" and p.row == 6)
    assert "A1" in ambiguous.message and "A2" in ambiguous.message
    assert [f.status for f in report.files] == ["loaded", "loaded", "rejected", "rejected", "rejected", "rejected"]
    assert store.count_relationships("INTERNED_AT") == 0


def test_references_to_rows_that_were_not_loaded_say_so(store, tmp_path):
    base(store, tmp_path)
    d = tmp_path / "in"
    d.mkdir()
    put(d, "siswa.csv", SISWA_HEAD + "0012345601,Ani,20300001,TKR,P,05/07/2004,2019,2022,,,\n"
        "0012345602,Budi,20300001,TKR,L,31/02/2004,2019,2022,,,\n")
    put(d, "dudi.csv", "kode,nama\nA1,PT Sinar\n")
    put(d, "prakerin.csv", "nisn,kode_dudi,mulai\n0012345601,A1,2021-01-04\n")
    report = load_paths(store, [d])
    p = next(p for p in report.problems if p.file == "prakerin.csv")
    assert (p.row, p.column) == (2, "nisn") and "siswa.csv" in p.message and "tidak dimuat" in p.message


def test_references_resolve_against_the_store_and_the_same_load(store, tmp_path):
    base(store, tmp_path)  # schools and programmes already in the store
    d = tmp_path / "in"
    d.mkdir()
    put(d, "siswa.csv", SISWA_HEAD + "0012345601,Ani,20300001,TKR,P,05/07/2004,2019,2022,,,\n")
    put(d, "prakerin.csv", "nisn,nama_dudi,mulai\n0012345601,PT Baru Sekali,2021-01-04\n")
    report = load_paths(store, [d])
    assert report.ok, report.render()
    assert report.new_employers[0]["code"] == "BARU-SEKALI"


def test_header_problems_fail_the_file_with_a_clear_message(store, tmp_path):
    cases = {
        "sekolah.csv": ("npsn,nama,kota\n", "hanya berisi judul kolom"),
        "sekolah_b.csv": ("npsn,kota\n20300001,Bandung\n", "kolom wajib tidak ada: nama"),
        "sekolah_c.csv": ("npsn,nama,name\n20300001,A,B\n", "ada dua kali (kolom B dan C)"),
        "sekolah_d.xlsx": ("npsn,nama\n20300001,A\n", "bukan file XLSX"),
        "prakerin.csv": ("nisn,mulai\n0012345601,2021-01-01\n", "kode_dudi atau nama_dudi"),
        "daftar.csv": ("kolom1,kolom2\n20300001,A\n", "jenis file tidak bisa ditentukan"),
    }
    paths = [put(tmp_path, name, text) for name, (text, _) in cases.items()]
    report = load_paths(store, paths)
    assert not report.ok
    for f in report.files:
        assert f.status == "failed", f.name
        assert cases[f.name][1] in f.problems[0].message, (f.name, f.problems[0].message)
    assert store.count_nodes() == 0


def test_unknown_columns_are_a_warning_only(store, tmp_path):
    report = load_paths(store, [put(tmp_path, "sekolah.csv", "npsn,nama,kepala_sekolah\n20300001,A,Pak B\n")])
    assert report.ok
    assert [p.level for p in report.problems] == ["warning"]
    assert "kepala_sekolah" in report.problems[0].message


# -- skip-invalid, dry-run --------------------------------------------------------------------

def test_skip_invalid_loads_valid_rows_and_writes_a_fixable_rejects_file(store, tmp_path):
    base(store, tmp_path)
    src = put(tmp_path, "siswa.csv", BAD_SISWA)
    report = load_paths(store, [src], skip_invalid=True)
    assert report.ok  # the user asked for a partial load
    f = report.files[0]
    assert (f.status, f.rejected, f.created) == ("partial", 12, 1)
    assert store.count_nodes("Person") == 1
    rejected = tmp_path / "siswa.ditolak.csv"
    assert f.rejected_file == str(rejected)
    with open(rejected, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == SISWA_HEAD.strip().split(",") + ["kesalahan"]
    assert len(table) == 13
    assert table[1][:2] == ["12345", "Salah NISN"] and "baris 3, nisn: harus 10 digit" in table[1][-1]

    # Staff fix two rows in the rejects file and load it again.
    fixed = [table[0]] + [r for r in table[1:] if r[1] in ("Salah NISN", "Surel")]
    fixed[1][0], fixed[2][-2] = "0012345602", "surel@example.com"
    out = io.StringIO()
    csv.writer(out).writerows(fixed)
    rejected.write_text(out.getvalue(), encoding="utf-8")
    again = load_paths(store, [rejected])
    assert again.ok and not again.problems, again.render()
    assert store.count_nodes("Person") == 3

    # a folder load does not read rejects files, and says so
    listed = {f.name: f.status for f in load_paths(store, [tmp_path], dry_run=True).files}
    assert listed["siswa.ditolak.csv"] == "ignored" and listed["siswa.csv"] != "ignored"
    assert {n for n, s in listed.items() if s != "ignored"} == {"siswa.csv"}


def test_dry_run_validates_and_counts_without_writing(store, tmp_path):
    report = load_paths(store, [GOOD], dry_run=True)
    assert report.ok and report.dry_run
    assert report.by_kind()["siswa"]["read"] == 5
    assert [e["code"] for e in report.new_employers] == ["BENGKEL-SINAR-JAYA", "TOKO-ONLINE-DEDI-BANDUNG"]
    assert store.count_nodes() == 0
    assert "DRY RUN" in report.render()
    bad = load_paths(store, [GOOD, put(tmp_path, "siswa.csv", BAD_SISWA)], dry_run=True)
    assert not bad.ok and store.count_nodes() == 0


# -- values are data ------------------------------------------------------------------------------

HOSTILE = [
    "Robert'); DROP TABLE siswa;--",
    "x'}) MATCH (n) DETACH DELETE n //",
    "`Person` $nisn {name: 1} \\u0000",
    "<script>alert('x')</script> <img src=x onerror=alert(1)>",
    "=HYPERLINK(\"http://example.invalid\")",
    "\u202eRTL ويكي 名前 🙂",
    'Quote " and "" double',
    "multi\nline\r\nvalue",
]


def test_hostile_values_are_stored_byte_for_byte_and_harm_nothing(store, tmp_path):
    base(store, tmp_path)
    rows = [{"nisn": f"00123456{i:02d}", "nama": v, "npsn": "20300001", "kode_program": "TKR"}
            for i, v in enumerate(HOSTILE)]
    report = load_rows(store, "siswa", rows, source="hostile `'\".csv")
    assert report.ok, report.render()
    for i, v in enumerate(HOSTILE):
        node = store.get_node("Person", (f"00123456{i:02d}",))
        assert node["name"] == v and node["source"] == "hostile `'\".csv"
    assert store.count_nodes("School") == 2 and store.count_nodes("Program") == 3
    # the same through CSV (quoted) and JSON lines
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    jsonl = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    report = load_files(store, [("siswa.csv", io.BytesIO(out.getvalue().encode())),
                                ("siswa2.jsonl", io.BytesIO(jsonl.encode()))])
    assert report.ok and report.by_kind()["siswa"]["unchanged"] == 2 * len(HOSTILE)


# -- the web API ------------------------------------------------------------------------------------

def test_load_files_for_the_web_upload(store, tmp_path):
    files = [(p.name, io.BytesIO(p.read_bytes())) for p in sorted(GOOD.iterdir())]
    files.append(("C:\\Users\\tu\\Desktop\\Sekolah Tambahan.csv", io.BytesIO(b"npsn,nama\n20300003,SMK C\n")))
    files.append(("catatan.csv", io.BytesIO(b"a,b\n1,2\n")))
    report = load_files(store, files)
    assert not report.ok  # catatan.csv: unknown kind
    statuses = {f.name: f.status for f in report.files}
    assert statuses["catatan.csv"] == "failed" and statuses["Sekolah Tambahan.csv"] == "loaded"
    assert store.count_nodes("School") == 3
    data = report.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["kinds"]["siswa"]["created"] == 5 and len(data["new_employers"]) == 2

    big = load_files(store, [("sekolah.csv", io.BytesIO(b"npsn,nama\n" + b"x" * 2000))], max_bytes=1000)
    assert big.files[0].status == "failed" and "terlalu besar" in big.problems[0].message

    partial = load_files(store, [("siswa.csv", io.BytesIO(BAD_SISWA.encode()))], skip_invalid=True)
    text = partial.files[0].rejected_csv()
    assert text.splitlines()[0].endswith(",kesalahan") and len(text.splitlines()) == 13


# -- merging employers --------------------------------------------------------------------------------

def _cli_env(store) -> tuple[list[str], dict]:
    if store.backend == "neo4j":
        return [], {"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": store.uri}
    return ["--data-dir", str(store.data_dir)], {"ALUMNI_GRAPH_BACKEND": "embedded"}


def test_merge_employers_cli_moves_every_relationship(store, tmp_path):
    load_paths(store, [GOOD])
    # Bengkel Sinar Jaya is AHM under another name; give it an internship
    # identical in key to one AHM has, so the merge must fold it.
    put(tmp_path, "prakerin.csv", "nisn,nama_dudi,mulai,nilai\n0012345601,Bengkel Sinar Jaya,2021-01-04,90\n"
        "0012345604,Bengkel Sinar Jaya,2020-01-06,75\n")
    assert load_paths(store, [tmp_path / "prakerin.csv"]).ok
    before = store.dump()
    rels_before = store.count_relationships()
    args, env = _cli_env(store)
    result = CliRunner().invoke(cli, [*args, "merge-employers", "AHM-01", "BENGKEL-SINAR-JAYA"], env=env)
    assert result.exit_code == 0, result.output
    assert "3 relationships moved" in result.output
    assert store.get_node("Employer", ("BENGKEL-SINAR-JAYA",)) is None
    assert store.count_relationships() == rels_before - 1  # one folded into AHM's own
    after = store.dump()["relationships"]
    moved = [r for r in before["relationships"] if r[2] == ["Employer", ["BENGKEL-SINAR-JAYA"]]]
    for r in moved:
        kept = [a for a in after if a[:2] == r[:2] and a[2] == ["Employer", ["AHM-01"]]
                and a[3].get("start") == r[3].get("start")]
        assert len(kept) == 1, r
    # merging again fails clearly: DROP is gone. The exit code is the contract,
    # so the installed command runs (its main(), not click's standalone mode).
    import os
    import subprocess
    import sys

    command = Path(sys.executable).parent / "alumni-graph"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    again = subprocess.run([str(command), *args, "merge-employers", "AHM-01", "BENGKEL-SINAR-JAYA"],
                           env={**clean, **env}, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1, again.stderr
    assert "Employer BENGKEL-SINAR-JAYA does not exist" in again.stderr
    assert "Traceback" not in again.stderr and again.stdout == ""
    assert store.count_relationships() == rels_before - 1  # and nothing changed


# -- the CLI and privacy --------------------------------------------------------------------------

def test_cli_load_exit_codes_and_json(embedded_store, tmp_path):
    d = ["--data-dir", str(embedded_store.data_dir)]
    runner = CliRunner()
    ok = runner.invoke(cli, [*d, "load", str(GOOD), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["kinds"]["siswa"]["created"] == 5
    bad = runner.invoke(cli, [*d, "load", str(put(tmp_path, "siswa.csv", BAD_SISWA))])
    assert bad.exit_code == 1 and "harus 10 digit" in bad.output
    dry = runner.invoke(cli, [*d, "load", "--dry-run", "--batch-size", "2", str(GOOD)])
    assert dry.exit_code == 0 and "DRY RUN" in dry.output


def test_logs_carry_no_personal_values(embedded_store, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    base(embedded_store, tmp_path)
    load_paths(embedded_store, [GOOD, put(tmp_path, "siswa.csv", BAD_SISWA)], skip_invalid=True)
    logged = caplog.text
    assert "siswa.csv" in logged
    for personal in ("0012345601", "12345", "Ani", "Lestari", "example.com", "0812", "Salah NISN"):
        assert personal not in logged, personal


# -- the two store methods the loaders added ---------------------------------------------------

def test_store_iter_nodes_and_delete_relationships(store, tmp_path):
    load_paths(store, [GOOD])
    everyone = list(store.iter_nodes("Person"))
    assert sorted(p["nisn"] for p in everyone) == [f"00123456{i:02d}" for i in range(1, 6)]
    some = list(store.iter_nodes("Person", [("0012345602",), ("0099999999",), ("0012345604",)]))
    assert sorted(p["nisn"] for p in some) == ["0012345602", "0012345604"]
    assert some[0]["source"] == "siswa.csv"
    assert list(store.iter_nodes("Program", [("20300001", "TKR")]))[0]["sectors"] == ["G", "C"]
    gone = store.delete_relationships("INTERNED_AT", [
        {"start": ("0012345601",), "end": ("AHM-01",), "props": {"start": "2021-01-04"}},
        {"start": ("0012345601",), "end": ("AHM-01",), "props": {"start": "1999-01-01"}},  # no such
    ], start_label="Person", end_label="Employer")
    assert gone == 1 and store.count_relationships("INTERNED_AT") == 2
    assert store.count_nodes("Person") == 5  # only the relationship went
