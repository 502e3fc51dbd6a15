"""Deny by default, proven on the app's own URL map: every route declares the
roles it allows (or is on the short public allow-list), and a request of
every role (and of nobody) to every route with every method gets what the
declaration says: anonymous 401 or a redirect to the login page, a role not
declared 403, a declared role anything but 401/403. A new route without a
declaration fails this file."""
from __future__ import annotations

import pytest

import web_fixture as fx
from alumni_graph.web import create_app
from alumni_graph.web.auth import PUBLIC_ENDPOINTS
from web_support import ROLES, login, web_store  # noqa: F401 (fixtures)

#: The whole public allow-list: the login form, the health check, static files
#: and the vendored graph library.
#: The alumni's tracer form (``/t/<token>``): the personal link is its key.
EXPECTED_PUBLIC = {"auth.login", "auth.health", "static", "pages.vendor", "tracer.form"}
#: Sample values for path arguments (a NISN nobody has: the subject routes must
#: not delete fixture people).
#: Downloads, each classified: personal data (never for viewers) or aggregates only.
#: A new download route must be added to one of the two (the test fails otherwise).
PERSONAL_EXPORTS = {"pages.partners_csv", "pages.partners_xlsx", "pages.upload_report",
                    "api.subject_export", "tracer.send_csv", "work.vacancy_candidates_csv"}
AGGREGATE_EXPORTS = {"analyses.tracer_csv", "analyses.tracer_xlsx", "work.placement_export",
                     # empty templates: headers and explanations, no data
                     "pages.import_template_xlsx", "pages.import_template_csv"}
SAMPLES = {"name": "tracer_summary", "nisn": "0051000001", "code": "E-001",
           "npsn": fx.NPSN, "type": "employer", "key": "E-001", "token": "0" * 32,
           "filename": "app.css", "round_id": 1, "link_id": 1, "response_id": 1, "kind": "siswa",
           "fmt": "csv"}


def _app(store, data_dir):
    return create_app({"TESTING": True, "DATA_DIR": data_dir}, store=store)


def _url(rule) -> str:
    values = {arg: SAMPLES.get(arg, "x") for arg in rule.arguments}
    if "subject" in rule.rule:
        values["nisn"] = "0059999999"
    if rule.endpoint == "pages.vendor":
        values["name"] = "vis-network.css"
    if rule.endpoint == "pages.language":
        values["code"] = "en"
    return rule.build(values, append_unknown=False)[1]


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_declares_its_roles(embedded_store, data_dir):
    app = _app(embedded_store, data_dir)
    undeclared, public = [], set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if rule.endpoint in PUBLIC_ENDPOINTS:
            public.add(rule.endpoint)
            continue
        if not roles or not set(roles) <= set(ROLES):
            undeclared.append(rule.rule)
    assert undeclared == []
    assert public == EXPECTED_PUBLIC == set(PUBLIC_ENDPOINTS)


def test_an_undeclared_route_is_refused_and_caught(embedded_store, data_dir):
    from flask import Blueprint

    app = _app(embedded_store, data_dir)
    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/rahasia", "secret", lambda: "isi rahasia")
    app.register_blueprint(extra)
    undeclared = [r.rule for r in app.url_map.iter_rules()
                  if r.endpoint not in PUBLIC_ENDPOINTS
                  and not getattr(app.view_functions[r.endpoint], "required_roles", None)]
    assert undeclared == ["/rahasia"]
    r = login(app, "admin").get("/rahasia")
    assert r.status_code == 403 and b"isi rahasia" not in r.data
    assert app.test_client().get("/rahasia").status_code == 403


@pytest.fixture
def matrix_app(embedded_store, data_dir):
    fx.build(embedded_store)
    return _app(embedded_store, data_dir)


def _call(client, method: str, url: str, json_api: bool):
    kwargs = {"json": {}} if method == "POST" and json_api else {}
    return client.open(url, method=method, **kwargs)


def test_role_route_method_matrix(matrix_app):
    app = matrix_app
    seen, problems = 0, []
    for rule, method in _routes(app):
        url = _url(rule)
        view = app.view_functions[rule.endpoint]
        roles = set(getattr(view, "required_roles", ()) or ())
        public = rule.endpoint in PUBLIC_ENDPOINTS
        json_api = url.startswith("/api/")
        # anonymous
        r = _call(app.test_client(), method, url, json_api)
        if public:  # (the login form answers 401 to a wrong password: that is not a refusal)
            if r.status_code == 403 or (r.status_code == 302 and "/masuk" in r.headers["Location"]):
                problems.append(("anonymous", method, url, r.status_code))
        elif not (r.status_code == 401 or (r.status_code == 302 and "/masuk" in r.headers["Location"])):
            problems.append(("anonymous", method, url, r.status_code))
        # each role, a fresh session each time (logout must not spoil the rest)
        for role in ROLES:
            r = _call(login(app, role), method, url, json_api)
            seen += 1
            if public:
                ok = r.status_code != 403
            elif role in roles:
                ok = r.status_code not in (401, 403) and r.status_code < 500
            else:
                ok = r.status_code == 403
            if not ok:
                problems.append((role, method, url, r.status_code, sorted(roles)))
    assert problems == []
    assert seen >= 4 * 40  # the map really was walked


def test_viewer_may_not_write_or_export_personal_data(matrix_app):
    app = matrix_app
    writes, exports = [], []
    for rule, method in _routes(app):
        # (logging out and changing one's own password are for every role)
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint in ("auth.logout", "users.password"):
            continue
        url = _url(rule)
        if method != "GET":
            writes.append((method, url))
        elif url.endswith((".csv", ".xlsx", ".xls")) or "/subject/" in url:
            assert rule.endpoint in PERSONAL_EXPORTS | AGGREGATE_EXPORTS, \
                f"classify the download {rule.endpoint} as personal or aggregate"
            if rule.endpoint in PERSONAL_EXPORTS:
                exports.append((method, url))
    assert {"/impor", "/api/v1/subject/0059999999/delete", "/pengguna"} <= {u for _, u in writes}
    assert {"/calon-mitra.csv", "/calon-mitra.xlsx"} <= {u for _, u in exports}
    for method, url in writes + exports:
        if method == "POST" and url.startswith("/api/v1/query/"):
            continue  # a query by POST only reads (its body holds the parameters)
        r = _call(login(app, "viewer"), method, url, url.startswith("/api/"))
        assert r.status_code == 403, (method, url, r.status_code)


def test_viewer_gets_aggregates_and_graphs(matrix_app):
    c = login(matrix_app, "viewer")
    for url in ("/", "/graf", f"/api/v1/overview?npsn={fx.NPSN}", f"/api/v1/graph/around/school/{fx.NPSN}",
                "/dudi/E-001"):
        assert c.get(url).status_code == 200, url
    for url in ("/siswa/0051000001", "/api/v1/person/0051000001", "/calon-mitra", "/jalur-referensi",
                "/impor", "/pengguna", "/pengguna.json"):
        assert c.get(url).status_code == 403, url


def test_no_get_changes_state(matrix_app):
    """Every route that writes (import, subject requests, logout, user accounts)
    takes POST only."""
    app = matrix_app
    writers = {"pages.upload_confirm", "pages.upload_confirm_json", "api.subject_correct",
               "pages.employer_review_decide", "pages.employer_review_decide_json",
               "api.subject_delete", "auth.logout", "users.disable", "users.enable",
               "users.reset_password", "tracer.close", "tracer.revoke", "tracer.reissue",
               "tracer.approve", "tracer.reject"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in writers:
            assert "GET" not in rule.methods, rule.rule
    assert login(app, "admin").get("/keluar").status_code == 405


def test_each_query_has_its_roles_and_the_api_keeps_to_them(matrix_app):
    """/api/v1/query/<name> answers a role only for the queries of its pages:
    a viewer gets aggregates, never a list of people; Humas' prospects are not
    BKK's, BKK's referral paths not Humas'."""
    from alumni_graph.queries import REGISTRY
    from alumni_graph.web import access

    assert set(access.QUERY_ROLES) == set(REGISTRY)
    matrix_app.extensions["alumni_graph_store"].get().upsert_nodes("Vacancy", [{
        "id": "L-WEB1", "school_npsn": fx.NPSN, "employer_code": "E-002", "title": "Teknisi",
        "programs": ["TKJ"]}], source="test")
    params = {"npsn": fx.NPSN, "employer": "E-001", "nisn": "0051000006", "id": "L-WEB1"}
    for name, query in REGISTRY.items():
        allowed = set(access.QUERY_ROLES[name])
        wanted = {p.name: params[p.name] for p in query.params if p.name in params}
        for role in ROLES:
            client = login(matrix_app, role)
            r = client.get(f"/api/v1/query/{name}", query_string=wanted)
            if role in allowed:
                assert r.status_code == 200, (name, role, r.get_data(as_text=True)[:300])
            else:
                assert r.status_code == 403, (name, role, r.status_code)
                assert "rows" not in r.get_json()
            listed = {q["name"] for q in client.get("/api/v1/queries").get_json()["queries"]}
            assert (name in listed) == (role in allowed), (name, role)
    # a viewer never gets a person's name or NISN from the query API
    viewer = login(matrix_app, "viewer")
    for name in (n for n, roles in access.QUERY_ROLES.items() if "viewer" in roles):
        body = viewer.get(f"/api/v1/query/{name}", query_string={"npsn": fx.NPSN}).get_data(as_text=True)
        assert not any(nisn in body for nisn in fx.PEOPLE), name


def test_pages_and_their_queries_share_roles(matrix_app):
    from alumni_graph.web import access
    from alumni_graph.web.analyses import PAGES

    views = matrix_app.view_functions
    for _, view, names in PAGES:
        for name in names:
            assert set(views[f"analyses.{view}"].required_roles) == set(access.QUERY_ROLES[name])
    assert set(views["pages.partners"].required_roles) == set(access.QUERY_ROLES["prospective_partners"])
    assert set(views["pages.referral"].required_roles) == set(access.QUERY_ROLES["referral_paths"])
