"""The nightly job end to end against local servers: the offline sample, faults, kills, exit statuses."""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.config import Config, load_config
from flopsdb.db.store import Store
from flopsdb.lock import RunLock
from flopsdb.nightly import run_nightly

sys.path.insert(0, str(Path(__file__).parent))
from faults import FaultServer  # noqa: E402

SINCE = date(2026, 11, 1)


def _config(home: Path, server: FaultServer, **kw: object) -> Config:
    cfg = load_config(env={}, home=home)
    return dataclasses.replace(cfg, **server.config_overrides(), max_retries=6, **kw)  # type: ignore[arg-type]


def state(db_path: Path) -> dict[str, object]:
    """What must be identical between an interrupted-and-resumed run and an uninterrupted one."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {
            "papers": con.execute("SELECT arxiv_id, version, title, relevant FROM papers ORDER BY 1").fetchall(),
            "downloads": con.execute("SELECT arxiv_id, version, sha256 FROM downloads WHERE status = 'ok' ORDER BY 1").fetchall(),
            "candidates": con.execute("SELECT candidate_id, paper, kind, fields FROM candidates ORDER BY 1").fetchall(),
            "extractions": con.execute("SELECT paper, sha256, status FROM extractions ORDER BY 1, 2").fetchall(),
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    home = tmp_path_factory.mktemp("baseline")
    with FaultServer() as server:
        report = run_nightly(_config(home, server), since=SINCE)
    assert report.exit_status == 1, report.summary()
    return {"report": report, "state": state(home / "flopsdb.duckdb"), "home": home}


def test_sample_run_covers_every_step_and_records_item_failures(baseline: dict[str, object]) -> None:
    report = baseline["report"]
    s = baseline["state"]
    assert [st.name for st in report.steps] == ["crawl", "download", "extract", "enqueue", "publish"]
    assert [p[0] for p in s["papers"]] == ["2611.00001", "2611.00002", "2611.00003", "2611.00004", "2611.00005"]
    assert {p[0] for p in s["papers"] if p[3]} >= {"2611.00001", "2611.00002", "2611.00004", "2611.00005"}
    assert [d[0] for d in s["downloads"]] == ["2611.00001", "2611.00002", "2611.00005"]
    failed = {(f["stage"], f["item"]) for f in report.failures}
    assert failed == {("download", "2611.00004v1"), ("extract", "2611.00005v1")}, report.summary()
    kinds = {(c[1], c[2]) for c in s["candidates"]}
    assert ("2611.00001", "hardware") in kinds and ("2611.00002", "hardware") in kinds
    home = baseline["home"]
    assert (home / "published" / "flopsdb.duckdb").exists()
    assert report.log_path is not None and "item failure" in report.log_path.read_text()
    assert "2 item failure(s)" in report.summary()


def test_rerun_adds_nothing_and_respects_backoff(baseline: dict[str, object], tmp_path: Path) -> None:
    home = tmp_path / "home"
    with FaultServer() as server:
        first = run_nightly(_config(home, server), since=SINCE)
        second = run_nightly(_config(home, server))
    assert state(home / "flopsdb.duckdb") == baseline["state"]
    download = next(s for s in second.steps if s.name == "download")
    assert download.counts["waiting_backoff"] == 1 and download.counts["fetched"] == 0
    assert second.exit_status == 0, second.summary()
    assert first.exit_status == 1


def test_faults_are_survived_with_identical_results(baseline: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    faults = {
        "oai": ["503", "429", "reset", "truncate", "slow", "500"],
        "pdf": ["503", "reset", "truncate", "slow", "429"],
    }
    tried = sum(len(v) for v in faults.values())
    with FaultServer(faults=faults) as server:
        report = run_nightly(_config(tmp_path / "home", server), since=SINCE)
        injected, remaining = server.injected, server.remaining()
    assert remaining == {}, f"faults not exercised: {remaining}"
    assert state(tmp_path / "home" / "flopsdb.duckdb") == baseline["state"]
    assert {(f["stage"], f["item"]) for f in report.failures} == {("download", "2611.00004v1"), ("extract", "2611.00005v1")}
    with capsys.disabled():
        print(f"\n[fault injection] tried {tried} faults {dict(injected)}; survived {sum(injected.values())}/{tried}")


def _nightly_process(home: Path, server: FaultServer) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOPSDB_")}
    for key, value in server.config_overrides().items():
        env[f"FLOPSDB_{key.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
    env |= {"FLOPSDB_HOME": str(home), "FLOPSDB_SETS": "cs:cs:LG", "FLOPSDB_MAX_RETRIES": "6"}
    return subprocess.Popen(
        [sys.executable, "-m", "flopsdb.cli", "--quiet", "nightly", "--since", str(SINCE)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_kill_9_at_random_points_then_rerun_matches_uninterrupted(
    baseline: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(20261123)
    with FaultServer() as server:
        t0 = time.monotonic()
        full = _nightly_process(tmp_path / "timing", server)
        full.communicate(timeout=300)
        duration = time.monotonic() - t0
        assert full.returncode == 1
        kills = 0
        for i in range(5):
            home = tmp_path / f"kill{i}"
            proc = _nightly_process(home, server)
            time.sleep(rng.uniform(0.1, 0.8 * duration))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
            proc.communicate(timeout=60)
            again = _nightly_process(home, server)
            out, err = again.communicate(timeout=300)
            assert again.returncode in (0, 1), err
            assert state(home / "flopsdb.duckdb") == baseline["state"], f"kill {i} diverged"
    assert kills >= 3, "the run finished before most kills: not a test of interruption"
    with capsys.disabled():
        print(f"\n[kill -9] {kills} runs killed at random points (run takes {duration:.1f}s); all resumed to the same database")


def test_a_second_run_while_one_holds_the_lock_exits_2(config: Config) -> None:
    with RunLock(config.home / "nightly.lock"):
        child = subprocess.run(
            [sys.executable, "-m", "flopsdb.cli", "nightly", "--dry-run"],
            capture_output=True,
            text=True,
            env=os.environ | {"FLOPSDB_HOME": str(config.home)},
            timeout=120,
        )
    assert child.returncode == 2
    assert child.stderr.strip().startswith("flopsdb: error: another nightly run holds")


def test_dry_run_writes_nothing(config: Config) -> None:
    Store(config.db_path).migrate()
    before = config.db_path.stat().st_mtime_ns
    result = CliRunner().invoke(main, ["nightly", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would harvest from" in result.output and "dry run" in result.output
    assert config.db_path.stat().st_mtime_ns == before


def test_offline_sample_command(config: Config) -> None:
    result = CliRunner().invoke(main, ["nightly", "--offline-sample"])
    assert result.exit_code == 1, result.output
    assert "FAILED download 2611.00004v1" in result.output and "FAILED extract 2611.00005v1" in result.output
    con = duckdb.connect(str(config.home / "sample" / "flopsdb.duckdb"), read_only=True)
    accelerators = {r[0] for r in con.execute("SELECT fields->>'accelerator' FROM candidates WHERE kind = 'hardware'").fetchall()}
    con.close()
    assert "NVIDIA V100" in accelerators


def test_first_run_without_cursor_or_since_starts_a_few_days_back(tmp_path: Path) -> None:
    from datetime import timedelta

    from flopsdb.steps import FIRST_RUN_DAYS

    with FaultServer() as server:
        report = run_nightly(_config(tmp_path / "home", server))
        asked = [r for r in server.requests if "/oai" in r and "from=" in r]
    assert report.error is None and not [f for f in report.failures if f["stage"] == "crawl"], report.summary()
    assert f"from={date.today() - timedelta(days=FIRST_RUN_DAYS)}" in asked[0]
    assert next(s for s in report.steps if s.name == "crawl").counts["papers"] == 5


def test_each_steps_plan_says_what_its_run_then_does(tmp_path: Path) -> None:
    """The nightly's steps side by side: ``plan`` (the dry run's line) predicts ``run`` on the same database."""
    from flopsdb.db.runs import start_run
    from flopsdb.nightly import STEPS
    from flopsdb.steps import nightly_steps

    with FaultServer() as server:
        config = _config(tmp_path / "home", server)
        store = Store(config.db_path)
        crawl, download, extract, enqueue, publish = steps = nightly_steps(config, store, since=SINCE, workers=1)
        assert tuple(s.name for s in steps) == STEPS
        with store.transaction() as con:
            run_id = start_run(con, "test")
        with store.connect() as con:
            assert crawl.plan(con).skipped == f"would harvest from { {s: str(SINCE) for s in config.sets} }"
        assert crawl.run(run_id).counts["papers"] == 5
        with store.connect() as con:
            would_fetch = download.plan(con).counts["would_fetch"]
        fetched = download.run(run_id).counts
        assert would_fetch == fetched["pending"] == fetched["fetched"] + fetched["failed"] > 0
        with store.connect() as con:
            would_extract = extract.plan(con).counts["would_extract"]
            assert download.plan(con).counts == {"would_fetch": 0, "waiting_backoff": fetched["failed"]}
        extracted = extract.run(run_id).counts
        assert would_extract == extracted["files"] > 0
        with store.connect() as con:
            assert extract.plan(con).counts == {"would_extract": 0, "waiting_backoff": extracted["failed"]}
    assert enqueue.run(run_id).counts and publish.run(run_id).counts["bytes"] > 0
