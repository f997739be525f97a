"""Passwords, tokens, CSRF and sign-in throttling: stdlib scrypt hashes and ``secrets`` tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) for storage; never store the password."""
    if not password:
        raise ValueError("empty password")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${_N}${_R}${_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a :func:`hash_password` string (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def new_token() -> str:
    """A URL-safe random token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database stores for a session token (so a leaked table grants no session)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two tokens; False when either is missing."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class Throttle:
    """Sign-in attempts per key (a user name, an address) in a sliding window of ``window`` seconds.

    :meth:`take` records an attempt unless ``limit`` attempts are already in the window, atomically,
    so parallel requests cannot overrun the limit; :meth:`forgive` takes back the attempt of a
    sign-in that succeeded, so only failures count.
    """

    def __init__(self, limit: int, window: float, *, max_keys: int = 100_000) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Record an attempt for ``key``: 0.0 when allowed, else the seconds to wait (nothing recorded)."""
        now = time.monotonic()
        with self._lock:
            if len(self._hits) >= self.max_keys:
                self._hits = {k: q for k, q in self._hits.items() if q and q[-1] > now - self.window}
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            return 0.0

    def forgive(self, key: str) -> None:
        """Take back the latest attempt of ``key``."""
        with self._lock:
            hits = self._hits.get(key)
            if hits:
                hits.pop()
