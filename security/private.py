"""Files private by default: the data directory 0700, every file 0600.

The data directory holds personal data of students and alumni (UU PDP):
other local users of the laptop or server must not read it, whatever the
umask of the shell or service that starts the product. So every process
of the product (the CLI, the web app) sets its umask to ``077`` before it
writes anything (:func:`private_umask`), the data directory is created (or
tightened when the product created it) as 0700, and a check at start
(:func:`check_private`) warns about anything wider that was there before
(copied in, restored by hand, made by an older version) with the command
that fixes it.
"""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("alumni_graph.private")

UMASK = 0o077
#: How deep the start check looks (the data dir, demo-input/, uploads/<token>/).
CHECK_DEPTH = 2
CHECK_MAX_ENTRIES = 2000


def private_umask() -> None:
    """Make every file this process creates 0600 and every directory 0700."""
    os.umask(UMASK)


def make_private_dir(path: Path | str) -> Path:
    """Create ``path`` (and parents) with mode 0700; tighten it if it exists
    and belongs to us (a directory the operator made 0755 is made 0700)."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        st = path.stat()
        if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & 0o700)
    except OSError:
        pass
    return path


def check_private(data_dir: Path | str) -> list[str]:
    """Paths under ``data_dir`` (itself included) readable by group or others.

    Returns relative paths (``.`` for the directory itself); logs one warning
    naming how many and the fix. Nothing is changed: the operator decides.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    wide: list[str] = []
    seen = 0

    def look(path: Path, depth: int) -> None:
        nonlocal seen
        try:
            st = path.lstat()
        except OSError:
            return
        if stat.S_ISLNK(st.st_mode):
            return
        if stat.S_IMODE(st.st_mode) & 0o077:
            wide.append("." if path == data_dir else str(path.relative_to(data_dir)))
        if stat.S_ISDIR(st.st_mode) and depth < CHECK_DEPTH:
            try:
                children = sorted(path.iterdir())
            except OSError:
                return
            for child in children:
                seen += 1
                if seen > CHECK_MAX_ENTRIES:
                    return
                look(child, depth + 1)

    look(data_dir, 0)
    if wide:
        log.warning(
            "the data directory %s holds personal data but %d entr%s can be read by other "
            "users (e.g. %s); fix with: chmod -R go= %s",
            data_dir, len(wide), "y" if len(wide) == 1 else "ies", wide[0], data_dir)
    return wide
