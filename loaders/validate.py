"""Validating: a table's header mapped to the kind's columns, every cell
parsed, and the checks that look at one row as a whole.

Reading bytes into rows of cells is :mod:`loaders.readers`; parsing one cell
is :mod:`loaders.kinds`. Here the rows become records (column -> value) with
their problems.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain

from alumni_graph.loaders.employers import normalize_code
from alumni_graph.loaders.kinds import ERROR_COLUMN, Invalid, Kind, as_text, columns_by_header, header_key, is_empty
from alumni_graph.loaders.readers import BadLine, FileError, Table, column_letter
from alumni_graph.loaders.report import FileReport, Problem

_HEADER_SEARCH_ROWS = 20


#: The cell text that clears a stored value (a blank cell keeps it). One
#: marker, documented in the README; case and surrounding spaces ignored.
CLEAR_MARKER = "(kosongkan)"
_CLEAR_FORMS = frozenset({"(kosongkan)", "(clear)"})


def is_clear_marker(value) -> bool:
    """True for the explicit "clear this field" marker.

    >>> is_clear_marker(" (Kosongkan) "), is_clear_marker("-"), is_clear_marker("")
    (True, False, False)
    """
    return isinstance(value, str) and value.strip().lower() in _CLEAR_FORMS


@dataclass
class _Row:
    n: int
    cells: list
    rec: dict  # column -> parsed value; a blank or cleared cell is not in it
    bad: set  # columns whose cell did not parse
    errors: list[Problem] = field(default_factory=list)
    blank: set = field(default_factory=set)  # columns left blank: the stored value stays
    cleared: set = field(default_factory=set)  # columns holding CLEAR_MARKER: the stored value goes


def _find_header(kind: Kind, rows: Iterator) -> tuple[list, list]:
    """The header is the first row (of the first 20 non-empty ones) naming at
    least two of the kind's columns, so a title row above it is allowed."""
    lookup = columns_by_header(kind)
    seen = []
    for n, cells in rows:
        if isinstance(cells, BadLine) or all(is_empty(c) for c in cells):
            continue
        seen.append((n, cells))
        if sum(1 for c in cells if header_key(c) in lookup) >= 2:
            return cells, []
        if len(seen) >= _HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise FileError("file tidak berisi data (hanya baris kosong)", "the file holds no data (only empty rows)")
    # No recognisable header: treat the first row as one so the error names the columns.
    return seen[0][1], seen[1:]


def _parse_table(kind: Kind, table: Table, fr: FileReport) -> list[_Row]:
    rows_iter = table.rows
    if table.header is not None:
        header = table.header
    else:
        header, buffered = _find_header(kind, rows_iter)
        rows_iter = chain(buffered, rows_iter)
    fr.header = list(header)
    fr.delimiter = table.delimiter if table.format == "csv" else ","
    mapping = _map_header(kind, header, fr)
    rows = []
    for n, cells in rows_iter:
        if isinstance(cells, BadLine):
            row = _Row(n, [], {}, set())
            row.errors.append(fr.problem(n, None, None, cells.msg, cells.msg_en))
            rows.append(row)
            continue
        if all(is_empty(c) for c in cells):
            continue
        rows.append(_parse_row(kind, n, cells, mapping, fr))
    # Row errors the reader found (a Dapodik rombel with no programme, ...).
    by_n = {r.n: r for r in rows}
    for note in table.notes:
        if note.level == "error" and note.row in by_n:
            row = by_n[note.row]
            # The reader's reason replaces a bare "required" on the same column.
            for p in [p for p in row.errors if p.column == note.column]:
                row.errors.remove(p)
                fr.problems.remove(p)
            row.errors.append(fr.problem(note.row, note.column, note.value, note.msg, note.msg_en))
            if note.column:
                row.bad.add(note.column)
    fr.read = len(rows)
    if not rows:
        raise FileError("file hanya berisi judul kolom, tanpa baris data",
                        "the file holds only the header, no data rows")
    return rows


def _map_header(kind: Kind, header: list, fr: FileReport) -> dict[str, int]:
    lookup = columns_by_header(kind)
    mapping: dict[str, int] = {}
    unknown = []
    for i, h in enumerate(header):
        key = header_key(h) if h is not None else ""
        if not key or key == ERROR_COLUMN:
            continue
        col = lookup.get(key)
        if col is None:
            unknown.append(as_text(h).strip())
        elif col in mapping:
            a, b = column_letter(mapping[col]), column_letter(i)
            raise FileError(f"kolom {col} ada dua kali (kolom {a} dan {b}); hapus salah satu",
                            f"column {col} appears twice (columns {a} and {b}); remove one")
        else:
            mapping[col] = i
    missing = [c.name for c in kind.columns if c.required and c.name not in mapping]
    missing += [" atau ".join(g) for g in kind.one_of if not any(c in mapping for c in g)]
    if missing:
        raise FileError(
            f"kolom wajib tidak ada: {', '.join(missing)} (judul kolom yang ditemukan: "
            f"{', '.join(as_text(h) for h in header if not is_empty(h))[:300]})",
            f"required columns missing: {', '.join(m.replace(' atau ', ' or ') for m in missing)}",
        )
    if unknown:
        fr.problem(None, None, None,
                   f"kolom tidak dikenal diabaikan: {', '.join(unknown)[:300]}",
                   f"unknown columns ignored: {', '.join(unknown)[:300]}", level="warning")
    return mapping


def _parse_row(kind: Kind, n: int, cells: list, mapping: dict[str, int], fr: FileReport) -> _Row:
    row = _Row(n, cells, {}, set())

    def error(col, value, msg, msg_en):
        row.errors.append(fr.problem(n, col, value, msg, msg_en))

    for col in kind.columns:
        i = mapping.get(col.name)
        if i is None:
            continue  # absent column: the property is left as it is
        raw = cells[i] if i < len(cells) else None
        if is_empty(raw):
            # A blank cell says nothing: the stored value is kept (the column
            # is left out of the record, as if the file did not have it).
            if col.required:
                row.rec[col.name] = None
                row.bad.add(col.name)
                error(col.name, raw, "wajib diisi", "required")
            else:
                row.blank.add(col.name)
            continue
        if is_clear_marker(raw):
            if col.required:
                row.rec[col.name] = None
                row.bad.add(col.name)
                error(col.name, raw, f"wajib diisi: kolom ini tidak bisa dikosongkan dengan {CLEAR_MARKER}",
                      f"required: this column cannot be cleared with {CLEAR_MARKER}")
            else:
                row.cleared.add(col.name)
            continue
        try:
            row.rec[col.name] = col.parse(raw)
        except Invalid as exc:
            row.bad.add(col.name)
            error(col.name, raw, exc.msg, exc.msg_en)
    for group in kind.one_of:
        if not any(row.rec.get(c) for c in group) and not row.bad & set(group):
            error(group[0], None, f"isi salah satu: {' atau '.join(group)}", f"fill one of: {' or '.join(group)}")
            row.bad.update(group)
    for col, msg, msg_en in _row_checks(kind.name, row.rec, row.bad):
        row.bad.add(col)
        error(col, row.rec.get(col), msg, msg_en)
    return row


def _row_checks(kind: str, rec: dict, bad: set) -> list[tuple[str, str, str]]:
    out = []

    def ok(*cols):
        return all(rec.get(c) is not None and c not in bad for c in cols)

    if ok("mulai", "selesai") and rec["selesai"] < rec["mulai"]:
        out.append(("selesai", "selesai lebih awal dari mulai", "selesai (end) is before mulai (start)"))
    if kind == "siswa":
        if ok("tahun_masuk", "tahun_lulus") and rec["tahun_lulus"] < rec["tahun_masuk"]:
            out.append(("tahun_lulus", "tahun_lulus lebih awal dari tahun_masuk",
                        "tahun_lulus (graduation year) is before tahun_masuk (entry year)"))
        if ok("status") and rec.get("tahun_lulus") is None and "tahun_lulus" not in bad:
            out.append(("status", "status hanya untuk alumni, tetapi tahun_lulus kosong (siswa aktif)",
                        "status is for alumni only, but tahun_lulus is empty (a current student)"))
        if ok("tanggal_lahir", "tahun_masuk") and int(rec["tanggal_lahir"][:4]) >= rec["tahun_masuk"]:
            out.append(("tanggal_lahir", "tanggal_lahir tidak mungkin setelah tahun_masuk",
                        "tanggal_lahir (birth date) cannot be after tahun_masuk (entry year)"))
    if kind == "dudi" and ok("kode") and not normalize_code(rec["kode"]):
        out.append(("kode", "kode DU/DI harus berisi huruf atau angka", "an employer code needs letters or digits"))
    return out


def check_row(kind: str, rec: dict) -> list[tuple[str, str, str]]:
    """The checks of one whole, parsed row (columns of ``kind`` -> values):
    ``(column, message, message_en)`` for each problem. Also used by subject
    corrections (security.subject), which must validate like a load."""
    return _row_checks(kind, rec, set())
