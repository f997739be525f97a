"""Per-item failures of the nightly job: recorded with their reason, retried with backoff, parked after N."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flopsdb.core.ids import split_version
from flopsdb.db.store import Connection, scalar

BACKOFF_BASE = timedelta(hours=12)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_failure(
    con: Connection,
    stage: str,
    item: str,
    error: str,
    *,
    run_id: str,
    max_failures: int,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Count one more failure of ``item`` at ``stage``; the next try waits ``BACKOFF_BASE * 2**(n-1)``.

    After ``max_failures`` failures the item is parked: no automatic retry until it is cleared.
    Returns the item's row.
    """
    now = now or _now()
    row = con.execute("SELECT attempts, first_failed_at FROM item_failures WHERE stage = ? AND item = ?", [stage, item]).fetchone()
    attempts = (row[0] if row else 0) + 1
    first = row[1] if row else now
    next_try = now + BACKOFF_BASE * (2 ** (attempts - 1))
    parked = attempts >= max_failures
    con.execute(
        """
        INSERT OR REPLACE INTO item_failures
            (stage, item, attempts, last_error, first_failed_at, last_failed_at, next_try_at, parked, run_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [stage, item, attempts, error[:2000], first, now, next_try, parked, run_id],
    )
    return {"stage": stage, "item": item, "attempts": attempts, "next_try_at": next_try, "parked": parked, "last_error": error}


def clear_failure(con: Connection, stage: str, item: str) -> None:
    """Forget the failures of an item that has now succeeded (or that an operator unparks)."""
    con.execute("DELETE FROM item_failures WHERE stage = ? AND item = ?", [stage, item])


def unpark(con: Connection, item: str) -> int:
    """Forget every failure of ``item`` (e.g. ``2611.00004v1``) so the next nightly tries it again,
    including the download attempts counted for it. Returns how many parked or failing rows were cleared."""
    n = con.execute("SELECT count(*) FROM item_failures WHERE item = ?", [item]).fetchall()[0][0]
    con.execute("DELETE FROM item_failures WHERE item = ?", [item])
    try:
        arxiv_id, version = split_version(item)
    except ValueError:
        return n
    con.execute("UPDATE downloads SET attempts = 0 WHERE arxiv_id = ? AND version = ? AND status <> 'ok'", [arxiv_id, version])
    return n


def due_for_retry(con: Connection, stage: str, item: str, *, now: datetime | None = None) -> bool:
    """True unless the item is parked or still inside its backoff window."""
    row = con.execute("SELECT next_try_at, parked FROM item_failures WHERE stage = ? AND item = ?", [stage, item]).fetchone()
    if row is None:
        return True
    return (not row[1]) and row[0] <= (now or _now())


def parked_items(con: Connection) -> list[dict[str, Any]]:
    """Items that failed too often and wait for an operator."""
    cur = con.execute("SELECT stage, item, attempts, last_error, last_failed_at FROM item_failures WHERE parked ORDER BY stage, item")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def queue_counts(con: Connection, run_id: str) -> dict[str, int]:
    """Candidates this run added, and all candidates that still wait for a verdict."""
    new = scalar(con, "SELECT count(*) FROM candidates WHERE run_id = ?", [run_id])
    waiting = scalar(con, "SELECT count(*) FROM candidates c WHERE NOT EXISTS (SELECT 1 FROM review_events e WHERE e.candidate_id = c.candidate_id)")
    return {"queued": new, "awaiting_review": waiting}
