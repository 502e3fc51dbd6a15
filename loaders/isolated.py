"""Load (or check) files in a separate process with a memory and a time limit.

The web's Impor data page parses what anyone with an admin login uploads. A
small hostile file (a 247 KB XLSX with one cell in column XFD on 50,000
rows, a 1 MB XLSX that unpacks to 250 MB of invalid cells) can make a
parser use gigabytes and minutes; in the server process that degrades every
user's requests and the memory stays taken. So the web never parses an
upload itself: :func:`load_isolated` runs :func:`loaders.load_files` in a
child Python process (``python -m loaders.isolated``) that

- opens its own connection to the same store (the embedded store's file or
  Neo4j), so a check compares with the stored data and a confirmed load
  writes through the store's own transactions;
- caps its address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``), and
  is killed by the parent at the wall-clock limit;
- hands back the report with at most ``max_problems`` problems per file (the
  rest counted in ``problems_total``), so what the server keeps and shows is
  bounded too.

A refusal is an :class:`UploadRefused` whose message says which limit and
what to do; the server process's memory does not grow with the file.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from alumni_graph.graph_service.errors import ParameterError

#: Problems kept per file (and overall) in a report from the child.
MAX_PROBLEMS = 200
#: New employers listed in a report (the rest counted).
MAX_NEW_EMPLOYERS = 500
#: The child's answer larger than this is refused unread (it never should be).
MAX_ANSWER_BYTES = 16 * 2**20
#: Log lines of the child passed on to the server's log.
MAX_LOG_RECORDS = 500
#: Children at once: each may use up to its memory limit.
CONCURRENT = 2
_SLOTS = threading.BoundedSemaphore(CONCURRENT)


@dataclass(frozen=True)
class Limits:
    """Per child: address space (MiB; the embedded store's graph is added,
    see :func:`memory_for`), CPU and wall-clock seconds."""

    memory_mb: int = 1024
    seconds: int = 120


class UploadRefused(ParameterError):
    """The files could not be checked or loaded within the limits (HTTP 400)."""


def memory_for(config, limits: Limits) -> int:
    """Bytes of address space for a child: the limit, plus room for the
    embedded store's graph (which the child reads: about 20 bytes in memory
    per byte of ``graph.json``)."""
    extra = 0
    if config.backend == "embedded":
        try:
            extra = 20 * (Path(config.data_dir) / "graph.json").stat().st_size
        except OSError:
            extra = 0
    return limits.memory_mb * 2**20 + extra


def config_of(store, batch_size: int | None = None, data_dir: Path | str | None = None):
    """A :class:`Config` that opens the same store as ``store`` in another
    process; ``data_dir`` (the app's) holds the state beside a Neo4j store,
    such as the stored rombel mapping (an embedded store's folder is its own)."""
    from alumni_graph.graph_service.config import Config

    if store.backend == "embedded":
        return Config(backend="embedded", data_dir=Path(store.data_dir),
                      batch_size=batch_size or store.batch_size)
    user, password = store.credentials()
    extra = {"data_dir": Path(data_dir)} if data_dir is not None else {}
    return Config(backend="neo4j", neo4j_uri=store.uri, neo4j_user=user,
                  neo4j_password=password, neo4j_database=store.database,
                  batch_size=batch_size or store.batch_size, **extra)


def load_isolated(config, files: list[tuple[str, Path]], *, dry_run: bool,
                  skip_invalid: bool = False, limits: Limits = Limits(),
                  max_problems: int = MAX_PROBLEMS) -> dict:
    """Run ``load_files`` on ``files`` (``(name shown, path)``) in a child
    process; return the report as a dict (``LoadReport.as_dict()`` with
    problems cut to ``max_problems`` and ``problems_total`` added).

    Raises :class:`UploadRefused` when the child runs out of memory or time
    or fails, and StoreUnavailable when it cannot open the store.
    """
    names = [f[0] for f in files]
    request = {
        "config": {"backend": config.backend, "data_dir": str(config.data_dir),
                   "neo4j_uri": config.neo4j_uri, "neo4j_user": config.neo4j_user,
                   "neo4j_password": config.neo4j_password,
                   "neo4j_database": config.neo4j_database, "batch_size": config.batch_size},
        # (name, path) or (name, path, kind picked for the file)
        "files": [[f[0], str(f[1]), f[2] if len(f) > 2 else None] for f in files],
        "dry_run": dry_run, "skip_invalid": skip_invalid,
        "memory_bytes": memory_for(config, limits), "cpu_seconds": limits.seconds,
        "max_problems": max_problems,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "ALUMNI_GRAPH_"))}
    # One thread for numeric libraries: their thread pools reserve address space.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1")
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    with _SLOTS:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "alumni_graph.loaders.isolated"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=root,
            start_new_session=True)
        try:
            out, err = proc.communicate(json.dumps(request).encode(), timeout=limits.seconds + 15)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise _refused("time", names, limits) from None
        finally:
            if proc.poll() is None:
                _kill(proc)
    seconds = time.monotonic() - started
    answer = None
    if len(out) <= MAX_ANSWER_BYTES:
        try:
            answer = json.loads(out.decode("utf-8"))
        except ValueError:
            answer = None
    if isinstance(answer, dict):
        _relog(answer.get("log"))
    if isinstance(answer, dict) and answer.get("ok"):
        report = answer["report"]
        report["seconds_isolated"] = round(seconds, 3)
        return report
    refused = answer.get("refused") if isinstance(answer, dict) else None
    if refused == "store":
        from alumni_graph.graph_service.errors import StoreUnavailable

        raise StoreUnavailable(answer.get("message") or "the store cannot be opened")
    if refused is None:
        rc = proc.returncode
        if rc in (-signal.SIGXCPU, -signal.SIGKILL) or seconds >= limits.seconds:
            refused = "time"
        elif (rc in (-signal.SIGABRT, -signal.SIGSEGV)
              or any(m in err[-4000:] for m in (b"MemoryError", b"memory allocation",
                                               b"Cannot allocate memory", b"bad_alloc"))):
            refused = "memory"  # Python's MemoryError, or a native reader's failed allocation
        else:
            refused = "failed"
    raise _refused(refused, names, limits)


def _relog(records) -> None:
    """The child's log lines (the loader's per-file summary: counts, no values)
    into this process's log, under the same logger names."""
    import logging

    for rec in (records or [])[:MAX_LOG_RECORDS]:
        try:
            name, level, message = rec
            if isinstance(name, str) and name.startswith("alumni_graph"):
                logging.getLogger(name).log(int(level), "%s", str(message)[:2000])
        except (TypeError, ValueError):
            continue


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.wait()


def _refused(why: str, names: list[str], limits: Limits) -> UploadRefused:
    files = ", ".join(names)
    if why == "memory":
        id_ = (f"{files}: berkas ini butuh lebih dari {limits.memory_mb} MB memori untuk dibaca "
               "(mungkin ada isi tersembunyi jauh di kanan atau bawah lembar kerja). Hapus baris dan "
               "kolom kosong di luar data, atau simpan ulang sebagai CSV, lalu unggah lagi.")
        en = (f"{files}: reading this file needs more than {limits.memory_mb} MB of memory "
              "(perhaps hidden content far right or below the data). Delete the empty rows and "
              "columns outside the data, or save it again as CSV, and upload it again.")
    elif why == "time":
        id_ = (f"{files}: pemeriksaan berkas ini melebihi batas {limits.seconds} detik. Pecah menjadi "
               "beberapa berkas yang lebih kecil atau simpan ulang sebagai CSV, lalu unggah lagi.")
        en = (f"{files}: checking this file took longer than the {limits.seconds} s limit. Split it "
              "into smaller files or save it again as CSV, and upload it again.")
    else:
        id_ = (f"{files}: berkas ini tidak bisa diproses (pembaca berhenti dengan galat). Simpan ulang "
               "sebagai XLSX atau CSV dari Excel/LibreOffice, lalu unggah lagi.")
        en = (f"{files}: this file could not be processed (the reader stopped with an error). Save it "
              "again as XLSX or CSV from Excel/LibreOffice, and upload it again.")
    return UploadRefused(f"{id_} / {en}", [{"param": "files", "value": files[:200], "reason": why,
                                             "message": en, "message_id": id_}])


def bounded(report: dict, max_problems: int = MAX_PROBLEMS) -> dict:
    """``report`` with at most ``max_problems`` problems per file and overall,
    the full counts in ``problems_total``; new employers cut likewise."""
    out = dict(report)
    files = []
    for f in report.get("files", []):
        f = dict(f)
        f["problems_total"] = len(f.get("problems") or [])
        f["problems"] = (f.get("problems") or [])[:max_problems]
        f["new_employers"] = (f.get("new_employers") or [])[:MAX_NEW_EMPLOYERS]
        files.append(f)
    out["files"] = files
    problems = report.get("problems") or []
    out["problems_total"] = len(problems)
    # errors and notes (level "warning") apart: the page's heading counts both
    out["notes_total"] = sum(1 for p in problems if p.get("level") == "warning")
    out["errors_total"] = len(problems) - out["notes_total"]
    out["problems"] = problems[:max_problems]
    out["new_employers_total"] = len(report.get("new_employers") or [])
    out["new_employers"] = (report.get("new_employers") or [])[:MAX_NEW_EMPLOYERS]
    return out


# -- the child ---------------------------------------------------------------------------

_LOG: list = []


def _answer(doc: dict, code: int = 0) -> None:
    doc["log"] = _LOG[:MAX_LOG_RECORDS]
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    os._exit(code)


def _child() -> None:
    import resource

    request = json.loads(sys.stdin.buffer.read(1 << 20).decode("utf-8"))
    mem = int(request["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = int(request["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    memory_reply = b'{"ok": false, "refused": "memory"}'  # allocated before memory runs out
    import logging

    class Collect(logging.Handler):
        def emit(self, record):
            if len(_LOG) < MAX_LOG_RECORDS:
                _LOG.append([record.name, record.levelno, record.getMessage()])

    root = logging.getLogger("alumni_graph")
    root.setLevel(logging.INFO)
    root.addHandler(Collect())
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    try:
        from alumni_graph.graph_service.config import Config
        from alumni_graph.graph_service.errors import AlumniGraphError
        from alumni_graph.security.private import private_umask
        from alumni_graph.graph_service.store import open_store
        from alumni_graph.loaders import load_files

        private_umask()
        c = request["config"]
        config = Config(backend=c["backend"], data_dir=Path(c["data_dir"]),
                        neo4j_uri=c["neo4j_uri"], neo4j_user=c["neo4j_user"],
                        neo4j_password=c["neo4j_password"], neo4j_database=c["neo4j_database"],
                        batch_size=int(c["batch_size"]))
        try:
            store = open_store(config)
        except AlumniGraphError as exc:
            _answer({"ok": False, "refused": "store", "message": exc.message}, 4)
        handles = [(f[0], open(f[1], "rb"), f[2] if len(f) > 2 else None) for f in request["files"]]
        try:
            with store:
                report = load_files(store, handles, dry_run=bool(request["dry_run"]),
                                    skip_invalid=bool(request["skip_invalid"]),
                                    data_dir=config.data_dir).as_dict()  # the stored rombel map
        finally:
            for h in handles:
                h[1].close()
        report = bounded(report, int(request["max_problems"]))
    except MemoryError:
        os.write(1, memory_reply)
        os._exit(3)
    _answer({"ok": True, "report": report})


if __name__ == "__main__":
    _child()
