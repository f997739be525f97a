"""Fits of error against training compute, after Thompson et al. and past them.

- :func:`ols_fit`: the paper's polynomial (log error on log compute) and exponential (error on log
  compute) models by OLS, with standard errors, 95% confidence intervals, R squared and n.
- :func:`year_fit`: the same, controlling for publication year.
- :func:`quantile_fit`: the frontier as the q = 0.1 quantile regression; :func:`pareto_front` and a
  fit through the Pareto-best models.
- :func:`saturating_fit`: error = E + A * C^-alpha by robust least squares (soft-L1) with bootstrap
  intervals.
- :func:`coverage`: by accuracy rank, the share of leaderboard entries with a compute figure.

Every result lists the fact ids of the points it used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from flopsdb.core.errors import FitError
from flopsdb.scaling.benchmarks import TRANSFORMS, Transform

RANK_BINS: tuple[tuple[int, int | None], ...] = ((1, 10), (11, 25), (26, 50), (51, 100), (101, None))


@dataclass(frozen=True)
class FitPoint:
    """One model: its training compute (FLOP), error (0-1), year and the facts behind both."""

    flop: float
    error: float
    fact_ids: tuple[str, ...]
    model: str | None = None
    paper: str | None = None
    year: int | None = None
    source: str | None = None
    flop_low: float | None = None
    flop_high: float | None = None
    result_source: str | None = None
    year_source: str | None = None
    year_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: compute (FLOP), error, model, year (with where it came from, or why there is none), paper, where
        the result and the compute come from."""
        return {
            "compute": self.flop,
            "error": self.error,
            "model": self.model,
            "year": self.year,
            "year_source": self.year_source,
            "year_reason": self.year_reason,
            "paper": self.paper,
            "result_source": self.result_source,
            "compute_source": self.source,
            "fact_ids": list(self.fact_ids),
        }


@dataclass
class LinearFit:
    """A linear fit y = intercept + slope * log10(FLOP) (+ year_coef * year)."""

    method: str
    n: int
    intercept: float
    slope: float
    slope_se: float | None
    intercept_se: float | None
    r2: float | None
    ci: list[float] | None
    fact_ids: list[str]
    year_coef: float | None = None
    year_se: float | None = None
    cov: list[list[float]] | None = field(default=None, repr=False)

    def predict(self, log10_flop: np.ndarray | float) -> np.ndarray | float:
        """y at ``log10_flop`` (year terms excluded)."""
        return self.intercept + self.slope * np.asarray(log10_flop)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (without the covariance)."""
        d = asdict(self)
        d.pop("cov")
        return d


@dataclass
class SaturatingFit:
    """error = E + A * C^-alpha (A reported as log10), with bootstrap 95% intervals."""

    n: int
    E: float
    log10_A: float
    alpha: float
    E_ci: list[float] | None
    alpha_ci: list[float] | None
    loss: str
    bootstrap: int
    fact_ids: list[str]
    converged: bool = True

    def predict(self, log10_flop: np.ndarray | float) -> np.ndarray | float:
        """The fitted error at ``log10_flop``."""
        lc = np.asarray(log10_flop, dtype=float)
        return self.E + 10 ** (self.log10_A - self.alpha * lc)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


@dataclass
class FitResult:
    """Everything ``flopsdb fit`` reports for one benchmark and compute measure."""

    benchmark: str
    form: str
    x: str
    y_transform: str
    convention: str
    source: str
    main: LinearFit
    points: list[FitPoint]
    year_control: LinearFit | None = None
    quantile: LinearFit | None = None
    pareto: LinearFit | None = None
    pareto_ids: list[str] = field(default_factory=list)
    saturating: SaturatingFit | None = None
    coverage: list[dict[str, Any]] = field(default_factory=list)
    extrapolation: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    relative_to: str | None = None
    """The model whose x every point's x is divided by (``--relative-to``), or None for the x itself."""
    model_contains: str | None = None
    """The model-name filter the points passed (``--model-contains``), or None for every model."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: the main fit's fields at the top level, variants nested."""
        m = self.main
        out: dict[str, Any] = {
            "benchmark": self.benchmark,
            "form": self.form,
            "x": self.x,
            "relative_to": self.relative_to,
            "model_contains": self.model_contains,
            "y_transform": TRANSFORMS[self.y_transform].label,
            "n": m.n,
            "intercept": m.intercept,
            "slope": m.slope,
            "slope_se": m.slope_se,
            "r2": m.r2,
            "ci": m.ci,
            "convention": self.convention,
            "source": self.source,
            "fact_ids": m.fact_ids,
            "year_control": self.year_control.to_dict() if self.year_control else None,
            "frontier": {
                "quantile": self.quantile.to_dict() if self.quantile else None,
                "pareto": self.pareto.to_dict() if self.pareto else None,
                "pareto_fact_ids": self.pareto_ids,
            },
            "saturating": self.saturating.to_dict() if self.saturating else None,
            "coverage": self.coverage,
            "points": [p.to_dict() for p in self.points],
            "notes": self.notes,
        }
        if self.extrapolation is not None:
            out.update({k: self.extrapolation.get(k) for k in ("target_error", "log10_flop", "usd", "co2_kg")})
            out["extrapolation"] = self.extrapolation
        return out


def _xy(points: Sequence[FitPoint], transform: Transform) -> tuple[np.ndarray, np.ndarray]:
    bad = [p for p in points if not (p.flop > 0 and 0 < p.error < 1)]
    if bad:
        raise FitError(f"{len(bad)} point(s) outside the domain (FLOP > 0, 0 < error < 1), e.g. {bad[0].fact_ids[:1]}")
    x = np.log10([p.flop for p in points])
    y = np.array([transform.forward(p.error) for p in points])
    return x, y


def _ids(points: Sequence[FitPoint]) -> list[str]:
    return [i for p in points for i in p.fact_ids]


def _check(points: Sequence[FitPoint], need: int, what: str) -> None:
    if len(points) < need:
        raise FitError(f"{what} needs at least {need} points, got {len(points)}")
    if len({round(math.log10(p.flop), 9) for p in points}) < 2:
        raise FitError(f"{what}: all points have the same compute")


def ols_fit(points: Sequence[FitPoint], transform: Transform, *, method: str = "ols", alpha: float = 0.05) -> LinearFit:
    """OLS of transform(error) on log10(FLOP): coefficients, SEs, (1 - alpha) CI of the slope, R squared, n."""
    _check(points, 3, "an OLS fit")
    x, y = _xy(points, transform)
    import statsmodels.api as sm  # imported on demand: only fits need it (issue 12)

    res = sm.OLS(y, sm.add_constant(x)).fit()
    return _ols_result(res, method, points, alpha, cov=res.cov_params().tolist())


def _ols_result(res: Any, method: str, points: Sequence[FitPoint], alpha: float, **extra: Any) -> LinearFit:
    """A :class:`LinearFit` of a statsmodels OLS result whose first two parameters are the intercept and the slope."""
    ci = res.conf_int(alpha)[1]
    return LinearFit(
        method=method,
        n=len(points),
        intercept=float(res.params[0]),
        slope=float(res.params[1]),
        slope_se=float(res.bse[1]),
        intercept_se=float(res.bse[0]),
        r2=float(res.rsquared),
        ci=[float(ci[0]), float(ci[1])],
        fact_ids=_ids(points),
        **extra,
    )


def year_fit(points: Sequence[FitPoint], transform: Transform, *, alpha: float = 0.05) -> LinearFit:
    """OLS of transform(error) on log10(FLOP) and year (points without a year are left out)."""
    pts = [p for p in points if p.year is not None]
    _check(pts, 4, "a fit with a year control")
    if len({p.year for p in pts}) < 2:
        raise FitError("a fit with a year control needs at least two distinct years")
    x, y = _xy(pts, transform)
    years = np.array([float(p.year) for p in pts if p.year is not None])
    import statsmodels.api as sm

    res = sm.OLS(y, sm.add_constant(np.column_stack([x, years]))).fit()
    return _ols_result(res, "ols+year", pts, alpha, year_coef=float(res.params[2]), year_se=float(res.bse[2]))


def quantile_fit(points: Sequence[FitPoint], transform: Transform, *, q: float = 0.1, alpha: float = 0.05) -> LinearFit:
    """Quantile regression of transform(error) on log10(FLOP) at quantile ``q`` of the error (the frontier).

    For transforms that increase as error falls (log10(1/error), 1/error) the quantile is 1 - q, so
    the line always tracks the lowest-error models. Standard errors use the first sparsity bandwidth
    (Hall-Sheather, Chamberlain, Bofinger) that gives finite values; None when none does.
    """
    _check(points, 5, "a quantile fit")
    x, y = _xy(points, transform)
    tq = q if transform.forward(0.5) < transform.forward(0.9) else 1.0 - q
    import statsmodels.api as sm

    model = sm.QuantReg(y, sm.add_constant(x))
    res = None
    for bandwidth in ("hsheather", "chamberlain", "bofinger"):
        res = model.fit(q=tq, bandwidth=bandwidth)
        if np.all(np.isfinite(res.bse)):
            break
    assert res is not None
    finite = bool(np.all(np.isfinite(res.bse)))
    ci = res.conf_int(alpha)[1]
    return LinearFit(
        method=f"quantile q={q}",
        n=len(points),
        intercept=float(res.params[0]),
        slope=float(res.params[1]),
        slope_se=float(res.bse[1]) if finite else None,
        intercept_se=float(res.bse[0]) if finite else None,
        r2=None,
        ci=[float(ci[0]), float(ci[1])] if finite else None,
        fact_ids=_ids(points),
    )


def pareto_front(points: Sequence[FitPoint]) -> list[FitPoint]:
    """The Pareto-best models: each has a lower error than every model that used no more compute."""
    best: list[FitPoint] = []
    lowest = math.inf
    for p in sorted(points, key=lambda p: (p.flop, p.error)):
        if p.error < lowest:
            best.append(p)
            lowest = p.error
    return best


def _sat_solve(x: np.ndarray, y: np.ndarray, f_scale: float, start: np.ndarray | None = None) -> tuple[np.ndarray, bool]:
    from scipy.optimize import least_squares  # on demand (issue 12)

    m = float(x.mean())

    def resid(theta: np.ndarray) -> np.ndarray:
        e, log_a, alpha = theta
        return e + 10 ** (log_a - alpha * (x - m)) - y

    ymin = float(y.min())
    starts = [start] if start is not None else []
    starts += [np.array([0.5 * ymin, math.log10(max(float(y.mean()) - 0.5 * ymin, 1e-6)), a]) for a in (0.05, 0.2, 0.5)]
    best = None
    for s0 in starts:
        s0 = np.clip(s0, [0.0, -12.0, 0.0], [ymin, 2.0, 5.0])
        sol = least_squares(resid, s0, bounds=([0.0, -12.0, 0.0], [ymin, 2.0, 5.0]), loss="soft_l1", f_scale=f_scale)
        if best is None or sol.cost < best.cost:
            best = sol
    assert best is not None
    theta = best.x.copy()
    theta[1] = theta[1] + theta[2] * m
    return theta, bool(best.success)


def saturating_fit(points: Sequence[FitPoint], *, bootstrap: int = 200, seed: int = 0) -> SaturatingFit:
    """error = E + A * C^-alpha (E >= 0, A > 0, alpha >= 0), robust soft-L1 loss, bootstrap 95% intervals."""
    _check(points, 5, "a saturating power-law fit")
    x = np.log10([p.flop for p in points])
    y = np.array([p.error for p in points], dtype=float)
    if not np.all((y > 0) & (y < 1)):
        raise FitError("a saturating fit needs errors in (0, 1)")
    f_scale = max(0.05 * float(np.median(y)), 1e-4)
    theta, ok = _sat_solve(x, y, f_scale)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(bootstrap):
        idx = rng.integers(0, len(x), len(x))
        if len(set(np.round(x[idx], 9))) < 3:
            continue
        t, _ = _sat_solve(x[idx], y[idx], f_scale)
        draws.append(t)
    e_ci = alpha_ci = None
    if draws:
        arr = np.array(draws)
        e_ci = [float(np.percentile(arr[:, 0], 2.5)), float(np.percentile(arr[:, 0], 97.5))]
        alpha_ci = [float(np.percentile(arr[:, 2], 2.5)), float(np.percentile(arr[:, 2], 97.5))]
    return SaturatingFit(
        n=len(points),
        E=float(theta[0]),
        log10_A=float(theta[1]),
        alpha=float(theta[2]),
        E_ci=e_ci,
        alpha_ci=alpha_ci,
        loss="soft_l1",
        bootstrap=len(draws),
        fact_ids=_ids(points),
        converged=ok,
    )


def coverage(entries: Sequence[tuple[str, float, bool]]) -> list[dict[str, Any]]:
    """By accuracy rank (lowest error first): how many leaderboard entries have a compute figure.

    ``entries`` are (result fact id, error, has_compute). Returns one row per rank bin of
    :data:`RANK_BINS` that has entries: ranks, entries, with_compute, share.
    """
    ranked = sorted(entries, key=lambda e: e[1])
    out = []
    for lo, hi in RANK_BINS:
        chunk = ranked[lo - 1 : hi]
        if not chunk:
            continue
        have = sum(1 for e in chunk if e[2])
        out.append({"ranks": f"{lo}-{hi}" if hi else f"{lo}+", "entries": len(chunk), "with_compute": have, "share": round(have / len(chunk), 3)})
    return out


def mixing_warnings(points: Sequence[FitPoint], main: LinearFit, transform: Transform, form: str) -> list[str]:
    """A warning per source whose points change the fit: the slope with them is outside the 95% CI of the fit
    of the other sources' points."""
    out: list[str] = []
    sources = {p.source for p in points}
    if len(sources) < 2:
        return out
    for src in sorted(s for s in sources if s):
        rest = [p for p in points if p.source != src]
        try:
            without = ols_fit(rest, transform, method=f"ols {form}")
        except FitError:
            continue
        if without.ci and not without.ci[0] <= main.slope <= without.ci[1]:
            out.append(
                f"warning: the {sum(p.source == src for p in points)} {src} point(s) change the fit: slope "
                f"{main.slope:.4g} (R2 {main.r2:.3g}) with them, {without.slope:.4g} (R2 {without.r2:.3g}) without"
            )
    return out
