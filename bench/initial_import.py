"""2. A province's initial import: ``alumni-graph export-admin-import`` plus
``neo4j-admin database import full`` against the batched loader.

The admin path, timed piece by piece: export the staging (embedded) store's
graph as importer CSVs; run the real importer (``org.neo4j.cli.AdminTool``
from the Maven jars) into a fresh Neo4j home; start a server on it and create
the constraints and indexes (``init-schema``, then ``db.awaitIndexes``).
The loader path: the same graph through the batched ``UNWIND MERGE`` writes
(store level, rows already validated) and through ``load_paths`` from the
files (section ``load``). Both paths start from validated data; from raw
files the admin path also pays the staging load (section ``embedded``).
"""
from __future__ import annotations

import shutil

from bench.harness import Bench, repeat, timed, write_all


def run(b: Bench) -> None:
    from alumni_graph.graph_service.admin_import import ARGS_FILE, export_admin_import
    from alumni_graph.graph_service.neo4j_store import Neo4jStore
    from tools.neo4j.launcher import run_admin, start

    out = b.results.setdefault("admin_import", {})
    emb = b.embedded()
    csv_dir = b.work / "admin-import-csv"
    home = b.work / "admin-import-home"
    runs = b.runs if b.scale.name == "S" else b.scale.load_runs
    reports = []

    def clean_csv():
        shutil.rmtree(csv_dir, ignore_errors=True)

    export = repeat(lambda: reports.append(export_admin_import(emb, csv_dir)),
                    runs=runs, warmup=0, setup=clean_csv)
    report = reports[-1]
    out["export_seconds"] = export.as_dict()
    out["csv_mb"] = round(sum((csv_dir / f.name).stat().st_size for f in report.files) / 2**20, 1)
    out["exported"] = {"nodes": report.nodes, "relationships": report.relationships}
    b.log(f"export-admin-import: {report.nodes:,} nodes, {report.relationships:,} relationships, "
          f"{out['csv_mb']} MB in {export.median:.1f} s")

    admin_heap = "1g" if b.scale.name == "S" else "2g"
    args = ["database", "import", "full", "neo4j", "--max-off-heap-memory=2g", "--threads=2",
            f"@{csv_dir / ARGS_FILE}"]
    outputs = []

    def clean_home():
        shutil.rmtree(home, ignore_errors=True)

    def admin():
        done = run_admin(home, args, heap=admin_heap, timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(f"neo4j-admin import failed ({done.returncode}):\n"
                               f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        outputs.append(done.stdout)

    imported = repeat(admin, runs=runs, warmup=0, setup=clean_home)
    out["import_seconds"] = imported.as_dict()
    out["admin_heap"] = admin_heap
    out["importer_summary"] = [line for line in outputs[-1].splitlines()
                               if "IMPORT DONE" in line or "Peak memory" in line]
    b.log(f"neo4j-admin database import full: {imported.median:.1f} s "
          f"({'; '.join(out['importer_summary'])})")

    out["imported_store_mb"] = round(sum(f.stat().st_size for f in (home / "data" / "databases" / "neo4j")
                                         .rglob("*") if f.is_file()) / 2**20, 1)
    rec = run_admin(home, ["server", "memory-recommendation", "--memory=16g"], heap="256m", timeout=300)
    out["memory_recommendation_16g"] = [line for line in rec.stdout.splitlines()
                                        if line.startswith(("server.memory", "# Total size", "# Lucene",
                                                            "# Vector", "# Data volume"))]

    pagecache = "512m" if b.scale.name == "S" else "2g"
    started, server = timed(lambda: start(home, keep_data=True, heap="1g", pagecache=pagecache,
                                          timeout=600))
    try:
        store = Neo4jStore(server.uri)
        try:
            def schema():
                store.init_schema()
                store.write("CALL db.awaitIndexes(3600)")

            schema_s, _ = timed(schema)
            counts_ok = (store.count_nodes() == emb.count_nodes()
                         and store.count_relationships() == emb.count_relationships())
            same_dump = None
            if b.scale.name == "S":
                same_dump = store.dump(provenance=True) == emb.dump(provenance=True)
        finally:
            store.close()
    finally:
        server.stop()
    out["server_start_seconds"] = round(started, 1)
    out["init_schema_seconds"] = round(schema_s, 1)
    out["counts_equal"] = counts_ok
    out["dump_equal"] = same_dump
    admin_total = export.median + imported.median + started + schema_s
    out["admin_path_seconds"] = round(admin_total, 1)
    b.log(f"imported database: start {started:.1f} s, constraints+indexes {schema_s:.1f} s, "
          f"counts equal: {counts_ok}, dump equal: {same_dump}")

    # The loader path, measured in section "load" (or now, once).
    load = b.results.get("load", {})
    if "store_level" in load:
        store_level = load["store_level"]["total_seconds_median"]
    else:
        neo = b.neo4j()
        neo.clear()
        neo.init_schema()
        phases = write_all(neo, emb)
        store_level = phases["node_seconds"] + phases["rel_seconds"]
        b.mark_neo4j_loaded()
        neo.close()
    loader_e2e = load.get("loader_end_to_end", {}).get("seconds", {}).get("median")
    staging = b.results.get("embedded", {}).get("load_seconds", {}).get("median")
    out["compare"] = {
        "admin_path_from_validated_seconds": round(admin_total, 1),
        "batched_loader_from_validated_seconds": round(store_level, 1),
        "admin_path_from_files_seconds": round(admin_total + staging, 1) if staging else None,
        "loader_from_files_seconds": loader_e2e,
    }
    c = out["compare"]
    faster = "admin import" if admin_total < store_level else "batched loader"
    ratio = max(admin_total, store_level) / min(admin_total, store_level)
    if b.scale.name == "S":
        met = store_level <= admin_total * 1.1
        target = "loader wins or ties at S"
    else:
        met = admin_total < store_level
        target = "admin import wins at M"
    note = ""
    if c["admin_path_from_files_seconds"] and loader_e2e:
        note = (f"from the files: staging load + admin path {c['admin_path_from_files_seconds']} s "
                f"vs load_paths into Neo4j {loader_e2e} s")
    b.bar("2", "initial import: export + neo4j-admin import + start + constraints vs batched "
          "loader (validated rows)", target,
          f"admin {admin_total:.1f} s vs loader {store_level:.1f} s: {faster} {ratio:.1f}x faster",
          met, note)
