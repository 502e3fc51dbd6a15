"""Staff accounts: users with roles, login sessions, API tokens, and the
installation's secrets. All of it lives in the data directory, not in the
graph, so it works the same with both stores.

* ``users.sqlite3`` (stdlib sqlite3): users (password hashed with Argon2id),
  server-side sessions (so logging out really ends a session, and idle and
  absolute timeouts are enforced on the server) and API tokens. Session ids and
  tokens are stored as SHA-256 hashes: a copy of the file logs nobody in.
* ``secret_key`` and ``audit.key``: random secrets generated on first use,
  file mode 0600. There is no default secret and no default password in the
  code: the first admin comes from ``alumni-graph user add NAME --role admin``
  (or the demo's one-time password, printed once).

Roles: ``admin`` (users, settings, deletions), ``bkk`` (referrals, alumni
contact details, tracer data), ``humas`` (partners, employers, visits),
``viewer`` (aggregates and graphs only).
"""
from __future__ import annotations

import hmac
import re
import secrets
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from alumni_graph.graph_service.errors import NotFound, ParameterError
from alumni_graph.security.private import KeptConnection, connect_sqlite, create_sqlite, sha256
from alumni_graph.graph_service.schema import ROLES
from alumni_graph.graph_service.store import now_iso

DB_FILE = "users.sqlite3"
SECRET_FILE = "secret_key"
AUDIT_KEY_FILE = "audit.key"
MIN_PASSWORD = 10
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
TOKEN_PREFIX = "agt_"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_used TEXT,
    revoked_at TEXT
);
"""


def _hasher():
    """Argon2id with argon2-cffi's defaults (tests swap in cheaper parameters)."""
    global HASHER
    if HASHER is None:
        from argon2 import PasswordHasher

        HASHER = PasswordHasher()
    return HASHER


#: The password hasher; None until first use. Tests may set a cheaper one.
HASHER = None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ParameterError(f"the password needs at least {MIN_PASSWORD} characters",
                             [{"param": "password", "message": f"at least {MIN_PASSWORD} characters"}])


def _add_must_change(db: sqlite3.Connection) -> None:
    """must_change: a one-time password (the demo's, a new user's, a reset)
    must be changed before anything else (web.auth's gate); older files lack it."""
    cols = {r["name"] for r in db.execute("PRAGMA table_info(users)")}
    if "must_change" not in cols:
        db.execute("ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0")


class Accounts:
    """Users, sessions and tokens in ``data_dir/users.sqlite3``.

    Every method that writes opens its own connection, so one object serves
    every web thread and the CLI alike. What every web request reads (its
    session, the roster of accounts) goes through one kept connection
    (:class:`~alumni_graph.security.private.KeptConnection`), which never
    writes: so ``PRAGMA data_version`` on it changes with every commit,
    of this process or another, and the roster is read again only then.
    """

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.path = create_sqlite(self.data_dir, DB_FILE, _SCHEMA, upgrade=_add_must_change)
        # A stand-in hash to verify against for unknown users, so a login for
        # a name that does not exist takes as long as a wrong password.
        self._dummy = None
        self._reader = KeptConnection(self.path)
        self._roster: tuple | None = None  # (connection, data_version, users)

    def _connect(self) -> sqlite3.Connection:
        return connect_sqlite(self.path)

    # -- users --------------------------------------------------------------
    def add_user(self, name: str, role: str, password: str, *, must_change: bool = False) -> dict:
        """A new user; ``must_change``: the password is a one-time password."""
        name = (name or "").strip().lower()
        if not USERNAME.fullmatch(name):
            raise ParameterError("a user name has 2-40 characters: a-z, 0-9, '.', '_', '-'",
                                 [{"param": "name", "message": "2-40 of a-z 0-9 . _ -"}])
        if role not in ROLES:
            raise ParameterError(f"role must be one of {', '.join(ROLES)}",
                                 [{"param": "role", "message": f"one of {', '.join(ROLES)}"}])
        check_password(password)
        hashed = hash_password(password)
        try:
            with closing(self._connect()) as db, db:
                db.execute("INSERT INTO users (name, role, password_hash, created_at, must_change) "
                           "VALUES (?, ?, ?, ?, ?)", (name, role, hashed, now_iso(), int(must_change)))
        except sqlite3.IntegrityError:
            raise ParameterError(f"the user {name} already exists",
                                 [{"param": "name", "message": "already exists"}]) from None
        return self.get_user(name)

    def get_user(self, name: str) -> dict | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT id, name, role, disabled, created_at, must_change FROM users WHERE name = ?",
                             ((name or "").strip().lower(),)).fetchone()
        return dict(row) if row else None

    def _require(self, name: str) -> dict:
        user = self.get_user(name)
        if user is None:
            raise NotFound("no such user", [{"param": "name", "message": "no such user"}])
        return user

    def list_users(self) -> list[dict]:
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT u.id, u.name, u.role, u.disabled, u.created_at, "
                "(SELECT count(*) FROM tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL) AS tokens "
                "FROM users u ORDER BY u.name").fetchall()
        return [dict(r) for r in rows]

    def roster(self) -> tuple:
        """``(id, name, role, disabled)`` of every user, by id: what a page that
        lists staff depends on. Read again only after a commit to the file."""
        with self._reader.use() as db:
            version = db.execute("PRAGMA data_version").fetchall()[0][0]
            kept = self._roster
            if kept is not None and kept[0] is db and kept[1] == version:
                return kept[2]
            users = tuple(tuple(r) for r in db.execute(
                "SELECT id, name, role, disabled FROM users ORDER BY id").fetchall())
            self._roster = (db, version, users)
            return users

    def count_users(self) -> int:
        with closing(self._connect()) as db:
            return db.execute("SELECT count(*) FROM users").fetchone()[0]

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        user = self._require(name)
        with closing(self._connect()) as db, db:
            db.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user["id"]))
            if disabled:  # a disabled user is logged out everywhere at once
                db.execute("DELETE FROM sessions WHERE user_id = ?", (user["id"],))
                db.execute("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                           (now_iso(), user["id"]))

    def set_password(self, name: str, password: str, *, must_change: bool = False) -> None:
        """A new password (every session ends); ``must_change``: a one-time one."""
        user = self._require(name)
        check_password(password)
        hashed = hash_password(password)
        with closing(self._connect()) as db, db:
            db.execute("UPDATE users SET password_hash = ?, must_change = ? WHERE id = ?",
                       (hashed, int(must_change), user["id"]))
            db.execute("DELETE FROM sessions WHERE user_id = ?", (user["id"],))

    def authenticate(self, name: str, password: str) -> dict | None:
        """The user if the name and password match an enabled account, else None."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT id, name, role, disabled, password_hash FROM users WHERE name = ?",
                             ((name or "").strip().lower(),)).fetchone()
        if row is None:
            if self._dummy is None:
                self._dummy = hash_password(secrets.token_hex(16))
            verify_password(self._dummy, password or "")
            return None
        if not verify_password(row["password_hash"], password or "") or row["disabled"]:
            return None
        return {"id": row["id"], "name": row["name"], "role": row["role"]}

    # -- sessions -------------------------------------------------------------
    def create_session(self, user_id: int) -> str:
        sid = secrets.token_urlsafe(32)
        now = time.time()
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO sessions (id_hash, user_id, created_at, last_seen) VALUES (?, ?, ?, ?)",
                       (sha256(sid), user_id, now, now))
        return sid

    def session_user(self, sid: str, *, idle_seconds: float, max_seconds: float) -> dict | None:
        """The user of a live session (touching its idle clock), or None; an
        expired session is deleted."""
        if not sid or not isinstance(sid, str):
            return None
        now = time.time()
        key = sha256(sid)
        with self._reader.use() as db:  # every request: no connection to open
            rows = db.execute(
                "SELECT s.created_at, s.last_seen, u.id, u.name, u.role, u.disabled, u.must_change "
                "FROM sessions s "
                "JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?", (key,)).fetchall()
        if not rows:
            return None
        row = rows[0]
        if (row["disabled"] or now - row["last_seen"] > idle_seconds
                or now - row["created_at"] > max_seconds):
            with closing(self._connect()) as db, db:
                db.execute("DELETE FROM sessions WHERE id_hash = ?", (key,))
            return None
        if now - row["last_seen"] > 15:  # one write per 15 s is enough for the idle clock
            with closing(self._connect()) as db, db:
                db.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", (now, key))
        return {"id": row["id"], "name": row["name"], "role": row["role"],
                "must_change": bool(row["must_change"])}

    def end_session(self, sid: str) -> None:
        if not sid:
            return
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (sha256(sid),))

    def purge_sessions(self, *, idle_seconds: float, max_seconds: float) -> int:
        now = time.time()
        with closing(self._connect()) as db, db:
            return db.execute("DELETE FROM sessions WHERE last_seen < ? OR created_at < ?",
                              (now - idle_seconds, now - max_seconds)).rowcount

    # -- API tokens -----------------------------------------------------------
    def create_token(self, name: str, label: str = "") -> tuple[int, str]:
        """A new token for the user: ``(token id, token)``. The token is shown
        once; only its SHA-256 is kept."""
        user = self._require(name)
        if user["disabled"]:
            raise ParameterError("the user is disabled", [{"param": "name", "message": "disabled"}])
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with closing(self._connect()) as db, db:
            cur = db.execute("INSERT INTO tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)",
                             (user["id"], sha256(token), label[:100], now_iso()))
        return cur.lastrowid, token

    def token_user(self, token: str) -> dict | None:
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        with closing(self._connect()) as db, db:
            row = db.execute(
                "SELECT t.id AS token_id, t.last_used, u.id, u.name, u.role, u.disabled FROM tokens t "
                "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL",
                (sha256(token),)).fetchone()
            if row is None or row["disabled"]:
                return None
            today = now_iso()[:10]
            if (row["last_used"] or "")[:10] != today:
                db.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (now_iso(), row["token_id"]))
        return {"id": row["id"], "name": row["name"], "role": row["role"], "token_id": row["token_id"]}

    def list_tokens(self, name: str | None = None) -> list[dict]:
        sql = ("SELECT t.id, u.name AS user, t.label, t.created_at, t.last_used, t.revoked_at "
               "FROM tokens t JOIN users u ON u.id = t.user_id")
        args: tuple = ()
        if name:
            sql += " WHERE u.name = ?"
            args = (name.strip().lower(),)
        with closing(self._connect()) as db:
            return [dict(r) for r in db.execute(sql + " ORDER BY t.id", args).fetchall()]

    def revoke_token(self, token_id: int) -> bool:
        with closing(self._connect()) as db, db:
            return db.execute("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                              (now_iso(), int(token_id))).rowcount > 0

    def revoke_tokens_of(self, name: str) -> int:
        user = self._require(name)
        with closing(self._connect()) as db, db:
            return db.execute("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                              (now_iso(), user["id"])).rowcount


def constant_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(str(a).encode(), str(b).encode())
