"""The production server of ``alumni-graph serve``: waitress, one process of
``THREADS`` threads (default 8); with ``WORKERS`` above 1, gunicorn,
``WORKERS`` processes of ``THREADS`` threads each (``gthread``).

Why one process by default (bench/RESULTS.md, "Which server"; measured on the
shared 2-core box with 20 staff at once, the staff-load mix of
bench/staff_load.py): with the result cache (web/cache.py) most requests are
answered from memory, and the cache lives in each process, so two processes
compute every page twice and each keeps half the answers; one waitress
process served 14.5 and 18.6 requests/s with p95 2.4 s and 1.7 s, two
gunicorn workers 9.9 and 8.9 (keep-alive) and 3.0 and 5.5 (without) on the
same mix. More processes pay off where the work is not Python in the server:
Neo4j answering on its own cores; ``--workers`` is there for that.

With several processes the app stays correct: each worker builds its own app
and store after the fork; the embedded store's writes take its file lock and
start from the newest file, every request syncs first (web/cache.py keys
answers by the store's version), and the login and tracer limits are shared
(security/limits.py). No access log: URLs can hold NISNs and names.
"""
from __future__ import annotations

import socket

#: How long a stop waits for running requests (gunicorn).
GRACEFUL_SECONDS = 30


def check_port(host: str, port: int) -> None:
    """OSError now when ``host:port`` cannot be listened on (gunicorn would
    retry for seconds and then print its own lines)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))


def serve(config, host: str, port: int, *, workers: int, threads: int, app=None) -> None:
    """Serve until stopped: waitress in this process (``workers`` 1, the
    given ``app``), or gunicorn with this process as its master."""
    if workers <= 1:
        import waitress

        from alumni_graph.web import create_app

        waitress.serve(app or create_app(config=config), host=host, port=port, threads=threads,
                       ident="alumni-graph")
        return
    from gunicorn.app.base import BaseApplication

    check_port(host, port)

    class Server(BaseApplication):
        def load_config(self):
            for name, value in {
                "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
                "workers": workers, "worker_class": "gthread", "threads": threads,
                "keepalive": 2, "graceful_timeout": GRACEFUL_SECONDS, "timeout": 120,
                "accesslog": None, "loglevel": "warning", "proc_name": "alumni-graph",
                "preload_app": False,
            }.items():
                self.cfg.set(name, value)

        def load(self):  # in each worker, after the fork: its own app and store
            from alumni_graph.web import create_app

            return create_app(config=config)

    Server().run()
