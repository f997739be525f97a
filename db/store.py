"""The DuckDB store: connections with lock retry, named migrations, transactions, and a held connection.

DuckDB lets one process hold a file read-write, and while it does no other process can open it
at all. Commands therefore do not keep the live file open: every unit of work opens it, does a
short transaction and closes it, and an open that finds the file locked is retried with backoff
for up to ``lock_timeout`` seconds.

A long-running server (the review server) instead *holds* the file (:meth:`Store.hold`): one
connection, opened once, and each unit of work is a cursor on it, so a request pays no open. The
holder hands the file over on request: a process whose open finds the file locked leaves a
request marker beside it (``<file>.want.<pid>``), and the holder, which looks for markers every
few tens of milliseconds, lets its in-flight units finish, closes the file, and does not reopen it
until the waiter has got in (its marker is gone) or a grace period has passed. It also lets go
after ``idle_s`` without work. See ``docs/architecture.md``.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from flopsdb.core.errors import StoreError, StoreLocked

Connection = duckdb.DuckDBPyConnection

_LOCK_MARKERS = ("could not set lock", "conflicting lock", "lock on file", "database is locked", "unique file handle conflict")


def scalar(con: Connection, sql: str, args: Sequence[Any] = ()) -> Any:
    """The first column of the first row a query answers (``None`` when it answers no row)."""
    row = con.execute(sql, list(args)).fetchone()
    return None if row is None else row[0]


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in _LOCK_MARKERS)


def migration_names() -> list[str]:
    """The names of the shipped migrations, in the order they apply (``0001_core`` ...)."""
    folder = resources.files("flopsdb.db") / "migrations"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".sql"))


def _markers(path: Path) -> list[Path]:
    """Live request markers of processes waiting for ``path`` (stale ones, of dead processes, removed)."""
    prefix = path.name + ".want."
    out: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return out
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        marker = Path(entry.path)
        try:
            pid = int(entry.name[len(prefix) :].split(".")[0])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            marker.unlink(missing_ok=True)
            continue
        except PermissionError:
            pass
        out.append(marker)
    return out


def _migration_sql(name: str) -> str:
    return (resources.files("flopsdb.db") / "migrations" / f"{name}.sql").read_text(encoding="utf-8")


class Store:
    """A DuckDB file and how to reach it safely.

    >>> store = Store(":memory:")   # doctest: +SKIP
    >>> with store.transaction() as con:   # doctest: +SKIP
    ...     con.execute("SELECT 1").fetchone()
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.lock_timeout = lock_timeout
        self._migrated = False

    def _key(self) -> str:
        return str(self.path.resolve()) if str(self.path) != ":memory:" else ":memory:"

    def hold(self, *, idle_s: float = 30.0, poll_s: float = 0.03, grace_s: float = 5.0) -> Holder:
        """Hold the file open in this process (one connection for every ``Store`` of this path here,
        read-write ones without a custom config) until :meth:`Holder.close`; hand it over to other
        processes that ask (see the module docstring). Idempotent: returns the existing holder."""
        with _HOLDERS_LOCK:
            holder = _HOLDERS.get(self._key())
            if holder is None or holder.closed:
                holder = _HOLDERS[self._key()] = Holder(self, idle_s=idle_s, poll_s=poll_s, grace_s=grace_s)
            return holder

    def holder(self) -> Holder | None:
        """The live holder of this file in this process, if any."""
        holder = _HOLDERS.get(self._key())
        return holder if holder is not None and not holder.closed else None

    def __repr__(self) -> str:
        mode = "ro" if self.read_only else "rw"
        return f"Store({str(self.path)!r}, {mode})"

    def _open(self, config: Mapping[str, Any] | None = None) -> Connection:
        if not self.read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise StoreError(f"database not found: {self.path}")
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        marker: Path | None = None
        try:
            while True:
                try:
                    return duckdb.connect(str(self.path), read_only=self.read_only, config=dict(config or {}))
                except duckdb.Error as exc:
                    if not _is_lock_error(exc):
                        raise StoreError(f"cannot open {self.path}: {exc}") from exc
                    if time.monotonic() >= deadline:
                        raise StoreLocked(f"database {self.path} stayed locked by another process for {self.lock_timeout:.0f}s") from exc
                    if marker is None and not self._holds_here():
                        marker = self._ask_holder()
                    time.sleep(delay * (0.5 + random.random()))
                    delay = min(delay * 1.6, 0.5 if marker is None else 0.1)
        finally:
            if marker is not None:
                marker.unlink(missing_ok=True)

    def _holds_here(self) -> bool:
        holder = _HOLDERS.get(self._key())
        return holder is not None and holder.opening

    def _ask_holder(self) -> Path | None:
        """Leave a request marker beside the file, so that a server holding it hands it over."""
        marker = self.path.with_name(f"{self.path.name}.want.{os.getpid()}.{threading.get_ident()}")
        try:
            marker.touch()
        except OSError:
            return None
        return marker

    @contextmanager
    def connect(self, *, config: Mapping[str, Any] | None = None) -> Iterator[Connection]:
        """Open the file (waiting out other processes' locks), migrate it once, and close it after.
        When this process holds the file (:meth:`hold`), a cursor on the held connection instead."""
        holder = None if (self.read_only or config) else self.holder()
        if holder is not None:
            with holder.cursor() as cur:
                yield cur
            return
        con = self._open(config)
        try:
            if not self.read_only and not self._migrated:
                self._migrate(con)
                self._migrated = True
            yield con
        finally:
            con.close()

    @contextmanager
    def dry_run(self) -> Iterator[Connection]:
        """A connection for a ``--dry-run`` plan, through which nothing reaches the disk: the file opened
        read-only when it exists (it must be migrated: a dry run cannot migrate), else an empty migrated
        database in memory, so a plan on a new home reads empty tables and leaves no file behind."""
        if str(self.path) == ":memory:" or not self.path.exists():
            con = duckdb.connect(":memory:")
            try:
                self._migrate(con)
                yield con
            finally:
                con.close()
            return
        with Store(self.path, read_only=True, lock_timeout=self.lock_timeout).connect() as con:
            try:
                done = {r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()}
            except duckdb.Error as exc:
                raise StoreError(f"{self.path} is not a flopsdb database ({exc})") from exc
            pending = [name for name in migration_names() if name not in done]
            if pending:
                raise StoreError(
                    f"{self.path} needs {len(pending)} migration(s) ({', '.join(pending[:3])}{', ...' if len(pending) > 3 else ''}) and a"
                    " dry run writes nothing: run any writing command first (it migrates the file), then the dry run"
                )
            yield con

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside ``BEGIN`` ... ``COMMIT``; rolled back if the block raises."""
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def migrate(self) -> list[str]:
        """Apply pending migrations; return the names applied now."""
        holder = None if self.read_only else self.holder()
        if holder is not None:
            with holder.cursor() as cur:
                applied = self._migrate(cur)
                self._migrated = True
                return applied
        con = self._open()
        try:
            applied = self._migrate(con)
            self._migrated = True
            return applied
        finally:
            con.close()

    @staticmethod
    def _migrate(con: Connection) -> list[str]:
        con.execute("CREATE TABLE IF NOT EXISTS schema_migrations ( name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)")
        done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
        applied: list[str] = []
        for name in migration_names():
            if name in done:
                continue
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(_migration_sql(name))
                con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
                con.execute("COMMIT")
            except duckdb.Error as exc:
                con.execute("ROLLBACK")
                raise StoreError(f"migration {name} failed: {exc}") from exc
            applied.append(name)
        return applied

    def applied_migrations(self) -> list[str]:
        """The migrations recorded in the database, in order."""
        with self.connect() as con:
            return [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]


_HOLDERS: dict[str, Holder] = {}
_HOLDERS_LOCK = threading.Lock()


class Holder:
    """One connection a long-running process keeps on a file, lent out as cursors, handed over on request.

    Units of work (:meth:`cursor`) run concurrently on cursors of the one connection. A watcher
    thread closes the connection when another process has left a request marker (after the units
    in flight finish; new ones wait) or after ``idle_s`` without work; the next unit reopens it,
    after the waiter got in or ``grace_s`` passed.
    """

    def __init__(self, store: Store, *, idle_s: float, poll_s: float, grace_s: float) -> None:
        self.store = store
        self.idle_s, self.poll_s, self.grace_s = idle_s, poll_s, grace_s
        self.closed = False
        self.opening = False
        self.handovers = 0
        self._con: Connection | None = None
        self._cond = threading.Condition()
        self._active = 0
        self._draining = False
        self._yielded_at: float | None = None
        self._last = time.monotonic()

    def __repr__(self) -> str:
        return f"Holder({str(self.store.path)!r}, {'open' if self._con is not None else 'released'})"

    @property
    def is_open(self) -> bool:
        """Whether the file is open in this process right now."""
        return self._con is not None

    @contextmanager
    def cursor(self) -> Iterator[Connection]:
        """A cursor on the held connection for one unit of work (opening the file when released)."""
        with self._cond:
            while self._draining:
                self._cond.wait()
            while self._con is None:
                if self.closed:
                    raise StoreError(f"the holder of {self.store.path} is closed")
                if self.opening:
                    self._cond.wait()
                else:
                    self._reopen()
            self._active += 1
            con = self._con
        assert con is not None
        try:
            cur = con.cursor()
            try:
                yield cur
            finally:
                cur.close()
        finally:
            with self._cond:
                self._active -= 1
                self._last = time.monotonic()
                self._cond.notify_all()

    def _reopen(self) -> None:
        """Open the file (called under the condition's lock; other units wait on ``opening``): first give
        a waiter we yielded to its turn."""
        self.opening = True
        try:
            if self._yielded_at is not None:
                while _markers(self.store.path) and time.monotonic() - self._yielded_at < self.grace_s:
                    self._cond.wait(self.poll_s)
                self._yielded_at = None
            con = self.store._open()
            try:
                if not self.store._migrated:
                    self.store._migrate(con)
                    self.store._migrated = True
                con.execute("SET threads = 1")
            except BaseException:
                con.close()
                raise
            self._con = con
            self._last = time.monotonic()
            # The watcher lives while the file is open here (it ends when it lets the file go).
            threading.Thread(target=self._watch, args=(con,), name=f"hold {self.store.path.name}", daemon=True).start()
        finally:
            self.opening = False
            self._cond.notify_all()

    def _release(self) -> None:
        """Close the connection (under the condition's lock, with no unit in flight)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def _watch(self, con: Connection) -> None:
        while True:
            time.sleep(self.poll_s)
            with self._cond:
                if self.closed or self._con is not con:
                    return
                wanted = bool(_markers(self.store.path))
                idle = self._active == 0 and time.monotonic() - self._last >= self.idle_s
                if not (wanted or idle):
                    continue
                self._draining = True
                while self._active:
                    self._cond.wait()
                self._release()
                if wanted:
                    self.handovers += 1
                    self._yielded_at = time.monotonic()
                self._draining = False
                self._cond.notify_all()
                return

    def close(self) -> None:
        """Let the file go for good (after the units in flight); the store opens per unit again."""
        with self._cond:
            self._draining = True
            while self._active:
                self._cond.wait()
            self._release()
            self.closed = True
            self._draining = False
            self._cond.notify_all()
        with _HOLDERS_LOCK:
            if _HOLDERS.get(self.store._key()) is self:
                del _HOLDERS[self.store._key()]
