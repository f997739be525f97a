"""``POST /api/verdicts`` over real HTTP (the outbox's batches): the same checks as a single verdict on every
item (session, CSRF token, the poster's live lease, the reviewer role for adjudication), each item answered on
its own so one refusal stores the others, and the idempotent event ids; and ``GET /api/queue?skip=``."""

from __future__ import annotations

import httpx
from test_curation_security import _signed_in

from flopsdb.db.curation import DbReviewStore


def test_a_batch_needs_a_session_and_the_csrf_token(rs: DbReviewStore, live) -> None:
    ann1, h1 = _signed_in(live.url, "ann1")
    cid = ann1.get("/api/queue?n=1").json()["items"][0]["candidate_id"]
    body = {"verdicts": [{"candidate_id": cid, "action": "accept"}]}
    assert httpx.post(live.url + "/api/verdicts", json=body).status_code == 401
    assert ann1.post("/api/verdicts", json=body).status_code == 403
    assert ann1.post("/api/verdicts", json=body, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert ann1.post("/api/verdicts", json={"verdicts": []}, headers=h1).status_code == 422
    assert rs.events() == []
    assert ann1.post("/api/verdicts", json=body, headers=h1).json()["results"][0]["ok"]


def test_each_verdict_of_a_batch_is_checked_and_answered_on_its_own(rs: DbReviewStore, live) -> None:
    ann1, h1 = _signed_in(live.url, "ann1")
    ann2, h2 = _signed_in(live.url, "ann2")
    mine = [i["candidate_id"] for i in ann1.get("/api/queue?n=2").json()["items"]]
    theirs = ann2.get("/api/queue?n=1").json()["items"][0]["candidate_id"]
    body = {
        "verdicts": [
            {"candidate_id": mine[0], "action": "accept", "event_id": "b-1"},
            {"candidate_id": theirs, "action": "reject", "event_id": "b-2"},  # ann2's lease: the batch is rolled back
            {"candidate_id": mine[1], "action": "reject", "event_id": "b-4"},
        ]
    }
    results = ann1.post("/api/verdicts", json=body, headers=h1).json()["results"]
    assert [r["ok"] for r in results] == [True, False, True]  # ... and stored one by one, the refusal apart
    assert results[1]["status"] == 409 and "no live lease" in results[1]["error"]
    assert [(e.event_id, e.candidate_id, e.action) for e in rs.events()] == [("b-1", mine[0], "accept"), ("b-4", mine[1], "reject")]
    ruled = {"candidate_id": mine[0], "action": "accept", "mode": "adjudicate"}
    mixed = ann1.post("/api/verdicts", json={"verdicts": [ruled, body["verdicts"][1]]}, headers=h1).json()["results"]
    assert [(r["ok"], r["status"]) for r in mixed] == [(False, 403), (False, 409)] and "reviewer" in mixed[0]["error"]
    body["verdicts"] = [body["verdicts"][0], body["verdicts"][0], body["verdicts"][2]]
    again = ann1.post("/api/verdicts", json=body, headers=h1).json()["results"]
    assert [r["event_id"] for r in again] == ["b-1", "b-1", "b-4"] and len(rs.events()) == 2  # sent again, stored once


def test_a_batch_all_stored_is_one_answer_per_verdict_in_order(rs: DbReviewStore, live) -> None:
    ann1, h1 = _signed_in(live.url, "ann1")
    ids = [i["candidate_id"] for i in ann1.get("/api/queue?n=5").json()["items"]]
    body = {"verdicts": [{"candidate_id": c, "action": "accept", "event_id": f"e-{n}"} for n, c in enumerate(ids)]}
    results = ann1.post("/api/verdicts", json=body, headers=h1).json()["results"]
    assert [r["event_id"] for r in results] == [f"e-{n}" for n in range(5)] and all(r["ok"] for r in results)
    assert [e.candidate_id for e in rs.events()] == ids and len(rs.curated()) == 5


def test_the_queue_leaves_out_the_items_the_page_names(rs: DbReviewStore, live) -> None:
    ann1, _ = _signed_in(live.url, "ann1")
    first = [i["candidate_id"] for i in ann1.get("/api/queue?n=3").json()["items"]]
    assert [i["candidate_id"] for i in ann1.get("/api/queue?n=3").json()["items"]] == first  # held leases come first
    skipped = [i["candidate_id"] for i in ann1.get("/api/queue?n=3&skip=" + ",".join(first)).json()["items"]]
    assert len(skipped) == 3 and not set(skipped) & set(first)
    assert ann1.get("/api/queue?n=3&skip=bad%20id").status_code == 422
