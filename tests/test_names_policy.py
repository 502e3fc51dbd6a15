"""The one names policy (web/names.py, docs/privacy.md "Kebijakan nama"): for
every query a page, a JSON route or an export runs, and for each role, who is
named. On both stores, over the web fixture with three people changed so that
the rules differ: Ani and the formula person consent to be contacted but not
to be displayed; Gita is untraced and consents to nothing."""
from __future__ import annotations

import pytest

import web_fixture as fx
from web_support import app, login, ok_json, web_store  # noqa: F401 (fixtures)

ANI, BUDI, CITRA, DEWI, FORMULA, EKO, FAJAR = (
    "0051000001", "0051000002", "0051000003", "0051000004", "0051000005", "0051000006", "0052000001")
GITA = "0051000007"
GITA_NAME = "Gita Rahayu"


@pytest.fixture
def people(web_store):
    """Change consents so that contact, display and none all occur; add Gita."""
    rows = []
    for nisn in (ANI, FORMULA):
        rows.append({**fx.person_row(nisn), "consent_contact": True, "consent_display": False})
    rows.append({**fx.person_row(CITRA), "consent_contact": False, "consent_display": False})
    rows.append({"nisn": GITA, "name": GITA_NAME, "school_npsn": fx.NPSN, "program_code": "TKR",
                 "graduation_year": 2021, "status": "tidak_terdata", "consent_contact": False,
                 "consent_display": False, "birth_date": "2003-01-01"})
    web_store.upsert_nodes("Person", rows, source="names-test")
    web_store.upsert_relationships("STUDIED_IN", [{"start": (GITA,), "end": (fx.NPSN, "TKR")}],
                                   start_label="Person", end_label="Program", source="names-test")
    props = {p["nisn"]: p for p in web_store.iter_nodes("Person")}
    return props


def name_of(nisn):
    return GITA_NAME if nisn == GITA else fx.PEOPLE[nisn][0]


def named(value) -> set[str]:
    """Every string value in a JSON answer (names are found among them)."""
    out = set()
    if isinstance(value, dict):
        for v in value.values():
            out |= named(v)
    elif isinstance(value, list):
        for v in value:
            out |= named(v)
    elif isinstance(value, str):
        out.add(value)
    return out


def allowed(props: dict, role: str, duty: bool) -> set[str]:
    """The policy, written out again independently of web/names.py."""
    import datetime as dt

    from alumni_graph.queries.rules import consented, display_consented

    today = dt.date.today().isoformat()
    if role == "viewer":
        return set()
    out = set()
    for nisn, p in props.items():
        if role in ("admin", "bkk"):
            ok = duty or consented(p, today)
        else:  # humas: the query's own rule, and display consent or an alumnus (outreach)
            ok = consented(p, today) and (display_consented(p, today)
                                          or p.get("graduation_year") is not None)
        if ok:
            out.add(p["name"])
    return out


CASES = {
    # query: (params, duty view?, {role: names that must appear})
    "alumni_at_employer": ({"employer": "E-002"}, False,
                           {"admin": {ANI, FAJAR}, "bkk": {ANI, FAJAR}, "humas": {ANI, FAJAR}}),
    "internship_monitoring": ({"npsn": fx.NPSN}, True,
                              {"admin": {CITRA, DEWI}, "bkk": {CITRA, DEWI}, "humas": {DEWI}}),
    "untraced_reach": ({"npsn": fx.NPSN}, True,
                       {"admin": {GITA, FORMULA}, "bkk": {GITA, FORMULA}}),
    "prospective_partners": ({"npsn": fx.NPSN}, False, {"admin": {FORMULA}, "humas": {FORMULA}}),
    "key_connectors": ({"npsn": fx.NPSN}, False, {}),
    "alumni_register": ({"npsn": fx.NPSN}, False, {}),
    "referral_paths": ({"nisn": CITRA, "employer": "E-002"}, False, {}),
}


@pytest.mark.parametrize("role", ["admin", "bkk", "humas", "viewer"])
@pytest.mark.parametrize("query", sorted(CASES))
def test_query_names_by_role(app, people, query, role):
    from alumni_graph.web.access import QUERY_ROLES

    params, duty, must = CASES[query]
    response = login(app, role).get(f"/api/v1/query/{query}", query_string=params)
    if role not in QUERY_ROLES[query]:
        assert response.status_code == 403
        return
    body = ok_json(response)
    everyone = {p["name"] for p in people.values()}
    shown = named(body) & everyone
    assert shown <= allowed(people, role, duty and role in ("admin", "bkk")), (query, role, shown)
    assert {name_of(n) for n in must.get(role, set())} <= shown, (query, role, shown)
    if role == "humas":
        # nobody the person page refuses to humas is named here
        for p in people.values():
            if p["name"] in shown:
                assert ok_json(login(app, "humas").get(f"/api/v1/person/{p['nisn']}"))
    if query == "prospective_partners" and role == "humas":
        # a champion agreed to be contacted: named to humas without display consent
        champs = [c for r in body["rows"] for c in r["champions"]]
        assert any(c["name"] == fx.FORMULA and c["nisn"] == FORMULA for c in champs)


@pytest.mark.parametrize("role,visible", [("admin", True), ("bkk", True), ("humas", False)])
def test_pages_and_exports_follow_the_same_policy(app, people, role, visible):
    c = login(app, role)
    citra = fx.PEOPLE[CITRA][0]
    page = c.get(f"/analisis/prakerin?npsn={fx.NPSN}").get_data(as_text=True)
    assert (citra in page) is visible
    if role in ("admin", "humas"):
        formula_csv = "'" + fx.FORMULA.replace('"', '""')
        csv = c.get(f"/calon-mitra.csv?npsn={fx.NPSN}").get_data(as_text=True)
        html = c.get(f"/calon-mitra?npsn={fx.NPSN}").get_data(as_text=True)
        # the champion (contact consent, no display consent) for both: outreach
        assert formula_csv in csv and "HYPERLINK" in html


def test_untraced_page_names_everyone_for_bkk(app, people):
    page = login(app, "bkk").get(f"/analisis/tak-terlacak?npsn={fx.NPSN}").get_data(as_text=True)
    assert GITA_NAME in page


def test_no_nisn_existence_oracle(app, people):
    humas = login(app, "humas")
    hidden = humas.get(f"/api/v1/person/{CITRA}")   # exists, a student with no consent
    missing = humas.get("/api/v1/person/0059999999")  # does not exist
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert ok_json(humas.get(f"/api/v1/person/{DEWI}"))["entity"]["key"] == DEWI
    # bkk and admin still open everyone
    assert ok_json(login(app, "bkk").get(f"/api/v1/person/{CITRA}"))["entity"]["key"] == CITRA
    # an alumna who agreed to be contacted opens for humas (a champion's page)
    assert ok_json(humas.get(f"/api/v1/person/{ANI}"))["entity"]["key"] == ANI


def test_policy_table_covers_every_query():
    from alumni_graph.queries import REGISTRY
    from alumni_graph.web import names

    assert set(names.VIEW_RULE) == set(REGISTRY)
    assert names.describe("untraced_reach", "bkk") == "all"
    assert names.describe("untraced_reach", "humas") == "contact+outreach"
    assert names.describe("alumni_register", "admin") == "contact"
    assert names.describe("tracer_summary", "viewer") == "none"
