"""docker-compose.yml: valid by the Compose Specification's JSON schema,
accepted by Debian 12's docker-compose 1.29 (and Compose v2 where present),
and with the optional HTTPS front (Caddy, ``tls internal``) as a profile.

The schema is ``tests/compose/compose-spec.json``, copied unchanged from
https://github.com/compose-spec/compose-spec (``schema/compose-spec.json``,
commit 170098ba07d9f53c383a41bfd4c5166b0a4529a6; Apache-2.0, licence beside it).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "compose" / "compose-spec.json"


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_file_is_valid_by_the_compose_specification_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(_compose()), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    # The schema catches a broken file: a typo in a service key fails it.
    broken = _compose()
    broken["services"]["app"]["enviroment"] = {}
    assert list(validator.iter_errors(broken))


def test_compose_file_avoids_what_docker_compose_1_rejects():
    doc = _compose()
    assert "name" not in doc and "version" not in doc  # 1.29: "'name' does not match '^x-'"
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "COMPOSE_PROJECT_NAME=alumni-graph" in env_example


def test_https_front_is_an_optional_caddy_profile_with_tls_internal():
    doc = _compose()
    https, app = doc["services"]["https"], doc["services"]["app"]
    assert https["profiles"] == ["https"] and https["image"].startswith("caddy:2")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in https["volumes"]
    assert "443:443" in https["ports"]
    assert https["depends_on"]["app"]["condition"] == "service_healthy"
    assert app["environment"]["ALUMNI_GRAPH_TRUST_PROXY"] == "1"  # the cookie turns Secure behind it
    assert all(p.startswith("127.0.0.1:") for p in app["ports"] + doc["services"]["neo4j"]["ports"])
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "tls internal" in caddyfile and "reverse_proxy app:5000" in caddyfile
    if shutil.which("caddy"):  # the real parser where Caddy is installed
        r = subprocess.run(["caddy", "validate", "--config", str(ROOT / "deploy" / "Caddyfile"),
                            "--adapter", "caddyfile"], capture_output=True, text=True,
                           env={"PATH": "/usr/bin:/bin", "SITE_ADDRESS": "bkk.smk.lan",
                                "HOME": "/tmp", "XDG_DATA_HOME": "/tmp", "XDG_CONFIG_HOME": "/tmp"})
        assert r.returncode == 0, r.stderr[-2000:]


def test_app_healthcheck_uses_the_meaningful_healthz():
    test = _compose()["services"]["app"]["healthcheck"]["test"]
    assert "http://127.0.0.1:5000/healthz" in " ".join(test)


def _project(tmp_path: Path) -> Path:
    for rel in ("docker-compose.yml", "deploy/Caddyfile"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    return tmp_path


def test_debian_12_docker_compose_1_29_accepts_the_file(tmp_path):
    """``docker-compose config`` parses and validates without a Docker daemon.
    (tools/ensure-system-deps.sh installs Debian's docker-compose for the test run.)"""
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose is not installed: run tools/ensure-system-deps.sh (apt-get install docker-compose)"
    project = _project(tmp_path)
    version = subprocess.run([exe, "version", "--short"], capture_output=True, text=True, cwd=project)
    for args in (["config", "-q"], ["--profile", "https", "config", "-q"]):
        r = subprocess.run([exe, *args], capture_output=True, text=True, cwd=project)
        assert r.returncode == 0, f"docker-compose {version.stdout.strip()}: {r.stderr}"
    services = subprocess.run([exe, "--profile", "https", "config", "--services"],
                              capture_output=True, text=True, cwd=project).stdout.split()
    assert set(services) == {"neo4j", "app", "https"}
    (project / ".env").write_text("COMPOSE_PROJECT_NAME=alumni-graph\n")  # no password
    r = subprocess.run([exe, "config", "-q"], capture_output=True, text=True, cwd=project)
    assert r.returncode != 0 and "NEO4J_PASSWORD" in r.stderr


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client (v1 is tested above)")
def test_compose_v2_accepts_the_file(tmp_path):
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("docker compose plugin not installed; docker-compose 1.29 is tested above")
    project = _project(tmp_path)
    r = subprocess.run(["docker", "compose", "--profile", "https", "config", "--quiet"],
                       capture_output=True, text=True, cwd=project)
    assert r.returncode == 0, r.stderr
