"""Start and stop a throwaway Neo4j Community server built from Maven Central jars.

Used by the test suite (no Docker available); also runnable by hand:
    python -m tools.neo4j.launcher [--work-dir DIR] [--port PORT]
"""

from __future__ import annotations

import argparse
import atexit
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import neo4j

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
POM = HERE / "pom.xml"
DEFAULT_LIB_DIR = REPO_ROOT / ".cache" / "neo4j" / "lib"
# Neo4j 5.26 needs Java 17; a newer JDK may be first on PATH, so never rely on PATH.
DEFAULT_JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
#: What ``bin/neo4j-admin`` runs (``neo4j-admin database import full`` etc.).
ADMIN_CLASS = "org.neo4j.cli.AdminTool"

# What the official neo4j.conf passes via server.jvm.additional. CommunityEntryPoint
# never reads those keys (the bin/neo4j script does), so we pass them ourselves.
# Without the --add-opens flags the page cache and transaction logs fall back to
# slower, degraded code paths (warnings in debug.log).
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


#: For a server that lives minutes, like a test run's: the client compiler only
#: (C1). It answers many small queries once each, and C2's compiler threads cost
#: about half its CPU: measured on the 2-core box, start 14.7 -> 7.7 CPU-seconds,
#: tests/test_queries_edge.py's 41 Neo4j tests 34 -> 18.5. Never for a school's server.
SHORT_LIVED_FLAGS = ("-XX:TieredStopAtLevel=1",)


def pinned_version() -> str:
    """The Neo4j version pinned in pom.xml (the single place to change it)."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    version = ET.parse(POM).getroot().findtext("m:properties/m:neo4j.version", namespaces=ns)
    if not version:
        raise RuntimeError(f"no <neo4j.version> property in {POM}")
    return version.strip()


def fetch_jars(lib_dir: Path | None = None) -> Path:
    """Make sure lib_dir holds the runtime jars of the pinned version; return it."""
    lib_dir = Path(lib_dir or DEFAULT_LIB_DIR).resolve()
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    # Test workers (pytest -n) start at once: one fetches, the others wait for it
    # and then find the jars, rather than swapping the directory under a JVM.
    with open(lib_dir.parent / ".fetch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _fetch_jars(lib_dir)


def _fetch_jars(lib_dir: Path) -> Path:
    version = pinned_version()
    marker = lib_dir / f".neo4j-{version}"
    if marker.exists() and any(lib_dir.glob("*.jar")):
        return lib_dir

    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("mvn not found on PATH; it is needed once to fetch the Neo4j jars")

    # Download into a scratch dir and swap it in at the end, so an interrupted
    # download or jars of an older pinned version never end up on the classpath.
    scratch = Path(tempfile.mkdtemp(prefix="lib.", dir=lib_dir.parent))
    cmd = [
        mvn, "-B", "-q", "-f", str(POM),
        "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies",
        "-DincludeScope=runtime", f"-DoutputDirectory={scratch}",
    ]
    try:
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0 or not any(scratch.glob("*.jar")):
            tail = "\n".join(result.stdout.splitlines()[-30:])
            raise RuntimeError(
                f"mvn failed (exit {result.returncode}) fetching Neo4j {version} jars:\n{tail}"
            )
        (scratch / marker.name).touch()
        scratch.chmod(0o755)  # mkdtemp makes it 0700; the rename would keep that
        if lib_dir.exists():
            shutil.rmtree(lib_dir)
        scratch.rename(lib_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return lib_dir


@dataclass
class Neo4jServer:
    uri: str
    pid: int
    port: int
    work_dir: Path
    started_in_seconds: float
    version: str = ""
    _proc: subprocess.Popen = field(repr=False, compare=False, default=None)

    def alive(self) -> bool:
        return self._proc.poll() is None

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM (clean shutdown), then SIGKILL after timeout. Returns the exit code."""
        atexit.unregister(self.stop)
        # Popen only reaps the child in poll()/wait(), so until then self.pid
        # cannot be recycled: signalling it always hits our own JVM.
        if self._proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self._proc.wait()
        return self._proc.returncode

    def __enter__(self) -> Neo4jServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _write_conf(work_dir: Path, port: int, pagecache: str) -> None:
    settings = {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "false",
        "server.memory.pagecache.size": pagecache,
        "dbms.usage_report.enabled": "false",
        # Netty waits a 5 s quiet period per event-loop group (two of them) on
        # shutdown; that made every stop take ~10 s. Nothing to drain in tests.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
    }
    for name in ("data", "logs", "run", "import", "plugins"):
        settings[f"server.directories.{name}"] = str(work_dir / name)
    conf_dir = work_dir / "conf"
    conf_dir.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{k}={v}\n" for k, v in settings.items())
    (conf_dir / "neo4j.conf").write_text(text)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


def _query_ready(uri: str) -> str | None:
    """Return the server version once Bolt answers queries, else None."""
    try:
        with neo4j.GraphDatabase.driver(uri, auth=None, connection_timeout=2) as driver:
            with driver.session() as session:
                session.run("RETURN 1").consume()
                record = session.run(
                    "CALL dbms.components() YIELD name, versions "
                    "WHERE name = 'Neo4j Kernel' RETURN versions[0] AS v"
                ).single()
                return record["v"] if record else "unknown"
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
        return None


def start(
    work_dir: Path,
    *,
    port: int | None = None,
    heap: str = "512m",
    pagecache: str = "128m",
    timeout: float = 180,
    lib_dir: Path | None = None,
    keep_data: bool = False,
    jvm_flags: tuple[str, ...] = (),
) -> Neo4jServer:
    """Start a server whose home is ``work_dir``. Its ``data`` directory is
    emptied first unless ``keep_data`` (e.g. a database built by
    :func:`run_admin` with ``database import full``). ``jvm_flags`` go after
    the usual ones (the tests pass :data:`SHORT_LIVED_FLAGS`)."""
    work_dir = Path(work_dir).resolve()
    lib = fetch_jars(lib_dir)
    java = os.environ.get("NEO4J_TEST_JAVA", DEFAULT_JAVA)
    if not os.access(java, os.X_OK):
        raise RuntimeError(f"Java 17 not found at {java} (set NEO4J_TEST_JAVA to override)")

    if port is None:
        port = _free_port()
    elif not _port_is_free(port):
        # Otherwise the readiness probe could succeed against someone else's server.
        raise RuntimeError(f"port {port} on 127.0.0.1 is already in use")

    # A store or lock left by a killed run makes the start fail (exit code 2).
    for name in ("run",) if keep_data else ("data", "run"):
        shutil.rmtree(work_dir / name, ignore_errors=True)
    _write_conf(work_dir, port, pagecache)

    cmd = [
        java, f"-Xms{heap}", f"-Xmx{heap}", *JVM_FLAGS, *jvm_flags,
        "-cp", f"{lib}/*", MAIN_CLASS,
        f"--home-dir={work_dir}", f"--config-dir={work_dir / 'conf'}", "--console-mode",
    ]
    out_path = work_dir / "neo4j.out"
    began = time.monotonic()
    with open(out_path, "wb") as out:
        # Own session: a Ctrl-C in the terminal reaches only Python, which then
        # shuts the server down cleanly instead of the JVM dying mid-write.
        proc = subprocess.Popen(
            cmd, cwd=work_dir, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
    uri = f"bolt://127.0.0.1:{port}"
    server = Neo4jServer(uri=uri, pid=proc.pid, port=port, work_dir=work_dir,
                         started_in_seconds=0.0, _proc=proc)
    try:
        deadline = began + timeout
        while True:
            if proc.poll() is not None:
                problem = f"exited with code {proc.returncode} before it was ready"
                break
            if time.monotonic() > deadline:
                server.stop(timeout=10)
                problem = f"not ready after {timeout:.0f}s (stopped, exit code {proc.returncode})"
                break
            version = _query_ready(uri)
            if version is not None:
                server.version = version
                server.started_in_seconds = round(time.monotonic() - began, 2)
                # Safety net for callers that forget stop(): no JVM outlives Python.
                atexit.register(server.stop)
                return server
            time.sleep(0.25)
    except BaseException:
        server.stop(timeout=10)
        raise
    raise RuntimeError(f"Neo4j {problem}; last lines of {out_path}:\n{_tail(out_path)}")


def run_admin(
    work_dir: Path,
    args: list[str],
    *,
    heap: str = "1g",
    timeout: float = 900,
    lib_dir: Path | None = None,
) -> subprocess.CompletedProcess:
    """Run ``neo4j-admin ARGS`` (``org.neo4j.cli.AdminTool`` from the same jars)
    on the home ``work_dir``, with the configuration :func:`start` uses, so
    e.g. ``["database", "import", "full", ...]`` builds the database a later
    ``start(work_dir, keep_data=True)`` serves. Output is captured (text);
    the caller checks ``returncode``."""
    work_dir = Path(work_dir).resolve()
    lib = fetch_jars(lib_dir)
    java = os.environ.get("NEO4J_TEST_JAVA", DEFAULT_JAVA)
    if not os.access(java, os.X_OK):
        raise RuntimeError(f"Java 17 not found at {java} (set NEO4J_TEST_JAVA to override)")
    if not (work_dir / "conf" / "neo4j.conf").exists():
        _write_conf(work_dir, _free_port(), "128m")
    env = {**os.environ, "NEO4J_HOME": str(work_dir), "NEO4J_CONF": str(work_dir / "conf")}
    cmd = [java, f"-Xmx{heap}", *JVM_FLAGS, "-cp", f"{lib}/*", ADMIN_CLASS, *args]
    return subprocess.run(cmd, cwd=work_dir, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path,
                        help="server home (conf, data, logs); default: a temp dir removed on exit")
    parser.add_argument("--port", type=int, help="Bolt port; default: a free one")
    args = parser.parse_args(argv)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # Treat SIGTERM like Ctrl-C so both end in a clean server.stop(). SIGINT is set
    # explicitly: a shell starts background jobs with it ignored, and Python keeps that.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="neo4j-test-"))
    try:
        fetch_jars()
        with start(work_dir, port=args.port) as server:
            print(f"uri: {server.uri}\nversion: {server.version}\n"
                  f"started in {server.started_in_seconds}s (pid {server.pid}, home {work_dir})\n"
                  "Ctrl-C to stop.", flush=True)
            server._proc.wait()
            print(f"Neo4j exited on its own (code {server._proc.returncode}); see {work_dir}/neo4j.out")
            return 1
    except KeyboardInterrupt:
        print("stopped.")
        return 0
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        if args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
