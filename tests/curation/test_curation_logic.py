"""Pure logic: queue order and sampling, passwords, field coercion, agreement statistics."""

from __future__ import annotations

import pytest

from flopsdb.core.errors import CurationError
from flopsdb.curation.agreement import agreement, cohen_kappa, extractor_precision, krippendorff_alpha, normalise
from flopsdb.curation.auth import hash_password, new_token, same_token, verify_password
from flopsdb.curation.model import Event, Rating, coerce_fields, make_after, role_allows
from flopsdb.curation.queue import QueuePolicy, QueueRow, hash_fraction, plan_queue, required_raters


def test_cohen_kappa_matches_the_textbook_example() -> None:
    # Wikipedia "Cohen's kappa", worked example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> kappa = 0.4.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None


def test_krippendorff_alpha_matches_the_published_nominal_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4 observers x 12 units, nominal alpha = 0.743.
    m = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],
        [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m],
    ]
    units = [{f"o{i}": data[i][j] for i in range(4) if data[i][j] is not None} for j in range(12)]
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha([{"a": 1, "b": 1}]) is None


def rating(cid: str, rater: str, outcome: str = "keep", **fields) -> Rating:
    return Rating(cid, "training_time", rater, outcome, fields if outcome == "keep" else None)


def test_agreement_exact_tolerance_kappa_alpha_per_field() -> None:
    ratings = [
        rating("c1", "ann1", hours=100.0, scope="wall_clock"),
        rating("c1", "ann2", hours=103.0, scope="Wall clock"),
        rating("c2", "ann1", hours=24.0, scope="wall_clock"),
        rating("c2", "ann2", hours=24.0, scope="device_hours"),
        rating("c3", "ann1", hours=5.0, scope="wall_clock"),
        rating("c3", "ann2", outcome="reject"),
        rating("c4", "ann1", hours=10.0, scope="device_hours"),
        rating("c4", "ann2", hours=10.0, scope="device hours"),
    ]
    rows = {fa.field: fa for fa in agreement(ratings)}
    hours, scope = rows["hours"], rows["scope"]
    assert (hours.items, hours.pairs) == (4, 4)
    assert hours.exact == pytest.approx(0.5)
    assert hours.tolerance == pytest.approx(0.75)
    assert scope.exact == pytest.approx(0.5)
    assert scope.kappa is not None and -1 <= scope.kappa <= 1
    assert scope.alpha is not None and scope.alpha < 1
    assert normalise("training_time", "scope", "Wall  Clock") == "wall_clock"
    assert rows["(record)"].exact == pytest.approx(0.25)


def test_extractor_is_a_rater_and_its_precision_follows() -> None:
    ratings = [
        rating("c1", "extractor:t.v1", hours=10.0),
        rating("c1", "ann1", hours=10.0),
        rating("c2", "extractor:t.v1", hours=5.0),
        rating("c2", "ann1", hours=50.0),
        rating("c3", "extractor:t.v1", hours=1.0),
        rating("c3", "ann1", outcome="reject"),
    ]
    p = extractor_precision(ratings)["t.v1"]
    assert (p["judged"], p["kept"]) == (3, 1)
    assert p["precision"] == pytest.approx(1 / 3)
    assert {fa.field for fa in agreement(ratings)} >= {"hours", "(record)"}
    assert agreement(ratings, include_extractor=False) == []


def rows(n: int, paper: str = "p", kind: str = "hardware", **kw) -> list[QueueRow]:
    return [QueueRow(f"{paper}-{kind}-{i}", paper, kind, confidence=round(0.1 + 0.8 * i / max(1, n - 1), 3), **kw) for i in range(n)]


def test_plan_groups_by_paper_and_kind_lowest_confidence_first_and_drops_nothing() -> None:
    all_rows = rows(4, "p1", "hardware") + rows(3, "p2", "result") + [QueueRow("low", "p2", "hardware", 0.05)]
    plan = plan_queue(all_rows, QueuePolicy(audit_share=0.0))
    assert [e.candidate_id for e in plan][0] == "low"
    assert len(plan) == len(all_rows)
    order = [e.candidate_id.rsplit("-", 1)[0] if e.candidate_id != "low" else "p2-hardware" for e in plan]
    assert order == sorted(order, key=order.index)
    assert all("low confidence first" in e.why for e in plan)


def test_plan_skips_judged_closed_and_fully_leased_items_and_keeps_held_first() -> None:
    base = [
        QueueRow("a", "p", "hardware", 0.1, seen_by_me=True),
        QueueRow("b", "p", "hardware", 0.2, closed=True),
        QueueRow("c", "p", "hardware", 0.3, leased_by_others=1),
        QueueRow("d", "p", "hardware", 0.9, leased_by_me=True),
        QueueRow("e", "p", "hardware", 0.4),
        QueueRow("f", "p", "hardware", 0.5, decided=1),
    ]
    plan = plan_queue(base, QueuePolicy(audit_share=0.0))
    assert [e.candidate_id for e in plan] == ["d", "e"]
    assert "already hold" in plan[0].why


def test_audit_sample_is_random_share_of_high_confidence_and_overlap_needs_k() -> None:
    many = [QueueRow(f"c{i}", "p", "result", 0.95) for i in range(4000)]
    plan = plan_queue(many, QueuePolicy(audit_share=0.05))
    share = sum(e.audit for e in plan) / len(plan)
    assert 0.035 < share < 0.065
    assert not any(e.audit for e in plan_queue([QueueRow("x", "p", "result", 0.3)], QueuePolicy(audit_share=1.0)))
    policy = QueuePolicy(overlap_share=0.2, overlap_k=3)
    overlap = [r for r in many if required_raters(r.candidate_id, policy) == 3]
    assert 0.17 < len(overlap) / len(many) < 0.23
    assert hash_fraction("c1", "audit") == hash_fraction("c1", "audit")
    row = QueueRow(overlap[0].candidate_id, "p", "result", 0.95, decided=2)
    assert plan_queue([row], policy) and "overlap sample" in plan_queue([row], policy)[0].why
    assert plan_queue([QueueRow(row.candidate_id, "p", "result", 0.95, decided=3)], policy) == []


def test_passwords_are_salted_scrypt_and_tokens_random() -> None:
    h1, h2 = hash_password("hunter22"), hash_password("hunter22")
    assert h1 != h2 and h1.startswith("scrypt$") and "hunter22" not in h1
    assert verify_password("hunter22", h1) and not verify_password("hunter23", h1)
    assert not verify_password("x", "garbage")
    assert new_token() != new_token() and len(new_token()) >= 40
    assert same_token("abc", "abc") and not same_token("abc", None) and not same_token("", "")


def test_roles_are_ordered() -> None:
    assert role_allows("admin", "reviewer") and role_allows("reviewer", "annotator")
    assert not role_allows("annotator", "reviewer") and not role_allows("nobody", "annotator")


def test_edited_text_is_coerced_and_foreign_fields_refused() -> None:
    got = coerce_fields("hardware", {"accelerator": " NVIDIA V100 ", "count": "8", "unit": ""})
    assert got == {"accelerator": "NVIDIA V100", "count": 8, "unit": None}
    assert coerce_fields("training_time", {"hours": "1,200.5", "approx": "true"}) == {"hours": 1200.5, "approx": True}
    assert coerce_fields("parameters", {"value_text": "213"}) == {"value_text": "213"}
    with pytest.raises(CurationError):
        coerce_fields("hardware", {"hours": "3"})


def test_events_check_their_action() -> None:
    with pytest.raises(CurationError):
        Event("e", "c", "ann", "approve")
    with pytest.raises(CurationError):
        Event("e", "c", "ann", "accept")
    assert Event("e", "c", "ann", "adjudicate").outcome == "reject"
    assert Event("e", "c", "ann", "adjudicate", after=make_after({}, None, None)).outcome == "keep"
