"""The web app over HTTP without a browser (FastAPI's TestClient): sign-in, CSRF, roles, escaping."""

from __future__ import annotations

import re

from curation_helpers import PASSWORD
from fastapi.testclient import TestClient

from flopsdb.curation.model import Event, make_after, new_event_id
from flopsdb.curation.queue import QueuePolicy
from flopsdb.curation.web import SESSION_COOKIE, WebSettings, create_app
from flopsdb.db.curation import DbReviewStore


def client_for(rs: DbReviewStore, tmp_path, name: str | None = None) -> tuple[TestClient, str]:
    client = TestClient(create_app(rs, WebSettings(crop_dir=tmp_path / "crops")))
    if name is None:
        return client, ""
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    resp = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/"
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    return client, csrf


def test_login_needs_the_form_token_and_the_right_password(rs: DbReviewStore, tmp_path) -> None:
    client, _ = client_for(rs, tmp_path)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/queue").status_code == 401
    assert client.post("/login", data={"name": "ann1", "password": PASSWORD}).status_code == 403
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    bad = client.post("/login", data={"name": "ann1", "password": "wrong", "csrf": token}, follow_redirects=False)
    assert "error=" in bad.headers["location"] and SESSION_COOKIE not in bad.cookies


def test_verdict_needs_csrf_and_is_idempotent(rs: DbReviewStore, tmp_path) -> None:
    client, csrf = client_for(rs, tmp_path, "ann1")
    item = client.get("/api/queue?n=1").json()["items"][0]
    body = {"event_id": "evt-1", "candidate_id": item["candidate_id"], "action": "accept", "dwell_ms": 1500}
    assert client.post("/api/verdict", json=body).status_code == 403
    assert rs.events() == []
    assert client.post("/api/verdict", json=body, headers={"X-CSRF-Token": csrf}).json()["ok"]
    assert client.post("/api/verdict", json=body, headers={"X-CSRF-Token": csrf}).status_code == 200
    events = rs.events()
    assert len(events) == 1 and events[0].dwell_ms == 1500 and events[0].event_id == "evt-1"
    bad = client.post("/api/verdict", json={**body, "event_id": "evt-2", "action": "approve"}, headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 422 and "unknown verdict" in bad.json()["error"]
    assert client.post("/api/heartbeat").status_code == 403
    assert client.post("/api/heartbeat", headers={"X-CSRF-Token": csrf}).json()["leases"] >= 0
    crop = client.get(f"/crop/{item['candidate_id']}.png")
    assert crop.status_code == 200 and crop.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_adjudication_page_escapes_paper_text_and_checks_roles(rs: DbReviewStore, tmp_path) -> None:
    both = DbReviewStore(rs.store, policy=QueuePolicy(audit_share=0.0, overlap_share=1.0, overlap_k=2))
    target = next(c for c, _ in rs.candidates() if "<script>" in c.evidence.snippet)
    for who, action in (("ann1", "accept"), ("ann2", "reject")):
        after = make_after(target.fields, target.model, target.stage) if action == "accept" else None
        both.record(Event(new_event_id(), target.candidate_id, who, action, after=after), require_lease=False)
    annotator, csrf_a = client_for(rs, tmp_path, "ann1")
    assert annotator.get("/adjudicate").status_code == 403
    assert annotator.post("/adjudicate", data={"candidate_id": target.candidate_id, "version": 1, "csrf": csrf_a}).status_code == 403
    reviewer, csrf = client_for(rs, tmp_path, "rev")
    html = reviewer.get("/adjudicate").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "&lt;b&gt;1&lt;/b&gt;" in html
    assert reviewer.post("/adjudicate", data={"candidate_id": target.candidate_id, "version": 2}).status_code == 403
    ok = reviewer.post("/adjudicate", data={"candidate_id": target.candidate_id, "version": 2, "csrf": csrf}, follow_redirects=False)
    assert ok.status_code == 303
    assert rs.curated() == [] and rs.disagreements() == []
    assert [e.action for e in rs.events(candidate_id=target.candidate_id)][-1] == "adjudicate"
