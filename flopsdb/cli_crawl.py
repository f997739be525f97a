"""CLI verbs of the crawl stage: ``crawl``, ``download``, ``status``."""

from __future__ import annotations

import json

import click

from db.status import status_report
from flopsdb.cli_common import App, pass_app

__all__ = ["COMMANDS"]


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def status(app: App, fmt: str) -> None:
    """Counts, the last runs and the crawl cursors.

    \b
    Example:
      flopsdb status --format json
    """
    with app.store.connect() as con:
        report = status_report(con)
    if fmt == "json":
        click.echo(json.dumps(report, default=str, indent=1))
        return
    click.echo(f"database: {app.config.db_path}")
    for table, n in report["counts"].items():
        click.echo(f"  {table:<24} {n:>10,}")
    for run in report["runs"][:1]:
        click.echo(f"last run: {run['command']} {run['status']} started {run['started_at']} ({run['run_id']})")
    for cur in report["cursors"]:
        click.echo(f"cursor: {cur['source']} = {cur['cursor']} (updated {cur['updated_at']})")


COMMANDS: list[click.Command] = [status]
