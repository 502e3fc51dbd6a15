"""Issue 16's "done when", in Chromium on both stores: an alumnus opens their
personal link on a phone (390x844), submits a new job and consents; a BKK
user approves it; then the job is in the tracer summary, the alumnus is a
champion of that employer in Calon mitra and an intermediary in referral
paths. A rejected answer changes nothing. Screenshots of the form (phone and
laptop), the review page and the dashboard go to test-artifacts/screenshots/.
"""
from __future__ import annotations

import re

import pytest

import web_fixture as fx
from web_support import ARTIFACTS, live_server, open_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
EKO, BUDI, CITRA = "0051000006", "0051000002", "0051000003"


def _shot(p, live, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / f"{live['store']}-tracer-{name}.png"), full_page=full)


live = live_server()


def _context(browser, live, viewport, role: str | None):
    return open_page(browser, live, role, viewport)


def _start_round(p, live, years: str, program: str) -> None:
    p.goto(live["url"] + "/tracer")
    p.select_option("#round-npsn", fx.NPSN)
    p.fill("#round-years", years)
    p.fill("#round-programs", program)
    with p.expect_navigation():
        p.click("#round-start")
    assert "/kirim" in p.url


def _link_of(p, name: str) -> str:
    row = p.locator("#links-table tbody tr", has_text=name).last
    return row.locator("input.link-text").input_value()


def _answer(p, link: str, employer: str) -> None:
    p.goto(link)
    p.check("#act-bekerja")
    p.fill("#employer", employer)
    p.fill("#employer_city", "Karawang")
    p.fill("#position", "Operator produksi")
    p.fill("#start", "2025-01-06")
    p.select_option("#sector", "C")
    p.check("#fits-ya")
    p.check("#ch-alumni")
    for c in ("consent_school", "consent_referral", "consent_register"):
        p.check(f"#{c}-ya")
    with p.expect_navigation():
        p.click("#tf-submit")
    assert p.locator("#tf-thanks").count() == 1


def _store(live):
    return live["app"].extensions["alumni_graph_store"].get()


def _tracer_row(p, live, program: str, year: int) -> dict:
    r = p.request.get(live["url"] + "/api/v1/query/tracer_summary",
                      params={"npsn": fx.NPSN, "program": program, "year_from": year, "year_to": year})
    assert r.ok, r.text()
    return r.json()["rows"][0]


def _partner_text(p, live) -> str:
    """The Calon mitra row of E-005 with its evidence opened (champions)."""
    p.goto(live["url"] + f"/calon-mitra?npsn={fx.NPSN}")
    row = p.locator("tr", has_text="PT Tanpa Alumni")
    if row.count() == 0:
        return ""
    evidence = row.first.locator("xpath=following-sibling::tr[1]")
    evidence.locator("details summary").click()
    return row.first.inner_text() + " " + evidence.inner_text()


def _referral_text(p, live) -> str:
    p.goto(live["url"] + f"/jalur-referensi?nisn={CITRA}&employer=E-005")
    return p.inner_text("main")


def test_alumnus_answers_on_a_phone_and_bkk_approves(browser, live):
    bkk_ctx, bkk = _context(browser, live, LAPTOP, "bkk")
    admin_ctx, admin = _context(browser, live, LAPTOP, "admin")
    phone_ctx, phone = _context(browser, live, PHONE, None)
    try:
        _start_round(bkk, live, "2023", "TKJ")
        _shot(bkk, live, "kirim", full=True)
        link = _link_of(bkk, "Eko Saputra")
        round_url = bkk.url.rsplit("/kirim", 1)[0]
        bkk.goto(round_url + "/slip")
        assert bkk.locator(".slip img").count() == 1 and "Eko" in bkk.inner_text(".slip")
        _shot(bkk, live, "slip")
        assert re.fullmatch(re.escape(live["url"]) + r"/t/[A-Za-z0-9_-]{43}", link)
        before = _tracer_row(bkk, live, "TKJ", 2023)
        assert "Eko" not in _partner_text(admin, live)
        assert "Eko Saputra" not in _referral_text(bkk, live)

        # The alumnus: first name only, no script needed, the phone layout fits.
        phone.goto(link)
        assert phone.inner_text("#tf-hello") == "Halo, Eko!"
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert phone.evaluate("document.scripts.length") == 0
        _shot(phone, live, "form-390")
        _answer(phone, link, "PT Tanpa Alumni")
        _shot(phone, live, "thanks-390", full=True)
        assert "PT Tanpa Alumni" in phone.inner_text("#tf-sent")

        # BKK: the dashboard's queue, the answer beside the record, approve.
        bkk.goto(live["url"] + "/tracer")
        bkk.click("#rounds-table tbody tr:first-child a")
        bkk.wait_for_load_state("load")
        _shot(bkk, live, "dashboard", full=True)
        bkk.set_viewport_size(PHONE)
        _shot(bkk, live, "dashboard-390", full=True)
        bkk.set_viewport_size(LAPTOP)
        with bkk.expect_navigation():
            bkk.click("#queue-table a")
        assert bkk.locator("#cmp-activity.changed").count() == 1
        assert bkk.is_checked("#approve-form input[value='E-005']")
        _shot(bkk, live, "review", full=True)
        with bkk.expect_navigation():
            bkk.click("#approve")
        assert bkk.locator(".notice").count() == 1

        after = _tracer_row(bkk, live, "TKJ", 2023)
        assert after["employed"] == before["employed"] + 1
        assert after["bekerja"] == before["bekerja"] + 1
        assert "Eko Saputra" in _partner_text(admin, live)
        assert "Eko Saputra" in _referral_text(bkk, live)
        for p in (bkk, admin, phone):
            p.watch.assert_clean(p)
    finally:
        for ctx in (bkk_ctx, admin_ctx, phone_ctx):
            ctx.close()


def test_form_on_a_laptop_and_in_english(browser, live):
    bkk_ctx, bkk = _context(browser, live, LAPTOP, "bkk")
    ctx, p = _context(browser, live, LAPTOP, None)
    try:
        _start_round(bkk, live, "2020", "TKR")
        link = _link_of(bkk, "HYPERLINK")
        p.goto(link)
        _shot(p, live, "form-1366")
        p.click("#tf-lang")
        p.wait_for_load_state("load")
        assert p.get_attribute("html", "lang") == "en" and "Hello" in p.inner_text("#tf-hello")
        p.watch.assert_clean(p)
    finally:
        bkk_ctx.close()
        ctx.close()


def test_rejected_answer_changes_nothing(browser, live):
    bkk_ctx, bkk = _context(browser, live, LAPTOP, "bkk")
    phone_ctx, phone = _context(browser, live, PHONE, None)
    try:
        _start_round(bkk, live, "2021", "TKR")
        link = _link_of(bkk, "Budi")
        _answer(phone, link, "PT Tanpa Alumni")
        before = _store(live).dump()
        summary = _tracer_row(bkk, live, "TKR", 2021)
        bkk.goto(live["url"] + "/tracer")
        bkk.click("#rounds-table tbody tr:first-child a")
        bkk.wait_for_load_state("load")
        with bkk.expect_navigation():
            bkk.click("#queue-table a")
        bkk.fill("#reject-reason", "Bukan alumni angkatan ini")
        with bkk.expect_navigation():
            bkk.click("#reject")
        assert _store(live).dump() == before
        assert _tracer_row(bkk, live, "TKR", 2021) == summary
        assert "Budi" not in _referral_text(bkk, live)
        # The answer is kept, with its reason.
        bkk.goto(live["url"] + "/tracer")
        bkk.click("#rounds-table tbody tr:first-child a")
        assert bkk.locator("#queue-table").count() == 0
        for p in (bkk, phone):
            p.watch.assert_clean(p)
    finally:
        bkk_ctx.close()
        phone_ctx.close()
