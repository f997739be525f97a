"""Security of the review server, the accounts and the analysts' snapshot (issue 11, items 1-4; see
docs/security.md), through the real store, the real server over HTTP (uvicorn, the ``live`` fixture) and
the real CLI: a verdict needs the poster's live lease, a decided item changes only by an explicit revision
or an adjudication, the published snapshot holds no credentials, sign-in is throttled and costs the same
for unknown names, a password change signs out, headers and cookies are set, and malformed verdict bodies
are refused with 4xx naming the field and store nothing."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from curation_helpers import PASSWORD, LiveServer, free_port, sign_in

from flopsdb.core.errors import FlopsdbError, LeaseError
from flopsdb.curation.model import Event, make_after, new_event_id
from flopsdb.db.curation import DbReviewStore
from flopsdb.extract.document import Box


def _exe() -> list[str]:
    command = Path(sys.executable).parent / "flopsdb"
    return [str(command)] if command.exists() else [shutil.which("flopsdb") or "flopsdb"]


def _run_cli(tmp_path: Path, *args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLOPSDB_HOME": str(home or tmp_path / "home"), "FLOPSDB_PASSWORD": "a-long-password"}
    return subprocess.run([*_exe(), *args], capture_output=True, text=True, env=env, timeout=300)


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
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return _run_cli(tmp_path, *args)

    added = cli("users", "add", "ada", "--role", "admin")
    assert added.returncode == 0, added.stderr
    assert cli("publish").returncode == 0
    live = cli("sql", "--live", "--format", "csv", "SELECT count(*) AS n FROM users")  # the live file too: a copy without them
    assert live.returncode == 0 and live.stdout.strip().splitlines()[-1] == "0", live.stdout + live.stderr
    assert "ada" in cli("users", "list").stdout  # the accounts are still there, for the operator's own command
    for table in ("users", "sessions"):
        out = cli("sql", "--format", "csv", f"SELECT count(*) AS n FROM {table}")
        assert out.returncode != 0 or out.stdout.strip().splitlines()[-1] == "0", out.stdout
    hashes = cli("sql", "--format", "csv", "SELECT * FROM users")
    assert "scrypt" not in hashes.stdout and "ada" not in hashes.stdout


def test_the_snapshot_file_holds_no_session_or_hash_bytes(rs: DbReviewStore, config, tmp_path: Path) -> None:
    """Live sessions and hashes exist; after ``publish`` the snapshot's tables are empty and not one byte of a
    hash, a session's CSRF token or a token digest is anywhere in the snapshot file."""
    [user] = [u for u in rs.users() if u.name == "ann1"]
    sess = rs.open_session(user)
    with rs.store.connect() as con:
        secrets = [r[0] for r in con.execute("SELECT password_hash FROM users").fetchall()]
        secrets += [v for r in con.execute("SELECT token_digest, csrf FROM sessions").fetchall() for v in r]
    assert len(secrets) == 6 and sess.csrf in secrets
    done = _run_cli(tmp_path, "publish", home=config.home)
    assert done.returncode == 0, done.stderr
    for sql in ("SELECT count(*) FROM users", "SELECT count(*) FROM sessions"):
        out = _run_cli(tmp_path, "sql", "--format", "csv", sql, home=config.home)
        assert out.returncode != 0 or out.stdout.strip().splitlines()[-1] == "0", out.stdout
    raw = config.published_path.read_bytes()
    assert b"scrypt$" not in raw
    assert not [s for s in secrets if s.split("$")[-1].encode() in raw or s.encode() in raw]


# ---- over real HTTP: the review server served by uvicorn (the ``live`` fixture) -------------------------


def _login(base: str, name: str, password: str = PASSWORD) -> tuple[httpx.Client, httpx.Response]:
    """A client that has posted the sign-in form of ``base``; the response of the form post."""
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    return client, client.post("/login", data={"name": name, "password": password, "csrf": token})


def _signed_in(base: str, name: str, password: str = PASSWORD) -> tuple[httpx.Client, dict[str, str]]:
    client, resp = _login(base, name, password)
    assert resp.status_code == 303 and resp.headers["location"] == "/", resp.text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    return client, {"X-CSRF-Token": csrf}


def _events(rs: DbReviewStore) -> list[tuple[str, str, str]]:
    return [(e.event_id, e.annotator, e.action) for e in rs.events()]


def test_http_a_verdict_needs_the_posters_lease(rs: DbReviewStore, live) -> None:
    ann1, h1 = _signed_in(live.url, "ann1")
    ann2, h2 = _signed_in(live.url, "ann2")
    item = ann1.get("/api/queue?n=1").json()["items"][0]
    cid = item["candidate_id"]
    stolen = ann2.post("/api/verdict", json={"candidate_id": cid, "action": "reject"}, headers=h2)
    assert stolen.status_code == 409 and "no live lease" in stolen.json()["error"]
    assert rs.events() == []
    assert ann1.post("/api/verdict", json={"candidate_id": cid, "action": "accept"}, headers=h1).json()["ok"]
    assert [f["candidate_id"] for f in rs.curated()] == [cid]
    # ann2 never leased the decided item: neither a verdict nor a revision moves the curated fact
    for body in ({"candidate_id": cid, "action": "reject"}, {"candidate_id": cid, "action": "reject", "mode": "revise"}):
        resp = ann2.post("/api/verdict", json=body, headers=h2)
        assert resp.status_code == 409, resp.text
    assert [f["candidate_id"] for f in rs.curated()] == [cid] and len(rs.events()) == 1


def test_http_re_deciding_is_an_explicit_logged_revision_or_adjudication(rs: DbReviewStore, live) -> None:
    ann1, h1 = _signed_in(live.url, "ann1")
    cid = ann1.get("/api/queue?n=1").json()["items"][0]["candidate_id"]
    first = ann1.post("/api/verdict", json={"candidate_id": cid, "action": "accept"}, headers=h1).json()
    again = ann1.post("/api/verdict", json={"candidate_id": cid, "action": "reject"}, headers=h1)
    assert again.status_code == 409 and "revision" in again.json()["error"]
    revised = ann1.post("/api/verdict", json={"candidate_id": cid, "action": "reject", "mode": "revise"}, headers=h1).json()
    assert revised["revises"] == first["event_id"] and rs.curated() == []
    ann2, h2 = _signed_in(live.url, "ann2")
    denied = ann2.post("/api/verdict", json={"candidate_id": cid, "action": "accept", "mode": "adjudicate"}, headers=h2)
    assert denied.status_code == 403 and "reviewer" in denied.json()["error"]
    rev, hr = _signed_in(live.url, "rev")
    ruled = rev.post("/api/verdict", json={"candidate_id": cid, "action": "accept", "mode": "adjudicate"}, headers=hr)
    assert ruled.status_code == 200 and ruled.json()["action"] == "adjudicate"
    log = [(e.annotator, e.action, e.revises) for e in rs.events(candidate_id=cid)]
    assert log == [("ann1", "accept", None), ("ann1", "reject", first["event_id"]), ("rev", "adjudicate", None)]
    assert [f["candidate_id"] for f in rs.curated()] == [cid]


def test_http_login_is_throttled_per_user_with_429(rs: DbReviewStore, live) -> None:
    for _ in range(10):
        _, resp = _login(live.url, "ann1", "wrong-password!")
        assert resp.status_code == 303 and "error=wrong" in resp.headers["location"]
    _, blocked = _login(live.url, "ann1")  # the right password, but the name is throttled
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert "too many failed sign-ins" in blocked.text and "flopsdb_session" not in blocked.cookies
    _signed_in(live.url, "ann2")  # another name from the same address still signs in


def test_http_login_is_throttled_per_address(rs: DbReviewStore, live) -> None:
    for n in range(30):  # 30 failures spread over names, each below the per-name limit
        _, resp = _login(live.url, f"nobody{n % 5}", "wrong-password!")
        assert resp.status_code == 303
    _, blocked = _login(live.url, "ann2")
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers


def test_http_the_login_throttle_survives_a_restart_and_holds_across_servers(rs: DbReviewStore, config, store) -> None:
    """The attempts are kept in the store: a restarted server, or a second one on the same file, still answers 429."""
    from flopsdb.review import build_app

    with LiveServer(build_app(config, store)) as one:
        for _ in range(6):
            _, resp = _login(one.url, "ann1", "wrong-password!")
            assert resp.status_code == 303
    with LiveServer(build_app(config, store)) as two, LiveServer(build_app(config, store)) as three:
        for server in (two, three):  # 4 more failures, spread over two servers
            for _ in range(2):
                _, resp = _login(server.url, "ann1", "wrong-password!")
                assert resp.status_code == 303
        for server in (two, three):
            _, blocked = _login(server.url, "ann1")  # the right password, but the name is throttled
            assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
        _signed_in(two.url, "ann2")  # a success does not count against its name or address
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM login_attempts WHERE throttle_key = 'user:ann1'").fetchone()[0] == 10


def test_http_an_unknown_name_costs_the_same_hash_work(rs: DbReviewStore, live, monkeypatch: pytest.MonkeyPatch) -> None:
    """Constant work: a sign-in with an unknown name verifies a dummy scrypt hash with the same parameters as
    a known name's (counted on the standard library's ``hashlib.scrypt``, not timed)."""
    calls: list[tuple[int, int, int]] = []
    real = hashlib.scrypt

    def counting(password: bytes, *, salt: bytes, n: int, r: int, p: int, dklen: int = 64, **kw: int) -> bytes:
        calls.append((n, r, p))
        return real(password, salt=salt, n=n, r=r, p=p, dklen=dklen, **kw)

    _login(live.url, "ann1", "warm-up-attempt")  # the dummy hash may be made once, on the first unknown name
    monkeypatch.setattr(hashlib, "scrypt", counting)
    _, known = _login(live.url, "ann1", "wrong-password!")
    work_known, calls[:] = list(calls), []
    _, unknown = _login(live.url, "no-such-user", "wrong-password!")
    _login(live.url, "no-such-user", "wrong-password!")
    assert known.headers["location"] == unknown.headers["location"] == "/login?error=wrong"
    assert work_known == [(2**14, 8, 1)]
    assert calls == [(2**14, 8, 1), (2**14, 8, 1)]  # one verification per attempt, none creating a hash


def test_http_a_password_change_signs_out_every_session(rs: DbReviewStore, live) -> None:
    ann1, h1 = _signed_in(live.url, "ann1")
    assert ann1.get("/api/queue?n=1").status_code == 200
    root, hr = _signed_in(live.url, "root")
    changed = root.post("/admin/users", data={"name": "ann1", "role": "annotator", "password": "a-new-long-password", "csrf": hr["X-CSRF-Token"]})
    assert changed.status_code == 303
    assert ann1.get("/api/queue?n=1").status_code == 401
    assert ann1.post("/api/heartbeat", headers=h1).status_code == 401
    _signed_in(live.url, "ann1", "a-new-long-password")


def test_http_short_passwords_are_refused(rs: DbReviewStore, live) -> None:
    root, hr = _signed_in(live.url, "root")
    short = root.post("/admin/users", data={"name": "shorty", "role": "annotator", "password": "123456789", "csrf": hr["X-CSRF-Token"]})
    assert short.status_code == 400 and "password too short (at least 10" in short.json()["error"]
    assert "shorty" not in [u.name for u in rs.users()]


def test_cli_short_passwords_are_refused(tmp_path: Path) -> None:
    res = _run_cli(tmp_path, "users", "add", "shorty", "--role", "annotator", "--password", "abcd")
    assert res.returncode != 0 and "password too short" in res.stderr
    listed = _run_cli(tmp_path, "users", "list")
    assert "shorty" not in listed.stdout


def test_http_security_headers_on_every_response(rs: DbReviewStore, live) -> None:
    ann1, h1 = _signed_in(live.url, "ann1")
    responses = [
        ann1.get("/login"),
        ann1.get("/"),
        ann1.get("/api/queue?n=1"),
        ann1.get("/nowhere"),
        ann1.post("/api/verdict", json=[1, 2], headers=h1),
        httpx.get(live.url + "/api/queue"),
    ]
    for resp in responses:
        csp = resp.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "script-src" not in csp, csp
        assert resp.headers["X-Frame-Options"] == "DENY" and resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "Secure" not in responses[0].headers["set-cookie"]


def test_cli_secure_cookies_sets_the_secure_flag(tmp_path: Path) -> None:
    assert _run_cli(tmp_path, "users", "add", "ada", "--role", "admin").returncode == 0
    port = free_port()
    env = {**os.environ, "FLOPSDB_HOME": str(tmp_path / "home")}
    server = subprocess.Popen(
        [*_exe(), "review", "serve", "--port", str(port), "--secure-cookies"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        resp = None
        for _ in range(600):
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.1)
        assert resp is not None and resp.status_code == 200
        cookie = resp.headers["set-cookie"]
        assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie, cookie
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
        token = re.search(r'name="csrf" value="([^"]+)"', resp.text).group(1)
        signed = httpx.post(
            f"http://127.0.0.1:{port}/login",
            cookies={"flopsdb_login_csrf": token},
            data={"name": "ada", "password": "a-long-password", "csrf": token},
            timeout=60,
        )
        assert signed.status_code == 303 and "; Secure" in signed.headers["set-cookie"]
    finally:
        server.terminate()
        server.wait(30)


# ---- item 4: malformed verdict bodies over HTTP ---------------------------------------------------------


def _leased(live) -> tuple[httpx.Client, dict[str, str], dict]:
    ann1, h1 = _signed_in(live.url, "ann1")
    item = ann1.get("/api/queue?n=1").json()["items"][0]
    return ann1, h1, item


def _post_raw(client: httpx.Client, headers: dict[str, str], text: str) -> httpx.Response:
    return client.post("/api/verdict", content=text.encode(), headers={**headers, "Content-Type": "application/json"})


def _malformed(cid: str) -> list[tuple[str, str]]:
    """(raw JSON body, the field the answer must name)."""
    deep = f'{{"candidate_id": "{cid}", "action": "correct", "fields": {{"hours": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    return [
        ("[1, 2]", "body"),
        ('"accept"', "body"),
        ("{not json", "body"),
        (json.dumps({"candidate_id": cid, "action": "approve"}), "action"),
        (json.dumps({"candidate_id": cid, "action": "alternative", "n": "abc"}), "n"),
        (json.dumps({"candidate_id": cid, "action": "alternative", "alternative": "abc"}), "alternative"),
        (json.dumps({"candidate_id": cid, "action": "alternative", "n": 9}), "alternative"),
        (f'{{"candidate_id": "{cid}", "action": "accept", "dwell_ms": NaN}}', "dwell_ms"),
        (json.dumps({"candidate_id": cid, "action": "accept", "dwell_ms": -5}), "dwell_ms"),
        (json.dumps({"candidate_id": cid, "action": "correct", "fields": ["hours", 3]}), "fields"),
        (json.dumps({"candidate_id": cid, "action": "correct", "fields": {"hours": {"a": {"b": {"c": 1}}}}}), "fields"),
        (deep, "body"),
        (f'{{"candidate_id": "{cid}", "action": "correct", "fields": {{"hours": Infinity}}}}', "fields"),
        (json.dumps({"candidate_id": cid, "action": "correct", "fields": {"hours": "NaN"}}), "hours"),
        (json.dumps({"candidate_id": cid, "action": "correct", "fields": {"hours": "inf"}}), "hours"),
        (json.dumps({"candidate_id": cid, "action": "correct", "fields": {"hours": "-Infinity"}}), "hours"),
        (json.dumps({"candidate_id": cid, "action": "correct", "fields": {"hours": "1e999"}}), "hours"),
        (json.dumps({"candidate_id": cid, "action": "correct", "fields": {"hours": -3}}), "hours"),
        (json.dumps({"candidate_id": cid, "action": "correct", "fields": {"no_such_field": 1}}), "no_such_field"),
        (json.dumps({"candidate_id": cid, "action": "correct", "stage": "mystery"}), "stage"),
        (json.dumps({"candidate_id": cid, "action": "correct", "model": "m" * 5000}), "model"),
        (json.dumps({"candidate_id": [cid], "action": "accept"}), "candidate_id"),
        (json.dumps({"candidate_id": cid, "action": "accept", "event_id": "x" * 500}), "event_id"),
        (json.dumps({"candidate_id": cid, "action": "accept", "mode": "steal"}), "mode"),
        (json.dumps({"candidate_id": "no-such-candidate", "action": "accept"}), "candidate"),
    ]


def test_http_malformed_verdicts_answer_4xx_naming_the_field_and_store_nothing(rs: DbReviewStore, live) -> None:
    ann1, h1, item = _leased(live)
    cid = item["candidate_id"]
    if item["kind"] != "training_time":  # the hours cases need a training-time item: lease until one comes
        ann1.post("/api/heartbeat", headers=h1)
        cid = next(c.candidate_id for c, _ in rs.candidates() if c.kind == "training_time")
        rs.release("ann1")
        with rs.store.transaction() as con:
            con.execute("INSERT INTO review_leases VALUES (?, 'ann1', now()::TIMESTAMP, now()::TIMESTAMP + INTERVAL 1 HOUR)", [cid])
    for text, field in _malformed(cid):
        resp = _post_raw(ann1, h1, text)
        assert 400 <= resp.status_code < 500, (text[:80], resp.status_code, resp.text[:300])
        assert field in resp.json().get("error", ""), (text[:80], resp.status_code, resp.text[:300])
        assert rs.events() == [], text[:80]
    assert rs.curated() == []
    good = ann1.post("/api/verdict", json={"candidate_id": cid, "action": "correct", "fields": {"hours": "36"}}, headers=h1)
    assert good.status_code == 200, good.text  # the lease survived every refusal
    [fact] = rs.curated()
    assert fact["candidate_id"] == cid


def test_http_event_ids_are_scoped_to_their_user_and_candidate(rs: DbReviewStore, live) -> None:
    ann1, h1 = _signed_in(live.url, "ann1")
    ann2, h2 = _signed_in(live.url, "ann2")
    first, other = (i["candidate_id"] for i in ann1.get("/api/queue?n=2").json()["items"])
    mine = ann2.get("/api/queue?n=1").json()["items"][0]["candidate_id"]
    assert ann1.post("/api/verdict", json={"candidate_id": first, "action": "accept", "event_id": "evt-shared"}, headers=h1).json()["ok"]
    reused = ann1.post("/api/verdict", json={"candidate_id": other, "action": "reject", "event_id": "evt-shared"}, headers=h1)
    assert reused.status_code == 400 and "event_id" in reused.json()["error"].replace("event id", "event_id")
    theirs = ann2.post("/api/verdict", json={"candidate_id": mine, "action": "reject", "event_id": "evt-shared"}, headers=h2)
    assert theirs.status_code == 400 and "another verdict" in theirs.json()["error"]
    assert _events(rs) == [("evt-shared", "ann1", "accept")]


def test_http_a_crop_whose_box_is_off_the_page_is_an_image_not_a_500(rs: DbReviewStore, live) -> None:
    base, path = next((c, p) for c, p in rs.candidates() if p)
    boxes = [Box(5000.0, 5000.0, 6000.0, 6000.0), Box(-900.0, -900.0, -800.0, -800.0), Box(10.0, 10.0, 10.0, 10.0)]
    cands = [
        (dataclasses.replace(base, extractor=f"offpage.v{n + 1}", evidence=dataclasses.replace(base.evidence, bbox=box)), path)
        for n, box in enumerate(boxes)
    ]
    cands.append((dataclasses.replace(base, extractor="offpage.v9", evidence=dataclasses.replace(base.evidence, page=999)), path))
    rs.add_candidates(cands, command="test")
    ids = {c.extractor: c.candidate_id for c, _ in rs.candidates() if c.extractor.startswith("offpage")}
    ann1, _ = _signed_in(live.url, "ann1")
    for n in range(len(boxes)):
        resp = ann1.get(f"/crop/{ids[f'offpage.v{n + 1}']}.png")
        assert resp.status_code == 200 and resp.content[:8] == b"\x89PNG\r\n\x1a\n", (n, resp.text[:200], rs.item(ids[f"offpage.v{n + 1}"]))
    missing = ann1.get(f"/crop/{ids['offpage.v9']}.png")
    assert missing.status_code == 400 and "page 999 out of range" in missing.json()["error"]


@pytest.mark.browser
def test_the_page_works_under_its_own_csp(browser, live, rs: DbReviewStore) -> None:
    """The CSP forbids inline script and eval; the real page, in chromium with the CSP in force, still signs in,
    shows an item and posts a keyboard verdict, and the browser reports no CSP violation."""
    page = sign_in(browser, live.url, "ann1", bypass_csp=False)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.wait_for_selector("#kind:not(:empty)", timeout=20000)
    shown = page.locator("#paper-id").inner_text()
    page.keyboard.press("a")
    deadline = time.monotonic() + 20
    while not rs.events(annotator="ann1") and time.monotonic() < deadline:
        time.sleep(0.2)
    [event] = rs.events(annotator="ann1")
    assert event.action == "accept" and shown
    assert violations == []
    page.context.close()
