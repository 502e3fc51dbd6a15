"""Write the graph as CSV files for ``neo4j-admin database import full``.

A province's first load: validate and resolve the schools' files with the
loaders into a staging store (the embedded one is fastest), write them out
with :func:`export_admin_import`, and let Neo4j's offline importer build the
database files directly instead of running millions of ``MERGE``s::

    alumni-graph --data-dir staging load schools/...           # validate, resolve
    alumni-graph --data-dir staging export-admin-import import/ # these CSVs
    neo4j-admin database import full neo4j @import/neo4j-admin-import.args
    neo4j start                                                  # then:
    ALUMNI_GRAPH_BACKEND=neo4j alumni-graph init-schema          # constraints, indexes

(``docs/scaling.md`` has the whole procedure.) Every later load goes through
the batched loader as usual: the importer only fills an empty database.

The files
---------
One node file per label and one relationship file per relationship type and
pair of end labels, each with its header on the first line:

* ``nodes_School.csv``: ``npsn:ID(School),name,city,province,source,loaded_at``;
  ``Person`` and ``Employer`` likewise (``nisn:ID(Person)``, ``code:ID(Employer)``);
* ``nodes_Program.csv``: ``:ID(Program),school_npsn,code,...``: the composite
  key ``<npsn>/<code>`` is the importer's id only (not stored), the two key
  properties are ordinary columns;
* ``rels_WORKS_AT_Person_Employer.csv``:
  ``:START_ID(Person),:END_ID(Employer),start,end,...``.

Every node type has its own id space, so an NPSN can never be mistaken for a
NISN. Properties keep their types (``entry_year:long``,
``consent_contact:boolean``, ``sectors:string[]``...) so the imported
database equals a loader-built one, provenance (``source``, ``loaded_at``)
included; text is always quoted, an absent value is an empty field. One
difference: the importer cannot write an empty list, so a property holding
``[]`` arrives absent (the queries read both alike; the loaders never write
``[]``).

The files hold personal data (names, NISN, phones): write them inside the
protected data area and delete them after the import.
"""
from __future__ import annotations

import os
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path

from alumni_graph.graph_service.errors import ExportError
from alumni_graph.graph_service.schema import NODE_TYPES, PROVENANCE, REL_TYPES
from alumni_graph.graph_service.store import Store

#: Types other than text; every property not listed is a string.
PROPERTY_TYPES: dict[tuple[str, str], str] = {
    ("Program", "sectors"): "string[]",
    ("Person", "entry_year"): "long",
    ("Person", "graduation_year"): "long",
    ("Person", "consent_contact"): "boolean",
    ("Person", "consent_display"): "boolean",
    ("Person", "featured"): "boolean",
    ("Employer", "verified"): "boolean",
    ("INTERNED_AT", "score"): "long",
    ("INTERNED_AT", "monitoring_visits"): "long",
    ("WORKS_AT", "aligned"): "boolean",
    ("PARTNERS_WITH", "kinds"): "string[]",
}
ARRAY_DELIMITER = ";"
ARGS_FILE = "neo4j-admin-import.args"


@dataclass
class ExportedFile:
    name: str
    kind: str  # "nodes" or "relationships"
    target: str  # the label or relationship type
    rows: int = 0


@dataclass
class ExportReport:
    out_dir: Path
    files: list[ExportedFile] = field(default_factory=list)
    #: Some text value holds a line break: the importer needs --multiline-fields.
    multiline: bool = False
    seconds: float = 0.0

    @property
    def nodes(self) -> int:
        return sum(f.rows for f in self.files if f.kind == "nodes")

    @property
    def relationships(self) -> int:
        return sum(f.rows for f in self.files if f.kind == "relationships")

    def import_args(self) -> list[str]:
        """The importer's options and file arguments (without the database name)."""
        args = [
            "--overwrite-destination=false",
            f"--array-delimiter={ARRAY_DELIMITER}",
            "--id-type=string",
            f"--report-file={self.out_dir / 'import.report'}",
        ]
        if self.multiline:
            args.append("--multiline-fields=true")
        for f in self.files:
            option = "--nodes" if f.kind == "nodes" else "--relationships"
            args.append(f"{option}={f.target}={self.out_dir / f.name}")
        return args

    def command(self, database: str = "neo4j", admin: str = "neo4j-admin") -> str:
        # The database name goes first: the file options take several values,
        # so a name after them would be read as one more file.
        return (f"{admin} database import full {shlex.quote(database)} "
                f"@{shlex.quote(str(self.out_dir / ARGS_FILE))}")

    def render(self, database: str = "neo4j") -> str:
        lines = [f"{f.name:45} {f.rows:>10,}" for f in self.files]
        lines.append(
            f"{self.nodes:,} nodes and {self.relationships:,} relationships written to "
            f"{self.out_dir} in {self.seconds:.1f} s."
        )
        lines += [
            "",
            "Import into an EMPTY, STOPPED Neo4j (Community or Enterprise 5.x), then start it and",
            "create the constraints and indexes:",
            f"  {self.command(database)}",
            "  neo4j start",
            "  ALUMNI_GRAPH_BACKEND=neo4j alumni-graph init-schema",
            "These files hold personal data: delete them after the import.",
        ]
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "out_dir": str(self.out_dir), "nodes": self.nodes,
            "relationships": self.relationships, "multiline": self.multiline,
            "seconds": round(self.seconds, 3),
            "files": [{"name": f.name, "kind": f.kind, "target": f.target, "rows": f.rows}
                      for f in self.files],
            "args": self.import_args(),
        }


def node_header(label: str) -> tuple[list[str], list[str]]:
    """The header cells of a node file and the property read for each column
    (``None`` for the importer-only composite id)."""
    nt = NODE_TYPES[label]
    header, props = [], []
    if len(nt.key) == 1:
        header.append(f"{nt.key[0]}:ID({label})")
        props.append(nt.key[0])
    else:
        header.append(f":ID({label})")
        props.append(None)
        for k in nt.key:
            header.append(_typed(label, k))
            props.append(k)
    for p in nt.properties + PROVENANCE:
        header.append(_typed(label, p))
        props.append(p)
    return header, props


def rel_header(type_: str, start_label: str, end_label: str) -> tuple[list[str], list[str]]:
    rt = REL_TYPES[type_]
    header = [f":START_ID({start_label})", f":END_ID({end_label})"]
    props = list(rt.key + rt.properties + PROVENANCE)
    return header + [_typed(type_, p) for p in props], props


def _typed(owner: str, prop: str) -> str:
    kind = PROPERTY_TYPES.get((owner, prop))
    return f"{prop}:{kind}" if kind else prop


def node_ref(label: str, key) -> str:
    """The importer id of a node: its key values joined by ``/`` (as ``schema.node_id``)."""
    return "/".join(str(v) for v in key)


class _Writer:
    """One CSV file in the importer's dialect: strings always quoted, absent
    values as empty fields, booleans ``true``/``false``, arrays joined."""

    def __init__(self, path: Path, owner: str, header: list[str], report: ExportReport):
        self.f = open(path, "w", encoding="utf-8", newline="")
        self.owner = owner
        self.types = [h.split(":", 1)[1] if ":" in h and not h.startswith(":") else "string"
                      for h in header]
        self.names = [h.split(":", 1)[0] for h in header]
        self.report = report
        self.f.write(",".join(header) + "\n")

    def row(self, values: list) -> None:
        self.f.write(",".join(self._cell(i, v) for i, v in enumerate(values)) + "\n")

    def _cell(self, i: int, value) -> str:
        if value is None:
            return ""
        declared = self.types[i]
        if declared.startswith("ID(") or declared.startswith("START_ID") or declared.startswith("END_ID"):
            declared = "string"
        if declared == "boolean":
            if not isinstance(value, bool):
                raise self._bad(i, value, declared)
            return "true" if value else "false"
        if declared == "long":
            if isinstance(value, bool) or not isinstance(value, int):
                raise self._bad(i, value, declared)
            return str(value)
        if declared == "string[]":
            if not isinstance(value, (list, tuple)) or not all(isinstance(x, str) for x in value):
                raise self._bad(i, value, declared)
            if any(ARRAY_DELIMITER in x for x in value):
                raise ExportError(
                    f"{self.owner}.{self.names[i]}: a list item contains {ARRAY_DELIMITER!r}, "
                    "the importer's array delimiter"
                )
            return self._text(ARRAY_DELIMITER.join(value))
        if not isinstance(value, str):
            raise self._bad(i, value, declared)
        return self._text(value)

    def _text(self, s: str) -> str:
        if "\n" in s or "\r" in s:
            self.report.multiline = True
        return '"' + s.replace('"', '""') + '"'

    def _bad(self, i: int, value, declared: str) -> ExportError:
        return ExportError(
            f"{self.owner}.{self.names[i]} holds a {type(value).__name__} where the export "
            f"expects {declared}: add the property to graph_service.admin_import.PROPERTY_TYPES"
        )

    def close(self) -> None:
        self.f.close()


def export_admin_import(store: Store, out_dir: Path | str, *, overwrite: bool = False) -> ExportReport:
    """Write every node and relationship of ``store`` as importer CSVs in
    ``out_dir`` and the importer's argument file; return what was written.

    Reads stream (``iter_nodes``, ``iter_relationships``), so memory stays flat
    on Neo4j; on the embedded store the graph is in memory anyway. Refuses a
    non-empty ``out_dir`` unless ``overwrite``.
    """
    began = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    if not overwrite and any(out_dir.iterdir()):
        raise ExportError(f"{out_dir} is not empty: choose an empty directory (or --force)")
    report = ExportReport(out_dir)

    for label in NODE_TYPES:
        header, props = node_header(label)
        entry = ExportedFile(f"nodes_{label}.csv", "nodes", label)
        w = _Writer(out_dir / entry.name, label, header, report)
        try:
            key = NODE_TYPES[label].key
            for node in store.iter_nodes(label):
                ref = node_ref(label, [node[k] for k in key])
                w.row([ref if p is None else node.get(p) for p in props])
                entry.rows += 1
        finally:
            w.close()
        report.files.append(entry)

    for rt in REL_TYPES.values():
        for start in rt.start:
            for end in rt.end:
                header, props = rel_header(rt.type, start, end)
                entry = ExportedFile(f"rels_{rt.type}_{start}_{end}.csv", "relationships", rt.type)
                w = _Writer(out_dir / entry.name, rt.type, header, report)
                try:
                    for rel in store.iter_relationships(rt.type, start_label=start, end_label=end):
                        p = rel["props"]
                        w.row([node_ref(start, rel["start"]), node_ref(end, rel["end"])]
                              + [p.get(name) for name in props])
                        entry.rows += 1
                finally:
                    w.close()
                report.files.append(entry)

    # picocli reads options from an @file, one argument per line.
    args_path = out_dir / ARGS_FILE
    args_path.write_text("".join(_argfile_quote(a) + "\n" for a in report.import_args()),
                         encoding="utf-8")
    for f in report.files:
        os.chmod(out_dir / f.name, 0o600)  # personal data
    report.seconds = time.perf_counter() - began
    return report


def _argfile_quote(arg: str) -> str:
    # picocli @files: whitespace separates arguments unless quoted; inside
    # double quotes a backslash escapes.
    if any(c.isspace() for c in arg) or '"' in arg or "\\" in arg or "'" in arg:
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return arg
