"""The nightly job's steps, each a function of (config, store, run id) returning a StepReport.

They wire the stages together through their public functions and record per-item failures
(``db.items``) so that a failing item is retried on later nights with backoff, and parked after
``config.max_failures`` failures.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from flopsdb.core.config import Config
from flopsdb.core.errors import FlopsdbError
from flopsdb.core.failures import ItemFailure
from flopsdb.core.ids import split_version, versioned
from flopsdb.db.items import clear_failure, due_for_retry, queue_counts, record_failure
from flopsdb.db.store import Connection, Store

log = logging.getLogger("flopsdb.nightly")

FIRST_RUN_DAYS = 2
"""A set never harvested before starts this many days back (pass ``--since`` for a longer backfill)."""


@dataclass
class StepReport:
    """What one step did: counts, item failures and time."""

    name: str
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[ItemFailure] = field(default_factory=list)
    skipped: str | None = None


def _fail(store: Store, config: Config, run_id: str, stage: str, item: str, error: str) -> ItemFailure:
    """Record the failure for retry with backoff (``db.items``) and return it with its attempts."""
    with store.transaction() as con:
        row = record_failure(con, stage, item, error, run_id=run_id, max_failures=config.max_failures)
    return ItemFailure(stage, item, error, attempts=row["attempts"], next_try_at=row["next_try_at"], parked=row["parked"])


def crawl(config: Config, store: Store, run_id: str, *, since: date | None, max_papers: int | None) -> StepReport:
    """Harvest arXiv from the stored cursors (or ``since``); load the Papers-with-Code dump when configured."""
    from flopsdb.crawl import crawl_arxiv, crawl_pwc
    from flopsdb.db.papers import get_cursor

    step = StepReport("crawl")
    with store.connect() as con:
        fresh = tuple(s for s in config.sets if get_cursor(con, f"arxiv-oai:{s}") is None)
    resumed = tuple(s for s in config.sets if s not in fresh)
    groups = [(config.sets, since)] if since else [(resumed, None), (fresh, date.today() - timedelta(days=FIRST_RUN_DAYS))]
    totals = {"papers": 0, "new": 0, "updated": 0, "relevant": 0}
    for sets, start in groups:
        if not sets:
            continue
        if start is not None and since is None:
            log.info("no cursor yet for %s: harvesting from %s", ", ".join(sets), start)
        report = crawl_arxiv(config, store, since=start, sets=sets, max_papers=max_papers, run_id=run_id)
        for key in totals:
            totals[key] += getattr(report, key)
        for error in report.errors:
            step.failures.append(ItemFailure("crawl", error.split(":", 1)[0], error))
    step.counts = dict(totals)
    if config.pwc_dump:
        try:
            pwc = crawl_pwc(config, store, dump=config.pwc_dump, run_id=run_id)
        except FlopsdbError as exc:
            step.failures.append(ItemFailure("crawl", "pwc", str(exc)))
        else:
            step.counts["pwc_rows"] = pwc.rows
            step.failures += [ItemFailure("crawl", "pwc", e) for e in pwc.errors]
    return step


def _due(con: Connection, stage: str, items: list[str]) -> tuple[list[str], int]:
    due = [i for i in items if due_for_retry(con, stage, i)]
    return due, len(items) - len(due)


def download(config: Config, store: Store, run_id: str, *, max_papers: int | None) -> StepReport:
    """Fetch the PDFs of relevant papers not cached yet, skipping items inside their backoff window."""
    from flopsdb.crawl import download_pdfs
    from flopsdb.db.downloads import cached_download, papers_to_download

    step = StepReport("download")
    with store.connect() as con:
        todo = [versioned(a, v) for a, v in papers_to_download(con, max_attempts=10**6)]
        due, waiting = _due(con, "download", todo)
    if max_papers is not None:
        due = due[:max_papers]
    step.counts = {"pending": len(todo), "waiting_backoff": waiting}
    if not due:
        step.counts |= {"fetched": 0, "failed": 0}
        return step
    report = download_pdfs(config, store, run_id=run_id, ids=[split_version(d)[0] for d in due])
    failed = {f.item: f.reason for f in report.failures}
    for item in due:
        arxiv_id, version = split_version(item)
        with store.transaction() as con:
            if cached_download(con, arxiv_id, version) is not None:
                clear_failure(con, "download", item)
        if item in failed:
            step.failures.append(_fail(store, config, run_id, "download", item, failed[item]))
    step.counts |= {"fetched": report.ok, "failed": report.failed, "bytes": report.bytes}
    return step


def extract(config: Config, store: Store, run_id: str, *, workers: int = 1) -> StepReport:
    """Parse and extract every downloaded PDF not yet extracted at its content hash."""
    from flopsdb.batch import extract_pending

    step = StepReport("extract")
    outcome = extract_pending(config, store, run_id=run_id, workers=workers, is_due=lambda con, item: due_for_retry(con, "extract", item))
    step.counts = {"files": outcome.files, "candidates": outcome.candidates, "failed": len(outcome.failures)}
    for failure in outcome.failures:
        step.failures.append(_fail(store, config, run_id, "extract", failure.item, failure.reason))
    for item in outcome.succeeded:
        with store.transaction() as con:
            clear_failure(con, "extract", item)
    return step


def enqueue(config: Config, store: Store, run_id: str) -> StepReport:
    """Report what this run added to the review queue (the queue is planned from the candidates table,
    so a stored candidate is queued; see ``curation.queue``)."""
    with store.connect() as con:
        counts = queue_counts(con, run_id)
    return StepReport("enqueue", counts=counts)


def plan(con: Connection, config: Config, *, since: date | None, max_papers: int | None) -> list[StepReport]:
    """What a run would do, read from the database without writing or touching the network."""
    from flopsdb.db.candidates import pending_extractions
    from flopsdb.db.downloads import papers_to_download
    from flopsdb.db.papers import get_cursor
    from flopsdb.extract.pipeline import REGISTRY

    cursors = {s: (get_cursor(con, f"arxiv-oai:{s}") or {}).get("cursor") for s in config.sets}
    todo = [versioned(a, v) for a, v in papers_to_download(con, max_attempts=10**6)]
    due, waiting = _due(con, "download", todo)
    pending = len(pending_extractions(con, tuple(REGISTRY)))
    crawl_from = {s: (str(since) if since else (c or "the beginning")) for s, c in cursors.items()}
    return [
        StepReport("crawl", counts={"sets": len(config.sets)}, skipped=f"would harvest from {crawl_from}"),
        StepReport("download", counts={"would_fetch": len(due[:max_papers] if max_papers else due), "waiting_backoff": waiting}, skipped="dry run"),
        StepReport("extract", counts={"would_extract": pending}, skipped="dry run"),
        StepReport("enqueue", skipped="dry run"),
        StepReport("publish", skipped="dry run"),
    ]
