"""The HTTP layer every crawler request goes through: timeouts, bounded retries, one polite rate limiter.

:class:`RateLimiter` spaces requests to one host (at most one request per ``delay`` seconds, one
connection at a time: the slot is held until the body has been read). :class:`HttpClient` retries
429/5xx answers (honouring ``Retry-After``), connection resets, timeouts and truncated bodies with
exponential backoff, and turns what is left into :class:`flopsdb.core.errors.HTTPError`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from typing import ClassVar

import requests

from flopsdb.core.errors import FeedError, HTTPError

RETRY_STATUSES: frozenset[int] = frozenset({408, 425, 429, 500, 502, 503, 504})

_TRANSIENT = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class Retryable(Exception):
    """Raised by a response validator when the body looks transiently broken (e.g. truncated XML)."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class RateLimiter:
    """At most one request per ``delay`` seconds and one at a time.

    Use :meth:`slot` around a whole request (including reading its body). :meth:`defer` pushes the
    next slot back, e.g. by a server's ``Retry-After``. :meth:`shared` returns one limiter per name
    for the whole process, so every arXiv request (OAI-PMH, API, PDFs, e-prints) shares one.
    """

    _registry: ClassVar[dict[str, RateLimiter]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, delay: float) -> None:
        self.delay = float(delay)
        self._lock = threading.Lock()
        self._next_at = 0.0

    @classmethod
    def shared(cls, name: str, delay: float) -> RateLimiter:
        """The process-wide limiter called ``name`` (its delay updated to ``delay``)."""
        with cls._registry_lock:
            limiter = cls._registry.get(name)
            if limiter is None:
                limiter = cls._registry[name] = cls(delay)
            limiter.delay = float(delay)
            return limiter

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for our turn, hold the connection slot, and start the delay when done."""
        with self._lock:
            wait = self._next_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._next_at = max(self._next_at, time.monotonic() + self.delay)

    def defer(self, seconds: float) -> None:
        """No request before ``seconds`` from now."""
        self._next_at = max(self._next_at, time.monotonic() + seconds)


class HttpClient:
    """GET with a descriptive User-Agent, timeouts, bounded retries and an optional rate limiter.

    ``backoff`` is the first wait after a failure without ``Retry-After``; it doubles per attempt up
    to ``max_backoff``. A ``Retry-After`` longer than ``max_retry_after`` is not waited out: the
    request fails with :class:`HTTPError` carrying ``retry_after``.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float = 30.0,
        max_retries: int = 5,
        limiter: RateLimiter | None = None,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 600.0,
        session: requests.Session | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_retries = max_retries
        self.limiter = limiter
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    @contextmanager
    def _slot(self) -> Iterator[None]:
        if self.limiter is None:
            yield
        else:
            with self.limiter.slot():
                yield

    def _wait(self, attempt: int, retry_after: float | None) -> None:
        if retry_after is not None:
            pause = retry_after
        else:
            pause = min(self.max_backoff, self.backoff * (2**attempt)) * (0.75 + 0.5 * random.random())
        if self.limiter is not None:
            self.limiter.defer(pause)
        else:
            time.sleep(pause)

    def _check_status(self, resp: requests.Response, url: str, paper: str | None, accept: frozenset[int]) -> float | None:
        """Return a retry delay for retryable answers, raise for final failures, None when fine."""
        if resp.status_code in accept or 200 <= resp.status_code < 300:
            return None
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        if resp.status_code in RETRY_STATUSES:
            if retry_after is not None and retry_after > self.max_retry_after:
                raise HTTPError(
                    f"server asked to retry after {retry_after:.0f}s (HTTP {resp.status_code}); giving up",
                    status=resp.status_code,
                    retry_after=retry_after,
                    url=url,
                    paper=paper,
                )
            return -1.0 if retry_after is None else retry_after
        raise HTTPError(f"HTTP {resp.status_code} {resp.reason or ''}".strip(), status=resp.status_code, url=url, paper=paper)

    @contextmanager
    def _attempts(
        self,
        url: str,
        *,
        stream: bool,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        validate: Callable[[requests.Response], None] | None,
        accept: frozenset[int],
        paper: str | None,
    ) -> Iterator[requests.Response]:
        """The one request loop: up to ``max_retries + 1`` attempts, each in a rate-limit slot, yielding the
        first good response (its body read unless ``stream``; the slot held while the caller uses it)."""
        last, last_status, last_retry_after, invalid = "no attempt", None, None, False
        for attempt in range(self.max_retries + 1):
            retry_after: float | None = None
            with self._slot():
                try:
                    resp = self.session.get(url, params=params, headers=dict(headers or {}), timeout=self.timeout, stream=stream)
                    if not stream:
                        _ = resp.content
                except _TRANSIENT as exc:
                    last, last_status, invalid = f"{type(exc).__name__}: {exc}", None, False
                else:
                    try:
                        delay = self._check_status(resp, resp.url or url, paper, accept)
                        if delay is None:
                            try:
                                if validate is not None:
                                    validate(resp)
                            except Retryable as exc:
                                last, last_status, invalid = str(exc), resp.status_code, True
                            else:
                                yield resp
                                return
                        else:
                            retry_after = None if delay < 0 else delay
                            last, last_status, invalid = f"HTTP {resp.status_code}", resp.status_code, False
                            last_retry_after = retry_after
                    finally:
                        if stream:
                            resp.close()
            if attempt < self.max_retries:
                self._wait(attempt, retry_after)
        message = f"{last} after {self.max_retries + 1} attempts"
        if invalid:
            raise FeedError(message, url=url, paper=paper)
        raise HTTPError(message, status=last_status, retry_after=last_retry_after, url=url, paper=paper)

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        validate: Callable[[requests.Response], None] | None = None,
        accept: frozenset[int] = frozenset(),
        paper: str | None = None,
    ) -> requests.Response:
        """GET ``url`` and read the whole body, retrying transient failures.

        ``validate(response)`` may raise :class:`Retryable` (the body is retried like a 503) or a
        :class:`flopsdb.core.errors.FlopsdbError` (final). Statuses in ``accept`` are handed to
        ``validate`` instead of failing.
        """
        with self._attempts(url, stream=False, params=params, headers=headers, validate=validate, accept=accept, paper=paper) as resp:
            return resp

    @contextmanager
    def stream(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        paper: str | None = None,
    ) -> Iterator[requests.Response]:
        """Open a streamed GET (retrying until the headers arrive) and hold the rate-limit slot while
        the caller reads the body. Errors while reading the body are the caller's to handle."""
        with self._attempts(url, stream=True, params=None, headers=headers, validate=None, accept=frozenset({416}), paper=paper) as resp:
            yield resp
