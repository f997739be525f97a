"""result.v1: benchmark results stated in sentences, e.g. "achieves 28.4 BLEU on the WMT 2014
English-to-German translation task" or "a top-5 error of 6.67%".

A number is paired with an adjacent metric mention ("28.4 BLEU", "F1 score of 82.7") and with the nearest
tracked dataset of the sentence that has that metric (``flopsdb/core/data/benchmarks.v1.jsonl``). Improvements
("by 2 BLEU", "+1.3 AP") are skipped; results near baseline cues ("previous best of 26.3") get ``own=false``.
Results from tables are ``extract.table_results`` (result_table.v4).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from flopsdb.core.taxonomy import Benchmark, load_taxonomy
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Document
from flopsdb.extract.stage import SentenceSpan, has_cue, iter_sentences

EXTRACTOR = "result.v1"

_VALUE = r"(?<![\w.\-+])(?P<value>\d{1,3}(?:\.\d{1,3})?)(?P<pct>\s*%)?(?![\w.]*\d)"
_DELTA_BEFORE = re.compile(
    r"(?:\bby|\bboost\s+of|\bup\s+to|\+|\bgain\s+of|\bincrease\s+of|\bimprovement\s+of|\bimproves?\s+(?:\S+\s+){0,2}|\boutperforms?\s+(?:\w+\s+){0,3}by|\bmargin\s+of|\bdrop\s+of|\breduction\s+of|\breduces?\s+(?:\w+\s+){0,3}by|±|\bwithin)\s*(?:over\s+|about\s+|more\s+than\s+|nearly\s+|almost\s+|up\s+to\s+)?$",
    re.I,
)
_DELTA_AFTER = re.compile(
    r"^\s*%?\s*(?:points?|pts|absolute|relative|improvements?|gains?|higher|lower|better|worse|increase|decrease|reduction|boost|over|above|below|more|less)\b",
    re.I,
)
_SPLITS = (
    ("test-dev", r"test-?dev"),
    ("dev", r"\bdev(?:elopment)?\s*set|\bdev\b"),
    ("val", r"\bval(?:idation)?\b|\bminival\b"),
    ("test", r"\btest(?:ing)?\s*(?:set|split)?\b"),
)
_WMT_OTHER = re.compile(r"WMT\s*'?\s*(?:15|16|17|18|19|2015|2016|2017|2018|2019)\s*$|IWSLT\s*'?\s*\d*\s*$", re.I)


def split_of(text: str) -> str | None:
    """The split a sentence names (``test-dev``, ``dev``, ``val``, ``test``), if any."""
    for name, pattern in _SPLITS:
        if re.search(pattern, text, re.I):
            return name
    return None


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    tax = load_taxonomy()
    datasets = re.compile(rf"(?<![A-Za-z0-9])(?:{tax.dataset_pattern()})(?![A-Za-z0-9])", re.I)
    names = tax.metric_names()
    short = [n for n in names if len(n) <= 4]
    long = [n for n in names if len(n) > 4]
    alt_long = "|".join(re.escape(n).replace(r"\ ", r"\s*").replace(r"\-", r"[\-\s]?") for n in long)
    alt_short = "|".join(re.escape(n) for n in short)
    metrics = re.compile(rf"(?<![A-Za-z0-9])(?:(?i:{alt_long})|{alt_short})(?![A-Za-z0-9])")
    prefilter = re.compile(r"\d")
    return datasets, metrics, prefilter


def _value_list(sentence: str, values: list, pick: re.Match[str], metric: re.Match[str]) -> list:
    """The values listed before one metric ("94.6% and 88.7% F1"): the picked value and those joined to it."""
    if pick.end() > metric.start():
        return [pick]
    out = [pick]
    i = values.index(pick)
    while i > 0:
        prev = values[i - 1]
        if re.fullmatch(r"\s*%?\s*(?:,|and|,\s*and|/)\s*", sentence[prev.end() : out[0].start()]):
            out.insert(0, prev)
            i -= 1
        else:
            break
    return out


def _resolve_metric(bench: Benchmark, text: str, following: str = "") -> str | None:
    low = text.lower()
    if bench.dataset == "ImageNet" and re.fullmatch(r"top-?\s*[15]", low.strip()):
        tail = following.lower()
        if re.match(r"[\s/%\d.,]*(?:and|or|/)?[\s\d.%]*(?:top-?\s*[15]\s*)?(?:error|err)", tail):
            low = f"{low} error"
        elif re.match(r"[\s/%\d.,]*(?:and|or|/)?[\s\d.%]*(?:top-?\s*[15]\s*)?acc", tail):
            low = f"{low} accuracy"
    m = bench.metric(low)
    if m is not None:
        return m.name
    if bench.dataset == "ImageNet":
        kind = "error" if "err" in low else "accuracy" if "acc" in low else None
        top = "top-5" if "5" in low else "top-1" if "1" in low else None
        if top and kind:
            return f"{top} {kind}"
    return None


def _expand_lists(sentence: str, hits: list) -> list:
    """Add the second dataset of "SQuAD 1.1 and 2.0" or "VOC 2007 (73.2% mAP) and 2012" as a hit of its own."""
    tax = load_taxonomy()
    out = list(hits)
    for d, bench in hits:
        m = re.match(r"(?:\s*\([^()]{0,30}\))?\s*(?:and|,|/|&)\s*(v?\d+(?:\.\d+)?)(?![\d.])", sentence[d.end() :])
        if not m:
            continue
        stem = re.sub(r"v?\d+(?:\.\d+)?\s*$", "", d.group(0)).strip()
        other = tax.get(f"{stem} {m.group(1)}")
        if other is not None and other is not bench:
            out.append((_Span(d.end() + m.start(1), d.end() + m.end(1), m.group(1)), other))
    return out


class _Span:
    """A match-like span for a dataset named by its version only ("... 1.1 and 2.0")."""

    def __init__(self, start: int, end: int, text: str) -> None:
        self._start, self._end, self._text = start, end, text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, _: int = 0) -> str:
        return self._text


def _distance(d: re.Match[str], lo: int, hi: int) -> int:
    """Characters between a dataset mention and the span ``lo:hi`` (0 when they overlap; 4 more after it)."""
    return lo - d.end() if d.end() <= lo else (d.start() - hi + 4 if d.start() >= hi else 0)


def results_in(sentence: str, *, default_dataset: str | None = None) -> list[dict[str, object]]:
    """Results stated in one sentence: dicts with dataset, task, metric, value, value_text, split, own, span, confidence.

    ``default_dataset`` (the paper's main tracked dataset) is used, with lower confidence, when the sentence names none.
    """
    datasets_re, metrics_re, prefilter = _patterns()
    if not prefilter.search(sentence):
        return []
    metric_hits = list(metrics_re.finditer(sentence))
    if not metric_hits:
        return []
    tax = load_taxonomy()
    ds_hits = []
    for d in datasets_re.finditer(sentence):
        if _WMT_OTHER.search(sentence[max(0, d.start() - 16) : d.start()]):
            continue
        bench = tax.get(d.group(0)) or tax.dataset(d.group(0))
        if bench is not None:
            ds_hits.append((d, bench))
    inferred = False
    if not ds_hits:
        if default_dataset is None or tax.get(default_dataset) is None:
            return []
        inferred = True
    spans = [(d.start(), d.end()) for d, _ in ds_hits]
    values = [v for v in re.finditer(_VALUE, sentence) if not any(a <= v.start() < b for a, b in spans)]
    ds_hits = _expand_lists(sentence, ds_hits)
    out: list[dict[str, object]] = []
    used: set[int] = set()
    own = has_cue(sentence, "own_cues")
    tokens = sentence.split()
    tabular = len(tokens) > 8 and sum(1 for t in tokens if re.fullmatch(r"[\d.,%±()×x/\-✓✗✔✘]+", t)) > 0.3 * len(tokens)
    split = split_of(sentence)
    for mh in metric_hits:
        pick = None
        for v in values:
            if v.start() in used:
                continue
            if v.end() <= mh.start():
                gap = sentence[v.end() : mh.start()]
                if re.fullmatch(r"\s*(?:%\s*)?(?:\(?\s*)?", gap):
                    pick = v
            elif pick is not None:
                break
            elif v.start() >= mh.end():
                gap = sentence[mh.end() : v.start()]
                if re.fullmatch(
                    r"\s*(?:scores?|rates?|results?|values?|metric)?\s*(?:of|is|was|=|:|reaches|reached|to|at|\()?\s*(?:an?\s+|about\s+|around\s+)?",
                    gap,
                    re.I,
                ):
                    pick = v
                    break
        if pick is None:
            continue
        listed = _value_list(sentence, values, pick, mh)
        if len(listed) > 1 and _DELTA_BEFORE.search(sentence[max(0, listed[0].start() - 40) : listed[0].start()]):
            used.update(v.start() for v in listed)
            continue
        if re.match(r"[^.;]{0,40}?(?:reverse\s+direction|into\s+English|to\s+English|-to-English)", sentence[max(pick.end(), mh.end()) :], re.I):
            used.add(pick.start())
            continue
        if len(listed) > 1:
            ordered = sorted(ds_hits, key=lambda h: h[0].start())
            after_ds = [h for h in ordered if h[0].start() > mh.end()]
            if len(after_ds) == len(listed):
                for v, (_dhit, bench) in zip(listed, after_ds):
                    metric = _resolve_metric(bench, mh.group(0), sentence[mh.end() : mh.end() + 30])
                    if metric is None:
                        continue
                    used.add(v.start())
                    out.append(_stated(bench, split, metric, v, bool(own), (v.start(), mh.end()), 0.7 if own else 0.45))
                continue
        after_metric = sentence[max(pick.end(), mh.end()) :]
        if (
            _DELTA_BEFORE.search(sentence[max(0, pick.start() - 40) : pick.start()])
            or _DELTA_AFTER.match(sentence[pick.end() :])
            or _DELTA_AFTER.match(re.sub(r"^\s*scores?", "", after_metric))
            or re.search(r"\bby\s+[\d.]+\s*%?\s*(?:and|,)\s*$", sentence[max(0, pick.start() - 25) : pick.start()], re.I)
        ):
            used.add(pick.start())
            continue
        candidates: Sequence[tuple[re.Match[str] | None, Benchmark | None]]
        if inferred:
            candidates = [(None, tax.get(default_dataset or ""))]
        else:
            lo, hi = min(pick.start(), mh.start()), max(pick.end(), mh.end())
            scored = [(_distance(h[0], lo, hi), h) for h in ds_hits]
            candidates = [h for gap, h in sorted(scored, key=lambda s: s[0]) if gap <= 160]
        for _hit, bench in candidates:
            if bench is None:
                continue
            metric = _resolve_metric(bench, mh.group(0), sentence[mh.end() : mh.end() + 30])
            if metric is None:
                continue
            value = float(pick.group("value"))
            if value > 100:
                continue
            window = sentence[max(0, min(pick.start(), mh.start()) - 60) : pick.start()].lower()
            baseline = any(
                c in window for c in ("previous", "prior", "reported", "baseline", "et al", "compared to", "compared with", "existing", "on par with")
            )
            baseline = baseline or bool(re.search(r"\d{4}[a-z]?\)|\[\d+(?:,\s*\d+)*\]", window))
            conf = 0.75 if own and not baseline else 0.45
            if inferred:
                conf -= 0.45
            if tabular:
                conf -= 0.3
            used.add(pick.start())
            span = (min(pick.start(), mh.start()), max(pick.end(), mh.end()))
            out.append(_stated(bench, split, metric, pick, bool(own and not baseline), span, round(min(0.95, max(0.05, conf)), 3)))
            break
    return out


def _stated(
    bench: Benchmark, split: str | None, metric: str, value: re.Match[str], own: bool, span: tuple[int, int], confidence: float
) -> dict[str, Any]:
    """One result a sentence states: ``value`` the match of its number, ``span`` where it stands in the sentence."""
    return {
        "task": bench.task,
        "dataset": bench.dataset,
        "split": split if split in bench.splits else None,
        "metric": metric,
        "value": float(value.group("value")),
        "value_text": value.group("value"),
        "own": own,
        "start": span[0],
        "end": span[1],
        "confidence": confidence,
    }


def _main_dataset(doc: Document) -> str | None:
    datasets_re, _, _ = _patterns()
    tax = load_taxonomy()
    counts: Counter[str] = Counter()
    for m in datasets_re.finditer(doc.text):
        bench = tax.get(m.group(0))
        if bench is not None:
            counts[bench.dataset] += 1
    if not counts:
        return None
    (top, n), *rest = counts.most_common(2) + [(None, 0)]
    return top if n >= 3 and n >= 2 * rest[0][1] else None


def extract_results(doc: Document) -> list[Candidate]:
    """``Document -> list[Candidate]`` of kind ``result`` from sentences."""
    main = _main_dataset(doc)
    out: list[Candidate] = []
    for sent in iter_sentences(doc):
        out.extend(_from_sentence(doc, sent, main))
    return out


def _from_sentence(doc: Document, sent: SentenceSpan, main: str | None) -> list[Candidate]:
    found = results_in(sent.text, default_dataset=main)
    return [
        Candidate(
            paper=doc.paper,
            kind="result",
            extractor=EXTRACTOR,
            evidence=doc.evidence(sent.start, sent.end),
            confidence=float(r["confidence"]),  # type: ignore[arg-type]
            fields={k: r[k] for k in ("task", "dataset", "split", "metric", "value", "value_text", "own")},
            model=None,
            stage="training",
        )
        for r in found
    ]
