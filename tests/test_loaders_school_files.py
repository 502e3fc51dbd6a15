"""Files as schools really make them (issue 11, reading), on both stores.

Every fixture is built here the way the tool that makes it writes it:
openpyxl with real merged ranges, hidden sheets and number formats (Excel,
Google Sheets keep these in XLSX); xlwt for the old .xls (BIFF8) Excel
writes; an ODS zip with the table:table XML LibreOffice writes; CSV bytes in
Windows-1252 / UTF-8 as Excel and Google Sheets save them. The Dapodik
layout follows public importers of "Unduh → Daftar PD" (see loaders/dapodik.py).
All names and numbers are synthetic.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from alumni_graph.loaders import load_files, load_paths
from alumni_graph.loaders.dapodik import ROMBEL_MAP_FILE, load_rombel_map
from alumni_graph.loaders.readers import FileError, read_grids
from alumni_graph.loaders.sheets import read_sheets
from web_support import make_client, web_store  # noqa: F401 (fixtures)

SEKOLAH = "npsn,nama,kota\n20300001,SMK Negeri 1 Contoh,Kota Tegal\n"
PROGRAM = ("npsn,kode,nama\n20300001,TKRO,Teknik Kendaraan Ringan Otomotif\n"
           "20300001,TKJ,Teknik Komputer dan Jaringan\n20300001,AKL,Akuntansi dan Keuangan Lembaga\n")


def base(store, tmp_path):
    d = tmp_path / "base"
    d.mkdir()
    (d / "sekolah.csv").write_text(SEKOLAH)
    (d / "program.csv").write_text(PROGRAM)
    report = load_paths(store, [d / "sekolah.csv", d / "program.csv"])
    assert report.ok, report.render()


def xlsx_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def person(store, nisn):
    got = list(store.iter_nodes("Person", [(nisn,)]))
    return got[0] if got else None


def one(name, data):
    return [(name, io.BytesIO(data))]


def texts(report, level=None):
    return [p.render("en") for p in report.problems if level is None or p.level == level]


# -- a hand-kept workbook ------------------------------------------------------------------

def bkk_workbook() -> bytes:
    """An alumni list kept by hand in Excel: a hidden first sheet of dropdown
    lists, a title block, one sheet per class, a header with Alt+Enter line
    breaks, graduation year and consent merged over the class's rows, NISN
    typed as numbers shown with a 0000000000 format, phones as numbers, a
    JUMLAH row, the signature block, and empty rows that keep their borders."""
    wb = openpyxl.Workbook()
    lists = wb.active
    lists.title = "Daftar Pilihan"
    for v in ("Ya", "Tidak", "L", "P"):
        lists.append([v])
    lists.sheet_state = "hidden"
    thin = openpyxl.styles.Side(style="thin")
    border = openpyxl.styles.Border(left=thin, right=thin, top=thin, bottom=thin)
    for sheet, prog, base_nisn in (("XII TKR", "Teknik Kendaraan Ringan Otomotif", 12345601),
                                    ("XII TKJ", "Teknik Komputer dan Jaringan", 12345611)):
        ws = wb.create_sheet(sheet)
        ws.append(["DATA ALUMNI SMK NEGERI 1 CONTOH"])
        ws.merge_cells("A1:I1")
        ws.append(["Tahun Pelajaran 2024/2025"])
        ws.append([])
        ws.append(["No", "NISN", "Nama Peserta Didik", "NPSN", "Kompetensi Keahlian", "Tempat, Tanggal Lahir",
                   "Thn\nLulus", "Bersedia\ndihubungi", "No. WA"])
        for i in range(5):
            ws.append([i + 1, base_nisn + i, f"Siswa {sheet} {i + 1}", "20300001", prog,
                       f"Tegal, {i + 3} Mei 2006", 2024 if i == 0 else None, "Ya" if i == 0 else None,
                       81234567890 + i])
            ws.cell(row=ws.max_row, column=2).number_format = "0000000000"
        ws.merge_cells("G5:G9")
        ws.merge_cells("H5:H9")
        ws.append(["", "JUMLAH", 5])
        ws.append([])
        ws.append(["", "", "", "", "", "Tegal, 14 Juli 2025"])
        ws.append(["", "", "", "", "", "Kepala Sekolah"])
        ws.append([])
        ws.append(["", "", "", "", "", "Drs. Contoh Nama, M.Pd."])
        ws.append(["", "", "", "", "", "NIP. 19700101 199503 1 001"])
        for r in range(ws.max_row + 1, ws.max_row + 3000):  # bordered, empty
            ws.cell(row=r, column=2).border = border
    return xlsx_bytes(wb)


def test_hand_kept_workbook_loads_every_visible_sheet(store, tmp_path):
    base(store, tmp_path)
    report = load_files(store, one("Data Alumni XII 2025.xlsx", bkk_workbook()))
    assert report.ok, report.render()
    names = sorted(f.name for f in report.files)
    assert names == ["Data Alumni XII 2025.xlsx › XII TKJ", "Data Alumni XII 2025.xlsx › XII TKR"]
    assert sum(f.created for f in report.files) == 10
    for nisn in ("0012345601", "0012345605", "0012345611", "0012345615"):
        p = person(store, nisn)
        # merged over 5 rows: every row has the year and consent the person sees
        assert p["graduation_year"] == 2024 and p["consent_contact"] is True, nisn
        assert p["phone"].startswith("+628123456789")
    assert person(store, "0012345601")["program_code"] == "TKRO"
    assert person(store, "0012345613")["birth_date"] == "2006-05-05"
    text = "\n".join(texts(report))
    assert "hidden sheet 'Daftar Pilihan' skipped" in text
    assert "total rows skipped" in text and "signature/footer rows below the table skipped" in text
    assert "title rows above the table skipped" in text
    # every message names the file and the sheet
    assert all("›" in p.file for p in report.problems)
    # bordered empty rows are neither data nor errors
    assert not texts(report, "error")


def test_kind_from_header_and_override(store, tmp_path):
    base(store, tmp_path)
    csv_text = "nisn;nama;npsn;kode_program\n0012345621;Ani;20300001;TKJ\n"
    report = load_files(store, one("Data Siswa XII 2025.csv", csv_text.encode()))
    assert report.ok and report.files[0].kind == "siswa", report.render()
    assert any("told from its header" in t for t in texts(report))
    # The kind given wins over the name: a programme list named like a student file.
    report = load_files(store, one("siswa.csv", b"npsn,kode,nama\n20300001,DKV,Desain Komunikasi Visual\n"),
                        kind="program")
    assert report.ok and report.files[0].kind == "program", report.render()


def test_missing_column_lists_accepted_names_and_the_closest_header(store, tmp_path):
    base(store, tmp_path)
    report = load_files(store, one("siswa.csv", b"NISN,Nama Lengkp,NPSN,Jurusan\n0012345601,Ani,20300001,TKJ\n"))
    assert not report.ok
    msg = report.files[0].problems[0].message_en
    assert "required columns missing: nama" in msg
    assert "nama peserta didik" in msg and "closest header in the file: 'Nama Lengkp'" in msg


# -- dates, numbers, names, encodings --------------------------------------------------------

def siswa_csv(rows, sep=",") -> bytes:
    head = sep.join(["nisn", "nama", "npsn", "kode_program", "tanggal_lahir"])
    return ("\r\n".join([head] + [sep.join(r) for r in rows]) + "\r\n").encode()


def test_us_settings_csv_dates_are_read_month_first_when_a_value_proves_it(store, tmp_path):
    base(store, tmp_path)
    data = siswa_csv([["0012345601", "Ani", "20300001", "TKJ", "5/12/2006"],
                      ["0012345602", "Budi", "20300001", "TKJ", "12/31/2006"]])
    report = load_files(store, one("siswa.csv", data))
    assert report.ok, report.render()
    assert person(store, "0012345601")["birth_date"] == "2006-05-12"  # never silently 2006-12-05
    assert any("read as month/day/year" in t for t in texts(report))


def test_ambiguous_date_column_reads_day_first_and_says_so(store, tmp_path):
    base(store, tmp_path)
    data = siswa_csv([["0012345601", "Ani", "20300001", "TKJ", "5/12/2006"]], sep=";")
    report = load_files(store, one("siswa.csv", data))
    assert report.ok
    assert person(store, "0012345601")["birth_date"] == "2006-12-05"
    assert any("read as day/month/year (the Indonesian order)" in t for t in texts(report))


def test_contradicting_date_column_is_refused_with_the_hint(store, tmp_path):
    base(store, tmp_path)
    data = siswa_csv([["0012345601", "Ani", "20300001", "TKJ", "31/12/2006"],
                      ["0012345602", "Budi", "20300001", "TKJ", "12/31/2006"]])
    report = load_files(store, one("siswa.csv", data))
    assert not report.ok and person(store, "0012345601") is None
    msg = report.files[0].problems[0].message_en
    assert "tanggal_lahir" in msg and "rows 2" in msg and "rows 3" in msg and "YYYY-MM-DD" in msg


def test_month_names_two_digit_years_serials_and_decimal_comma(store, tmp_path):
    base(store, tmp_path)
    data = siswa_csv([["0012345601", "Ani", "20300001", "TKJ", "13 Mei 2006"],
                      ["0012345602", "Budi", "20300001", "TKJ", "13-Agt-06"],
                      ["0012345603", "Cici", "20300001", "TKJ", "38718"]], sep=";")
    assert load_files(store, one("siswa.csv", data)).ok
    assert [person(store, f"001234560{i}")["birth_date"] for i in (1, 2, 3)] == [
        "2006-05-13", "2006-08-13", "2006-01-01"]
    pkl = "nisn;nama_dudi;mulai;nilai\r\n0012345601;CV Maju Jaya;01/07/2024;85,5\r\n".encode("cp1252")
    report = load_files(store, one("prakerin.csv", pkl))
    assert report.ok, report.render()
    rels = [r for r in store.dump()["relationships"] if r[0] == "INTERNED_AT"]
    assert rels and rels[0][-1]["score"] == 85.5


def test_stray_windows_1252_byte_in_utf8_is_decoded_by_line_and_flagged(store, tmp_path):
    base(store, tmp_path)
    data = ("nisn,nama,npsn,kode_program\n0012345601,Dé Lestari,20300001,TKJ\n").encode() + \
        b"0012345602,Jos\xe9 Rinaldi,20300001,TKJ\n"
    report = load_files(store, one("siswa.csv", data))
    assert report.ok
    assert person(store, "0012345601")["name"] == "Dé Lestari"  # never "DÃ©"
    assert person(store, "0012345602")["name"] == "José Rinaldi"
    flagged = [p for p in report.problems if p.row == 3 and "not UTF-8" in p.message_en]
    assert flagged
    # a quoted cell over two lines above: the flagged line is still named by its row
    data = ('nisn,nama,npsn,kode_program\n0012345603,"Dé\nLestari",20300001,TKJ\n').encode() + \
        b"0012345604,Jos\xe9,20300001,TKJ\n"
    report = load_files(store, one("siswa.csv", data))
    assert [p.row for p in report.problems if "not UTF-8" in p.message_en] == [3]


def test_question_marks_where_letters_were_are_flagged_per_row(store, tmp_path):
    base(store, tmp_path)
    data = "nisn;nama;npsn;kode_program\r\n0012345601;??li? Nguy?n;20300001;TKJ\r\n0012345602;Ani;20300001;TKJ\r\n"
    report = load_files(store, one("siswa.csv", data.encode("cp1252")))
    assert report.ok
    rows = [p.row for p in report.problems if "'?'" in p.message_en]
    assert rows == [2]


def test_nisn_and_phones_are_repaired_the_same_way_in_every_format(store, tmp_path):
    base(store, tmp_path)
    csv_data = b"nisn,nama,npsn,kode_program,no_hp\n12345601,Ani,20300001,TKJ,8123456789\n"
    wb = openpyxl.Workbook()
    wb.active.append(["nisn", "nama", "npsn", "kode_program", "no_hp"])
    wb.active.append([12345602, "Budi", "20300001", "TKJ", 8123456780])
    report = load_files(store, [("siswa.csv", io.BytesIO(csv_data)), ("siswa2.xlsx", io.BytesIO(xlsx_bytes(wb)))])
    assert report.ok, report.render()
    assert person(store, "0012345601")["phone"] == "+628123456789"
    assert person(store, "0012345602")["phone"] == "+628123456780"
    for f in report.files:
        padded = [p.row for p in f.problems if "padded with leading zeros" in p.message_en]
        zero = [p.row for p in f.problems if "leading 0 of the phone" in p.message_en]
        assert padded == [2] and zero == [2], f.name


def test_phone_in_scientific_notation_is_refused_with_the_fix(store, tmp_path):
    base(store, tmp_path)
    data = b"nisn,nama,npsn,kode_program,no_hp\n0012345601,Ani,20300001,TKJ,8.12345E+11\n"
    report = load_files(store, one("siswa.csv", data))
    assert not report.ok
    p = report.files[0].problems[-1]
    assert (p.row, p.column, p.value) == (2, "no_hp", "8.12345E+11") and "Text" in p.message_en
    # As a number in an XLSX the digits Excel kept are used, and a suspicious 0000 end is flagged.
    wb = openpyxl.Workbook()
    wb.active.append(["nisn", "nama", "npsn", "kode_program", "no_hp"])
    wb.active.append(["0012345601", "Ani", "20300001", "TKJ", 812345000000])
    report = load_files(store, one("siswa.xlsx", xlsx_bytes(wb)))
    assert report.ok and person(store, "0012345601")["phone"] == "+62812345000000"
    assert [p.row for p in report.problems if "last digits may be lost" in p.message_en] == [2]


# -- other formats --------------------------------------------------------------------------

def xls_bytes(rows, merge=None) -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sh = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if merge and (r, c) == merge[:2]:
                sh.write_merge(r, merge[2], c, c, v)
            elif not (merge and c == merge[1] and merge[0] < r <= merge[2]):
                sh.write(r, c, v)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def ods_bytes(rows, hidden_first=False) -> bytes:
    """A minimal ODS as LibreOffice writes one (mimetype first, stored)."""
    def cell(v):
        if isinstance(v, tuple):  # (value, rows spanned): a merged cell and the covered ones under it
            return cell(v[0]).replace("<table:table-cell ", f'<table:table-cell table:number-rows-spanned="{v[1]}" ', 1)
        if isinstance(v, dict):  # raw XML, as written
            return v["raw"]
        if v == "covered":
            return "<table:covered-table-cell/>"
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    hidden = ('<table:table table:name="Pilihan" table:style-name="ta2"><table:table-row><table:table-cell '
              'office:value-type="string"><text:p>Ya</text:p></table:table-cell></table:table-row></table:table>'
              if hidden_first else "")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:automatic-styles><style:style style:name="ta2" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
        f'<office:body><office:spreadsheet>{hidden}<table:table table:name="Siswa">{body}</table:table>'
        '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def test_xls_and_ods_in_a_folder_load_like_xlsx(store, tmp_path):
    base(store, tmp_path)
    d = tmp_path / "folder"
    d.mkdir()
    rows = [["Daftar Siswa"], ["NISN", "Nama Lengkap", "NPSN", "Jurusan", "Tanggal Lahir", "Thn Lulus"],
            [12345601.0, "Ani", "20300001", "TKJ", "13 Mei 2006", 2024],
            [12345603.0, "Cici", "20300001", "TKJ", "14 Mei 2006", None]]
    (d / "siswa lama.xls").write_bytes(xls_bytes(rows, merge=(2, 5, 3)))  # Thn Lulus merged over both
    rows2 = [["NISN", "Nama Lengkap", "NPSN", "Jurusan", "Thn Lulus"],
             [12345602, "Budi", "20300001", "AKL", (2023, 2)], [12345604, "Dedi", "20300001", "AKL", "covered"]]
    (d / "siswa libre.ods").write_bytes(ods_bytes(rows2, hidden_first=True))
    report = load_paths(store, [d])
    assert report.ok, report.render()
    assert {f.name for f in report.files} == {"siswa lama.xls › Sheet1", "siswa libre.ods › Siswa"}
    assert person(store, "0012345601")["birth_date"] == "2006-05-13"
    assert person(store, "0012345603")["graduation_year"] == 2024  # the merged cell, as seen
    assert person(store, "0012345602")["program_code"] == "AKL"
    assert person(store, "0012345604")["graduation_year"] == 2023  # spanned in LibreOffice
    assert any("hidden sheet 'Pilihan' skipped" in t for t in texts(report))


# -- Dapodik ----------------------------------------------------------------------------------

DAPODIK_TOP = (["No", "Nama", "NIPD", "JK", "NISN", "Tempat Lahir", "Tanggal Lahir", "NIK", "Agama", "Alamat",
                "RT", "RW", "Dusun", "Kelurahan", "Kecamatan", "Kode Pos", "Jenis Tinggal", "Alat Transportasi",
                "Telepon", "HP", "E-Mail", "SKHUN", "Penerima KPS", "No. KPS"]
               + ["Data Ayah"] * 6 + ["Data Ibu"] * 6 + ["Data Wali"] * 6
               + ["Rombel Saat Ini", "No Peserta Ujian Nasional", "No Seri Ijazah", "Penerima KIP", "Nomor KIP",
                  "Nama di KIP", "Nomor KKS", "No Registrasi Akta Lahir", "Bank", "Nomor Rekening Bank",
                  "Rekening Atas Nama", "Layak PIP (usulan dari sekolah)", "Alasan Layak PIP", "Kebutuhan Khusus",
                  "Sekolah Asal", "Anak ke-berapa", "Lintang", "Bujur", "No KK", "Berat Badan", "Tinggi Badan",
                  "Lingkar Kepala", "Jml. Saudara Kandung", "Jarak Rumah ke Sekolah (KM)"])
PARENT = ["Nama", "Tahun Lahir", "Jenjang Pendidikan", "Pekerjaan", "Penghasilan", "NIK"]


def dapodik_export(students) -> bytes:
    """Dapodik's "Daftar Peserta Didik" as the application downloads it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["Daftar Peserta Didik"])
    ws.append(["SMK NEGERI 1 CONTOH"])
    ws.append(["Kecamatan Tegal Timur, Kota Tegal, Prov. Jawa Tengah"])
    ws.append(["Tanggal Unduh: 2025-07-14 09:12:33", None, None, None, None, "Pengunduh: operator@contoh.sch.id"])
    ws.append(DAPODIK_TOP)
    sub = []
    for i, h in enumerate(DAPODIK_TOP):
        sub.append(PARENT[(i - 24) % 6] if h.startswith("Data ") else None)
    ws.append(sub)
    for c, h in enumerate(DAPODIK_TOP, 1):
        col = openpyxl.utils.get_column_letter(c)
        if not h.startswith("Data "):
            ws.merge_cells(f"{col}5:{col}6")
    for start in (25, 31, 37):
        ws.merge_cells(start_row=5, start_column=start, end_row=5, end_column=start + 5)
    for i, (nisn, name, rombel, hp) in enumerate(students, 1):
        row = [i, name, f"2122{i:03d}", "L", nisn, "Tegal", "2007-03-0" + str(i), "3328" + "0" * 11 + str(i),
               "Islam", "Jl. Contoh No. " + str(i), "1", "2", "", "Kel. Contoh", "Kec. Contoh", "52111",
               "Bersama orang tua", "Sepeda motor", "", hp, "", "", "Tidak", ""]
        row += ["Ayah " + name, "1975", "SMA / sederajat", "Wiraswasta", "Rp. 2,000,000 - Rp. 4,999,999",
                "3328" + "1" * 12] + ["Ibu " + name, "1978", "SMP / sederajat", "Tidak bekerja", "Tidak Berpenghasilan",
                                      "3328" + "2" * 12] + [""] * 6
        row += [rombel, "", "", "Tidak", "", "", "", "3328-LT-01", "BRI", "0123456789", name, "Tidak", "",
                "Tidak ada", "SMP N 1 Contoh", "1", "-6.8694", "109.1402", "3328" + "3" * 12, "50", "165", "0", "1", "2"]
        ws.append(row)
    return xlsx_bytes(wb)


STUDENTS = [("0071234501", "ADI PRATAMA", "XII TKJ 2", "081234500001"),
            ("0071234502", "BUNGA LESTARI", "XII-TKRO-A", "081234500002"),
            ("0071234503", "CITRA DEWI", "12 AKL 1", ""),
            ("0071234504", "DODI ALUMNUS", "XII TKJ 2", "081234500004")]


def test_dapodik_export_loads_as_is(store, tmp_path):
    base(store, tmp_path)
    alumnus = "nisn,nama,npsn,kode_program,tahun_lulus\n0071234504,Dodi Alumnus,20300001,AKL,2023\n"
    assert load_files(store, one("siswa.csv", alumnus.encode())).ok
    data_dir = tmp_path / "data"
    name = "daftar_pd-SMK NEGERI 1 CONTOH-2025-07-14 09_12_33.xlsx"
    report = load_files(store, one(name, dapodik_export(STUDENTS)), data_dir=data_dir)
    assert report.ok, report.render()
    f = report.files[0]
    assert f.kind == "siswa" and f.created == 3
    assert person(store, "0071234501")["program_code"] == "TKJ"
    assert person(store, "0071234502")["program_code"] == "TKRO"
    assert person(store, "0071234503")["program_code"] == "AKL"
    assert person(store, "0071234501")["phone"] == "+6281234500001"
    assert person(store, "0071234501")["birth_date"] == "2007-03-01"
    # never an alumnus back to a student: the graduation year and programme stay
    dodi = person(store, "0071234504")
    assert dodi["graduation_year"] == 2023 and dodi["program_code"] == "AKL"
    # nothing the product does not need is stored
    dumped = json.dumps(store.dump())
    for secret in ("3328", "Ayah ", "Jl. Contoh", "0123456789", "-6.8694", "Wiraswasta"):
        assert secret not in dumped
    text = "\n".join(texts(report))
    for word in ("Dapodik", "NIK", "Data Ayah", "Bank", "Lintang"):
        assert word in text, word
    # the rombel -> programme mapping is shown and stored for next time
    assert "XII TKJ 2 → TKJ" in text
    shown = {e["rombel"]: (e["code"], e["how"]) for e in report.as_dict()["files"][0]["rombel_mapping"]}
    assert shown == {"XII TKJ 2": ("TKJ", "kode"), "XII TKRO A": ("TKRO", "kode"), "12 AKL 1": ("AKL", "kode")}
    assert load_rombel_map(data_dir)["XII TKRO A"] == ["20300001", "TKRO"]
    assert (data_dir / ROMBEL_MAP_FILE).stat().st_mode & 0o777 == 0o600


def test_dapodik_unknown_rombel_is_refused_per_row_with_the_fix(store, tmp_path):
    base(store, tmp_path)
    report = load_files(store, one("daftar_pd.xlsx", dapodik_export([("0071234501", "ADI", "XII MM 1", "")])))
    assert not report.ok
    p = [p for p in report.problems if p.level == "error"][0]
    assert (p.row, p.column, p.value) == (7, "kode_program", "XII MM 1") and "mapping" in p.message_en


# -- limits ------------------------------------------------------------------------------------

def xfd_bomb(rows=50_000) -> bytes:
    """A small XLSX whose rows each hold one cell in column XFD (the last)."""
    wb = openpyxl.Workbook()
    wb.active.append(["nisn", "nama"])
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes(wb)))
    cells = "".join(f'<row r="{i}"><c r="XFD{i}" t="inlineStr"><is><t>x</t></is></c></row>' for i in range(2, rows + 2))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>nisn</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>nama</t></is></c></row>' + cells + '</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            z.writestr(n, sheet if n == "xl/worksheets/sheet1.xml" else src.read(n))
    return out.getvalue()


def test_cells_far_right_are_refused_without_building_a_dense_grid():
    data = xfd_bomb()
    assert len(data) < 400_000
    began = time.perf_counter()
    with pytest.raises(FileError) as exc:
        read_grids(data, "siswa.xlsx")
    assert time.perf_counter() - began < 20  # a dense 50,000 x 16,384 grid would take minutes and GBs
    assert exc.value.sheet == "Sheet" and "XFD2" in exc.value.msg_en and "16,384 columns" in exc.value.msg_en


def test_a_refused_sheet_is_named_with_its_file(store, tmp_path):
    report = load_files(store, one("siswa.xlsx", xfd_bomb(2000)))
    assert not report.ok and report.files[0].name == "siswa.xlsx › Sheet"
    assert "XFD2" in report.files[0].problems[0].message_en


def test_ods_with_content_far_right_is_refused_before_it_is_built():
    far = {"raw": '<table:table-cell table:number-columns-repeated="16000"/><table:table-cell '
                  'office:value-type="string"><text:p>x</text:p></table:table-cell>'}
    data = ods_bytes([["NISN", "Nama"], ["1", "a", far]])
    with pytest.raises(FileError) as exc:
        read_grids(data, "siswa.ods")
    assert exc.value.sheet == "Siswa" and "16,003 columns" in exc.value.msg_en


def test_limits_are_configurable_in_one_place():
    from alumni_graph.loaders.limits import Limits

    data = "nisn,nama,npsn,kode_program\n" + "".join(f"00123456{i:02d},A,20300001,TKJ\n" for i in range(20))
    with pytest.raises(FileError, match="limit 10"):
        read_sheets(data.encode(), "siswa.csv", limits=Limits(max_rows=10, header_search_rows=2))
    assert len(read_sheets(data.encode(), "siswa.csv").tables[0].header) == 4


# -- templates ----------------------------------------------------------------------------------

def test_xlsx_template_keeps_zeros_has_dates_dropdowns_and_explains_columns():
    from alumni_graph.loaders.templates import csv_header, xlsx_template

    wb = openpyxl.load_workbook(io.BytesIO(xlsx_template("siswa")))
    ws = wb["Data"]
    head = [c.value for c in ws[1]]
    assert head == csv_header("siswa").split(",")
    col = {name: openpyxl.utils.get_column_letter(i) for i, name in enumerate(head, 1)}
    assert ws[f"{col['nisn']}2"].number_format == "@" and ws[f"{col['no_hp']}2"].number_format == "@"
    assert ws[f"{col['tanggal_lahir']}2"].number_format == "yyyy-mm-dd"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"{col['status']}2"] == '"bekerja,melanjutkan,wirausaha,mencari_kerja,tidak_terdata"'
    assert lists[f"{col['jenis_kelamin']}2"] == '"L,P"'
    explained = {r[0].value: r for r in wb["Petunjuk"].iter_rows(min_row=2) if r[0].value}
    assert explained["nisn"][1].value == "ya" and "nama_peserta_didik" in explained["nama"][3].value
    # a filled-in template loads back: the reader accepts what the template offers
    ws.append(["12345601", "Ani", "20300001", "TKJ", "P", dt.date(2006, 5, 13)])
    buf = io.BytesIO()
    wb.save(buf)
    t = read_sheets(buf.getvalue(), "templat-siswa.xlsx").tables[0]
    assert t.kind == "siswa" and list(t.rows)[0][1][:6] == ["0012345601", "Ani", "20300001", "TKJ", "P", "2006-05-13"]


@pytest.mark.parametrize("role, status", [("admin", 200), ("bkk", 403)])
def test_template_routes_are_for_admins(make_client, role, status):
    c = make_client(role=role)
    r = c.get("/impor/templat/siswa.xlsx")
    assert r.status_code == status
    if status == 200:
        assert openpyxl.load_workbook(io.BytesIO(r.data))["Data"]["A1"].value == "nisn"
        text = c.get("/impor/templat/dudi.csv").get_data(as_text=True)
        assert text.lstrip("\ufeff").startswith("nama,kode,")
        assert c.get("/impor/templat/rahasia.xlsx").status_code == 404


def test_cli_kind_option_through_the_installed_command(tmp_path):
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("alumni-graph")
    f = tmp_path / "daftar.csv"
    f.write_text("kode;nama;npsn\nX;SMK Contoh;20300009\n")
    run = subprocess.run([str(exe), "--backend", "embedded", "--data-dir", str(tmp_path / "d"), "load", "--json",
                          "--kind", "sekolah", str(f)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout)["files"][0]["kind"] == "sekolah"


def test_file_format_doc_lists_every_accepted_header():
    from alumni_graph.loaders.kinds import KINDS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "file-format.md").read_text(encoding="utf-8")
    for kind in KINDS.values():
        assert f"### `{kind.name}`" in doc
        for col in kind.columns:
            assert f"`{col.name}`" in doc
            for alias in col.aliases:
                assert alias.replace("_", " ") in doc, (kind.name, alias)
