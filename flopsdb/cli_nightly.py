"""CLI verbs of the nightly job: ``nightly``, ``publish``, ``backfill``, and ``demo`` (the first run on the shipped sample)."""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from flopsdb.cli_common import App, echo, parse_date, pass_app, progress_bar


def run_with_progress(app: App, config: Any, **kwargs: Any) -> Any:
    """``run_nightly`` with a bar over its steps (on a terminal, not with --quiet)."""
    from flopsdb.nightly import STEPS, run_nightly

    with progress_bar(app, "nightly", total=len(STEPS), unit="steps") as bar:

        def step(name: str, done: int, total: int) -> None:
            bar.describe(f"nightly: {name}")
            bar.update(done, total)

        return run_nightly(config, progress=step, **kwargs)


def run_offline_sample(app: App, **kwargs: Any) -> tuple[Any, Any]:
    """Run the real nightly on the shipped sample served from loopback, in ``<home>/sample``;
    returns the sample's configuration and the report."""
    from flopsdb.sample_server import SampleServer

    kwargs.setdefault("since", date(2026, 11, 1))
    with SampleServer() as server:
        config = dataclasses.replace(app.config, home=app.config.home / "sample", **server.config_overrides())  # type: ignore[arg-type]
        return config, run_with_progress(app, config, **kwargs)


@click.command()
@click.option("--dry-run", is_flag=True, help="Say what would be done; write nothing, fetch nothing.")
@click.option("--max-papers", type=click.IntRange(min=1), default=None, help="Harvest, download and extract at most N papers.")
@click.option("--since", callback=parse_date, default=None, metavar="YYYY-MM-DD", help="Harvest from this date instead of the stored cursor.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes for extraction (default: config workers).")
@click.option(
    "--unpark",
    "unpark_items",
    multiple=True,
    metavar="ITEM",
    help="Clear the failures of a parked item (e.g. 2611.00004v1) so it is tried again, then exit.",
)
@click.option(
    "--offline-sample",
    is_flag=True,
    help="Run the whole pipeline on the shipped sample, served from a local HTTP server (no network), in <home>/sample.",
)
@pass_app
def nightly(
    app: App, dry_run: bool, max_papers: int | None, since: date | None, workers: int | None, unpark_items: tuple[str, ...], offline_sample: bool
) -> None:
    """Crawl, download, extract, enqueue and publish: the job cron runs every night.

    Prints a concise summary and exits 0 (all well), 1 (finished with item failures) or
    2 (could not run: configuration, lock, database). The full log is in <home>/logs/.

    \b
    Example:
      flopsdb nightly --quiet                 # cron, see README for the crontab line
      flopsdb nightly --offline-sample        # the whole pipeline on the shipped sample, no network
      flopsdb nightly --dry-run
      flopsdb nightly --unpark 2611.00004v1
    """
    if unpark_items:
        from flopsdb.db.items import unpark

        with app.store.transaction() as con:
            for item in unpark_items:
                app.say(f"{item}: cleared {unpark(con, item)} failure record(s)")
        return

    if offline_sample:
        _, report = run_offline_sample(app, dry_run=dry_run, max_papers=max_papers, workers=workers, **({"since": since} if since else {}))
    else:
        report = run_with_progress(app, app.config, dry_run=dry_run, max_papers=max_papers, since=since, workers=workers)
    if report.exit_status == 2:
        echo(f"flopsdb: error: {report.error}", err=True)
    elif not app.quiet or report.exit_status:
        echo(report.summary())
    sys.exit(report.exit_status)


@click.command()
@pass_app
def publish(app: App) -> None:
    """Publish a snapshot of the live database for analysts (atomic swap).

    \b
    Example:
      flopsdb publish && flopsdb sql "SELECT count(*) FROM papers"
    """
    from flopsdb.db.publish import publish as publish_snapshot

    target = publish_snapshot(app.store, app.config.published_path)
    app.say(f"published {target} ({target.stat().st_size:,} bytes)")


@click.command()
@click.argument("pdfs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786); default: a local cluster on this machine."
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Workers of the local cluster.")
@click.option(
    "--shards",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the Parquet shards go (default <home>/shards/<run>). Must be reachable by every worker.",
)
@click.option("--pending", is_flag=True, help="Extract every downloaded PDF not yet extracted (instead of PDFS).")
@pass_app
def backfill(app: App, pdfs: tuple[Path, ...], scheduler: str | None, workers: int, shards: Path | None, pending: bool) -> None:
    """Extract many PDFs on a Dask cluster: each task writes a Parquet shard, then DuckDB loads them.

    PDFS may be files, folders (searched for *.pdf) or quoted glob patterns ('papers/**/*.pdf').

    \b
    Example:
      flopsdb backfill ~/arxiv-pdfs/ --workers 2
      flopsdb backfill --pending --scheduler tcp://10.0.0.5:8786 --shards /shared/nfs/shards
    """
    from flopsdb.distributed import backfill as run_backfill

    with progress_bar(app, "backfill") as bar:
        report = run_backfill(
            app.config, app.store, list(pdfs), scheduler=scheduler, workers=workers, shard_dir=shards, pending=pending, progress=bar.update
        )
    app.say(report.summary())
    sys.exit(1 if report.failures else 0)


@click.command()
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where the plot goes (.png or .svg; default <home>/sample/demo-imagenet.png).",
)
@pass_app
def demo(app: App, plot_path: Path | None) -> None:
    """The first run: the shipped sample through the whole pipeline and a fit, no network; then what to do next.

    Runs the real nightly (crawl, download, extract, enqueue, publish) against a local server that serves the
    shipped sample, in <home>/sample; imports the sample's dataset (nine published ImageNet training runs,
    written from their papers; source `sample`); fits ImageNet error against hardware burden; writes a plot;
    and prints the commands to review the queue, query the database and see the plot.

    \b
    Example:
      flopsdb demo
      flopsdb --home /tmp/try demo --plot /tmp/try/fit.svg
    """
    from flopsdb.core.errors import FlopsdbError
    from flopsdb.db.publish import publish as publish_snapshot
    from flopsdb.db.sql import SAMPLE_QUERY
    from flopsdb.db.store import Store
    from flopsdb.fitting import FitOptions, import_thompson, run_fit
    from flopsdb.sample_server import sample_dir
    from flopsdb.scaling.plot import plot_fit

    config, report = run_offline_sample(app)
    if report.exit_status == 2:
        echo(f"flopsdb: error: {report.error}", err=True)
        sys.exit(2)
    app.say(report.summary())
    if report.failures:
        app.say(f"  (the sample has {len(report.failures)} broken item(s) on purpose, to show how failures are recorded and retried)")
    store = Store(config.db_path)
    counts = import_thompson(store, sample_dir() / "datasets", source="sample")
    try:
        result = run_fit(store, FitOptions(benchmark="imagenet", x="hardware_burden", source="sample", target_error=0.1, bootstrap=50))
    except FlopsdbError as exc:
        echo(f"flopsdb: error: the sample's fit failed: {exc}", err=True)
        sys.exit(1)
    plot = plot_fit(result, plot_path or config.home / "demo-imagenet.png")
    publish_snapshot(store, config.published_path)
    m, ex = result.main, result.extrapolation or {}
    waiting = next((st.counts.get("awaiting_review", 0) for st in report.steps if st.name == "enqueue"), 0)
    home = config.home
    app.say(f"\nimported the sample's dataset: {counts['facts']} facts of {m.n} ImageNet training runs (source 'sample')")
    app.say(
        f"fit: log10(top-1 error) = {m.intercept:.3f} {m.slope:+.4f} x log10(FLOP), R² {m.r2:.3f}, n {m.n}"
        + (f"; 10% error would take 10^{ex['log10_flop']:.1f} FLOP" if ex.get("log10_flop") is not None else "")
    )
    app.say(f"plot: {plot}")
    app.say("\nWhat next (the sample's data is in " + str(home) + "):")
    app.say(f"  flopsdb --home {home} users add alice --role annotator   # asks for a password")
    app.say(f"  flopsdb --home {home} review serve                        # open http://127.0.0.1:8765/ and review the {waiting} candidates waiting")
    app.say(f'  flopsdb --home {home} sql "{SAMPLE_QUERY}"')
    app.say(f"  flopsdb --home {home} fit --source sample --target-error 0.05 --plot fit.png")
    app.say("  flopsdb nightly                                          # the real job: crawl arXiv (needs the network)")
    sys.exit(0)


COMMANDS: list[click.Command] = [nightly, publish, backfill, demo]
