"""From rows to points: benchmark aliases, score -> error, match and source preference."""

from __future__ import annotations

import pytest

from flopsdb.scaling.benchmarks import resolve_benchmark
from flopsdb.scaling.inputs import matches_benchmark, points_from_rows, to_error


def _row(fid, source, match="entry", value=80.0, flop=1e20, paper="2001.00001", model="M", estimate_id="e"):
    return {
        "benchmark": "imagenet",
        "metric": "top1",
        "value": value,
        "compute_source": source,
        "paper": paper,
        "model": model,
        "year": 2020,
        "flop": flop,
        "flop_low": flop,
        "flop_high": flop,
        "match": match,
        "estimate_id": estimate_id,
        "fact_ids": [fid, f"c-{source}"],
    }


def test_aliases_and_metrics():
    bench = resolve_benchmark("ImageNet-1k")
    assert bench.key == "imagenet"
    assert matches_benchmark(bench, "ILSVRC 2012", "Top-1 accuracy")
    assert not matches_benchmark(bench, "ImageNet", "top5")
    assert not matches_benchmark(bench, "COCO", "top1")
    other = resolve_benchmark("Penn Treebank")
    assert other.key == "Penn Treebank" and other.polynomial == "log10_error"


def test_scores_become_errors():
    bench = resolve_benchmark("imagenet")
    assert to_error(76.5, bench) == pytest.approx(0.235)
    assert to_error(0.765, bench) == pytest.approx(0.235)


def test_one_point_per_result_preferring_entry_then_published():
    bench = resolve_benchmark("imagenet")
    rows = [
        _row("r1", "epoch", match="partial", flop=1e21),
        _row("r1", "epoch", match="name", flop=2e21),
        _row("r2", "epoch", match="name", flop=3e21, model="N", estimate_id="x:hardware"),
        _row("r2", "epoch", match="name", flop=4e21, model="N", estimate_id="x:operations:published"),
    ]
    points, _ = points_from_rows(rows, bench)
    assert sorted(p.flop for p in points) == [2e21, 4e21]


def test_preferred_source_wins_for_the_same_model():
    bench = resolve_benchmark("imagenet")
    rows = [_row("r1", "thompson", flop=1e20), _row("r2", "curated", flop=2e20), _row("r3", "epoch", flop=3e20)]
    points, notes = points_from_rows(rows, bench)
    assert [p.source for p in points] == ["curated"]
    assert "2 point(s) left out" in notes[0]


def test_impossible_scores_are_left_out_with_a_note():
    bench = resolve_benchmark("imagenet")
    points, notes = points_from_rows([_row("r1", "thompson", value=120.0)], bench)
    assert points == [] and "outside (0, 1)" in notes[0]
