"""Load school files into a store: the entry points and the run.

One pass per file, in dependency order (schools, programmes, employers,
people, then what refers to them): read, parse every cell, check references
against the store and the files accepted earlier in the same load, resolve
employer names, find duplicate keys, then write the file's rows in batches,
or nothing of it when a row is invalid (unless ``skip_invalid``).

Personal values (names, NISN, phones, emails) appear in the report (shown to
the staff who uploaded the file) but never in log messages or exceptions.

The steps live in their own modules, so each rule is found in one place:
:mod:`loaders.readers` (bytes into rows of cells), :mod:`loaders.validate`
(header and cells into records), :mod:`loaders.resolve` (references,
employers, the write plan, duplicates), :mod:`loaders.write` (the store
writes) and :mod:`loaders.report` (what happened). Their public names are
importable from here as before.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from alumni_graph.graph_service.errors import AlumniGraphError
from alumni_graph.graph_service.store import Store

from alumni_graph.loaders.kinds import KINDS, ORDER, kind_of_name
from alumni_graph.loaders.readers import EXTENSIONS, FileError, Table, read_source
from alumni_graph.loaders.sheets import ReadContext, read_sheets
from alumni_graph.loaders.report import (  # noqa: F401  (re-exported)
    OK_STATUSES, STATUS_TEXT, FileReport, LoadReport, Problem, _kind_rank,
)
from alumni_graph.loaders.resolve import _accept, _Context, _decide, _Plan, _plan, describe_changes  # noqa: F401
from alumni_graph.loaders.validate import _parse_table, _Row  # noqa: F401
from alumni_graph.loaders.write import _write  # noqa: F401

log = logging.getLogger("alumni_graph.loaders")

#: Largest file ``load_files`` accepts (web uploads).
DEFAULT_MAX_BYTES = 10 * 2**20
#: Suffix of the file of rejected rows; folders skip such files when loading.
REJECTED_SUFFIX = ".ditolak"


# -- public entry points ------------------------------------------------------------

@dataclass
class _Source:
    name: str
    kind: str | None
    table: Callable[[], Table] | None  # may raise FileError
    path: Path | None = None
    explicit: bool = True
    #: The file's bytes (may raise FileError): read and split into one
    #: source per table (sheet) by :func:`_expand` before the run.
    data: Callable[[], bytes] | None = None
    #: The kind the user chose (``--kind``, the page's picker); wins over name and header.
    kind_override: str | None = None
    #: The sheet (of a workbook with several) this source is.
    sheet: str | None = None


def load_paths(
    store: Store,
    paths: list[Path],
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: bool = False,
    *,
    rejects_dir: Path | None = None,
    kind: str | None = None,
    data_dir: Path | None = None,
) -> LoadReport:
    """Load files, or every data file of folders, into ``store``.

    The kind of each file comes from the first word of its name
    (``siswa.csv``, ``Siswa 2024.xlsx``); kinds load in dependency order
    whatever order they are given in. With ``skip_invalid`` the rejected rows
    of ``NAME.csv`` are written to ``NAME.ditolak.csv`` in ``rejects_dir``
    (default: next to the file); folder loads skip such files.

    Examples
    --------
    >>> from alumni_graph.graph_service.embedded import EmbeddedStore
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "sekolah.csv").write_text("npsn;nama;kota\\n20300001;SMK Negeri 1 Contoh;Bandung\\n")
    >>> report = load_paths(EmbeddedStore(d / "data"), [d / "sekolah.csv"])
    >>> report.ok, report.by_kind()["sekolah"]["created"]
    (True, 1)
    """
    sources, seen, passed_over = [], set(), []
    for path in paths:
        path = Path(path)
        explicit = not path.is_dir()
        members = [path]
        if not explicit:
            members = []
            for p in sorted(path.iterdir()):
                reason = _why_not_read(p)
                if reason is None:
                    members.append(p)
                else:
                    passed_over.append((p.name, reason))
        for p in members:
            if p.resolve() in seen:
                continue
            seen.add(p.resolve())
            sources.append(_Source(p.name, kind or kind_of_name(p.name), None, path=p, explicit=explicit,
                                   data=lambda p=p: _read_path(p), kind_override=kind))
    sources = _expand(store, sources, data_dir)
    report = _run(store, sources, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress,
                  data_dir=data_dir)
    for name, (why, why_en) in passed_over:  # a folder's other files: listed, never skipped silently
        fr = FileReport(name, None, status="ignored")
        fr.note = (why, why_en)
        report.files.append(fr)
    if skip_invalid and not dry_run:
        for src, fr in zip(_ordered(sources), report.files):
            text = fr.rejected_csv()
            if text is None or src.path is None:
                continue
            stem = src.path.stem.removesuffix(REJECTED_SUFFIX)
            if src.sheet:
                stem = f"{stem}.{re.sub(r'[^0-9A-Za-z_-]+', '_', src.sheet)}"
            target = Path(rejects_dir or src.path.parent) / f"{stem}{REJECTED_SUFFIX}.csv"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8-sig", newline="")
            fr.rejected_file = str(target)
    return report


def _why_not_read(path: Path) -> tuple[str, str] | None:
    """Why a folder load does not read this entry, or None when it does."""
    name = path.name
    if path.is_dir():
        return ("folder di dalam folder tidak dibaca; muat folder itu tersendiri",
                "folders inside the folder are not read; load that folder on its own")
    if name.startswith("~$"):
        return ("file kunci Excel (file aslinya sedang terbuka)", "an Excel lock file (the real file is open)")
    if name.startswith("."):
        return ("file tersembunyi", "a hidden file")
    if f"{REJECTED_SUFFIX}." in name:
        return ("baris yang ditolak pada pemuatan sebelumnya: perbaiki lalu muat dengan nama lain",
                "rows rejected by an earlier load: fix them, then load under another name")
    if path.suffix.lower() not in EXTENSIONS:
        accepted = ", ".join(EXTENSIONS)
        return (f"format {path.suffix or '(tanpa akhiran)'} tidak didukung; yang dibaca: {accepted}",
                f"format {path.suffix or '(no extension)'} is not supported; read are: {accepted}")
    return None


def _read_path(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileError(f"file tidak bisa dibuka ({exc.strerror})",
                        f"the file cannot be opened ({exc.strerror})") from None


def _expand(store: Store, sources: list[_Source], data_dir: Path | None) -> list[_Source]:
    """Read each file (:func:`loaders.sheets.read_sheets`) into one source
    per table: every visible sheet of a workbook, its kind told by the
    user's choice, the file or sheet name, or the header."""
    context = None
    out: list[_Source] = []
    for src in sources:
        if src.data is None:
            out.append(src)
            continue
        if context is None:
            from alumni_graph.loaders.dapodik import load_rombel_map

            context = ReadContext.from_store(store, load_rombel_map(data_dir or getattr(store, "data_dir", None)))
        try:
            got = read_sheets(src.data(), src.name, src.kind_override, context=context)
        except FileError as exc:
            out.append(_failed(src, exc))
            continue
        several = len(got.tables) + len(got.errors) > 1
        for i, table in enumerate(got.tables):
            if i == 0:
                table.warnings[:0] = [(m, m_en) for _, m, m_en in got.notes]
            out.append(_Source(table.name or src.name, table.kind, lambda t=table: t, path=src.path,
                               explicit=src.explicit, sheet=table.sheet if several else None))
        for exc in got.errors:
            name = f"{src.name} › {exc.sheet}" if exc.sheet else src.name
            out.append(_failed(src, exc, name))
    return out


def _failed(src: _Source, exc: FileError, name: str | None = None) -> _Source:
    if exc.sheet and not name:
        name = f"{src.name} › {exc.sheet}"  # a sheet refused as a whole (too wide, ...)

    def raise_it():
        raise exc

    return _Source(name or src.name, src.kind, raise_it, path=src.path, explicit=src.explicit,
                   sheet=exc.sheet)


def load_files(
    store: Store,
    files: list[tuple[str, BinaryIO]],
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: bool = False,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    kind: str | None = None,
    data_dir: Path | None = None,
) -> LoadReport:
    """Load uploaded files given as ``(file name, binary file object)``.

    The name tells the kind, as for :func:`load_paths`; a file larger than
    ``max_bytes`` is refused. Rejected rows are in each file report's
    :meth:`FileReport.rejected_csv` (for a download link); nothing is
    written to disk.

    Examples
    --------
    >>> import io
    >>> from alumni_graph.graph_service.embedded import EmbeddedStore
    >>> import tempfile
    >>> store = EmbeddedStore(tempfile.mkdtemp())
    >>> report = load_files(store, [("Sekolah.csv", io.BytesIO(b"npsn,nama\\n2030000,SMK\\n"))])
    >>> report.ok, report.problems[0].column, report.problems[0].message
    (False, 'npsn', 'harus 8 digit angka; nol di depan mungkin hilang karena Excel (format kolom sebagai Teks)')
    """
    sources = []
    for entry in files:
        # (name, file) or (name, file, kind): a kind picked for this one file wins
        name, fobj = entry[0], entry[1]
        own = (entry[2] if len(entry) > 2 else None) or kind
        name = Path(str(name).replace("\\", "/")).name  # a browser may send a full path
        sources.append(_Source(name, own or kind_of_name(name), None, kind_override=own,
                               data=lambda fobj=fobj: read_source(fobj, max_bytes=max_bytes)))
    sources = _expand(store, sources, data_dir)
    return _run(store, sources, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress,
                data_dir=data_dir)


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

    >>> from alumni_graph.graph_service.embedded import EmbeddedStore
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
         progress: bool, data_dir: Path | None = None) -> LoadReport:
    report = LoadReport(dry_run=dry_run, skip_invalid=skip_invalid)
    ctx = _Context(store)
    ctx.data_dir = data_dir or getattr(store, "data_dir", None)
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
        msg = ("jenis file tidak bisa ditentukan dari namanya maupun judul kolomnya; pilih jenisnya (--kind) "
               f"atau beri nama file diawali salah satu dari: {', '.join(ORDER)} (misalnya siswa.csv, "
               "'Siswa 2024.xlsx')",
               "the file's kind cannot be told from its name nor its header; choose it (--kind) or start the "
               f"name with one of: {', '.join(ORDER)} (e.g. siswa.csv, 'Siswa 2024.xlsx')")
        if src.table is not None:
            try:
                src.table()
            except FileError as exc:  # the reader's own reason (damaged, empty, ...)
                if not getattr(exc, "no_table", False):
                    msg = (exc.msg, exc.msg_en)
        fr.problem(None, None, None, *msg, level="error" if src.explicit else "warning")
        return True
    kind = KINDS[src.kind]
    try:
        table = src.table()
        for msg, msg_en in table.warnings:
            fr.problem(None, None, None, msg, msg_en, level="warning")
        for note in table.notes:
            if note.level != "error" or note.row is None:
                fr.problem(note.row, note.column, note.value, note.msg, note.msg_en, level="warning")
        fr.current_students_only = table.current_students_only
        fr.rombel_mapping = list(table.extra.get("rombel_mapping") or [])
        rows = _parse_table(kind, table, fr)
    except FileError as exc:
        fr.status = "failed"
        fr.problem(exc.row, None, None, exc.msg, exc.msg_en)
        log.warning("%s: not loaded, the file cannot be read", src.name)
        return True
    try:
        plan = _plan(kind, rows, ctx, fr)
        _decide(kind, rows, plan, ctx, fr, skip_invalid)
        if fr.status in ("loaded", "partial"):
            if dry_run:
                fr.created, fr.updated, fr.unchanged = (fr.expected[k] for k in ("created", "updated", "unchanged"))
        if fr.status in ("loaded", "partial") and not dry_run:
            _write(store, kind, plan, fr, progress)
        if fr.status in ("loaded", "partial"):
            _accept(plan, ctx)
        mapping = table.extra.get("rombel_mapping")
        if mapping and not dry_run and fr.status in ("loaded", "partial") and ctx.data_dir:
            from alumni_graph.loaders.dapodik import save_rombel_map

            save_rombel_map(ctx.data_dir, mapping)  # reused by the next Dapodik load
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
