"""What every CLI module shares: the application context and output helpers."""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Sequence

import click

from flopsdb.db.store import Store
from flopsdb.core.config import Config
from flopsdb.core.text import printable

__all__ = ["App", "pass_app", "print_rows", "parse_date", "echo", "Seconds"]


def echo(message: Any = "", *, err: bool = False) -> None:
    """Print one message with data in it as plain text: control characters and escape sequences removed."""
    click.echo(printable(message), err=err)


@dataclass
class App:
    """The CLI's context: configuration, quiet flag and the live store."""

    config: Config
    quiet: bool = False
    _store: Store | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        """The live DuckDB store (opened per unit of work; see ``db.store``)."""
        if self._store is None:
            self._store = Store(self.config.db_path)
        return self._store

    def say(self, message: str) -> None:
        """Print unless ``--quiet``."""
        if not self.quiet:
            echo(message)


pass_app = click.make_pass_decorator(App)


class Seconds(click.ParamType):
    """A click type for durations: a finite number of seconds > 0 (or >= 0 with ``zero_ok``, where 0 means no limit)."""

    name = "float"

    def __init__(self, *, zero_ok: bool = False) -> None:
        self.zero_ok = zero_ok

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        """``value`` as seconds, or a usage error naming the allowed range."""
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = math.nan
        if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not self.zero_ok):
            self.fail(f"{value!r} is not a finite number of seconds {'>= 0' if self.zero_ok else '> 0'}", param, ctx)
        return seconds


def parse_date(_: click.Context, __: click.Parameter, value: str | None) -> date | None:
    """A click callback for ``YYYY-MM-DD`` options."""
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def print_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str = "table") -> None:
    """Print rows as a table, CSV or JSON (one array of objects).

    Data is printed as text, never as rich markup; table and CSV cells lose control characters and escape
    sequences (JSON escapes them)."""
    rows = list(rows)
    if fmt == "json":
        click.echo(json.dumps([dict(zip(columns, r)) for r in rows], default=str, indent=1))
    elif fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(dict(zip(columns, r)), default=str))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([printable(c) for c in columns])
        writer.writerows([[v if v is None or isinstance(v, (int, float)) else printable(v) for v in r] for r in rows])
        click.echo(buf.getvalue(), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(show_lines=False)
        for c in columns:
            table.add_column(Text(printable(c, one_line=True)))
        for r in rows:
            table.add_row(*(Text(printable(v, one_line=True)) for v in r))
        Console(file=sys.stdout, width=200, markup=False, highlight=False, emoji=False).print(table)
