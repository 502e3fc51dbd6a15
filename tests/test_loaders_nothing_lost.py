"""Nothing is lost, nothing changes silently (issue 11), on both stores.

The defect reproduced first: a second ``siswa`` file with the same NISN and
*empty* ``no_hp`` and ``bersedia_dihubungi`` cells wiped the stored phone and
revoked consent, and the report said only "diperbarui 1".
"""
from __future__ import annotations

import logging
from pathlib import Path

from alumni_graph.loaders import load_paths

SEKOLAH = "npsn,nama,kota\n20300001,SMK Negeri 1 Contoh,Kota Bandung\n"
PROGRAM = "npsn,kode,nama\n20300001,TKR,Teknik Kendaraan Ringan\n"
HEAD = "nisn,nama,npsn,kode_program,tahun_masuk,tahun_lulus,no_hp,bersedia_dihubungi,email\n"
FIRST = HEAD + "0012345678,Ani Lestari,20300001,TKR,2019,2022,081234567890,ya,ani@example.org\n"


def put(d: Path, name: str, text: str) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text(text, encoding="utf-8", newline="")
    return p


def _start(store, tmp_path) -> dict:
    assert load_paths(store, [put(tmp_path / "a", "sekolah.csv", SEKOLAH),
                              put(tmp_path / "a", "program.csv", PROGRAM),
                              put(tmp_path / "a", "siswa.csv", FIRST)]).ok
    before = store.get_node("Person", ("0012345678",))
    assert before["phone"] and before["consent_contact"] is True and before["email"]
    return before


def test_blank_cells_keep_the_stored_phone_and_consent(store, tmp_path):
    before = _start(store, tmp_path)
    second = put(tmp_path / "b", "siswa.csv",
                 HEAD + "0012345678,Ani Lestari,20300001,TKR,2019,2022,,,\n")
    report = load_paths(store, [second])
    assert report.ok, report.render()
    after = store.get_node("Person", ("0012345678",))
    assert after["phone"] == before["phone"]
    assert after["consent_contact"] is True
    assert after["email"] == before["email"]
    f = report.files[0]
    assert (f.updated, f.unchanged) == (0, 1)
    assert f.consent_changes == [] and f.consent_kept == 1
    assert "persetujuan yang tersimpan tidak diubah" in report.render()


def test_the_clear_marker_removes_a_value_and_the_report_shows_it(store, tmp_path):
    before = _start(store, tmp_path)
    second = put(tmp_path / "b", "siswa.csv",
                 HEAD + "0012345678,Ani Lestari,20300001,TKR,2019,2022,(kosongkan),tidak,\n")
    dry = load_paths(store, [second], dry_run=True)
    assert dry.ok
    assert store.get_node("Person", ("0012345678",))["phone"] == before["phone"]  # a dry run writes nothing
    changes = dry.files[0].changes
    assert len(changes) == 1 and (changes[0]["row"], changes[0]["key"]) == (2, "0012345678")
    assert sorted((c["column"], c["old"], c["new"]) for c in changes[0]["fields"]) == [
        ("bersedia_dihubungi", True, False), ("no_hp", before["phone"], None)]
    text = dry.render()
    assert "no_hp: " + before["phone"] + " -> (kosong)" in text
    assert "bersedia_dihubungi ya -> tidak" in text
    assert dry.files[0].updated == 1  # the dry run's expected count
    report = load_paths(store, [second])
    assert report.ok and report.files[0].updated == 1
    after = store.get_node("Person", ("0012345678",))
    assert "phone" not in after or after["phone"] is None
    assert after["consent_contact"] is False
    assert after["email"] == before["email"]  # blank: kept
    assert [c["column"] for c in report.files[0].consent_changes] == ["bersedia_dihubungi"]
    assert report.files[0].consent_changes[0]["nisn"] == "0012345678"


def test_a_changed_value_is_reported_old_to_new_and_never_logged(store, tmp_path, caplog):
    _start(store, tmp_path)
    second = put(tmp_path / "b", "siswa.csv",
                 HEAD + "0012345678,Ani Lestari Putri,20300001,TKR,2019,2022,,,\n")
    with caplog.at_level(logging.DEBUG, logger="alumni_graph"):
        report = load_paths(store, [second])
    assert report.files[0].changes == [{"row": 2, "key": "0012345678", "fields": [
        {"column": "nama", "field": "name", "old": "Ani Lestari", "new": "Ani Lestari Putri"}]}]
    assert "nama: Ani Lestari -> Ani Lestari Putri" in report.render()
    assert report.as_dict()["files"][0]["changes"][0]["fields"][0]["new"] == "Ani Lestari Putri"
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("alumni_graph"))
    assert "siswa.csv" in logged  # the load did log (counts only)
    assert "Ani" not in logged and "0012345678" not in logged


def test_the_clear_marker_cannot_empty_a_required_column(store, tmp_path):
    _start(store, tmp_path)
    second = put(tmp_path / "b", "siswa.csv",
                 HEAD + "0012345678,(kosongkan),20300001,TKR,2019,2022,,,\n")
    report = load_paths(store, [second])
    assert not report.ok
    assert {(p.row, p.column) for p in report.problems} == {(2, "nama")}
    assert store.get_node("Person", ("0012345678",))["name"] == "Ani Lestari"


def test_a_new_person_without_a_consent_answer_starts_at_no(store, tmp_path):
    _start(store, tmp_path)
    new = put(tmp_path / "b", "siswa.csv", HEAD + "0012345679,Budi,20300001,TKR,2019,2022,,,\n")
    assert load_paths(store, [new]).ok
    assert store.get_node("Person", ("0012345679",))["consent_contact"] is False


def test_a_phone_stored_before_the_plus62_form_is_reported_as_the_same_number(store, tmp_path):
    """A phone stored by an older version as 0812-3456-7890 and loaded again
    (now kept as +6281234567890) is one updated record: shown, but marked as the
    same number, so a first re-load does not look like everyone's number changed."""
    _start(store, tmp_path)
    store.upsert_nodes("Person", [{"nisn": "0012345678", "phone": "0812-3456-7890"}], source="old-version")
    again = put(tmp_path / "b", "siswa.csv", FIRST)
    dry = load_paths(store, [again], dry_run=True)
    f = dry.files[0]
    assert f.changes == [{"row": 2, "key": "0012345678", "fields": [
        {"column": "no_hp", "field": "phone", "old": "0812-3456-7890", "new": "+6281234567890",
         "same_number": True}]}]
    assert f.phones_rewritten == 1 and dry.as_dict()["files"][0]["phones_rewritten"] == 1
    assert "1 di antaranya hanya menulis ulang nomor HP ke bentuk +62" in dry.render()
    # a real new number is no "same number"
    other = put(tmp_path / "c", "siswa.csv", FIRST.replace("081234567890", "081299998888"))
    changed = load_paths(store, [other], dry_run=True).files[0]
    assert changed.phones_rewritten == 0 and "same_number" not in changed.changes[0]["fields"][0]
