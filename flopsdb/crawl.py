"""The crawl stage wired to the store: harvest arXiv and Papers with Code, download PDFs.

Each function takes ``(config, store)`` plus options and an optional ``run_id``: without one it
records its own run (``runs`` table); with one (the nightly job's) it writes under that run and
leaves starting and finishing it to the caller. Every function returns a report dataclass with
counts. The crawler yields values; this module stores each harvested page together with the cursor
that covers it in ONE transaction, so a crash can neither skip nor double papers.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flopsdb.core.config import Config
from flopsdb.core.errors import CrawlError, FlopsdbError, OAIError
from flopsdb.core.failures import ItemFailure
from flopsdb.core.ids import versioned
from flopsdb.crawler.arxiv_api import ArxivApi
from flopsdb.crawler.download import download_pdf, download_source, pdf_url
from flopsdb.crawler.http import HttpClient, RateLimiter
from flopsdb.crawler.oai import identify, list_records
from flopsdb.crawler.paper import Paper
from flopsdb.crawler.pwc import PwcApi, PwcResult, iter_results
from flopsdb.crawler.relevance import judge
from flopsdb.db.downloads import papers_to_download, record_download, record_download_failure
from flopsdb.db.papers import get_cursor, mark_deleted, set_cursor, upsert_papers
from flopsdb.db.pwc import insert_pwc_results, linked_ids, mark_pwc_linked
from flopsdb.db.runs import recording
from flopsdb.db.store import Connection, Store

Progress = Callable[[int, int | None], None]
"""Progress callback: ``(items done so far, expected total or None)``."""


class _Report:
    """What every report can do: become a plain dict (for ``runs.counts`` and JSON output)."""

    def counts(self) -> dict[str, object]:
        """The report as a plain dict (an item failure as its ``(item, reason)`` pair)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]


def _plain(value: object) -> object:
    if isinstance(value, list):
        return [tuple(v) if isinstance(v, ItemFailure) else copy.deepcopy(v) for v in value]
    return copy.deepcopy(value)


@dataclass
class CrawlReport(_Report):
    """What an arXiv harvest did. ``complete`` is False when ``--max`` stopped it before the end or a set
    failed; ``notes`` says what was adjusted on the way (a clamped from-date, a restarted set)."""

    run_id: str
    pages: int = 0
    papers: int = 0
    new: int = 0
    updated: int = 0
    deleted: int = 0
    relevant: int = 0
    complete: bool = True
    cursors: dict[str, str | None] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``ok``, or ``failed`` when a set could not be harvested."""
        return "failed" if self.errors else "ok"


@dataclass
class PwcReport(_Report):
    """What a Papers-with-Code load did: result rows read, new rows stored, papers newly marked relevant."""

    run_id: str
    source: str
    rows: int = 0
    new: int = 0
    with_arxiv_id: int = 0
    papers_linked: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``ok`` or ``failed``."""
        return "failed" if self.errors else "ok"


@dataclass
class DownloadReport(_Report):
    """What a download pass did. Failures are recorded per item (``downloads.status/error/attempts``)."""

    run_id: str
    attempted: int = 0
    ok: int = 0
    failed: int = 0
    bytes: int = 0
    failures: list[ItemFailure] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``ok``, or ``partial`` when some items failed."""
        return "partial" if self.failed else "ok"


def arxiv_http(config: Config) -> HttpClient:
    """The HTTP client for everything on arXiv: the process-wide arXiv rate limiter, our User-Agent,
    timeouts, and backoff starting at the configured delay."""
    return HttpClient(
        user_agent=config.user_agent,
        timeout=config.http_timeout,
        max_retries=config.max_retries,
        limiter=RateLimiter.shared("arxiv", config.arxiv_delay),
        backoff=max(config.arxiv_delay, 0.05),
    )


def _store_papers(
    store: Store, papers: Sequence[Paper], run_id: str, cursor: tuple[str, str | None, dict[str, object]] | None = None, deleted: Sequence[str] = ()
) -> tuple[int, int, int]:
    """Upsert papers (with their relevance), mark ``deleted`` ids deleted and, in the same transaction, store the
    cursor covering them."""
    with store.transaction() as con:
        mark_deleted(con, deleted, run_id)
        linked = linked_ids(con, [p.arxiv_id for p in papers])
        relevance = [judge(p, pwc_linked=p.arxiv_id in linked) for p in papers]
        new, updated = upsert_papers(con, papers, relevance, run_id)
        if cursor is not None:
            set_cursor(con, cursor[0], cursor[1], cursor[2], run_id)
    return new, updated, sum(r[0] for r in relevance)


def _mark_pending(store: Store, source: str, set_spec: str, harvest_from: str, run_id: str) -> None:
    """Remember where a set's first harvest starts, so an interrupted or deferred one resumes without ``--since``."""
    with store.transaction() as con:
        if get_cursor(con, source) is None:
            set_cursor(con, source, None, {"set": set_spec, "harvest_from": harvest_from, "pending": True}, run_id)


def _harvest_set(
    config: Config,
    store: Store,
    client: HttpClient,
    set_spec: str,
    since: date | None,
    max_papers: int | None,
    report: CrawlReport,
    progress: Progress | None,
) -> None:
    source = f"arxiv-oai:{set_spec}"
    with store.connect() as con:
        stored = get_cursor(con, source)
    state = dict(stored["state"]) if stored else {}
    done_cursor = stored["cursor"] if stored else None
    token, harvest_from = harvest_start(stored, set_spec, since)
    if stored is None and harvest_from:
        _mark_pending(store, source, set_spec, harvest_from, report.run_id)
    first_response = str(state.get("response_date") or "") if token else ""

    restarted = clamped = False
    while True:
        pages = list_records(
            client,
            config.arxiv_oai_url,
            set_spec=set_spec,
            since=date.fromisoformat(harvest_from) if harvest_from else None,
            resumption_token=token,
            pdf_base=config.arxiv_pdf_url,
        )
        try:
            for page in pages:
                first_response = first_response or page.response_date
                base: dict[str, object] = {"set": set_spec, "harvest_from": harvest_from, "response_date": first_response}
                if page.resumption_token:
                    cursor = (source, done_cursor, {**base, "token": page.resumption_token})
                else:
                    done_cursor = (first_response or "")[:10] or harvest_from
                    cursor = (source, done_cursor, {**base, "complete": True})
                new, updated, relevant = _store_papers(store, page.papers, report.run_id, cursor, deleted=page.deleted)
                report.pages += 1
                report.papers += len(page.papers)
                report.new += new
                report.updated += updated
                report.relevant += relevant
                report.deleted += len(page.deleted)
                report.cursors[source] = cursor[1] if not page.resumption_token else f"token:{page.resumption_token}"
                if progress is not None:
                    progress(report.papers, None)
                if max_papers is not None and report.papers >= max_papers and page.resumption_token:
                    report.complete = False
                    return
            return
        except OAIError as exc:
            if exc.code == "badResumptionToken" and harvest_from and not restarted:
                report.notes.append(f"{set_spec}: resumption token rejected ({exc.code}); harvest restarted from {harvest_from}")
                token, first_response, restarted = None, "", True
                continue
            earliest = _earliest_if_later(client, config, harvest_from) if not clamped and not token else None
            if earliest is None:
                raise
            report.notes.append(
                f"{set_spec}: from-date {harvest_from} is before the repository's earliestDatestamp {earliest}; harvesting from {earliest}"
            )
            harvest_from, clamped = earliest, True
            with store.transaction() as con:
                if (get_cursor(con, source) or {}).get("state", {}).get("pending"):
                    set_cursor(con, source, None, {"set": set_spec, "harvest_from": harvest_from, "pending": True}, report.run_id)


def harvest_start(stored: dict[str, object] | None, set_spec: str, since: date | None) -> tuple[str | None, str | None]:
    """Where a set's harvest starts: ``(resumption token or None, from-date)`` from ``since`` or the set's stored
    cursor (``db.papers.get_cursor``); a ``CrawlError`` for a set never harvested and no ``since``."""
    state: dict[str, object] = dict(stored["state"]) if stored else {}  # type: ignore[call-overload]
    done_cursor = stored["cursor"] if stored else None
    if since is not None:
        same = state.get("token") and state.get("harvest_from") == since.isoformat()
        return (str(state["token"]) if same else None), since.isoformat()
    if state.get("token"):
        return str(state["token"]), (str(state["harvest_from"]) if state.get("harvest_from") else None)
    if done_cursor:
        return None, str(done_cursor)[:10]
    if state.get("harvest_from"):
        return None, str(state["harvest_from"])
    raise CrawlError(f"no stored cursor for set {set_spec}; give --since YYYY-MM-DD for the first harvest")


def _earliest_if_later(client: HttpClient, config: Config, harvest_from: str | None) -> str | None:
    """The repository's ``earliestDatestamp`` when it is later than ``harvest_from`` (a from-date it may refuse)."""
    if not harvest_from:
        return None
    try:
        earliest = identify(client, config.arxiv_oai_url)
    except FlopsdbError:
        return None
    return earliest.isoformat() if earliest > date.fromisoformat(harvest_from) else None


def crawl_arxiv(
    config: Config,
    store: Store,
    *,
    since: date | None = None,
    sets: Sequence[str] | None = None,
    max_papers: int | None = None,
    run_id: str | None = None,
    client: HttpClient | None = None,
    progress: Progress | None = None,
) -> CrawlReport:
    """Harvest OAI-PMH ``ListRecords`` (arXivRaw) for each set, from ``since`` or the stored cursor.

    Each page is stored with its cursor in one transaction, and its deleted records mark their papers
    deleted. An interrupted harvest resumes from the stored resumption token; a token the repository
    rejects (expired, or mid-run) restarts the set from its ``from`` date in the same run, once. A
    from-date the repository refuses that lies before its ``earliestDatestamp`` (Identify) is clamped to
    it, with a note.
    ``max_papers`` stops after the page on which the count is reached (the cursor keeps the
    token, so the next run continues). A set that fails is reported in ``errors``; the others
    are still harvested.
    """
    with recording(store, "crawl arxiv", run_id=run_id) as run:
        run_id = run.run_id
        report = CrawlReport(run_id=run_id)
        client = client or arxiv_http(config)
        for set_spec in sets or config.sets:
            if max_papers is not None and report.papers >= max_papers:
                report.complete = False
                if since is not None:
                    _mark_pending(store, f"arxiv-oai:{set_spec}", set_spec, since.isoformat(), run_id)
                continue
            try:
                _harvest_set(config, store, client, set_spec, since, max_papers, report, progress)
            except FlopsdbError as exc:
                report.errors.append(f"{set_spec}: {exc}")
                report.complete = False
        run.status, run.counts, run.error = report.status, report.counts(), "; ".join(report.errors) or None
    return report


def lookup_papers(
    config: Config,
    store: Store,
    ids: Iterable[str],
    *,
    run_id: str | None = None,
    client: HttpClient | None = None,
) -> CrawlReport:
    """Look papers up by id through the arXiv API and store them (source ``api``)."""
    with recording(store, "crawl ids", run_id=run_id) as run:
        run_id = run.run_id
        report = CrawlReport(run_id=run_id)
        api = ArxivApi(client or arxiv_http(config), config.arxiv_api_url, pdf_base=config.arxiv_pdf_url)
        id_list = list(ids)
        try:
            for start in range(0, len(id_list), 100):
                papers = api.lookup(id_list[start : start + 100])
                new, updated, relevant = _store_papers(store, papers, run_id)
                report.pages += 1
                report.papers += len(papers)
                report.new += new
                report.updated += updated
                report.relevant += relevant
        except FlopsdbError as exc:
            report.errors.append(str(exc))
        run.status, run.counts, run.error = report.status, report.counts(), "; ".join(report.errors) or None
    return report


def _store_pwc(store: Store, batch: list[PwcResult], run_id: str, report: PwcReport) -> None:
    with store.transaction() as con:
        report.new += insert_pwc_results(con, batch, run_id)
    report.rows += len(batch)
    report.with_arxiv_id += sum(1 for r in batch if r.arxiv_id)


def crawl_pwc(
    config: Config,
    store: Store,
    *,
    dump: str | Path | None = None,
    run_id: str | None = None,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> PwcReport:
    """Load a Papers-with-Code ``evaluation-tables.json`` dump (path or URL, plain or ``.gz``), streamed,
    in batches of ``batch_size`` rows; then mark stored papers it links to results as relevant.

    Re-loading the same dump adds nothing (rows have content-derived ids). A malformed dump keeps
    the rows read before the error and fails the report with the reason.
    """
    source = str(dump or config.pwc_dump)
    if not source:
        raise CrawlError("no dump given: pass --dump PATH_OR_URL or set pwc_dump / FLOPSDB_PWC_DUMP")
    with recording(store, "crawl pwc", run_id=run_id) as run:
        run_id = run.run_id
        report = PwcReport(run_id=run_id, source=source)
        client = HttpClient(user_agent=config.user_agent, timeout=config.http_timeout, max_retries=config.max_retries)
        batch: list[PwcResult] = []
        try:
            for result in iter_results(source, client=client):
                batch.append(result)
                if len(batch) >= batch_size:
                    _store_pwc(store, batch, run_id, report)
                    batch = []
                    if progress is not None:
                        progress(report.rows, None)
            _store_pwc(store, batch, run_id, report)
            batch = []
        except FlopsdbError as exc:
            _store_pwc(store, batch, run_id, report)
            report.errors.append(str(exc))
        with store.transaction() as con:
            report.papers_linked = mark_pwc_linked(con, run_id)
            if not report.errors:
                set_cursor(con, "pwc-dump", source, {"rows": report.rows, "new": report.new}, run_id)
        run.status, run.counts, run.error = report.status, report.counts(), "; ".join(report.errors) or None
    return report


def crawl_pwc_api(
    config: Config,
    store: Store,
    ids: Iterable[str],
    *,
    run_id: str | None = None,
    client: HttpClient | None = None,
) -> PwcReport:
    """Fetch the results the paperswithcode.co API lists for each arXiv id and store them.
    A paper whose look-up fails is reported in ``errors``; the others go on."""
    with recording(store, "crawl pwc-api", run_id=run_id) as run:
        run_id = run.run_id
        report = PwcReport(run_id=run_id, source=config.pwc_api_url)
        api = PwcApi(
            client or HttpClient(user_agent=config.user_agent, timeout=config.http_timeout, max_retries=config.max_retries), config.pwc_api_url
        )
        for arxiv_id in ids:
            try:
                results = api.results(arxiv_id)
            except FlopsdbError as exc:
                report.errors.append(str(exc))
                continue
            _store_pwc(store, results, run_id, report)
        with store.transaction() as con:
            report.papers_linked = mark_pwc_linked(con, run_id)
        run.status, run.counts, run.error = "partial" if report.errors else "ok", report.counts(), "; ".join(report.errors) or None
    return report


def downloads_due(
    con: Connection, config: Config, *, limit: int | None = None, ids: Sequence[str] | None = None, sources: bool = False
) -> list[tuple[str, int, str]]:
    """What a download pass would fetch: ``(arxiv id, version, kind)`` of the relevant papers (or ``ids``) not
    cached yet and not failed ``config.max_failures`` times, PDFs first (``source`` e-prints too with ``sources``)."""
    kinds = ["pdf", "source"] if sources else ["pdf"]
    wanted = list(ids) if ids else None
    return [(a, v, kind) for kind in kinds for a, v in papers_to_download(con, kind=kind, max_attempts=config.max_failures, limit=limit, ids=wanted)]


def download_pdfs(
    config: Config,
    store: Store,
    *,
    run_id: str | None = None,
    limit: int | None = None,
    ids: Sequence[str] | None = None,
    sources: bool = False,
    client: HttpClient | None = None,
    progress: Progress | None = None,
) -> DownloadReport:
    """Download the PDFs (and with ``sources`` the e-prints) of relevant papers not cached yet.

    Each item's outcome is recorded in ``downloads`` (``status``, ``error``, ``attempts``); a failing
    item never stops the pass. Items that failed ``config.max_failures`` times are skipped.
    """
    with recording(store, "download", run_id=run_id) as run:
        run_id = run.run_id
        report = DownloadReport(run_id=run_id)
        client = client or arxiv_http(config)
        with store.connect() as con:
            todo = downloads_due(con, config, limit=limit, ids=ids, sources=sources)
        for arxiv_id, version, kind in todo:
            report.attempted += 1
            try:
                if kind == "pdf":
                    got = download_pdf(client, config.arxiv_pdf_url, arxiv_id, version, config.pdf_dir.resolve(), max_bytes=config.max_pdf_bytes)
                else:
                    got = download_source(
                        client, config.arxiv_eprint_url, arxiv_id, version, (config.home / "sources").resolve(), max_bytes=config.max_pdf_bytes
                    )
            except (FlopsdbError, OSError) as exc:
                url = pdf_url(config.arxiv_pdf_url if kind == "pdf" else config.arxiv_eprint_url, arxiv_id, version)
                reason = f"{type(exc).__name__}: {exc}"
                with store.transaction() as con:
                    record_download_failure(con, arxiv_id, version, kind, url, reason, run_id)
                report.failed += 1
                report.failures.append(ItemFailure("download", versioned(arxiv_id, version), reason))
            else:
                with store.transaction() as con:
                    record_download(con, got, run_id)
                report.ok += 1
                report.bytes += got.bytes
            if progress is not None:
                progress(report.attempted, len(todo))
        run.status, run.counts, run.error = report.status, report.counts(), None
    return report
