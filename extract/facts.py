"""The paper's own facts: what the extractor asserts, as opposed to every candidate it proposes for review.

``select_facts`` keeps, after deduplication, the headline results of the paper's own models, the hardware and
training time of a training stage (not inference) and the parameter counts of own models, each at or above a
confidence. It is the contract of ``flopsdb extract --facts`` and what ``flopsdb evaluate`` scores by default.
"""

from __future__ import annotations

from collections.abc import Iterable

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.pipeline import dedup

TRAINING_STAGES: frozenset[str | None] = frozenset({"pretraining", "training", "fine-tuning", "search", None})
"""Stages whose hardware and time count as training facts (a candidate with no stage counts as training)."""

DEFAULT_MIN_CONFIDENCE = 0.35
"""The operating point: a candidate at or above it counts as an extraction."""


def is_fact(c: Candidate, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> bool:
    """Whether a candidate is asserted as one of the paper's own facts."""
    if c.confidence < min_confidence:
        return False
    if c.kind == "result":
        return bool(c.fields.get("own")) and c.headline
    if c.kind in ("hardware", "training_time"):
        return c.stage in TRAINING_STAGES
    return c.fields.get("own", True) is not False


def select_facts(candidates: Iterable[Candidate], min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Candidate]:
    """The paper's own facts among deduplicated candidates, one per fact, in their order."""
    return dedup(c for c in candidates if is_fact(c, min_confidence))
