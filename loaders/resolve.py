"""Resolving: references checked against the store and the files accepted
earlier in the same load, employer names resolved, records turned into a
write plan, duplicate keys found, and what of a file gets written decided.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from alumni_graph.graph_service.schema import NODE_TYPES, REL_TYPES
from alumni_graph.graph_service.store import Store

from alumni_graph.loaders.employers import Employer, EmployerIndex, derive_code, normalize_code, normalize_name
from alumni_graph.loaders.kinds import Kind, as_text
from alumni_graph.loaders.report import FileReport
from alumni_graph.loaders.validate import _Row


class _Context:
    """What the load knows exists: keys found in the store (looked up in bulk
    and cached) or accepted from earlier files of this load."""

    def __init__(self, store: Store):
        self.store = store
        self.known: dict[str, set] = defaultdict(set)
        self.absent: dict[str, set] = defaultdict(set)
        self.not_loaded: dict[str, dict] = defaultdict(dict)  # label -> key -> file name
        self._employers: EmployerIndex | None = None
        self.data_dir = None  # where reader data (the rombel mapping) is kept

    def check(self, label: str, keys: Iterable[tuple]) -> None:
        todo = {k for k in keys if k not in self.known[label] and k not in self.absent[label]}
        if not todo:
            return
        nt = NODE_TYPES[label]
        found = {tuple(p[k] for k in nt.key) for p in self.store.iter_nodes(label, sorted(todo))}
        self.known[label] |= found
        self.absent[label] |= todo - found

    def exists(self, label: str, key: tuple) -> bool:
        return key in self.known[label]

    def add(self, label: str, key: tuple) -> None:
        self.known[label].add(key)
        self.absent[label].discard(key)

    @property
    def employers(self) -> EmployerIndex:
        if self._employers is None:
            self._employers = EmployerIndex()
            for props in self.store.iter_nodes("Employer"):
                self._employers.add_node(props)
                self.add("Employer", (props["code"],))
        return self._employers


_REF_TEXT = {
    "School": ("NPSN", "sekolah"),
    "Program": ("program (npsn + kode_program)", "program"),
    "Person": ("NISN", "siswa"),
    "Vacancy": ("kode_lowongan", "lowongan"),
}


@dataclass
class _Plan:
    """The writes of one file, by row index. ``rows`` holds each row's node
    or relationship (the one the report counts); ``secondary`` what derives
    from it (HAS_PROGRAM, STUDIED_IN); ``deletes`` stale relationships."""

    kind: str
    rows: dict[int, tuple] = field(default_factory=dict)  # row index -> (target, write row)
    secondary: dict[int, list] = field(default_factory=dict)  # row index -> [(target, write row)]
    deletes: dict[int, list] = field(default_factory=dict)  # row index -> [(target, write row)]
    new_employers: dict[str, tuple[Employer, int]] = field(default_factory=dict)  # code -> (emp, row n)
    employer_of: dict[int, str] = field(default_factory=dict)  # row index -> employer code
    review_rows: dict[str, list] = field(default_factory=dict)  # new employer code -> ["file baris n"]
    reviews: dict = field(default_factory=dict)  # new employer code -> employers.Review


def _present(rec: dict, cleared: set, names: dict[str, str]) -> dict:
    """Properties for the columns the row fills; a column that is absent or
    blank stays untouched, one holding the clear marker is removed (None)."""
    return ({prop: rec[col] for col, prop in names.items() if col in rec}
            | {prop: None for col, prop in names.items() if col in cleared})


def _plan(kind: Kind, rows: list[_Row], ctx: _Context, fr: FileReport) -> _Plan:
    plan = _Plan(kind.name)
    k = kind.name

    def ref_error(row, label, col, value):
        what, file_kind = _REF_TEXT[label]
        key = value if isinstance(value, tuple) else (value,)
        other = ctx.not_loaded[label].get(key)
        if other:
            row.errors.append(fr.problem(
                row.n, col, as_text(value if not isinstance(value, tuple) else "/".join(value)),
                f"{what} ini ada di {other}, tetapi barisnya tidak dimuat (tidak valid)",
                f"this {what} is in {other}, but its row was not loaded (invalid)"))
        else:
            row.errors.append(fr.problem(
                row.n, col, as_text(value if not isinstance(value, tuple) else "/".join(value)),
                f"{what} tidak dikenal: tidak ada di database maupun di file {file_kind} pada pemuatan ini",
                f"unknown {what}: neither in the database nor in a {file_kind} file of this load"))
        row.bad.add(col)

    def usable(row, *cols):
        return all(row.rec.get(c) is not None and c not in row.bad for c in cols)

    # Bulk existence checks first: one store round trip per label, not per row.
    if k in ("program", "siswa", "kemitraan", "kunjungan", "lowongan"):
        ctx.check("School", {(r.rec["npsn"],) for r in rows if usable(r, "npsn")})
    if k == "siswa":
        ctx.check("Program", {(r.rec["npsn"], r.rec["kode_program"]) for r in rows if usable(r, "npsn", "kode_program")})
    if k == "kemitraan":
        ctx.check("Program", {(r.rec["npsn"], r.rec["kode_program"]) for r in rows if usable(r, "npsn", "kode_program")})
    if k in ("prakerin", "pekerjaan", "rujukan"):
        ctx.check("Person", {(r.rec["nisn"],) for r in rows if usable(r, "nisn")})
    if k == "lowongan":
        ctx.check("Program", {(r.rec["npsn"], c) for r in rows if usable(r, "npsn", "program")
                              for c in r.rec["program"]})
    if k == "rujukan":
        ctx.check("Vacancy", {(r.rec["kode_lowongan"],) for r in rows if usable(r, "kode_lowongan")})
    existing_people = {}
    if k == "siswa":
        keys = sorted({(r.rec["nisn"],) for r in rows if usable(r, "nisn")})
        existing_people = {p["nisn"]: p for p in ctx.store.iter_nodes("Person", keys)}
    employers = ctx.employers if k in ("dudi", "prakerin", "pekerjaan", "kemitraan", "kunjungan",
                                       "lowongan") else None

    for i, row in enumerate(rows):
        r = row.rec
        if k in ("program", "siswa", "kemitraan", "kunjungan", "lowongan") and usable(row, "npsn"):
            if not ctx.exists("School", (r["npsn"],)):
                ref_error(row, "School", "npsn", r["npsn"])
        if k in ("siswa", "kemitraan") and usable(row, "npsn", "kode_program"):
            if not ctx.exists("Program", (r["npsn"], r["kode_program"])):
                ref_error(row, "Program", "kode_program", (r["npsn"], r["kode_program"]))
        if k in ("prakerin", "pekerjaan", "rujukan") and usable(row, "nisn"):
            if not ctx.exists("Person", (r["nisn"],)):
                ref_error(row, "Person", "nisn", r["nisn"])
        if k == "lowongan" and usable(row, "npsn", "program"):
            for c in r["program"]:
                if not ctx.exists("Program", (r["npsn"], c)):
                    ref_error(row, "Program", "program", (r["npsn"], c))
                    break
        if k == "rujukan" and usable(row, "kode_lowongan"):
            if not ctx.exists("Vacancy", (r["kode_lowongan"],)):
                ref_error(row, "Vacancy", "kode_lowongan", r["kode_lowongan"])
        emp = None
        if employers is not None and k != "dudi" and not row.bad & {"kode_dudi", "nama_dudi", "kota_dudi"}:
            emp, new, problem = employers.resolve(r.get("kode_dudi"), r.get("nama_dudi"), r.get("kota_dudi"))
            if problem:
                col = "nama_dudi" if r.get("nama_dudi") else "kode_dudi"
                row.errors.append(fr.problem(row.n, col, r.get(col), *problem))
                row.bad.add(col)
            elif new is not None:
                plan.new_employers[new.code] = (new, row.n)
            if emp and emp in plan.new_employers and emp in employers.reviews:
                plan.review_rows.setdefault(emp, []).append(f"{fr.name} baris {row.n}")
            if emp:
                plan.employer_of[i] = emp
        if k == "dudi" and r.get("nama_lain") and "nama_lain" not in row.bad and r.get("nama"):
            code = normalize_code(r["kode"]) if r.get("kode") else derive_code(r["nama"], r.get("kota"))
            for alias in r["nama_lain"]:
                owners = employers.alias_owners(code, alias)
                if owners:
                    named = ", ".join(f"{e.name} ({e.code})" for e in owners[:3])
                    row.errors.append(fr.problem(
                        row.n, "nama_lain", alias,
                        f"nama lain ini sudah nama DU/DI lain: {named}; hapus dari kolom ini, atau jika "
                        "keduanya satu DU/DI, gabungkan (daftar DU/DI perlu dicek / merge-employers)",
                        f"this other name already names another employer: {named}; remove it from this "
                        "column, or if both are one employer, merge them (review list / merge-employers)"))
                    row.bad.add("nama_lain")
                    break
        if row.errors:
            continue
        old = existing_people.get(r["nisn"]) if k == "siswa" else None
        if fr.current_students_only and old and old.get("graduation_year") is not None:
            # A Dapodik export lists current students: it never turns an alumnus back into one.
            fr.problem(row.n, "nisn", r["nisn"],
                       f"alumni (lulus {old['graduation_year']}) ada di data Dapodik; datanya tidak diubah",
                       f"an alumnus (graduated {old['graduation_year']}) is in the Dapodik export; left unchanged",
                       level="warning")
            continue
        _plan_row(k, i, r, row.cleared, emp, plan, existing_people)
    if k in ("prakerin", "pekerjaan") and plan.rows and ctx.store is not None:
        _corrected_starts(k, rows, plan, ctx.store, fr)
    return plan


def _corrected_starts(k: str, rows: list[_Row], plan: _Plan, store: Store, fr: FileReport) -> None:
    """A job's or internship's start is its key. A row whose start was
    corrected on the record's page (``corrected_from``) updates that record
    rather than adding it again; a row with a new start for a person who
    already has one at that employer is a new record, said so in the report
    (the preview) so staff see it before it is loaded: it may be a corrected
    date, which is corrected on the record's page."""
    type_ = "INTERNED_AT" if k == "prakerin" else "WORKS_AT"
    pairs = {(w["start"], w["end"]) for _, w in plan.rows.values()}
    stored: dict[tuple, dict] = defaultdict(dict)
    for rel in store.iter_relationships(type_, start_label="Person", end_label="Employer"):
        pair = (tuple(rel["start"]), tuple(rel["end"]))
        if pair in pairs:
            stored[pair][rel["props"].get("start")] = rel["props"]
    if not stored:
        return
    in_file: dict[tuple, set] = defaultdict(set)
    for _, w in plan.rows.values():
        in_file[(w["start"], w["end"])].add(w["props"]["start"])
    what = ("prakerin", "an internship") if k == "prakerin" else ("pekerjaan", "a job")
    for i, (_, w) in plan.rows.items():
        pair, start = (w["start"], w["end"]), w["props"]["start"]
        have = stored.get(pair) or {}
        if start in have:
            continue
        moved = sorted(s for s, p in have.items() if start in (p.get("corrected_from") or []))
        if moved and moved[0] not in in_file[pair]:
            w["props"]["start"] = moved[0]
            fr.problem(rows[i].n, "mulai", start,
                       f"tanggal mulai {start} sudah dikoreksi menjadi {moved[0]}; baris ini memperbarui "
                       "catatan itu (tidak menambah catatan baru)",
                       f"start {start} was corrected to {moved[0]}; this row updates that record "
                       "(it adds no new one)", level="warning")
            continue
        others = sorted(s for s in have if s not in in_file[pair])
        if others:
            fr.problem(rows[i].n, "mulai", start,
                       f"catatan baru: orang ini sudah punya {what[0]} di DU/DI ini mulai {', '.join(others)}. "
                       "Jika baris ini mengoreksi tanggal mulai, koreksi di halaman datanya (Ubah data) "
                       "agar tidak tercatat dua kali",
                       f"a new record: this person already has {what[1]} at this employer from "
                       f"{', '.join(others)}. If this row corrects the start date, correct it on the "
                       "record's page (Edit) so it is not recorded twice", level="warning")


def _plan_row(k: str, i: int, r: dict, cleared: set, emp: str | None, plan: _Plan,
              existing_people: dict) -> None:
    if k == "sekolah":
        props = {"npsn": r["npsn"]} | _present(r, cleared, {"nama": "name", "kota": "city", "provinsi": "province"})
        plan.rows[i] = (("node", "School"), props)
    elif k == "program":
        props = {"school_npsn": r["npsn"], "code": r["kode"]} | _present(r, cleared, {"nama": "name", "bidang": "sectors"})
        plan.rows[i] = (("node", "Program"), props)
        plan.secondary[i] = [(("rel", "HAS_PROGRAM", "School", "Program"),
                              {"start": (r["npsn"],), "end": (r["npsn"], r["kode"]), "props": {}})]
    elif k == "siswa":
        props = {"nisn": r["nisn"], "school_npsn": r["npsn"], "program_code": r["kode_program"]} | _present(r, cleared, {
            "nama": "name", "jenis_kelamin": "gender", "tanggal_lahir": "birth_date",
            "tahun_masuk": "entry_year", "tahun_lulus": "graduation_year", "status": "status",
            "bersedia_dihubungi": "consent_contact", "no_hp": "phone", "email": "email",
            "boleh_ditampilkan": "consent_display", "sumber_persetujuan": "consent_source",
            "tanggal_persetujuan": "consent_date", "ref_persetujuan_wali": "guardian_consent_ref",
        })
        old = existing_people.get(r["nisn"])
        # Consent changes only on an explicit value: a blank cell (or no
        # column) keeps the stored answer; a new person without one starts at
        # "no". The clear marker withdraws it ("no" as well).
        # consent_display absent also means "no" (queries/rules.py), so it is
        # written only when given. Whether a minor's consent counts (guardian
        # reference) depends on the date asked about: the queries decide it.
        if props.get("consent_contact") is None and ("bersedia_dihubungi" in cleared or old is None):
            props["consent_contact"] = False
        if "boleh_ditampilkan" in cleared:
            props["consent_display"] = False
        plan.rows[i] = (("node", "Person"), props)
        plan.secondary[i] = [(("rel", "STUDIED_IN", "Person", "Program"),
                              {"start": (r["nisn"],), "end": (r["npsn"], r["kode_program"]), "props": {}})]
        if old and (old.get("school_npsn"), old.get("program_code")) != (r["npsn"], r["kode_program"]):
            # The student moved (or the programme was corrected): the old
            # STUDIED_IN goes, so a person studies in one programme.
            plan.deletes[i] = [(("rel", "STUDIED_IN", "Person", "Program"),
                                {"start": (r["nisn"],),
                                 "end": (old.get("school_npsn"), old.get("program_code")), "props": {}})]
    elif k == "dudi":
        code = normalize_code(r["kode"]) if r.get("kode") else derive_code(r["nama"], r.get("kota"))
        props = {"code": code, "name": r["nama"], "name_normalized": normalize_name(r["nama"]),
                 "verified": True} | _present(r, cleared, {"kota": "city", "provinsi": "province",
                                                  "skala": "scale", "kontak": "contact",
                                                  "alamat": "address", "nama_lain": "aliases"})
        if "bidang_usaha" in r:
            props["sector"], props["kbli"] = r["bidang_usaha"] or (None, None)
        elif "bidang_usaha" in cleared:
            props["sector"], props["kbli"] = None, None
        plan.rows[i] = (("node", "Employer"), props)
    elif k == "prakerin":
        props = {"start": r["mulai"]} | _present(r, cleared, {
            "selesai": "end", "nilai": "score", "guru_pembimbing": "supervisor",
            "kunjungan_monitoring": "monitoring_visits"})
        plan.rows[i] = (("rel", "INTERNED_AT", "Person", "Employer"),
                        {"start": (r["nisn"],), "end": (emp,), "props": props})
    elif k == "pekerjaan":
        props = {"start": r["mulai"]} | _present(r, cleared, {
            "selesai": "end", "jabatan": "title", "selaras": "aligned", "sumber": "channel"})
        plan.rows[i] = (("rel", "WORKS_AT", "Person", "Employer"),
                        {"start": (r["nisn"],), "end": (emp,), "props": props})
    elif k == "kemitraan":
        props = {"start": r["mulai"], "kinds": r["jenis"]} | _present(r, cleared, {
            "selesai": "end", "nomor_mou": "mou_number", "lingkup": "scope", "oleh": "by"})
        if r.get("kode_program"):
            target = ("rel", "PARTNERS_WITH", "Program", "Employer")
            start = (r["npsn"], r["kode_program"])
        else:
            target = ("rel", "PARTNERS_WITH", "School", "Employer")
            start = (r["npsn"],)
        plan.rows[i] = (target, {"start": start, "end": (emp,), "props": props})
    elif k == "kunjungan":
        props = {"date": r["tanggal"], "kind": r.get("jenis") or "kunjungan"} | _present(
            r, cleared, {"oleh": "by", "catatan": "notes", "status": "status", "penanggung_jawab": "owner",
                "tindakan_berikut": "next_action", "tanggal_tindakan": "next_action_date"})
        plan.rows[i] = (("rel", "CONTACTED", "School", "Employer"),
                        {"start": (r["npsn"],), "end": (emp,), "props": props})
    elif k == "lowongan":
        vid = r.get("kode_lowongan") or derive_vacancy_id(r["npsn"], emp, r["posisi"],
                                                           r.get("batas_waktu") or r.get("tanggal_dicatat"))
        r["kode_lowongan"] = vid
        props = {"id": vid, "school_npsn": r["npsn"], "employer_code": emp, "title": r["posisi"]} | _present(r, cleared, {
            "program": "programs", "jumlah": "openings", "batas_waktu": "deadline", "asal": "origin",
            "catatan": "notes", "dicatat_oleh": "created_by", "tanggal_dicatat": "created_on"})
        plan.rows[i] = (("node", "Vacancy"), props)
        plan.secondary[i] = [(("rel", "AT", "Vacancy", "Employer"),
                              {"start": (vid,), "end": (emp,), "props": {}})]
    elif k == "rujukan":
        props = {"status": r["status"], "date": r["tanggal"]} | _present(r, cleared, {
            "tanggal_rujuk": "referred_on", "oleh": "by", "catatan": "notes"})
        plan.rows[i] = (("rel", "REFERRED_TO", "Person", "Vacancy"),
                        {"start": (r["nisn"],), "end": (r["kode_lowongan"],), "props": props})


def derive_vacancy_id(npsn: str, employer: str | None, title: str, day: str | None) -> str:
    """A stable code for a vacancy row without one: the same row loads to the same vacancy.

    >>> derive_vacancy_id("20300001", "PT-A", "Teknisi", "2026-01-31")
    'L-CE56F675'
    """
    import hashlib

    digest = hashlib.sha1("|".join([npsn, employer or "", title.lower(), day or ""]).encode()).hexdigest()
    return "L-" + digest[:8].upper()


def _identity(target: tuple, write: dict) -> tuple:
    """The key a row writes to: two rows with one identity are one thing."""
    if target[0] == "node":
        nt = NODE_TYPES[target[1]]
        return (target, tuple(write[k] for k in nt.key))
    rt = REL_TYPES[target[1]]
    return (target, write["start"], write["end"], tuple(write["props"][k] for k in rt.key))


def _decide(kind: Kind, rows: list[_Row], plan: _Plan, ctx: _Context, fr: FileReport,
            skip_invalid: bool) -> None:
    """Mark conflicting duplicates, then decide what of the file gets written."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, (target, write) in plan.rows.items():
        groups[_identity(target, write)].append(i)
    repeats = set()
    for members in groups.values():
        if len(members) == 1:
            continue
        first = plan.rows[members[0]][1]
        if all(plan.rows[i][1] == first for i in members[1:]):
            # The same row again: harmless. Written once, counted unchanged
            # (Neo4j would count two MERGEs of one new node in a batch as two creations).
            repeats.update(members[1:])
            continue
        for a in members:  # which one is right is unknown: all are rejected
            b = next(b for b in members if plan.rows[b][1] != plan.rows[a][1])
            ra, rb = rows[a], rows[b]
            diff = [c for c in ra.rec if ra.rec.get(c) != rb.rec.get(c)
                    and c not in ("kode_dudi", "nama_dudi", "kota_dudi")]
            col = diff[0] if diff else None
            ra.errors.append(fr.problem(
                ra.n, col, ra.rec.get(col) if col else None,
                f"kunci sama dengan baris {rb.n} tetapi isinya berbeda"
                + (f" (kolom {', '.join(diff)})" if diff else ""),
                f"same key as row {rb.n} but different values"
                + (f" (columns {', '.join(diff)})" if diff else "")))
    invalid = [i for i, r in enumerate(rows) if r.errors]
    for i in invalid:
        plan.rows.pop(i, None)
    fr.repeated = len(repeats)
    fr.rejected = len(invalid)
    if rows and ctx.store is not None:
        # What the valid rows change (for a refused file: if its invalid rows were skipped).
        describe_changes(kind.name, rows, _Plan(kind.name, rows={i: plan.rows[i] for i in plan.rows
                                                                 if i not in repeats}), ctx.store, fr)
    if invalid and not skip_invalid:
        fr.status = "rejected"
        keep: set[int] = set()
    else:
        fr.status = "partial" if invalid else "loaded"
        keep = set(plan.rows) - repeats
        if skip_invalid:
            fr.rejected_rows = [(rows[i].n, rows[i].cells, rows[i].errors) for i in invalid]
    # Remember the nodes of rows that will not be written, so a later file's
    # reference to them gets a precise message.
    for i, row in enumerate(rows):
        if i in keep or i in repeats:
            continue
        label, key = _node_key(kind.name, row.rec)
        if label and key:
            ctx.not_loaded[label].setdefault(key, fr.name)
    # New employers survive only if a written row uses them.
    used = {plan.employer_of[i] for i in keep if i in plan.employer_of}
    for code in list(plan.new_employers):
        if code not in used:
            ctx.employers.remove(code)
            del plan.new_employers[code]
    for d in (plan.rows, plan.secondary, plan.deletes):
        for i in list(d):
            if i not in keep:
                del d[i]
    plan.reviews = {c: ctx.employers.reviews[c] for c in plan.new_employers if c in ctx.employers.reviews}
    fr.new_employers = [
        {"code": e.code, "name": e.name, "city": e.city or None, "file": fr.name, "row": n}
        | ({"review": {"candidate": plan.reviews[e.code].candidate, "score": plan.reviews[e.code].score,
                       "reason": plan.reviews[e.code].reason}} if e.code in plan.reviews else {})
        for e, n in plan.new_employers.values()
    ]


def _node_key(kind: str, rec: dict) -> tuple[str | None, tuple | None]:
    try:
        if kind == "sekolah":
            return "School", (rec["npsn"],)
        if kind == "program":
            return "Program", (rec["npsn"], rec["kode"])
        if kind == "siswa":
            return "Person", (rec["nisn"],)
        if kind == "lowongan" and rec.get("kode_lowongan"):
            return "Vacancy", (rec["kode_lowongan"],)
    except KeyError:
        pass
    return None, None


def _accept(plan: _Plan, ctx: _Context) -> None:
    """After a file is written (or would be, in a dry run): its nodes exist."""
    for target, write in plan.rows.values():
        if target[0] == "node":
            nt = NODE_TYPES[target[1]]
            ctx.add(target[1], tuple(write[k] for k in nt.key))
            if target[1] == "Employer":
                ctx.employers.add_node(write)
    for emp, _ in plan.new_employers.values():
        ctx.add("Employer", (emp.code,))


# -- what each row changes -----------------------------------------------------------------

#: Property -> the column a file names it by, to report a change as the file says it.
COLUMN_OF_PROPERTY = {
    "sekolah": {"name": "nama", "city": "kota", "province": "provinsi"},
    "program": {"name": "nama", "sectors": "bidang"},
    "siswa": {"school_npsn": "npsn", "program_code": "kode_program", "name": "nama",
              "gender": "jenis_kelamin", "birth_date": "tanggal_lahir", "entry_year": "tahun_masuk",
              "graduation_year": "tahun_lulus", "status": "status", "consent_contact": "bersedia_dihubungi",
              "phone": "no_hp", "email": "email", "consent_display": "boleh_ditampilkan",
              "consent_source": "sumber_persetujuan", "consent_date": "tanggal_persetujuan",
              "guardian_consent_ref": "ref_persetujuan_wali"},
    "dudi": {"name": "nama", "city": "kota", "province": "provinsi", "scale": "skala", "contact": "kontak",
             "aliases": "nama_lain", "address": "alamat",
             "sector": "bidang_usaha", "kbli": "bidang_usaha (KBLI)", "verified": "terverifikasi"},
    "prakerin": {"end": "selesai", "score": "nilai", "supervisor": "guru_pembimbing",
                 "monitoring_visits": "kunjungan_monitoring"},
    "pekerjaan": {"end": "selesai", "title": "jabatan", "aligned": "selaras", "channel": "sumber"},
    "kemitraan": {"kinds": "jenis", "end": "selesai", "mou_number": "nomor_mou"},
    "kunjungan": {"by": "oleh", "notes": "catatan"},
}
CONSENT_PROPERTIES = ("consent_contact", "consent_display")
_NOT_COMPARED = {"source", "loaded_at", "name_normalized"}


def _same(a, b) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return list(a) == list(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a is not None and b is not None and bool(a) == bool(b) and type(a) is type(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def field_changes(old: dict | None, new: dict, columns: dict[str, str]) -> list[dict]:
    """The fields a write changes on a stored record: ``[{"column", "field",
    "old", "new"}]`` (new None = removed). Nothing for a new record.

    >>> field_changes({"phone": "+6281", "name": "Ani"}, {"phone": None, "name": "Ani"}, {"phone": "no_hp"})
    [{'column': 'no_hp', 'field': 'phone', 'old': '+6281', 'new': None}]
    """
    if old is None:
        return []
    out = []
    for prop, value in new.items():
        if prop in _NOT_COMPARED:
            continue
        before = old.get(prop)
        if value is None and before is None:
            continue
        if not _same(before, value):
            change = {"column": columns.get(prop, prop), "field": prop,
                      "old": list(before) if isinstance(before, tuple) else before,
                      "new": list(value) if isinstance(value, tuple) else value}
            if _same_number(prop, before, value):
                change["same_number"] = True
            out.append(change)
    return out


def _same_number(prop: str, before, value) -> bool:
    """A stored phone number written before numbers were kept as +62…
    (``0812…``) that the file gives again in the canonical form: the same
    number, only written anew (shown as such, not as a new number).

    >>> _same_number("phone", "0812-3456-7890", "+6281234567890"), _same_number("phone", "0812", "+6281234567890")
    (True, False)
    """
    if "phone" not in prop or not isinstance(before, str) or not isinstance(value, str):
        return False
    from alumni_graph.loaders.values import PhoneError, canonical_phone
    try:
        return canonical_phone(before)[0] == value
    except PhoneError:
        return False


def _key_text(key) -> str:
    return "/".join(str(x) for x in key)


def describe_changes(kind: str, rows: list[_Row], plan: _Plan, store: Store, fr: FileReport) -> None:
    """Compare each row the plan writes with what is stored: fill
    ``fr.changes`` (updated records, field by field), ``fr.consent_changes``
    (per person), ``fr.consent_kept`` and the expected created/updated/
    unchanged counts (shown by a dry run; a real write counts again)."""
    columns = COLUMN_OF_PROPERTY.get(kind, {})
    by_target: dict[tuple, list] = defaultdict(list)
    for i, (target, write) in plan.rows.items():
        by_target[target].append((i, write))
    created = updated = unchanged = 0
    for target, items in by_target.items():
        olds: dict = {}
        if target[0] == "node":
            nt = NODE_TYPES[target[1]]
            keys = sorted({tuple(w[k] for k in nt.key) for _, w in items})
            olds = {tuple(p[k] for k in nt.key): p for p in store.iter_nodes(target[1], keys)}
            entries = [(i, tuple(w[k] for k in nt.key), {k: v for k, v in w.items() if k not in nt.key})
                       for i, w in items]
        else:
            rt = REL_TYPES[target[1]]
            wanted = {_identity(target, w) for _, w in items}
            for rel in store.iter_relationships(target[1], start_label=target[2], end_label=target[3]):
                ident = (target, tuple(rel["start"]), tuple(rel["end"]),
                         tuple(rel["props"].get(k) for k in rt.key))
                if ident in wanted:
                    olds[ident] = rel["props"]
            entries = [(i, _identity(target, w), w["props"]) for i, w in items]
        for i, ident, props in entries:
            old = olds.get(ident)
            if old is None:
                created += 1
                continue
            changes = field_changes(old, props, columns)
            row = rows[i]
            if target == ("node", "Person") and "bersedia_dihubungi" in row.blank and "consent_contact" in old:
                fr.consent_kept += 1
            if not changes:
                unchanged += 1
                continue
            updated += 1
            if all(c.get("same_number") for c in changes):
                fr.phones_rewritten += 1
            shown = ident if target[0] == "node" else ident[1] + ident[2] + ident[3]
            fr.changes.append({"row": row.n, "key": _key_text(shown), "fields": changes})
            if target == ("node", "Person"):
                for c in changes:
                    if c["field"] in CONSENT_PROPERTIES:
                        fr.consent_changes.append({"row": row.n, "nisn": ident[0], "name": old.get("name"),
                                                   "column": c["column"], "old": c["old"], "new": c["new"]})
    fr.expected = {"created": created, "updated": updated, "unchanged": unchanged + fr.repeated}
