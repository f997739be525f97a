"""Candidates and extraction outcomes in DuckDB."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from flopsdb.core.ids import VersionedId
from flopsdb.db.store import Connection, scalar
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence

_COLUMNS = (
    "candidate_id",
    "paper",
    "kind",
    "extractor",
    "model",
    "stage",
    "page",
    "x0",
    "top",
    "x1",
    "bottom",
    "span_start",
    "span_end",
    "snippet",
    "confidence",
    "fields",
    "alternatives",
    "flags",
    "pdf_sha256",
    "pdf_path",
    "model_key",
    "scope",
    "headline",
    "headline_reason",
    "paper_id",
    "paper_version",
    "extractor_name",
    "extractor_version",
)


def candidate_row(c: Candidate, *, pdf_sha256: str | None = None, pdf_path: str | None = None) -> dict[str, Any]:
    """A candidate as a ``candidates`` row without its run id (also the schema of Parquet shards)."""
    b = c.evidence.bbox
    paper_id, paper_version = VersionedId.split(c.paper)
    extractor_name, extractor_version = VersionedId.split(c.extractor)
    return {
        "candidate_id": c.candidate_id,
        "paper": c.paper,
        "kind": c.kind,
        "extractor": c.extractor,
        "model": c.model,
        "stage": c.stage,
        "page": c.evidence.page,
        "x0": b.x0,
        "top": b.top,
        "x1": b.x1,
        "bottom": b.bottom,
        "span_start": c.evidence.start,
        "span_end": c.evidence.end,
        "snippet": c.evidence.snippet,
        "confidence": c.confidence,
        "fields": json.dumps(dict(c.fields), default=str),
        "alternatives": json.dumps([dict(a) for a in c.alternatives], default=str) if c.alternatives else None,
        "flags": list(c.flags),
        "pdf_sha256": pdf_sha256,
        "pdf_path": pdf_path,
        "model_key": c.model_key,
        "scope": c.scope,
        "headline": c.headline,
        "headline_reason": c.headline_reason,
        "paper_id": paper_id,
        "paper_version": paper_version,
        "extractor_name": extractor_name,
        "extractor_version": extractor_version,
    }


def store_candidates(
    con: Connection,
    candidates: Iterable[Candidate],
    *,
    run_id: str,
    pdf_sha256: str | None = None,
    pdf_path: str | None = None,
) -> int:
    """Insert candidates; one already stored (same ``candidate_id``) is left as it is. Returns how many were new."""
    rows = [[*candidate_row(c, pdf_sha256=pdf_sha256, pdf_path=pdf_path).values(), run_id] for c in candidates]
    if not rows:
        return 0
    before = scalar(con, "SELECT count(*) FROM candidates")
    placeholders = ", ".join("?" * (len(_COLUMNS) + 1))
    con.executemany(
        f"INSERT INTO candidates ({', '.join(_COLUMNS)}, run_id) VALUES ({placeholders}) ON CONFLICT DO NOTHING",
        rows,
    )
    return scalar(con, "SELECT count(*) FROM candidates") - before


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
        model_key=row.get("model_key"),
        scope=row.get("scope"),
        headline=bool(row.get("headline") or False),
        headline_reason=row.get("headline_reason"),
    )


def load_candidates(con: Connection, *, paper: str | None = None) -> list[Candidate]:
    """All stored candidates (of one paper when given), in page order."""
    sql = "SELECT * FROM candidates" + (" WHERE paper = ?" if paper else "") + " ORDER BY paper, page, top, candidate_id"
    cur = con.execute(sql, [paper] if paper else [])
    cols = [d[0] for d in cur.description]
    return [candidate_from_row(dict(zip(cols, r))) for r in cur.fetchall()]


def pending_extractions(con: Connection, extractors: Sequence[str] | None = None) -> list[tuple[str, int, str, str]]:
    """``(arxiv_id, version, sha256, path)`` of downloaded PDFs not yet extracted successfully at that content hash;
    with ``extractors`` (the current versioned names), also those last extracted by another set of versions."""
    same_set = " AND list_sort(e.extractors) = list_sort(?::VARCHAR[])" if extractors is not None else ""
    return [
        (r[0], r[1], r[2], r[3])
        for r in con.execute(
            "SELECT d.arxiv_id, d.version, d.sha256, d.path FROM downloads d"
            " WHERE d.kind = 'pdf' AND d.status = 'ok' AND NOT EXISTS"
            f" (SELECT 1 FROM extractions e WHERE e.sha256 = d.sha256 AND e.status = 'ok'{same_set})"
            " ORDER BY d.arxiv_id, d.version",
            [list(extractors)] if extractors is not None else [],
        ).fetchall()
    ]


def drop_superseded(con: Connection, paper: str, extractors: Sequence[str]) -> int:
    """Remove the paper's candidates made by extractors outside ``extractors`` (older versions) that nobody has
    reviewed or leased yet; reviewed ones stay for history. Returns how many were removed."""
    current = [VersionedId.split(e) for e in extractors]
    where = (
        "paper = ? AND NOT EXISTS (SELECT 1 FROM (SELECT unnest(?::VARCHAR[]) AS name, unnest(?::INTEGER[]) AS version) cur"
        " WHERE cur.name = extractor_name AND cur.version IS NOT DISTINCT FROM extractor_version)"
        " AND candidate_id NOT IN (SELECT candidate_id FROM review_events)"
        " AND candidate_id NOT IN (SELECT candidate_id FROM review_leases)"
    )
    args = [paper, [n for n, _ in current], [v for _, v in current]]
    n = scalar(con, f"SELECT count(*) FROM candidates WHERE {where}", args)
    if n:
        con.execute(f"DELETE FROM candidates WHERE {where}", args)
    return int(n)
