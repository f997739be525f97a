"""Loading Parquet shards written by distributed extraction workers into DuckDB."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flopsdb.db.candidates import _COLUMNS
from flopsdb.db.store import Connection, scalar

OUTCOME_COLUMNS: tuple[str, ...] = (
    "paper",
    "pdf_path",
    "sha256",
    "status",
    "reason",
    "pages",
    "seconds",
    "extractors",
    "n_candidates",
)


def load_shards(con: Connection, candidate_shards: Sequence[Path], outcome_shards: Sequence[Path], *, run_id: str) -> int:
    """Insert the shards' candidates (skipping ones already stored) and upsert their outcomes; return new candidates."""
    before = scalar(con, "SELECT count(*) FROM candidates")
    cols = ", ".join(_COLUMNS)
    if candidate_shards:
        con.execute(
            f"INSERT INTO candidates ({cols}, run_id) SELECT {cols}, ? FROM read_parquet(?) ON CONFLICT DO NOTHING",
            [run_id, [str(p) for p in candidate_shards]],
        )
    if outcome_shards:
        out = ", ".join(OUTCOME_COLUMNS)
        con.execute(
            f"""
            INSERT INTO extractions ({out}, run_id) SELECT {out}, ? FROM read_parquet(?)
            ON CONFLICT (paper, sha256) DO UPDATE SET
                status = excluded.status, reason = excluded.reason, pages = excluded.pages, seconds = excluded.seconds,
                extractors = excluded.extractors, n_candidates = excluded.n_candidates, run_id = excluded.run_id,
                attempts = extractions.attempts + 1, extracted_at = get_current_timestamp(), pdf_path = excluded.pdf_path
            """,
            [run_id, [str(p) for p in outcome_shards]],
        )
    return scalar(con, "SELECT count(*) FROM candidates") - before
