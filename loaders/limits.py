"""Hard limits of the readers, in one place (issue 12 item 1: bounded imports).

A file past a limit is refused with a message that names the file, the sheet
and what to do; nothing is half-read silently. The web upload runs the same
readers in a separate process with a memory limit on top of these.

Change them for one call with ``read_sheets(..., limits=Limits(max_rows=...))``
or for the process by replacing :data:`DEFAULT_LIMITS`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    #: Data rows one sheet may hold (header and skipped rows not counted).
    max_rows: int = 200_000
    #: Columns a table may use (Excel allows 16,384; a school table has < 100).
    max_columns: int = 256
    #: Cells (rows x used columns) one sheet may expand to in memory.
    max_cells: int = 5_000_000
    #: Cells with a value in the whole workbook.
    max_workbook_cells: int = 10_000_000
    #: Visible sheets read from one workbook.
    max_sheets: int = 50
    #: Uncompressed size an XLSX/ODS may expand to (zip-bomb guard), bytes.
    max_unzipped: int = 256 * 2**20
    #: Problems kept per file; the rest are counted ("and 1,234 more").
    max_problems: int = 1000
    #: Seconds one file may take to read (checked between rows).
    max_seconds: float = 120.0
    #: Length of one CSV field, characters.
    max_field: int = 1024 * 1024
    #: Rows searched for the header (title blocks sit above it).
    header_search_rows: int = 30


DEFAULT_LIMITS = Limits()
