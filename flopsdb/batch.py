"""Batch extraction: downloaded PDFs -> candidates in DuckDB, in one process or N, failures contained.

:func:`extract_one` is the unit of work: a pure function of a file that returns a picklable
:class:`extract.pipeline.ExtractionOutcome` (candidates, or the failure's reason) and never raises
for a bad PDF; it runs on a Dask cluster (``flopsdb.distributed``). On one machine the nightly runs
:func:`flopsdb.extract.pipeline.extract_files`, the same warm pool of guarded workers as ``flopsdb extract``
(``--workers N`` of them, forked from one fork server that has imported the parsing stack). Only the parent
process writes to the database, one short transaction per file, as each outcome comes back (so a killed
run keeps every file already stored and a re-run does only the rest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flopsdb.core.config import Config
from flopsdb.core.failures import ItemFailure
from flopsdb.core.ids import versioned
from flopsdb.db.candidates import drop_superseded, pending_extractions, record_extraction, store_candidates
from flopsdb.db.store import Connection, Store
from flopsdb.extract.files import DEFAULT_MAX_BYTES
from flopsdb.extract.pipeline import REGISTRY, ExtractionOutcome, extract_file
from flopsdb.extract.pipeline import extract_files as extract_outcomes


@dataclass
class BatchOutcome:
    """What a batch did: files tried, candidates stored, the items that failed."""

    files: int = 0
    candidates: int = 0
    pages: int = 0
    seconds: float = 0.0
    failures: list[ItemFailure] = field(default_factory=list)
    succeeded: list[str] = field(default_factory=list)


def extract_one(
    path: str | Path, paper: str | None = None, *, timeout: float = 120.0, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> ExtractionOutcome:
    """Parse one PDF (within ``timeout`` seconds, a regular file of at most ``max_bytes``) and run every
    registered extractor on it.

    Never raises for a bad file: the outcome is ``failed`` with the reason.
    """
    return extract_file(path, paper=paper, timeout=timeout, max_bytes=max_bytes)


def store_result(con: Connection, outcome: ExtractionOutcome, *, run_id: str) -> int:
    """Store one file's candidates and its outcome in the caller's transaction; return new candidates."""
    new = 0
    if outcome.ok:
        drop_superseded(con, outcome.paper, outcome.extractors)
        new = store_candidates(con, outcome.candidates, run_id=run_id, pdf_sha256=outcome.sha256 or None, pdf_path=outcome.path)
    record_extraction(
        con,
        paper=outcome.paper,
        sha256=outcome.sha256 or f"missing:{outcome.path}",
        status=outcome.status,
        run_id=run_id,
        pdf_path=outcome.path,
        reason=None if outcome.ok else outcome.reason,
        pages=outcome.pages,
        seconds=round(outcome.seconds, 3),
        extractors=outcome.extractors,
        n_candidates=len(outcome.candidates),
    )
    return new


def _run(jobs: list[tuple[str, str]], workers: int, timeout: float, max_bytes: int | None) -> Iterator[ExtractionOutcome]:
    """The outcomes of ``jobs`` in order, from ``workers`` guarded workers of the warm pool (``timeout`` 0:
    in this process, no limit)."""
    yield from extract_outcomes(jobs, timeout=timeout or None, max_bytes=max_bytes, workers=max(1, workers))


def extract_files(
    store: Store,
    jobs: Iterable[tuple[str, str]],
    *,
    run_id: str,
    workers: int = 1,
    timeout: float = 120.0,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    item_of: Callable[[ExtractionOutcome], str] = lambda r: r.paper,
) -> BatchOutcome:
    """Extract ``(path, paper)`` jobs with ``workers`` processes and store each outcome (only regular
    files of at most ``max_bytes`` are read)."""
    outcome = BatchOutcome()
    for result in _run(list(jobs), workers, timeout, max_bytes):
        with store.transaction() as con:
            outcome.candidates += store_result(con, result, run_id=run_id)
        outcome.files += 1
        outcome.pages += result.pages or 0
        outcome.seconds += result.seconds
        if result.ok:
            outcome.succeeded.append(item_of(result))
        else:
            outcome.failures.append(ItemFailure("extract", item_of(result), f"{result.reason}: {result.error}"))
    return outcome


def extract_pending(
    config: Config,
    store: Store,
    *,
    run_id: str,
    workers: int = 1,
    is_due: Callable[[Connection, str], bool] = lambda con, item: True,
) -> BatchOutcome:
    """Extract every downloaded PDF not yet extracted at its hash (and due, for past failures)."""
    with store.connect() as con:
        pending = [(a, v, sha, path) for a, v, sha, path in pending_extractions(con, tuple(REGISTRY)) if is_due(con, versioned(a, v))]
    versions = {a: v for a, v, _, _ in pending}
    jobs = [(path, a) for a, _, _, path in pending]
    return extract_files(
        store,
        jobs,
        run_id=run_id,
        workers=workers,
        timeout=config.extract_timeout,
        max_bytes=config.max_pdf_bytes,
        item_of=lambda r: versioned(r.paper, versions.get(r.paper, 1)),
    )
