"""Reproduction of the published regressions of Thompson et al. from the authors' CSVs (needs ../shared)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.fitting import FitOptions, import_thompson, run_fit

pytestmark = pytest.mark.shared


@pytest.fixture
def thompson_store(store, shared_dir):
    path = shared_dir / "datasets" / "thompson2022"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    counts = import_thompson(store, path)
    assert counts["failures"] == 0
    return store


@pytest.mark.parametrize(
    "bench, x, form, n, slope, r2",
    [
        ("imagenet", "hardware_burden", "polynomial", 36, -0.0933, 0.766),
        ("imagenet", "network_operations", "polynomial", 77, -0.0836, 0.720),
        ("coco", "hardware_burden", "polynomial", 13, 0.0599, 0.776),
        ("coco", "network_operations", "polynomial", 7, 0.0584, 0.860),
        ("squad1.1", "hardware_burden", "polynomial", 12, 0.0956, 0.872),
        ("conll2003", "hardware_burden", "polynomial", 12, 0.0269, 0.417),
        ("wmt14-en-de", "hardware_burden", "polynomial", 12, 0.0141, 0.188),
        ("wmt14-en-fr", "hardware_burden", "polynomial", 14, 0.0236, 0.147),
        # the exponential form of the NLP notebooks: 1/(1 - score) on log10(hardware_burden)
        ("squad1.1", "hardware_burden", "exponential", 12, 1.36, 0.878),
        ("conll2003", "hardware_burden", "exponential", 12, 0.852, 0.376),
        ("wmt14-en-de", "hardware_burden", "exponential", 12, 0.0462, 0.198),
        ("wmt14-en-fr", "hardware_burden", "exponential", 14, 0.0806, 0.138),
        # the COCO notebook's consolidated column: measured hardware burden, else predicted from network operations
        ("coco", "hardware_burden_consolidated", "polynomial", 20, 0.0610, 0.814),
        ("coco", "hardware_burden_consolidated", "exponential", 20, 0.270, 0.814),
    ],
)
def test_published_regressions(thompson_store, bench, x, form, n, slope, r2):
    res = run_fit(thompson_store, FitOptions(benchmark=bench, x=x, form=form, source="thompson", variants=False))
    assert res.main.n == n
    assert float(f"{res.main.slope:.3g}") == slope
    assert float(f"{res.main.r2:.3g}") == r2
    assert len({f for f in res.main.fact_ids if ":result:" in f}) == n


def test_the_cli_prints_them(thompson_store, config):
    res = CliRunner().invoke(
        main,
        ["fit", "--benchmark", "squad1.1", "--x", "hardware_burden", "--source", "thompson", "--no-variants", "--format", "json"],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert (doc["n"], round(doc["slope"], 4), round(doc["r2"], 3)) == (12, 0.0956, 0.872)
    assert doc["y_transform"] == "log10(1/error)"


def test_consolidation_keeps_measured_burden_and_predicts_the_rest(thompson_store):
    """COCO has 13 results with a hardware burden and 7 others with only network operations: the
    consolidated fit has all 20, and its 13 measured points keep their own hardware burden."""
    measured = run_fit(thompson_store, FitOptions(benchmark="coco", x="hardware_burden", source="thompson", variants=False))
    both = run_fit(thompson_store, FitOptions(benchmark="coco", x="hardware_burden_consolidated", source="thompson", variants=False))
    flop = {p.fact_ids[0]: p.flop for p in measured.points}
    assert len(both.points) == 20
    kept = [p for p in both.points if p.fact_ids[0] in flop]
    assert len(kept) == 13 and all(p.flop == flop[p.fact_ids[0]] for p in kept)
    assert any("7 result(s) without a hardware burden" in n for n in both.notes)
