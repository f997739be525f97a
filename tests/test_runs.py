"""Run bookkeeping: ``recording`` starts and finishes a run around a block, also when the block fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopsdb.core.failures import ItemFailure
from flopsdb.core.kinds import KIND_FIELDS, TRAINING_STAGES, VERDICT_ACTIONS, Action, Kind, ReviewMode, Stage
from flopsdb.db import Store, last_runs, recording
from flopsdb.extract.candidate import KINDS, STAGES


def test_recording_finishes_with_the_status_and_counts_the_block_set(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.duckdb")
    with recording(store, "extract") as run:
        with store.connect() as con:
            assert last_runs(con)[0]["status"] == "running"
        run.status, run.counts = "partial", {"files": 3, "failed": 1}
    with store.connect() as con:
        row = last_runs(con)[0]
    assert (row["command"], row["status"], row["run_id"]) == ("extract", "partial", run.run_id)
    assert '"failed": 1' in row["counts"] and row["finished_at"] is not None


def test_a_block_that_raises_leaves_a_failed_run_not_a_running_one(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.duckdb")
    with pytest.raises(UnicodeEncodeError):
        with recording(store, "extract"):
            "bad\udcff".encode()
    with store.connect() as con:
        row = last_runs(con)[0]
    assert row["status"] == "failed" and "surrogates not allowed" in row["error"]


def test_an_enclosing_run_is_not_recorded_twice(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.duckdb")
    with recording(store, "nightly") as outer:
        with recording(store, "extract", run_id=outer.run_id) as inner:
            assert inner.run_id == outer.run_id
    with store.connect() as con:
        assert [r["command"] for r in last_runs(con)] == ["nightly"]


def test_kinds_and_stages_are_the_strings_the_store_holds() -> None:
    assert KINDS == ("hardware", "training_time", "result", "parameters")
    assert Kind("result") == "result" and Stage.FINE_TUNING == "fine-tuning"
    assert set(KIND_FIELDS) == set(Kind) and Stage.INFERENCE not in TRAINING_STAGES
    assert STAGES[-1] == "inference"


def test_a_run_on_a_transaction_commits_and_rolls_back_with_its_writes(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.duckdb")
    store.migrate()
    with store.transaction() as con, recording(store, "records", con=con) as run:
        con.execute("CREATE TABLE t (run_id VARCHAR)")
        con.execute("INSERT INTO t VALUES (?)", [run.run_id])
        run.counts = {"records": 1}
    with pytest.raises(RuntimeError):
        with store.transaction() as con, recording(store, "records", con=con) as failed:
            con.execute("INSERT INTO t VALUES (?)", [failed.run_id])
            raise RuntimeError("boom")
    with store.connect() as con:
        runs = [(r["run_id"], r["status"], r["counts"]) for r in last_runs(con)]
        kept = con.execute("SELECT run_id FROM t").fetchall()
    assert runs == [(run.run_id, "ok", '{"records": 1}')] and kept == [(run.run_id,)]


def test_one_item_failure_reads_as_the_shapes_it_replaced() -> None:
    f = ItemFailure("download", "2611.00004v1", "HTTPError: 404", attempts=2, parked=True)
    item, reason = f
    assert (item, reason, f[0], f["stage"], f.get("error"), f.get("nope", 7)) == (
        "2611.00004v1",
        "HTTPError: 404",
        "2611.00004v1",
        "download",
        "HTTPError: 404",
        7,
    )
    row = ItemFailure("import", "epoch.csv", "not a number", row=17)
    assert (row.source_file, row.source_row, row.reason) == ("epoch.csv", 17, "not a number")
    assert dict([f]) == {"2611.00004v1": "HTTPError: 404"} and row.line() == "import epoch.csv:17: not a number"


def test_verdict_actions_are_the_strings_the_store_holds() -> None:
    assert [str(a) for a in Action] == ["accept", "correct", "reject", "unsure", "adjudicate", "undo"]
    assert set(VERDICT_ACTIONS) == {"accept", "correct", "reject", "unsure"} and ReviewMode("adjudicate") is ReviewMode.ADJUDICATE
