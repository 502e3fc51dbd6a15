"""The shared machinery of ``python -m bench``: scales, the data and stores
every measurement shares, repeated timing, the bars, and the report.

Timing rules: each measured thing gets warm-up runs that are thrown away,
then ``runs`` timed runs (at least 5 unless a section says otherwise, e.g.
whole loads at M); we report the median and the p95 (nearest rank). Things
compared against each other (batched vs one row per transaction, batch
sizes, pure vs Rust driver) are interleaved round by round, so a burst of
background load hits both sides alike: on this shared 2-core machine
absolute numbers move with the load average, ratios measured side by side
are what counts.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 2026


@dataclass(frozen=True)
class Scale:
    name: str
    schools: int
    about: str
    heap: str  # Neo4j heap and page cache for this scale
    pagecache: str
    #: Timed runs of whole-dataset loads (a load at M takes minutes).
    load_runs: int
    #: Persons in the batch-size curve's workload (with their relationships).
    curve_persons: int
    curve_runs: int


SCALES = {
    "S": Scale("S", 3, "three demo schools: about 20k nodes, 46k relationships",
               heap="1g", pagecache="1g", load_runs=5, curve_persons=10_000, curve_runs=5),
    "K": Scale("K", 20, "a regency (kabupaten): 20 schools, about 130k nodes, 310k relationships",
               heap="2g", pagecache="2g", load_runs=1, curve_persons=20_000, curve_runs=2),
    "M": Scale("M", 160, "a province slice of 160 schools: about 1M nodes, 2.4M relationships",
               heap="3g", pagecache="3g", load_runs=1, curve_persons=50_000, curve_runs=2),
}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (as bench/query_latency.py)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * p / 100))
    return ordered[rank - 1]


@dataclass
class Stats:
    values: list[float]
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        return percentile(self.values, 95)

    def as_dict(self) -> dict:
        return {"unit": self.unit, "runs": len(self.values), "median": _round(self.median),
                "p95": _round(self.p95), "min": _round(min(self.values)),
                "max": _round(max(self.values)), "values": [_round(v) for v in self.values]}


def _round(x: float) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    digits = max(0, 3 - int(math.floor(math.log10(abs(x)))))
    return round(x, digits)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    out = fn()
    return time.perf_counter() - began, out


def repeat(fn: Callable[[], object], *, runs: int, warmup: int = 1,
           setup: Callable[[], object] | None = None, unit: str = "s") -> Stats:
    """Run ``setup`` (untimed) and ``fn`` (timed) warmup + runs times."""
    values = []
    for i in range(warmup + runs):
        if setup is not None:
            setup()
        seconds, _ = timed(fn)
        if i >= warmup:
            values.append(seconds * 1000 if unit == "ms" else seconds)
    return Stats(values, unit)


def interleaved(fns: dict[str, Callable[[], object]], *, runs: int, warmup: int = 1,
                setup: Callable[[str], object] | None = None, unit: str = "s") -> dict[str, Stats]:
    """Like :func:`repeat` for several contenders, alternating them round by round."""
    values: dict[str, list[float]] = {k: [] for k in fns}
    for i in range(warmup + runs):
        for name, fn in fns.items():
            if setup is not None:
                setup(name)
            seconds, _ = timed(fn)
            if i >= warmup:
                values[name].append(seconds * 1000 if unit == "ms" else seconds)
    return {k: Stats(v, unit) for k, v in values.items()}


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def lift_reader_limits() -> None:
    """Let the loaders read a scale's whole files: at M one ``siswa.csv``
    holds about a million rows, past the readers' hard limits for a school's
    upload (:mod:`loaders.limits`: 200,000 rows, 5 million cells, 120 s per
    file). The bench's files are its own generated data, so the limits are
    raised for this process, as that module says to."""
    from alumni_graph.loaders import readers, sheets
    from alumni_graph.loaders.limits import Limits

    lifted = Limits(max_rows=5_000_000, max_cells=200_000_000, max_workbook_cells=200_000_000,
                    max_seconds=3600.0)
    readers.DEFAULT_LIMITS = sheets.DEFAULT_LIMITS = lifted


@dataclass
class Bar:
    id: str
    what: str
    target: str
    value: str
    met: bool | None | str  # None: not measured; "info": a number without a bar
    note: str = ""


@dataclass
class Bench:
    scale: Scale
    work: Path
    out_dir: Path
    runs: int = 5
    neo4j_uri: str | None = None  # an external Neo4j (CLEARED); default: start one
    load_parts: set = field(default_factory=set)  # empty: every part of section load
    results: dict = field(default_factory=dict)
    bars: list[Bar] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)
    _files: dict | None = None
    _embedded = None
    _server = None
    _neo4j_loaded: bool = False
    started: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        lift_reader_limits()

    # -- output -----------------------------------------------------------
    def log(self, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        line = f"[{stamp} +{time.time() - self.started:6.0f}s] {text}"
        self.log_lines.append(line)
        print(line, flush=True)

    def part(self, name: str) -> bool:
        return not self.load_parts or name in self.load_parts

    def merge_earlier(self, path: Path, rerun: list[str]) -> None:
        """Start from an earlier run's results: its bars (replaced by id when
        re-measured) and its sections' numbers (updated key by key)."""
        if not path.exists():
            return
        old = json.loads(path.read_text(encoding="utf-8"))
        self.results = old.get("results", {})
        errors = self.results.get("errors", {})
        for name in rerun:
            errors.pop(name, None)
        self.bars = [Bar(**b) for b in old.get("bars", [])]
        self.results.setdefault("merged_runs", []).append(old.get("date"))
        self.log(f"merging into the results of the run of {old.get('date')}")

    def bar(self, id: str, what: str, target: str, value: str, met, note: str = "") -> None:
        self.bars = [b for b in self.bars if b.id != id]
        self.bars.append(Bar(id, what, target, value, met, note))
        mark = {True: "MET", False: "NOT MET", None: "not measured", "info": "measured"}[met]
        self.log(f"bar {id}: {what}: {value} (target {target}) -> {mark}" + (f"; {note}" if note else ""))

    # -- shared data ------------------------------------------------------
    def files(self) -> dict[str, Path]:
        """The generated loader files of this scale (generated once per work dir)."""
        if self._files is None:
            from alumni_graph.demo import KINDS, generate_demo

            folder = self.work / f"data-{self.scale.name}-{self.scale.schools}-{SEED}"
            marker = folder / ".complete"
            if marker.exists():
                self._files = {k: folder / f"{k}.csv" for k in KINDS}
                self.log(f"reusing generated data in {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
                seconds, files = timed(lambda: generate_demo(folder, seed=SEED, schools=self.scale.schools))
                marker.touch()
                self._files = files
                self.results.setdefault("data", {})["generate_seconds"] = round(seconds, 1)
                self.log(f"generated {self.scale.schools} schools in {seconds:.1f} s into {folder}")
            self.results.setdefault("data", {})["rows"] = {
                k: _count_lines(p) - 1 for k, p in self._files.items()}
        return self._files

    def embedded(self):
        """An embedded store loaded with the scale's files (loaded once)."""
        if self._embedded is None:
            from alumni_graph.graph_service.embedded import EmbeddedStore
            from alumni_graph.loaders import load_paths

            ready = self.work / f"embedded-{self.scale.name}.ready"
            if ready.exists():  # the store an earlier run of section embedded left
                seconds, store = timed(lambda: EmbeddedStore(ready.read_text().strip()))
                self.log(f"embedded store reopened from {store.data_dir} in {seconds:.1f} s")
                self._embedded = store
                self.note_counts(store)
                return store
            path = self.work / f"embedded-{self.scale.name}"
            shutil.rmtree(path, ignore_errors=True)
            store = EmbeddedStore(path)
            before = rss_mb()
            seconds, report = timed(lambda: load_paths(store, list(self.files().values())))
            if not report.ok:
                raise SystemExit(report.render()[:5000])
            self.log(f"embedded store loaded in {seconds:.1f} s")
            self.results.setdefault("data", {})["embedded_load"] = {
                "seconds": round(seconds, 1), "rss_mb_before": round(before),
                "rss_mb_after": round(rss_mb())}
            # Later runs with the same --work reopen it instead of loading again.
            self.set_embedded(store, remember=True)
            self.note_counts(store)
        return self._embedded

    def note_counts(self, store) -> None:
        from alumni_graph.graph_service.schema import NODE_TYPES, REL_TYPES

        counts = {"nodes": store.count_nodes(), "relationships": store.count_relationships()}
        counts["by_label"] = {label: store.count_nodes(label) for label in NODE_TYPES}
        counts["by_type"] = {t: store.count_relationships(t) for t in REL_TYPES}
        self.results.setdefault("data", {})["counts"] = counts

    def set_embedded(self, store, remember: bool = False) -> None:
        self._embedded = store
        if remember:  # later runs with the same --work reopen it instead of loading again
            (self.work / f"embedded-{self.scale.name}.ready").write_text(str(store.data_dir))

    def uri(self) -> str:
        if self.neo4j_uri:
            return self.neo4j_uri
        if self._server is None:
            from tools.neo4j.launcher import fetch_jars, start

            fetch_jars()
            # An earlier run with the same --work that loaded the whole
            # dataset left its database: keep it (neo4j_loaded() checks the counts).
            keep = self._neo4j_marker().exists()
            self._server = start(self.work / "neo4j", heap=self.scale.heap,
                                 pagecache=self.scale.pagecache, timeout=300, keep_data=keep)
            self.results.setdefault("settings", {})["neo4j_version"] = self._server.version
            self.log(f"Neo4j {self._server.version} on {self._server.uri} (heap {self.scale.heap}, "
                     f"page cache {self.scale.pagecache}), started in {self._server.started_in_seconds} s")
        return self._server.uri

    def neo4j(self, batch_size: int = 5000):
        from alumni_graph.graph_service.neo4j_store import Neo4jStore

        return Neo4jStore(self.uri(), batch_size=batch_size)

    def neo4j_loaded(self):
        """A Neo4j store holding the whole dataset (batched store-level load if
        no earlier section left it loaded)."""
        store = self.neo4j()
        emb = self.embedded()
        same = (store.count_nodes() == emb.count_nodes()
                and store.count_relationships() == emb.count_relationships())
        if not same or not (self._neo4j_loaded or self._neo4j_marker().exists()):
            self._neo4j_marker().unlink(missing_ok=True)
            store.clear()
            store.init_schema()
            seconds, _ = timed(lambda: write_all(store, emb))
            self.log(f"Neo4j loaded (store level, batched) in {seconds:.1f} s")
            self.results.setdefault("data", {})["neo4j_load"] = {"seconds": round(seconds, 1),
                                                                  "how": "store level, batched"}
            self._neo4j_marker().touch()
        elif not self._neo4j_loaded:
            self.log("Neo4j: the database an earlier run loaded is complete (same counts); reused")
        self._neo4j_loaded = True
        return store

    def _neo4j_marker(self) -> Path:
        return self.work / f"neo4j-{self.scale.name}.loaded"

    def mark_neo4j_loaded(self, loaded: bool = True) -> None:
        self._neo4j_loaded = loaded
        if loaded:
            self._neo4j_marker().touch()
        else:  # a section changed the database: the next run reloads it
            self._neo4j_marker().unlink(missing_ok=True)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    # -- the report -------------------------------------------------------
    def document(self) -> dict:
        return {
            "scale": self.scale.name,
            "about": self.scale.about,
            "date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "wall_seconds": round(time.time() - self.started, 1),
            "machine": machine(),
            "versions": versions(),
            "settings": {"schools": self.scale.schools, "seed": SEED, "runs": self.runs,
                         "neo4j_heap": self.scale.heap, "neo4j_pagecache": self.scale.pagecache,
                         "default_batch_size": _default_batch(),
                         **self.results.get("settings", {})},
            "results": {k: v for k, v in self.results.items() if k != "settings"},
            "bars": [b.__dict__ for b in self.bars],
        }

    def write(self) -> Path:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        doc = self.document()
        path = self.out_dir / f"bench-{self.scale.name}.json"
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        return path


def _default_batch() -> int:
    from alumni_graph.graph_service.config import Config

    return Config().batch_size


def _count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


# -- the web app's login -------------------------------------------------------

BENCH_USER = "bench-admin"
BENCH_PASSWORD = "bench-password-not-secret"  # a throwaway account in a throwaway data dir


def web_credentials(data_dir: Path) -> str | None:
    """Create the bench's admin account in the web app's data directory and
    return an API token for it (None if this version of the app has no login)."""
    try:
        from alumni_graph.security.accounts import Accounts
    except ImportError:
        return None
    accounts = Accounts(data_dir)
    if accounts.get_user(BENCH_USER) is None:
        accounts.add_user(BENCH_USER, "admin", BENCH_PASSWORD)
    return accounts.create_token(BENCH_USER, "bench")[1]


# -- writing a whole store into another at the store level --------------------

def node_rows(store, label: str) -> Iterator[dict]:
    """A store's nodes of ``label`` as upsert rows (provenance dropped)."""
    for props in store.iter_nodes(label):
        yield {k: v for k, v in props.items() if k not in ("source", "loaded_at")}


def rel_rows(store, type_: str, start: str, end: str) -> Iterator[dict]:
    for row in store.iter_relationships(type_, start_label=start, end_label=end):
        props = {k: v for k, v in row["props"].items() if k not in ("source", "loaded_at")}
        yield {"start": row["start"], "end": row["end"], "props": props}


def write_all(target, source, *, only_nodes: bool = False, only_rels: bool = False) -> dict:
    """Upsert every node, then every relationship, of ``source`` into
    ``target``; return the seconds and rows per phase."""
    from alumni_graph.graph_service.schema import NODE_TYPES, REL_TYPES

    out = {"node_rows": 0, "rel_rows": 0, "node_seconds": 0.0, "rel_seconds": 0.0}
    if not only_rels:
        for label in NODE_TYPES:
            rows = list(node_rows(source, label))
            seconds, counts = timed(lambda: target.upsert_nodes(label, rows, source="bench"))
            out["node_rows"] += len(rows)
            out["node_seconds"] += seconds
    if not only_nodes:
        for rt in REL_TYPES.values():
            for start in rt.start:
                for end in rt.end:
                    rows = list(rel_rows(source, rt.type, start, end))
                    seconds, counts = timed(lambda: target.upsert_relationships(
                        rt.type, rows, start_label=start, end_label=end, source="bench"))
                    if counts.missing:
                        raise RuntimeError(f"{counts.missing} {rt.type} rows lacked endpoints")
                    out["rel_rows"] += len(rows)
                    out["rel_seconds"] += seconds
    return out


# -- machine and versions -----------------------------------------------------

def machine() -> dict:
    info = {"cpus": os.cpu_count(), "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
        with open("/proc/meminfo") as f:
            mem = dict(line.split(":", 1) for line in f)
        info["memory_gb"] = round(int(mem["MemTotal"].split()[0]) / 2**20, 1)
        info["memory_available_gb"] = round(int(mem["MemAvailable"].split()[0]) / 2**20, 1)
    except (OSError, StopIteration, KeyError):
        pass
    return info


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _cmd_version(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else None


def versions() -> dict:
    from tools.neo4j.launcher import DEFAULT_JAVA, pinned_version

    git = _cmd_version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = bool(_cmd_version(["git", "-C", str(ROOT), "status", "--porcelain"]))
    return {
        "python": sys.version.split()[0],
        "neo4j_server": pinned_version(),
        "java": _cmd_version([os.environ.get("NEO4J_TEST_JAVA", DEFAULT_JAVA), "-version"]),
        "neo4j_driver": _version("neo4j"),
        "neo4j_rust_ext": _version("neo4j-rust-ext"),
        "networkx": _version("networkx"),
        "flask": _version("flask"),
        "waitress": _version("waitress"),
        "gunicorn": _version("gunicorn"),
        "playwright": _version("playwright"),
        "chromium": _cmd_version(["/usr/bin/chromium", "--version"]),
        "wrk": shutil.which("wrk") and (_cmd_version(["wrk", "--version"]) or "present"),
        "git": f"{git}{' (uncommitted changes)' if dirty else ''}",
    }
