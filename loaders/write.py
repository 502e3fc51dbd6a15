"""Writing: one file's plan into the store, counting what was created,
updated and left unchanged."""
from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable

from alumni_graph.graph_service.store import Store, WriteCounts, batched

from alumni_graph.loaders.kinds import Kind
from alumni_graph.loaders.report import FileReport
from alumni_graph.loaders.resolve import _Plan


def _group(items: Iterable[tuple[tuple, dict]]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for target, write in items:
        groups[target].append(write)
    return groups


def _upsert(store: Store, target: tuple, rows: list[dict], source: str) -> WriteCounts:
    if target[0] == "node":
        return store.upsert_nodes(target[1], rows, source=source)
    return store.upsert_relationships(target[1], rows, start_label=target[2], end_label=target[3],
                                      source=source)


def _write(store: Store, kind: Kind, plan: _Plan, fr: FileReport, progress: bool) -> None:
    """Write one file: new employers, stale relationships out, the rows, then
    the relationships derived from them. One transaction on the embedded
    store (the file is all-or-nothing); batches of ``store.batch_size`` on
    Neo4j, each its own transaction (MERGE makes a re-run complete it)."""
    source = fr.name
    primary = _group(plan.rows.values())
    total = len(plan.rows)
    bar = None
    if progress and total:
        import click

        bar = click.progressbar(length=total, label=f"{fr.name:<20}", file=sys.stderr)
    counts = WriteCounts()
    try:
        with store.transaction():
            if plan.new_employers:
                store.upsert_nodes("Employer", [
                    {"code": e.code, "name": e.name, "name_normalized": e.name_normalized,
                     "verified": False} | ({"city": e.city} if e.city else {})
                    | _review_props(plan, e.code)
                    for e, _ in plan.new_employers.values()
                ], source=source)
            for target, rows in _group(w for ws in plan.deletes.values() for w in ws).items():
                store.delete_relationships(target[1], rows, start_label=target[2], end_label=target[3])
            for target, rows in primary.items():
                for chunk in batched(rows, store.batch_size):
                    counts += _upsert(store, target, chunk, source)
                    if bar is not None:
                        bar.update(len(chunk))
            for target, rows in _group(w for ws in plan.secondary.values() for w in ws).items():
                missing = _upsert(store, target, rows, source).missing
                if missing:
                    _missing(fr, missing)
    finally:
        if bar is not None:
            bar.render_finish()
    fr.created, fr.updated = counts.created, counts.updated
    fr.unchanged = counts.unchanged + fr.repeated
    if counts.missing:
        _missing(fr, counts.missing)


def _missing(fr: FileReport, n: int) -> None:
    # Validation checked every endpoint; this means someone deleted nodes meanwhile.
    fr.status = "incomplete"
    fr.problem(None, None, None,
               f"{n} relasi tidak ditulis karena simpul ujungnya hilang dari database selama pemuatan; "
               "muat ulang file ini",
               f"{n} relationships were not written because an endpoint vanished from the database "
               "during the load; load this file again")


def _review_props(plan: _Plan, code: str) -> dict:
    """An uncertain match's review item ("DU/DI perlu dicek") on the new employer."""
    review = plan.reviews.get(code)
    if review is None:
        return {}
    return {"review_candidate": review.candidate, "review_score": review.score,
            "review_reason": review.reason, "review_rows": plan.review_rows.get(code, [])[:50]}
