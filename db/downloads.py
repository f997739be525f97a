"""Downloads: which relevant papers still need their PDF, and the outcome of each attempt."""

from __future__ import annotations

from datetime import UTC, datetime

from flopsdb.crawler.download import Downloaded
from flopsdb.db.store import Connection


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def papers_to_download(
    con: Connection, *, kind: str = "pdf", max_attempts: int = 5, limit: int | None = None, ids: list[str] | None = None
) -> list[tuple[str, int]]:
    """``(arxiv_id, version)`` of relevant papers (or papers PwC links to results) whose current version
    is not downloaded yet and has failed fewer than ``max_attempts`` times; oldest first.
    With ``ids``, exactly those papers (relevant or not) that are not downloaded yet."""
    sql = (
        "SELECT p.arxiv_id, p.version FROM papers p"
        " LEFT JOIN downloads d ON d.arxiv_id = p.arxiv_id AND d.version = p.version AND d.kind = ?"
        " WHERE (d.status IS NULL OR (d.status <> 'ok' AND d.attempts < ?)) AND p.deleted_at IS NULL"
    )
    params: list[object] = [kind, max_attempts]
    if ids is not None:
        sql += " AND p.arxiv_id IN (SELECT unnest(?))"
        params.append(list(ids))
    else:
        sql += " AND (p.relevant OR p.arxiv_id IN (SELECT arxiv_id FROM pwc_results WHERE arxiv_id IS NOT NULL))"
    sql += " ORDER BY p.first_version_date NULLS LAST, p.arxiv_id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [(r[0], r[1]) for r in con.execute(sql, params).fetchall()]


def cached_download(con: Connection, arxiv_id: str, version: int, kind: str = "pdf") -> tuple[str, str] | None:
    """``(sha256, path)`` of a successful download, if any."""
    rows = con.execute(
        "SELECT sha256, path FROM downloads WHERE arxiv_id = ? AND version = ? AND kind = ? AND status = 'ok'",
        [arxiv_id, version, kind],
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def record_download(con: Connection, d: Downloaded, run_id: str) -> None:
    """Record a successful download (attempts counts every try, failed ones included)."""
    con.execute(
        "INSERT INTO downloads (arxiv_id, version, kind, url, sha256, path, bytes, status, error, attempts, run_id,"
        " fetched_at, content_type) VALUES (?, ?, ?, ?, ?, ?, ?, 'ok', NULL, 1, ?, ?, ?)"
        " ON CONFLICT (arxiv_id, version, kind) DO UPDATE SET url = excluded.url, sha256 = excluded.sha256,"
        " path = excluded.path, bytes = excluded.bytes, status = 'ok', error = NULL,"
        " attempts = downloads.attempts + 1, run_id = excluded.run_id, fetched_at = excluded.fetched_at,"
        " content_type = excluded.content_type",
        [d.arxiv_id, d.version, d.kind, d.url, d.sha256, str(d.path), d.bytes, run_id, _now(), d.content_type],
    )


def record_download_failure(
    con: Connection, arxiv_id: str, version: int, kind: str, url: str, error: str, run_id: str, *, status: str = "failed"
) -> int:
    """Record a failed attempt with its reason; return the number of attempts so far."""
    con.execute(
        "INSERT INTO downloads (arxiv_id, version, kind, url, status, error, attempts, run_id, fetched_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)"
        " ON CONFLICT (arxiv_id, version, kind) DO UPDATE SET url = excluded.url, status = excluded.status,"
        " error = excluded.error, attempts = downloads.attempts + 1, run_id = excluded.run_id,"
        " fetched_at = excluded.fetched_at",
        [arxiv_id, version, kind, url, status, error, run_id, _now()],
    )
    return con.execute("SELECT attempts FROM downloads WHERE arxiv_id = ? AND version = ? AND kind = ?", [arxiv_id, version, kind]).fetchall()[0][0]
