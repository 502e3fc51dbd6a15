"""``referral_paths``: who can introduce this student to that employer (BKK).

The rules, as implemented here and in ``referral_paths.cypher``:

* A path runs from the person (``nisn``) to the employer over ``STUDIED_IN``,
  ``WORKS_AT`` (current or past) and ``INTERNED_AT`` relationships, read
  without direction. Relationships that start after ``as_of`` do not exist
  yet; a job is current per :mod:`queries.rules`.
* It is simple (no node twice), has at most ``max_hops`` relationships, never
  passes through a School, and every person between the two ends is an
  alumnus (graduation year set) who consented to be contacted. Students and
  alumni without consent are never intermediaries. The target employer only
  ends a path. A 1-hop path (the person already works or interned there) is a
  valid answer.
* A path is a sequence of nodes: when two nodes are joined by several
  relationships (an internship, then a job at the same firm), the strongest
  one is used (equal weights: current job, internship, past job).
* Strength = the product of the weights (:data:`WEIGHTS`: current job 1.0,
  studied in 0.8, internship 0.7, past job 0.6). The ``k`` strongest paths are
  returned; ties: fewer hops, then the sequence of node keys (NISN,
  ``<npsn>/<code>``, employer code). Every walkable relationship joins a
  Person to a Program or an Employer and only Program keys hold a ``/``, so
  the key sequence identifies the path.
* Persons are named only when they consented to be contacted (the person
  asking too); the explanation calls the asking person "Anda" / "you".
* No path: no rows, and ``meta["hint"]`` lists up to 3 employers of the same
  KBLI section that the person does reach within ``min(max_hops, 3)`` hops
  (strongest first, then fewer hops, then code).
"""
from __future__ import annotations

import bisect
import heapq
import itertools
import math
import threading
import weakref

from alumni_graph.queries.framework import (
    Param, Query, cypher_text, is_neo4j, merge_weights, read_cypher, require_node, today,
)
from alumni_graph.queries.rules import (
    adult_born_by, consented, guardian_consented, is_alumnus, job_is_current, shown_name, started,
)

#: Default relationship weights; ``run_query(..., weights={...})`` overrides.
WEIGHTS = {"works_at_current": 1.0, "works_at_past": 0.6, "interned_at": 0.7, "studied_in": 0.8}
#: One letter per kind of step (the Cypher computes the same letters).
_LETTER = {"works_at_current": "C", "studied_in": "S", "interned_at": "I", "works_at_past": "P"}
#: Multiplication order of the strength product: fixed, so that the same kinds
#: give bit-identical floats in Neo4j (Java) and Python.
_PRODUCT_ORDER = "CSIP"
_TYPE = {"C": "WORKS_AT", "P": "WORKS_AT", "I": "INTERNED_AT", "S": "STUDIED_IN"}
HINT_MAX_HOPS = 3
HINT_SIZE = 3
#: Searches to this many targets (the last asked) keep their memos in the walk index.
TARGETS_KEPT = 256
#: The hint keeps at most this many ordered reaches per sector (_nearest).
ORDERED_KEPT = 4096
#: main_neo4j keeps at most this many sides (per node, date and weights).
SIDES_KEPT = 1024

COLUMNS = ("rank", "strength", "hops", "explanation_id", "explanation_en", "nodes",
           "relationships")

PARAMS = (
    Param("nisn", "str", required=True, pattern=r"\d{10}",
          pattern_help="must be 10 digits / harus 10 digit",
          help="NISN siswa/alumni yang mencari kerja / NISN of the student or alumnus"),
    Param("employer", "str", required=True, upper=True, pattern=r"[A-Z0-9][A-Z0-9-]{0,99}",
          pattern_help="an employer code (letters, digits, -) / kode DU/DI (huruf, angka, -)",
          help="kode DU/DI tujuan / the target employer's code"),
    Param("max_hops", "int", default=3, min=1, max=5,
          help="panjang jalur maksimum / maximum path length"),
    Param("k", "int", default=5, min=1, max=50, help="jumlah jalur / number of paths"),
    Param("as_of", "date", default=today,
          help="tanggal acuan untuk pekerjaan saat ini (default hari ini) / "
               "reference date for current jobs (default today)"),
)


def _letters(weights: dict | None) -> dict:
    w = merge_weights(WEIGHTS, weights)
    return {_LETTER[name]: float(value) for name, value in w.items()}


def strength_of(kinds: list[str], w: dict) -> float:
    """The product of the weights of ``kinds``, in the fixed order C, S, I, P."""
    s = 1.0
    for letter in _PRODUCT_ORDER:
        for k in kinds:
            if k == letter:
                s *= w[letter]
    return s


def _kind(rel: dict, as_of: str) -> str | None:
    """The step letter of a relationship, or None if it is not walkable on ``as_of``."""
    if not started(rel, as_of):
        return None
    t = rel.get("type")
    if t == "STUDIED_IN":
        return "S"
    if t == "INTERNED_AT":
        return "I"
    if t == "WORKS_AT":
        return "C" if job_is_current(rel, as_of) else "P"
    return None


#: The walkable relationship types; ``W`` (a job) is current or past by date.
_WALK = {"STUDIED_IN": "S", "INTERNED_AT": "I", "WORKS_AT": "W"}


class WalkIndex:
    """Each node's walkable relationships as ``(neighbour, S|I|W, start, end)``
    tuples: what the walk reads, without the dates applied, so one index
    serves every ``as_of`` (the walk filters by date as it goes).

    One per graph object (:func:`walk_index`), filled node by node as walks
    reach them, and reused by every later call on the same graph: the
    embedded store never changes a committed graph (a write swaps in a new
    one), so a new store version gets a new index, and the old one goes
    with its graph. Tuples of strings: the garbage collector stops tracking
    them, so the index adds nothing to a collection's work.
    """

    __slots__ = ("_steps", "_reach", "_near", "_two_near", "_per_target", "ordered", "_passable",
                 "nodes", "__weakref__")

    def __init__(self, G):
        self._steps: dict = {}
        self._reach: dict = {}
        self._near: dict = {}
        self._two_near: dict = {}
        #: Per target: (node -> its neighbours within two steps of the target,
        #: node -> its neighbours that may lead on, node -> the nodes between
        #: it and the target), all on any date (_Ends.via, toward, between).
        self._per_target: dict = {}
        #: sector -> the hint's memo (each reach in its order, _nearest).
        self.ordered: dict = {}
        #: as_of -> {node: may it stand between on that date} (_Walker.can_pass).
        self._passable: dict = {}
        self.nodes = len(G)  # a cheap check that the graph was not changed in place

    def steps(self, G, u: str) -> tuple:
        found = self._steps.get(u)
        if found is None:
            walk = _WALK
            found = tuple((v, walk[t], r.get("start"), r.get("end"))
                          for adjacency in (G._succ, G._pred)
                          for v, keyed in adjacency[u].items()
                          for r in keyed.values()
                          if (t := r.get("type")) in walk)
            self._steps[u] = found
        return found

    def near(self, G, u: str) -> dict:
        """The nodes one walkable relationship from ``u``, on any date (as
        dict keys: a dict of strings is not tracked by the garbage collector,
        a set is, and these stay for the graph's life)."""
        found = self._near.get(u)
        if found is None:
            found = self._near[u] = dict.fromkeys(v for v, *_ in self.steps(G, u))
        return found

    def two_near(self, G, t: str) -> dict:
        """The nodes two walkable relationships from ``t`` through a person
        who may be an intermediary on some date (an alumnus with
        ``consent_contact`` true), on any date: a superset of what a walk
        on one date finds, for pruning the search to ``t``."""
        found = self._two_near.get(t)
        if found is None:
            nodes, out = G._node, set()
            for q in self.near(G, t):
                attrs = nodes[q]
                if (attrs.get("label") == "Person" and is_alumnus(attrs)
                        and attrs.get("consent_contact") is True):
                    out.update(v for v, *_ in self.steps(G, q))
            out.discard(t)
            found = self._two_near[t] = dict.fromkeys(out)
        return found

    def passable_on(self, as_of: str) -> dict:
        """Who may stand between on ``as_of`` (filled by :meth:`_Walker.can_pass`),
        kept for the last few dates asked: reading each person's consent
        was a third of a 5-hop search through a hub, on every call."""
        found = self._passable.get(as_of)
        if found is None:
            with _INDEX_LOCK:
                found = self._passable.get(as_of)
                if found is None:
                    if len(self._passable) >= 8:
                        self._passable.clear()
                    found = self._passable[as_of] = {}
        return found

    def per_target(self, t: str) -> tuple[dict, dict, dict]:
        """The memos of searches to target ``t`` (see :class:`_Ends`), kept
        for the :data:`TARGETS_KEPT` targets asked last (their size grows
        with the hubs a search meets; the targets asked are unbounded)."""
        memos = self._per_target.get(t)
        if memos is None:
            with _INDEX_LOCK:
                memos = self._per_target.get(t)
                if memos is None:
                    while len(self._per_target) >= TARGETS_KEPT:
                        self._per_target.pop(next(iter(self._per_target)))
                    memos = self._per_target[t] = ({}, {}, {})
        return memos

    def reach(self, G, x: str) -> dict:
        """The hint's last two steps from ``x`` (a programme or an employer),
        by KBLI section and employer: ``{sector: ((e, pairs, entries), ...)}``
        with an ``entry`` ``(p, x-p steps, S|I|W, start, end)`` for each
        relationship between an employer ``e`` (not ``x``) of that sector and
        a person ``p`` next to ``x`` who may be an intermediary on some date
        (an alumnus with ``consent_contact`` true; the minor rule is applied
        per call); x-p steps are ``(S|I|W, start, end)``; ``pairs``: the
        ``(x-p, p-e)`` letter pairs the entries hold, then the latest end of
        an x-p and of a p-e job (``"9999"``: one is open; ``""``: none), for
        a bound on ``e``'s strength before reading them. Without dates applied, like
        :meth:`steps`, so one entry serves every ``as_of``.

        Made once per node and graph: at a province's hubs (a programme of
        a thousand people, an employer of seventeen thousand) the hint read
        every person's every employer on each call to keep a few of one
        sector."""
        found = self._reach.get(x)
        if found is None:
            nodes = G._node
            between: dict = {}
            for p, code, start, end in self.steps(G, x):
                between.setdefault(p, []).append((code, start, end))
            by_sector: dict = {}
            for p, xp in between.items():
                attrs = nodes[p]
                if (attrs.get("label") != "Person" or not is_alumnus(attrs)
                        or attrs.get("consent_contact") is not True):
                    continue
                xp = tuple(xp)
                for e, code, start, end in self.steps(G, p):
                    if e == x:
                        continue
                    other = nodes[e]
                    sector = other.get("sector")
                    if sector is None or other.get("label") != "Employer":
                        continue
                    by_sector.setdefault(sector, []).append((e, p, xp, code, start, end))
            found = {sector: _by_employer(items) for sector, items in by_sector.items()}
            self._reach[x] = found
        return found


def _by_employer(items) -> tuple:
    """One sector's reach from ``(e, p, x-p steps, S|I|W, start, end)`` items:
    ``((e, pairs, entries, last1, last2), ...)`` as :meth:`WalkIndex.reach`
    describes (the Neo4j runner builds the same from
    ``referral_paths_reach.cypher``)."""
    by_e: dict = {}
    for e, p, xp, code, start, end in items:
        slot = by_e.get(e)
        if slot is None:
            slot = by_e[e] = [set(), [], "", ""]
        slot[1].append((p, xp, code, start, end))
        slot[0].update((c1, code) for c1, _, _ in xp)
        # The latest end of a job on either step ("9999" open):
        # a job is current on as_of only if it ends after it.
        for c1, _, end1 in xp:
            if c1 == "W":
                slot[2] = max(slot[2], end1 or "9999")
        if code == "W":
            slot[3] = max(slot[3], end or "9999")
    return tuple((e, tuple(pairs), tuple(entries), last1, last2)
                 for e, (pairs, entries, last1, last2) in by_e.items())


_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_INDEX_LOCK = threading.Lock()


def walk_index(G) -> WalkIndex:
    """The :class:`WalkIndex` of graph ``G`` (made on first use). A graph
    must not be changed in place once walked (the stores never do); a
    changed node count starts a new index."""
    index = _INDEXES.get(G)
    if index is None or index.nodes != len(G):
        with _INDEX_LOCK:
            index = _INDEXES.get(G)
            if index is None or index.nodes != len(G):
                index = _INDEXES[G] = WalkIndex(G)
    return index


class _Walker:
    """Neighbours of a node over walkable relationships, the best kind per
    neighbour, computed once per node and call from the graph's
    :class:`WalkIndex`."""

    def __init__(self, G, as_of: str, w: dict):
        self.G, self.as_of, self.w = G, as_of, w
        # Strongest kind first; equal weights: the smaller letter (C < I < P).
        self._rank = {k: (-x, k) for k, x in w.items()}
        self._index = walk_index(G)
        self._cache: dict[str, dict[str, str]] = {}
        self._passable: dict[str, bool] = self._index.passable_on(as_of)

    def degree(self, u: str) -> int:
        """How many walkable relationships ``u`` has (any date)."""
        return len(self._index.steps(self.G, u))

    def neighbours(self, u: str) -> dict[str, str]:
        found = self._cache.get(u)
        if found is None:
            found = {}
            as_of, rank = self.as_of, self._rank
            for v, code, start, end in self._index.steps(self.G, u):
                if start is not None and start > as_of:
                    continue  # does not exist yet on as_of
                k = code if code != "W" else ("C" if end is None or end > as_of else "P")
                old = found.get(v)
                if old is None or (old != k and rank[k] < rank[old]):
                    found[v] = k
            # Strongest first: the branch and bound in _paths finds good
            # paths early and prunes more.
            present = set(found.values())
            if len(present) > 1:
                present = sorted(present, key=lambda k: -self.w[k])
                found = {v: k for kind in present for v, k in found.items() if k == kind}
            self._cache[u] = found
        return found

    def can_pass(self, v: str) -> bool:
        """May ``v`` stand between the two ends of a path?"""
        ok = self._passable.get(v)
        if ok is None:
            attrs = self.G._node[v]  # the node's attribute dict (no view per call)
            label = attrs.get("label")
            ok = label in ("Program", "Employer") or (
                label == "Person" and is_alumnus(attrs) and consented(attrs, self.as_of))
            self._passable[v] = ok
        return ok

    def distances_to(self, target: str, limit: int) -> dict[str, int]:
        """Hops from each node to ``target`` through passable nodes (BFS, at
        most ``limit``): a lower bound that prunes the depth-first search."""
        dist = {target: 0}
        frontier = [target]
        for d in range(1, limit + 1):
            nxt = []
            for u in frontier:
                if u != target and not self.can_pass(u):
                    continue
                for v in self.neighbours(u):
                    if v not in dist:
                        dist[v] = d
                        nxt.append(v)
            frontier = nxt
        return dist


class _Ends:
    """The last one or two steps of every path to ``target``, met from the
    target's side: ``one.get(u)`` is the step letter from ``u`` to the
    target; ``two(u)`` lists ``(q, u->q letter, q->target letter)`` for each
    passable ``q`` between ``u`` and the target, strongest first.

    The depth-first search from the person stops two steps short of the
    target and reads the rest here: without it, every partial path reaching
    a programme or employer hub walked all of the hub's people again
    (thousands at a province's hubs) to find the few that lead on.
    Each ``two(u)`` is made when asked, from the smaller of ``u``'s and the
    target's neighbourhoods (an employer may have seventeen thousand
    people; reading them all, with their consent, on every call cost more
    than the whole search). ``near`` and ``two_of``: the nodes one and two
    steps from the target on any date (the walk index's, made once per
    graph), a superset that prunes the search.
    """

    def __init__(self, walker: _Walker, target: str):
        self.walker, self.target = walker, target
        index, G = walker._index, walker.G
        self.one = _Beside(walker, target)
        self.near = index.near(G, target)
        self.two_of = index.two_near(G, target)
        self.three, self._toward, self._between = index.per_target(target)
        self._two: dict[str, list] = {}

    def between(self, u: str) -> tuple:
        """The nodes next to both ``u`` and the target on any date that may
        stand between them on some date, from the smaller side; kept per
        graph and target (as_of-free, like the walk index)."""
        found = self._between.get(u)
        if found is None:
            walker, target = self.walker, self.target
            index, G = walker._index, walker.G
            if walker.degree(target) <= walker.degree(u):
                small, big = target, index.near(G, u)
            else:
                small, big = u, self.near
            nodes = G._node
            found = self._between[u] = tuple(
                q for q in index.near(G, small)
                if q in big and q != target and q != u and _may_pass(nodes[q]))
        return found

    def via(self, v: str) -> tuple:
        """``v``'s neighbours within two steps of the target, on any date."""
        found = self.three.get(v)
        if found is None:
            index, near, two_of = self.walker._index, self.near, self.two_of
            found = self.three[v] = tuple({x for x, *_ in index.steps(self.walker.G, v)
                                           if x in two_of or x in near})
        return found

    def toward(self, u: str) -> tuple:
        """``u``'s neighbours (any date) next to the target, or next to a node
        other than ``u`` within two steps of it: the only ones a search
        standing on ``u`` with four steps left can go on to. Kept per graph
        and target: at a programme hub it skips, on every later call, the
        thousands of alumni whose only way on is back through the hub."""
        found = self._toward.get(u)
        if found is None:
            index, G, near, target = self.walker._index, self.walker.G, self.near, self.target
            found = self._toward[u] = tuple(
                v for v in index.near(G, u)
                if v != target and (v in near or any(x != u for x in self.via(v))))
        return found

    def two(self, u: str) -> list:
        found = self._two.get(u)
        if found is None:
            walker, one = self.walker, self.one
            found = []
            for q in self.between(u):
                k1 = _step(walker, q, u)
                k2 = one.get(q) if k1 is not None else None
                if k2 is not None and walker.can_pass(q):
                    found.append((q, k1, k2))
            if len(found) > 1:
                w = walker.w
                found.sort(key=lambda e: (-(w[e[1]] * w[e[2]]), e[0]))
            self._two[u] = found
        return found


def _may_pass(attrs: dict) -> bool:
    """May a node with these attributes stand between the ends of a path on
    some date (_Walker.can_pass without the date: consent's minor rule)."""
    label = attrs.get("label")
    return label in ("Program", "Employer") or (
        label == "Person" and is_alumnus(attrs) and attrs.get("consent_contact") is True)


def _step(walker: _Walker, u: str, v: str):
    """The strongest step letter from ``u`` to ``v`` on the walker's date
    (None: none), read from ``u``'s steps (or its neighbours, if built)."""
    found = walker._cache.get(u)
    if found is not None:
        return found.get(v)
    k = None
    as_of, rank = walker.as_of, walker._rank
    for x, code, start, end in walker._index.steps(walker.G, u):
        if x != v or (start is not None and start > as_of):
            continue
        kind = code if code != "W" else ("C" if end is None or end > as_of else "P")
        if k is None or (kind != k and rank[kind] < rank[k]):
            k = kind
    return k


class _Beside:
    """``get(u)``: the step letter from ``u`` to ``target`` on the walker's
    date (None: not next to it), read from the smaller side: ``u``'s own
    steps, or the target's neighbours when ``u`` has more."""

    __slots__ = ("walker", "target", "_near", "_memo", "_any")

    def __init__(self, walker: _Walker, target: str):
        self.walker, self.target = walker, target
        self._near: dict | None = None
        self._memo: dict = {}
        self._any = walker._index.near(walker.G, target)  # next to it on any date

    def all(self) -> dict:
        if self._near is None:
            self._near = self.walker.neighbours(self.target)
        return self._near

    def get(self, u: str):
        if u not in self._any:
            return None
        if self._near is not None:
            return self._near.get(u)
        memo = self._memo
        if u in memo:
            return memo[u]
        walker, target = self.walker, self.target
        if walker.degree(u) <= walker.degree(target):
            k = _step(walker, u, target)
        else:
            k = self.all().get(u)
        memo[u] = k
        return k

    def __contains__(self, u: str) -> bool:
        return self.get(u) is not None


def _paths(walker: _Walker, src: str, max_hops: int, end_ok, avoid: str | None = None,
           prune: dict | None = None, beyond: int = 0, floor=None, ends: _Ends | None = None,
           each_step: bool = False):
    """Every simple path from ``src`` (node ids and step letters) that ends at
    a node for which ``end_ok(v)`` holds, passing only through passable nodes
    other than ``avoid``; depth-first, at most ``max_hops`` steps.

    ``prune`` maps nodes to their exact distance to the end (when known);
    a node it does not hold is at least ``beyond`` steps away. ``floor()``,
    when given, is the (strength, hops) of the weakest answer that still
    matters: with all weights at most 1 a path's strength only falls as it
    grows, so a partial path below that strength, or at it with more hops
    already certain, is not extended (branch and bound).

    ``ends`` (a single target: ``avoid``, the only node ``end_ok`` accepts)
    gives the last one or two steps from the target's side: the search
    never goes deeper than two steps short of the target.

    ``each_step``: the last step of a path is read from the walk index as
    it is, one path per relationship (two relationships to the same end give
    two paths, with their own letters): for a caller that keeps the best
    path per end (the hint), this skips building each last node's
    neighbours."""
    if ends is not None:
        yield from _paths_to(walker, src, max_hops, ends, floor)
        return
    path, kinds, on_path = [src], [], {src}
    w = walker.w

    index, G, as_of = walker._index, walker.G, walker.as_of

    def dfs(strength: float):
        u, depth = path[-1], len(kinds)
        if each_step and depth + 1 >= max_hops:
            for v, code, start, end in index.steps(G, u):
                if start is not None and start > as_of:
                    continue
                if v not in on_path and end_ok(v):
                    k = code if code != "W" else ("C" if end is None or end > as_of else "P")
                    yield path + [v], kinds + [k]
            return
        for v, k in walker.neighbours(u).items():
            if v in on_path:
                continue
            if end_ok(v):
                yield path + [v], kinds + [k]
            if depth + 1 >= max_hops or v == avoid:
                continue
            if prune is not None and depth + 1 + prune.get(v, beyond) > max_hops:
                continue
            longer = strength * w[k]
            if floor is not None:
                # The tolerance keeps ties: the product here is taken in path
                # order, strength_of() in a fixed order, and they may differ
                # in the last bit.
                least, hops = floor()
                if longer < least * (1 - 1e-9):
                    continue
                fewest = depth + 1 + (prune.get(v, beyond) if prune is not None else 1)
                if longer <= least * (1 + 1e-9) and fewest > hops:
                    continue
            if not walker.can_pass(v):
                continue
            path.append(v)
            kinds.append(k)
            on_path.add(v)
            yield from dfs(longer)
            on_path.discard(v)
            kinds.pop()
            path.pop()

    yield from dfs(1.0)


def _paths_to(walker: _Walker, src: str, max_hops: int, ends: _Ends, floor=None):
    """:func:`_paths` to the single target of ``ends``: the same paths."""
    target = ends.target
    path, kinds, on_path = [src], [], {src}
    w = walker.w
    one = ends.one
    # Nodes one and two steps from the target on any date (supersets).
    near, two_of = ends.near, ends.two_of

    def dfs(strength: float):
        u, depth = path[-1], len(kinds)
        left = max_hops - depth
        k = one.get(u)
        if k is not None:
            yield path + [target], kinds + [k]
        if left == 2:
            if floor is not None:
                least, hops = floor()
                if depth + 2 > hops:
                    least *= 1 + 1e-9  # at the floor with more hops: out
                else:
                    least *= 1 - 1e-9
            for q, k1, k2 in ends.two(u):
                if floor is not None and strength * w[k1] * w[k2] < least:
                    break  # strongest first: the rest are weaker still
                if q not in on_path:
                    yield path + [q, target], kinds + [k1, k2]
            return
        if left < 3:
            return
        if left == 4:
            # Only the neighbours that may lead on (_Ends.toward), each with
            # its step read from its own side: a hub's full neighbour list
            # is never built.
            steps = ((v, _step(walker, v, u)) for v in ends.toward(u))
        else:
            steps = walker.neighbours(u).items()
        for v, k in steps:
            if k is None or v in on_path or v == target:
                continue
            if v not in near:
                if left == 3 and v not in two_of:
                    continue  # more than two steps from the target: too far
                if left == 4 and not any(x not in on_path for x in ends.via(v)):
                    # Next to nothing within two steps of the target but
                    # the path itself (the walk index without dates: a
                    # superset): too far, known before reading v's consent.
                    continue
            longer = strength * w[k]
            if floor is not None:
                # The tolerance keeps ties (see _paths); the shortest path on
                # from v is one more step if v neighbours the target.
                least, hops = floor()
                if longer < least * (1 - 1e-9):
                    continue
                if longer <= least * (1 + 1e-9) and depth + (2 if v in one else 3) > hops:
                    continue
            if not walker.can_pass(v):
                continue
            path.append(v)
            kinds.append(k)
            on_path.add(v)
            yield from dfs(longer)
            on_path.discard(v)
            kinds.pop()
            path.pop()

    yield from dfs(1.0)


def _raw_node(G, nid: str, as_of: str) -> dict:
    attrs = G.nodes[nid]
    label = attrs.get("label")
    return {
        "id": nid,
        "label": label,
        "name": shown_name(attrs, as_of) if label == "Person" else attrs.get("name"),
        "program": attrs.get("program_code"),
        "graduation_year": attrs.get("graduation_year"),
    }


def _require(G, nisn: str, employer: str) -> tuple[str, str]:
    from alumni_graph.graph_service.errors import NotFound

    src, dst = f"Person:{nisn}", f"Employer:{employer}"
    for nid, param, what in ((src, "nisn", "person"), (dst, "employer", "employer")):
        if nid not in G:
            raise NotFound(f"{param}: no {what} with this key / {param}: tidak ditemukan",
                           [{"param": param, "message": f"no such {what}"}])
    return src, dst


def referral_paths(G, *, nisn: str, employer: str, as_of: str, max_hops: int = 3, k: int = 5,
                   weights: dict | None = None) -> list[dict]:
    """The ``k`` strongest referral paths from a person to an employer, on networkx.

    The networkx twin of ``referral_paths.cypher``: a depth-first search
    bounded by ``max_hops`` and pruned by breadth-first distances to the
    target; the rules are in the module docstring.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the embedded layout (``store.graph()``).
    nisn : str
        The person looking for work.
    employer : str
        The target employer's code.
    as_of : str
        Reference date ``YYYY-MM-DD`` (current versus past jobs).
    max_hops : int
        At most this many relationships (1 to 5).
    k : int
        At most this many paths.
    weights : dict, optional
        Overrides of :data:`WEIGHTS`.

    Returns
    -------
    list of dict
        Rows with the keys in :data:`COLUMNS`, strongest first.

    Raises
    ------
    NotFound
        The person or the employer does not exist (the message names the
        parameter, not the value).

    Examples
    --------
    >>> rows = referral_paths(G, nisn="0000000101", employer="E08", as_of="2025-07-01")
    >>> rows[0]["hops"], rows[0]["strength"], [n["key"] for n in rows[0]["nodes"]]
    (3, 0.64, ['0000000101', '20300001/TKR', '0000000102', 'E08'])
    >>> print(rows[1]["explanation_en"])
    Sari `Kembar` O'Neil (TKR, class of 2018) works at PT Tujuan Rujukan; Sari `Kembar` O'Neil studied in the same programme as you
    """
    src, dst = _require(G, nisn, employer)
    w = _letters(weights)
    walker = _Walker(G, as_of, w)
    # Meet in the middle, like the Cypher: the search from the person stops
    # two steps short of the employer and reads the last two steps from the
    # employer's side (_Ends), each pair of steps read from the smaller side
    # when first asked; what is the same on every date is kept per graph and
    # target in the walk index.
    ends = _Ends(walker, dst)
    # The k best so far, best first. Ties: fewer hops, then the sequence of
    # node keys (the id without its label).
    top: list[tuple] = []

    def floor() -> tuple[float, int]:
        return (-top[-1][0], top[-1][1]) if len(top) == k else (0.0, max_hops + 1)

    bounded = all(x <= 1 for x in w.values())
    for ids, kinds in _paths(walker, src, max_hops, lambda v: v == dst, avoid=dst,
                             floor=floor if bounded else None, ends=ends):
        bisect.insort(top, (-strength_of(kinds, w), len(kinds),
                            [i.split(":", 1)[1] for i in ids], ids, kinds))
        del top[k:]
    raw = [{"strength": -s, "kinds": kinds, "nodes": [_raw_node(G, n, as_of) for n in ids]}
           for s, _, _, ids, kinds in top]
    return finish(raw, w)


def _bounds_order_exactly(w: dict) -> bool:
    """Whether, with weights ``w``, any two 3-step strengths that differ as
    floats also differ clearly (not only by rounding): then a path's
    strength never exceeds, as a float, a bound made of stronger steps, and
    the hint may stop at a bound. (Weights that give two kinds of path the
    same product in two roundings turn the cut off.)"""
    key = tuple(sorted(w.items()))
    found = _EXACT_BOUNDS.get(key)
    if found is None:
        values = sorted({strength_of(list(c), w)
                         for c in itertools.combinations_with_replacement("CSIP", 3)})
        found = _EXACT_BOUNDS[key] = all(
            not math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0) for a, b in zip(values, values[1:]))
    return found


_EXACT_BOUNDS: dict = {}


def nearby_employers(G, *, nisn: str, employer: str, as_of: str, max_hops: int = 3,
                     weights: dict | None = None) -> list[dict]:
    """The hint: up to 3 employers of the target's KBLI section (not the target)
    that the person reaches within ``min(max_hops, 3)`` hops, with their best
    path's strength and hops; strongest first, then fewer hops, then code.

    Examples
    --------
    >>> hint = nearby_employers(G, nisn="0000000101", employer="E10", as_of="2025-07-01")
    >>> [(e["code"], e["sector"], round(e["strength"], 2), e["hops"]) for e in hint]
    [('E04', 'G', 0.7, 1), ('E01', 'G', 0.64, 3)]
    """
    src, dst = _require(G, nisn, employer)
    sector = G.nodes[dst].get("sector")
    if sector is None:
        return []
    w = _letters(weights)
    walker = _Walker(G, as_of, w)
    index = walker._index
    rank = walker._rank
    nodes = G._node
    first = []
    for x, k0 in walker.neighbours(src).items():
        if x == dst:
            continue  # the target only ends a path
        attrs = nodes[x]
        first.append((x, k0, attrs.get("label") == "Employer" and attrs.get("sector") == sector,
                       max_hops >= 3 and walker.can_pass(x)))
    ranked = _nearest(first, lambda x: index.reach(G, x).get(sector, ()), walker.can_pass,
                      lambda e: nodes[e].get("code"), index.ordered.setdefault(sector, {}),
                      src=src, dst=dst, as_of=as_of, w=w, rank=rank)
    return [{"code": nodes[e].get("code"), "name": nodes[e].get("name"),
             "sector": sector, "strength": -s, "hops": h} for e, (s, h) in ranked]


def _nearest(first, reach_of, can_pass, code_of, memo: dict, *, src, dst, as_of: str,
             w: dict, rank: dict) -> list[tuple]:
    """The hint's ranking, for both stores: ``[(e, (-strength, hops)), ...]``,
    best first, at most :data:`HINT_SIZE`.

    ``first``: the person's neighbours on ``as_of`` but the target, as
    ``(x, best step letter, x is an employer of the sector, x may stand
    between and max_hops >= 3)``; ``reach_of(x)``: x's reach in the target's
    sector (the shape of :meth:`WalkIndex.reach`); ``can_pass(p)``: may person
    ``p`` of a reach stand between on ``as_of``; ``code_of(e)``: an
    employer's code; ``memo``: kept for the store's version (each reach in
    its order, per first step and weights), as the reaches are."""
    # Each employer's best (-strength, hops); a path is [src, e] or
    # [src, x, p, e]: every walkable relationship joins a person to a
    # programme or an employer. The last two steps come from x's
    # per-sector reach, so a hub's people who lead to no employer of the
    # sector are never read.
    best: dict[str, tuple] = {}
    strengths: dict[tuple, float] = {}

    def offer(e: str, kinds: tuple) -> None:
        s = strengths.get(kinds)
        if s is None:
            s = strengths[kinds] = strength_of(list(kinds), w)
        cand = (-s, len(kinds))
        old = best.get(e)
        if old is None or cand < old:
            best[e] = cand

    # The three best so far as (key, employer), key = (-strength, hops, code).
    top: list[tuple] = []

    def offer_keep(e: str, kinds: tuple) -> None:
        offer(e, kinds)
        key = (*best[e], code_of(e))
        if len(top) < HINT_SIZE or key < top[-1][0]:
            top[:] = sorted([t for t in top if t[1] != e] + [(key, e)])[:HINT_SIZE]

    current_first = rank["C"] < rank["P"]
    strongest_job = "C" if current_first else "P"
    wkey = tuple(sorted(w.items()))
    bounds: dict[tuple, float] = {}

    def bound_of(k0, pairs, w1, w2) -> float:
        bound = 0.0
        for c1, c2 in pairs:
            kinds = (k0, w1 if c1 == "W" else c1, w2 if c2 == "W" else c2)
            b = bounds.get(kinds)
            if b is None:
                b = bounds[kinds] = strength_of(list(kinds), w)
            bound = max(bound, b)
        return bound

    def ordered(x, k0) -> tuple:
        """x's reach as ``(-bound, code, e, k0, pairs, entries, last1,
        last2)``, strongest bound first, then code; the bound takes every job
        as current (at its strongest on any date), so it holds on every
        ``as_of`` and the order is kept in ``memo`` for later calls."""
        key = (x, k0, wkey)
        found = memo.get(key)
        if found is None:
            if len(memo) >= ORDERED_KEPT:  # weights are the caller's: bound what they add
                memo.clear()
            # A tuple of tuples of strings: the garbage collector stops tracking it.
            found = tuple(sorted(((-bound_of(k0, pairs, strongest_job, strongest_job),
                                   code_of(e) or "", e, k0, pairs, entries, last1, last2)
                                  for e, pairs, entries, last1, last2 in reach_of(x)),
                                 key=lambda c: (c[0], c[1])))
            memo[key] = found
        return found

    # Strongest bound first, then code, merged over the person's neighbours:
    # once a candidate could at best rank after the third best (same
    # strength, more hops or a later code), so could every one after it; a
    # candidate whose bound on as_of (a job current only if it may still run
    # then) is already out is skipped. Safe where equal strengths are equal
    # floats (_bounds_order_exactly); otherwise every candidate is read.
    lists = []
    for x, k0, in_sector, passable in first:
        if in_sector:
            offer_keep(x, (k0,))
        if passable:
            lists.append(ordered(x, k0))
    cut = _bounds_order_exactly(w)
    for neg, code, e, k0, pairs, entries, last1, last2 in heapq.merge(
            *lists, key=lambda c: (c[0], c[1])):
        if e == dst:
            continue
        if cut and len(top) == HINT_SIZE:
            if (neg, 3, code) > top[-1][0]:
                break
            # A job at its strongest on as_of: current if it may be on then.
            dated = -bound_of(k0, pairs, "C" if current_first and last1 > as_of else "P",
                              "C" if current_first and last2 > as_of else "P")
            if (dated, 3, code) > top[-1][0]:
                continue
        for p, xp, code2, start, end in entries:
            if p == src or (start is not None and start > as_of):
                continue
            k1 = None
            for code1, start1, end1 in xp:  # the strongest x-p step on as_of, as _Walker picks it
                if start1 is not None and start1 > as_of:
                    continue
                k = code1 if code1 != "W" else ("C" if end1 is None or end1 > as_of else "P")
                if k1 is None or (k != k1 and rank[k] < rank[k1]):
                    k1 = k
            if k1 is None or not can_pass(p):
                continue
            offer_keep(e, (k0, k1, code2 if code2 != "W" else (
                "C" if end is None or end > as_of else "P")))
    return sorted(best.items(), key=lambda kv: (kv[1], code_of(kv[0])))[:HINT_SIZE]


# -- the hint on Neo4j: x's reach kept per process, per store version -----------

#: At most this many rows (of referral_paths_reach.cypher and
#: referral_paths_around.cypher) are kept per Neo4j store in a process; past
#: it, everything kept is dropped. A row takes about 0.8 KB (measured at M:
#: 13,647 rows of a hub employer, 11 MB), so this is about 330 MB at most; the
#: 240 cases of bench/referral_split.py at M kept about 280,000 rows.
NEO4J_REACH_KEPT = 400_000
_NEO4J_REACH: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_NEO4J_REACH_LOCK = threading.Lock()
_STEP_LETTER = {"STUDIED_IN": "S", "INTERNED_AT": "I", "WORKS_AT": "W"}


class _KeptReach:
    """One Neo4j store's hint reaches for one store version:
    ``(x, sector) -> reach`` (the shape of :meth:`WalkIndex.reach`'s values),
    each reach person's ``(birth date, guardian consent)`` for the minor rule
    (which depends on ``as_of``), and each reach employer's ``(code, name)``."""

    def __init__(self, version: str):
        self.version = version
        self.reach: dict = {}
        self.persons: dict = {}
        self.employers: dict = {}
        #: sector -> _nearest's memo (each reach in its order).
        self.ordered: dict = {}
        #: x -> {y: ((p, p's key, x-p steps, p-y steps), ...)} (_read_around).
        self.around: dict = {}
        #: y -> its key (NISN, <npsn>/<code>, code).
        self.keys: dict = {}
        #: (x, letter before x, as_of, weights) -> {y: main_neo4j's side of x at y}.
        self.sides: dict = {}
        self.entries = 0


def _kept_reach(store, version: str) -> _KeptReach:
    with _NEO4J_REACH_LOCK:
        kept = _NEO4J_REACH.get(store)
        if kept is None or kept.version != version or kept.entries > NEO4J_REACH_KEPT:
            kept = _NEO4J_REACH[store] = _KeptReach(version)
        return kept


def _read_reach(store, kept: _KeptReach, xs: list[str], sector: str) -> tuple[dict, dict, dict]:
    """The reach of each of ``xs`` (elementIds) in ``sector``, with its
    persons and employers; kept in ``kept`` if the store is still at its
    version (a write that came in meanwhile: used for this call only)."""
    rows = read_cypher(store, "referral_paths_reach", {"xs": xs, "sector": sector})
    items: dict = {x: [] for x in xs}
    persons: dict = {}
    employers: dict = {}
    for r in rows:
        xp = tuple((_STEP_LETTER[t], start, end) for t, start, end in r["xp"])
        items[r["x"]].append((r["e"], r["p"], xp, _STEP_LETTER[r["type"]], r["start"], r["end"]))
        persons[r["p"]] = (r["born"], guardian_consented({"guardian_consent_ref": r["guardian"]}))
        employers[r["e"]] = (r["code"], r["name"])
    reaches = {x: _by_employer(found) for x, found in items.items()}
    if store.version() == kept.version:
        with _NEO4J_REACH_LOCK:
            kept.persons.update(persons)
            kept.employers.update(employers)
            kept.reach.update(((x, sector), reach) for x, reach in reaches.items())
            kept.entries += len(rows)
    return reaches, persons, employers


def _best_letter(steps, as_of: str, rank: dict):
    """The strongest step letter on ``as_of`` of ``(S|I|W, start, end)``
    steps between two nodes, as :class:`_Walker` picks it (None: none yet)."""
    best = None
    for code, start, end in steps:
        if start is not None and start > as_of:
            continue  # does not exist yet on as_of
        k = code if code != "W" else ("C" if end is None or end > as_of else "P")
        if best is None or (k != best and rank[k] < rank[best]):
            best = k
    return best


def _first_steps(steps: list, as_of: str, rank: dict) -> tuple[dict, dict]:
    """From ``referral_paths_hint_start.cypher``'s steps: the person's
    neighbours on ``as_of`` with the strongest step letter to each, and what
    the query says of each."""
    by_x: dict = {}
    about: dict = {}
    for step in steps:
        by_x.setdefault(step["x"], []).append((_STEP_LETTER[step["type"]], step["start"], step["end"]))
        about[step["x"]] = step
    kinds = {x: k for x, found in by_x.items() if (k := _best_letter(found, as_of, rank)) is not None}
    return kinds, about


def _read_around(store, kept: _KeptReach, xs: list[str]) -> tuple[dict, dict, dict]:
    """Two steps out from each of ``xs`` (elementIds) through a person, by
    the far node (``referral_paths_around.cypher``), with the persons' consent
    details and the far nodes' keys; kept in ``kept`` if the store is still at
    its version."""
    rows = read_cypher(store, "referral_paths_around", {"xs": xs})
    by_x: dict = {x: {} for x in xs}
    persons: dict = {}
    keys: dict = {}
    for r in rows:
        xp = tuple((_STEP_LETTER[t], start, end) for t, start, end in r["xp"])
        py = tuple((_STEP_LETTER[t], start, end) for t, start, end in r["py"])
        by_x[r["x"]].setdefault(r["y"], []).append((r["p"], r["pkey"], xp, py))
        persons[r["p"]] = (r["born"], guardian_consented({"guardian_consent_ref": r["guardian"]}))
        keys[r["y"]] = r["ykey"]
    found = {x: {y: tuple(entries) for y, entries in ys.items()} for x, ys in by_x.items()}
    if store.version() == kept.version:
        with _NEO4J_REACH_LOCK:
            kept.persons.update(persons)
            kept.keys.update(keys)
            kept.around.update(found)
            kept.entries += len(rows)
    return found, persons, keys


def main_neo4j(store, params: dict, weights: dict | None = None) -> list[dict]:
    """The rows of ``referral_paths.cypher`` (strength, kinds, nodes) on Neo4j.

    Up to 4 hops: the Cypher of :func:`main_cypher`. At 5 hops the paths
    are joined here from two steps out of each of the person's neighbours x1
    and two steps out of the employer (``referral_paths_around.cypher``,
    kept per process for the store's version like the hint's reaches:
    through a province's hub employers the general query expanded 22,000
    rows and sorted 21,000 paths on every call): 1 hop from the person's own
    steps, 3 hops (person - x1 - p - employer) from the employer's side at
    x1, 5 hops (person - x1 - p1 - x2 - p2 - employer) met at x2, each x2's
    halves read strongest first, stopping once no path through them can
    enter the ``k`` best. Same rules and order as the general query
    (strength, hops, the node keys); the nodes of the answer are read last
    (``referral_paths_nodes.cypher``)."""
    if params["max_hops"] < 5:
        return read_cypher(store, "referral_paths", cypher_params(params, weights),
                           text=main_cypher(params["max_hops"]))
    k, as_of = params["k"], params["as_of"]
    found, version = read_cypher(store, "referral_paths_hint_start", {
        "nisn": params["nisn"], "employer": params["employer"], "as_of": as_of}, versioned=True)
    if not found:
        return []  # the person or the employer does not exist (run() says which)
    start = found[0]
    kept = _kept_reach(store, version)
    src, dst = start["src"], start["dst"]
    w = _letters(weights)
    rank = {letter: (-x, letter) for letter, x in w.items()}
    kinds, about = _first_steps(start["steps"], as_of, rank)
    firsts = [(x, k0) for x, k0 in kinds.items() if x != dst and about[x]["passable"]]
    around, persons, keys = kept.around, kept.persons, kept.keys
    kept_ok = True
    missing = [x for x in {dst, *(x for x, _ in firsts)} if x not in around]
    if missing:
        more, more_persons, more_keys = _read_around(store, kept, missing)
        if any(x not in around for x in more):  # not kept (a write came in)
            around, persons, keys = ({**around, **more}, {**persons, **more_persons},
                                     {**keys, **more_keys})
            kept_ok = False
    born_by = adult_born_by(as_of)

    def can_pass(p: str) -> bool:  # rules.consented's minor rule; the rest was read
        born, guardian = persons[p]
        return guardian or not born or str(born) <= born_by

    # The k best as (-strength, hops, node keys, (nodes, step letters)).
    best: list = []
    strengths: dict = {}
    src_key, dst_key = params["nisn"], params["employer"]
    back = around[dst]

    def offer(path: tuple, ids: tuple, keys_: list) -> None:
        strength = strengths.get(path)
        if strength is None:
            strength = strengths[path] = strength_of(list(path), w)
        cand = (-strength, len(path), keys_, (ids, path))
        if len(best) < k or cand[:3] < best[-1][:3]:
            bisect.insort(best, cand, key=lambda c: c[:3])
            del best[k:]

    if dst in kinds:  # 1 hop: the person works or interned there
        offer((kinds[dst],), (src, dst), [src_key, dst_key])
    # Each side's people at each x2, strongest first, for this date and these
    # weights: kept with the reaches (the people themselves are the same on
    # every call; the person asking is skipped when joining).
    sides = kept.sides if kept_ok else {}
    wkey = tuple(sorted(w.items()))

    def side(x: str, k0, x2: str, entries: tuple) -> tuple:
        """``(strength of the steps, p, p's key, letter x-p, letter p-x2)`` for
        each person p between ``x`` and ``x2`` (``k0``: the step before x)."""
        table = sides.get((x, k0, as_of, wkey))
        if table is None:
            if len(sides) >= SIDES_KEPT:
                sides.clear()
            table = sides[(x, k0, as_of, wkey)] = {}
        found = table.get(x2)
        if found is None:
            first = w[k0] if k0 is not None else 1.0
            found = []
            for p, p_key, xp, py in entries:
                ka = _best_letter(xp, as_of, rank)
                kb = _best_letter(py, as_of, rank) if ka is not None else None
                if kb is not None and can_pass(p):
                    found.append((first * w[ka] * w[kb], p, p_key, ka, kb))
            found.sort(key=lambda h: -h[0])
            found = table[x2] = tuple(found)  # untracked by the garbage collector, as above
        return found

    for x1, k0 in firsts:  # 3 hops: someone next to x1 and the employer
        if x1 not in back:
            continue
        for s3, p, p_key, k3, k2 in side(dst, None, x1, back[x1]):
            least = -best[k - 1][0] * (1 - 1e-9) if len(best) >= k else -1.0
            if w[k0] * s3 < least:
                break
            if p != src:
                offer((k0, k2, k3), (src, x1, p, dst), [src_key, about[x1]["key"], p_key, dst_key])
    for x1, k0 in firsts:  # 5 hops
        out = around[x1]
        small, big = (out, back) if len(out) <= len(back) else (back, out)
        for x2 in small:
            if x2 == dst or x2 == x1 or x2 not in big:
                continue
            halves = side(x1, k0, x2, out[x2])
            if not halves:
                continue
            ends = side(dst, None, x2, back[x2])
            if not ends:
                continue
            for s1, p1, p1_key, k1, k2 in halves:
                # Weakest strength that can still enter (products taken in
                # another order than strength_of's: a margin keeps ties).
                least = -best[k - 1][0] * (1 - 1e-9) if len(best) >= k else -1.0
                if s1 * ends[0][0] < least:
                    break  # strongest first: the rest are weaker still
                if p1 == src:
                    continue
                for s2, p2, p2_key, k5, k4 in ends:
                    if s1 * s2 < least:
                        break
                    if p2 == p1 or p2 == src:
                        continue
                    offer((k0, k1, k2, k4, k5), (src, x1, p1, x2, p2, dst),
                          [src_key, about[x1]["key"], p1_key, keys[x2], p2_key, dst_key])
                    least = -best[k - 1][0] * (1 - 1e-9) if len(best) >= k else -1.0
    if not best:
        return []
    wanted = sorted({n for *_, (ids, _) in best for n in ids})
    nodes = {r["nid"]: {key: r[key] for key in ("id", "label", "name", "program", "graduation_year")}
             for r in read_cypher(store, "referral_paths_nodes", {"ids": wanted, "as_of": as_of})}
    return [{"strength": -s, "kinds": list(path), "nodes": [nodes[n] for n in ids]}
            for s, _, _, (ids, path) in best]


def nearby_employers_neo4j(store, params: dict, weights: dict | None = None) -> list[dict] | None:
    """The hint on Neo4j: the rows of ``referral_paths_hint.cypher``, ranked by
    the networkx twin's ranking (:func:`_nearest`). The person's own steps come
    from ``referral_paths_hint_start.cypher`` on every call, with the store's
    version; the last two steps from each x (``referral_paths_reach.cypher``:
    at a province's hubs, 34,000 people read to keep 3,000 rows of one
    sector) are kept per process for that version (``Neo4jStore.version()``:
    any committed write, by anyone, changes it, so the next call reads
    afresh), as the embedded store keeps them per graph (:meth:`WalkIndex.reach`).
    None: the person or the employer does not exist."""
    as_of = params["as_of"]
    found, version = read_cypher(store, "referral_paths_hint_start", {
        "nisn": params["nisn"], "employer": params["employer"], "as_of": as_of}, versioned=True)
    if not found:
        return None  # the person or the employer does not exist
    if found[0]["sector"] is None:
        return []
    kept = _kept_reach(store, version)
    start = found[0]
    sector, src, dst = start["sector"], start["src"], start["dst"]
    w = _letters(weights)
    rank = {k: (-x, k) for k, x in w.items()}
    far = min(params["max_hops"], HINT_MAX_HOPS) >= 3
    kinds, about = _first_steps(start["steps"], as_of, rank)
    first = [(x, k0, about[x]["employer"] and about[x]["sector"] == sector,
              far and about[x]["passable"]) for x, k0 in kinds.items() if x != dst]
    with _NEO4J_REACH_LOCK:
        kept.employers.update((x, (about[x]["code"], about[x]["name"]))
                              for x in kinds if about[x]["employer"])
    persons, employers = kept.persons, kept.employers
    reaches = {x: kept.reach.get((x, sector)) for x, _, _, ok in first if ok}
    kept_all = True
    missing = [x for x, reach in reaches.items() if reach is None]
    if missing:
        more, more_persons, more_employers = _read_reach(store, kept, missing, sector)
        reaches.update(more)
        if any(p not in persons for p in more_persons):  # not kept (a write came in)
            persons, employers = {**persons, **more_persons}, {**employers, **more_employers}
            kept_all = False
    born_by = adult_born_by(as_of)

    def can_pass(p: str) -> bool:  # rules.consented's minor rule; the rest was read
        born, guardian = persons[p]
        return guardian or not born or str(born) <= born_by

    def code_of(e: str) -> str:
        return employers[e][0]

    ranked = _nearest(first, reaches.__getitem__, can_pass, code_of,
                      kept.ordered.setdefault(sector, {}) if kept_all else {},
                      src=src, dst=dst, as_of=as_of, w=w, rank=rank)
    return [{"code": employers[e][0], "name": employers[e][1], "sector": sector,
             "strength": -s, "hops": h} for e, (s, h) in ranked]


# -- shared by both implementations ----------------------------------------------

def finish(raw: list[dict], w: dict) -> list[dict]:
    """Rows from raw paths (strength, step letters, nodes), already ordered:
    rank, rounded strength, nodes, relationships and the two explanations."""
    rows = []
    for rank, path in enumerate(raw, start=1):
        nodes, kinds = path["nodes"], path["kinds"]
        rels = []
        for i, k in enumerate(kinds):
            a, b = nodes[i], nodes[i + 1]
            person, other = (a, b) if a["label"] == "Person" else (b, a)
            rels.append({"type": _TYPE[k], "from": person["id"], "to": other["id"],
                         "current": (k == "C") if _TYPE[k] == "WORKS_AT" else None,
                         "weight": w[k]})
        text_id, text_en = explain(nodes, kinds)
        rows.append({
            "rank": rank,
            "strength": round(path["strength"], 6),
            "hops": len(kinds),
            "explanation_id": text_id,
            "explanation_en": text_en,
            "nodes": [{"id": n["id"], "type": n["label"], "key": n["id"].split(":", 1)[1],
                       "name": n["name"]} for n in nodes],
            "relationships": rels,
        })
    return rows


_VERB_ID = {"C": "bekerja di", "P": "pernah bekerja di", "I": "pernah prakerin di"}
_VERB_EN = {"C": "works at", "P": "used to work at", "I": "did an internship at"}
_VERB_EN_YOU = {"C": "work at", "P": "used to work at", "I": "did an internship at"}


def explain(nodes: list[dict], kinds: list[str]) -> tuple[str, str]:
    """One sentence in Indonesian and one in English, from the employer back
    to the asking person ("Anda"/"you"); a person is introduced with
    programme and graduation year the first time they are named.

    >>> nodes = [{"label": "Person", "name": "Ani"},
    ...          {"label": "Program", "name": "Teknik Kendaraan Ringan"},
    ...          {"label": "Person", "name": "Budi", "program": "TKR", "graduation_year": 2018},
    ...          {"label": "Employer", "name": "PT X"}]
    >>> explain(nodes, ["S", "S", "C"])[0]
    'Budi (TKR, lulus 2018) bekerja di PT X; Budi satu program dengan Anda'
    """
    named: set[int] = set()

    def who(i: int) -> tuple[str, str]:
        if i == 0:
            return "Anda", "you"
        n = nodes[i]
        name = n.get("name") or ""
        if i in named:
            return name, name
        named.add(i)
        prog, year = n.get("program"), n.get("graduation_year")
        bits_id = [b for b in (prog, None if year is None else f"lulus {year}") if b]
        bits_en = [b for b in (prog, None if year is None else f"class of {year}") if b]
        return (f"{name} ({', '.join(bits_id)})" if bits_id else name,
                f"{name} ({', '.join(bits_en)})" if bits_en else name)

    clauses_id, clauses_en = [], []
    j = len(kinds) - 1
    while j >= 0:
        if nodes[j]["label"] == "Program":
            # Person j+1 and person j-1 meet in programme j: one clause for two steps.
            sid, sen = who(j + 1)
            oid, oen = who(j - 1)
            clauses_id.append(f"{sid} satu program dengan {oid}")
            clauses_en.append(f"{sen} studied in the same programme as {oen}")
            j -= 2
            continue
        p, e = (j, j + 1) if nodes[j]["label"] == "Person" else (j + 1, j)
        pid, pen = who(p)
        employer = nodes[e].get("name") or nodes[e]["id"].split(":", 1)[1]
        k = kinds[j]
        clauses_id.append(f"{pid} {_VERB_ID[k]} {employer}")
        clauses_en.append(f"{pen} {(_VERB_EN_YOU if p == 0 else _VERB_EN)[k]} {employer}")
        j -= 1
    text_en = "; ".join(clauses_en)
    if text_en.startswith("you "):
        text_en = "Y" + text_en[1:]
    return "; ".join(clauses_id), text_en


def _hint(nearby: list[dict], max_hops: int) -> dict:
    hops = min(max_hops, HINT_MAX_HOPS)
    nearby = [{**e, "strength": round(e["strength"], 6)} for e in nearby]
    if nearby:
        listed = ", ".join(e["name"] or e["code"] for e in nearby)
        return {
            "message_id": f"Tidak ada jalur rujukan dalam {max_hops} langkah. DU/DI sebidang yang "
                          f"terjangkau (paling banyak {hops} langkah): {listed}",
            "message_en": f"No referral path within {max_hops} hops. Employers in the same sector "
                          f"that can be reached (within {hops} hops): {listed}",
            "employers": nearby,
        }
    return {
        "message_id": f"Tidak ada jalur rujukan dalam {max_hops} langkah, dan tidak ada DU/DI "
                      f"sebidang yang terjangkau dalam {hops} langkah",
        "message_en": f"No referral path within {max_hops} hops, and no employer in the same "
                      f"sector within {hops} hops",
        "employers": [],
    }


def main_cypher(max_hops: int) -> str:
    """The Cypher text for ``max_hops`` (up to 4; at 5 :func:`main_neo4j`
    joins the 5-hop paths itself): ``referral_paths.cypher``, or up to 3
    hops ``referral_paths_short.cypher`` (the same query; the person - x -
    p - employer paths met at p from the side with fewer relationships,
    instead of two halves of which the person's expanded through its hubs:
    at a province, 14,000 rows to meet an employer's 13 people)."""
    return cypher_text("referral_paths_short" if max_hops <= 3 else "referral_paths")


def cypher_params(params: dict, weights: dict | None = None) -> dict:
    """The parameters of ``referral_paths.cypher`` for validated ``params``."""
    return {"nisn": params["nisn"], "employer": params["employer"], "as_of": params["as_of"],
            "max_hops": params["max_hops"], "k": params["k"], "weights": _letters(weights)}


def hint_cypher_params(params: dict, weights: dict | None = None) -> dict:
    """The parameters of ``referral_paths_hint.cypher`` for validated ``params``."""
    return {"nisn": params["nisn"], "employer": params["employer"], "as_of": params["as_of"],
            "hops": min(params["max_hops"], HINT_MAX_HOPS), "weights": _letters(weights),
            "limit": HINT_SIZE}


def run(store, params: dict, weights: dict | None = None) -> tuple[list[dict], dict]:
    """Dispatch: Cypher on Neo4j, the networkx twin elsewhere."""
    if not is_neo4j(store):
        G = store.graph()
        args = {k: params[k] for k in ("nisn", "employer", "as_of", "max_hops")}
        rows = referral_paths(G, k=params["k"], weights=weights, **args)
        if rows:
            return rows, {}
        return rows, {"hint": _hint(nearby_employers(G, weights=weights, **args),
                                    params["max_hops"])}
    # A path proves both ends exist; without one, the hint's first read
    # tells (None), and only then are they looked up for the error: two round
    # trips fewer per question.
    rows = finish(main_neo4j(store, params, weights), _letters(weights))
    if rows:
        return rows, {}
    nearby = nearby_employers_neo4j(store, params, weights)
    if nearby is None:
        require_node(store, "Person", (params["nisn"],), "nisn", "person")
        require_node(store, "Employer", (params["employer"],), "employer", "employer")
        nearby = []
    return rows, {"hint": _hint(nearby, params["max_hops"])}


QUERY = Query(
    name="referral_paths",
    title_id="Jalur rujukan ke DU/DI",
    title_en="Referral paths to an employer",
    params=PARAMS,
    columns=COLUMNS,
    runner=run,
    table_columns=("rank", "strength", "hops", "explanation_id"),
    description="Who can introduce this student to that employer: the strongest paths "
                "through consenting alumni. / Siapa yang bisa mengenalkan siswa ini ke DU/DI "
                "tersebut: jalur terkuat lewat alumni yang bersedia dihubungi.",
)
