"""A folder load lists every file it saw: loaded, refused (why) or ignored (why)."""
from __future__ import annotations

from alumni_graph.loaders import load_paths

SEKOLAH = "npsn;nama;kota\n20300001;SMK Negeri 1 Contoh;Bandung\n"


def test_every_file_of_a_folder_is_listed(store, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "sekolah.csv").write_text(SEKOLAH)
    (d / "catatan rapat.pdf").write_bytes(b"%PDF-1.4\n")
    (d / ".DS_Store").write_bytes(b"\0")
    (d / "~$siswa.xlsx").write_bytes(b"\0")
    (d / "siswa.ditolak.csv").write_text("nisn;kesalahan\n")
    (d / "arsip").mkdir()
    (d / "daftar hadir.csv").write_text("tanggal;paraf\n2025-01-01;x\n")  # no kind from name or header
    report = load_paths(store, [d])
    status = {f.name: f.status for f in report.files}
    assert status == {
        "sekolah.csv": "loaded", "catatan rapat.pdf": "ignored", ".DS_Store": "ignored",
        "~$siswa.xlsx": "ignored", "siswa.ditolak.csv": "ignored", "arsip": "ignored",
        "daftar hadir.csv": status["daftar hadir.csv"],
    }
    assert status["daftar hadir.csv"] in ("ignored", "failed")
    text = report.render()
    for name in status:
        assert f"{name} " in text or f"{name}:" in text, name
    assert "format .pdf tidak didukung" in text
    assert "file kunci Excel" in text
    assert "folder di dalam folder tidak dibaca" in text
    notes = {f["file"]: f["note"] for f in report.as_dict()["files"]}
    assert notes["arsip"] and notes["sekolah.csv"] is None
