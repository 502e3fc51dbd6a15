"""A small synthetic graph for the web and explore tests, written with the
store's own upserts (no loader needed), with hostile names: XSS payloads in
person, employer and job-title fields, a spreadsheet formula, template syntax.

Every value is made up. The browser tests assert that none of the payloads
ever runs: each one would set ``window.__xss`` (or open a dialog).
"""
from __future__ import annotations

NPSN = "20300001"
OTHER_NPSN = "20300002"

XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_HREF = '" href="javascript:window.__xss=1" x="'
XSS_SCRIPT = "'><script>window.__xss=1</script>"
XSS_SVG = "<svg onload=window.__xss=1>"
FORMULA = '=HYPERLINK("http://example.invalid","x")'

PEOPLE = {
    # nisn: (name, school, programme, graduation year, status, consent)
    "0051000001": (f"Ani {XSS_IMG}", NPSN, "TKJ", 2022, "bekerja", True),
    "0051000002": (f"Budi {XSS_HREF}", NPSN, "TKR", 2021, "bekerja", False),
    "0051000003": ("Citra Lestari", NPSN, "TKJ", None, None, False),
    "0051000004": (f"Dewi {XSS_SCRIPT}", NPSN, "TKR", None, None, True),
    "0051000005": (FORMULA, NPSN, "TKR", 2020, "tidak_terdata", True),
    "0051000006": ("Eko Saputra", NPSN, "TKJ", 2023, "melanjutkan", True),
    "0052000001": ("Fajar Nugroho", OTHER_NPSN, "TKR", 2022, "bekerja", True),
}
EMPLOYERS = {
    # code: (name, sector, city)
    "E-001": (f"PT {XSS_SVG} Motor", "G", "Bekasi"),
    "E-002": ("CV Jaringan Nusantara", "J", "Bandung"),
    "E-003": ('PT Baja href="javascript:window.__xss=1"', "C", "Cilegon"),
    "E-004": ("Bengkel {{7*7}} ${7*7}", "G", "Bandung"),
    "E-005": ("PT Tanpa Alumni", "C", "Karawang"),
}


def person_row(nisn: str) -> dict:
    name, school, prog, year, status, consent = PEOPLE[nisn]
    return {
        "nisn": nisn, "name": name, "school_npsn": school, "program_code": prog,
        "gender": "P" if nisn.endswith(("1", "3", "4")) else "L",
        "birth_date": "2004-05-06", "entry_year": (year or 2026) - 3,
        "graduation_year": year, "status": status, "consent_contact": consent,
        "consent_display": consent, "consent_source": "formulir BKK" if consent else None,
        "phone": f"0812345{nisn[-5:]}", "email": f"siswa{nisn[-4:]}@example.org",
    }


def build(store) -> None:
    src = "web-fixture"
    store.init_schema()
    store.upsert_nodes("School", [
        {"npsn": NPSN, "name": "SMK Negeri 1 <b>Contoh</b>", "city": "Bandung", "province": "Jawa Barat"},
        {"npsn": OTHER_NPSN, "name": "SMK Swasta Dua", "city": "Bekasi", "province": "Jawa Barat"},
    ], source=src)
    store.upsert_nodes("Program", [
        {"school_npsn": NPSN, "code": "TKR", "name": "Teknik Kendaraan Ringan", "sectors": ["G", "C"]},
        {"school_npsn": NPSN, "code": "TKJ", "name": "Teknik Komputer dan Jaringan", "sectors": ["J"]},
        {"school_npsn": OTHER_NPSN, "code": "TKR", "name": "Teknik Kendaraan Ringan", "sectors": ["G"]},
    ], source=src)
    store.upsert_nodes("Person", [person_row(n) for n in PEOPLE], source=src)
    store.upsert_nodes("Employer", [
        {"code": c, "name": n, "name_normalized": n.lower(), "sector": s, "city": city,
         "province": "Jawa Barat", "scale": "menengah", "contact": "Bagian HRD", "verified": c != "E-004"}
        for c, (n, s, city) in EMPLOYERS.items()
    ], source=src)

    def rels(type_, start_label, end_label, rows):
        counts = store.upsert_relationships(type_, rows, start_label=start_label,
                                            end_label=end_label, source=src)
        assert counts.missing == 0, (type_, counts)

    rels("HAS_PROGRAM", "School", "Program", [
        {"start": (NPSN,), "end": (NPSN, "TKR")},
        {"start": (NPSN,), "end": (NPSN, "TKJ")},
        {"start": (OTHER_NPSN,), "end": (OTHER_NPSN, "TKR")},
    ])
    rels("STUDIED_IN", "Person", "Program", [
        {"start": (n,), "end": (school, prog)} for n, (_, school, prog, *_r) in PEOPLE.items()
    ])
    rels("WORKS_AT", "Person", "Employer", [
        {"start": ("0051000001",), "end": ("E-002",), "props": {
            "start": "2022-08-01", "title": "<script>window.__xss=1</script> Teknisi Jaringan",
            "aligned": True, "channel": "bkk"}},
        {"start": ("0051000002",), "end": ("E-001",), "props": {
            "start": "2021-09-01", "end": "2023-01-31", "title": "Mekanik", "aligned": True}},
        {"start": ("0051000002",), "end": ("E-003",), "props": {
            "start": "2023-03-01", "title": "=1+2", "aligned": False}},
        {"start": ("0051000005",), "end": ("E-001",), "props": {
            "start": "2020-10-01", "title": "Staf gudang", "aligned": False}},
        {"start": ("0052000001",), "end": ("E-002",), "props": {
            "start": "2022-09-01", "title": "Teknisi", "aligned": True}},
    ])
    rels("INTERNED_AT", "Person", "Employer", [
        {"start": ("0051000003",), "end": ("E-002",), "props": {
            "start": "2026-01-05", "end": "2026-03-31", "score": 88, "supervisor": "Guru A"}},
        {"start": ("0051000004",), "end": ("E-001",), "props": {
            "start": "2026-02-01", "end": "2026-04-30", "score": 79}},
        {"start": ("0051000001",), "end": ("E-002",), "props": {
            "start": "2021-01-04", "end": "2021-03-31", "score": 90}},
        {"start": ("0051000006",), "end": ("E-004",), "props": {
            "start": "2022-01-03", "end": "2022-03-31", "score": 85}},
    ])
    rels("PARTNERS_WITH", "School", "Employer", [
        {"start": (NPSN,), "end": ("E-002",), "props": {
            "start": "2024-01-01", "kinds": ["prakerin", "rekrutmen"], "mou_number": "MOU/001"}},
    ])
    rels("PARTNERS_WITH", "Program", "Employer", [
        {"start": (NPSN, "TKR"), "end": ("E-003",), "props": {
            "start": "2019-01-01", "end": "2021-12-31", "kinds": ["prakerin"]}},
    ])
    rels("CONTACTED", "School", "Employer", [
        {"start": (NPSN,), "end": ("E-001",), "props": {
            "date": "2026-06-01", "kind": "kunjungan", "by": "Humas", "notes": "catatan"}},
    ])
