"""What one click of each staff-load route costs alone (no concurrency), and
which store queries it runs: the single-request view behind bench/staff_load.py.

For each route of the staff mix (Beranda for Humas and BKK, Calon mitra and
its JSON, Jalur referensi, the five analysis pages, the graph page's JSON and
the three detail pages), at the first school ``bench.staff_load.pools_of``
draws: one request through the app in-process with the result cache off,
timing the whole page and each Cypher ``read`` it makes (Neo4j only; the
embedded store has no queries to time). Accounts go into ``--data-dir``.

    python -m bench.route_costs --neo4j-uri bolt://127.0.0.1:17687 --data-dir /tmp/x [--out F.json] [--hubs]

Prints one line per route (ms, queries, ms in Cypher) and its slowest queries
(the first line of each query's comment names it).
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from bench import staff_load


def routes(pool: staff_load.SchoolPool) -> list[tuple[str, str, str]]:
    """(route, role, URL): one of each, at ``pool``'s school."""
    npsn, rng = pool.npsn, random.Random(7)
    nisn, code = pool.referrals[0]
    return [
        ("beranda", "humas", staff_load.url_for("beranda", "humas", pool, rng)),
        ("beranda", "bkk", staff_load.url_for("beranda", "bkk", pool, rng)),
        ("calon_mitra", "humas", f"/calon-mitra?npsn={npsn}"),
        ("calon_mitra_json", "humas", f"/calon-mitra.json?npsn={npsn}&program={pool.programs[0]}"),
        ("jalur_referensi", "bkk", f"/jalur-referensi?nisn={nisn}&employer={code}"),
        *[(f"analisis/{a}", role, f"/analisis/{a}?npsn={npsn}")
          for a, role in (("keselarasan", "humas"), ("prakerin", "humas"), ("klaster", "humas"),
                          ("penelusuran", "bkk"), ("tak-terlacak", "bkk"))],
        ("graf_json school", "humas", f"/graf.json?npsn={npsn}"),
        ("graf_json employer", "humas", f"/graf.json?type=employer&key={pool.employers[0]}"),
        ("detail siswa", "bkk", f"/siswa/{pool.students[0]}"),
        ("detail sekolah", "humas", f"/sekolah/{npsn}"),
        ("detail dudi", "humas", f"/dudi/{pool.employers[0]}"),
    ]


#: An employer with more relationships than this is a hub (bench --hubs).
HUB_DEGREE = 5000


def hubs_of(store, pools: list, most: int = 40) -> list[str]:
    """The hub employers among the first ``most`` prospects of each school
    (those the staff load opens), most relationships first."""
    codes = sorted({c for pool in pools for c in pool.employers[:most]})
    rows = store.read("UNWIND $codes AS code MATCH (e:Employer {code: code}) "
                      "RETURN code, COUNT { (e)--() } AS degree", {"codes": codes})
    return [r["code"] for r in sorted(rows, key=lambda r: (-r["degree"], r["code"]))
            if r["degree"] > HUB_DEGREE]


def hub_routes(hubs: list[str]) -> list[tuple[str, str, str]]:
    """(route, role, URL): each hub's graph JSON and firm page, for each role
    that opens them (the names policy differs: all, consented, none)."""
    return [(f"{route} {code}", role, url.format(code=code))
            for code in hubs
            for route, url in (("graf_json hub", "/graf.json?type=employer&key={code}"),
                               ("detail dudi hub", "/dudi/{code}"))
            for role in ("humas", "bkk", "viewer")]


def _client(app, role: str):
    """A logged-in test client of a bench user of ``role`` (as tests/web_support.login)."""
    accounts = app.extensions["alumni_graph_accounts"]
    name = f"bench-{role}"
    user = accounts.get_user(name) or accounts.add_user(name, role, staff_load.PASSWORD)
    client = app.test_client()
    with client.session_transaction() as s:
        s["sid"] = accounts.create_session(user["id"])
        s["csrf"] = f"csrf-{role}"
    client.environ_base["HTTP_X_CSRF_TOKEN"] = f"csrf-{role}"
    return client


def _query_name(cypher: str) -> str:
    first = cypher.strip().splitlines()[0]
    return first.lstrip("/ ").split(":")[0][:60] if first.startswith("//") else first[:60]


def measure(store, data_dir: Path, *, top: int = 3, hubs: bool = False) -> list[dict]:
    from alumni_graph.web import create_app

    timed: list[tuple[float, str]] = []
    if getattr(store, "backend", "") == "neo4j":
        read = store.read

        def timed_read(cypher, params=None):
            t = time.perf_counter()
            try:
                return read(cypher, params)
            finally:
                timed.append(((time.perf_counter() - t) * 1000, _query_name(cypher)))

        store.read = timed_read
    if hubs:
        chosen = hub_routes(hubs_of(store, staff_load.pools_of(store, schools=3)))
    else:
        chosen = routes(staff_load.pools_of(store, schools=1)[0])
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "CACHE": False}, store=store)
    clients: dict = {}
    out = []
    for route, role, url in chosen:
        client = clients.get(role) or clients.setdefault(role, _client(app, role))
        timed.clear()
        t = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - t) * 1000
        status, size = response.status_code, len(response.get_data())
        slowest = sorted(timed, reverse=True)
        out.append({"route": route, "role": role, "url": url, "status": status, "ms": round(ms, 1), "bytes": size,
                    "queries": len(timed), "cypher_ms": round(sum(q[0] for q in timed), 1),
                    "slowest": [[round(q[0], 1), q[1]] for q in slowest[:top]]})
        print(f"{route:22s} {role:6s} {status} {ms:9.1f} ms {size / 1024:7.0f} KB  {len(timed)} queries, "
              f"{sum(q[0] for q in timed):.0f} ms in Cypher", flush=True)
        for q_ms, name in slowest[:top]:
            print(f"      {q_ms:9.1f}  {name}", flush=True)
    return out


def main(argv=None) -> None:
    from alumni_graph.graph_service.neo4j_store import Neo4jStore

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--neo4j-uri", required=True)
    ap.add_argument("--data-dir", type=Path, required=True, help="accounts go here")
    ap.add_argument("--out", type=Path, default=None, help="write the JSON here")
    ap.add_argument("--hubs", action="store_true",
                    help=f"instead: the graph JSON and firm page of each hub employer (over {HUB_DEGREE} "
                         "relationships) among the staff load's prospects, as humas, bkk and viewer")
    args = ap.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    store = Neo4jStore(args.neo4j_uri)
    try:
        result = measure(store, args.data_dir, hubs=args.hubs)
    finally:
        store.close()
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
