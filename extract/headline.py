"""headline.v6: which result candidates are the paper's headline results (the headline policy of
annotations/GUIDELINES.md), with the reason for each.

A pure function of the Document and its candidates; the policy's words and weights are the data file
``extract/data/headline.v6.json``. Among the own results at or above the operating confidence:

- ``abstract``: results stated in the abstract (before the first section such as "Introduction");
- ``main_table``: the own rows of a paper's main comparison table(s), when they are few. Each table with own
  results is scored by its caption (comparison cues such as "state of the art", "test set" for; ablation and
  analysis cues against), by whether it also holds baseline rows and by whether it reports test numbers; per
  dataset the best-scoring table(s) are the main ones;
- ``abstract_row``: the other tracked metrics of a table row that repeats a number of the abstract (and, when that
  row is an ensemble, of the table's best single-model row);
- ``best_own_row``: when the main tables have more own cells than the policy allows, per own model the paper
  names (``Document.models``) the row that is best on the dataset's primary metric (and, when that row is an
  ensemble, the best single-model row), every tracked metric of that row.

Rows of ablated variants ("+ X", "w/o X"), intermediate iterations of one model ("Iter. 1" below "Iter. 5") and rows that cite another paper ("XLM (2019)", "[12]") are never
headline. When a model's result on a dataset and metric
is reported on the test split, its val/dev numbers are not headline. One value per dataset and metric is kept,
and at most ``max_per_paper`` (the abstract first, then the main tables).

v6: where some own rows of a main table carry the own mark ("BIDAF (Ours)"), only those are headline there; an own
name that is another plus a size ("SpineNet-49" of "SpineNet") is one family with it under the cap; when the cap
would keep only part of the size breakdown (APs/APm/APl) none of it is kept; results of a reduced-data setting (flag ``low_data``) are never headline; when
the title or abstract names tracked datasets, table results on a tracked dataset they do not name are not headline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from flopsdb.core.taxonomy import load_taxonomy
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Document
from flopsdb.extract.models import link_model

POLICY = "headline.v6"
_REASONS = ("abstract", "abstract_row", "main_table", "best_own_row")


@lru_cache(maxsize=1)
def policy() -> dict[str, Any]:
    """The policy data (``extract/data/headline.v6.json``) with its regexes compiled."""
    data = json.loads((Path(__file__).parent / "data" / f"{POLICY}.json").read_text(encoding="utf-8"))
    data["_main"] = re.compile("|".join(data["main_cues"]), re.I)
    data["_ablation"] = re.compile("|".join(data["ablation_cues"]), re.I)
    data["_variant"] = re.compile(data["variant_label"], re.I)
    data["_ensemble"] = re.compile(data["ensemble_label"], re.I)
    data["_ensemble_caption"] = re.compile(data["ensemble_caption"], re.I)
    data["_heading"] = re.compile(data["abstract_headings"], re.I)
    data["_own"] = re.compile(data["own_label"], re.I)
    data["_cited"] = re.compile(data["cited_label"])
    data["_additive"] = re.compile(data["additive_label"])
    data["_iteration"] = re.compile(data["iteration_label"], re.I)
    data["_size"] = re.compile(data["size_suffix"])
    return data


def abstract_end(doc: Document) -> int:
    """Where the abstract ends in ``doc.text``: the first heading such as "1 Introduction", else a fixed window."""
    p = policy()
    starts = [s.start for s in doc.sections if p["_heading"].match(s.title.strip())]
    return min(starts) if starts else min(len(doc.text), int(p["abstract_window"]))


def abstract_datasets(doc: Document) -> set[str]:
    """The tracked datasets the title and abstract name (taxonomy names and aliases; "SQuAD 1.1 and 2.0" and
    "VOC 2007 and 2012" name both versions)."""
    tax = load_taxonomy()
    pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{tax.dataset_pattern()})(?![A-Za-z0-9])", re.I)
    text = doc.text[: abstract_end(doc)]
    out: set[str] = set()
    for m in pattern.finditer(text):
        bench = tax.get(m.group(0)) or tax.dataset(m.group(0))
        if bench is None:
            continue
        out.add(bench.dataset)
        other = _VERSION_AFTER.match(text, m.end())
        if other is not None:
            stem = re.sub(r"v?\d+(?:\.\d+)?\s*$", "", m.group(0)).strip()
            second = tax.get(f"{stem} {other.group(1)}")
            if second is not None:
                out.add(second.dataset)
    return out


_VERSION_AFTER = re.compile(r"(?:\s*\([^()]{0,30}\))?\s*(?:and|,|/|&)\s*(v?\d+(?:\.\d+)?)(?![\d.])")


def _table_key(c: Candidate) -> tuple[int, str] | None:
    label = c.fields.get("table")
    return (c.evidence.page, str(label)) if label is not None else None


def _caption(doc: Document, key: tuple[int, str]) -> str:
    page, label = key
    return next(
        (c.text for c in doc.captions if c.kind == "table" and c.label == label and c.page == page),
        next((c.text for c in doc.captions if c.kind == "table" and c.label == label), ""),
    )


def table_score(caption: str, cells: Sequence[Candidate]) -> float:
    """How much a table looks like a main comparison table: caption cues, baseline rows beside own rows, test numbers."""
    p = policy()
    score = 0.0
    if p["_main"].search(caption):
        score += p["table_cue_weight"]
    if p["_ablation"].search(caption):
        score -= p["table_cue_weight"]
    if any(not c.fields.get("own") for c in cells):
        score += p["baseline_weight"]
    if any(c.fields.get("split") in ("test", "test-dev") for c in cells):
        score += p["test_weight"]
    return score


def _better(dataset: str, metric: str) -> int:
    bench = load_taxonomy().get(dataset)
    m = bench.metric(metric) if bench is not None else None
    return 1 if m is None or m.higher_is_better else -1


def _row(c: Candidate) -> tuple[object, ...]:
    return (_table_key(c), round(c.evidence.bbox.top / 3.0), c.model)


def _primary(dataset: str, cells: Iterable[Candidate]) -> str | None:
    present = {c.fields.get("metric") for c in cells}
    return next((m for m in policy()["primary_metric"].get(dataset, ()) if m in present), None)


def _best_rows(dataset: str, cells: Sequence[Candidate]) -> list[tuple[object, ...]]:
    """The row best on the dataset's primary metric and, when it is an ensemble, the best single-model row."""
    metric = _primary(dataset, cells) or str(cells[0].fields.get("metric"))
    sign = _better(dataset, metric)
    ranked = sorted((c for c in cells if c.fields.get("metric") == metric), key=lambda c: -sign * float(c.fields["value"]))
    if not ranked:
        return []
    rows = [_row(ranked[0])]
    ens = policy()["_ensemble"]
    if ens.search(ranked[0].model or ""):
        single = next((c for c in ranked if not ens.search(c.model or "")), None)
        if single is not None:
            rows.append(_row(single))
    return rows


def _intermediate_rows(dataset: str, cells: Sequence[Candidate]) -> set[tuple[object, ...]]:
    """Rows of one model's numbered iterations, rounds or steps (``Back-translation - Iter. 1`` ... ``Iter. 5``) in
    one table, other than the best of them: intermediate configurations, never headline."""
    it = policy()["_iteration"]
    groups: dict[tuple[object, ...], list[Candidate]] = {}
    for c in cells:
        if it.search(c.model or ""):
            groups.setdefault((_table_key(c), it.sub("#", c.model or "")), []).append(c)
    out: set[tuple[object, ...]] = set()
    for group in groups.values():
        rows = {_row(c) for c in group}
        if len(rows) >= 2:
            out |= rows - set(_best_rows(dataset, group))
    return out


def _single_beside_ensemble(pool: Sequence[Candidate], anchors: set[tuple[object, ...]]) -> set[tuple[object, ...]]:
    """When the row that repeats the abstract's number is an ensemble, the best single-model row of that table and
    dataset is the abstract's too (an abstract that gives the ensemble's number gives its single model's beside it)."""
    ens = policy()["_ensemble"]
    out: set[tuple[object, ...]] = set()
    for c in pool:
        if _row(c) not in anchors or not ens.search(c.model or ""):
            continue
        dataset = str(c.fields.get("dataset"))
        cells = [x for x in pool if _table_key(x) == _table_key(c) and x.fields.get("dataset") == dataset]
        out |= set(_best_rows(dataset, cells)[1:])
    return out


def _last_rows(candidates: Sequence[Candidate]) -> set[tuple[object, ...]]:
    """The bottom row of each table column (dataset and metric): where a table that adds one step per row ends."""
    last: dict[tuple[object, ...], Candidate] = {}
    for c in candidates:
        key = (_table_key(c), c.fields.get("dataset"), c.fields.get("metric"), round(c.evidence.bbox.x0))
        if c.kind == "result" and key[0] is not None and (key not in last or c.evidence.bbox.top > last[key].evidence.bbox.top):
            last[key] = c
    return {_row(c) for c in last.values()}


_VERSION = re.compile(r"[\s\-]?[vV](\d+)\b")


def _family(c: Candidate, doc: Document) -> str | None:
    """The own model a row is of: the own name it links to, with a version printed after it (``Inception-ResNet-v1``
    and ``-v2`` are two models of one paper), else None. An own name that is another own name plus a size
    (``SpineNet-49`` of ``SpineNet``) is that model's configuration: one family."""
    linked = link_model(c.model, doc.models)
    if linked is None:
        return None
    size = policy()["_size"]
    base = next(
        (m for m in doc.models if m.key != linked.key and linked.name.lower().startswith(m.name.lower()) and size.match(linked.name[len(m.name) :])),
        None,
    )
    key = base.key if base is not None else linked.key
    version = _VERSION.search(c.model or "")
    return f"{key}|v{version.group(1)}" if version and not _VERSION.search(linked.name) else key


def _metric_rank(c: Candidate) -> int:
    """The metric's place in its dataset's taxonomy entry (box AP before AP50 before the size breakdowns): when
    the cap of the policy bites, every chosen row keeps its main metrics before any row keeps its breakdowns."""
    bench = load_taxonomy().get(str(c.fields.get("dataset")))
    names = [m.name for m in bench.metrics] if bench is not None else []
    metric = c.fields.get("metric")
    return names.index(metric) if metric in names else len(names)


def _identity(doc: Document, c: Candidate) -> tuple[object, ...]:
    """Which model and metric a result is of, for "a test number replaces the val number": an ensemble (its row,
    its table's caption or its sentence says so) is the paper's ensemble, whatever model it is linked to; a single
    model is its model key."""
    ens = policy()["_ensemble"]
    key = _table_key(c)
    text = f"{c.model or ''} {_caption(doc, key) if key is not None else c.evidence.snippet}"
    who = "ensemble" if ens.search(text) else c.model_key
    return (who, c.fields.get("dataset"), c.fields.get("metric"))


def _marked_rows(cells: Sequence[Candidate]) -> list[Candidate]:
    """Of one dataset's main-table cells, per table the rows that carry the own mark ("BIDAF (Ours)") when some do:
    the table's other rows of the same model are its dev or ablation sub-table."""
    own = policy()["_own"]
    marked = {_table_key(c) for c in cells if own.search(c.model or "")}
    return [c for c in cells if _table_key(c) not in marked or own.search(c.model or "")]


def _facts(cells: Iterable[Candidate]) -> set[tuple[object, ...]]:
    return {(c.fields.get("dataset"), c.fields.get("metric"), c.fields.get("value")) for c in cells}


def _whole_breakdown(chosen: Sequence[Candidate]) -> list[Candidate]:
    """The ranked choice without the size breakdown (APs/APm/APl) when the cap would keep only part of it: a row's
    breakdown is headline whole or not at all."""
    p = policy()
    breakdown = set(p["breakdown_metrics"])
    parts = [c for c in chosen if c.fields.get("metric") in breakdown]
    if not parts:
        return list(chosen)
    first = chosen.index(parts[0])
    room = p["max_per_paper"] - len(_facts(chosen[:first]))
    return list(chosen) if len(_facts(parts)) <= room else [c for c in chosen if c.fields.get("metric") not in breakdown]


def mark_headlines(doc: Document, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates, in order, with ``headline`` and ``headline_reason`` set on the headline results."""
    p = policy()
    last = _last_rows(candidates)
    named_in_abstract = abstract_datasets(doc)
    pool = [
        c
        for c in candidates
        if c.kind == "result"
        and c.fields.get("own")
        and c.confidence >= p["min_confidence"]
        and not (p["_variant"].search(c.model or "") and not (p["_additive"].match(c.model or "") and _row(c) in last))
        and not p["_cited"].search(c.model or "")
        and not set(c.flags) & set(p["never_flags"])
        and not (set(c.flags) & set(p["unless_abstract_names_flags"]) and c.fields.get("dataset") not in named_in_abstract)
    ]
    reasons: dict[int, str] = {}
    end = abstract_end(doc)
    for c in pool:
        if _table_key(c) is None and c.evidence.start is not None and c.evidence.start < end:
            reasons[id(c)] = "abstract"
    stated = {(c.fields.get("dataset"), c.fields.get("metric"), c.fields.get("value")) for c in pool if reasons.get(id(c)) == "abstract"}
    anchors = {
        _row(c) for c in pool if _table_key(c) is not None and (c.fields.get("dataset"), c.fields.get("metric"), c.fields.get("value")) in stated
    }
    anchors |= _single_beside_ensemble(pool, anchors)
    for c in pool:
        if _table_key(c) is not None and _row(c) in anchors:
            reasons[id(c)] = "abstract_row"
    tables: dict[tuple[int, str], list[Candidate]] = {}
    for c in candidates:
        key = _table_key(c)
        if c.kind == "result" and key is not None:
            tables.setdefault(key, []).append(c)
    scores = {k: table_score(_caption(doc, k), cells) for k, cells in tables.items()}
    own_cells = [c for c in pool if _table_key(c) is not None]
    anchored = {c.fields.get("dataset") for c in pool if reasons.get(id(c)) == "abstract_row"}
    anchor_tables = {_table_key(c) for c in pool if reasons.get(id(c)) == "abstract_row"}
    for dataset in sorted({str(c.fields.get("dataset")) for c in own_cells}):
        cells = [c for c in own_cells if c.fields.get("dataset") == dataset]
        if dataset in anchored:
            # the table whose row repeats the abstract's number is the main table of its dataset
            main = [c for c in cells if _table_key(c) in anchor_tables]
        else:
            best = max(scores[_table_key(c)] for c in cells)  # type: ignore[index]
            if best < p["main_threshold"]:
                continue
            main = [c for c in cells if scores[_table_key(c)] == best]  # type: ignore[index]
        named = [
            c
            for c in main
            if p["_own"].search(c.model or "")
            or p["_ensemble"].search(c.model or "")
            or p["_ensemble_caption"].search(_caption(doc, _table_key(c)))  # type: ignore[arg-type]
            or link_model(c.model, doc.models) is not None
        ]
        main = named or main
        if p["own_mark_rows"]:
            main = _marked_rows(main)
        intermediate = _intermediate_rows(dataset, main)
        main = [c for c in main if _row(c) not in intermediate]
        if len(main) <= p["max_per_paper"] and dataset not in anchored:
            for c in main:
                reasons.setdefault(id(c), "main_table")
            continue
        families: dict[str | None, list[Candidate]] = {}
        for c in main:
            families.setdefault(_family(c, doc), []).append(c)
        rows = {r for group in families.values() for r in _best_rows(dataset, group)}
        for c in main:
            if _row(c) in rows:
                reasons.setdefault(id(c), "best_own_row")
    chosen = [c for c in pool if id(c) in reasons]
    if p["abstract_datasets_only"] and named_in_abstract:
        chosen = [c for c in chosen if reasons[id(c)] in ("abstract", "abstract_row") or c.fields.get("dataset") in named_in_abstract]
    tested = {_identity(doc, c) for c in chosen if c.fields.get("split") in ("test", "test-dev")}
    tested_here = {(_table_key(c), *_identity(doc, c)) for c in chosen if c.fields.get("split") in ("test", "test-dev") and _table_key(c)}
    chosen = [
        c
        for c in chosen
        if not (c.fields.get("split") in ("val", "dev") and _identity(doc, c) in tested)
        and not (c.fields.get("split") is None and (_table_key(c), *_identity(doc, c)) in tested_here)
    ]
    chosen.sort(key=lambda c: (_REASONS.index(reasons[id(c)]), _metric_rank(c), -c.confidence))
    chosen = _whole_breakdown(chosen)
    kept: dict[int, str] = {}
    seen: set[tuple[object, ...]] = set()
    for c in chosen:
        fact = (c.fields.get("dataset"), c.fields.get("metric"), c.fields.get("value"))
        if fact in seen or len(kept) >= p["max_per_paper"]:
            continue
        seen.add(fact)
        kept[id(c)] = reasons[id(c)]
    return [replace(c, headline=True, headline_reason=kept[id(c)]) if id(c) in kept else c for c in candidates]
