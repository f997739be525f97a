"""The Candidate: one extracted fact with its evidence, waiting for a person to confirm it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flopsdb.core.ids import model_key as normalise_model
from flopsdb.core.kinds import Kind, KindSpec, Stage, kind_spec
from flopsdb.extract.document import Evidence

KINDS: tuple[str, ...] = tuple(Kind)
STAGES: tuple[str, ...] = tuple(Stage)


@dataclass(frozen=True)
class Candidate:
    """A fact an extractor proposes.

    ``fields`` holds the kind's fields (``KIND_FIELDS``); ``alternatives`` other readings an
    annotator can pick with keys 1-9 (each a dict of fields); ``flags`` warnings such as
    ``days_or_gpu_days`` or ``project_total``.

    The model link: ``model`` is the paper's name for the model as printed, ``model_key`` its normalised key
    (shared by all facts of one model; derived from ``model`` when not given) and ``scope`` how the link was made
    (``model``: named with the fact; ``main_model``: the paper's main model; ``all_models``: the paper states it
    for all its models). ``headline`` says whether a result is one of the paper's headline results (the headline
    policy in annotations/GUIDELINES.md) and ``headline_reason`` why (``abstract``, ``main_table``, ...).
    """

    paper: str
    kind: str
    extractor: str
    evidence: Evidence
    confidence: float
    fields: Mapping[str, Any]
    model: str | None = None
    stage: str | None = None
    alternatives: tuple[Mapping[str, Any], ...] = ()
    flags: tuple[str, ...] = ()
    model_key: str | None = None
    scope: str | None = None
    headline: bool = False
    headline_reason: str | None = None

    def __post_init__(self) -> None:
        if self.model_key is None and self.model is not None:
            object.__setattr__(self, "model_key", normalise_model(self.model))
        self.spec.check(self.fields, extra=True)
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence out of range: {self.confidence}")

    @property
    def spec(self) -> KindSpec:
        """The registry entry of the candidate's kind (``flopsdb.core.kinds``); a ``ValueError`` for an unknown kind."""
        return kind_spec(self.kind)

    @property
    def fact_key(self) -> tuple[object, ...]:
        """What makes two candidates the same fact (values, not places): the kind's key over fields, model and stage."""
        return self.spec.key(self.fields, self.model, self.stage)

    @property
    def summary(self) -> str:
        """A one-line summary of the values for display (``8 x NVIDIA P100 (chip)``)."""
        return self.spec.summary(self.fields)

    @property
    def candidate_id(self) -> str:
        """A stable id: the same fact at the same place from the same extractor gets the same id.

        A whole-number coordinate enters as an integer, so ``Box(0, 0, 0, 0)`` (an unlocated gold quote) and the
        ``Box(0.0, 0.0, 0.0, 0.0)`` read back from the store's DOUBLE columns give one id, the id such candidates
        always had."""
        key = json.dumps(
            [
                self.paper,
                self.kind,
                self.extractor,
                self.model,
                self.stage,
                dict(self.fields),
                self.evidence.page,
                self.evidence.start,
                [int(v) if float(v).is_integer() else float(v) for v in self.evidence.bbox.as_list()],
            ],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(key.encode()).hexdigest()[:20]

    def to_json(self) -> dict[str, Any]:
        """The flat output contract of ``flopsdb extract --format jsonl``."""
        out: dict[str, Any] = {
            "id": self.candidate_id,
            "paper": self.paper,
            "kind": self.kind,
            "model": self.model,
            "model_key": self.model_key,
            "model_scope": self.scope,
            "stage": self.stage,
            "page": self.evidence.page,
            "bbox": self.evidence.bbox.as_list(),
            "snippet": self.evidence.snippet,
            "span": [self.evidence.start, self.evidence.end] if self.evidence.start is not None else None,
            "confidence": round(self.confidence, 4),
            "extractor": self.extractor,
        }
        spec = self.spec
        for name in spec.fields:
            out[name] = self.fields.get(name)
        for name, value in self.fields.items():
            out.setdefault(name, value)
        if spec.headline:
            out["headline"] = self.headline
            out["headline_reason"] = self.headline_reason
        if self.alternatives:
            out["alternatives"] = [dict(a) for a in self.alternatives]
        if self.flags:
            out["flags"] = list(self.flags)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Candidate:
        """Inverse of :meth:`to_json`."""
        reserved = {
            "id",
            "paper",
            "kind",
            "model",
            "model_key",
            "model_scope",
            "stage",
            "page",
            "bbox",
            "snippet",
            "span",
            "confidence",
            "extractor",
            "alternatives",
            "flags",
            "headline",
            "headline_reason",
        }
        fields = {k: v for k, v in data.items() if k not in reserved}
        span = data.get("span") or [None, None]
        evidence = Evidence.from_json({"page": data["page"], "bbox": data["bbox"], "snippet": data.get("snippet", ""), "span": span})
        return cls(
            paper=str(data["paper"]),
            kind=str(data["kind"]),
            extractor=str(data["extractor"]),
            evidence=evidence,
            confidence=float(data.get("confidence", 0.5)),
            fields=fields,
            model=data.get("model"),
            stage=data.get("stage"),
            alternatives=tuple(data.get("alternatives") or ()),
            flags=tuple(data.get("flags") or ()),
            model_key=data.get("model_key"),
            scope=data.get("model_scope"),
            headline=bool(data.get("headline", False)),
            headline_reason=data.get("headline_reason"),
        )
