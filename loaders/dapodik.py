"""Dapodik's "Daftar Peserta Didik" export, read as current students.

The layout (checked against public importers of this export, e.g. Laravel
and rapor applications that read "Unduh → Daftar PD", and the column list in
``/work/shared/notes/school-files.md``): a title block (Daftar Peserta
Didik, the school, its district and province, download date, downloader),
then a header over two rows: most columns merged vertically, "Data Ayah",
"Data Ibu" and "Data Wali" merged horizontally over Nama, Tahun Lahir,
Jenjang Pendidikan, Pekerjaan, Penghasilan, NIK. Columns: No, Nama, NIPD,
JK, NISN, Tempat Lahir, Tanggal Lahir, NIK, Agama, Alamat, RT, RW, Dusun,
Kelurahan, Kecamatan, Kode Pos, Jenis Tinggal, Alat Transportasi, Telepon,
HP, E-Mail, SKHUN, Penerima KPS, No. KPS, the parents' blocks, Rombel Saat
Ini, exam and certificate numbers, KIP/KKS, bank fields, PIP, Kebutuhan
Khusus, Sekolah Asal, Anak ke-berapa, Lintang, Bujur, No KK, body measures,
siblings, distance to school.

Only what the contract needs is kept: NISN, Nama, JK, Tanggal Lahir, HP (or
a mobile number under Telepon), E-Mail, and the programme, which Dapodik
has only inside the rombel ("XII TKJ 2", "XII-TKR-A", "12 AKL 1"). Every other
column (NIK, parents, address, bank, coordinates, …) is dropped before
anything else sees it, and the report lists them.

The rombel → programme mapping is derived from the school's programmes
(codes and names), shown for confirmation (``Table.extra["rombel_mapping"]``),
stored as JSON in the data directory (:func:`save_rombel_map`) and reused.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from alumni_graph.loaders.kinds import as_text, is_empty
from alumni_graph.loaders.readers import Note

ROMBEL_MAP_FILE = "rombel_program.json"

#: Dapodik header key → contract column (pseudo-columns start with "_").
KEEP = {
    "nama": "nama", "jk": "jenis_kelamin", "nisn": "nisn", "tanggal_lahir": "tanggal_lahir",
    "hp": "no_hp", "telepon": "_telepon", "e_mail": "email", "email": "email",
    "rombel_saat_ini": "_rombel", "rombel": "_rombel",
}
_GRADES = {"X", "XI", "XII", "XIII", "10", "11", "12", "13", "KELAS", "KLS"}
_STOP = {"DAN", "&", "DENGAN", "DI", "KE", "UNTUK"}


def is_dapodik_header(keys: list[str]) -> bool:
    """A Dapodik "Daftar Peserta Didik" header: NIPD and Rombel Saat Ini beside NISN."""
    ks = set(keys)
    return "nisn" in ks and "nipd" in ks and bool(ks & {"rombel_saat_ini", "rombel"})


def column_mapping(keys: list[str], raw: list) -> tuple[dict[str, int], list[str]]:
    mapping: dict[str, int] = {}
    dropped: list[str] = []
    for i, key in enumerate(keys):
        if not key or key == "no":
            continue
        col = KEEP.get(key)
        if col and col not in mapping:
            mapping[col] = i
        else:
            shown = as_text(raw[i]).strip() if i < len(raw) and not is_empty(raw[i]) else key
            dropped.append(shown if not key.startswith("data_") else key.replace("_", " ").title())
    return mapping, list(dict.fromkeys(dropped))


# -- rombel → programme ---------------------------------------------------------------

def rombel_key(rombel: str) -> str:
    """``"XII-TKR-A"`` → ``"XII TKR A"``: upper case, one space between parts."""
    return " ".join(re.split(r"[\s\-_./]+", as_text(rombel).strip().upper())).strip()


def rombel_core(rombel: str) -> str:
    """The programme part of a rombel: grade and class number removed.

    >>> rombel_core("XII TKJ 2"), rombel_core("XII-TKR-A"), rombel_core("12 AKL 1"), rombel_core("X Teknik Kendaraan Ringan 1")
    ('TKJ', 'TKR', 'AKL', 'TEKNIK KENDARAAN RINGAN')
    """
    parts = rombel_key(rombel).split()
    while parts and parts[0] in _GRADES:
        parts.pop(0)
    while len(parts) > 1 and re.fullmatch(r"\d{1,2}|[A-Z]", parts[-1]):
        parts.pop()
    return " ".join(parts)


def initials(name: str) -> str:
    """``Teknik Komputer dan Jaringan`` → ``TKJ``."""
    return "".join(w[0] for w in re.split(r"[\s\-/]+", name.upper()) if w and w not in _STOP and w[0].isalnum())


def programme_code(value: str, programmes: list[dict], npsn: str | None = None) -> tuple[str, str, str] | None:
    """``(npsn, code, how)`` for a rombel or a programme name typed in a
    cell, from the school's programmes; None if none or several fit.

    >>> progs = [{"school_npsn": "20300001", "code": "TKJ", "name": "Teknik Komputer dan Jaringan"},
    ...          {"school_npsn": "20300001", "code": "TKRO", "name": "Teknik Kendaraan Ringan Otomotif"}]
    >>> programme_code("XII TKJ 2", progs), programme_code("XII-TKR-A", progs)
    (('20300001', 'TKJ', 'kode'), ('20300001', 'TKRO', 'awalan kode'))
    >>> programme_code("Teknik Komputer dan Jaringan", progs)
    ('20300001', 'TKJ', 'nama')
    """
    core = rombel_core(value)
    if not core:
        return None
    progs = [p for p in programmes if npsn is None or p.get("school_npsn") == npsn]
    for how, test in (
        ("kode", lambda p: core == str(p.get("code", "")).upper()),
        ("nama", lambda p: core == rombel_key(p.get("name") or "")),
        ("singkatan nama", lambda p: " " not in core and core == initials(p.get("name") or "")),
        ("awalan kode", lambda p: " " not in core and len(core) >= 2 and (
            str(p.get("code", "")).upper().startswith(core) or core.startswith(str(p.get("code", "")).upper()))),
        ("awalan nama", lambda p: " " in core and rombel_key(p.get("name") or "").startswith(core)),
    ):
        hits = {(p["school_npsn"], str(p["code"])) for p in progs if p.get("code") and test(p)}
        if len(hits) == 1:
            n, c = hits.pop()
            return n, c, how
        if len(hits) > 1:
            return None
    return None


def derive_mapping(rombels: dict[str, int], programmes: list[dict], stored: dict,
                   npsn: str | None = None) -> list[dict]:
    """One entry per rombel seen: ``{"rombel", "rows", "npsn", "code", "how"}``.
    ``how``: "tersimpan" (stored earlier), how it was derived, or None (no
    programme fits: the rows are refused until the mapping is given)."""
    out = []
    for rombel, count in sorted(rombels.items()):
        key = rombel_key(rombel)
        got = stored.get(key)
        if got:
            out.append({"rombel": key, "rows": count, "npsn": got[0], "code": got[1], "how": "tersimpan"})
            continue
        hit = programme_code(key, programmes, npsn)
        out.append({"rombel": key, "rows": count, "npsn": hit[0] if hit else None,
                    "code": hit[1] if hit else None, "how": hit[2] if hit else None})
    return out


def load_rombel_map(data_dir: Path | str | None) -> dict:
    """The stored mapping ``{rombel: [npsn, code]}`` (empty if none)."""
    if not data_dir:
        return {}
    path = Path(data_dir) / ROMBEL_MAP_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {rombel_key(k): [str(v[0]), str(v[1])] for k, v in raw.items()
            if isinstance(v, list) and len(v) == 2}


def save_rombel_map(data_dir: Path | str, mapping: list[dict] | dict) -> Path:
    """Store confirmed entries (a :func:`derive_mapping` list or a dict) next
    to the data, merged with what was stored; written atomically, mode 0600."""
    data_dir = Path(data_dir)
    stored = load_rombel_map(data_dir)
    items = mapping.items() if isinstance(mapping, dict) else (
        (e["rombel"], [e["npsn"], e["code"]]) for e in mapping if e.get("code"))
    for k, v in items:
        stored[rombel_key(k)] = [str(v[0]), str(v[1])]
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ROMBEL_MAP_FILE
    tmp = path.with_name(f".{ROMBEL_MAP_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(stored, f, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(tmp, path)
    return path


# -- filling the rows -----------------------------------------------------------------

def school_npsn(context, title_rows: list) -> tuple[str | None, str]:
    """The NPSN for the export: the only school in the store, or the one
    whose name is in the title block."""
    schools = list(getattr(context, "schools", None) or [])
    if len(schools) == 1:
        return schools[0]["npsn"], "satu-satunya sekolah di database"
    title = " ".join(rombel_key(as_text(c)) for _, cells in title_rows if isinstance(cells, list)
                     for c in cells if not is_empty(c))
    hits = [s for s in schools if s.get("name") and rombel_key(s["name"]) in title]
    hits += [s for s in schools if s.get("npsn") and s["npsn"] in title and s not in hits]
    if len(hits) == 1:
        return hits[0]["npsn"], "nama sekolah di judul file"
    return None, ""


def fill(rows: list, columns: list[str], context, notes: list[Note], title_rows: list
         ) -> tuple[list[str], list]:
    """Turn Dapodik rows into contract rows: npsn and kode_program from the
    rombel, HP (or a mobile number under Telepon) as no_hp; the pseudo
    columns go. Rows whose rombel maps to no programme get an error note."""
    idx = {c: i for i, c in enumerate(columns)}
    npsn, how_npsn = school_npsn(context, title_rows)
    programmes = list(getattr(context, "programmes", None) or [])
    stored = dict(getattr(context, "rombel_map", None) or {})
    counts: dict[str, int] = {}
    if "_rombel" in idx:
        for _, cells in rows:
            if isinstance(cells, list) and not is_empty(cells[idx["_rombel"]]):
                key = rombel_key(cells[idx["_rombel"]])
                counts[key] = counts.get(key, 0) + 1
    mapping = derive_mapping(counts, programmes, stored, npsn)
    by_rombel = {e["rombel"]: e for e in mapping}
    notes.append(_MappingNote(mapping))
    if npsn is None:
        notes.append(Note(None, "npsn", None,
                          "NPSN sekolah tidak diketahui: database berisi lebih dari satu sekolah (atau belum ada) dan "
                          "nama sekolah di judul file tidak cocok; muat sekolah.csv dulu atau tambahkan kolom npsn",
                          "the school's NPSN is unknown: the database holds several schools (or none) and the school "
                          "name in the file's title does not match; load sekolah.csv first or add an npsn column",
                          level="warning"))
    out_cols = [c for c in columns if not c.startswith("_")] + ["npsn", "kode_program"]
    out = []
    for n, cells in rows:
        if not isinstance(cells, list):
            out.append((n, cells))
            continue
        rec = dict(zip(columns, cells))
        if is_empty(rec.get("no_hp")) and not is_empty(rec.get("_telepon")):
            tel = re.sub(r"\D", "", as_text(rec["_telepon"]))
            if tel.startswith(("08", "628", "8")):
                rec["no_hp"] = rec["_telepon"]
        rombel = rec.get("_rombel")
        entry = by_rombel.get(rombel_key(rombel)) if not is_empty(rombel) else None
        code = entry["code"] if entry else None
        prog_npsn = entry["npsn"] if entry and entry.get("npsn") else npsn
        if code is None:
            notes.append(Note(n, "kode_program", None if is_empty(rombel) else as_text(rombel),
                              "rombel ini tidak bisa dipetakan ke program keahlian sekolah; tetapkan pemetaannya "
                              "(rombel → kode program) di halaman Impor data atau muat program.csv dulu",
                              "this rombel cannot be mapped to one of the school's programmes; set the mapping "
                              "(rombel → programme code) on the Impor data page or load program.csv first",
                              level="error"))
        out.append((n, [rec.get(c) for c in out_cols[:-2]] + [prog_npsn, code]))
    if npsn is not None and how_npsn:
        notes.append(Note(None, "npsn", npsn, f"NPSN diambil dari {how_npsn}",
                          f"NPSN taken from the {'only school in the database' if how_npsn.startswith('satu') else 'school name in the title'}"))
    return out_cols, out


class _MappingNote(Note):
    """The rombel → programme mapping, carried in the notes to the table."""

    def __init__(self, mapping: list[dict]):
        shown = "; ".join(f"{e['rombel']} → {e['code'] or '?'}" for e in mapping)[:600]
        super().__init__(None, "kode_program", None,
                         f"pemetaan rombel → program (periksa dan konfirmasi): {shown}",
                         f"rombel → programme mapping (check and confirm): {shown}")
        self.mapping = mapping


def last_mapping(notes: list[Note]) -> list[dict]:
    for n in reversed(notes):
        if isinstance(n, _MappingNote):
            return n.mapping
    return []
