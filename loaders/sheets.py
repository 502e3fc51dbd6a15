"""Find the table in what a school sends: which sheets, where the header is,
which rows are data, and what each column is.

:func:`read_sheets` turns a file's bytes into one :class:`~loaders.readers.Table`
per visible sheet that holds a table (hidden sheets are skipped and said so).
For each sheet it

* finds the header below a title block (logo row, school, year), also a
  header over two rows (a group such as "Data Ayah" merged over its
  sub-columns), and maps the headers people type to the contract's columns
  (:mod:`loaders.kinds` aliases; "Tempat, Tanggal Lahir" is split);
* tells the kind: from the ``kind`` given (``--kind``, the page's picker),
  else from the file or sheet name, else from the header;
* skips, and reports, blank rows (the thousands that carry borders), total
  rows (JUMLAH), repeated headers and the signature block under the table
  ("Tegal, 14 Juli 2025", "Kepala Sekolah", a name, "NIP. …");
* normalises values with the whole column in view: the day/month order of
  a date column, NISN whose leading zeros were dropped, phones to E.164,
  ``?`` where a letter was; each repair is listed per row;
* reads a Dapodik "Daftar Peserta Didik" export as students
  (:mod:`loaders.dapodik`).

Messages name the file and the sheet; nothing personal is logged.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from alumni_graph.loaders import dapodik
from alumni_graph.loaders.kinds import (
    KINDS, Kind, as_text, columns_by_header, date as date_parser, header_key, is_empty,
    kind_of_name,
)
from alumni_graph.loaders.limits import DEFAULT_LIMITS, Limits
from alumni_graph.loaders.readers import FileError, Grid, Note, Table, column_letter, read_grids
from alumni_graph.loaders import values as V

#: Headers that are never data: the running number column.
IGNORED_HEADERS = {"no", "no_urut", "nomor_urut", "nomor", "urut", "no_absen", "kesalahan"}
#: "Tempat, Tanggal Lahir" in one cell: the date part goes to tanggal_lahir.
PLACE_AND_DATE = {"tempat_tanggal_lahir", "ttl", "tempat_tgl_lahir", "tempat_dan_tanggal_lahir",
                  "tempat_tgl_lhr", "tempat_lahir_tanggal_lahir"}
_TOTAL = re.compile(r"^\s*(jumlah|total|sub\s*total|jml\.?|grand\s*total)(\s+\w+){0,2}\s*:?\s*$", re.I)
_SIGNATURE = re.compile(
    r"^\s*(mengetahui|menyetujui|kepala\s+(sekolah|smk|bkk)|ketua\s+bkk|wakil\s+kepala|waka\b|wali\s+kelas"
    r"|guru\s+pembimbing|operator|koordinator|petugas|pembina|nip\b|nip\.|nuptk|ttd|tanda\s+tangan"
    r"|dibuat\s+oleh|diperiksa)", re.I)
_PLACE_DATE = re.compile(r"^\s*[A-Za-z .'-]{2,40},\s*\d{1,2}\s+[A-Za-z]+\s+\d{4}\s*$")


@dataclass
class FileRead:
    """What :func:`read_sheets` gives: the tables, and notes about the file
    as a whole (hidden sheets skipped, sheets without a table)."""

    format: str
    tables: list[Table] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (level, msg, msg_en)
    errors: list[FileError] = field(default_factory=list)  # one per sheet that could not be read


@dataclass
class ReadContext:
    """What the reader may use from the store: the school's schools and
    programmes (codes and names), to fill a Dapodik export's NPSN and
    programme and to read programme names typed instead of codes; and the
    stored rombel → programme mapping (``{rombel: [npsn, code]}``)."""

    schools: list[dict] = field(default_factory=list)  # {"npsn", "name"}
    programmes: list[dict] = field(default_factory=list)  # {"school_npsn", "code", "name"}
    rombel_map: dict = field(default_factory=dict)

    @classmethod
    def from_store(cls, store, rombel_map: dict | None = None) -> "ReadContext":
        return cls(list(store.iter_nodes("School")), list(store.iter_nodes("Program")), dict(rombel_map or {}))


def read_sheets(data: bytes, name: str, kind: str | None = None, *, context: ReadContext | None = None,
                limits: Limits | None = None) -> FileRead:
    """Read a file into tables ready to validate.

    >>> data = b"Data Alumni 2024\\n\\nNISN;Nama Lengkap;NPSN;Jurusan\\n12345678;Ani;20300001;TKJ\\n"
    >>> t = read_sheets(data, "Data XII.csv").tables[0]
    >>> t.kind, t.kind_from, t.header, list(t.rows)
    ('siswa', 'header', ['nisn', 'nama', 'npsn', 'kode_program'], [(4, ['0012345678', 'Ani', '20300001', 'TKJ'])])
    >>> [(n.row, n.msg_en) for n in t.notes if n.row]
    [(4, 'NISN padded with leading zeros to 10 digits (Excel drops leading zeros of numbers)')]
    """
    limits = limits or DEFAULT_LIMITS
    fmt, grids = read_grids(data, name, limits)
    out = FileRead(fmt)
    visible = [g for g in grids if g.visible]
    for g in grids:
        if not g.visible:
            out.notes.append(("warning", f"sheet tersembunyi '{g.name}' dilewati (tidak dibaca)",
                              f"hidden sheet '{g.name}' skipped (not read)"))
    if not visible:
        raise FileError("workbook tidak punya sheet yang terlihat", "the workbook has no visible sheet")
    name_kind = kind_of_name(name)
    for g in visible:
        # Every message names the file and, for a workbook, the sheet.
        label = f"{name} › {g.name}" if g.name is not None and fmt not in ("csv", "jsonl") else name
        try:
            table = _read_grid(g, label, kind, name_kind, context, limits, several=len(visible) > 1, file_name=name)
        except FileError as exc:
            exc.sheet = exc.sheet or g.name
            if len(visible) > 1 and exc.row is None and getattr(exc, "no_table", False):
                out.notes.append(("warning", f"sheet '{g.name}': {exc.msg}", f"sheet '{g.name}': {exc.msg_en}"))
                continue
            out.errors.append(exc)
            continue
        table.format = fmt
        table.sheet = g.name if fmt != "csv" else None
        out.tables.append(table)
    if not out.tables and not out.errors:
        err = FileError("tidak ada tabel yang dikenali di sheet mana pun",
                        "no recognisable table in any sheet")
        out.errors.append(err)
    return out


# -- the header -------------------------------------------------------------------------

def _matches(kind: Kind, keys: list[str]) -> set[str]:
    lookup = columns_by_header(kind)
    found = {lookup[k] for k in keys if k in lookup}
    if kind.name == "siswa" and any(k in PLACE_AND_DATE for k in keys):
        found.add("tanggal_lahir")
    return found


def _score(kind: Kind, found: set[str]) -> tuple[int, int]:
    required = [c.name for c in kind.columns if c.required]
    have = sum(1 for c in required if c in found)
    groups = sum(1 for g in kind.one_of if any(c in found for c in g))
    return (have + groups == len(required) + len(kind.one_of), len(found))


def _keys(cells: list) -> list[str]:
    return [header_key(c) if isinstance(c, str) else "" for c in cells]


def _two_row_keys(top: list, bottom: list) -> list[str]:
    """Header keys of a header over two rows. A cell merged over both rows
    (Dapodik's "Nama") reads the same in both; a group heading merged over
    its sub-columns ("Data Ayah" over Nama, Pekerjaan, …) is prefixed to
    each sub-column ("data_ayah_nama"), so it never passes for the student's
    own "Nama". Without merges (a CSV) a group heading stands over its first
    sub-column only and is carried to the right over the empty cells."""
    width = max(len(top), len(bottom))
    top = list(top) + [None] * (width - len(top))
    bottom = list(bottom) + [None] * (width - len(bottom))
    keys, group = [], None
    for t, b in zip(top, bottom):
        t = as_text(t).strip() if not is_empty(t) else ""
        b = as_text(b).strip() if not is_empty(b) else ""
        if t and b and t != b:
            group = t
            keys.append(_sub_key(t, b))
        elif t:
            group = None
            keys.append(header_key(t))
        elif b:
            keys.append(_sub_key(group, b) if group else header_key(b))
        else:
            group = None
            keys.append("")
    return keys


#: Group headings whose sub-columns describe someone else (a parent): their
#: "Nama" must never pass for the student's own.
_FOREIGN_GROUPS = ("ayah", "ibu", "wali", "orang_tua", "ortu", "saudara", "pembimbing", "kepala")


def _sub_key(group: str, sub: str) -> str:
    g = header_key(group)
    if any(f in g.split("_") or g.startswith(f) for f in _FOREIGN_GROUPS):
        return header_key(f"{group} {sub}")
    return header_key(sub)


@dataclass
class _Header:
    row: int  # index in grid.rows of the (last) header row
    keys: list[str]
    kind: str
    kind_from: str
    dapodik: bool = False
    rows_used: int = 1


def _find_header(grid: Grid, kind: str | None, name_kind: str | None, limits: Limits) -> _Header:
    candidates = [k for k in (kind, name_kind) if k]
    sheet_kind = kind_of_name(grid.name or "") if grid.name else None
    rows = grid.rows
    best = None  # (priority, header)
    seen = 0
    for i, (n, cells) in enumerate(rows):
        if not isinstance(cells, list) or all(is_empty(c) for c in cells):
            continue
        seen += 1
        if seen > limits.header_search_rows:
            break
        keys = _keys(cells)
        if dapodik.is_dapodik_header(keys):
            best = ((9,), _Header(i, keys, "siswa", "header", dapodik=True))
            break
        order = [kind] if kind else [k for k in (name_kind, sheet_kind) if k] + list(KINDS)
        for k in dict.fromkeys(order):
            found = _matches(KINDS[k], keys)
            if len(found) < 2:
                continue
            complete, count = _score(KINDS[k], found)
            # A kind given wins; a complete header beats an incomplete one;
            # more columns beat fewer; the kind the name tells wins a tie.
            prio = (1 if kind == k else 0, complete, count, 1 if k in candidates or k == sheet_kind else 0)
            if best is None or prio > best[0]:
                src = "override" if kind == k else ("name" if k in (name_kind, sheet_kind) else "header")
                best = (prio, _Header(i, keys, k, src))
        if best is not None and best[0][1] and best[1].row < i - 2:
            break  # a complete header found and passed
    if best is None:
        err = FileError(*_no_header_message(grid, kind or name_kind or sheet_kind))
        err.no_table = True  # a sheet of notes or lists in a workbook: skipped with a warning
        raise err
    hdr = best[1]
    if hdr.row + 1 < len(rows):
        top, nxt = rows[hdr.row][1], rows[hdr.row + 1][1]
        anchors = [j for j, key in enumerate(hdr.keys)
                   if key in _anchor_keys(KINDS[hdr.kind]) or key in ("nisn", "nama")]
        if isinstance(nxt, list) and _is_subheader(top, nxt, anchors):
            hdr.keys = _two_row_keys(top, nxt)
            hdr.row += 1
            hdr.rows_used = 2
    return hdr


def _anchor_keys(kind: Kind) -> set[str]:
    lookup = columns_by_header(kind)
    anchors = {c.name for c in kind.columns if c.required} | {c for g in kind.one_of for c in g}
    return {key for key, col in lookup.items() if col in anchors}


def _is_subheader(top: list, nxt: list, anchors: list[int]) -> bool:
    """The row under a header is its second row when it holds only text,
    and the key columns (NISN, Nama) are empty there or repeat the header
    (a cell merged over both rows)."""
    filled = [c for c in nxt if not is_empty(c)]
    if not filled or not all(isinstance(c, str) for c in filled):
        return False
    for j in anchors:
        v = nxt[j] if j < len(nxt) else None
        t = top[j] if j < len(top) else None
        if not is_empty(v) and as_text(v).strip() != as_text(t).strip():
            return False
    return True


def _no_header_message(grid: Grid, kind: str | None) -> tuple[str, str]:
    first = next((cells for _, cells in grid.rows if isinstance(cells, list) and any(not is_empty(c) for c in cells)), [])
    seen = ", ".join(as_text(c).strip() for c in first if not is_empty(c))[:200]
    if kind:
        need = ", ".join(c.name for c in KINDS[kind].columns if c.required)
        return (f"judul kolom {kind} tidak ditemukan (wajib: {need}); baris pertama berisi: {seen or '-'}",
                f"no {kind} header found (required: {need}); the first row holds: {seen or '-'}")
    return (f"jenis tabel tidak bisa ditentukan dari nama file maupun judul kolom; pilih jenisnya (--kind) "
            f"atau beri nama file diawali salah satu dari: {', '.join(KINDS)} (baris pertama: {seen or '-'})",
            f"the table's kind cannot be told from the file name or the header; choose it (--kind) or start "
            f"the file name with one of: {', '.join(KINDS)} (first row: {seen or '-'})")


def accepted_names(kind: Kind, column: str) -> list[str]:
    col = kind.column(column)
    return [col.name, *col.aliases]


def missing_columns_message(kind: Kind, missing: list[str], header: list) -> tuple[str, str]:
    """Which required columns are missing, the names accepted for each, and
    the header of the file that comes closest."""
    present = [as_text(h).strip() for h in header if not is_empty(h)]
    parts_id, parts_en = [], []
    for m in missing:
        names = []
        for name in m.split(" atau "):
            names += accepted_names(kind, name)
        keys = {header_key(h): h for h in present}
        close = difflib.get_close_matches(m.split(" atau ")[0], list(keys), n=1, cutoff=0.75)
        for alias in names:
            close = close or difflib.get_close_matches(alias, list(keys), n=1, cutoff=0.75)
        hint_id = f"; yang paling mirip di file: '{keys[close[0]]}'" if close else ""
        hint_en = f"; closest header in the file: '{keys[close[0]]}'" if close else ""
        shown = ", ".join(n.replace("_", " ") for n in names[:12])
        parts_id.append(f"{m} (nama yang diterima: {shown}{hint_id})")
        parts_en.append(f"{m.replace(' atau ', ' or ')} (accepted names: {shown}{hint_en})")
    return ("kolom wajib tidak ada: " + "; ".join(parts_id),
            "required columns missing: " + "; ".join(parts_en))


# -- one sheet --------------------------------------------------------------------------

def _read_grid(grid: Grid, label: str, kind: str | None, name_kind: str | None,
               context: ReadContext | None, limits: Limits, *, several: bool, file_name: str) -> Table:
    notes: list[Note] = list(grid.notes)
    if grid.header is not None:  # JSON lines: keys are the header
        k = kind or name_kind or _kind_from_keys(_keys(grid.header))
        if k is None:
            raise FileError(*_no_header_message(grid, None))
        hdr = _Header(-1, _keys(grid.header), k, "override" if kind else "name")
        data_rows = grid.rows
        raw_header = grid.header
    else:
        hdr = _find_header(grid, kind, name_kind, limits)
        raw_header = grid.rows[hdr.row][1]
        if hdr.rows_used == 2:
            raw_header = [h or as_text(t or "") for h, t in
                          zip(_padded(grid.rows[hdr.row][1], len(hdr.keys)), _padded(grid.rows[hdr.row - 1][1], len(hdr.keys)))]
        data_rows = grid.rows[hdr.row + 1:]
        skipped_title = [n for n, c in grid.rows[: hdr.row + 1 - hdr.rows_used] if isinstance(c, list) and any(not is_empty(x) for x in c)]
        if skipped_title:
            notes.append(Note(None, None, None,
                              f"{len(skipped_title)} baris judul di atas tabel dilewati (baris {_ranges(skipped_title)})",
                              f"{len(skipped_title)} title rows above the table skipped (rows {_ranges(skipped_title)})"))
    kind_obj = KINDS[hdr.kind]
    table = Table(grid.format, iter(()), name=label, kind=hdr.kind, kind_from=hdr.kind_from, delimiter=grid.delimiter,
                  warnings=list(grid.warnings), notes=notes)
    if hdr.dapodik:
        mapping, dropped = dapodik.column_mapping(hdr.keys, raw_header)
        table.dapodik = table.current_students_only = True
        table.dropped = dropped
    else:
        mapping, dropped = _map_columns(kind_obj, hdr.keys, raw_header)
        if hdr.kind_from == "header" and not several:
            notes.append(Note(None, None, None,
                              f"jenis file ditentukan dari judul kolom: {hdr.kind}",
                              f"the file's kind was told from its header: {hdr.kind}"))
    one_school = _one_school(context)
    if "npsn" not in mapping and one_school and any(c.name == "npsn" and c.required for c in kind_obj.columns) \
            and not hdr.dapodik:
        mapping["npsn"] = ("const", one_school)
        notes.append(Note(None, "npsn", one_school, "kolom npsn tidak ada: diisi NPSN satu-satunya sekolah di database",
                          "no npsn column: filled with the NPSN of the only school in the database"))
    missing = [c.name for c in kind_obj.columns if c.required and c.name not in mapping
               and not (hdr.dapodik and c.name in ("npsn", "kode_program"))]
    missing += [" atau ".join(g) for g in kind_obj.one_of if not any(c in mapping for c in g)]
    if missing:
        raise FileError(*missing_columns_message(kind_obj, missing, raw_header), sheet=grid.name)
    if dropped and not hdr.dapodik:
        notes.append(Note(None, None, None, f"kolom tidak dikenal diabaikan: {', '.join(dropped)[:300]}",
                          f"unknown columns ignored: {', '.join(dropped)[:300]}"))
    columns = list(mapping)
    rows = _data_rows(kind_obj, data_rows, mapping, notes, limits)
    if hdr.dapodik:
        columns, rows = dapodik.fill(rows, columns, context, notes, grid.rows[: hdr.row + 1])
        table.extra["rombel_mapping"] = dapodik.last_mapping(notes)
        notes.append(Note(None, None, None,
                          "file Dapodik 'Daftar Peserta Didik': dibaca sebagai data siswa aktif (tahun lulus tidak "
                          "diubah; alumni tidak dijadikan siswa lagi). Kolom yang tidak dipakai dibuang dan tidak "
                          f"disimpan: {', '.join(dropped)[:3000]}",
                          "Dapodik 'Daftar Peserta Didik' export: read as current students (graduation years are not "
                          "changed; alumni are never turned back into students). Columns not needed were dropped and "
                          f"not stored: {', '.join(dropped)[:3000]}"))
    _normalise(kind_obj, columns, rows, notes, context)
    table.header = columns
    table.rows = iter(rows)
    if len(table.notes) > limits.max_problems:
        more = len(table.notes) - limits.max_problems
        del table.notes[limits.max_problems:]
        table.notes.append(Note(None, None, None, f"... dan {more} catatan lain", f"... and {more} more notes"))
    return table


def _one_school(context: ReadContext | None) -> str | None:
    schools = list(getattr(context, "schools", None) or [])
    return schools[0]["npsn"] if len(schools) == 1 else None


def _kind_from_keys(keys: list[str]) -> str | None:
    best = None
    for k in KINDS.values():
        found = _matches(k, keys)
        s = _score(k, found)
        if len(found) >= 2 and (best is None or s > best[0]):
            best = (s, k.name)
    return best[1] if best else None


def _padded(cells, width):
    return list(cells) + [None] * (width - len(cells))


def _ranges(ns: list[int]) -> str:
    out, start, prev = [], None, None
    for n in ns:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if prev != start else str(start))
    text = ", ".join(out)
    return text if len(text) < 200 else text[:200] + " …"


def _map_columns(kind: Kind, keys: list[str], raw: list) -> tuple[dict[str, int | tuple], list[str]]:
    lookup = columns_by_header(kind)
    mapping: dict[str, int | tuple] = {}
    dropped = []
    for i, key in enumerate(keys):
        if not key or key in IGNORED_HEADERS:
            continue
        col = lookup.get(key)
        if col is None and kind.name == "siswa" and key in PLACE_AND_DATE:
            col = "tanggal_lahir"
            if col not in mapping:
                mapping[col] = ("ttl", i)
                continue
        if col is None:
            dropped.append(as_text(raw[i]).strip().replace("\n", " ") if i < len(raw) and not is_empty(raw[i]) else key)
        elif col in mapping:
            a = column_letter(mapping[col] if isinstance(mapping[col], int) else mapping[col][1])
            raise FileError(f"kolom {col} ada dua kali (kolom {a} dan {column_letter(i)}); hapus salah satu",
                            f"column {col} appears twice (columns {a} and {column_letter(i)}); remove one")
        else:
            mapping[col] = i
    return mapping, dropped


def _data_rows(kind: Kind, rows, mapping: dict, notes: list[Note], limits: Limits) -> list[tuple[int, list]]:
    """Data rows as ``(row number, [cell per mapped column])``; blank, total,
    repeated-header and signature rows skipped and reported."""
    anchors = [mapping[c] for c in (*[c.name for c in kind.columns if c.required],
                                    *[c for g in kind.one_of for c in g]) if c in mapping]
    anchors = [a[1] if isinstance(a, tuple) else a for a in anchors if not (isinstance(a, tuple) and a[0] == "const")]
    lookup = columns_by_header(kind)
    getters = [(lambda cells, w=mapping[c]: _cell(cells, w)) if isinstance(mapping[c], tuple)
               else (lambda cells, i=mapping[c]: cells[i] if i < len(cells) else None) for c in mapping]
    out: list[tuple[int, list]] = []
    blank, totals, footer, repeats, labels = [], [], [], [], []
    in_footer = False
    for n, cells in rows:
        if not isinstance(cells, list):
            out.append((n, cells))  # a BadLine: load reports it
            continue
        if not any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
            blank.append(n)
            continue
        anchor_empty = all(is_empty(cells[a]) if a < len(cells) else True for a in anchors)
        if any(isinstance(c, str) and c.lstrip()[:1] in "JjTtSsGg" and _TOTAL.match(c) for c in cells) and all(
                a >= len(cells) or is_empty(cells[a]) or isinstance(cells[a], (int, float))
                or _TOTAL.match(as_text(cells[a])) for a in anchors):
            totals.append(n)
            in_footer = True
            continue
        if anchor_empty and (in_footer or any(isinstance(t, str) and (_SIGNATURE.match(t) or _PLACE_DATE.match(t))
                                              for t in cells)):
            footer.append(n)
            in_footer = True
            continue
        if not anchor_empty and all(
                a < len(cells) and isinstance(cells[a], str) and not cells[a].lstrip()[:1].isdigit()
                and header_key(cells[a]) in lookup for a in anchors[:2]) and all(
                c is None or isinstance(c, str) for c in cells):
            repeats.append(n)  # the header again (a printed list with a header on every page)
            continue
        filled = [c for c in cells if not is_empty(c)] if anchor_empty else ()
        if anchor_empty and len(filled) == 1 and isinstance(filled[0], str):
            labels.append(n)  # "Kelas XII TKR" between blocks
            continue
        if len(out) >= limits.max_rows:
            raise FileError(f"terlalu banyak baris data (batas {limits.max_rows:,})",
                            f"too many data rows (limit {limits.max_rows:,})")
        out.append((n, [get(cells) for get in getters]))
    last = out[-1][0] if out else 0
    inner_blank = [n for n in blank if n < last]
    if inner_blank:
        notes.append(Note(None, None, None, f"{len(inner_blank)} baris kosong dilewati (baris {_ranges(inner_blank)})",
                          f"{len(inner_blank)} empty rows skipped (rows {_ranges(inner_blank)})"))
    for ns, what, what_en in ((totals, "baris jumlah/total", "total rows"),
                              (footer, "baris tanda tangan/keterangan di bawah tabel", "signature/footer rows below the table"),
                              (repeats, "baris judul kolom berulang", "repeated header rows"),
                              (labels, "baris label (satu sel, tanpa data wajib)", "label rows (one cell, no required data)")):
        if ns:
            notes.append(Note(None, None, None, f"{len(ns)} {what} dilewati (baris {_ranges(ns)})",
                              f"{len(ns)} {what_en} skipped (rows {_ranges(ns)})"))
    return out


def _cell(cells: list, where):
    if isinstance(where, tuple) and where[0] == "const":
        return where[1]
    i = where[1] if isinstance(where, tuple) else where
    v = cells[i] if i < len(cells) else None
    if isinstance(where, tuple) and where[0] == "ttl" and isinstance(v, str) and "," in v:
        return v.rsplit(",", 1)[1].strip()  # "Tegal, 12 Mei 2006" → "12 Mei 2006"
    return v


# -- values with the column in view --------------------------------------------------

_NAME_COLUMNS = ("nama", "nama_dudi", "guru_pembimbing", "oleh")


def _normalise(kind: Kind, columns: list[str], rows: list, notes: list[Note], context: ReadContext | None) -> None:
    data = [(n, cells) for n, cells in rows if isinstance(cells, list)]
    for j, col in enumerate(columns):
        parse = kind.column(col).parse if col in {c.name for c in kind.columns} else None
        if parse is date_parser:
            _dates(col, j, data, notes)
        elif col == "nisn":
            width = 10
            for n, cells in data:
                v = cells[j]
                if is_empty(v) or (isinstance(v, str) and len(v) == width and v.isdigit()):
                    continue
                padded, was = V.pad_digits(v, width, width - 3)
                if padded:
                    cells[j] = padded
                    if was:
                        notes.append(Note(n, col, as_text(v), f"{col.upper()} ditambah nol di depan menjadi {width} digit "
                                          "(Excel membuang nol di depan angka)",
                                          f"{col.upper()} padded with leading zeros to {width} digits "
                                          "(Excel drops leading zeros of numbers)"))
        elif col == "no_hp":
            for n, cells in data:
                v = cells[j]
                if is_empty(v):
                    continue
                try:
                    cells[j], repaired = V.canonical_phone(v)
                except V.PhoneError:
                    continue  # the parser reports it with the row
                if isinstance(v, (int, float)) and not isinstance(v, bool) and str(int(v)).endswith("0000"):
                    notes.append(Note(n, col, as_text(v), "nomor HP tersimpan sebagai angka dan berakhiran 0000: "
                                      "digit terakhir mungkin hilang (tampilan 8,12345E+11); periksa nomornya",
                                      "the phone number was stored as a number ending in 0000: its last digits may "
                                      "be lost (shown as 8.12345E+11); check it"))
                if repaired == "zero":
                    notes.append(Note(n, col, as_text(v), "angka 0 di depan nomor HP dikembalikan (hilang karena "
                                      "disimpan sebagai angka)", "the leading 0 of the phone number was restored "
                                      "(lost when saved as a number)"))
        elif col in _NAME_COLUMNS:
            for n, cells in data:
                v = cells[j]
                if isinstance(v, str) and V.lost_letters(v):
                    notes.append(Note(n, col, v, "ada '?' di nama: huruf yang hilang waktu file disimpan "
                                      "(Windows-1252/ANSI); perbaiki namanya atau simpan file sebagai CSV UTF-8",
                                      "the name holds '?': a letter lost when the file was saved "
                                      "(Windows-1252/ANSI); correct the name or save the file as CSV UTF-8"))
        elif col in ("kode_program", "kode") and context is not None and context.programmes:
            for n, cells in data:
                v = cells[j]
                if isinstance(v, str) and not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", v.strip()):
                    code = dapodik.programme_code(v, context.programmes)
                    if code:
                        cells[j] = code[1]
                        notes.append(Note(n, col, v, f"nama program dibaca sebagai kode {code[1]}",
                                          f"programme name read as code {code[1]}"))


def _dates(col: str, j: int, data: list, notes: list[Note]) -> None:
    order, verdict, dmy, mdy = V.column_order([(n, cells[j]) for n, cells in data])
    if verdict == "contradicts":
        raise FileError(
            f"kolom {col}: urutan hari/bulan saling bertentangan: baris {_ranges(dmy[:5])} hanya mungkin "
            f"hari/bulan (DD/MM), baris {_ranges(mdy[:5])} hanya mungkin bulan/hari (MM/DD). Samakan formatnya "
            "(sebaiknya YYYY-MM-DD atau '13 Mei 2006') lalu muat lagi",
            f"column {col}: the day/month order contradicts itself: rows {_ranges(dmy[:5])} can only be "
            f"day/month (DD/MM), rows {_ranges(mdy[:5])} only month/day (MM/DD). Use one format (best "
            "YYYY-MM-DD or '13 Mei 2006') and load it again")
    if verdict == "proven" and order == "mdy":
        notes.append(Note(None, col, None,
                          f"kolom {col} dibaca sebagai bulan/hari/tahun (setelan Excel bahasa Inggris AS), "
                          f"karena baris {_ranges(mdy[:5])} hanya mungkin dibaca begitu",
                          f"column {col} read as month/day/year (Excel with US English settings), because rows "
                          f"{_ranges(mdy[:5])} can only be read that way"))
    elif verdict == "ambiguous":
        notes.append(Note(None, col, None,
                          f"kolom {col}: semua tanggal bisa dibaca DD/MM maupun MM/DD; dibaca hari/bulan/tahun "
                          "(urutan Indonesia). Periksa beberapa tanggal; bila salah, tulis sebagai YYYY-MM-DD",
                          f"column {col}: every date could be DD/MM or MM/DD; read as day/month/year (the "
                          "Indonesian order). Check a few; if wrong, write them as YYYY-MM-DD"))
    for n, cells in data:
        v = cells[j]
        if is_empty(v) or (isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-"):
            continue  # empty, or already ISO
        try:
            cells[j] = V.parse_date(v, order)
        except V.DateError:
            pass  # the parser reports it with the row
