"""The ``flopsdb`` command: one verb per stage. Thin: it parses arguments and calls library functions.

Errors from the library (:class:`flopsdb.core.errors.FlopsdbError`) become one line on stderr,
``flopsdb: error: ...``, and the error's exit status.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flopsdb import __version__
from flopsdb.cli_common import App
from flopsdb.core.config import load_config
from flopsdb.core.errors import FlopsdbError

__all__ = ["main"]


class _Group(click.Group):
    """A group that turns library errors into one line and an exit status."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except FlopsdbError as exc:
            click.echo(f"flopsdb: error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Configuration file (default: ./flopsdb.toml when present).")
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data folder (overrides FLOPSDB_HOME).")
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
    try:
        config = load_config(config_path, home=home)
    except FlopsdbError as exc:
        click.echo(f"flopsdb: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    ctx.obj = App(config=config, quiet=quiet)


def _register() -> None:
    from flopsdb import cli_crawl, cli_extract, cli_nightly, cli_records, cli_review, cli_scaling

    for module in (cli_crawl, cli_extract, cli_review, cli_records, cli_scaling, cli_nightly):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
