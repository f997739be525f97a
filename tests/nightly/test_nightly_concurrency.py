"""A nightly run, a review session posting verdicts and SQL readers, all at once, on one database.

Three processes besides the test: the review server (``flopsdb review serve``), the nightly
(``flopsdb nightly``) and repeated ``flopsdb sql`` readers. The test is an annotator posting verdicts
over HTTP while the nightly writes. No verdict may be lost, no reader may fail, the nightly must end
as it does alone.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import duckdb
import requests

from flopsdb.core.config import Config
from flopsdb.db.candidates import store_candidates
from flopsdb.db.publish import publish
from flopsdb.db.runs import start_run
from flopsdb.db.store import Store
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence
from flopsdb.review import review_store
from flopsdb.sample_server import sample_dir

sys.path.insert(0, str(Path(__file__).parent))
from faults import FaultServer  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(store: Store, n: int) -> None:
    pdf = sample_dir() / "pdf" / "2611.00002v1.pdf"
    with store.transaction() as con:
        run = start_run(con, "seed")
        cands = [
            Candidate(
                paper=f"seed-{i:03d}",
                kind="hardware",
                extractor="hardware.v1",
                confidence=0.5 + (i % 5) / 10,
                evidence=Evidence(page=1, bbox=Box(72, 130, 380, 142), snippet=f"Each model was trained on {i + 1} TPU v3 cores"),
                fields={"accelerator": "Google TPU v3", "count": i + 1, "unit": "tpu_core"},
                stage="training",
            )
            for i in range(n)
        ]
        store_candidates(con, cands, run_id=run, pdf_path=str(pdf))


def _env(config: Config, server: FaultServer | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOPSDB_")}
    if server is not None:
        env |= {f"FLOPSDB_{k.upper()}": ",".join(v) if isinstance(v, tuple) else str(v) for k, v in server.config_overrides().items()}
    return env | {"FLOPSDB_HOME": str(config.home), "FLOPSDB_SETS": "cs:cs:LG"}


def test_nightly_review_and_sql_readers_at_once(config: Config) -> None:
    store = Store(config.db_path)
    _seed(store, 40)
    review_store(config, store).add_user("ann", "annotator", "correct horse battery")
    publish(store, config.published_path)

    port = _free_port()
    server_proc = subprocess.Popen(
        [sys.executable, "-m", "flopsdb.cli", "review", "serve", "--port", str(port)],
        env=_env(config),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    posted: list[str] = []
    reader_failures: list[str] = []
    reads = during = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            out = subprocess.run(
                [sys.executable, "-m", "flopsdb.cli", "sql", "SELECT count(*) AS n FROM candidates", "--format", "csv"],
                env=_env(config),
                capture_output=True,
                text=True,
                timeout=120,
            )
            if out.returncode != 0:
                reader_failures.append(out.stderr.strip())
            reads += 1

    try:
        deadline = time.monotonic() + 90
        while True:
            assert server_proc.poll() is None, f"review server died: {server_proc.communicate()[1]}"
            try:
                requests.get(f"{base}/login", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "review server did not start"
                time.sleep(0.2)
        web = requests.Session()
        login = web.get(f"{base}/login", timeout=10)
        csrf_login = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
        assert web.post(f"{base}/login", data={"name": "ann", "password": "correct horse battery", "csrf": csrf_login}, timeout=30).status_code == 200
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', web.get(f"{base}/", timeout=30).text).group(1)

        with FaultServer(faults={"pdf": ["slow", "slow", "slow"]}) as arxiv:
            nightly = subprocess.Popen(
                [sys.executable, "-m", "flopsdb.cli", "nightly", "--since", "2026-11-01"],
                env=_env(config, arxiv),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            readers = [threading.Thread(target=reader) for _ in range(2)]
            for t in readers:
                t.start()
            while nightly.poll() is None or len(posted) < 40:
                items = web.get(f"{base}/api/queue", params={"n": 1}, timeout=60).json()["items"]
                if not items:
                    if nightly.poll() is not None:
                        break
                    time.sleep(0.05)
                    continue
                event_id = uuid.uuid4().hex
                verdict = "accept" if len(posted) % 3 else "reject"
                r = web.post(
                    f"{base}/api/verdict",
                    json={"candidate_id": items[0]["candidate_id"], "action": verdict, "event_id": event_id, "dwell_ms": 5},
                    headers={"x-csrf-token": csrf},
                    timeout=60,
                )
                assert r.status_code == 200, r.text
                posted.append(event_id)
                during += nightly.poll() is None
            out, err = nightly.communicate(timeout=600)
            stop.set()
            for t in readers:
                t.join(timeout=180)
    finally:
        stop.set()
        server_proc.terminate()
        server_proc.wait(timeout=30)

    assert nightly.returncode == 1, f"nightly: {out}\n{err}"
    assert "FAILED download 2611.00004v1" in out and "could not run" not in out + err, out
    assert not reader_failures, reader_failures[:3]
    assert reads >= 2
    con = duckdb.connect(str(config.db_path), read_only=True)
    try:
        stored = {r[0] for r in con.execute("SELECT event_id FROM review_events").fetchall()}
        papers = con.execute("SELECT count(*) FROM papers").fetchone()[0]
    finally:
        con.close()
    assert len(posted) >= 40 and during >= 10, f"only {during} verdicts overlapped the nightly run"
    assert set(posted) <= stored, f"{len(set(posted) - stored)} verdicts lost"
    assert papers == 5
    print(f"\n[concurrency] {len(posted)} verdicts posted ({during} while the nightly ran), {reads} SQL reads, none lost or failed")
