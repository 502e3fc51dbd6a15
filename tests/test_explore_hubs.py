"""A hub employer (more people than any cap): the graph's neighbourhood
(explore.around) and the detail page's lists (explore.entity) are ordered and
capped in the store's query, on both stores, and give exactly what ordering
and capping the whole neighbourhood gives (parity between the stores too)."""
from __future__ import annotations

import hub_fixture as hub
import pytest
import queries_support as qs
import web_fixture as fx
from alumni_graph.queries import explore

KEY = b"k" * 32
POLICIES = {
    "all": explore.ALL_NAMES,
    "humas": explore.Names("consented", key=KEY, as_of="2026-11-01"),
    "viewer": explore.Names("none", key=KEY, lang="en"),
}
FILTERS = {
    "none": None,
    "program": {"program": "TKR"},
    "years": {"year_from": 2020, "year_to": 2022},
    "people": {"types": {"Person"}},
    "sector": {"sector": "C"},
}
CAPS = (1, 4, 12, 40)


@pytest.fixture
def hub_store(store):
    hub.build(store)
    return store


@pytest.fixture(scope="module")
def both(tmp_path_factory, neo4j_server):
    from alumni_graph.graph_service.embedded import EmbeddedStore

    emb = EmbeddedStore(tmp_path_factory.mktemp("hubs"))
    neo = qs.open_neo4j(neo4j_server)
    neo.clear()
    for s in (emb, neo):
        hub.build(s)
    yield emb, neo
    neo.close()


def _uncapped(store, *args, **kw):
    return explore.around(store, *args, max_nodes=100_000, **kw)


def _is_prefix(capped: dict, full: dict, cap: int) -> None:
    """A capped neighbourhood is the first ``cap`` nodes of the whole one, with
    the same count and the relationships among the kept nodes."""
    assert capped["nodes"] == full["nodes"][:cap]
    assert capped["total_nodes"] == full["total_nodes"]
    assert capped["truncated"] == (full["total_nodes"] > cap)
    kept = {n["id"] for n in capped["nodes"]}
    assert capped["edges"] == [e for e in full["edges"] if e["from"] in kept and e["to"] in kept]


@pytest.mark.neo4j
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("narrow", FILTERS)
def test_hub_neighbourhood_is_the_first_of_the_whole_on_both_stores(both, policy, narrow):
    emb, neo = both
    names, filters = POLICIES[policy], FILTERS[narrow]
    full = _uncapped(emb, "Employer", hub.HUB, filters=filters, names=names)
    assert full == _uncapped(neo, "Employer", hub.HUB, filters=filters, names=names)
    assert full["total_nodes"] > 12  # the caps below bite
    for cap in CAPS:
        capped = explore.around(emb, "Employer", hub.HUB, max_nodes=cap, filters=filters, names=names)
        assert capped == explore.around(neo, "Employer", hub.HUB, max_nodes=cap, filters=filters,
                                        names=names), cap
        _is_prefix(capped, full, cap)


@pytest.mark.neo4j
@pytest.mark.parametrize("policy", POLICIES)
def test_two_steps_through_a_hub_on_both_stores(both, policy):
    """From the school, two steps reach the hub's people; the cap falls inside
    the second step, among people some of whom are hidden."""
    emb, neo = both
    names = POLICIES[policy]
    full = _uncapped(emb, "School", fx.NPSN, depth=2, names=names)
    assert full == _uncapped(neo, "School", fx.NPSN, depth=2, names=names)
    first = sum(1 for n in full["nodes"] if n["distance"] < 2)
    for cap in (first - 1, first + 1, first + 9, first + 30):
        capped = explore.around(emb, "School", fx.NPSN, depth=2, max_nodes=cap, names=names)
        assert capped == explore.around(neo, "School", fx.NPSN, depth=2, max_nodes=cap, names=names)
        _is_prefix(capped, full, cap)


def test_a_hub_neighbourhood_reads_only_what_it_draws(hub_store, monkeypatch):
    """The graph's first view of a hub keeps 30 of its neighbours: only those
    are summarised, and a hidden person's keyed hash is computed only when a
    hidden person could be drawn (the old code summarised and hashed them all)."""
    made, hashed = [], []
    summary, token = explore.summary, explore.Names.token
    monkeypatch.setattr(explore, "summary", lambda *a, **k: made.append(a[0]) or summary(*a, **k))
    monkeypatch.setattr(explore.Names, "token", lambda self, key: hashed.append(key) or token(self, key))
    humas = POLICIES["humas"]
    res = explore.around(hub_store, "Employer", hub.HUB, max_nodes=6, names=humas)
    assert len(res["nodes"]) == 6 and res["total_nodes"] == 1 + 2 + len(hub.linked())
    assert not any(n.get("redacted") for n in res["nodes"])
    # the hub and at most the first 5 of each group (school, programme, named people); no hash
    assert len(made) <= 1 + 3 * 5 < res["total_nodes"] and hashed == []
    made.clear()
    res = explore.around(hub_store, "Employer", hub.HUB, max_nodes=40, names=humas)
    hidden = [n for n in res["nodes"] if n.get("redacted")]
    assert hidden
    assert len(hashed) >= len(hidden)  # now the hidden ones are placed by their hash


# -- the detail page's lists (explore.entity) -------------------------------------------

TODAY = "2026-11-01"


def _by_kind(ent: dict, current_on: str | None) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in ent["relationships"]:
        kind = f"{r['type']}:{r['direction']}"
        if current_on and r["type"] == "WORKS_AT":
            end = r["properties"].get("end")
            kind += ":now" if end is None or end >= current_on else ":ended"
        out.setdefault(kind, []).append(r)
    return out


@pytest.mark.neo4j
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("current_on", [None, TODAY])
def test_hub_entity_pages_are_slices_of_the_whole_on_both_stores(both, policy, current_on):
    """Each kind's page (offset, size) is that slice of the kind's whole
    ordered list, on both stores; the counts and the unnamed count are the
    whole firm's whatever the page."""
    emb, neo = both
    names = POLICIES[policy]
    full = explore.entity(emb, "Employer", hub.HUB, max_relationships=10**6, names=names,
                          current_on=current_on)
    assert full == explore.entity(neo, "Employer", hub.HUB, max_relationships=10**6, names=names,
                                  current_on=current_on)
    whole = _by_kind(full, current_on)
    assert {k: len(v) for k, v in whole.items()} == full["relationship_counts"]
    assert max(full["relationship_counts"].values()) > 12
    if policy != "all":
        assert full["unnamed"] > 0
    for size in (1, 3, 7):
        for offset in (0, 2, 10, 20):
            page = explore.entity(emb, "Employer", hub.HUB, max_relationships=size, names=names,
                                  current_on=current_on, offsets={k: offset for k in whole})
            assert page == explore.entity(neo, "Employer", hub.HUB, max_relationships=size,
                                          names=names, current_on=current_on,
                                          offsets={k: offset for k in whole}), (size, offset)
            assert page["relationships"] == [r for k in sorted(whole, key=lambda k: k.split(":"))
                                             for r in whole[k][offset:offset + size]]
            assert (page["relationship_counts"], page["unnamed"], page["relationships_total"]) == (
                full["relationship_counts"], full["unnamed"], full["relationships_total"])


def test_a_hub_page_reads_only_what_it_lists(hub_store, monkeypatch):
    """A firm page lists a few of each kind: only those rows' other ends are
    summarised, and no hidden person is hashed while the named ones fill the
    page (the old code summarised every relationship and hashed every
    hidden person)."""
    made, hashed = [], []
    summary, token = explore.summary, explore.Names.token
    monkeypatch.setattr(explore, "summary", lambda *a, **k: made.append(a[0]) or summary(*a, **k))
    monkeypatch.setattr(explore.Names, "token", lambda self, key: hashed.append(key) or token(self, key))
    ent = explore.entity(hub_store, "Employer", hub.HUB, max_relationships=3, names=POLICIES["humas"],
                         current_on=TODAY)
    kinds = ent["relationship_counts"]
    assert set(kinds) == {"WORKS_AT:in:now", "WORKS_AT:in:ended", "INTERNED_AT:in",
                          "PARTNERS_WITH:in", "CONTACTED:in"}
    assert len(ent["relationships"]) == sum(min(3, n) for n in kinds.values())
    assert ent["relationships_total"] == sum(kinds.values()) > 3 * len(kinds)
    assert hashed == [] and not any(r["other"].get("redacted") for r in ent["relationships"])
    assert len(made) <= 1 + 3 * len(kinds) + 2  # the firm, what is listed (a tie may add one)
    # further on, the hidden people come (after every named one), placed by their hash
    made.clear()
    ent = explore.entity(hub_store, "Employer", hub.HUB, max_relationships=5, names=POLICIES["humas"],
                         current_on=TODAY, offsets={"INTERNED_AT:in": 10})
    interns = [r for r in ent["relationships"] if r["type"] == "INTERNED_AT"]
    assert len(interns) == 5 and interns[-1]["other"].get("redacted") and hashed
