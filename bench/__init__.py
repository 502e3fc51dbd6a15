"""alumni-graph's benchmark harness (issue 8): ``python -m bench [--scale S|M]``.

Not part of the test suite. One command generates the data deterministically
(``alumni_graph.demo``), runs every measurement side by side in one process run
(warm-up, then repeated runs; median and p95), prints a table and writes a
JSON file with the machine, the versions and the settings. See
``bench/RESULTS.md`` for the latest numbers and ``docs/scaling.md`` for what
they mean.

Sections (``--only NAME...``): ``embedded``, ``load``, ``admin_import``,
``queries``, ``driver``, ``graph_page``, ``api``.
"""
