"""Validate, resolve, order and write school files into a store.

One pass per file, in dependency order (schools, programmes, employers,
people, then what refers to them): read, parse every cell, check references
against the store and the files accepted earlier in the same load, resolve
employer names, find duplicate keys, then write the file's rows in batches,
or nothing of it when a row is invalid (unless ``skip_invalid``).

Personal values (names, NISN, phones, emails) appear in the report (shown to
the staff who uploaded the file) but never in log messages or exceptions.
"""
from __future__ import annotations

import csv
import io
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from graph_service.errors import AlumniGraphError
from graph_service.schema import NODE_TYPES, REL_TYPES
from graph_service.store import Store, WriteCounts, batched

from loaders.employers import Employer, EmployerIndex, derive_code, normalize_code, normalize_name
from loaders.kinds import (
    ERROR_COLUMN, KINDS, ORDER, Invalid, Kind, as_text, columns_by_header, header_key,
    is_empty, kind_of_name,
)
from loaders.readers import EXTENSIONS, BadLine, FileError, Table, read_source, read_table

log = logging.getLogger("alumni_graph.loaders")

#: Largest file ``load_files`` accepts (web uploads).
DEFAULT_MAX_BYTES = 10 * 2**20
#: Suffix of the file of rejected rows; folders skip such files when loading.
REJECTED_SUFFIX = ".ditolak"
_HEADER_SEARCH_ROWS = 20


# -- the report ---------------------------------------------------------------------

@dataclass
class Problem:
    """One problem: where (file, row as a spreadsheet shows it, column), the
    offending value, and the message in Bahasa Indonesia and English."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    message_en: str
    level: str = "error"  # or "warning": reported, does not stop the file

    def as_dict(self) -> dict:
        return {
            "file": self.file, "row": self.row, "column": self.column, "value": self.value,
            "message": self.message, "message_en": self.message_en, "level": self.level,
        }

    def render(self, lang: str = "id") -> str:
        row, col = ("baris", "kolom") if lang == "id" else ("row", "column")
        where = [self.file]
        if self.row is not None:
            where.append(f"{row} {self.row}")
        if self.column:
            where.append(f"{col} {self.column}")
        text = self.message if lang == "id" else self.message_en
        value = f" [{self.value!r}]" if self.value not in (None, "") else ""
        tag = "" if self.level == "error" else ("(peringatan) " if lang == "id" else "(warning) ")
        return f"{', '.join(where)}{value}: {tag}{text}"


#: File statuses; ``ok`` holds when every file is in OK_STATUSES.
STATUS_TEXT = {
    "loaded": ("dimuat", "loaded"),
    "partial": ("dimuat sebagian (baris tidak valid dilewati)", "partly loaded (invalid rows skipped)"),
    "rejected": ("TIDAK dimuat: ada baris tidak valid", "NOT loaded: it has invalid rows"),
    "failed": ("GAGAL", "FAILED"),
    "incomplete": ("dimuat tidak lengkap", "loaded incompletely"),
    "skipped": ("tidak diproses (pemuatan berhenti)", "not processed (the load stopped)"),
    "ignored": ("diabaikan (jenis tidak dikenal)", "ignored (unknown kind)"),
}
OK_STATUSES = {"loaded", "partial", "ignored"}


@dataclass
class FileReport:
    name: str
    kind: str | None
    status: str = "loaded"
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    new_employers: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Where ``load_paths`` wrote the rejected rows (``--skip-invalid``).
    rejected_file: str | None = None
    #: Rows repeating an earlier row of the file exactly (counted unchanged).
    repeated: int = 0
    #: Wall-clock seconds spent on the file (read, check, write).
    seconds: float = 0.0
    #: Header and rejected rows, to build :meth:`rejected_csv`.
    header: list | None = None
    rejected_rows: list[tuple[int, list, list[Problem]]] = field(default_factory=list)
    delimiter: str = ","

    def problem(self, row, column, value, msg, msg_en, level="error") -> Problem:
        shown = None if is_empty(value) else as_text(value)[:300]
        p = Problem(self.name, row, column, shown, msg, msg_en, level)
        self.problems.append(p)
        return p

    def rejected_csv(self) -> str | None:
        """The rejected rows as CSV text (the file's own columns plus
        ``kesalahan``), ready to fix and load again; None if none."""
        if not self.rejected_rows or self.header is None:
            return None
        out = io.StringIO()
        w = csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n")
        width = len(self.header)
        w.writerow([as_text(h) if h is not None else "" for h in self.header] + [ERROR_COLUMN])
        for n, cells, problems in self.rejected_rows:
            cells = [("" if c is None else as_text(c)) for c in cells[:width]]
            cells += [""] * (width - len(cells))
            errors = "; ".join(
                f"baris {n}" + (f", {p.column}" if p.column else "") + f": {p.message}" for p in problems
            )
            w.writerow(cells + [errors])
        return out.getvalue()

    def as_dict(self) -> dict:
        return {
            "file": self.name, "kind": self.kind, "status": self.status,
            "status_text": STATUS_TEXT[self.status][0], "status_text_en": STATUS_TEXT[self.status][1],
            "read": self.read, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "rejected": self.rejected,
            "new_employers": list(self.new_employers),
            "rejected_file": self.rejected_file, "seconds": round(self.seconds, 3),
            "problems": [p.as_dict() for p in self.problems],
        }


_COUNTS = ("read", "created", "updated", "unchanged", "rejected")


@dataclass
class LoadReport:
    """What a load did, per file and per kind, and every problem found.

    ``ok`` is False when a file was not loaded because of invalid rows (without
    ``skip_invalid``), could not be read, or a write failed.
    """

    files: list[FileReport] = field(default_factory=list)
    dry_run: bool = False
    skip_invalid: bool = False

    @property
    def ok(self) -> bool:
        return all(f.status in OK_STATUSES for f in self.files)

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def new_employers(self) -> list[dict]:
        return [e for f in self.files for e in f.new_employers]

    def by_kind(self) -> dict[str, dict]:
        """Counts summed per kind, in load order."""
        out: dict[str, dict] = {}
        for f in sorted(self.files, key=lambda f: _kind_rank(f.kind)):
            if f.kind is None:
                continue
            row = out.setdefault(f.kind, {k: 0 for k in _COUNTS} | {"new_employers": 0, "files": 0})
            for k in _COUNTS:
                row[k] += getattr(f, k)
            row["new_employers"] += len(f.new_employers)
            row["files"] += 1
        return out

    def as_dict(self) -> dict:
        """JSON-ready: the same content as :meth:`render`."""
        return {
            "ok": self.ok, "dry_run": self.dry_run, "skip_invalid": self.skip_invalid,
            "kinds": self.by_kind(),
            "files": [f.as_dict() for f in self.files],
            "new_employers": self.new_employers,
            "problems": [p.as_dict() for p in self.problems],
        }

    def render(self, lang: str = "id", max_problems: int = 1000) -> str:
        """A plain-text summary: a table per kind, file statuses, new
        unverified employers and the problems (``lang`` "id" or "en")."""
        id_ = lang == "id"
        lines = []
        if self.dry_run:
            lines.append("DRY RUN: hanya diperiksa, tidak ada yang ditulis." if id_
                         else "DRY RUN: checked only, nothing was written.")
        heads = (["jenis", "dibaca", "dibuat", "diperbarui", "tetap", "ditolak", "DU/DI baru"] if id_
                 else ["kind", "read", "created", "updated", "unchanged", "rejected", "new employers"])
        table = [heads]
        for kind, c in self.by_kind().items():
            written = ["-"] * 3 if self.dry_run else [str(c["created"]), str(c["updated"]), str(c["unchanged"])]
            table.append([kind, str(c["read"]), *written, str(c["rejected"]), str(c["new_employers"])])
        widths = [max(len(r[i]) for r in table) for i in range(len(heads))]
        for i, r in enumerate(table):
            lines.append("  ".join(r[0].ljust(widths[0]) if j == 0 else r[j].rjust(widths[j])
                                   for j in range(len(r))))
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines.append("")
        for f in self.files:
            text = STATUS_TEXT[f.status][0 if id_ else 1]
            if self.dry_run and f.status in ("loaded", "partial"):
                text = "valid (tidak ditulis)" if id_ else "valid (not written)"
                if f.status == "partial":
                    text = (f"{f.rejected} baris akan dilewati" if id_ else f"{f.rejected} rows would be skipped")
            extra = ""
            if f.rejected_file:
                extra = (f"; baris ditolak ditulis ke {f.rejected_file}" if id_
                         else f"; rejected rows written to {f.rejected_file}")
            lines.append(f"{f.name} ({f.kind or '?'}): {text}{extra}")
        new = self.new_employers
        if new:
            lines.append("")
            lines.append(
                f"DU/DI baru belum terverifikasi ({len(new)}); periksa, atau gabungkan dengan "
                "`alumni-graph merge-employers KODE_TETAP KODE_HAPUS`:" if id_ else
                f"New unverified employers ({len(new)}); review them, or merge with "
                "`alumni-graph merge-employers KEEP_CODE DROP_CODE`:"
            )
            for e in new:
                city = f", {e['city']}" if e.get("city") else ""
                lines.append(f"  {e['code']}: {e['name']}{city} ({e['file']} baris {e['row']})" if id_
                             else f"  {e['code']}: {e['name']}{city} ({e['file']} row {e['row']})")
        problems = self.problems
        if problems:
            lines.append("")
            lines.append(f"Masalah ({len(problems)}):" if id_ else f"Problems ({len(problems)}):")
            for p in problems[:max_problems]:
                lines.append("  " + p.render(lang))
            if len(problems) > max_problems:
                more = len(problems) - max_problems
                lines.append(f"  ... dan {more} lainnya (lihat --json)" if id_
                             else f"  ... and {more} more (see --json)")
        lines.append("")
        lines.append(("Selesai." if self.ok else "Ada masalah: lihat di atas.") if id_
                     else ("Done." if self.ok else "There are problems: see above."))
        return "\n".join(lines)


def _kind_rank(kind: str | None) -> int:
    return ORDER.index(kind) if kind in ORDER else -1


# -- public entry points ------------------------------------------------------------

@dataclass
class _Source:
    name: str
    kind: str | None
    table: Callable[[], Table]  # may raise FileError
    path: Path | None = None
    explicit: bool = True


def load_paths(
    store: Store,
    paths: list[Path],
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: bool = False,
    *,
    rejects_dir: Path | None = None,
) -> LoadReport:
    """Load files, or every data file of folders, into ``store``.

    The kind of each file comes from the first word of its name
    (``siswa.csv``, ``Siswa 2024.xlsx``); kinds load in dependency order
    whatever order they are given in. With ``skip_invalid`` the rejected rows
    of ``NAME.csv`` are written to ``NAME.ditolak.csv`` in ``rejects_dir``
    (default: next to the file); folder loads skip such files.

    Examples
    --------
    >>> from graph_service.embedded import EmbeddedStore
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "sekolah.csv").write_text("npsn;nama;kota\\n20300001;SMK Negeri 1 Contoh;Bandung\\n")
    >>> report = load_paths(EmbeddedStore(d / "data"), [d / "sekolah.csv"])
    >>> report.ok, report.by_kind()["sekolah"]["created"]
    (True, 1)
    """
    sources, seen = [], set()
    for path in paths:
        path = Path(path)
        explicit = not path.is_dir()
        members = [path] if explicit else sorted(
            p for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in EXTENSIONS
            and not p.name.startswith((".", "~$")) and f"{REJECTED_SUFFIX}." not in p.name
        )
        for p in members:
            if p.resolve() in seen:
                continue
            seen.add(p.resolve())
            kind = kind_of_name(p.name)
            sources.append(_Source(p.name, kind, lambda p=p, kind=kind: _read_path(p, kind),
                                   path=p, explicit=explicit))
    report = _run(store, sources, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress)
    if skip_invalid and not dry_run:
        for src, fr in zip(_ordered(sources), report.files):
            text = fr.rejected_csv()
            if text is None or src.path is None:
                continue
            stem = src.path.stem.removesuffix(REJECTED_SUFFIX)
            target = Path(rejects_dir or src.path.parent) / f"{stem}{REJECTED_SUFFIX}.csv"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8-sig", newline="")
            fr.rejected_file = str(target)
    return report


def _read_path(path: Path, kind: str | None) -> Table:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(f"file tidak bisa dibuka ({exc.strerror})",
                        f"the file cannot be opened ({exc.strerror})") from None
    return read_table(data, path.name, kind)


def load_files(
    store: Store,
    files: list[tuple[str, BinaryIO]],
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: bool = False,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadReport:
    """Load uploaded files given as ``(file name, binary file object)``.

    The name tells the kind, as for :func:`load_paths`; a file larger than
    ``max_bytes`` is refused. Rejected rows are in each file report's
    :meth:`FileReport.rejected_csv` (for a download link); nothing is
    written to disk.

    Examples
    --------
    >>> import io
    >>> from graph_service.embedded import EmbeddedStore
    >>> import tempfile
    >>> store = EmbeddedStore(tempfile.mkdtemp())
    >>> report = load_files(store, [("Sekolah.csv", io.BytesIO(b"npsn,nama\\n2030000,SMK\\n"))])
    >>> report.ok, report.problems[0].column, report.problems[0].message
    (False, 'npsn', 'harus 8 digit angka; nol di depan mungkin hilang karena Excel (format kolom sebagai Teks)')
    """
    sources = []
    for name, fobj in files:
        name = Path(str(name).replace("\\", "/")).name  # a browser may send a full path
        kind = kind_of_name(name)

        def table(fobj=fobj, name=name, kind=kind):
            return read_table(read_source(fobj, max_bytes=max_bytes), name, kind)

        sources.append(_Source(name, kind, table))
    return _run(store, sources, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress)


def load_rows(
    store: Store,
    kind: str,
    rows: Iterable[dict],
    *,
    source: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> LoadReport:
    """Load rows that are already dicts (column name → value), e.g. from
    another reader or a test. Row numbers count as if row 1 were the header.

    >>> from graph_service.embedded import EmbeddedStore
    >>> import tempfile
    >>> store = EmbeddedStore(tempfile.mkdtemp())
    >>> load_rows(store, "sekolah", [{"NPSN": "20300001", "Nama": "SMK 1"}]).ok
    True
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    rows = list(rows)
    header: dict[str, None] = {}
    for r in rows:
        header.update(dict.fromkeys(r))
    keys = list(header)
    table = Table("rows", iter([(n, [r.get(k) for k in keys]) for n, r in enumerate(rows, 2)]),
                  header=keys)
    return _run(store, [_Source(source or f"{kind}-rows", kind, lambda: table)],
                skip_invalid=skip_invalid, dry_run=dry_run, progress=False)


# -- the run ----------------------------------------------------------------------------

def _ordered(sources: list[_Source]) -> list[_Source]:
    return sorted(sources, key=lambda s: _kind_rank(s.kind))


def _run(store: Store, sources: list[_Source], *, skip_invalid: bool, dry_run: bool,
         progress: bool) -> LoadReport:
    report = LoadReport(dry_run=dry_run, skip_invalid=skip_invalid)
    ctx = _Context(store)
    store_failed = False
    for src in _ordered(sources):
        fr = FileReport(src.name, src.kind)
        report.files.append(fr)
        if store_failed:
            fr.status = "skipped"
            continue
        began = time.perf_counter()
        store_failed = not _run_one(store, src, fr, ctx, skip_invalid, dry_run, progress)
        fr.seconds = time.perf_counter() - began
    return report


def _run_one(store: Store, src: _Source, fr: FileReport, ctx: _Context, skip_invalid: bool,
             dry_run: bool, progress: bool) -> bool:
    """Check and write one file into ``fr``; False if the store failed."""
    if src.kind is None:
        fr.status = "failed" if src.explicit else "ignored"
        fr.problem(None, None, None,
                   "jenis file tidak bisa ditentukan dari namanya; nama file harus diawali "
                   f"salah satu dari: {', '.join(ORDER)} (misalnya siswa.csv, 'Siswa 2024.xlsx')",
                   "the file's kind cannot be told from its name; the name must start with one of: "
                   f"{', '.join(ORDER)} (e.g. siswa.csv, 'Siswa 2024.xlsx')",
                   level="error" if src.explicit else "warning")
        return True
    kind = KINDS[src.kind]
    try:
        table = src.table()
        for msg, msg_en in table.warnings:
            fr.problem(None, None, None, msg, msg_en, level="warning")
        rows = _parse_table(kind, table, fr)
    except FileError as exc:
        fr.status = "failed"
        fr.problem(exc.row, None, None, exc.msg, exc.msg_en)
        log.warning("%s: not loaded, the file cannot be read", src.name)
        return True
    try:
        plan = _plan(kind, rows, ctx, fr)
        _decide(kind, rows, plan, ctx, fr, skip_invalid)
        if fr.status in ("loaded", "partial") and not dry_run:
            _write(store, kind, plan, fr, progress)
        if fr.status in ("loaded", "partial"):
            _accept(plan, ctx)
    except AlumniGraphError as exc:
        # A store failure (Neo4j stopped, missing constraints): stop the load;
        # what was written is consistent and a re-run completes it.
        fr.status = "failed"
        fr.problem(None, None, None, f"penyimpanan gagal: {exc.message}", f"the store failed: {exc.message}")
        log.error("%s: store failure during the load: %s", src.name, exc.__class__.__name__)
        return False
    log.info("%s (%s): read %d, created %d, updated %d, unchanged %d, rejected %d, status %s",
             src.name, src.kind, fr.read, fr.created, fr.updated, fr.unchanged, fr.rejected, fr.status)
    return True


# -- parsing --------------------------------------------------------------------------------

@dataclass
class _Row:
    n: int
    cells: list
    rec: dict
    bad: set  # columns whose cell did not parse
    errors: list[Problem] = field(default_factory=list)


def _column_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


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
            a, b = _column_letter(mapping[col]), _column_letter(i)
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
            row.rec[col.name] = None
            if col.required:
                row.bad.add(col.name)
                error(col.name, raw, "wajib diisi", "required")
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


# -- references and the write plan ----------------------------------------------------------

class _Context:
    """What the load knows exists: keys found in the store (looked up in bulk
    and cached) or accepted from earlier files of this load."""

    def __init__(self, store: Store):
        self.store = store
        self.known: dict[str, set] = defaultdict(set)
        self.absent: dict[str, set] = defaultdict(set)
        self.not_loaded: dict[str, dict] = defaultdict(dict)  # label -> key -> file name
        self._employers: EmployerIndex | None = None

    def check(self, label: str, keys: Iterable[tuple]) -> None:
        todo = {k for k in keys if k not in self.known[label] and k not in self.absent[label]}
        if not todo:
            return
        nt = NODE_TYPES[label]
        found = {tuple(p[k] for k in nt.key) for p in self.store.iter_nodes(label, sorted(todo))}
        self.known[label] |= found
        self.absent[label] |= todo - found

    def exists(self, label: str, key: tuple) -> bool:
        return key in self.known[label]

    def add(self, label: str, key: tuple) -> None:
        self.known[label].add(key)
        self.absent[label].discard(key)

    @property
    def employers(self) -> EmployerIndex:
        if self._employers is None:
            self._employers = EmployerIndex()
            for props in self.store.iter_nodes("Employer"):
                self._employers.add_node(props)
                self.add("Employer", (props["code"],))
        return self._employers


_REF_TEXT = {
    "School": ("NPSN", "sekolah"),
    "Program": ("program (npsn + kode_program)", "program"),
    "Person": ("NISN", "siswa"),
}


@dataclass
class _Plan:
    """The writes of one file, by row index. ``rows`` holds each row's node
    or relationship (the one the report counts); ``secondary`` what derives
    from it (HAS_PROGRAM, STUDIED_IN); ``deletes`` stale relationships."""

    kind: str
    rows: dict[int, tuple] = field(default_factory=dict)  # row index -> (target, write row)
    secondary: dict[int, list] = field(default_factory=dict)  # row index -> [(target, write row)]
    deletes: dict[int, list] = field(default_factory=dict)  # row index -> [(target, write row)]
    new_employers: dict[str, tuple[Employer, int]] = field(default_factory=dict)  # code -> (emp, row n)
    employer_of: dict[int, str] = field(default_factory=dict)  # row index -> employer code


def _present(rec: dict, names: dict[str, str]) -> dict:
    """Properties for the columns the file has (absent columns stay untouched)."""
    return {prop: rec[col] for col, prop in names.items() if col in rec}


def _plan(kind: Kind, rows: list[_Row], ctx: _Context, fr: FileReport) -> _Plan:
    plan = _Plan(kind.name)
    k = kind.name

    def ref_error(row, label, col, value):
        what, file_kind = _REF_TEXT[label]
        key = value if isinstance(value, tuple) else (value,)
        other = ctx.not_loaded[label].get(key)
        if other:
            row.errors.append(fr.problem(
                row.n, col, as_text(value if not isinstance(value, tuple) else "/".join(value)),
                f"{what} ini ada di {other}, tetapi barisnya tidak dimuat (tidak valid)",
                f"this {what} is in {other}, but its row was not loaded (invalid)"))
        else:
            row.errors.append(fr.problem(
                row.n, col, as_text(value if not isinstance(value, tuple) else "/".join(value)),
                f"{what} tidak dikenal: tidak ada di database maupun di file {file_kind} pada pemuatan ini",
                f"unknown {what}: neither in the database nor in a {file_kind} file of this load"))
        row.bad.add(col)

    def usable(row, *cols):
        return all(row.rec.get(c) is not None and c not in row.bad for c in cols)

    # Bulk existence checks first: one store round trip per label, not per row.
    if k in ("program", "siswa", "kemitraan", "kunjungan"):
        ctx.check("School", {(r.rec["npsn"],) for r in rows if usable(r, "npsn")})
    if k == "siswa":
        ctx.check("Program", {(r.rec["npsn"], r.rec["kode_program"]) for r in rows if usable(r, "npsn", "kode_program")})
    if k == "kemitraan":
        ctx.check("Program", {(r.rec["npsn"], r.rec["kode_program"]) for r in rows if usable(r, "npsn", "kode_program")})
    if k in ("prakerin", "pekerjaan"):
        ctx.check("Person", {(r.rec["nisn"],) for r in rows if usable(r, "nisn")})
    existing_people = {}
    if k == "siswa":
        keys = sorted({(r.rec["nisn"],) for r in rows if usable(r, "nisn")})
        existing_people = {p["nisn"]: p for p in ctx.store.iter_nodes("Person", keys)}
    employers = ctx.employers if k in ("dudi", "prakerin", "pekerjaan", "kemitraan", "kunjungan") else None

    for i, row in enumerate(rows):
        r = row.rec
        if k in ("program", "siswa", "kemitraan", "kunjungan") and usable(row, "npsn"):
            if not ctx.exists("School", (r["npsn"],)):
                ref_error(row, "School", "npsn", r["npsn"])
        if k in ("siswa", "kemitraan") and usable(row, "npsn", "kode_program"):
            if not ctx.exists("Program", (r["npsn"], r["kode_program"])):
                ref_error(row, "Program", "kode_program", (r["npsn"], r["kode_program"]))
        if k in ("prakerin", "pekerjaan") and usable(row, "nisn"):
            if not ctx.exists("Person", (r["nisn"],)):
                ref_error(row, "Person", "nisn", r["nisn"])
        emp = None
        if employers is not None and k != "dudi" and not row.bad & {"kode_dudi", "nama_dudi", "kota_dudi"}:
            emp, new, problem = employers.resolve(r.get("kode_dudi"), r.get("nama_dudi"), r.get("kota_dudi"))
            if problem:
                col = "nama_dudi" if r.get("nama_dudi") else "kode_dudi"
                row.errors.append(fr.problem(row.n, col, r.get(col), *problem))
                row.bad.add(col)
            elif new is not None:
                plan.new_employers[new.code] = (new, row.n)
            if emp:
                plan.employer_of[i] = emp
        if row.errors:
            continue
        _plan_row(k, i, r, emp, plan, existing_people)
    return plan


def _plan_row(k: str, i: int, r: dict, emp: str | None, plan: _Plan, existing_people: dict) -> None:
    if k == "sekolah":
        props = {"npsn": r["npsn"]} | _present(r, {"nama": "name", "kota": "city", "provinsi": "province"})
        plan.rows[i] = (("node", "School"), props)
    elif k == "program":
        props = {"school_npsn": r["npsn"], "code": r["kode"]} | _present(r, {"nama": "name", "bidang": "sectors"})
        plan.rows[i] = (("node", "Program"), props)
        plan.secondary[i] = [(("rel", "HAS_PROGRAM", "School", "Program"),
                              {"start": (r["npsn"],), "end": (r["npsn"], r["kode"]), "props": {}})]
    elif k == "siswa":
        props = {"nisn": r["nisn"], "school_npsn": r["npsn"], "program_code": r["kode_program"]} | _present(r, {
            "nama": "name", "jenis_kelamin": "gender", "tanggal_lahir": "birth_date",
            "tahun_masuk": "entry_year", "tahun_lulus": "graduation_year", "status": "status",
            "bersedia_dihubungi": "consent_contact", "no_hp": "phone", "email": "email",
            "boleh_ditampilkan": "consent_display", "sumber_persetujuan": "consent_source",
            "tanggal_persetujuan": "consent_date", "ref_persetujuan_wali": "guardian_consent_ref",
        })
        old = existing_people.get(r["nisn"])
        # Consent defaults to "no": for an empty cell, and for a new person
        # when the file has no consent column (an existing answer is kept).
        # consent_display absent also means "no" (queries/rules.py), so it is
        # written only when the file has its column. Whether a minor's consent
        # counts (guardian reference) depends on the date asked about: the
        # queries decide it.
        if props.get("consent_contact") is None and ("bersedia_dihubungi" in r or old is None):
            props["consent_contact"] = False
        if props.get("consent_display") is None and "boleh_ditampilkan" in r:
            props["consent_display"] = False
        plan.rows[i] = (("node", "Person"), props)
        plan.secondary[i] = [(("rel", "STUDIED_IN", "Person", "Program"),
                              {"start": (r["nisn"],), "end": (r["npsn"], r["kode_program"]), "props": {}})]
        if old and (old.get("school_npsn"), old.get("program_code")) != (r["npsn"], r["kode_program"]):
            # The student moved (or the programme was corrected): the old
            # STUDIED_IN goes, so a person studies in one programme.
            plan.deletes[i] = [(("rel", "STUDIED_IN", "Person", "Program"),
                                {"start": (r["nisn"],),
                                 "end": (old.get("school_npsn"), old.get("program_code")), "props": {}})]
    elif k == "dudi":
        code = normalize_code(r["kode"]) if r.get("kode") else derive_code(r["nama"], r.get("kota"))
        props = {"code": code, "name": r["nama"], "name_normalized": normalize_name(r["nama"]),
                 "verified": True} | _present(r, {"kota": "city", "provinsi": "province",
                                                  "skala": "scale", "kontak": "contact"})
        if "bidang_usaha" in r:
            props["sector"], props["kbli"] = r["bidang_usaha"] or (None, None)
        plan.rows[i] = (("node", "Employer"), props)
    elif k == "prakerin":
        props = {"start": r["mulai"]} | _present(r, {
            "selesai": "end", "nilai": "score", "guru_pembimbing": "supervisor",
            "kunjungan_monitoring": "monitoring_visits"})
        plan.rows[i] = (("rel", "INTERNED_AT", "Person", "Employer"),
                        {"start": (r["nisn"],), "end": (emp,), "props": props})
    elif k == "pekerjaan":
        props = {"start": r["mulai"]} | _present(r, {
            "selesai": "end", "jabatan": "title", "selaras": "aligned", "sumber": "channel"})
        plan.rows[i] = (("rel", "WORKS_AT", "Person", "Employer"),
                        {"start": (r["nisn"],), "end": (emp,), "props": props})
    elif k == "kemitraan":
        props = {"start": r["mulai"], "kinds": r["jenis"]} | _present(r, {"selesai": "end", "nomor_mou": "mou_number"})
        if r.get("kode_program"):
            target = ("rel", "PARTNERS_WITH", "Program", "Employer")
            start = (r["npsn"], r["kode_program"])
        else:
            target = ("rel", "PARTNERS_WITH", "School", "Employer")
            start = (r["npsn"],)
        plan.rows[i] = (target, {"start": start, "end": (emp,), "props": props})
    elif k == "kunjungan":
        props = {"date": r["tanggal"], "kind": r.get("jenis") or "kunjungan"} | _present(
            r, {"oleh": "by", "catatan": "notes"})
        plan.rows[i] = (("rel", "CONTACTED", "School", "Employer"),
                        {"start": (r["npsn"],), "end": (emp,), "props": props})


def _identity(target: tuple, write: dict) -> tuple:
    """The key a row writes to: two rows with one identity are one thing."""
    if target[0] == "node":
        nt = NODE_TYPES[target[1]]
        return (target, tuple(write[k] for k in nt.key))
    rt = REL_TYPES[target[1]]
    return (target, write["start"], write["end"], tuple(write["props"][k] for k in rt.key))


def _decide(kind: Kind, rows: list[_Row], plan: _Plan, ctx: _Context, fr: FileReport,
            skip_invalid: bool) -> None:
    """Mark conflicting duplicates, then decide what of the file gets written."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, (target, write) in plan.rows.items():
        groups[_identity(target, write)].append(i)
    repeats = set()
    for members in groups.values():
        if len(members) == 1:
            continue
        first = plan.rows[members[0]][1]
        if all(plan.rows[i][1] == first for i in members[1:]):
            # The same row again: harmless. Written once, counted unchanged
            # (Neo4j would count two MERGEs of one new node in a batch as two creations).
            repeats.update(members[1:])
            continue
        for a in members:  # which one is right is unknown: all are rejected
            b = next(b for b in members if plan.rows[b][1] != plan.rows[a][1])
            ra, rb = rows[a], rows[b]
            diff = [c for c in ra.rec if ra.rec.get(c) != rb.rec.get(c)
                    and c not in ("kode_dudi", "nama_dudi", "kota_dudi")]
            col = diff[0] if diff else None
            ra.errors.append(fr.problem(
                ra.n, col, ra.rec.get(col) if col else None,
                f"kunci sama dengan baris {rb.n} tetapi isinya berbeda"
                + (f" (kolom {', '.join(diff)})" if diff else ""),
                f"same key as row {rb.n} but different values"
                + (f" (columns {', '.join(diff)})" if diff else "")))
    invalid = [i for i, r in enumerate(rows) if r.errors]
    for i in invalid:
        plan.rows.pop(i, None)
    fr.repeated = len(repeats)
    fr.rejected = len(invalid)
    if invalid and not skip_invalid:
        fr.status = "rejected"
        keep: set[int] = set()
    else:
        fr.status = "partial" if invalid else "loaded"
        keep = set(plan.rows) - repeats
        if skip_invalid:
            fr.rejected_rows = [(rows[i].n, rows[i].cells, rows[i].errors) for i in invalid]
    # Remember the nodes of rows that will not be written, so a later file's
    # reference to them gets a precise message.
    for i, row in enumerate(rows):
        if i in keep or i in repeats:
            continue
        label, key = _node_key(kind.name, row.rec)
        if label and key:
            ctx.not_loaded[label].setdefault(key, fr.name)
    # New employers survive only if a written row uses them.
    used = {plan.employer_of[i] for i in keep if i in plan.employer_of}
    for code in list(plan.new_employers):
        if code not in used:
            ctx.employers.remove(code)
            del plan.new_employers[code]
    for d in (plan.rows, plan.secondary, plan.deletes):
        for i in list(d):
            if i not in keep:
                del d[i]
    fr.new_employers = [
        {"code": e.code, "name": e.name, "city": e.city or None, "file": fr.name, "row": n}
        for e, n in plan.new_employers.values()
    ]


def _node_key(kind: str, rec: dict) -> tuple[str | None, tuple | None]:
    try:
        if kind == "sekolah":
            return "School", (rec["npsn"],)
        if kind == "program":
            return "Program", (rec["npsn"], rec["kode"])
        if kind == "siswa":
            return "Person", (rec["nisn"],)
    except KeyError:
        pass
    return None, None


def _accept(plan: _Plan, ctx: _Context) -> None:
    """After a file is written (or would be, in a dry run): its nodes exist."""
    for target, write in plan.rows.values():
        if target[0] == "node":
            nt = NODE_TYPES[target[1]]
            ctx.add(target[1], tuple(write[k] for k in nt.key))
            if target[1] == "Employer":
                ctx.employers.add_node(write)
    for emp, _ in plan.new_employers.values():
        ctx.add("Employer", (emp.code,))


# -- writing ----------------------------------------------------------------------------------

def _group(items: Iterable[tuple[tuple, dict]]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for target, write in items:
        groups[target].append(write)
    return groups


def _upsert(store: Store, target: tuple, rows: list[dict], source: str) -> WriteCounts:
    if target[0] == "node":
        return store.upsert_nodes(target[1], rows, source=source)
    return store.upsert_relationships(target[1], rows, start_label=target[2], end_label=target[3],
                                      source=source)


def _write(store: Store, kind: Kind, plan: _Plan, fr: FileReport, progress: bool) -> None:
    """Write one file: new employers, stale relationships out, the rows, then
    the relationships derived from them. One transaction on the embedded
    store (the file is all-or-nothing); batches of ``store.batch_size`` on
    Neo4j, each its own transaction (MERGE makes a re-run complete it)."""
    source = fr.name
    primary = _group(plan.rows.values())
    total = len(plan.rows)
    bar = None
    if progress and total:
        import click

        bar = click.progressbar(length=total, label=f"{fr.name:<20}", file=sys.stderr)
    counts = WriteCounts()
    try:
        with store.transaction():
            if plan.new_employers:
                store.upsert_nodes("Employer", [
                    {"code": e.code, "name": e.name, "name_normalized": e.name_normalized,
                     "verified": False} | ({"city": e.city} if e.city else {})
                    for e, _ in plan.new_employers.values()
                ], source=source)
            for target, rows in _group(w for ws in plan.deletes.values() for w in ws).items():
                store.delete_relationships(target[1], rows, start_label=target[2], end_label=target[3])
            for target, rows in primary.items():
                for chunk in batched(rows, store.batch_size):
                    counts += _upsert(store, target, chunk, source)
                    if bar is not None:
                        bar.update(len(chunk))
            for target, rows in _group(w for ws in plan.secondary.values() for w in ws).items():
                missing = _upsert(store, target, rows, source).missing
                if missing:
                    _missing(fr, missing)
    finally:
        if bar is not None:
            bar.render_finish()
    fr.created, fr.updated = counts.created, counts.updated
    fr.unchanged = counts.unchanged + fr.repeated
    if counts.missing:
        _missing(fr, counts.missing)


def _missing(fr: FileReport, n: int) -> None:
    # Validation checked every endpoint; this means someone deleted nodes meanwhile.
    fr.status = "incomplete"
    fr.problem(None, None, None,
               f"{n} relasi tidak ditulis karena simpul ujungnya hilang dari database selama pemuatan; "
               "muat ulang file ini",
               f"{n} relationships were not written because an endpoint vanished from the database "
               "during the load; load this file again")

