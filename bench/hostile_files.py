"""Hostile upload files of issue 12, built byte by byte (no spreadsheet
program writes them; an attacker does).

- :func:`xfd_xlsx`: a 247 KB XLSX with a valid ``siswa`` header and 50,000
  rows that each hold one cell in column XFD (the last of 16,384 columns).
  2.4 MB unpacked, so it passes the zip-size guard; a reader that pads rows
  to the sheet's width builds 819 million cells.
- :func:`problems_xlsx`: a sub-megabyte XLSX that unpacks to ~256 MB of rows
  whose every cell is invalid: millions of problems.

``python -m bench.hostile_files DIR`` writes both into DIR.
"""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

SISWA_HEADER = ["nisn", "nama", "npsn", "kode_program", "jenis_kelamin", "tanggal_lahir",
                "tahun_masuk", "tahun_lulus", "status", "bersedia_dihubungi", "no_hp", "email"]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="siswa" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '</Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetData>')
_SHEET_TAIL = '</sheetData></worksheet>'
_COLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return '<row r="1">' + "".join(_cell(f"{_COLS[i]}1", h) for i, h in enumerate(SISWA_HEADER)) + "</row>"


def _write(path: Path, rows) -> Path:
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(_SHEET_HEAD.encode())
            f.write(_header_row().encode())
            for chunk in rows:
                f.write(chunk.encode())
            f.write(_SHEET_TAIL.encode())
    return path


def xfd_xlsx(path: Path, rows: int = 50_000) -> Path:
    """A valid siswa header, then ``rows`` rows each with one cell in column XFD."""
    def gen():
        for r in range(2, rows + 2):
            yield f'<row r="{r}">{_cell(f"XFD{r}", "x")}</row>'
    return _write(path, gen())


def problems_xlsx(path: Path, unpacked_mb: int = 250) -> Path:
    """Rows whose every siswa cell is invalid, until ~``unpacked_mb`` MB unpacked."""
    # Rows and cells without ``r`` (optional in OOXML): identical rows compress
    # about 300:1, so the file stays far below the 10 MB upload limit.
    row = "<row>" + '<c t="inlineStr"><is><t>?</t></is></c>' * len(SISWA_HEADER) + "</row>"
    block = row * 1000
    n = unpacked_mb * 1024 * 1024 // len(block)
    return _write(path, (block for _ in range(n)))


def main(argv: list[str]) -> None:
    out = Path(argv[0] if argv else ".")
    out.mkdir(parents=True, exist_ok=True)
    for name, build in (("siswa-xfd.xlsx", xfd_xlsx), ("siswa-256mb.xlsx", problems_xlsx)):
        p = build(out / name)
        with zipfile.ZipFile(p) as z:
            unpacked = sum(i.file_size for i in z.infolist())
        print(f"{p}: {p.stat().st_size / 1024:.0f} KB, {unpacked / 2**20:.1f} MB unpacked")


if __name__ == "__main__":
    main(sys.argv[1:])
