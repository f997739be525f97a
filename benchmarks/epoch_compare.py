"""Compare flopsdb's own compute estimates with Epoch AI's ``Training compute (FLOP)`` column.

For every model of Epoch's table that has a published figure and enough inputs, flopsdb's hardware method
(epoch convention: the source's MFU, numerical format and chip-hours when given, else the defaults) and operation
counting (6 x parameters, or a mixture-of-experts model's active parameters, x tokens x epochs) are computed and
divided by Epoch's figure; the distribution of the ratio is printed, split by whether the inputs came from the row,
and the estimates outside 2x are counted by cause (read from the row's inputs and Epoch's method and notes: a
diagnosis only). The estimates read two inputs from Epoch's notes where the columns give none, the utilisation and the
peak Epoch assumed (``flopsdb.scaling.epoch_notes``; the assumptions say ``*_from: notes``); the last lines print the
headline figures without that reader too (the columns only).

Then one figure per model (``epoch_figure``: the method Epoch's ``Training compute estimation method`` names, the
geometric mean when it names both), compared with Epoch's figure for every model, and split by general rules of
comparability that read Epoch's columns only, never flopsdb's ratio: Epoch's figure is by neither method (reported,
third-party, benchmarks, not stated); the row is fine-tuned from a base model whose compute is not in the table
(flopsdb's figure is the fine-tuning only: compared with Epoch's ``Finetune compute (FLOP)``); Epoch's figure is below
its base model's own (it leaves the base out: compared with flopsdb's fine-tuning figure); Epoch used a method the
row's columns do not give flopsdb the inputs of. The rest is the like-for-like comparison.

Usage: python benchmarks/epoch_compare.py [--outliers] [../shared/datasets/epoch/epoch_all_ml_systems_full_view.csv]
"""

from __future__ import annotations

import csv
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

from flopsdb.core.catalog import load_catalog
from flopsdb.scaling.compute import ComputeEstimate
from flopsdb.scaling.epoch import COMPARABLE, comparability, epoch_figure
from flopsdb.scaling.importers import parse_epoch

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "epoch" / "epoch_all_ml_systems_full_view.csv"
_MOE = re.compile(r"mixture[- ]of[- ]experts|\bmoe\b|\bexperts\b|\bsparse\b", re.I)


def _summary(label: str, ratios: list[float]) -> str:
    if not ratios:
        return f"{label}: no models"
    within = sum(0.5 <= r <= 2 for r in ratios) / len(ratios)
    q = statistics.quantiles(ratios, n=10) if len(ratios) > 1 else [ratios[0]] * 9
    return f"{label}: n={len(ratios)} median ratio {statistics.median(ratios):.3f}, p10 {q[0]:.3f}, p90 {q[-1]:.3f}, within 2x {within:.1%}"


def _group(est: ComputeEstimate) -> str:
    a = est.assumptions
    if est.method == "hardware":
        return f"hardware (utilisation from {a.get('utilisation_from', 'default')})"
    return f"operations (epochs {a.get('epochs_from', 'default')})"


def _base_unknown(est: ComputeEstimate) -> bool:
    return isinstance(est.assumptions.get("base_compute"), str)


def cause(est: ComputeEstimate, rec: dict[str, str]) -> str:
    """Why an estimate is outside 2x of Epoch's figure, from the row's inputs and Epoch's method and notes."""
    method = (rec.get("Training compute estimation method") or "").lower()
    notes = " ".join(rec.get(c) or "" for c in ("Training compute notes", "Parameters notes")).lower()
    if _base_unknown(est):
        return "fine-tuned: the base model's compute is not in the table (the estimate is the fine-tuning only)"
    if est.assumptions.get("base_model"):
        return "fine-tuned: Epoch's figure is not base + fine-tuning"
    if est.method == "operations" and _MOE.search(notes) and est.assumptions.get("parameters_from") != "active":
        return "mixture-of-experts (or sparse) model without active parameters in the row"
    if "hardware" in method and "operation" in method and re.search(r"sqrt|geometric|gmean", notes):
        return "Epoch's figure is the geometric mean of its hardware and operation-counting estimates"
    if ("hardware" if est.method == "hardware" else "operation") not in method:
        return f"Epoch used another method ({method or 'not stated'})"
    return f"same method, other inputs ({est.method}: stages, tokens seen, utilisation or peak)"


def _model_cause(est: ComputeEstimate, rec: dict[str, str]) -> str:
    """Why a like-for-like figure is outside 2x, from the row's inputs and Epoch's notes (a diagnosis only)."""
    notes = " ".join(rec.get(c) or "" for c in ("Training compute notes", "Parameters notes")).lower()
    a = est.assumptions
    if a.get("base_model"):
        return "fine-tuned: Epoch's figure is not base + fine-tuning"
    if est.method != "hardware" and _MOE.search(notes) and a.get("parameters_from") != "active":
        return "mixture-of-experts (or sparse) model without active parameters in the row"
    return f"same method, other inputs ({est.method}: stages, tokens seen, utilisation, peak or units)"


def model_ratios(
    batch_estimates: list[tuple[str, ComputeEstimate]], rows: dict[str, dict[str, str]], published: dict[str, float]
) -> tuple[list[float], list[float]]:
    """The ratios of one figure per model to Epoch's: every model's, and the like-for-like ones."""
    by_entry: dict[str, list[ComputeEstimate]] = {}
    for entry, est in batch_estimates:
        by_entry.setdefault(entry, []).append(est)
    every: list[float] = []
    like: list[float] = []
    for entry, ests in by_entry.items():
        est = epoch_figure(rows[entry].get("Training compute estimation method"), ests)
        if est is None or entry not in published:
            continue
        every.append(est.flop / published[entry])
        why, own, reference = comparability(est, rows[entry], published[entry])
        if why == COMPARABLE and reference is not None:
            like.append(own / reference)
    return every, like


def print_per_model(
    batch_estimates: list[tuple[str, ComputeEstimate]], rows: dict[str, dict[str, str]], published: dict[str, float], *, outliers: bool
) -> None:
    """Print one figure per model (``epoch_figure``) against Epoch's, for all models and by class of comparability."""
    by_entry: dict[str, list[ComputeEstimate]] = {}
    for entry, est in batch_estimates:
        by_entry.setdefault(entry, []).append(est)
    every: list[float] = []
    classes: dict[str, list[float]] = {}
    missing: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    table: list[tuple[float, str, str, str]] = []
    for entry, ests in by_entry.items():
        rec = rows[entry]
        est = epoch_figure(rec.get("Training compute estimation method"), ests)
        if est is None or entry not in published:
            continue
        every.append(est.flop / published[entry])
        why, own, reference = comparability(est, rec, published[entry])
        if reference is None:
            missing[why] += 1
            continue
        ratio = own / reference
        classes.setdefault(why, []).append(ratio)
        if why == COMPARABLE and not 0.5 <= ratio <= 2:
            causes[_model_cause(est, rec)] += 1
        if not 0.5 <= ratio <= 2:
            table.append((ratio, est.method, rec.get("Model", "").strip(), why))
    print()
    print(_summary("per model, every model, vs Training compute (FLOP)", every))
    print(_summary(f"per model, {COMPARABLE} (the headline)", classes.get(COMPARABLE, [])))
    for why in sorted(k for k in classes if k != COMPARABLE):
        print(_summary(f"  not like for like: {why}", classes[why]))
    for why, n in missing.items():
        print(f"  not like for like: {why}: {n} without an Epoch fine-tuning figure")
    print(f"like for like outside 2x: {sum(causes.values())}")
    for why, n in causes.most_common():
        print(f"  {n:4d}  {why}")
    if outliers:
        for ratio, method, model, why in sorted(table):
            print(f"{ratio:10.3g}  {method:20s}  {model[:40]:40s}  {why}")


def main(path: Path, *, outliers: bool = False) -> None:
    """Print the ratio distributions of flopsdb's estimates to Epoch's published training compute."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = {f"epoch:{i + 2}": rec for i, rec in enumerate(csv.DictReader(fh))}
    batch = parse_epoch(path, catalog=load_catalog())
    published = {e.entry_id: e.estimate.flop for e in batch.estimates if e.estimate.assumptions.get("as_published")}
    groups: dict[str, list[float]] = {}
    per_model: dict[str, tuple[str, float]] = {}
    comparable: list[float] = []
    causes: Counter[str] = Counter()
    table: list[tuple[float, str, str, str, str]] = []
    for e in batch.estimates:
        est = e.estimate
        if est.assumptions.get("as_published") or e.entry_id not in published or est.convention == "thompson":
            continue
        ratio = est.flop / published[e.entry_id]
        groups.setdefault(_group(est), []).append(ratio)
        if e.entry_id not in per_model or est.method == "operations":
            per_model[e.entry_id] = (est.method, ratio)
        if not _base_unknown(est):
            comparable.append(ratio)
        if not 0.5 <= ratio <= 2:
            rec = rows[e.entry_id]
            why = cause(est, rec)
            causes[why] += 1
            notes = (rec.get("Training compute notes") or "").replace("\n", " ")[:160]
            table.append((ratio, est.method, rec.get("Model", "").strip(), why, notes))
    for key in sorted(groups):
        print(_summary(key, groups[key]))
    print(_summary("all estimates", [r for v in groups.values() for r in v]))
    print(_summary("per model (operation counting where there is one, Epoch's preference; else hardware)", [r for _, r in per_model.values()]))
    print(_summary("all but fine-tuned rows whose base model's compute is not in the table", comparable))
    print(f"outside 2x: {sum(causes.values())}")
    for why, n in causes.most_common():
        print(f"  {n:4d}  {why}")
    if outliers:
        for ratio, method, model, why, notes in sorted(table):
            print(f"{ratio:10.3g}  {method:10s}  {model[:40]:40s}  {why[:60]:60s}  {notes}")
    print_per_model([(e.entry_id, e.estimate) for e in batch.estimates], rows, published, outliers=outliers)
    used = Counter(
        k
        for e in batch.estimates
        for k in ("utilisation_from", "peak_from")
        if e.estimate.convention == "epoch" and e.estimate.assumptions.get(k) == "notes"
    )
    print(f"\nthe notes reader (flopsdb.scaling.epoch_notes) gave {used['utilisation_from']} utilisations and {used['peak_from']} peaks")
    columns = parse_epoch(path, catalog=load_catalog(), notes=False)
    every, like = model_ratios([(e.entry_id, e.estimate) for e in columns.estimates], rows, published)
    print(_summary("columns only (no notes reader): per model, every model", every))
    print(_summary("columns only (no notes reader): per model, like for like", like))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--outliers"]
    main(Path(args[0]) if args else DEFAULT, outliers="--outliers" in sys.argv[1:])
