"""``alumni-graph export DIR``: the graph as the loader's own files.

One CSV (UTF-8, ``,``, the loader's Indonesian headers) per kind:
``sekolah``, ``program``, ``siswa``, ``dudi``, ``prakerin``, ``pekerjaan``,
``kemitraan``, ``kunjungan``. Loading them into an empty store gives the same
graph (``dump()`` equal; provenance aside, which says where a value came from).
The inverse of ``loaders/resolve.py``'s row plans.

Formula safety, and the choice made: cells are written unchanged, also a
name that starts with ``=``, ``+``, ``-`` or ``@``. A prefix (``'=...``)
would be read back as part of the name and the re-load would no longer give
the same graph, which is this export's purpose. The export report counts
such cells and says to open the files in a spreadsheet only through
*Data > From Text/CSV* with every column as Text (never by double-click);
the web's query exports, meant for spreadsheets, stay neutralised.

Employers: those that came from a ``dudi`` file (``verified``) go to
``dudi.csv``; the others were created from a reference in another file and
are written the same way, as references (``kode_dudi``, ``nama_dudi``,
``kota_dudi``) in the rows that use them. Nodes, relationships and
properties no loader file here carries (an employer's review marks, an
unverified employer's aliases, a corrected start's old dates) are counted in the report,
not written: for a whole copy use ``alumni-graph backup``.
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from alumni_graph.graph_service.errors import ExportFilesError

KINDS = ("sekolah", "program", "siswa", "dudi", "prakerin", "pekerjaan", "kemitraan", "kunjungan",
         "lowongan", "rujukan")
_EMP = ("kode_dudi", "nama_dudi", "kota_dudi")
HEADERS = {
    "sekolah": ("npsn", "nama", "kota", "provinsi"),
    "program": ("npsn", "kode", "nama", "bidang"),
    "siswa": ("nisn", "nama", "npsn", "kode_program", "jenis_kelamin", "tanggal_lahir",
              "tahun_masuk", "tahun_lulus", "status", "bersedia_dihubungi", "boleh_ditampilkan",
              "sumber_persetujuan", "tanggal_persetujuan", "ref_persetujuan_wali", "no_hp", "email"),
    "dudi": ("kode", "nama", "bidang_usaha", "kota", "provinsi", "skala", "kontak", "alamat", "nama_lain"),
    "prakerin": ("nisn", *_EMP, "mulai", "selesai", "nilai", "guru_pembimbing",
                 "kunjungan_monitoring"),
    "pekerjaan": ("nisn", *_EMP, "jabatan", "mulai", "selesai", "selaras", "sumber"),
    "kemitraan": ("npsn", "kode_program", *_EMP, "jenis", "nomor_mou", "mulai", "selesai", "lingkup", "oleh"),
    "kunjungan": ("npsn", *_EMP, "tanggal", "jenis", "oleh", "catatan", "status",
                  "penanggung_jawab", "tindakan_berikut", "tanggal_tindakan"),
    "lowongan": ("npsn", "kode_lowongan", *_EMP, "posisi", "program", "jumlah", "batas_waktu", "asal",
                 "catatan", "dicatat_oleh", "tanggal_dicatat"),
    "rujukan": ("nisn", "kode_lowongan", "status", "tanggal", "tanggal_rujuk", "oleh", "catatan"),
}
#: The properties each label / relationship type's rows carry (the key aside);
#: any other property present in the graph is counted in the report as not
#: written (e.g. an employer's review marks, or what a later version adds).
CARRIED = {
    "School": {"name", "city", "province"},
    "Program": {"name", "sectors"},
    "Person": {"school_npsn", "program_code", "name", "gender", "birth_date", "entry_year",
               "graduation_year", "status", "consent_contact", "consent_display", "consent_source",
               "consent_date", "guardian_consent_ref", "phone", "email"},
    "Employer": {"name", "name_normalized", "sector", "kbli", "city", "province", "scale",
                 "contact", "verified", "address", "aliases"},
    "Vacancy": {"school_npsn", "employer_code", "title", "programs", "openings", "deadline", "origin",
                "notes", "created_by", "created_on"},
    "HAS_PROGRAM": set(), "STUDIED_IN": set(),
    "INTERNED_AT": {"start", "end", "score", "supervisor", "monitoring_visits"},
    "WORKS_AT": {"start", "end", "title", "aligned", "channel"},
    "PARTNERS_WITH": {"start", "end", "kinds", "mou_number", "scope", "by"},
    "AT": set(),  # made again from the vacancy rows
    "REFERRED_TO": {"status", "date", "referred_on", "by", "notes"},
    "CONTACTED": {"date", "kind", "by", "notes", "status", "owner", "next_action",
                  "next_action_date"},
}
_PERSON = {"nama": "name", "jenis_kelamin": "gender", "tanggal_lahir": "birth_date",
           "tahun_masuk": "entry_year", "tahun_lulus": "graduation_year", "status": "status",
           "bersedia_dihubungi": "consent_contact", "boleh_ditampilkan": "consent_display",
           "sumber_persetujuan": "consent_source", "tanggal_persetujuan": "consent_date",
           "ref_persetujuan_wali": "guardian_consent_ref", "no_hp": "phone", "email": "email"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: A phone number as the loader stores it (E.164): it starts with "+" but is
#: no formula; counted apart, so the formula warning means what it says.
_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")


@dataclass
class FilesReport:
    out_dir: Path
    rows: dict = field(default_factory=dict)
    formula_like: int = 0
    phones: int = 0
    skipped: dict = field(default_factory=dict)

    def render(self) -> str:
        lines = [f"{kind + '.csv':16} {n:>7} rows" for kind, n in self.rows.items()]
        lines.append(f"written to {self.out_dir} (personal data: keep it in the protected data area)")
        for what, n in self.skipped.items():
            lines.append(f"not in any loader file: {n} {what}")
        if self.formula_like:
            lines.append(f"{self.formula_like} cells start with = + - or @ and are written unchanged "
                         "(for re-loading): open these files in a spreadsheet only through "
                         "Data > From Text/CSV with every column as Text")
        if self.phones:
            lines.append(f"{self.phones} phone numbers are written as +62...: a spreadsheet opened "
                         "directly shows them as numbers without the +; import them as Text")
        return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def graph_rows(dump: dict) -> tuple[dict[str, list[dict]], dict]:
    """Rows per kind (dicts keyed by the loader's headers) from ``dump()``, and
    what could not be placed in any kind."""
    nodes = {(label, tuple(key)): props for label, key, props in dump["nodes"]}
    employers = {key[0]: props for (label, key), props in nodes.items() if label == "Employer"}
    out: dict[str, list[dict]] = {k: [] for k in KINDS}
    skipped: dict[str, int] = {}

    def emp_ref(code: str) -> dict:
        e = employers.get(code, {})
        return {"kode_dudi": code, "nama_dudi": e.get("name"), "kota_dudi": e.get("city")}

    for (label, key), props in sorted(nodes.items()):
        if label == "School":
            out["sekolah"].append({"npsn": key[0], "nama": props.get("name"),
                                   "kota": props.get("city"), "provinsi": props.get("province")})
        elif label == "Program":
            out["program"].append({"npsn": key[0], "kode": key[1], "nama": props.get("name"),
                                   "bidang": props.get("sectors")})
        elif label == "Person":
            row = {"nisn": key[0], "npsn": props.get("school_npsn"),
                   "kode_program": props.get("program_code")}
            row |= {col: props.get(prop) for col, prop in _PERSON.items()}
            out["siswa"].append(row)
        elif label == "Employer" and props.get("verified"):
            sector = props.get("sector")
            kbli = props.get("kbli")
            out["dudi"].append({"kode": key[0], "nama": props.get("name"),
                                "bidang_usaha": f"{sector}{kbli}" if sector and kbli else sector,
                                "kota": props.get("city"), "provinsi": props.get("province"),
                                "skala": props.get("scale"), "kontak": props.get("contact"),
                                "alamat": props.get("address"), "nama_lain": props.get("aliases")})
        elif label == "Vacancy":
            out["lowongan"].append({"npsn": props.get("school_npsn"), "kode_lowongan": key[0],
                                    **emp_ref(props.get("employer_code")), "posisi": props.get("title"),
                                    "program": props.get("programs"), "jumlah": props.get("openings"),
                                    "batas_waktu": props.get("deadline"), "asal": props.get("origin"),
                                    "catatan": props.get("notes"), "dicatat_oleh": props.get("created_by"),
                                    "tanggal_dicatat": props.get("created_on")})
        elif label != "Employer":  # (unverified employers travel as references)
            skipped[f"{label} nodes"] = skipped.get(f"{label} nodes", 0) + 1
    for type_, (a_label, a_key), (b_label, b_key), props in dump["relationships"]:
        if type_ in ("HAS_PROGRAM", "STUDIED_IN", "AT"):
            continue  # made again from programme, student and vacancy rows
        if type_ == "INTERNED_AT":
            out["prakerin"].append({"nisn": a_key[0], **emp_ref(b_key[0]), "mulai": props.get("start"),
                                    "selesai": props.get("end"), "nilai": props.get("score"),
                                    "guru_pembimbing": props.get("supervisor"),
                                    "kunjungan_monitoring": props.get("monitoring_visits")})
        elif type_ == "WORKS_AT":
            out["pekerjaan"].append({"nisn": a_key[0], **emp_ref(b_key[0]), "jabatan": props.get("title"),
                                     "mulai": props.get("start"), "selesai": props.get("end"),
                                     "selaras": props.get("aligned"), "sumber": props.get("channel")})
        elif type_ == "PARTNERS_WITH":
            out["kemitraan"].append({"npsn": a_key[0], "kode_program": a_key[1] if a_label == "Program" else None,
                                     **emp_ref(b_key[0]), "jenis": props.get("kinds"),
                                     "nomor_mou": props.get("mou_number"), "mulai": props.get("start"),
                                     "selesai": props.get("end"), "lingkup": props.get("scope"),
                                     "oleh": props.get("by")})
        elif type_ == "REFERRED_TO":
            out["rujukan"].append({"nisn": a_key[0], "kode_lowongan": b_key[0], "status": props.get("status"),
                                   "tanggal": props.get("date"), "tanggal_rujuk": props.get("referred_on"),
                                   "oleh": props.get("by"), "catatan": props.get("notes")})
        elif type_ == "CONTACTED":
            out["kunjungan"].append({"npsn": a_key[0], **emp_ref(b_key[0]), "tanggal": props.get("date"),
                                     "jenis": props.get("kind"), "oleh": props.get("by"),
                                     "catatan": props.get("notes"), "status": props.get("status"),
                                     "penanggung_jawab": props.get("owner"),
                                     "tindakan_berikut": props.get("next_action"),
                                     "tanggal_tindakan": props.get("next_action_date")})
        else:
            skipped[f"{type_} relationships"] = skipped.get(f"{type_} relationships", 0) + 1
    # Properties no file column carries: counted, so nothing is lost unseen.
    for label, _, props in dump["nodes"]:
        _count_uncarried(label, props, skipped)
    for type_, _, _, props in dump["relationships"]:
        _count_uncarried(type_, props, skipped)
    return out, skipped


def _count_uncarried(name: str, props: dict, skipped: dict) -> None:
    carried = CARRIED.get(name)
    if carried is None:
        return  # the whole node or relationship is counted already
    for prop in props:
        if prop not in carried and prop not in ("source", "loaded_at"):
            what = f"values of {name}.{prop}"
            skipped[what] = skipped.get(what, 0) + 1


def export_files(store, out_dir: Path, *, force: bool = False) -> FilesReport:
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise ExportFilesError(f"{out_dir} is not empty: choose an empty folder or pass --force")
    out_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(out_dir, 0o700)
    rows, skipped = graph_rows(store.dump())
    report = FilesReport(out_dir, skipped=skipped)
    files = [(kind, kind, HEADERS[kind], rows[kind]) for kind in KINDS]
    # A student without an answer on display consent differs from one who said
    # no, but a file with the column would write "no" for the empty cell: such
    # students go to a second siswa file without that column.
    unanswered = [r for r in rows["siswa"] if r.get("boleh_ditampilkan") is None]
    if unanswered and len(unanswered) < len(rows["siswa"]):
        files[2] = ("siswa", "siswa", HEADERS["siswa"],
                    [r for r in rows["siswa"] if r.get("boleh_ditampilkan") is not None])
        files.insert(3, ("siswa", "siswa_2", tuple(c for c in HEADERS["siswa"]
                                                   if c != "boleh_ditampilkan"), unanswered))
    elif unanswered:
        files[2] = ("siswa", "siswa", tuple(c for c in HEADERS["siswa"] if c != "boleh_ditampilkan"),
                    unanswered)
    for kind, stem, header, kind_rows in files:
        path = out_dir / f"{stem}.csv"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(header)
            for row in kind_rows:
                cells = [_cell(row.get(col)) for col in header]
                for c in cells:
                    if _PHONE.fullmatch(c):
                        report.phones += 1
                    elif c.startswith(_FORMULA):
                        report.formula_like += 1
                writer.writerow(cells)
        report.rows[stem] = len(kind_rows)
    return report
