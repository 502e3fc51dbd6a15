"""Typed text to one record (web/resolve.py), on both stores: a typed NISN
or employer code is found by key (explore.exact_key) with exactly the answer
the full search gives, for every names policy; people a role may not see
are never found by key either.

Data: the hostile-names web fixture (tests/web_fixture.py).
"""
from __future__ import annotations

import pytest

import web_fixture as fx
from alumni_graph.queries import explore
from alumni_graph.web import resolve as resolving
from web_support import web_store  # noqa: F401 - fixture

POLICIES = {"all": explore.Names("all"),
            "consented": explore.Names("consented", key=b"k" * 20, as_of="2026-11-30"),
            "none": explore.Names("none", key=b"k" * 20)}


def _texts() -> list[tuple[str, str]]:
    people = [("person", n) for n in fx.PEOPLE] + [("person", "00510"), ("person", "Citra")]
    firms = [("employer", c) for c in fx.EMPLOYERS] + [("employer", c.lower()) for c in fx.EMPLOYERS]
    return people + firms + [("employer", "E-"), ("employer", "x"), ("person", "9999999999")]


@pytest.mark.parametrize("policy", list(POLICIES))
def test_a_typed_key_resolves_as_the_full_search_does(web_store, monkeypatch, policy):
    names = POLICIES[policy]
    for kind, text in _texts():
        got = resolving.resolve(web_store, text, kind, names=names)
        with monkeypatch.context() as m:
            m.setattr(explore, "exact_key", lambda *a, **k: None)  # the search alone
            want = resolving.resolve(web_store, text, kind, names=names)
        assert got == want, (kind, text, policy)


def test_a_typed_nisn_or_code_needs_no_search(store, monkeypatch):
    """Both stores: on Neo4j a key is one index seek (a search reads every
    name: seconds for a province's million people)."""
    fx.build(store)

    def no_search(*a, **k):
        raise AssertionError("searched every node for an exact key")

    monkeypatch.setattr(explore, "search", no_search)
    nisn = next(iter(fx.PEOPLE))
    found = resolving.resolve(store, nisn, "person", names=POLICIES["all"])
    assert found.ok and found.item["key"] == nisn and found.item["name"] == fx.PEOPLE[nisn][0]
    code = next(iter(fx.EMPLOYERS))
    found = resolving.resolve(store, code.lower(), "employer", names=POLICIES["all"])
    assert found.ok and found.item["key"] == code


def test_a_hidden_person_is_not_found_by_key(web_store):
    """Humas (consented) finds nobody without display or contact consent by NISN."""
    hidden = [n for n in fx.PEOPLE if not explore.Names("consented", key=b"k" * 20, as_of="2026-11-30")
              .reveals(web_store.get_node("Person", (n,)) or {})]
    assert hidden, "the fixture has people Humas may not see"
    for nisn in hidden:
        assert not resolving.resolve(web_store, nisn, "person", names=POLICIES["consented"]).ok
        assert not resolving.resolve(web_store, nisn, "person", names=POLICIES["none"]).ok
