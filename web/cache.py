"""Answers reused until the data changes: the web app's result cache.

Two kinds of entries, both keyed by the store's version
(:meth:`graph_service.store.Store.version`), so any committed write — a
load, an edit on a page, a deletion, an outreach/vacancy/referral record, a
tracer import, a restore, by this process or another (a CLI ``load`` while
``alumni-graph serve`` runs) — makes every older entry unreachable for the
very next request (each request syncs the store first: ``web.get_store``):

* **query results** (:func:`query_result`, used by ``web.shared.run_registered``
  for every page, JSON route and export that runs a named query): keyed by
  the query, its validated parameters (defaults filled in, ``as_of`` = today
  included, so the key moves on at midnight) and the **role view**
  (:func:`role_view`: what the names and contact policy let the caller's
  role see). Two roles whose views differ never share an entry.
* **page responses** (:func:`page_response`, the pages registered with
  ``cache=True`` in ``web.pages``): the body of a GET page and of its JSON
  twin, shared by every user of the same **role view**: keyed by the URL, the
  role (the names and contact policy, the links a role may open), whether the
  user must change their password, the language, today's date, the user
  accounts (a page may list staff) and the version. Users have no other
  scope (no school of their own: every role sees every school), so nothing
  else in a page depends on who asks except what is cut out and put back on
  each request: the session's CSRF token, the user's name in the header
  (:data:`_ME_MARK`) and which outreach owner is preselected (the user,
  :func:`owner_selected`). The audit records the view wrote
  (``view_contacts``) are kept with it and written again, as the user asking,
  on every view answered from the cache, before the answer is sent (one
  durable commit each: security/audit.py). A page is kept as UTF-8 pieces
  split at those marks once (:class:`KeptPage`), so an answer from the cache
  is a join of the pieces with the user's values, not a search of the page.

* **a query's own answer** (:func:`unfiltered`), before the names policy is
  applied to it: keyed by the query, its parameters and whether it is a duty
  view (all that its run depends on), so the roles' views above are each
  derived from one computation. Never shown as is.

* **shared answers** (:func:`shared`: the schools list, Beranda's counts):
  the same for every caller, so keyed by their arguments and the version only.

An entry is kept only when the store's version is the same before and after
the answer was computed (a commit during the computation could have been
half seen). Entries are copies (JSON text, or a page's bytes): a caller
changing what it got cannot change the cache.

Bounded: at most ``CACHE_MAX_ENTRIES`` entries and about ``CACHE_MAX_MB``
of JSON/HTML text, least recently used out first; entries of older versions
are dropped as soon as a newer version is stored. Thread-safe (one lock, held
only for dictionary work, never while computing). ``ALUMNI_GRAPH_CACHE=0``
turns it off. The log gets counts only, never keys (they hold parameter
values: NISNs, names).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from itertools import chain

from flask import current_app, g
from markupsafe import Markup, escape

log = logging.getLogger("alumni_graph.web")

#: Operator settings (``ALUMNI_GRAPH_CACHE``...; web.settings checks them).
CACHE_DEFAULTS = {
    "CACHE": True,
    "CACHE_MAX_ENTRIES": 2000,
    "CACHE_MAX_MB": 64,
}

#: What stands for the session's CSRF token in a kept page body.
_CSRF_MARK = "\x00csrf\x00"
#: What stands for the user's name in a page rendered to be kept (base.html's header).
_ME_MARK = "\x00me\x00"
#: ``selected`` of an outreach owner option, for the user whose name hashes to the hex digits.
_SEL_MARK = "\x00sel:{}\x00"
#: Any of the three in a page body; the group is the mark's name (``me``, ``csrf``, ``sel:<hex>``).
_MARKS = re.compile("\x00(me|csrf|sel:[0-9a-f]{16})\x00")


class KeptPage:
    """A page answer as kept: the audit records its view wrote (JSON text,
    written again for each later view) and its body as UTF-8 pieces split
    once at the marks, so each answer is the pieces joined with the asking
    user's values (:meth:`body`), not a search through the whole page.
    Immutable: what one answer gets cannot change the next."""

    __slots__ = ("audits", "pieces", "marks", "mimetype", "size")

    def __init__(self, audits: str, text: str, mimetype: str):
        parts = _MARKS.split(text)
        self.pieces = tuple(p.encode("utf-8") for p in parts[0::2])
        self.marks = tuple(parts[1::2])
        self.audits = audits
        self.mimetype = mimetype
        self.size = sum(map(len, self.pieces)) + len(audits) + 24 * len(self.marks)

    def body(self, name: str, token: str | None) -> bytes:
        """The body for the user called ``name`` in a session with CSRF ``token``:
        their name in the header, the owner options preselected for them
        (:func:`owner_selected`; the others' options get nothing) and the token."""
        if not self.marks:
            return self.pieces[0]
        fill = {"me": str(escape(name)).encode("utf-8"), "sel:" + _name_digest(name): b"selected"}
        if token:
            fill["csrf"] = token.encode("utf-8")
        get = fill.get
        values = [get(m, b"") for m in self.marks]
        return b"".join(chain(chain.from_iterable(zip(self.pieces, values)), self.pieces[-1:]))


def _size(value) -> int:
    return value.size if isinstance(value, KeptPage) else len(value)


class ResultCache:
    """A bounded, thread-safe LRU map of text (and :class:`KeptPage`), for one
    store version at a time."""

    def __init__(self, max_entries: int = 2000, max_bytes: int = 64 * 2**20):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, str | KeptPage] = OrderedDict()
        self._bytes = 0
        self._version: str | None = None
        self.hits = self.misses = self.stored = self.evicted = 0

    def get(self, version: str, key: tuple) -> "str | KeptPage | None":
        with self._lock:
            if version != self._version:
                self.misses += 1
                return None
            text = self._entries.get(key)
            if text is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return text

    def put(self, version: str, key: tuple, text: "str | KeptPage") -> bool:
        size = _size(text)
        if size > self.max_bytes // 4:
            return False  # one answer must not push out everything else
        with self._lock:
            if version != self._version:
                # A newer version (the request synced first): every older entry is dead.
                self._entries.clear()
                self._bytes = 0
                self._version = version
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= _size(old)
            self._entries[key] = text
            self._bytes += size
            self.stored += 1
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= _size(dropped)
                self.evicted += 1
            return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._version = None

    def stats(self) -> dict:
        with self._lock:
            return {"entries": len(self._entries), "bytes": self._bytes, "hits": self.hits,
                    "misses": self.misses, "stored": self.stored, "evicted": self.evicted}


def init_app(app) -> None:
    app.extensions["alumni_graph_cache"] = ResultCache(
        app.config["CACHE_MAX_ENTRIES"], app.config["CACHE_MAX_MB"] * 2**20)


def the_cache() -> ResultCache | None:
    """The app's cache, or None when ``CACHE`` is off."""
    if not current_app.config.get("CACHE", True):
        return None
    return current_app.extensions.get("alumni_graph_cache")


def request_version() -> str:
    """The store's version as this GET request sees it (after the request's
    sync), asked once per request (GET requests do not write)."""
    from alumni_graph.web import get_store

    version = g.get("_cache_version")
    if version is None:
        version = g._cache_version = get_store().version()
    return version


def _still(version: str) -> bool:
    """Is the store still at ``version`` (nothing committed while we computed)?"""
    from alumni_graph.web import get_store

    return get_store().version() == version


def _keep(cache: ResultCache, version: str, key: tuple, value) -> None:
    """Keep a JSON copy of ``value`` if nothing was committed meanwhile."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return  # not JSON-ready: computed each time
    if _still(version):
        cache.put(version, key, text)


def role_view(query: str) -> tuple:
    """What the names and contact policy show the caller in ``query``'s rows:
    the role's names rule, whether the view names everyone to this role (a
    duty view), and the contact policy. Roles with the same view (admin and
    bkk) share entries; roles whose views differ never do. Anything new that
    makes a query's rows depend on the caller belongs in this key."""
    from alumni_graph.web import access, names

    role = access.current_role()
    return (names.ROLE_RULE.get(role or "", "none"), names.names_all(query, role),
            access.contact_policy(), access.NAME_MODES.get(role or "", "none"))


def query_result(query: str, params_key, compute: Callable[[], dict]) -> dict:
    """``compute()`` (a query result as the names policy left it, a JSON-ready
    dict), or a copy of the same answer kept for this query, parameters, role
    view and store version. ``params_key`` None: not cacheable (computed)."""
    if params_key is None:
        return compute()
    return _kept(lambda: ("query", query, params_key, role_view(query)), compute)


def unfiltered(query: str, params_key, names_all: bool, compute: Callable[[], dict]) -> dict:
    """``compute()`` (a query's own answer, *before* the names policy), or a
    copy of it kept by query, parameters, whether the query names everyone
    (a duty view) and the store's version: one computation serves every role
    (each gets its rows through the names policy afterwards, and that result
    is kept per role view by :func:`query_result`). Never returned to a
    caller as is: ``web.shared.run_registered`` applies the policy to it."""
    if params_key is None:
        return compute()
    return _kept(lambda: ("unfiltered", query, params_key, names_all), compute)


def shared(name: str, args: tuple, compute: Callable[[], object]):
    """``compute()`` for answers that are the same for every caller (counts,
    the list of schools), kept by ``name``, ``args`` and the store's version:
    no role in the key, so only for what shows no person."""
    return _kept(lambda: ("shared", name, args), compute)


def _kept(make_key: Callable[[], tuple], compute: Callable[[], object]):
    """``compute()``'s JSON-ready answer, or a copy of the one kept under
    ``make_key()`` at the store's current version. Only within a GET request:
    a POST may write first, and gets what it wrote."""
    from flask import has_request_context, request

    cache = the_cache()
    if cache is None or not has_request_context() or request.method != "GET":
        return compute()
    version = request_version()
    key = make_key()
    text = cache.get(version, key)
    if text is not None:
        return json.loads(text)
    value = compute()
    _keep(cache, version, key, value)
    return value


def schools():
    """Every school with its programmes (``queries.explore.schools``), kept."""
    from alumni_graph.queries import explore
    from alumni_graph.web import get_store

    return shared("schools", (), lambda: explore.schools(get_store()))


def overview(npsn: str | None, as_of: str | None) -> dict:
    """Beranda's numbers (``queries.explore.overview``: counts only), kept;
    ``as_of`` defaults to today (in the key)."""
    from alumni_graph.queries import explore
    from alumni_graph.web import get_store

    return shared("overview", (npsn, as_of or dt.date.today().isoformat()),
                  lambda: explore.overview(get_store(), npsn, as_of))


def params_key(params: dict) -> str | None:
    """Validated parameters as a key: sorted JSON (None when not JSON-ready)."""
    try:
        return json.dumps(params, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None


def page_response(kind: str, make: Callable[[], object]):
    """A GET page (``kind`` "html") or its JSON twin ("json") from the cache,
    or made by ``make()`` (a Response or text) and kept when it is a plain 200.
    Entries are shared by the users of one role view (see the module's notes);
    an HTML page is rendered with marks where it shows the user
    (:func:`my_name`, :func:`owner_selected`), kept with them, and each answer
    has them filled in for the user asking."""
    from flask import request, session

    from alumni_graph.web import access
    from alumni_graph.web.auth import csrf_token

    cache = the_cache()
    user = access.current_user()
    if cache is None or request.method != "GET" or user is None or session.get("_flashes"):
        return make()  # (a flashed message is shown once, never kept)
    version = request_version()
    key = ("page", kind, request.endpoint, request.full_path, user.get("role"),
           bool(user.get("must_change")), g.get("lang"), dt.date.today().isoformat(), _roster())
    kept = cache.get(version, key)
    token = csrf_token() if kind == "html" else None
    name = str(user.get("name") or "")
    if kept is not None:
        for action, kwargs in json.loads(kept.audits):  # every view is audited, kept or not
            access.audit(action, **kwargs)
        return current_app.response_class(kept.body(name, token), mimetype=kept.mimetype)
    g._audit_capture = []
    g._page_marks = kind == "html"
    try:
        out = make()
    finally:
        audits = g.pop("_audit_capture", [])
        g.pop("_page_marks", None)
    response = current_app.make_response(out)
    if response.direct_passthrough:
        return response
    try:
        head = json.dumps(audits, ensure_ascii=False)
    except (TypeError, ValueError):
        head = None  # an audit detail that is not JSON: never kept
    keep = head is not None and response.status_code == 200 and _still(version)
    if kind != "html" and not keep:
        return response  # nothing to fill in, nothing to keep
    body = response.get_data(as_text=True)
    page = KeptPage(head or "[]", body.replace(token, _CSRF_MARK) if token else body, response.mimetype)
    if keep:
        cache.put(version, key, page)
    if kind == "html":
        response.set_data(page.body(name, token))
    return response


def my_name() -> str:
    """The user's name as a page shows it: a mark while a page is rendered to
    be kept (filled in per request by :meth:`KeptPage.body`)."""
    from alumni_graph.web import access

    if g.get("_page_marks"):
        return _ME_MARK
    return (access.current_user() or {}).get("name", "")


def owner_selected(option: str, owner: str | None) -> str:
    """``selected`` for the outreach owner option to preselect: the row's
    owner, or else the user asking (a mark while a page is rendered to be
    kept); "" for the others."""
    if owner:
        return Markup("selected") if option == owner else ""
    if g.get("_page_marks"):
        return Markup(_SEL_MARK.format(_name_digest(option)))
    return Markup("selected") if option == my_name() else ""


def _name_digest(name: str) -> str:
    return hashlib.sha256(str(name).encode("utf-8")).hexdigest()[:16]


def _roster() -> str:
    """The user accounts as pages may show them (the outreach owners list on
    Calon mitra): they live beside the store, not in it, so they are part of
    a page's key (read again only after a commit to the accounts file)."""
    from alumni_graph.web.auth import accounts

    return hashlib.sha256(repr(accounts().roster()).encode()).hexdigest()[:16]
