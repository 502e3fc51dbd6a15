"""The analyses pages (web/analyses.py) with Flask's test client, on the
analyses dataset: every page answers 200 with a server-drawn chart, links a
JSON twin (the registry query at /api/v1/query/<name> with the same
parameters) whose rows are the query's, escapes hostile names, never shows a
non-consenting alumnus, and the tracer export neutralises formulas."""
from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest

import analyses_support as sup
from alumni_graph.queries import run_query

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates" / "analyses"
PAGES = {
    "tracer_summary": "/analisis/penelusuran",
    "program_alignment": "/analisis/keselarasan",
    "internship_monitoring": "/analisis/prakerin",
    "key_connectors": "/analisis/penghubung",
    "industry_clusters": "/analisis/klaster",
    "untraced_reach": "/analisis/tak-terlacak",
    "alumni_register": "/analisis/alumni-sukses",
}
FORMULA_SCHOOL = "=cmd|' /C calc'!A0"


PASSWORD = "Kata-sandi-uji-analisis-2025!"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.web import create_app

    store = EmbeddedStore(tmp_path_factory.mktemp("analyses-web") / "data")
    sup.load(store)
    store.upsert_nodes("School", [{"npsn": sup.EMPTY, "name": FORMULA_SCHOOL}], source="test")
    app = create_app({"TESTING": True}, store=store)
    accounts = app.extensions["alumni_graph_accounts"]  # web.auth: an API token per role
    tokens = {}
    for role in ("admin", "viewer"):
        accounts.add_user(f"uji-{role}", role, PASSWORD)
        tokens[role] = accounts.create_token(f"uji-{role}", "analyses tests")[1]
    app.config["ANALYSES_TEST_TOKENS"] = tokens
    return app


def _client(app, role):
    client = app.test_client()
    token = app.config["ANALYSES_TEST_TOKENS"][role]
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def client(app):
    return _client(app, "admin")


def twin_url(page_html: str) -> str:
    found = re.search(r'class="json-twin" href="([^"]+)"', page_html)
    assert found, "no JSON twin link"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("name, path", PAGES.items())
def test_page_chart_and_json_twin(app, client, name, path):
    resp = client.get(f"{path}?as_of={sup.AS_OF}&npsn={sup.SCHOOL}")
    assert resp.status_code == 200
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    page = resp.get_data(as_text=True)
    assert "<svg" in page and 'id="nav-analyses"' in page
    url = twin_url(page)
    assert url.startswith(f"/api/v1/query/{name}?")
    twin = client.get(url).get_json()
    assert twin["ok"] is True and twin["query"] == name
    store = app.extensions["alumni_graph_store"].get()
    from alumni_graph.web import names

    expected = run_query(store, name, {"npsn": sup.SCHOOL, "as_of": sup.AS_OF},
                         names_all=names.names_all(name, "admin"))
    assert twin["rows"] == expected.rows and twin["meta"] == expected.meta
    assert twin["params"]["npsn"] == sup.SCHOOL


def test_a_page_defaults_to_the_first_school(client):
    from alumni_graph.queries import explore

    page = client.get(f"/analisis/penelusuran?as_of={sup.AS_OF}").get_data(as_text=True)
    first = explore.schools(client.application.extensions["alumni_graph_store"].get())[0]["npsn"]
    assert f"npsn={first}" in twin_url(page)


#: The staff duty views (web/names.py): admin and bkk see every name there.
DUTY_PAGES = ("internship_monitoring", "untraced_reach")


def test_pages_escape_hostile_names_and_hide_non_consenting(client):
    texts = [client.get(f"{p}?as_of={sup.AS_OF}&npsn=").get_data(as_text=True)
             for q, p in PAGES.items() if q not in DUTY_PAGES]
    every = "\n".join(texts)
    duty = "\n".join([client.get(f"{PAGES[q]}?as_of={sup.AS_OF}&npsn=").get_data(as_text=True)
                      for q in DUTY_PAGES]
                     + [client.get(f"/analisis/prakerin?as_of={sup.AS_OF}&years=20&only_under=false")
                        .get_data(as_text=True)])
    assert "<script>alert" not in every + duty and "<img src=x" not in every + duty
    assert "&lt;script&gt;alert(" in every  # Bela's name, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in every  # E03's name, escaped
    for nisn, name in sup.NO_CONSENT.items():
        # named to others (connectors, register...) only with consent
        assert name not in every and nisn not in every
    # the duty views name them to admin (tracing, monitoring: web/names.py)
    assert any(html.escape(name, quote=True) in duty for name in sup.NO_CONSENT.values())


def test_register_counts_hidden_and_marks_featured(app, client):
    from alumni_graph.queries.alumni_register import set_featured

    store = app.extensions["alumni_graph_store"].get()
    set_featured(store, "0040001101", True)
    try:
        page = client.get(f"/analisis/alumni-sukses?as_of={sup.AS_OF}&npsn={sup.SCHOOL}").get_data(as_text=True)
        assert 'id="hidden-count"' in page
        first = page.split('<tr class="featured">', 1)[1].split("</tr>", 1)[0]
        assert "Lina Kode" in first
    finally:
        set_featured(store, "0040001101", False)


def test_cluster_graph_marks_clusters_without_partner(client):
    page = client.get(f"/analisis/klaster?as_of={sup.AS_OF}&min_size=1&npsn={sup.SCHOOL}").get_data(as_text=True)
    assert page.count("<circle") == 3
    assert page.count('fill="#c0392b"') == 2 and page.count('fill="#27ae60"') == 1


def test_tracer_export_is_the_report_layout_with_formulas_neutralised(client):
    query = f"?npsn={sup.EMPTY}&year_from=2020&year_to=2021&as_of={sup.AS_OF}"
    resp = client.get("/analisis/penelusuran.csv" + query)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:6] == ["NPSN", "Sekolah", "Kode program", "Program keahlian", "Tahun lulus",
                           "Jumlah lulusan"]
    assert [r[4] for r in rows[1:]] == ["2020", "2021"]
    assert rows[1][1] == "'" + FORMULA_SCHOOL
    from openpyxl import load_workbook

    resp = client.get("/analisis/penelusuran.xlsx" + query)
    sheet = load_workbook(io.BytesIO(resp.data)).active
    assert sheet.cell(row=2, column=2).value == "'" + FORMULA_SCHOOL
    assert sheet.cell(row=1, column=8).value == "Keterlacakan (%)"
    # The page links both downloads with the same parameters.
    page = client.get("/analisis/penelusuran" + query).get_data(as_text=True)
    assert 'id="export-csv"' in page and 'id="export-xlsx"' in page


def test_index_lists_every_analysis_in_both_languages(client):
    page = client.get("/analisis/").get_data(as_text=True)
    for path in PAGES.values():
        assert f'href="{path}"' in page
    assert "Ringkasan penelusuran tamatan" in page
    client.set_cookie("lang", "en")
    page = client.get("/analisis/").get_data(as_text=True)
    assert "Tracer study summary" in page and ">Analyses<" in page


def test_viewers_see_aggregates_but_no_names(app):
    viewer = _client(app, "viewer")
    for path in ("/analisis/", "/analisis/penelusuran", "/analisis/keselarasan", "/analisis/klaster"):
        assert viewer.get(f"{path}?as_of={sup.AS_OF}").status_code == 200, path
    for path in ("/analisis/prakerin", "/analisis/penghubung", "/analisis/tak-terlacak",
                 "/analisis/alumni-sukses"):
        assert viewer.get(f"{path}?as_of={sup.AS_OF}").status_code == 403, path
    assert app.test_client().get("/analisis/penelusuran").status_code in (302, 401)


def test_bad_parameters_are_a_400_page(client):
    resp = client.get("/analisis/penelusuran?year_from=abc")
    assert resp.status_code == 400
    assert client.get("/analisis/penelusuran?year_from=2024&year_to=2020").status_code == 400
    assert client.get("/analisis/keselarasan?npsn=99999999").status_code == 404


def test_templates_have_no_script_no_inline_style_no_cdn():
    for f in TEMPLATES.glob("*.html"):
        text = f.read_text(encoding="utf-8")
        assert "<script" not in text and "style=" not in text, f
        assert "http://" not in text and "https://" not in text, f
        assert "|safe" not in text.replace(" ", ""), f
