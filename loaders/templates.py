"""Downloadable templates: one XLSX per kind, and the CSV header line.

The XLSX has the contract's columns in order on sheet "Data" (NISN, NPSN and
phone columns formatted as Text so Excel keeps leading zeros, date columns
as dates, dropdowns for the values an enum allows) and a sheet "Petunjuk"
that explains each column: required or not, the format, the header names
also accepted. Built from :data:`loaders.kinds.KINDS`, so it cannot drift
from what the loader reads.
"""
from __future__ import annotations

import io

from alumni_graph.loaders import kinds as K

_TEXT_COLUMNS = {"nisn", "npsn", "no_hp", "kode", "kode_program", "kode_dudi", "nomor_mou"}
_ENUMS = {
    "status": K.STATUSES, "skala": K.SCALES, "sumber": K.CHANNELS, "jenis_kelamin": ("L", "P"),
    "bersedia_dihubungi": ("ya", "tidak"), "boleh_ditampilkan": ("ya", "tidak"), "selaras": ("ya", "tidak"),
}
_FORMAT = {
    "nisn": ("10 digit, sebagai Teks (0012345678)", "10 digits, as Text (0012345678)"),
    "npsn": ("8 digit", "8 digits"),
    "no_hp": ("081234567890 atau +6281234567890; disimpan +62…", "081234567890 or +6281234567890; stored +62…"),
    "nilai": ("angka 0-100, boleh desimal (85,5)", "a number 0-100, decimals allowed (85.5)"),
    "bidang": ("huruf seksi KBLI dipisah ; (G;C)", "KBLI section letters separated by ; (G;C)"),
    "bidang_usaha": ("huruf seksi KBLI (G) atau kode KBLI 5 digit", "a KBLI section letter (G) or a 5-digit code"),
    "jenis": ("salah satu/lebih dari daftar, dipisah ;", "one or more of the list, separated by ;"),
}


def _kind(kind: str) -> K.Kind:
    if kind not in K.KINDS:
        raise KeyError(kind)
    return K.KINDS[kind]


def csv_header(kind: str) -> str:
    """The CSV header line of a kind.

    >>> csv_header("sekolah")
    'npsn,nama,kota,provinsi'
    """
    return ",".join(c.name for c in _kind(kind).columns)


def _describe(col: K.Column) -> tuple[str, str]:
    if col.name in _FORMAT:
        return _FORMAT[col.name]
    if col.name in _ENUMS:
        vals = ", ".join(_ENUMS[col.name])
        return f"salah satu dari: {vals}", f"one of: {vals}"
    if col.parse is K.date:
        return ("tanggal (sel tanggal, YYYY-MM-DD, DD/MM/YYYY atau 13 Mei 2006)",
                "a date (a date cell, YYYY-MM-DD, DD/MM/YYYY or 13 Mei 2006)")
    if col.parse is K.year:
        return "tahun 4 digit (2024)", "a 4-digit year (2024)"
    return "teks", "text"


def xlsx_template(kind: str) -> bytes:
    """The XLSX template of a kind, as bytes."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    k = _kind(kind)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for i, col in enumerate(k.columns, 1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=col.name)
        cell.font = bold
        if col.required:
            cell.fill = fill
        ws.column_dimensions[letter].width = max(14, len(col.name) + 4)
        fmt = "@" if col.name in _TEXT_COLUMNS else ("yyyy-mm-dd" if col.parse is K.date else None)
        if fmt:
            for r in range(2, 1001):
                ws.cell(row=r, column=i).number_format = fmt
        if col.name in _ENUMS:
            dv = DataValidation(type="list", formula1='"' + ",".join(_ENUMS[col.name]) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle=col.name,
                                error="Pilih dari daftar / choose from the list")
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}1000")
    ws.freeze_panes = "A2"
    info = wb.create_sheet("Petunjuk")
    info.append(["kolom", "wajib", "format", "nama judul lain yang diterima", "column (EN)", "format (EN)"])
    for c in info[1]:
        c.font = bold
    for col in k.columns:
        fmt_id, fmt_en = _describe(col)
        info.append([col.name, "ya" if col.required else "", fmt_id, ", ".join(col.aliases),
                     col.name, fmt_en])
    for group in k.one_of:
        info.append([" / ".join(group), "salah satu", "isi salah satu kolom ini", "", " / ".join(group),
                     "fill one of these columns"])
    info.append([])
    info.append(["Baris judul di atas tabel, baris JUMLAH dan tanda tangan di bawahnya dilewati. "
                 "Sel kosong tidak menghapus data yang tersimpan."])
    for letter, width in zip("ABCDEF", (22, 8, 48, 60, 22, 48)):
        info.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
