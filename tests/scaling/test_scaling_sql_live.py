"""`flopsdb sql` reads the published snapshot, and the live file with --live."""

from __future__ import annotations

from click.testing import CliRunner

from flopsdb.db.publish import publish
from flopsdb.db.runs import start_run
from flopsdb.cli import main


def test_sql_reads_the_snapshot_and_live_reads_what_came_since(config, store) -> None:
    publish(store, config.published_path)
    with store.transaction() as con:
        start_run(con, "after the snapshot")
    runner = CliRunner()
    snap = runner.invoke(main, ["sql", "SELECT count(*) AS n FROM runs", "--format", "csv"])
    live = runner.invoke(main, ["sql", "--live", "SELECT count(*) AS n FROM runs", "--format", "csv"])
    assert snap.exit_code == 0 and live.exit_code == 0, snap.output + live.output
    assert snap.output.split() == ["n", "0"]
    assert live.output.split() == ["n", "1"]
