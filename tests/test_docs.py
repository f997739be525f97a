"""Docs that stay true (datasette style): the CLI reference is generated from --help and current, every
command is in it, every public name has a docstring, README stays short and its links resolve."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import click
import pytest
from test_architecture import modules

ROOT = Path(__file__).resolve().parents[1]


def _reference() -> str:
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.reference()


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == _reference(), "docs/cli.md is stale: run python3 scripts/cli_reference.py > docs/cli.md"


def test_every_command_is_in_the_reference_with_help() -> None:
    from flopsdb.cli import main

    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")

    def walk(command: click.Command, path: list[str]):
        yield path, command
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, f"{name} is listed but does not load"
                yield from walk(sub, path + [name])

    missing = [" ".join(p) for p, c in walk(main, []) if f"## `{' '.join(['flopsdb', *p])}`" not in reference]
    undocumented = [" ".join(p) for p, c in walk(main, []) if not (c.help or "").strip()]
    assert not missing, f"not in docs/cli.md: {missing}"
    assert not undocumented, f"commands without help: {undocumented}"


@pytest.mark.parametrize("name", sorted(modules()))
def test_public_names_have_docstrings(name: str) -> None:
    module = importlib.import_module(name)
    public = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    missing = []
    for attr in public:
        obj = getattr(module, attr, None)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == name and not (obj.__doc__ or "").strip():
            missing.append(attr)
    assert not missing, f"{name}: public names without a docstring: {missing}"


@pytest.mark.parametrize("name", sorted(modules()))
def test_only_package_facades_declare_all(name: str) -> None:
    module = importlib.import_module(name)
    facade = Path(module.__file__ or "").name == "__init__.py"
    assert facade or not hasattr(module, "__all__"), f"{name}: __all__ belongs on the package facade, not on an internal module"


def test_readme_is_short_and_gives_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 250
    block = readme.split("## Two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2 and commands[1].startswith("python3 -m pytest")


@pytest.mark.parametrize("page", ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))])
def test_relative_links_resolve(page: str) -> None:
    path = ROOT / page
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    broken = [
        target
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
        if not target.startswith(("http://", "https://", "mailto:")) and not (path.parent / target).exists()
    ]
    assert not broken, f"{page}: broken links {broken}"


def test_every_name_a_package_facade_exports_is_documented() -> None:
    """A name in a package facade's ``__all__`` (its public surface) is named in README or docs/ (datasette style)."""
    docs = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    undocumented = []
    for name in sorted(modules()):
        module = importlib.import_module(name)
        if Path(module.__file__ or "").name != "__init__.py":
            continue
        for attr in getattr(module, "__all__", ()):
            if not attr.startswith("__") and not re.search(rf"`[\w.]*\b{re.escape(attr)}\b[^`]*`", docs):
                undocumented.append(f"{name}.{attr}")
    assert not undocumented, f"exported but not in README or docs/: {undocumented}"
