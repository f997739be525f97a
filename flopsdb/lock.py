"""The nightly lock: one run at a time; a lock left by a dead process is taken over.

The lock is an ``fcntl.flock`` on ``<home>/nightly.lock``. The kernel releases it when its holder
dies (even by ``kill -9``), so a stale lock can never wedge the job: the next run gets the lock and
reads the dead holder's pid from the file to say that it took over.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from flopsdb.core.errors import RunLocked


@dataclass
class RunLock:
    """``with RunLock(path): ...`` holds the lock or raises :class:`RunLocked` naming the holder."""

    path: Path
    took_over_from: dict[str, object] | None = None
    _fd: int | None = None

    def acquire(self) -> RunLock:
        """Take the lock now or raise."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            error = _held(self.path, fd)
            os.close(fd)
            raise error from None
        previous = _read(fd)
        if previous and not previous.get("released"):
            self.took_over_from = previous
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}).encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def check(self) -> None:
        """Raise :class:`RunLocked` when a live run holds the lock, without taking it or creating the file (what a dry
        run asks: it writes nothing, so it needs no lock, but it says when a run is going on)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
        except BlockingIOError:
            raise _held(self.path, fd) from None
        finally:
            os.close(fd)

    def release(self) -> None:
        """Mark the lock released and let go of it."""
        if self._fd is None:
            return
        holder = _read(self._fd) or {}
        holder["released"] = True
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(holder).encode(), 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def _held(path: Path, fd: int) -> RunLocked:
    """The error naming the run that holds the lock (its pid, host and start, as it wrote them)."""
    holder = _read(fd)
    who = f"pid {holder.get('pid')} on {holder.get('host')} since {holder.get('started')}" if holder else "another process"
    return RunLocked(f"another nightly run holds {path} ({who})")


def _read(fd: int) -> dict[str, object]:
    try:
        raw = os.pread(fd, 4096, 0)
        return json.loads(raw) if raw.strip() else {}
    except (OSError, ValueError):
        return {}
