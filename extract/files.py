"""Checks before a PDF is read: a storable name, a regular file, a size limit.

A FIFO or a device (``mkfifo f.pdf``, ``/dev/zero``) would block or never end when read, and a file
name that is not valid UTF-8 cannot be stored in the database. :func:`check_pdf_file` refuses both
with a :class:`flopsdb.core.errors.PDFError` before a byte is read (:func:`check_pdf_path`), and
hashes only regular files no larger than the limit (:func:`pdf_digest`, reading through a non-blocking
descriptor that is checked again after opening, so a file swapped for a FIFO in between is refused
too). The extraction pipeline hashes inside the guarded worker, under the file's time limit, so a
regular file that reads slowly (a stalled network mount, a huge sparse file) cannot stall a run.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from flopsdb.core.errors import PDFError

FILE_REASONS: tuple[str, ...] = ("missing", "bad_name", "not_regular", "too_large")
DEFAULT_MAX_BYTES = 60_000_000
"""The default of the ``max_pdf_bytes`` setting."""

_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def storable_name(path: str | Path) -> str:
    """``path`` as valid UTF-8 text: undecodable bytes of a file name become ``\\xNN`` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _refuse_kind(mode: int, name: str, paper: str) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise PDFError(f"{name} is {kind}, not a regular file; not read", reason="not_regular", paper=paper)


def check_pdf_path(path: str | Path, *, paper: str) -> str:
    """Check ``path`` without reading a byte: a storable (UTF-8) name that is a regular file. Return the
    storable name; raise :class:`PDFError` with reason ``bad_name``, ``missing`` or ``not_regular``."""
    name = storable_name(path)
    if name != os.fsdecode(path):
        raise PDFError(f"file name is not valid UTF-8: {name}", reason="bad_name", paper=paper)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise PDFError(f"no such file: {name} ({exc.strerror})", reason="missing", paper=paper) from None
    _refuse_kind(mode, name, paper)
    return name


def pdf_digest(path: str | Path, *, paper: str, max_bytes: int | None = DEFAULT_MAX_BYTES) -> str:
    """The SHA-256 (hex) of a regular file of at most ``max_bytes`` (None: no limit), read through a
    non-blocking descriptor that is checked again after opening; raise :class:`PDFError` (``missing``,
    ``not_regular``, ``too_large``). :mod:`flopsdb.extract.robust` runs this inside the guarded worker,
    under the file's time limit."""
    name = storable_name(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise PDFError(f"cannot open {name}: {exc.strerror}", reason="missing", paper=paper) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        _refuse_kind(info.st_mode, name, paper)
        if max_bytes is not None and info.st_size > max_bytes:
            raise PDFError(f"PDF is {info.st_size} bytes, over the limit of {max_bytes} (max_pdf_bytes)", reason="too_large", paper=paper)
        h, total = hashlib.sha256(), 0
        for block in iter(lambda: fh.read(1 << 20), b""):
            total += len(block)
            if max_bytes is not None and total > max_bytes:
                raise PDFError(f"PDF grew past the limit of {max_bytes} bytes while read", reason="too_large", paper=paper)
            h.update(block)
    return h.hexdigest()


def check_pdf_file(path: str | Path, *, paper: str, max_bytes: int | None = DEFAULT_MAX_BYTES) -> str:
    """Check ``path`` and return its SHA-256 (hex), in this process and without a time limit
    (:func:`check_pdf_path`, then :func:`pdf_digest`); raise :class:`PDFError` with reason ``bad_name``,
    ``missing``, ``not_regular`` or ``too_large`` (over ``max_bytes``; None: no limit)."""
    check_pdf_path(path, paper=paper)
    return pdf_digest(path, paper=paper, max_bytes=max_bytes)
