"""Impor data in Chromium (issue 11): a Dapodik export's rombel -> programme
mapping is shown on the preview, a rombel that fits no programme is picked by
hand at desk and phone width, and the check then passes. Screenshots go to
test-artifacts/screenshots/."""
from __future__ import annotations

import pytest

import web_fixture as fx
from web_support import ARTIFACTS, live_server, log_in
from test_loaders_school_files import dapodik_export

pytestmark = pytest.mark.browser

live = live_server()


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_dapodik_rombel_mapping_is_picked_on_the_page(browser, live, tmp_path, width, height):  # noqa: F811
    oto = f"XII OTO {width}"  # a rombel of its own per run: the server keeps what an earlier run stored
    xlsx = tmp_path / "daftar_pd-SMK NEGERI 1 CONTOH-2025-07-14 09_12_33.xlsx"
    xlsx.write_bytes(dapodik_export([("0071234501", "ADI PRATAMA", "XII TKJ 1", "081234500001"),
                                     ("0071234502", "BUNGA LESTARI", oto, "081234500002")]))
    context = browser.new_context(viewport={"width": width, "height": height})
    p = context.new_page()
    p.set_default_timeout(30_000)
    try:
        log_in(p, live)
        p.goto(live["url"] + "/impor")
        p.set_input_files("#upload-files", str(xlsx))
        with p.expect_navigation():
            p.click("#upload-form button[type=submit]")
        select = p.locator(f'select[name="rombel::{oto}"]')
        assert select.input_value() == ""  # no programme fits OTO: the officer is asked to pick
        assert p.locator('select[name="rombel::XII TKJ 1"]').input_value() == f"{fx.NPSN}|TKJ"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        p.locator(".rombel-mapping").scroll_into_view_if_needed()
        p.screenshot(path=str(ARTIFACTS / f"{live['store']}-impor-dapodik-{width}.png"))
        assert p.evaluate("() => document.documentElement.scrollWidth") <= width
        p.locator("#report-problems").scroll_into_view_if_needed()
        p.screenshot(path=str(ARTIFACTS / f"{live['store']}-impor-dapodik-problems-{width}.png"))
        assert p.locator("#report-problems tr.level-warning").count() >= 1  # notes told apart from errors
        select.select_option(f"{fx.NPSN}|TKR")
        with p.expect_navigation():
            p.click(".rombel-save")
        assert p.locator(f'select[name="rombel::{oto}"]').input_value() == f"{fx.NPSN}|TKR"
        assert "pemetaan tersimpan" in p.locator(".rombel-mapping").inner_text()
        assert p.locator("#report-summary.ok").count() == 1, p.locator("#report-summary").inner_text()
        p.screenshot(path=str(ARTIFACTS / f"{live['store']}-impor-dapodik-saved-{width}.png"))
    finally:
        context.close()
