"""6. The API under the production WSGI server: gunicorn, 2 worker processes
(``gthread``, 4 threads each), on 127.0.0.1 only.

Every request carries an API token (``Authorization: Bearer``) of an admin
account the bench creates in the app's data directory, so the login gate
(token lookup in ``users.sqlite3``) is part of every number.

* Throughput of a small JSON endpoint answered from memory
  (``/api/v1/queries``: the query registry, no store access) at concurrency
  16, with ``wrk`` (C, one thread, so it leaves the 2 cores to the server as
  far as it can) or, without wrk, a bounded Python client (threads +
  http.client, fixed request count and time cap).
* The query endpoint's p95 against the query's own p95 (``run_query`` in
  this process on the same data), requests alternating one for one.
* Loading while the API serves: readers keep calling the API (4 threads)
  while ``alumni-graph load`` writes another school into the same store;
  errors and reader latency before and during the load.

Both backends: the embedded store (a copy of the bench's data directory;
each worker holds its own graph) and Neo4j (the bench's server). This
section changes the data (the extra school): it runs last.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

from bench.harness import ROOT, SEED, Bench, Stats, percentile, web_credentials

SMALL = "/api/v1/queries"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, env: dict, log_path):
        self.port = _free_port()
        self.log = open(log_path, "wb")
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
        full_env.update(env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "gthread",
             "--threads", "4", "--bind", f"127.0.0.1:{self.port}", "--access-logfile", "-",
             "--access-logformat", "%(s)s %(M)s", "--graceful-timeout", "5", "--timeout", "300",
             "alumni_graph.web:create_app()"],
            cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=self.log,
            start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 120
        while True:
            try:
                status, _, _ = get(self.port, SMALL)
                if status == 200:
                    # Both workers: each opens its store on first use.
                    for _ in range(8):
                        get(self.port, SMALL)
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start; see {log_path}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


#: ``Authorization`` header of every request (set once the bench user exists).
HEADERS: dict[str, str] = {}


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None, timeout: float = 120):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=HEADERS)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body, conn
    finally:
        if own:
            conn.close()


def query_path(name: str, params: dict) -> str:
    return f"/api/v1/query/{name}?{urllib.parse.urlencode(params)}"


# -- throughput ---------------------------------------------------------------

def wrk(url: str, seconds: int, connections: int = 16) -> dict:
    headers = [x for k, v in HEADERS.items() for x in ("-H", f"{k}: {v}")]
    done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *headers, url],
                          capture_output=True, text=True, timeout=seconds + 60)
    text = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = {}
    for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        lat[pct] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    total = re.search(r"(\d+) requests in", text)
    return {"rps": rps, "p50_ms": lat.get("50"), "p99_ms": lat.get("99"),
            "requests": int(total.group(1)) if total else None,
            "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0}


def python_client(port: int, path: str, seconds: float, concurrency: int = 16,
                  max_requests: int = 200_000) -> dict:
    """Bounded: stops at ``max_requests`` or after ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop_at and len(latencies) + len(mine) < max_requests:
            t = time.perf_counter()
            try:
                status, _, conn = get(port, path, conn)
                ok = status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append((time.perf_counter() - t) * 1000)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return {"rps": len(latencies) / elapsed, "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99), "requests": len(latencies),
            "non_2xx": errors[0], "socket_errors": 0}


# -- the section ----------------------------------------------------------------

def run(b: Bench) -> None:
    from bench.query_speed import school_parameter_sets

    out = b.results.setdefault("api", {})
    emb = b.embedded()
    sets = school_parameter_sets(emb.graph())
    api_data = b.work / "api-data"
    shutil.rmtree(api_data, ignore_errors=True)
    api_data.mkdir(parents=True)
    if b.scale.name == "S":
        shutil.copy2(emb.path, api_data / emb.path.name)
    neo = b.neo4j_loaded()
    neo_web = b.work / "api-web-data-neo4j"  # the Neo4j app's accounts and secret key
    backends = {
        "embedded": ({"ALUMNI_GRAPH_BACKEND": "embedded", "ALUMNI_GRAPH_DATA_DIR": str(api_data)},
                     emb, api_data),
        "neo4j": ({"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": b.uri(),
                   "ALUMNI_GRAPH_DATA_DIR": str(neo_web)}, neo, neo_web),
    }
    tool = "wrk" if shutil.which("wrk") else "python"
    out["client"] = tool
    out["server"] = "gunicorn, 2 workers (gthread, 4 threads each), 127.0.0.1"
    extra = _extra_school(b)
    if b.scale.name != "S":
        graph_gb = b.results.get("embedded", {}).get("memory", {}).get("graph_mb", 0) / 1024
        out["embedded"] = {"skipped": "two gunicorn workers would each hold the whole graph "
                                      f"({graph_gb:.1f} GB each, more while loading it): see section 7"}
        b.log(f"api embedded: skipped at {b.scale.name}: {out['embedded']['skipped']}")
        del backends["embedded"]
    for backend, (env, store, web_data) in backends.items():
        token = web_credentials(web_data)
        HEADERS.clear()
        if token:
            HEADERS["Authorization"] = f"Bearer {token}"
        server = Gunicorn(env, b.work / f"gunicorn-{backend}.log")
        try:
            res = out.setdefault(backend, {})
            # -- throughput of the small endpoint --------------------------------
            runs = []
            for i in range(1 + b.runs):
                load_avg = round(os.getloadavg()[0], 2)
                r = (wrk(server.base + SMALL, 3 if i == 0 else 6) if tool == "wrk"
                     else python_client(server.port, SMALL, 3 if i == 0 else 6))
                if i:
                    runs.append(r | {"load_average_1min": load_avg})
            rps = Stats([r["rps"] for r in runs], "req/s")
            p99 = Stats([r["p99_ms"] for r in runs], "ms")
            errors = sum(r["non_2xx"] + r["socket_errors"] for r in runs)
            res["small_endpoint"] = {"path": SMALL, "concurrency": 16, "runs": runs,
                                     "rps": rps.as_dict(), "p99_ms": p99.as_dict(), "errors": errors}
            b.log(f"api {backend}: {SMALL} at c=16: {rps.median:,.0f} req/s (median of {b.runs}), "
                  f"p99 {p99.median:.1f} ms, {errors} errors")
            b.bar(f"6a-{backend}", f"{SMALL} at concurrency 16 ({backend} backend)",
                  ">= 1,000 req/s, p99 < 50 ms",
                  f"{rps.median:,.0f} req/s, p99 {p99.median:.1f} ms",
                  rps.median >= 1000 and p99.median < 50 and errors == 0,
                  f"client: {tool} on the same 2 cores; worst run {min(rps.values):,.0f} req/s")

            # -- the query endpoint against the query itself --------------------
            res["query_endpoint"] = {}
            for name in ("referral_paths (max_hops=3)", "prospective_partners"):
                res["query_endpoint"][name] = _endpoint_vs_query(b, server.port, store, name, sets[name])
                e = res["query_endpoint"][name]
                b.bar(f"6b-{backend}-{name.split()[0]}", f"{name}: API p95 vs the query's own p95 "
                      f"({backend})", "<= query p95 + 10 ms",
                      f"{e['http']['p95']:.1f} ms vs {e['query']['p95']:.1f} ms "
                      f"(+{e['http']['p95'] - e['query']['p95']:.1f} ms)",
                      e["http"]["p95"] <= e["query"]["p95"] + 10,
                      f"{e['http']['runs']} requests, one connection, alternating with in-process calls")

            # -- loading while serving ------------------------------------------
            res["load_while_serving"] = _load_while_serving(b, server.port, env, sets, extra)
            w = res["load_while_serving"]
            blocked = w["during"]["max_ms"] > max(1000, 10 * w["before"]["p99_ms"])
            b.bar(f"6c-{backend}", f"loading while the API serves ({backend})",
                  "no errors, no blocked readers",
                  f"{w['errors']} errors; reader max {w['during']['max_ms']:,.0f} ms during the load "
                  f"(p99 before {w['before']['p99_ms']:.0f} ms)",
                  w["errors"] == 0 and not blocked,
                  f"{w['requests_during']} reads during a {w['load_seconds']:.1f} s load "
                  f"({w['load_rows']:,} rows); blocked = over max(1 s, 10x the p99 before)")
        finally:
            server.stop()
    if neo is not None:
        neo.close()
        b.mark_neo4j_loaded(False)  # the extra school is in it now


def _endpoint_vs_query(b: Bench, port: int, store, name: str, sets: list[dict]) -> dict:
    from alumni_graph.queries import run_query

    query = name.split(" ")[0]
    runs = max(100, 20 * b.runs)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    q_ms, h_ms = [], []
    try:
        for i in range(len(sets) + runs):  # one pass of warm-up over the sets
            params = sets[i % len(sets)]
            t = time.perf_counter()
            run_query(store, query, params)
            q = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            status, body, conn = get(port, query_path(query, params), conn)
            h = (time.perf_counter() - t) * 1000
            if status != 200:
                raise RuntimeError(f"{query} answered {status}: {body[:300]!r}")
            if i >= len(sets):
                q_ms.append(q)
                h_ms.append(h)
    finally:
        conn.close()
    return {"query": Stats(q_ms, "ms").as_dict(), "http": Stats(h_ms, "ms").as_dict()}


def _extra_school(b: Bench) -> list:
    from alumni_graph.demo import generate_demo

    folder = b.work / f"extra-school-{SEED + 1}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate_demo(folder, seed=SEED + 1, schools=1)
        (folder / ".complete").touch()
    return sorted(folder.glob("*.csv"))


def _load_while_serving(b: Bench, port: int, env: dict, sets: dict, files: list) -> dict:
    paths = ([query_path("prospective_partners", p) for p in sets["prospective_partners"][:4]]
             + [query_path("referral_paths", p) for p in sets["referral_paths (max_hops=3)"][:6]]
             + [SMALL])
    samples: list[tuple[float, float, bool]] = []  # (start time, ms, ok)
    lock = threading.Lock()
    stop = threading.Event()

    def reader(k: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        i = k
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            t0 = time.time()
            t = time.perf_counter()
            try:
                status, body, conn = get(port, path, conn, timeout=300)
                ok = status == 200 and json.loads(body).get("ok") is True
            except (OSError, http.client.HTTPException, ValueError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                ok = False
            with lock:
                samples.append((t0, (time.perf_counter() - t) * 1000, ok))
        conn.close()

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    time.sleep(5)
    load_began = time.time()
    cli_env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    cli_env.update(env)
    done = subprocess.run([sys.executable, "-m", "alumni_graph.cli", "load", "--json",
                           *map(str, files)], cwd=ROOT, env=cli_env, capture_output=True,
                          text=True, timeout=3600)
    load_ended = time.time()
    time.sleep(3)
    stop.set()
    for t in threads:
        t.join()
    if done.returncode != 0:
        raise RuntimeError(f"the load under traffic failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    # "During" runs from the load's start to 3 s after it ended: readers pick
    # up the new data (the embedded store's workers reload the file) right
    # after the commit.
    before = [ms for t0, ms, _ in samples if t0 < load_began]
    during = [ms for t0, ms, _ in samples if t0 >= load_began]

    def summary(values):
        if not values:
            return {"requests": 0}
        return {"requests": len(values), "p50_ms": round(percentile(values, 50), 1),
                "p99_ms": round(percentile(values, 99), 1), "max_ms": round(max(values), 1)}

    return {
        "load_seconds": round(load_ended - load_began, 1),
        "load_rows": sum(k["read"] for k in report["kinds"].values()),
        "errors": sum(1 for *_, ok in samples if not ok),
        "requests_during": len(during),
        "before": summary(before), "during": summary(during),
    }
