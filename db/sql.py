"""The analyst's read-only SQL: a locked-down DuckDB connection, a time limit and a row cap.

The connection is read-only, has external access disabled (no COPY to files, ATTACH, read_csv of
outside files, extension installs) and its configuration locked (no SET). A timer thread interrupts
a query that runs past ``timeout`` seconds, and at most ``max_rows`` rows are returned (the result
says when it was cut). The published snapshot (``config.published_path``) is queried when it exists,
else the live file, through a credential-free copy made for the query (the live file holds the accounts).
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from flopsdb.core.config import Config
from flopsdb.core.errors import QueryError, QueryTimeout
from flopsdb.db.publish import publish
from flopsdb.db.store import Store

SAMPLE_QUERY = "SELECT model, year, value AS top1_percent, flop FROM fit_inputs WHERE result_source = 'sample' AND metric = 'top1' ORDER BY flop"
"""A first query to try on the shipped sample's database (``flopsdb demo`` prints it): its dataset, point by point."""

SAFE_CONFIG: dict[str, str] = {"enable_external_access": "false", "lock_configuration": "true"}


@dataclass
class QueryResult:
    """Columns, rows (at most the cap), whether rows were cut off, and which database file answered."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    max_rows: int
    database: str


def query_database(config: Config, *, live: bool = False) -> Path:
    """The file analysts query: the published snapshot when it exists (unless ``live``), else the live database."""
    return config.published_path if config.published_path.exists() and not live else config.db_path


def _modified(path: Path) -> float:
    wal = path.with_name(path.name + ".wal")
    return max(p.stat().st_mtime for p in (path, wal) if p.exists())


def snapshot_staleness(config: Config, *, live: bool = False) -> str | None:
    """A note when the file analysts query is the published snapshot and the live file was written after it
    (how much older the snapshot is); None when the live file is queried or the snapshot is current."""
    if query_database(config, live=live) != config.published_path or not config.db_path.exists():
        return None
    age = _modified(config.db_path) - config.published_path.stat().st_mtime
    if age <= 1.0:
        return None
    hours, rest = divmod(int(age), 3600)
    return (
        f"the published snapshot {config.published_path} is {hours} h {rest // 60} min older than the live "
        f"database (written since the last `flopsdb publish`); use --live to read the live file"
    )


def run_query(
    path: str | Path, sql: str, *, timeout: float = 30.0, max_rows: int = 10_000, lock_timeout: float = 10.0, hide_credentials: bool = False
) -> QueryResult:
    """Run ``sql`` read-only against ``path``; refuse writes, file access and SET; stop after ``timeout`` s. With
    ``hide_credentials`` (the live file, which holds the accounts) the query runs on a credential-free copy of it
    made for this query (``db.publish.publish`` into a temporary folder), so no SQL can reach a password hash."""
    if not sql or not sql.strip():
        raise QueryError("empty query")
    if max_rows < 1:
        raise QueryError("max_rows must be at least 1")
    if hide_credentials:
        with tempfile.TemporaryDirectory(prefix="flopsdb-sql-") as tmp:
            copy = publish(Store(path, lock_timeout=lock_timeout), Path(tmp) / "live.duckdb")
            res = run_query(copy, sql, timeout=timeout, max_rows=max_rows, lock_timeout=lock_timeout)
        return dataclasses.replace(res, database=str(path))
    store = Store(path, read_only=True, lock_timeout=lock_timeout)
    with store.connect(config=SAFE_CONFIG) as con:
        timer = threading.Timer(timeout, con.interrupt)
        timer.daemon = True
        timer.start()
        try:
            cur = con.execute(sql)
            if cur.description is None:
                return QueryResult([], [], False, max_rows, str(path))
            columns = [d[0] for d in cur.description]
            rows = cur.fetchmany(max_rows + 1)
        except duckdb.InterruptException as exc:
            raise QueryTimeout(f"query interrupted after the {timeout:g} s time limit (sql_timeout)") from exc
        except duckdb.Error as exc:
            raise QueryError(f"query refused or failed: {_one_line(exc)}") from exc
        finally:
            timer.cancel()
    return QueryResult(columns, [tuple(r) for r in rows[:max_rows]], len(rows) > max_rows, max_rows, str(path))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:400]
