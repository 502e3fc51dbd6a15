"""The UU PDP minor rule, on both stores: a person younger than 18 on the
query's ``as_of`` (by ``birth_date``) counts as not consenting unless a
guardian-consent reference is recorded; the rule lives once in
queries/rules.py (networkx) and expands into every Cypher file
(``@consented``).

tests/fixtures/consent/ (loader format, synthetic), SMK 20500001, TKR:

* 0050000001 Asker Wali: student, 17, consent with guardian ref: named.
* 0050000002 Tara Muda: alumna 2025, born 2007-08-20, no guardian ref, works at K02.
* 0050000003 Umar Wali: alumnus 2025, 17, guardian ref: counts; works at K01.
* 0050000004 Vina Dewasa: alumna 2024, adult; boleh_ditampilkan = tidak.
* 0050000005 Wawan Kabisat: alumnus 2025, born 29 Feb 2008: 18 on 1 Mar 2026.
* 0050000006 Xena Tanpa Tanggal: no birth date: the minor rule does not apply.
* 0050000007 Yoga Magang: adult student, interned at K01.
* 0050000008 Zaki Hilang: alumnus 2024, untraced (tidak_terdata), no job.

Internships (prakerin.csv): Asker and Yoga at K01 (2025), Wawan at K02
(2024, no monitoring visit: listed, never named), so that every query has rows
on this dataset (the parity test below checks it).
"""
from __future__ import annotations

import json

import pytest

from alumni_graph.queries import REGISTRY, run_query
from alumni_graph.queries.rules import (
    CONSENTED_CYPHER, adult_born_by, consented, display_consented, expand_cypher, is_minor,
)

from conftest import FIXTURES

DATA = FIXTURES / "consent"
NPSN = "20500001"
AS_OF = "2025-07-01"


@pytest.fixture(scope="module")
def consent_stores(tmp_path_factory, neo4j_server):
    import queries_support as qs
    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.loaders import load_paths

    emb = EmbeddedStore(tmp_path_factory.mktemp("consent") / "data")
    neo = qs.open_neo4j(neo4j_server)
    neo.clear()
    for st in (emb, neo):
        st.init_schema()
        report = load_paths(st, [DATA])
        assert report.ok, report.render()
    yield {"embedded": emb, "neo4j": neo}
    neo.close()


@pytest.fixture(params=["embedded", "neo4j"])
def cstore(request, consent_stores):
    return consent_stores[request.param]


# -- the rule itself -------------------------------------------------------------

def test_adult_cutoff_and_leap_day():
    assert adult_born_by("2025-07-01") == "2007-07-01"
    assert adult_born_by("2024-02-29") == "2006-02-28"
    born_29_feb = {"birth_date": "2008-02-29"}
    assert is_minor(born_29_feb, "2026-02-28") and not is_minor(born_29_feb, "2026-03-01")
    assert is_minor({"birth_date": "2007-08-20"}, "2025-08-19")
    assert not is_minor({"birth_date": "2007-08-20"}, "2025-08-20")  # the 18th birthday
    assert not is_minor({}, "2025-07-01")  # no birth date: the rule does not apply


@pytest.mark.parametrize("person,expected", [
    ({"consent_contact": True, "birth_date": "2000-01-01"}, True),
    ({"consent_contact": True, "birth_date": "2010-01-01"}, False),
    ({"consent_contact": True, "birth_date": "2010-01-01", "guardian_consent_ref": "SPW/1"}, True),
    ({"consent_contact": True, "birth_date": "2010-01-01", "guardian_consent_ref": "  "}, False),
    ({"consent_contact": False, "birth_date": "2000-01-01", "guardian_consent_ref": "SPW/1"}, False),
    ({"consent_contact": "ya", "birth_date": "2000-01-01"}, False),  # only exactly true
    ({"consent_contact": True}, True),
    ({}, False),
])
def test_consented(person, expected):
    assert consented(person, AS_OF) is expected


def test_display_consent_has_the_same_minor_rule():
    minor = {"consent_display": True, "birth_date": "2010-01-01"}
    assert not display_consented(minor, AS_OF)
    assert display_consented({**minor, "guardian_consent_ref": "SPW/9"}, AS_OF)
    assert not display_consented({"consent_contact": True}, AS_OF)  # the flags are separate


def test_every_cypher_file_uses_the_shared_rule():
    from alumni_graph.queries.framework import HERE, cypher_text

    for path in HERE.glob("*.cypher"):
        raw = path.read_text(encoding="utf-8")
        assert "consent_contact = true" not in raw, path.name  # spelled once, in rules.py
        if "@consented" in raw and not path.name.startswith("explore_"):
            assert "@consented" not in cypher_text(path.stem)
    assert "$adult_born_by" in CONSENTED_CYPHER
    assert expand_cypher("@consented(ns[i])").count("ns[i].birth_date") == 2


# -- the loader --------------------------------------------------------------------------

def test_loader_maps_the_consent_columns(cstore):
    umar = cstore.get_node("Person", ("0050000003",))
    assert (umar["consent_contact"], umar["consent_display"]) == (True, True)
    assert umar["consent_source"] == "formulir tracer" and umar["consent_date"] == "2025-06-01"
    assert umar["guardian_consent_ref"] == "SPW/2025/003"
    assert cstore.get_node("Person", ("0050000004",))["consent_display"] is False
    assert "guardian_consent_ref" not in cstore.get_node("Person", ("0050000002",))


def test_consent_defaults_to_no(embedded_store):
    from alumni_graph.loaders import load_paths, load_rows

    embedded_store.init_schema()
    assert load_paths(embedded_store, [DATA / "sekolah.csv", DATA / "program.csv"]).ok
    assert load_rows(embedded_store, "siswa", [{"nisn": "0050000099", "nama": "Baru", "npsn": NPSN,
                                                "kode_program": "TKR"}]).ok
    p = embedded_store.get_node("Person", ("0050000099",))
    assert p["consent_contact"] is False and "consent_display" not in p  # absent: no
    assert not display_consented(p, AS_OF)
    assert load_rows(embedded_store, "siswa", [{"nisn": "0050000099", "nama": "Baru", "npsn": NPSN,
                                                "kode_program": "TKR", "boleh_ditampilkan": ""}]).ok
    # A blank cell is no answer (issue 11: a blank never changes a stored value): still absent, still no.
    p = embedded_store.get_node("Person", ("0050000099",))
    assert p.get("consent_display") is None and not display_consented(p, AS_OF)


# -- the queries, both stores ------------------------------------------------------------

def _champions(store, as_of):
    rows = run_query(store, "prospective_partners", {"npsn": NPSN, "as_of": as_of}).rows
    return {r["code"]: [c["name"] for c in r["champions"]] for r in rows}


@pytest.mark.parametrize("as_of,k01,k02", [
    ("2025-07-01", ["Umar Wali", "Vina Dewasa", "Xena Tanpa Tanggal"], []),
    ("2025-08-19", ["Umar Wali", "Vina Dewasa", "Xena Tanpa Tanggal"], []),
    ("2025-08-20", ["Umar Wali", "Vina Dewasa", "Xena Tanpa Tanggal"], ["Tara Muda"]),
    ("2026-02-28", ["Umar Wali", "Vina Dewasa", "Xena Tanpa Tanggal"], ["Tara Muda"]),
    ("2026-03-01", ["Umar Wali", "Wawan Kabisat", "Vina Dewasa"], ["Tara Muda"]),
])
def test_champions_follow_the_minor_rule(cstore, as_of, k01, k02):
    assert _champions(cstore, as_of) == {"K01": k01, "K02": k02}


@pytest.mark.parametrize("as_of,named", [("2025-08-19", None), ("2025-08-20", "Tara Muda")])
def test_alumni_at_employer_names_a_minor_only_from_18(cstore, as_of, named):
    rows = run_query(cstore, "alumni_at_employer", {"employer": "K02", "as_of": as_of}).rows
    assert [(r["name"], r["consent_contact"]) for r in rows] == [(named, named is not None)]


def test_a_minor_without_guardian_consent_is_no_intermediary(cstore):
    params = {"nisn": "0050000001", "employer": "K02"}
    assert run_query(cstore, "referral_paths", {**params, "as_of": "2025-08-19"}).rows == []
    rows = run_query(cstore, "referral_paths", {**params, "as_of": "2025-08-20"}).rows
    assert len(rows) == 1
    # the asking student is 17 but has a guardian's consent: named
    assert [n["name"] for n in rows[0]["nodes"]] == ["Asker Wali", "Teknik Kendaraan Ringan",
                                                    "Tara Muda", "PT Bengkel Remaja"]


#: The queries over school records that name or count people (the BKK/Humas
#: work pipeline's queries have their own data and tests: tests/test_work*.py).
SCHOOL_QUERIES = ("alumni_at_employer", "alumni_register", "industry_clusters", "internship_hosts",
                  "internship_monitoring", "key_connectors", "program_alignment",
                  "prospective_partners", "referral_paths", "tracer_summary", "untraced_reach")


def test_the_school_queries_are_registered():
    assert set(SCHOOL_QUERIES) <= set(REGISTRY)


@pytest.mark.parametrize("name", SCHOOL_QUERIES)
def test_every_query_agrees_on_both_stores(consent_stores, name):
    """Parity on the consent dataset (the minor rule in Python and in Cypher)."""
    params = {p.name: None for p in REGISTRY[name].params}
    base = {"as_of": AS_OF}
    if "npsn" in params:
        base["npsn"] = NPSN
    if "employer" in params:
        base["employer"] = "K01"
    if "nisn" in params:
        base["nisn"] = "0050000001"
    if "id" in params:  # a vacancy (lowongan.csv)
        base["id"] = "L-K01"
    results = [run_query(consent_stores[s], name, base).as_dict() for s in ("embedded", "neo4j")]
    assert results[0]["rows"], "the dataset must give this query rows, or parity compares nothing"
    assert results[0] == results[1]
    text = json.dumps(results[0], ensure_ascii=False)
    assert "Wawan Kabisat" not in text and "Tara Muda" not in text  # minors without a guardian
