"""Employers resolved as a careful person would (issue 11's table), on both stores.

Before: "PT Maju Jaya", "UD Maju Jaya" and "Koperasi Maju Jaya" merged into
the verified "CV Maju Jaya"; "PT. Astra Honda Motor" + "Jakarta" and "CV Maju
Jaya" + "Kab. Tegal" made new employers silently; "P.T Astra Honda Motor" and
"PT. Astra Honda Motor (AHM)" were not matched; alumni_at_employer found 1 of 4.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from alumni_graph.graph_service.errors import ParameterError
from alumni_graph.loaders import load_paths
from alumni_graph.loaders.employers import (
    add_alias, city_match, decide_review, legal_form, normalize_name, resolve_employer, review_items,
)
from alumni_graph.queries import run_query

SEKOLAH = "npsn;nama;kota\n20300001;SMK Negeri 1 Contoh;Kota Tegal\n"
PROGRAM = "npsn;kode;nama\n20300001;TKR;Teknik Kendaraan Ringan\n"
DUDI = ("kode;nama;kota\n"
        "MJ-TGL;CV Maju Jaya;Kota Tegal\n"
        "AHM-JKT;PT. Astra Honda Motor (AHM);Jakarta Utara\n")
PEOPLE = [f"00123456{n:02d}" for n in range(10)]
SISWA = "nisn;nama;npsn;kode_program;tahun_masuk;tahun_lulus;bersedia_dihubungi\n" + "".join(
    f"{n};Alumni {i};20300001;TKR;2018;2021;ya\n" for i, n in enumerate(PEOPLE))
#: (nama_dudi, kota_dudi) typed by staff -> the employer each must end at
TYPED = [
    ("PT Maju Jaya", "Kota Tegal"),          # another legal form: not CV Maju Jaya
    ("UD Maju Jaya", "Kota Tegal"),
    ("Koperasi Maju Jaya", "Kota Tegal"),
    ("PT. Astra Honda Motor", "Jakarta"),    # Jakarta fits the verified Jakarta Utara
    ("P.T Astra Honda Motor", "Jakarta Utara"),
    ("PT. Astra Honda Motor (AHM)", ""),
    ("ASTRA HONDA MOTOR, PT", "Jakarta Utara"),
    ("CV Maju Jaya", "Kab. Tegal"),          # Kabupaten Tegal is another region: review
    ("CV. Maju Jaya", "Kota Tegal"),
]


def _pekerjaan() -> str:
    rows = "".join(f"{PEOPLE[i]};;{name};{city};2022-01-01;Teknisi\n" for i, (name, city) in enumerate(TYPED))
    return "nisn;kode_dudi;nama_dudi;kota_dudi;mulai;jabatan\n" + rows


def _load(store, tmp_path: Path, extra: str | None = None):
    d = tmp_path / "in"
    d.mkdir(exist_ok=True)
    for name, text in [("sekolah.csv", SEKOLAH), ("program.csv", PROGRAM), ("dudi.csv", DUDI),
                       ("siswa.csv", SISWA), ("pekerjaan.csv", extra or _pekerjaan())]:
        (d / name).write_text(text, encoding="utf-8")
    report = load_paths(store, [d])
    assert report.ok, report.render()
    return report


def _employer_of(store) -> dict[str, str]:
    out = {}
    for rel in store.iter_relationships("WORKS_AT", start_label="Person", end_label="Employer"):
        out[rel["start"][0]] = rel["end"][0]
    return out


def test_the_issue_table(store, tmp_path):
    report = _load(store, tmp_path)
    at = _employer_of(store)
    by_typed = {TYPED[i]: at[PEOPLE[i]] for i in range(len(TYPED))}
    for typed in TYPED[3:7]:
        assert by_typed[typed] == "AHM-JKT", typed
    assert by_typed[("CV. Maju Jaya", "Kota Tegal")] == "MJ-TGL"
    others = [by_typed[t] for t in TYPED[:3]] + [by_typed[("CV Maju Jaya", "Kab. Tegal")]]
    assert "MJ-TGL" not in others and len(set(others)) == 4  # four firms, none merged
    # all four alumni of the firm are found, by code, by name and by alias
    for employer in ("AHM-JKT", "PT Astra Honda Motor", "AHM", "astra honda motor"):
        rows = run_query(store, "alumni_at_employer", {"employer": employer, "as_of": "2025-01-01"}).rows
        assert len(rows) == 4, employer
    # the uncertain ones are on the review list, not merged or split silently
    items = {i["name"]: i for i in review_items(store)}
    assert set(items) == {"PT Maju Jaya", "UD Maju Jaya", "Koperasi Maju Jaya", "CV Maju Jaya"}
    assert items["CV Maju Jaya"]["candidate"]["code"] == "MJ-TGL"
    assert items["CV Maju Jaya"]["reason"] == "city" and items["PT Maju Jaya"]["reason"] == "form"
    assert items["UD Maju Jaya"]["rows"] == ["pekerjaan.csv baris 3"]
    reviewed = [e for e in report.new_employers if "review" in e]
    assert len(reviewed) == 4


def test_decisions_are_stored_and_reused(store, tmp_path):
    _load(store, tmp_path)
    items = {i["name"]: i for i in review_items(store)}
    same = decide_review(store, items["CV Maju Jaya"]["code"], True, source="test")
    assert same["candidate"] == "MJ-TGL" and same["moved"] == 1
    apart = decide_review(store, items["PT Maju Jaya"]["code"], False, source="test")
    assert apart["decision"] == "different"
    assert _employer_of(store)[PEOPLE[7]] == "MJ-TGL"
    assert {i["name"] for i in review_items(store)} == {"UD Maju Jaya", "Koperasi Maju Jaya"}
    # the next load resolves the confirmed alias and the kept-apart firm without asking again
    report = load_paths(store, [tmp_path / "in" / "pekerjaan.csv"])
    assert report.ok and not report.new_employers, report.render()
    assert _employer_of(store)[PEOPLE[7]] == "MJ-TGL"
    assert {i["name"] for i in review_items(store)} == {"UD Maju Jaya", "Koperasi Maju Jaya"}
    with pytest.raises(ParameterError):
        decide_review(store, items["PT Maju Jaya"]["code"], True, source="test")  # decided already


def test_resolver_one_several_none(store, tmp_path):
    _load(store, tmp_path)
    assert [e["code"] for e in resolve_employer(store, "ahm-jkt")] == ["AHM-JKT"]
    assert [e["code"] for e in resolve_employer(store, "P.T. Astra Honda Motor Tbk")] == ["AHM-JKT"]
    assert resolve_employer(store, "Toko Tidak Ada") == []
    add_alias(store, "MJ-TGL", "Maju Jaya Tegal", source="test")
    assert [e["code"] for e in resolve_employer(store, "maju jaya tegal")] == ["MJ-TGL"]
    # no legal form typed: every Maju Jaya fits; the verified one is the answer
    assert [e["code"] for e in resolve_employer(store, "Maju Jaya")] == ["MJ-TGL"]
    # a legal form typed picks that firm, never the verified CV
    pt = resolve_employer(store, "PT Maju Jaya")
    assert len(pt) == 1 and pt[0]["name"] == "PT Maju Jaya" and pt[0]["code"] != "MJ-TGL"
    # two unverified firms of one name in two cities: several, the query asks which
    d = tmp_path / "more"
    d.mkdir()
    (d / "pekerjaan.csv").write_text(
        "nisn;nama_dudi;kota_dudi;mulai\n"
        f"{PEOPLE[8]};Bengkel Sinar;Kota Bekasi;2023-01-01\n{PEOPLE[9]};Bengkel Sinar;Kota Depok;2023-01-01\n", encoding="utf-8")
    assert load_paths(store, [d]).ok
    assert len(resolve_employer(store, "Bengkel Sinar")) == 2
    with pytest.raises(ParameterError):
        run_query(store, "alumni_at_employer", {"employer": "Bengkel Sinar"})


def test_rules_in_one_place():
    assert legal_form("PT Telkom Indonesia (Persero) Tbk") == "PT"
    assert legal_form("Koperasi Maju Jaya") == "Koperasi" and legal_form("Yayasan Maju") == "Yayasan"
    assert normalize_name("P.T Astra Honda Motor") == normalize_name("PT. Astra Honda Motor (AHM)")
    assert city_match("Kab. Tegal", "Kota Tegal") == "unsure"
    assert city_match("Kabupaten Tegal", "Kab. Tegal") == "same"
    assert city_match("Jakarta", "Jakarta Utara") == "within"
    from alumni_graph.demo import normalize_company_name
    assert normalize_company_name is normalize_name  # the demo uses the loader's rule


def test_review_on_the_installed_command(tmp_path):
    import json
    import os
    import subprocess
    import sys

    command = Path(sys.executable).parent / "alumni-graph"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALUMNI_GRAPH_", "NEO4J_"))}
    env.update(ALUMNI_GRAPH_DATA_DIR=str(tmp_path / "data"), ALUMNI_GRAPH_BACKEND="embedded")

    def run(*args):
        return subprocess.run([str(command), *args], capture_output=True, text=True, env=env, timeout=120)

    d = tmp_path / "in"
    d.mkdir()
    for name, text in [("sekolah.csv", SEKOLAH), ("program.csv", PROGRAM), ("dudi.csv", DUDI),
                       ("siswa.csv", SISWA), ("pekerjaan.csv", _pekerjaan())]:
        (d / name).write_text(text, encoding="utf-8")
    assert run("load", str(d)).returncode == 0
    listed = run("employers", "review", "--json")
    assert listed.returncode == 0
    items = {i["name"]: i for i in json.loads(listed.stdout)}
    assert len(items) == 4
    decided = run("employers", "decide", items["CV Maju Jaya"]["code"], "same")
    assert decided.returncode == 0 and "merged into MJ-TGL" in decided.stdout
    assert run("employers", "decide", "NO-SUCH", "same").returncode == 1
    assert run("employers", "decide", "MJ-TGL", "maybe").returncode == 2
    assert len(json.loads(run("employers", "review", "--json").stdout)) == 3
    assert run("employers", "alias", "AHM-JKT", "Astra Motor Honda").returncode == 0


def test_a_similar_name_goes_to_review_not_merged(store, tmp_path):
    text = ("nisn;kode_dudi;nama_dudi;kota_dudi;mulai\n"
            f"{PEOPLE[0]};;PT Astra Honda Motors;Jakarta Utara;2022-01-01\n")
    _load(store, tmp_path, text)
    assert _employer_of(store)[PEOPLE[0]] != "AHM-JKT"
    (item,) = review_items(store)
    assert item["name"] == "PT Astra Honda Motors" and item["candidate"]["code"] == "AHM-JKT"
    assert item["reason"] == "similar" and 88 <= item["score"] < 100
