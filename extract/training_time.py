"""training_time.v6: how long training took, in hours, from a paper's sentences and tables, linked to its model.

v6 (patterns in ``extract/data/training_time.v6.json``): a model card's "Hours used: 200000" (the ML CO2 impact
template) is device hours; the first duration of "reduced from 15 hours to 5 hours" is what it was before, not a
total (flag ``former``); "a couple of hours" gives no figure (flag ``vague``); "10,000 hours of synthetic data" is
data, not time.

v4 (patterns in ``extract/data/training_time.v5.json``): a duration in a clause that is another work's
(:func:`~flopsdb.extract.models.statement_owner`: "Unlike [7], which trains for 2 weeks, our model ...") is a
baseline's even when the sentence also speaks of the paper's own model; a task run over an evaluation split
("translation of the test set takes 2 hours") is not training; "the experiments in this paper took 3 months" is a
project total; "1 epoch" is a unit like "one epoch".

Reads "12 hours", "3.5 days", "7-10 days" (range: hours is the midpoint), hedges ("about", "~": approx),
device-time ("GPU-days", "TPU core-hours": scope ``device_hours``) versus wall-clock, and derives hours
from steps x time per step when a sentence gives only that (flagged ``derived_steps_x_time``). Totals
for a whole project and "days" that may be device-days are flagged with lower confidence and given an
alternative reading, never silently merged.

v2 (patterns in ``extract/data/training_time.v2.json``):

- times given per model in a table (a "Train time (h)" or "TPUv3-core-days" column, or a row so titled with one
  column per model) are read cell by cell and linked to their row's (or column's) model;
- every candidate is linked to a model (:func:`flopsdb.extract.models.link_statement`): the own model named in or
  shortly before the sentence, ``scope`` ``all_models`` for a statement made once for all the paper's models, else
  the paper's main model; ``fields["model_confidence"]`` says how sure the link is. (In the JSONL the link's scope
  is ``model_scope``; the ``scope`` field of a training time stays ``wall_clock`` / ``device_hours``.)
- data-processing, indexing, annotation and evaluation times (flag ``not_training``), project totals and rates
  ("900,000 a week") are kept for review below the facts' confidence, and quoted model samples are skipped.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from flopsdb.core.ids import model_key
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Cell, Document, Evidence, ModelName, Table
from flopsdb.extract.models import link_model, link_statement, linked_candidate, main_model, statement_owner, variant_mention
from flopsdb.extract.stage import (
    NUMBER,
    SentenceSpan,
    classify_stage,
    hedge_pattern,
    in_table,
    is_hypothetical,
    is_project_total,
    iter_sentences,
    local_stage,
    number_pattern,
    parse_number,
    vocab,
)

EXTRACTOR = "training_time.v6"
PATTERNS = "training_time.v6"
"""The data file of the extractor's patterns (``extract/data/<PATTERNS>.json``)."""
"""The extractor's versioned name; its patterns are ``extract/data/<EXTRACTOR>.json``."""

_PREFILTER = re.compile(r"hour|day|week|month|minute|year|\d\s*(?:h|hrs?|d|mins?|seconds?|secs?)\b|\d\s*(?:s|ms|sec|seconds)\s*(?:per|/)", re.I)


@lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    """The data file ``extract/data/<PATTERNS>.json`` with its regexes compiled (key -> ``re.Pattern``)."""
    data = json.loads((Path(__file__).parent / "data" / f"{PATTERNS}.json").read_text(encoding="utf-8"))
    return {k: (re.compile(v, re.I) if isinstance(v, str) and not k.startswith("_") else v) for k, v in data.items()}


_CLAUSE_CUT = re.compile(r"(?<!\d),|,(?!\d{3}\b)|[;:()]|\b(?:and|but|while|whereas|which|after|before|then|compared|than)\b", re.I)


def clause_around(sentence: str, start: int, end: int) -> str:
    """The clause holding ``sentence[start:end]``: from the previous to the next comma, semicolon, "and", "while", ..."""
    cuts = [m for m in _CLAUSE_CUT.finditer(sentence)]
    lo = max([m.end() for m in cuts if m.end() <= start] + [0])
    hi = min([m.start() for m in cuts if m.start() >= end] + [len(sentence)])
    return sentence[lo:hi]


def not_training(sentence: str, start: int, end: int) -> bool:
    """Whether the duration at ``sentence[start:end]`` is a data-processing, indexing or evaluation time.

    The clause around the duration decides, joined to the sentence's head when the clause names no action of its own
    ("Computing dense embeddings on 21M passages ..., taking roughly 8.8 hours")."""
    p = patterns()
    clause = clause_around(sentence, start, end)
    if p["statistic"].search(sentence[:end]):
        return True  # "50% (p50) of ML training experiments take up to 1.5 GPU days": a distribution over many runs
    if p["train_cue"].search(clause):
        return False
    if p["not_training"].search(clause):
        return True
    if not p["participle_clause"].match(clause):
        return False
    head = sentence[:start]
    return bool(p["not_training"].search(head) and not p["train_cue"].search(head))


_PLAIN_CLAUSE = re.compile(r"[,;()]")
_TOTAL_WORDS = re.compile(r"\btotal|\bin\s+all\b|\boverall\b|\bwhole\b|\bentire\b", re.I)


def per_unit(sentence: str, start: int, end: int) -> bool:
    """Whether the duration at ``sentence[start:end]`` is a time per epoch, iteration or step without a total: its
    clause (between commas, semicolons and parentheses) speaks of one such unit ("training for one epoch on ImageNet
    takes 3 hours"), or it follows "N epochs, each of which"."""
    p = patterns()
    lo = max([m.end() for m in _PLAIN_CLAUSE.finditer(sentence, 0, start)] or [0])
    hi = min([m.start() for m in _PLAIN_CLAUSE.finditer(sentence, end)] or [len(sentence)])
    clause = sentence[lo:hi]
    if p["per_unit"].search(clause) and not _TOTAL_WORDS.search(clause):
        return True
    return bool(p["per_unit_which"].search(sentence[:start]))


_NOT_TIME = re.compile(
    r"^\s*(?:of\s+(?:[\w\-]+\s+){0,2}?(?:audio|speech|video|footage|data|text|recordings?|youtube|gameplay)\b|ago|later|before|old|long\s+(?:videos?|clips?))",
    re.I,
)
_PER = re.compile(
    r"^\s*(?:per|/|each|for\s+each|an?)\s*(?:[\d,.]+\s*[kKM]?\s+)?(?:epoch|iteration|step|batch|mini-?batch|image|sample|example|sentence|query)",
    re.I,
)
_DEVICE = r"(?:(?:GPU|TPU[\s\-]*v\d\w*|TPUv\d|TPU|core|chip|accelerator|device|node|machine|V100|P100|A100|H100|K40|K80|CPU)[\s\-]*){1,2}"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    units = r"(?P<unit>hours?|hrs?|h|days?|d|weeks?|months?|minutes?|mins?|seconds?|secs?|years?)(?![A-Za-z])"
    time = re.compile(
        rf"(?:(?P<hedge>{hedge_pattern()})\s*)?(?<![A-Za-z0-9.\-])(?P<n1>{number_pattern()})(?:\s*(?:-|–|—|to|or)\s*(?P<n2>{number_pattern()}))?"
        rf"\s*(?:more|additional|extra|further|full|whole|straight|consecutive)?\s*(?:wall[\s\-]*(?:clock|time)\s*)?(?P<device>{_DEVICE})?{units}",
        re.I,
    )
    per_step = re.compile(
        rf"(?P<t>{NUMBER})\s*(?P<u>s|sec|secs|seconds|ms)\s*(?:per|/|a|each|for\s+each)\s*(?:mini-?batch|iteration|step|batch|update)", re.I
    )
    steps = re.compile(rf"(?P<n>{NUMBER})\s*(?P<mult>[KkM])?\s*(?:training\s+)?(?:iterations|steps|updates)", re.I)
    return time, per_step, steps


def _hours(n: str, unit: str) -> float | None:
    value = parse_number(n)
    if value is None:
        return None
    u = unit.lower()
    units = {**vocab()["time_units_hours"], **patterns()["device_units"]}
    factor = units.get(u) or units.get(u.rstrip("s"))
    return None if factor is None else value * float(factor)


def _compounds(sentence: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Join "2 days and 6 hours" (a larger unit then a smaller one, same scope, no range) into one duration."""
    out: list[dict[str, Any]] = []
    for d in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev["scope"] == d["scope"]
            and prev["hours_low"] == prev["hours_high"]
            and d["hours_low"] == d["hours_high"]
            and float(prev["hours"]) > float(d["hours"])
            and float(prev.get("unit_hours", 0.0)) > float(d.get("unit_hours", 0.0))
            and patterns()["compound_join"].match(sentence[int(prev["end"]) : int(d["start"])])
        ):
            total = round(float(prev["hours"]) + float(d["hours"]), 4)
            out[-1] = {
                **prev,
                "hours": total,
                "hours_low": total,
                "hours_high": total,
                "end": d["end"],
                "unit_hours": d.get("unit_hours", 0.0),
                "approx": bool(prev["approx"] or d["approx"]),
            }
            continue
        out.append(d)
    return out


def _restated(sentence: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep one of a duration and its restatement in parentheses right after it, within a factor of 1.5 of it: the
    one in the smaller unit, the more precise ("~520 seconds (10 minutes)": 520 seconds; "2 days (53 hours)": 53
    hours); the first when both have the same unit."""
    out: list[dict[str, Any]] = []
    for d in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and re.fullmatch(r"\s*[(\[]\s*(?:i\.e\.,?\s*|or\s+|about\s+|~\s*)?", sentence[int(prev["end"]) : int(d["start"])], re.I)
            and prev["scope"] == d["scope"]
            and 0 < float(d["hours"]) <= 1.5 * float(prev["hours"])
            and float(prev["hours"]) <= 1.5 * float(d["hours"])
        ):
            if float(d.get("unit_hours", 0.0)) < float(prev.get("unit_hours", 0.0)):
                out[-1] = d
            continue
        out.append(d)
    return out


def baseline_sentence(sentence: str, models: tuple[ModelName, ...]) -> bool:
    """A sentence about another work's training: it cites, names a model that is not the paper's, and has no own cue."""
    from flopsdb.extract.parameters import model_words

    p = patterns()
    if not p["baseline_sentence"].search(sentence) or p["own_sentence"].search(sentence):
        return False
    if models and link_model(sentence, models) is not None:
        return False
    return bool(model_words(sentence, models))


def durations_in(sentence: str, models: tuple[ModelName, ...] = ()) -> list[dict[str, Any]]:
    """The training durations one sentence states: dicts with hours fields, span, flags, alternatives, confidence.

    ``models`` are the paper's own models: a sentence that cites another work and names none of them (nor says
    "we" / "our") states a baseline's time (flag ``baseline``, lower confidence)."""
    if not _PREFILTER.search(sentence):
        return []
    if not patterns()["context"].search(sentence):
        return _hours_used(sentence)
    time_re, per_step_re, steps_re = _patterns()
    out: list[dict[str, Any]] = []
    total_cue = is_project_total(sentence) or bool(patterns()["project_subject"].search(sentence))
    baseline = baseline_sentence(sentence, models)
    for m in time_re.finditer(sentence):
        unit = m.group("unit")
        n1 = m.group("n1")
        if unit.lower() in ("h", "d") and not re.match(r"\d", n1):
            continue
        if unit.lower() == "d" and not m.group("device"):
            continue
        if unit.lower().startswith("year") and not m.group("device"):
            continue
        if re.fullmatch(r"an?|one|single|a single", n1.strip(), re.I) and unit.lower() in ("h", "d", "hr", "hrs"):
            continue
        if re.fullmatch(r"an?", n1.strip(), re.I) and patterns()["rate_before"].search(sentence[: m.start()]):
            continue  # "900,000 a week": a rate, not a duration
        after = sentence[m.end() :]
        if _NOT_TIME.match(after) or _PER.match(after):
            continue
        if re.search(r"(?:per|every|each)\s*$", sentence[max(0, m.start() - 12) : m.start()], re.I):
            continue
        if re.search(
            r"(?:per|each|an?|one|every|single)\s+(?:\w+\s+)?(?:epoch|iteration|step)\w*\s*(?:\w+\s*){0,2}$",
            sentence[max(0, m.start() - 40) : m.start()],
            re.I,
        ):
            continue
        if unit.lower() in ("h", "hr", "hrs") and not re.search(
            r"(?:for|takes?|took|in|about|approximately|roughly|around|within|of|and|or|~|∼|≈|\(|:|=)\s*$",
            sentence[max(0, m.start() - 16) : m.start()],
            re.I,
        ):
            continue
        low = _hours(n1, unit)
        whole = (
            re.search(rf"(?<![\w.])(?P<w>{number_pattern()})\s+and\s+$", sentence[: m.start()], re.I)
            if n1.strip().lower() in ("a half", "half")
            else None
        )
        if whole and low is not None and parse_number(whole.group("w")):
            low += _hours(whole.group("w"), unit) or 0.0  # "two and a half days"
        if low is None or low <= 0:
            continue
        high = _hours(m.group("n2"), unit) if m.group("n2") else low
        start = whole.start() if whole else m.start()
        if high is None or high < low:
            high = low
        hours = (low + high) / 2
        device = bool(m.group("device")) and not re.fullmatch(r"(?:node|machine)[\s\-]*", m.group("device") or "", re.I)
        flags: list[str] = []
        alternatives: list[dict[str, Any]] = []
        conf = 0.8
        scope = "device_hours" if device else "wall_clock"
        if (
            not device
            and re.search(r"total|cumulative|compute|combined", sentence, re.I)
            and not re.search(r"\bon\s+(?:\w+\s+){0,2}\d+|\bon\s+(?:a|one|eight|four|two|sixteen)\b", sentence, re.I)
            and unit.lower().startswith("day")
        ):
            flags.append("days_or_gpu_days")
            alternatives.append({"hours": hours, "hours_low": low, "hours_high": high, "scope": "device_hours", "approx": bool(m.group("hedge"))})
            conf -= 0.25
        if is_hypothetical(sentence) or patterns()["hypothetical"].search(sentence):
            flags.append("hypothetical")
            conf -= 0.5
        if total_cue:
            flags.append("project_total")
            conf = min(conf - 0.3, 0.3) if patterns()["project_total_strong"].search(sentence) else conf - 0.3
        if not_training(sentence, m.start(), m.end()):
            flags.append("not_training")
            conf = min(conf, 0.2)
        elif per_unit(sentence, m.start(), m.end()):
            flags.append("per_unit")
            conf = min(conf, 0.2)
        if patterns()["vague_count"].match(n1.strip()):
            flags.append("vague")  # "a couple of hours": no figure to record
            conf = min(conf, 0.3)
        if patterns()["former_before"].search(sentence[:start]) and patterns()["former_after"].match(sentence[m.end() :]):
            flags.append("former")  # "reduced from 15 hours to 5 hours": what it took before
            conf = min(conf, 0.2)
        owner = statement_owner(sentence, m.start(), models)
        if (baseline and owner not in ("own", "follows")) or owner == "other":
            flags.append("baseline")
            conf = min(conf - 0.35, 0.3)
        if hours < 0.25 and not patterns()["short_total"].search(sentence):
            conf -= 0.5
        out.append(
            {
                "hours": round(hours, 4),
                "hours_low": round(low, 4),
                "hours_high": round(high, 4),
                "scope": scope,
                "unit_hours": _hours("1", unit) or 0.0,
                "approx": bool(m.group("hedge")) and m.group("hedge").strip().lower() not in ("only",),
                "start": start,
                "end": m.end(),
                "flags": flags,
                "alternatives": alternatives,
                "confidence": round(max(0.05, conf), 3),
            }
        )
    out = _restated(sentence, _compounds(sentence, out))
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
                out.append(
                    {
                        "hours": hours,
                        "hours_low": hours,
                        "hours_high": hours,
                        "scope": "wall_clock",
                        "approx": True,
                        "start": min(ps.start(), st.start()),
                        "end": max(ps.end(), st.end()),
                        "flags": ["derived_steps_x_time"],
                        "alternatives": [],
                        "confidence": 0.4,
                    }
                )
    return out


def _hours_used(sentence: str) -> list[dict[str, Any]]:
    """A model card's "Hours used: 200000" (the ML CO2 impact template's device hours), as :func:`durations_in`
    gives durations; nothing when the sentence has none."""
    m = patterns()["hours_used"].search(sentence)
    hours = parse_number(m.group("n")) if m else None
    if m is None or not hours or hours <= 0:
        return []
    return [
        {
            "hours": hours,
            "hours_low": hours,
            "hours_high": hours,
            "scope": "device_hours",
            "unit_hours": 1.0,
            "approx": False,
            "start": m.start(),
            "end": m.end(),
            "flags": ["hours_used"],
            "alternatives": [],
            "confidence": 0.7,
        }
    ]


def extract_training_time(doc: Document) -> list[Candidate]:
    """``Document -> list[Candidate]`` of kind ``training_time`` (sentences, then the time columns and rows of
    tables), each linked to a model (``model``, ``model_key``, ``scope``; ``fields["model_confidence"]``)."""
    out: list[Candidate] = []
    for sent in iter_sentences(doc):
        out.extend(_from_sentence(doc, sent))
    for table in doc.tables:
        out.extend(table_durations(doc, table))
    return out


_CELL = re.compile(rf"^\s*(?:(?P<hedge>{{hedge}})\s*)?(?P<n>{NUMBER})\s*(?P<unit>hours?|hrs?|h|days?|d|weeks?|minutes?|mins?)?\s*[*†‡§]*\s*$", re.I)


def _time_title(title: str, caption: str) -> bool:
    p = patterns()
    if p["time_header_exclude"].search(title):
        return False
    if p["time_header"].search(title):
        return True
    return bool(p["caption_time_column"].match(title) and p["caption_training"].search(caption))


def _reading(text: str, title: str) -> tuple[float, bool] | None:
    """(hours, approx) of one cell under a title, the unit from the cell or else the title; None if not a time."""
    m = re.compile(_CELL.pattern.replace("{hedge}", hedge_pattern()), re.I).match(text.replace("∼", "~"))
    if not m:
        return None
    unit_of_title = patterns()["header_unit"].findall(title)
    unit = m.group("unit") or (unit_of_title[-1] if unit_of_title else None)
    hours = _hours(m.group("n"), unit) if unit else None
    if not hours or hours <= 0:
        return None
    return hours, bool(m.group("hedge"))


def _row_link(doc: Document, label: str, mentioned: bool) -> tuple[str | None, str | None, str | None, float, float]:
    """(model, model_key, scope, confidence, model_confidence) of a table row (or column) named ``label``."""
    from flopsdb.extract.parameters import row_confidence

    own = link_model(label, doc.models)
    names = [m.name for m in doc.models] if mentioned else []
    conf = row_confidence(label, names)
    clean = label.strip() or None
    if own is not None:
        return clean or own.name, own.key, "model", max(conf, 0.65), 0.9
    if re.search(r"\bours\b|\bproposed\b|this work", label, re.I):
        main = main_model(doc.models)
        return clean, main.key if main else None, "model", conf, 0.7
    return clean, None, "model" if clean else None, conf, 0.5


def _titled_columns(table: Table, wanted: Any) -> list[tuple[int, str, list[tuple[Cell, ...]]]]:
    """(column, title, body rows) of the columns whose title ``wanted`` accepts. The title is the header's; when the
    header row detection stopped short, a title in one of the first three rows (joined to the cells above it:
    "Training" over "(GPU days)") counts, the rows below it being the body."""
    from flopsdb.extract.parameters import titled_columns

    return titled_columns(table, wanted)


def _row_label(cells: Any) -> str:
    from flopsdb.extract.parameters import row_label

    return row_label(cells)


def table_durations(doc: Document, table: Table, names: list[str] | None = None) -> list[Candidate]:
    """Training times of a table, one candidate per cell, linked to its row's model.

    Column-wise: a column titled like "Train time (h)", "GPU hours", "TPUv3-core-days" or "Time (days)" (a bare
    "Time" or "Cost" when the caption speaks of training), each row's first cell naming the model. Row-wise: a row
    so titled, the column titles naming the models. The unit comes from the cell ("3 hours") or the title; a
    GPU/TPU/core/chip title makes the scope ``device_hours``. Inference, per-step and cost-in-money titles are not
    read. Rows of cited baselines get low confidence, own models' rows high (``Document.models``). ``names`` is
    kept for callers of v1 and ignored (the own models come from the Document)."""
    caption = table.caption.text if table.caption else ""
    header = table.header
    body = list(table.body())
    found: list[tuple[str, str, Cell, tuple[float, bool]]] = []  # (label, title, cell, reading)
    strict = _titled_columns(table, lambda t: _time_title(t, caption))
    loose = [
        c
        for c in _titled_columns(
            table, lambda t: bool(patterns()["unit_titled_column"].search(t) and not patterns()["time_header_exclude"].search(t))
        )
        if c[0] not in {s[0] for s in strict}
    ]
    for col, title, body in strict + loose:
        titled = _time_title(title, caption)
        for row in body:
            if col < len(row):
                if not titled and not re.search(r"\d\s*(?:hours?|hrs?|h|days?|d|weeks?)\s*$", row[col].text, re.I):
                    continue
                reading = _reading(row[col].text, title)
                label = _row_label(row[:col])
                if reading and label:
                    found.append((label, title, row[col], reading))
    if not found:
        for row in table.rows:
            title = row[0].text if row else ""
            if not _time_title(title, caption):
                continue
            for col, cell in enumerate(row[1:], 1):
                reading = _reading(cell.text, title)
                label = header[col] if col < len(header) and table.header_rows and row not in table.rows[: table.header_rows] else ""
                if reading and label:
                    found.append((label, title, cell, reading))
    if not found:
        return []
    mentioned = any(link_model(label, doc.models) for label, *_ in found)
    stage = classify_stage(caption)
    stage = "training" if stage == "inference" else stage
    out: list[Candidate] = []
    for label, title, cell, (hours, approx) in found:
        model, key, scope, conf, link_conf = _row_link(doc, label, mentioned)
        device = bool(patterns()["header_device"].search(title))
        col_stage = local_stage(title, 0, len(title), stage)
        out.append(
            Candidate(
                paper=doc.paper,
                kind="training_time",
                extractor=EXTRACTOR,
                evidence=Evidence(table.page, cell.bbox, f"{label} | {title} | {cell.text.strip()}"),
                confidence=round(conf, 3),
                fields={
                    "hours": round(hours, 4),
                    "hours_low": round(hours, 4),
                    "hours_high": round(hours, 4),
                    "scope": "device_hours" if device else "wall_clock",
                    "approx": approx,
                    "model_confidence": link_conf,
                },
                model=model,
                model_key=key,
                scope=scope,
                stage="training" if col_stage == "inference" else col_stage,
                flags=("table",),
            )
        )
    return out


def _from_sentence(doc: Document, sent: SentenceSpan) -> list[Candidate]:
    if sent.section and patterns()["skip_sections"].search(sent.section):
        return []
    found = durations_in(sent.text, doc.models)
    if not found:
        return []
    found = [x for x in found if not in_table(doc, sent.start + int(x["start"]), sent.start + int(x["end"]))]
    if not found:
        return []
    sentence_stage = classify_stage(sent.text, sent.section)
    model, scope, link_conf = link_statement(doc, sent.text, sent.start)
    name, key = (model.name, model.key) if model else (None, None)
    if model is not None and link_model(sent.text, [model]) is not None:
        name = variant_mention(sent.text, model)
        key = model_key(name) or model.key
    cands = []
    for d in found:
        stage = local_stage(sent.text, int(d["start"]), int(d["end"]), sentence_stage)
        conf = float(d["confidence"]) - (0.3 if stage == "inference" else 0.0)
        fields = {k: d[k] for k in ("hours", "hours_low", "hours_high", "scope", "approx")}
        ev = doc.evidence(sent.start, sent.end)
        cands.append(
            linked_candidate(
                doc,
                "training_time",
                EXTRACTOR,
                ev,
                round(max(0.05, conf), 3),
                fields,
                (name, key, scope, link_conf),
                stage=stage,
                alternatives=tuple(d["alternatives"]),
                flags=tuple(d["flags"]),
            )
        )
    return cands
