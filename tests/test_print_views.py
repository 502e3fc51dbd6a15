"""The "Cetak" views of the pages staff print (issue 13): the tracer summary
and internship monitoring, server-rendered for paper like /calon-mitra/cetak,
with the school's name, the date and the filters applied; the names policy
holds on paper too. On both stores."""
from __future__ import annotations

import pytest

import web_fixture as fx
from clock_support import Days
from web_support import app, login, web_store  # noqa: F401 (fixtures)

CITRA = "Citra Lestari"  # a student whose placement was not visited; no consent


def _get(app, role, url):
    r = login(app, role).get(url)
    return r.status_code, r.get_data(as_text=True)


def test_tracer_summary_print_view(app):
    status, page = _get(app, "admin", f"/analisis/penelusuran?npsn={fx.NPSN}")
    assert status == 200 and f'href="/analisis/penelusuran/cetak?npsn={fx.NPSN}"' in page
    assert "Ctrl+P" not in page
    with Days() as days:
        status, html = _get(app, "admin", f"/analisis/penelusuran/cetak?npsn={fx.NPSN}&program=TKR&year_from=2020")
    assert status == 200
    assert "SMK Negeri 1 &lt;b&gt;Contoh&lt;/b&gt; (20300001)" in html
    assert any(f"Dicetak {day.isoformat()}" in html for day in days.dates), days
    assert "Kode program TKR" in html and "Tahun lulus dari 2020" in html  # the filters, in words
    assert 'id="program-TKR"' in html and 'id="program-TKJ"' not in html  # one block per programme
    assert 'class="print-block"' in html and "print-view.css" in html and "print.js" in html
    # viewers see the counts (no names on this page) and may print them
    assert _get(app, "viewer", f"/analisis/penelusuran/cetak?npsn={fx.NPSN}")[0] == 200
    entries = app.extensions["alumni_graph_audit"].entries()
    assert any(e["action"] == "print" and e["target"] == "penelusuran" for e in entries)


@pytest.mark.parametrize("role,named", [("admin", True), ("bkk", True), ("humas", False)])
def test_internship_monitoring_print_view(app, role, named):
    status, page = _get(app, role, f"/analisis/prakerin?npsn={fx.NPSN}")
    assert status == 200 and f'href="/analisis/prakerin/cetak?npsn={fx.NPSN}"' in page
    status, html = _get(app, role, f"/analisis/prakerin/cetak?npsn={fx.NPSN}")
    assert status == 200 and 'class="print-block supervisor-block"' in html
    assert "Dicetak" in html and "Mengetahui," in html
    # the duty view names every student to bkk and admin; humas by the names policy
    assert (CITRA in html) is named
    assert ("(tanpa nama" in html) is (not named)


def test_print_views_keep_the_roles(app):
    assert _get(app, "viewer", f"/analisis/prakerin/cetak?npsn={fx.NPSN}")[0] == 403
    anonymous = app.test_client().get("/analisis/penelusuran/cetak")
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
