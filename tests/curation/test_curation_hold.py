"""The running review server holds the live file and hands it over (issue 12).

Real parts: uvicorn serving the real app in a thread, real HTTP (httpx), a real DuckDB file, and
other *processes* (a nightly-style writer and ``flopsdb sql --live``) that must get in while the
server is busy, then the server carries on.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from curation_helpers import PASSWORD, LiveServer

from flopsdb.core.config import Config
from flopsdb.core.errors import LeaseError
from flopsdb.curation.model import Event, new_event_id
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.review import build_app

_WRITER = """
import sys
from flopsdb.db.runs import finish_run, start_run
from flopsdb.db.store import Store

store = Store(sys.argv[1], lock_timeout=30)
for i in range(3):
    with store.transaction() as con:
        run = start_run(con, "nightly-style writer")
        finish_run(con, run, counts={"unit": i})
print("wrote 3 units")
"""


def _signed_in(url: str, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    resp = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token})
    assert resp.status_code == 303, resp.text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    return client, csrf


def _review(client: httpx.Client, csrf: str, n: int, errors: list[str]) -> int:
    """Lease and accept up to ``n`` items over HTTP; return how many verdicts were saved."""
    saved = 0
    for _ in range(n):
        items = client.get("/api/queue?n=2").json()["items"]
        if not items:
            break
        resp = client.post("/api/verdict", headers={"X-CSRF-Token": csrf}, json={"candidate_id": items[0]["candidate_id"], "action": "accept"})
        if resp.status_code != 200:
            errors.append(f"{resp.status_code} {resp.text}")
            break
        saved += 1
    return saved


def test_nightly_writer_and_sql_reader_get_in_while_the_server_holds_the_file(
    rs: DbReviewStore, config: Config, store: Store, tmp_path: Path
) -> None:
    env = {**os.environ, "FLOPSDB_HOME": str(config.home)}
    with LiveServer(build_app(config, store)) as live:
        client, csrf = _signed_in(live.url, "ann1")
        errors: list[str] = []
        assert _review(client, csrf, 2, errors) == 2, errors
        holder = store.holder()
        assert holder is not None and holder.is_open, "the running server should hold the live file"

        # The annotator keeps working while another process writes and a third reads.
        saved: list[int] = []
        worker = threading.Thread(target=lambda: saved.append(_review(client, csrf, 6, errors)))
        worker.start()
        writer = subprocess.run([sys.executable, "-c", _WRITER, str(config.db_path)], capture_output=True, text=True, timeout=120)
        reader = subprocess.run(
            [
                sys.executable,
                "-m",
                "flopsdb.cli",
                "sql",
                "--live",
                "--format",
                "csv",
                "SELECT count(*) AS n FROM runs WHERE command = 'nightly-style writer'",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        worker.join(120)
        assert writer.returncode == 0 and "wrote 3 units" in writer.stdout, writer.stderr
        assert reader.returncode == 0, reader.stderr
        assert reader.stdout.strip().splitlines()[-1] == "3", reader.stdout
        assert errors == [] and saved == [6], (errors, saved)
        assert holder.handovers >= 1, "the server should have handed the file over"

        # The server takes the file back and goes on saving verdicts with the rules in force.
        assert _review(client, csrf, 1, errors) == 1, errors
        item = client.get("/api/queue?n=1").json()["items"][0]
        other, other_csrf = _signed_in(live.url, "ann2")
        stolen = other.post("/api/verdict", headers={"X-CSRF-Token": other_csrf}, json={"candidate_id": item["candidate_id"], "action": "accept"})
        assert stolen.status_code == 409 and "lease" in stolen.json()["error"]
    assert store.holder() is None, "the server let the file go when it stopped"
    assert [e.annotator for e in rs.events()].count("ann1") == 9
    # Nothing holds the file now: a plain open from another process succeeds at once.
    probe = subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()", str(config.db_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr


def test_a_held_store_keeps_the_lease_rules_and_lets_go_when_idle(rs: DbReviewStore, store: Store) -> None:
    holder = store.hold(idle_s=0.2, poll_s=0.02)
    try:
        items = rs.lease_next("ann1", n=3)
        assert len(items) == 3 and holder.is_open
        assert [i.candidate_id for i in rs.lease_next("ann1", n=3)] == [i.candidate_id for i in items]
        first = items[0].candidate_id
        with pytest.raises(LeaseError):
            rs.record(Event(new_event_id(), first, "ann2", "reject"))
        rs.record(Event(new_event_id(), first, "ann1", "reject"))
        assert first not in [i.candidate_id for i in rs.lease_next("ann1", n=5)]
        deadline = time.monotonic() + 10
        while holder.is_open and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not holder.is_open, "an idle holder should let the file go"
        again = rs.lease_next("ann1", n=2)  # the next unit reopens the file
        assert holder.is_open and [i.candidate_id for i in again] == [i.candidate_id for i in items[1:3]]
    finally:
        holder.close()
    assert store.holder() is None
