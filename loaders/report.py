"""The load report: problems, per-file and per-load results, and their text/JSON forms.

Personal values appear in the report (shown to the staff who loaded the
file) but never in log messages.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from alumni_graph.loaders.kinds import ERROR_COLUMN, ORDER, as_text, is_empty


@dataclass
class Problem:
    """One problem: where (file, row as a spreadsheet shows it, column), the
    offending value, and the message in Bahasa Indonesia and English."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    message_en: str
    level: str = "error"  # or "warning": reported, does not stop the file

    def as_dict(self) -> dict:
        return {
            "file": self.file, "row": self.row, "column": self.column, "value": self.value,
            "message": self.message, "message_en": self.message_en, "level": self.level,
        }

    def render(self, lang: str = "id") -> str:
        row, col = ("baris", "kolom") if lang == "id" else ("row", "column")
        where = [self.file]
        if self.row is not None:
            where.append(f"{row} {self.row}")
        if self.column:
            where.append(f"{col} {self.column}")
        text = self.message if lang == "id" else self.message_en
        value = f" [{self.value!r}]" if self.value not in (None, "") else ""
        tag = "" if self.level == "error" else ("(peringatan) " if lang == "id" else "(warning) ")
        return f"{', '.join(where)}{value}: {tag}{text}"


#: File statuses; ``ok`` holds when every file is in OK_STATUSES.
STATUS_TEXT = {
    "loaded": ("dimuat", "loaded"),
    "partial": ("dimuat sebagian (baris tidak valid dilewati)", "partly loaded (invalid rows skipped)"),
    "rejected": ("TIDAK dimuat: ada baris tidak valid", "NOT loaded: it has invalid rows"),
    "failed": ("GAGAL", "FAILED"),
    "incomplete": ("dimuat tidak lengkap", "loaded incompletely"),
    "skipped": ("tidak diproses (pemuatan berhenti)", "not processed (the load stopped)"),
    "ignored": ("diabaikan (jenis tidak dikenal)", "ignored (unknown kind)"),
}
OK_STATUSES = {"loaded", "partial", "ignored"}


@dataclass
class FileReport:
    name: str
    kind: str | None
    status: str = "loaded"
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    new_employers: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Where ``load_paths`` wrote the rejected rows (``--skip-invalid``).
    rejected_file: str | None = None
    #: Rows repeating an earlier row of the file exactly (counted unchanged).
    repeated: int = 0
    #: Wall-clock seconds spent on the file (read, check, write).
    seconds: float = 0.0
    #: Header and rejected rows, to build :meth:`rejected_csv`.
    header: list | None = None
    rejected_rows: list[tuple[int, list, list[Problem]]] = field(default_factory=list)
    delimiter: str = ","
    #: A Dapodik export: rows of stored alumni are left alone.
    current_students_only: bool = False
    #: A Dapodik export: rombel → programme, for the Impor page to show for confirmation.
    rombel_mapping: list = field(default_factory=list)
    #: Updated records, field by field: ``{"row", "key", "fields": [{"column", "field", "old", "new"}]}``.
    changes: list[dict] = field(default_factory=list)
    #: Consent answers changed, per person: ``{"row", "nisn", "name", "column", "old", "new"}``.
    consent_changes: list[dict] = field(default_factory=list)
    #: Stored people whose consent cell was blank: their stored answer was kept.
    consent_kept: int = 0
    #: Updated records whose only change is a stored phone number (``0812…``)
    #: written anew in the +62… form: the same number.
    phones_rewritten: int = 0
    #: What the write is expected to create/update/leave (the dry run's counts).
    expected: dict | None = None

    #: Why a file of a folder was not read (Indonesian, English), for "ignored".
    note: tuple[str, str] | None = None

    def problem(self, row, column, value, msg, msg_en, level="error") -> Problem:
        shown = None if is_empty(value) else as_text(value)[:300]
        p = Problem(self.name, row, column, shown, msg, msg_en, level)
        self.problems.append(p)
        return p

    def rejected_csv(self) -> str | None:
        """The rejected rows as CSV text (the file's own columns plus
        ``kesalahan``), ready to fix and load again; None if none."""
        if not self.rejected_rows or self.header is None:
            return None
        out = io.StringIO()
        w = csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n")
        width = len(self.header)
        w.writerow([as_text(h) if h is not None else "" for h in self.header] + [ERROR_COLUMN])
        for n, cells, problems in self.rejected_rows:
            cells = [("" if c is None else as_text(c)) for c in cells[:width]]
            cells += [""] * (width - len(cells))
            errors = "; ".join(
                f"baris {n}" + (f", {p.column}" if p.column else "") + f": {p.message}" for p in problems
            )
            w.writerow(cells + [errors])
        return out.getvalue()

    def as_dict(self) -> dict:
        out = {
            "file": self.name, "kind": self.kind, "status": self.status,
            "status_text": STATUS_TEXT[self.status][0], "status_text_en": STATUS_TEXT[self.status][1],
            "read": self.read, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "rejected": self.rejected,
            "new_employers": list(self.new_employers),
            "rejected_file": self.rejected_file, "seconds": round(self.seconds, 3),
            "problems": [p.as_dict() for p in self.problems],
            "changes": list(self.changes), "consent_changes": list(self.consent_changes),
            "consent_kept": self.consent_kept, "phones_rewritten": self.phones_rewritten,
            "note": self.note[0] if self.note else None, "note_en": self.note[1] if self.note else None,
        }
        if self.rombel_mapping:
            out["rombel_mapping"] = [dict(e) for e in self.rombel_mapping]
        return out


_COUNTS = ("read", "created", "updated", "unchanged", "rejected")


@dataclass
class LoadReport:
    """What a load did, per file and per kind, and every problem found.

    ``ok`` is False when a file was not loaded because of invalid rows (without
    ``skip_invalid``), could not be read, or a write failed.
    """

    files: list[FileReport] = field(default_factory=list)
    dry_run: bool = False
    skip_invalid: bool = False

    @property
    def ok(self) -> bool:
        return all(f.status in OK_STATUSES for f in self.files)

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def new_employers(self) -> list[dict]:
        return [e for f in self.files for e in f.new_employers]

    def by_kind(self) -> dict[str, dict]:
        """Counts summed per kind, in load order."""
        out: dict[str, dict] = {}
        for f in sorted(self.files, key=lambda f: _kind_rank(f.kind)):
            if f.kind is None:
                continue
            row = out.setdefault(f.kind, {k: 0 for k in _COUNTS} | {"new_employers": 0, "files": 0})
            for k in _COUNTS:
                row[k] += getattr(f, k)
            row["new_employers"] += len(f.new_employers)
            row["files"] += 1
        return out

    def as_dict(self) -> dict:
        """JSON-ready: the same content as :meth:`render`."""
        return {
            "ok": self.ok, "dry_run": self.dry_run, "skip_invalid": self.skip_invalid,
            "kinds": self.by_kind(),
            "files": [f.as_dict() for f in self.files],
            "new_employers": self.new_employers,
            "problems": [p.as_dict() for p in self.problems],
        }

    def render(self, lang: str = "id", max_problems: int = 1000) -> str:
        """A plain-text summary: a table per kind, file statuses, new
        unverified employers and the problems (``lang`` "id" or "en")."""
        id_ = lang == "id"
        lines = []
        if self.dry_run:
            lines.append("DRY RUN: hanya diperiksa, tidak ada yang ditulis." if id_
                         else "DRY RUN: checked only, nothing was written.")
        heads = (["jenis", "dibaca", "dibuat", "diperbarui", "tetap", "ditolak", "DU/DI baru"] if id_
                 else ["kind", "read", "created", "updated", "unchanged", "rejected", "new employers"])
        table = [heads]
        for kind, c in self.by_kind().items():
            written = [str(c["created"]), str(c["updated"]), str(c["unchanged"])]
            table.append([kind, str(c["read"]), *written, str(c["rejected"]), str(c["new_employers"])])
        widths = [max(len(r[i]) for r in table) for i in range(len(heads))]
        for i, r in enumerate(table):
            lines.append("  ".join(r[0].ljust(widths[0]) if j == 0 else r[j].rjust(widths[j])
                                   for j in range(len(r))))
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines.append("")
        for f in self.files:
            text = STATUS_TEXT[f.status][0 if id_ else 1]
            if f.note:
                text = ("diabaikan: " if id_ else "ignored: ") + f.note[0 if id_ else 1]
            if self.dry_run and f.status in ("loaded", "partial"):
                text = "valid (tidak ditulis)" if id_ else "valid (not written)"
                if f.status == "partial":
                    text = (f"{f.rejected} baris akan dilewati" if id_ else f"{f.rejected} rows would be skipped")
            extra = ""
            if f.rejected_file:
                extra = (f"; baris ditolak ditulis ke {f.rejected_file}" if id_
                         else f"; rejected rows written to {f.rejected_file}")
            lines.append(f"{f.name} ({f.kind or '?'}): {text}{extra}")
        lines += self._render_changes(id_)
        new = self.new_employers
        if new:
            lines.append("")
            lines.append(
                f"DU/DI baru belum terverifikasi ({len(new)}); periksa, atau gabungkan dengan "
                "`alumni-graph merge-employers KODE_TETAP KODE_HAPUS`:" if id_ else
                f"New unverified employers ({len(new)}); review them, or merge with "
                "`alumni-graph merge-employers KEEP_CODE DROP_CODE`:"
            )
            for e in new:
                city = f", {e['city']}" if e.get("city") else ""
                lines.append(f"  {e['code']}: {e['name']}{city} ({e['file']} baris {e['row']})" if id_
                             else f"  {e['code']}: {e['name']}{city} ({e['file']} row {e['row']})")
                review = e.get("review")
                if review:
                    lines.append(f"    perlu dicek: mirip {review['candidate']} (skor {review['score']}, {review['reason']})"
                                 if id_ else
                                 f"    to check: like {review['candidate']} (score {review['score']}, {review['reason']})")
            if any(e.get("review") for e in new):
                lines.append("  DU/DI perlu dicek: `alumni-graph employers review`, atau halaman DU/DI perlu dicek"
                             if id_ else
                             "  Employers to check: `alumni-graph employers review`, or the Employers to check page")
        problems = self.problems
        if problems:
            lines.append("")
            lines.append(f"Masalah ({len(problems)}):" if id_ else f"Problems ({len(problems)}):")
            for p in problems[:max_problems]:
                lines.append("  " + p.render(lang))
            if len(problems) > max_problems:
                more = len(problems) - max_problems
                lines.append(f"  ... dan {more} lainnya (lihat --json)" if id_
                             else f"  ... and {more} more (see --json)")
        lines.append("")
        if not any(f.kind for f in self.files):
            lines.append("Tidak ada file data yang dimuat." if id_ else "No data file was loaded.")
        else:
            lines.append(("Selesai." if self.ok else "Ada masalah: lihat di atas.") if id_
                         else ("Done." if self.ok else "There are problems: see above."))
        return "\n".join(lines)


    def _render_changes(self, id_: bool, limit: int = 200) -> list[str]:
        """Each updated record, field by field (old -> new), and each
        person's consent change. Shown on screen only, never logged."""
        lines: list[str] = []
        for f in self.files:
            if f.changes:
                lines.append("")
                if f.status == "rejected":
                    lines.append(f"Perubahan di {f.name} jika baris tidak valid dilewati ({len(f.changes)} data):"
                                 if id_ else
                                 f"Changes in {f.name} if its invalid rows were skipped ({len(f.changes)} records):")
                else:
                    lines.append(f"Perubahan di {f.name} ({len(f.changes)} data diperbarui):" if id_
                                 else f"Changes in {f.name} ({len(f.changes)} records updated):")
                if f.phones_rewritten:
                    lines.append(f"  ({f.phones_rewritten} di antaranya hanya menulis ulang nomor HP ke bentuk "
                                 "+62…: nomornya sama)" if id_ else
                                 f"  ({f.phones_rewritten} of them only write a stored phone number in the "
                                 "+62… form: the same number)")
                for c in f.changes[:limit]:
                    fields = "; ".join(f"{x['column']}: {show_value(x['old'], id_)} -> {show_value(x['new'], id_)}"
                                       for x in c["fields"])
                    lines.append(f"  {'baris' if id_ else 'row'} {c['row']}, {c['key']}: {fields}")
                if len(f.changes) > limit:
                    more = len(f.changes) - limit
                    lines.append(f"  ... dan {more} lainnya (lihat --json)" if id_ else f"  ... and {more} more (see --json)")
            if f.consent_changes:
                lines.append("")
                lines.append(f"Persetujuan berubah di {f.name} ({len(f.consent_changes)}):" if id_
                             else f"Consent changed in {f.name} ({len(f.consent_changes)}):")
                for c in f.consent_changes[:limit]:
                    who = f"{c['nisn']}" + (f" ({c['name']})" if c.get("name") else "")
                    lines.append(f"  {'baris' if id_ else 'row'} {c['row']}, {who}: {c['column']} "
                                 f"{show_value(c['old'], id_)} -> {show_value(c['new'], id_)}")
            if f.consent_kept:
                lines.append("")
                lines.append(
                    f"{f.name}: {f.consent_kept} orang dengan sel bersedia_dihubungi kosong: "
                    "persetujuan yang tersimpan tidak diubah" if id_ else
                    f"{f.name}: {f.consent_kept} people with an empty bersedia_dihubungi cell: "
                    "their stored consent was kept")
        return lines


def show_value(value, id_: bool = True) -> str:
    """A stored value as the report shows it.

    >>> show_value(True), show_value(None), show_value(["a", "b"]), show_value(None, False)
    ('ya', '(kosong)', 'a, b', '(empty)')
    """
    if value is None:
        return "(kosong)" if id_ else "(empty)"
    if isinstance(value, bool):
        return ("ya" if value else "tidak") if id_ else ("yes" if value else "no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _kind_rank(kind: str | None) -> int:
    return ORDER.index(kind) if kind in ORDER else -1
