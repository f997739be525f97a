"""Export and import of reviewed candidates: ``annotations/`` gold JSONL, Label Studio JSON, Prodigy JSONL.

A :class:`ReviewRecord` is a candidate, its PDF path and its verdicts in force. Every format keeps
the candidate (fields as proposed, evidence page, box, span, snippet, extractor) and each verdict
(annotator, action, kept values, event id, time), so export -> import -> export is lossless.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image

from flopsdb.core.errors import CurationError, PDFError
from flopsdb.core.kinds import KEEP_ACTIONS, KIND_FIELDS, VERDICT_ACTIONS, Action
from flopsdb.curation.crop import locate_quote, render_page
from flopsdb.curation.model import Event, coerce_fields, highlight_span, make_after, new_event_id, utcnow
from flopsdb.curation.projection import in_force
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence

FORMATS: tuple[str, ...] = ("annotations", "labelstudio", "prodigy")
_PRODIGY_ANSWER = {"accept": "accept", "correct": "accept", "adjudicate": "accept", "reject": "reject", "unsure": "ignore"}


@dataclass
class ReviewRecord:
    """A candidate with its PDF path and its verdict events in force (oldest first)."""

    candidate: Candidate
    pdf_path: str | None = None
    events: list[Event] = field(default_factory=list)


def collect_records(candidates: Sequence[tuple[Candidate, str | None]], events: Sequence[Event]) -> list[ReviewRecord]:
    """Join candidates with their events in force (undone verdicts and undo events left out)."""
    by_cid: dict[str, list[Event]] = {}
    for e in in_force(events):
        by_cid.setdefault(e.candidate_id, []).append(e)
    return [ReviewRecord(c, path, by_cid.get(c.candidate_id, [])) for c, path in candidates]


def _candidate_json(record: ReviewRecord) -> dict[str, Any]:
    """The candidate with its fields nested under ``fields``: a kind's field may share a name with a
    candidate attribute (``training_time.scope`` vs the model link's ``scope``), so they never mix."""
    c = record.candidate
    data = {k: v for k, v in c.to_json().items() if k not in c.fields}
    data.update(scope=c.scope, fields=dict(c.fields))
    if record.pdf_path:
        data["pdf_path"] = record.pdf_path
    return data


def _candidate_from(data: Mapping[str, Any]) -> tuple[Candidate, str | None]:
    data = dict(data)
    fields = data.pop("fields", None)
    pdf_path = data.pop("pdf_path", None)
    data.pop("id", None)
    try:
        if fields is None:
            return Candidate.from_json(data), pdf_path
        for name in KIND_FIELDS.get(str(data.get("kind")), ()):
            data.pop(name, None)
        cand = Candidate.from_json({k: v for k, v in data.items() if k not in fields})
        return replace(cand, fields=dict(fields), scope=data.get("scope")), pdf_path
    except (KeyError, ValueError, TypeError) as exc:
        raise CurationError(f"bad candidate record: {exc}", paper=data.get("paper")) from None


def _event_json(e: Event) -> dict[str, Any]:
    return {
        "event_id": e.event_id,
        "annotator": e.annotator,
        "action": e.action,
        "after": json.loads(e.after) if e.after else None,
        "dwell_ms": e.dwell_ms,
        "extractor": e.extractor,
        "source": e.source,
        "created_at": e.created_at.isoformat(),
    }


def _event_from(cid: str, data: Mapping[str, Any]) -> Event:
    after = data.get("after")
    return Event(
        event_id=str(data.get("event_id") or new_event_id()),
        candidate_id=cid,
        annotator=str(data["annotator"]),
        action=str(data["action"]),
        after=json.dumps(after, sort_keys=True, default=str) if after else None,
        dwell_ms=data.get("dwell_ms"),
        extractor=data.get("extractor"),
        source="import",
        created_at=datetime.fromisoformat(data["created_at"]) if data.get("created_at") else utcnow(),
    )


def to_annotations(records: Iterable[ReviewRecord]) -> list[dict[str, Any]]:
    """Gold-format lines (``annotations/GUIDELINES.md``): one per verdict in force, the kept values as
    the line's fields; plus ``candidate`` (the proposal and its evidence) and ``event`` (the verdict)."""
    lines = []
    for r in records:
        c = r.candidate
        for e in r.events:
            kept: dict[str, Any] = json.loads(e.after) if e.after else _proposed(c)
            line: dict[str, Any] = {
                "paper": c.paper,
                "kind": c.kind,
                "model": kept.get("model"),
                "stage": kept.get("stage"),
                "page": c.evidence.page,
                "quote": c.evidence.snippet,
            }
            line.update({k: kept.get("fields", {}).get(k) for k in KIND_FIELDS[c.kind]})
            line.update(
                {
                    "bbox": c.evidence.bbox.as_list(),
                    "verdict": e.action,
                    "annotator": e.annotator,
                    "candidate": _candidate_json(r),
                    "event": _event_json(e),
                }
            )
            lines.append(line)
    return lines


def from_annotations(
    lines: Iterable[Mapping[str, Any] | tuple[str, Any]],
    *,
    pdf_dir: str | Path | None = None,
    annotator: str = "gold",
    with_verdicts: bool = True,
    problems: list[str] | None = None,
) -> list[ReviewRecord]:
    """Records from gold lines. Lines written by :func:`to_annotations` restore their candidate and
    event exactly; plain gold lines become a candidate of extractor ``gold`` (confidence 1.0, box found
    by searching the quote on its page in ``pdf_dir/<paper>.pdf``) accepted by ``annotator``.

    A line may come as ``(label, line)`` (``file:line``, as :func:`read_import` gives them); a line that cannot be
    read (not a JSON object, an unknown kind, a missing or bad field) goes to ``problems`` with its label and the
    reason and is left out, the rest imported; without ``problems`` the first one raises CurationError."""
    records: dict[str, ReviewRecord] = {}
    for n, item in enumerate(lines, 1):
        label, line = item if isinstance(item, tuple) else (f"line {n}", item)
        if isinstance(line, _BadLine):
            _problem(problems, f"{label}: not JSON ({line.reason})")
            continue
        if not isinstance(line, Mapping):
            _problem(problems, f"{label}: not a JSON object")
            continue
        try:
            if "candidate" in line:
                cand, path = _candidate_from(line["candidate"])
                event = _event_from(cand.candidate_id, line["event"]) if with_verdicts and line.get("event") else None
            else:
                cand, path = _gold_candidate(line, pdf_dir)
                after = make_after(cand.fields, cand.model, cand.stage)
                # the id is the verdict's content: importing the same gold again adds no verdict
                eid = "gold-" + hashlib.sha256(f"{annotator}\x00{cand.candidate_id}\x00{after}".encode()).hexdigest()[:30]
                event = Event(eid, cand.candidate_id, annotator, Action.ACCEPT, after=after, source="import") if with_verdicts else None
        except (KeyError, TypeError, ValueError) as exc:
            why = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            _problem(problems, f"{label}: bad gold record ({why})")
            continue
        rec = records.setdefault(cand.candidate_id, ReviewRecord(cand, path))
        if event is not None:
            rec.events.append(event)
    return list(records.values())


def _gold_scope(line: Mapping[str, Any]) -> str | None:
    """The model link of a plain gold line: ``model`` null on hardware, a training time or parameters means the
    paper states it for all its models (annotations/GUIDELINES.md), ``all_models``; else None (linked by name)."""
    return "all_models" if line.get("model") is None and line.get("kind") != "result" else None


def _gold_candidate(line: Mapping[str, Any], pdf_dir: str | Path | None) -> tuple[Candidate, str | None]:
    kind = str(line["kind"])
    if kind not in KIND_FIELDS:
        raise ValueError(f"unknown kind {kind!r}")
    page = int(line["page"])
    quote = " ".join(str(line.get("quote", "")).split())
    path = Path(pdf_dir) / f"{line['paper']}.pdf" if pdf_dir else None
    if path is not None and not path.resolve().is_relative_to(Path(pdf_dir).resolve()):  # type: ignore[arg-type]
        raise ValueError(f"paper {str(line['paper'])[:80]!r} names a file outside the PDF folder")
    box: Box | None = None
    flags: tuple[str, ...] = ()
    if line.get("bbox"):
        box = Box.of(line["bbox"])
    elif path is not None and path.is_file():
        box = locate_quote(path, page, quote)
    if box is None:
        box, flags = Box(0, 0, 0, 0), ("unlocated",)
    fields = {k: line.get(k) for k in KIND_FIELDS[kind] if k in line}
    cand = Candidate(
        paper=str(line["paper"]),
        kind=kind,
        extractor=str(line.get("extractor", "gold")),
        evidence=Evidence(page, box, quote),
        confidence=float(line.get("confidence", 1.0)),
        fields=fields,
        model=line.get("model"),
        stage=line.get("stage"),
        flags=flags,
        model_key=line.get("model_key"),
        scope=line.get("model_scope") or _gold_scope(line),
        headline=line.get("headline") is True,
        headline_reason=line.get("headline_reason"),
    )
    return cand, str(path) if path is not None and path.is_file() else None


LABEL_CONFIG = Path(__file__).resolve().parent / "labelstudio" / "config.xml"
LS_TEXT_FIELDS: tuple[str, ...] = ("model", "stage", *dict.fromkeys(f for fs in KIND_FIELDS.values() for f in fs))
_LS_SCALE = 1.5


def _text(value: Any) -> str:
    """A value as an annotator reads and edits it in a text box."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _proposed(c: Candidate) -> dict[str, Any]:
    """The proposal as kept values (what accepting it on the web page keeps, see ``make_after``)."""
    return {"fields": dict(c.fields), "model": c.model, "stage": c.stage}


class _PageImages:
    """Page images for Label Studio tasks as data URIs, rendered once per PDF page; a blank page
    (with no evidence region) where the PDF is missing."""

    def __init__(self) -> None:
        self._done: dict[tuple[str, int], tuple[str, float, float] | None] = {}

    def get(self, pdf_path: str | None, page: int) -> tuple[str, float, float] | None:
        if not pdf_path:
            return None
        key = (pdf_path, page)
        if key not in self._done:
            try:
                data, width, height = render_page(pdf_path, page, scale=_LS_SCALE)
                self._done[key] = ("data:image/jpeg;base64," + base64.b64encode(data).decode("ascii"), width, height)
            except PDFError:
                self._done[key] = None
        return self._done[key]


def _blank_page() -> str:
    buf = io.BytesIO()
    Image.new("L", (306, 396), 255).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _ls_region(box: Box, width: float, height: float) -> dict[str, Any]:
    """The evidence box as a Label Studio rectangle region (percent of the page image)."""
    return {
        "id": "evidence",
        "from_name": "evidence",
        "to_name": "page",
        "type": "rectanglelabels",
        "original_width": round(width * _LS_SCALE),
        "original_height": round(height * _LS_SCALE),
        "image_rotation": 0,
        "value": {
            "x": 100 * box.x0 / width,
            "y": 100 * box.top / height,
            "width": 100 * (box.x1 - box.x0) / width,
            "height": 100 * (box.bottom - box.top) / height,
            "rotation": 0,
            "rectanglelabels": ["evidence"],
        },
    }


def _ls_results(kind: str, action: str, kept: Mapping[str, Any] | None, region: dict[str, Any] | None) -> list[dict[str, Any]]:
    """An annotation's results: the evidence region, the ``verdict`` choice and one text box per kept value."""
    results = [region] if region else []
    results.append({"id": "verdict", "from_name": "verdict", "to_name": "page", "type": "choices", "value": {"choices": [action]}})
    if kept is not None:
        values = {"model": kept.get("model"), "stage": kept.get("stage"), **{k: (kept.get("fields") or {}).get(k) for k in KIND_FIELDS[kind]}}
        results.extend(
            {"id": f"text-{name}", "from_name": name, "to_name": "page", "type": "textarea", "value": {"text": [_text(value)]}}
            for name, value in values.items()
            if _text(value)
        )
    return results


def to_label_studio(records: Iterable[ReviewRecord], *, users: Mapping[str, int] | None = None) -> list[dict[str, Any]]:
    """Label Studio tasks for the labeling config ``curation/labelstudio/config.xml``: ``data`` holds the
    page image (a data URI), the snippet, the proposal and, under ``flopsdb``, the candidate and its verdicts;
    ``predictions`` the extractor's proposal (evidence region, ``accept``, fields; pre-filled, with its score);
    ``annotations`` one per verdict. ``completed_by`` is the Label Studio user id from ``users`` (flopsdb name
    -> id); annotators without one are left out, so Label Studio credits the user who imports the file."""
    users = users or {}
    pages = _PageImages()
    blank = _blank_page()
    tasks = []
    for n, r in enumerate(records, 1):
        c = r.candidate
        page = pages.get(r.pdf_path, c.evidence.page)
        box = c.evidence.bbox
        region = _ls_region(box, page[1], page[2]) if page and box.x1 > box.x0 and box.bottom > box.top else None
        proposed = _proposed(c)
        anns = []
        for e in r.events:
            ann: dict[str, Any] = {
                "created_at": e.created_at.isoformat(),
                "lead_time": (e.dwell_ms or 0) / 1000,
                "result": _ls_results(c.kind, e.action, json.loads(e.after) if e.after else None, region),
            }
            if e.annotator in users:
                ann["completed_by"] = int(users[e.annotator])
            anns.append(ann)
        shown = "; ".join(f"{k}: {_text(v) or '-'}" for k, v in [("model", c.model), ("stage", c.stage), *proposed["fields"].items()])
        data = {
            "image": page[0] if page else blank,
            "paper": c.paper,
            "page": c.evidence.page,
            "kind": c.kind,
            "extractor": c.extractor,
            "confidence": round(c.confidence, 3),
            "snippet": c.evidence.snippet,
            "proposed": f"proposed: {shown}",
            "candidate_id": c.candidate_id,
            "flopsdb": {"candidate": _candidate_json(r), "events": [_event_json(e) for e in r.events]},
        }
        tasks.append(
            {
                "id": n,
                "data": data,
                "annotations": anns,
                "predictions": [
                    {"model_version": c.extractor, "score": c.confidence, "result": _ls_results(c.kind, Action.ACCEPT, proposed, region)}
                ],
            }
        )
    return tasks


def _ls_kept(c: Candidate, results: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The values kept in an annotation's text boxes, typed as the candidate's (None when it has no text box)."""
    texts = {str(res.get("from_name")): "\n".join(res.get("value", {}).get("text") or []) for res in results if res.get("type") == "textarea"}
    if not texts:
        return None
    if set(texts) == {"fields"}:  # written by flopsdb before the labeling config: the kept values as JSON
        return dict(json.loads(texts["fields"]))
    stray = sorted(set(texts) - {"model", "stage", *KIND_FIELDS[c.kind]})
    if stray:
        raise CurationError(f"fields {', '.join(stray)} do not belong to kind {c.kind!r}", paper=c.paper)
    fields = dict(c.fields)
    for name in KIND_FIELDS[c.kind]:
        text, old = texts.get(name, "").strip(), c.fields.get(name)
        if text != _text(old):
            fields[name] = coerce_fields(c.kind, {name: text})[name]
    return {"fields": fields, "model": texts.get("model", "").strip() or None, "stage": texts.get("stage", "").strip() or None}


def _ls_user(completed_by: Any, names: Mapping[int, str]) -> str:
    """The annotator of ``completed_by``: a user id (named by ``names``), a user object, or (older exports) a name."""
    if isinstance(completed_by, Mapping):
        uid = completed_by.get("id")
        return str(completed_by.get("email") or (names.get(uid) if isinstance(uid, int) else None) or f"labelstudio:{uid}")
    if isinstance(completed_by, int):
        return names.get(completed_by, f"labelstudio:{completed_by}")
    return str(completed_by or "labelstudio")


def _ls_event(c: Candidate, ann: Mapping[str, Any], known: list[dict[str, Any]], names: Mapping[int, str]) -> Event:
    """The event of one Label Studio annotation: the flopsdb verdict it came from when the annotator, verdict and
    kept values are unchanged, else a new ``import`` event whose id is made from the annotation (so re-importing
    adds nothing)."""
    results = ann.get("result") or []
    choices = [ch for res in results if res.get("from_name") == "verdict" for ch in (res.get("value") or {}).get("choices") or []]
    after: dict[str, Any] | None = None
    if ann.get("was_cancelled"):
        action = Action.UNSURE
    elif not choices:
        raise CurationError("no verdict chosen", paper=c.paper)
    elif choices[0] not in (*VERDICT_ACTIONS, Action.ADJUDICATE):
        raise CurationError(f"unknown verdict {choices[0]!r}", paper=c.paper)
    else:
        action = Action(choices[0])
        if action not in (Action.REJECT, Action.UNSURE):
            after = _ls_kept(c, results)
        if action == Action.CORRECT and after is None:
            raise CurationError("correct without the kept values", paper=c.paper)
        if action in KEEP_ACTIONS:
            after = after or _proposed(c)
            action = Action.ACCEPT if make_after(**after) == make_after(**_proposed(c)) else Action.CORRECT
    who = ann.get("completed_by")
    for old in known:
        same = old["action"] == action and (old.get("after") and make_after(**old["after"])) == (after and make_after(**after))
        if same and (not isinstance(who, int) or who not in names or names[who] == old["annotator"]):
            known.remove(old)
            return _event_from(c.candidate_id, old)
    if action == Action.ADJUDICATE:
        raise CurationError("an adjudication not made in flopsdb (adjudicate on its /adjudicate page)", paper=c.paper)
    made = ann.get("updated_at") or ann.get("created_at")
    key = json.dumps([c.candidate_id, ann.get("id"), made, results, who], sort_keys=True, default=str)
    return _event_from(
        c.candidate_id,
        {
            "event_id": (ann.get("meta") or {}).get("event_id") or "ls-" + hashlib.sha256(key.encode()).hexdigest()[:30],
            "annotator": _ls_user(who, names),
            "action": action,
            "after": after,
            "dwell_ms": int(round(float(ann.get("lead_time") or 0) * 1000)),
            "extractor": c.extractor,
            "created_at": _utc(made),
        },
    )


def from_label_studio(
    tasks: Iterable[Mapping[str, Any]], *, users: Mapping[str, int] | None = None, problems: list[str] | None = None
) -> list[ReviewRecord]:
    """Records from Label Studio's JSON export of tasks made by :func:`to_label_studio`. A task or annotation
    that cannot be read (no flopsdb candidate, no verdict chosen, a correction without values, ...) is named
    in ``problems`` and left out, the rest imported; without ``problems`` the first one raises CurationError."""
    names = {int(v): k for k, v in (users or {}).items()}
    out = []
    for n, task in enumerate(tasks, 1):
        label = f"task {task.get('id', n)}" if isinstance(task, Mapping) else f"task #{n}"
        try:
            data = task.get("data") or {}
            saved: Mapping[str, Any] = data["flopsdb"] if isinstance(data.get("flopsdb"), Mapping) else data
            found = saved.get("candidate", saved)
            if not isinstance(found, Mapping) or "kind" not in found or "paper" not in found:
                raise CurationError("no flopsdb candidate in its data (export it with flopsdb first)")
            cand, path = _candidate_from(found)
            label += f" ({cand.paper} p.{cand.evidence.page} {cand.kind})"
        except (CurationError, AttributeError, TypeError) as exc:
            _problem(problems, f"{label}: {exc}")
            continue
        known = [dict(e) for e in saved.get("events") or []]
        rec = ReviewRecord(cand, path)
        for k, ann in enumerate(task.get("annotations") or [], 1):
            try:
                rec.events.append(_ls_event(cand, ann, known, names))
            except (CurationError, KeyError, TypeError, ValueError) as exc:
                _problem(problems, f"{label}, annotation {ann.get('id', k) if isinstance(ann, Mapping) else k}: {exc}")
        out.append(rec)
    return out


def _problem(problems: list[str] | None, message: str) -> None:
    if problems is None:
        raise CurationError(message)
    problems.append(message)


def _utc(value: Any) -> str | None:
    """An ISO time as naive UTC (Label Studio writes ``...Z``)."""
    if not value:
        return None
    t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return (t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t).isoformat()


def _hash(value: Any) -> int:
    digest = hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def to_prodigy(records: Iterable[ReviewRecord]) -> list[dict[str, Any]]:
    """Prodigy JSONL in the ``choice`` convention: the verdicts as ``options``; one task per verdict with
    Prodigy's ``answer`` (accept/reject/ignore), the verdict itself as the selected option (``accept``:
    ``["correct"]`` for a correction), ``kept`` (the kept values) and ``_annotator_id``; one unanswered task
    per unreviewed candidate. The value is highlighted as a span of ``text``."""
    lines = []
    for r in records:
        c = r.candidate
        base: dict[str, Any] = {
            "text": c.evidence.snippet,
            "meta": {"paper": c.paper, "page": c.evidence.page, "kind": c.kind, "score": c.confidence, "extractor": c.extractor},
            "options": [{"id": a, "text": a} for a in _PRODIGY_ANSWER],
            "candidate": _candidate_json(r),
        }
        base["_input_hash"] = _hash(c.evidence.snippet)
        base["_task_hash"] = _hash(c.candidate_id)
        if not r.events:
            lines.append({**base, **_prodigy_spans(c.evidence.snippet, c.kind, c.fields)})
        for e in r.events:
            kept = json.loads(e.after) if e.after else None
            lines.append(
                {
                    **base,
                    **_prodigy_spans(c.evidence.snippet, c.kind, (kept or {}).get("fields") or c.fields),
                    "answer": _PRODIGY_ANSWER[e.action],
                    "accept": [e.action],
                    "kept": kept,
                    "_annotator_id": e.annotator,
                    "flopsdb_event": _event_json(e),
                }
            )
    return lines


def _prodigy_spans(text: str, kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    lo, hi = highlight_span(text, fields)
    return {"spans": [{"start": lo, "end": hi, "label": kind.upper()}]} if hi > lo else {}


def from_prodigy(lines: Iterable[Mapping[str, Any]]) -> list[ReviewRecord]:
    """Inverse of :func:`to_prodigy`. Lines answered in Prodigy take the verdict from the selected option
    (``accept``) and the kept values from ``kept``; without them ``answer`` accept/reject/ignore maps to
    accept (the proposal kept), reject and unsure."""
    records: dict[str, ReviewRecord] = {}
    for n, line in enumerate(lines, 1):
        if "candidate" not in line:
            raise CurationError(f"line {n}: Prodigy task without the flopsdb candidate (export it with flopsdb first)")
        cand, path = _candidate_from(line["candidate"])
        rec = records.setdefault(cand.candidate_id, ReviewRecord(cand, path))
        if "answer" not in line:
            continue
        if line["answer"] not in ("accept", "reject", "ignore"):
            raise CurationError(f"line {n}: unknown Prodigy answer {line['answer']!r}", paper=cand.paper)
        chosen = [a for a in line.get("accept") or [] if a in _PRODIGY_ANSWER]
        action = chosen[0] if chosen and line["answer"] == "accept" else {"accept": "accept", "reject": "reject", "ignore": "unsure"}[line["answer"]]
        kept = line.get("kept") if action in (*KEEP_ACTIONS, Action.ADJUDICATE) else None
        if action in KEEP_ACTIONS:
            kept = kept or _proposed(cand)
            action = Action.ACCEPT if make_after(**kept) == make_after(**_proposed(cand)) else Action.CORRECT
        ev = dict(line.get("flopsdb_event") or {})
        if (ev.get("action"), ev.get("after")) != (action, kept):
            who = str(line.get("_annotator_id") or ev.get("annotator") or "prodigy")
            key = json.dumps([cand.candidate_id, who, action, kept, line.get("_session_id")], sort_keys=True, default=str)
            ev = {
                "event_id": "pg-" + hashlib.sha256(key.encode()).hexdigest()[:30],
                "annotator": who,
                "action": action,
                "after": kept,
                "extractor": cand.extractor,
            }
        rec.events.append(_event_from(cand.candidate_id, ev))
    return list(records.values())


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    for label, row in _labelled_jsonl(path):
        if isinstance(row, _BadLine):
            raise CurationError(f"{label}: not JSON ({row.reason})")
        yield row


@dataclass(frozen=True)
class _BadLine:
    """A JSONL line that is not JSON, and why."""

    reason: str


def _labelled_jsonl(path: Path) -> Iterator[tuple[str, Any]]:
    """``(file:line, parsed line)`` for every non-blank line of ``path``; a line that is not JSON is a :class:`_BadLine`."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        for n, raw in enumerate(fh, 1):
            if raw.strip():
                try:
                    yield f"{path}:{n}", json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield f"{path}:{n}", _BadLine(exc.msg)


def write_export(records: Sequence[ReviewRecord], fmt: str, out: str | Path, *, users: Mapping[str, int] | None = None) -> list[Path]:
    """Write records in ``fmt``: ``annotations`` -> one ``<paper>.jsonl`` per paper in folder ``out``;
    ``labelstudio`` -> one JSON file (``users``: Label Studio user ids by annotator); ``prodigy`` -> one
    JSONL file. Returns the files written."""
    out = Path(out)
    if fmt == "annotations":
        out.mkdir(parents=True, exist_ok=True)
        per: dict[str, list[dict[str, Any]]] = {}
        for line in to_annotations(records):
            per.setdefault(line["paper"], []).append(line)
        paths = []
        for paper, lines in sorted(per.items()):
            p = out / f"{paper}.jsonl"
            p.write_text("".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in lines), encoding="utf-8")
            paths.append(p)
        return paths
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "labelstudio":
        out.write_text(json.dumps(to_label_studio(records, users=users), ensure_ascii=False, default=str), encoding="utf-8")
    elif fmt == "prodigy":
        out.write_text("".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in to_prodigy(records)), encoding="utf-8")
    else:
        raise CurationError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return [out]


def read_import(
    fmt: str,
    src: str | Path,
    *,
    pdf_dir: str | Path | None = None,
    annotator: str = "gold",
    with_verdicts: bool = True,
    users: Mapping[str, int] | None = None,
    problems: list[str] | None = None,
) -> list[ReviewRecord]:
    """Read records in ``fmt`` from a file (or, for ``annotations``, a folder of ``*.jsonl``). For
    ``labelstudio``, ``users`` maps annotators to Label Studio user ids and bad tasks go to ``problems``
    (see :func:`from_label_studio`)."""
    src = Path(src)
    if not src.exists():
        raise CurationError(f"not found: {src}")
    if fmt == "annotations":
        files = sorted(src.glob("*.jsonl")) if src.is_dir() else [src]
        rows = (row for f in files for row in _labelled_jsonl(f))
        return from_annotations(rows, pdf_dir=pdf_dir, annotator=annotator, with_verdicts=with_verdicts, problems=problems)
    if fmt == "labelstudio":
        try:
            tasks = json.loads(src.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CurationError(f"{src}: not JSON ({exc.msg})") from None
        if not isinstance(tasks, list):
            raise CurationError(f"{src}: not a Label Studio JSON export (a list of tasks)")
        return from_label_studio(tasks, users=users, problems=problems)
    if fmt == "prodigy":
        return from_prodigy(_jsonl(src))
    raise CurationError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
