"""Readers: CSV, XLSX and JSON-lines files into rows of cells with the row
number a spreadsheet shows.

A reader knows nothing of kinds or the graph; :mod:`loaders.load` finds the
header row and validates. The format is told by the content (magic bytes),
not only by the extension, so an XLSX renamed to ``.csv`` still reads, and a
"``.xlsx``" that is not a zip is reported as such.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

#: Uncompressed size an XLSX may expand to (zip-bomb guard).
MAX_XLSX_UNZIPPED = 256 * 1024 * 1024
#: A single CSV field may be this long (the csv module's default is 128 KiB).
csv.field_size_limit(1024 * 1024)

EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".jsonl", ".ndjson", ".json")

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls / .doc


class FileError(Exception):
    """The file as a whole cannot be read; ``msg`` Indonesian, ``msg_en`` English."""

    def __init__(self, msg: str, msg_en: str, row: int | None = None):
        super().__init__(msg_en)
        self.msg = msg
        self.msg_en = msg_en
        self.row = row


@dataclass
class BadLine:
    """A row the reader could not split into cells (a JSON line that is not an object)."""

    msg: str
    msg_en: str


@dataclass
class Table:
    """What a reader gives: the format and ``rows``, an iterator of
    ``(row_number, cells)`` where cells is a list (CSV/XLSX: header included,
    as in the file) or a :class:`BadLine`. For JSON lines ``header`` is given
    (the keys, in first-seen order) and rows hold only data."""

    format: str
    rows: Iterator[tuple[int, list | BadLine]]
    header: list[str] | None = None
    delimiter: str = ","
    sheet: str | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)


def read_table(data: bytes, name: str, kind: str | None = None) -> Table:
    """Read a whole file's bytes into a :class:`Table`.

    Examples
    --------
    >>> t = read_table(b"\\xef\\xbb\\xbfnisn;nama\\n0012345678;Ani\\n", "siswa.csv")
    >>> t.format, t.delimiter, list(t.rows)
    ('csv', ';', [(1, ['nisn', 'nama']), (2, ['0012345678', 'Ani'])])
    """
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = data[:8]
    if not data.strip():
        raise FileError("file kosong", "the file is empty")
    if head.startswith(_OLE_MAGIC):
        raise FileError(
            "format Excel lama (.xls) tidak didukung; simpan ulang sebagai .xlsx atau CSV",
            "old Excel format (.xls) is not supported; save it again as .xlsx or CSV",
        )
    if head.startswith(_XLSX_MAGIC):
        table = read_xlsx(data, kind)
        if ext not in (".xlsx", ".xlsm"):
            table.warnings.append((
                f"isi file ini XLSX walau namanya berakhiran {ext or '(tanpa ekstensi)'}; dibaca sebagai XLSX",
                f"this file holds XLSX although its name ends in {ext or '(no extension)'}; read as XLSX",
            ))
        return table
    if ext in (".xlsx", ".xlsm"):
        raise FileError(
            "bukan file XLSX yang sah (bukan arsip zip); mungkin rusak atau hanya diganti namanya",
            "not a valid XLSX file (not a zip archive); it may be damaged or merely renamed",
        )
    text = decode(data)
    if ext in (".jsonl", ".ndjson", ".json") or text.lstrip()[:1] == "{":
        return read_jsonl(text)
    return read_csv(text)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        encodings = ("utf-16",)
    elif b"\x00" in data:
        encodings = ()  # NUL bytes: binary, whatever it decodes to
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return text
        break
    raise FileError(
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
    lines = [line for line in text.split("\n", 21)[:20] if line.strip()]
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


def read_csv(text: str) -> Table:
    delimiter = sniff_delimiter(text)

    def rows():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        n = 0
        try:
            for n, cells in enumerate(reader, 1):
                yield n, cells
        except csv.Error as exc:
            raise FileError(
                f"CSV tidak bisa dibaca setelah baris {n} ({exc})",
                f"the CSV cannot be read after row {n} ({exc})",
                row=n + 1,
            ) from None

    return Table("csv", rows(), delimiter=delimiter)


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


def read_xlsx(data: bytes, kind: str | None = None) -> Table:
    """First sheet, or the sheet named after ``kind``; typed cells (dates stay dates).

    openpyxl parses the XML with defusedxml when it is installed (it is a
    dependency), which blocks entity-expansion attacks; the zip's declared
    sizes are checked first against zip bombs.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
        total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileError("file XLSX rusak (arsip zip tidak bisa dibuka)",
                        "damaged XLSX file (the zip archive cannot be opened)") from None
    if "xl/workbook.xml" not in names:
        raise FileError("arsip zip ini bukan workbook Excel (.xlsx)",
                        "this zip archive is not an Excel workbook (.xlsx)")
    if total > MAX_XLSX_UNZIPPED:
        raise FileError(
            f"isi XLSX terlalu besar setelah dibuka ({total // 2**20} MiB; batas {MAX_XLSX_UNZIPPED // 2**20} MiB)",
            f"the XLSX expands to too much data ({total // 2**20} MiB; limit {MAX_XLSX_UNZIPPED // 2**20} MiB)",
        )
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise FileError(f"file XLSX rusak ({exc.__class__.__name__})",
                        f"damaged XLSX file ({exc.__class__.__name__})") from None
    if not wb.worksheets:
        wb.close()
        raise FileError("workbook tidak punya sheet", "the workbook has no sheet")
    ws = wb.worksheets[0]
    if kind:
        for candidate in wb.worksheets:
            if candidate.title.strip().lower() == kind:
                ws = candidate
                break
    title = ws.title
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some writers store wrong dimensions; read everything

    def rows():
        try:
            # In read-only mode openpyxl yields empty tuples for missing rows,
            # so counting from 1 gives the row number Excel shows.
            for n, cells in enumerate(ws.iter_rows(values_only=True), 1):
                yield n, list(cells)
        except Exception as exc:
            raise FileError(f"file XLSX rusak ({exc.__class__.__name__})",
                            f"damaged XLSX file ({exc.__class__.__name__})") from None
        finally:
            wb.close()

    return Table("xlsx", rows(), sheet=title)


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

