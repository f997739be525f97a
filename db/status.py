"""What ``flopsdb status`` reports: row counts, paper and download breakdowns, the last runs, cursors."""

from __future__ import annotations

from typing import Any

from flopsdb.core.ids import versioned
from flopsdb.db.items import parked_items
from flopsdb.db.runs import last_runs
from flopsdb.db.store import Connection


def _pairs(con: Connection, sql: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in con.execute(sql).fetchall()}


def status_report(con: Connection) -> dict[str, Any]:
    """Counts per table, paper and download breakdowns, recent download failures, items the nightly
    parked, the newest runs and every crawl cursor, as one dict."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
            " AND table_name <> 'schema_migrations' ORDER BY table_name"
        ).fetchall()
    ]
    counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}
    cursors = [
        {"source": s, "cursor": c, "updated_at": u}
        for s, c, u in con.execute("SELECT source, cursor, updated_at FROM crawl_cursors ORDER BY source").fetchall()
    ]
    papers = _pairs(
        con,
        "SELECT 'relevant', count(*) FILTER (WHERE relevant) FROM papers"
        " UNION ALL SELECT 'deleted', count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM papers"
        " UNION ALL SELECT 'source ' || coalesce(source, '?'), count(*) FROM papers GROUP BY source",
    )
    downloads = _pairs(con, "SELECT kind || ' ' || status, count(*) FROM downloads GROUP BY ALL ORDER BY 1")
    failed = [
        {"item": versioned(a, v), "kind": k, "attempts": n, "error": e, "at": t}
        for a, v, k, n, e, t in con.execute(
            "SELECT arxiv_id, version, kind, attempts, error, fetched_at FROM downloads WHERE status <> 'ok' ORDER BY fetched_at DESC LIMIT 10"
        ).fetchall()
    ]
    return {
        "counts": counts,
        "papers": papers,
        "downloads": downloads,
        "failed_downloads": failed,
        "parked": parked_items(con),
        "runs": last_runs(con, 5),
        "cursors": cursors,
    }
