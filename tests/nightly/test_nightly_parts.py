"""The nightly job's parts: the run lock, per-item failures with backoff and parking, atomic publishing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from flopsdb.core.errors import RunLocked
from flopsdb.db.items import BACKOFF_BASE, clear_failure, due_for_retry, parked_items, record_failure, unpark
from flopsdb.db.publish import publish
from flopsdb.db.runs import start_run
from flopsdb.lock import RunLock


def _hold_lock_in_child(path: Path) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from flopsdb.lock import RunLock
        RunLock(Path({str(path)!r})).acquire()
        print("locked", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    return child


def test_second_run_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    child = _hold_lock_in_child(tmp_path / "nightly.lock")
    try:
        with pytest.raises(RunLocked, match=f"pid {child.pid}"):
            RunLock(tmp_path / "nightly.lock").acquire()
    finally:
        child.kill()
        child.wait()


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    child = _hold_lock_in_child(tmp_path / "nightly.lock")
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with RunLock(tmp_path / "nightly.lock") as lock:
        assert lock.took_over_from is not None and lock.took_over_from["pid"] == child.pid
    with RunLock(tmp_path / "nightly.lock") as lock:  # a clean release leaves nothing to take over
        assert lock.took_over_from is None


def test_failures_back_off_then_park(store) -> None:
    t0 = datetime(2026, 11, 1, 3, 0)
    with store.transaction() as con:
        run = start_run(con, "test")
        first = record_failure(con, "download", "2611.00004v1", "NotAPDF: got text/html", run_id=run, max_failures=3, now=t0)
        assert first["attempts"] == 1 and first["next_try_at"] == t0 + BACKOFF_BASE and not first["parked"]
        assert not due_for_retry(con, "download", "2611.00004v1", now=t0 + timedelta(hours=1))
        assert due_for_retry(con, "download", "2611.00004v1", now=t0 + BACKOFF_BASE)
        second = record_failure(con, "download", "2611.00004v1", "again", run_id=run, max_failures=3, now=t0 + BACKOFF_BASE)
        assert second["next_try_at"] == t0 + BACKOFF_BASE + 2 * BACKOFF_BASE
        third = record_failure(con, "download", "2611.00004v1", "and again", run_id=run, max_failures=3, now=t0 + 4 * BACKOFF_BASE)
        assert third["parked"]
        assert not due_for_retry(con, "download", "2611.00004v1", now=t0 + timedelta(days=365))
        assert [p["item"] for p in parked_items(con)] == ["2611.00004v1"]
        clear_failure(con, "download", "2611.00004v1")
        assert parked_items(con) == [] and due_for_retry(con, "download", "2611.00004v1")


def test_status_lists_parked_items_and_unpark_clears_them(config) -> None:
    from click.testing import CliRunner

    from flopsdb.cli import main
    from flopsdb.db.store import Store

    store = Store(config.db_path)
    with store.transaction() as con:
        run = start_run(con, "test")
        for _ in range(config.max_failures):
            record_failure(con, "extract", "2611.00005v1", "truncated: no %%EOF", run_id=run, max_failures=config.max_failures)
    status = CliRunner().invoke(main, ["status"])
    assert status.exit_code == 0, status.output
    assert f"PARKED extract 2611.00005v1 after {config.max_failures} failures: truncated" in status.output
    result = CliRunner().invoke(main, ["nightly", "--unpark", "2611.00005v1"])
    assert result.exit_code == 0 and "cleared 1 failure record" in result.output
    with store.connect() as con:
        assert parked_items(con) == [] and due_for_retry(con, "extract", "2611.00005v1")
        assert unpark(con, "2611.00005v1") == 0


def test_publish_swaps_in_a_consistent_snapshot(store, tmp_path: Path) -> None:
    target = tmp_path / "published" / "flopsdb.duckdb"
    with store.transaction() as con:
        start_run(con, "first")
    publish(store, target)
    reader = duckdb.connect(str(target), read_only=True)  # an analyst keeps the old snapshot open
    with store.transaction() as con:
        start_run(con, "second")
    publish(store, target)
    assert reader.execute("SELECT count(*) FROM runs").fetchone() == (1,)
    reader.close()
    fresh = duckdb.connect(str(target), read_only=True)
    assert fresh.execute("SELECT count(*) FROM runs").fetchone() == (2,)
    fresh.close()
    assert not list(target.parent.glob(".*.tmp"))


def test_a_killed_run_leaves_no_parser_process_behind() -> None:
    """kill -9 of a process that parsed a PDF: its parser worker and the fork server must go too
    (they would otherwise live on and hold the killed run's output pipes open)."""
    import time

    from flopsdb.sample_server import sample_dir

    code = textwrap.dedent(f"""
        import os, time
        from flopsdb.extract.robust import parse_pdf_safe
        parse_pdf_safe({str(sample_dir() / "pdf" / "2611.00002v1.pdf")!r})
        print(os.getpid(), flush=True)
        time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout.readline().strip() == str(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    t0 = time.monotonic()
    assert proc.stdout.read() == ""  # returns once every process holding the pipe has exited (unreaped: a zombie)
    assert time.monotonic() - t0 < 30
    proc.wait()
