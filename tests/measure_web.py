"""Measure the web app on the synthetic demo school (not a test; run by hand):

    python tests/measure_web.py [--backend embedded|neo4j] [--runs 30] [--docs]

* the graph page's time to first draw in headless Chromium at the node cap
  (``/graf?depth=2``: the school, its programmes, partners and every student);
* p50/p95 of the JSON endpoints of the two main queries over HTTP to a
  waitress server on 127.0.0.1;
* screenshots in test-artifacts/screenshots/ (``--docs`` also writes the
  small README ones to docs/screenshots/).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def open_demo_store(backend: str, work: Path):
    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.loaders import load_paths
    from alumni_graph.demo import generate_demo

    files = generate_demo(work / "demo-input", seed=2026, schools=1)
    server = None
    if backend == "neo4j":
        from alumni_graph.graph_service.neo4j_store import Neo4jStore
        from tools.neo4j.launcher import fetch_jars, start

        fetch_jars()
        server = start(work / "neo4j")
        store = Neo4jStore(server.uri)
        store.clear()
    else:
        store = EmbeddedStore(work / "data")
    store.init_schema()
    report = load_paths(store, list(files.values()))
    assert report.ok, report.render()
    return store, server


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


#: Every route needs a login: the JSON calls send an API token (set in main).
AUTH: dict = {}


def _get(url: str) -> bytes:
    return urllib.request.urlopen(urllib.request.Request(url, headers=AUTH)).read()


def time_get(url: str, runs: int) -> dict:
    for _ in range(3):  # warm caches and the query plan
        _get(url)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        body = _get(url)
        samples.append((time.perf_counter() - t) * 1000)
    assert json.loads(body)["ok"]
    return {"p50_ms": round(percentile(samples, 50), 1), "p95_ms": round(percentile(samples, 95), 1),
            "runs": runs, "rows": len(json.loads(body).get("rows", []))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--docs", action="store_true")
    args = ap.parse_args()

    import waitress.server
    from playwright.sync_api import sync_playwright

    from alumni_graph.queries import explore, run_query
    from alumni_graph.web import create_app

    work = Path(tempfile.mkdtemp(prefix="measure-web-"))
    store, neo = open_demo_store(args.backend, work)
    try:
        npsn = explore.schools(store)[0]["npsn"]
        top = next(r for r in run_query(store, "prospective_partners", {"npsn": npsn}).rows
                   if r["category"] == "alumni_employer")
        student = next(n for n, a in store.graph().nodes(data=True)
                       if a["label"] == "Person" and a.get("graduation_year") is None
                       and a.get("program_code") == top["recommended_program"])
        nisn = student.split(":", 1)[1]

        app = create_app({"DATA_DIR": work / "app-data"}, store=store)
        accounts = app.extensions["alumni_graph_accounts"]
        password = "ukur-kinerja-" + str(time.time_ns())
        accounts.add_user("ukur", "admin", password)
        AUTH["Authorization"] = "Bearer " + accounts.create_token("ukur", "measure_web")[1]
        server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=8)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        out = {"backend": args.backend, "counts": {l: store.count_nodes(l) for l in
                                                   ("School", "Program", "Person", "Employer")}}
        out["prospective_partners"] = time_get(
            f"{base}/api/v1/query/prospective_partners?npsn={npsn}", args.runs)
        out["referral_paths"] = time_get(
            f"{base}/api/v1/query/referral_paths?nisn={nisn}&employer={top['code']}", args.runs)
        out["graph_json"] = time_get(f"{base}/graf.json?depth=2", max(5, args.runs // 3))

        shots = ROOT / "test-artifacts" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/masuk")
            page.fill("#login-username", "ukur")
            page.fill("#login-password", password)
            with page.expect_navigation():
                page.click("#login-submit")
            draws = []
            for _ in range(5):
                page.goto(f"{base}/graf?depth=2")
                page.wait_for_function("() => window.agFirstDraw !== undefined", timeout=60_000)
                draws.append(page.evaluate("() => window.agFirstDraw"))
            meta = page.evaluate("() => window.agGraphs.graph.data.meta")
            out["graph_first_draw_ms"] = {"median": round(statistics.median(draws)),
                                          "max": round(max(draws)),
                                          "shown_nodes": meta["shown_nodes"],
                                          "total_nodes": meta["total_nodes"],
                                          "shown_edges": meta["shown_edges"], "layout": meta["layout"]}
            page.screenshot(path=str(shots / f"demo-{args.backend}-graf.png"))
            out["screenshot"] = str((shots / f"demo-{args.backend}-graf.png").relative_to(ROOT))
            if args.docs:
                docs = ROOT / "docs" / "screenshots"
                docs.mkdir(parents=True, exist_ok=True)
                small = context.new_page()
                small.set_viewport_size({"width": 1100, "height": 720})
                small.goto(f"{base}/graf?type=employer&key={top['code']}&depth=2")
                small.wait_for_function("() => document.getElementById('graph').dataset.stabilized === '1'"
                                        " || window.agGraphs.graph.data.meta.layout === 'server'",
                                        timeout=60_000)
                small.screenshot(path=str(docs / "graf.png"))
                small.goto(f"{base}/calon-mitra?npsn={npsn}&limit=20")
                small.locator("details.evidence summary").first.click()
                small.wait_for_function("() => document.getElementById('ev-1')?.dataset.drawn === '1'")
                small.wait_for_timeout(1500)  # let the small graph settle
                small.screenshot(path=str(docs / "calon-mitra.png"))
            browser.close()
        server.close()
        print(json.dumps(out, indent=2))
    finally:
        store.close()
        if neo is not None:
            neo.stop()


if __name__ == "__main__":
    main()
