"""The nightly job's steps as objects: each has ``plan(con)``, what it would do read from the database without
writing or touching the network (``flopsdb nightly --dry-run``), and ``run(run_id)``, which does it; both return
a :class:`StepReport`, so a plan and a run print the same way.

They wire the stages together through their public functions and record per-item failures
(``db.items``) so that a failing item is retried on later nights with backoff, and parked after
``config.max_failures`` failures. :func:`nightly_steps` builds them in their order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar, Protocol

from flopsdb.core.config import Config
from flopsdb.core.errors import FlopsdbError
from flopsdb.core.failures import ItemFailure
from flopsdb.core.ids import split_version, versioned
from flopsdb.db.items import clear_failure, due_for_retry, queue_counts, record_failure
from flopsdb.db.runs import recording
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


@dataclass
class Crawl:
    """Harvest arXiv from the stored cursors (or ``since``); load the Papers-with-Code dump when configured."""

    config: Config
    store: Store
    since: date | None = None
    max_papers: int | None = None
    name: ClassVar[str] = "crawl"

    def plan(self, con: Connection) -> StepReport:
        from flopsdb.db.papers import get_cursor

        cursors = {s: (get_cursor(con, f"arxiv-oai:{s}") or {}).get("cursor") for s in self.config.sets}
        crawl_from = {s: (str(self.since) if self.since else (c or "the beginning")) for s, c in cursors.items()}
        return StepReport(self.name, counts={"sets": len(self.config.sets)}, skipped=f"would harvest from {crawl_from}")

    def run(self, run_id: str) -> StepReport:
        from flopsdb.crawl import crawl_arxiv, crawl_pwc
        from flopsdb.db.papers import get_cursor

        config, store, since = self.config, self.store, self.since
        step = StepReport(self.name)
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
            report = crawl_arxiv(config, store, since=start, sets=sets, max_papers=self.max_papers, run_id=run_id)
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


@dataclass
class Download:
    """Fetch the PDFs of relevant papers not cached yet, skipping items inside their backoff window."""

    config: Config
    store: Store
    max_papers: int | None = None
    name: ClassVar[str] = "download"

    def _todo(self, con: Connection) -> tuple[list[str], list[str], int]:
        """``(pending, due now, waiting for their backoff)``, ``due`` cut to ``max_papers``."""
        from flopsdb.db.downloads import papers_to_download

        todo = [versioned(a, v) for a, v in papers_to_download(con, max_attempts=10**6)]
        due, waiting = _due(con, "download", todo)
        return todo, (due[: self.max_papers] if self.max_papers is not None else due), waiting

    def plan(self, con: Connection) -> StepReport:
        _, due, waiting = self._todo(con)
        return StepReport(self.name, counts={"would_fetch": len(due), "waiting_backoff": waiting}, skipped="dry run")

    def run(self, run_id: str) -> StepReport:
        from flopsdb.crawl import download_pdfs
        from flopsdb.db.downloads import cached_download

        config, store = self.config, self.store
        step = StepReport(self.name)
        with store.connect() as con:
            todo, due, waiting = self._todo(con)
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


@dataclass
class Extract:
    """Parse and extract every downloaded PDF not yet extracted at its content hash by the current extractor
    versions."""

    config: Config
    store: Store
    workers: int = 1
    name: ClassVar[str] = "extract"

    def plan(self, con: Connection) -> StepReport:
        from flopsdb.db.candidates import pending_extractions
        from flopsdb.extract.pipeline import REGISTRY

        pending = [versioned(a, v) for a, v, _, _ in pending_extractions(con, tuple(REGISTRY))]
        due, waiting = _due(con, "extract", pending)
        return StepReport(self.name, counts={"would_extract": len(due), "waiting_backoff": waiting}, skipped="dry run")

    def run(self, run_id: str) -> StepReport:
        from flopsdb.batch import extract_pending

        config, store = self.config, self.store
        step = StepReport(self.name)
        outcome = extract_pending(config, store, run_id=run_id, workers=self.workers, is_due=lambda con, item: due_for_retry(con, "extract", item))
        step.counts = {"files": outcome.files, "candidates": outcome.candidates, "failed": len(outcome.failures)}
        for failure in outcome.failures:
            step.failures.append(_fail(store, config, run_id, "extract", failure.item, failure.reason))
        for item in outcome.succeeded:
            with store.transaction() as con:
                clear_failure(con, "extract", item)
        return step


@dataclass
class Enqueue:
    """Report what this run added to the review queue (the queue is planned from the candidates table,
    so a stored candidate is queued; see ``curation.queue``)."""

    store: Store
    name: ClassVar[str] = "enqueue"

    def plan(self, con: Connection) -> StepReport:
        return StepReport(self.name, skipped="dry run")

    def run(self, run_id: str) -> StepReport:
        with self.store.connect() as con:
            counts = queue_counts(con, run_id)
        return StepReport(self.name, counts=counts)


@dataclass
class Publish:
    """Write the analysts' snapshot (``db.publish``)."""

    config: Config
    store: Store
    name: ClassVar[str] = "publish"

    def plan(self, con: Connection) -> StepReport:
        return StepReport(self.name, skipped="dry run")

    def run(self, run_id: str) -> StepReport:
        from flopsdb.db.publish import publish

        target = publish(self.store, self.config.published_path)
        return StepReport(self.name, counts={"bytes": target.stat().st_size})


class Step(Protocol):
    """A nightly step: ``plan`` says what ``run`` would do."""

    name: ClassVar[str]

    def plan(self, con: Connection) -> StepReport: ...

    def run(self, run_id: str) -> StepReport: ...


def nightly_steps(
    config: Config, store: Store, *, since: date | None = None, max_papers: int | None = None, workers: int | None = None
) -> list[Step]:
    """The nightly's steps in their order: crawl, download, extract, enqueue, publish."""
    return [
        Crawl(config, store, since=since, max_papers=max_papers),
        Download(config, store, max_papers=max_papers),
        Extract(config, store, workers=workers or config.workers),
        Enqueue(store),
        Publish(config, store),
    ]


def run_recorded(store: Store, command: str, step: Step) -> tuple[str, StepReport]:
    """Run ``step`` as a run of its own (``db.runs.recording``): ``partial`` when it reports item failures, with
    its counts; returns the run id and the step's report."""
    with recording(store, command) as run:
        report = step.run(run.run_id)
        run.status, run.counts = ("partial" if report.failures else "ok"), dict(report.counts)
    return run.run_id, report


def plan(con: Connection, steps: Sequence[Step]) -> list[StepReport]:
    """What a run of ``steps`` would do, read from the database without writing or touching the network."""
    return [step.plan(con) for step in steps]
