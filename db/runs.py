"""Runs: every command that writes records one, and every row it writes carries its id."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flopsdb.db.store import Connection, Store


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start_run(con: Connection, command: str, *, run_id: str | None = None) -> str:
    """Record the start of ``command`` and return its run id."""
    run_id = run_id or f"{_now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    con.execute(
        "INSERT INTO runs (run_id, command, started_at, status) VALUES (?, ?, ?, 'running')",
        [run_id, command, _now()],
    )
    return run_id


def finish_run(
    con: Connection,
    run_id: str,
    *,
    status: str = "ok",
    counts: Mapping[str, Any] | None = None,
    error: str | None = None,
) -> None:
    """Record how a run ended: ``ok``, ``partial`` (item failures) or ``failed``."""
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, counts = ?, error = ? WHERE run_id = ?",
        [_now(), status, json.dumps(dict(counts or {}), default=str), error, run_id],
    )


@dataclass
class Run:
    """A run being recorded: its id, and the status, counts and error it will end with."""

    run_id: str
    status: str = "ok"
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@contextmanager
def recording(store: Store, command: str, *, run_id: str | None = None, con: Connection | None = None) -> Iterator[Run]:
    """Record a run of ``command`` around a block: started on entry, finished on exit with the status the block
    set (``ok`` by default), or ``failed`` with the exception's message when the block raises.

    Given the ``run_id`` of an enclosing run (a nightly step), nothing is recorded: the enclosing run owns it.
    Given ``con``, an open transaction holding the block's writes, the run's start and end are written on it,
    so they commit with the writes or roll back with them (a block that raises then leaves no run at all).
    """
    own = run_id is None
    if run_id is None:
        if con is not None:
            run_id = start_run(con, command)
        else:
            with store.transaction() as tx:
                run_id = start_run(tx, command)
    run = Run(run_id)
    try:
        yield run
    except BaseException as exc:
        if own and con is None:
            with store.transaction() as tx:
                finish_run(tx, run.run_id, status="failed", counts=run.counts, error=str(exc) or type(exc).__name__)
        raise
    if own:
        if con is not None:
            finish_run(con, run.run_id, status=run.status, counts=run.counts, error=run.error)
        else:
            with store.transaction() as tx:
                finish_run(tx, run.run_id, status=run.status, counts=run.counts, error=run.error)


def last_runs(con: Connection, limit: int = 5) -> list[dict[str, Any]]:
    """The most recent runs, newest first."""
    cur = con.execute(
        "SELECT run_id, command, started_at, finished_at, status, counts, error FROM runs ORDER BY started_at DESC LIMIT ?",
        [limit],
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
