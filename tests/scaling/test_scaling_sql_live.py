"""`flopsdb sql` reads the published snapshot, and the live file with --live."""

from __future__ import annotations

import os
import re
import time

from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.db.publish import publish
from flopsdb.db.runs import start_run


def test_sql_reads_the_snapshot_and_live_reads_what_came_since(config, store) -> None:
    publish(store, config.published_path)
    with store.transaction() as con:
        start_run(con, "after the snapshot")
    runner = CliRunner()
    snap = runner.invoke(main, ["sql", "SELECT count(*) AS n FROM runs", "--format", "csv"])
    live = runner.invoke(main, ["sql", "--live", "SELECT count(*) AS n FROM runs", "--format", "csv"])
    assert snap.exit_code == 0 and live.exit_code == 0, snap.output + live.output
    assert snap.stdout.split() == ["n", "0"]
    assert live.stdout.split() == ["n", "1"]


def test_sql_and_export_say_when_the_snapshot_is_older_than_the_live_file(config, store, tmp_path) -> None:
    publish(store, config.published_path)
    runner = CliRunner()
    fresh = runner.invoke(main, ["sql", "SELECT 1 AS one", "--format", "csv"])
    assert fresh.exit_code == 0 and "older than the live" not in fresh.stderr
    with store.transaction() as con:
        start_run(con, "the nightly's import, after the snapshot")
    then = time.time() - 3 * 3600 - 120
    os.utime(config.published_path, (then, then))
    stale = runner.invoke(main, ["sql", "SELECT count(*) AS n FROM runs", "--format", "csv"])
    assert stale.exit_code == 0, stale.output
    assert stale.stdout.split() == ["n", "0"]
    assert "published snapshot" in stale.stderr and re.search(r"3 h [12] min older than the live", stale.stderr)
    live = runner.invoke(main, ["sql", "--live", "SELECT count(*) AS n FROM runs", "--format", "csv"])
    assert "older than the live" not in live.stderr
    exported = runner.invoke(main, ["export", "--format", "csv", str(tmp_path / "out")])
    assert exported.exit_code == 0 and "older than the live" in exported.stderr
    exported_live = runner.invoke(main, ["export", "--live", "--format", "csv", str(tmp_path / "out_live")])
    assert exported_live.exit_code == 0 and "older than the live" not in exported_live.stderr
    assert (tmp_path / "out_live" / "runs.csv").exists() or (tmp_path / "out_live" / "papers.csv").exists()
