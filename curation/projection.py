"""Events -> verdicts in force -> curated facts, as pure functions (the SQL views in
``db/migrations/0022_curated.sql`` compute the same projection inside DuckDB)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from flopsdb.core.kinds import VERDICT_ACTIONS, Action
from flopsdb.curation.model import CuratedFact, Event
from flopsdb.extract.candidate import Candidate


def in_force(events: Iterable[Event]) -> list[Event]:
    """Events not undone (undo events themselves excluded), in their given (append) order."""
    events = list(events)
    undone = {e.undoes for e in events if e.action == Action.UNDO}
    return [e for e in events if e.action != Action.UNDO and e.event_id not in undone]


def latest_verdicts(events: Iterable[Event]) -> dict[str, dict[str, Event]]:
    """``candidate_id -> annotator -> latest verdict in force`` (accept/correct/reject/unsure)."""
    out: dict[str, dict[str, Event]] = {}
    for e in in_force(events):
        if e.action in VERDICT_ACTIONS:
            out.setdefault(e.candidate_id, {})[e.annotator] = e
    return out


def project(candidates: Sequence[Candidate], events: Sequence[Event]) -> list[CuratedFact]:
    """Curated facts: a candidate is curated when its latest adjudication keeps a version, or, without
    adjudication, when all its decisive verdicts agree on one kept version."""
    by_id = {c.candidate_id: c for c in candidates}
    adjudicated: dict[str, Event] = {}
    for e in in_force(events):
        if e.action == Action.ADJUDICATE:
            adjudicated[e.candidate_id] = e
    out: list[CuratedFact] = []
    latest = latest_verdicts(events)
    for cid, c in by_id.items():
        if cid in adjudicated:
            deciding, verdict = adjudicated[cid], "adjudicated"
            if deciding.after is None:
                continue
        else:
            decisive = [e for e in latest.get(cid, {}).values() if e.outcome is not None]
            if not decisive or len({(e.outcome, e.after) for e in decisive}) != 1 or decisive[0].outcome != "keep":
                continue
            order = {e.event_id: i for i, e in enumerate(events)}
            deciding = max(decisive, key=lambda e: order[e.event_id])
            verdict = "accepted" if all(e.action == Action.ACCEPT for e in decisive) else "corrected"
        kept = json.loads(deciding.after or "{}")
        b = c.evidence.bbox
        out.append(
            CuratedFact(
                f"f-{cid}",
                cid,
                c.paper,
                c.kind,
                kept.get("model"),
                kept.get("stage"),
                kept.get("fields", {}),
                verdict,
                deciding.event_id,
                deciding.annotator,
                deciding.created_at,
                c.evidence.page,
                (b.x0, b.top, b.x1, b.bottom),
            )
        )
    return out
