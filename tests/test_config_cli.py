"""Configuration errors are one clear line; the CLI is a thin layer; compose is sound."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from alumni_graph.graph_service.config import Config
from alumni_graph.graph_service.errors import ConfigError, StoreUnavailable
from alumni_graph.graph_service.factory import open_store

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args, env=None):
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "alumni_graph.cli", *args],
                          capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=120)


def test_defaults_are_the_embedded_store_in_data():
    config = Config.from_env({})
    assert config.backend == "embedded"
    assert config.data_dir == Path("data")
    assert config.batch_size == 5000


@pytest.mark.parametrize("env, message", [
    ({"ALUMNI_GRAPH_BACKEND": "mysql"}, "ALUMNI_GRAPH_BACKEND must be one of embedded, neo4j"),
    ({"ALUMNI_GRAPH_BATCH_SIZE": "lots"}, "ALUMNI_GRAPH_BATCH_SIZE must be a whole number"),
    ({"ALUMNI_GRAPH_BATCH_SIZE": "0"}, "between 1 and 100000"),
    ({"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": "http://x:7474"}, "NEO4J_URI must look like"),
])
def test_bad_configuration_is_a_clear_error(env, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_env(env)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_neo4j_names_the_uri_and_what_to_check():
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    with pytest.raises(StoreUnavailable, match=f"unreachable at {uri}.*NEO4J_URI"):
        open_store(Config.from_env({"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": uri}))


def test_cli_reports_bad_configuration_in_one_line_without_traceback(tmp_path):
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    result = _cli("stats", env={"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": uri})
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: Neo4j is unreachable at " + uri)
    assert "Traceback" not in result.stderr
    result = _cli("stats", env={"ALUMNI_GRAPH_BACKEND": "sqlite"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: ALUMNI_GRAPH_BACKEND must be one of embedded, neo4j, got 'sqlite'"
    ]


def test_cli_init_schema_and_stats_on_neo4j(neo4j_server, tmp_path):
    env = {"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": neo4j_server["uri"]}
    result = _cli("init-schema", env=env)
    assert result.returncode == 0, result.stderr
    assert "person_key_unique" in result.stdout and "program_key_unique" in result.stdout
    result = _cli("stats", env=env)
    assert result.returncode == 0 and "Person" in result.stdout


def test_cli_init_schema_on_the_embedded_store(tmp_path):
    result = _cli("--data-dir", str(tmp_path / "d"), "init-schema")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("embedded: constraints present:")


def test_compose_file_is_production_shaped():
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j, app = doc["services"]["neo4j"], doc["services"]["app"]
    assert neo4j["image"].startswith("neo4j:5.26") and neo4j["image"].endswith("-community")
    assert all(p.startswith("127.0.0.1:") for s in (neo4j, app) for p in s["ports"])
    assert "healthcheck" in neo4j and "${NEO4J_PASSWORD" in neo4j["environment"]["NEO4J_AUTH"]
    assert app["environment"]["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD")
    assert {v.split(":")[1] for v in neo4j["volumes"]} == {"/data", "/logs"}
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert app["environment"]["ALUMNI_GRAPH_BACKEND"] == "neo4j"
    assert app["build"] == "."
    assert (ROOT / "Dockerfile").exists()


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_parses(tmp_path):
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("docker compose plugin not installed; the YAML test above still runs")
    env_file = tmp_path / ".env"
    env_file.write_text("NEO4J_PASSWORD=test-password-123\n")
    result = subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "--env-file", str(env_file),
         "config", "--quiet"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


# -- the web app's operator settings (web.settings) ---------------------------------------

def test_every_web_setting_is_in_the_readme():
    from alumni_graph.web import settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = settings.defaults()
    assert {"CONTACT_DETAILS", "GRAPH_MAX_NODES", "SESSION_IDLE_MINUTES", "LOGIN_MAX_FAILURES",
            "TRUST_PROXY", "SECRET_KEY"} <= set(names)
    missing = [n for n in names if f"| `ALUMNI_GRAPH_{n}` |" not in readme]
    assert not missing, f"add these to the README's configuration table: {missing}"
    for name, default in names.items():  # and the default the table shows is the code's
        if default is None:
            continue
        shown = str(int(default)) if isinstance(default, bool) else str(default)
        row = next(line for line in readme.splitlines() if line.startswith(f"| `ALUMNI_GRAPH_{name}` |"))
        assert row.split("|")[2].strip() == f"`{shown}`", (name, row)


def test_web_settings_reach_the_app_through_config(tmp_path):
    from werkzeug.middleware.proxy_fix import ProxyFix

    from alumni_graph.web import create_app

    env = {"ALUMNI_GRAPH_DATA_DIR": str(tmp_path), "ALUMNI_GRAPH_CONTACT_DETAILS": "Hidden",
           "ALUMNI_GRAPH_GRAPH_MAX_NODES": " 42 ", "ALUMNI_GRAPH_SESSION_IDLE_MINUTES": "5",
           "ALUMNI_GRAPH_LOGIN_MAX_FAILURES": "3", "ALUMNI_GRAPH_TRUST_PROXY": "ya",
           "ALUMNI_GRAPH_SECRET_KEY": "k" * 40, "ALUMNI_GRAPH_SESSION_COOKIE_SECURE": "1"}
    config = Config.from_env(env)
    assert config.data_dir == tmp_path and "DATA_DIR" not in config.web
    app = create_app(config=config)
    assert (app.config["CONTACT_DETAILS"], app.config["GRAPH_MAX_NODES"]) == ("hidden", 42)
    assert (app.config["SESSION_IDLE_MINUTES"], app.config["LOGIN_MAX_FAILURES"]) == (5, 3)
    assert app.config["SECRET_KEY"] == "k" * 40 and app.config["SESSION_COOKIE_SECURE"] is True
    assert isinstance(app.wsgi_app, ProxyFix)
    plain = create_app(config=Config.from_env({"ALUMNI_GRAPH_DATA_DIR": str(tmp_path)}))
    assert plain.config["CONTACT_DETAILS"] == "full" and not isinstance(plain.wsgi_app, ProxyFix)
    assert plain.config["SECRET_KEY"] != "k" * 40  # generated into the data directory


@pytest.mark.parametrize("name, value, message", [
    ("GRAPH_MAX_NODES", "banyak", "ALUMNI_GRAPH_GRAPH_MAX_NODES must be a whole number of at least 1, got 'banyak'"),
    ("SESSION_IDLE_MINUTES", "0", "ALUMNI_GRAPH_SESSION_IDLE_MINUTES must be a whole number of at least 1"),
    ("LOGIN_WINDOW_SECONDS", "-5", "ALUMNI_GRAPH_LOGIN_WINDOW_SECONDS must be a whole number"),
    ("CONTACT_DETAILS", "semua", "ALUMNI_GRAPH_CONTACT_DETAILS must be one of hidden, masked, full, got 'semua'"),
    ("TRUST_PROXY", "mungkin", "ALUMNI_GRAPH_TRUST_PROXY must be 1 or 0"),
    ("SECRET_KEY", " ", "ALUMNI_GRAPH_SECRET_KEY must not be empty"),
])
def test_bad_web_settings_are_one_line_errors(tmp_path, name, value, message):
    from alumni_graph.web import create_app

    config = Config.from_env({"ALUMNI_GRAPH_DATA_DIR": str(tmp_path), f"ALUMNI_GRAPH_{name}": value})
    with pytest.raises(ConfigError) as err:
        create_app(config=config)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_an_unknown_setting_is_a_warning(tmp_path, caplog):
    from alumni_graph.web import create_app

    app = create_app(config=Config.from_env({"ALUMNI_GRAPH_DATA_DIR": str(tmp_path),
                                             "ALUMNI_GRAPH_CONTACT_DETAIL": "hidden"}))
    assert app.config["CONTACT_DETAILS"] == "full"
    assert "ALUMNI_GRAPH_CONTACT_DETAIL is not a setting" in caplog.text


def test_serve_passes_the_settings_to_the_app(tmp_path, monkeypatch):
    """``alumni-graph serve`` builds the app from the environment's Config."""
    from click.testing import CliRunner

    from alumni_graph import server
    from alumni_graph.cli import cli
    from alumni_graph.web import create_app

    served = {}
    monkeypatch.setattr(server, "serve", lambda config, host, port, app=None, **kw: served.update(
        app=app or create_app(config=config), port=port, **kw))
    env = {"ALUMNI_GRAPH_DATA_DIR": str(tmp_path), "ALUMNI_GRAPH_CONTACT_DETAILS": "hidden",
           "ALUMNI_GRAPH_LOGIN_MAX_FAILURES": "2", "ALUMNI_GRAPH_BACKEND": "embedded",
           "ALUMNI_GRAPH_WORKERS": "3"}
    result = CliRunner().invoke(cli, ["serve", "--port", "5999"], env=env)
    assert result.exit_code == 0, result.output
    assert served["port"] == 5999
    assert served["app"].config["CONTACT_DETAILS"] == "hidden"
    assert served["app"].config["LOGIN_MAX_FAILURES"] == 2
    assert (served["workers"], served["threads"]) == (3, 8)  # the setting; the default
    result = CliRunner().invoke(cli, ["serve", "--port", "5999", "--workers", "1", "--threads", "2"],
                                env=env)
    assert result.exit_code == 0, result.output
    assert (served["workers"], served["threads"]) == (1, 2)  # the options win


def test_serve_with_a_bad_setting_exits_2_in_one_line(tmp_path):
    import os

    command = Path(sys.executable).parent / "alumni-graph"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    env.update({"ALUMNI_GRAPH_DATA_DIR": str(tmp_path), "ALUMNI_GRAPH_SESSION_MAX_HOURS": "sepuluh"})
    result = subprocess.run([str(command), "serve", "--port", str(_closed_port())], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: ALUMNI_GRAPH_SESSION_MAX_HOURS must be a whole number of at least 1, got 'sepuluh'"]
