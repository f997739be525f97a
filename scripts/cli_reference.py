"""Write the CLI reference (docs/cli.md) from the commands' own ``--help``.

Usage: python3 scripts/cli_reference.py > docs/cli.md   (tests/test_docs.py checks that docs/cli.md is current)
"""

from __future__ import annotations

import click

from flopsdb.cli import main


def _walk(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None:
                yield from _walk(sub, path + [name])


def reference() -> str:
    """The markdown reference of every command: its usage, help text and options, as ``--help`` prints them."""
    out = [
        "# CLI reference",
        "",
        "Generated from `--help` by `scripts/cli_reference.py`; `tests/test_docs.py` checks that it is current.",
        "",
    ]
    for path, command in _walk(main, []):
        name = " ".join(["flopsdb", *path])
        with click.Context(command, info_name=name, terminal_width=100, max_content_width=100) as ctx:
            text = command.get_help(ctx)
        out += [f"## `{name}`", "", "```", text.rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(reference(), end="")
