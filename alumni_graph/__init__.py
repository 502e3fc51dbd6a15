"""alumni-graph: the alumni and industry network of an SMK as a graph.

Installed as one namespace so its names cannot collide with other projects:

- ``alumni_graph.cli``           the ``alumni-graph`` command (this folder)
- ``alumni_graph.graph_service`` schema, configuration, errors, the two stores (``graph_service/``)
- ``alumni_graph.loaders``       reading, validating, resolving and writing school files (``loaders/``)
- ``alumni_graph.queries``       the named queries, each a networkx function beside its ``.cypher`` twin (``queries/``)
- ``alumni_graph.web``           the Flask pages and JSON API (``web/``)
- ``alumni_graph.security``      staff accounts, the audit log, data-subject requests, file modes, staged uploads (``security/``)

In the wheel those folders sit inside ``alumni_graph/`` (``pyproject.toml``
maps them). In the source tree they stay at the top of the repository; the
lines below let ``alumni_graph.web`` and the rest resolve to them when the
code runs from a checkout (tests, ``python -m alumni_graph``), whether or not
the editable install is current.
"""
from pathlib import Path as _Path

__version__ = "0.1.0"

_checkout = _Path(__file__).resolve().parent.parent
if (_checkout / "pyproject.toml").is_file() and (_checkout / "graph_service" / "__init__.py").is_file() \
        and not (_Path(__file__).resolve().parent / "graph_service").is_dir():
    __path__.append(str(_checkout))  # noqa: F821 (the package's own search path)
