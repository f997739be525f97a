"""The ``flopsdb`` command: one verb per stage. Thin: it parses arguments and calls library functions.

Errors from the library (:class:`flopsdb.core.errors.FlopsdbError`) become one line on stderr,
``flopsdb: error: ...``, and the error's exit status.

Commands are registered by import path (:data:`COMMANDS`) and imported only when invoked, so that
``flopsdb --help`` and a command's ``--help`` do not import the stack of every other stage
(statsmodels, FastAPI, Dask, ...). ``tests/test_startup.py`` checks the paths and summaries.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click
from click.utils import make_default_short_help

from flopsdb import __version__
from flopsdb.cli_common import App, echo
from flopsdb.core.errors import FlopsdbError

COMMANDS: dict[str, tuple[str, str]] = {
    "crawl": ("flopsdb.cli_crawl:crawl", "Harvest papers from arXiv (OAI-PMH, API) and reference results from Papers with Code."),
    "download": ("flopsdb.cli_crawl:download", "Download the version-pinned PDFs of relevant papers not cached yet."),
    "status": ("flopsdb.cli_crawl:status", "Counts, the last runs, the crawl cursors, recent download failures and parked items."),
    "extract": ("flopsdb.cli_extract:extract_cmd", "Extract hardware, training time, results and parameters from PDFs."),
    "evaluate": (
        "flopsdb.cli_extract:evaluate_cmd",
        "Score the extractors against the gold: precision, recall and F1 per kind and micro, per half and mode.",
    ),
    "review": ("flopsdb.cli_review:review", "Review the queue in the terminal (one annotator), or run a subcommand."),
    "users": ("flopsdb.cli_review:users", "Local accounts for the review server."),
    "import": ("flopsdb.cli_scaling:import_cmd", "Import published datasets as facts attributed to their source (never human-confirmed)."),
    "estimate": (
        "flopsdb.cli_scaling:estimate_cmd",
        "Store compute estimates of curated results (hardware method, both conventions) for SQL analysts.",
    ),
    "records": ("flopsdb.cli_records:records_cmd", "Build and list model records (one per model of a paper) from the curated facts."),
    "fit": ("flopsdb.cli_scaling:fit_cmd", "Fit error against training compute for a benchmark (the paper's models, and past them)."),
    "sql": ("flopsdb.cli_scaling:sql_cmd", "Run a read-only SQL query (published snapshot if any, else the live file; no writes, no file access)."),
    "export": ("flopsdb.cli_scaling:export_cmd", "Export the dataset and the scaling views, one file per relation (published snapshot if any)."),
    "nightly": ("flopsdb.cli_nightly:nightly", "Crawl, download, extract, enqueue and publish: the job cron runs every night."),
    "publish": ("flopsdb.cli_nightly:publish", "Publish a snapshot of the live database for analysts (atomic swap)."),
    "demo": ("flopsdb.cli_nightly:demo", "The first run: the shipped sample through the whole pipeline and a fit, no network; then what to do next."),
    "backfill": ("flopsdb.cli_nightly:backfill", "Extract many PDFs on a Dask cluster: each task writes a Parquet shard, then DuckDB loads them."),
}
"""Every top-level command: name -> (``module:attribute``, the summary ``flopsdb --help`` prints)."""


def load_command(name: str) -> click.Command:
    """Import and return the command registered as ``name`` in :data:`COMMANDS`."""
    module, attr = COMMANDS[name][0].split(":")
    command = getattr(importlib.import_module(module), attr)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name][0]} is not a click command")
    return command


class _Group(click.Group):
    """A group whose commands are imported when invoked (listed from :data:`COMMANDS` without importing),
    and that turns library errors into one line and an exit status."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = [
            (n, self.commands[n].get_short_help_str(limit) if n in self.commands else make_default_short_help(COMMANDS[n][1], limit)) for n in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FlopsdbError as exc:
            echo(f"flopsdb: error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file (default: ./flopsdb.toml when present).",
)
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None, help="Data folder (overrides FLOPSDB_HOME).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or chatter (for cron).")
@click.version_option(__version__, prog_name="flopsdb")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, home: Path | None, quiet: bool) -> None:
    """flopsdb: the compute behind deep-learning progress, mined from papers.

    \b
    Stages: crawl -> download -> extract -> review -> fit.
    Example:
      flopsdb crawl arxiv --since 2026-11-01 --max 200
      flopsdb status
    """
    from flopsdb.core.config import load_config  # pydantic: not imported by a worker that imports this module as its main

    try:
        config = load_config(config_path, home=home)
    except FlopsdbError as exc:
        echo(f"flopsdb: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    ctx.obj = App(config=config, quiet=quiet)


if __name__ == "__main__":  # pragma: no cover
    main()
