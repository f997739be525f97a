"""The fitting code on synthetic data with known answers (no ../shared needed)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from flopsdb.core.errors import FitError
from flopsdb.scaling.benchmarks import TRANSFORMS
from flopsdb.scaling.extrapolate import CostAssumptions, extrapolate
from flopsdb.scaling.fit import FitPoint, coverage, ols_fit, pareto_front, quantile_fit, saturating_fit, year_fit

LOG = TRANSFORMS["log10_error"]


def _points(log_c, errors, years=None):
    years = years if years is not None else [None] * len(log_c)
    return [FitPoint(flop=10**c, error=e, fact_ids=(f"f{i}",), year=y) for i, (c, e, y) in enumerate(zip(log_c, errors, years))]


def test_ols_recovers_an_exact_line():
    lc = np.linspace(17, 23, 9)
    pts = _points(lc, 10 ** (1.2 - 0.08 * lc))
    f = ols_fit(pts, LOG)
    assert f.n == 9
    assert f.slope == pytest.approx(-0.08, abs=1e-10)
    assert f.intercept == pytest.approx(1.2, abs=1e-8)
    assert f.r2 == pytest.approx(1.0)
    assert f.fact_ids == [f"f{i}" for i in range(9)]


def test_ols_standard_error_matches_the_textbook_formula():
    rng = np.random.default_rng(3)
    lc = rng.uniform(16, 24, 30)
    y = 0.5 - 0.1 * lc + rng.normal(0, 0.05, 30)
    f = ols_fit(_points(lc, 10**y), LOG)
    resid = y - (f.intercept + f.slope * lc)
    se = math.sqrt(resid @ resid / (30 - 2) / ((lc - lc.mean()) @ (lc - lc.mean())))
    assert f.slope_se == pytest.approx(se, rel=1e-8)
    assert f.ci[0] < f.slope < f.ci[1]
    assert f.ci[1] - f.slope == pytest.approx(2.0484 * se, rel=1e-3)


def test_exponential_form_uses_error_itself():
    lc = np.linspace(18, 22, 5)
    f = ols_fit(_points(lc, 1.2 - 0.05 * lc), TRANSFORMS["error"])
    assert f.slope == pytest.approx(-0.05)


def test_year_control_separates_compute_and_time():
    rng = np.random.default_rng(0)
    years = rng.integers(2012, 2022, 40)
    lc = 17 + 0.4 * (years - 2012) + rng.normal(0, 1, 40)
    y = 40.0 - 0.05 * lc - 0.02 * years
    f = year_fit(_points(lc, 10**y, [int(v) for v in years]), LOG)
    assert f.slope == pytest.approx(-0.05, abs=1e-8)
    assert f.year_coef == pytest.approx(-0.02, abs=1e-8)


def test_year_control_needs_years():
    with pytest.raises(FitError, match="year"):
        year_fit(_points([17, 18, 19, 20], [0.3, 0.2, 0.15, 0.1]), LOG)


def test_quantile_frontier_follows_the_best_models():
    lc = np.repeat(np.arange(17.0, 23.0), 10)
    offsets = np.tile(np.linspace(0, 0.45, 10), 6)
    pts = _points(lc, 10 ** (0.6 - 0.1 * lc + offsets))
    q = quantile_fit(pts, LOG, q=0.1)
    assert q.slope == pytest.approx(-0.1, abs=1e-6)
    assert q.intercept < ols_fit(pts, LOG).intercept


def test_pareto_front_keeps_only_undominated_models():
    pts = _points([17, 18, 18.5, 19, 20], [0.30, 0.25, 0.27, 0.20, 0.22])
    assert [p.fact_ids[0] for p in pareto_front(pts)] == ["f0", "f1", "f3"]


def test_saturating_fit_recovers_the_floor_and_exponent():
    lc = np.linspace(16, 24, 25)
    err = 0.05 + 10 ** (2.0 - 0.15 * lc)
    s = saturating_fit(_points(lc, err), bootstrap=20)
    assert s.E == pytest.approx(0.05, abs=1e-4)
    assert s.alpha == pytest.approx(0.15, abs=1e-3)
    assert s.log10_A == pytest.approx(2.0, abs=1e-2)
    assert s.E_ci[0] <= s.E + 1e-9 and s.E - 1e-9 <= s.E_ci[1]


def test_saturating_fit_is_robust_to_an_outlier():
    lc = np.linspace(16, 24, 25)
    err = 0.05 + 10 ** (2.0 - 0.15 * lc)
    err[12] = 0.6
    s = saturating_fit(_points(lc, err), bootstrap=0)
    assert s.alpha == pytest.approx(0.15, abs=0.01)


def test_too_few_points_and_bad_errors_are_refused():
    with pytest.raises(FitError, match="at least 3"):
        ols_fit(_points([17, 18], [0.2, 0.1]), LOG)
    with pytest.raises(FitError, match="outside the domain"):
        ols_fit(_points([17, 18, 19], [0.2, 0.1, 1.5]), LOG)
    with pytest.raises(FitError, match="same compute"):
        ols_fit(_points([18, 18, 18], [0.2, 0.1, 0.3]), LOG)


def test_coverage_by_rank():
    entries = [(f"r{i}", i / 100, i % 2 == 0) for i in range(1, 31)]
    rows = coverage(entries)
    assert [r["ranks"] for r in rows] == ["1-10", "11-25", "26-50"]
    assert [r["entries"] for r in rows] == [10, 15, 5]
    assert rows[0]["with_compute"] == 5 and rows[2]["with_compute"] == 3


def test_extrapolation_inverts_the_line_and_prices_it():
    lc = np.linspace(17, 23, 7)
    f = ols_fit(_points(lc, 10 ** (1.0 - 0.1 * lc)), LOG)
    costs = CostAssumptions(
        hardware="X",
        precision="fp32",
        peak_flops=1e13,
        utilisation=0.5,
        tdp_watts=400.0,
        price_per_chip_hour=2.0,
        pue=1.5,
        grid_kg_per_kwh=0.5,
        sources={},
    )
    ex = extrapolate(f, LOG, 0.01, costs)
    assert ex["log10_flop"] == pytest.approx(30.0, abs=1e-6)
    hours = 1e30 / (1e13 * 0.5) / 3600
    assert ex["chip_hours"] == pytest.approx(hours, rel=1e-6)
    assert ex["usd"] == pytest.approx(2.0 * hours, rel=1e-6)
    assert ex["co2_kg"] == pytest.approx(hours * 0.4 * 1.5 * 0.5, rel=1e-6)
    assert ex["assumptions"]["pue"]["value"] == 1.5


def test_extrapolation_interval_widens_with_noise():
    rng = np.random.default_rng(1)
    lc = rng.uniform(17, 23, 25)
    f = ols_fit(_points(lc, 10 ** (1.0 - 0.1 * lc + rng.normal(0, 0.05, 25))), LOG)
    ex = extrapolate(f, LOG, 0.01, None)
    lo, hi = ex["log10_flop_ci"]
    assert lo < ex["log10_flop"] < hi
    with pytest.raises(FitError):
        extrapolate(f, LOG, 1.5, None)


def test_tpu_board_peaks_are_priced_per_chip(fixture_catalog):
    from flopsdb.scaling.extrapolate import cost_assumptions

    a = cost_assumptions(fixture_catalog, conv_name="thompson", hardware="TPU v3", price_per_hour=1.0)
    assert a.peak_flops == pytest.approx(4 * 123e12) and a.chips_per_unit == 4
    lc = np.linspace(17, 23, 7)
    f = ols_fit(_points(lc, 10 ** (1.0 - 0.1 * lc)), LOG)
    ex = extrapolate(f, LOG, 0.01, a)
    assert ex["chip_hours"] == pytest.approx(1e30 / (4 * 123e12) / 3600 * 4, rel=1e-9)
    assert ex["co2_kg"] == pytest.approx(ex["chip_hours"] * 0.220 * a.pue * a.grid_kg_per_kwh, rel=1e-9)


def test_prices_come_from_an_epoch_style_table(fixture_catalog, fx):
    from flopsdb.scaling.extrapolate import cost_assumptions, price_from_table

    price, source = price_from_table(fx / "prices.csv", "V100", fixture_catalog)
    assert price == 3.0 and "3 NVIDIA V100 rows" in source
    a = cost_assumptions(fixture_catalog, conv_name="epoch", hardware="V100", prices_file=fx / "prices.csv", pue=1.2)
    assert a.price_per_chip_hour == 3.0 and a.utilisation == 0.4 and a.peak_flops == 125e12
    assert a.to_dict()["pue"] == {"value": 1.2, "source": "--pue"}
