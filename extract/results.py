"""result.v3: benchmark results stated in sentences, e.g. "achieves 28.4 BLEU on the WMT 2014
English-to-German translation task" or "a top-5 error of 6.67%".

A number is paired with an adjacent metric mention ("28.4 BLEU", "F1 score of 82.7", "49.4AP") and with the
nearest tracked dataset of the sentence that has that metric (``flopsdb/core/data/benchmarks.v2.jsonl``).
Improvements ("by 2 BLEU", "+1.3 AP") are skipped; results near baseline cues ("previous best of 26.3") and
numbers in parentheses after a compared model ("such as ATSS (47.7 AP)") get ``own=false``.

v3 reads, beside v2: every value of a list before one metric ("82.8%, 84.2%,
and 84.6% top-1 accuracy"); a metric that rose to a value ("F1 ... increased from 85.9% to 91.9%", "its BLEU
score increases to 36.5"); a value achieved with no metric of its own ("our UniNet-B6 achieves 87.4%,", "... and
79.6% with a larger ResNet"), which takes the metric and dataset of the result stated before it in the passage;
a bare "accuracy" in a sentence whose only tracked dataset is ImageNet (top-1, the taxonomy's default rank); a
ranked metric ("74% top-1 accuracy") when the sentence names no dataset (ImageNet); the datasets named last as the
context of up to two sentences that name none; the split printed next to each value when a sentence names two
("COCO val2017 (63.2AP) and test-dev (63.3AP)"). Not own: a relative clause about a compared work ("surpass sparse
coding models, which recorded 47.1% ..."). A reduced-data setting ("with 10 examples per class") is flagged
``low_data``.
Results from tables are ``extract.table_results`` (result_table.v6).
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
from flopsdb.extract.headline import abstract_end
from flopsdb.extract.stage import SentenceSpan, has_cue, iter_sentences

EXTRACTOR = "result.v3"

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
    ("val", r"\bval(?:idation)?\b|\bminival\b|\bval\d{4}\b"),
    ("test", r"\btest(?:ing)?\s*(?:set|split)?\b"),
)
_AFTER_METRIC = re.compile(
    r"\s*(?:(?:test|validation|val|dev|single[- ]model|single[- ]crop)\s+)?(?:(?:error|err|accuracy|acc)\.?\s+)?"
    r"(?:scores?|rates?|results?|values?|metric)?\s*(?:of|is|was|=|:|reaches|reached|to|at|\()?\s*(?:an?\s+|about\s+|around\s+)?",
    re.I,
)
_LIST_JOIN = r"\s*(?:,\s*and|,|and|/|&)\s*"
_COMPARATIVE = re.compile(r"\b(?:than|over|outperform\w*|surpass\w*|beat\w*|exceed\w*)\b", re.I)
_CLAUSE_END = re.compile(r"[,;)]|\s(?:and|while|with)\s")
_BASELINE_WORDS = ("previous", "prior", "reported", "published", "baseline", "et al", "compared to", "compared with", "existing", "on par with")
# whole words: "et al" is not in "NASNet also"
_BASELINE_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _BASELINE_WORDS) + r")\b")
_OTHER_BENCHMARK = re.compile(r"\b(?:on|in)\s+(?:the\s+)?[A-Z](?:[a-z]*[A-Z]|[A-Za-z]*\d|[A-Z]+\b)[\w\-]*")
_MORE_BENCHMARKS = re.compile(
    r"(?<!the )(?<!these )(?<!both )\b(?:other|additional|several|more|new|\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:[\w\-]+\s+){0,3}(?:datasets|benchmarks|tasks)\b",
    re.I,
)
_AT_HALF_IOU = re.compile(r"[\s\d.%]*(?:of\s+[\d.]+\s*%?\s*)?(?:at|@)\s*(?:50\s*%|0?\.5\b|IoU\s*(?:=|of)?\s*0?\.5\b)", re.I)
_BARE_ACCURACY = "accuracy"
_COMPARED_RELATIVE = re.compile(
    r"\b(?:than|outperform\w*|surpass\w*|beat\w*|exceed\w*)\b[^.;]*?,\s*(?:which|who)\s+(?:\w+\s+)?(?:recorded|reported|achieved|obtained|reached|scored|had|got)\b(?:[^.;]|\.(?=\d)){0,40}$"
)
_LOW_DATA = re.compile(
    r"\b(?:with|using|from)\s+(?:only\s+)?(?:\d+|one|five|ten)\s+(?:labell?ed\s+)?(?:examples?|images?|samples?)\s+per\s+class\b"
    r"|\b\d+(?:\.\d+)?\s*%\s+(?:of\s+(?:the\s+)?)?(?:labels|labell?ed\s+(?:data|examples|images)|training\s+data)\b"
    r"|\b(?:small|low)[- ]data\b|\bon\s+small\s+datasets\b",
    re.I,
)
_CONTEXT_SENTENCES = 2
_RANKED = re.compile(r"top[\s\-]?[15]\b", re.I)
_ROSE_TO = re.compile(
    r"(?P<mid>[^.;]{0,60}?)\b(?:increas|improv|rais|ris|rose|grow|grew|boost|jump|climb)\w*\s+(?:\w+\s+){0,3}?"
    r"(?:from\s+(?:the\s+)?(?:\w+\s+)?(?P<v1>\d{1,3}(?:\.\d{1,3})?)\s*%?\s+)?to\s+(?:an?\s+)?(?P<v2>\d{1,3}(?:\.\d{1,3})?)(?![\w.]*\d)",
    re.I,
)
_ACHIEVED = re.compile(
    r"\b(?:achiev|obtain|reach|attain|gets?\b|scor|yield|deliver|record)\w*\s+(?:an?\s+|the\s+)?(?:new\s+)?(?:state[- ]of[- ]the[- ]art\s+)?$", re.I
)
_AND_BEFORE = re.compile(r"(?:,\s*|\s)and\s+$", re.I)
_NO_METRIC_AFTER = re.compile(r"\s*%?\s*(?:[,.;)]|$|(?:with|using|on|only|for|when|while|after|without|at|in)\b)", re.I)
_WITH_AFTER = re.compile(r"\s*%?\s+(?:with|using|for|when|after)\b", re.I)
_COMPARED = re.compile(
    r"\b(?:than|outperform\w*|surpass\w*|beat\w*|exceed\w*|such\s+as|compared\s+(?:to|with)|vs\.?|versus|as\s+\w+\s+as)(?![\w])", re.I
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
    # a number may be glued to its metric ("49.4AP"), a name's digits may not ("V3AP")
    metrics = re.compile(rf"(?<![A-Za-z])(?<![A-Za-z]\d)(?:(?i:{alt_long})|{alt_short}|(?i:{_BARE_ACCURACY}))(?![A-Za-z0-9])")
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
        split_word = r"(?:(?:test|validation|val|single[- ]model|single[- ]crop|classification)\s+)?"
        if re.match(rf"[\s/%\d.,]*(?:and|or|/)?[\s\d.%]*(?:top-?\s*[15]\s*)?{split_word}(?:error|err)", tail):
            low = f"{low} error"
        elif re.match(rf"[\s/%\d.,]*(?:and|or|/)?[\s\d.%]*(?:top-?\s*[15]\s*)?{split_word}acc", tail):
            low = f"{low} accuracy"
    m = bench.metric(low)
    if m is not None and m.name == "box AP" and low.strip() == "map" and _AT_HALF_IOU.match(following):
        m = bench.metric("AP50")
    if m is not None:
        return m.name
    if bench.dataset == "ImageNet":
        kind = "error" if "err" in low else "accuracy" if "acc" in low else None
        top = "top-5" if "5" in low else "top-1" if "1" in low else None
        if top and kind:
            return f"{top} {kind}"
    if low.strip() == _BARE_ACCURACY:
        # a bare "accuracy": the dataset's faceted metric with its default rank (ImageNet: top-1), if it has one
        return bench.metric_from_header(low)[0]
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


def _distance(d: re.Match[str] | _Span, lo: int, hi: int) -> int:
    """Characters between a dataset mention and the span ``lo:hi`` (0 when they overlap; 4 more after it)."""
    return lo - d.end() if d.end() <= lo else (d.start() - hi + 4 if d.start() >= hi else 0)


def _binds(sentence: str, hi: int, d: re.Match[str] | _Span) -> bool:
    """Whether a result ending at ``hi`` is stated *on* the dataset mention ``d`` ("81.3% mAP on PASCAL VOC 2007")."""
    return d.start() >= hi and bool(re.fullmatch(r"\s*%?\s*(?:\([^()]{0,40}\)\s*)?(?:on|in|for)\s+(?:the\s+)?", sentence[hi : d.start()], re.I))


def _is_baseline(window: str) -> bool:
    """Whether the text before a value names another work's result. A comparison clause that is closed before the
    value ("performs better than strong baselines, and achieves 72.4 F1") names what the result is compared to,
    not whose result it is."""
    low = window.lower()
    for m in reversed(list(_COMPARATIVE.finditer(low))):
        end = _CLAUSE_END.search(low, m.end())
        if end is not None:
            low = low[: m.start()] + low[end.end() :]
    return bool(_BASELINE_RE.search(low)) or bool(re.search(r"\d{4}[a-z]?\)|\[\d+(?:,\s*\d+)*\]", low))


def _is_delta(sentence: str, start: int, end: int, after_metric: str) -> bool:
    """Whether the value at ``start:end`` is an improvement ("by 2 BLEU", "+1.3 AP", "2.4 points higher")."""
    return bool(
        _DELTA_BEFORE.search(sentence[max(0, start - 40) : start])
        or _DELTA_AFTER.match(sentence[end:])
        or _DELTA_AFTER.match(re.sub(r"^\s*scores?", "", after_metric))
        or re.search(r"\bby\s+[\d.]+\s*%?\s*(?:and|,)\s*$", sentence[max(0, start - 25) : start], re.I)
    )


def _compared_in_parentheses(sentence: str, start: int) -> bool:
    """Whether the value at ``start`` stands in parentheses opened after a comparison, behind the compared model's
    name ("such as ATSS (47.7 AP)", "as fast as MobileNetV2x1.4 (1.6 ms, 74.7% top-1)") or as its margins
    ("outperforms ... (i.e. 1.5% EM score on SQuAD v2.0)"): the compared work's number, not the paper's result."""
    opened = sentence.rfind("(", 0, start)
    if opened < 0 or ")" in sentence[opened:start]:
        return False
    before = sentence[max(0, opened - 160) : opened]
    cues = list(_COMPARED.finditer(before))
    if not cues or re.search(r"\b(?:we|our|ours)\b|[.;]\s", before[cues[-1].end() :], re.I):
        return False
    if re.match(r"\s*(?:i\.\s?e\.|e\.\s?g\.)", sentence[opened + 1 : start], re.I):
        return True
    name = re.search(r"(\S+)\s*$", before)
    if name is None:
        return False
    datasets_re, metrics_re, _ = _patterns()
    word = name.group(1)
    if datasets_re.search(word) or metrics_re.fullmatch(word) or split_of(word):
        return False
    return bool(re.search(r"[A-Z0-9]", word))


def _low_data(sentence: str, start: int, end: int) -> bool:
    """Whether the value is stated for a reduced-data setting ("attains 76.8% on ILSVRC-2012 with 10 examples per
    class", "with 1% of the labels", "On small datasets, ..."): its clause after it or the words before it say so."""
    after = re.split(r"[,;]|\s(?:and|while|whereas)\s", sentence[end:], maxsplit=1)[0]
    return bool(_LOW_DATA.search(after) or _LOW_DATA.search(sentence[max(0, start - 60) : start]))


def _split_near(sentence: str, start: int, default: str | None) -> str | None:
    """The split printed just before a value ("val2017 (63.2AP) and test-dev (63.3AP)") when the sentence names
    two different splits; else the sentence's split."""
    named = {name for name, pattern in _SPLITS if re.search(pattern, sentence, re.I)}
    if len(named) < 2:
        return default
    window = sentence[max(0, start - 30) : start]
    best: tuple[int, str] | None = None
    for name, pattern in _SPLITS:
        for m in re.finditer(pattern, window, re.I):
            if best is None or m.end() > best[0]:
                best = (m.end(), name)
    return best[1] if best is not None else default


def _implied_datasets(metric_hits: Sequence[re.Match[str]], sentence: str) -> list[Benchmark]:
    """The one tracked dataset a sentence's ranked metric belongs to ("top-1 accuracy" is ImageNet's); none for
    metrics that untracked benchmarks use as well ("AP", "mAP", "BLEU", "F1") or when several datasets own them."""
    tax = load_taxonomy()
    found: set[str] = set()
    for mh in metric_hits:
        if not _RANKED.match(mh.group(0)):
            continue
        owners = [b for b in tax if _resolve_metric(b, mh.group(0), sentence[mh.end() : mh.end() + 30]) is not None]
        if len(owners) != 1:
            return []
        found.add(owners[0].dataset)
    return [tax.get(d) for d in sorted(found)] if len(found) == 1 else []  # type: ignore[misc]


def results_in(
    sentence: str,
    *,
    default_dataset: str | None = None,
    context: Sequence[str] = (),
    in_abstract: bool = False,
    carry: tuple[str, str] | None = None,
) -> list[dict[str, object]]:
    """Results stated in one sentence: dicts with dataset, task, metric, value, value_text, split, own, span, confidence.

    A sentence that names no tracked dataset takes the one dataset of ``context`` (the datasets the sentence before
    named) its metric belongs to, else ``default_dataset`` (the paper's main tracked dataset), else the one dataset
    its metric implies, with lower confidence. ``in_abstract``: the sentence stands in the abstract, where a result
    that is not another work's is the paper's own even without "our" or "we". ``carry``: the (dataset, metric) of
    the own result stated last in the sentence before, which a value achieved without a metric of its own takes.
    """
    datasets_re, metrics_re, prefilter = _patterns()
    if not prefilter.search(sentence):
        return []
    metric_hits = list(metrics_re.finditer(sentence))
    if not metric_hits and carry is None:
        return []
    tax = load_taxonomy()
    ds_hits: list[tuple[re.Match[str] | _Span, Benchmark]] = []
    for d in datasets_re.finditer(sentence):
        if _WMT_OTHER.search(sentence[max(0, d.start() - 16) : d.start()]) or re.match(r"-[A-Z]\b", sentence[d.end() :]):
            continue
        bench = tax.get(d.group(0)) or tax.dataset(d.group(0))
        if bench is not None:
            ds_hits.append((d, bench))
    inferred: float = 0.0
    fallback: list[Benchmark] = []
    if not ds_hits:
        if not (_OTHER_BENCHMARK.search(sentence) or _MORE_BENCHMARKS.search(sentence)):
            fallback = [b for b in (tax.get(c) for c in context) if b is not None]
        if fallback:
            inferred = 0.15
        elif default_dataset is not None and tax.get(default_dataset) is not None:
            fallback, inferred = [tax.get(default_dataset)], 0.45  # type: ignore[list-item]
        elif not (_OTHER_BENCHMARK.search(sentence) or _MORE_BENCHMARKS.search(sentence)):
            fallback, inferred = _implied_datasets(metric_hits, sentence), 0.15
        if not fallback and carry is None:
            return []
    spans = [(d.start(), d.end()) for d, _ in ds_hits]
    values = [v for v in re.finditer(_VALUE, sentence) if not any(a <= v.start() < b for a, b in spans)]
    ds_hits = _expand_lists(sentence, ds_hits)
    out: list[dict[str, object]] = []
    used: set[int] = set()
    cued = has_cue(sentence, "own_cues")
    own = cued or in_abstract
    tokens = sentence.split()
    tabular = len(tokens) > 8 and sum(1 for t in tokens if re.fullmatch(r"[\d.,%±()×x/\-✓✗✔✘]+", t)) > 0.3 * len(tokens)
    split = split_of(sentence)

    def benches_for(lo: int, hi: int) -> list[Benchmark]:
        if fallback or not ds_hits:
            return fallback
        scored = [(-1 if _binds(sentence, hi, h[0]) else _distance(h[0], lo, hi), h) for h in ds_hits]
        return [h[1] for gap, h in sorted(scored, key=lambda s: s[0]) if gap <= 160]

    def emit(bench: Benchmark, metric: str, v: re.Match[str], lo: int, hi: int, extra: float = 0.0) -> None:
        window = sentence[max(0, lo - 60) : v.start()]
        # a relative clause that goes on about the compared work: "We also surpass sparse coding models, which recorded 47.1% ..."
        compared = _COMPARED_RELATIVE.search(sentence[max(0, lo - 160) : v.start()].lower())
        baseline = _is_baseline(window) or _compared_in_parentheses(sentence, v.start()) or compared is not None
        conf = (0.75 if cued else 0.6) if own and not baseline else 0.45
        conf -= inferred + extra + (0.3 if tabular else 0.0)
        used.add(v.start())
        here = _split_near(sentence, v.start(), split)
        result = _stated(bench, here, metric, v, bool(own and not baseline), (lo, hi), round(min(0.95, max(0.05, conf)), 3))
        if _low_data(sentence, v.start(), v.end()):
            result["flags"] = ("low_data",)
        out.append(result)

    named = {b.dataset for _, b in ds_hits}
    others = [m for m in _OTHER_BENCHMARK.finditer(sentence) if not any(a < m.end() and m.start() < b for a, b in spans)]
    bare_ok = named == {"ImageNet"} and not others and not _MORE_BENCHMARKS.search(sentence)

    def resolve(mh: re.Match[str], lo: int, hi: int) -> tuple[Benchmark, str] | None:
        bare = mh.group(0).strip().lower() == _BARE_ACCURACY
        if bare and not bare_ok:
            return None
        for bench in [b for _, b in ds_hits[:1]] if bare else benches_for(lo, hi):
            metric = _resolve_metric(bench, mh.group(0), sentence[mh.end() : mh.end() + 30])
            if metric is not None:
                return bench, metric
        return None

    # "top-1 and top-5 error rates of 37.5% and 17.0%", "EM and F1 of 84.1 and 90.9": metrics listed, then values
    for mh, mh2 in zip(metric_hits, metric_hits[1:]):
        if not re.fullmatch(_LIST_JOIN, sentence[mh.end() : mh2.start()]):
            continue
        m = re.match(
            rf"{_AFTER_METRIC.pattern}{_VALUE}\s*%?{_LIST_JOIN}{_VALUE.replace('value', 'value2').replace('pct', 'pct2')}",
            sentence[mh2.end() :],
            re.I,
        )
        if m is None:
            continue
        first = next((v for v in values if v.start() == mh2.end() + m.start("value")), None)
        second = next((v for v in values if v.start() == mh2.end() + m.start("value2")), None)
        if first is None or second is None or _is_delta(sentence, first.start(), second.end(), ""):
            continue
        for hit, v in ((mh, first), (mh2, second)):
            found = resolve(hit, mh.start(), second.end())
            if found is not None and float(v.group("value")) <= 100:
                emit(found[0], found[1], v, mh.start(), second.end())
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
                if _AFTER_METRIC.fullmatch(sentence[mh.end() : v.start()]):
                    pick = v
                    break
        if pick is None:
            rose = _ROSE_TO.match(sentence, mh.end())
            if rose is not None and not metrics_re.search(rose.group("mid")):
                reached = next((v for v in values if v.start() == rose.start("v2") and v.start() not in used), None)
                start_value = next((v for v in values if rose.group("v1") and v.start() == rose.start("v1")), None)
                rose_to = resolve(mh, mh.start(), rose.end()) if reached is not None else None
                if reached is not None and rose_to is not None and float(reached.group("value")) <= 100:
                    if start_value is not None:
                        used.add(start_value.start())
                    emit(rose_to[0], rose_to[1], reached, mh.start(), rose.end())
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
                    if metric is not None:
                        emit(bench, metric, v, v.start(), mh.end())
                continue
        if _is_delta(sentence, pick.start(), pick.end(), sentence[max(pick.end(), mh.end()) :]):
            used.add(pick.start())
            continue
        lo, hi = min(pick.start(), mh.start()), max(pick.end(), mh.end())
        found = resolve(mh, lo, hi)
        if found is not None:
            # every value listed before the metric ("82.8%, 84.2%, and 84.6% top-1 accuracy") is a result of it
            for v in listed:
                if v.start() not in used and float(v.group("value")) <= 100:
                    emit(found[0], found[1], v, min(v.start(), lo), hi)
    # "85.6% mAP on PASCAL VOC 2007 and 83.8% on PASCAL VOC 2012": a value with no metric of its own, stated on a
    # dataset, takes the metric stated before it in the sentence when that metric is one of the dataset's
    for v in values:
        if v.start() in used or not out:
            continue
        target = next((h for h in ds_hits if _binds(sentence, v.end(), h[0])), None)
        before = [mh for mh in metric_hits if mh.end() <= v.start()]
        if target is None or not before or _is_delta(sentence, v.start(), v.end(), ""):
            continue
        if not re.search(rf"(?:{_LIST_JOIN}|\s+)$", sentence[max(0, v.start() - 8) : v.start()]):
            continue
        metric = _resolve_metric(target[1], before[-1].group(0), sentence[before[-1].end() : before[-1].end() + 30])
        if metric is not None and float(v.group("value")) <= 100:
            emit(target[1], metric, v, v.start(), target[0].end())
    _carry_metric(sentence, values, used, out, carry, named, emit)
    return out


def _carry_metric(
    sentence: str,
    values: Sequence[re.Match[str]],
    used: set[int],
    out: Sequence[dict[str, object]],
    carry: tuple[str, str] | None,
    named: set[str],
    emit: Any,
) -> None:
    """Values achieved with no metric of their own ("our UniNet-B6 achieves 87.4%, outperforming ...", "... top-1
    accuracy on ImageNet with ResNet-50 and 79.6% with a larger ResNet"): each takes the dataset and metric of the
    own result stated before it, in this sentence or (``carry``) the sentence before, when nothing follows the
    value that would be its own unit or metric and the sentence names no other dataset."""
    if _OTHER_BENCHMARK.search(sentence) and not named:
        return
    tax = load_taxonomy()
    for v in values:
        if v.start() in used or float(v.group("value")) > 100 or not _NO_METRIC_AFTER.match(sentence, v.end()):
            continue
        earlier = [r for r in out if r["own"] and int(r["end"]) <= v.start()]  # type: ignore[call-overload]
        head = sentence[max(0, v.start() - 40) : v.start()]
        if earlier and _AND_BEFORE.search(head) and _WITH_AFTER.match(sentence, v.end()):
            dataset, metric = str(earlier[-1]["dataset"]), str(earlier[-1]["metric"])
        elif _ACHIEVED.search(head) and (earlier or carry):
            dataset, metric = (str(earlier[-1]["dataset"]), str(earlier[-1]["metric"])) if earlier else carry  # type: ignore[misc]
        else:
            continue
        bench = tax.get(dataset)
        if bench is None or (named and dataset not in named) or _is_delta(sentence, v.start(), v.end(), ""):
            continue
        emit(bench, metric, v, v.start(), v.end(), 0.1)


def _datasets_named(sentence: str) -> list[str]:
    """The tracked datasets a sentence names, in order."""
    datasets_re, _, _ = _patterns()
    tax = load_taxonomy()
    out: list[str] = []
    for m in datasets_re.finditer(sentence):
        bench = tax.get(m.group(0)) or tax.dataset(m.group(0))
        if bench is not None and bench.dataset not in out:
            out.append(bench.dataset)
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
    end = abstract_end(doc)
    out: list[Candidate] = []
    context: list[str] = []
    quiet = 0
    carry: tuple[str, str] | None = None
    for sent in iter_sentences(doc):
        found = results_in(sent.text, default_dataset=main, context=context, in_abstract=sent.start < end, carry=carry)
        out.extend(_candidates(doc, sent, found))
        # the datasets named last stay the context of up to two sentences that name none
        named = _datasets_named(sent.text)
        quiet = 0 if named else quiet + 1
        context = named or (context if quiet <= _CONTEXT_SENTENCES else [])
        own = [r for r in found if r["own"]]
        carry = (str(own[-1]["dataset"]), str(own[-1]["metric"])) if own else None
    return out


def _candidates(doc: Document, sent: SentenceSpan, found: Sequence[dict[str, Any]]) -> list[Candidate]:
    return [
        Candidate(
            paper=doc.paper,
            kind="result",
            extractor=EXTRACTOR,
            evidence=doc.evidence(sent.start, sent.end),
            confidence=float(r["confidence"]),
            fields={k: r[k] for k in ("task", "dataset", "split", "metric", "value", "value_text", "own")},
            flags=tuple(r.get("flags", ())),
            model=None,
            stage="training",
        )
        for r in found
    ]
