"""``export-admin-import``: CSVs for ``neo4j-admin database import full``.

The round trip runs the real importer (``org.neo4j.cli.AdminTool``, what
``bin/neo4j-admin`` runs, from the same Maven jars as the test server) into a
throwaway Neo4j home, starts a server on the imported database and compares
it with the loader-built store it came from: counts, and ``dump()`` with
provenance. The loads' other guard lives here too: Neo4j refuses to load
without the uniqueness constraints.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from alumni_graph.graph_service.admin_import import ARGS_FILE, ExportError, export_admin_import
from alumni_graph.cli import cli
from alumni_graph.graph_service.embedded import EmbeddedStore
from alumni_graph.graph_service.errors import SchemaError
from alumni_graph.graph_service.schema import NODE_TYPES, constraint_name
from alumni_graph.loaders import load_paths

EDGE = Path(__file__).resolve().parent / "fixtures" / "edge"


def _tricky(store) -> None:
    """Values that stress the CSV dialect, written past the loaders' checks."""
    with store.transaction():
        store.upsert_nodes("School", [{
            "npsn": "20399999", "name": 'SMK "Satu", Baris\nDua', "city": "",
            "province": "Jawa; Tengah\r\n=SUM(A1)",
        }], source="tricky\\path, \"quoted\"")
        store.upsert_nodes("Program", [
            {"school_npsn": "20399999", "code": "TKJ", "name": "Ña ñ 王 ✓", "sectors": ["J", "C"]},
            {"school_npsn": "20399999", "code": "TKR", "name": "Kosong", "sectors": []},
        ], source="tricky")
        store.upsert_relationships("HAS_PROGRAM", [
            {"start": ("20399999",), "end": ("20399999", "TKJ")},
            {"start": ("20399999",), "end": ("20399999", "TKR")},
        ], start_label="School", end_label="Program", source="tricky")


def _loader_built(path: Path) -> EmbeddedStore:
    store = EmbeddedStore(path)
    report = load_paths(store, [EDGE])
    assert report.ok, report.render()
    _tricky(store)
    return store


def _without_empty_lists(dump: dict) -> dict:
    """The importer cannot write ``[]``: such a property arrives absent."""
    def clean(props):
        return {k: v for k, v in props.items() if v != []}
    return {"nodes": [[*n[:-1], clean(n[-1])] for n in dump["nodes"]],
            "relationships": [[*r[:-1], clean(r[-1])] for r in dump["relationships"]]}


def _rows(folder: Path) -> dict[str, list]:
    """Every exported file's header and sorted rows, ``loaded_at`` dropped."""
    out = {}
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        keep = [i for i, h in enumerate(header) if h != "loaded_at"]
        out[path.name] = [[header[i] for i in keep]] + sorted([r[i] for i in keep] for r in rows[1:])
    return out


def test_headers_ids_and_types(tmp_path):
    store = _loader_built(tmp_path / "data")
    report = export_admin_import(store, tmp_path / "csv")
    out = tmp_path / "csv"
    heads = {p.name: p.read_text(encoding="utf-8").splitlines()[0] for p in out.glob("*.csv")}
    assert heads["nodes_School.csv"] == "npsn:ID(School),name,city,province,source,loaded_at"
    assert heads["nodes_Program.csv"].startswith(":ID(Program),school_npsn,code,name,sectors:string[]")
    assert heads["nodes_Person.csv"].startswith("nisn:ID(Person),name,school_npsn,program_code,")
    assert "entry_year:long" in heads["nodes_Person.csv"]
    assert "consent_contact:boolean" in heads["nodes_Person.csv"]
    assert heads["nodes_Employer.csv"].startswith("code:ID(Employer),")
    assert heads["rels_WORKS_AT_Person_Employer.csv"].startswith(
        ":START_ID(Person),:END_ID(Employer),start,end,title,aligned:boolean,")
    assert heads["rels_PARTNERS_WITH_Program_Employer.csv"].startswith(
        ":START_ID(Program),:END_ID(Employer),start,")
    assert report.nodes == store.count_nodes()
    assert report.relationships == store.count_relationships()
    assert report.multiline  # the tricky school's name has a line break
    args = (out / ARGS_FILE).read_text(encoding="utf-8").splitlines()
    assert "--multiline-fields=true" in args and "--array-delimiter=;" in args
    assert f"--nodes=Program={out / 'nodes_Program.csv'}" in args
    assert oct(os.stat(out / "nodes_Person.csv").st_mode & 0o777) == "0o600"


def test_refuses_a_non_empty_directory_and_bad_values(tmp_path):
    store = _loader_built(tmp_path / "data")
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "other.txt").write_text("x")
    with pytest.raises(ExportError, match="not empty"):
        export_admin_import(store, tmp_path / "csv")

    store.upsert_relationships("INTERNED_AT", [{
        "start": ("0000000101",), "end": ("E01",), "props": {"start": "2099-01-01", "score": 87.5},
    }], start_label="Person", end_label="Employer", source="x")
    with pytest.raises(ExportError) as err:
        export_admin_import(store, tmp_path / "csv", overwrite=True)
    assert "INTERNED_AT.score" in err.value.message and "87.5" not in err.value.message


def test_cli_command(tmp_path):
    data = tmp_path / "data"
    _loader_built(data)
    runner = CliRunner()
    env = {"ALUMNI_GRAPH_BACKEND": "embedded"}
    result = runner.invoke(cli, ["--data-dir", str(data), "export-admin-import", str(tmp_path / "out")],
                           env=env)
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full neo4j @" in result.output
    assert "init-schema" in result.output and "personal data" in result.output
    assert (tmp_path / "out" / "nodes_Person.csv").exists()
    again = runner.invoke(cli, ["--data-dir", str(data), "export-admin-import", str(tmp_path / "out")],
                          env=env)
    assert again.exit_code != 0 and "not empty" in str(again.exception)


@pytest.mark.neo4j
def test_export_reads_the_same_from_neo4j(neo4j_store, tmp_path):
    """The Neo4j store's streaming reads give the files the embedded store gives."""
    emb = _loader_built(tmp_path / "data")
    assert load_paths(neo4j_store, [EDGE]).ok
    _tricky(neo4j_store)
    export_admin_import(emb, tmp_path / "a")
    export_admin_import(neo4j_store, tmp_path / "b")
    assert _rows(tmp_path / "a") == _rows(tmp_path / "b")


@pytest.mark.neo4j
def test_round_trip_through_the_real_importer(neo4j_server, tmp_path):
    if "server" not in neo4j_server:
        pytest.skip("NEO4J_URI given: the importer needs the test run's own Neo4j jars")
    from alumni_graph.graph_service.neo4j_store import Neo4jStore
    from tools.neo4j.launcher import SHORT_LIVED_FLAGS, run_admin, start

    emb = _loader_built(tmp_path / "data")
    report = export_admin_import(emb, tmp_path / "csv")
    home = tmp_path / "home"
    done = run_admin(home, ["database", "import", "full", "neo4j",
                            f"@{tmp_path / 'csv' / ARGS_FILE}"], heap="512m")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "IMPORT DONE" in done.stdout

    server = start(home, keep_data=True, jvm_flags=SHORT_LIVED_FLAGS)
    try:
        neo = Neo4jStore(server.uri)
        try:
            assert neo.count_nodes() == emb.count_nodes() == report.nodes
            assert neo.count_relationships() == emb.count_relationships() == report.relationships
            for label in NODE_TYPES:
                assert neo.count_nodes(label) == emb.count_nodes(label)
            assert neo.dump(provenance=True) == _without_empty_lists(emb.dump(provenance=True))
            # A normal database from here on: the constraints build on the
            # imported data and a re-load of the same files changes nothing.
            assert set(neo.init_schema()) == {constraint_name(label) for label in NODE_TYPES}
            again = load_paths(neo, [EDGE])
            assert again.ok and all(f.created == f.updated == 0 for f in again.files)
        finally:
            neo.close()
    finally:
        server.stop()


@pytest.mark.neo4j
def test_loads_refuse_without_the_uniqueness_constraints(neo4j_store):
    """Without them every MERGE would scan its whole label: refuse, write nothing."""
    from alumni_graph.graph_service.neo4j_store import Neo4jStore

    dropped = neo4j_store.constraints()
    for name in dropped:
        neo4j_store.write(f"DROP CONSTRAINT {name}")  # names from the schema, not input
    try:
        fresh = Neo4jStore(neo4j_store.uri, database=neo4j_store.database, batch_size=500)
        try:
            with pytest.raises(SchemaError, match="init-schema"):
                fresh.upsert_nodes("School", [{"npsn": "20300001", "name": "X"}], source="t")
            with pytest.raises(SchemaError, match="init-schema"):
                fresh.upsert_relationships("HAS_PROGRAM", [{"start": ("20300001",),
                                                            "end": ("20300001", "TKR")}],
                                           start_label="School", end_label="Program", source="t")
            report = load_paths(fresh, [EDGE])
            assert not report.ok
            assert fresh.count_nodes() == 0
        finally:
            fresh.close()
    finally:
        neo4j_store.init_schema()
    assert set(neo4j_store.constraints()) >= set(dropped)
