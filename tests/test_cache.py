"""The web's result cache (web/cache.py), on both stores: a committed write
of every kind is seen by the very next request, a role never gets another
role's cached view, a session's CSRF token is never kept, the cache stays
within its bounds, and ``ALUMNI_GRAPH_CACHE=0`` turns it off.

Data: the hostile-names web fixture (tests/web_fixture.py).
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import web_fixture as fx
from alumni_graph.web import create_app
from alumni_graph.web.cache import ResultCache
from web_support import ROLES, app, client, login, ok_json, user, web_store  # noqa: F401 - fixtures

BIN = Path(sys.executable).parent / "alumni-graph"
ANI, CITRA, EKO = "0051000001", "0051000003", "0051000006"
PARTNERS_JSON = f"/calon-mitra.json?npsn={fx.NPSN}"
PARTNERS = f"/calon-mitra?npsn={fx.NPSN}"


def cache_of(app):
    return app.extensions["alumni_graph_cache"]


def codes(body: dict) -> set[str]:
    return {r["code"] for r in body["rows"]}


def test_a_repeated_page_comes_from_the_cache_unchanged(app):
    humas = login(app, "humas")
    first = humas.get(PARTNERS)
    assert first.status_code == 200
    hits = cache_of(app).stats()["hits"]
    again = humas.get(PARTNERS)
    assert cache_of(app).stats()["hits"] > hits
    assert again.data == first.data
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Cache-Control"] == "no-store"  # the app's headers still apply
    twin = ok_json(humas.get(PARTNERS_JSON))
    assert ok_json(humas.get(PARTNERS_JSON)) == twin


def test_a_sessions_csrf_token_is_never_kept(app):
    first = login(app, "humas")
    body = first.get(PARTNERS).get_data(as_text=True)
    assert "csrf-humas-" in body
    # The same user in another session (another browser): its own token, not the first's.
    other = login(app, "humas")
    with other.session_transaction() as s:
        s["csrf"] = "csrf-the-second-session"
    other.environ_base["HTTP_X_CSRF_TOKEN"] = "csrf-the-second-session"
    hits = cache_of(app).stats()["hits"]
    second = other.get(PARTNERS).get_data(as_text=True)
    assert cache_of(app).stats()["hits"] > hits  # served from the cache ...
    assert "csrf-the-second-session" in second  # ... with this session's token
    assert "csrf-humas-" not in second
    for kept in cache_of(app)._entries.values():
        text = kept if isinstance(kept, str) else b"".join(kept.pieces).decode() + kept.audits
        assert "csrf-the-second-session" not in text and "csrf-humas-" not in text


def test_a_page_from_the_cache_is_audited_like_a_computed_one(app):
    """Humas sees the contact links of consenting adult alumni on a firm's page
    (web/names.py); each view is audited, including those answered from the cache."""
    humas = login(app, "humas")
    log = app.extensions["alumni_graph_audit"]

    def contacts_views():
        return sum(1 for e in log.entries() if e["action"] == "view_contacts")

    first = humas.get("/dudi/E-002")
    assert first.status_code == 200 and contacts_views() == 1
    hits = cache_of(app).stats()["hits"]
    for n in (2, 3):
        assert humas.get("/dudi/E-002").data == first.data
        assert contacts_views() == n
    assert cache_of(app).stats()["hits"] >= hits + 2  # answered from the cache, still audited


def test_a_view_from_a_page_another_user_computed_is_audited_as_the_user_asking(app):
    """Two Humas officers share the kept firm page; the second one's view,
    answered from the cache, is in the audit log under their name, written
    (committed) by the time they have the page."""
    log = app.extensions["alumni_graph_audit"]
    user(app, "humas", "sari-humas")  # every account first: the roster is part of a page's key
    first = login(app, "humas", "rina.humas").get("/dudi/E-002")
    assert first.status_code == 200
    before = {e["id"] for e in log.entries()}
    hits = cache_of(app).stats()["hits"]
    second = login(app, "humas", "sari-humas").get("/dudi/E-002")
    assert cache_of(app).stats()["hits"] == hits + 1
    assert second.status_code == 200 and b"sari-humas" in second.data
    new = [e for e in log.entries() if e["id"] not in before]
    assert [(e["user"], e["role"], e["action"], e["target"]) for e in new] == \
        [("sari-humas", "humas", "view_contacts", "employer")]


# -- roles -------------------------------------------------------------------------

#: GETs whose answer differs by role (names policy, contact policy, nav links).
ROLE_URLS = [
    f"/api/v1/query/internship_monitoring?npsn={fx.NPSN}",  # a duty view: bkk sees every name
    f"/api/v1/query/alumni_register?npsn={fx.NPSN}",
    "/dudi/E-002.json", "/dudi/E-002",
    f"/graf.json?type=employer&key=E-002", f"/graf?type=employer&key=E-002",
    f"/index.json?npsn={fx.NPSN}", f"/?npsn={fx.NPSN}",
    PARTNERS_JSON, PARTNERS,
    f"/sekolah/{fx.NPSN}.json",
]


def test_each_role_gets_exactly_what_it_gets_without_the_cache(web_store, data_dir):
    """Every role asks every URL after the others have filled the cache; each
    answer equals what an app without a cache gives that role."""
    cached = create_app({"TESTING": True, "DATA_DIR": data_dir}, store=web_store)
    plain = create_app({"TESTING": True, "DATA_DIR": data_dir, "CACHE": False}, store=web_store)
    # bkk and admin first: they see the most names; then those who see fewer.
    order = ["bkk", "admin", "humas", "viewer"]
    for url in ROLE_URLS:
        seen = {}
        for role in order:
            got = login(cached, role).get(url)
            want = login(plain, role).get(url)
            assert got.status_code == want.status_code, (url, role)
            assert got.data == want.data, (url, role)
            seen[role] = got.data
        if url.startswith("/api/v1/query/internship_monitoring"):
            assert b"Citra Lestari" in seen["bkk"] and b"Citra Lestari" not in seen["humas"]
        if url == "/dudi/E-002.json":
            assert b"Ani " in seen["bkk"] and b"Ani " not in seen["viewer"]
    assert cache_of(cached).stats()["stored"] > 0 and cache_of(cached).stats()["hits"] > 0
    assert cache_of(plain).stats()["stored"] == 0


def test_admin_and_bkk_share_query_answers_but_humas_and_viewer_do_not(app):
    url = f"/api/v1/query/internship_monitoring?npsn={fx.NPSN}"
    login(app, "bkk").get(url)
    hits = cache_of(app).stats()["hits"]
    login(app, "admin").get(url)  # the same names view: one entry
    assert cache_of(app).stats()["hits"] == hits + 1
    humas = login(app, "humas").get(url)
    assert cache_of(app).stats()["hits"] == hits + 1  # its own entry
    assert b"Citra Lestari" not in humas.data


# -- pages shared by the users of one role view --------------------------------------------

def test_users_of_one_role_share_a_page_each_seeing_it_as_their_own(web_store, data_dir):
    """Calon mitra is kept once for the Humas view, not once per officer; each
    officer still gets exactly the page an app without a cache gives them: their
    own name in the header, themselves preselected as the owner of a new
    outreach, their own session's CSRF token. (Accounts have no scope of
    their own, no school: the role is the whole view.)"""
    cached = create_app({"TESTING": True, "DATA_DIR": data_dir}, store=web_store)
    plain = create_app({"TESTING": True, "DATA_DIR": data_dir, "CACHE": False}, store=web_store)
    officers = ("rina.humas", "sari-humas")
    for name in officers:  # every account first: the roster is part of a page's key
        user(cached, "humas", name)
    assert login(cached, "humas", officers[0]).get(PARTNERS).status_code == 200
    assert login(cached, "humas", officers[0]).get(PARTNERS_JSON).status_code == 200
    stats = cache_of(cached).stats()
    for me, other in (officers, officers[::-1]):
        for url in (PARTNERS, PARTNERS_JSON):
            got = login(cached, "humas", me).get(url)
            want = login(plain, "humas", me).get(url)
            assert got.status_code == 200 and got.data == want.data, (url, me)
        body = login(cached, "humas", me).get(PARTNERS).get_data(as_text=True)
        assert f'id="current-user">Masuk sebagai {me} (humas)<' in body
        assert f'<option value="{me}" selected>' in body
        assert f'<option value="{other}" >' in body and f'<option value="{other}" selected>' not in body
        assert "\x00" not in body
    after = cache_of(cached).stats()
    assert after["stored"] == stats["stored"]  # nothing computed again: one entry per role view
    assert after["hits"] >= stats["hits"] + 6


def test_an_account_added_or_disabled_by_another_process_is_seen_by_the_next_page(app, data_dir):
    """The owner options of Calon mitra list the Humas and admin accounts;
    ``alumni-graph user add`` / ``user disable`` in another process while the
    app serves change them on the very next page, kept or not."""
    humas = login(app, "humas")
    assert humas.get(PARTNERS).status_code == 200
    assert humas.get(PARTNERS).status_code == 200  # kept
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}

    def cli(*args, stdin=None):
        r = subprocess.run([str(BIN), "--data-dir", str(data_dir), "user", *args], input=stdin,
                           capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr

    option = '<option value="dewi.humas" '
    assert option not in humas.get(PARTNERS).get_data(as_text=True)
    cli("add", "dewi.humas", "--role", "humas", "--password-stdin", stdin="kata-sandi-dewi-123\n")
    page = humas.get(PARTNERS).get_data(as_text=True)
    assert option in page
    assert humas.get(PARTNERS).get_data(as_text=True) == page  # kept again, the same
    cli("disable", "dewi.humas")
    assert option not in humas.get(PARTNERS).get_data(as_text=True)


def test_roles_with_the_same_names_policy_still_get_their_own_pages(app):
    """Admin and BKK share query answers (the same names and contact view) but
    not pages: a page also shows the links a role may open."""
    admin = login(app, "admin").get(PARTNERS).get_data(as_text=True)
    stored = cache_of(app).stats()["stored"]
    bkk_index = login(app, "bkk").get(f"/?npsn={fx.NPSN}").get_data(as_text=True)
    admin_index = login(app, "admin").get(f"/?npsn={fx.NPSN}").get_data(as_text=True)
    assert 'id="nav-users"' in admin_index and 'id="nav-users"' not in bkk_index
    assert 'id="nav-users"' in admin
    assert cache_of(app).stats()["stored"] > stored


def test_one_computation_serves_every_roles_view(web_store, data_dir, monkeypatch):
    """A query is run once for all roles whose run is the same (a duty view
    runs apart); each role's rows then pass through its own names policy and
    equal what an app without a cache gives that role."""
    import alumni_graph.queries as queries

    runs = []
    real = queries.run_query

    def counting(store, name, params, **kw):
        runs.append(name)
        return real(store, name, params, **kw)

    monkeypatch.setattr(queries, "run_query", counting)
    cached = create_app({"TESTING": True, "DATA_DIR": data_dir}, store=web_store)
    plain = create_app({"TESTING": True, "DATA_DIR": data_dir, "CACHE": False}, store=web_store)
    register = f"/api/v1/query/alumni_register?npsn={fx.NPSN}"
    for role in ("admin", "bkk", "humas"):
        got = login(cached, role).get(register)
        assert got.status_code == 200 and got.data == login(plain, role).get(register).data, role
    assert runs.count("alumni_register") == 1 + 3  # the cached app once, the plain one per role
    duty = f"/api/v1/query/internship_monitoring?npsn={fx.NPSN}"
    humas, bkk = login(cached, "humas").get(duty).data, login(cached, "bkk").get(duty).data
    assert b"Citra Lestari" in bkk and b"Citra Lestari" not in humas  # names everyone only to its duty roles
    assert humas == login(plain, "humas").get(duty).data


def test_a_calon_mitra_category_is_cut_from_the_whole_list(web_store, data_dir, monkeypatch):
    """Calon mitra's category filter reuses the school's whole list (one run)
    and shows exactly what a run with the category shows, page and JSON."""
    import alumni_graph.queries as queries
    from alumni_graph.queries.prospective_partners import CATEGORIES
    from alumni_graph.web import pages

    plain = create_app({"TESTING": True, "DATA_DIR": data_dir, "CACHE": False}, store=web_store)
    for role in ("humas", "admin"):
        client = login(plain, role)
        for category in CATEGORIES:
            for url in (f"{PARTNERS_JSON}&category={category}", f"{PARTNERS}&category={category}&limit=1&hal=2"):
                cut = client.get(url)
                with monkeypatch.context() as m:
                    m.setattr(pages, "_one_category", lambda params: None)  # the query with the category
                    run = client.get(url)
                assert cut.status_code == 200 and cut.data == run.data, (role, url)
    assert any(r["category"] == "former_partner" for r in ok_json(login(plain, "admin").get(PARTNERS_JSON))["rows"])
    runs = []
    real = queries.run_query
    monkeypatch.setattr(queries, "run_query", lambda *a, **k: runs.append(a[1]) or real(*a, **k))
    cached = login(create_app({"TESTING": True, "DATA_DIR": data_dir}, store=web_store), "humas")
    for category in CATEGORIES:
        assert cached.get(f"{PARTNERS}&category={category}").status_code == 200
    assert runs.count("prospective_partners") == 1


# -- writes: each kind is seen by the very next request ----------------------------------

def test_a_load_is_seen_by_the_next_request(app, web_store):
    from alumni_graph.loaders import load_rows

    humas = login(app, "humas")
    assert "E-005" not in codes(ok_json(humas.get(PARTNERS_JSON)))
    ok_json(humas.get(PARTNERS_JSON))  # now kept
    report = load_rows(web_store, "pekerjaan", [
        {"nisn": EKO, "kode_dudi": "E-005", "jabatan": "Teknisi", "mulai": "2024-08-01"}],
        source="uji-cache")
    assert report.ok
    assert "E-005" in codes(ok_json(humas.get(PARTNERS_JSON)))
    assert "PT Tanpa Alumni" in humas.get(PARTNERS).get_data(as_text=True)


def test_an_edit_and_a_deletion_are_seen_by_the_next_request(app):
    admin = login(app, "admin")
    assert b"Ani " in admin.get("/dudi/E-002.json").data
    register = f"/api/v1/query/alumni_register?npsn={fx.NPSN}"
    assert any((r["name"] or "").startswith("Ani ") for r in ok_json(admin.get(register))["rows"])
    admin.get("/dudi/E-002.json")
    ok_json(admin.post(f"/api/v1/subject/{ANI}/correct", json={"field": "name", "value": "Anita Baru"}))
    body = admin.get("/dudi/E-002.json").data
    assert b"Anita Baru" in body and b"Ani <img" not in body
    assert any(r["name"] == "Anita Baru" for r in ok_json(admin.get(register))["rows"])
    ok_json(admin.post(f"/api/v1/subject/{ANI}/delete"))
    assert b"Anita Baru" not in admin.get("/dudi/E-002.json").data
    assert all(r["name"] != "Anita Baru" for r in ok_json(admin.get(register))["rows"])


def test_a_work_record_is_seen_by_the_next_request(app):
    humas = login(app, "humas")
    pipeline = f"/api/v1/query/outreach_pipeline?npsn={fx.NPSN}"

    def status():
        return {r["code"]: r["status"] for r in ok_json(humas.get(pipeline))["rows"]}.get("E-001")

    before = status()
    assert before != "kunjungan_dijadwalkan"
    assert "status-kunjungan_dijadwalkan" not in humas.get(PARTNERS).get_data(as_text=True)
    saved = humas.post(f"/api/v1/outreach/E-001?npsn={fx.NPSN}", json={
        "status": "kunjungan_dijadwalkan", "next_action_date": "2030-01-02"})
    assert saved.status_code in (200, 201) and saved.get_json()["ok"]  # 201: a contact recorded
    assert status() == "kunjungan_dijadwalkan"
    assert "status-kunjungan_dijadwalkan" in humas.get(PARTNERS).get_data(as_text=True)


def test_a_clear_and_a_restore_are_seen_by_the_next_request(app, web_store):
    viewer = login(app, "viewer")
    assert "CV Jaringan Nusantara" in viewer.get("/dudi/E-002").get_data(as_text=True)
    dump, _ = web_store.snapshot()
    web_store.clear()
    assert viewer.get("/dudi/E-002").status_code == 404
    web_store.restore_dump(dump)
    assert "CV Jaringan Nusantara" in viewer.get("/dudi/E-002").get_data(as_text=True)


def test_another_processes_load_is_seen_by_the_next_request(app, web_store, data_dir, tmp_path,
                                                            request):
    """``alumni-graph load`` in another process while the app serves."""
    humas = login(app, "humas")
    assert "E-005" not in codes(ok_json(humas.get(PARTNERS_JSON)))
    ok_json(humas.get(PARTNERS_JSON))
    jobs = tmp_path / "pekerjaan.csv"
    jobs.write_text(f"nisn,kode_dudi,jabatan,mulai\n{EKO},E-005,Teknisi,2024-08-01\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    if web_store.backend == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        env.update(ALUMNI_GRAPH_BACKEND="neo4j", NEO4J_URI=server["uri"], NEO4J_USER=server["user"],
                   NEO4J_PASSWORD=server["password"], ALUMNI_GRAPH_DATA_DIR=str(tmp_path / "cli"))
    else:
        env.update(ALUMNI_GRAPH_DATA_DIR=str(data_dir))
    done = subprocess.run([str(BIN), "load", str(jobs)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "E-005" in codes(ok_json(humas.get(PARTNERS_JSON)))


def test_every_write_method_changes_the_version(web_store):
    """The key every entry rests on: each kind of committed write moves it."""
    s = web_store
    seen = [s.version()]

    def moved(what):
        now = s.version()
        assert now not in seen, what
        seen.append(now)

    assert s.version() == seen[0]  # reads don't
    s.upsert_nodes("Employer", [{"code": "E-900", "name": "PT Baru", "sector": "C"}], source="uji")
    moved("upsert_nodes")
    s.upsert_relationships("WORKS_AT", [{"start": (EKO,), "end": ("E-900",),
                                         "props": {"start": "2024-01-01"}}],
                           start_label="Person", end_label="Employer", source="uji")
    moved("upsert_relationships")
    s.delete_relationships("WORKS_AT", [{"start": (EKO,), "end": ("E-900",),
                                         "props": {"start": "2024-01-01"}}],
                           start_label="Person", end_label="Employer")
    moved("delete_relationships")
    s.merge_nodes("Employer", ("E-005",), ("E-900",), source="uji")
    moved("merge_nodes")
    s.delete_node("Person", (CITRA,))
    moved("delete_node")
    dump, _ = s.snapshot()
    s.clear()
    moved("clear")
    s.restore_dump(dump)
    moved("restore_dump")


# -- bounds and the switch -----------------------------------------------------------------

def test_the_cache_keeps_within_its_entries_and_size():
    cache = ResultCache(max_entries=3, max_bytes=1000)
    for i in range(10):
        cache.put("v1", ("k", i), "x" * 100)
    assert cache.stats()["entries"] == 3
    assert cache.get("v1", ("k", 0)) is None and cache.get("v1", ("k", 9)) == "x" * 100
    cache.put("v1", ("big",), "y" * 240)  # up to a quarter of the size is kept ...
    cache.put("v1", ("bigger",), "y" * 251)  # ... more is not
    assert cache.get("v1", ("big",)) and cache.get("v1", ("bigger",)) is None
    small = ResultCache(max_entries=100, max_bytes=1000)
    for i in range(30):
        small.put("v1", ("k", i), "z" * 200)
    assert small.stats()["bytes"] <= 1000 and small.stats()["entries"] == 5
    # A newer version drops the older entries at once.
    small.put("v2", ("k", 1), "new")
    assert small.stats()["entries"] == 1 and small.get("v1", ("k", 29)) is None


def test_the_cache_is_thread_safe():
    cache = ResultCache(max_entries=50, max_bytes=10_000)
    errors = []

    def work(n):
        try:
            for i in range(2000):
                version = f"v{i // 500}"
                cache.put(version, ("k", n, i % 80), "x" * (i % 90))
                cache.get(version, ("k", (n + 1) % 4, i % 80))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    stats = cache.stats()
    assert stats["entries"] <= 50 and stats["bytes"] <= 10_000
    assert stats["bytes"] == sum(len(v) for v in cache._entries.values())


def test_the_app_keeps_within_its_configured_entries(web_store, data_dir):
    a = create_app({"TESTING": True, "DATA_DIR": data_dir, "CACHE_MAX_ENTRIES": 2}, store=web_store)
    admin = login(a, "admin")
    for code in fx.EMPLOYERS:
        assert admin.get(f"/dudi/{code}.json").status_code == 200
    assert cache_of(a).stats()["entries"] == 2


def test_the_setting_turns_the_cache_off(web_store, data_dir):
    from alumni_graph.graph_service import Config

    config = Config.from_env({"ALUMNI_GRAPH_CACHE": "0", "ALUMNI_GRAPH_CACHE_MAX_MB": "8"})
    a = create_app({"TESTING": True, "DATA_DIR": data_dir}, config=config, store=web_store)
    assert a.config["CACHE"] is False and a.config["CACHE_MAX_MB"] == 8
    humas = login(a, "humas")
    first = humas.get(PARTNERS)
    assert humas.get(PARTNERS).data == first.data
    assert cache_of(a).stats() == {"entries": 0, "bytes": 0, "hits": 0, "misses": 0,
                                   "stored": 0, "evicted": 0}
    with pytest.raises(Exception, match="ALUMNI_GRAPH_CACHE must be 1 or 0"):
        create_app({"TESTING": True, "DATA_DIR": data_dir},
                   config=Config.from_env({"ALUMNI_GRAPH_CACHE": "kadang"}), store=web_store)
