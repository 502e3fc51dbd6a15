"""The query framework: typed parameters, the query record, results and their
text formats, and the one place that talks to a store (:func:`read_cypher`).

A query is a :class:`Query` record. Its ``runner(store, params, weights)``
dispatches on the backend: Neo4j runs the query's ``.cypher`` file through
``store.read``; the embedded store runs the networkx twin on ``store.graph()``.
Both return the same rows, which the parity tests check.

Parameters arrive as strings (CLI ``--param k=v``, a URL query string) or as
JSON values (the web's JSON API). :meth:`Query.validate` turns them into typed,
JSON-ready values and reports *every* bad parameter at once in a
:class:`~alumni_graph.graph_service.errors.ParameterError`.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from alumni_graph.graph_service.errors import AlumniGraphError, ParameterError

HERE = Path(__file__).resolve().parent

PARAM_TYPES = ("str", "int", "date", "bool", "choice")
#: The years a date parameter may name.
DATE_YEARS = (1900, 2200)
_TRUE = frozenset({"true", "ya", "1"})
_FALSE = frozenset({"false", "tidak", "0"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def today() -> str:
    """Today's date as ``YYYY-MM-DD`` (local time: the school's clock).

    A function, not a constant, so a long-running web server moves on at
    midnight.
    """
    return dt.date.today().isoformat()


class _Bad(ValueError):
    """One parameter's problem (message in English / Indonesian)."""


@dataclass(frozen=True)
class Param:
    """A typed query parameter.

    ``default`` may be a callable (evaluated at each call, e.g. :func:`today`).
    ``pattern`` (str only) is a regular expression the whole value must match;
    ``pattern_help`` says in words what it means.
    """

    name: str
    type: str = "str"
    required: bool = False
    default: Any = None
    help: str = ""
    choices: tuple = ()
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    pattern_help: str = ""
    #: str only: upper-case the value (codes are stored upper-cased).
    upper: bool = False

    def __post_init__(self):
        if self.type not in PARAM_TYPES:
            raise ValueError(f"parameter {self.name}: unknown type {self.type!r}")
        if self.type == "choice" and not self.choices:
            raise ValueError(f"parameter {self.name}: a choice needs choices")

    def default_value(self):
        return self.default() if callable(self.default) else self.default

    def describe(self) -> dict:
        """JSON-ready description (the web form is built from it)."""
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": None if self.required else self.default_value(),
            "help": self.help,
            "choices": list(self.choices) or None,
            "min": self.min,
            "max": self.max,
        }

    def parse(self, value):
        """Return the typed value of one given (non-empty) value or raise _Bad."""
        return getattr(self, f"_parse_{self.type}")(value)

    def _parse_str(self, value):
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise _Bad("must be text / harus teks")
        s = str(value).strip()
        if self.upper:
            s = s.upper()
        if len(s) > 200:
            raise _Bad("too long (more than 200 characters) / terlalu panjang (lebih dari 200 karakter)")
        if self.pattern and not re.fullmatch(self.pattern, s):
            raise _Bad(self.pattern_help or "has the wrong format / formatnya salah")
        return s

    def _parse_int(self, value):
        if isinstance(value, bool):
            raise _Bad("must be a whole number / harus bilangan bulat")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
            value = int(value)
        if not isinstance(value, int):
            raise _Bad("must be a whole number / harus bilangan bulat")
        if self.min is not None and value < self.min or self.max is not None and value > self.max:
            raise _Bad(f"must be between {self.min} and {self.max} / harus antara {self.min} dan {self.max}"
                       if self.min is not None and self.max is not None else
                       f"must be at least {self.min} / minimal {self.min}" if self.min is not None else
                       f"must be at most {self.max} / maksimal {self.max}")
        return value

    def _parse_date(self, value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        message = "must be a date YYYY-MM-DD / harus tanggal YYYY-MM-DD"
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
            raise _Bad(message)
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _Bad("no such date in the calendar / tanggal tidak ada di kalender") from None
        # Reference dates live in a school's lifetime; far years also break
        # date arithmetic (the minor rule goes 18 years back).
        if not DATE_YEARS[0] <= day.year <= DATE_YEARS[1]:
            raise _Bad(f"year must be between {DATE_YEARS[0]} and {DATE_YEARS[1]} / "
                       f"tahun harus antara {DATE_YEARS[0]} dan {DATE_YEARS[1]}")
        return day.isoformat()

    def _parse_bool(self, value):
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        s = value.strip().lower() if isinstance(value, str) else None
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        raise _Bad("must be true/false (ya/tidak, 1/0) / harus true/false (ya/tidak, 1/0)")

    def _parse_choice(self, value):
        s = value.strip() if isinstance(value, str) else None
        if s not in self.choices:
            raise _Bad(f"must be one of: {', '.join(self.choices)} / harus salah satu dari: "
                       f"{', '.join(self.choices)}")
        return s


def _echo(value):
    """The given value as it goes back in an error (JSON-ready, bounded)."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 100 else text[:100] + "…"


def _absent(value) -> bool:
    # An empty web form field means "not given", like a missing key.
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class QueryResult:
    """What a query returns: validated parameters, column names, rows, meta.

    Everything is JSON-ready: rows hold only str, int, float, bool, None,
    lists and dicts.
    """

    name: str
    params: dict
    columns: list[str]
    rows: list[dict]
    meta: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "params": self.params,
            "columns": self.columns,
            "count": len(self.rows),
            "rows": self.rows,
            "meta": self.meta,
        }


#: The type of each result column, by column name, for every query (the API's
#: row schemas come from here: web/openapi.py). A column named the same in two
#: queries with different types is set in QUERY_COLUMN_TYPES. Types: ``str``,
#: ``int``, ``number``, ``bool``, ``date`` (``YYYY-MM-DD`` text), ``object``,
#: ``list[str]``, ``list[object]``; a trailing ``?`` allows null (a value the
#: names policy withholds, or one the data lacks). tests/test_openapi_client.py
#: checks every row of every query, on both stores, against these.
COLUMN_TYPES: dict[str, str] = {
    # people (a name or NISN may be withheld by the names policy)
    "nisn": "str?", "name": "str?", "title": "str?", "status": "str?", "supervisor": "str?",
    "school_npsn": "str", "school_name": "str?", "program": "str?", "program_name": "str?",
    "graduation_year": "int?", "consent_contact": "bool", "featured": "bool",
    "since": "date?", "until": "date?", "current": "bool", "tenure_months": "int?",
    # employers
    "code": "str", "sector": "str?", "city": "str?", "category": "str",
    "employer_code": "str?", "employer_name": "str?", "partner": "bool",
    "last_contact": "date?", "recommended_program": "str?", "former_partner": "bool",
    "champions": "list[object]", "employer_list": "list[object]?", "employer_codes": "list[str]",
    # counts and rates
    "score": "number", "current_alumni": "int", "past_alumni": "int", "internships": "int",
    "alumni": "int", "traced": "int", "bekerja": "int", "melanjutkan": "int", "wirausaha": "int",
    "mencari_kerja": "int", "tidak_terdata": "int", "employed": "int", "with_first_job": "int",
    "traced_rate": "number?", "absorption_rate": "number?", "alignment_rate": "number?",
    "median_wait_months": "number?", "alumni_in_window": "int", "unknown_sector_alumni": "int",
    "sync_partners": "int", "placements": "int", "under_monitored": "int",
    "missing_visits": "int", "under_rate": "number?", "interns": "int", "eligible": "int",
    "hired": "int", "conversion_rate": "number?", "scored": "int", "avg_score": "number?",
    "never_hired": "bool", "low_score": "bool", "reachers_count": "int",
    "betweenness": "number", "employers": "int", "programs_reached": "int",
    "cluster": "int", "size": "int", "people": "int", "has_partner": "bool",
    "curriculum_sync": "bool",
    # nested lists
    "program_sectors": "list[str]", "alumni_sectors": "list[object]",
    "partner_sectors": "list[object]", "gaps_no_partner": "list[object]",
    "gaps_no_alumni": "list[object]", "under_placements": "list[object]",
    "reachers": "list[object]", "top_sectors": "list[object]", "top_employers": "list[object]",
    # referral paths
    "rank": "int", "strength": "number", "hops": "int", "explanation_id": "str",
    "explanation_en": "str", "nodes": "list[object]", "relationships": "list[object]",
    # outreach, alerts, vacancies, placements (queries/work.py)
    "address": "str?", "contact": "str?", "status_explicit": "bool", "owner": "str?",
    "next_action": "str?", "next_action_date": "date?", "overdue": "bool", "this_week": "bool",
    "last_contact_kind": "str?", "contacts": "int", "active_mou": "bool",
    "programs": "list[str]", "offer": "str?", "history": "list[object]",
    "kind": "str", "date": "date?", "detail": "str?",
    "group": "str", "value": "str?", "contacted": "int", "converted": "int", "rate": "number?",
    "median_days": "number?",
    "id": "str", "employer_city": "str?", "openings": "int?", "deadline": "date?",
    "origin": "str?", "notes": "str?", "created_by": "str?", "created_on": "date?",
    "open": "bool", "referrals": "object", "accepted": "int",
    "referral_status": "str?",
    "year": "int?", "graduates": "int", "placed": "int", "bkk": "int", "prakerin": "int",
    "mandiri": "int", "placed_rate": "number?",
}
QUERY_COLUMN_TYPES: dict[tuple[str, str], str] = {
    ("program_alignment", "partners"): "int",
    ("industry_clusters", "partners"): "list[object]",
    ("prospective_partners", "aligned"): "bool",
    ("alumni_register", "aligned"): "bool",
    ("tracer_summary", "aligned"): "int",
    ("placement_report", "alumni"): "int",
    ("placement_report", "employers"): "list[object]",
    ("vacancy_candidates", "hops"): "int?",
    ("vacancy_candidates", "explanation_id"): "str?",
    ("vacancy_candidates", "explanation_en"): "str?",
    ("vacancy_candidates", "name"): "str?",
}
#: Each type as a JSON schema (OpenAPI 3.1): result columns here, and the API's
#: parameters in web/openapi.py (the scalar ones).
SCALAR_TYPES = ("str", "int", "number", "bool", "date")
_COLUMN_SCHEMAS = {
    "str": {"type": "string"}, "int": {"type": "integer"}, "number": {"type": "number"},
    "bool": {"type": "boolean"}, "date": {"type": "string", "format": "date"},
    "object": {"type": "object"},
    "list[str]": {"type": "array", "items": {"type": "string"}},
    "list[object]": {"type": "array", "items": {"type": "object"}},
}


def column_type(query: str, column: str) -> str:
    """The declared type of one result column (KeyError when undeclared)."""
    return QUERY_COLUMN_TYPES.get((query, column)) or COLUMN_TYPES[column]


def column_schema(spec: str) -> dict:
    """A column type as a JSON schema (OpenAPI 3.1)."""
    nullable = spec.endswith("?")
    schema = dict(_COLUMN_SCHEMAS[spec.rstrip("?")])
    if nullable:
        schema["type"] = [schema["type"], "null"]
    return schema


@dataclass(frozen=True)
class Query:
    """A named query.

    ``runner(store, params, weights)`` returns ``(rows, meta)``; ``weights``
    is None for the documented defaults.
    """

    name: str
    title_id: str
    title_en: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    runner: Callable
    description: str = ""
    #: Columns shown by the ``table`` format (a terminal is narrow); None: all.
    table_columns: tuple[str, ...] | None = None
    #: The runner accepts ``names_all``: a staff duty view (tracing, internship
    #: monitoring) may list people without contact consent by name. Never a
    #: parameter a caller sets: the web's names policy (web/names.py) decides.
    duty_names: bool = False

    def describe(self) -> dict:
        return {
            "name": self.name,
            "title_id": self.title_id,
            "title_en": self.title_en,
            "description": self.description,
            "params": [p.describe() for p in self.params],
            "columns": list(self.columns),
        }

    def row_schema(self) -> dict:
        """The JSON schema of one result row, from the declared column types."""
        return {"type": "object", "required": list(self.columns),
                "properties": {c: column_schema(column_type(self.name, c)) for c in self.columns}}

    def validate(self, raw: Mapping | None) -> dict:
        """Typed parameter values, defaults filled in; ParameterError listing
        every bad or unknown parameter."""
        raw = {} if raw is None else raw
        if not isinstance(raw, Mapping):
            raise ParameterError("parameters must be a mapping of names to values / "
                                 "parameter harus berupa pasangan nama dan nilai")
        known = {p.name for p in self.params}
        errors = [
            {"param": str(k), "value": _echo(v), "message": "unknown parameter / parameter tidak dikenal"}
            for k, v in raw.items() if k not in known
        ]
        values = {}
        for p in self.params:
            given = raw.get(p.name)
            if _absent(given):
                if p.required:
                    errors.append({"param": p.name, "value": _echo(given),
                                   "message": "required / wajib diisi"})
                values[p.name] = p.default_value()
                continue
            try:
                values[p.name] = p.parse(given)
            except _Bad as exc:
                errors.append({"param": p.name, "value": _echo(given), "message": str(exc)})
        if errors:
            names = ", ".join(e["param"] for e in errors)
            raise ParameterError(
                f"invalid parameters for {self.name}: {names} / parameter tidak valid", errors)
        return values

    def run(self, store, raw: Mapping | None, *, weights: dict | None = None,
            names_all: bool = False) -> QueryResult:
        params = self.validate(raw)
        run_params = {**params, "names_all": True} if names_all and self.duty_names else params
        rows, meta = self.runner(store, run_params, weights)
        return QueryResult(self.name, params, list(self.columns), rows, meta)


def merge_weights(defaults: dict, overrides: Mapping | None) -> dict:
    """``defaults`` updated with ``overrides``; ParameterError for an unknown
    name or a value that is not a number >= 0."""
    overrides = dict(overrides or {})
    errors = [
        {"param": "weights", "value": _echo(name), "message": "unknown weight / bobot tidak dikenal"}
        for name in overrides if name not in defaults
    ] + [
        {"param": "weights", "value": _echo(value),
         "message": f"{name} must be a number >= 0 / harus angka >= 0"}
        for name, value in overrides.items()
        if name in defaults and (isinstance(value, bool) or not isinstance(value, (int, float))
                                 or value < 0)
    ]
    if errors:
        raise ParameterError(f"invalid weights; known: {', '.join(defaults)}", errors)
    return {**defaults, **overrides}


# -- the store side ------------------------------------------------------------

@lru_cache(maxsize=None)
def cypher_text(name: str) -> str:
    """The text of ``queries/<name>.cypher``, read once per process, with the
    shared rules' macros (``@consented(p)``) expanded (queries/rules.py)."""
    from alumni_graph.queries.rules import expand_cypher

    return expand_cypher((HERE / f"{name}.cypher").read_text(encoding="utf-8"))


def is_neo4j(store) -> bool:
    return getattr(store, "backend", None) == "neo4j"


def read_cypher(store, name: str, params: dict, *, text: str | None = None,
                versioned: bool = False):
    """Run ``<name>.cypher`` on a Neo4j store; every value travels as a parameter.
    ``text``: a variant of that file's text to run instead (still named ``name``).
    ``versioned``: return ``(rows, the store's version they were read at)``
    (``Neo4jStore.read_versioned``: one round trip) instead of the rows.

    A Cypher error is a bug of ours, not of the caller: it becomes an
    AlumniGraphError naming the query and Neo4j's status code (never the
    parameter values, which may be personal data).
    """
    from neo4j.exceptions import Neo4jError

    from alumni_graph.queries.rules import adult_born_by

    # The consent rule's minor cut-off, for every query (``@consented``).
    params = {**params, "adult_born_by": adult_born_by(params.get("as_of") or today())}
    try:
        if versioned:
            return store.read_versioned(cypher_text(name) if text is None else text, params)
        return store.read(cypher_text(name) if text is None else text, params)
    except Neo4jError as exc:
        raise AlumniGraphError(f"query {name} failed in Neo4j ({exc.code})") from None


def require_node(store, label: str, key: tuple, param: str, what: str) -> None:
    """NotFound naming the parameter (never its value) when a node is missing."""
    from alumni_graph.graph_service.errors import NotFound

    if store.get_node(label, key) is None:
        raise NotFound(f"{param}: no {what} with this key / {param}: tidak ditemukan",
                       [{"param": param, "message": f"no such {what}"}])


# -- text formats --------------------------------------------------------------

FORMATS = ("json", "table", "csv")


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """The result as ``json`` (everything), ``table`` (for a terminal) or ``csv``.

    Values come out unchanged (names byte-for-byte) in ``json`` and
    ``table``. CSV cells hold nested values (lists, maps) as compact JSON, and
    text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``...)
    gets a leading ``'`` (:func:`graph_service.formula.formula_safe`, the
    rule of the web exports); the table shows nested values as plain text
    ("a, b; c, d") and only the query's ``table_columns``.
    """
    if fmt == "json":
        return json.dumps(result.as_dict(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow([_csv_cell(row.get(c)) for c in result.columns])
        return out.getvalue().rstrip("\n")
    if fmt == "table":
        return _table(result)
    raise ParameterError("format must be json, table or csv / format harus json, table atau csv",
                         [{"param": "format", "value": _echo(fmt), "message": "must be json, table or csv"}])


def _csv_cell(value) -> str:
    from alumni_graph.graph_service.formula import formula_safe

    text = _cell(value)
    return text if isinstance(value, (int, float)) else formula_safe(text)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _plain(value) -> str:
    """A table cell: nested values as readable text, not JSON (no escaping)."""
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(_plain(v) for v in value.values() if v is not None)
    return _cell(value)


def _table(result: QueryResult) -> str:
    from alumni_graph.queries import REGISTRY

    query = REGISTRY.get(result.name)
    cols = list(query.table_columns or result.columns) if query else result.columns
    cells = [[_plain(row.get(c)) for c in cols] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(cells)} rows / baris)")
    hint = result.meta.get("hint")
    if isinstance(hint, dict):
        lines.append(f"hint: {hint.get('message_id', '')}")
        lines.append(f"      {hint.get('message_en', '')}")
    return "\n".join(lines)
