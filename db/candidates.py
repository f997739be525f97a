"""Candidates and extraction outcomes in DuckDB."""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from db.store import Connection
from extract.candidate import Candidate
from extract.document import Box, Evidence

__all__ = ["store_candidates", "record_extraction", "load_candidates", "candidate_from_row"]

_COLUMNS = (
    "candidate_id", "paper", "kind", "extractor", "model", "stage", "page", "x0", "top", "x1", "bottom",
    "span_start", "span_end", "snippet", "confidence", "fields", "alternatives", "flags", "pdf_sha256", "pdf_path",
)


def store_candidates(
    con: Connection,
    candidates: Iterable[Candidate],
    *,
    run_id: str,
    pdf_sha256: str | None = None,
    pdf_path: str | None = None,
) -> int:
    """Insert candidates; one already stored (same ``candidate_id``) is left as it is. Returns how many were new."""
    rows = []
    for c in candidates:
        b = c.evidence.bbox
        rows.append([
            c.candidate_id, c.paper, c.kind, c.extractor, c.model, c.stage, c.evidence.page, b.x0, b.top, b.x1, b.bottom,
            c.evidence.start, c.evidence.end, c.evidence.snippet, c.confidence, json.dumps(dict(c.fields), default=str),
            json.dumps([dict(a) for a in c.alternatives], default=str) if c.alternatives else None, list(c.flags),
            pdf_sha256, pdf_path, run_id,
        ])
    if not rows:
        return 0
    before = con.execute("SELECT count(*) FROM candidates").fetchone()[0]
    placeholders = ", ".join("?" * (len(_COLUMNS) + 1))
    con.executemany(
        f"INSERT INTO candidates ({', '.join(_COLUMNS)}, run_id) VALUES ({placeholders}) ON CONFLICT DO NOTHING",
        rows,
    )
    return con.execute("SELECT count(*) FROM candidates").fetchone()[0] - before


def record_extraction(
    con: Connection,
    *,
    paper: str,
    sha256: str,
    status: str,
    run_id: str,
    pdf_path: str | None = None,
    reason: str | None = None,
    pages: int | None = None,
    seconds: float | None = None,
    extractors: Sequence[str] = (),
    n_candidates: int = 0,
) -> None:
    """Record the outcome of extracting one file (``ok`` or ``failed`` with its reason); re-runs count attempts."""
    con.execute(
        """
        INSERT INTO extractions (paper, pdf_path, sha256, status, reason, pages, seconds, extractors, n_candidates, run_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (paper, sha256) DO UPDATE SET
            status = excluded.status, reason = excluded.reason, pages = excluded.pages, seconds = excluded.seconds,
            extractors = excluded.extractors, n_candidates = excluded.n_candidates, run_id = excluded.run_id,
            attempts = extractions.attempts + 1, extracted_at = get_current_timestamp(), pdf_path = excluded.pdf_path
        """,
        [paper, pdf_path, sha256, status, reason, pages, seconds, list(extractors), n_candidates, run_id],
    )


def candidate_from_row(row: dict[str, Any]) -> Candidate:
    """Rebuild a :class:`Candidate` from a ``candidates`` row (as a dict)."""
    fields = row["fields"]
    alts = row.get("alternatives")
    return Candidate(
        paper=row["paper"],
        kind=row["kind"],
        extractor=row["extractor"],
        evidence=Evidence(
            page=row["page"],
            bbox=Box(row["x0"], row["top"], row["x1"], row["bottom"]),
            snippet=row["snippet"] or "",
            start=row["span_start"],
            end=row["span_end"],
        ),
        confidence=row["confidence"],
        fields=json.loads(fields) if isinstance(fields, str) else fields,
        model=row["model"],
        stage=row["stage"],
        alternatives=tuple(json.loads(alts)) if isinstance(alts, str) else tuple(alts or ()),
        flags=tuple(row.get("flags") or ()),
    )


def load_candidates(con: Connection, *, paper: str | None = None) -> list[Candidate]:
    """All stored candidates (of one paper when given), in page order."""
    sql = "SELECT * FROM candidates" + (" WHERE paper = ?" if paper else "") + " ORDER BY paper, page, top, candidate_id"
    cur = con.execute(sql, [paper] if paper else [])
    cols = [d[0] for d in cur.description]
    return [candidate_from_row(dict(zip(cols, r))) for r in cur.fetchall()]
