"""What every CLI module shares: the application context and output helpers."""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from flopsdb.core.errors import StoreError
from flopsdb.core.text import printable

if TYPE_CHECKING:
    from flopsdb.core.config import Config
    from flopsdb.db.store import Store

NOTHING_YET = (
    "nothing here yet: no database in {home}. Start with `flopsdb nightly --offline-sample` (the shipped sample, "
    "no network) or `flopsdb nightly` (crawl arXiv)."
)


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
            from flopsdb.db.store import Store  # DuckDB: only a command that uses the database imports it

            self._store = Store(self.config.db_path)
        return self._store

    @property
    def existing_store(self) -> Store:
        """The live store for read commands: a ``StoreError`` saying how to start when there is no database yet
        (looking never creates one)."""
        if not self.config.db_path.exists():
            raise StoreError(NOTHING_YET.format(home=self.config.home))
        return self.store

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


# --- progress bars (a TTY only; nothing with --quiet or when stderr is not a terminal) ---------------------------


class Tracker:
    """What a long loop reports to: ``advance()`` after each unit, ``update(done, total)``, ``describe(text)``.

    A disabled tracker (``--quiet``, stderr not a TTY) accepts the same calls and draws nothing.
    """

    def __init__(self, bar: Any = None, task: Any = None) -> None:
        self._bar, self._task = bar, task

    @property
    def enabled(self) -> bool:
        """True when a bar is drawn."""
        return self._bar is not None

    def advance(self, n: int = 1) -> None:
        """One (or ``n``) more unit done."""
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def update(self, done: int, total: int | None = None) -> None:
        """Set the count done (and the total when known); fits the library's ``(done, total)`` callbacks."""
        if self._bar is not None:
            self._bar.update(self._task, completed=done, **({"total": total} if total is not None else {}))

    def describe(self, text: str) -> None:
        """Change the label (e.g. the nightly's current step)."""
        if self._bar is not None:
            self._bar.update(self._task, description=text)


def progress_enabled(app: App) -> bool:
    """Bars are drawn on a terminal only: not with ``--quiet``, not when stderr is a pipe or a file."""
    return not app.quiet and sys.stderr.isatty()


@contextmanager
def progress_bar(app: App, label: str, total: int | None = None, unit: str = "files") -> Iterator[Tracker]:
    """A rich progress bar on stderr (label, bar, done/total, rate per second, ETA, elapsed); transient."""
    if not progress_enabled(app):
        yield Tracker()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class _Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:.2f} {unit}/s", style="progress.data.speed")

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        _Rate(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        yield Tracker(bar, bar.add_task(label, total=total))
