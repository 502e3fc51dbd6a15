"""The explorer's search on Neo4j through the full-text index
(queries/explore_search_fulltext.cypher, index person_name_fulltext in
graph_service/schema.py), and on the embedded store through its per-graph
search index (queries/explore.py ``_search_index``): the same answers as
reading every person (explore_search.cypher), for names and typed text
that Lucene would read differently (punctuation, its own syntax, accents,
cases, words split mid-way), under each names policy; and the index is
really used.

Data: the hostile-names web fixture plus people whose names are hard for a
word index.
"""
from __future__ import annotations

import pytest
import queries_support as qs
import web_fixture as fx
from alumni_graph.queries import explore

ALL = explore.ALL_NAMES
HUMAS = explore.Names("consented", key=b"k" * 32, as_of="2026-11-01")

#: Names a word index splits, lower-cases or would drop (stop words).
HARD_NAMES = {
    "0053000001": "An Nisa Putri",
    "0053000002": "Siti-Aminah",
    "0053000003": "JOSÉ Ñandú Saputra",
    "0053000004": "O'Brien Budiman",
    "0053000005": "İbrahim Kelvin",
    "0053000006": "Budi123 Santoso",
    "0053000007": "The And Or Not",
    "0053000008": "Ani*Star (AND) title:x",
    "0053000009": "niSU Wati",
}

#: What staff type (before the search lower-cases it).
QUERIES = [
    "an", "ani", "AN", "ni su", "i su", "an n", "siti-am", "ti-a", "-a", "josé", "jos", "ñan", "ÑANDÚ",
    "o'b", "'b", "ibra", "i̇bra", "kelvin", "budi", "budi1", "123", "0053", "00530000", "0053000003",
    "the and", "and", "or", "not", "*", "a*", "*star", "ani*star", "(and)", "title:x", "x)", '"',
    "~", "\\", "a?", "+ani", "-ani", "ani~1", "[a TO z]", "img", "<script>", "=hyper", "javascript:",
    "é", "é-", "--", "  Citra  ", "eko saputra", "wati", "su w", "an ni", "a pu",
    "putri\nsiti", "tri\ns",  # across two names kept one after the other (the embedded index's text)
]


def _add_hard_names(store) -> None:
    store.upsert_nodes("Person", [
        {**fx.person_row("0051000003"), "nisn": nisn, "name": name,
         "consent_display": i % 2 == 0, "consent_contact": i % 2 == 0}
        for i, (nisn, name) in enumerate(HARD_NAMES.items())
    ], source="search-fixture")


@pytest.fixture(scope="module")
def both(tmp_path_factory, neo4j_server):
    from alumni_graph.graph_service.embedded import EmbeddedStore

    emb = EmbeddedStore(tmp_path_factory.mktemp("search"))
    neo = qs.open_neo4j(neo4j_server)
    neo.clear()
    for s in (emb, neo):
        fx.build(s)  # init_schema: the full-text index too
        _add_hard_names(s)
    neo.write("CALL db.awaitIndexes(120)")
    yield emb, neo
    neo.close()


def _scan(store, *args, **kw):
    """The search reading every person (the index not used)."""
    real = explore.fulltext_query
    explore.fulltext_query = lambda q: None
    try:
        return explore.search(store, *args, **kw)
    finally:
        explore.fulltext_query = real


@pytest.mark.neo4j
@pytest.mark.parametrize("names", [ALL, HUMAS], ids=["all", "humas"])
def test_the_index_finds_what_reading_everyone_finds(both, names):
    emb, neo = both
    found = 0
    for q in QUERIES:
        want = explore.search(emb, q, 50, names=names)
        assert explore.search(neo, q, 50, names=names) == want, q
        assert _scan(neo, q, 50, names=names) == want, q
        found += len(want)
    assert found > 50  # the queries find people, not only nothing
    # Hard names are found across word boundaries, punctuation and accents.
    keys = {q: [r["key"] for r in explore.search(neo, q, 50, names=ALL)]
            for q in ("an ni", "su w", "ti-a", "ñan", "o'b")}
    assert keys["an ni"] == ["0053000001"] and keys["su w"] == ["0053000009"]
    assert keys["ti-a"] == ["0053000002"] and keys["ñan"] == ["0053000003"] and keys["o'b"] == ["0053000004"]


@pytest.mark.neo4j
def test_the_index_is_used_and_user_text_never_reaches_lucene_as_syntax(both, monkeypatch):
    _, neo = both
    sent = []
    real = neo.read

    def read(cypher, params=None):
        sent.append((cypher, dict(params or {})))
        return real(cypher, params)

    monkeypatch.setattr(neo, "read", read)
    explore.search(neo, 'Ani*Star (AND) "title:x~', 10, names=ALL)
    (cypher, params), = sent
    assert "db.index.fulltext.queryNodes" in cypher and "MATCH (n:Person)\n  WHERE 'Person'" not in cypher
    assert params["name_query"] == "*ani* AND *star* AND *and* AND *title* AND *x*"
    sent.clear()
    explore.search(neo, "é-", 10, names=ALL)  # nothing Lucene can look up: every person read
    (cypher, params), = sent
    assert "queryNodes" not in cypher and "name_query" not in params
    sent.clear()
    explore.search(neo, "ani", 10, types=["Employer"], names=ALL)  # no people asked for
    assert "queryNodes" not in sent[0][0]


@pytest.mark.neo4j
def test_a_new_name_is_found_at_once(both):
    """The index is updated in the writing transaction: the very next search
    finds a name just loaded (the web's cache relies on it)."""
    emb, neo = both
    for s in (emb, neo):
        s.upsert_nodes("Person", [{**fx.person_row("0051000003"), "nisn": "0053000099",
                                   "name": "Zulkarnain Baru"}], source="search-fixture")
    assert [r["key"] for r in explore.search(neo, "zulkar", 5, names=ALL)] == ["0053000099"]
    assert explore.search(neo, "zulkar", 5, names=ALL) == explore.search(emb, "zulkar", 5, names=ALL)


def test_fulltext_query_takes_only_letters_and_digits():
    assert explore.fulltext_query("ani") == "*ani*"
    assert explore.fulltext_query("ni su") == "*ni* AND *su*"
    assert explore.fulltext_query('*a" OR (b:c)~') == "*a* AND *b* AND *c*"
    assert explore.fulltext_query("josé") == "*jos*"
    assert explore.fulltext_query("é-") is None and explore.fulltext_query("--") is None


def test_the_index_is_declared_once_in_the_schema():
    from alumni_graph.graph_service.schema import index_statements

    [statement] = [s for s in index_statements() if "FULLTEXT" in s]
    assert "person_name_fulltext" in statement and "standard-no-stop-words" in statement
    assert "person_name_fulltext" in explore._cypher("search_fulltext")


def test_the_fulltext_search_differs_from_the_scan_only_in_how_people_are_found():
    scan = explore._cypher_file("search")
    full = explore._cypher_file("search_fulltext")
    rest = scan[scan.index("  MATCH (n:Employer)"):]
    assert full.endswith(rest)
