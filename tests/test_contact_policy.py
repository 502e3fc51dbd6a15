"""The one contact rule (web/names.py ``contact``; docs/privacy.md "Kontak"):
Humas gets phone links (tel:, WhatsApp) of adult alumni who agreed to be
contacted where outreach needs them -- champions on Calon mitra, the firm's
page, the person page --, never of a minor or of someone without contact
consent; viewers get none; bkk and admin keep theirs. On both stores, over
the web fixture (0051000005, the formula person, is a 2020 alumnus working at
E-001 and its champion there)."""
from __future__ import annotations

import pytest

import web_fixture as fx
from alumni_graph.web import names
from web_support import app, login, ok_json, web_store  # noqa: F401 (fixtures)

CHAMPION = "0051000005"
PHONE = "081234500005"
TEL = f'href="tel:{PHONE}"'
WA = 'href="https://wa.me/6281234500005"'


def _set(store, **props):
    store.upsert_nodes("Person", [{"nisn": CHAMPION, **props}], source="contact-test")


def _pages(app, role):
    c = login(app, role)
    partners = c.get(f"/calon-mitra?npsn={fx.NPSN}&as_of=2026-11-01").get_data(as_text=True)
    firm = c.get("/dudi/E-001").get_data(as_text=True)
    return partners, firm


@pytest.mark.parametrize("role", ["humas", "bkk", "admin"])
def test_a_consenting_adult_champion_has_links(app, web_store, role):
    _set(web_store, consent_display=False)  # the champion rule is contact consent, not display
    partners, firm = _pages(app, role)
    assert TEL in firm and WA in firm, role
    if role != "bkk":  # Calon mitra is Humas' (and admin's) page
        assert TEL in partners and WA in partners, role
        assert "HYPERLINK" in partners  # named (fx.FORMULA), and shown as text
        body = ok_json(login(app, role).get(f"/calon-mitra.json?npsn={fx.NPSN}&as_of=2026-11-01"))
        champ = next(c for r in body["rows"] for c in r["champions"] if c["nisn"] == CHAMPION)
        assert champ["contact"]["wa"] == "https://wa.me/6281234500005"
    # the person page behind the champion's link opens, with the same contact
    person = ok_json(login(app, role).get(f"/api/v1/person/{CHAMPION}"))["entity"]
    assert person["contact"]["tel"] == f"tel:{PHONE}"
    entries = app.extensions["alumni_graph_audit"].entries()
    assert any(e["action"] == "view_contacts" for e in entries)
    assert PHONE not in repr(entries)
    # every showing is audited, a page answered from the cache too (web/cache.py)
    count = sum(e["action"] == "view_contacts" for e in entries)
    login(app, role).get("/dudi/E-001")
    login(app, role).get("/dudi/E-001")
    again = app.extensions["alumni_graph_audit"].entries()
    assert sum(e["action"] == "view_contacts" for e in again) == count + 2


def test_no_links_without_contact_consent(app, web_store):
    _set(web_store, consent_contact=False, consent_display=True)
    for role in ("humas", "bkk", "admin"):
        partners, firm = _pages(app, role)
        assert PHONE not in partners and PHONE not in firm, role
    # named on the firm's page to humas (display consent), but no contact at all
    assert "HYPERLINK" in _pages(app, "humas")[1]
    person = ok_json(login(app, "humas").get(f"/api/v1/person/{CHAMPION}"))["entity"]
    assert person["contact"] == {"shown": False, "reason": "no_consent", "phone": None, "email": None}


def test_a_minor_gets_no_links_for_humas(app, web_store):
    # a 17-year-old alumnus whose guardian consented: a champion (the minor
    # rule is met), named, but humas never gets a minor's phone (masked)
    _set(web_store, birth_date="2010-01-01", guardian_consent_ref="SPW/2026/01")
    partners, firm = _pages(app, "humas")
    assert PHONE not in partners and PHONE not in firm
    contact = ok_json(login(app, "humas").get(f"/api/v1/person/{CHAMPION}"))["entity"]["contact"]
    assert contact["masked"] is True and "tel" not in contact and contact["phone"] != PHONE
    # bkk, whose duty is placement, still may call (guardian consent given)
    assert TEL in _pages(app, "bkk")[1]


def test_viewer_sees_no_contact(app, web_store):
    c = login(app, "viewer")
    firm = c.get("/dudi/E-001").get_data(as_text=True)
    assert PHONE not in firm and "tel:" not in firm and "wa.me" not in firm
    assert c.get(f"/calon-mitra?npsn={fx.NPSN}").status_code == 403


def test_contact_rule_in_one_function():
    adult = {"nisn": "1", "graduation_year": 2020, "birth_date": "2001-01-01", "consent_contact": True,
             "phone": "0812 3456 7890", "email": "a@b.id"}
    student = {**adult, "graduation_year": None}
    minor = {**adult, "birth_date": "2012-01-01", "guardian_consent_ref": "SPW/1"}
    silent = {**adult, "consent_contact": False}
    full = names.contact(adult, "humas", as_of="2026-11-01")
    assert full["tel"] == "tel:081234567890" and full["wa"] == "https://wa.me/6281234567890"
    assert names.contact(student, "humas", as_of="2026-11-01")["masked"] is True
    assert names.contact(minor, "humas", as_of="2026-11-01")["masked"] is True
    assert names.contact(minor, "bkk", as_of="2026-11-01")["tel"] == "tel:081234567890"
    assert names.contact(silent, "admin", as_of="2026-11-01")["reason"] == "no_consent"
    assert names.contact(adult, "viewer", as_of="2026-11-01")["reason"] == "policy"
    assert names.contact(adult, "bkk", setting="hidden", as_of="2026-11-01")["reason"] == "policy"
    assert names.links("+62 812-3456") == {"tel": "tel:+628123456", "wa": "https://wa.me/628123456"}
    assert names.links(None) == {}
