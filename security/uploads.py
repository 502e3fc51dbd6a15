"""Checked uploads waiting for confirmation (the Impor data page).

The web page stages each upload here after checking it and loads it only
when the user confirms; a subject deletion (``security.subject``) removes
every staged upload, since one may hold the person's row.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
import uuid
from pathlib import Path

#: The folder of the data directory that holds staged uploads.
UPLOADS_DIR = "uploads"


class Uploads:
    """Checked uploads waiting for confirmation.

    Stored under generated names in ``DATA_DIR/uploads/<token>/`` (directory
    0700, files 0600): outside every served folder, the original file name
    kept only inside ``meta.json`` for the kind and the report. Removed after
    loading, after ``UPLOAD_TTL_SECONDS``, beyond ``MAX`` pending uploads, and
    all at once by a subject deletion (``security.subject``)."""

    MAX = 20
    TOKEN = re.compile(r"[0-9a-f]{32}")

    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.Lock()

    def _dir(self, token: str) -> Path | None:
        return self.root / token if isinstance(token, str) and self.TOKEN.fullmatch(token) else None

    def put(self, files: list[tuple[str, bytes]], ttl: int, report: dict | None = None) -> str:
        token = uuid.uuid4().hex
        with self._lock:
            self._purge(ttl)
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            pending = sorted(self.root.iterdir(), key=lambda d: d.stat().st_mtime)
            for old in pending[:max(0, len(pending) - self.MAX + 1)]:
                shutil.rmtree(old, ignore_errors=True)
            target = self.root / token
            target.mkdir(mode=0o700)
            for i, (_, body) in enumerate(files):
                fd = os.open(target / f"{i}.upload", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(body)
            self._write_meta(target, {"names": [n for n, _ in files], "at": time.time(),
                                      "report": report})
        return token

    @staticmethod
    def _write_meta(target: Path, meta: dict) -> None:
        fd = os.open(target / "meta.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(meta, f, ensure_ascii=False)

    def set_kinds(self, token: str, kinds: list) -> None:
        """The kind picked for each staged file (None: from its name or header)."""
        target = self._dir(token)
        with self._lock:
            if target is None or not (target / "meta.json").is_file():
                return
            meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
            meta["kinds"] = kinds
            self._write_meta(target, meta)

    def set_report(self, token: str, report: dict) -> None:
        """Keep the (bounded) check report beside the staged files."""
        target = self._dir(token)
        with self._lock:
            meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
            meta["report"] = report
            self._write_meta(target, meta)

    def files(self, token: str) -> list[tuple[str, Path]]:
        """(name, path) of each staged file of ``token`` (no expiry check)."""
        target = self._dir(token)
        meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
        return [(name, target / f"{i}.upload") for i, name in enumerate(meta["names"])]

    def get(self, token: str, ttl: int) -> dict | None:
        """``{"files": [(name, path)...], "report", "at"}`` of a staged upload, or None."""
        target = self._dir(token)
        with self._lock:
            self._purge(ttl)
            if target is None or not (target / "meta.json").is_file():
                return None
            meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
            files = [(name, target / f"{i}.upload") for i, name in enumerate(meta["names"])]
        return {"files": files, "report": meta.get("report"), "at": meta.get("at"),
                "kinds": meta.get("kinds") or []}

    def pop(self, token: str) -> None:
        target = self._dir(token)
        if target is not None:
            with self._lock:
                shutil.rmtree(target, ignore_errors=True)

    def _purge(self, ttl: int) -> None:
        if not self.root.is_dir():
            return
        now = time.time()
        for d in self.root.iterdir():
            try:
                if now - d.stat().st_mtime > ttl:
                    shutil.rmtree(d, ignore_errors=True)
            except FileNotFoundError:
                pass
