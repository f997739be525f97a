"""Values of the review stage: users, events (verdicts), queue items, curated facts.

A candidate moves ``proposed -> leased -> accepted | corrected | rejected | unsure -> (adjudicated)
-> curated``. Every verdict is an append-only :class:`Event`; curated facts are a projection of the
events (the ``curated_facts`` view), so undo is one more event.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flopsdb.core.errors import CurationError, FieldValueError
from flopsdb.core.ids import unversioned
from flopsdb.core.kinds import KEEP_ACTIONS, KIND_FIELDS, MAX_TEXT, Action, kind_spec
from flopsdb.extract.candidate import STAGES, Candidate

ROLES: tuple[str, ...] = ("annotator", "reviewer", "admin")
ACTIONS: tuple[Action, ...] = tuple(Action)
OUTCOMES: tuple[str, ...] = ("keep", "reject")
STATES: tuple[str, ...] = ("proposed", "leased", "accepted", "corrected", "rejected", "unsure", "disputed", "adjudicated", "curated")


def utcnow() -> datetime:
    """Naive UTC now (DuckDB TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_event_id() -> str:
    """A fresh event id (clients may make their own, which makes re-sent verdicts idempotent)."""
    return uuid.uuid4().hex


def role_allows(role: str, needed: str) -> bool:
    """Whether ``role`` is at least ``needed`` (annotator < reviewer < admin)."""
    if role not in ROLES or needed not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True)
class User:
    """A local account."""

    name: str
    role: str


@dataclass(frozen=True)
class Session:
    """A signed-in browser: its user and the CSRF token every state-changing request must carry."""

    token: str
    user: User
    csrf: str
    expires_at: datetime


def coerce_fields(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values for a kind's fields from edited text (``KindSpec.coerce``): numbers become numbers, "" becomes
    None, ``true``/``false`` become booleans. Unknown kinds and keys are rejected with :class:`CurationError`."""
    try:
        return kind_spec(kind).coerce(fields)
    except FieldValueError as exc:
        raise CurationError(str(exc)) from None


def check_fields(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` (after :func:`coerce_fields`) checked the way extracted values are (``KindSpec.check``): numbers
    finite (``count`` a whole number of at least 1, hours and parameter counts not negative), flags
    booleans, text at most 300 characters. Raises :class:`CurationError` naming the field."""
    try:
        return kind_spec(kind).check(fields)
    except FieldValueError as exc:
        raise CurationError(str(exc)) from None


def check_version(model: str | None, stage: str | None) -> tuple[str | None, str | None]:
    """A corrected model name and stage: the model at most 300 characters, the stage one of ``STAGES``."""
    if model is not None and (not isinstance(model, str) or len(model) > MAX_TEXT):
        raise CurationError(f"model must be text of at most {MAX_TEXT} characters")
    if stage is not None and stage not in STAGES:
        raise CurationError(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}")
    return model or None, stage or None


def make_after(fields: Mapping[str, Any], model: str | None, stage: str | None) -> str:
    """The canonical JSON of a kept version: ``{"fields", "model", "stage"}`` with sorted keys, so
    two annotators who kept the same values produce the same text."""
    return json.dumps({"fields": dict(fields), "model": model, "stage": stage}, sort_keys=True, default=str)


def outcome_of(action: str) -> str | None:
    """``keep`` for accept/correct, ``reject`` for reject, None for unsure and undo."""
    return {Action.ACCEPT: "keep", Action.CORRECT: "keep", Action.REJECT: "reject"}.get(action)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Event:
    """One verdict (or undo, or adjudication): append-only.

    ``after`` is the kept version (:func:`make_after`) for accept/correct/adjudicate-keep, else None;
    ``before`` the candidate's proposed version; ``undoes`` the event an undo cancels; ``revises`` the
    poster's own earlier verdict that an explicit revision replaces.
    """

    event_id: str
    candidate_id: str
    annotator: str
    action: str
    after: str | None = None
    before: str | None = None
    undoes: str | None = None
    revises: str | None = None
    dwell_ms: int | None = None
    extractor: str | None = None
    source: str = "web"
    created_at: datetime = field(default_factory=utcnow)

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise CurationError(f"unknown action {self.action!r}")
        if self.action in KEEP_ACTIONS and self.after is None:
            raise CurationError(f"{self.action} needs the kept values")

    @property
    def outcome(self) -> str | None:
        """``keep``, ``reject`` or None (see :func:`outcome_of`); adjudications keep when ``after`` is set."""
        if self.action == Action.ADJUDICATE:
            return "keep" if self.after is not None else "reject"
        return outcome_of(self.action)


@dataclass(frozen=True)
class Item:
    """A queue item as the reviewer sees it: the candidate, why it is next, and its context."""

    candidate_id: str
    candidate: Candidate
    why: str
    title: str | None = None
    pdf_path: str | None = None
    others: tuple[Mapping[str, Any], ...] = ()
    lease_expires_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """What the web page receives (all text is escaped by the page with ``textContent``)."""
        c = self.candidate
        ev = c.evidence
        snippet = ev.snippet or ""
        lo, hi = highlight_span(snippet, c.fields)
        return {
            "candidate_id": self.candidate_id,
            "paper": c.paper,
            "arxiv_url": arxiv_url(c.paper),
            "title": self.title,
            "kind": c.kind,
            "model": c.model,
            "stage": c.stage,
            "fields": {k: c.fields.get(k) for k in KIND_FIELDS[c.kind]},
            "alternatives": [dict(a) for a in c.alternatives][:9],
            "flags": list(c.flags),
            "confidence": round(c.confidence, 3),
            "extractor": c.extractor,
            "page": ev.page,
            "bbox": ev.bbox.as_list(),
            "snippet": [snippet[:lo], snippet[lo:hi], snippet[hi:]],
            "why": self.why,
            "others": [dict(o) for o in self.others],
            "crop": f"/crop/{self.candidate_id}.png" if self.pdf_path else None,
        }


def arxiv_url(paper: str) -> str | None:
    """The abstract page of an arXiv id, None for papers without one."""
    head = unversioned(paper) if paper[:4].isdigit() else ""
    return f"https://arxiv.org/abs/{paper}" if head.replace(".", "").isdigit() and "." in head else None


def highlight_span(snippet: str, fields: Mapping[str, Any]) -> tuple[int, int]:
    """The character span of the snippet to highlight: the first field value found in it."""
    keys = ("value_text", "hours", "count", "value", "accelerator", "metric", "dataset")
    for key in keys:
        value = fields.get(key)
        if value is None or isinstance(value, bool):
            continue
        texts = [str(value)]
        if isinstance(value, float) and value.is_integer():
            texts.append(str(int(value)))
        for text in texts:
            at = snippet.lower().find(text.lower())
            if at >= 0 and text:
                return at, at + len(text)
    return 0, 0


@dataclass(frozen=True)
class CuratedFact:
    """One row of ``curated_facts``: a confirmed or corrected value, traced to its event and box."""

    fact_id: str
    candidate_id: str
    paper: str
    kind: str
    model: str | None
    stage: str | None
    fields: Mapping[str, Any]
    verdict: str
    event_id: str
    annotator: str
    decided_at: datetime
    page: int
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class Disagreement:
    """A candidate whose raters kept different versions: each version with who said it."""

    candidate_id: str
    candidate: Candidate
    versions: tuple[Mapping[str, Any], ...]
    title: str | None = None
    pdf_path: str | None = None


@dataclass(frozen=True)
class Rating:
    """One rater's latest judgement of one candidate (``outcome`` keep or reject, ``after`` if kept).

    The extractor is a rater too: its rating is the proposed version, outcome ``keep``."""

    candidate_id: str
    kind: str
    rater: str
    outcome: str
    after: Mapping[str, Any] | None
