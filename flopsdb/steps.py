"""The crawl stage's and the nightly job's steps as objects: each has ``plan(con)``, what it would do read from the
database without writing or touching the network (``--dry-run``), and ``run(run_id)``, which does it; both return
a :class:`StepReport`, so a plan and a run print the same way.

The nightly's steps wire the stages together through their public functions and record per-item failures
(``db.items``) so that a failing item is retried on later nights with backoff, and parked after
``config.max_failures`` failures. :func:`nightly_steps` builds them in their order. The crawl verbs
(``flopsdb crawl arxiv|ids|pwc``, ``flopsdb download``) are :class:`HarvestArxiv`, :class:`LookUpIds`,
:class:`LoadPwc`, :class:`LoadPwcApi` and :class:`DownloadPapers`, each run as a run of its own by :func:`run_recorded`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from flopsdb.core.config import Config
from flopsdb.core.errors import CrawlError, FlopsdbError
from flopsdb.core.failures import ItemFailure
from flopsdb.core.ids import split_version, versioned
from flopsdb.db.items import clear_failure, due_for_retry, queue_counts, record_failure
from flopsdb.db.runs import recording
from flopsdb.db.store import Connection, Store
from flopsdb.step_report import StepReport

if TYPE_CHECKING:
    from flopsdb.crawl import CrawlReport, DownloadReport, Progress, PwcReport

log = logging.getLogger("flopsdb.nightly")

FIRST_RUN_DAYS = 2
"""A set never harvested before starts this many days back (pass ``--since`` for a longer backfill)."""


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
    """Run ``step`` as a run of its own (``db.runs.recording``): with the status the step reports, else ``partial``
    when it reports item failures, with its counts and error; returns the run id and the step's report."""
    with recording(store, command) as run:
        report = step.run(run.run_id)
        run.status = report.status or ("partial" if report.failures else "ok")
        run.counts, run.error = dict(report.counts), report.error
    return run.run_id, report


def plan(con: Connection, steps: Sequence[Step]) -> list[StepReport]:
    """What a run of ``steps`` would do, read from the database without writing or touching the network."""
    return [step.plan(con) for step in steps]


def _reported(name: str, report: CrawlReport | PwcReport | DownloadReport, failures: list[ItemFailure]) -> StepReport:
    """A crawl function's report as the step's: its whole-number counts, its failures, status and errors."""
    counts = {k: v for k, v in report.counts().items() if isinstance(v, int) and not isinstance(v, bool)}
    errors = getattr(report, "errors", [])
    return StepReport(name, counts=counts, failures=failures, status=report.status, error="; ".join(errors) or None)


@dataclass
class HarvestArxiv:
    """``flopsdb crawl arxiv``: harvest OAI-PMH ``ListRecords`` for ``sets`` (default the configured ones) from
    ``since`` or each set's stored cursor (:func:`flopsdb.crawl.crawl_arxiv`). ``plan`` says where each set
    would start (or that it cannot, without ``since``); ``report`` holds the harvest's report after ``run``."""

    config: Config
    store: Store
    since: date | None = None
    sets: Sequence[str] | None = None
    max_papers: int | None = None
    progress: Progress | None = None
    name: ClassVar[str] = "crawl arxiv"
    report: CrawlReport | None = field(default=None, init=False)

    def plan(self, con: Connection) -> StepReport:
        from flopsdb.crawl import harvest_start
        from flopsdb.db.papers import get_cursor

        where: list[str] = []
        failures: list[ItemFailure] = []
        for set_spec in self.sets or self.config.sets:
            try:
                token, start = harvest_start(get_cursor(con, f"arxiv-oai:{set_spec}"), set_spec, self.since)
            except FlopsdbError as exc:
                failures.append(ItemFailure("crawl", set_spec, str(exc)))
                continue
            where.append(f"{set_spec} from {start}" + (" (resuming a list)" if token else ""))
        limit = f", stopping after {self.max_papers} papers" if self.max_papers else ""
        said = f"would harvest {self.config.arxiv_oai_url}: {'; '.join(where) or 'no set'}{limit}"
        return StepReport(self.name, counts={"sets": len(where) + len(failures), "would_harvest": len(where)}, failures=failures, skipped=said)

    def run(self, run_id: str) -> StepReport:
        from flopsdb.crawl import crawl_arxiv

        kw = {"since": self.since, "sets": self.sets, "max_papers": self.max_papers, "progress": self.progress}
        self.report = crawl_arxiv(self.config, self.store, run_id=run_id, **kw)  # type: ignore[arg-type]
        return _reported(self.name, self.report, [ItemFailure("crawl", e.split(":", 1)[0], e) for e in self.report.errors])


@dataclass
class _PerPaper:
    """A crawl step over given arXiv ids; ``plan`` says whom it would ask about how many papers."""

    config: Config
    store: Store
    ids: Sequence[str]
    name: ClassVar[str]

    def _asks(self) -> str:
        raise NotImplementedError

    def plan(self, con: Connection) -> StepReport:
        return StepReport(self.name, counts={"ids": len(self.ids)}, skipped=f"would ask {self._asks()} about {len(self.ids)} papers")


@dataclass
class LookUpIds(_PerPaper):
    """``flopsdb crawl ids``: look papers up by arXiv id through the arXiv API and store them
    (:func:`flopsdb.crawl.lookup_papers`)."""

    name: ClassVar[str] = "crawl ids"
    report: CrawlReport | None = field(default=None, init=False)

    def _asks(self) -> str:
        return self.config.arxiv_api_url

    def run(self, run_id: str) -> StepReport:
        from flopsdb.crawl import lookup_papers

        self.report = lookup_papers(self.config, self.store, self.ids, run_id=run_id)
        return _reported(self.name, self.report, [ItemFailure("crawl", "ids", e) for e in self.report.errors])


@dataclass
class LoadPwc:
    """``flopsdb crawl pwc``: Papers-with-Code reference results from a dump (``dump``, default the configured
    one; :func:`flopsdb.crawl.crawl_pwc`). ``plan`` names the dump, a local one's size and an earlier load of it."""

    config: Config
    store: Store
    dump: str | None = None
    progress: Progress | None = None
    name: ClassVar[str] = "crawl pwc"
    report: PwcReport | None = field(default=None, init=False)

    def plan(self, con: Connection) -> StepReport:
        from flopsdb.db.papers import get_cursor

        source = str(self.dump or self.config.pwc_dump or "")
        if not source:
            raise CrawlError("no dump given: pass --dump PATH_OR_URL or set pwc_dump / FLOPSDB_PWC_DUMP")
        counts: dict[str, int] = {}
        failures: list[ItemFailure] = []
        if "://" not in source:
            if Path(source).is_file():
                counts["bytes"] = Path(source).stat().st_size
            else:
                failures.append(ItemFailure("crawl", "pwc", f"no such file: {source}"))
        said = f"would load {source}"
        last = get_cursor(con, "pwc-dump")
        if last and last["cursor"] == source:
            said += f" (loaded before: {last['state'].get('rows')} rows; loading it again adds nothing new)"
        return StepReport(self.name, counts=counts, failures=failures, skipped=said)

    def run(self, run_id: str) -> StepReport:
        from flopsdb.crawl import crawl_pwc

        self.report = crawl_pwc(self.config, self.store, dump=self.dump, run_id=run_id, progress=self.progress)
        return _reported(self.name, self.report, [ItemFailure("crawl", "pwc", e) for e in self.report.errors])


@dataclass
class LoadPwcApi(_PerPaper):
    """``flopsdb crawl pwc --api ID``: the results the paperswithcode.co API lists for each arXiv id
    (:func:`flopsdb.crawl.crawl_pwc_api`)."""

    name: ClassVar[str] = "crawl pwc-api"
    report: PwcReport | None = field(default=None, init=False)

    def _asks(self) -> str:
        return self.config.pwc_api_url

    def run(self, run_id: str) -> StepReport:
        from flopsdb.crawl import crawl_pwc_api

        self.report = crawl_pwc_api(self.config, self.store, self.ids, run_id=run_id)
        step = _reported(self.name, self.report, [ItemFailure("crawl", "pwc", e) for e in self.report.errors])
        step.status = None  # each paper is an item: a failed look-up makes the run partial
        return step


@dataclass
class DownloadPapers:
    """``flopsdb download``: the version-pinned PDFs (and with ``sources`` the e-prints) of relevant papers, or of
    ``ids``, not cached yet (:func:`flopsdb.crawl.download_pdfs`); ``plan`` lists what would be fetched."""

    config: Config
    store: Store
    limit: int | None = None
    ids: Sequence[str] = ()
    sources: bool = False
    progress: Progress | None = None
    name: ClassVar[str] = "download"
    report: DownloadReport | None = field(default=None, init=False)

    def plan(self, con: Connection) -> StepReport:
        from flopsdb.crawl import downloads_due

        todo = downloads_due(con, self.config, limit=self.limit, ids=self.ids or None, sources=self.sources)
        shown = ", ".join(f"{versioned(a, v)}{'' if kind == 'pdf' else ' (source)'}" for a, v, kind in todo[:10])
        more = f" and {len(todo) - 10} more" if len(todo) > 10 else ""
        counts = {"would_fetch": len(todo), "sources": sum(1 for *_, kind in todo if kind == "source")}
        return StepReport(self.name, counts=counts, skipped=f"would fetch {shown or 'nothing'}{more}")

    def run(self, run_id: str) -> StepReport:
        from flopsdb.crawl import download_pdfs

        ids = list(self.ids) or None
        self.report = download_pdfs(self.config, self.store, run_id=run_id, limit=self.limit, ids=ids, sources=self.sources, progress=self.progress)
        return _reported(self.name, self.report, list(self.report.failures))
