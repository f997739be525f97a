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


@pytest.mark.parametrize(
    "bench, x, relative, n, slope, intercept, r2",
    [
        # ImageNet notebook, cell 44: log10(top-1 error) on log10(ops per forward pass)
        ("imagenet", "forward_ops", None, 110, -0.0821, 0.0915, 0.606),
        # COCO notebook, cell 7: log10(box AP) (the score, a fraction) on log10(ops per forward pass)
        ("coco", "forward_ops", None, 14, 0.0943, -1.43, 0.676),
        # ImageNet notebook, cell 67: log10(top-1 error) on log10(network operations / AlexNet's), a = -0.6285
        ("imagenet", "network_operations", "AlexNet", 77, -0.0836, -0.629, 0.720),
    ],
)
def test_published_regressions_past_training_compute(thompson_store, bench, x, relative, n, slope, intercept, r2):
    res = run_fit(thompson_store, FitOptions(benchmark=bench, x=x, source="thompson", relative_to=relative, variants=False))
    assert (res.main.n, float(f"{res.main.slope:.3g}"), float(f"{res.main.intercept:.3g}"), float(f"{res.main.r2:.3g}")) == (n, slope, intercept, r2)


def test_the_frontier_on_network_operations_relative_to_alexnet(thompson_store):
    """ImageNet notebook, cell 66: the q = 0.1 quantile regression of log10(error) on log10(network operations /
    AlexNet's): intercept -0.6726, slope -0.0841."""
    res = run_fit(thompson_store, FitOptions(benchmark="imagenet", x="network_operations", source="thompson", relative_to="AlexNet", bootstrap=5))
    assert res.quantile is not None and (round(res.quantile.intercept, 4), round(res.quantile.slope, 4)) == (-0.6726, -0.0841)


def test_forward_ops_never_reach_the_compute_views(thompson_store):
    with thompson_store.connect() as con:
        facts = con.execute("SELECT count(*) FROM imported_facts WHERE kind = 'forward_ops' AND benchmark = 'imagenet'").fetchone()[0]
        leaked = con.execute(
            "SELECT (SELECT count(*) FROM compute_estimates WHERE quantity = 'forward_ops')"
            " + (SELECT count(*) FROM fit_inputs WHERE quantity = 'forward_ops')"
            " + (SELECT count(*) FROM imported_facts WHERE kind = 'compute' AND json_extract_string(fields, '$.quantity') = 'forward_ops')"
        ).fetchone()[0]
    assert facts >= 110 and leaked == 0


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
