"""A dry run writes nothing: every command with ``--dry-run``, on a new home and on one with a database, leaves
the data home exactly as it found it (no database file, no lock file, no log; the existing file's bytes unchanged)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.db.store import Store

FIX = Path(__file__).resolve().parents[1] / "fixtures"

DRY_RUNS = [
    ["crawl", "arxiv", "--since", "2026-11-01", "--dry-run"],
    ["crawl", "ids", "1706.03762", "--dry-run"],
    ["crawl", "pwc", "--dump", "no-such-dump.json.gz", "--dry-run"],
    ["crawl", "pwc", "--api", "1706.03762", "--dry-run"],
    ["download", "--dry-run"],
    ["nightly", "--dry-run"],
    ["nightly", "--offline-sample", "--dry-run"],
    ["review", "import", str(FIX / "curation" / "gold.jsonl"), "--format", "annotations", "--dry-run"],
    ["import", "thompson", str(FIX / "scaling" / "thompson"), "--dry-run"],
    ["import", "epoch", str(FIX / "scaling" / "epoch_models.csv"), "--dry-run"],
    ["estimate", "--dry-run"],
    ["fit", "--benchmark", "imagenet", "--dry-run"],
]


def _tree(home: Path) -> dict[str, str]:
    """Every file under ``home`` with the digest of its bytes."""
    if not home.exists():
        return {}
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(home.rglob("*")) if p.is_file()}


def _name(args: list[str]) -> str:
    return " ".join(a for a in args if not a.startswith(("/", "no-such", "2026", "1706")) and a != "--dry-run")


@pytest.mark.parametrize("existing", [False, True], ids=["new home", "existing database"])
@pytest.mark.parametrize("args", DRY_RUNS, ids=_name)
def test_a_dry_run_changes_no_byte_of_the_home(tmp_path: Path, args: list[str], existing: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FLOPSDB_ARXIV_DELAY", raising=False)
    home = tmp_path / "home"
    if existing:
        Store(home / "flopsdb.duckdb").migrate()
    before = _tree(home)
    result = CliRunner().invoke(main, ["--home", str(home), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert _tree(home) == before, f"{_name(args)} changed {sorted(set(_tree(home).items()) ^ set(before.items()))}: {result.output}"
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == [], "the dry run wrote beside the home"


def test_a_dry_run_on_a_database_that_needs_migrations_says_so_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLOPSDB_ARXIV_DELAY", raising=False)
    home = tmp_path / "home"
    store = Store(home / "flopsdb.duckdb")
    store.migrate()
    with store.transaction() as con:
        con.execute("DELETE FROM schema_migrations WHERE name = (SELECT max(name) FROM schema_migrations)")
    before = _tree(home)
    result = CliRunner().invoke(main, ["--home", str(home), "download", "--dry-run"])
    assert result.exit_code != 0 and "migration" in result.output and "dry run writes nothing" in result.output, result.output
    assert _tree(home) == before
