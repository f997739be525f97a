"""Single keys from the terminal for the terminal reviewer: one key per call, type-ahead kept, no echo.

``click.getchar`` reads up to 32 bytes at once (two keys typed quickly arrive as one string) and switches
the terminal to raw mode with ``TCSAFLUSH`` on every call, which throws away what was typed while the
next item was loading (and, between calls, the terminal echoes it). :class:`KeyReader` instead puts the
terminal in non-canonical, no-echo mode once for the whole session (``TCSANOW``: pending input is kept),
reads one key per call (one character, or one whole escape sequence such as an arrow key), and leaves
everything typed after that key in the kernel's queue for the next call. Signals stay on (Ctrl-C still
interrupts). :meth:`KeyReader.cooked` gives a line prompt the normal echoing mode for a moment.

When stdin is not a terminal (a pipe, a test runner), keys are read from ``sys.stdin`` one character at a
time; the end of input reads as :data:`END`.
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

END = "q"
"""What :meth:`KeyReader.read_key` returns at the end of input: the reviewer's quit key."""

_ESC = 0x1B
_SEQUENCE_WAIT = 0.05
"""Seconds to wait for the rest of an escape sequence after ESC (a lone ESC is a key of its own)."""


def _utf8_length(lead: int) -> int:
    """Bytes of the UTF-8 character that starts with ``lead`` (1 for anything not a lead byte)."""
    if lead >= 0xF0:
        return 4
    if lead >= 0xE0:
        return 3
    if lead >= 0xC0:
        return 2
    return 1


class KeyReader:
    """Read keys one at a time from ``stream`` (default ``sys.stdin``); a context manager that sets
    and restores the terminal mode. Callable: ``reader()`` is ``reader.read_key()``."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdin
        self._fd: int | None = None
        self._saved: list[Any] | None = None
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            fd = -1
        if fd >= 0 and os.isatty(fd):
            self._fd = fd

    def __enter__(self) -> KeyReader:
        if self._fd is not None:
            import termios

            self._saved = termios.tcgetattr(self._fd)
            mode = termios.tcgetattr(self._fd)
            mode[3] &= ~(termios.ICANON | termios.ECHO)  # lflags: no line editing, no echo; ISIG kept
            mode[6] = list(mode[6])
            mode[6][termios.VMIN] = 1
            mode[6][termios.VTIME] = 0
            termios.tcsetattr(self._fd, termios.TCSANOW, mode)  # TCSANOW: type-ahead stays queued
        return self

    def __exit__(self, *exc: object) -> None:
        self._restore()

    def _restore(self) -> None:
        if self._fd is not None and self._saved is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSANOW, self._saved)

    @contextmanager
    def cooked(self) -> Iterator[None]:
        """The terminal's own mode (line editing, echo) for the duration, for a line prompt; type-ahead is kept."""
        if self._fd is None or self._saved is None:
            yield
            return
        import termios

        mode = termios.tcgetattr(self._fd)
        termios.tcsetattr(self._fd, termios.TCSANOW, self._saved)
        try:
            yield
        finally:
            termios.tcsetattr(self._fd, termios.TCSANOW, mode)

    def __call__(self) -> str:
        return self.read_key()

    def read_key(self) -> str:
        """The next key: one character, or one escape sequence (``"\\x1b[A"``); :data:`END` at the end of input."""
        if self._fd is None:
            ch = self.stream.read(1)
            return ch if ch else END
        first = self._byte()
        if first is None:
            return END
        data = bytes([first])
        if first == _ESC:
            data += self._escape_rest()
        else:
            for _ in range(_utf8_length(first) - 1):
                nxt = self._byte()
                if nxt is None:
                    break
                data += bytes([nxt])
        return data.decode("utf-8", errors="replace")

    def _byte(self, timeout: float | None = None) -> int | None:
        assert self._fd is not None
        if timeout is not None and not select.select([self._fd], [], [], timeout)[0]:
            return None
        got = os.read(self._fd, 1)
        return got[0] if got else None

    def _escape_rest(self) -> bytes:
        """The rest of an escape sequence (CSI ``ESC [ ... final`` or SS3 ``ESC O x``), if it follows at once."""
        nxt = self._byte(_SEQUENCE_WAIT)
        if nxt is None:
            return b""
        out = bytes([nxt])
        if nxt == ord("O"):
            last = self._byte(_SEQUENCE_WAIT)
            return out + (bytes([last]) if last is not None else b"")
        if nxt != ord("["):
            return out
        for _ in range(16):
            b = self._byte(_SEQUENCE_WAIT)
            if b is None:
                break
            out += bytes([b])
            if 0x40 <= b <= 0x7E:
                break
        return out
