"""Looking has no side effects: read commands on a fresh home create no database and say how to start."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main

READ_COMMANDS = [
    ["status"],
    ["status", "--format", "json"],
    ["sql", "SELECT 1"],
    ["users", "list"],
    ["review", "agreement"],
    ["fit", "--benchmark", "imagenet"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a))
def test_read_command_on_fresh_home_creates_nothing(tmp_path: Path, args: list[str]) -> None:
    home = tmp_path / "home"
    result = CliRunner().invoke(main, ["--home", str(home), *args])
    assert not (home / "flopsdb.duckdb").exists()
    assert not any(home.rglob("*.duckdb")) if home.exists() else True
    assert "nothing here yet" in result.output
    assert "flopsdb nightly --offline-sample" in result.output
    if args[0] == "status":
        assert result.exit_code == 0
    else:
        assert result.exit_code != 0


def test_review_export_on_fresh_home_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "home"), "review", "export", "--format", "prodigy", "--out", str(out)])
    assert result.exit_code != 0 and "nothing here yet" in result.output
    assert not out.exists() and not (tmp_path / "home" / "flopsdb.duckdb").exists()
