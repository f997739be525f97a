"""Run bookkeeping: ``recording`` starts and finishes a run around a block, also when the block fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopsdb.core.kinds import KIND_FIELDS, TRAINING_STAGES, Kind, Stage
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
