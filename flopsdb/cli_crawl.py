"""CLI verbs of the crawl stage: ``crawl`` (arxiv, ids, pwc), ``download``, ``status``.

Each verb builds its step (``flopsdb.steps``): ``--dry-run`` prints the step's plan, otherwise it runs as a run of
its own (``run_recorded``) and the verb prints the step's report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import click

from flopsdb.cli_common import NOTHING_YET, App, echo, parse_date, pass_app, progress_bar
from flopsdb.core.errors import CrawlError
from flopsdb.crawl import Progress
from flopsdb.db.status import status_report
from flopsdb.steps import DownloadPapers, HarvestArxiv, LoadPwc, LoadPwcApi, LookUpIds, Step, run_recorded

_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
_DRY_RUN = click.option("--dry-run", is_flag=True, help="Say what would be fetched (read from the database); write nothing, fetch nothing.")


@contextmanager
def _progress(app: App, label: str) -> Iterator[Progress | None]:
    """A progress bar fed by the library's ``(done, total)`` callback (terminal only; nothing with ``--quiet``)."""
    with progress_bar(app, label, unit="items") as bar:
        yield bar.update if bar.enabled else None


def _fail_on(errors: list[str], what: str) -> None:
    if errors:
        raise CrawlError(f"{what}: {errors[0]}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))


def _run(app: App, step: Step, dry_run: bool, fmt: str, progress: str | None = None) -> Any:
    """``--dry-run``: print the step's plan and return None; else run it as a run of its own (with a progress bar
    labelled ``progress`` fed by the step) and return the crawl function's report (printed with ``--format json``)."""
    if dry_run:
        with app.store.dry_run() as con:
            planned = step.plan(con)
        if fmt == "json":
            click.echo(
                json.dumps({"dry_run": True, "plan": planned.skipped, **planned.counts, "failures": [f.line() for f in planned.failures]}, indent=1)
            )
        else:
            app.say(f"dry run: {planned.skipped}")
            for failure in planned.failures:
                app.say(f"  cannot: {failure.line()}")
        return None
    with _progress(app, progress or step.name) as bar:
        if progress:
            step.progress = bar  # type: ignore[attr-defined]
        run_recorded(app.store, step.name, step)
    report = step.report  # type: ignore[attr-defined]
    if fmt == "json":
        click.echo(json.dumps(report.counts(), default=str, indent=1))
    return report


@click.group()
def crawl() -> None:
    """Harvest papers from arXiv (OAI-PMH, API) and reference results from Papers with Code.

    \b
    Example:
      flopsdb crawl arxiv --since 2026-11-01 --sets cs:cs:LG --max 500
      flopsdb crawl pwc --dump evaluation-tables.json.gz
    """


@crawl.command("arxiv")
@click.option(
    "--since",
    callback=parse_date,
    default=None,
    metavar="YYYY-MM-DD",
    help="Harvest records changed since this date (default: each set's stored cursor).",
)
@click.option(
    "--sets",
    default=None,
    metavar="SET[,SET...]",
    help="OAI-PMH sets, comma-separated (default: config 'sets', e.g. cs:cs:LG,cs:cs:CV,cs:cs:CL,stat:stat:ML).",
)
@click.option(
    "--max",
    "max_papers",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after the page on which N papers have been harvested (the cursor keeps the resumption token).",
)
@_FORMAT
@_DRY_RUN
@pass_app
def crawl_arxiv_cmd(app: App, since: date | None, sets: str | None, max_papers: int | None, fmt: str, dry_run: bool) -> None:
    """Harvest arXiv metadata with OAI-PMH ListRecords (arXivRaw) into the papers table.

    Each page is stored together with its cursor, so re-running after a crash neither skips nor
    doubles papers; without --since each set continues from its stored cursor.

    \b
    Example:
      flopsdb crawl arxiv --since 2026-11-01 --sets cs:cs:LG,cs:cs:CV --max 200
      flopsdb crawl arxiv --dry-run
      FLOPSDB_ARXIV_OAI_URL=http://127.0.0.1:8000/oai flopsdb crawl arxiv --since 2026-11-01
    """
    set_list = [s.strip() for s in sets.split(",") if s.strip()] if sets else None
    report = _run(app, HarvestArxiv(app.config, app.store, since=since, sets=set_list, max_papers=max_papers), dry_run, fmt, "harvesting arXiv")
    if report is None:
        return
    if fmt == "text":
        app.say(
            f"run {report.run_id}: {report.papers} papers on {report.pages} pages "
            f"({report.new} new, {report.updated} updated, {report.relevant} relevant, {report.deleted} deleted)"
            + ("" if report.complete or report.errors else "; stopped at --max, next run continues")
        )
        for note in report.notes:
            app.say(f"  note: {note}")
        for source, cursor in report.cursors.items():
            app.say(f"  cursor {source} = {cursor}")
    _fail_on(report.errors, "harvest failed")


@crawl.command("ids")
@click.argument("ids", nargs=-1, required=True)
@_DRY_RUN
@pass_app
def crawl_ids_cmd(app: App, ids: tuple[str, ...], dry_run: bool) -> None:
    """Look papers up by arXiv id through the arXiv API and store them.

    \b
    Example:
      flopsdb crawl ids 1706.03762 1512.03385
    """
    report = _run(app, LookUpIds(app.config, app.store, ids), dry_run, "text")
    if report is None:
        return
    app.say(f"run {report.run_id}: {report.papers} of {len(ids)} found ({report.new} new, {report.relevant} relevant)")
    _fail_on(report.errors, "look-up failed")


@crawl.command("pwc")
@click.option(
    "--dump", default=None, metavar="PATH_OR_URL", help="evaluation-tables.json (plain or .gz, a path or a URL); default: config 'pwc_dump'."
)
@click.option(
    "--api",
    "api_ids",
    multiple=True,
    metavar="ARXIV_ID",
    help="Instead of a dump, ask the paperswithcode.co API for this paper's results (repeatable).",
)
@_FORMAT
@_DRY_RUN
@pass_app
def crawl_pwc_cmd(app: App, dump: str | None, api_ids: tuple[str, ...], fmt: str, dry_run: bool) -> None:
    """Load Papers-with-Code reference results (the archived dump, or the API per paper).

    \b
    Example:
      flopsdb crawl pwc --dump ./jul-28-evaluation-tables.json.gz
      flopsdb crawl pwc --api 1706.03762
    """
    if api_ids:
        report = _run(app, LoadPwcApi(app.config, app.store, api_ids), dry_run, fmt)
    else:
        report = _run(app, LoadPwc(app.config, app.store, dump=dump), dry_run, fmt, "loading Papers with Code")
    if report is None:
        return
    if fmt == "text":
        app.say(
            f"run {report.run_id}: {report.rows} result rows read, {report.new} new, "
            f"{report.with_arxiv_id} with an arXiv id; {report.papers_linked} stored papers newly linked"
        )
    _fail_on(report.errors, "Papers-with-Code load failed")


@click.command()
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N papers this time.")
@click.option("--id", "ids", multiple=True, metavar="ARXIV_ID", help="Only these stored papers (repeatable; relevant or not).")
@click.option("--sources", is_flag=True, help="Also fetch the e-print sources (/e-print/<id>v<n>).")
@_FORMAT
@_DRY_RUN
@pass_app
def download(app: App, limit: int | None, ids: tuple[str, ...], sources: bool, fmt: str, dry_run: bool) -> None:
    """Download the version-pinned PDFs of relevant papers not cached yet.

    Files go to <home>/pdfs/<sha[:2]>/<sha256>.pdf; each failure is recorded with its reason in
    the downloads table and the pass goes on (exit status 1 if any item failed).

    \b
    Example:
      flopsdb download --limit 50
      flopsdb download --dry-run
      flopsdb download --id 1706.03762 --sources
    """
    report = _run(app, DownloadPapers(app.config, app.store, limit=limit, ids=ids, sources=sources), dry_run, fmt, "downloading")
    if report is None:
        return
    if fmt == "text":
        app.say(f"run {report.run_id}: {report.ok} downloaded ({report.bytes:,} bytes), {report.failed} failed")
        for failure in report.failures:
            app.say(f"  failed {failure.item}: {failure.reason}")
    if report.failed:
        raise CrawlError(f"{report.failed} of {report.attempted} downloads failed (see flopsdb status)")


@click.command()
@_FORMAT
@pass_app
def status(app: App, fmt: str) -> None:
    """Counts, the last runs, the crawl cursors, recent download failures and parked items.

    An item the nightly failed on max_failures times is parked: it is not retried until an operator
    clears it (after fixing the cause) with `flopsdb nightly --unpark ITEM`.

    \b
    Example:
      flopsdb status --format json
    """
    if not app.config.db_path.exists():
        click.echo(NOTHING_YET.format(home=app.config.home))
        return
    with app.store.connect() as con:
        report = status_report(con)
    if fmt == "json":
        click.echo(json.dumps(report, default=str, indent=1))
        return
    echo(f"database: {app.config.db_path}")
    echo("review queue: " + ", ".join(f"{k} {n:,}" for k, n in report["queue"].items()))
    echo("facts by source: " + ", ".join(f"{k} {n:,}" for k, n in report["facts_by_source"].items()))
    for table, n in report["counts"].items():
        echo(f"  {table:<24} {n:>10,}")
    for key, n in report.get("papers", {}).items():
        echo(f"  papers {key:<17} {n:>10,}")
    for key, n in report.get("downloads", {}).items():
        echo(f"  downloads {key:<14} {n:>10,}")
    for run in report["runs"][:1]:
        echo(f"last run: {run['command']} {run['status']} started {run['started_at']} ({run['run_id']})")
    for cur in report["cursors"]:
        echo(f"cursor: {cur['source']} = {cur['cursor']} (updated {cur['updated_at']})")
    for fail in report.get("failed_downloads", []):
        echo(f"download failed: {fail['item']} x{fail['attempts']}: {fail['error']}")
    for item in report["parked"]:
        echo(f"PARKED {item['stage']} {item['item']} after {item['attempts']} failures: {item['last_error']}")


COMMANDS: list[click.Command] = [crawl, download, status]
