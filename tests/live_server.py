"""A real ``alumni-graph serve`` in a subprocess, and an HTTP client for it.

For faults that live in the real server (process memory, a background
reload, headers as a browser gets them): the installed command, a free port
on 127.0.0.1, a user logged in through the real login form (urllib, no
redirects followed so ``Location`` headers can be checked).
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin" / "alumni-graph"
PASSWORD = "kata-sandi-uji-123"


def cli_env(data_dir: Path, neo4j: dict | None = None, **extra) -> dict:
    """The environment for the installed command on one store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    env["ALUMNI_GRAPH_DATA_DIR"] = str(data_dir)
    if neo4j is None:
        env["ALUMNI_GRAPH_BACKEND"] = "embedded"
    else:
        env.update(ALUMNI_GRAPH_BACKEND="neo4j", NEO4J_URI=neo4j["uri"], NEO4J_USER=neo4j["user"],
                   NEO4J_PASSWORD=neo4j["password"],
                   NEO4J_DATABASE=os.environ.get("NEO4J_DATABASE", "neo4j"))
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_cli(env: dict, *args, stdin: str | None = None, timeout: int = 300, **kw):
    return subprocess.run([str(BIN), *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=timeout, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class LiveServer:
    """``with LiveServer(env) as srv: srv.login("admin"); srv.get("/")``."""

    def __init__(self, env: dict):
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())
        self.csrf = None

    def __enter__(self):
        self.proc = subprocess.Popen([str(BIN), "serve", "--port", str(self.port)], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while True:
            try:
                if self.request("GET", "/healthz").status in (200, 503):
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("the server ended: " + self.proc.stderr.read().decode()[-2000:])
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start within 120 s")
            time.sleep(0.2)

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def request(self, method: str, path: str, data: bytes | None = None,
                headers: dict | None = None, timeout: float = 300) -> Response:
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read())

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def login(self, name: str, password: str = PASSWORD, next_url: str = "/") -> Response:
        page = self.get("/masuk").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": name, "password": password, "next": next_url,
                                       "csrf_token": csrf}).encode()
        r = self.request("POST", "/masuk", body, {"Content-Type": "application/x-www-form-urlencoded"})
        home = self.get("/").text
        found = re.search(r'name="csrf_token" value="([^"]+)"', home) or re.search(
            r'name="csrf-token" content="([^"]+)"', home)
        self.csrf = found.group(1) if found else None
        return r

    def upload(self, path: str, files: list[tuple[str, bytes]]) -> Response:
        boundary = "----alumnigraphtest7d1f"
        parts = []
        for name, body in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                         f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                         + body + b"\r\n")
        data = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, data, {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRF-Token": self.csrf or "", "Accept": "application/json"})

    def pids(self) -> list[int]:
        """The server's processes: the gunicorn master and its workers."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [self.proc.pid, *map(int, children)]

    def rss_kb(self, field: str = "VmRSS") -> int:
        """The server's resident memory (or ``VmHWM``, the peak), in KiB: the
        sum over its processes (the master and the workers, not an upload's
        isolated child)."""
        total = 0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        if not total:
            raise RuntimeError(f"no {field}")
        return total
