"""Export and import of reviewed candidates: ``annotations/`` gold JSONL, Label Studio JSON, Prodigy JSONL.

A :class:`ReviewRecord` is a candidate, its PDF path and its verdicts in force. Every format keeps
the candidate (fields as proposed, evidence page, box, span, snippet, extractor) and each verdict
(annotator, action, kept values, event id, time), so export -> import -> export is lossless.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from flopsdb.curation.crop import locate_quote
from flopsdb.curation.model import Event, highlight_span, make_after, new_event_id, utcnow
from flopsdb.curation.projection import in_force
from flopsdb.extract.candidate import KIND_FIELDS, Candidate
from flopsdb.extract.document import Box, Evidence
from flopsdb.core.errors import CurationError

__all__ = [
    "FORMATS", "ReviewRecord", "collect_records",
    "to_annotations", "from_annotations", "to_label_studio", "from_label_studio", "to_prodigy", "from_prodigy",
    "write_export", "read_import",
]

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
        "event_id": e.event_id, "annotator": e.annotator, "action": e.action,
        "after": json.loads(e.after) if e.after else None, "dwell_ms": e.dwell_ms,
        "extractor": e.extractor, "source": e.source, "created_at": e.created_at.isoformat(),
    }


def _event_from(cid: str, data: Mapping[str, Any]) -> Event:
    after = data.get("after")
    return Event(
        event_id=str(data.get("event_id") or new_event_id()), candidate_id=cid, annotator=str(data["annotator"]),
        action=str(data["action"]), after=json.dumps(after, sort_keys=True, default=str) if after else None,
        dwell_ms=data.get("dwell_ms"), extractor=data.get("extractor"), source="import",
        created_at=datetime.fromisoformat(data["created_at"]) if data.get("created_at") else utcnow(),
    )


def to_annotations(records: Iterable[ReviewRecord]) -> list[dict[str, Any]]:
    """Gold-format lines (``annotations/GUIDELINES.md``): one per verdict in force, the kept values as
    the line's fields; plus ``candidate`` (the proposal and its evidence) and ``event`` (the verdict)."""
    lines = []
    for r in records:
        c = r.candidate
        for e in r.events:
            kept = json.loads(e.after) if e.after else {"fields": dict(c.fields), "model": c.model, "stage": c.stage}
            line: dict[str, Any] = {"paper": c.paper, "kind": c.kind, "model": kept.get("model"), "stage": kept.get("stage"),
                                    "page": c.evidence.page, "quote": c.evidence.snippet}
            line.update({k: kept.get("fields", {}).get(k) for k in KIND_FIELDS[c.kind]})
            line.update({"bbox": c.evidence.bbox.as_list(), "verdict": e.action, "annotator": e.annotator,
                         "candidate": _candidate_json(r), "event": _event_json(e)})
            lines.append(line)
    return lines


def from_annotations(lines: Iterable[Mapping[str, Any]], *, pdf_dir: str | Path | None = None,
                     annotator: str = "gold", with_verdicts: bool = True) -> list[ReviewRecord]:
    """Records from gold lines. Lines written by :func:`to_annotations` restore their candidate and
    event exactly; plain gold lines become a candidate of extractor ``gold`` (confidence 1.0, box found
    by searching the quote on its page in ``pdf_dir/<paper>.pdf``) accepted by ``annotator``."""
    records: dict[str, ReviewRecord] = {}
    for n, line in enumerate(lines, 1):
        try:
            if "candidate" in line:
                cand, path = _candidate_from(line["candidate"])
                event = _event_from(cand.candidate_id, line["event"]) if with_verdicts and line.get("event") else None
            else:
                cand, path = _gold_candidate(line, pdf_dir)
                event = Event(new_event_id(), cand.candidate_id, annotator, "accept",
                              after=make_after(cand.fields, cand.model, cand.stage), source="import") if with_verdicts else None
        except (KeyError, TypeError, ValueError) as exc:
            raise CurationError(f"line {n}: bad gold record ({exc})", paper=line.get("paper")) from None
        rec = records.setdefault(cand.candidate_id, ReviewRecord(cand, path))
        if event is not None:
            rec.events.append(event)
    return list(records.values())


def _gold_candidate(line: Mapping[str, Any], pdf_dir: str | Path | None) -> tuple[Candidate, str | None]:
    kind = str(line["kind"])
    if kind not in KIND_FIELDS:
        raise ValueError(f"unknown kind {kind!r}")
    page = int(line["page"])
    quote = " ".join(str(line.get("quote", "")).split())
    path = Path(pdf_dir) / f"{line['paper']}.pdf" if pdf_dir else None
    box, flags = None, ()
    if line.get("bbox"):
        box = Box.of(line["bbox"])
    elif path is not None and path.is_file():
        box = locate_quote(path, page, quote)
    if box is None:
        box, flags = Box(0, 0, 0, 0), ("unlocated",)
    fields = {k: line.get(k) for k in KIND_FIELDS[kind] if k in line}
    cand = Candidate(paper=str(line["paper"]), kind=kind, extractor=str(line.get("extractor", "gold")),
                     evidence=Evidence(page, box, quote), confidence=float(line.get("confidence", 1.0)),
                     fields=fields, model=line.get("model"), stage=line.get("stage"), flags=flags)
    return cand, str(path) if path is not None and path.is_file() else None


def _ls_results(action: str, after: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    results = [{"from_name": "verdict", "to_name": "snippet", "type": "choices", "value": {"choices": [action]}}]
    if after is not None:
        results.append({"from_name": "fields", "to_name": "snippet", "type": "textarea",
                        "value": {"text": [json.dumps(after, sort_keys=True)]}})
    return results


def to_label_studio(records: Iterable[ReviewRecord]) -> list[dict[str, Any]]:
    """Label Studio tasks: ``data`` holds the candidate, ``predictions`` the extractor's proposal
    (pre-filled, with its score), ``annotations`` one per verdict (choices ``verdict`` + textarea ``fields``)."""
    tasks = []
    for n, r in enumerate(records, 1):
        c = r.candidate
        proposed = {"fields": dict(c.fields), "model": c.model, "stage": c.stage}
        anns = []
        for e in r.events:
            anns.append({"completed_by": e.annotator, "created_at": e.created_at.isoformat(),
                         "lead_time": (e.dwell_ms or 0) / 1000, "result": _ls_results(e.action, json.loads(e.after) if e.after else None),
                         "meta": {"event_id": e.event_id, "extractor": e.extractor, "source": e.source}})
        tasks.append({"id": n, "data": {**_candidate_json(r), "snippet": c.evidence.snippet},
                      "predictions": [{"model_version": c.extractor, "score": c.confidence, "result": _ls_results("accept", proposed)}],
                      "annotations": anns})
    return tasks


def from_label_studio(tasks: Iterable[Mapping[str, Any]]) -> list[ReviewRecord]:
    """Inverse of :func:`to_label_studio`."""
    out = []
    for task in tasks:
        cand, path = _candidate_from(task["data"])
        rec = ReviewRecord(cand, path)
        for ann in task.get("annotations") or []:
            action, after = None, None
            for res in ann.get("result", []):
                if res.get("from_name") == "verdict":
                    action = res["value"]["choices"][0]
                elif res.get("from_name") == "fields":
                    after = json.loads(res["value"]["text"][0])
            if action is None:
                raise CurationError("Label Studio annotation without a verdict choice", paper=cand.paper)
            meta = ann.get("meta") or {}
            rec.events.append(_event_from(cand.candidate_id, {
                "event_id": meta.get("event_id"), "annotator": ann.get("completed_by") or "labelstudio", "action": action,
                "after": after, "dwell_ms": int(round(float(ann.get("lead_time") or 0) * 1000)),
                "extractor": meta.get("extractor"), "created_at": ann.get("created_at")}))
        out.append(rec)
    return out


def _hash(value: Any) -> int:
    digest = hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def to_prodigy(records: Iterable[ReviewRecord]) -> list[dict[str, Any]]:
    """Prodigy JSONL: one task per verdict (``answer`` accept/reject/ignore, ``_annotator_id``), or one
    unanswered task per unreviewed candidate; the value highlighted as a span of ``text``."""
    lines = []
    for r in records:
        c = r.candidate
        base = {"text": c.evidence.snippet, "meta": {"paper": c.paper, "page": c.evidence.page, "kind": c.kind,
                                                      "score": c.confidence, "extractor": c.extractor},
                "candidate": _candidate_json(r)}
        lo, hi = highlight_span(c.evidence.snippet, c.fields)
        if hi > lo:
            base["spans"] = [{"start": lo, "end": hi, "label": c.kind.upper()}]
        base["_input_hash"] = _hash(c.evidence.snippet)
        base["_task_hash"] = _hash(c.candidate_id)
        if not r.events:
            lines.append(base)
        for e in r.events:
            lines.append({**base, "answer": _PRODIGY_ANSWER[e.action], "_annotator_id": e.annotator,
                          "flopsdb_event": _event_json(e)})
    return lines


def from_prodigy(lines: Iterable[Mapping[str, Any]]) -> list[ReviewRecord]:
    """Inverse of :func:`to_prodigy`; plain Prodigy answers map accept/reject/ignore to accept/reject/unsure."""
    records: dict[str, ReviewRecord] = {}
    for n, line in enumerate(lines, 1):
        if "candidate" not in line:
            raise CurationError(f"line {n}: Prodigy task without the flopsdb candidate (export it with flopsdb first)")
        cand, path = _candidate_from(line["candidate"])
        rec = records.setdefault(cand.candidate_id, ReviewRecord(cand, path))
        if "answer" not in line:
            continue
        ev = line.get("flopsdb_event") or {
            "annotator": line.get("_annotator_id") or "prodigy",
            "action": {"accept": "accept", "reject": "reject", "ignore": "unsure"}[line["answer"]],
            "after": {"fields": dict(cand.fields), "model": cand.model, "stage": cand.stage} if line["answer"] == "accept" else None,
        }
        rec.events.append(_event_from(cand.candidate_id, ev))
    return list(records.values())


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            if raw.strip():
                try:
                    yield json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise CurationError(f"{path}:{n}: not JSON ({exc.msg})") from None


def write_export(records: Sequence[ReviewRecord], fmt: str, out: str | Path) -> list[Path]:
    """Write records in ``fmt``: ``annotations`` -> one ``<paper>.jsonl`` per paper in folder ``out``;
    ``labelstudio`` -> one JSON file; ``prodigy`` -> one JSONL file. Returns the files written."""
    out = Path(out)
    if fmt == "annotations":
        out.mkdir(parents=True, exist_ok=True)
        per: dict[str, list[dict[str, Any]]] = {}
        for line in to_annotations(records):
            per.setdefault(line["paper"], []).append(line)
        paths = []
        for paper, lines in sorted(per.items()):
            p = out / f"{paper}.jsonl"
            p.write_text("".join(json.dumps(l, ensure_ascii=False, default=str) + "\n" for l in lines), encoding="utf-8")
            paths.append(p)
        return paths
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "labelstudio":
        out.write_text(json.dumps(to_label_studio(records), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    elif fmt == "prodigy":
        out.write_text("".join(json.dumps(l, ensure_ascii=False, default=str) + "\n" for l in to_prodigy(records)), encoding="utf-8")
    else:
        raise CurationError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return [out]


def read_import(fmt: str, src: str | Path, *, pdf_dir: str | Path | None = None, annotator: str = "gold",
                with_verdicts: bool = True) -> list[ReviewRecord]:
    """Read records in ``fmt`` from a file (or, for ``annotations``, a folder of ``*.jsonl``)."""
    src = Path(src)
    if not src.exists():
        raise CurationError(f"not found: {src}")
    if fmt == "annotations":
        files = sorted(src.glob("*.jsonl")) if src.is_dir() else [src]
        return from_annotations((l for f in files for l in _jsonl(f)), pdf_dir=pdf_dir, annotator=annotator,
                                with_verdicts=with_verdicts)
    if fmt == "labelstudio":
        try:
            tasks = json.loads(src.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CurationError(f"{src}: not JSON ({exc.msg})") from None
        return from_label_studio(tasks)
    if fmt == "prodigy":
        return from_prodigy(_jsonl(src))
    raise CurationError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
