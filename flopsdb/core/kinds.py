"""The domain's closed vocabularies and the per-kind registry: what each kind of fact holds and how it behaves.

``Kind``, ``Stage`` are ``StrEnum`` members, so they compare equal to the strings stored in DuckDB and written
to JSONL. :data:`KINDS` is the one place that knows, per kind, its fields and their types, what makes two
candidates the same fact (:meth:`KindSpec.key`), its one-line summary for display (:meth:`KindSpec.summary`)
and how edited text becomes typed values (:meth:`KindSpec.coerce`) and typed values are checked
(:meth:`KindSpec.check`), the same for extracted candidates and reviewers' corrections. Code outside the
extractors asks :func:`kind_spec` instead of branching on a kind's name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from flopsdb.core.errors import FieldValueError


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


class FieldType(StrEnum):
    """How a field's value is typed: what :meth:`KindSpec.coerce` makes of edited text and :meth:`KindSpec.check` allows."""

    TEXT = "text"
    """Text of at most :data:`MAX_TEXT` characters."""
    VERBATIM = "verbatim"
    """Text as printed in the paper (``value_text``): edited text stays text, even when it looks like a number."""
    NUMBER = "number"
    """A finite number."""
    NON_NEGATIVE = "non_negative"
    """A finite number, not negative (hours, parameter counts)."""
    COUNT = "count"
    """A whole number of at least 1 (accelerators)."""
    FLAG = "flag"
    """True or false."""


MAX_TEXT = 300
"""The longest text a text field may hold."""

_NUMERIC = frozenset({FieldType.NUMBER, FieldType.NON_NEGATIVE, FieldType.COUNT})


def _coerce_text(ftype: FieldType, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    low = text.lower()
    if text == "" or low in {"null", "none"}:
        return None
    if low in {"true", "false"}:
        return low == "true"
    if ftype is FieldType.VERBATIM:
        return text
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text and "e" not in low else number


_MAX_COUNT = 2**63 - 1
"""The largest count a field may hold (a signed 64-bit integer, what SQL reads it as)."""


def _finite(value: float) -> bool:
    """Whether a number is finite as a double (an integer too large for one is not)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_value(key: str, ftype: FieldType, value: Any) -> None:
    if value is None:
        return
    if ftype in _NUMERIC:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
            raise FieldValueError(f"field {key!r} must be a finite number, not {_short(value)}")
        if ftype is FieldType.COUNT and (value < 1 or value > _MAX_COUNT or value != int(value)):
            raise FieldValueError(f"field {key!r} must be a whole number of at least 1 and at most {_MAX_COUNT}, not {_short(value)}")
        if ftype is FieldType.NON_NEGATIVE and value < 0:
            raise FieldValueError(f"field {key!r} must not be negative, not {value!r}")
    elif ftype is FieldType.FLAG:
        if not isinstance(value, bool):
            raise FieldValueError(f"field {key!r} must be true or false, not {value!r}")
    elif not isinstance(value, str) or len(value) > MAX_TEXT:
        raise FieldValueError(f"field {key!r} must be text of at most {MAX_TEXT} characters")


Key = tuple[object, ...]
"""What makes two candidates the same fact: values, not places."""


@dataclass(frozen=True)
class KindSpec:
    """What one kind of fact holds and how it behaves.

    ``types`` maps each field, in display order, to its :class:`FieldType`; ``per_model`` says whether a model
    record holds one fact of the kind (hardware, training time, parameters) rather than many (results);
    ``headline`` whether its candidates carry the headline mark. ``identity`` and ``describe`` are the
    kind's dedup key and display summary over ``(fields, model, stage)`` and ``fields``.
    """

    kind: Kind
    types: Mapping[str, FieldType]
    identity: Callable[[Mapping[str, Any], str | None, str | None], Key] = field(repr=False)
    describe: Callable[[Mapping[str, Any]], str] = field(repr=False)
    per_model: bool = True
    headline: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        """The kind's fields, in display order."""
        return tuple(self.types)

    def key(self, fields: Mapping[str, Any], model: str | None = None, stage: str | None = None) -> Key:
        """The dedup identity of a fact of this kind: two candidates with the same key state the same fact."""
        return (self.kind.value, *self.identity(fields, model, stage))

    def summary(self, fields: Mapping[str, Any]) -> str:
        """A one-line human summary of the values (``8 x NVIDIA P100 (chip)``)."""
        return self.describe(fields)

    def _type_of(self, key: str) -> FieldType:
        if key not in self.types:
            raise FieldValueError(f"field {key!r} does not belong to kind {self.kind.value!r}")
        return self.types[key]

    def coerce(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Typed values from edited text: numbers become numbers, "" (or ``null``) None, ``true``/``false``
        booleans; verbatim text stays text. Raises :class:`FieldValueError` for a field of another kind."""
        return {key: _coerce_text(self._type_of(key), raw) for key, raw in fields.items()}

    def check(self, fields: Mapping[str, Any], *, extra: bool = False) -> dict[str, Any]:
        """``fields`` checked against their types (None is always allowed); raises :class:`FieldValueError`
        naming the field. With ``extra``, fields the kind does not declare are let through unchecked."""
        for key, value in fields.items():
            if extra and key not in self.types:
                continue
            _check_value(key, self._type_of(key), value)
        return dict(fields)


def _hours(f: Mapping[str, Any]) -> float:
    return round(float(f.get("hours") or 0), 2)


def _parameters(f: Mapping[str, Any]) -> str:
    value = f.get("value")
    return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)


T = FieldType
KINDS: dict[Kind, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            Kind.HARDWARE,
            {"accelerator": T.TEXT, "count": T.COUNT, "unit": T.TEXT},
            identity=lambda f, model, stage: (f.get("accelerator"), f.get("count"), f.get("unit"), stage),
            describe=lambda f: f"{f.get('count')} x {f.get('accelerator')} ({f.get('unit')})",
        ),
        KindSpec(
            Kind.TRAINING_TIME,
            {"hours": T.NON_NEGATIVE, "hours_low": T.NON_NEGATIVE, "hours_high": T.NON_NEGATIVE, "scope": T.TEXT, "approx": T.FLAG},
            identity=lambda f, model, stage: (_hours(f), f.get("scope"), stage),
            describe=lambda f: f"{f.get('hours')} h {f.get('scope')}{' ~' if f.get('approx') else ''}",
        ),
        KindSpec(
            Kind.RESULT,
            {"task": T.TEXT, "dataset": T.TEXT, "split": T.TEXT, "metric": T.TEXT, "value": T.NUMBER, "value_text": T.VERBATIM, "own": T.FLAG},
            identity=lambda f, model, stage: (
                f.get("dataset"),
                f.get("metric"),
                f.get("value"),
                f.get("split") if model else None,
                model,
                bool(f.get("own")),
            ),
            describe=lambda f: f"{f.get('dataset')} {f.get('metric')} {f.get('value')}{'' if f.get('own') else ' (baseline)'}",
            per_model=False,
            headline=True,
        ),
        KindSpec(
            Kind.PARAMETERS,
            {"value": T.NON_NEGATIVE, "value_text": T.VERBATIM},
            identity=lambda f, model, stage: (f.get("value"),),
            describe=_parameters,
        ),
    )
}
"""The registry: every kind's :class:`KindSpec`."""
del T

KIND_FIELDS: dict[str, tuple[str, ...]] = {kind: spec.fields for kind, spec in KINDS.items()}
"""The fields each kind's candidates carry, in display order (``kind_spec(kind).fields``)."""


def kind_spec(kind: str) -> KindSpec:
    """The registry entry of ``kind``; raises :class:`FieldValueError` for a kind that is not one of :class:`Kind`."""
    try:
        return KINDS[Kind(kind)]
    except ValueError:
        raise FieldValueError(f"unknown kind {kind!r}") from None


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
