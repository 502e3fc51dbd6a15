"""HTML pages and their JSON twins on both stores: escaping, language,
exports, import, detail pages."""
from __future__ import annotations

import csv
import io
import re

import pytest

import web_fixture as fx
from alumni_graph.web import create_app, i18n
from web_support import app, client, login, make_client, ok_json, web_store  # noqa: F401 (fixtures)

PAGES = [
    "/", "/calon-mitra", "/jalur-referensi", "/jalur-referensi?nisn=0051000003&employer=E-002",
    "/graf", "/graf?type=employer&key=E-001&depth=2", "/dudi/E-001", "/siswa/0051000001",
    f"/sekolah/{fx.NPSN}", f"/program/{fx.NPSN}/TKR", "/impor",
]
HOSTILE = [fx.XSS_IMG, fx.XSS_SVG, fx.XSS_SCRIPT, "<script>window.__xss=1</script>"]


def twin(url: str) -> str:
    path, _, query = url.partition("?")
    path = "/index.json" if path == "/" else path + ".json"
    return f"{path}?{query}" if query else path


@pytest.mark.parametrize("url", PAGES)
def test_page_and_its_json_twin(client, url):
    page = client.get(url)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert f'href="{twin(url)}'.replace("&", "&amp;") in html or url == "/impor"
    ok_json(client.get(twin(url)))
    # No markup from data, no CDN, no inline script: every <script> is ours or JSON data.
    for payload in HOSTILE:
        assert payload not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="application/json"' in tag or re.search(r'src="/(static|vendor)/', tag), tag
    # (a WhatsApp link for a consenting intermediary is a link a person follows, not a fetch)
    assert not re.search(r'(src|href)="(https?:)?//(?!wa\.me/)', html)
    assert not re.search(r"<[a-z]+[^>]* style=", html)  # the CSP forbids inline styles


def test_hostile_names_are_escaped_text(client):
    html = client.get("/dudi/E-001").get_data(as_text=True)
    assert "PT &lt;svg onload=window.__xss=1&gt; Motor" in html
    data_block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data_block and "\\u003csvg" in data_block
    person = client.get("/siswa/0051000002").get_data(as_text=True)
    assert "Budi &#34; href=&#34;javascript:window.__xss=1&#34; x=&#34;" in person


def test_home_numbers(client):
    body = ok_json(client.get(f"/index.json?npsn={fx.NPSN}&as_of=2026-11-01"))
    assert body["overview"]["alumni_traced"] == 3 and body["overview"]["prospects"] == 3
    html = client.get(f"/?npsn={fx.NPSN}&as_of=2026-11-01").get_data(as_text=True)
    assert "Alumni terlacak" in html and 'id="task-partners"' in html and 'id="task-referral"' in html


def test_language_switch_is_remembered(client):
    r = client.get("/bahasa/en?next=/graf")
    assert r.status_code == 302 and r.headers["Location"] == "/graf"
    assert "lang=en" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    html = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in html and "Alumni traced" in html and ">Bahasa Indonesia<" in html
    client.get("/bahasa/id")
    assert "Alumni terlacak" in client.get("/").get_data(as_text=True)
    assert client.get("/bahasa/en?next=//evil.example/").headers["Location"] == "/"
    assert client.get("/bahasa/fr").status_code == 404


def test_both_languages_have_the_same_strings():
    assert all(len(pair) == 2 and all(pair) for pair in i18n.STRINGS.values())


def test_partners_filters(client):
    base = f"/calon-mitra.json?npsn={fx.NPSN}&as_of=2026-11-01"
    rows = ok_json(client.get(base))["rows"]
    assert {r["code"] for r in rows} == {"E-001", "E-003", "E-004"}
    assert {r["code"] for r in ok_json(client.get(base + "&sector=G"))["rows"]} == {"E-001", "E-004"}
    assert {r["code"] for r in ok_json(client.get(base + "&city=Cilegon"))["rows"]} == {"E-003"}
    assert {r["code"] for r in ok_json(client.get(base + "&category=former_partner"))["rows"]} == {"E-003"}
    assert ok_json(client.get(base + "&category=nope"), 400)["errors"][0]["param"] == "category"
    html = client.get(base.replace(".json", "")).get_data(as_text=True)
    assert html.count('<details class="evidence"') == 3
    assert f"/api/v1/graph/between/{fx.NPSN}/E-001" in html
    # categories in words, in the page's language (the codes stay in JSON and exports)
    assert ">Mantan mitra</td>" in html and ">former_partner</td>" not in html
    assert '<option value="former_partner" >Mantan mitra</option>' in html
    client.get("/bahasa/en")
    assert ">Former partner</td>" in client.get(base.replace(".json", "")).get_data(as_text=True)


def test_exports_neutralise_formulas(client):
    r = client.get(f"/calon-mitra.csv?npsn={fx.NPSN}&as_of=2026-11-01")
    assert r.status_code == 200 and r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    champions = next(row for row in rows if row["code"] == "E-001")["champions"]
    assert champions.startswith("'=HYPERLINK")
    x = client.get(f"/calon-mitra.xlsx?npsn={fx.NPSN}&as_of=2026-11-01")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(x.data)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "'" + fx.FORMULA in values and not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_referral_page(client):
    body = ok_json(client.get("/jalur-referensi.json?nisn=0051000003&employer=E-002"))
    assert len(body["rows"]) >= 2 and body["graph"]["meta"]["paths"][0]["nodes"][0] == "Person:0051000003"
    html = client.get("/jalur-referensi?nisn=0051000003&employer=E-002").get_data(as_text=True)
    assert 'class="highlight"' in html and "referral-graph-data" in html
    none = ok_json(client.get("/jalur-referensi.json?nisn=0051000003&employer=E-003"))
    assert none["rows"] == [] and none["graph"] is None
    assert 'id="paths-hint"' in client.get("/jalur-referensi?nisn=0051000003&employer=E-003").get_data(as_text=True)
    assert ok_json(client.get("/jalur-referensi.json?nisn=0051000003&employer=E-002&k=0"), 400)["errors"][0]["param"] == "k"


def test_no_referral_path_is_not_a_dead_end(client):
    """No path within the hops asked: the page offers a longer search (the
    same student and firm, up to 5 hops) and the firm's page, and the empty
    number fields show the defaults that are used."""
    import html as html_lib

    empty = client.get("/jalur-referensi").get_data(as_text=True)
    assert 'placeholder="5"' in empty and 'placeholder="3"' in empty
    page = client.get("/jalur-referensi?nisn=0051000003&employer=E-003&max_hops=2").get_data(as_text=True)
    assert 'id="no-paths"' in page
    more = re.search(r'id="try-more-hops" href="([^"]+)"', page)
    assert more, "no longer search offered"
    url = html_lib.unescape(more.group(1))
    assert "max_hops=5" in url and "nisn=0051000003" in url and "employer=E-003" in url
    assert 'id="open-target" href="/dudi/E-003"' in page
    json_body = ok_json(client.get("/jalur-referensi.json?nisn=0051000003&employer=E-003&max_hops=2"))
    assert json_body["more_hops"] == 5 and json_body["defaults"] == {"k": 5, "max_hops": 3}
    # Asked at the longest already: nothing longer to offer, the firm's page still is.
    at_most = client.get("/jalur-referensi?nisn=0051000003&employer=E-003&max_hops=5").get_data(as_text=True)
    assert 'id="try-more-hops"' not in at_most and 'id="open-target"' in at_most
    # A found path offers neither.
    found = client.get("/jalur-referensi?nisn=0051000003&employer=E-002").get_data(as_text=True)
    assert 'id="paths-next"' not in found


def test_firm_page_lists_every_kind_when_one_kind_is_cut(web_store, make_client, monkeypatch):
    """A province's big employer has thousands of interns: the page still
    lists its alumni and partnerships (the cap is per kind), each section says
    how many records there are, and "N berikutnya" pages through each section
    to its end (HTML and JSON twin), the other sections staying where they are."""
    import html as html_lib

    import hub_fixture as hub
    from alumni_graph.web import pages

    hub.build(web_store)
    client = make_client({"CACHE": False}, role="humas")  # the same URL is asked under two sizes
    monkeypatch.setattr(pages, "PAGE_RELATIONSHIPS", 10**6)
    whole = ok_json(client.get(f"/dudi/{hub.HUB}.json"))
    counts = whole["entity"]["relationship_counts"]
    assert sum(counts.values()) == whole["entity"]["relationships_total"]
    every = {s["title"]: [r["other"]["key"] for r in s["rows"]] for s in whole["sections"]}
    assert all(s["total"] == len(s["rows"]) == counts[s["kind"]] and not s["next"] for s in whole["sections"])
    monkeypatch.setattr(pages, "PAGE_RELATIONSHIPS", 4)
    first = ok_json(client.get(f"/dudi/{hub.HUB}.json"))
    assert [s["title"] for s in first["sections"]] == ["alumni_now", "alumni_before", "interns",
                                                       "partnerships", "contacts"]
    for s in first["sections"]:  # every kind shows, at most 4 rows, its whole count
        assert s["rows"] and len(s["rows"]) == min(4, s["total"]) and s["total"] == counts[s["kind"]]
        assert (s["next"] is not None) == (s["total"] > 4) and s["prev"] is None
    interns = next(s for s in first["sections"] if s["title"] == "interns")
    assert interns["total"] > 8
    # Page through the interns by the JSON twin's links: every row once, in order.
    seen, url = [], interns["next"]
    seen += [r["other"]["key"] for r in interns["rows"]]
    while url:
        assert url.startswith(f"/dudi/{hub.HUB}.json?") and "dari_interns=" in url
        body = ok_json(client.get(url))
        section = next(s for s in body["sections"] if s["title"] == "interns")
        seen += [r["other"]["key"] for r in section["rows"]]
        other = next(s for s in body["sections"] if s["title"] == "alumni_before")
        assert [r["other"]["key"] for r in other["rows"]] == every["alumni_before"][:4]  # not moved
        url = section["next"]
    assert seen == every["interns"]
    # The HTML page: counts with separators, the range, links that keep the other sections.
    page = client.get(f"/dudi/{hub.HUB}?dari_alumni_before=4").get_data(as_text=True)
    nxt = html_lib.unescape(re.search(r'id="pager-interns".*?href="([^"]+)" class="section-next"',
                                      page, re.S).group(1))
    assert "dari_interns=4" in nxt and "dari_alumni_before=4" in nxt and nxt.endswith("#bagian-interns")
    second = client.get(nxt.split("#")[0]).get_data(as_text=True)
    assert f"Baris 5–8 dari {interns['total']}" in second and 'class="section-prev"' in second
    # An old link past the end is no dead end; a bad number is a clear error.
    past = client.get(f"/dudi/{hub.HUB}?dari_interns=9999").get_data(as_text=True)
    assert "Tidak ada baris mulai nomor 10.000" in past and 'class="section-prev"' in past
    bad = client.get(f"/dudi/{hub.HUB}.json?dari_interns=banyak")
    assert bad.status_code == 400 and "dari_interns" in bad.get_data(as_text=True)
    # Humas never sees a hidden person's name or NISN on any page of any section.
    hidden = [hub.person(i) for i in range(hub.PEOPLE) if hub.nisn(i) in hub.linked()
              and not explore_names_humas().reveals(hub.person(i))]
    assert hidden
    for body in (page, second, past):
        assert not any(p["name"] in body or p["nisn"] in body for p in hidden)


def explore_names_humas():
    import datetime as dt

    from alumni_graph.queries.explore import Names

    return Names("consented", key=b"k" * 32, as_of=dt.date.today().isoformat())


def test_graph_page(client, make_client):
    body = ok_json(client.get("/graf.json"))
    assert body["graph"]["meta"]["center"] == f"School:{fx.NPSN}"
    capped = make_client({"GRAPH_MAX_NODES": 4})
    html = capped.get("/graf?depth=3").get_data(as_text=True)
    assert "Menampilkan 4 dari" in html


def test_graph_first_view_is_the_strongest_employers(client, make_client):
    """/graf opens on the school, its programmes and its strongest employers
    (explore.focus), strongest first, with the rule written on the page; a
    narrowed view (depth, filters) is the neighbourhood as before."""
    body = ok_json(client.get("/graf.json"))
    nodes = body["graph"]["nodes"]
    assert {n["type"] for n in nodes} == {"School", "Program", "Employer"}
    assert [n["key"] for n in nodes if n["type"] == "Employer"] == ["E-002", "E-001", "E-003", "E-004"]
    assert any(e["rel"] == "PROGRAM_LINK" for e in body["graph"]["edges"])
    partner = next(n for n in nodes if n["key"] == "E-002")
    assert "1 alumni bekerja di sini sekarang · 2 siswa pernah prakerin" in partner["title"]
    assert body["focused"]["employers"] == 4
    html = client.get("/graf").get_data(as_text=True)
    assert "4 DU/DI terkuat" in html and "+ 10 bila mitra aktif" in html
    assert 'id="graph-more"' in html and "+20 lagi" in html
    # fixed positions (school in the middle, rings around it): the same picture every time
    assert body["graph"]["meta"]["layout"] == "rings"
    school = next(n for n in nodes if n["type"] == "School")
    assert (school["x"], school["y"]) == (0, 0) and all("x" in n for n in nodes)
    deep = ok_json(client.get("/graf.json?depth=2"))
    assert "focused" not in deep and any(n["type"] == "Person" for n in deep["graph"]["nodes"])
    few = ok_json(make_client({"GRAPH_MAX_NODES": 2}).get("/graf.json"))
    assert [n["key"] for n in few["graph"]["nodes"] if n["type"] == "Employer"] == ["E-002", "E-001"]


def test_person_page_contact(app, client):
    # bkk and admin see contact details in full on the detail page (audit-logged)
    html = login(app, "bkk").get("/siswa/0051000001").get_data(as_text=True)
    assert "081234500001" in html and "siswa0001@example.org" in html
    html = client.get("/siswa/0051000002").get_data(as_text=True)
    assert "Tidak bersedia dihubungi" in html and "0812" not in html


def test_employer_page_sections(client):
    body = ok_json(client.get("/dudi/E-001.json"))
    sections = {s["title"]: [r["other"]["key"] for r in s["rows"]] for s in body["sections"]}
    assert sections["alumni_now"] == ["0051000005"]
    assert sections["alumni_before"] == ["0051000002"]
    assert sections["interns"] == ["0051000004"] and sections["contacts"] == [fx.NPSN]
    assert body["graph"]["meta"]["center"] == "Employer:E-001"
    assert client.get("/dudi/NOPE").status_code == 404
    assert ok_json(client.get("/dudi/NOPE.json"), 404)["status"] == 404


BAD_SISWA = (
    "nisn,nama,npsn,kode_program,jenis_kelamin,tanggal_lahir,tahun_masuk,tahun_lulus,status,"
    "bersedia_dihubungi,no_hp,email\n"
    "12,Siswa Satu,20300001,TKR,L,2008-01-01,2023,,,ya,,\n"
)
GOOD_SEKOLAH = "npsn,nama,kota,provinsi\n20300009,SMK Baru,Depok,Jawa Barat\n"


def test_import_shows_row_errors_then_loads(client, web_store):
    r = client.post("/impor", data={"files": [(io.BytesIO(BAD_SISWA.encode()), "siswa.csv")]},
                    content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'class="problem"' in html and "nisn" in html
    body = ok_json(client.post("/impor.json", data={"files": [(io.BytesIO(BAD_SISWA.encode()), "siswa.csv")]},
                               content_type="multipart/form-data"))
    problem = body["report"]["problems"][0]
    assert problem["file"] == "siswa.csv" and problem["row"] and problem["column"] == "nisn"
    report_csv = client.get(f"/impor/{body['token']}/laporan.csv")
    assert report_csv.status_code == 200 and "nisn" in report_csv.get_data(as_text=True)

    good = ok_json(client.post("/impor.json", data={"files": [(io.BytesIO(GOOD_SEKOLAH.encode()), "sekolah.csv")]},
                               content_type="multipart/form-data"))
    assert good["report"]["ok"] and web_store.get_node("School", ("20300009",)) is None  # only checked
    loaded = ok_json(client.post(f"/impor/{good['token']}/muat.json"))
    assert loaded["loaded"] and web_store.get_node("School", ("20300009",))["name"] == "SMK Baru"
    assert client.post(f"/impor/{good['token']}/muat").status_code == 404  # used up


def test_import_needs_a_file_and_has_a_size_limit(make_client):
    c = make_client({"MAX_CONTENT_LENGTH": 1024})
    assert ok_json(c.post("/impor.json", data={}, content_type="multipart/form-data"), 400)["errors"][0]["param"] == "files"
    big = io.BytesIO(b"npsn,nama\n" + b"x" * 4096)
    r = c.post("/impor", data={"files": [(big, "sekolah.csv")]}, content_type="multipart/form-data")
    assert r.status_code == 413 and "Berkas terlalu besar" in r.get_data(as_text=True)


def test_vendor_files_are_served_locally(client):
    js = client.get("/vendor/vis-network/vis-network.min.js")
    assert js.status_code == 200 and b"@license" in js.data[:2000]
    assert client.get("/vendor/vis-network/../../network.py").status_code == 404
    assert client.get("/vendor/vis-network/tom-select.css").status_code == 404


def test_every_schema_property_has_a_label():
    from alumni_graph.graph_service.schema import NODE_TYPES, REL_TYPES

    names = {p for nt in NODE_TYPES.values() for p in nt.key + nt.properties}
    names |= {p for rt in REL_TYPES.values() for p in rt.key + rt.properties}
    assert names <= set(i18n.PROPERTY_LABELS)


def test_tracer_status_in_words(client):
    """A person's tracer status reads as words in the page's language, on the
    detail page and in the graph's tooltips (the code stays in the JSON)."""
    assert ok_json(client.get("/siswa/0051000006.json"))["entity"]["properties"]["status"] == "melanjutkan"
    html = client.get("/siswa/0051000006").get_data(as_text=True)
    assert "<dd>Melanjutkan studi</dd>" in html and ">melanjutkan<" not in html
    graph = ok_json(client.get(f"/api/v1/graph/around/school/{fx.NPSN}?depth=2"))["graph"]
    eko = next(n for n in graph["nodes"] if n["id"] == "Person:0051000006")
    assert "Status: Melanjutkan studi" in eko["title"]
    client.get("/bahasa/en")
    assert "<dd>Continuing studies</dd>" in client.get("/siswa/0051000006").get_data(as_text=True)


def test_graph_caption_counts_with_thousands_separators(client):
    """A hub's graph says "Menampilkan 30 dari 16.378 titik." (ns: it said 16378)."""
    from flask import render_template_string

    app = client.application
    caption = ('{% from "_macros.html" import graph_block with context %}'
               '{{ graph_block({"meta": {"truncated": True, "shown_nodes": 30, "total_nodes": 16378}}) }}')
    with app.test_request_context("/graf"):
        html = render_template_string(caption)
    assert "Menampilkan 30 dari 16.378 titik." in html


def test_a_bad_parameter_on_a_page_speaks_the_page_language(client):
    """A hand-edited /graf?type=dudi said "type: must be one of school, ..." on an
    Indonesian page; the page now gives only its own language's half."""
    response = client.get("/graf?type=dudi&key=X")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "type: harus salah satu dari: school, programme, person, employer, vacancy" in html
    assert "must be one of" not in html
    assert html.count("harus salah satu dari") == 1, "said once, not again in a list"
    response = client.get("/graf?depth=banyak")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "depth: harus bilangan bulat" in html
    assert "whole number" not in html
