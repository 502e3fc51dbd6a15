"""Login, sessions, tokens, CSRF, the login rate limit, secrets and the
``alumni-graph user`` commands. Access is store-independent: the embedded
store only."""
from __future__ import annotations

import os
import sqlite3
import stat
import time

import pytest
from click.testing import CliRunner

import web_fixture as fx
from alumni_graph.security.accounts import Accounts
from alumni_graph.cli import cli
from alumni_graph.web import create_app
from web_support import PASSWORD, csrf_from, form_login, login, token, user

API = f"/api/v1/overview?npsn={fx.NPSN}"


@pytest.fixture
def app(embedded_store, data_dir):
    fx.build(embedded_store)
    return create_app({"TESTING": True, "DATA_DIR": data_dir}, store=embedded_store)


def test_first_run_has_no_user_and_no_default_password(app, data_dir):
    accounts = app.extensions["alumni_graph_accounts"]
    assert accounts.count_users() == 0
    for name in ("admin", "root", "bkk"):
        for password in ("admin", "password", "admin123", "alumni-graph", ""):
            assert accounts.authenticate(name, password) is None
    r = app.test_client().get("/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/masuk")


def test_secrets_are_generated_once_with_mode_0600(app, data_dir, embedded_store):
    for name in ("secret_key", "audit.key", "users.sqlite3", "audit.sqlite3"):
        mode = stat.S_IMODE(os.stat(data_dir / name).st_mode)
        assert mode == 0o600, (name, oct(mode))
    key = app.config["SECRET_KEY"]
    assert len(key) >= 64 and key == (data_dir / "secret_key").read_text().strip()
    again = create_app({"DATA_DIR": data_dir}, store=embedded_store)
    assert again.config["SECRET_KEY"] == key  # sessions survive a restart


def test_login_logout_and_cookie_flags(app):
    user(app, "bkk")
    c = app.test_client()
    page = c.get("/masuk")
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    r = form_login(c, "uji-bkk", next_url="/jalur-referensi")
    assert r.status_code == 302 and r.headers["Location"] == "/jalur-referensi"
    cookie = r.headers["Set-Cookie"]
    assert "ag_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on the LAN: a Secure cookie would never come back
    assert c.get("/jalur-referensi").status_code == 200
    stolen = c.get_cookie("ag_session").value
    html = c.get("/").get_data(as_text=True)
    out = c.post("/keluar", data={"csrf_token": csrf_from(html)})
    assert out.status_code == 302 and out.headers["Location"] == "/masuk"
    assert c.get("/").status_code == 302
    # the old cookie replayed after logout is worthless: the session ended on the server
    replay = app.test_client()
    replay.set_cookie("ag_session", stolen)
    assert replay.get("/").status_code == 302
    assert replay.get(API).status_code == 401


def test_secure_cookie_over_https(app):
    user(app, "viewer")
    c = app.test_client()
    page = c.get("/masuk", base_url="https://localhost")
    r = c.post("/masuk", base_url="https://localhost",
               data={"username": "uji-viewer", "password": PASSWORD,
                     "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert r.status_code == 302 and "Secure" in r.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in c.get("/", base_url="https://localhost").headers


def test_login_needs_its_csrf_token(app):
    user(app, "admin")
    c = app.test_client()
    c.get("/masuk")
    r = c.post("/masuk", data={"username": "uji-admin", "password": PASSWORD})
    assert r.status_code == 400
    assert c.get("/").status_code == 302


def test_no_open_redirect_after_login(app):
    user(app, "admin")
    c = app.test_client()
    r = form_login(c, "uji-admin", next_url="//evil.example/")
    assert r.headers["Location"] == "/"


def test_login_rate_limit(app):
    user(app, "humas")
    c = app.test_client()
    for _ in range(5):
        assert form_login(c, "uji-humas", "salah-kata-sandi").status_code == 401
    sixth = form_login(c, "uji-humas", "salah-kata-sandi")
    assert sixth.status_code == 429 and sixth.headers["Retry-After"] == "60"
    assert form_login(c, "uji-humas").status_code == 429  # even the right password, for now
    user(app, "bkk")
    assert form_login(app.test_client(), "uji-bkk").status_code == 302  # another name is not blocked


def test_rate_limit_window_passes(embedded_store, data_dir):
    app = create_app({"DATA_DIR": data_dir, "LOGIN_WINDOW_SECONDS": 0.5}, store=embedded_store)
    user(app, "admin")
    c = app.test_client()
    for _ in range(5):
        form_login(c, "uji-admin", "salah-kata-sandi")
    assert form_login(c, "uji-admin").status_code == 429
    time.sleep(0.6)
    assert form_login(c, "uji-admin").status_code == 302


@pytest.mark.parametrize("setting", ["SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"])
def test_session_timeouts(embedded_store, data_dir, setting):
    app = create_app({"DATA_DIR": data_dir, setting: 0.3 / (60 if "MINUTES" in setting else 3600)},
                     store=embedded_store)
    c = login(app, "viewer")
    assert c.get(API).status_code == 200
    time.sleep(0.4)
    assert c.get(API).status_code == 401


def test_absolute_timeout_holds_even_when_active(embedded_store, data_dir):
    app = create_app({"DATA_DIR": data_dir, "SESSION_MAX_HOURS": 0.6 / 3600}, store=embedded_store)
    c = login(app, "viewer")
    for _ in range(3):
        assert c.get(API).status_code == 200
        time.sleep(0.1)
    time.sleep(0.4)
    assert c.get(API).status_code == 401


def test_csrf_on_every_state_change(app):
    c = login(app, "admin")
    del c.environ_base["HTTP_X_CSRF_TOKEN"]
    assert c.post("/impor", data={}).status_code == 400
    assert c.post("/api/v1/query/prospective_partners", json={"npsn": fx.NPSN}).status_code == 400
    assert c.post("/api/v1/subject/0051000001/delete").status_code == 400
    assert c.post("/api/v1/subject/0051000001/delete",
                  headers={"X-CSRF-Token": "forged"}).status_code == 400
    assert app.extensions["alumni_graph_store"].get().get_node("Person", ("0051000001",))
    with c.session_transaction() as s:
        good = s["csrf"]
    r = c.post("/api/v1/query/prospective_partners", json={"npsn": fx.NPSN}, headers={"X-CSRF-Token": good})
    assert r.status_code == 200


def test_api_tokens(app, data_dir):
    t = token(app, "humas")
    auth = {"Authorization": f"Bearer {t}"}
    c = app.test_client()
    assert c.get(API, headers=auth).status_code == 200
    # no CSRF for a bearer call (no cookie involved), roles still apply
    assert c.post("/api/v1/query/prospective_partners", json={"npsn": fx.NPSN}, headers=auth).status_code == 200
    assert c.get("/impor", headers=auth).status_code == 403
    # hashed at rest
    raw = (data_dir / "users.sqlite3").read_bytes()
    assert t.encode() not in raw and t[4:20].encode() not in raw
    # a bad token is not rescued by a session cookie
    admin = login(app, "admin")
    assert admin.get(API, headers={"Authorization": "Bearer agt_nope"}).status_code == 401
    # revoked
    accounts = app.extensions["alumni_graph_accounts"]
    [row] = [r for r in accounts.list_tokens("uji-humas")]
    assert accounts.revoke_token(row["id"])
    assert c.get(API, headers=auth).status_code == 401


def test_disabling_a_user_ends_sessions_and_tokens(app):
    c = login(app, "bkk")
    t = token(app, "bkk")
    app.extensions["alumni_graph_accounts"].set_disabled("uji-bkk")
    assert c.get(API).status_code == 401
    assert app.test_client().get(API, headers={"Authorization": f"Bearer {t}"}).status_code == 401
    assert form_login(app.test_client(), "uji-bkk").status_code == 401


def test_passwords_are_argon2id_hashes(app, data_dir):
    user(app, "admin")
    db = sqlite3.connect(data_dir / "users.sqlite3")
    [(hashed,)] = db.execute("SELECT password_hash FROM users").fetchall()
    db.close()
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    with pytest.raises(Exception, match="10 characters"):
        app.extensions["alumni_graph_accounts"].add_user("pendek", "viewer", "short")


def test_security_headers_on_every_kind_of_answer(app):
    c = login(app, "viewer")
    for r in (app.test_client().get("/masuk"), app.test_client().get("/"), app.test_client().get(API),
              c.get("/"), c.get("/impor"), c.get("/nope"), c.get("/static/app.css"), c.get("/healthz")):
        h = r.headers
        assert "script-src 'self'" in h["Content-Security-Policy"], r.request.path
        assert h["X-Content-Type-Options"] == "nosniff" and h["Referrer-Policy"] == "no-referrer"
        if not r.request.path.startswith("/static"):
            assert h["Cache-Control"] == "no-store", r.request.path


def test_health_is_public_and_says_nothing(app, embedded_store):
    """Public, and nothing but the store's state: no names, counts or hosts."""
    r = app.test_client().get("/healthz")
    body = r.get_json()
    assert r.status_code == 200 and body["ok"] is True and body["status"] == "up"
    assert set(body["store"]) == {"backend", "readable", "data_changed_at", "data_age_seconds"}
    assert body["store"]["backend"] == "embedded" and body["store"]["readable"] is True
    assert 0 <= body["store"]["data_age_seconds"] < 3600  # the fixture graph was just written


def test_language_on_the_login_page(app):
    c = app.test_client()
    assert "Log in" in c.get("/masuk?lang=en").get_data(as_text=True)
    assert "Log in" in c.get("/masuk").get_data(as_text=True)  # remembered in the cookie


# -- the CLI ------------------------------------------------------------------------

def _run(data_dir, *args, input=None):
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], input=input,
                                catch_exceptions=False)
    return result


def test_cli_users_and_tokens(embedded_store, data_dir):
    r = _run(data_dir, "user", "add", "Kepala", "--role", "admin", "--password-stdin",
             input="rahasia-kepala-sekolah\n")
    assert r.exit_code == 0 and "kepala (admin) created" in r.output
    r = _run(data_dir, "user", "add", "guru.bkk", "--role", "bkk",
             input="rahasia-guru-bkk-1\nrahasia-guru-bkk-1\n")
    assert r.exit_code == 0, r.output
    listed = _run(data_dir, "user", "list").output
    assert "kepala" in listed and "guru.bkk" in listed and "rahasia" not in listed
    tok = _run(data_dir, "user", "token", "guru.bkk", "--label", "laptop BKK").output.strip().splitlines()[-1]
    assert tok.startswith("agt_")
    fx.build(embedded_store)
    app = create_app({"DATA_DIR": data_dir}, store=embedded_store)
    auth = {"Authorization": f"Bearer {tok}"}
    assert app.test_client().get(API, headers=auth).status_code == 200
    assert "laptop BKK" in _run(data_dir, "user", "tokens").output
    [row] = Accounts(data_dir).list_tokens("guru.bkk")
    assert _run(data_dir, "user", "revoke-token", str(row["id"])).exit_code == 0
    assert app.test_client().get(API, headers=auth).status_code == 401
    assert form_login(app.test_client(), "guru.bkk", "rahasia-guru-bkk-1").status_code == 302
    assert _run(data_dir, "user", "disable", "guru.bkk").exit_code == 0
    assert form_login(app.test_client(), "guru.bkk", "rahasia-guru-bkk-1").status_code == 401
    log = app.extensions["alumni_graph_audit"].entries()
    assert {"user_add", "token_create", "token_revoke", "user_disable"} <= {e["action"] for e in log}


def test_demo_prints_a_one_time_admin_password_once(data_dir, capsys):
    from alumni_graph.cli import _demo_admin
    from alumni_graph.graph_service.config import Config

    config = Config(data_dir=data_dir)
    # _demo_admin returns the one-time password for `demo` to print last (80e09fc: quiet demo)
    password = _demo_admin(config)
    assert password and len(password) >= 12
    assert Accounts(data_dir).authenticate("admin", password)["role"] == "admin"
    assert _demo_admin(config) is None  # only on the first run
    assert "password" not in capsys.readouterr().out  # never printed by the helper itself
