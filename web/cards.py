"""Tables of records become cards on a phone, with no script.

A ``<table class="data cardlist">`` keeps its normal layout on a wide screen;
below 700 px the stylesheet (``static/app.css``) stacks each row as a card
and each cell shows its column's heading before its value, read from a
``data-label`` attribute. :func:`label_cells` writes those attributes once,
on the rendered page (``base.html`` passes its content block through the
``cardlist`` filter), from the table's own ``<thead>``: no template has to
repeat its headings, and a new column is labelled by itself.

It only ever adds ``data-label="..."`` to ``<td>`` start tags of such
tables; the label is the heading's text, unescaped and escaped again for the
attribute. A cell spanning columns (``colspan``) gets no label.
"""
from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

_TABLE = re.compile(r'<table\b[^>]*\bclass="[^"]*\bcardlist\b[^"]*"[^>]*>.*?</table>', re.S)
_THEAD = re.compile(r"<thead\b.*?</thead>", re.S)
_TH = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.S)
_TR = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_TD = re.compile(r"<td\b([^>]*)>")
_TAG = re.compile(r"<[^>]+>")
_SPAN = re.compile(r'\bcolspan="?(\d+)')


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _label_table(table: str) -> str:
    head = _THEAD.search(table)
    if not head:
        return table
    labels = []
    for attrs, inner in _TH.findall(head.group(0)):
        span = _SPAN.search(attrs)
        labels += [_text(inner)] * (int(span.group(1)) if span else 1)
    body_start = head.end()

    def row(m: re.Match) -> str:
        col = 0

        def cell(c: re.Match) -> str:
            nonlocal col
            attrs = c.group(1)
            span = _SPAN.search(attrs)
            here, col = col, col + (int(span.group(1)) if span else 1)
            if span or "data-label=" in attrs or here >= len(labels) or not labels[here]:
                return c.group(0)
            return f'<td data-label="{escape(labels[here])}"{attrs}>'

        return _TD.sub(cell, m.group(0))

    return table[:body_start] + _TR.sub(row, table[body_start:])


def label_cells(rendered) -> Markup:
    """``rendered`` (a page's HTML) with every cell of a ``cardlist`` table
    labelled by its column heading.

    >>> str(label_cells('<table class="data cardlist"><thead><tr><th>Nama</th><th>Kota &amp; provinsi</th>'
    ...                 '</tr></thead><tbody><tr><td>A</td><td class="n">B</td></tr>'
    ...                 '<tr><td colspan="2">x</td></tr></tbody></table>'))
    '<table class="data cardlist"><thead><tr><th>Nama</th><th>Kota &amp; provinsi</th></tr></thead><tbody><tr><td data-label="Nama">A</td><td data-label="Kota &amp; provinsi" class="n">B</td></tr><tr><td colspan="2">x</td></tr></tbody></table>'
    """
    text = str(rendered)
    if "cardlist" not in text:
        return Markup(text)
    return Markup(_TABLE.sub(lambda m: _label_table(m.group(0)), text))
