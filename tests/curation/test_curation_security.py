"""Security of the review store and the analysts' snapshot (issue 11, items 1 and 2), through the real
store and the real CLI: a verdict needs the poster's live lease, a decided item changes only by an explicit
revision or an adjudication, and the published snapshot holds no credentials."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flopsdb.curation.model import Event, make_after, new_event_id
from flopsdb.db.curation import DbReviewStore

from flopsdb.core.errors import FlopsdbError, LeaseError


def test_a_verdict_without_the_posters_lease_is_refused(rs: DbReviewStore) -> None:
    [item] = rs.lease_next("ann1", n=1)
    c = item.candidate
    with pytest.raises(LeaseError, match="no live lease"):
        rs.record(Event(new_event_id(), item.candidate_id, "ann2", "reject"))
    rs.record(Event(new_event_id(), item.candidate_id, "ann1", "accept", after=make_after(c.fields, c.model, c.stage)))
    assert [f["candidate_id"] for f in rs.curated()] == [item.candidate_id]


def test_a_decided_item_changes_only_by_an_explicit_revision(rs: DbReviewStore) -> None:
    [item] = rs.lease_next("ann1", n=1)
    c = item.candidate
    rs.record(Event(new_event_id(), item.candidate_id, "ann1", "accept", after=make_after(c.fields, c.model, c.stage)))
    with pytest.raises(LeaseError, match="revision"):
        rs.record(Event(new_event_id(), item.candidate_id, "ann1", "reject"))
    with pytest.raises(LeaseError, match="no verdict in force"):
        rs.record(Event(new_event_id(), item.candidate_id, "ann2", "reject"), mode="revise")
    revised = rs.record(Event(new_event_id(), item.candidate_id, "ann1", "reject"), mode="revise")
    assert revised.revises is not None
    assert rs.curated() == []


def test_an_annotator_may_not_adjudicate(rs: DbReviewStore) -> None:
    rs.add_user("plain", "annotator", "long-enough-password")
    [item] = rs.lease_next("ann1", n=1)
    c = item.candidate
    rs.record(Event(new_event_id(), item.candidate_id, "ann1", "accept", after=make_after(c.fields, c.model, c.stage)))
    with pytest.raises(FlopsdbError, match="reviewer"):
        rs.record(Event(new_event_id(), item.candidate_id, "plain", "reject"), mode="adjudicate")


def test_the_published_snapshot_holds_no_credentials(tmp_path: Path) -> None:
    env = {**os.environ, "FLOPSDB_HOME": str(tmp_path / "home"), "FLOPSDB_PASSWORD": "a-long-password"}
    command = Path(sys.executable).parent / "flopsdb"
    exe = [str(command)] if command.exists() else [shutil.which("flopsdb") or "flopsdb"]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*exe, *args], capture_output=True, text=True, env=env, timeout=300)

    added = cli("users", "add", "ada", "--role", "admin")
    assert added.returncode == 0, added.stderr
    assert cli("publish").returncode == 0
    live = cli("sql", "--live", "--format", "csv", "SELECT count(*) AS n FROM users")
    assert live.returncode == 0 and live.stdout.strip().splitlines()[-1] == "1", live.stdout + live.stderr
    for table in ("users", "sessions"):
        out = cli("sql", "--format", "csv", f"SELECT count(*) AS n FROM {table}")
        assert out.returncode != 0 or out.stdout.strip().splitlines()[-1] == "0", out.stdout
    hashes = cli("sql", "--format", "csv", "SELECT * FROM users")
    assert "scrypt" not in hashes.stdout and "ada" not in hashes.stdout
