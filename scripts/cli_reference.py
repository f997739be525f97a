"""Write the CLI reference (docs/cli.md) from the commands' own ``--help``.

Usage: python3 scripts/cli_reference.py > docs/cli.md   (tests/test_docs.py checks that docs/cli.md is current)
"""

from __future__ import annotations

import click

from flopsdb.cli import main


def _walk(command: click.Command, path: list[str], parent: click.Context | None = None):
    name = " ".join(["flopsdb", *path])
    ctx = command.make_context(path[-1] if path else "flopsdb", [], parent=parent, resilient_parsing=True)
    ctx.terminal_width = ctx.max_content_width = 100
    yield name, command, ctx
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            found = command.get_command(ctx, sub)
            if found is not None:
                yield from _walk(found, path + [sub], ctx)


def reference() -> str:
    """The markdown reference of every command: its usage, help text and options, as ``--help`` prints them."""
    out = [
        "# CLI reference",
        "",
        "Generated from `--help` by `scripts/cli_reference.py`; `tests/test_docs.py` checks that it is current.",
        "",
    ]
    for name, command, ctx in _walk(main, []):
        text = command.get_help(ctx)
        out += [f"## `{name}`", "", "```", text.rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(reference(), end="")
