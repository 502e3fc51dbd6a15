"""Hypothesis: messy but valid files load to exactly the intended graph, on
both stores; random bytes never crash the loader.

Messy means: header case, spacing and aliases; padding around values;
``,``/``;``/tab delimiters; UTF-8 (with or without BOM), UTF-16 and
Windows-1252; CSV, JSON lines or XLSX; the three date formats; every boolean
spelling; hostile strings in free text. The default run keeps few examples;
``--run-slow`` runs many more.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alumni_graph.loaders import load_files

SCHOOLS = b"npsn,nama\n20300001,SMK Satu\n"
PROGRAMS = b"npsn,kode,nama\n20300001,TKR,Teknik Kendaraan Ringan\n20300001,TKJ,TKJ\n"

HOSTILE = st.sampled_from([
    "'; MATCH (n) DETACH DELETE n //", "`x`", "<script>alert(1)</script>", '"quoted" ""twice""',
    "${jndi:ldap://x}", "{{7*7}}", "a,b;c\td", "line\nbreak", "=1+1", "\\N", "NULL", "  ",
])
# Free text: any printable character (no control characters or surrogates).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=25)
NAME = st.one_of(TEXT, HOSTILE, st.tuples(TEXT, HOSTILE).map("".join)).filter(lambda s: s.strip())

HEADERS = {
    "nisn": ["nisn", "NISN", " Nisn "],
    "nama": ["nama", "Nama", "NAME", "nama siswa"],
    "npsn": ["npsn", "NPSN", "school_npsn"],
    "kode_program": ["kode_program", "Kode Program", "program_code", "KODE-PROGRAM"],
    "tanggal_lahir": ["tanggal_lahir", "Tanggal Lahir", "birth_date", "TGL LAHIR"],
    "tahun_masuk": ["tahun_masuk", "Tahun Masuk", "entry_year"],
    "tahun_lulus": ["tahun_lulus", "TAHUN LULUS", "graduation_year"],
    "bersedia_dihubungi": ["bersedia_dihubungi", "Bersedia Dihubungi", "consent_contact"],
}
TRUE = ["ya", "Ya", "Y", "yes", "TRUE", "1"]
FALSE = ["tidak", "TIDAK", "n", "No", "false", "0"]
PAD = st.sampled_from(["", " ", "  ", "\t", " \u00a0"])


@st.composite
def people(draw):
    n = draw(st.integers(1, 6))
    nisns = draw(st.lists(st.integers(0, 10**10 - 1), min_size=n, max_size=n, unique=True))
    out = []
    for nisn in nisns:
        entry = draw(st.integers(2000, 2030))
        out.append({
            "nisn": f"{nisn:010d}",
            "nama": draw(NAME),
            "program": draw(st.sampled_from(["TKR", "TKJ"])),
            "birth": draw(st.dates(dt.date(1980, 1, 1), dt.date(entry - 12, 12, 31))),
            "entry": entry,
            "grad": draw(st.one_of(st.none(), st.integers(entry, entry + 4))),
            "consent": draw(st.booleans()),
        })
    return out


def render_date(d: dt.date, style: int) -> str:
    return [d.isoformat(), d.strftime("%d/%m/%Y"), d.strftime("%d-%m-%Y"), f"{d.day}/{d.month}/{d.year}"][style]


@st.composite
def messy_file(draw, rows):
    columns = list(HEADERS)
    draw(st.randoms()).shuffle(columns)
    header = [draw(st.sampled_from(HEADERS[c])) for c in columns]
    fmt = draw(st.sampled_from(["csv", "csv", "jsonl", "xlsx"]))
    table = []
    for p in rows:
        pad = lambda s: draw(PAD) + s + draw(PAD)  # noqa: E731
        values = {
            "nisn": pad(p["nisn"]),
            "nama": pad(p["nama"]),
            "npsn": pad("20300001"),
            "kode_program": pad(draw(st.sampled_from([p["program"], p["program"].lower()]))),
            "tanggal_lahir": pad(render_date(p["birth"], draw(st.integers(0, 3)))),
            "tahun_masuk": pad(str(p["entry"])),
            "tahun_lulus": pad("" if p["grad"] is None else str(p["grad"])),
            "bersedia_dihubungi": pad(draw(st.sampled_from(TRUE if p["consent"] else FALSE))),
        }
        if fmt == "xlsx" and draw(st.booleans()):  # real Excel types
            values["tanggal_lahir"] = dt.datetime.combine(p["birth"], dt.time())
            values["tahun_masuk"] = p["entry"]
            values["nisn"] = int(p["nisn"])  # Excel drops the leading zeros
        table.append([values[c] for c in columns])
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = draw(st.sampled_from(["Sheet1", "siswa", "Data Siswa"]))
        for r, cells in enumerate([header, *table], 1):
            for c, v in enumerate(cells, 1):
                cell = ws.cell(r, c, v)
                if isinstance(v, str):
                    cell.data_type = "s"  # text, even when it starts with "="
        buf = io.BytesIO()
        wb.save(buf)
        return "siswa.xlsx", buf.getvalue()
    if fmt == "jsonl":
        lines = [json.dumps(dict(zip(header, cells)), ensure_ascii=draw(st.booleans())) for cells in table]
        return "siswa.jsonl", ("\n".join(lines) + "\n").encode()
    out = io.StringIO()
    csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t"])),
               lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *table])
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    if encoding == "cp1252":
        try:
            data = text.encode("cp1252")
            data.decode("utf-8")
        except UnicodeEncodeError:
            encoding = "utf-8"  # not representable in Windows-1252
        except UnicodeDecodeError:
            pass  # a real Windows-1252 file
        else:
            encoding = "utf-8"  # also valid UTF-8: the reader would (rightly) read it so
    name = draw(st.sampled_from(["siswa.csv", "Siswa 2024.csv", "SISWA.txt"]))
    return name, text.encode(encoding)


def expected_person(p: dict) -> dict:
    out = {
        "school_npsn": "20300001", "program_code": p["program"], "name": p["nama"].strip(),
        "birth_date": p["birth"].isoformat(), "entry_year": p["entry"], "consent_contact": p["consent"],
    }
    if p["grad"] is not None:
        out["graduation_year"] = p["grad"]
    return out


def check_messy_rows(store, data) -> None:
    store.clear()
    rows = data.draw(people())
    name, blob = data.draw(messy_file(rows))
    files = [("sekolah.csv", io.BytesIO(SCHOOLS)), ("program.csv", io.BytesIO(PROGRAMS)),
             (name, io.BytesIO(blob))]
    report = load_files(store, files)
    assert report.ok, report.render()
    dump = store.dump()
    people_found = {tuple(n[1]): n[2] for n in dump["nodes"] if n[0] == "Person"}
    assert people_found == {(p["nisn"],): expected_person(p) for p in rows}
    assert sum(1 for r in dump["relationships"] if r[0] == "STUDIED_IN") == len(rows)
    files = [(n, io.BytesIO(b.getvalue())) for n, b in files]
    again = load_files(store, files)
    assert again.by_kind()["siswa"]["unchanged"] == len(rows)


FAST = settings(max_examples=10, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
LONG = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FAST
@given(data=st.data())
def test_messy_valid_rows_load_exactly(store, data):
    check_messy_rows(store, data)


@pytest.mark.slow
@LONG
@given(data=st.data())
def test_messy_valid_rows_load_exactly_long(store, data):
    check_messy_rows(store, data)


JUNK = st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=200).map(lambda b: b"\xef\xbb\xbfnpsn,nama\n" + b),
    st.text(max_size=200).map(lambda t: ("npsn;nama\n" + t).encode("utf-8")),
    st.text(max_size=200).map(lambda t: ('{"npsn": ' + t).encode("utf-8")),
)


def check_junk(store, name, blob) -> None:
    report = load_files(store, [(name, io.BytesIO(blob))], dry_run=True)
    json.dumps(report.as_dict())
    report.render()
    assert report.ok or report.problems


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["sekolah.csv", "sekolah.xlsx", "sekolah.jsonl", "sekolah"]), blob=JUNK)
def test_junk_never_crashes_the_loader(embedded_store, name, blob):
    check_junk(embedded_store, name, blob)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["sekolah.csv", "sekolah.xlsx", "sekolah.jsonl", "sekolah"]), blob=JUNK)
def test_junk_never_crashes_the_loader_long(embedded_store, name, blob):
    check_junk(embedded_store, name, blob)
