"""Plots (matplotlib, Agg): error vs compute on log axes with the fitted lines, the frontier, the
saturating curve and the extrapolation fan; written as PNG or SVG by the file's suffix."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from flopsdb.core.errors import ScalingError  # noqa: E402
from flopsdb.scaling.benchmarks import TRANSFORMS  # noqa: E402
from flopsdb.scaling.fit import FitResult, LinearFit  # noqa: E402

__all__ = ["plot_fit"]

_SOURCE_COLOURS = {"thompson": "tab:blue", "epoch": "tab:green", "curated": "tab:purple"}


def _line(fit: LinearFit, transform_name: str, lc: np.ndarray) -> np.ndarray:
    return np.asarray([TRANSFORMS[transform_name].inverse(v) for v in fit.predict(lc)], dtype=float)


def plot_fit(result: FitResult, path: str | Path) -> Path:
    """Draw ``result`` to ``path`` (``.png`` or ``.svg``) and return the path."""
    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg"):
        raise ScalingError(f"plot file must end in .png or .svg, not {out.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    pts = result.points
    lc = np.log10([p.flop for p in pts])
    err = np.array([p.error for p in pts])
    hi = max(lc.max(), result.extrapolation["log10_flop"] if result.extrapolation else lc.max())
    grid = np.linspace(lc.min() - 0.3, hi + 0.3, 200)
    fig, ax = plt.subplots(figsize=(7.5, 5.0), dpi=120)
    for src in sorted({p.source or "" for p in pts}):
        mask = np.array([(p.source or "") == src for p in pts])
        ax.scatter(10 ** lc[mask], err[mask], s=18, alpha=0.7, color=_SOURCE_COLOURS.get(src, "tab:gray"),
                   label=f"{src or 'points'} (n={int(mask.sum())})")
    pareto = set(result.pareto_ids)
    pm = np.array([p.fact_ids[0] in pareto for p in pts])
    if pm.any():
        ax.scatter(10 ** lc[pm], err[pm], s=60, facecolors="none", edgecolors="black", label="Pareto-best")
    m = result.main
    ax.plot(10 ** grid, _line(m, result.y_transform, grid), color="tab:red",
            label=f"{result.form} OLS on {TRANSFORMS[result.y_transform].label}: slope {m.slope:.4f}, R² {m.r2:.3f}")
    if result.quantile is not None:
        ax.plot(10 ** grid, _line(result.quantile, result.y_transform, grid), color="tab:orange", ls="--",
                label=f"frontier (q=0.1): slope {result.quantile.slope:.4f}")
    if result.saturating is not None:
        s = result.saturating
        ax.plot(10 ** grid, s.predict(grid), color="tab:brown", ls=":", label=f"saturating: E={s.E:.3f}, α={s.alpha:.3f}")
    ex = result.extrapolation
    if ex is not None and ex.get("log10_flop_ci") and m.cov is not None:
        rng = np.random.default_rng(0)
        theta = rng.multivariate_normal([m.intercept, m.slope], np.array(m.cov), size=2000)
        tr = TRANSFORMS[result.y_transform]
        ys = theta[:, :1] + theta[:, 1:] * grid[None, :]
        curves = np.vectorize(tr.inverse)(ys)
        ax.fill_between(10 ** grid, np.percentile(curves, 2.5, axis=0), np.percentile(curves, 97.5, axis=0),
                        color="tab:red", alpha=0.15, label="95% band of the fit")
        ax.axhline(ex["target_error"], color="gray", lw=0.8)
        lo, hi_ci = ex["log10_flop_ci"]
        ax.axvspan(10 ** lo, 10 ** hi_ci, color="gray", alpha=0.12)
        ax.axvline(10 ** ex["log10_flop"], color="gray", ls="--", lw=0.8,
                   label=f"target {ex['target_error']:.3g}: 10^{ex['log10_flop']:.1f} FLOP")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"training compute: {result.x} [FLOP] ({result.convention} convention)")
    ax.set_ylabel("error (1 - score)")
    ax.set_title(f"{result.benchmark}: error vs compute (source: {result.source})")
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out
