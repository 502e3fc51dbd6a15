"""Readers: CSV, XLSX, XLS, ODS and JSON-lines files into grids of cells with
the row number a spreadsheet shows.

A reader knows nothing of kinds or the graph: :mod:`loaders.sheets` finds the
table in a grid (title block, header, total and signature rows) and tells
its kind. The format is told by the content (magic bytes), not only by the
extension, so an XLSX renamed to ``.csv`` still reads, and a "``.xlsx``"
that is not a zip is reported as such.

Workbooks are read with python-calamine (XLSX, XLS, ODS; fast, typed cells:
dates stay dates). Every sheet is returned with its visibility; merged
ranges are filled with their top-left value, as the person sees them.
Before calamine builds a sheet in memory (it allocates rows x columns), the
XLSX sheet XML is scanned for the real used extent, so a file with one cell
in column XFD on 50,000 rows is refused instead of allocating a dense grid.
All limits are in :mod:`loaders.limits`.
"""
from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from alumni_graph.loaders.limits import DEFAULT_LIMITS, Limits

#: Uncompressed size an XLSX may expand to (zip-bomb guard); see :mod:`loaders.limits`.
MAX_XLSX_UNZIPPED = DEFAULT_LIMITS.max_unzipped
csv.field_size_limit(DEFAULT_LIMITS.max_field)

WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
EXTENSIONS = (".csv", ".txt", ".tsv", *WORKBOOK_EXTENSIONS, ".jsonl", ".ndjson", ".json")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls / .doc


class FileError(Exception):
    """The file (or one sheet) cannot be read; ``msg`` Indonesian, ``msg_en`` English."""

    def __init__(self, msg: str, msg_en: str, row: int | None = None, sheet: str | None = None):
        super().__init__(msg_en)
        self.msg = msg
        self.msg_en = msg_en
        self.row = row
        self.sheet = sheet


@dataclass
class BadLine:
    """A row the reader could not split into cells (a JSON line that is not an object)."""

    msg: str
    msg_en: str


@dataclass
class Note:
    """Something the reader did or found, shown in the report. ``level``
    "warning" only informs; "error" means the row ``row`` must be rejected."""

    row: int | None
    column: str | None
    value: object
    msg: str
    msg_en: str
    level: str = "warning"


@dataclass
class Table:
    """What a reader gives: the format and ``rows``, an iterator of
    ``(row_number, cells)`` where cells is a list or a :class:`BadLine`.

    From :func:`read_table` (a raw grid) the header is among the rows; from
    :func:`loaders.sheets.read_sheets` ``header`` holds the canonical column
    names and ``rows`` only data rows. ``name`` is what the report calls it
    ("siswa.xlsx" or "siswa.xlsx › XII TKR"); ``kind`` the kind it was told.
    ``dapodik``: a Dapodik "Daftar Peserta Didik" export, whose rows describe
    current students only (``current_students_only``): the writer must never
    turn a stored alumnus back into a student.
    """

    format: str
    rows: Iterator[tuple[int, list | BadLine]]
    header: list[str] | None = None
    delimiter: str = ","
    sheet: str | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)
    name: str | None = None
    kind: str | None = None
    kind_from: str | None = None  # "name", "header", "override"
    notes: list[Note] = field(default_factory=list)
    dapodik: bool = False
    current_students_only: bool = False
    #: Source columns dropped on purpose (never stored), for the report.
    dropped: list[str] = field(default_factory=list)
    #: Data for the caller (e.g. Dapodik's rombel -> programme mapping).
    extra: dict = field(default_factory=dict)


@dataclass
class Grid:
    """One sheet (or a CSV/JSON file) as rows of cells, before any table is found."""

    name: str | None  # sheet name; None for CSV/JSON
    rows: list[tuple[int, list | BadLine]]
    visible: bool = True
    format: str = "csv"
    delimiter: str = ","
    header: list[str] | None = None  # JSON lines: keys
    notes: list[Note] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def sniff_format(data: bytes, name: str) -> str:
    """``xlsx``, ``ods``, ``xls``, ``jsonl`` or ``csv`` from the bytes (and name)."""
    ext = _ext(name)
    if data.startswith(_OLE_MAGIC):
        return "xls"
    if data.startswith(_ZIP_MAGIC):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise FileError("file spreadsheet rusak (arsip zip tidak bisa dibuka)",
                            "damaged spreadsheet file (the zip archive cannot be opened)") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise FileError("arsip zip ini bukan workbook Excel (.xlsx) maupun LibreOffice (.ods)",
                        "this zip archive is not an Excel workbook (.xlsx) nor a LibreOffice one (.ods)")
    if ext in (".xlsx", ".xlsm", ".ods"):
        raise FileError(
            f"bukan file {ext[1:].upper()} yang sah (bukan arsip zip); mungkin rusak atau hanya diganti namanya",
            f"not a valid {ext[1:].upper()} file (not a zip archive); it may be damaged or merely renamed",
        )
    if ext == ".xls" and data.lstrip()[:1] == b"<":
        # Many web applications save an HTML table named .xls.
        raise FileError(
            "file .xls ini sebenarnya halaman HTML; buka di Excel lalu simpan sebagai .xlsx",
            "this .xls file is really an HTML page; open it in Excel and save it as .xlsx")
    return "csv"


def _ext(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def read_grids(data: bytes, name: str, limits: Limits | None = None) -> tuple[str, list[Grid]]:
    """Every sheet of a workbook (hidden ones too, marked), or the one grid of
    a text file; the format name first.

    >>> fmt, grids = read_grids(b"nisn;nama\\n0012345678;Ani\\n", "siswa.csv")
    >>> fmt, grids[0].delimiter, grids[0].rows
    ('csv', ';', [(1, ['nisn', 'nama']), (2, ['0012345678', 'Ani'])])
    """
    limits = limits or DEFAULT_LIMITS
    if not data.strip():
        raise FileError("file kosong", "the file is empty")
    fmt = sniff_format(data, name)
    ext = _ext(name)
    if fmt in ("xlsx", "xls", "ods"):
        grids = read_workbook(data, fmt, limits)
        if ext not in {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "ods": (".ods",)}[fmt]:
            grids[0].warnings.append((
                f"isi file ini {fmt.upper()} walau namanya berakhiran {ext or '(tanpa ekstensi)'}; "
                f"dibaca sebagai {fmt.upper()}",
                f"this file holds {fmt.upper()} although its name ends in {ext or '(no extension)'}; "
                f"read as {fmt.upper()}",
            ))
        return fmt, grids
    text, notes = decode_with_notes(data)
    if ext in (".jsonl", ".ndjson", ".json") or text.lstrip()[:1] == "{":
        t = read_jsonl(text)
        return "jsonl", [Grid(None, list(t.rows), format="jsonl", header=t.header, notes=notes)]
    delimiter = sniff_delimiter(text)
    ends: list[int] = []
    rows = list(_csv_rows(text, delimiter, limits, ends))
    if notes and ends and ends[-1] != len(ends):  # a quoted cell spans lines: lines → row numbers
        import bisect

        for note in notes:
            if note.row is not None:
                note.row = min(bisect.bisect_left(ends, note.row) + 1, len(ends))
    return "csv", [Grid(None, rows, format="csv", delimiter=delimiter, notes=notes)]


def read_table(data: bytes, name: str, kind: str | None = None) -> Table:
    """A whole file's bytes as one raw grid: a text file, or the first visible
    sheet of a workbook (the sheet named after ``kind`` if there is one).

    Examples
    --------
    >>> t = read_table(b"\\xef\\xbb\\xbfnisn;nama\\n0012345678;Ani\\n", "siswa.csv")
    >>> t.format, t.delimiter, list(t.rows)
    ('csv', ';', [(1, ['nisn', 'nama']), (2, ['0012345678', 'Ani'])])
    """
    fmt, grids = read_grids(data, name)
    visible = [g for g in grids if g.visible] or grids
    grid = visible[0]
    if kind:
        grid = next((g for g in visible if (g.name or "").strip().lower() == kind), grid)
    warnings = [w for g in grids for w in g.warnings]
    return Table(fmt, iter(grid.rows), header=grid.header, delimiter=grid.delimiter,
                 sheet=grid.name, warnings=warnings, notes=list(grid.notes))


# -- text ------------------------------------------------------------------------

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def decode(data: bytes) -> str:
    """The text of a CSV/JSON file (see :func:`decode_with_notes`)."""
    return decode_with_notes(data)[0]


def decode_with_notes(data: bytes) -> tuple[str, list[Note]]:
    """Text of a CSV/JSON file and notes about its encoding.

    UTF-16 with a BOM (Excel's "Unicode text"); else strict UTF-8 (BOM
    allowed). A file that is not UTF-8 at all is Windows-1252 (what Excel in
    the Indonesian locale saves). A file that is mostly UTF-8 with a few
    Windows-1252 bytes (edited by two programs) is decoded line by line:
    the odd lines as Windows-1252, each one listed, never the whole file
    (that would turn every ``é`` into ``Ã©``).

    >>> decode_with_notes("nama\\nDé".encode())[0]
    'nama\\nDé'
    >>> text, notes = decode_with_notes("nama\\nDé\\nRené\\n".encode() + b"Jos\\xe9\\n")
    >>> text.split("\\n")[3], notes[0].row
    ('José', 4)
    """
    notes: list[Note] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_text() from None
    elif b"\x00" in data:
        raise _not_text()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if _UTF8_MULTIBYTE.search(data):
                text, notes = _decode_mixed(data)
            else:
                text = data.decode("cp1252", errors="replace")
    if _looks_binary(text):
        raise _not_text()
    return text, notes


def _decode_mixed(data: bytes) -> tuple[str, list[Note]]:
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    out, bad = [], []
    for n, line in enumerate(lines, 1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors="replace"))
            bad.append(n)
    notes = [Note(n, None, None,
                  "baris ini berisi byte bukan UTF-8 (file disunting dua program); dibaca sebagai "
                  "Windows-1252: periksa huruf-hurufnya, atau simpan ulang file sebagai CSV UTF-8",
                  "this line holds bytes that are not UTF-8 (the file was edited by two programs); read as "
                  "Windows-1252: check its letters, or save the file again as CSV UTF-8")
             for n in bad]
    return "\n".join(out), notes


def _not_text() -> FileError:
    return FileError(
        "bukan file teks atau spreadsheet yang bisa dibaca (isi biner atau encoding tidak dikenal); "
        "simpan sebagai CSV UTF-8 atau XLSX",
        "not a readable text or spreadsheet file (binary content or unknown encoding); "
        "save it as CSV UTF-8 or XLSX",
    )


def _looks_binary(sample: str) -> bool:
    sample = sample[:4096]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\r\n")
    return controls > max(2, len(sample) // 100)


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one that splits most of the first lines into
    the same number (>1) of cells; quotes are respected.

    >>> sniff_delimiter('nisn;nama\\n1;"Ani, S.Pd"\\n')
    ';'
    """
    # split("\n"), not splitlines(): cells may hold U+2028 and friends.
    lines = [line for line in text.split("\n", 41)[:40] if line.strip()]
    best, best_score = ",", (0, 0)
    for delim in (",", ";", "\t"):
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delim) if len(r) > 1]
        except csv.Error:
            continue
        if widths:
            width, count = Counter(widths).most_common(1)[0]
            if (count, width) > best_score:
                best, best_score = delim, (count, width)
    return best


def _csv_rows(text: str, delimiter: str, limits: Limits, ends: list | None = None) -> Iterator[tuple[int, list]]:
    """Rows numbered as a spreadsheet shows them; ``ends`` (if given) gets the
    last physical line of each row (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    n = 0
    began = time.monotonic()
    try:
        for n, cells in enumerate(reader, 1):
            if len(cells) > limits.max_columns and any(c.strip() for c in cells[limits.max_columns:]):
                raise FileError(
                    f"baris {n} punya {len(cells)} kolom (batas {limits.max_columns})",
                    f"row {n} has {len(cells)} columns (limit {limits.max_columns})", row=n)
            if n > limits.max_rows + limits.header_search_rows:
                raise _too_many_rows(limits, None)
            if n % 4096 == 0:
                _check_time(began, limits, None)
            if ends is not None:
                ends.append(reader.line_num)
            yield n, cells[: limits.max_columns]
    except csv.Error as exc:
        raise FileError(
            f"CSV tidak bisa dibaca setelah baris {n} ({exc})",
            f"the CSV cannot be read after row {n} ({exc})",
            row=n + 1,
        ) from None


def _too_many_rows(limits: Limits, sheet: str | None) -> FileError:
    return FileError(
        f"terlalu banyak baris (batas {limits.max_rows:,}); bagi menjadi beberapa file".replace(",", "."),
        f"too many rows (limit {limits.max_rows:,}); split it into several files", sheet=sheet)


def _check_time(began: float, limits: Limits, sheet: str | None) -> None:
    if time.monotonic() - began > limits.max_seconds:
        raise FileError(
            f"membaca file ini terlalu lama (lebih dari {limits.max_seconds:.0f} detik); bagi menjadi "
            "beberapa file", f"reading this file takes too long (more than {limits.max_seconds:.0f} s); "
            "split it into several files", sheet=sheet)


def read_csv(text: str) -> Table:
    delimiter = sniff_delimiter(text)
    return Table("csv", _csv_rows(text, delimiter, DEFAULT_LIMITS), delimiter=delimiter)


def read_jsonl(text: str) -> Table:
    """One JSON object per line; the row number is the line number."""
    parsed: list[tuple[int, dict | BadLine]] = []
    keys: dict[str, None] = {}
    lines = text.split("\n")  # not splitlines(): JSON strings may hold a raw U+2028
    if text.lstrip().startswith("["):
        raise FileError("file JSON harus berisi satu objek per baris (JSON lines), bukan array",
                        "a JSON file must hold one object per line (JSON lines), not an array")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            parsed.append((n, BadLine("baris ini bukan JSON yang sah", "this line is not valid JSON")))
            continue
        if not isinstance(obj, dict):
            parsed.append((n, BadLine("baris ini bukan objek JSON {...}", "this line is not a JSON object {...}")))
            continue
        keys.update(dict.fromkeys(str(k) for k in obj))
        parsed.append((n, {str(k): _json_cell(v) for k, v in obj.items()}))
    header = list(keys)
    rows = ((n, obj if isinstance(obj, BadLine) else [obj.get(k) for k in header]) for n, obj in parsed)
    return Table("jsonl", rows, header=header)


def _json_cell(v):
    if isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v):
        return ";".join("" if x is None else str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return v


# -- workbooks -------------------------------------------------------------------------

def column_letter(i: int) -> str:
    """0 → ``A``, 16383 → ``XFD``."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def read_workbook(data: bytes, fmt: str, limits: Limits | None = None) -> list[Grid]:
    """Every sheet of an XLSX, XLS or ODS workbook through python-calamine."""
    limits = limits or DEFAULT_LIMITS
    extents: dict[str, tuple[int, int, int, tuple]] = {}
    if fmt in ("xlsx", "ods"):
        _check_zip(data, fmt, limits)
    ods_merged: dict[str, list] = {}
    if fmt == "xlsx":
        extents = _xlsx_extents(data, limits)
    elif fmt == "ods":
        scanned = _ods_scan(data, limits)
        extents = {k: v[:4] for k, v in scanned.items()}
        ods_merged = {k: v[4] for k, v in scanned.items()}
    import python_calamine as pc

    label = fmt.upper()
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise FileError("workbook ini dilindungi kata sandi; buka proteksinya lalu simpan ulang",
                        "this workbook is password-protected; remove the protection and save it again") from None
    except Exception as exc:  # calamine raises several types on damaged files
        raise FileError(f"file {label} (.{fmt}) rusak atau tidak bisa dibaca ({exc.__class__.__name__}); "
                        "buka di Excel/LibreOffice lalu simpan ulang sebagai .xlsx",
                        f"damaged or unreadable {label} (.{fmt}) file ({exc.__class__.__name__}); open it in "
                        "Excel/LibreOffice and save it again as .xlsx") from None
    grids: list[Grid] = []
    total_cells = 0
    began = time.monotonic()
    try:
        metas = [m for m in wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        if not metas:
            raise FileError("workbook tidak punya sheet", "the workbook has no sheet")
        visible_count = 0
        for meta in metas:
            visible = meta.visible == pc.SheetVisibleEnum.Visible
            if not visible:
                grids.append(Grid(meta.name, [], visible=False, format=fmt))
                continue
            visible_count += 1
            if visible_count > limits.max_sheets:
                raise FileError(f"terlalu banyak sheet (batas {limits.max_sheets})",
                                f"too many sheets (limit {limits.max_sheets})")
            ext = extents.get(meta.name)
            if ext is not None:
                _check_extent(meta.name, *ext, limits)
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                height, width = sheet.height, sheet.width
                if height * width > limits.max_cells or width > 16384:
                    raise FileError(
                        f"sheet terlalu besar ({height} baris x {width} kolom; batas {limits.max_cells:,} sel)",
                        f"the sheet is too large ({height} rows x {width} columns; limit {limits.max_cells:,} cells)",
                        sheet=meta.name)
                values = sheet.to_python(skip_empty_area=False)
                merged = getattr(sheet, "merged_cell_ranges", None) or ods_merged.get(meta.name)
            except FileError:
                raise
            except Exception as exc:
                raise FileError(f"sheet tidak bisa dibaca, file {label} rusak ({exc.__class__.__name__})",
                                f"the sheet cannot be read, damaged {label} file ({exc.__class__.__name__})",
                                sheet=meta.name) from None
            total_cells += height * width
            if total_cells > limits.max_workbook_cells:
                raise FileError(f"workbook terlalu besar (batas {limits.max_workbook_cells:,} sel)",
                                f"the workbook is too large (limit {limits.max_workbook_cells:,} cells)")
            _check_time(began, limits, meta.name)
            grids.append(Grid(meta.name, _grid_rows(values, merged, limits, meta.name), format=fmt))
    finally:
        wb.close()
    return grids


def _grid_rows(values: list[list], merged, limits: Limits, sheet: str) -> list[tuple[int, list]]:
    """Rows numbered as the sheet shows them (calamine starts at the first
    used row only when asked; ``skip_empty_area=False`` keeps A1 as row 1),
    trailing empties trimmed, merged ranges filled with their top-left value."""
    rows = []
    for r in values:
        cells = [None if c == "" else c for c in r]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    for (r0, c0), (r1, c1) in merged or ():
        if r0 >= len(rows):
            continue
        top = rows[r0][c0] if c0 < len(rows[r0]) else None
        if top is None:
            continue
        if (r1 - r0 + 1) * (c1 - c0 + 1) > limits.max_cells or c1 >= limits.max_columns:
            continue
        r1 = min(r1, limits.max_rows + limits.header_search_rows)
        while len(rows) <= r1:
            rows.append([])  # a merged block below the last typed value
        for r in range(r0, r1 + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] is None:
                    row[c] = top
    if len(rows) > limits.max_rows + limits.header_search_rows:
        raise _too_many_rows(limits, sheet)
    return [(n, cells) for n, cells in enumerate(rows, 1)]


def _check_zip(data: bytes, fmt: str, limits: Limits) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileError(f"file {fmt.upper()} rusak (arsip zip tidak bisa dibuka)",
                        f"damaged {fmt.upper()} file (the zip archive cannot be opened)") from None
    limit = min(limits.max_unzipped, MAX_XLSX_UNZIPPED)
    if total > limit:
        raise FileError(
            f"isi {fmt.upper()} terlalu besar setelah dibuka ({total // 2**20} MiB; batas "
            f"{limit // 2**20} MiB)",
            f"the {fmt.upper()} expands to too much data ({total // 2**20} MiB; limit "
            f"{limit // 2**20} MiB)",
        )
    for info in zf.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with zf.open(info) as f:
                head = f.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                # Excel and LibreOffice never write a DTD; one in a workbook is an attack
                # (entity expansion, external entities).
                raise FileError(f"file {fmt.upper()} ini berisi deklarasi DTD/ENTITY yang tidak pernah ditulis "
                                "Excel atau LibreOffice; ditolak", f"this {fmt.upper()} file holds DTD/ENTITY "
                                "declarations that Excel and LibreOffice never write; refused")


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


def _xlsx_extents(data: bytes, limits: Limits) -> dict[str, tuple[int, int, int, tuple]]:
    """Sheet name → (cells with content, last used row, last used column,
    (row, column) of the farthest cell), scanned from the sheet XML without
    building the sheet. Style-only cells (``<c r="A5" s="3"/>``: the
    thousands of empty rows that carry borders) do not count."""
    from defusedxml import ElementTree

    zf = zipfile.ZipFile(io.BytesIO(data))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    try:
        wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return {}  # calamine reports a damaged workbook itself
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", ns)}
    out = {}
    for sh in wb.iterfind("m:sheets/m:sheet", ns):
        target = targets.get(sh.get(f"{{{ns['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if path not in zf.namelist():
            continue
        out[sh.get("name")] = _scan_sheet(zf, path, limits)
    return out


def _scan_sheet(zf: zipfile.ZipFile, path: str, limits: Limits) -> tuple[int, int, int, tuple]:
    cells = max_row = max_col = 0
    far = (0, 0)
    tail = b""
    with zf.open(path) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            cut = buf.rfind(b"<")
            buf, tail = (buf[:cut], buf[cut:]) if cut > 0 else (buf, b"")
            for m in _CELL.finditer(buf):
                if m.group(2):  # <c .../>: no value, only a style
                    continue
                ref = _REF.search(m.group(1))
                if ref is None:
                    continue
                col, row = _column_index(ref.group(1)), int(ref.group(2))
                cells += 1
                max_row = max(max_row, row)
                if col > max_col:
                    max_col, far = col, (row, col)
            if cells > limits.max_workbook_cells:
                break
    return cells, max_row, max_col + 1, far


_ODS_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_scan(data: bytes, limits: Limits) -> dict[str, tuple]:
    """Per sheet of an ODS: (cells with content, last used row, last used
    column, farthest cell, merged ranges), streamed from content.xml.
    LibreOffice writes spans (``number-rows-spanned``) and repeats
    (``number-rows-repeated="1048000"`` for the empty rows below a table),
    which are counted, never expanded."""
    from defusedxml.ElementTree import iterparse

    out: dict[str, tuple] = {}
    zf = zipfile.ZipFile(io.BytesIO(data))
    try:
        f = zf.open("content.xml")
    except KeyError:
        return out
    name, row, col, cells, max_row, max_col, far, merged = None, 0, 0, 0, 0, 0, (0, 0), []
    with f:
        for event, el in iterparse(f, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == _ODS_T + "table":
                    name, row, cells, max_row, max_col, far, merged = el.get(_ODS_T + "name"), 0, 0, 0, 0, (0, 0), []
                elif tag == _ODS_T + "table-row":
                    col = 0
                continue
            if tag in (_ODS_T + "table-cell", _ODS_T + "covered-table-cell"):
                rep = int(el.get(_ODS_T + "number-columns-repeated", "1"))
                has = el.get(_ODS_O + "value-type") is not None or len(el) > 0
                if has and tag == _ODS_T + "table-cell":
                    cells += rep
                    if cells > limits.max_workbook_cells:
                        raise FileError(f"sheet berisi terlalu banyak sel (batas {limits.max_workbook_cells:,})",
                                        f"the sheet holds too many cells (limit {limits.max_workbook_cells:,})",
                                        sheet=name)
                    max_row = max(max_row, row + 1)
                    if col + rep > max_col:
                        max_col, far = col + rep, (row + 1, col + rep - 1)
                    rs = int(el.get(_ODS_T + "number-rows-spanned", "1"))
                    cs = int(el.get(_ODS_T + "number-columns-spanned", "1"))
                    if (rs > 1 or cs > 1) and rep == 1:
                        merged.append(((row, col), (row + rs - 1, col + cs - 1)))
                col += rep
                el.clear()
            elif tag == _ODS_T + "table-row":
                row += int(el.get(_ODS_T + "number-rows-repeated", "1"))
                el.clear()
            elif tag == _ODS_T + "table":
                out[name] = (cells, max_row, max_col, far, merged)
                el.clear()
    return out


def _check_extent(sheet: str, cells: int, rows: int, cols: int, far: tuple, limits: Limits) -> None:
    if cells > limits.max_workbook_cells:
        raise FileError(f"sheet berisi terlalu banyak sel (batas {limits.max_workbook_cells:,})",
                        f"the sheet holds too many cells (limit {limits.max_workbook_cells:,})", sheet=sheet)
    if cols > limits.max_columns or rows * cols > limits.max_cells:
        where = f"{column_letter(far[1])}{far[0]}"
        raise FileError(
            f"sheet memakai {rows:,} baris x {cols:,} kolom (sel terjauh berisi: {where}); batas "
            f"{limits.max_columns} kolom dan {limits.max_cells:,} sel. Hapus kolom/baris kosong yang berisi "
            "sesuatu di kanan atau bawah tabel, atau salin tabelnya ke sheet baru",
            f"the sheet uses {rows:,} rows x {cols:,} columns (farthest cell with content: {where}); limit "
            f"{limits.max_columns} columns and {limits.max_cells:,} cells. Delete the columns/rows right of or "
            "below the table that hold something, or copy the table to a new sheet", sheet=sheet)


def read_source(source: BinaryIO, *, max_bytes: int | None = None) -> bytes:
    """Read a binary file object, refusing more than ``max_bytes``."""
    if max_bytes is None:
        return source.read()
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileError(
            f"file terlalu besar (batas {_size(max_bytes)}); bagi menjadi beberapa file",
            f"the file is too large (limit {_size(max_bytes)}); split it into several files",
        )
    return data


def _size(n: int) -> str:
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} B"
