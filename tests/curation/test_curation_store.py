"""The DuckDB review store: leases, verdicts, undo, overlap, adjudication and the curated_facts view."""

from __future__ import annotations

import json
import threading
import time

import pytest

from flopsdb.core.errors import CurationError, LeaseError
from flopsdb.curation.model import Event, make_after, new_event_id
from flopsdb.curation.projection import project
from flopsdb.curation.queue import QueuePolicy
from flopsdb.db.curation import DbReviewStore


def accept(rs: DbReviewStore, who: str, item) -> Event:
    c = item.candidate
    return rs.record(Event(new_event_id(), item.candidate_id, who, "accept", after=make_after(c.fields, c.model, c.stage)))


def test_two_annotators_never_lease_the_same_item_even_concurrently(rs: DbReviewStore) -> None:
    got: dict[str, list[str]] = {"ann1": [], "ann2": []}

    def work(name: str) -> None:
        for _ in range(6):
            got[name] += [i.candidate_id for i in rs.lease_next(name, n=2)]
            if got[name]:
                item = rs.item(got[name][-1])
                accept(rs, name, item)

    threads = [threading.Thread(target=work, args=(n,)) for n in got]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got["ann1"] and got["ann2"]
    assert not set(got["ann1"]) & set(got["ann2"])


def test_queue_is_low_confidence_first_grouped_and_explained(rs: DbReviewStore) -> None:
    items = rs.lease_next("ann1", n=21)
    assert len(items) == 21
    first = items[0]
    assert first.candidate.confidence == min(i.candidate.confidence for i in items)
    assert "low confidence first" in first.why
    groups = [(i.candidate.paper, i.candidate.kind) for i in items]
    switches = sum(1 for a, b in zip(groups, groups[1:]) if a != b)
    assert switches == len(set(groups)) - 1


def test_expired_lease_returns_to_queue(rs: DbReviewStore) -> None:
    short = DbReviewStore(rs.store, lease_minutes=0.05)
    mine = short.lease_next("ann1", n=21)
    assert len(mine) == 21
    assert short.lease_next("ann2", n=5) == []
    time.sleep(3.2)
    back = short.lease_next("ann2", n=5)
    assert len(back) == 5


def test_heartbeat_keeps_lease_alive(rs: DbReviewStore) -> None:
    short = DbReviewStore(rs.store, lease_minutes=0.05)
    short.lease_next("ann1", n=21)
    for _ in range(3):
        time.sleep(1.5)
        assert short.heartbeat("ann1") == 21
    assert short.lease_next("ann2", n=1) == []


def test_verdict_becomes_curated_fact_traceable_to_event_and_box(rs: DbReviewStore) -> None:
    item = rs.lease_next("ann1")[0]
    event = accept(rs, "ann1", item)
    with rs.store.connect() as con:
        row = con.execute(
            "SELECT f.verdict, f.annotator, e.action, c.page, c.x0, c.top, c.snippet, f.fields FROM curated_facts f"
            " JOIN review_events e ON e.event_id = f.event_id JOIN candidates c ON c.candidate_id = f.candidate_id WHERE f.candidate_id = ?",
            [item.candidate_id],
        ).fetchone()
    assert row[:3] == ("accepted", "ann1", "accept")
    ev = item.candidate.evidence
    assert (row[3], round(row[4], 2), round(row[5], 2)) == (ev.page, round(ev.bbox.x0, 2), round(ev.bbox.top, 2))
    assert json.loads(row[7]) == json.loads(event.after)["fields"]


def test_correction_undo_and_reverdict(rs: DbReviewStore) -> None:
    item = rs.lease_next("ann1")[0]
    c = item.candidate
    fields = {**c.fields, next(iter(c.fields)): "changed"}
    rs.record(Event(new_event_id(), item.candidate_id, "ann1", "correct", after=make_after(fields, c.model, c.stage)))
    facts = {f["candidate_id"]: f for f in rs.curated()}
    assert facts[item.candidate_id]["verdict"] == "corrected"
    undone = rs.undo_last("ann1")
    assert undone is not None and undone.action == "correct"
    assert item.candidate_id not in {f["candidate_id"] for f in rs.curated()}
    again = rs.lease_next("ann1")[0]
    assert again.candidate_id == item.candidate_id
    rs.record(Event(new_event_id(), item.candidate_id, "ann1", "reject"))
    assert item.candidate_id not in {f["candidate_id"] for f in rs.curated()}
    actions = [e.action for e in rs.events(candidate_id=item.candidate_id)]
    assert actions == ["correct", "undo", "reject"]


def test_resent_event_id_is_stored_once(rs: DbReviewStore) -> None:
    item = rs.lease_next("ann1")[0]
    e = Event(new_event_id(), item.candidate_id, "ann1", "reject")
    rs.record(e)
    rs.record(e)
    assert len(rs.events(candidate_id=item.candidate_id)) == 1


def test_verdict_on_item_leased_by_someone_else_is_refused(rs: DbReviewStore) -> None:
    item = rs.lease_next("ann1")[0]
    with pytest.raises(LeaseError):
        rs.record(Event(new_event_id(), item.candidate_id, "ann2", "reject"))
    with pytest.raises(CurationError):
        rs.record(Event(new_event_id(), "nope", "ann2", "reject"), require_lease=False)


def test_overlap_gives_k_annotators_the_same_item_then_adjudication(rs: DbReviewStore) -> None:
    both = DbReviewStore(rs.store, policy=QueuePolicy(audit_share=0.0, overlap_share=1.0, overlap_k=2))
    a = both.lease_next("ann1")[0]
    b = both.lease_next("ann2")[0]
    assert a.candidate_id == b.candidate_id
    assert "overlap sample" in a.why
    assert both.lease_next("rev", n=30) and a.candidate_id not in {i.candidate_id for i in both.lease_next("rev", n=30)}
    c = a.candidate
    accept(both, "ann1", a)
    changed = {**c.fields, next(iter(c.fields)): "other"}
    both.record(Event(new_event_id(), a.candidate_id, "ann2", "correct", after=make_after(changed, c.model, c.stage)))
    disputes = both.disagreements()
    assert [d.candidate_id for d in disputes] == [a.candidate_id]
    assert len(disputes[0].versions) == 3
    assert a.candidate_id not in {f["candidate_id"] for f in both.curated()}
    both.record(Event(new_event_id(), a.candidate_id, "rev", "adjudicate", after=make_after(changed, c.model, c.stage)), require_lease=False)
    fact = {f["candidate_id"]: f for f in both.curated()}[a.candidate_id]
    assert fact["verdict"] == "adjudicated" and json.loads(fact["fields"]) == changed
    assert both.disagreements() == []


def test_sql_projection_matches_pure_projection(rs: DbReviewStore) -> None:
    items = rs.lease_next("ann1", n=8)
    for n, item in enumerate(items):
        c = item.candidate
        if n % 3 == 0:
            accept(rs, "ann1", item)
        elif n % 3 == 1:
            rs.record(Event(new_event_id(), item.candidate_id, "ann1", "reject"))
        else:
            rs.record(Event(new_event_id(), item.candidate_id, "ann1", "correct", after=make_after({**c.fields}, "renamed", c.stage)))
    rs.undo_last("ann1")
    pure = {(f.candidate_id, f.verdict, f.event_id) for f in project([c for c, _ in rs.candidates()], rs.events())}
    sql = {(f["candidate_id"], f["verdict"], f["event_id"]) for f in rs.curated()}
    assert pure == sql and len(sql) >= 3


def test_audit_sample_is_drawn_from_high_confidence(rs: DbReviewStore) -> None:
    from flopsdb.curation.model import Item

    high = DbReviewStore(rs.store, policy=QueuePolicy(audit_share=0.5, high_confidence=0.6))
    items: list[Item] = high.lease_next("ann1", n=21)
    audits = [i for i in items if i.why.startswith("audit sample")]
    assert audits and all(i.candidate.confidence >= 0.6 for i in audits)
    assert len(items) == 21
