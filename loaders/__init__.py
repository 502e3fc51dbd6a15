"""Loaders: school spreadsheets (CSV, XLSX, JSON lines) into the graph.

Public API::

    load_paths(store, paths, skip_invalid=False, dry_run=False, progress=False) -> LoadReport
    load_files(store, [(file_name, binary_file), ...], ...)  -> LoadReport   # web upload
    load_rows(store, kind, rows_as_dicts, source=...)        -> LoadReport   # any iterable

``LoadReport.ok``, ``.render()`` (plain text, Bahasa Indonesia; ``lang="en"``)
and ``.as_dict()`` (JSON-ready). Each ``report.files[i].rejected_csv()`` gives
the rejected rows of a file as CSV text when ``skip_invalid`` was set.

Modules: :mod:`loaders.readers` (files into rows of cells),
:mod:`loaders.kinds` (the column contract and cell parsers),
:mod:`loaders.employers` (employer name normalisation and resolution),
:mod:`loaders.load` (the entry points and the run), :mod:`loaders.validate`
(header and cells into records), :mod:`loaders.resolve` (references, the
write plan, duplicates), :mod:`loaders.write` (store writes),
:mod:`loaders.report` (the report).
"""
from alumni_graph.loaders.employers import derive_code, normalize_code, normalize_name
from alumni_graph.loaders.kinds import KINDS, ORDER, kind_of_name
from alumni_graph.loaders.load import (
    DEFAULT_MAX_BYTES, FileReport, LoadReport, Problem, load_files, load_paths, load_rows,
)

__all__ = [
    "DEFAULT_MAX_BYTES", "FileReport", "KINDS", "LoadReport", "ORDER", "Problem", "derive_code",
    "kind_of_name", "load_files", "load_paths", "load_rows", "normalize_code", "normalize_name",
]
