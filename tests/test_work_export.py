"""What staff enter in the browser (issue 14's kinds) comes back out in the
loader's file format and re-loads to the same graph, on both stores."""
from __future__ import annotations

import shutil

from alumni_graph.loaders import load_paths
from queries_support import EDGE, SCHOOL_A
from test_work_queries import load_work
from alumni_graph.web import create_app
from web_support import login, ok_json, user


def _kinds(dump: dict) -> list:
    wanted = {"CONTACTED", "PARTNERS_WITH", "REFERRED_TO", "AT", "WORKS_AT"}
    return ([n for n in dump["nodes"] if n[0] == "Vacancy"]
            + [r for r in dump["relationships"] if r[0] in wanted])


def test_browser_work_exports_and_reloads_to_the_same_graph(store, data_dir, tmp_path):
    import csv

    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.loaders.work_rows import EXPORTERS, _rows, write_csv

    load_work(store)
    app = create_app({"TESTING": True, "DATA_DIR": data_dir}, store=store)
    for role in ("humas", "bkk"):
        user(app, role)
    humas, bkk = login(app, "humas"), login(app, "bkk")
    ok_json(humas.post(f"/api/v1/outreach/E02?npsn={SCHOOL_A}", json={
        "status": "penjajakan_mou", "note": 'Catatan; dengan "kutip", koma', "next_action": "Kirim draf",
        "next_action_date": "2030-03-04", "owner": "uji-humas", "kind": "rapat"}), 201)
    humas.post("/kemitraan", data={"npsn": SCHOOL_A, "kode_dudi": "E02", "kode_program": "RPL",
                                   "jenis": ["prakerin", "guru_tamu"], "nomor_mou": "MOU/X/1",
                                   "mulai": "2025-08-01", "selesai": "2028-07-31", "lingkup": "Guru tamu; PKL"})
    vid = ok_json(bkk.post("/api/v1/vacancies", json={
        "npsn": SCHOOL_A, "employer": "E08", "title": "Teknisi", "programs": ["TKR"], "openings": 2,
        "deadline": "2030-01-31", "notes": "=cmd"}), 201)["id"]
    ok_json(bkk.post(f"/api/v1/vacancies/{vid}/referrals", json={
        "nisn": "0000000118", "status": "diterima", "date": "2026-01-05"}), 201)

    out = tmp_path / "export"
    shutil.copytree(EDGE, out)
    shutil.copy(EDGE.parent / "work" / "siswa_tambahan.csv", out)
    for kind in EXPORTERS:
        (out / f"{kind}.csv").unlink(missing_ok=True)
        assert write_csv(store, kind, out / f"{kind}.csv") > 0
    # The jobs (the hire included) come back through the pekerjaan file.
    jobs = []
    for rel in store.iter_relationships("WORKS_AT", start_label="Person", end_label="Employer"):
        p = rel["props"]
        jobs.append({"nisn": rel["start"][0], "kode_dudi": rel["end"][0], "jabatan": p.get("title"),
                     "mulai": p.get("start"), "selesai": p.get("end"), "selaras": p.get("aligned"),
                     "sumber": p.get("channel")})
    with open(out / "pekerjaan.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["nisn", "kode_dudi", "jabatan", "mulai", "selesai", "selaras", "sumber"])
        w.writeheader()
        w.writerows(_rows(jobs))

    copy = EmbeddedStore(tmp_path / "copy")
    report = load_paths(copy, [out])
    assert report.ok, report.render()
    assert _kinds(copy.dump()) == _kinds(store.dump())
