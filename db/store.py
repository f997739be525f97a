"""The DuckDB store: connections with lock retry, named migrations, transactions.

DuckDB lets one process hold a file read-write, and while it does no other process can open it
at all. flopsdb therefore never keeps the live file open: every unit of work opens it, does a
short transaction and closes it, and an open that finds the file locked is retried with backoff
for up to ``lock_timeout`` seconds (see ``docs/architecture.md``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from flopsdb.core.errors import StoreError, StoreLocked
from flopsdb.core.ids import VERSION_SUFFIX

Connection = duckdb.DuckDBPyConnection

_LOCK_MARKERS = ("could not set lock", "conflicting lock", "lock on file", "database is locked", "unique file handle conflict")


def scalar(con: Connection, sql: str, args: Sequence[Any] = ()) -> Any:
    """The first column of the first row a query answers (``None`` when it answers no row)."""
    row = con.execute(sql, list(args)).fetchone()
    return None if row is None else row[0]


def unversioned_sql(expr: str) -> str:
    """SQL for the paper id ``expr`` without its version suffix: ``flopsdb.core.ids.unversioned`` inside a query."""
    return f"regexp_replace({expr}, '{VERSION_SUFFIX}', '')"


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in _LOCK_MARKERS)


def migration_names() -> list[str]:
    """The names of the shipped migrations, in the order they apply (``0001_core`` ...)."""
    folder = resources.files("flopsdb.db") / "migrations"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".sql"))


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
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only, config=dict(config or {}))
            except duckdb.Error as exc:
                if not _is_lock_error(exc):
                    raise StoreError(f"cannot open {self.path}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreLocked(
                        f"database {self.path} stayed locked by another process for {self.lock_timeout:.0f}s"
                    ) from exc
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 1.6, 0.5)

    @contextmanager
    def connect(self, *, config: Mapping[str, Any] | None = None) -> Iterator[Connection]:
        """Open the file (waiting out other processes' locks), migrate it once, and close it after."""
        con = self._open(config)
        try:
            if not self.read_only and not self._migrated:
                self._migrate(con)
                self._migrated = True
            yield con
        finally:
            con.close()

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
        con = self._open()
        try:
            applied = self._migrate(con)
            self._migrated = True
            return applied
        finally:
            con.close()

    @staticmethod
    def _migrate(con: Connection) -> list[str]:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
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
