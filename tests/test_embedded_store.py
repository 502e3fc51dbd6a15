"""The embedded store's persistence: survives restarts, never a torn file."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from alumni_graph.graph_service.embedded import EmbeddedStore
from alumni_graph.graph_service.errors import StoreUnavailable


def _people(n, version):
    return [{"nisn": f"{i:010d}", "name": f"Orang {i} v{version}", "entry_year": 2000 + version}
            for i in range(n)]


def test_data_survives_a_restart(tmp_path):
    s = EmbeddedStore(tmp_path)
    s.upsert_nodes("Person", _people(3, 1), source="t")
    again = EmbeddedStore(tmp_path)
    assert again.dump() == s.dump()
    assert again.count_nodes("Person") == 3


def test_failed_transaction_leaves_previous_state(tmp_path):
    s = EmbeddedStore(tmp_path)
    s.upsert_nodes("Person", _people(2, 1), source="t")
    before = s.dump()
    with pytest.raises(RuntimeError):
        with s.transaction():
            s.upsert_nodes("Person", _people(5, 2), source="t")
            raise RuntimeError("boom")
    assert s.dump() == before
    assert EmbeddedStore(tmp_path).dump() == before


def test_another_process_sees_committed_writes(tmp_path):
    reader = EmbeddedStore(tmp_path)
    assert reader.count_nodes() == 0
    EmbeddedStore(tmp_path).upsert_nodes("Person", _people(4, 1), source="t")
    assert reader.count_nodes() == 4  # the reader notices the new file


def test_unreadable_file_is_a_clear_error(tmp_path):
    (tmp_path / "graph.json").write_text("{not json")
    with pytest.raises(StoreUnavailable, match="not an alumni-graph store"):
        EmbeddedStore(tmp_path)


WRITER = """
import sys
from alumni_graph.graph_service.embedded import EmbeddedStore
s = EmbeddedStore(sys.argv[1])
n = int(sys.argv[2])
version = 0
print("ready", flush=True)
while True:
    version += 1
    s.upsert_nodes("Person", [{"nisn": f"{i:010d}", "name": f"v{version}", "entry_year": version}
                              for i in range(n)], source="t")
    print("saved", flush=True)
"""


@pytest.mark.parametrize("saves_first, delay", [(0, 0.05), (0, 0.3), (1, 0.05), (1, 0.3)])
def test_killing_a_writer_mid_save_never_tears_the_file(tmp_path, saves_first, delay):
    n = 20000  # a few MB of JSON: each save takes long enough to be hit mid-way
    EmbeddedStore(tmp_path).upsert_nodes("Person", _people(n, 0), source="t")
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(n)],
                            stdout=subprocess.PIPE, cwd=os.getcwd())
    assert proc.stdout.readline().strip() == b"ready"
    for _ in range(saves_first):  # wait for whole saves (not a wall-clock guess: CI boxes are busy)
        assert proc.stdout.readline().strip() == b"saved"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    doc = json.loads((tmp_path / "graph.json").read_text())  # parses: not torn
    versions = {attrs["entry_year"] for _, attrs in doc["nodes"]}
    assert len(versions) == 1  # every node from one and the same save
    assert len(doc["nodes"]) == n
    assert EmbeddedStore(tmp_path).count_nodes("Person") == n
    if saves_first:
        assert versions != {2000}  # a save the writer reported done is what a reader finds (or a later one)


def test_a_load_that_changes_nothing_does_not_rewrite_the_file(tmp_path):
    s = EmbeddedStore(tmp_path)
    s.upsert_nodes("Person", _people(3, 1), source="t")
    stamp = (tmp_path / "graph.json").stat().st_mtime_ns
    counts = s.upsert_nodes("Person", _people(3, 1), source="t")
    assert counts.unchanged == 3
    assert (tmp_path / "graph.json").stat().st_mtime_ns == stamp


def test_background_reload_never_blocks_a_reader(tmp_path):
    """The web app's mode: a reader keeps the previous graph while another
    process's commit loads in a background thread, then sees the new one."""
    def people(first, n):
        return [{"nisn": f"{i:010d}", "name": f"Orang {i}"} for i in range(first, first + n)]

    reader = EmbeddedStore(tmp_path)
    EmbeddedStore(tmp_path).upsert_nodes("Person", people(0, 2), source="t")
    assert reader.count_nodes() == 2
    reader.reload_in_background = True
    EmbeddedStore(tmp_path).upsert_nodes("Person", people(100, 3), source="t")
    assert reader.count_nodes() in (2, 5)  # the old graph at once, or the new one
    deadline = time.monotonic() + 10
    while reader.count_nodes() != 5:
        assert time.monotonic() < deadline, "the background reload never finished"
        time.sleep(0.01)
    reader.upsert_nodes("Person", people(200, 1), source="t")  # writes build on everything
    assert EmbeddedStore(tmp_path).count_nodes() == 6


def test_a_large_graph_is_kept_off_the_garbage_collector_and_replaced_ones_are_freed(
        tmp_path, monkeypatch):
    """A full collection over a province's graph takes about a second (p95
    of a 12 ms query measured at 600 ms); large graphs are frozen, and a
    graph replaced by a commit or a reload is still freed."""
    import gc
    import weakref

    from alumni_graph.graph_service import embedded

    monkeypatch.setattr(embedded, "GC_FREEZE_NODES", 1)
    try:
        store = embedded.EmbeddedStore(tmp_path / "data")
        store.upsert_nodes("School", [{"npsn": "20300001", "name": "SMK A"}], source="t")
        assert gc.get_freeze_count() > 0
        before = weakref.ref(store.graph())
        store.upsert_nodes("School", [{"npsn": "20300002", "name": "SMK B"}], source="t")
        assert before() is None  # the frozen, replaced graph was freed
        reopened = embedded.EmbeddedStore(tmp_path / "data")
        assert reopened.count_nodes("School") == 2 and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
