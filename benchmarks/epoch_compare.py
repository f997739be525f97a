"""Compare flopsdb's own compute estimates with Epoch AI's ``Training compute (FLOP)`` column.

For every model of Epoch's table that has a published figure and enough inputs, flopsdb's hardware method
(epoch convention: the source's MFU and numerical format when given, else the defaults) and operation counting
(6 x parameters x tokens x epochs) are computed and divided by Epoch's figure; the distribution of the ratio is
printed, split by whether the utilisation came from the source.

Usage: python benchmarks/epoch_compare.py [../shared/datasets/epoch/epoch_all_ml_systems_full_view.csv]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from flopsdb.core.catalog import load_catalog
from flopsdb.scaling.importers import parse_epoch

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "epoch" / "epoch_all_ml_systems_full_view.csv"


def _summary(label: str, ratios: list[float]) -> str:
    if not ratios:
        return f"{label}: no models"
    within = sum(0.5 <= r <= 2 for r in ratios) / len(ratios)
    q = statistics.quantiles(ratios, n=10) if len(ratios) > 1 else [ratios[0]] * 9
    return f"{label}: n={len(ratios)} median ratio {statistics.median(ratios):.3f}, p10 {q[0]:.3f}, p90 {q[-1]:.3f}, within 2x {within:.0%}"


def main(path: Path) -> None:
    """Print the ratio distributions of flopsdb's estimates to Epoch's published training compute."""
    batch = parse_epoch(path, catalog=load_catalog())
    published = {e.entry_id: e.estimate.flop for e in batch.estimates if e.estimate.assumptions.get("as_published")}
    groups: dict[str, list[float]] = {}
    for e in batch.estimates:
        est = e.estimate
        if est.assumptions.get("as_published") or e.entry_id not in published or est.convention == "thompson":
            continue
        key = (
            f"{est.method} ({'utilisation from source' if est.assumptions.get('utilisation_from') == 'source' else 'default utilisation'})"
            if est.method == "hardware"
            else f"operations (epochs {est.assumptions.get('epochs_from', 'default')})"
        )
        groups.setdefault(key, []).append(est.flop / published[e.entry_id])
    for key in sorted(groups):
        print(_summary(key, groups[key]))
    print(_summary("all", [r for v in groups.values() for r in v]))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
