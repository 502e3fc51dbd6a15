"""Data-subject requests under UU PDP: access (export), correction, deletion.

One person is named by their NISN. The same functions serve the web API
(``/api/v1/subject/<nisn>/...``, admin only) and the CLI
(``alumni-graph subject export|correct|delete NISN``), on both stores.

Deletion removes the person everywhere the system keeps them:

1. the Person node and its relationships (``store.delete_node``; the
   embedded store rewrites ``graph.json`` without them);
2. every other text property in the store that still holds their NISN, name,
   phone or email (a visit note naming them, say) is redacted to
   ``[dihapus]``; employers, schools and counts stay;
3. every file in the data directory: loader inputs and the demo's input
   folder, rejected-row files (``*.ditolak.csv``), exports, admin-import
   CSVs: CSV/TSV/TXT, XLSX and JSON-lines files are rewritten without the
   rows that mention the person (and remaining mentions redacted); a stale
   ``graph.json`` of the embedded store is rewritten likewise; pending web
   uploads are dropped entirely; any other file still holding one of the
   values is removed.

The users and audit databases hold no personal values of subjects (the audit
log keeps keyed hashes of NISNs, never the NISN), so they stay untouched: the
audit log is append-only, and the deletion itself is recorded there.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.graph_service.schema import NODE_TYPES, REL_TYPES, TRACER_STATUSES
from alumni_graph.graph_service.store import now_iso
from alumni_graph.security.uploads import UPLOADS_DIR

REDACTED = "[dihapus]"
SOURCE = "subject-request"
FORMAT = "alumni-graph/subject-export-1"
#: Files of the installation itself, never rewritten (they hold no subject values).
OWN_FILES = {"users.sqlite3", "audit.sqlite3", "secret_key", "audit.key", "graph.lock",
             "tracer.sqlite3", "tracer.key"}
TEXT_EXT = {".csv", ".tsv", ".txt"}
XLSX_EXT = {".xlsx", ".xlsm"}
JSONL_EXT = {".jsonl", ".ndjson", ".json"}
UPLOADS = UPLOADS_DIR  # staged uploads (security/uploads.py)
#: How a value can be spelled in bytes in a text file: Excel's "Unicode Text"
#: and some exports write UTF-16 (little- or big-endian), not UTF-8.
TEXT_ENCODINGS = ("utf-8", "cp1252", "utf-16-le", "utf-16-be")

#: Fields a correction may change: the person's property, and the column of a
#: ``siswa`` file whose parser and row checks a load applies to it (a correction
#: validates exactly like a load: the same dates, phone repair, statuses).
CORRECTABLE = {
    "name": "nama", "gender": "jenis_kelamin", "birth_date": "tanggal_lahir",
    "entry_year": "tahun_masuk", "graduation_year": "tahun_lulus", "status": "status",
    "phone": "no_hp", "email": "email", "consent_contact": "bersedia_dihubungi",
    "consent_display": "boleh_ditampilkan", "consent_source": "sumber_persetujuan",
    "consent_date": "tanggal_persetujuan", "guardian_consent_ref": "ref_persetujuan_wali",
}
STATUSES = TRACER_STATUSES  # graph_service.schema: the one list


def check_nisn(nisn) -> str:
    s = str(nisn or "").strip()
    if not re.fullmatch(r"\d{10}", s):
        raise ParameterError("nisn: must be 10 digits / harus 10 digit",
                             [{"param": "nisn", "message": "must be 10 digits"}])
    return s


def _person(store, nisn: str) -> dict:
    node = store.get_node("Person", (nisn,))
    if node is None:
        raise NotFound("nisn: no person with this NISN / tidak ditemukan",
                       [{"param": "nisn", "message": "no such person"}])
    return node


def person_values(node: dict) -> list[str]:
    """The identifying values a deletion must leave nowhere: NISN, name, phone, email."""
    vals = [node.get(k) for k in ("nisn", "name", "phone", "email")]
    return sorted({str(v).strip() for v in vals if v not in (None, "") and str(v).strip()},
                  key=len, reverse=True)


# -- access ------------------------------------------------------------------------

def export_subject(store, nisn: str, *, audit=None, data_dir: Path | str | None = None) -> dict:
    """Everything held about one person, JSON-ready: the node's properties
    (provenance included), every relationship with the other end named, the
    audit entries about them, and the data-directory files that mention them."""
    nisn = check_nisn(nisn)
    node = _person(store, nisn)
    rels = []
    for rel in store.relationships_of("Person", (nisn,)):
        label, key = rel["other"]
        other = store.get_node(label, tuple(key)) or {}
        rels.append({**rel, "other": {"label": label, "key": key, "name": other.get("name")}})
    values = person_values(node)
    files = []
    if data_dir is not None:  # (a namesake's file is listed too: better one too many)
        files = [str(p.relative_to(data_dir)) for p in _files(Path(data_dir))
                 if p.name != "graph.json" and _mentions(p, values)]
    return {
        "format": FORMAT,
        "exported_at": now_iso(),
        "nisn": nisn,
        "person": node,
        "relationships": rels,
        "audit": audit.entries(nisn=nisn) if audit is not None else [],
        "files": files,
    }


# -- correction --------------------------------------------------------------------

def _parse(field: str, value, person: dict):
    """The stored value of ``field`` set to ``value`` (None removes it), by the
    loader's rules for its ``siswa`` column, then the loader's checks of the
    whole row (e.g. a graduation year before the entry year). Raises
    ``loaders.kinds.Invalid``."""
    # The loaders are above this package: imported when a correction is made.
    from alumni_graph.loaders.kinds import KINDS, Invalid, is_empty
    from alumni_graph.loaders.validate import check_row

    if isinstance(value, (dict, list)):
        raise Invalid("harus satu nilai", "must be a single value")
    parsed = None if is_empty(value) else KINDS["siswa"].column(CORRECTABLE[field]).parse(value)
    record = {col: person.get(prop) for prop, col in CORRECTABLE.items()}
    record[CORRECTABLE[field]] = parsed
    for _col, msg, msg_en in check_row("siswa", {c: v for c, v in record.items() if v is not None}):
        raise Invalid(msg, msg_en)
    return parsed


def correct_subject(store, nisn: str, field: str, value) -> dict:
    """Set one allowed field of a person (``None``/empty removes it)."""
    nisn = check_nisn(nisn)
    if field not in CORRECTABLE:
        raise ParameterError(f"field: must be one of {', '.join(CORRECTABLE)}",
                             [{"param": "field", "message": f"one of {', '.join(CORRECTABLE)}"}])
    if field == "name" and (value is None or not str(value).strip()):
        raise ParameterError("value: a name cannot be removed", [{"param": "value", "message": "required"}])
    person = _person(store, nisn)
    try:
        parsed = _parse(field, value, person)
    except ValueError as exc:  # loaders.kinds.Invalid
        msg_en, msg = getattr(exc, "msg_en", str(exc)), getattr(exc, "msg", str(exc))
        raise ParameterError(f"value: {msg_en} / {msg}", [{"param": "value", "message": msg_en}]) from None
    counts = store.upsert_nodes("Person", [{"nisn": nisn, field: parsed}], source=SOURCE)
    return {"nisn": nisn, "field": field, "changed": counts.updated > 0}


# -- deletion ----------------------------------------------------------------------

class _Target:
    """What identifies the person in text.

    A row (or JSON line) is theirs when it holds their NISN, or, holding no
    other NISN, their phone or email. A row with another person's NISN is that
    person's: a sibling may share the family phone, a namesake the name (many
    Indonesians have one name), so there only the deleted NISN and the name in
    free text are redacted. Elsewhere every identifier and the name (as a
    whole word) become ``[dihapus]``."""

    def __init__(self, node: dict):
        self.nisn = str(node.get("nisn"))
        self.name = (node.get("name") or "").strip()
        self.ids = [v for v in (self.nisn, str(node.get("phone") or "").strip(),
                                str(node.get("email") or "").strip()) if v]
        self._lower_ids = {v.lower() for v in self.ids[1:]}
        self._name_re = (re.compile(r"(?<!\w)" + re.escape(self.name) + r"(?!\w)")
                         if self.name else None)

    def _other_person(self, cells) -> bool:
        return any(c is not None and re.fullmatch(r"\d{10}", str(c).strip())
                   and str(c).strip() != self.nisn for c in cells)

    def row_is_theirs(self, cells) -> bool:
        texts = [str(c).strip() for c in cells if c is not None]
        if any(self.nisn in t for t in texts):
            return True
        return not self._other_person(cells) and any(t.lower() in self._lower_ids for t in texts)

    def redact(self, text: str, *, identifiers=None) -> str:
        for v in self.ids if identifiers is None else identifiers:
            text = text.replace(v, REDACTED)
        if self._name_re is not None:
            text = self._name_re.sub(REDACTED, text)
        return text

    def redact_cells(self, cells: list) -> list:
        if not self._other_person(cells):
            return [self.redact(c) if isinstance(c, str) else c for c in cells]
        # Another person's row: their own name (a namesake's) and shared contacts stay.
        return [c if not isinstance(c, str) or c.strip() == self.name
                else self.redact(c, identifiers=[self.nisn]) for c in cells]

    def holds(self, value) -> bool:
        if isinstance(value, str):
            return self.redact(value) != value
        if isinstance(value, (list, tuple)):
            return any(self.holds(x) for x in value)
        return False

    def redacted(self, value):
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, (list, tuple)):
            return [self.redacted(x) for x in value]
        return value


def delete_subject(store, nisn: str, *, data_dir: Path | str | None = None) -> dict:
    """Delete the person from the store and from every file of ``data_dir``.

    Returns what was done (counts and relative file paths, no values).
    """
    nisn = check_nisn(nisn)
    node = _person(store, nisn)
    target = _Target(node)
    report = {"nisn_deleted": store.delete_node("Person", (nisn,)),
              "store_properties_redacted": scrub_store(store, target),
              "files_rewritten": [], "files_removed": [], "uploads_removed": 0}
    if data_dir is not None:
        purge_files(Path(data_dir), target, report, store=store)
        report["tracer_answers_removed"] = purge_tracer(Path(data_dir), nisn)
    return report


def purge_tracer(data_dir: Path, nisn: str) -> int:
    """Delete the person's tracer links and answers (``tracer.sqlite3``,
    ``loaders.tracer``); returns how many answers went."""
    import sqlite3
    from contextlib import closing

    path = data_dir / "tracer.sqlite3"
    if not path.exists():
        return 0
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        n = db.execute("DELETE FROM responses WHERE nisn = ?", (nisn,)).rowcount
        db.execute("DELETE FROM links WHERE nisn = ?", (nisn,))
    return n


def scrub_store(store, target: _Target) -> int:
    """Redact the person's identifiers and name (whole word) in the non-key
    text properties of every other node and relationship (both stores,
    through the store interface); other people's own properties are theirs and
    stay (a namesake keeps their name, a sibling the family phone). Returns
    how many properties changed."""
    changed = 0
    for label, nt in NODE_TYPES.items():
        if label == "Person":
            continue
        rows = []
        for props in store.iter_nodes(label):
            fix = {k: target.redacted(v) for k, v in props.items()
                   if k not in nt.key and k not in ("source", "loaded_at") and target.holds(v)}
            if fix:
                rows.append({**{k: props[k] for k in nt.key}, **fix})
                changed += len(fix)
        if rows:
            store.upsert_nodes(label, rows, source=SOURCE)
    for rt in REL_TYPES.values():
        for start in rt.start:
            for end in rt.end:
                rows = []
                for rel in store.iter_relationships(rt.type, start_label=start, end_label=end):
                    props = rel["props"]
                    fix = {k: target.redacted(v) for k, v in props.items()
                           if k not in rt.key and k not in ("source", "loaded_at") and target.holds(v)}
                    if fix:
                        rows.append({"start": rel["start"], "end": rel["end"],
                                     "props": {**{k: props[k] for k in rt.key}, **fix}})
                        changed += len(fix)
                if rows:
                    store.upsert_relationships(rt.type, rows, start_label=start, end_label=end,
                                               source=SOURCE)
    return changed


def _files(data_dir: Path):
    if not data_dir.is_dir():
        return
    for root, dirs, names in os.walk(data_dir):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file():
                continue
            if path.parent == data_dir and (name in OWN_FILES or name.startswith(("users.sqlite3", "audit.sqlite3", "tracer.sqlite3"))):
                continue
            yield path


def _forms(values: list[str]) -> list[bytes]:
    """Byte forms a value takes in files: as is, JSON-escaped, CSV-quoted."""
    out = set()
    for v in values:
        for form in (v, json.dumps(v)[1:-1], json.dumps(v, ensure_ascii=False)[1:-1], v.replace('"', '""')):
            for enc in TEXT_ENCODINGS:
                try:
                    out.add(form.encode(enc))
                except UnicodeEncodeError:
                    pass
    return sorted(out, key=len, reverse=True)


def _mentions(path: Path, values: list[str]) -> bool:
    if not values:
        return False
    if path.suffix.lower() in XLSX_EXT:
        try:
            return any(v in c for c in _xlsx_cells(path) for v in values)
        except Exception:  # not a readable workbook: look at the bytes
            pass
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return any(f in data for f in _forms(values))


def _xlsx_cells(path: Path):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                for c in row:
                    if isinstance(c, str):
                        yield c
    finally:
        wb.close()


def purge_files(data_dir: Path, target: _Target, report: dict, *, store=None) -> None:
    uploads = data_dir / UPLOADS
    if uploads.is_dir():
        pending = list(uploads.iterdir())
        for d in pending:
            if d.is_dir():
                shutil.rmtree(d, ignore_errors=True)
            else:
                d.unlink(missing_ok=True)
        report["uploads_removed"] = len(pending)
    mentioned = target.ids + ([target.name] if target.name else [])
    for path in list(_files(data_dir)):
        if not _mentions(path, mentioned):
            continue
        rel = str(path.relative_to(data_dir))
        ext = path.suffix.lower()
        live = (path.name == "graph.json" and path.parent == data_dir
                and getattr(store, "path", None) is not None and Path(store.path) == path)
        if live:
            continue  # the embedded store itself: done by delete_node and scrub_store
        try:
            if path.name == "graph.json" and path.parent == data_dir:
                _rewrite_graph(data_dir, target, store)
            elif ext in TEXT_EXT:
                _rewrite_csv(path, target)
            elif ext in XLSX_EXT:
                _rewrite_xlsx(path, target)
            elif ext in JSONL_EXT:
                _rewrite_lines(path, target)
            else:
                raise ValueError("unknown format")
        except Exception:  # cannot be rewritten safely: the file goes
            path.unlink(missing_ok=True)
            report["files_removed"].append(rel)
            continue
        # The NISN must be gone; a name, phone or email left is in another
        # person's row (a namesake, a shared family phone).
        if path.exists() and _mentions(path, [target.nisn]):
            path.unlink()
            report["files_removed"].append(rel)
        else:
            report["files_rewritten"].append(rel)


def _rewrite_graph(data_dir: Path, target: _Target, store) -> None:
    """A graph.json that is not the store just changed (e.g. an old embedded
    store next to a Neo4j installation): delete and redact there too."""
    from alumni_graph.graph_service.embedded import EmbeddedStore

    other = EmbeddedStore(data_dir)
    other.delete_node("Person", (target.nisn,))
    scrub_store(other, target)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.rewrite")
    mode = path.stat().st_mode & 0o777
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _decode_text(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding, whether it had a byte-order mark) of a text file:
    UTF-16 by its BOM (or by NUL bytes, which no UTF-8/cp1252 CSV has),
    else UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        return data[2:].decode(enc), enc, True
    if b"\x00" in data:
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc), enc, False  # undecodable raises: the file is removed
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8", True
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252", False


_BOMS = {"utf-8": "\ufeff", "utf-16-le": "\ufeff", "utf-16-be": "\ufeff", "cp1252": ""}


def _rewrite_csv(path: Path, target: _Target) -> None:
    text, encoding, bom = _decode_text(path.read_bytes())
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    newline = "\r\n" if "\r\n" in text else "\n"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    kept = [rows[0]] + [r for r in rows[1:] if not target.row_is_theirs(r)] if rows else []
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    for r in kept:
        writer.writerow(target.redact_cells(r))
    body = (_BOMS[encoding] if bom else "") + out.getvalue()
    _atomic_write(path, body.encode(encoding))


def _rewrite_xlsx(path: Path, target: _Target) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        doomed = [row[0].row for row in ws.iter_rows()
                  if row and row[0].row > 1 and target.row_is_theirs([c.value for c in row])]
        for n in reversed(doomed):
            ws.delete_rows(n)
        for row in ws.iter_rows():
            values = target.redact_cells([c.value for c in row])
            for c, v in zip(row, values):
                if v != c.value:
                    c.value = v
    out = io.BytesIO()
    wb.save(out)
    _atomic_write(path, out.getvalue())


def _rewrite_lines(path: Path, target: _Target) -> None:
    """JSON lines: a line holding an identifier goes; names are redacted in the rest."""
    text = path.read_bytes().decode("utf-8")
    id_forms = [f.decode("utf-8") for f in _forms(target.ids) if _decodes(f)]
    out = []
    for line in text.split("\n"):
        if any(f in line for f in id_forms):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            out.append(target.redact(line))
            continue
        if isinstance(obj, dict):
            keys = list(obj)
            values = target.redact_cells([obj[k] for k in keys])
            same = values == [obj[k] for k in keys]
            out.append(line if same else json.dumps(dict(zip(keys, values)), ensure_ascii=False))
        else:
            out.append(line)
    _atomic_write(path, "\n".join(out).encode("utf-8"))


def _decodes(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
