"""The web app as a person uses it: a real server on 127.0.0.1 and the
system's Chromium through Playwright, on both stores, with the hostile-names
fixture. Every page must load with no console error, no request leaving
127.0.0.1, no dialog, and the XSS sentinel ``window.__xss`` unset. Each test
logs in through the login form first (as admin unless it says otherwise).

Screenshots go to ``test-artifacts/screenshots/`` (git-ignored).
"""
from __future__ import annotations

import pytest

import web_fixture as fx
from web_support import ARTIFACTS, live_server, log_in, open_page

pytestmark = pytest.mark.browser

live = live_server()


@pytest.fixture
def anonymous_page(browser, live):
    context, p = open_page(browser, live, viewport={"width": 1280, "height": 900})
    yield p
    context.close()


@pytest.fixture
def page(anonymous_page, live):
    log_in(anonymous_page, live)
    return anonymous_page


def shot(page, live, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{live['store']}-{name}.png"), full_page=False)


PAGES = {
    "beranda": "/",
    "calon-mitra": f"/calon-mitra?npsn={fx.NPSN}",
    "jalur-referensi": "/jalur-referensi?nisn=0051000003&employer=E-002",
    "graf": "/graf?depth=2",
    "dudi": "/dudi/E-001",
    "siswa": "/siswa/0051000001",
    "sekolah": f"/sekolah/{fx.NPSN}",
    "program": f"/program/{fx.NPSN}/TKR",
    "impor": "/impor",
}


def test_every_page_loads_clean(page, live):
    for name, path in PAGES.items():
        page.goto(live["url"] + path)
        page.wait_for_load_state("load")
        for canvas in page.locator(".graph-canvas:not([data-src])").all():
            canvas.locator("canvas").wait_for()
            page.wait_for_function("id => document.getElementById(id).dataset.drawn === '1'",
                                   arg=canvas.get_attribute("id"))
        shot(page, live, name)
        page.watch.assert_clean(page)


def _node_point(page, graph_id: str, node_id: str) -> tuple[float, float]:
    """Where a node is on screen (from vis-network's own coordinates)."""
    xy = page.evaluate(
        """([g, id]) => { const s = window.agGraphs[g]; const p = s.network.getPositions([id])[id];
             return s.network.canvasToDOM(p); }""", [graph_id, node_id])
    box = page.locator(f"#{graph_id}").bounding_box()
    return box["x"] + xy["x"], box["y"] + xy["y"]


def _settled(page, graph_id="graph"):
    page.wait_for_function(
        "id => { const c = document.getElementById(id); return c.dataset.drawn === '1' &&"
        " (c.dataset.stabilized === '1' || !window.agGraphs[id].data.options.physics.enabled); }",
        arg=graph_id)


def test_graph_draws_expands_and_opens_details(page, live):
    page.goto(live["url"] + "/graf")
    _settled(page)
    expected = page.request.get(live["url"] + "/graf.json").json()["graph"]["meta"]["shown_nodes"]
    canvas = page.locator("#graph")
    assert canvas.locator("canvas").count() == 1
    # the first view: school, 2 programmes, the 4 employers ranked by strength
    assert int(canvas.get_attribute("data-node-count")) == expected == 7
    assert page.locator("#graph-more").is_disabled()
    # click the partner firm: its people appear around it
    x, y = _node_point(page, "graph", "Employer:E-002")
    page.mouse.click(x, y)
    page.wait_for_function("() => document.getElementById('graph').dataset.expanded === '1' &&"
                           " document.getElementById('graph').dataset.expanding === '0'")
    assert int(canvas.get_attribute("data-node-count")) == expected + 3
    # all of its neighbours are shown: the button says so and is off; the link opens its page
    assert page.locator("#graph-more").is_disabled()
    assert page.get_attribute("#graph-open", "href") == "/dudi/E-002"
    # "+20 lagi" is a real button: with steps of 2 (the fixture's firms have
    # few neighbours; the school, already drawn, is the nearest) a click adds
    # one person, the button the other two, and then it is off
    page.goto(live["url"] + "/graf")
    _settled(page)
    page.evaluate("() => { document.getElementById('graph').dataset.step = '2'; }")
    page.wait_for_timeout(800)  # not a double-click with the earlier click on the same point
    x, y = _node_point(page, "graph", "Employer:E-002")
    page.mouse.click(x, y)
    page.wait_for_function("() => document.getElementById('graph').dataset.expanding === '0' &&"
                           " document.getElementById('graph').dataset.expanded === '1'")
    assert int(canvas.get_attribute("data-node-count")) == expected + 1
    more = page.locator("#graph-more")
    assert more.is_enabled() and "CV Jaringan Nusantara" in more.inner_text()
    page.wait_for_timeout(800)
    page.mouse.click(x, y)  # a second click on the point adds nothing (the button does)
    page.wait_for_timeout(300)
    assert int(canvas.get_attribute("data-node-count")) == expected + 1
    more.click()
    page.wait_for_function(f"() => Number(document.getElementById('graph').dataset.nodeCount) === {expected + 3}")
    page.wait_for_function("() => document.getElementById('graph-more').disabled")
    # hovering a hostile name shows it as text in the tooltip
    x, y = _node_point(page, "graph", "Employer:E-001")
    page.mouse.move(x, y)
    tip = page.locator(".vis-tooltip")
    tip.wait_for(state="visible")
    assert fx.XSS_SVG in tip.inner_text()
    shot(page, live, "graf-expanded")
    page.watch.assert_clean(page)
    # double-click opens the detail page
    x, y = _node_point(page, "graph", "Employer:E-002")
    with page.expect_navigation():
        page.mouse.dblclick(x, y)
    assert page.url.endswith("/dudi/E-002")
    page.watch.assert_clean(page)


def test_graph_search_box(page, live):
    page.goto(live["url"] + "/graf?depth=2")
    _settled(page)
    page.fill("#graph-search", "ani")
    page.press("#graph-search", "Enter")
    assert page.get_attribute("#graph-search", "data-hits") == "1"
    assert page.evaluate("() => window.agGraphs.graph.network.getSelectedNodes()") == ["Person:0051000001"]


def test_referral_highlights_a_path(page, live):
    page.goto(live["url"] + "/jalur-referensi")
    page.fill("#student-input", "ani")
    page.wait_for_function("() => Number(document.getElementById('student-input').dataset.suggestions) >= 1")
    labels = page.eval_on_selector_all("#student-options option", "os => os.map(o => o.label)")
    assert any(fx.XSS_IMG in label for label in labels)
    page.fill("#student-input", "0051000003")
    page.fill("#employer-input", "E-002")
    page.click("#referral-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('referral-graph')?.dataset.highlightedPath === '0'")
    page.click("button.highlight[data-path='1']")
    assert page.get_attribute("#referral-graph", "data-highlighted-path") == "1"
    assert page.locator("li.path.active").get_attribute("data-path") == "1"
    widths = page.evaluate("() => window.agGraphs['referral-graph'].edges.get().map(e => e.width)")
    assert max(widths) == 5 and min(widths) == 1
    shot(page, live, "jalur-referensi-highlight")
    page.watch.assert_clean(page)


def test_partner_evidence_graph_opens(page, live):
    page.goto(live["url"] + f"/calon-mitra?npsn={fx.NPSN}&as_of=2026-11-01")
    page.locator("details.evidence summary").first.click()
    page.wait_for_function("() => document.getElementById('ev-1')?.dataset.drawn === '1'")
    assert int(page.get_attribute("#ev-1", "data-node-count")) >= 3
    shot(page, live, "calon-mitra-bukti")
    page.watch.assert_clean(page)


def test_upload_shows_row_errors(page, live):
    bad = ("nisn,nama,npsn,kode_program,jenis_kelamin,tanggal_lahir,tahun_masuk,tahun_lulus,status,"
           "bersedia_dihubungi,no_hp,email\n12,<img src=x onerror=window.__xss=1>,20300001,TKR,L,"
           "2008-01-01,2023,,,ya,,\n")
    page.goto(live["url"] + "/impor")
    page.set_input_files("#upload-files", files=[{"name": "siswa.csv", "mimeType": "text/csv",
                                                  "buffer": bad.encode()}])
    page.click("#upload-form button[type=submit]")
    page.locator("#report-problems tr.problem").first.wait_for()
    assert page.locator("#report-problems tr.problem").count() >= 1
    assert page.locator("#report-download").count() == 1
    shot(page, live, "impor-laporan")
    page.watch.assert_clean(page)


def test_language_switch_is_remembered(page, live):
    page.goto(live["url"] + "/")
    assert page.get_attribute("html", "lang") == "id"
    page.click("#lang-switch")
    page.wait_for_load_state("load")
    assert page.get_attribute("html", "lang") == "en"
    assert "Alumni traced" in page.inner_text("main")
    page.click("#nav-graph")
    page.wait_for_load_state("load")
    assert page.get_attribute("html", "lang") == "en" and "Network graph" in page.inner_text("h1")
    page.watch.assert_clean(page)


def test_login_is_required_and_logout_ends_the_session(anonymous_page, live):
    page = anonymous_page
    page.goto(live["url"] + "/graf")
    assert "/masuk" in page.url and page.locator("#login-form").count() == 1
    page.fill("#login-username", "uji-admin")
    page.fill("#login-password", "salah-sekali-12345")
    page.click("#login-submit")
    page.locator("#login-error").wait_for()
    log_in(page, live)
    page.goto(live["url"] + "/graf")
    assert page.url.endswith("/graf")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["ag_session"]["httpOnly"] and cookies["ag_session"]["sameSite"] == "Lax"
    with page.expect_navigation():
        page.click("#logout")
    assert "/masuk" in page.url
    page.goto(live["url"] + "/graf")
    assert "/masuk" in page.url
    page.watch.errors = [e for e in page.watch.errors if "401" not in e]
    page.watch.assert_clean(page)


def test_viewer_sees_only_what_the_role_allows(anonymous_page, live):
    page = anonymous_page
    log_in(page, live, "viewer")
    nav = page.inner_text("header nav")
    assert page.locator("#nav-graph").count() == 1 and page.locator("#nav-import").count() == 0
    assert page.locator("#nav-partners").count() == 0 and page.locator("#nav-referral").count() == 0, nav
    response = page.goto(live["url"] + "/siswa/0051000001")
    assert response.status == 403 and "081234" not in page.content()
    page.watch.errors = [e for e in page.watch.errors if "403" not in e]
    page.watch.assert_clean(page)


HOSTILE_UPLOADS = {
    # name: (file name, bytes, what the report or page must say)
    "xss-file-name": ('siswa<img src=x onerror="window.__xss=1">.csv',
                      b"nisn,nama\n12,<script>window.__xss=1</script>\n", "report-problems"),
    "formula-and-cypher": ("siswa.csv",
                           ("nisn,nama,npsn,kode_program\n0051000099,=HYPERLINK(\"http://x\"),20300001,TKR\n"
                            "0051000098,\"MATCH (n) DETACH DELETE n //\",20300001,TKR\n").encode(), "report"),
    "not-an-xlsx": ("siswa.xlsx", b"this is not a zip", "report-problems"),
    "binary": ("siswa.csv", bytes(range(256)) * 8, "report-problems"),
}


def _graph_size(store) -> tuple[int, int]:
    return store.count_nodes(), store.count_relationships()


@pytest.mark.parametrize("case", HOSTILE_UPLOADS)
def test_hostile_uploads_are_rejected_or_inert(page, live, case):
    name, body, where = HOSTILE_UPLOADS[case]
    store = live["graph"]
    before = _graph_size(store)
    page.goto(live["url"] + "/impor")
    page.set_input_files("#upload-files", files=[{"name": name, "mimeType": "text/csv", "buffer": body}])
    page.click("#upload-form button[type=submit]")
    page.locator(f"#{where}").wait_for()
    page.watch.assert_clean(page)
    assert _graph_size(store) == before  # a check stores nothing
    summary = page.locator("#report-summary")
    if where == "report-problems":  # the rows are refused, each with a line saying why
        assert "error" in summary.get_attribute("class").split()
        assert page.locator("#report-problems tr.problem").count() >= 1
        return
    # Valid rows with a formula and Cypher in them: loading them stores the
    # text as it is, and the Cypher runs nowhere (the graph keeps every node).
    assert "ok" in summary.get_attribute("class").split()
    with page.expect_navigation():
        page.click("#confirm-load")
    page.watch.assert_clean(page)
    try:
        assert _graph_size(store)[0] == before[0] + 2
        assert store.get_node("Person", ("0051000099",))["name"] == '=HYPERLINK("http://x")'
        assert store.get_node("Person", ("0051000098",))["name"] == "MATCH (n) DETACH DELETE n //"
    finally:  # the module's later tests expect the fixture graph
        for nisn in ("0051000099", "0051000098"):
            store.delete_node("Person", (nisn,))
    assert _graph_size(store) == before


def test_oversized_upload_is_refused(page, live, tmp_path):
    page.goto(live["url"] + "/impor")
    big = tmp_path / "siswa.csv"  # picked from disk, as a person does (not 11 MB through the driver)
    big.write_bytes(b"nisn,nama\n" + b"0" * (11 * 1024 * 1024))
    page.set_input_files("#upload-files", files=[str(big)])
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    assert "Berkas terlalu besar" in page.inner_text("main") or "too large" in page.inner_text("main")
    page.watch.errors = [e for e in page.watch.errors if "413" not in e]
    page.watch.assert_clean(page)


def test_cypher_and_script_in_search_boxes_are_inert(page, live):
    page.goto(live["url"] + "/jalur-referensi")
    page.fill("#student-input", "' OR 1=1 MATCH (n) DETACH DELETE n //<script>window.__xss=1</script>")
    page.wait_for_timeout(500)
    before = _graph_size(live["graph"])
    assert before[0] > 0 and before[1] > 0
    page.goto(live["url"] + "/graf?depth=2")
    _settled(page)
    page.fill("#graph-search", "<img src=x onerror=window.__xss=1>")
    page.press("#graph-search", "Enter")
    assert page.get_attribute("#graph-search", "data-hits") == "0"
    # the graph is still there: every node and relationship, and the page's graph
    assert _graph_size(live["graph"]) == before
    shown = page.request.get(live["url"] + "/graf.json?depth=2").json()
    assert len(shown["graph"]["nodes"]) > 1 and shown["graph"]["edges"]
    page.watch.assert_clean(page)
