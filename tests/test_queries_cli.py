"""``alumni-graph query NAME --param k=v --format json|table|csv`` on the embedded store."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

import queries_support as qs
from alumni_graph.cli import cli
from alumni_graph.graph_service.errors import NotFound, ParameterError

ROOT = qs.FIXTURES.parent.parent
#: Unset every variable that could point the CLI elsewhere.
CLEAN_ENV = {k: None for k in os.environ if k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    from alumni_graph.graph_service.embedded import EmbeddedStore

    path = tmp_path_factory.mktemp("cli") / "data"
    qs.load_edge(EmbeddedStore(path))
    return path


def _query(data_dir, *args):
    return CliRunner().invoke(
        cli, ["--backend", "embedded", "--data-dir", str(data_dir), "query", *args],
        env=CLEAN_ENV, catch_exceptions=True)


def _golden(name):
    return json.loads((qs.GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def test_json_format_is_the_whole_result(data_dir):
    result = _query(data_dir, "prospective_partners", "--param", "npsn=20300001",
                    "-p", "as_of=2025-07-01", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["rows"] == _golden("pp_a")["rows"]
    assert doc["name"] == "prospective_partners" and doc["count"] == 6
    assert doc["params"] == {"npsn": "20300001", "program": None, "as_of": "2025-07-01",
                             "limit": 50, "category": None}


def test_csv_format_has_a_header_and_one_line_per_row(data_dir):
    result = _query(data_dir, "alumni_at_employer", "--param", "employer=E08",
                    "--param", "npsn=20300001", "--param", "as_of=2025-07-01", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    want = _golden("al_e08_a")["rows"]
    assert [r["title"] for r in rows] == [w["title"] for w in want]  # quotes, <b> intact
    assert rows[0]["nisn"] == "" and rows[0]["consent_contact"] == "false"
    assert rows[1]["name"] == want[1]["name"]


def test_table_format_for_people(data_dir):
    result = _query(data_dir, "referral_paths", "-p", "nisn=0000000101", "-p", "employer=e08",
                    "-p", "as_of=2025-07-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["rank", "strength", "hops", "explanation_id"]
    assert len(lines) == 2 + 2 + 1
    assert _golden("rp_ani_e08_3")["rows"][0]["explanation_id"] in lines[2]


def test_table_shows_the_hint_of_an_empty_referral(data_dir):
    result = _query(data_dir, "referral_paths", "-p", "nisn=0000000101", "-p", "employer=E10",
                    "-p", "as_of=2025-07-01", "--format", "table")
    assert result.exit_code == 0, result.output
    hint = _golden("rp_ani_e10_hint")["meta"]["hint"]
    assert "(0 rows / baris)" in result.output
    assert hint["message_id"] in result.output and hint["message_en"] in result.output


def test_errors_reach_the_cli_as_project_errors(data_dir):
    result = _query(data_dir, "referral_paths", "-p", "nisn=12", "-p", "max_hops=7")
    assert isinstance(result.exception, ParameterError)
    assert {e["param"] for e in result.exception.errors} == {"nisn", "employer", "max_hops"}
    result = _query(data_dir, "referral_paths", "-p", "nisn=9999999999", "-p", "employer=E08")
    assert isinstance(result.exception, NotFound)
    result = _query(data_dir, "nonsense")
    assert isinstance(result.exception, NotFound)


def test_the_command_prints_errors_without_a_traceback(data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "alumni_graph.cli", "--data-dir", str(data_dir), "query",
         "referral_paths", "-p", "nisn=0000000101", "-p", "max_hops=9"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: invalid parameters for referral_paths: employer, max_hops")
    assert "Traceback" not in proc.stderr


def test_queries_command_lists_the_registry(data_dir):
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "queries"], env=CLEAN_ENV)
    assert result.exit_code == 0
    assert "referral_paths(nisn, employer, max_hops?, k?, as_of?)" in result.output
    assert "prospective_partners(npsn, program?, as_of?, limit?, category?)" in result.output
