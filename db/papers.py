"""Papers and crawl cursors: upserts that never double a paper, cursors stored with the page they cover."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flopsdb.crawler.paper import Paper
from flopsdb.db.store import Connection

_COLUMNS = [
    "arxiv_id",
    "version",
    "title",
    "abstract",
    "authors",
    "categories",
    "first_version_date",
    "updated_date",
    "license",
    "pdf_url",
    "comments",
    "journal_ref",
    "doi",
    "source",
    "relevant",
    "relevance_reason",
    "run_id",
    "affiliations",
]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def upsert_papers(
    con: Connection,
    papers: Sequence[Paper],
    relevance: Sequence[tuple[bool, str]],
    run_id: str,
) -> tuple[int, int]:
    """Insert new papers and update known ones to a newer-or-equal version; return ``(new, updated)``
    (``updated`` counts known papers seen again at the same or a newer version).

    A paper seen twice in ``papers`` keeps its last occurrence. A known paper is never taken back to
    an older version, and its ``first_version_date`` is kept when the new record lacks one.
    """
    if not papers:
        return 0, 0
    latest: dict[str, tuple[Paper, tuple[bool, str]]] = {}
    for paper, rel in zip(papers, relevance, strict=True):
        latest[paper.arxiv_id] = (paper, rel)
    rows = [
        [
            p.arxiv_id,
            p.version,
            p.title,
            p.abstract,
            list(p.authors),
            list(p.categories),
            p.first_version_date,
            p.updated_date,
            p.license,
            p.pdf_url,
            p.comments,
            p.journal_ref,
            p.doi,
            p.source,
            rel[0],
            rel[1],
            run_id,
            json.dumps([list(a) for a in p.affiliations]) if any(p.affiliations) else None,
        ]
        for p, rel in latest.values()
    ]
    import pandas as pd  # on demand: only harvests build frames (issue 12)

    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame["first_version_date"] = pd.to_datetime(frame["first_version_date"])
    frame["updated_date"] = pd.to_datetime(frame["updated_date"])
    con.register("incoming_papers", frame)
    try:
        known, updated = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE i.version >= p.version) FROM papers p JOIN incoming_papers i USING (arxiv_id)"
        ).fetchall()[0]
        con.execute(
            "INSERT INTO papers (arxiv_id, version, title, abstract, authors, categories, first_version_date,"
            " updated_date, license, pdf_url, comments, journal_ref, doi, source, relevant, relevance_reason, run_id,"
            " first_seen_at, updated_at, affiliations)"
            " SELECT arxiv_id, version, title, abstract, CAST(authors AS VARCHAR[]), CAST(categories AS VARCHAR[]),"
            " CAST(first_version_date AS DATE), CAST(updated_date AS DATE), license, pdf_url, comments, journal_ref, doi,"
            " source, relevant, relevance_reason, run_id, ?, ?, CAST(affiliations AS JSON) FROM incoming_papers"
            " ON CONFLICT (arxiv_id) DO UPDATE SET"
            " version = excluded.version, title = excluded.title, abstract = excluded.abstract,"
            " authors = excluded.authors, categories = excluded.categories,"
            " first_version_date = coalesce(excluded.first_version_date, papers.first_version_date),"
            " updated_date = excluded.updated_date, license = coalesce(excluded.license, papers.license),"
            " pdf_url = excluded.pdf_url, comments = excluded.comments, journal_ref = excluded.journal_ref,"
            " doi = excluded.doi, source = excluded.source,"
            " relevant = excluded.relevant OR coalesce(papers.relevance_reason = 'pwc', false),"
            " relevance_reason = CASE WHEN papers.relevance_reason = 'pwc' THEN 'pwc' ELSE excluded.relevance_reason END,"
            " run_id = excluded.run_id, updated_at = excluded.updated_at, deleted_at = NULL, deleted_run_id = NULL,"
            " affiliations = coalesce(excluded.affiliations, papers.affiliations)"
            " WHERE excluded.version >= papers.version",
            [_now(), _now()],
        )
    finally:
        con.unregister("incoming_papers")
    return len(rows) - known, updated


def mark_deleted(con: Connection, ids: Sequence[str], run_id: str) -> int:
    """Mark the stored papers with these ids deleted by the repository (kept, with the run that saw the
    deletion; out of the review queue, the downloads and the analyst views). Return how many were newly marked."""
    if not ids:
        return 0
    return (
        con.execute(
            "UPDATE papers SET deleted_at = ?, deleted_run_id = ? WHERE arxiv_id IN (SELECT unnest(?)) AND deleted_at IS NULL RETURNING arxiv_id",
            [_now(), run_id, list(ids)],
        )
        .fetchall()
        .__len__()
    )


def get_cursor(con: Connection, source: str) -> dict[str, Any] | None:
    """The stored cursor of ``source``: ``{"cursor": ..., "state": {...}, "run_id": ..., "updated_at": ...}``."""
    rows = con.execute("SELECT cursor, state, run_id, updated_at FROM crawl_cursors WHERE source = ?", [source]).fetchall()
    if not rows:
        return None
    row = rows[0]
    state = json.loads(row[1]) if row[1] else {}
    return {"cursor": row[0], "state": state, "run_id": row[2], "updated_at": row[3]}


def set_cursor(con: Connection, source: str, cursor: str | None, state: dict[str, Any], run_id: str) -> None:
    """Store ``source``'s cursor (call it in the transaction that stores what the cursor covers)."""
    con.execute(
        "INSERT INTO crawl_cursors (source, cursor, state, run_id, updated_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, state = excluded.state,"
        " run_id = excluded.run_id, updated_at = excluded.updated_at",
        [source, cursor, json.dumps(state), run_id, _now()],
    )
