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


# `make test` runs the suite in two pytest-xdist workers (`-n 2 --dist loadfile`).
# Each worker is a test session of its own: its own Neo4j started by
# `neo4j_server` (the same jars, its own port and directory), its own Chromium,
# its own temporary directories. A test file runs whole on one worker, so its
# module fixtures (live servers, shared apps) are built once; these files also
# share a worker, because they share a fixture built once per session:
SAME_WORKER = {
    "tests/test_queries_demo.py": "demo parity",  # demo_stores: the demo, generated and loaded
    "tests/test_queries_demo_analyses.py": "demo parity",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With ``--dist loadfile``: whole files to a worker, SAME_WORKER's files
    together, and the packages' doctests (outside tests/) together, since they
    share the graphs that the top conftest.py loads once per session."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ByFile(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if not path.startswith("tests/"):
                return "doctests"
            return SAME_WORKER.get(path, path)

    return ByFile(config, log)


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
    if uri and int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        pytest.fail("NEO4J_URI gives every test worker the one database, which each test clears: "
                    "run it with one worker (make test TEST_WORKERS=0, or pytest without -n)")
    if uri:
        yield {"uri": uri, "user": os.environ.get("NEO4J_USER", "neo4j"),
               "password": os.environ.get("NEO4J_PASSWORD", "")}
        return
    from tools.neo4j.launcher import SHORT_LIVED_FLAGS, fetch_jars, start

    fetch_jars()
    server = start(tmp_path_factory.mktemp("neo4j"), jvm_flags=SHORT_LIVED_FLAGS)
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
