"""The production server of ``alumni-graph serve``: gunicorn, ``WORKERS``
processes of ``THREADS`` threads each (``gthread``), no keep-alive.

Why (bench/RESULTS.md, "Staff load" and "Which server"; measured on the
2-core box with 20 staff at once): one process serves Python code on one
core at a time (the GIL), so a second core needs a second process; and with
keep-alive one worker often ends up holding most of the browsers'
connections while the other idles, whereas without it each request goes to
whichever worker is free to accept it. On a school LAN a new connection per
request costs well under a millisecond.

Each worker builds its own app (and opens its own store) after the fork; the
embedded store stays correct across processes: writes take the store's file
lock and start from the newest file, and every request syncs first, so a
commit by one worker is seen by the next request on any other (web/cache.py
keys answers by the store's version). No access log: URLs can hold NISNs and
names (the app logs what it needs without personal values).
"""
from __future__ import annotations

import socket

#: Seconds a worker may spend on one request before gunicorn replaces it is
#: not limited (gthread workers keep reporting while requests run); this is
#: how long a stop waits for running requests (a confirmed upload load).
GRACEFUL_SECONDS = 30


def check_port(host: str, port: int) -> None:
    """OSError now when ``host:port`` cannot be listened on (gunicorn would
    retry for seconds and then print its own lines)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))


def serve(config, host: str, port: int, *, workers: int, threads: int) -> None:
    """Run gunicorn in this process (the master) until it is stopped."""
    from gunicorn.app.base import BaseApplication

    check_port(host, port)

    class Server(BaseApplication):
        def load_config(self):
            for name, value in {
                "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
                "workers": workers, "worker_class": "gthread", "threads": threads,
                "keepalive": 0, "graceful_timeout": GRACEFUL_SECONDS, "timeout": 120,
                "accesslog": None, "loglevel": "warning", "proc_name": "alumni-graph",
                "preload_app": False,
            }.items():
                self.cfg.set(name, value)

        def load(self):  # in each worker, after the fork: its own app and store
            from alumni_graph.web import create_app

            return create_app(config=config)

    Server().run()
