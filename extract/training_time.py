"""training_time.v1: how long training took, in hours, from a paper's sentences.

Reads "12 hours", "3.5 days", "7-10 days" (range: hours is the midpoint), hedges ("about", "~": approx),
device-time ("GPU-days", "TPU core-hours": scope ``device_hours``) versus wall-clock, and derives hours
from steps x time per step when a sentence gives only that (flagged ``derived_steps_x_time``). Totals
for a whole project and "days" that may be device-days are flagged with lower confidence and given an
alternative reading, never silently merged.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Document, Evidence, Table
from flopsdb.extract.stage import in_table, NUMBER, SentenceSpan, classify_stage, local_stage, hedge_pattern, is_hypothetical, is_project_total, iter_sentences, number_pattern, parse_number, vocab

EXTRACTOR = "training_time.v1"

_PREFILTER = re.compile(r"hour|day|week|month|minute|\d\s*(?:h|hrs?|d)\b|\d\s*(?:s|ms|sec|seconds)\s*(?:per|/)", re.I)
_CONTEXT = re.compile(r"train|took|takes|take\b|taking|converge|pre-?train|fine-?tun|search|run\b|runs\b|ran\b|learn|complete|finish|optimi[sz]|restarts?\b|course\s+of", re.I)
_NOT_TIME = re.compile(r"^\s*(?:of\s+(?:audio|speech|video|footage|data|text|recordings?|youtube)|ago|later|before|old|long\s+(?:videos?|clips?))", re.I)
_PER = re.compile(r"^\s*(?:per|/|each|for\s+each|an?)\s*(?:epoch|iteration|step|batch|mini-?batch|image|sample|example|sentence|query)", re.I)
_DEVICE = r"(?:(?:GPU|TPU[\s\-]*v\d\w*|TPUv\d|TPU|core|chip|accelerator|device|node|machine|V100|P100|A100|H100|K40|K80|CPU)[\s\-]*){1,2}"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    units = r"(?P<unit>hours?|hrs?|h|days?|d|weeks?|months?|minutes?|mins?)(?![A-Za-z])"
    time = re.compile(
        rf"(?:(?P<hedge>{hedge_pattern()})\s*)?(?<![A-Za-z0-9.\-])(?P<n1>{number_pattern()})(?:\s*(?:-|–|—|to|or)\s*(?P<n2>{number_pattern()}))?"
        rf"\s*(?:more|additional|extra|further)?\s*(?P<device>{_DEVICE})?{units}",
        re.I,
    )
    per_step = re.compile(rf"(?P<t>{NUMBER})\s*(?P<u>s|sec|secs|seconds|ms)\s*(?:per|/|a|each|for\s+each)\s*(?:mini-?batch|iteration|step|batch|update)", re.I)
    steps = re.compile(rf"(?P<n>{NUMBER})\s*(?P<mult>[KkM])?\s*(?:training\s+)?(?:iterations|steps|updates)", re.I)
    return time, per_step, steps


def _hours(n: str, unit: str) -> float | None:
    value = parse_number(n)
    if value is None:
        return None
    u = unit.lower()
    factor = vocab()["time_units_hours"].get(u) or vocab()["time_units_hours"].get(u.rstrip("s"))
    return None if factor is None else value * float(factor)


def durations_in(sentence: str) -> list[dict[str, object]]:
    """The training durations one sentence states: dicts with hours fields, span, flags, alternatives, confidence."""
    if not _PREFILTER.search(sentence) or not _CONTEXT.search(sentence):
        return []
    time_re, per_step_re, steps_re = _patterns()
    out: list[dict[str, object]] = []
    total_cue = is_project_total(sentence)
    for m in time_re.finditer(sentence):
        unit = m.group("unit")
        n1 = m.group("n1")
        if unit.lower() in ("h", "d") and not re.match(r"\d", n1):
            continue
        if unit.lower() == "d" and not m.group("device"):
            continue
        if re.fullmatch(r"an?|one|single|a single", n1.strip(), re.I) and unit.lower() in ("h", "d", "hr", "hrs"):
            continue
        after = sentence[m.end() :]
        if _NOT_TIME.match(after) or _PER.match(after):
            continue
        if re.search(r"(?:per|every|each)\s*$", sentence[max(0, m.start() - 12) : m.start()], re.I):
            continue
        if re.search(r"(?:per|each|an?|one|every|single)\s+(?:\w+\s+)?(?:epoch|iteration|step)\w*\s*(?:\w+\s*){0,2}$", sentence[max(0, m.start() - 40) : m.start()], re.I):
            continue
        if unit.lower() in ("h", "hr", "hrs") and not re.search(r"(?:for|takes?|took|in|about|approximately|roughly|around|within|of|and|or|~|∼|≈|\()\s*$", sentence[max(0, m.start() - 16) : m.start()], re.I):
            continue
        low = _hours(n1, unit)
        if low is None or low <= 0:
            continue
        high = _hours(m.group("n2"), unit) if m.group("n2") else low
        if high is None or high < low:
            high = low
        hours = (low + high) / 2
        device = bool(m.group("device")) and not re.fullmatch(r"(?:node|machine)[\s\-]*", m.group("device") or "", re.I)
        flags: list[str] = []
        alternatives: list[dict[str, object]] = []
        conf = 0.8
        scope = "device_hours" if device else "wall_clock"
        if not device and re.search(r"total|cumulative|compute|combined", sentence, re.I) and not re.search(r"\bon\s+(?:\w+\s+){0,2}\d+|\bon\s+(?:a|one|eight|four|two|sixteen)\b", sentence, re.I) and unit.lower().startswith("day"):
            flags.append("days_or_gpu_days")
            alternatives.append({"hours": hours, "hours_low": low, "hours_high": high, "scope": "device_hours", "approx": bool(m.group("hedge"))})
            conf -= 0.25
        if is_hypothetical(sentence):
            flags.append("hypothetical")
            conf -= 0.5
        if total_cue:
            flags.append("project_total")
            conf -= 0.3
        if hours < 0.25:
            conf -= 0.5
        out.append({
            "hours": round(hours, 4), "hours_low": round(low, 4), "hours_high": round(high, 4), "scope": scope,
            "approx": bool(m.group("hedge")) and m.group("hedge").strip().lower() not in ("only",),
            "start": m.start(), "end": m.end(), "flags": flags, "alternatives": alternatives, "confidence": round(max(0.05, conf), 3),
        })
    if not out:
        ps = per_step_re.search(sentence)
        st = None
        for cand in steps_re.finditer(sentence):
            st = cand
        if ps and st:
            secs = float(ps.group("t").replace(",", "")) / (1000.0 if ps.group("u").lower() == "ms" else 1.0)
            n = float(st.group("n").replace(",", "")) * {"k": 1e3, "m": 1e6}.get((st.group("mult") or "").lower(), 1.0)
            hours = round(n * secs / 3600.0, 4)
            if hours > 0:
                out.append({"hours": hours, "hours_low": hours, "hours_high": hours, "scope": "wall_clock", "approx": True,
                            "start": min(ps.start(), st.start()), "end": max(ps.end(), st.end()), "flags": ["derived_steps_x_time"],
                            "alternatives": [], "confidence": 0.4})
    return out


def extract_training_time(doc: Document) -> list[Candidate]:
    """``Document -> list[Candidate]`` of kind ``training_time`` (sentences, then time columns of tables)."""
    out: list[Candidate] = []
    for sent in iter_sentences(doc):
        out.extend(_from_sentence(doc, sent))
    if doc.tables:
        from flopsdb.extract.parameters import own_model_names

        names = own_model_names(doc)
        for table in doc.tables:
            out.extend(table_durations(doc, table, names))
    return out


_TIME_HEADER = re.compile(r"train(?:ing)?\s*(?:time|cost|hours|days)|(?:GPU|TPU|core|device)[\s\-]*(?:hours|days|h)\b|wall[\s\-]*clock|time\s*\((?:h|hours|days|d)\)", re.I)
_CELL = re.compile(rf"^\s*(?:(?P<hedge>{{hedge}})\s*)?(?P<n>{NUMBER})\s*(?P<unit>hours?|hrs?|h|days?|d|weeks?|minutes?|mins?)?\s*$", re.I)


def table_durations(doc: Document, table: Table, names: list[str] | None = None) -> list[Candidate]:
    """Training times from a table column titled like "Train time", "GPU hours" or "Time (days)".

    The unit comes from the cell ("3 hours") or the header ("GPU days"); a GPU/TPU/core header makes the
    scope ``device_hours``. Rows of cited baselines get low confidence (see ``extract.parameters``)."""
    from flopsdb.extract.parameters import row_confidence

    header = table.header
    cols = [i for i, h in enumerate(header) if _TIME_HEADER.search(h) and not re.search(r"infer|test|speed|per\s+(?:epoch|step|iter)", h, re.I)]
    if not cols:
        return []
    cell_re = re.compile(_CELL.pattern.replace("{hedge}", hedge_pattern()), re.I)
    out: list[Candidate] = []
    labels: list[str] = []
    for col in cols:
        title = header[col]
        device = bool(re.search(r"GPU|TPU|core|device|chip", title, re.I))
        unit_of_header = re.search(r"\b(hours?|h|days?|d|weeks?|minutes?|mins?)\b", title, re.I)
        for row in table.body():
            if col >= len(row):
                continue
            m = cell_re.match(row[col].text)
            if not m:
                continue
            unit = m.group("unit") or (unit_of_header.group(1) if unit_of_header else None)
            hours = _hours(m.group("n"), unit) if unit else None
            if not hours:
                continue
            label = " ".join(c.text for c in row if c.text)
            labels.append(label)
            model = next((c.text.strip() for c in row if c.text.strip()), None)
            out.append(Candidate(
                paper=doc.paper, kind="training_time", extractor=EXTRACTOR, evidence=Evidence(table.page, row[col].bbox, f"{title}: {label}"),
                confidence=0.5, fields={"hours": round(hours, 4), "hours_low": round(hours, 4), "hours_high": round(hours, 4),
                                        "scope": "device_hours" if device else "wall_clock", "approx": bool(m.group("hedge"))},
                model=model, stage=classify_stage(title + " " + (table.caption.text if table.caption else "")), flags=("table",),
            ))
    mentioned = [n for n in (names or []) if any(n.lower() in lab.lower() for lab in labels)]
    return [replace(c, confidence=row_confidence(lab, mentioned), stage="training" if c.stage == "inference" else c.stage) for c, lab in zip(out, labels)]


def _from_sentence(doc: Document, sent: SentenceSpan) -> list[Candidate]:
    found = durations_in(sent.text)
    if not found:
        return []
    found = [x for x in found if not in_table(doc, sent.start + int(x["start"]), sent.start + int(x["end"]))]  # type: ignore[arg-type]
    sentence_stage = classify_stage(sent.text, sent.section)
    cands = []
    for d in found:
        stage = local_stage(sent.text, int(d["start"]), int(d["end"]), sentence_stage)  # type: ignore[arg-type]
        conf = float(d["confidence"]) - (0.3 if stage == "inference" else 0.0)  # type: ignore[arg-type]
        fields = {k: d[k] for k in ("hours", "hours_low", "hours_high", "scope", "approx")}
        cands.append(Candidate(
            paper=doc.paper, kind="training_time", extractor=EXTRACTOR, evidence=doc.evidence(sent.start, sent.end),
            confidence=round(max(0.05, conf), 3), fields=fields, model=None, stage=stage,
            alternatives=tuple(d["alternatives"]), flags=tuple(d["flags"]),  # type: ignore[arg-type]
        ))
    return cands
