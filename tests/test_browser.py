"""The web app as a person uses it: a real server on 127.0.0.1 and the
system's Chromium through Playwright, on both stores, with the hostile-names
fixture. Every page must load with no console error, no request leaving
127.0.0.1, no dialog, and the XSS sentinel ``window.__xss`` unset.

Screenshots go to ``test-artifacts/screenshots/`` (git-ignored).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

import web_fixture as fx
from web import create_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def live(request, tmp_path_factory):
    """A live server (werkzeug, threaded) over the fixture graph on one store."""
    from werkzeug.serving import make_server

    if request.param == "neo4j":
        from graph_service.neo4j_store import Neo4jStore

        srv = request.getfixturevalue("neo4j_server")
        store = Neo4jStore(srv["uri"], user=srv["user"], password=srv["password"],
                           database=os.environ.get("NEO4J_DATABASE", "neo4j"))
        store.clear()
    else:
        from graph_service.embedded import EmbeddedStore

        store = EmbeddedStore(tmp_path_factory.mktemp("browser"))
    fx.build(store)
    server = make_server("127.0.0.1", 0, create_app(store=store), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "store": request.param}
    server.shutdown()
    store.close()


class Watch:
    """What a page did that it must not: console errors, outside requests, dialogs."""

    def __init__(self, page, base: str):
        self.errors, self.outside, self.dialogs = [], [], []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r):
            url = r.request.url
            if url.startswith(base + "/") or url.startswith("data:"):
                r.continue_()
            else:
                self.outside.append(url)
                r.abort()

        page.route("**/*", route)

    def assert_clean(self, page):
        assert self.errors == [], self.errors
        assert self.outside == [], self.outside
        assert self.dialogs == [], self.dialogs
        assert page.evaluate("() => window.__xss") is None


@pytest.fixture
def page(browser, live):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15_000)
    p.watch = Watch(p, live["url"])
    yield p
    context.close()


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
    assert int(canvas.get_attribute("data-node-count")) == expected == 5
    # click the partner firm: its people appear around it
    x, y = _node_point(page, "graph", "Employer:E-002")
    page.mouse.click(x, y)
    page.wait_for_function("() => document.getElementById('graph').dataset.expanded === '1' &&"
                           " document.getElementById('graph').dataset.expanding === '0'")
    assert int(canvas.get_attribute("data-node-count")) == expected + 3
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
