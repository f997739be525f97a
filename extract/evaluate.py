"""Score extracted candidates against the gold facts (``annotations/gold/<paper>.jsonl``).

Matching rules (one gold fact matches at most one candidate; candidates are taken greedily in order of
decreasing confidence, each matching the first unmatched gold fact of its paper and kind that it fits):

- hardware: same canonical ``accelerator`` and same ``count`` (null equals null);
- training_time: ``hours`` within 10 % of the gold hours;
- result: same ``dataset``, same ``metric`` and the same ``value`` as printed (numeric equality after parsing);
- parameters: ``value`` within 2 % of the gold value.

Two modes are scored:

- ``facts`` (the default): what the extractor asserts as the paper's own facts (:func:`extract.facts.select_facts`:
  headline own results, training-stage hardware and time, own parameters) against the gold's headline results
  and its hardware, training time and parameters. A fact matching a non-headline gold result is a false positive
  (it is true, but not a headline result); the report counts those apart.
- ``candidates``: every candidate that is not inference-stage, own for results, at or above ``min_confidence``,
  against every gold line.

Papers fall in the develop or validate half by :func:`flopsdb.core.ids.half_of`; the report gives both.
Precision, recall and F1 are given per kind and micro-averaged over all kinds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flopsdb.core.errors import ExtractError
from flopsdb.core.ids import HALVES, half_of
from flopsdb.extract.candidate import KINDS, Candidate
from flopsdb.extract.facts import is_fact

MODES: tuple[str, ...] = ("facts", "candidates")


@dataclass(frozen=True)
class GoldFact:
    """One gold line: its paper, kind, fields, page and quote."""

    paper: str
    kind: str
    fields: Mapping[str, Any]
    page: int | None = None
    quote: str = ""
    model: str | None = None
    stage: str | None = None

    @property
    def headline(self) -> bool:
        """A headline result (results only; the headline policy of annotations/GUIDELINES.md)."""
        return self.kind == "result" and bool(self.fields.get("headline"))


def load_gold(path: str | Path) -> tuple[dict[str, list[GoldFact]], list[str]]:
    """Gold facts by paper from a folder of ``<paper>.jsonl`` files (or one file), and the problems met.

    A bad line is reported in the second value and skipped; the rest is kept.
    """
    root = Path(path)
    files = sorted(root.glob("*.jsonl")) if root.is_dir() else [root]
    if not files or not all(f.exists() for f in files):
        raise ExtractError(f"no gold files at {root}")
    gold: dict[str, list[GoldFact]] = {}
    problems: list[str] = []
    for f in files:
        gold.setdefault(f.stem, [])
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                kind = d["kind"]
                if kind not in KINDS:
                    raise ValueError(f"unknown kind {kind!r}")
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(f"{f.name}:{n}: {exc}")
                continue
            reserved = {"paper", "kind", "model", "stage", "page", "quote", "note"}
            gold[f.stem].append(
                GoldFact(
                    str(d.get("paper") or f.stem),
                    kind,
                    {k: v for k, v in d.items() if k not in reserved},
                    d.get("page"),
                    d.get("quote", ""),
                    d.get("model"),
                    d.get("stage"),
                )
            )
    return gold, problems


def _num(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _close(a: Any, b: Any, rel: float) -> bool:
    x, y = _num(a), _num(b)
    return x is not None and y is not None and abs(x - y) <= rel * abs(y) + 1e-9


def matches(candidate: Candidate, gold: GoldFact) -> bool:
    """Whether a candidate states the gold fact, by the module's matching rules."""
    if candidate.kind != gold.kind:
        return False
    c, g = candidate.fields, gold.fields
    if gold.kind == "hardware":
        return c.get("accelerator") == g.get("accelerator") and c.get("count") == g.get("count")
    if gold.kind == "training_time":
        return _close(c.get("hours"), g.get("hours"), 0.10)
    if gold.kind == "result":
        return c.get("dataset") == g.get("dataset") and c.get("metric") == g.get("metric") and _close(c.get("value"), g.get("value"), 0.0)
    return _close(c.get("value"), g.get("value"), 0.02)


def scored(candidate: Candidate, min_confidence: float = 0.0, mode: str = "candidates") -> bool:
    """Whether a candidate takes part in scoring: in ``facts`` mode when it is asserted as a fact; in
    ``candidates`` mode when it is not inference-stage, own for results, and above the threshold."""
    if mode == "facts":
        return is_fact(candidate, min_confidence)
    if candidate.stage == "inference" or candidate.confidence < min_confidence:
        return False
    return not (candidate.kind == "result" and not candidate.fields.get("own"))


@dataclass
class Score:
    """True positives, false positives and false negatives of one kind (or all)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 0 when nothing was proposed."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 0 when there is no gold."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """Scores per kind, the micro total, and per paper the gold facts missed and the false candidates."""

    by_kind: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    misses: dict[str, list[GoldFact]] = field(default_factory=dict)
    false_positives: dict[str, list[Candidate]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    papers: int = 0
    min_confidence: float = 0.0
    mode: str = "candidates"
    half: str = "all"
    true_not_headline: int = 0
    """Facts mode: results that match a non-headline gold line (counted as false positives)."""

    @property
    def micro(self) -> Score:
        """All kinds pooled."""
        return Score(sum(s.tp for s in self.by_kind.values()), sum(s.fp for s in self.by_kind.values()), sum(s.fn for s in self.by_kind.values()))


def score(
    gold: Mapping[str, list[GoldFact]],
    candidates: Mapping[str, Iterable[Candidate]],
    *,
    min_confidence: float = 0.0,
    mode: str = "candidates",
    evaluation: Evaluation | None = None,
) -> Evaluation:
    """Match candidates to gold paper by paper (greedy by confidence) and count tp/fp/fn per kind."""
    ev = evaluation or Evaluation()
    ev.min_confidence, ev.mode = min_confidence, mode
    for paper, facts in gold.items():
        ev.papers += 1
        cands = sorted((c for c in candidates.get(paper, ()) if scored(c, min_confidence, mode)), key=lambda c: -c.confidence)
        aside = [g for g in facts if mode == "facts" and g.kind == "result" and not g.headline]
        free = [g for g in facts if g not in aside]
        for c in cands:
            hit = next((g for g in free if matches(c, g)), None)
            if hit is None:
                ev.by_kind[c.kind].fp += 1
                ev.false_positives.setdefault(paper, []).append(c)
                if any(matches(c, g) for g in aside):
                    ev.true_not_headline += 1
            else:
                ev.by_kind[c.kind].tp += 1
                free.remove(hit)
        for g in free:
            ev.by_kind[g.kind].fn += 1
            ev.misses.setdefault(paper, []).append(g)
    return ev


def find_pdf(paper: str, pdf_dirs: Iterable[str | Path]) -> Path:
    """``<paper>.pdf`` in the first folder that has it (the first folder's path when none has it)."""
    dirs = [Path(d) for d in pdf_dirs]
    return next((d / f"{paper}.pdf" for d in dirs if (d / f"{paper}.pdf").exists()), dirs[0] / f"{paper}.pdf")


def evaluate_dir(
    gold_dir: str | Path,
    pdf_dirs: str | Path | Iterable[str | Path],
    *,
    min_confidence: float = 0.0,
    modes: Iterable[str] = MODES,
    halves: Iterable[str] = HALVES,
    papers: Iterable[str] | None = None,
    extract: Callable[[Path, str], Any] | None = None,
) -> dict[tuple[str, str], Evaluation]:
    """Extract the PDF of every gold paper (``<paper>.pdf`` in one of ``pdf_dirs``) once and score it in each
    mode for each half: ``{(half, mode): Evaluation}``; half ``all`` pools both halves.

    ``extract(path, paper)`` defaults to :func:`extract.pipeline.extract_file`; a PDF that is missing or
    cannot be read counts all its gold facts as misses and is listed in ``failures``. ``papers`` restricts the
    run to those ids.
    """
    from flopsdb.extract.pipeline import extract_file

    dirs = [pdf_dirs] if isinstance(pdf_dirs, (str, Path)) else list(pdf_dirs)
    gold, problems = load_gold(gold_dir)
    wanted = set(papers) if papers is not None else None
    halves = tuple(halves)
    gold = {p: f for p, f in gold.items() if (wanted is None or p in wanted) and ("all" in halves or half_of(p) in halves)}
    run = extract or (lambda path, paper: extract_file(path, paper=paper))
    candidates: dict[str, list[Candidate]] = {}
    failures: dict[str, str] = {}
    for paper in gold:
        outcome = run(find_pdf(paper, dirs), paper)
        if not outcome.ok:
            failures[paper] = outcome.error or outcome.reason or "failed"
        candidates[paper] = list(outcome.candidates)
    out: dict[tuple[str, str], Evaluation] = {}
    for half in halves:
        part = {p: f for p, f in gold.items() if half == "all" or half_of(p) == half}
        for mode in modes:
            ev = Evaluation(problems=problems, half=half, failures={p: r for p, r in failures.items() if p in part})
            out[(half, mode)] = score(part, candidates, min_confidence=min_confidence, mode=mode, evaluation=ev)
    return out


def _describe(fields: Mapping[str, Any], kind: str) -> str:
    keys = {
        "hardware": ("accelerator", "count", "unit"),
        "training_time": ("hours", "scope"),
        "result": ("dataset", "metric", "value"),
        "parameters": ("value",),
    }[kind]
    return ", ".join(f"{k}={fields.get(k)}" for k in keys)


def format_report(ev: Evaluation, *, verbose: bool = False) -> str:
    """The table of precision, recall and F1 per kind and micro; with ``verbose`` the misses and false positives per paper."""
    head = f"{ev.half} half, {ev.mode}: papers: {ev.papers}   min confidence: {ev.min_confidence}"
    if ev.mode == "facts":
        head += f"   true but not headline: {ev.true_not_headline}"
    lines = [head, f"{'kind':<14} {'gold':>5} {'tp':>5} {'fp':>5} {'fn':>5} {'precision':>9} {'recall':>7} {'F1':>6}"]
    rows = [(k, ev.by_kind[k]) for k in KINDS] + [("micro", ev.micro)]
    for name, s in rows:
        lines.append(f"{name:<14} {s.tp + s.fn:>5} {s.tp:>5} {s.fp:>5} {s.fn:>5} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f}")
    for paper, reason in sorted(ev.failures.items()):
        lines.append(f"failed: {paper}: {reason}")
    for p in ev.problems:
        lines.append(f"gold problem: {p}")
    if verbose:
        for paper in sorted(set(ev.misses) | set(ev.false_positives)):
            lines.append(f"\n== {paper}")
            for g in ev.misses.get(paper, []):
                lines.append(f"  miss {g.kind:<13} {_describe(g.fields, g.kind)}  p{g.page}: {g.quote[:90]!r}")
            for c in ev.false_positives.get(paper, []):
                lines.append(
                    f"  fp   {c.kind:<13} {_describe(c.fields, c.kind)}  conf={c.confidence} p{c.evidence.page}: {c.evidence.snippet[:90]!r}"
                )
    return "\n".join(lines)
