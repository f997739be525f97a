"""A verdict the server confirmed (2xx) is in the DuckDB file, also when the server is stopped mid-stream.

Real parts: ``flopsdb review serve`` in a process of its own, four annotators posting verdicts over HTTP at once
(single verdicts and batches), a second process writing to the same file in a loop (so the server hands the file
over and takes it back while verdicts stream in), and a stop signal sent while the verdicts are still coming.
Then every verdict answered with a 2xx must be in the file, and the server must have let the file go cleanly
(no write-ahead log left behind). Nothing is timed: the stop comes after a number of confirmed verdicts.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import uuid

import duckdb
import pytest
import requests
from curation_helpers import PASSWORD, free_port

from flopsdb.core.config import Config
from flopsdb.db.candidates import store_candidates
from flopsdb.db.runs import start_run
from flopsdb.db.store import Store
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence
from flopsdb.review import review_store

_WRITER = """
import sys
from flopsdb.db.runs import finish_run, start_run
from flopsdb.db.store import Store

store = Store(sys.argv[1], lock_timeout=120)
while True:
    with store.transaction() as con:
        finish_run(con, start_run(con, "writer"), counts={})
"""
_ANNOTATORS = 4
_HANDOVERS_UNTIL = 20
_STOP_AFTER = 40


def _seed(store: Store, n: int) -> None:
    with store.transaction() as con:
        cands = [
            Candidate(
                paper=f"shut-{i:04d}",
                kind="hardware",
                extractor="hardware.v1",
                confidence=0.5,
                evidence=Evidence(page=1, bbox=Box(72, 130, 380, 142), snippet=f"trained on {i + 1} TPU v3 cores"),
                fields={"accelerator": "Google TPU v3", "count": i + 1, "unit": "tpu_core"},
                stage="training",
            )
            for i in range(n)
        ]
        store_candidates(con, cands, run_id=start_run(con, "seed"), pdf_path=None)


def _sign_in(base: str, name: str) -> tuple[requests.Session, str]:
    web = requests.Session()
    token = re.search(r'name="csrf" value="([^"]+)"', web.get(f"{base}/login", timeout=60).text).group(1)
    assert web.post(f"{base}/login", data={"name": name, "password": PASSWORD, "csrf": token}, timeout=60).status_code == 200
    return web, re.search(r'name="csrf-token" content="([^"]+)"', web.get(f"{base}/", timeout=60).text).group(1)


@pytest.mark.parametrize("stop", ["sigterm", "double_sigint"])
def test_every_confirmed_verdict_is_in_the_file_after_a_stop_mid_stream(config: Config, store: Store, stop: str) -> None:
    _seed(store, 300)
    rs = review_store(config, store)
    for i in range(_ANNOTATORS):
        rs.add_user(f"ann{i}", "annotator", PASSWORD)
    env = {**os.environ, "FLOPSDB_HOME": str(config.home)}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "flopsdb.cli", "review", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writer: subprocess.Popen[bytes] | None = None
    confirmed: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()
    handed, enough = threading.Event(), threading.Event()

    def annotate(name: str) -> None:
        web, csrf = _sign_in(base, name)
        headers = {"x-csrf-token": csrf}
        batch = False
        try:
            while True:
                items = web.get(f"{base}/api/queue", params={"n": 3}, timeout=120).json()["items"]
                ids = [uuid.uuid4().hex for _ in items]
                if batch and items:
                    body = {"verdicts": [{"candidate_id": it["candidate_id"], "action": "reject", "event_id": e} for it, e in zip(items, ids)]}
                    resp = web.post(f"{base}/api/verdicts", json=body, headers=headers, timeout=120)
                    answers = resp.json()["results"] if resp.ok else [{"ok": False, "error": resp.text}] * len(ids)
                else:
                    answers = []
                    for it, e in zip(items, ids):
                        resp = web.post(
                            f"{base}/api/verdict",
                            json={"candidate_id": it["candidate_id"], "action": "accept", "event_id": e},
                            headers=headers,
                            timeout=120,
                        )
                        answers.append({"ok": resp.ok, "error": resp.text})
                batch = not batch
                with lock:
                    for e, a in zip(ids, answers):
                        (confirmed if a["ok"] else refused).append(e if a["ok"] else str(a["error"])[:200])
                    if len(confirmed) >= _HANDOVERS_UNTIL:
                        handed.set()
                    if len(confirmed) >= _STOP_AFTER:
                        enough.set()
        except requests.ConnectionError:
            return  # the server has stopped: what it confirmed before is checked below

    try:
        while server.poll() is None:
            try:
                requests.get(f"{base}/login", timeout=5)
                break
            except requests.ConnectionError:
                threading.Event().wait(0.2)
        assert server.poll() is None, server.communicate()[1]
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(config.db_path)], env=env)
        threads = [threading.Thread(target=annotate, args=(f"ann{i}",), daemon=True) for i in range(_ANNOTATORS)]
        for t in threads:
            t.start()
        assert handed.wait(600), f"only {len(confirmed)} verdicts confirmed; refused: {refused[:3]}"
        writer.kill()  # from here on the server alone has the file, so what is left beside it after the stop is its own
        writer.wait()
        assert enough.wait(600), f"only {len(confirmed)} verdicts confirmed; refused: {refused[:3]}"
        server.send_signal(signal.SIGTERM if stop == "sigterm" else signal.SIGINT)
        if stop == "double_sigint":
            server.send_signal(signal.SIGINT)  # uvicorn's forced stop: no waiting for requests, no app shutdown
        server.wait(timeout=300)
        for t in threads:
            t.join(300)
        assert not any(t.is_alive() for t in threads)
    finally:
        if server.poll() is None:
            server.kill()
        if writer is not None:
            writer.kill()
            writer.wait()
    assert not refused, refused[:3]
    wal = config.db_path.with_name(config.db_path.name + ".wal")
    assert not wal.exists(), "the stopped server left a write-ahead log beside the file: it did not let the file go"
    con = duckdb.connect(str(config.db_path), read_only=True)
    try:
        stored = {r[0] for r in con.execute("SELECT event_id FROM review_events").fetchall()}
    finally:
        con.close()
    lost = set(confirmed) - stored
    assert len(confirmed) >= _STOP_AFTER and not lost, f"{len(lost)} of {len(confirmed)} confirmed verdicts are not in the file"
