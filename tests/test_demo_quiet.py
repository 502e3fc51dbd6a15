"""`alumni-graph demo` through the installed command: quiet (a line for the
data, then how to log in), no log lines, a one-time admin password that must
be changed at the first login."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_is_quiet_and_ends_with_the_password(tmp_path):
    exe = Path(sys.executable).parent / "alumni-graph"
    env = {**os.environ, "ALUMNI_GRAPH_DATA_DIR": str(tmp_path / "data"), "ALUMNI_GRAPH_BACKEND": "embedded"}
    r = subprocess.run([str(exe), "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    out = [line for line in r.stdout.splitlines() if line.strip()]
    assert len(out) <= 4, r.stdout
    assert "INFO" not in r.stdout + r.stderr and "Warning" not in r.stderr
    assert out[-2].startswith("Masuk / log in:  admin") and "sekali pakai" in out[-1]
    from alumni_graph.security.accounts import Accounts

    assert Accounts(tmp_path / "data").get_user("admin")["must_change"] == 1
