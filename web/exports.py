"""CSV and XLSX downloads of a table, safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would be read as a formula (CSV injection); such text gets a leading ``'``.
Numbers stay numbers (a negative number is data, not a formula).
"""
from __future__ import annotations

import csv
import io

from alumni_graph.graph_service.formula import FORMULA_START, formula_safe  # noqa: F401 (one rule)

CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value):
    """One value as a spreadsheet cell: lists joined, None empty, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, dict):
        value = value.get("name") or value.get("key") or ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(cell(v)) for v in value)
    text = str(value)
    return formula_safe(text)


def to_csv(columns: list[str], rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([cell(c) for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    # The BOM makes Excel read the file as UTF-8 (names with accents).
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(columns: list[str], rows: list[dict], title: str = "data") -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append([cell(c) for c in columns])
    for row in rows:
        ws.append([cell(row.get(c)) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
