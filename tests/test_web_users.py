"""User accounts on the web: the admin's users page (``/pengguna``: list, add
with a one-time password, disable, enable, reset) and everyone's own
password (``/sandi``). Accounts are store-independent: the embedded store only."""
from __future__ import annotations

import re

import pytest

import web_fixture as fx
from alumni_graph.web import create_app
from web_support import PASSWORD, accounts, form_login, login, ok_json, user

FIELDS = {"name", "role", "disabled", "tokens", "created_at"}


@pytest.fixture
def app(embedded_store, data_dir):
    fx.build(embedded_store)
    return create_app({"TESTING": True, "DATA_DIR": data_dir}, store=embedded_store)


@pytest.fixture
def admin(app):
    return login(app, "admin")


def one_time(resp) -> str:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.headers["Cache-Control"] == "no-store"
    m = re.search(r'id="one-time-password">([^<]+)<', resp.get_data(as_text=True))
    assert m, "no one-time password on the page"
    return m.group(1)


def audit_rows(app) -> list[dict]:
    return app.extensions["alumni_graph_audit"].entries()


def test_admin_lists_users_and_the_json_twin(app, admin):
    user(app, "bkk")
    accounts(app).create_token("uji-bkk", "laptop")
    body = ok_json(admin.get("/pengguna.json"))
    by_name = {u["name"]: u for u in body["users"]}
    assert set(by_name) == {"uji-admin", "uji-bkk"}
    assert all(set(u) == FIELDS for u in body["users"])
    assert by_name["uji-bkk"] == {**by_name["uji-bkk"], "role": "bkk", "disabled": False, "tokens": 1}
    assert "argon2" not in admin.get("/pengguna.json").get_data(as_text=True)
    page = admin.get("/pengguna")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'id="users-table"' in html and 'id="user-uji-bkk"' in html and "argon2" not in html
    assert 'id="nav-users"' in html and 'href="/pengguna.json"' in html
    assert 'name="csrf_token"' in html and "<script" not in html and " style=" not in html
    # the admin's own row offers no disable button, only the own-password page
    own = re.search(r'<tr id="user-uji-admin">.*?</tr>', html, re.S).group(0)
    assert "/nonaktif" not in own and 'href="/sandi"' in own


def test_nav_links_follow_the_role(app):
    for role in ("bkk", "humas", "viewer"):
        html = login(app, role).get("/graf").get_data(as_text=True)
        assert 'id="nav-users"' not in html and 'id="nav-password"' in html, role


def test_add_user_shows_a_working_one_time_password_once(app, admin):
    resp = admin.post("/pengguna", data={"name": " Guru.BKK ", "role": "bkk"})
    password = one_time(resp)
    html = resp.get_data(as_text=True)
    assert len(password) >= 16 and "guru.bkk" in html
    assert "harus segera menggantinya" in html  # the change-after-first-login note
    assert accounts(app).authenticate("guru.bkk", password)["role"] == "bkk"
    assert password not in admin.get("/pengguna").get_data(as_text=True)
    assert password not in admin.get("/pengguna.json").get_data(as_text=True)
    assert form_login(app.test_client(), "guru.bkk", password).status_code == 302
    # a second user gets a different password
    assert one_time(admin.post("/pengguna", data={"name": "guru.humas", "role": "humas"})) != password


def test_add_user_in_english(app, admin):
    admin.set_cookie("lang", "en")
    html = admin.post("/pengguna", data={"name": "staf", "role": "viewer"}).get_data(as_text=True)
    assert "One-time password for staf" in html and "must change it" in html


@pytest.mark.parametrize("form, message", [
    ({"name": "", "role": "bkk"}, "Nama pengguna wajib diisi."),
    ({"name": "   ", "role": "bkk"}, "Nama pengguna wajib diisi."),
    ({"role": "bkk"}, "Nama pengguna wajib diisi."),
    ({"name": "budi santoso!", "role": "bkk"}, "Nama pengguna tidak valid"),
    ({"name": "x", "role": "bkk"}, "Nama pengguna tidak valid"),
    ({"name": "guru", "role": "root"}, "Peran tidak dikenal"),
    ({"name": "guru"}, "Peran tidak dikenal"),
    ({"name": "UJI-Admin", "role": "bkk"}, "Pengguna uji-admin sudah ada."),
])
def test_bad_new_user_is_a_400_with_a_clear_message(app, admin, form, message):
    before = {u["name"] for u in accounts(app).list_users()}
    resp = admin.post("/pengguna", data=form)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert message in html and 'id="user-add-form"' in html and 'id="one-time-password"' not in html
    assert {u["name"] for u in accounts(app).list_users()} == before
    assert "user_add" not in {e["action"] for e in audit_rows(app)}


def test_bad_new_user_as_json(app, admin):
    r = admin.post("/pengguna", data={"name": "guru", "role": "root"}, headers={"Accept": "application/json"})
    body = ok_json(r, 400)
    assert body["errors"][0]["param"] == "role"
    body = ok_json(admin.post("/pengguna", json={"name": "guru", "role": "bkk"},
                              headers={"Accept": "application/json"}))
    assert body["user"] == "guru" and accounts(app).authenticate("guru", body["password"])


def test_hostile_name_is_refused_and_escaped(app, admin):
    r = admin.post("/pengguna", data={"name": "<img src=x onerror=alert(1)>", "role": "bkk"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_disable_and_enable(app, admin):
    user(app, "bkk")
    bkk = login(app, "bkk")
    accounts(app).create_token("uji-bkk", "laptop")
    assert bkk.get("/graf").status_code == 200
    r = admin.post("/pengguna/uji-bkk/nonaktif")
    assert r.status_code == 302 and r.headers["Location"] == "/pengguna"
    assert accounts(app).authenticate("uji-bkk", PASSWORD) is None
    assert bkk.get("/graf").status_code == 302  # the session ended at once
    listed = {u["name"]: u for u in ok_json(admin.get("/pengguna.json"))["users"]}
    assert listed["uji-bkk"]["disabled"] is True and listed["uji-bkk"]["tokens"] == 0
    html = admin.get("/pengguna").get_data(as_text=True)
    assert "Pengguna uji-bkk dinonaktifkan" in html and "/pengguna/uji-bkk/aktif" in html
    assert "Pengguna uji-bkk dinonaktifkan" not in admin.get("/pengguna").get_data(as_text=True)  # once
    r = admin.post("/pengguna/uji-bkk/aktif")
    assert r.status_code == 302 and r.headers["Location"] == "/pengguna"
    assert accounts(app).authenticate("uji-bkk", PASSWORD)["name"] == "uji-bkk"
    assert admin.post("/pengguna/nobody/nonaktif").status_code == 404
    assert admin.post("/pengguna/nobody/aktif").status_code == 404


def test_admin_cannot_disable_or_reset_themself(app, admin):
    r = admin.post("/pengguna/uji-admin/nonaktif")
    assert r.status_code == 400
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in r.get_data(as_text=True)
    r = admin.post("/pengguna/UJI-ADMIN/nonaktif")
    assert r.status_code == 400
    assert accounts(app).authenticate("uji-admin", PASSWORD) is not None
    assert admin.get("/pengguna").status_code == 200  # still logged in
    r = admin.post("/pengguna/uji-admin/sandi")
    assert r.status_code == 400 and 'id="one-time-password"' not in r.get_data(as_text=True)
    assert accounts(app).authenticate("uji-admin", PASSWORD) is not None
    # another admin may disable this one
    other = login(app, "admin", "kepala")
    assert other.post("/pengguna/uji-admin/nonaktif").status_code == 302
    assert accounts(app).authenticate("uji-admin", PASSWORD) is None


def test_reset_password(app, admin):
    user(app, "humas")
    humas = login(app, "humas")
    password = one_time(admin.post("/pengguna/uji-humas/sandi"))
    assert accounts(app).authenticate("uji-humas", password)["role"] == "humas"
    assert accounts(app).authenticate("uji-humas", PASSWORD) is None
    assert humas.get("/graf").status_code == 302  # their sessions ended
    assert password not in admin.get("/pengguna").get_data(as_text=True)
    assert admin.post("/pengguna/nobody/sandi").status_code == 404


@pytest.mark.parametrize("role", ["bkk", "humas", "viewer"])
def test_only_admins_manage_users(app, role):
    user(app, "viewer", "target")
    c = login(app, role)
    for method, url in [("GET", "/pengguna"), ("GET", "/pengguna.json"), ("POST", "/pengguna"),
                        ("POST", "/pengguna/target/nonaktif"), ("POST", "/pengguna/target/aktif"),
                        ("POST", "/pengguna/target/sandi"), ("POST", f"/pengguna/uji-{role}/sandi")]:
        r = c.open(url, method=method, data={"name": "penyusup", "role": "admin"})
        assert r.status_code == 403, (role, method, url, r.status_code)
    assert accounts(app).get_user("penyusup") is None
    assert accounts(app).authenticate("target", PASSWORD) is not None
    anonymous = app.test_client()
    assert anonymous.get("/pengguna").status_code == 302
    assert anonymous.get("/pengguna.json").status_code == 401
    assert anonymous.post("/pengguna", data={"name": "penyusup", "role": "admin"}).status_code == 401
    assert accounts(app).get_user("penyusup") is None


def test_posts_need_the_csrf_token(app, admin):
    user(app, "bkk")
    del admin.environ_base["HTTP_X_CSRF_TOKEN"]
    assert admin.post("/pengguna", data={"name": "guru", "role": "admin"}).status_code == 400
    assert admin.post("/pengguna/uji-bkk/nonaktif").status_code == 400
    assert admin.post("/pengguna/uji-bkk/sandi").status_code == 400
    assert accounts(app).get_user("guru") is None
    assert accounts(app).authenticate("uji-bkk", PASSWORD) is not None


def test_change_own_password(app):
    bkk = login(app, "bkk")
    page = bkk.get("/sandi")
    assert page.status_code == 200 and 'id="password-form"' in page.get_data(as_text=True)
    new = "sandi-baru-yang-panjang-1"

    def change(current, new_password, again=None):
        return bkk.post("/sandi", data={"current_password": current, "new_password": new_password,
                                        "new_password2": new_password if again is None else again})

    for args, message in [(("salah-sekali-123", new), "Kata sandi saat ini salah."),
                          ((PASSWORD, new, new + "x"), "Kedua isian kata sandi baru tidak sama."),
                          ((PASSWORD, "pendek", "pendek"), "Kata sandi baru minimal 10 karakter."),
                          ((PASSWORD, PASSWORD), "Kata sandi baru harus berbeda")]:
        r = change(*args)
        assert r.status_code == 400 and message in r.get_data(as_text=True), args
        assert accounts(app).authenticate("uji-bkk", PASSWORD) is not None
    r = change(PASSWORD, new)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="password-changed"' in html and 'href="/masuk"' in html
    assert new not in html and 'id="current-user"' not in html
    assert accounts(app).authenticate("uji-bkk", new)["name"] == "uji-bkk"
    assert accounts(app).authenticate("uji-bkk", PASSWORD) is None
    # this session ended too: log in again with the new password
    assert bkk.get("/graf").status_code == 302
    assert form_login(app.test_client(), "uji-bkk", PASSWORD).status_code == 401
    assert form_login(app.test_client(), "uji-bkk", new).status_code == 302


def test_every_role_may_change_their_password(app):
    for role in ("admin", "humas", "viewer"):
        c = login(app, role)
        assert c.get("/sandi").status_code == 200
        r = c.post("/sandi", data={"current_password": PASSWORD, "new_password": f"baru-{role}-12345",
                                   "new_password2": f"baru-{role}-12345"})
        assert r.status_code == 200, role
        assert accounts(app).authenticate(f"uji-{role}", f"baru-{role}-12345") is not None
    assert app.test_client().get("/sandi").status_code == 302
    assert app.test_client().post("/sandi").status_code == 401


def test_guessing_the_current_password_is_rate_limited(app):
    c = login(app, "viewer")
    for _ in range(5):
        r = c.post("/sandi", data={"current_password": "tebakan-123456", "new_password": "x" * 12,
                                   "new_password2": "x" * 12})
        assert r.status_code == 400
    r = c.post("/sandi", data={"current_password": PASSWORD, "new_password": "x" * 12,
                               "new_password2": "x" * 12})
    assert r.status_code == 429 and accounts(app).authenticate("uji-viewer", PASSWORD) is not None


def test_actions_are_audited_without_passwords(app, admin):
    user(app, "bkk")
    first = one_time(admin.post("/pengguna", data={"name": "guru", "role": "humas"}))
    admin.post("/pengguna/guru/nonaktif")
    admin.post("/pengguna/guru/aktif")
    second = one_time(admin.post("/pengguna/guru/sandi"))
    bkk = login(app, "bkk")
    bkk.post("/sandi", data={"current_password": "salah-sekali-123", "new_password": "x" * 12,
                             "new_password2": "x" * 12})
    new = "sandi-baru-bkk-12345"
    bkk.post("/sandi", data={"current_password": PASSWORD, "new_password": new, "new_password2": new})
    rows = audit_rows(app)
    actions = [(e["user"], e["role"], e["action"], e["target"]) for e in reversed(rows)]
    assert actions == [
        ("uji-admin", "admin", "user_add", "guru"),
        ("uji-admin", "admin", "user_disable", "guru"),
        ("uji-admin", "admin", "user_enable", "guru"),
        ("uji-admin", "admin", "user_password", "guru"),
        ("uji-bkk", "bkk", "password_change_failed", "uji-bkk"),
        ("uji-bkk", "bkk", "password_change", "uji-bkk"),
    ]
    assert rows[-1]["detail"] == '{"role": "humas"}'
    dump = repr(rows)
    for secret in (first, second, new, PASSWORD, "salah-sekali-123"):
        assert secret not in dump
