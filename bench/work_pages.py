"""Time issue 14's pages at the demo school (not a test; run by hand):

    .venv/bin/python -m bench.work_pages [--runs 10] [--backend embedded|neo4j] [--only candidates]

Generates the one-school demo (seed 2026), loads it into the store (embedded,
or a Neo4j started for the run: ``--backend neo4j``, or ``--uri`` of one to CLEAR),
records some work through the app itself (20 outreach updates as Humas, a
vacancy and a referral as BKK), then times each new page's HTML and JSON
server-side through Flask's test client (p50/p95 in ms over ``--runs``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--docs", action="store_true",
                    help="also write the README screenshots to docs/screenshots/work-*.png")
    ap.add_argument("--backend", choices=("embedded", "neo4j"), default="embedded")
    ap.add_argument("--uri", help="a running Neo4j to use (it is CLEARED); default: start one")
    ap.add_argument("--only", choices=("candidates",),
                    help="candidates: only the candidates page, and its paths one query per "
                         "candidate (before) against one batched query / one walk (after)")
    args = ap.parse_args(argv)

    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.loaders import load_paths
    from alumni_graph.demo import generate_demo
    from alumni_graph.queries import run_query
    from alumni_graph.web import create_app
    from web_support import login, user

    work = Path(tempfile.mkdtemp(prefix="work-bench-"))
    files = generate_demo(work / "demo-input", seed=2026, schools=1)
    server = None
    if args.backend == "neo4j":
        from alumni_graph.graph_service.neo4j_store import Neo4jStore

        uri = args.uri
        if uri is None:
            from tools.neo4j.launcher import start

            server = start(work / "neo4j")
            uri = server.uri
        store = Neo4jStore(uri, user="neo4j", password="", batch_size=2000)
        store.clear()
        store.init_schema()
    else:
        store = EmbeddedStore(work / "data")
    assert load_paths(store, list(files.values())).ok
    # The result cache off: each request computes its page (what a first visit costs).
    app = create_app({"TESTING": True, "DATA_DIR": work / "data", "CACHE": False}, store=store)
    for role in ("humas", "bkk"):
        user(app, role)
    humas, bkk = login(app, "humas"), login(app, "bkk")
    npsn = next(iter(store.iter_nodes("School")))["npsn"]
    prospects = run_query(store, "prospective_partners", {"npsn": npsn, "limit": 20}).rows
    soon = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    for r in prospects:
        code = r.get("employer_code") or r.get("code")
        humas.post(f"/api/v1/outreach/{code}?npsn={npsn}", json={
            "status": "kunjungan_dijadwalkan", "next_action": "Kunjungan", "next_action_date": soon,
            "owner": "uji-humas"})
    program = next(iter(store.iter_nodes("Program")))["code"]
    target = prospects[0].get("employer_code") or prospects[0].get("code")
    vid = bkk.post("/api/v1/vacancies", json={"npsn": npsn, "employer": target, "title": "Teknisi",
                                              "programs": [program], "openings": 3}).get_json()["id"]
    if args.only == "candidates":
        # A vacancy at the firm employing most of the programme's alumni: paths to find.
        from collections import Counter

        G = store.graph()
        busiest = Counter(t.split(":", 1)[1] for u, t, a in G.edges(data=True)
                          if a.get("type") == "WORKS_AT" and G.nodes[u].get("program_code") == program)
        vid = bkk.post("/api/v1/vacancies", json={
            "npsn": npsn, "employer": busiest.most_common(1)[0][0], "title": "Teknisi",
            "programs": [program], "openings": 3}).get_json()["id"]
        try:
            print(json.dumps(candidates_before_after(store, bkk, vid, args.runs), indent=2))
        finally:
            store.close()
            if server is not None:
                server.stop()
        return 0
    pages = {
        "rencana-kunjungan": (humas, f"/rencana-kunjungan?npsn={npsn}"),
        "lembar-kunjungan": (humas, f"/rencana-kunjungan/lembar?npsn={npsn}&tanggal={soon}"),
        "penjajakan (firm)": (humas, f"/dudi/{target}/penjajakan?npsn={npsn}"),
        "kemitraan": (humas, f"/kemitraan?npsn={npsn}"),
        "konversi": (humas, f"/konversi?npsn={npsn}"),
        "beranda (with alerts)": (humas, f"/?npsn={npsn}"),
        "calon-mitra (with status)": (humas, f"/calon-mitra?npsn={npsn}"),
        "api alerts": (humas, f"/api/v1/alerts?npsn={npsn}"),
        "lowongan": (bkk, f"/lowongan?npsn={npsn}"),
        "lowongan detail + candidates": (bkk, f"/lowongan/{vid}"),
        "api candidates": (bkk, f"/api/v1/vacancies/{vid}/candidates"),
        "laporan-penempatan": (bkk, f"/laporan-penempatan?npsn={npsn}"),
        "laporan-penempatan.xlsx": (bkk, f"/laporan-penempatan.xlsx?npsn={npsn}"),
    }
    out = {"people": store.count_nodes("Person"), "employers": store.count_nodes("Employer"),
           "runs": args.runs, "pages": {}}
    for name, (client, url) in pages.items():
        client.get(url)  # warm
        samples = []
        for _ in range(args.runs):
            t = time.perf_counter()
            r = client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        samples.sort()
        out["pages"][name] = {"p50_ms": round(statistics.median(samples), 1),
                              "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * .95))], 1)}
    cands = bkk.get(f"/api/v1/vacancies/{vid}/candidates").get_json()
    out["candidates"] = cands["count"]
    print(json.dumps(out, indent=2))
    if args.docs:
        docs_screenshots(app, npsn, vid, soon)
    return 0


def candidates_before_after(store, bkk, vid: str, runs: int) -> dict:
    """The candidates' paths one ``referral_paths`` query (or search) per
    candidate, as before, against the batched form (one query on Neo4j, one
    shared walk on networkx), interleaved; the answers must be the same."""
    import datetime as dt

    from alumni_graph.queries import work

    v = store.get_node("Vacancy", (vid,))
    as_of = dt.date.today().isoformat()
    found = work.read_cypher(store, "vacancy_candidates", {"id": vid}) if work.is_neo4j(store) \
        else work.vacancy_candidates_nx(store.graph(), id=vid)
    nisns = [f["person"]["nisn"] for f in found if work.eligible(f["person"], f["jobs"], as_of)]
    employer = v["employer_code"]

    def before():
        return {n: work.strongest_path(store, n, employer, as_of, 3) for n in nisns}

    def after():
        if work.is_neo4j(store):
            got = work.candidate_paths_neo4j(store, nisns, employer, as_of, 3)
        else:
            shared = work._SharedPaths(store.graph(), employer, as_of, 3)
            got = {n: shared.best(n) for n in nisns}
        return {n: got.get(n) for n in nisns}

    assert before() == after(), "the batched paths differ from one query per candidate"
    times = {"before": [], "after": []}
    for _ in range(runs):
        for name, fn in (("before", before), ("after", after)):
            t = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t) * 1000)
    page = []
    for _ in range(runs):
        t = time.perf_counter()
        assert bkk.get(f"/lowongan/{vid}").status_code == 200
        page.append((time.perf_counter() - t) * 1000)
    med = {k: round(statistics.median(v), 1) for k, v in times.items()}
    return {"backend": store.backend, "people": store.count_nodes("Person"), "candidates": len(nisns),
            "with_path": sum(1 for p in after().values() if p), "runs": runs,
            "paths_per_candidate_p50_ms": med["before"], "paths_batched_p50_ms": med["after"],
            "speedup": round(med["before"] / med["after"], 1) if med["after"] else None,
            "vacancy_page_p50_ms": round(statistics.median(page), 1)}


def docs_screenshots(app, npsn: str, vid: str, day: str) -> None:
    """Chromium screenshots of the new pages (1366x768; two at 390x844)."""
    import threading

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from web_support import PASSWORD

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    out = ROOT / "docs" / "screenshots"
    shots = [
        ("humas", "work-rencana-kunjungan", f"/rencana-kunjungan?npsn={npsn}", (1366, 768)),
        ("humas", "work-lembar-kunjungan", f"/rencana-kunjungan/lembar?npsn={npsn}&tanggal={day}", (1366, 768)),
        ("humas", "work-kemitraan", f"/kemitraan?npsn={npsn}", (1366, 768)),
        ("humas", "work-beranda-peringatan", f"/?npsn={npsn}", (1366, 768)),
        ("bkk", "work-lowongan-kandidat", f"/lowongan/{vid}", (1366, 768)),
        ("bkk", "work-laporan-penempatan", f"/laporan-penempatan?npsn={npsn}", (1366, 768)),
        ("humas", "work-rencana-kunjungan-hp", f"/rencana-kunjungan?npsn={npsn}", (390, 844)),
        ("bkk", "work-lowongan-kandidat-hp", f"/lowongan/{vid}", (390, 844)),
    ]
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                               args=["--headless", "--no-sandbox", "--disable-gpu"])
        for role, name, path, (w, h) in shots:
            ctx = b.new_context(viewport={"width": w, "height": h})
            p = ctx.new_page()
            p.goto(base + "/masuk")
            p.fill("#login-username", f"uji-{role}")
            p.fill("#login-password", PASSWORD)
            with p.expect_navigation():
                p.click("#login-submit")
            p.goto(base + path)
            p.wait_for_load_state("load")
            p.screenshot(path=str(out / f"{name}.png"))
            ctx.close()
        b.close()
    server.shutdown()


if __name__ == "__main__":
    raise SystemExit(main())
