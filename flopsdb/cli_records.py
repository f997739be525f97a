"""CLI verb ``records``: the model records built from curated facts, and what each lacks for a compute estimate."""

from __future__ import annotations

import json

import click

from flopsdb.cli_common import App, pass_app, print_rows
from flopsdb.records import list_records


def _flop(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"


@click.command("records")
@click.option("--paper", default=None, help="Only this paper's records (arXiv id, version optional).")
@click.option("--incomplete", is_flag=True, help="Only records that lack something for a compute estimate.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@pass_app
def records_cmd(app: App, paper: str | None, incomplete: bool, fmt: str) -> None:
    """Build and list model records (one per model of a paper) from the curated facts.

    Each record: the names the model is printed under, its own results, hardware, training time,
    parameters, compute under the thompson and epoch conventions, year and venue, and what it lacks.

    \b
    Example:
      flopsdb records --incomplete
      flopsdb records --paper 1512.03385 --format jsonl
    """
    rows = list_records(app.store, paper=paper, incomplete=incomplete)
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r["record"], default=str))
        return
    print_rows(
        ["record", "names", "results", "year", "thompson FLOP", "epoch FLOP", "lacks"],
        [
            [
                r["record_id"],
                "; ".join(r["names"]),
                len(r["record"]["results"]),
                r["year"] if r["year"] is not None else f"- ({r['year_reason']})",
                _flop(r["flop_thompson"]),
                _flop(r["flop_epoch"]),
                ", ".join(r["missing"]) or "-",
            ]
            for r in rows
        ],
    )
    if not app.quiet:
        click.echo(f"{len(rows)} record(s), {sum(bool(r['missing']) for r in rows)} incomplete", err=True)


COMMANDS: list[click.Command] = [records_cmd]
