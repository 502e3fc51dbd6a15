"""A hub employer added to the web fixture (web_fixture.build): more people of
each kind than the caps the tests use, with every names-policy case among them
(display consent, contact consent only, none; alumni and students; minors with
and without a guardian's consent), two jobs of one person at the hub (ties in
the order broken by the relationship's properties), partnerships and contacts.

Every value is made up."""
from __future__ import annotations

import web_fixture as fx

HUB = "E-HUB"
PEOPLE = 36


def nisn(i: int) -> str:
    return f"0059{i:06d}"


def person(i: int) -> dict:
    year = None if i % 4 == 0 else 2019 + i % 5
    return {
        "nisn": nisn(i), "name": f"Orang Hub {i:02d}", "school_npsn": fx.NPSN,
        "program_code": "TKR" if i % 2 else "TKJ", "graduation_year": year,
        "status": "bekerja" if year else None,
        "birth_date": "2012-01-01" if i % 5 == 0 else "2003-02-03",
        "guardian_consent_ref": "SURAT/ORTU/1" if i % 10 == 0 else None,
        "consent_display": i % 3 == 0, "consent_contact": i % 3 != 2,
        "phone": f"08129{i:07d}",
    }


def linked() -> list[str]:
    """The people with a job or an internship at the hub."""
    return [nisn(i) for i in range(PEOPLE) if i % 2 == 0 or i % 3 != 1]


def build(store) -> None:
    """The web fixture and the hub."""
    fx.build(store)
    src = "hub-fixture"
    store.upsert_nodes("Employer", [{"code": HUB, "name": "PT Hub Raya", "sector": "C",
                                     "city": "Karawang", "verified": True}], source=src)
    store.upsert_nodes("Person", [person(i) for i in range(PEOPLE)], source=src)

    def rels(type_, start_label, rows):
        counts = store.upsert_relationships(type_, rows, start_label=start_label,
                                            end_label="Employer" if type_ != "STUDIED_IN" else "Program",
                                            source=src)
        assert counts.missing == 0, (type_, counts)

    rels("STUDIED_IN", "Person", [{"start": (nisn(i),), "end": (fx.NPSN, person(i)["program_code"])}
                                   for i in range(PEOPLE)])
    jobs = [{"start": (nisn(i),), "end": (HUB,), "props": {
        "start": f"20{18 + i % 6}-0{1 + i % 9}-01", "title": f"Operator {i}",
        **({"end": "2024-12-31"} if i % 4 == 2 else {})}} for i in range(0, PEOPLE, 2)]
    # one person with two jobs at the hub: rows tied on the person, ordered by properties
    jobs += [{"start": (nisn(i),), "end": (HUB,), "props": {"start": "2025-05-01", "title": "Kepala regu"}}
             for i in (2, 4)]
    rels("WORKS_AT", "Person", jobs)
    rels("INTERNED_AT", "Person", [{"start": (nisn(i),), "end": (HUB,), "props": {
        "start": "2022-01-03", "end": "2022-03-31", "score": 70 + i}} for i in range(PEOPLE) if i % 3 != 1])
    rels("PARTNERS_WITH", "School", [{"start": (fx.NPSN,), "end": (HUB,), "props": {
        "start": "2024-01-01", "kinds": ["prakerin"]}}])
    rels("PARTNERS_WITH", "Program", [{"start": (fx.NPSN, "TKR"), "end": (HUB,), "props": {
        "start": "2023-01-01", "kinds": ["rekrutmen"]}}])
    rels("CONTACTED", "School", [{"start": (fx.NPSN,), "end": (HUB,), "props": {
        "date": f"2026-0{m}-01", "kind": "kunjungan", "by": "Humas"}} for m in (3, 5, 7)])
