"""The graph schema, declared once.

Everything else derives from this module: Neo4j uniqueness constraints
(``constraint_statements``), the embedded store's node ids, the loaders'
target properties and the web page's node types. Labels, relationship types
and property names are only ever taken from here, so building Cypher text from
them is safe; values always travel as parameters.

Dates are stored as ISO-8601 strings (``YYYY-MM-DD``) in both stores: they
sort and compare correctly as text, survive JSON unchanged and make the two
stores return byte-identical rows.
"""
from __future__ import annotations

from dataclasses import dataclass

#: Every node and relationship carries these, set by the store on write.
PROVENANCE = ("source", "loaded_at")


@dataclass(frozen=True)
class NodeType:
    label: str
    key: tuple[str, ...]
    properties: tuple[str, ...]
    title_id: str
    title_en: str

    @property
    def all_properties(self) -> tuple[str, ...]:
        return self.key + self.properties + PROVENANCE


@dataclass(frozen=True)
class RelType:
    type: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    #: Properties that tell parallel relationships between the same two nodes
    #: apart (two internships at one firm differ by start date). Empty: at most
    #: one relationship of this type per pair of nodes.
    key: tuple[str, ...]
    properties: tuple[str, ...]
    title_id: str
    title_en: str


NODE_TYPES: dict[str, NodeType] = {
    n.label: n
    for n in (
        NodeType("School", ("npsn",), ("name", "city", "province"), "Sekolah", "School"),
        NodeType(
            "Program",
            ("school_npsn", "code"),
            ("name", "sectors"),  # sectors: list of KBLI section letters
            "Program keahlian",
            "Programme",
        ),
        NodeType(
            "Person",
            ("nisn",),
            (
                "name", "school_npsn", "program_code", "gender", "birth_date",
                "entry_year", "graduation_year", "status", "consent_contact",
                "phone", "email", "featured",  # featured: staff mark an alumni success
                # UU PDP consent: consent_contact (bersedia_dihubungi: may be named
                # as a referral intermediary), consent_display (boleh_ditampilkan:
                # may appear by name to employers or in exports), where and when
                # it was given, and for a minor the guardian's consent reference
                # (without it a minor counts as not consenting: queries/rules.py).
                "consent_display", "consent_source", "consent_date", "guardian_consent_ref",
            ),
            "Siswa/alumni",
            "Student/alumnus",
        ),
        NodeType(
            "Employer",
            ("code",),
            (
                "name", "name_normalized", "sector", "kbli", "city", "province",
                "scale", "contact", "verified", "address",
                # confirmed other names (lists of text); an open "DU/DI perlu dicek" item
                "aliases", "review_candidate", "review_score", "review_reason", "review_rows",
            ),
            "DU/DI",
            "Employer",
        ),
        # A job opening BKK works on (issue 14): at an employer (AT), for the
        # programmes it wants (``programs``: programme codes of ``school_npsn``).
        # ``origin``: where it came from (VACANCY_ORIGINS).
        NodeType(
            "Vacancy",
            ("id",),
            (
                "school_npsn", "employer_code", "title", "programs", "openings", "deadline",
                "origin", "notes", "created_by", "created_on",
            ),
            "Lowongan",
            "Vacancy",
        ),
    )
}

#: Outreach (Humas pipeline) statuses, in pipeline order. The current status of
#: a school's outreach to an employer is the ``status`` of its latest CONTACTED
#: record that carries one (date, then loaded_at): the contact history *is* the
#: pipeline's history, one record, the one ``kunjungan`` files load.
OUTREACH_STATUSES = (
    "belum_dihubungi", "dihubungi", "kunjungan_dijadwalkan", "dikunjungi",
    "penjajakan_mou", "mou", "tidak_berminat",
)
#: Statuses whose next action no longer matters (closed outreach).
OUTREACH_CLOSED = ("mou", "tidak_berminat")
#: Referral (rujukan) outcomes, in order; ``diterima`` creates the job.
REFERRAL_STATUSES = ("dirujuk", "tes", "wawancara", "diterima", "ditolak")
#: Where a vacancy came from.
VACANCY_ORIGINS = ("permintaan_mitra", "kunjungan", "alumni", "lainnya")

REL_TYPES: dict[str, RelType] = {
    r.type: r
    for r in (
        RelType("HAS_PROGRAM", ("School",), ("Program",), (), (), "punya program", "has programme"),
        RelType("STUDIED_IN", ("Person",), ("Program",), (), (), "belajar di", "studied in"),
        RelType(
            "INTERNED_AT", ("Person",), ("Employer",), ("start",),
            # corrected_from: earlier (wrong) start dates of this record, corrected
            # on its page; a re-load of a file with one updates this record.
            ("end", "score", "supervisor", "monitoring_visits", "corrected_from"),
            "prakerin di", "interned at",
        ),
        RelType(
            "WORKS_AT", ("Person",), ("Employer",), ("start",),
            ("end", "title", "aligned", "channel", "corrected_from"),
            "bekerja di", "works at",
        ),
        RelType(
            "PARTNERS_WITH", ("School", "Program"), ("Employer",), ("start",),
            ("end", "kinds", "mou_number", "scope", "by"),
            "bermitra dengan", "partners with",
        ),
        RelType(
            "CONTACTED", ("School",), ("Employer",), ("date", "kind"),
            # status / owner / next_action / next_action_date: the outreach
            # pipeline (OUTREACH_STATUSES) as of this contact.
            ("by", "notes", "status", "owner", "next_action", "next_action_date"),
            "menghubungi", "contacted",
        ),
        RelType("AT", ("Vacancy",), ("Employer",), (), (), "lowongan di", "vacancy at"),
        RelType(
            "REFERRED_TO", ("Person",), ("Vacancy",), (),
            ("status", "date", "referred_on", "by", "notes"),
            "dirujuk ke", "referred to",
        ),
    )
}


def node_type(label: str) -> NodeType:
    """Return the declared node type or raise SchemaError (never trust a caller's label)."""
    from alumni_graph.graph_service.errors import SchemaError

    try:
        return NODE_TYPES[label]
    except KeyError:
        raise SchemaError(
            f"unknown node label {label!r}; known: {', '.join(NODE_TYPES)}"
        ) from None


def rel_type(name: str) -> RelType:
    from alumni_graph.graph_service.errors import SchemaError

    try:
        return REL_TYPES[name]
    except KeyError:
        raise SchemaError(
            f"unknown relationship type {name!r}; known: {', '.join(REL_TYPES)}"
        ) from None


def node_id(label: str, key: tuple | list) -> str:
    """The embedded store's node id, e.g. ``Program:20300001/TKR``.

    Key values never contain ``/`` for School, Person and Program (digits and
    programme codes); employer codes are normalised by the loader to
    ``[A-Z0-9-]``, so the id is unambiguous.
    """
    node_type(label)
    return f"{label}:{'/'.join(str(v) for v in key)}"


def constraint_name(label: str) -> str:
    return f"{label.lower()}_key_unique"


def constraint_statements() -> list[str]:
    """``CREATE CONSTRAINT ... IF NOT EXISTS`` for every node type's key.

    Uniqueness (not node-key) constraints, because Community Edition has them;
    the loaders guarantee the key properties are present.
    """
    statements = []
    for nt in NODE_TYPES.values():
        props = ", ".join(f"n.{p}" for p in nt.key)
        target = props if len(nt.key) == 1 else f"({props})"
        statements.append(
            f"CREATE CONSTRAINT {constraint_name(nt.label)} IF NOT EXISTS "
            f"FOR (n:{nt.label}) REQUIRE {target} IS UNIQUE"
        )
    return statements


def index_statements() -> list[str]:
    """Secondary indexes the queries and the web search rely on."""
    return [
        "CREATE INDEX person_school IF NOT EXISTS FOR (n:Person) ON (n.school_npsn)",
        "CREATE TEXT INDEX person_name_text IF NOT EXISTS FOR (n:Person) ON (n.name)",
        # The explorer's search by name (queries/explore_search_fulltext.cypher):
        # words lower-cased, no stop words dropped (a name may be "An Nisa"),
        # updated in the writing transaction (a new name is found at once).
        "CREATE FULLTEXT INDEX person_name_fulltext IF NOT EXISTS FOR (n:Person) ON EACH [n.name] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words', "
        "`fulltext.eventually_consistent`: false}}",
        "CREATE TEXT INDEX employer_name_text IF NOT EXISTS FOR (n:Employer) ON (n.name)",
        "CREATE INDEX employer_name_normalized IF NOT EXISTS FOR (n:Employer) ON (n.name_normalized)",
    ]


# -- vocabulary: declared once, used by loaders, queries, subject requests and web --

#: ``Person.status``: what the tracer study learned an alumnus does. The loader
#: accepts only these (plus aliases, ``loaders.kinds``); a subject correction too.
TRACER_STATUSES = ("bekerja", "melanjutkan", "wirausaha", "mencari_kerja", "tidak_terdata")
#: Statuses of an alumnus the tracer study reached (every one but ``tidak_terdata``).
TRACED_STATUSES = TRACER_STATUSES[:4]
#: Traced alumni absorbed by work, study or their own business.
ABSORBED_STATUSES = ("bekerja", "melanjutkan", "wirausaha")
#: Not reached by the tracer study; a missing status counts as this too.
UNTRACED_STATUS = "tidak_terdata"

#: Staff roles (users, route declarations in ``web.access``, the CLI).
ROLES = ("admin", "bkk", "humas", "viewer")
