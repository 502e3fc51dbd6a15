"""8. Staff load: what 20 staff do at once, against ``alumni-graph serve`` as
shipped (a subprocess on 127.0.0.1), with the result cache off and then on,
in one run.

Each of the 20 staff is a thread with its own keep-alive connection and its
own browser session (logged in through the login form as a realistic role:
8 Humas, 8 BKK, 2 admin, 2 viewers, spread over the first schools), walking
a seeded script of what that role does: Beranda, Calon mitra with filters
(and its JSON), Jalur referensi, an analysis page, the graph page's JSON and
a detail page, with a think time between clicks (exponential, mean
``think`` seconds; 0: as fast as the server answers). Bounded: each run
stops after ``seconds`` or ``max_requests``, whichever comes first. Each
server first gets ``warmup`` unmeasured seconds of the same mix (another
seed): a server that has been up a while, as in a school day.

Reported per route: requests, requests/s, p50/p95/p99 (ms), errors (any
answer but 200, or no answer); the run's requests/s, the server's CPU
seconds per process (how evenly several workers share the work) and the
load average. The same script runs with ``ALUMNI_GRAPH_CACHE=0`` and ``=1``
against a fresh server each, so the ratios come from one run.

Callable for any store and scale (tails' cost-growth table)::

    from bench.staff_load import pools_of, measure
    pools = pools_of(store)                       # URLs drawn from the store (seeded)
    result = measure(env, data_dir, pools, cache=True, seconds=45)

``env``: the server's ``ALUMNI_GRAPH_*``/``NEO4J_*`` variables; ``data_dir``:
its data directory (accounts are created there).
"""
from __future__ import annotations

import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import ROOT, Bench, percentile

STAFF = (("humas", 8), ("bkk", 8), ("admin", 2), ("viewer", 2))
PASSWORD = "staf-bench-kata-sandi-1"  # throwaway accounts in a throwaway data directory
ROUTES = ("beranda", "calon_mitra", "calon_mitra_json", "jalur_referensi", "analisis",
          "graf_json", "detail")
#: What each role clicks, and how often (relative weights).
SCRIPTS = {
    "humas": {"beranda": 2, "calon_mitra": 4, "calon_mitra_json": 2, "analisis": 2,
              "graf_json": 2, "detail": 3},
    "bkk": {"beranda": 2, "jalur_referensi": 5, "analisis": 2, "graf_json": 2, "detail": 3},
    "admin": {"beranda": 2, "calon_mitra": 2, "calon_mitra_json": 1, "jalur_referensi": 2,
              "analisis": 1, "graf_json": 1, "detail": 2},
    "viewer": {"beranda": 3, "analisis": 3, "graf_json": 3, "detail": 2},
}
ANALYSES = {"humas": ("keselarasan", "prakerin", "klaster"), "bkk": ("penelusuran", "tak-terlacak"),
            "admin": ("keselarasan", "penelusuran"), "viewer": ("keselarasan", "penelusuran", "klaster")}


# -- what staff ask about: drawn from the store ------------------------------------

@dataclass
class SchoolPool:
    npsn: str
    programs: list[str]
    categories: list[str]
    sectors: list[str]
    cities: list[str]
    employers: list[str]          # prospects of the school (codes)
    students: list[str]           # NISNs of the school
    referrals: list[tuple[str, str]] = field(default_factory=list)  # (nisn, employer code)


def pools_of(store, schools: int = 3, seed: int = 2026) -> list[SchoolPool]:
    """For the first ``schools`` schools: their programmes, Calon mitra filters,
    prospects and people, and referral pairs (a student, a firm with alumni),
    read through the store interface and the registered queries (both stores,
    any scale)."""
    from alumni_graph.queries import run_query

    rng = random.Random(seed)
    npsns = sorted(s["npsn"] for s in store.iter_nodes("School"))[:schools]
    out = []
    for npsn in npsns:
        programs = sorted(p["code"] for p in store.iter_nodes("Program") if p.get("school_npsn") == npsn)
        rows = run_query(store, "prospective_partners", {"npsn": npsn, "limit": 1000}).rows
        employers = [r["code"] for r in rows]
        students = _students(store, npsn)
        pool = SchoolPool(npsn, programs, sorted({r["category"] for r in rows if r.get("category")}),
                          sorted({r["sector"] for r in rows if r.get("sector")}),
                          sorted({r["city"] for r in rows if r.get("city")}), employers, students)
        with_alumni = [r["code"] for r in rows if r.get("current_alumni")] or employers
        pool.referrals = [(rng.choice(students), rng.choice(with_alumni[:50]))
                          for _ in range(12)] if students and with_alumni else []
        out.append(pool)
    return out


def _students(store, npsn: str, most: int = 300) -> list[str]:
    if getattr(store, "backend", "") == "neo4j":
        rows = store.read("MATCH (p:Person {school_npsn: $npsn}) RETURN p.nisn AS nisn "
                          "ORDER BY nisn LIMIT $most", {"npsn": npsn, "most": most})
        return [r["nisn"] for r in rows]
    people = sorted(p["nisn"] for p in store.iter_nodes("Person") if p.get("school_npsn") == npsn)
    return people[:most]


def url_for(route: str, role: str, pool: SchoolPool, rng: random.Random) -> str:
    """One click of ``route`` by ``role`` at ``pool``'s school."""
    npsn = pool.npsn
    if route == "beranda":
        return f"/?npsn={npsn}"
    if route in ("calon_mitra", "calon_mitra_json"):
        q = {"npsn": npsn}
        pick = rng.random()
        if pick < 0.25 and pool.programs:
            q["program"] = rng.choice(pool.programs)
        elif pick < 0.4 and pool.categories:
            q["category"] = rng.choice(pool.categories)
        elif pick < 0.55 and pool.sectors:
            q["sector"] = rng.choice(pool.sectors[:6])
        elif pick < 0.65 and pool.cities:
            q["city"] = rng.choice(pool.cities[:6])
        elif pick < 0.75:
            q["hal"] = rng.choice((2, 3))
        path = "/calon-mitra.json" if route == "calon_mitra_json" else "/calon-mitra"
        return f"{path}?{urllib.parse.urlencode(q)}"
    if route == "jalur_referensi":
        nisn, code = rng.choice(pool.referrals)
        return f"/jalur-referensi?{urllib.parse.urlencode({'nisn': nisn, 'employer': code})}"
    if route == "analisis":
        return f"/analisis/{rng.choice(ANALYSES[role])}?npsn={npsn}"
    if route == "graf_json":
        if rng.random() < 0.5 or not pool.employers:
            return f"/graf.json?npsn={npsn}"
        return f"/graf.json?type=employer&key={urllib.parse.quote(rng.choice(pool.employers[:30]))}"
    if route == "detail":
        if role in ("bkk", "admin") and pool.students and rng.random() < 0.5:
            return f"/siswa/{rng.choice(pool.students[:40])}"
        if rng.random() < 0.2:
            return f"/sekolah/{npsn}"
        return f"/dudi/{urllib.parse.quote(rng.choice(pool.employers[:40]))}"
    raise ValueError(route)


# -- the server as shipped --------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command() -> list[str]:
    script = Path(sys.executable).parent / "alumni-graph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "alumni_graph"]


class Server:
    """``alumni-graph serve`` (or any command given) on a free 127.0.0.1 port."""

    def __init__(self, env: dict, log_path: Path, *, argv: list[str] | None = None):
        self.port = free_port()
        self.log = open(log_path, "wb")
        full = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
        full.update(env)
        cmd = argv or [*_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        cmd = [c.replace("{port}", str(self.port)) for c in cmd]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=full, stdout=self.log, stderr=self.log,
                                     start_new_session=True)
        deadline = time.time() + 180
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    c.close()
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start; see {log_path}")
            time.sleep(0.3)

    def pids(self) -> list[int]:
        """The server's processes (a master and its workers, or one)."""
        out = [self.proc.pid]
        try:
            for child in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split():
                out.append(int(child))
        except OSError:
            pass
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_staff(data_dir: Path) -> list[tuple[str, str]]:
    """The 20 staff accounts (name, role) in the server's data directory."""
    from alumni_graph.security.accounts import Accounts

    accounts = Accounts(data_dir)
    staff = []
    for role, n in STAFF:
        for i in range(n):
            name = f"staf-{role}-{i + 1}"
            if accounts.get_user(name) is None:
                accounts.add_user(name, role, PASSWORD)
            staff.append((name, role))
    return staff


# -- a staff member's browser ---------------------------------------------------------------

class Browser:
    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def _headers(self) -> dict:
        h = {"Accept": "text/html,application/json"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return h

    def _keep(self, resp) -> None:
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers={**self._headers(), **(headers or {})})
                resp = self.conn.getresponse()
                data = resp.read()
                self._keep(resp)
                return resp.status, data
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def login(self, name: str) -> None:
        """Through the login form, as a browser: its page (cookie and CSRF token), then the post."""
        status, page = self.request("GET", "/masuk")
        found = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        if status != 200 or not found:
            raise RuntimeError(f"the login page answered {status}")
        body = urllib.parse.urlencode({"username": name, "password": PASSWORD, "next": "/",
                                       "csrf_token": found.group(1).decode()})
        status, _ = self.request("POST", "/masuk", body,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status not in (302, 303):
            raise RuntimeError(f"login of {name} answered {status}")

    def close(self) -> None:
        self.conn.close()


# -- one run ----------------------------------------------------------------------------------

def run_mix(port: int, staff: list[tuple[str, str]], pools: list[SchoolPool], *, seconds: float,
            max_requests: int, think: float, seed: int = 2026) -> dict:
    """The 20 staff at once for ``seconds`` (or ``max_requests`` in all)."""
    browsers = []
    for name, _ in staff:
        b = Browser(port)
        b.login(name)
        browsers.append(b)
    samples: list[tuple[str, float, bool]] = []
    lock = threading.Lock()
    count = [0]
    began = time.perf_counter()
    stop_at = began + seconds

    def walk(k: int):
        name, role = staff[k]
        rng = random.Random(f"{seed}-{name}")
        pool = pools[k % len(pools)]
        routes = [r for r, w in SCRIPTS[role].items() for _ in range(w)
                  if r != "jalur_referensi" or pool.referrals]
        mine = []
        while time.perf_counter() < stop_at:
            with lock:
                if count[0] >= max_requests:
                    break
                count[0] += 1
            route = rng.choice(routes)
            path = url_for(route, role, pool, rng)
            t = time.perf_counter()
            try:
                status, _ = browsers[k].request("GET", path)
                ok = status == 200
            except (OSError, http.client.HTTPException):
                ok = False
            mine.append((route, (time.perf_counter() - t) * 1000, ok))
            if think:
                time.sleep(min(rng.expovariate(1 / think), 5 * think))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=walk, args=(k,)) for k in range(len(staff))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    for b in browsers:
        b.close()
    return summarise(samples, elapsed)


def repeated(port: int, staff: list[tuple[str, str]], pool: SchoolPool, runs: int = 15) -> dict:
    """One Humas officer asking the same Calon mitra page (and its JSON) again
    and again on the otherwise idle server: median and p95 ms over ``runs``
    after 2 unmeasured asks."""
    name = next(n for n, role in staff if role == "humas")
    browser = Browser(port)
    browser.login(name)
    out = {}
    try:
        for kind, path in (("page", f"/calon-mitra?npsn={pool.npsn}"),
                           ("json", f"/calon-mitra.json?npsn={pool.npsn}")):
            values = []
            for i in range(2 + runs):
                t = time.perf_counter()
                status, _ = browser.request("GET", path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                if i >= 2:
                    values.append((time.perf_counter() - t) * 1000)
            out[kind] = {"path": path, "runs": runs, "median_ms": round(percentile(values, 50), 2),
                         "p95_ms": round(percentile(values, 95), 2)}
    finally:
        browser.close()
    return out


def probe(env: dict, data_dir: Path, pools: list[SchoolPool], *, runs: int = 15,
          argv: list[str] | None = None, label: str = "serve", log_dir: Path | None = None) -> dict:
    """Only bar 8r, without the mix: the repeated Calon mitra (page and JSON)
    against a fresh server with the cache off, then on (``argv``: another
    server command, e.g. an older checkout's, for a before/after in one run)."""
    data_dir = Path(data_dir)
    staff = make_staff(data_dir)
    log_dir = Path(log_dir or data_dir.parent)
    out = {}
    for cache in (False, True):
        name = "cache_on" if cache else "cache_off"
        server = Server({**env, "ALUMNI_GRAPH_DATA_DIR": str(data_dir),
                         "ALUMNI_GRAPH_CACHE": "1" if cache else "0"},
                        log_dir / f"staff-probe-{label}-{name}.log", argv=argv)
        try:
            load = os.getloadavg()[0]
            out[name] = {"repeated": repeated(server.port, staff, pools[0], runs),
                         "load_average": [round(load, 2), round(os.getloadavg()[0], 2)]}
        finally:
            server.stop()
    for kind in ("page", "json"):
        off = out["cache_off"]["repeated"][kind]["median_ms"]
        hit = out["cache_on"]["repeated"][kind]["median_ms"]
        out[f"ratio_{kind}"] = round(off / hit, 1)
    return out


def summarise(samples: list[tuple[str, float, bool]], elapsed: float) -> dict:
    def stats(values: list[float], errors: int) -> dict:
        if not values:
            return {"requests": 0, "errors": errors}
        return {"requests": len(values), "rps": round(len(values) / elapsed, 1),
                "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1), "max_ms": round(max(values), 1),
                "errors": errors}

    routes = {}
    for route in ROUTES:
        mine = [(ms, ok) for r, ms, ok in samples if r == route]
        if mine:
            routes[route] = stats([ms for ms, _ in mine], sum(1 for _, ok in mine if not ok))
    every = stats([ms for _, ms, _ in samples], sum(1 for *_, ok in samples if not ok))
    return {"seconds": round(elapsed, 1), "all": every, "routes": routes}


def measure(env: dict, data_dir: Path, pools: list[SchoolPool], *, cache: bool, seconds: float = 45,
            max_requests: int = 20_000, think: float = 0.5, log_dir: Path | None = None,
            argv: list[str] | None = None, label: str = "serve", warmup: float = 15,
            seed: int = 2026, probe: bool = True) -> dict:
    """One run of the mix against a fresh server with the cache on or off."""
    data_dir = Path(data_dir)
    staff = make_staff(data_dir)
    log_dir = Path(log_dir or data_dir.parent)
    server = Server({**env, "ALUMNI_GRAPH_DATA_DIR": str(data_dir),
                     "ALUMNI_GRAPH_CACHE": "1" if cache else "0"},
                    log_dir / f"staff-load-{label}-{'cache' if cache else 'nocache'}.log", argv=argv)
    try:
        if warmup:  # the same staff, unmeasured: a server that has been up a while
            run_mix(server.port, staff, pools, seconds=warmup, max_requests=max_requests,
                    think=think, seed=seed + 1)
        load_before = os.getloadavg()[0]
        cpu0 = {pid: cpu_seconds(pid) for pid in server.pids()}
        out = run_mix(server.port, staff, pools, seconds=seconds, max_requests=max_requests,
                      think=think, seed=seed)
        cpu = {pid: round(cpu_seconds(pid) - cpu0.get(pid, 0.0), 1) for pid in server.pids()}
        out["repeated"] = repeated(server.port, staff, pools[0]) if probe else None
        out.update(server=label, cache=cache, think_seconds=think, staff=len(staff),
                   warmup_seconds=warmup,
                   server_cpu_seconds=sorted(cpu.values(), reverse=True),
                   load_average=[round(load_before, 2), round(os.getloadavg()[0], 2)])
        return out
    finally:
        server.stop()


def table(runs: dict[str, dict]) -> str:
    """Markdown: per route, each run's rps and p50/p95/p99 and errors."""
    names = list(runs)
    head = "| route | " + " | ".join(f"{n}: req/s · p50/p95/p99 ms · errors" for n in names) + " |"
    lines = [head, "|---|" + "---|" * len(names)]
    for route in (*ROUTES, "all"):
        cells = []
        for n in names:
            r = runs[n]["all"] if route == "all" else runs[n]["routes"].get(route)
            cells.append("–" if not r or not r.get("requests") else
                         f"{r['rps']:,} · {r['p50_ms']:,}/{r['p95_ms']:,}/{r['p99_ms']:,} · {r['errors']}")
        lines.append(f"| {'**all**' if route == 'all' else route} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# -- which server: waitress (threads) or gunicorn (processes x threads) -----------------------

def _gunicorn(workers: int, threads: int, keepalive: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "gthread",
            "--threads", str(threads), "--keep-alive", str(keepalive), "--bind", "127.0.0.1:{port}",
            "--graceful-timeout", "5", "--timeout", "300", "alumni_graph.web:create_app()"]


#: The candidates of issue 15's server choice, each started the same way
#: (the app from the environment, 127.0.0.1). "serve" is ``alumni-graph serve``
#: as shipped, whatever it runs.
SERVERS = {
    "waitress 1x8": [sys.executable, "-c",
                     "import waitress; from alumni_graph.web import create_app; "
                     "waitress.serve(create_app(), host='127.0.0.1', port={port}, threads=8)"],
    "gunicorn 2x4 keep-alive 2 s": _gunicorn(2, 4, 2),
    "gunicorn 2x4 no keep-alive": _gunicorn(2, 4, 0),
    "gunicorn 3x4 no keep-alive": _gunicorn(3, 4, 0),
    "serve": None,
}


def compare_servers(env: dict, data_dir: Path, pools: list[SchoolPool], names: list[str], *,
                    seconds: float = 45, think: float = 0.5, warmup: float = 15,
                    cache: bool = True, log_dir: Path | None = None) -> dict:
    """The same mix against each server of ``names`` (keys of SERVERS), one after another."""
    return {name: measure(env, data_dir, pools, cache=cache, seconds=seconds, think=think,
                          warmup=warmup, argv=SERVERS[name], label=name.replace(" ", "_"),
                          log_dir=log_dir)
            for name in names}


# -- the bench section ------------------------------------------------------------------------

def run(b: Bench) -> None:
    out = b.results.setdefault("staff_load", {})
    seconds = 45 if b.scale.name == "S" else 60
    backends = {}
    if b.scale.name == "S":
        emb = b.embedded()
        data = b.work / "staff-data-embedded"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        shutil.copy2(emb.path, data / emb.path.name)
        backends["embedded"] = ({"ALUMNI_GRAPH_BACKEND": "embedded"}, emb, data)
    neo = b.neo4j_loaded()
    neo_web = b.work / "staff-data-neo4j"
    neo_web.mkdir(parents=True, exist_ok=True)
    backends["neo4j"] = ({"ALUMNI_GRAPH_BACKEND": "neo4j", "NEO4J_URI": b.uri()}, neo, neo_web)
    bar = 300 if b.scale.name == "S" else 1000
    for backend, (env, store, data) in backends.items():
        pools = pools_of(store)
        res = out.setdefault(backend, {})
        res["mix"] = {"staff": dict(STAFF), "scripts": SCRIPTS, "schools": [p.npsn for p in pools],
                      "seconds": seconds}
        for cache in (False, True):
            name = "cache_on" if cache else "cache_off"
            res[name] = measure(env, data, pools, cache=cache, seconds=seconds, log_dir=b.work)
            r = res[name]["all"]
            b.log(f"staff load {backend} {name}: {r['requests']} requests, {r['rps']} req/s, "
                  f"p50/p95/p99 {r['p50_ms']}/{r['p95_ms']}/{r['p99_ms']} ms, {r['errors']} errors")
        res["table"] = table({"cache off": res["cache_off"], "cache on": res["cache_on"]})
        for kind in ("page", "json"):
            off = res["cache_off"]["repeated"][kind]["median_ms"]
            hit = res["cache_on"]["repeated"][kind]["median_ms"]
            b.bar(f"8r-{backend}-{kind}", f"a repeated Calon mitra {'page' if kind == 'page' else 'JSON twin'}, "
                  f"cached vs uncached ({backend})", ">= 50x faster",
                  f"{off / hit:,.0f}x ({off:,.1f} ms -> {hit:,.2f} ms)", off / hit >= 50,
                  f"median of {res['cache_on']['repeated'][kind]['runs']} asks over HTTP by one "
                  "Humas officer on the idle server, after the mix")
        on = res["cache_on"]
        worst = max(on["routes"].items(), key=lambda kv: kv[1]["p95_ms"])
        errors = on["all"]["errors"] + res["cache_off"]["all"]["errors"]
        b.bar(f"8-{backend}", f"staff load: 20 staff at once, every route's p95 (cache on; {backend})",
              f"p95 <= {bar:,} ms every route, no errors",
              f"worst {worst[0]} {worst[1]['p95_ms']:,} ms; {errors} errors",
              worst[1]["p95_ms"] <= bar and errors == 0,
              f"cache off: all routes p95 {res['cache_off']['all']['p95_ms']:,} ms, "
              f"{res['cache_off']['all']['rps']} req/s; on: {on['all']['p95_ms']:,} ms, "
              f"{on['all']['rps']} req/s; think time {on['think_seconds']} s")
    if neo is not None:
        neo.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.staff_load --data-dir DIR [--backend neo4j --neo4j-uri URI]``:
    the mix against an existing store (its data directory gets the staff accounts)."""
    import argparse
    import json

    ap = argparse.ArgumentParser(prog="python -m bench.staff_load", description=main.__doc__)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--backend", choices=("embedded", "neo4j"), default="embedded")
    ap.add_argument("--neo4j-uri", default=None)
    ap.add_argument("--seconds", type=float, default=45)
    ap.add_argument("--think", type=float, default=0.5)
    ap.add_argument("--warmup", type=float, default=15, help="unmeasured seconds first")
    ap.add_argument("--cache", choices=("off", "on", "both"), default="both")
    ap.add_argument("--out", type=Path, default=None, help="write the JSON here")
    ap.add_argument("--probe", action="store_true",
                    help="only the repeated Calon mitra (bar 8r), cache off then on, no mix")
    ap.add_argument("--runs", type=int, default=15, help="asks per kind with --probe")
    ap.add_argument("--servers", nargs="+", choices=list(SERVERS), default=None,
                    help="compare these servers (cache on) instead of cache off/on")
    args = ap.parse_args(argv)
    from alumni_graph.graph_service import Config, open_store

    env = {"ALUMNI_GRAPH_BACKEND": args.backend}
    if args.neo4j_uri:
        env["NEO4J_URI"] = args.neo4j_uri
    config = Config.from_env({**env, "ALUMNI_GRAPH_DATA_DIR": str(args.data_dir)})
    with open_store(config) as store:
        pools = pools_of(store)
    runs = {}
    if args.probe:
        res = probe(env, args.data_dir, pools, runs=args.runs)
        for kind in ("page", "json"):
            print(f"8r {kind}: {res['cache_off']['repeated'][kind]['median_ms']} ms -> "
                  f"{res['cache_on']['repeated'][kind]['median_ms']} ms = {res[f'ratio_{kind}']}x "
                  f"(median of {args.runs}; load average {res['cache_on']['load_average']})")
        if args.out:
            args.out.write_text(json.dumps(res, indent=2), encoding="utf-8")
        return 0
    if args.servers:
        runs = compare_servers(env, args.data_dir, pools, args.servers, seconds=args.seconds,
                               think=args.think, warmup=args.warmup)
        for name, r in runs.items():
            print(f"{name}: server CPU seconds per process {r['server_cpu_seconds']}; "
                  f"load average {r['load_average']}")
    for cache in {"off": (False,), "on": (True,), "both": (False, True)}[args.cache] if not args.servers else ():
        runs[f"cache {'on' if cache else 'off'}"] = measure(
            env, args.data_dir, pools, cache=cache, seconds=args.seconds, think=args.think,
            warmup=args.warmup)
    print(table(runs))
    if args.out:
        args.out.write_text(json.dumps(runs, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
