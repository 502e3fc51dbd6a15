"""What the web pages need from a store beyond the query registry.

``search`` (autocomplete), ``entity`` (detail pages), ``focus`` (the graph page's first
view: the school and its strongest employers), ``around`` (the
neighbourhood drawn by the graph explorer), ``between`` (the evidence graph of
one prospective partner), ``schools`` (the pages' selectors), ``overview`` (the home page's numbers) and
``layout`` (server-side positions for large drawings).

Each reader has a Cypher implementation (a store with ``read``: Neo4j, the
text in the ``explore_*.cypher`` files next to this module) and a networkx one
(on ``store.graph()``). Only the part that touches the store differs: both
produce the same raw material (node properties, relationships), and the
shaping, filtering, ordering and capping below are shared, so the two stores
return identical answers (tests/test_explore.py checks it).

Cypher text only ever gains labels, key patterns and property names taken from
``graph_service.schema``; every value is a ``$parameter``.

Nodes leave this module as *summaries* (:func:`summary`): key, name and a few
non-sensitive fields. Contact fields (phone, email) appear only in
``entity(..., include_contact=True)``, and never in search results or graphs.

Who may be named is decided here, in one place: every reader that can return
a person (``search``, ``entity``, ``around``, ``between``) takes a required
keyword ``names`` (a :class:`Names` policy) and every person goes through
:func:`summary`, which replaces a person who may not be named by a neutral
label ("Alumni TKR 2018", "Siswa TKJ") under an opaque key (a keyed hash of
the NISN): no name, no NISN. ``search`` leaves such people out altogether,
and ``around`` refuses to start from one (NotFound), so a hidden person's node
cannot be expanded.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import heapq
import hmac
import json
import logging
import re
import threading
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.graph_service.schema import (
    NODE_TYPES, PROVENANCE, REL_TYPES, TRACED_STATUSES, node_id, node_type,
)
from alumni_graph.graph_service.store import rel_edge_key

log = logging.getLogger("alumni_graph.queries")
HERE = Path(__file__).resolve().parent

#: Summary fields per label, besides the key and name: what a search result,
#: a graph node or a tooltip may show. Never contact details or birth dates.
SUMMARY_FIELDS: dict[str, tuple[str, ...]] = {
    "School": ("city", "province"),
    "Program": ("sectors",),
    "Person": ("school_npsn", "program_code", "graduation_year", "status"),
    "Employer": ("sector", "city", "verified"),
    "Vacancy": ("employer_code", "deadline", "openings"),
}
#: Relationship properties a graph edge carries (no free-text notes, no
#: supervisor names).
EDGE_FIELDS = ("start", "end", "title", "aligned", "kinds", "date", "kind")
CONTACT_FIELDS = ("phone", "email")
#: Search matches a key by prefix on this property (Program: its code alone).
SEARCH_KEY = {"Person": "nisn", "Employer": "code", "School": "npsn", "Program": "code", "Vacancy": "id"}
#: Node types in drawing order (ties in a neighbourhood are broken by this).
TYPE_ORDER = {"School": 0, "Program": 1, "Employer": 2, "Person": 3, "Vacancy": 4}
MAX_DEPTH = 3
MAX_RELATIONSHIPS = 1000

#: Read with every node so :func:`summary` can apply the display-consent rule;
#: never part of a summary.
CONSENT_FIELDS = ("consent_display", "consent_contact", "birth_date", "guardian_consent_ref")
_PROJECTED = sorted(
    {k for nt in NODE_TYPES.values() for k in nt.key}
    | {"name"}
    | {f for fields in SUMMARY_FIELDS.values() for f in fields}
    | set(CONSENT_FIELDS)
)


# -- who may be named ----------------------------------------------------------

NAME_MODES = ("all", "consented", "none")
#: The neutral label of a person who may not be named: (alumnus, student) words.
NEUTRAL_WORDS = {"id": ("Alumni", "Siswa"), "en": ("Alumnus", "Student")}
#: Opaque person keys start with this (a NISN is digits only).
HIDDEN_PREFIX = "~"


@dataclass(frozen=True)
class Names:
    """Which people an answer may name.

    ``mode``: ``all`` (bkk, admin: referral work), ``consented`` (humas: only
    people with effective display consent, or alumni who agreed to be
    contacted, :func:`queries.rules.outreach_named` on ``as_of``, default today), ``none`` (every person is a neutral label;
    search finds no people). ``key`` keys the hash that replaces a hidden
    person's NISN; ``lang`` is the language of the neutral labels.
    """

    mode: str
    key: bytes = b""
    lang: str = "id"
    as_of: str | None = None

    def __post_init__(self):
        if self.mode not in NAME_MODES:
            raise ValueError(f"names mode must be one of {NAME_MODES}")
        if self.mode != "all" and len(self.key) < 16:
            raise ValueError("a names policy that hides people needs a key of 16+ bytes")

    def reveals(self, props: dict) -> bool:
        """May this person be named under this policy?"""
        from alumni_graph.queries.rules import outreach_named

        if self.mode == "all":
            return True
        if self.mode == "none":
            return False
        return outreach_named(props, self.as_of or dt.date.today().isoformat())

    def token(self, nisn) -> str:
        """The opaque key of a hidden person: stable, not reversible without the key."""
        digest = hmac.new(self.key, str(nisn).encode("utf-8"), hashlib.sha256).hexdigest()
        return HIDDEN_PREFIX + digest[:24]

    def label(self, props: dict) -> str:
        alumnus, student = NEUTRAL_WORDS.get(self.lang, NEUTRAL_WORDS["id"])
        year, program = props.get("graduation_year"), props.get("program_code")
        if year is None:
            return " ".join(str(x) for x in (student, program) if x)
        return " ".join(str(x) for x in (alumnus, program, year) if x)


#: Everyone named: scripts, the CLI, bkk and admin.
ALL_NAMES = Names("all")


# -- shared shaping -----------------------------------------------------------

def key_string(label: str, props: dict) -> str:
    """The key of a node as one string: ``20300001/TKR`` for a programme."""
    return "/".join(str(props[k]) for k in NODE_TYPES[label].key)


def parse_key(label: str, key: str) -> tuple:
    """Split a key string back into the key tuple; NotFound if it cannot be one."""
    nt = node_type(label)
    parts = tuple(str(key).split("/", len(nt.key) - 1))
    if len(parts) != len(nt.key) or any(p == "" for p in parts):
        raise NotFound(f"no {nt.title_en.lower()} with that key")
    return parts


def summary(label: str, props: dict, degree: int | None = None, *, names: Names) -> dict:
    """A node as answers show it; a person ``names`` may not name becomes a
    neutral label under an opaque key (``redacted: true``)."""
    key = tuple(props[k] for k in NODE_TYPES[label].key)
    if label == "Person" and not names.reveals(props):
        token = names.token(key_string(label, props))
        out = {"id": node_id(label, (token,)), "type": label, "key": token,
               "name": names.label(props), "redacted": True}
    else:
        out = {
            "id": node_id(label, key),
            "type": label,
            "key": key_string(label, props),
            "name": props.get("name") or props.get("title") or key_string(label, props),
        }
    for f in SUMMARY_FIELDS[label]:
        out[f] = props.get(f)
    if degree is not None:
        out["degree"] = degree
    return out


def _edge(rtype: str, a: dict, b: dict, props: dict) -> dict:
    rt = REL_TYPES[rtype]
    out = {
        "id": f"{a['id']}|{b['id']}|{rel_edge_key(rt, props)}",
        "from": a["id"],
        "to": b["id"],
        "type": rtype,
    }
    out.update({f: props[f] for f in EDGE_FIELDS if props.get(f) is not None})
    return out


def _is_cypher(store) -> bool:
    return callable(getattr(store, "read", None))


@lru_cache(maxsize=None)
def _cypher_file(name: str) -> str:
    return (HERE / f"explore_{name}.cypher").read_text(encoding="utf-8")


#: ``__SHOWN__`` as it reads for a names policy that names everyone or no one
#: (no property read); ``consented`` reads the consent rule (``_PARTS``).
_SHOWN_BY_MODE = {"all": "true", "none": "(label <> 'Person')"}


def _cypher(name: str, label: str | None = None, names_mode: str | None = None) -> str:
    """A query's text with its schema-derived placeholders filled in (and the
    consent rules of queries/rules.py expanded); ``names_mode`` spells
    ``__SHOWN__`` for that policy (the text still takes ``$names``)."""
    from alumni_graph.queries.rules import expand_cypher

    text = _cypher_file(name)
    if names_mode in _SHOWN_BY_MODE:
        text = text.replace("__SHOWN__", _SHOWN_BY_MODE[names_mode])
    for placeholder, part in _PARTS.items():
        text = text.replace(placeholder, part)
    text = expand_cypher(text).replace(
        "__FIELDS__", "{" + ", ".join(f".{p}" for p in _PROJECTED) + "}"
    )
    if label is not None:
        nt = node_type(label)  # only a schema label ever reaches the text
        inner = ", ".join(f"{k}: $key[{i}]" for i, k in enumerate(nt.key))
        text = text.replace("__MATCH__", f"(n:{nt.label} {{{inner}}})")
    return text


#: Shared pieces of the neighbourhood queries, for a node ``m`` with ``label``:
#: its key as :func:`key_string` writes it (from the schema's keys), whether
#: ``$names`` lets it be named (:meth:`Names.reveals`; needs ``$adult_born_by``)
#: and the explorer's filters (:func:`_matches`; ``$types`` ... ``$year_to``).
_PARTS = {
    "__KEY__": "CASE label " + " ".join(
        f"WHEN '{nt.label}' THEN " + " + '/' + ".join(f"toString(m.{k})" for k in nt.key)
        for nt in NODE_TYPES.values()) + " END",
    "__ORDER__": "CASE label " + " ".join(f"WHEN '{lab}' THEN {i}" for lab, i in TYPE_ORDER.items()) + " END",
    "__SHOWN__": ("(label <> 'Person' OR $names = 'all' OR ($names = 'consented' AND "
                  "(@display_consented(m) OR (m.graduation_year IS NOT NULL AND @consented(m)))))"),
    "__RING_FILTER__": (
        "($types IS NULL OR label IN $types)"
        " AND ($program IS NULL OR NOT label IN ['Person', 'Program']"
        " OR (label = 'Person' AND coalesce(m.program_code = $program, false))"
        " OR (label = 'Program' AND coalesce(m.code = $program, false)))"
        " AND ($sector IS NULL OR label <> 'Employer' OR coalesce(m.sector = $sector, false))"
        " AND (($year_from IS NULL AND $year_to IS NULL) OR label <> 'Person'"
        " OR (m.graduation_year IS NOT NULL"
        " AND ($year_from IS NULL OR m.graduation_year >= $year_from)"
        " AND ($year_to IS NULL OR m.graduation_year <= $year_to)))"),
}


def _sort_json(value) -> str:
    return json.dumps(value, sort_keys=True, default=str)


# -- search -------------------------------------------------------------------

def search(store, text: str, limit: int = 10, types: list[str] | tuple | None = None, *,
           names: Names) -> list[dict]:
    """Nodes whose name contains ``text`` or whose key starts with it (case-insensitive).

    Exact key matches first, then names starting with the text, then the rest;
    fewer than two characters give no results (every name contains a vowel).
    People ``names`` may not name are never found (by name or by NISN).
    """
    from alumni_graph.queries.rules import adult_born_by

    q = (text or "").strip().lower()
    labels = [node_type(t).label for t in (types or NODE_TYPES)]
    if names.mode == "none":
        labels = [lb for lb in labels if lb != "Person"]
    if len(q) < 2 or limit < 1 or not labels:
        return []
    as_of = names.as_of or dt.date.today().isoformat()
    if _is_cypher(store):
        params = {"q": q, "types": labels, "limit": int(limit), "all_people": names.mode == "all",
                  "adult_born_by": adult_born_by(as_of)}
        rows = None
        name_query = fulltext_query(q)
        if "Person" in labels and name_query is not None:
            rows = _fulltext_rows(store, {**params, "name_query": name_query})
        if rows is None:
            rows = store.read(_cypher("search"), params)
        return [summary(r["label"], r["p"], r["degree"], names=names) for r in rows]
    g = store.graph()
    hits = []
    for label in labels:
        index = _search_index(g, label)
        for r in _search_hits(index, q):  # name contains q, or key starts with it
            name = index.names[r] or key_string(label, g.nodes[index.nids[r]]).lower()
            rank = 0 if index.keys[r] == q else 1 if index.names[r].startswith(q) else 2
            hits.append((rank, name, label, r, index))
    hits.sort()  # (rank, name, label) as the answer's order; the key breaks ties below
    found, tie = [], None
    for rank, name, label, r, index in hits:
        if tie is not None and (rank, name, label) != tie:
            break  # nothing further on can come before the limit-th
        nid = index.nids[r]
        attrs = g.nodes[nid]
        if label == "Person" and not names.reveals(attrs):
            continue
        found.append(((rank, name, label, key_string(label, attrs)), nid))
        if len(found) == limit:
            tie = (rank, name, label)
    found.sort()
    return [
        summary(g.nodes[nid]["label"], g.nodes[nid], g.degree(nid), names=names)
        for _, nid in found[:limit]
    ]


def fulltext_query(q: str) -> str | None:
    """The Lucene query (for the full-text index ``person_name_fulltext``) that
    finds every name containing the lower-cased ``q``, and more: ``*run*`` for
    each run of ASCII letters and digits in ``q``, all required. A run of ASCII
    letters and digits is never split into two words by Lucene's standard
    tokenizer and is lower-cased as by ``toLower``, so a name containing ``q``
    has a word containing each run; the caller keeps the names that really
    contain ``q``. Only ``[a-z0-9]`` reaches Lucene: nothing the user typed is
    read as Lucene syntax (``*``, ``:``, ``(``, ``AND``...). None when ``q`` has
    no such run (then the people are read one by one, as before)."""
    runs = re.findall(r"[a-z0-9]+", q)
    if not runs:
        return None
    return " AND ".join(f"*{run}*" for run in runs)


def _fulltext_rows(store, params: dict) -> list[dict] | None:
    """The search through the full-text index, or None when the database has
    no such index yet (one loaded before it was declared: the next load or
    ``init_schema`` creates it) or it is still being filled."""
    from neo4j.exceptions import ClientError

    try:
        return store.read(_cypher("search_fulltext"), params)
    except ClientError as exc:
        if exc.code != "Neo.ClientError.Procedure.ProcedureCallFailed":
            raise
        global _FULLTEXT_WARNED
        if not _FULLTEXT_WARNED:  # once per process
            _FULLTEXT_WARNED = True
            log.warning("the full-text index person_name_fulltext is missing or not online yet: "
                        "the search reads every person (run `alumni-graph init-schema`)")
        return None


_FULLTEXT_WARNED = False


@dataclass(frozen=True)
class _SearchIndex:
    """One label's nodes of one graph as the search reads them: lower-cased
    names and search keys by record, the names joined in one text (``starts``:
    where each begins) so ``str.find`` looks through all of them at C speed,
    and the keys sorted for a prefix range (the embedded twin of the full-text
    index the Neo4j search uses)."""
    nids: list
    names: list
    keys: list
    text: str
    starts: list
    sorted_keys: list


_SEARCH_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _per_graph(memo, G) -> dict:
    """The dict of indexes ``memo`` keeps for graph ``G`` (made empty on first
    use, or when ``G`` changed size), shared by threads under ``_KEY_LOCK``."""
    per_graph = memo.get(G)
    if per_graph is None or per_graph.get("") != len(G):
        with _KEY_LOCK:
            per_graph = memo.get(G)
            if per_graph is None or per_graph.get("") != len(G):
                per_graph = memo[G] = {"": len(G)}
    return per_graph


def _search_index(G, label: str) -> _SearchIndex:
    """``label``'s :class:`_SearchIndex` for graph ``G``, made on first use and
    kept with the graph (as :func:`_key_index`)."""
    per_graph = _per_graph(_SEARCH_INDEXES, G)
    index = per_graph.get(label)
    if index is None:
        field = SEARCH_KEY[label]
        nids, names, keys, starts, at = [], [], [], [], 0
        for nid, attrs in G.nodes(data=True):
            if attrs.get("label") == label:
                name = (attrs.get("name") or "").lower()
                nids.append(nid)
                names.append(name)
                keys.append(str(attrs.get(field, "")).lower())
                starts.append(at)
                at += len(name) + 1
        index = per_graph[label] = _SearchIndex(
            nids, names, keys, "\n".join(names), starts, sorted((k, r) for r, k in enumerate(keys)))
    return index


def _search_hits(index: _SearchIndex, q: str) -> set[int]:
    """Records whose name contains ``q`` or whose key starts with it."""
    hits, pos, n = set(), 0, len(q)
    find, starts, names = index.text.find, index.starts, index.names
    while (i := find(q, pos)) >= 0:
        r = bisect.bisect_right(starts, i) - 1
        end = starts[r] + len(names[r])
        if i + n <= end:  # within one name (not across the line between two)
            hits.add(r)
            pos = end + 1  # the next name
        else:
            pos = i + 1
    keys = index.sorted_keys
    k = bisect.bisect_left(keys, (q,))
    while k < len(keys) and keys[k][0].startswith(q):
        hits.add(keys[k][1])
        k += 1
    return hits


_KEY_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_KEY_LOCK = threading.Lock()


def _key_index(G, label: str) -> dict:
    """``{lower-cased search key: [node ids]}`` of ``label``'s nodes in graph
    ``G``, made on first use and kept with the graph (the embedded store never
    changes a committed graph in place: a write swaps in a new one)."""
    per_graph = _per_graph(_KEY_INDEXES, G)
    index = per_graph.get(label)
    if index is None:
        field, index = SEARCH_KEY[label], {}
        for nid, attrs in G.nodes(data=True):
            if attrs.get("label") == label:
                index.setdefault(str(attrs.get(field, "")).lower(), []).append(nid)
        per_graph[label] = index
    return index


def exact_key(store, text: str, label: str, *, names: Names) -> dict | None:
    """The one node of ``label`` whose search key is ``text`` (case-insensitive)
    and that ``names`` lets be found, as :func:`search` summarises it; None when
    there is none or several. For a typed NISN or employer code this is what
    ``search`` ranks first, without reading every node (``web.resolve``).

    Neo4j: an index seek on the key (``explore_key.cypher``) for the text as
    typed and upper-cased: the loaders write keys as digits (NISN, NPSN) or in
    upper case (employer codes), so no other key lower-cases to the text.
    A programme's search key is not its whole key: the caller searches."""
    q = (text or "").strip().lower()
    if len(q) < 2 or label not in SEARCH_KEY:
        return None
    if label == "Person" and names.mode == "none":
        return None
    if _is_cypher(store):
        if node_type(label).key != (SEARCH_KEY[label],):
            return None
        typed = (text or "").strip()
        rows = [row for key in dict.fromkeys((typed, typed.upper()))
                for row in store.read(_cypher("key", label), {"key": [key]})]
        rows = [r for r in rows if str(r["p"].get(SEARCH_KEY[label], "")).lower() == q
                and (label != "Person" or names.reveals(r["p"]))]
        if len(rows) != 1:
            return None
        return summary(label, rows[0]["p"], rows[0]["degree"], names=names)
    G = store.graph()
    found = [nid for nid in _key_index(G, label).get(q, ())
             if label != "Person" or names.reveals(G.nodes[nid])]
    if len(found) != 1:
        return None
    return summary(label, G.nodes[found[0]], G.degree(found[0]), names=names)


# -- entity -------------------------------------------------------------------

def entity(store, label: str, key, *, names: Names, include_contact: bool = False,
           max_relationships: int = MAX_RELATIONSHIPS, offsets: dict | None = None,
           current_on: str | None = None) -> dict:
    """A node's properties and relationships (the other end summarised).

    Contact fields are left out unless ``include_contact``; the caller decides
    (consent, masking, roles). Relationships come **per kind** (type and
    direction, ``"WORKS_AT:in"``; with ``current_on`` a job is also current on
    that day or ended: ``"WORKS_AT:in:now"`` / ``"WORKS_AT:in:ended"``), each
    kind ordered (the other end's type and key, then the relationship's
    properties) and cut to ``max_relationships`` rows from ``offsets[kind]``
    (default 0): a programme has one per student, a province's big employer
    thousands of interns, and its alumni and partnerships must still show.
    ``relationships_total`` tells how many there are, ``relationship_counts``
    how many of each kind, ``unnamed`` how many lead to a person ``names``
    hides (they are listed by neutral label, ordered by their opaque key).

    The order and the cut happen in the store's query: counts per kind are
    read apart, and only the rows a page lists (named people by key; hidden
    people by key alone, hashed only when one of them could be listed).
    """
    nt = node_type(label)
    keyt = parse_key(label, key) if isinstance(key, str) else tuple(key)
    offsets = offsets or {}
    read = _EntityCypher(store, label, keyt, names, current_on) if _is_cypher(store) \
        else _EntityNetworkx(store, label, keyt, names, current_on)
    props, degree, counts, unnamed = read.head()
    kept = []
    for kind in sorted(counts, key=lambda k: k.split(":")):
        offset = max(0, int(offsets.get(kind, 0) or 0))
        if max_relationships < 1 or offset >= counts[kind]:
            continue
        want = offset + max_relationships
        rows = read.rows(kind, want)  # the first ``want`` named others, every row to each
        places = sorted(_rel_place(r) for r in rows)
        if read.hidden_in(kind) and (len(places) < want
                                     or (TYPE_ORDER["Person"], HIDDEN_PREFIX) < places[want - 1][:2]):
            tokens = {h: names.token(k) for h, k in read.hidden(kind)}
            rows += read.rows_of(kind, heapq.nsmallest(want, tokens, key=tokens.__getitem__))
        rows.sort(key=_rel_place)
        kept += rows[offset:want]
    head = summary(nt.label, props, degree, names=ALL_NAMES)
    hidden = set(PROVENANCE) | {"label"} | (set() if include_contact else set(CONTACT_FIELDS))
    return {
        **head,
        "properties": {k: v for k, v in sorted(props.items()) if k not in hidden},
        "relationships": kept,
        "relationships_total": sum(counts.values()),
        "relationship_counts": counts,
        "unnamed": unnamed,
    }


def _rel_place(r: dict) -> tuple:
    """Where a relationship comes within its kind."""
    return (TYPE_ORDER[r["other"]["type"]], r["other"]["key"], _sort_json(r["properties"]))


def _kind(rtype: str, direction: str, now: bool | None) -> str:
    return f"{rtype}:{direction}" if now is None else f"{rtype}:{direction}:{'now' if now else 'ended'}"


#: Relationship types :func:`entity` splits by ``current_on`` (current or ended).
SPLIT_CURRENT = ("WORKS_AT",)


def _is_now(rtype: str, end, current_on: str | None) -> bool | None:
    """Current on ``current_on`` (no end, or an end on or after it), for the
    types :func:`entity` splits; None for the others, or without a day."""
    if not current_on or rtype not in SPLIT_CURRENT:
        return None
    return end is None or end >= current_on


def relationship_kind(rel: dict, current_on: str | None = None) -> str:
    """The kind of one of :func:`entity`'s relationships, as its
    ``relationship_counts`` and ``offsets`` name it."""
    return _kind(rel["type"], rel["direction"], _is_now(rel["type"], rel["properties"].get("end"), current_on))


def _shaped(rtype: str, direction: str, other: dict, props: dict) -> dict:
    return {"type": rtype, "direction": direction, "other": other,
            "properties": {k: v for k, v in props.items() if k not in PROVENANCE and k != "type"}}


class _EntityCypher:
    """:func:`entity`'s reads on Neo4j (explore_entity*.cypher)."""

    def __init__(self, store, label, keyt, names: Names, current_on):
        from alumni_graph.queries.rules import adult_born_by

        self.store, self.label, self.names = store, label, names
        self.params = {"key": list(keyt), "names": names.mode, "current_on": current_on,
                       "split": list(SPLIT_CURRENT) if current_on else [],
                       "adult_born_by": adult_born_by(names.as_of or dt.date.today().isoformat())}
        self.hidden_counts = {}

    def head(self):
        rows = self.store.read(_cypher("entity", self.label, self.names.mode), self.params)
        if not rows:
            raise NotFound(f"no {node_type(self.label).title_en.lower()} with that key")
        counts = {}
        for k in rows[0]["kinds"]:
            kind = _kind(k["type"], "out" if k["out"] else "in", k["now"])
            counts[kind] = k["rows"]
            self.hidden_counts[kind] = k["hidden"]
        return rows[0]["p"], rows[0]["degree"], counts, sum(self.hidden_counts.values())

    def _text(self, name: str, kind: str) -> tuple[str, dict]:
        rtype, direction, *now = kind.split(":")
        REL_TYPES[rtype]  # only a schema type ever reaches the text  # noqa: B018
        rel = f"-[r:{rtype}]->" if direction == "out" else f"<-[r:{rtype}]-"
        return (_cypher(name, self.label, self.names.mode).replace("__REL__", rel),
                {**self.params, "now": (now[0] == "now") if now else None})

    def rows(self, kind, take):
        text, params = self._text("entity_rows", kind)
        return self._shape(kind, self.store.read(text, {**params, "take": take}))

    def hidden_in(self, kind):
        return self.hidden_counts.get(kind, 0) > 0

    def hidden(self, kind):
        text, params = self._text("entity_hidden", kind)
        return [(eid, key) for eid, key in self.store.read(text, params)[0]["people"]]

    def rows_of(self, kind, handles):
        text, params = self._text("entity_of", kind)
        return self._shape(kind, self.store.read(text, {**params, "ids": list(handles)}))

    def _shape(self, kind, rows):
        rtype, direction = kind.split(":")[:2]
        return [_shaped(rtype, direction, summary(r["label"], r["other"], r["degree"], names=self.names),
                        r["props"]) for r in rows]


class _EntityNetworkx:
    """:func:`entity`'s reads on the embedded store (the Cypher twin's answers)."""

    def __init__(self, store, label, keyt, names: Names, current_on):
        self.g, self.names, self.label = store.graph(), names, label
        self.nid, self.current_on = node_id(label, keyt), current_on

    def head(self):
        g, nid, names = self.g, self.nid, self.names
        if nid not in g:
            raise NotFound(f"no {node_type(self.label).title_en.lower()} with that key")
        self.by_kind: dict[str, list] = {}
        shown: dict = {}
        unnamed = 0
        for direction, edges in (("out", g.out_edges(nid, data=True)), ("in", g.in_edges(nid, data=True))):
            for u, v, attrs in edges:
                other = v if direction == "out" else u
                now = _is_now(attrs["type"], attrs.get("end"), self.current_on)
                self.by_kind.setdefault(_kind(attrs["type"], direction, now), []).append((other, attrs))
                if other not in shown:
                    o = g.nodes[other]
                    shown[other] = o["label"] != "Person" or names.reveals(o)
                unnamed += not shown[other]
        self.shown = shown
        counts = {k: len(v) for k, v in self.by_kind.items()}
        return g.nodes[nid], g.degree(nid), counts, unnamed

    def rows(self, kind, take):
        g = self.g
        others = {o for o, _ in self.by_kind[kind] if self.shown[o]}
        places = {o: (TYPE_ORDER[g.nodes[o]["label"]], key_string(g.nodes[o]["label"], g.nodes[o]))
                  for o in others}
        return self.rows_of(kind, heapq.nsmallest(take, places, key=places.__getitem__))

    def hidden_in(self, kind):
        return any(not self.shown[o] for o, _ in self.by_kind[kind])

    def hidden(self, kind):
        return [(o, key_string("Person", self.g.nodes[o]))
                for o in dict.fromkeys(o for o, _ in self.by_kind[kind] if not self.shown[o])]

    def rows_of(self, kind, handles):
        g, wanted = self.g, set(handles)
        rtype, direction = kind.split(":")[:2]
        return [_shaped(rtype, direction,
                        summary(g.nodes[o]["label"], g.nodes[o], g.degree(o), names=self.names), attrs)
                for o, attrs in self.by_kind[kind] if o in wanted]


# -- neighbourhoods -----------------------------------------------------------

def _matches(node: dict, filters: dict) -> bool:
    """The explorer's narrowing filters; each applies only to the types it names."""
    types = filters.get("types")
    if types and node["type"] not in types:
        return False
    t = node["type"]
    program = filters.get("program")
    if program and t == "Person" and node.get("program_code") != program:
        return False
    if program and t == "Program" and node["key"].split("/", 1)[1] != program:
        return False
    if filters.get("sector") and t == "Employer" and node.get("sector") != filters["sector"]:
        return False
    year_from, year_to = filters.get("year_from"), filters.get("year_to")
    if t == "Person" and (year_from is not None or year_to is not None):
        year = node.get("graduation_year")
        if year is None:
            return False
        if year_from is not None and year < year_from:
            return False
        if year_to is not None and year > year_to:
            return False
    return True


def _subgraph(store, nodes: list[dict], handles: dict, center: str | None, *,
              max_nodes: int, max_edges: int, filters: dict | None = None) -> dict:
    """Filter, order and cap ``nodes``, then add the relationships among the kept ones.

    ``handles`` maps a summary's id to what the store needs to find the node
    again (an element id on Neo4j, the networkx node id: a hidden person's
    summary id is not its node id).
    """
    filters = filters or {}
    chosen = [n for n in nodes if n["id"] == center or _matches(n, filters)]
    chosen.sort(key=_place)
    return _with_edges(store, chosen[:max_nodes], len(chosen), handles, center,
                       max_edges=max_edges)


def _with_edges(store, kept: list[dict], total: int, handles: dict, center: str | None, *,
                max_edges: int) -> dict:
    """The answer for the ``kept`` nodes (``total`` before the cap): their
    degrees and the relationships among them."""
    edges = []
    if _is_cypher(store):
        by_handle = {handles[n["id"]]: n for n in kept}
        if kept:
            # Degrees only for the kept nodes: a neighbourhood can hold thousands.
            for r in store.read(_cypher("degrees"), {"ids": list(by_handle)}):
                by_handle[r["id"]]["degree"] = r["degree"]
            for r in store.read(_cypher("edges"), {"ids": list(by_handle)}):
                edges.append(_edge(r["type"], by_handle[r["a"]], by_handle[r["b"]], r["props"]))
    else:
        g = store.graph()
        by_nid = {handles[n["id"]]: n for n in kept}
        for nid, n in by_nid.items():
            n["degree"] = g.degree(nid)
        for u, v, attrs in g.subgraph(by_nid).edges(data=True):
            edges.append(_edge(attrs["type"], by_nid[u], by_nid[v], attrs))
    edges.sort(key=lambda e: e["id"])
    return {
        "center": center,
        "nodes": kept,
        "edges": edges[:max_edges],
        "total_nodes": total,
        "total_edges": len(edges),
        "truncated": total > len(kept) or len(edges) > max_edges,
    }


def _bounds(name: str, value, low: int, high: int) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a whole number",
                             [{"param": name, "value": str(value)[:40],
                               "message": "must be a whole number"}]) from None
    if not low <= value <= high:
        raise ParameterError(f"{name} must be between {low} and {high}",
                             [{"param": name, "value": value,
                               "message": f"must be between {low} and {high}"}])
    return value


def around(store, label: str, key, depth: int = 1, max_nodes: int = 500,
           max_edges: int = 1500, filters: dict | None = None, *, names: Names) -> dict:
    """The nodes within ``depth`` steps of one node (either direction) and the
    relationships among them.

    Nearer nodes are kept first when the neighbourhood is larger than
    ``max_nodes``; ``total_nodes`` is the size before the cap (after
    ``filters``: ``types``, ``program``, ``sector``, ``year_from``,
    ``year_to``), so the page can say "showing N of M". Starting from a
    person ``names`` hides is NotFound (hidden nodes are not expandable).

    The last step is ordered and capped in the store's query: a hub
    employer's ~17k people are counted, and only the first ``max_nodes`` read
    (named people by key; hidden people, whose place is a keyed hash, by
    their keys alone and only when one of them could be kept).
    """
    nt = node_type(label)
    keyt = parse_key(label, key) if isinstance(key, str) else tuple(key)
    depth = _bounds("depth", depth, 1, MAX_DEPTH)
    max_nodes = _bounds("max_nodes", max_nodes, 1, 100_000)
    max_edges = _bounds("max_edges", max_edges, 0, 1_000_000)
    if not _is_cypher(store):
        return _around_networkx(store, label, keyt, depth, max_nodes, max_edges, filters or {},
                                names=names)
    filters = filters or {}
    found: dict[str, dict] = {}
    handles: dict[str, object] = {}
    rows = store.read(_cypher("start", label), {"key": list(keyt)})
    if not rows:
        raise NotFound(f"no {nt.title_en.lower()} with that key")
    # Every node nearer than ``depth`` is read (they come first in the order);
    # the last step is ordered and capped in the database (_ring_cypher).
    frontier = []
    for distance in range(depth):
        frontier = []
        for r in rows:
            node = summary(r["label"], r["p"], names=names)
            if node["id"] not in found:
                found[node["id"]] = {**node, "distance": distance}
                handles[node["id"]] = r["eid"]
                frontier.append(r["eid"])
        if distance + 1 < depth and frontier:
            rows = store.read(_cypher("neighbours"), {"ids": frontier})
        else:
            break
    start = next(iter(found.values()))
    if start.get("redacted"):
        raise NotFound(f"no {nt.title_en.lower()} with that key")
    center = start["id"]
    chosen = [n for n in found.values() if n["id"] == center or _matches(n, filters)]
    chosen.sort(key=_place)
    total = len(chosen)
    if frontier and distance == depth - 1:
        ring, ring_total = _ring_cypher(store, frontier, list(handles.values()), depth, filters,
                                        chosen[:max_nodes], max_nodes, names=names)
        for node, eid in ring:
            handles[node["id"]] = eid
        chosen = sorted(chosen[:max_nodes] + [n for n, _ in ring], key=_place)
        total += ring_total
    return _with_edges(store, chosen[:max_nodes], total, handles, center, max_edges=max_edges)


def _place(node: dict) -> tuple:
    """Where a node comes in a neighbourhood: nearer first, then by type, then by key."""
    return (node.get("distance", 0), TYPE_ORDER[node["type"]], node["key"])


def _hidden_may_enter(kept: list[tuple], distance: int, max_nodes: int) -> bool:
    """Could a hidden person at ``distance`` be among the first ``max_nodes``
    once merged with ``kept`` (places, sorted)? Their keys are ``~`` and a hash,
    so every one sorts after ``(distance, Person, "~")``."""
    return len(kept) < max_nodes or (distance, TYPE_ORDER["Person"], HIDDEN_PREFIX) < kept[max_nodes - 1]


def _ring_cypher(store, frontier: list, seen: list, distance: int, filters: dict,
                 nearer: list[dict], max_nodes: int, *, names: Names) -> tuple[list, int]:
    """The last step of :func:`around` on Neo4j: at most the ``max_nodes`` -
    ``len(nearer)`` first new nodes (summary, element id) and how many there are
    in all. Per group only the first nodes by key leave the database; hidden
    people's keys (no more) are read only when one of them could be kept."""
    from alumni_graph.queries.rules import adult_born_by

    take = max(0, max_nodes - len(nearer))
    params = {"ids": frontier, "seen": seen, "take": take, "names": names.mode,
              "adult_born_by": adult_born_by(names.as_of or dt.date.today().isoformat()),
              "types": sorted(filters["types"]) if filters.get("types") else None,
              **{k: filters.get(k) for k in ("program", "sector", "year_from", "year_to")}}
    groups = {(r["label"], r["shown"]): r["total"] for r in store.read(_cypher("ring", None, names.mode), params)}
    total = sum(groups.values())
    ring: list[tuple[dict, object]] = []
    before = 0  # ring nodes of the types that come earlier
    for lab in sorted(TYPE_ORDER, key=TYPE_ORDER.get):
        if before >= take:
            break
        shown, hidden = groups.get((lab, True), 0), groups.get((lab, False), 0)
        if shown:
            text = _cypher("ring_nodes", None, names.mode).replace("__LABEL__", node_type(lab).label)
            for r in store.read(text, {**params, "take": min(shown, take - before)}):
                ring.append(({**summary(r["label"], r["p"], names=names), "distance": distance}, r["eid"]))
        ring.sort(key=lambda pair: _place(pair[0]))
        places = sorted([_place(n) for n in nearer] + [_place(n) for n, _ in ring])
        if hidden and _hidden_may_enter(places, distance, max_nodes):
            people = store.read(_cypher("ring_hidden", None, names.mode), params)[0]["people"]
            tokens = {eid: names.token(key) for eid, key in people}
            picked = heapq.nsmallest(take - before, tokens, key=tokens.__getitem__)
            for r in store.read(_cypher("nodes"), {"ids": picked}):
                ring.append(({**summary(r["label"], r["p"], names=names), "distance": distance}, r["eid"]))
            ring.sort(key=lambda pair: _place(pair[0]))
        ring = ring[:take]
        before += shown + hidden
    return ring, total


def _around_networkx(store, label: str, keyt: tuple, depth: int, max_nodes: int,
                     max_edges: int, filters: dict, *, names: Names) -> dict:
    """:func:`around` on the embedded store. A school's depth-2 neighbourhood
    in a province holds tens of thousands of people (its partners employ
    other schools' alumni) and the page shows 500: nodes are filtered and
    ordered on their raw properties, and only the kept ones are summarised."""
    g = store.graph()
    start = node_id(label, keyt)
    if start not in g:
        raise NotFound(f"no {node_type(label).title_en.lower()} with that key")
    head = summary(label, g.nodes[start], names=names)
    if head.get("redacted"):
        raise NotFound(f"no {node_type(label).title_en.lower()} with that key")
    distance = {start: 0}
    frontier = [start]
    for d in range(1, depth + 1):
        new = []
        for n in frontier:
            for m in (*g.succ[n], *g.pred[n]):
                if m not in distance:
                    distance[m] = d
                    new.append(m)
        frontier = new
    order = {}  # node id -> its place (_place)
    hidden = {}  # a person ``names`` hides -> (distance, key): their place needs a keyed hash
    for nid, d in distance.items():
        attrs = g.nodes[nid]
        lab = attrs["label"]
        key = key_string(lab, attrs)
        if filters and nid != start and not _matches(
                {"type": lab, "key": key, **{f: attrs.get(f) for f in SUMMARY_FIELDS[lab]}},
                filters):
            continue
        if lab == "Person" and not names.reveals(attrs):
            hidden[nid] = (d, key)
        else:
            order[nid] = (d, TYPE_ORDER[lab], key)
    kept = heapq.nsmallest(max_nodes, order, key=order.__getitem__)
    # As on Neo4j (_ring_cypher): hidden people are hashed only at the
    # distances where one of them could still be kept.
    places = [order[nid] for nid in kept]
    extra = {nid: (d, TYPE_ORDER["Person"], names.token(key)) for nid, (d, key) in hidden.items()
             if _hidden_may_enter(places, d, max_nodes)}
    if extra:
        order.update(extra)
        kept = heapq.nsmallest(max_nodes, [*kept, *extra], key=order.__getitem__)
    nodes = [{**summary(g.nodes[nid]["label"], g.nodes[nid], names=names),
              "distance": distance[nid]} for nid in kept]
    # Summary id -> networkx node id (they differ for a hidden person).
    handles = {n["id"]: nid for n, nid in zip(nodes, kept)}
    return _with_edges(store, nodes, len(order) + len(hidden) - len(extra), handles, head["id"],
                       max_edges=max_edges)


#: The graph page's first view: how many employers, and how their strength
#: is counted (each of the school's alumni working there now, each person who
#: interned there, and an active partnership of the school or a programme).
FOCUS_EMPLOYERS = 25
FOCUS_WEIGHTS = {"WORKS_AT": 1, "INTERNED_AT": 1, "PARTNERS_WITH": 10}
#: The drawn link between a programme and an employer (not a stored relationship).
FOCUS_LINK = "PROGRAM_LINK"


def focus(store, npsn: str, limit: int = FOCUS_EMPLOYERS, as_of: str | None = None) -> dict:
    """The graph page's first view: the school, its programmes and its
    ``limit`` strongest employers, ranked by :data:`FOCUS_WEIGHTS` (alumni
    working there now + people who interned there + 10 for an active
    partnership), ties by code. Each employer carries ``strength``,
    ``alumni_now``, ``interns`` and ``partner``; each programme is joined to
    the employers its people work or interned at by a drawn
    :data:`FOCUS_LINK` edge with the two counts (no person appears, so no
    name: an aggregate every role may see) when that programme holds a
    quarter or more of the employer's people (at least its largest).
    ``total_nodes`` counts every employer linked to the school."""
    as_of = as_of or dt.date.today().isoformat()
    limit = _bounds("limit", limit, 1, 1000)
    params = {"npsn": str(npsn), "as_of": as_of}
    if _is_cypher(store):
        rows = store.read(_cypher("focus"), params)
    else:
        rows = _focus_rows_networkx(store.graph(), str(npsn), as_of)
    score: dict[str, int] = {}
    counts: dict[str, dict] = {}
    links: dict[tuple, dict] = {}
    for r in rows:
        code, rtype, people = r["code"], r["type"], int(r["people"])
        score[code] = score.get(code, 0) + FOCUS_WEIGHTS[rtype] * people
        c = counts.setdefault(code, {"alumni_now": 0, "interns": 0, "partner": False})
        if rtype == "PARTNERS_WITH":
            c["partner"] = True
            continue
        field = "alumni_now" if rtype == "WORKS_AT" else "interns"
        c[field] += people
        link = links.setdefault((r["program"], code), {"alumni_now": 0, "interns": 0})
        link[field] += people
    kept = sorted(score, key=lambda code: (-score[code], code))[:limit]
    found, handles = [], {}
    if _is_cypher(store):
        for r in store.read(_cypher("focus_nodes"), {"npsn": str(npsn), "codes": kept}):
            node = summary(r["label"], r["p"], names=ALL_NAMES)  # no person here
            found.append(node)
            handles[node["id"]] = r["eid"]
    else:
        g = store.graph()
        school = node_id("School", (str(npsn),))
        ids = []
        if school in g:
            ids = [school] + [v for _, v, t in g.out_edges(school, data="type") if t == "HAS_PROGRAM"]
            ids += [node_id("Employer", (code,)) for code in kept]
        for nid in ids:
            if nid in g:
                node = summary(g.nodes[nid]["label"], g.nodes[nid], names=ALL_NAMES)
                found.append(node)
                handles[node["id"]] = nid
    center = node_id("School", (str(npsn),))
    if center not in handles:
        raise NotFound("no school with that key")
    found.sort(key=lambda n: (TYPE_ORDER[n["type"]], n["key"]))
    programs = {n["key"].split("/", 1)[1]: n["id"] for n in found if n["type"] == "Program"}
    for n in found:
        if n["type"] == "Employer":
            n.update(strength=score[n["key"]], **counts[n["key"]])
    # the ranking, not the key order, for the employers
    rank = {code: i for i, code in enumerate(kept)}
    found.sort(key=lambda n: (TYPE_ORDER[n["type"]], rank.get(n["key"], 0), n["key"]))
    total = 1 + len(programs) + len(score)
    out = _with_edges(store, found, total, handles, center, max_edges=MAX_RELATIONSHIPS * 3)
    drawn = []
    for (program, code), c in links.items():
        if code not in rank:
            continue
        source = programs.get(program, center)  # a programme the school no longer lists: the school
        drawn.append({"id": f"{source}|{node_id('Employer', (code,))}|{FOCUS_LINK}",
                      "from": source, "to": node_id("Employer", (code,)), "type": FOCUS_LINK, **c})
    merged: dict[str, dict] = {}
    for e in drawn:  # two unknown programmes both drawn from the school: one edge
        m = merged.setdefault(e["id"], {**e, "alumni_now": 0, "interns": 0})
        m["alumni_now"] += e["alumni_now"]
        m["interns"] += e["interns"]
    # Only the programmes an employer's people mostly come from (a quarter or
    # more of them, at least the largest): every link drawn is a tangle.
    by_firm: dict[str, list[dict]] = {}
    for e in merged.values():
        by_firm.setdefault(e["to"], []).append(e)
    kept_links = []
    for links_of in by_firm.values():
        people = [e["alumni_now"] + e["interns"] for e in links_of]
        top = max(people)
        kept_links += [e for e, n in zip(links_of, people) if n == top or 4 * n >= sum(people)]
    out["edges"] = sorted(out["edges"] + kept_links, key=lambda e: e["id"])
    out["total_edges"] = len(out["edges"])
    out["weights"] = dict(FOCUS_WEIGHTS)
    return out


def _focus_rows_networkx(g, npsn: str, as_of: str) -> list[dict]:
    """:func:`focus`'s raw rows on the embedded store (explore_focus.cypher's twin)."""
    from alumni_graph.queries.rules import job_is_current, partnership_is_active

    people: dict[tuple, set] = {}
    partners = set()
    for nid, a in g.nodes(data=True):
        lab = a["label"]
        if lab == "Person" and a.get("school_npsn") == npsn:
            for _, v, e in g.out_edges(nid, data=True):
                if e["type"] == "INTERNED_AT" or (e["type"] == "WORKS_AT" and job_is_current(e, as_of)):
                    key = (g.nodes[v]["code"], a.get("program_code"), e["type"])
                    people.setdefault(key, set()).add(nid)
        elif (lab == "School" and a.get("npsn") == npsn) or (lab == "Program" and a.get("school_npsn") == npsn):
            for _, v, e in g.out_edges(nid, data=True):
                if e["type"] == "PARTNERS_WITH" and partnership_is_active(e, as_of):
                    partners.add(g.nodes[v]["code"])
    rows = [{"code": c, "program": p, "type": t, "people": len(s)} for (c, p, t), s in people.items()]
    rows += [{"code": c, "program": None, "type": "PARTNERS_WITH", "people": 1} for c in partners]
    return rows


def between(store, npsn: str, employer: str, max_nodes: int = 500, max_edges: int = 1500, *,
            names: Names) -> dict:
    """The school, the employer, the school's people who worked or interned
    there, and their programmes, with the relationships among them."""
    nodes, handles = [], {}
    if _is_cypher(store):
        rows = store.read(_cypher("between"), {"npsn": str(npsn), "code": str(employer)})
        for r in rows:
            node = summary(r["label"], r["p"], names=names)
            nodes.append(node)
            handles[node["id"]] = r["eid"]
    else:
        g = store.graph()
        school, firm = node_id("School", (npsn,)), node_id("Employer", (employer,))
        if school in g and firm in g:
            ids = {school, firm}
            for p, _, t in g.in_edges(firm, data="type"):
                if t in ("WORKS_AT", "INTERNED_AT") and g.nodes[p].get("school_npsn") == npsn:
                    ids.add(p)
                    ids.update(v for _, v, t2 in g.out_edges(p, data="type") if t2 == "STUDIED_IN")
            nodes = [summary(g.nodes[n]["label"], g.nodes[n], names=names) for n in ids]
            handles = {s["id"]: n for s, n in zip(nodes, ids)}
    if not nodes:
        raise NotFound("no such school or employer")
    return _subgraph(store, nodes, handles, node_id("Employer", (employer,)),
                     max_nodes=max_nodes, max_edges=max_edges)


# -- schools ------------------------------------------------------------------

def schools(store) -> list[dict]:
    """Every school with its programmes (code, name), by name: the pages' selectors."""
    if _is_cypher(store):
        rows = store.read(_cypher("schools"))
    else:
        g = store.graph()
        rows = [
            {"npsn": a["npsn"], "name": a.get("name"), "city": a.get("city"),
             "programs": [{"code": g.nodes[v]["code"], "name": g.nodes[v].get("name")}
                          for _, v, t in g.out_edges(n, data="type") if t == "HAS_PROGRAM"]}
            for n, a in g.nodes(data=True) if a["label"] == "School"
        ]
    for r in rows:
        r["programs"] = sorted(r["programs"], key=lambda p: p["code"])
    return sorted(rows, key=lambda r: ((r["name"] or "").lower(), r["npsn"]))


# -- overview -----------------------------------------------------------------

def overview(store, npsn: str | None = None, as_of: str | None = None) -> dict:
    """The home page's numbers for one school (or all): alumni (traced: with a
    status other than tidak_terdata, the tracer summary's rule), students, active partners and internships running in the
    year of ``as_of``. (The number of prospects is the length of the
    ``prospective_partners`` answer, so the two pages always agree.)"""
    as_of = as_of or dt.date.today().isoformat()
    try:
        year = dt.date.fromisoformat(as_of).year
    except ValueError:
        raise ParameterError("as_of must be a date (YYYY-MM-DD)",
                             [{"param": "as_of", "value": str(as_of)[:40],
                               "message": "must be a date (YYYY-MM-DD)"}]) from None
    year_start, year_end = f"{year}-01-01", f"{year}-12-31"
    if _is_cypher(store):
        row = store.read(_cypher("overview"), {
            "npsn": npsn, "as_of": as_of, "year_start": year_start, "year_end": year_end,
            "traced": list(TRACED_STATUSES),
        })[0]
        counts = dict(row)
    else:
        g = store.graph()
        nodes = g.nodes

        def ours(n) -> bool:
            a = nodes[n]
            if npsn is None:
                return True
            return a.get("npsn") == npsn or a.get("school_npsn") == npsn

        people = [a for n, a in nodes(data=True) if a["label"] == "Person" and ours(n)]
        alumni = [a for a in people if a.get("graduation_year") is not None]
        partners, interns = set(), 0
        for u, v, a in g.edges(data=True):
            if a["type"] == "PARTNERS_WITH" and ours(u) and a.get("start", "") <= as_of \
                    and (a.get("end") is None or a["end"] >= as_of):
                partners.add(v)
            elif a["type"] == "INTERNED_AT" and ours(u) and a.get("start", "") <= year_end \
                    and (a.get("end") is None or a["end"] >= year_start):
                interns += 1
        counts = {
            "alumni": len(alumni),
            "alumni_traced": sum(1 for a in alumni if a.get("status") in TRACED_STATUSES),
            "students": len(people) - len(alumni),
            "active_partners": len(partners),
            "internships_this_year": interns,
        }
    return {"npsn": npsn, "as_of": as_of, "year": year, **counts}


# -- layout -------------------------------------------------------------------

def layout(nodes: list[dict], edges: list[dict], *, seed: int = 7,
           iterations: int = 50) -> dict[str, tuple[int, int]]:
    """Server-side positions for a large drawing (the browser then skips physics).

    networkx's Fruchterman-Reingold force layout with a fixed seed, so the
    same graph always looks the same; scaled to vis-network's pixel space.
    """
    import networkx as nx  # here, not at import: only large drawings need it
    import numpy as np
    from networkx.drawing.layout import _fruchterman_reingold

    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in nodes)
    g.add_edges_from((e["from"], e["to"]) for e in edges)
    if not g:
        return {}
    # The dense implementation behind ``spring_layout``, called directly: from
    # 500 nodes ``spring_layout`` switches to a sparse variant that needs scipy
    # and is several times slower at the sizes a page draws (at most the cap).
    pos = _fruchterman_reingold(nx.to_numpy_array(g, weight=None), iterations=iterations,
                                seed=np.random.RandomState(seed))
    pos -= pos.mean(axis=0)
    scale = 45 * len(g) ** 0.5 / (float(np.abs(pos).max()) or 1.0)
    return {n: (round(float(x) * scale), round(float(y) * scale)) for n, (x, y) in zip(g, pos)}
