"""Papers-with-Code reference results."""

from __future__ import annotations

from collections.abc import Sequence

from flopsdb.crawler.pwc import PwcResult
from flopsdb.db.store import Connection

_COLUMNS = [
    "result_id",
    "task",
    "task_path",
    "dataset",
    "subdataset",
    "metric",
    "value",
    "raw_value",
    "model_name",
    "paper_title",
    "paper_url",
    "arxiv_id",
    "paper_date",
    "uses_additional_data",
    "source",
    "run_id",
]


def insert_pwc_results(con: Connection, results: Sequence[PwcResult], run_id: str) -> int:
    """Insert results not stored yet (by ``result_id``); return how many were new."""
    if not results:
        return 0
    import pandas as pd  # on demand (issue 12)

    unique = {r.result_id: r for r in results}
    frame = pd.DataFrame(
        [
            [
                rid,
                r.task,
                r.task_path,
                r.dataset,
                r.subdataset,
                r.metric,
                r.value,
                r.raw_value,
                r.model_name,
                r.paper_title,
                r.paper_url,
                r.arxiv_id,
                r.paper_date,
                r.uses_additional_data,
                r.source,
                run_id,
            ]
            for rid, r in unique.items()
        ],
        columns=_COLUMNS,
    )
    frame["paper_date"] = pd.to_datetime(frame["paper_date"])
    frame["uses_additional_data"] = frame["uses_additional_data"].astype("boolean")
    frame["value"] = frame["value"].astype("float64")
    con.register("incoming_pwc", frame)
    try:
        before = con.execute("SELECT count(*) FROM pwc_results").fetchall()[0][0]
        con.execute(
            "INSERT INTO pwc_results (result_id, task, task_path, dataset, subdataset, metric, value, raw_value,"
            " model_name, paper_title, paper_url, arxiv_id, paper_date, uses_additional_data, source, run_id)"
            " SELECT result_id, task, task_path, dataset, subdataset, metric, value, raw_value, model_name, paper_title,"
            " paper_url, arxiv_id, CAST(paper_date AS DATE), uses_additional_data, source, run_id FROM incoming_pwc"
            " ON CONFLICT (result_id) DO NOTHING"
        )
        after = con.execute("SELECT count(*) FROM pwc_results").fetchall()[0][0]
    finally:
        con.unregister("incoming_pwc")
    return after - before


def mark_pwc_linked(con: Connection, run_id: str) -> int:
    """Mark stored papers that Papers with Code links to results as relevant (reason ``pwc``); return how many changed."""
    cur = con.execute(
        "UPDATE papers SET relevant = true, relevance_reason = 'pwc', updated_at = current_timestamp, run_id = ?"
        " WHERE coalesce(relevance_reason, '') <> 'pwc'"
        " AND arxiv_id IN (SELECT DISTINCT arxiv_id FROM pwc_results WHERE arxiv_id IS NOT NULL)",
        [run_id],
    )
    return cur.fetchall()[0][0] if cur.description else 0


def linked_ids(con: Connection, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` that Papers with Code links to at least one stored result."""
    if not ids:
        return set()
    rows = con.execute("SELECT DISTINCT arxiv_id FROM pwc_results WHERE arxiv_id IN (SELECT unnest(?))", [list(ids)]).fetchall()
    return {r[0] for r in rows}
