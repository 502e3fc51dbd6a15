"""Peak memory and time of checking an upload: hostile files and the demo files.

Two ways to check a file, as the web's Impor data page does (a dry run
against the store):

- ``inprocess``: ``loaders.load_files(..., dry_run=True)`` in the measuring
  process, as the web did before issue 12 (the server's own memory);
- ``isolated``: ``loaders.isolated.load_isolated`` (what the web does now):
  the server process's memory growth, and the child's peak, which its
  ``RLIMIT_AS`` bounds.

Each measurement runs in a fresh Python process (so peaks do not mix), with a
safety cap for the in-process way (address space ``--cap-mb``, wall clock
``--timeout``) so the bench cannot take the machine down; a capped run is
reported as such. Run it::

    python -m bench.hostile_upload --out /tmp/hostile            # both ways, all files
    PYTHONPATH=/old/checkout python -m bench.hostile_upload --mode inprocess   # an older tree

Results are in bench/RESULTS.md ("Hostile uploads").
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MEASURE = r"""
import json, os, resource, sys, time
from pathlib import Path
mode, data_dir, limit_mb, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
files = [(Path(p).name, Path(p)) for p in sys.argv[5:]]
from alumni_graph.graph_service.config import Config
from alumni_graph.graph_service.store import open_store

def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

config = Config(backend="embedded", data_dir=Path(data_dir))
store = open_store(config)
store.count_nodes()
import alumni_graph.loaders as loaders  # noqa: F401 (imported before the baseline)
base = rss_kb()
t0 = time.perf_counter()
out = {"mode": mode}
if mode == "inprocess":
    from alumni_graph.loaders import load_files
    handles = [(n, open(p, "rb")) for n, p in files]
    try:
        report = load_files(store, handles, dry_run=True).as_dict()
        out["result"] = "checked"
        out["problems"] = len(report["problems"])
        out["report_json_bytes"] = len(json.dumps(report, ensure_ascii=False))
    except MemoryError:
        out["result"] = "MemoryError (cap)"
else:
    from alumni_graph.loaders.isolated import Limits, UploadRefused, load_isolated
    try:
        report = load_isolated(config, files, dry_run=True, limits=Limits(memory_mb=limit_mb, seconds=seconds))
        out["result"] = "checked"
        out["problems"] = report.get("problems_total")
        out["report_json_bytes"] = len(json.dumps(report, ensure_ascii=False))
    except UploadRefused as exc:
        out["result"] = "refused: " + exc.errors[0]["reason"]
    out["child_peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
out["seconds"] = round(time.perf_counter() - t0, 1)
out["server_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
out["server_growth_mb"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)
out["server_rss_after_mb"] = round(rss_kb() / 1024)
print(json.dumps(out))
"""


def measure(mode: str, files: list[Path], data_dir: Path, *, cap_mb: int, timeout: int,
            limit_mb: int, seconds: int) -> dict:
    def cap():
        import resource

        if mode == "inprocess":
            resource.setrlimit(resource.RLIMIT_AS, (cap_mb * 2**20, cap_mb * 2**20))

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.setdefault("PYTHONPATH", str(ROOT))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", MEASURE, mode, str(data_dir), str(limit_mb),
                             str(seconds), *map(str, files)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=cap, env=env)
    peak_kb = 0  # watched from outside too: a run killed at the cap still has a peak
    while proc.poll() is None and time.perf_counter() - started < timeout:
        try:
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.5)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        return {"mode": mode, "result": f"killed after {timeout} s (cap)", "seconds": timeout,
                "server_peak_mb": round(peak_kb / 1024)}
    stdout, stderr = proc.communicate()
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if not lines:
        tail = (stderr.strip().splitlines() or ["?"])[-1][:120]
        return {"mode": mode, "result": f"crashed: {tail}", "server_peak_mb": round(peak_kb / 1024),
                "seconds": round(time.perf_counter() - started, 1)}
    return json.loads(lines[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "alumni-graph-hostile")
    ap.add_argument("--mode", choices=["inprocess", "isolated", "both"], default="both")
    ap.add_argument("--only", nargs="*", help="file labels: xfd, 256mb, demo")
    ap.add_argument("--cap-mb", type=int, default=3072, help="address-space cap of an in-process run")
    ap.add_argument("--timeout", type=int, default=180)
    ap.add_argument("--limit-mb", type=int, default=1024, help="the isolated child's memory limit")
    ap.add_argument("--seconds", type=int, default=120, help="the isolated child's time limit")
    args = ap.parse_args(argv)

    from bench.hostile_files import problems_xlsx, xfd_xlsx

    args.out.mkdir(parents=True, exist_ok=True)
    data_dir = args.out / "data"
    demo = args.out / "demo-input"
    if not demo.is_dir():
        from alumni_graph.demo import generate_demo

        generate_demo(demo, seed=2026, schools=1)
        from alumni_graph.graph_service.embedded import EmbeddedStore
        from alumni_graph.loaders import load_paths

        load_paths(EmbeddedStore(data_dir), sorted(demo.iterdir()))
    cases = {
        "xfd": [args.out / "siswa-xfd.xlsx"],
        "256mb": [args.out / "siswa-256mb.xlsx"],
        "demo": sorted(p for p in demo.iterdir() if p.suffix == ".csv"),
    }
    if not cases["xfd"][0].exists():
        xfd_xlsx(cases["xfd"][0])
    if not cases["256mb"][0].exists():
        problems_xlsx(cases["256mb"][0])
    modes = ["inprocess", "isolated"] if args.mode == "both" else [args.mode]
    print(f"{'file':8} {'mode':10} {'result':28} {'s':>6} {'server peak':>11} {'growth':>7} "
          f"{'child peak':>10} {'report':>9}")
    for label, files in cases.items():
        if args.only and label not in args.only:
            continue
        size = sum(f.stat().st_size for f in files) // 1024
        for mode in modes:
            m = measure(mode, files, data_dir, cap_mb=args.cap_mb, timeout=args.timeout,
                        limit_mb=args.limit_mb, seconds=args.seconds)
            print(f"{label:8} {mode:10} {m['result'][:28]:28} {m.get('seconds', ''):>6} "
                  f"{str(m.get('server_peak_mb', '-')) + ' MB':>11} "
                  f"{str(m.get('server_growth_mb', '-')) + ' MB':>7} "
                  f"{str(m.get('child_peak_mb', '-')) + ' MB':>10} "
                  f"{str(m.get('report_json_bytes', '-')):>9}   ({size} KB)", flush=True)


if __name__ == "__main__":
    main()
