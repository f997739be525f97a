"""CLI verbs of the scaling stage: ``import`` (thompson, epoch), ``estimate``, ``fit``, ``sql``, ``export``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from flopsdb.cli_common import NOTHING_YET, App, Seconds, pass_app, print_rows, progress_bar
from flopsdb.core.errors import StoreError
from flopsdb.db.export import export_tables
from flopsdb.db.sql import query_database, run_query, snapshot_staleness
from flopsdb.fitting import SOURCES, EstimateCurated, FitBenchmark, FitOptions, ImportDataset, import_dataset
from flopsdb.scaling.inputs import X_MEASURES
from flopsdb.steps import run_recorded

_DRY_RUN = click.option("--dry-run", is_flag=True, help="Parse and say what would be imported; write nothing.")


def _import(app: App, step: ImportDataset, dry_run: bool) -> None:
    with progress_bar(app, step.command, unit="files"):
        if dry_run:
            with app.store.dry_run() as con:
                planned = step.plan(con)
            counts = {"run_id": "(dry run)", **planned.counts}
            counts["failure_reasons"] = [f"{f.source_file}:{f.source_row}: {f.reason}" for f in planned.failures]
        else:
            counts = import_dataset(step)
    _report(app, counts)


def _report(app: App, counts: dict) -> None:
    app.say(f"run {counts['run_id']}: {counts['facts']} facts, {counts['estimates']} compute estimates, {counts['failures']} failures")
    for reason in counts["failure_reasons"][:20]:
        app.say(f"  failed: {reason}")
    if len(counts["failure_reasons"]) > 20:
        app.say(f"  ... and {len(counts['failure_reasons']) - 20} more (table import_failures)")


@click.group("import")
def import_cmd() -> None:
    """Import published datasets as facts attributed to their source (never human-confirmed).

    \b
    Example:
      flopsdb import thompson ../shared/datasets/thompson2022
      flopsdb import epoch ../shared/datasets/epoch/epoch_all_ml_systems_full_view.csv
    """


def _import_verb(dataset: str, metavar: str, path: click.Path, help_text: str) -> click.Command:
    """``flopsdb import <dataset> PATH [--dry-run]``: run (or plan) :class:`ImportDataset` on ``PATH``."""

    @import_cmd.command(dataset, help=help_text)
    @click.argument("path", metavar=metavar, type=path)
    @_DRY_RUN
    @pass_app
    def verb(app: App, path: Path, dry_run: bool) -> None:
        _import(app, ImportDataset(app.store, dataset, path), dry_run)

    return verb


import_thompson_cmd = _import_verb(
    "thompson",
    "DIRECTORY",
    click.Path(exists=True, file_okay=False, path_type=Path),
    """Import the six CSVs of Thompson et al., "The Computational Limits of Deep Learning".

    \b
    Example:
      flopsdb import thompson ../shared/datasets/thompson2022
    """,
)
import_epoch_cmd = _import_verb(
    "epoch",
    "FILE",
    click.Path(exists=True, dir_okay=False, path_type=Path),
    """Import Epoch AI's models table (hardware, quantity, time, compute, parameters, data, confidence).

    \b
    Example:
      flopsdb import epoch ../shared/datasets/epoch/epoch_all_ml_systems_full_view.csv
    """,
)


@click.command("fit")
@click.option(
    "--benchmark",
    default="imagenet",
    show_default=True,
    help="imagenet, coco, squad1.1, conll2003, wmt14-en-de, wmt14-en-fr, or any benchmark name in the database.",
)
@click.option(
    "--x",
    "x",
    type=click.Choice(X_MEASURES),
    default="hardware_burden",
    show_default=True,
    help="Compute measure: hardware method, operation counting, any method (epoch convention), or the hardware "
    "burden where measured else predicted from network operations (hardware_burden_consolidated); or forward_ops, "
    "operations per forward pass (flops, else 2 x multiadds: a model's size, not its training compute).",
)
@click.option("--form", type=click.Choice(["polynomial", "exponential"]), default="polynomial", show_default=True)
@click.option("--source", type=click.Choice(SOURCES), default="all", show_default=True, help="Where the compute figures come from.")
@click.option(
    "--convention",
    type=click.Choice(["thompson", "epoch"]),
    default=None,
    help="Peak/utilisation convention for the hardware method (default: thompson).",
)
@click.option(
    "--y-transform",
    type=click.Choice(["log10_error", "error", "log10_inv_error", "inv_error", "log10_score"]),
    default=None,
    help="Override the paper's transform of the error.",
)
@click.option("--target-error", type=float, default=None, help="Extrapolate the compute needed for this error (0-1).")
@click.option("--hardware", default=None, help="Accelerator for cost and CO2 (default NVIDIA A100).")
@click.option("--utilisation", type=float, default=None, help="Override the convention's utilisation.")
@click.option("--price-per-hour", type=float, default=None, help="USD per chip-hour.")
@click.option(
    "--prices",
    "prices_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Epoch's hardware price table (CSV); the median on-demand price of --hardware is used.",
)
@click.option("--pue", type=float, default=None, help="Data-centre power usage effectiveness.")
@click.option("--grid-intensity", type=float, default=None, help="kg CO2 per kWh.")
@click.option("--bootstrap", type=int, default=200, show_default=True, help="Bootstrap resamples of the saturating fit.")
@click.option("--no-variants", is_flag=True, help="Only the main OLS fit (no year control, frontier, saturating, coverage).")
@click.option(
    "--all-results", is_flag=True, help="Curated records: also use results not marked headline (ablation/variant rows); default headline only."
)
@click.option(
    "--relative-to",
    "relative_to",
    metavar="MODEL",
    default=None,
    help="Divide every point's x by this model's x (e.g. AlexNet); the slope and R2 stay, the intercept is the y at its x.",
)
@click.option("--model-contains", metavar="TEXT", default=None, help="Fit only models whose name contains TEXT (one family, e.g. ResNet).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--plot", "plots", multiple=True, type=click.Path(dir_okay=False, path_type=Path), help="Write a plot (.png or .svg); repeatable.")
@click.option("--dry-run", is_flag=True, help="Say which points would be fitted (how many, from which source); fit nothing.")
@pass_app
def fit_cmd(
    app: App,
    benchmark: str,
    x: str,
    form: str,
    source: str,
    convention: str | None,
    y_transform: str | None,
    target_error: float | None,
    hardware: str | None,
    utilisation: float | None,
    price_per_hour: float | None,
    prices_file: str | None,
    pue: float | None,
    grid_intensity: float | None,
    bootstrap: int,
    no_variants: bool,
    all_results: bool,
    relative_to: str | None,
    model_contains: str | None,
    fmt: str,
    plots: tuple[Path, ...],
    dry_run: bool,
) -> None:
    """Fit error against training compute for a benchmark (the paper's models, and past them).

    \b
    Example:
      flopsdb fit --benchmark imagenet --x hardware_burden --form polynomial --source thompson
      flopsdb fit --benchmark squad1.1 --target-error 0.05 --format json --plot squad.png
      flopsdb fit --benchmark imagenet --x forward_ops --relative-to AlexNet --source thompson
      flopsdb fit --benchmark coco --source curated --dry-run
    """
    from flopsdb.scaling.report import format_fit

    opts = FitOptions(
        benchmark=benchmark,
        x=x,
        form=form,
        source=source,
        convention=convention,
        y_transform=y_transform,
        target_error=target_error,
        hardware=hardware,
        utilisation=utilisation,
        price_per_hour=price_per_hour,
        prices_file=prices_file,
        pue=pue,
        grid_intensity=grid_intensity,
        bootstrap=bootstrap,
        variants=not no_variants,
        all_results=all_results,
        relative_to=relative_to,
        model_contains=model_contains,
    )
    step = FitBenchmark(app.existing_store, opts)
    if dry_run:
        with app.existing_store.dry_run() as con:
            planned = step.plan(con)
        if fmt == "json":
            click.echo(json.dumps({"dry_run": True, "plan": planned.skipped, **planned.counts, "notes": step.notes}, indent=1))
        else:
            click.echo(f"dry run: {planned.skipped}")
            for note in step.notes:
                click.echo(f"  note: {note}")
        return
    step.run()
    result = step.result
    assert result is not None
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=1, default=str))
    else:
        click.echo(format_fit(result))
    if plots:
        from flopsdb.scaling.plot import plot_fit

        for path in plots:
            written = plot_fit(result, path)
            if not app.quiet:
                click.echo(f"wrote {written}", err=True)


@click.command("estimate")
@click.option("--utilisation", type=float, default=None, help="Override the epoch convention's utilisation.")
@click.option("--dry-run", is_flag=True, help="Say how many estimates would be stored; write nothing.")
@pass_app
def estimate_cmd(app: App, utilisation: float | None, dry_run: bool) -> None:
    """Store compute estimates of curated results (hardware method, both conventions) for SQL analysts.

    \b
    Example:
      flopsdb estimate
      flopsdb sql "SELECT * FROM compute_estimates WHERE source = 'curated'"
    """
    step = EstimateCurated(app.store, utilisation=utilisation)
    if dry_run:
        with app.store.dry_run() as con:
            planned = step.plan(con)
        app.say(f"dry run: would store {planned.counts['estimates']} compute estimates of curated results")
    else:
        run_id, report = run_recorded(app.store, step.name, step)
        app.say(f"run {run_id}: {report.counts['estimates']} compute estimates of curated results")
    for note in step.notes[:20]:
        app.say(f"  {note}")


def _warn_stale(app: App, live: bool) -> None:
    note = snapshot_staleness(app.config, live=live)
    if note:
        click.echo(f"flopsdb: note: {note}", err=True)


@click.command("sql")
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--max-rows", type=int, default=None, help="Row cap (default: config sql_max_rows).")
@click.option("--timeout", type=Seconds(), default=None, help="Seconds before the query is interrupted (default: sql_timeout).")
@click.option(
    "--live", is_flag=True, help="Query the live database instead of the published snapshot, through a copy without the accounts (waits its turn)."
)
@pass_app
def sql_cmd(app: App, query: str, fmt: str, max_rows: int | None, timeout: float | None, live: bool) -> None:
    """Run a read-only SQL query (published snapshot if any, else the live file; no writes, no file access).

    The snapshot is as fresh as the last `flopsdb publish` (the nightly's last step); --live reads
    what was written since, in a credential-free copy made for the query (no accounts, hashes or sessions).

    \b
    Views: curated_facts, compute_estimates, benchmark_results, fit_inputs (see README).
    Example:
      flopsdb sql "SELECT benchmark, count(*) FROM fit_inputs GROUP BY ALL" --format csv
      flopsdb sql --live "SELECT count(*) FROM review_events"
    """
    cfg = app.config
    path = query_database(cfg, live=live)
    if not path.exists():
        raise StoreError(NOTHING_YET.format(home=cfg.home))
    res = run_query(
        path,
        query,
        timeout=timeout if timeout is not None else cfg.sql_timeout,
        max_rows=max_rows if max_rows is not None else cfg.sql_max_rows,
        hide_credentials=path != cfg.published_path,
    )
    print_rows(res.columns, res.rows, fmt)
    _warn_stale(app, live)
    if res.truncated:
        click.echo(f"flopsdb: only the first {res.max_rows} rows were returned (row cap; use --max-rows or LIMIT)", err=True)


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True)
@click.option("--live", is_flag=True, help="Export the live database instead of the published snapshot.")
@pass_app
def export_cmd(app: App, directory: Path, fmt: str, live: bool) -> None:
    """Export the dataset and the scaling views, one file per relation (published snapshot if any).

    Says so when the snapshot is older than the live file; --live exports the live file.

    \b
    Example:
      flopsdb export --format parquet out/
    """
    path = query_database(app.config, live=live)
    if not path.exists():
        raise StoreError(NOTHING_YET.format(home=app.config.home))
    _warn_stale(app, live)
    counts = export_tables(path, directory, fmt=fmt)
    for name, n in counts.items():
        app.say(f"{directory / (name + '.' + fmt)}: {n} rows")


COMMANDS: list[click.Command] = [import_cmd, estimate_cmd, fit_cmd, sql_cmd, export_cmd]
