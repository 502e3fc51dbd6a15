"""The three queries on the edge-case dataset, on both stores.

Each golden file under tests/fixtures/edge/golden/ was worked out by hand from
the CSV files (its "why" says what it checks); both stores must return exactly
its rows and meta. The semantic rules of the issue each have a named test
below, also run on both stores.
"""
from __future__ import annotations

import csv
import io
import json

import pytest

import queries_support as qs
from clock_support import Days
from alumni_graph.graph_service.errors import NotFound
from alumni_graph.queries import REGISTRY, format_result, run_query

GOLDEN_FILES = sorted(qs.GOLDEN.glob("*.json"))


@pytest.fixture(scope="module")
def edge_stores(tmp_path_factory, neo4j_server):
    """The edge-case dataset loaded through the loader into both stores, once."""
    from alumni_graph.graph_service.embedded import EmbeddedStore

    emb = EmbeddedStore(tmp_path_factory.mktemp("edge") / "data")
    neo = qs.open_neo4j(neo4j_server)
    neo.clear()
    for store in (emb, neo):
        qs.load_edge(store)
    yield {"embedded": emb, "neo4j": neo}
    neo.close()


@pytest.fixture(params=["embedded", "neo4j"])
def edge_store(request, edge_stores):
    """Each test using this runs once per store."""
    return edge_stores[request.param]


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=[p.stem for p in GOLDEN_FILES])
def test_golden(edge_store, path):
    golden = json.loads(path.read_text(encoding="utf-8"))
    result = run_query(edge_store, golden["query"], golden["params"])
    assert result.rows == golden["rows"]
    assert result.meta == golden["meta"]
    assert result.columns == list(REGISTRY[golden["query"]].columns)
    assert all(list(row) == result.columns for row in result.rows)


def _pp(store, npsn=qs.SCHOOL_A, **params):
    return run_query(store, "prospective_partners", {"npsn": npsn, "as_of": qs.AS_OF, **params}).rows


def _codes(rows):
    return [r["code"] for r in rows]


# -- prospective_partners -------------------------------------------------------------

def test_employer_partnered_with_another_school_is_still_a_prospect(edge_store):
    # E01 has an open MoU with SMK B: excluded for B, a prospect for A.
    assert "E01" in _codes(_pp(edge_store, qs.SCHOOL_A))
    assert "E01" not in _codes(_pp(edge_store, qs.SCHOOL_B))


def test_partnership_that_ended_yesterday_makes_a_former_partner(edge_store):
    # The E02 MoU of SMK A ends 2025-06-30.
    today = {r["code"]: r for r in _pp(edge_store, as_of="2025-07-01")}
    assert today["E02"]["former_partner"] is True
    assert today["E02"]["category"] == "former_partner"
    # On its end date the MoU is still in force: excluded.
    assert "E02" not in _codes(_pp(edge_store, as_of="2025-06-30"))


def test_programme_partnership_excludes_the_employer_for_the_whole_school(edge_store):
    # E03 has an open MoU with SMK A's TKR; its evidence is an RPL alumnus.
    for program in (None, "TKR", "RPL"):
        params = {} if program is None else {"program": program}
        assert "E03" not in _codes(_pp(edge_store, **params))


def test_evidence_from_other_schools_never_counts(edge_store):
    e08 = {r["code"]: r for r in _pp(edge_store, qs.SCHOOL_B)}["E08"]
    assert (e08["current_alumni"], e08["internships"]) == (1, 0)  # Qori only
    assert [c["name"] for c in e08["champions"]] == ["Qori B"]
    # SMK B's contact with E08 does not count for SMK A.
    assert {r["code"]: r for r in _pp(edge_store)}["E08"]["last_contact"] is None


def test_non_consenting_alumni_are_counted_but_not_named(edge_store):
    e02 = {r["code"]: r for r in _pp(edge_store)}["E02"]
    assert e02["current_alumni"] == 2  # Kiki (no consent) and Maya
    assert [c["name"] for c in e02["champions"]] == ["Maya Data"]


def test_ties_at_the_limit_are_broken_by_name_then_code(edge_store):
    # TKR: E01 "PT Maju Motor" and E08 "PT Tujuan Rujukan" both score 14.
    rows = _pp(edge_store, program="TKR", limit=1)
    assert [(r["code"], r["score"]) for r in rows] == [("E01", 14)]
    assert _codes(_pp(edge_store, program="TKR", limit=2)) == ["E01", "E08"]


def test_score_weights_are_configurable(edge_store):
    rows = run_query(edge_store, "prospective_partners", {"npsn": qs.SCHOOL_A, "as_of": qs.AS_OF},
                     weights={"current_alumni": 0, "past_alumni": 10}).rows
    assert rows[0]["code"] == "E05"  # 2 past alumni x 10
    assert rows[0]["score"] == 20


# -- referral_paths ---------------------------------------------------------------------

def test_referral_paths_follow_the_rules_for_every_pair(edge_store):
    """Every path between every person and employer, max_hops 5: simple, no
    School, ends right, intermediaries are consenting alumni (checked against
    the CSV, not the store)."""
    people = qs.people()
    for nisn in people:
        for code in qs.employers():
            rows = run_query(edge_store, "referral_paths", {
                "nisn": nisn, "employer": code, "max_hops": 5, "k": 50, "as_of": qs.AS_OF}).rows
            for row in rows:
                ids = [n["id"] for n in row["nodes"]]
                assert ids[0] == f"Person:{nisn}" and ids[-1] == f"Employer:{code}"
                assert len(set(ids)) == len(ids), "a node twice"
                assert row["hops"] == len(ids) - 1 <= 5
                assert not any(i.startswith("School:") for i in ids)
                assert {r["type"] for r in row["relationships"]} <= {
                    "STUDIED_IN", "WORKS_AT", "INTERNED_AT"}
                for n in row["nodes"][1:-1]:
                    if n["type"] == "Person":
                        p = people[n["key"]]
                        assert p["tahun_lulus"] and p["bersedia_dihubungi"] == "ya", (
                            "a student or a non-consenting alumnus as intermediary")
            strengths = [(-r["strength"], r["hops"]) for r in rows]
            assert strengths == sorted(strengths)


def test_students_and_non_consenting_alumni_are_never_intermediaries(edge_store):
    # Eko (student) interned at E08 and Dedi (no consent) works there; both
    # study TKR with Ani, so only the rule keeps them out of her paths.
    rows = run_query(edge_store, "referral_paths", {
        "nisn": "0000000101", "employer": "E08", "max_hops": 5, "k": 50, "as_of": qs.AS_OF}).rows
    inner = {n["key"] for r in rows for n in r["nodes"][1:-1]}
    assert "0000000105" not in inner and "0000000104" not in inner
    assert {"0000000102", "0000000117"} <= inner


def test_a_non_consenting_person_asking_is_not_named(edge_store):
    rows = run_query(edge_store, "referral_paths", {
        "nisn": "0000000104", "employer": "E01", "as_of": qs.AS_OF}).rows
    assert rows and all(r["nodes"][0]["name"] is None for r in rows)
    assert all("Anda" in r["explanation_id"] for r in rows)


def test_referral_weights_are_configurable(edge_store):
    # With past jobs weighing 1.0, Budi's old job at E01 makes the 5-hop paths
    # through E01 (S, S, C, P, C) as strong as 0.8 * 0.8.
    rows = run_query(edge_store, "referral_paths", {
        "nisn": "0000000101", "employer": "E08", "max_hops": 5, "k": 10, "as_of": qs.AS_OF},
        weights={"works_at_past": 1.0}).rows
    assert [r["strength"] for r in rows[:6]] == [0.64] * 6
    assert [r["hops"] for r in rows[:6]] == [3, 3, 5, 5, 5, 5]


def test_bad_weights_are_parameter_errors(edge_store):
    from alumni_graph.graph_service.errors import ParameterError

    with pytest.raises(ParameterError) as info:
        run_query(edge_store, "referral_paths", {"nisn": "0000000101", "employer": "E08"},
                  weights={"works_at_current": -1, "friendship": 1.0})
    assert {e["message"].split(" /")[0] for e in info.value.errors} == {
        "works_at_current must be a number >= 0", "unknown weight"}


def test_ties_are_broken_by_fewer_hops_then_node_keys(edge_store):
    # With studied_in = 0.7, Ani -> TKR -> (Citra|Hadi|Nina|Oki) -> E01 (S, S, C)
    # and Ani -> E04 -> Citra -> E01 (I, I, C) all weigh 0.49 in 3 hops. Keys
    # decide: "20300001/TKR" sorts before "E04" (a digit before a letter).
    rows = run_query(edge_store, "referral_paths", {
        "nisn": "0000000101", "employer": "E01", "k": 10, "as_of": qs.AS_OF},
        weights={"studied_in": 0.7}).rows
    assert [(r["strength"], r["nodes"][1]["key"], r["nodes"][2]["key"]) for r in rows] == [
        (0.49, "20300001/TKR", "0000000103"), (0.49, "20300001/TKR", "0000000108"),
        (0.49, "20300001/TKR", "0000000115"), (0.49, "20300001/TKR", "0000000116"),
        (0.49, "E04", "0000000103"), (0.294, "20300001/TKR", "0000000102")]


@pytest.mark.parametrize("params, param", [
    ({"nisn": "9999999999", "employer": "E08"}, "nisn"),
    ({"nisn": "0000000101", "employer": "NOPE-1"}, "employer"),
])
def test_missing_person_or_employer_is_not_found_naming_the_parameter(edge_store, params, param):
    with pytest.raises(NotFound) as info:
        run_query(edge_store, "referral_paths", params)
    assert info.value.message.startswith(f"{param}:")
    assert params[param] not in info.value.message
    assert info.value.errors == [{"param": param, "message": info.value.errors[0]["message"]}]


@pytest.mark.parametrize("name, params, param", [
    ("prospective_partners", {"npsn": "99999999"}, "npsn"),
    ("prospective_partners", {"npsn": qs.SCHOOL_A, "program": "AKL"}, "program"),
    ("alumni_at_employer", {"employer": "NOPE"}, "employer"),
    ("alumni_at_employer", {"employer": "E01", "npsn": "99999999"}, "npsn"),
])
def test_missing_school_programme_or_employer_is_not_found(edge_store, name, params, param):
    with pytest.raises(NotFound) as info:
        run_query(edge_store, name, params)
    assert info.value.message.startswith(f"{param}:")
    assert params[param] not in info.value.message


def test_unknown_query_is_not_found(edge_store):
    with pytest.raises(NotFound):
        run_query(edge_store, "drop_everything", {})


# -- rules across all queries -----------------------------------------------------------

def _all_outputs(store):
    """Every query with many parameter sets, as the JSON a client would get."""
    out = []
    for npsn in (qs.SCHOOL_A, qs.SCHOOL_B):
        for as_of in ("2025-06-30", qs.AS_OF, "2025-07-02", "2030-01-01"):
            out.append(run_query(store, "prospective_partners", {"npsn": npsn, "as_of": as_of}))
    for code in qs.employers():
        for current_only in ("true", "false"):
            out.append(run_query(store, "alumni_at_employer", {
                "employer": code, "current_only": current_only, "as_of": qs.AS_OF}))
        for nisn in ("0000000101", "0000000105", "0000000203", "0000000110"):
            out.append(run_query(store, "referral_paths", {
                "nisn": nisn, "employer": code, "max_hops": 5, "k": 50, "as_of": qs.AS_OF}))
    return [format_result(r, "json") for r in out]


def test_no_consent_no_name_and_no_contact_details_anywhere(edge_store):
    text = "\n".join(_all_outputs(edge_store))
    for value in qs.NO_CONSENT_NAMES + qs.NO_CONSENT_NISN:
        assert value not in text
    for person in qs.people().values():  # phone numbers and emails never leave
        assert person["no_hp"] not in text and person["email"] not in text


def test_hostile_names_come_back_byte_for_byte(edge_store):
    budi = qs.people()["0000000102"]["nama"]
    sari = qs.people()["0000000117"]["nama"]
    toko, cepat = qs.employers()["E04"]["nama"], qs.employers()["E02"]["nama"]
    assert "<script>" in budi and "`" in budi and '"' in budi and "'" in budi
    rows = {r["code"]: r for r in _pp(edge_store)}
    assert [c["name"] for c in rows["E08"]["champions"]] == [budi, sari]
    assert rows["E04"]["name"] == toko and rows["E02"]["name"] == cepat
    paths = run_query(edge_store, "referral_paths", {
        "nisn": "0000000101", "employer": "E08", "max_hops": 5, "k": 10, "as_of": qs.AS_OF})
    assert paths.rows[0]["nodes"][2]["name"] == budi
    assert paths.rows[0]["explanation_id"].startswith(budi + " (TKR, lulus 2018)")
    # Through every output format and back.
    result = run_query(edge_store, "prospective_partners", {"npsn": qs.SCHOOL_A, "as_of": qs.AS_OF})
    assert json.loads(format_result(result, "json"))["rows"] == result.rows
    back = list(csv.DictReader(io.StringIO(format_result(result, "csv"))))
    assert [r["name"] for r in back] == [r["name"] for r in result.rows]
    assert json.loads(back[0]["champions"]) == result.rows[0]["champions"]
    table = format_result(result, "table")
    assert toko in table and cepat in table and budi in table


def test_as_of_defaults_to_today(edge_store):
    with Days() as days:
        result = run_query(edge_store, "prospective_partners", {"npsn": qs.SCHOOL_A})
    assert result.params["as_of"] in days, (result.params, days)
    with Days() as days:
        result = run_query(edge_store, "referral_paths", {"nisn": "0000000101", "employer": "E08"})
    params = dict(result.params)
    assert params.pop("as_of") in days, (result.params, days)
    assert params == {"nisn": "0000000101", "employer": "E08", "max_hops": 3, "k": 5}


# -- parity beyond the golden files ----------------------------------------------------

def _parity_cases():
    cases = []
    for npsn in (qs.SCHOOL_A, qs.SCHOOL_B):
        for as_of in ("2017-01-01", "2025-06-30", qs.AS_OF, "2025-07-02", "2026-01-01"):
            cases.append(("prospective_partners", {"npsn": npsn, "as_of": as_of}))
    for program in ("TKR", "RPL"):
        for category in ("former_partner", "alumni_employer", "internship_host", "past_alumni_only"):
            cases.append(("prospective_partners", {"npsn": qs.SCHOOL_A, "program": program,
                                                   "category": category, "as_of": qs.AS_OF}))
    for code in qs.employers():
        cases.append(("alumni_at_employer", {"employer": code, "current_only": "false",
                                             "as_of": "2024-01-01"}))
    return cases


def test_parity_on_the_edge_dataset(edge_stores):
    """Neo4j rows == networkx rows: many parameter cases and every person and
    employer pair of referral_paths at max_hops 3 and 5."""
    emb, neo = edge_stores["embedded"], edge_stores["neo4j"]
    cases = _parity_cases()
    for nisn in qs.people():
        for code in qs.employers():
            for hops in (3, 5):
                cases.append(("referral_paths", {"nisn": nisn, "employer": code, "max_hops": hops,
                                                 "k": 50, "as_of": qs.AS_OF}))
    non_empty = {"referral_paths": 0, "prospective_partners": 0, "alumni_at_employer": 0}
    for name, params in cases:
        a, b = run_query(emb, name, params), run_query(neo, name, params)
        assert (a.rows, a.meta) == (b.rows, b.meta), (name, params)
        non_empty[name] += bool(a.rows)
    # The cases compare real answers, not only empty ones (183, 15 and 6 of
    # 380, 18 and 10 cases have rows on this dataset).
    assert non_empty["referral_paths"] >= 150
    assert non_empty["prospective_partners"] >= 12
    assert non_empty["alumni_at_employer"] >= 5
