"""Queue order with a reason for every item, audit sampling and overlap.

Order: candidates are grouped by paper and kind (no context switch inside a group) and groups come
lowest confidence first; inside a group, lowest confidence first. Nothing is dropped: every
candidate stays in the queue until it has its raters. A deterministic random share of the
high-confidence candidates (``audit_share``) is drawn as an audit sample and placed as if its
confidence were random, so the extractor's precision is measured on an unbiased sample. A share
(``overlap_share``) needs ``overlap_k`` annotators instead of one, for agreement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache


@dataclass(frozen=True)
class QueueRow:
    """What the planner needs about one candidate and its progress."""

    candidate_id: str
    paper: str
    kind: str
    confidence: float
    decided: int = 0
    leased_by_others: int = 0
    seen_by_me: bool = False
    leased_by_me: bool = False
    closed: bool = False
    leased_at: datetime | None = None


@dataclass(frozen=True)
class QueueEntry:
    """A planned item: its id and the reason it comes now."""

    candidate_id: str
    why: str
    audit: bool
    overlap: bool


@dataclass(frozen=True)
class QueuePolicy:
    """Sampling settings (from :class:`flopsdb.core.config.Config`: audit_share, overlap_share, overlap_k)."""

    audit_share: float = 0.05
    overlap_share: float = 0.0
    overlap_k: int = 2
    high_confidence: float = 0.8


@lru_cache(maxsize=1 << 18)
def hash_fraction(candidate_id: str, salt: str) -> float:
    """A stable pseudo-random number in [0, 1) for a candidate (same id and salt, same number)."""
    digest = hashlib.sha256(f"{salt}:{candidate_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_audit(row: QueueRow, policy: QueuePolicy) -> bool:
    """Whether a high-confidence candidate falls in the audit sample."""
    return row.confidence >= policy.high_confidence and hash_fraction(row.candidate_id, "audit") < policy.audit_share


def is_overlap(candidate_id: str, policy: QueuePolicy) -> bool:
    """Whether a candidate falls in the overlap sample (k annotators)."""
    return policy.overlap_k > 1 and hash_fraction(candidate_id, "overlap") < policy.overlap_share


def required_raters(candidate_id: str, policy: QueuePolicy) -> int:
    """How many annotators must judge a candidate: ``overlap_k`` in the overlap sample, else 1."""
    return policy.overlap_k if is_overlap(candidate_id, policy) else 1


def plan_queue(rows: Iterable[QueueRow], policy: QueuePolicy) -> list[QueueEntry]:
    """The candidates open to one annotator, in review order, each with its reason.

    Open means: not closed (adjudicated), not yet judged by this annotator, and its decided verdicts
    plus other annotators' live leases are fewer than its required raters. Items the annotator
    already holds come first, in the order they were leased (the order the page shows them).
    """
    rows = list(rows)
    groups: dict[tuple[str, str], list[QueueRow]] = {}
    keys: dict[str, float] = {}
    audit: dict[str, bool] = {}
    for row in rows:
        audit[row.candidate_id] = is_audit(row, policy)
        keys[row.candidate_id] = hash_fraction(row.candidate_id, "audit-order") if audit[row.candidate_id] else row.confidence
    for row in rows:
        if row.closed or row.seen_by_me:
            continue
        if not row.leased_by_me and row.decided + row.leased_by_others >= required_raters(row.candidate_id, policy):
            continue
        groups.setdefault((row.paper, row.kind), []).append(row)
    ordered: list[tuple[tuple, QueueRow, Sequence[QueueRow]]] = []
    for group in groups.values():
        group_key = min(keys[m.candidate_id] for m in group)
        for m in group:
            ordered.append(
                (
                    (
                        not m.leased_by_me,
                        (m.leased_at or datetime.min) if m.leased_by_me else datetime.min,
                        group_key,
                        m.paper,
                        m.kind,
                        keys[m.candidate_id],
                        m.candidate_id,
                    ),
                    m,
                    group,
                )
            )
    ordered.sort(key=lambda t: t[0])
    out: list[QueueEntry] = []
    for _, row, members in ordered:
        overlap = is_overlap(row.candidate_id, policy)
        need = required_raters(row.candidate_id, policy)
        if row.leased_by_me:
            why = "you already hold this item (lease kept across reloads)"
        elif audit[row.candidate_id]:
            why = (
                f"audit sample: a random {policy.audit_share:.0%} of high-confidence candidates "
                f"(confidence {row.confidence:.2f}) measures extractor precision"
            )
        else:
            why = f"low confidence first: {row.confidence:.2f}; grouped with {len(members) - 1} other {row.kind} candidate(s) of {row.paper}"
        if overlap:
            why += f"; overlap sample: {need} annotators judge it for agreement ({row.decided} so far)"
        out.append(QueueEntry(row.candidate_id, why, audit[row.candidate_id], overlap))
    return out
