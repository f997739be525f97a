"""What ``flopsdb status`` reports: row counts, the last runs and the crawl cursors."""

from __future__ import annotations

from typing import Any

from db.runs import last_runs
from db.store import Connection

__all__ = ["status_report"]


def status_report(con: Connection) -> dict[str, Any]:
    """Counts per table, the newest runs and every crawl cursor, as one dict."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        " AND table_name <> 'schema_migrations' ORDER BY table_name"
    ).fetchall()]
    counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    cursors = [
        {"source": s, "cursor": c, "updated_at": u}
        for s, c, u in con.execute("SELECT source, cursor, updated_at FROM crawl_cursors ORDER BY source").fetchall()
    ]
    return {"counts": counts, "runs": last_runs(con, 5), "cursors": cursors}
