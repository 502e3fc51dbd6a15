"""Formula-safe text for every CSV/XLSX the product writes (one rule).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read by Excel, LibreOffice and Google Sheets as a formula (CSV
injection: ``=HYPERLINK(...)`` leaks data when clicked, ``@SUM(...)`` runs).
Such text gets a leading ``'``, which the spreadsheet shows as plain text.
Numbers are not text: a negative number stays a number.

>>> formula_safe("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> formula_safe("@SUM(A1)"), formula_safe("Budi"), formula_safe("")
("'@SUM(A1)", 'Budi', '')
"""
from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
