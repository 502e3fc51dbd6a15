"""Lists of records become cards on a phone (web/cards.py + app.css): every
cell of a ``cardlist`` table carries its column's heading as ``data-label``,
written on the server (no script), escaped. On both stores."""
from __future__ import annotations

import re

import web_fixture as fx
from web_support import app, login, web_store  # noqa: F401 (fixtures)


def _labels(html: str, table_id: str) -> list[str]:
    table = re.search(rf'<table class="[^"]*cardlist[^"]*" id="{table_id}".*?</table>', html, re.S).group(0)
    return re.findall(r'<td data-label="([^"]*)"', table)


def test_record_tables_are_labelled_for_phones(app):
    admin = login(app, "admin")
    partners = admin.get(f"/calon-mitra?npsn={fx.NPSN}").get_data(as_text=True)
    assert {"DU/DI", "Skor"} <= set(_labels(partners, "partners-table"))
    monitoring = admin.get(f"/analisis/prakerin?npsn={fx.NPSN}").get_data(as_text=True)
    assert "Guru pembimbing" in _labels(monitoring, "monitoring-table")
    users = admin.get("/pengguna").get_data(as_text=True)
    assert _labels(users, "users-table")[:2] == ["Nama pengguna", "Peran"]
    untraced = login(app, "bkk").get(f"/analisis/tak-terlacak?npsn={fx.NPSN}").get_data(as_text=True)
    assert "Siswa" in _labels(untraced, "untraced-table")
    # hostile names in cells stay escaped; a heading's "&" is escaped once in the attribute
    assert "<script>window.__xss" not in partners + monitoring
    # the CSS that turns them into cards is there, for narrow screens only
    css = admin.get("/static/app.css").get_data(as_text=True)
    assert "td[data-label]::before" in css and "content: attr(data-label)" in css


def test_label_cells_escapes_and_skips_spanning_cells():
    from alumni_graph.web.cards import label_cells

    out = str(label_cells('<table class="data cardlist"><thead><tr><th>A &quot;x&quot; <small>b</small></th>'
                          '<th>C</th></tr></thead><tbody><tr><td colspan="2">z</td></tr>'
                          '<tr><td>1</td><td data-label="own">2</td></tr></tbody></table>'
                          '<table class="data"><thead><tr><th>N</th></tr></thead><tbody><tr><td>3</td></tr></tbody></table>'))
    assert '<td colspan="2">z</td>' in out
    assert '<td data-label="A &#34;x&#34; b">1</td>' in out and '<td data-label="own">2</td>' in out
    assert "<td>3</td>" in out  # a table that is not a card list is left alone
