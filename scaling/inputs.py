"""From database rows to fit points: benchmark matching, score -> error, curated compute, de-duplication.

Pure functions over the dict rows that ``db.facts`` returns, so they are testable without a database.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from flopsdb.extract.catalog import Catalog
from flopsdb.core.errors import ScalingError
from flopsdb.scaling.benchmarks import Benchmark
from flopsdb.scaling.compute import ComputeEstimate, Convention, hardware_compute
from flopsdb.scaling.fit import FitPoint
from flopsdb.scaling.importers import EstimateRow

__all__ = ["matches_benchmark", "to_error", "points_from_rows", "curated_estimates", "fit_rows_from_estimates", "SOURCE_PREFERENCE"]

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


def to_error(value: float, bench: Benchmark) -> float:
    """A score's error: 1 - value/scale; a score of at most 1 on a percentage benchmark is read as a fraction."""
    scale = bench.scale
    if scale == 100 and 0 < value <= 1:
        scale = 1.0
    return 1.0 - value / scale


def _rank(row: dict[str, Any], order: dict[str, int]) -> tuple[int, int]:
    published = str(row.get("estimate_id") or "").endswith(":published")
    return order.get(row.get("match") or "entry", 3), 0 if published else 1


def points_from_rows(rows: Iterable[dict[str, Any]], bench: Benchmark) -> tuple[list[FitPoint], list[str]]:
    """Fit points from ``fit_inputs`` rows of one benchmark; returns the points and notes on what was dropped.

    One point per result fact (the best match: same entry, then same model name; a figure as published
    before one flopsdb computed); when a model has
    compute from several sources, the preferred source (curated, thompson, epoch) is kept.
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
        groups.setdefault((_norm(r.get("paper")), _norm(r.get("model"))), []).append(r)
    points: list[FitPoint] = []
    dropped = 0
    for members in groups.values():
        srcs = {m["compute_source"] for m in members}
        keep = next((s for s in SOURCE_PREFERENCE if s in srcs), None)
        for r in members:
            if keep is not None and r["compute_source"] != keep:
                dropped += 1
                continue
            err = to_error(float(r["value"]), bench)
            if not 0 < err < 1:
                notes.append(f"{r['fact_ids'][0]}: score {r['value']} gives error {err:.3g} outside (0, 1); left out")
                continue
            points.append(FitPoint(flop=float(r["flop"]), error=err, fact_ids=tuple(r["fact_ids"]), model=r.get("model"),
                                   paper=r.get("paper"), year=r.get("year"), source=r["compute_source"],
                                   flop_low=r.get("flop_low"), flop_high=r.get("flop_high"),
                                   result_source=r.get("result_source") or r.get("source")))
    if dropped:
        notes.append(f"{dropped} point(s) left out because the same model has compute from a preferred source")
    return points, notes


def curated_estimates(facts: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]], *, catalog: Catalog,
                      conv: Convention) -> tuple[list[EstimateRow], dict[str, dict[str, Any]], list[str]]:
    """Compute estimates for curated results by the hardware method.

    ``facts`` are curated hardware / training_time facts; ``results`` are curated ``benchmark_results``
    rows. For each result's entry (paper, model) the hardware and training time of the same model, or
    of the paper when only one is given, are combined. Returns estimate rows keyed by the results'
    entry ids, entry info (paper, model, year) and the reasons some entries have no estimate.
    """
    by_paper: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        by_paper.setdefault(_norm(f["paper"]), []).append(f)
    rows: list[EstimateRow] = []
    info: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for r in results:
        entry = r["entry_id"]
        if entry in info:
            continue
        paper_facts = by_paper.get(_norm(r["paper"]), [])

        def pick(kind: str) -> dict[str, Any] | None:
            same = [f for f in paper_facts if f["kind"] == kind and _norm(f.get("model")) == _norm(r.get("model"))]
            anyf = [f for f in paper_facts if f["kind"] == kind]
            if same:
                return same[0]
            return anyf[0] if len(anyf) == 1 else None

        hw, tt = pick("hardware"), pick("training_time")
        if hw is None or tt is None:
            continue
        h, t = hw["fields"], tt["fields"]
        try:
            hours = float(t.get("hours") or 0)
            est = hardware_compute(str(h.get("accelerator") or ""), float(h.get("count") or 0), hours, catalog=catalog,
                                   conv=conv, hours_low=t.get("hours_low"), hours_high=t.get("hours_high"),
                                   count_unit=str(h.get("unit") or "chip"), fact_ids=(hw["fact_id"], tt["fact_id"]))
        except (ScalingError, TypeError, ValueError) as exc:
            notes.append(f"{entry}: no compute estimate: {exc}")
            continue
        rows.append(EstimateRow(entry, "curated", est))
        info[entry] = {"paper": r["paper"], "model": r.get("model"), "year": r.get("year")}
    return rows, info, notes


def fit_rows_from_estimates(results: Sequence[dict[str, Any]], rows: Sequence[EstimateRow]) -> list[dict[str, Any]]:
    """``fit_inputs``-shaped rows joining curated results with in-memory estimates (same entry)."""
    by_entry = {r.entry_id: r.estimate for r in rows}
    out = []
    for r in results:
        est: ComputeEstimate | None = by_entry.get(r["entry_id"])
        if est is None:
            continue
        out.append({**r, "result_source": r["source"], "compute_source": "curated", "quantity": est.quantity,
                    "convention": est.convention, "method": est.method, "flop": est.flop, "flop_low": est.flop_low,
                    "flop_high": est.flop_high, "fact_ids": [r["fact_id"], *est.fact_ids], "match": "entry"})
    return out
