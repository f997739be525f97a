"""What ``flopsdb status`` reports: row counts, paper and download breakdowns, the last runs, cursors."""

from __future__ import annotations

from typing import Any

from flopsdb.core.ids import versioned
from flopsdb.db.items import parked_items
from flopsdb.db.runs import last_runs
from flopsdb.db.store import Connection


def _pairs(con: Connection, sql: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in con.execute(sql).fetchall()}


def queue_counts(con: Connection) -> dict[str, int]:
    """The review queue: ``pending`` (candidates nobody has decided), ``curated`` (curated facts), ``disputed``
    (raters kept different versions and no adjudication settled it), ``rejected`` (decided, and not curated nor
    disputed: the raters agreed to reject, or an adjudication rejected it)."""
    row = con.execute(
        """
        SELECT count(*) FILTER (WHERE coalesce(o.n_decided, 0) = 0),
               count(*) FILTER (WHERE f.candidate_id IS NOT NULL),
               count(*) FILTER (WHERE o.n_versions > 1 AND a.candidate_id IS NULL AND f.candidate_id IS NULL),
               count(*) FILTER (WHERE o.n_decided > 0 AND f.candidate_id IS NULL AND NOT (o.n_versions > 1 AND a.candidate_id IS NULL))
        FROM candidates c
        LEFT JOIN review_outcomes o USING (candidate_id)
        LEFT JOIN (SELECT DISTINCT candidate_id FROM adjudications) a USING (candidate_id)
        LEFT JOIN (SELECT DISTINCT candidate_id FROM curated_facts) f USING (candidate_id)
        """
    ).fetchall()[0]
    return dict(zip(("pending", "curated", "disputed", "rejected"), (int(x or 0) for x in row), strict=True))


def facts_by_source(con: Connection) -> dict[str, int]:
    """Facts an analyst can fit, by source: ``curated`` (human-confirmed) and each imported dataset."""
    out = {"curated": int(con.execute("SELECT count(*) FROM curated_facts").fetchall()[0][0])}
    out.update(_pairs(con, "SELECT source, count(*) FROM imported_facts GROUP BY source ORDER BY source"))
    return out


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
        "queue": queue_counts(con),
        "facts_by_source": facts_by_source(con),
        "counts": counts,
        "papers": papers,
        "downloads": downloads,
        "failed_downloads": failed,
        "parked": parked_items(con),
        "runs": last_runs(con, 5),
        "cursors": cursors,
    }
