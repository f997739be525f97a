"""The domain's closed vocabularies: fact kinds, training stages and verdict actions, and what each kind holds.

They are ``StrEnum`` members, so they compare equal to the strings stored in DuckDB and written to JSONL.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """The kinds of fact an extractor proposes."""

    HARDWARE = "hardware"
    TRAINING_TIME = "training_time"
    RESULT = "result"
    PARAMETERS = "parameters"


class Stage(StrEnum):
    """The stage of a model's life a hardware or time fact belongs to."""

    PRETRAINING = "pretraining"
    TRAINING = "training"
    FINE_TUNING = "fine-tuning"
    SEARCH = "search"
    INFERENCE = "inference"


TRAINING_STAGES: frozenset[Stage] = frozenset(s for s in Stage if s is not Stage.INFERENCE)
"""The stages whose compute counts towards a model's training compute."""

KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.HARDWARE: ("accelerator", "count", "unit"),
    Kind.TRAINING_TIME: ("hours", "hours_low", "hours_high", "scope", "approx"),
    Kind.RESULT: ("task", "dataset", "split", "metric", "value", "value_text", "own"),
    Kind.PARAMETERS: ("value", "value_text"),
}
"""The fields each kind's candidates carry, in display order."""


class Action(StrEnum):
    """What a review event does to a candidate (``review_events.action``)."""

    ACCEPT = "accept"
    CORRECT = "correct"
    REJECT = "reject"
    UNSURE = "unsure"
    ADJUDICATE = "adjudicate"
    UNDO = "undo"


VERDICT_ACTIONS: tuple[Action, ...] = (Action.ACCEPT, Action.CORRECT, Action.REJECT, Action.UNSURE)
"""The verdicts an annotator gives on a queue item."""

KEEP_ACTIONS: tuple[Action, ...] = (Action.ACCEPT, Action.CORRECT)
"""The verdicts that keep a version (they carry the kept values)."""

DECISIVE_ACTIONS: tuple[Action, ...] = (*VERDICT_ACTIONS, Action.ADJUDICATE)
"""The events an undo can cancel: every verdict and an adjudication."""


class ReviewMode(StrEnum):
    """How a verdict request may change an item: under the poster's lease, as a revision of the poster's own
    verdict in force, or as a reviewer's adjudication."""

    LEASE = "lease"
    REVISE = "revise"
    ADJUDICATE = "adjudicate"
