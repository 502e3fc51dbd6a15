"""The names the packages' docstring examples (doctests) run with.

``pytest`` collects the examples in graph_service/, loaders/, queries/ and web/
(``--doctest-modules`` in pyproject.toml). The query examples read a loaded
graph: here ``G`` (the networkx graph of the embedded store) and ``store``
(the store itself), loaded through the loader from one of the test fixtures:

* ``tests/fixtures/edge`` (SMK A 20300001 and B 20300002, Ani 0000000101…,
  see tests/queries_support.py) for the modules in :data:`EDGE_MODULES`;
* ``tests/fixtures/analyses`` (SMK 20400001…, see tests/analyses_support.py)
  for every other module.

Each dataset is loaded once per run, and only when an example needs it. This
file sits at the top of the tree (not inside a package), so it is not part of
the installed wheel.
"""
from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "tests" / "fixtures"

#: Modules whose examples read the edge-case dataset (the rest: the analyses one).
EDGE_MODULES = ("queries.__init__", "queries", "queries.referral_paths",
                "queries.prospective_partners", "queries.alumni_at_employer")


@pytest.fixture(scope="session")
def _doctest_stores(tmp_path_factory):
    """``{dataset: store}``, each loaded on first use."""
    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.loaders import load_paths

    stores: dict[str, EmbeddedStore] = {}

    def get(dataset: str) -> EmbeddedStore:
        if dataset not in stores:
            store = EmbeddedStore(tmp_path_factory.mktemp(f"doctest-{dataset}") / "data",
                                  batch_size=5000)
            store.init_schema()
            report = load_paths(store, [FIXTURES / dataset])
            assert report.ok, report.render()
            stores[dataset] = store
        return stores[dataset]

    return get


@pytest.fixture(autouse=True)
def _doctest_graph(request, doctest_namespace):
    """For a docstring example of a module that reads a graph: ``G`` and ``store``."""
    from _pytest.doctest import DoctestItem

    if not isinstance(request.node, DoctestItem):
        return
    module = request.node.dtest.globs.get("__name__", "")
    if not module.startswith("queries"):
        return
    store = request.getfixturevalue("_doctest_stores")(
        "edge" if module in EDGE_MODULES else "analyses")
    doctest_namespace["store"] = store
    doctest_namespace["G"] = store.graph()
