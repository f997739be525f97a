"""A hostile annotator or analyst against the real server (uvicorn over HTTP), the real CLI and a real DuckDB file:
oversized and unparseable bodies, numbers too large for a double, control characters, facts of another paper on a
record screen, role escalation, a spoofed X-Forwarded-For against the sign-in throttle, and credentials through
``flopsdb sql`` on the live file, a gold paper id that points outside the PDF folder. Each answer is a 4xx naming the field (never a 500) and stores nothing."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
from curation_helpers import PASSWORD, free_port

from flopsdb.core.config import Config
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.publish import publish


def _signed_in(base: str, name: str, password: str = PASSWORD) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": name, "password": password, "csrf": token}).status_code == 303
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    return client, {"X-CSRF-Token": csrf}


def _item(client: httpx.Client, kind: str) -> dict:
    items = client.get("/api/queue?n=20").json()["items"]
    return next(i for i in items if i["kind"] == kind)


def _refused(resp: httpx.Response, field: str) -> None:
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text[:300])
    assert field in resp.json()["error"], resp.text[:300]


def test_http_an_oversized_or_unparseable_body_is_a_4xx_naming_the_body(rs: DbReviewStore, live) -> None:
    ann1, h = _signed_in(live.url, "ann1")
    cid = _item(ann1, "hardware")["candidate_id"]
    raw = {**h, "Content-Type": "application/json"}
    big = ann1.post("/api/verdict", headers=raw, content=b'{"candidate_id": "' + b"a" * 2_000_000 + b'", "action": "accept"}')
    assert big.status_code == 413, big.text[:300]
    _refused(big, "body")
    chunked = ann1.post("/api/verdicts", headers=raw, content=iter([b'{"verdicts": ["'] + [b"x" * 65536] * 40 + [b'"]}']))
    assert chunked.status_code == 413, chunked.text[:300]
    for body in (b'{"candidate_id": "\xff\xfe", "action": "accept"}', b"[" * 100_000 + b"]" * 100_000):
        resp = ann1.post("/api/verdict", headers=raw, content=body)
        assert resp.status_code == 422, resp.text[:300]
        _refused(resp, "body")
    form = ann1.post("/api/verdict", headers=h, data={"candidate_id": cid, "action": "accept"})
    _refused(form, "body")
    assert rs.events() == []
    good = ann1.post("/api/verdict", headers=h, json={"candidate_id": cid, "action": "accept"})
    assert good.status_code == 200, good.text  # the lease survived every refusal


def test_http_numbers_too_large_and_control_characters_are_refused_naming_the_field(rs: DbReviewStore, live) -> None:
    ann1, h = _signed_in(live.url, "ann1")
    hw = _item(ann1, "hardware")["candidate_id"]
    res = _item(ann1, "result")["candidate_id"]
    cases = [
        ({"candidate_id": hw, "action": "correct", "fields": {"count": 10**40}}, "count"),
        ({"candidate_id": hw, "action": "correct", "fields": {"count": 1e308}}, "count"),
        ({"candidate_id": res, "action": "correct", "fields": {"value": 10**400}}, "value"),
        ({"candidate_id": hw, "action": "correct", "model": "\x1b[31mResNet\x1b]0;owned\x07"}, "model"),
        ({"candidate_id": hw, "action": "correct", "fields": {"accelerator": "V100\x00"}}, "fields"),
        ({"candidate_id": hw, "action": "correct", "fields": {"k" * 100_000: 1}}, "fields"),
    ]
    for body, field in cases:
        _refused(ann1.post("/api/verdict", headers=h, json=body), field)
        batch = ann1.post("/api/verdicts", headers=h, json={"verdicts": [body]})
        if batch.status_code == 200:  # checked per verdict: the batch answers each on its own
            [answer] = batch.json()["results"]
            assert not answer["ok"] and 400 <= answer["status"] < 500 and field in answer["error"], answer
        else:
            _refused(batch, field)
    assert len(ann1.post("/api/verdict", headers=h, json=cases[-1][0]).text) < 2000, "the refusal echoes a 100 kB key"
    assert rs.events() == [] and rs.curated() == []


def test_http_a_record_screen_takes_no_fact_of_another_paper(rs: DbReviewStore, live) -> None:
    foreign = [(dataclasses.replace(c, paper="other-paper-1"), p) for c, p in rs.candidates()[:1]]
    rs.add_candidates(foreign, command="test")
    other = foreign[0][0].candidate_id
    ann1, h = _signed_in(live.url, "ann1")
    record = ann1.get("/api/record", params={"paper": "fixture-paper"}).json()["record"]
    key = record["key"]
    _refused(ann1.post("/api/record/accept", headers=h, json={"paper": "fixture-paper", "key": key, "candidate_ids": [other]}), "candidate_ids.0")
    _refused(
        ann1.post("/api/record/fact", headers=h, json={"paper": "fixture-paper", "key": key, "candidate_id": other, "action": "accept"}),
        "candidate_id",
    )
    _refused(ann1.post("/api/record/fact", headers=h, json={"paper": "../../etc", "key": key, "candidate_id": other, "action": "accept"}), "key")
    assert rs.events() == []


def test_http_no_role_escalation_and_no_control_characters_in_user_names(rs: DbReviewStore, live) -> None:
    before = {(u.name, u.role) for u in rs.users()}
    for name in ("ann1", "rev"):
        client, h = _signed_in(live.url, name)
        form = {"name": name, "role": "admin", "password": "a-new-long-password", "csrf": h["X-CSRF-Token"]}
        assert client.post("/admin/users", data=form).status_code == 403
        assert client.post("/admin/users", data={**form, "name": "mallory"}).status_code == 403
    root, hr = _signed_in(live.url, "root")
    for bad in ("<b>\x00", "eve\x1b[2J", "x" * 100_000):
        resp = root.post("/admin/users", data={"name": bad, "role": "annotator", "password": "a-long-password", "csrf": hr["X-CSRF-Token"]})
        _refused(resp, "user name")
    assert {(u.name, u.role) for u in rs.users()} == before


def test_cli_server_counts_the_real_address_whatever_x_forwarded_for_says(rs: DbReviewStore, config: Config) -> None:
    port = free_port()
    env = {**os.environ, "FLOPSDB_HOME": str(config.home)}
    server = subprocess.Popen([sys.executable, "-m", "flopsdb.cli", "review", "serve", "--port", str(port)], env=env, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        while True:
            try:
                httpx.get(base + "/login", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.1)
        client = httpx.Client(base_url=base, timeout=60)
        codes = []
        for n in range(31):  # 30 failures per address per window, each under a new name and a new forged address
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
            resp = client.post(
                "/login", data={"name": f"spray{n}", "password": "not-the-password", "csrf": token}, headers={"X-Forwarded-For": f"10.9.0.{n}"}
            )
            codes.append(resp.status_code)
        assert codes[:30] == [303] * 30 and codes[30] == 429, codes
    finally:
        server.terminate()
        server.wait(30)


def _sql(config: Config, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLOPSDB_HOME": str(config.home)}
    return subprocess.run(
        [sys.executable, "-m", "flopsdb.cli", "sql", "--format", "csv", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_cli_sql_on_the_live_file_reaches_no_credentials(rs: DbReviewStore, config: Config) -> None:
    with rs.store.connect() as con:
        hashes = [h for (h,) in con.execute("SELECT password_hash FROM users").fetchall()]
    assert hashes and not config.published_path.exists()
    for extra in ((), ("--live",)):
        if extra:
            publish(rs.store, config.published_path)
        for query in ("SELECT name, password_hash FROM users", "SELECT * FROM sessions", "SELECT * FROM login_attempts"):
            out = _sql(config, *extra, query)
            assert out.returncode == 0, out.stderr
            assert out.stdout.strip().splitlines()[1:] == [], out.stdout
            assert not any(h in out.stdout for h in hashes)
        counted = _sql(config, *extra, "SELECT count(*) AS n FROM candidates")
        assert counted.returncode == 0 and counted.stdout.strip().splitlines()[-1] == str(len(rs.candidates())), counted.stdout + counted.stderr
    assert Path(config.db_path).exists() and [u.name for u in rs.users()], "the live accounts are untouched"


def test_cli_a_gold_paper_id_cannot_reach_outside_the_pdf_folder(tmp_path: Path, config: Config) -> None:
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    secret = tmp_path / "secret.pdf"
    secret.write_bytes((Path(__file__).resolve().parents[1] / "fixtures" / "curation" / "fixture-paper.pdf").read_bytes())
    good = {"paper": "fixture-paper", "kind": "hardware", "page": 1, "quote": "x", "fields": {"accelerator": "NVIDIA V100", "count": 8}}
    lines = [{**good, "paper": "../secret"}, {**good, "paper": "../../" * 8 + str(secret)[1:-4]}, good]
    src = tmp_path / "gold.jsonl"
    src.write_text("".join(json.dumps(line) + "\n" for line in lines))
    env = {**os.environ, "FLOPSDB_HOME": str(config.home)}
    out = subprocess.run(
        [sys.executable, "-m", "flopsdb.cli", "review", "import", str(src), "--format", "annotations", "--pdf-dir", str(pdfs)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("outside the PDF folder") == 2, out.stderr
    con = duckdb.connect(str(config.db_path), read_only=True)
    try:
        stored = con.execute("SELECT paper, pdf_path FROM candidates").fetchall()
    finally:
        con.close()
    assert [p for p, _ in stored] == ["fixture-paper"] and all(str(tmp_path / "pdfs") in (path or str(pdfs)) for _, path in stored), stored
