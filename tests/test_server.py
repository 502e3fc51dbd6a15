"""``alumni-graph serve --workers 2`` (alumni_graph/server.py: gunicorn):
several worker processes over one embedded store stay correct. A write answered by one
worker is seen by the very next request whichever worker takes it (each
request syncs on the store's version; web/cache.py keys answers by it), and
the login limit counts failures across workers.

The test client opens a new connection for each request, which any free
worker may accept: the repeated reads below land on both.
"""
from __future__ import annotations

import json

import web_fixture as fx
from alumni_graph.graph_service.embedded import EmbeddedStore
from alumni_graph.security.accounts import Accounts
from live_server import PASSWORD, LiveServer, cli_env

ANI = "0051000001"


def _server_env(data_dir, **extra):
    fx.build(EmbeddedStore(data_dir))
    Accounts(data_dir).add_user("kepala", "admin", PASSWORD)
    return cli_env(data_dir, ALUMNI_GRAPH_WORKERS=2, ALUMNI_GRAPH_THREADS=2, **extra)


def test_every_worker_sees_a_write_by_another_at_once(data_dir):
    with LiveServer(_server_env(data_dir)) as srv:
        assert len(srv.pids()) == 3  # the master and two workers
        srv.login("kepala")
        for _ in range(8):  # both workers answer (and keep) the page before the write
            assert "Ani " in srv.get("/dudi/E-002.json").text
        headers = {"Content-Type": "application/json", "X-CSRF-Token": srv.csrf,
                   "Accept": "application/json"}
        r = srv.request("POST", f"/api/v1/subject/{ANI}/correct",
                        json.dumps({"field": "name", "value": "Anita Baru"}).encode(), headers)
        assert r.status == 200, r.text
        for _ in range(12):
            body = srv.get("/dudi/E-002.json").text
            assert "Anita Baru" in body and "Ani <img" not in body


def test_the_login_limit_counts_failures_on_every_worker(data_dir):
    with LiveServer(_server_env(data_dir, ALUMNI_GRAPH_LOGIN_MAX_FAILURES=3)) as srv:
        for _ in range(3):
            assert srv.login("kepala", password="salah-sandi-1234").status == 401
        # The fourth try is refused whichever worker takes it, even with the right password.
        for _ in range(4):
            assert srv.login("kepala").status == 429
