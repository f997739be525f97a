"""Epoch's methodology over flopsdb's estimates: one figure per model by the method Epoch names, and comparability."""

from __future__ import annotations

import csv
import math
import statistics

import pytest

from flopsdb.core.catalog import load_catalog
from flopsdb.core.errors import ScalingError
from flopsdb.scaling.compute import ComputeEstimate, geometric_mean
from flopsdb.scaling.epoch import COMPARABLE, comparability, epoch_figure
from flopsdb.scaling.importers import epoch_method, parse_epoch


def _est(method: str, flop: float, **assumptions: object) -> ComputeEstimate:
    conv = {"hardware": "epoch", "operations": "operations"}[method]
    return ComputeEstimate(flop, flop / 2, flop * 2, method, conv, "compute", (f"f-{method}",), dict(assumptions))


HW, OPS = _est("hardware", 4e20, utilisation=0.3, utilisation_from="default"), _est("operations", 1e20, epochs_from="source")
PUBLISHED = ComputeEstimate(3e20, 3e20, 3e20, "hardware", "epoch", "compute", (), {"as_published": True})
BURDEN = ComputeEstimate(9e21, 9e21, 9e21, "hardware", "thompson", "hardware_burden", (), {})


def test_the_geometric_mean_keeps_both_methods_inputs():
    g = geometric_mean(HW, OPS)
    assert g.flop == pytest.approx(2e20) and g.flop_low == pytest.approx(1e20) and g.flop_high == pytest.approx(4e20)
    assert g.method == "hardware+operations" and g.fact_ids == ("f-hardware", "f-operations")
    assert g.assumptions["hardware"]["utilisation_from"] == "default" and g.assumptions["operations"]["epochs_from"] == "source"
    with pytest.raises(ScalingError):
        geometric_mean(OPS, HW)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Hardware, Operation counting", "hardware+operations"),
        ("Operation counting,Third-party estimation", "operations"),
        ("Hardware", "hardware"),
        ("Reported", "reported"),
        ("Benchmarks", "reported"),
        ("", "reported"),
    ],
)
def test_epochs_method_column_names_a_method(text, named):
    assert epoch_method(text) == named


@pytest.mark.parametrize(
    ("text", "estimates", "flop", "method_from"),
    [
        ("Hardware,Operation counting", [HW, OPS], 2e20, "source"),
        ("Hardware", [HW, OPS], 4e20, "source"),
        ("Operation counting", [HW, OPS], 1e20, "source"),
        ("Hardware", [OPS], 1e20, "default"),
        ("Operation counting,Hardware", [HW], 4e20, "default"),
        ("Reported", [HW, OPS], 1e20, "default"),
        ("Hardware", [PUBLISHED, BURDEN, HW], 4e20, "source"),
    ],
)
def test_the_figure_follows_the_method_epoch_names(text, estimates, flop, method_from):
    fig = epoch_figure(text, estimates)
    assert fig is not None and fig.flop == pytest.approx(flop) and fig.assumptions["method_from"] == method_from
    assert ("method_fallback" in fig.assumptions) == (method_from == "default")


def test_no_own_estimate_gives_no_figure():
    assert epoch_figure("Hardware", [PUBLISHED, BURDEN]) is None


def test_a_fine_tuned_rows_mean_adds_the_base_once():
    base = {"base_model": "Base", "base_compute": 1e23}
    hw = _est("hardware", 1e23 + 4e20, fine_tuning_flop=4e20, **base)
    ops = _est("operations", 1e23 + 1e20, fine_tuning_flop=1e20, **base)
    fig = epoch_figure("Hardware, Operation counting", [hw, ops])
    assert fig is not None and fig.flop == pytest.approx(1e23 + 2e20) and fig.assumptions["fine_tuning_flop"] == pytest.approx(2e20)


def test_comparability_reads_epochs_columns_only():
    rec = {"Training compute estimation method": "Hardware"}
    fig = epoch_figure("Hardware", [HW])
    assert fig is not None and comparability(fig, rec, 1e20) == (COMPARABLE, 4e20, 1e20)
    reported = comparability(fig, {"Training compute estimation method": "Reported"}, 1e20)
    assert reported[0].startswith("Epoch's figure is by neither method") and reported[2] == 1e20
    fallback = epoch_figure("Hardware", [OPS])
    assert fallback is not None and comparability(fallback, rec, 1e20)[0].startswith("Epoch's method needs inputs")
    orphan = _est("hardware", 4e18, base_model="Unknown", base_compute="unknown (not in the table): the fine-tuning only")
    fig = epoch_figure("Hardware", [orphan])
    assert fig is not None
    assert comparability(fig, {**rec, "Finetune compute (FLOP)": "5e18"}, 1e23)[1:] == (4e18, 5e18)
    assert comparability(fig, {**rec, "Finetune compute (FLOP)": "3"}, 1e23)[2] is None  # not a figure
    tuned = _est("hardware", 1e23 + 4e20, fine_tuning_flop=4e20, base_model="Base", base_compute=1e23)
    fig = epoch_figure("Hardware", [tuned])
    assert fig is not None
    left_out = comparability(fig, rec, 5e20)
    assert "base left out" in left_out[0] and left_out[1:] == (4e20, 5e20)
    assert comparability(fig, rec, 1.01e23)[0] == COMPARABLE


@pytest.mark.shared
def test_like_for_like_figures_meet_the_target_on_epochs_table(shared_dir):
    path = shared_dir / "datasets" / "epoch" / "epoch_all_ml_systems_full_view.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = {f"epoch:{i + 2}": rec for i, rec in enumerate(csv.DictReader(fh))}
    batch = parse_epoch(path, catalog=load_catalog())
    published = {e.entry_id: e.estimate.flop for e in batch.estimates if e.estimate.assumptions.get("as_published")}
    by_entry: dict[str, list[ComputeEstimate]] = {}
    for e in batch.estimates:
        by_entry.setdefault(e.entry_id, []).append(e.estimate)
    ratios = []
    for entry, ests in by_entry.items():
        fig = epoch_figure(rows[entry].get("Training compute estimation method"), ests)
        if fig is None or entry not in published:
            continue
        why, own, reference = comparability(fig, rows[entry], published[entry])
        if why == COMPARABLE and reference:
            ratios.append(own / reference)
    assert len(ratios) > 400
    assert math.isclose(statistics.median(ratios), 1.0, rel_tol=0.10)
    assert sum(0.5 <= r <= 2 for r in ratios) / len(ratios) >= 0.895
