"""From database rows to fit points: benchmark matching, score -> error, curated compute, de-duplication.

Pure functions over the dict rows that ``db.facts`` returns, so they are testable without a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from flopsdb.core.errors import ScalingError
from flopsdb.core.ids import model_key, unversioned
from flopsdb.core.taxonomy import load_taxonomy
from flopsdb.scaling.benchmarks import Benchmark
from flopsdb.scaling.fit import FitPoint
from flopsdb.scaling.forward import FORWARD_OPS

SOURCE_PREFERENCE: tuple[str, ...] = ("curated", "thompson", "epoch")


def _norm(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def matches_benchmark(bench: Benchmark, name: str | None, metric: str | None) -> bool:
    """True when a result's benchmark and metric are ``bench``'s primary benchmark and metric.

    Imported results carry the canonical key and metric id (``imagenet``/``top1``); curated results
    carry the dataset and metric as reviewed (``ImageNet``/``Top-1 accuracy``), matched by alias.
    """
    key = _norm(name)
    if key != _norm(bench.key) and key not in {_norm(a) for a in bench.aliases}:
        return False
    primary = bench.metrics.get(bench.metric)
    if not metric or primary is None:
        return True
    m = _norm(metric)
    return m == _norm(primary) or m in {_norm(a) for a in bench.metric_aliases}


def is_error_metric(bench: Benchmark, metric: str | None, dataset: str | None = None) -> bool:
    """True when ``metric`` is an error (lower is better) by the benchmark taxonomy (``flopsdb/core/data/benchmarks.v2.jsonl``).

    The metric is looked up among the metrics of ``dataset`` (or of ``bench``'s names); a metric the
    taxonomy does not know is a score (higher is better).
    """
    if not metric:
        return False
    tax = load_taxonomy()
    for name in (dataset, bench.key, bench.title, *bench.aliases):
        ds = tax.dataset(name) if name else None
        found = ds.metric(metric) if ds is not None else None
        if found is not None:
            return not found.higher_is_better
    return False


def to_error(value: float, bench: Benchmark, metric: str | None = None, dataset: str | None = None) -> float:
    """The error of a result: an error metric (``top-1 error``) is kept, a score becomes 1 - value/scale.

    Values on a percentage benchmark of at most 1 are read as fractions.
    """
    scale = bench.scale
    if scale == 100 and 0 < value <= 1:
        scale = 1.0
    if is_error_metric(bench, metric, dataset):
        return value / scale
    return 1.0 - value / scale


def point_key(paper: str | None, model: str | None) -> tuple[str, str]:
    """The identity of a model across sources: the paper without its arXiv version and the normalised model name."""
    base = unversioned(str(paper or ""))
    return _norm(base), model_key(model) or ""


_SINGLE = re.compile(r"\(\s*single(?:[- ]model)?\s*\)|\bsingle[- ]model\b", re.I)
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})$", re.I)


def bare_key(model: str | None) -> str:
    """A model's key without a ``(single model)`` / ``(single)`` qualifier (leaderboards print it, papers often not)."""
    return model_key(_SINGLE.sub(" ", model or "")) or ""


def _merge_record_groups(groups: dict[tuple[str, str], list[dict[str, Any]]], bench: Benchmark) -> int:
    """Join each group of imported rows (Thompson, Epoch) to the curated model record it is (a group holding a curated
    result) when the names differ: of the same paper (arXiv id without version), the record with the same name once
    a ``(single model)`` qualifier is dropped, else the one record with the same error on the benchmark, else the one
    record whose key begins with the other's (``XLNet`` and ``XLNet-Large``, ``MoE`` and ``MoE with 2048 Experts``);
    and when one of the two papers is not named by an arXiv id (Thompson's rows without an arXiv link carry the
    title, a record's paper can be a PDF stem), the one record with the same name and the same error or year.
    An ambiguous match joins nothing. Returns how many groups were joined."""
    records = {k: g for k, g in groups.items() if any(r.get("result_source") == "curated" for r in g)}
    if not records:
        return 0

    def err(g: list[dict[str, Any]]) -> set[float]:
        out = set()
        for r in g:
            try:
                out.add(round(to_error(float(r["value"]), bench, r.get("metric"), r.get("benchmark")), 4))
            except (TypeError, ValueError):
                continue
        return out

    def arxiv(g: list[dict[str, Any]]) -> bool:
        return any(_ARXIV_ID.match(unversioned(str(r.get("paper") or "")).strip()) for r in g)

    bare = {k: {bare_key(r.get("model")) for r in g} | {k[1]} for k, g in records.items()}
    rec_arxiv = {k: arxiv(g) for k, g in records.items()}
    rec_years = {k: {r.get("year") for r in g} - {None} for k, g in records.items()}
    errors = {k: err(g) for k, g in records.items()}
    joined = 0
    for key in [k for k in groups if k not in records]:
        group = groups[key]
        paper, name = key
        names = {bare_key(r.get("model")) for r in group} | {name}
        mine = err(group)
        same_paper = [k for k in records if paper and k[0] == paper]
        tests = (
            [k for k in same_paper if names & bare[k]],
            [k for k in same_paper if mine & errors[k]],
            [k for k in same_paper if any(n and b and n != b and (b.startswith(n) or n.startswith(b)) for n in names for b in bare[k])],
        )
        hits = next((h for h in tests if h), [])
        target = hits[0] if len(hits) == 1 else None
        if target is None and not same_paper:
            imp_arxiv = arxiv(group)
            years = {r.get("year") for r in group} - {None}
            hits = [k for k in records if not (imp_arxiv and rec_arxiv[k]) and names & bare[k] and (mine & errors[k] or years & rec_years[k])]
            target = hits[0] if len(hits) == 1 else None
        if target is not None:
            groups[target].extend(groups.pop(key))
            joined += 1
    return joined


def _rank(row: dict[str, Any], order: dict[str, int]) -> tuple[int, int]:
    published = str(row.get("estimate_id") or "").endswith(":published")
    return order.get(row.get("match") or "entry", 3), 0 if published else 1


def points_from_rows(rows: Iterable[dict[str, Any]], bench: Benchmark) -> tuple[list[FitPoint], list[str]]:
    """Fit points from ``fit_inputs`` rows of one benchmark; returns the points and notes on what was dropped.

    One point per result fact (the best match: same entry, then same model name; a figure as published
    before one flopsdb computed). Points of one model (:func:`point_key`: paper without version, normalised
    model name) from several sources are one point: the preferred source (curated, thompson, epoch) is kept,
    and a curated model record gives one point per benchmark (its headline result first).
    """
    notes: list[str] = []
    seen: dict[str, dict[str, Any]] = {}
    order = {"entry": 0, "name": 1, "partial": 2}
    for r in rows:
        if not matches_benchmark(bench, r.get("benchmark"), r.get("metric")):
            continue
        rid = r["fact_ids"][0]
        old = seen.get(rid)
        if old is None or _rank(r, order) < _rank(old, order):
            seen[rid] = r
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in seen.values():
        groups.setdefault(point_key(r.get("paper"), r.get("model")), []).append(r)
    merged = _merge_record_groups(groups, bench)
    if merged:
        notes.append(
            f"{merged} imported model(s) are a curated model record (same paper: by name, score or name prefix; a paper without arXiv id: by name and score or year)"
        )
    points: list[FitPoint] = []
    dropped = 0
    for members in groups.values():
        srcs = {m["compute_source"] for m in members}
        keep = next((s for s in SOURCE_PREFERENCE if s in srcs), None)
        kept = [r for r in members if keep is None or r["compute_source"] == keep]
        if keep == "curated" or any(r.get("result_source") == "curated" for r in members):
            kept = sorted(kept, key=lambda r: r.get("result_source") != "curated")[:1]
        dropped += len(members) - len(kept)
        for r in kept:
            err = to_error(float(r["value"]), bench, r.get("metric"), r.get("benchmark"))
            if not 0 < err < 1:
                notes.append(f"{r['fact_ids'][0]}: score {r['value']} gives error {err:.3g} outside (0, 1); left out")
                continue
            points.append(
                FitPoint(
                    flop=float(r["flop"]),
                    error=err,
                    fact_ids=tuple(r["fact_ids"]),
                    model=r.get("model"),
                    paper=r.get("paper"),
                    year=r.get("year"),
                    source=r["compute_source"],
                    flop_low=r.get("flop_low"),
                    flop_high=r.get("flop_high"),
                    result_source=r.get("result_source") or r.get("source"),
                    year_source=r.get("year_source") or ((r.get("result_source") or r.get("source")) if r.get("year") is not None else None),
                    year_reason=r.get("year_reason") if r.get("year") is None else None,
                )
            )
    if dropped:
        notes.append(f"{dropped} point(s) left out because the same model has compute from a preferred source")
    undated = [p for p in points if p.year is None]
    if undated:
        why = {f"{p.paper}: {p.year_reason or 'the source gives no year'}" for p in undated}
        notes.append(f"{len(undated)} point(s) without a year (not in the year control): " + " | ".join(sorted(why)[:5]))
    return points, notes


X_MEASURES: tuple[str, ...] = ("hardware_burden", "network_operations", "compute", "hardware_burden_consolidated", FORWARD_OPS)
"""The x of a fit (``flopsdb fit --x``): four training-compute measures, and operations per forward pass (a model's
size, not its training compute)."""


def select_measure(x: str, conv: str | None) -> tuple[str, str, Sequence[str] | None]:
    """What a fit on the x measure ``x`` (one of :data:`X_MEASURES`) under convention ``conv`` reads:
    ``(compute quantity, convention, compute methods or None for all)``; ``ScalingError`` for a mismatch."""
    if x == "hardware_burden":
        conv = conv or "thompson"
        return ("hardware_burden" if conv == "thompson" else "compute"), conv, (None if conv == "thompson" else ("hardware",))
    if x == "network_operations":
        return "network_operations", "operations", None
    if x == "hardware_burden_consolidated":
        if conv not in (None, "thompson"):
            raise ScalingError("--x hardware_burden_consolidated uses the thompson convention")
        return "hardware_burden", "thompson", None
    if x == FORWARD_OPS:
        if conv is not None:
            raise ScalingError("--x forward_ops is operations per forward pass: it has no compute convention")
        return FORWARD_OPS, "forward_pass", None
    if x == "compute":
        if conv not in (None, "epoch"):
            raise ScalingError("--x compute uses the epoch convention; use --x hardware_burden for thompson")
        return "compute", "epoch", None
    raise ScalingError(f"unknown --x {x!r}; one of {', '.join(X_MEASURES)}")
