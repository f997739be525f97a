"""Review by record: a paper's candidates grouped into the model records a reviewer judges one screen at a time.

:func:`record_units` groups the facts of one paper by their model link, with the rules of
``scaling.records`` (docs/records.md, "Which facts belong to which model"), applied to each fact's current
version (an annotator's kept model wins over the extractor's, and a fact whose model a reviewer changed is
linked to that model alone):

- a model's own facts, its headline results first; shared facts (scope ``all_models``, a paper's only hardware
  statement without a model) on every record; facts of scope ``main_model`` or without a model on the main
  record (the only model, else the one model with headline results);
- a record is a *headline* record when it has a headline result, else an *ablation* record (collapsed on the
  screen, reachable);
- results the paper copies from others (``own: false``) go to the ``~baselines`` unit, facts linked to no model
  to ``~unlinked`` (both collapsed).

Pure functions over :class:`RecordFact` rows; the store reads them and the web page and terminal draw them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flopsdb.core.errors import CurationError
from flopsdb.core.ids import model_key
from flopsdb.curation.model import Event, Item, check_fields, coerce_fields, make_after, new_event_id
from flopsdb.extract.candidate import Candidate

BASELINES = "~baselines"
UNLINKED = "~unlinked"
PER_MODEL_KINDS: tuple[str, ...] = ("hardware", "training_time", "parameters")
FACT_STATES: tuple[str, ...] = ("open", "mine", "held", "done", "rejected")
"""``open``: leased to me or free; ``mine``: I decided it; ``held``: leased to someone else and not mine to judge;
``done``: decided by others (curated), ``rejected``: the decided outcome is a rejection."""


@dataclass(frozen=True)
class RecordFact:
    """One candidate of a paper as the record screen sees it: the item, its current version and its state."""

    item: Item
    state: str = "open"
    model: str | None = None
    fields: Mapping[str, Any] | None = None
    leased: bool = False

    @property
    def candidate_id(self) -> str:
        """The candidate's id."""
        return self.item.candidate_id

    @property
    def current_fields(self) -> Mapping[str, Any]:
        """The kept fields when decided, else the proposed ones."""
        return self.fields if self.fields is not None else self.item.candidate.fields

    @property
    def current_model(self) -> str | None:
        """The kept model when decided, else the proposed one."""
        return self.model if self.fields is not None else self.item.candidate.model

    @property
    def key(self) -> str | None:
        """The model key of the current version."""
        if self.current_model:
            return model_key(str(self.current_model))
        return self.item.candidate.model_key or None

    @property
    def scope(self) -> str | None:
        """The model link's scope; ``model`` when a reviewer changed the model name."""
        c = self.item.candidate
        if self.fields is not None and (self.model or None) != (c.model or None) and self.model:
            return "model"
        return c.scope

    @property
    def own(self) -> bool:
        """False for a result the paper copies from others (``own: false``)."""
        return self.item.candidate.kind != "result" or self.current_fields.get("own") is not False


@dataclass
class RecordUnit:
    """One screen: a model record of a paper (or the paper's baselines or unlinked facts)."""

    paper: str
    key: str
    names: list[str] = field(default_factory=list)
    headline: bool = False
    facts: list[tuple[RecordFact, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The name the model is printed under (the first one), or what the unit holds."""
        if self.key == BASELINES:
            return "results of other papers' models (baselines)"
        if self.key == UNLINKED:
            return "facts linked to no model"
        return self.names[0] if self.names else self.key

    @property
    def section(self) -> str:
        """``headline``, ``ablation``, ``baselines`` or ``unlinked``: how the screen shows it."""
        if self.key in (BASELINES, UNLINKED):
            return self.key.lstrip("~")
        return "headline" if self.headline else "ablation"

    def open_ids(self, kind: str | None = None) -> list[str]:
        """The candidates still to judge on this screen (optionally only one kind's)."""
        return [f.candidate_id for f, _ in self.facts if f.state == "open" and (kind is None or f.item.candidate.kind == kind)]


def record_units(paper: str, facts: Sequence[RecordFact]) -> list[RecordUnit]:
    """The review units of one paper: headline records, ablation records, then baselines and unlinked facts."""
    records: dict[str, RecordUnit] = {}
    for f in facts:
        c = f.item.candidate
        if f.key and f.scope != "all_models" and f.own and f.state != "rejected":
            unit = records.setdefault(f.key, RecordUnit(paper, f.key))
            if f.current_model and f.current_model not in unit.names:
                unit.names.append(str(f.current_model))
    for f in facts:
        if f.item.candidate.kind == "result" and f.key in records and f.own and f.item.candidate.headline:
            records[f.key].headline = True
    baselines, unlinked = RecordUnit(paper, BASELINES), RecordUnit(paper, UNLINKED)
    headliners = [k for k, u in records.items() if u.headline]
    main = next(iter(records)) if len(records) == 1 else (headliners[0] if len(headliners) == 1 else None)
    loose_hw = [f for f in facts if f.item.candidate.kind == "hardware" and not f.key and f.scope != "main_model"]
    for f in facts:
        c = f.item.candidate
        scope = "all_models" if len(loose_hw) == 1 and f is loose_hw[0] else f.scope
        if c.kind == "result":
            if not f.own:
                baselines.facts.append((f, "baseline"))
            elif f.key in records:
                records[f.key].facts.append((f, "own"))
            else:
                unlinked.facts.append((f, "unlinked"))
        elif scope == "all_models" and records:
            for unit in records.values():
                unit.facts.append((f, "shared"))
        elif f.key in records and scope != "main_model":
            records[f.key].facts.append((f, "own"))
        elif main is not None:
            records[main].facts.append((f, "main"))
        else:
            unlinked.facts.append((f, "unlinked"))
    order = {"result": 0, "hardware": 1, "training_time": 2, "parameters": 3}
    for unit in records.values():
        unit.facts.sort(
            key=lambda fr: (
                order.get(fr[0].item.candidate.kind, 9),
                not (fr[0].item.candidate.headline and fr[0].item.candidate.kind == "result"),
                fr[0].item.candidate.evidence.page,
                fr[0].candidate_id,
            )
        )
    units = sorted(records.values(), key=lambda u: (not u.headline, u.key != main, u.key))
    return units + [u for u in (baselines, unlinked) if u.facts]


def find_unit(
    units: Sequence[RecordUnit], key: str | None = None, candidate_id: str | None = None, kind: str | None = None, held: bool = False
) -> RecordUnit | None:
    """The unit with ``key``; else the first unit holding ``candidate_id`` as its own (not shared) fact, else as
    any fact; else (``held``) the first unit with an open fact leased to the annotator, else the first unit with
    open facts (of ``kind``)."""
    if key is not None:
        return next((u for u in units if u.key == key), None)
    if held:
        for u in units:
            if any(f.state == "open" and f.leased and (kind is None or f.item.candidate.kind == kind) for f, _ in u.facts):
                return u
    if candidate_id is not None:
        for roles in (("own", "main", "baseline", "unlinked"), ("shared",)):
            for u in units:
                if any(f.candidate_id == candidate_id and role in roles for f, role in u.facts):
                    return u
    return next((u for u in units if u.open_ids(kind)), None)


def fact_rows(unit: RecordUnit) -> list[dict[str, Any]]:
    """The unit's kept or proposed facts (rejected ones left out) in the shape ``scaling.records.build_records``
    reads, so the wiring can show the record's compute estimate."""
    out = []
    for f, role in unit.facts:
        if f.state == "rejected" or role == "baseline":
            continue
        c = f.item.candidate
        scope = "all_models" if role == "shared" else ("main_model" if role == "main" else "model")
        out.append(
            {
                "fact_id": f.candidate_id,
                "paper": c.paper,
                "kind": c.kind,
                "model": (unit.names[0] if unit.names else None) if role in ("shared", "main") else f.current_model,
                "model_key": unit.key if role != "unlinked" else None,
                "scope": scope,
                "headline": bool(c.headline),
                "fields": dict(f.current_fields),
            }
        )
    return out


def unit_json(
    unit: RecordUnit, units: Sequence[RecordUnit], *, why: str = "", estimate: Mapping[str, Any] | None = None, title: str | None = None
) -> dict[str, Any]:
    """What the record screen receives: the unit's facts (each an item with its state and role), the paper's other
    records to move a fact to (a list to pick from), the collapsed units, and the compute estimate."""
    facts = []
    for f, role in unit.facts:
        data = f.item.to_json()
        data.pop("others", None)
        data.update(
            state=f.state,
            role=role,
            leased=f.leased,
            current_model=f.current_model,
            current_fields={k: f.current_fields.get(k) for k in data["fields"]},
            headline=bool(f.item.candidate.headline),
        )
        facts.append(data)
    c0 = unit.facts[0][0].item if unit.facts else None
    return {
        "paper": unit.paper,
        "key": unit.key,
        "name": unit.name,
        "names": list(unit.names),
        "section": unit.section,
        "title": title or (c0.title if c0 else None),
        "arxiv_url": c0.to_json()["arxiv_url"] if c0 else None,
        "why": why,
        "facts": facts,
        "models": [{"key": u.key, "name": u.name, "section": u.section} for u in units if u.key not in (BASELINES, UNLINKED) and u.key != unit.key],
        "units": [{"key": u.key, "name": u.name, "section": u.section, "facts": len(u.facts), "open": len(u.open_ids())} for u in units],
        "estimate": dict(estimate or {}),
    }


RECORD_ACTIONS: tuple[str, ...] = ("accept", "fix", "move", "not_paper", "reject")
"""What a record screen does to one fact: keep it, keep it with corrected fields, link it to another model of the
paper, mark it not the paper's (a result becomes ``own: false``, any other fact is rejected), reject it."""


def move_target(units: Sequence[RecordUnit], fact: RecordFact, to_key: str | None) -> RecordUnit:
    """The record a fact may move to: a model record of the same paper other than the fact's own (else
    :class:`CurationError` naming ``to_key``)."""
    target = next((u for u in units if u.key == to_key), None) if to_key else None
    if target is None or target.key in (BASELINES, UNLINKED):
        raise CurationError(f"to_key: {str(to_key)[:80]!r} is not a model of this paper; pick one from the record's list")
    if target.key == fact.key and fact.scope == "model":
        raise CurationError(f"to_key: the fact already belongs to {target.name}")
    return target


def fact_verdict(
    fact: RecordFact,
    action: str,
    annotator: str,
    *,
    fields: Mapping[str, Any] | None = None,
    target: RecordUnit | None = None,
    event_id: str | None = None,
    dwell_ms: int | None = None,
    source: str = "web",
) -> Callable[[Candidate], Event]:
    """The verdict event of one record-screen action on ``fact`` (built from the stored candidate):

    ``accept`` keeps the proposal; ``fix`` keeps the current version with ``fields`` corrected (typed and checked
    like extracted values); ``move`` keeps it with the model of ``target`` (see :func:`move_target`);
    ``not_paper`` keeps a result as ``own: false`` and rejects any other kind; ``reject`` rejects it. A
    correction that keeps the proposal is an accept."""
    if action not in RECORD_ACTIONS:
        raise CurationError(f"unknown record action {action!r}; choose one of {', '.join(RECORD_ACTIONS)}")
    if action == "move" and target is None:
        raise CurationError("move needs the record to move the fact to")

    def make(c: Candidate) -> Event:
        kept, model, verdict = dict(fact.current_fields), fact.current_model, "correct"
        if action == "accept":
            kept, model, verdict = dict(c.fields), c.model, "accept"
        elif action == "fix":
            kept = {**kept, **check_fields(c.kind, coerce_fields(c.kind, dict(fields or {})))}
        elif action == "move":
            model = target.name  # type: ignore[union-attr]
        elif action == "not_paper" and c.kind == "result":
            kept = {**kept, "own": False}
        else:
            verdict = "reject"
        after = None if verdict == "reject" else make_after(kept, model, c.stage)
        if verdict == "correct" and after == make_after(c.fields, c.model, c.stage):
            verdict = "accept"
        # the stored id, not one recomputed from the rebuilt candidate (a value read back from DuckDB may print
        # differently, e.g. 28000000 as 28000000.0, and so hash differently)
        return Event(
            event_id or new_event_id(), fact.candidate_id, annotator, verdict, after=after, dwell_ms=dwell_ms, extractor=c.extractor, source=source
        )

    return make


def record_accept_verdicts(
    unit: RecordUnit, candidate_ids: Sequence[str], annotator: str, *, event_id: str | None = None, dwell_ms: int | None = None, source: str = "web"
) -> list[tuple[str, Callable[[Candidate], Event]]]:
    """One accept per listed fact of ``unit`` (event ids ``<event_id>.<n>``, the record's dwell split evenly), for
    ``ReviewStore.decide_many``; a listed id that is not a fact of the unit raises :class:`CurationError` naming
    its position."""
    members = {f.candidate_id for f, _ in unit.facts}
    for n, cid in enumerate(candidate_ids):
        if cid not in members:
            raise CurationError(f"candidate_ids.{n}: {cid[:64]!r} is not a fact of record {unit.key[:80]!r}")
    ids = list(dict.fromkeys(candidate_ids))
    base = event_id or new_event_id()
    dwell = None if dwell_ms is None or not ids else dwell_ms // len(ids)
    by_id = {f.candidate_id: f for f, _ in unit.facts}
    return [(cid, fact_verdict(by_id[cid], "accept", annotator, event_id=f"{base}.{n}", dwell_ms=dwell, source=source)) for n, cid in enumerate(ids)]
