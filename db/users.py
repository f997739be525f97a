"""Local users and browser sessions (the SQL side; hashing and tokens come from ``curation.auth``)."""

from __future__ import annotations

from datetime import timedelta

from flopsdb.core.errors import CurationError
from flopsdb.curation.auth import hash_password, new_token, token_digest, verify_password
from flopsdb.curation.model import ROLES, Session, User, utcnow
from flopsdb.db.store import Connection

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_DUMMY: list[str] = []


def add_user(con: Connection, name: str, role: str, password: str) -> User:
    """Create a user, or change an existing user's role and password (which signs out all of its sessions)."""
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise CurationError(f"invalid user name {name[:64]!r} (1-64 printable characters, no spaces)")
    if role not in ROLES:
        raise CurationError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise CurationError(f"password too short (at least {MIN_PASSWORD} characters)")
    if len(password) > MAX_PASSWORD:
        raise CurationError(f"password too long (at most {MAX_PASSWORD} characters)")
    con.execute("DELETE FROM sessions WHERE user_name = ?", [name])
    con.execute(
        "INSERT INTO users (name, role, password_hash) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash",
        [name, role, hash_password(password)],
    )
    return User(name, role)


def get_user(con: Connection, name: str) -> User | None:
    """The user called ``name``."""
    row = con.execute("SELECT name, role FROM users WHERE name = ?", [name]).fetchone()
    return User(*row) if row else None


def list_users(con: Connection) -> list[User]:
    """All users by name."""
    return [User(*r) for r in con.execute("SELECT name, role FROM users ORDER BY name").fetchall()]


def check_password(con: Connection, name: str, password: str) -> User | None:
    """The user if the password matches, else None. An unknown name costs the same hash work as a
    known one (a dummy hash is checked), so timing does not tell which names exist."""
    row = con.execute("SELECT name, role, password_hash FROM users WHERE name = ?", [name]).fetchone()
    if row is None:
        if not _DUMMY:
            _DUMMY.append(hash_password(new_token()))
        verify_password(password, _DUMMY[0])
        return None
    return User(row[0], row[1]) if verify_password(password, row[2]) else None


def open_session(con: Connection, user: User, *, hours: float = 12.0) -> Session:
    """Store a new session (only the token's digest) and return it with its plain token."""
    token, csrf = new_token(), new_token()
    now = utcnow()
    expires = now + timedelta(hours=hours)
    con.execute(
        "INSERT INTO sessions (token_digest, user_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        [token_digest(token), user.name, csrf, now, expires],
    )
    return Session(token, user, csrf, expires)


def get_session(con: Connection, token: str) -> Session | None:
    """The unexpired session for a token, with its user's current role."""
    row = con.execute(
        "SELECT u.name, u.role, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.name = s.user_name"
        " WHERE s.token_digest = ? AND s.expires_at > ?",
        [token_digest(token), utcnow()],
    ).fetchone()
    return Session(token, User(row[0], row[1]), row[2], row[3]) if row else None


def close_session(con: Connection, token: str) -> None:
    """Delete a session."""
    con.execute("DELETE FROM sessions WHERE token_digest = ?", [token_digest(token)])


def take_attempt(con: Connection, key: str, limit: int, window_s: float) -> float:
    """Record a sign-in attempt for ``key`` unless ``limit`` attempts are already in the last ``window_s``
    seconds: 0.0 when allowed, else the seconds to wait (nothing recorded). Run it in a write transaction, so
    parallel sign-ins (of this or another server process) cannot overrun the limit."""
    now = utcnow()
    start = now - timedelta(seconds=window_s)
    con.execute("DELETE FROM login_attempts WHERE tried_at <= ?", [start])
    row = con.execute("SELECT count(*), min(tried_at) FROM login_attempts WHERE throttle_key = ?", [key]).fetchone()
    n, first = row if row is not None else (0, None)
    if n >= limit:
        return max((first + timedelta(seconds=window_s) - now).total_seconds(), 0.001)
    con.execute("INSERT INTO login_attempts (attempt_id, throttle_key, tried_at) VALUES (?, ?, ?)", [new_token(), key, now])
    return 0.0


def forgive_attempt(con: Connection, key: str) -> None:
    """Take back the latest attempt of ``key`` (a sign-in that succeeded)."""
    con.execute(
        "DELETE FROM login_attempts WHERE attempt_id = (SELECT attempt_id FROM login_attempts WHERE throttle_key = ? ORDER BY tried_at DESC LIMIT 1)",
        [key],
    )
