"""Rows in the loader's file format for the kinds issue 14's staff write in
the browser: ``kunjungan`` (with the outreach pipeline columns), ``kemitraan``
(with scope and who), ``lowongan`` and ``rujukan``. What staff enter comes
back out as files that load to the same graph (tests/test_work_export.py), so
``alumni-graph export`` writes these kinds with :data:`EXPORTERS`.

Each exporter takes a store and yields dicts keyed by the kind's column names
(``loaders.kinds.KINDS[kind]``), values as the loader reads them back (dates
as ISO text, lists ``;``-joined, booleans ya/tidak), ordered stably.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def _rows(out: list[dict]) -> Iterator[dict]:
    import json

    out.sort(key=lambda r: json.dumps(r, sort_keys=True, default=str))
    for r in out:
        yield {k: _text(v) for k, v in r.items() if v is not None}


def kunjungan(store) -> Iterator[dict]:
    out = []
    for rel in store.iter_relationships("CONTACTED", start_label="School", end_label="Employer"):
        p = rel["props"]
        out.append({"npsn": rel["start"][0], "kode_dudi": rel["end"][0], "tanggal": p.get("date"),
                    "jenis": p.get("kind"), "oleh": p.get("by"), "catatan": p.get("notes"),
                    "status": p.get("status"), "penanggung_jawab": p.get("owner"),
                    "tindakan_berikut": p.get("next_action"), "tanggal_tindakan": p.get("next_action_date")})
    return _rows(out)


def kemitraan(store) -> Iterator[dict]:
    out = []
    for start_label in ("School", "Program"):
        for rel in store.iter_relationships("PARTNERS_WITH", start_label=start_label, end_label="Employer"):
            p = rel["props"]
            out.append({"npsn": rel["start"][0],
                        "kode_program": rel["start"][1] if start_label == "Program" else None,
                        "kode_dudi": rel["end"][0], "jenis": p.get("kinds"), "nomor_mou": p.get("mou_number"),
                        "mulai": p.get("start"), "selesai": p.get("end"), "lingkup": p.get("scope"),
                        "oleh": p.get("by")})
    return _rows(out)


def lowongan(store) -> Iterator[dict]:
    out = []
    for v in store.iter_nodes("Vacancy"):
        out.append({"npsn": v.get("school_npsn"), "kode_lowongan": v["id"], "kode_dudi": v.get("employer_code"),
                    "posisi": v.get("title"), "program": v.get("programs") or None, "jumlah": v.get("openings"),
                    "batas_waktu": v.get("deadline"), "asal": v.get("origin"), "catatan": v.get("notes"),
                    "dicatat_oleh": v.get("created_by"), "tanggal_dicatat": v.get("created_on")})
    return _rows(out)


def rujukan(store) -> Iterator[dict]:
    out = []
    for rel in store.iter_relationships("REFERRED_TO", start_label="Person", end_label="Vacancy"):
        p = rel["props"]
        out.append({"nisn": rel["start"][0], "kode_lowongan": rel["end"][0], "status": p.get("status"),
                    "tanggal": p.get("date"), "tanggal_rujuk": p.get("referred_on"), "oleh": p.get("by"),
                    "catatan": p.get("notes")})
    return _rows(out)


#: kind -> exporter, in the loader's order.
EXPORTERS: dict[str, Callable] = {"kemitraan": kemitraan, "kunjungan": kunjungan,
                                  "lowongan": lowongan, "rujukan": rujukan}


def write_csv(store, kind: str, path) -> int:
    """Write one kind as a CSV the loader reads back; the number of rows."""
    import csv

    from alumni_graph.loaders.kinds import KINDS

    columns = [c.name for c in KINDS[kind].columns]
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="raise")
        w.writeheader()
        for row in EXPORTERS[kind](store):
            w.writerow(row)
            n += 1
    return n
