"""Shared fixtures: a real Neo4j for the whole run, and a ``store`` fixture
that runs every store-level test on both stores.

Neo4j comes from ``NEO4J_URI`` when set (e.g. the docker compose service),
otherwise from the throwaway server that ``tools/neo4j/launcher.py`` starts
from Maven Central jars. A Neo4j that cannot be started is an error, never a
skip: the suite's promise is that both stores were tested.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from alumni_graph.graph_service.embedded import EmbeddedStore
from alumni_graph.security.private import private_umask

# Every product process writes with umask 077 (security.private); the test
# process builds data directories in-process with the library, so it does the
# same: otherwise each installed command run on such a directory warns (rightly)
# that personal data there is readable by others.
private_umask()

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true",
                     help="also run long fuzzing and fault-injection tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: pass --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Argon2id with tiny costs for the test run (production keeps argon2-cffi's
    defaults): logins in hundreds of tests would otherwise take minutes."""
    from argon2 import PasswordHasher

    import alumni_graph.security.accounts as accounts

    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts.HASHER = saved


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """The Bolt URI of a running Neo4j (yields a dict with uri/user/password)."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield {"uri": uri, "user": os.environ.get("NEO4J_USER", "neo4j"),
               "password": os.environ.get("NEO4J_PASSWORD", "")}
        return
    from tools.neo4j.launcher import fetch_jars, start

    fetch_jars()
    server = start(tmp_path_factory.mktemp("neo4j"))
    try:
        yield {"uri": server.uri, "user": "neo4j", "password": "", "server": server}
    finally:
        server.stop()


@pytest.fixture
def neo4j_store(neo4j_server):
    from alumni_graph.graph_service.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_server["uri"], user=neo4j_server["user"],
                       password=neo4j_server["password"],
                       database=os.environ.get("NEO4J_DATABASE", "neo4j"), batch_size=500)
    store.clear()
    store.init_schema()
    yield store
    store.close()


@pytest.fixture
def data_dir(tmp_path):
    """The data directory of a test: the embedded store's directory, and the
    web app's (users, audit log, uploads) on both stores."""
    return tmp_path / "data"


@pytest.fixture
def embedded_store(tmp_path):
    return EmbeddedStore(tmp_path / "data", batch_size=500)


@pytest.fixture(params=["embedded", "neo4j"])
def store(request):
    """Each test using this runs once per store."""
    return request.getfixturevalue(f"{request.param}_store")


# The demo school loaded once per run for the demo parity tests (one fixture for
# the whole run: defined here, not imported into each module).
from demo_support import demo_stores  # noqa: E402,F401

# One Chromium for the whole run (each test makes its own browser context).
from web_support import browser  # noqa: E402,F401
