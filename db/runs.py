"""Runs: every command that writes records one, and every row it writes carries its id."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any, Mapping

from flopsdb.db.store import Connection

__all__ = ["start_run", "finish_run", "last_runs"]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


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


def last_runs(con: Connection, limit: int = 5) -> list[dict[str, Any]]:
    """The most recent runs, newest first."""
    cur = con.execute(
        "SELECT run_id, command, started_at, finished_at, status, counts, error"
        " FROM runs ORDER BY started_at DESC LIMIT ?",
        [limit],
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
