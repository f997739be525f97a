"""Start-up: a command imports only what it uses (issue 12).

The top-level group lists its commands from ``flopsdb.cli.COMMANDS`` (import path and summary) and
imports a command's module only when that command is invoked; these tests check, in a fresh Python
process, that ``--help`` does not pull in the heavy stacks, and that the registry is complete and
truthful.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

HEAVY = ("statsmodels", "scipy", "matplotlib", "fastapi", "uvicorn", "dask")
HEAVY_HELP = HEAVY + ("pandas", "spacy", "pdfplumber")
"""What no command's ``--help`` may import: the stacks above, and pandas and the PDF/NLP stack."""
CLI_MODULES = ("cli_crawl", "cli_extract", "cli_nightly", "cli_records", "cli_review", "cli_scaling")

_PROBE = """
import json, sys
sys.argv = ["flopsdb", *{args!r}]
from flopsdb.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
clis = sorted(m for m in sys.modules if m.startswith("flopsdb.cli_"))
print(json.dumps({{"code": code, "heavy": sorted({{m.split(".")[0] for m in heavy}}), "cli": clis}}))
"""


def _probe(*args: str, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE.format(args=list(args), heavy=HEAVY)], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("extract", "--help"),
        ("status", "--help"),
        ("sql", "--help"),
        ("import", "--help"),
        ("import", "epoch", "--help"),
        ("fit", "--help"),
    ],
)
def test_help_does_not_import_the_heavy_stacks(args: tuple[str, ...]) -> None:
    result = _probe(*args)
    assert result["code"] == 0
    assert result["heavy"] == [], f"flopsdb {' '.join(args)} imported {result['heavy']}"


def test_a_light_command_runs_without_the_heavy_stacks(tmp_path) -> None:
    import os

    from flopsdb.db.store import Store

    Store(tmp_path / "flopsdb.duckdb").migrate()
    env = {**os.environ, "FLOPSDB_HOME": str(tmp_path)}
    result = _probe("sql", "--live", "SELECT count(*) AS n FROM candidates", env=env)
    assert result["code"] == 0
    assert result["heavy"] == [], f"flopsdb sql imported {result['heavy']}"


def test_group_help_imports_no_command_module() -> None:
    result = _probe("--help")
    assert result["cli"] == ["flopsdb.cli_common"], result["cli"]


def test_a_command_imports_only_its_own_module() -> None:
    result = _probe("extract", "--help")
    assert result["cli"] == ["flopsdb.cli_common", "flopsdb.cli_extract"], result["cli"]


_EVERY_HELP = """
import json, sys, click
from click.testing import CliRunner
from flopsdb.cli import main

def walk(command, path):
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, f"{' '.join(path + [name])} is listed but does not load"
            yield from walk(sub, path + [name])

runner = CliRunner()
out = []
for path, _ in walk(main, []):
    before = set(sys.modules)
    result = runner.invoke(main, [*path, "--help"], prog_name="flopsdb")
    heavy = sorted({m.split(".")[0] for m in set(sys.modules) - before if m.split(".")[0] in HEAVY})
    out.append({"path": path, "code": result.exit_code, "output": result.output, "error": repr(result.exception),
                "heavy": heavy})
print(json.dumps(out))
"""


def test_every_command_help_works_and_imports_no_heavy_stack() -> None:
    # In a fresh process: click caches each command's help option, which would leak into other tests.
    # Modules are checked after each --help in turn: what one help imported stays loaded, so a heavy
    # module is charged to the first command whose help pulled it in, and none may.
    script = f"HEAVY = {HEAVY_HELP!r}\n" + _EVERY_HELP
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(results) > 15
    for r in results:
        name = " ".join(["flopsdb", *r["path"]])
        assert r["code"] == 0, f"{name} --help: {r['output']}{r['error']}"
        assert r["output"].startswith(f"Usage: {name} "), r["output"][:200]
        assert r["heavy"] == [], f"{name} --help imported {r['heavy']}"


def test_registry_names_every_command_with_its_own_summary() -> None:
    from flopsdb.cli import COMMANDS, load_command

    declared = {}
    for name in CLI_MODULES:
        for command in importlib.import_module(f"flopsdb.{name}").COMMANDS:
            declared[command.name] = command
    assert set(COMMANDS) == set(declared), "flopsdb.cli.COMMANDS differs from the cli_* modules' COMMANDS lists"
    for name, (_, summary) in COMMANDS.items():
        assert load_command(name) is declared[name]
        assert summary == declared[name].get_short_help_str(limit=1000), f"summary of {name} differs from its docstring"


def test_importing_the_cli_imports_neither_the_configuration_nor_the_database_stack() -> None:
    """A worker process started from the fork server imports the parent's main script again (``multiprocessing``
    does so for every worker): for ``flopsdb`` that is ``flopsdb.cli``, which must stay light (click only), and
    must not import pydantic (the configuration) or DuckDB (the store) for every parser and extracting worker."""
    script = "import json, sys\nimport flopsdb.cli\nprint(json.dumps(sorted(m for m in ('pydantic', 'duckdb', 'numpy') if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_extract_without_store_does_not_import_duckdb(tmp_path) -> None:
    import os

    (tmp_path / "empty.pdf").write_bytes(b"")
    env = {**os.environ, "FLOPSDB_HOME": str(tmp_path)}
    script = _PROBE.format(args=["extract", "--timeout", "0", str(tmp_path / "empty.pdf")], heavy=("duckdb",))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == 1  # the empty file fails; the others would go on
    assert result["heavy"] == [], "flopsdb extract without --store imported DuckDB"
