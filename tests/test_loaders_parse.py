"""Store-independent loader tests: readers, cell parsers, employer names.

All data is synthetic.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from alumni_graph.loaders.employers import EmployerIndex, derive_code, normalize_code, normalize_name
from alumni_graph.loaders.kinds import (
    Invalid, boolean, date, digits, enum, gender, header_key, integer, kind_of_name, phone,
    sector, sections,
)
from alumni_graph.loaders.readers import FileError, decode, read_source, read_table, sniff_delimiter


def rows(table):
    return list(table.rows)


# -- readers ------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encodings_and_delimiters(encoding, delimiter):
    text = delimiter.join(["nisn", "nama"]) + "\r\n" + delimiter.join(["0012345601", "Dédé Café"]) + "\r\n"
    t = read_table(text.encode(encoding), "siswa.csv")
    assert t.delimiter == delimiter
    assert rows(t) == [(1, ["nisn", "nama"]), (2, ["0012345601", "Dédé Café"])]


def test_csv_row_numbers_count_blank_lines_and_multiline_cells_as_spreadsheets_do():
    data = b'nisn,catatan\n\n0012345601,"dua\nbaris"\n0012345602,x\n'
    assert rows(read_table(data, "siswa.csv")) == [
        (1, ["nisn", "catatan"]), (2, []), (3, ["0012345601", "dua\nbaris"]), (4, ["0012345602", "x"]),
    ]


def test_delimiter_sniffing_ignores_commas_inside_quotes():
    assert sniff_delimiter('nisn;nama;alamat\n1;"Ani, S.Pd";"Jl. A, No. 1"\n') == ";"
    assert sniff_delimiter("nisn\n1\n") == ","


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, data in sheets.items():
        ws = wb.create_sheet(title)
        for r in data:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_typed_cells_and_sheet_named_after_the_kind():
    data = _xlsx({
        "Petunjuk": [["isi sheet siswa"]],
        "Siswa": [["nisn", "tanggal_lahir"], [12345601, dt.datetime(2004, 7, 5)], [], ["0012345602", None]],
    })
    t = read_table(data, "Siswa 2024.xlsx", kind="siswa")
    assert t.sheet == "Siswa"
    assert rows(t) == [
        (1, ["nisn", "tanggal_lahir"]), (2, [12345601, dt.date(2004, 7, 5)]), (3, []),
        (4, ["0012345602"]),
    ]
    # without a sheet named after the kind: the first sheet
    assert read_table(data, "x.xlsx", kind="program").sheet == "Petunjuk"


def test_xlsx_renamed_to_csv_still_reads_with_a_warning():
    t = read_table(_xlsx({"S": [["npsn"], ["20300001"]]}), "sekolah.csv")
    assert t.format == "xlsx" and t.warnings
    assert rows(t)[1] == (2, ["20300001"])


@pytest.mark.parametrize("data, name, phrase", [
    (b"npsn,nama\n20300001,SMK\n", "sekolah.xlsx", "bukan file XLSX yang sah"),
    (b"PK\x03\x04 not really a zip", "sekolah.xlsx", "rusak"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "sekolah.xls", ".xls"),
    (bytes(range(256)) * 20, "sekolah.csv", "bukan file teks"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 50, "sekolah.csv", "bukan file teks"),
    (b"", "sekolah.csv", "kosong"),
    (b"  \n \n", "sekolah.csv", "kosong"),
    (b"[1, 2]", "sekolah.jsonl", "satu objek per baris"),
])
def test_files_that_are_not_what_they_claim(data, name, phrase):
    with pytest.raises(FileError) as exc:
        rows(read_table(data, name))
    assert phrase in exc.value.msg
    assert exc.value.msg_en


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<x/>")
    with pytest.raises(FileError, match="not an Excel workbook"):
        read_table(buf.getvalue(), "siswa.xlsx")


def test_zip_bomb_is_refused_before_parsing(monkeypatch):
    import alumni_graph.loaders.readers as readers

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "\0" * (2 * 2**20))  # compresses to ~2 KiB
    monkeypatch.setattr(readers, "MAX_XLSX_UNZIPPED", 2**20)
    with pytest.raises(FileError, match="expands to too much"):
        read_table(buf.getvalue(), "siswa.xlsx")


def test_xml_entity_attacks_are_blocked_by_defusedxml():
    # openpyxl switches to defusedxml when it is installed; a sheet declaring
    # entities must not be expanded (billion laughs) nor resolved (XXE).
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True
    good = _xlsx({"S": [["npsn"], ["20300001"]]})
    src, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    evil = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = evil.encode() + (body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body)
            dst.writestr(item, body)
    with pytest.raises(FileError):
        rows(read_table(out.getvalue(), "sekolah.xlsx"))


def test_jsonl_rows_keep_line_numbers_and_report_bad_lines():
    data = b'{"npsn": "20300001", "nama": "A"}\n\nnot json\n[1]\n{"npsn": 20300002, "kota": "B"}\n'
    t = read_table(data, "sekolah.jsonl")
    assert t.header == ["npsn", "nama", "kota"]
    got = rows(t)
    assert got[0] == (1, ["20300001", "A", None])
    assert got[1][0] == 3 and "bukan JSON" in got[1][1].msg
    assert got[2][0] == 4 and "objek" in got[2][1].msg
    assert got[3] == (5, [20300002, None, "B"])


def test_read_source_size_limit():
    assert read_source(io.BytesIO(b"x" * 10), max_bytes=10) == b"x" * 10
    with pytest.raises(FileError) as exc:
        read_source(io.BytesIO(b"x" * 11), max_bytes=10)
    assert "terlalu besar" in exc.value.msg and "10 B" in exc.value.msg


def test_decode_prefers_utf8_then_windows_1252():
    assert decode("Café".encode()) == "Café"
    assert decode("Café – ok".encode("cp1252")) == "Café – ok"
    with pytest.raises(FileError):
        decode(b"abc\x00def")


# -- cell parsers ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, iso", [
    ("2024-07-05", "2024-07-05"), ("5/7/2024", "2024-07-05"), ("05-07-2024", "2024-07-05"),
    (dt.datetime(2024, 7, 5), "2024-07-05"), (dt.date(2024, 7, 5), "2024-07-05"),
    (45478, "2024-07-05"), ("2024-07-05 00:00:00", "2024-07-05"), ("29/02/2024", "2024-02-29"),
])
def test_dates(raw, iso):
    assert date(raw) == iso


@pytest.mark.parametrize("raw", ["31/02/2024", "2023-02-29", "13/13/2024", "2024/07/05", "5 Julu 2024", "07-2024", "true"])
def test_bad_dates(raw):
    with pytest.raises(Invalid):
        date(raw)


@pytest.mark.parametrize("raw, value", [
    ("ya", True), ("Tidak", False), ("Y", True), ("n", False), ("YES", True), ("no", False),
    ("true", True), ("False", False), ("1", True), ("0", False), (True, True), (0, False), (1.0, True),
])
def test_booleans(raw, value):
    assert boolean(raw) is value


@pytest.mark.parametrize("raw", ["mungkin", "2", "", "yaa"])
def test_bad_booleans(raw):
    with pytest.raises(Invalid):
        boolean(raw)


def test_identifiers():
    nisn = digits(10)
    assert nisn(" 0012345601 ") == "0012345601"
    assert nisn(12345601) == "0012345601"  # an XLSX number lost its zeros
    assert nisn(12345601.0) == "0012345601"
    # Text that lost its zeros (a CSV re-saved by Excel) is padded the same way.
    assert nisn("12345601") == "0012345601"
    for bad in ("00123456011", "00123-4560", "abcdefghij", 12345678901, "123456"):
        with pytest.raises(Invalid):
            nisn(bad)
    with pytest.raises(Invalid, match="leading zeros"):
        nisn("123456")


def test_enums_integers_gender_phone():
    status = enum(("bekerja", "mencari_kerja"))
    assert status(" Mencari Kerja ") == "mencari_kerja"
    assert status("mencari-kerja") == "mencari_kerja"
    with pytest.raises(Invalid):
        status("menganggur")
    score = integer(0, 100)
    assert score("85") == 85 and score(85.0) == 85 and score("100") == 100
    for bad in ("101", "-1", "85.5", "delapan", True):
        with pytest.raises(Invalid):
            score(bad)
    assert gender("Laki-laki") == "L" and gender("p") == "P"
    assert phone("0812-3456 7801") == "+6281234567801"
    assert phone(81234567801) == "+6281234567801"  # the 0 Excel dropped is restored
    assert phone("6281234567801") == phone("+62 812-3456-7801") == "+6281234567801"
    with pytest.raises(Invalid):
        phone("12")


def test_sections_and_kbli():
    assert sections("G;C;g") == ["G", "C"]
    assert sections("c, f") == ["C", "F"]
    with pytest.raises(Invalid):
        sections("G;Z")
    assert sector("C29100") == ("C", "29100")
    assert sector("I 56101") == ("I", "56101")
    assert sector("47111") == ("G", "47111")
    with pytest.raises(Invalid, match="section G"):
        sector("C47111")
    for bad in ("Z", "4711", "GG", "00000"):
        with pytest.raises(Invalid):
            sector(bad)


def test_headers_and_kinds_from_file_names():
    assert header_key(" Tahun  Lulus ") == "tahun_lulus"
    assert header_key("\ufeffNo. HP") == "no_hp"
    assert kind_of_name("siswa.csv") == "siswa"
    assert kind_of_name("Siswa 2024.xlsx") == "siswa"
    assert kind_of_name("SISWA_kelas_XII.CSV") == "siswa"
    assert kind_of_name("DU-DI Humas.xlsx") == "dudi"
    assert kind_of_name("siswa.ditolak.csv") == "siswa"
    assert kind_of_name("students.jsonl") == "siswa"
    assert kind_of_name("daftar siswa.csv") is None
    assert kind_of_name("2024 siswa.csv") is None


# -- employers ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "PT. Astra Honda Motor Tbk", "Astra Honda Motor", "PT ASTRA HONDA MOTOR", "ASTRA HONDA MOTOR, PT",
    "P.T. Astra Honda Motor", "PT.Astra Honda Motor", "pt  astra   honda motor", "Astra Honda Motor (Persero)",
])
def test_name_variants_normalise_alike(name):
    assert normalize_name(name) == "astra honda motor"


def test_legal_forms_and_codes():
    assert normalize_name("CV. Maju Jaya") == "maju jaya"
    assert normalize_name("UD Sumber Rejeki") == normalize_name("PD Sumber Rejeki") == "sumber rejeki"
    assert normalize_name("Koperasi Karyawan Sejahtera") == "karyawan sejahtera"
    assert normalize_name("PT") == "pt"  # nothing but a legal form: kept
    assert normalize_name("PTPN Nusantara") == "ptpn nusantara"  # whole words only
    assert normalize_code(" dudi 0001 ") == "DUDI-0001"
    assert derive_code("PT. Astra Honda Motor Tbk", "Jakarta") == "ASTRA-HONDA-MOTOR-JAKARTA"
    assert derive_code("Astra Honda Motor", "JAKARTA") == "ASTRA-HONDA-MOTOR-JAKARTA"
    assert derive_code("株式会社", None).startswith("DUDI-")
    assert derive_code("株式会社", None) == derive_code("株式会社", None)


def test_resolution_uses_city_to_split_ties_and_prefers_verified():
    idx = EmployerIndex()
    idx.add_node({"code": "AHM-JKT", "name": "PT Astra Honda Motor", "city": "Jakarta", "verified": True})
    idx.add_node({"code": "AHM-CKR", "name": "Astra Honda Motor", "city": "Cikarang", "verified": True})
    idx.add_node({"code": "MAJU", "name": "CV Maju", "verified": True})
    idx.add_node({"code": "MAJU-X", "name": "Maju", "verified": False})
    code, new, problem = idx.resolve(None, "ASTRA HONDA MOTOR", None)
    assert code is None and "AHM-CKR" in problem[0]
    assert idx.resolve(None, "astra honda motor tbk", "cikarang")[0] == "AHM-CKR"
    assert idx.resolve("ahm jkt", None, None)[0] == "AHM-JKT"
    assert idx.resolve(None, "Maju", None)[0] == "MAJU"  # the verified one
    code, new, problem = idx.resolve(None, "Astra Honda Motor", "Bandung")  # another branch
    assert code == "ASTRA-HONDA-MOTOR-BANDUNG" and new is not None and not new.verified
    assert idx.resolve(None, "PT Astra Honda Motor", "Bandung") == ("ASTRA-HONDA-MOTOR-BANDUNG", None, None)
    code, new, problem = idx.resolve("NOPE", None, None)
    assert code is None and "kode_dudi" in problem[0]
