"""Version-pinned downloads into a content-addressed cache.

:func:`download_pdf` streams ``<pdf_base>/<id>v<n>`` into ``<cache>/.partial/`` (resuming a partial
file with an HTTP ``Range`` request), rejects anything that does not start with ``%PDF`` (an HTML
error page, say) and anything over the size cap, and moves the finished file to
``<cache>/<sha[:2]>/<sha256>.pdf``. :func:`download_source` does the same for the e-print
(``/e-print/<id>v<n>``: a gzip of a tar or of a single file).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
import urllib3

from flopsdb.core.errors import DownloadError, NotAPDF
from flopsdb.core.ids import versioned
from flopsdb.crawler.http import HttpClient

_CHUNK = 1 << 16
_BODY_ERRORS = (
    urllib3.exceptions.HTTPError,
    OSError,
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.Timeout,
    requests.exceptions.ContentDecodingError,
)


@dataclass(frozen=True)
class Downloaded:
    """A file now in the cache."""

    arxiv_id: str
    version: int
    kind: str
    url: str
    sha256: str
    path: Path
    bytes: int
    content_type: str | None = None


def pdf_url(pdf_base: str, arxiv_id: str, version: int) -> str:
    """The version-pinned PDF URL, ``<base>/<id>v<n>``."""
    return f"{pdf_base.rstrip('/')}/{versioned(arxiv_id, version)}"


def eprint_url(eprint_base: str, arxiv_id: str, version: int) -> str:
    """The version-pinned e-print URL, ``<base>/<id>v<n>``."""
    return f"{eprint_base.rstrip('/')}/{versioned(arxiv_id, version)}"


def cache_path(cache_dir: Path, sha256: str, suffix: str) -> Path:
    """Where a file with this hash lives in the cache."""
    return cache_dir / sha256[:2] / f"{sha256}{suffix}"


def _partial(cache_dir: Path, arxiv_id: str, version: int, kind: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", versioned(arxiv_id, version))
    return cache_dir / ".partial" / f"{safe}.{kind}.part"


def _chunks(resp: requests.Response) -> Iterator[bytes]:
    """The body as it arrives (``read1``), so that bytes received before a broken connection are kept."""
    while True:
        chunk = resp.raw.read1(_CHUNK, decode_content=True)
        if not chunk:
            return
        yield chunk


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(
    client: HttpClient,
    url: str,
    part: Path,
    *,
    max_bytes: int,
    paper: str,
    check_head: Callable[[bytes, str | None], None],
    attempts: int,
    max_seconds: float,
) -> str | None:
    """Stream ``url`` into ``part``, resuming after body errors; return the content type."""
    part.parent.mkdir(parents=True, exist_ok=True)
    content_type: str | None = None
    last_error = ""
    deadline = time.monotonic() + max_seconds
    for _ in range(max(1, attempts)):
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            with client.stream(url, headers=headers, paper=paper) as resp:
                content_type = resp.headers.get("Content-Type")
                if resp.status_code == 416:
                    return content_type
                resuming = have > 0 and resp.status_code == 206
                if not resuming:
                    have = 0
                length = resp.headers.get("Content-Length")
                expected = have + int(length) if length and length.isdigit() else None
                if expected is not None and expected > max_bytes:
                    raise DownloadError(f"file is {expected:,} bytes, over the {max_bytes:,}-byte cap", url=url, paper=paper)
                head = b""
                if resuming:
                    with part.open("rb") as f:
                        head = f.read(8)
                checked = False
                written = have
                with part.open("ab" if resuming else "wb") as out:
                    for chunk in _chunks(resp):
                        if not chunk:
                            continue
                        if not checked:
                            head = (head + chunk)[:8]
                            if len(head) >= 5:
                                check_head(head, content_type)
                                checked = True
                        written += len(chunk)
                        if written > max_bytes:
                            raise DownloadError(f"file exceeds the {max_bytes:,}-byte cap", url=url, paper=paper)
                        out.write(chunk)
                        if time.monotonic() > deadline:
                            raise DownloadError(f"too slow: not finished after {max_seconds:g}s; partial file kept", url=url, paper=paper)
                if written == 0:
                    raise DownloadError("empty answer", url=url, paper=paper)
                if not checked:
                    check_head(head, content_type)
                if expected is not None and written < expected:
                    last_error = f"body ended after {written:,} of {expected:,} bytes"
                    continue
                return content_type
        except _BODY_ERRORS as exc:
            last_error = f"{type(exc).__name__}: {exc}"
            continue
        except DownloadError as exc:
            if not str(exc).startswith("too slow"):
                part.unlink(missing_ok=True)
            raise
    raise DownloadError(f"download incomplete ({last_error}); partial file kept for resuming", url=url, paper=paper)


def _finish(part: Path, cache_dir: Path, suffix: str) -> tuple[str, Path, int]:
    sha = _sha256(part)
    target = cache_path(cache_dir, sha, suffix)
    target.parent.mkdir(parents=True, exist_ok=True)
    size = part.stat().st_size
    if target.exists():
        part.unlink()
    else:
        os.replace(part, target)
    return sha, target, size


def download_pdf(
    client: HttpClient,
    pdf_base: str,
    arxiv_id: str,
    version: int,
    cache_dir: Path,
    *,
    max_bytes: int = 60_000_000,
    attempts: int = 3,
    max_seconds: float = 900.0,
) -> Downloaded:
    """Fetch ``<pdf_base>/<id>v<n>`` into the cache and return where it went.

    Raises :class:`NotAPDF` for an answer that is not a PDF, :class:`DownloadError` for one over
    ``max_bytes``, still incomplete after ``attempts`` body reads or not finished within
    ``max_seconds`` (in both cases the partial file is kept and the next call resumes it),
    :class:`HTTPError` for HTTP failures.
    """
    url = pdf_url(pdf_base, arxiv_id, version)
    paper = versioned(arxiv_id, version)

    def check(head: bytes, content_type: str | None) -> None:
        if not head.startswith(b"%PDF"):
            kind = "HTML page" if head.lstrip()[:1] == b"<" or (content_type or "").startswith("text/html") else "non-PDF answer"
            raise NotAPDF(f"got an {kind} instead of a PDF ({content_type or 'no content type'})", url=url, paper=paper)

    part = _partial(cache_dir, arxiv_id, version, "pdf")
    content_type = _fetch(client, url, part, max_bytes=max_bytes, paper=paper, check_head=check, attempts=attempts, max_seconds=max_seconds)
    sha, path, size = _finish(part, cache_dir, ".pdf")
    return Downloaded(arxiv_id, version, "pdf", url, sha, path, size, content_type)


def _source_suffix(part: Path) -> str:
    with part.open("rb") as f:
        head = f.read(4)
    if head.startswith(b"%PDF"):
        return ".pdf"
    if head[:2] != b"\x1f\x8b":
        return ".txt"
    try:
        with gzip.open(part, "rb") as g:
            block = g.read(512)
    except (OSError, EOFError, zlib.error):
        return ".gz"
    return ".tar.gz" if len(block) >= 262 and block[257:262] == b"ustar" else ".gz"


def download_source(
    client: HttpClient,
    eprint_base: str,
    arxiv_id: str,
    version: int,
    cache_dir: Path,
    *,
    max_bytes: int = 60_000_000,
    attempts: int = 3,
    max_seconds: float = 900.0,
) -> Downloaded:
    """Fetch the e-print ``<eprint_base>/<id>v<n>`` into the cache (``.tar.gz``, ``.gz`` or ``.pdf``)."""
    url = eprint_url(eprint_base, arxiv_id, version)
    paper = versioned(arxiv_id, version)

    def check(head: bytes, content_type: str | None) -> None:
        if head.lstrip()[:1] == b"<" and (content_type or "").startswith("text/html"):
            raise DownloadError("got an HTML page instead of the e-print", url=url, paper=paper)

    part = _partial(cache_dir, arxiv_id, version, "src")
    content_type = _fetch(client, url, part, max_bytes=max_bytes, paper=paper, check_head=check, attempts=attempts, max_seconds=max_seconds)
    suffix = _source_suffix(part)
    sha, path, size = _finish(part, cache_dir, suffix)
    return Downloaded(arxiv_id, version, "source", url, sha, path, size, content_type)
