"""Every page as each role sees it, in Chromium at 1366x768 and 390x844, on
both stores: no horizontal scroll at 390 px, no console error, and a
screenshot of each (``test-artifacts/screenshots/ux-<store>-<role>-<page>-<width>.png``)
for a person to look at. And Jalur referensi with names typed (not picked).
The live server and browser of tests/web_support.py."""
from __future__ import annotations

import pytest

import web_fixture as fx
from web_support import ARTIFACTS, Watch, live_server, log_in

pytestmark = pytest.mark.browser

PAGES = {
    "beranda": "/",
    "calon-mitra": f"/calon-mitra?npsn={fx.NPSN}",
    "jalur-referensi": "/jalur-referensi?nisn=Citra+Lestari&employer=Jaringan+Nusantara",
    "graf": "/graf",
    "dudi": "/dudi/E-002",
    "siswa": "/siswa/0051000006",
    "sekolah": f"/sekolah/{fx.NPSN}",
    "program": f"/program/{fx.NPSN}/TKJ",
    "impor": "/impor",
    "pengguna": "/pengguna",
    "sandi": "/sandi",
    "analisis": "/analisis/",
    "penelusuran": "/analisis/penelusuran",
    "keselarasan": "/analisis/keselarasan",
    "prakerin": "/analisis/prakerin",
    "penghubung": "/analisis/penghubung",
    "klaster": "/analisis/klaster",
    "tak-terlacak": "/analisis/tak-terlacak",
    "alumni-sukses": "/analisis/alumni-sukses",
}
SIZES = {1366: 768, 390: 844}


live = live_server()


@pytest.mark.parametrize("role", ["admin", "bkk", "humas", "viewer"])
def test_every_page_per_role_fits_a_phone(browser, live, role):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    p = context.new_page()
    p.set_default_timeout(20_000)
    watch = Watch(p, live["url"])
    log_in(p, live, role)
    wide = []
    opened = cards = 0
    for name, path in PAGES.items():
        if p.request.get(live["url"] + path).status == 403:
            continue  # not this role's page (the nav does not show it)
        for width, height in SIZES.items():
            p.set_viewport_size({"width": width, "height": height})
            resp = p.goto(live["url"] + path)
            assert resp.status == 200, (role, path, resp.status)
            p.wait_for_load_state("load")
            for canvas in p.locator(".graph-canvas:not([data-src])").all():
                p.wait_for_function("id => document.getElementById(id).dataset.drawn === '1'",
                                    arg=canvas.get_attribute("id"))
            over = p.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if width == 390 and over > 1:
                wide.append((path, over))
            # lists of records are cards on a phone (one block per row, each value labelled;
            # a row of one spanning cell, such as Calon mitra's evidence line, has no label)
            shape = p.evaluate("""() => [...document.querySelectorAll('table.cardlist tbody tr')].slice(0, 3)
                .map(tr => [getComputedStyle(tr).display,
                            tr.cells.length < 2 || !!tr.querySelector('td[data-label]')])""")
            if width == 390:
                assert all(d == "block" and labelled for d, labelled in shape), (role, path, shape)
                cards += len(shape)
            p.screenshot(path=str(ARTIFACTS / f"ux-{live['store']}-{role}-{name}-{width}.png"))
            opened += 1
    watch.assert_clean(p)
    context.close()
    assert opened >= 10
    assert role == "viewer" or cards > 0  # staff pages with lists were seen as cards
    assert not wide, f"{role}: horizontal scroll at 390 px: {wide}"


def test_referral_with_typed_names(browser, live):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    p = context.new_page()
    p.set_default_timeout(20_000)
    watch = Watch(p, live["url"])
    log_in(p, live, "bkk")
    p.goto(live["url"] + "/jalur-referensi")
    p.fill("#student-input", "Citra Lestari")
    p.fill("#employer-input", "CV Jaringan Nusantara")
    with p.expect_navigation():
        p.click("#referral-form button[type=submit]")
    p.locator("#paths li.path").first.wait_for()
    assert p.locator("#paths li.path").count() >= 1
    assert "Citra Lestari" in p.inner_text("#paths-title")
    assert p.input_value("#student-input") == "Citra Lestari"
    p.wait_for_function("() => document.getElementById('referral-graph')?.dataset.drawn === '1'")
    p.screenshot(path=str(ARTIFACTS / f"ux-{live['store']}-bkk-jalur-ketik-nama-1366.png"), full_page=True)
    # a part of a name that matches several firms: a list to pick from, no error page
    p.fill("#employer-input", "PT")
    with p.expect_navigation():
        p.click("#referral-form button[type=submit]")
    assert p.locator("#employer-choices li").count() >= 2
    with p.expect_navigation():
        p.locator("#employer-choices a").first.click()
    assert p.locator("#employer-error").count() == 0
    watch.assert_clean(p)
    context.close()


def test_graph_search_reaches_the_whole_graph(browser, live):
    """A name that is not drawn yet: the search finds it in the whole graph and
    adds it with its neighbours; a name that exists nowhere says so."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    p = context.new_page()
    p.set_default_timeout(20_000)
    watch = Watch(p, live["url"])
    log_in(p, live, "admin")
    p.goto(live["url"] + "/graf")
    p.wait_for_function("() => document.getElementById('graph')?.dataset.drawn === '1'")
    before = int(p.get_attribute("#graph", "data-node-count"))
    assert p.evaluate("() => window.agGraphs.graph.nodes.get('Person:0052000001')") is None
    p.fill("#graph-search", "Fajar Nugroho")
    p.press("#graph-search", "Enter")
    p.wait_for_function("() => document.getElementById('graph-search').dataset.hits === '1'")
    assert p.evaluate("() => window.agGraphs.graph.nodes.get('Person:0052000001') !== null")
    assert int(p.get_attribute("#graph", "data-node-count")) > before
    assert "Fajar Nugroho" in p.inner_text("#graph-search-status")
    p.fill("#graph-search", "Tidak Ada Orang Ini")
    p.press("#graph-search", "Enter")
    p.wait_for_function("() => document.getElementById('graph-search-status').textContent.length > 0 &&"
                        " document.getElementById('graph-search').dataset.hits === '0'")
    p.screenshot(path=str(ARTIFACTS / f"ux-{live['store']}-admin-graf-cari-1366.png"))
    watch.assert_clean(p)
    context.close()
