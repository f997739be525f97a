"""Plots (matplotlib, Agg): error vs compute on log axes with the fitted lines, the frontier, the
saturating curve and the extrapolation fan; written as PNG or SVG by the file's suffix."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import FormatStrFormatter, FuncFormatter, LogLocator, MaxNLocator, NullFormatter  # noqa: E402

from flopsdb.core.errors import ScalingError  # noqa: E402
from flopsdb.scaling.benchmarks import TRANSFORMS, resolve_benchmark  # noqa: E402
from flopsdb.scaling.fit import FitPoint, FitResult, LinearFit  # noqa: E402

_SOURCE_COLOURS = {"thompson": "tab:blue", "epoch": "tab:green", "curated": "tab:purple", "sample": "tab:cyan"}
_SOURCE_MARKERS = {"thompson": "o", "epoch": "s", "curated": "D", "sample": "^"}
SOURCE_NAMES: dict[str, str] = {
    "thompson": "Thompson et al. (2022)",
    "epoch": "Epoch AI",
    "curated": "curated (flopsdb review)",
    "sample": "flopsdb sample (published runs)",
}
_CONVENTIONS = {
    "thompson": "hardware burden: chips x peak FLOP/s x time, no utilisation (Thompson et al.)",
    "epoch": "chips x peak FLOP/s x time x utilisation (Epoch AI)",
    "operations": "operation counting: forward FLOP x 3 x epochs x examples",
    "forward_pass": "flops, else 2 x multiadds (Thompson et al.); a model's size, not its training compute",
}


def _plain(value: float, _: object = None) -> str:
    """A log tick in the metric's own terms: 0.05, 0.1, 0.2, 0.3 (never 4x10^-1)."""
    return f"{value:.4g}" if value >= 1e-4 else f"{value:.0e}"


def _metric(result: FitResult) -> tuple[str, str]:
    bench = resolve_benchmark(result.benchmark)
    return bench.title, bench.metric_name


def source_label(result_source: str | None, compute_source: str | None, n: int) -> str:
    """A legend entry by data source: ``Thompson et al. (2022) (n=36)``, or, when the compute comes from elsewhere,
    ``Thompson et al. (2022) results, Epoch AI compute (n=23)``."""
    res = result_source or compute_source
    name = SOURCE_NAMES.get(res or "", res or "points")
    if compute_source and res and compute_source != res:
        name = f"{name} results, {SOURCE_NAMES.get(compute_source, compute_source)} compute"
    return f"{name} (n={n})"


_LABEL_OFFSETS: tuple[tuple[int, int], ...] = tuple((dx, dy) for k in range(9) for dy in (-8 - 9 * k, 5 + 9 * k) for dx in (4, -4))
"""Where a frontier label may go, in points from its model's marker (just below or above, left or right, then
further away with a leader line): tried in order until it overlaps no other label."""


def _label_frontier(fig: Figure, ax: Axes, pts: list[FitPoint]) -> None:
    """``model (year)`` beside each frontier point, each label moved to the first offset where it stays inside the axes
    and overlaps no earlier one."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # the Agg canvas has it; matplotlib's FigureCanvasBase stub does not
    frame = ax.get_window_extent(renderer)
    placed: list = []
    for p in sorted(pts, key=lambda q: (q.flop, q.error)):
        text = f"{p.model} ({p.year})" if p.year else str(p.model)
        for n, (dx, dy) in enumerate(_LABEL_OFFSETS):
            leader = {"arrowstyle": "-", "lw": 0.4, "color": "0.4"} if abs(dy) > 10 else None
            ann = ax.annotate(
                text,
                (p.flop, p.error),
                fontsize=6,
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx > 0 else "right",
                va="center",
                arrowprops=leader,
            )
            ann.update_positions(renderer)  # an annotation's place is computed at draw time otherwise
            box = Text.get_window_extent(ann, renderer)  # the text alone, not its leader line
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if n == len(_LABEL_OFFSETS) - 1 or (inside and not any(box.overlaps(b) for b in placed)):
                break
            ann.remove()
        placed.append(box)


def _line(fit: LinearFit, transform_name: str, lc: np.ndarray) -> np.ndarray:
    return np.asarray([TRANSFORMS[transform_name].inverse(v) for v in np.atleast_1d(fit.predict(lc))], dtype=float)


def plot_fit(result: FitResult, path: str | Path) -> Path:
    """Draw ``result`` to ``path`` (``.png`` or ``.svg``) and return the path."""
    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg"):
        raise ScalingError(f"plot file must end in .png or .svg, not {out.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig = draw_fit(result)
    try:
        fig.savefig(out, bbox_inches="tight")
    finally:
        plt.close(fig)
    return out


def draw_fit(result: FitResult) -> Figure:
    """The figure of ``result`` (points by data source, fits, frontier, band, target); the caller closes it
    (``matplotlib.pyplot.close(fig)``)."""
    fig, ax = plt.subplots(figsize=(10.0, 5.5), dpi=120)
    try:
        _draw(fig, ax, result)
    except BaseException:
        plt.close(fig)
        raise
    return fig


def _draw(fig: Figure, ax: Axes, result: FitResult) -> None:
    pts = result.points
    lc = np.log10([p.flop for p in pts])
    err = np.array([p.error for p in pts])
    hi = max(lc.max(), result.extrapolation["log10_flop"] if result.extrapolation else lc.max())
    grid = np.linspace(lc.min() - 0.3, hi + 0.3, 200)
    years = [p.year for p in pts]
    by_year = result.year_control is not None and any(y is not None for y in years)
    scatter = None

    def origin(p: FitPoint) -> tuple[str, str]:
        return (p.result_source or p.source or "", p.source or "")

    for src, csrc in sorted({origin(p) for p in pts}):
        mask = np.array([origin(p) == (src, csrc) for p in pts])
        label = source_label(src or None, csrc or None, int(mask.sum()))
        if by_year:
            yr = np.array([np.nan if p.year is None else p.year for p in pts], dtype=float)
            scatter = ax.scatter(
                10 ** lc[mask],
                err[mask],
                s=22,
                c=yr[mask],
                cmap="viridis",
                marker=_SOURCE_MARKERS.get(src, "o"),
                vmin=np.nanmin(yr),
                vmax=np.nanmax(yr),
                label=label,
                edgecolors="none",
            )
        else:
            ax.scatter(
                10 ** lc[mask],
                err[mask],
                s=18,
                alpha=0.75,
                color=_SOURCE_COLOURS.get(src, "tab:gray"),
                marker=_SOURCE_MARKERS.get(src, "o"),
                label=label,
            )
    if scatter is not None:
        bar = fig.colorbar(scatter, ax=ax, pad=0.01)
        bar.set_label("publication year")
        bar.locator = MaxNLocator(integer=True)  # whole years, never 2017.5
        bar.formatter = FormatStrFormatter("%d")
        bar.update_ticks()
    pareto = set(result.pareto_ids)
    pm = np.array([p.fact_ids[0] in pareto for p in pts])
    if pm.any():
        ax.scatter(10 ** lc[pm], err[pm], s=60, facecolors="none", edgecolors="black", label="Pareto-best (frontier)")
    m = result.main
    ax.plot(
        10**grid,
        _line(m, result.y_transform, grid),
        color="tab:red",
        label=f"{result.form} OLS on {TRANSFORMS[result.y_transform].label}: slope {m.slope:.4f}, R² {m.r2:.3f}",
    )
    if result.quantile is not None:
        ax.plot(
            10**grid,
            _line(result.quantile, result.y_transform, grid),
            color="tab:orange",
            ls="--",
            label=f"frontier (q=0.1): slope {result.quantile.slope:.4f}",
        )
    if result.saturating is not None:
        s = result.saturating
        ax.plot(10**grid, s.predict(grid), color="tab:brown", ls=":", label=f"saturating: E={s.E:.3f}, α={s.alpha:.3f}")
    ex = result.extrapolation
    if m.cov is not None:
        rng = np.random.default_rng(0)
        theta = rng.multivariate_normal([m.intercept, m.slope], np.array(m.cov), size=2000)
        tr = TRANSFORMS[result.y_transform]
        ys = theta[:, :1] + theta[:, 1:] * grid[None, :]
        curves = np.clip(np.vectorize(tr.inverse)(ys), 1e-6, 1.0)
        ax.fill_between(
            10**grid,
            np.percentile(curves, 2.5, axis=0),
            np.percentile(curves, 97.5, axis=0),
            color="tab:red",
            alpha=0.15,
            label="95% band of the fit",
        )
    ylo, yhi = float(err.min()), float(err.max())
    if ex is not None:
        ax.axhline(ex["target_error"], color="gray", lw=0.8)
        if ex.get("log10_flop_ci"):
            lo, hi_ci = ex["log10_flop_ci"]
            ax.axvspan(10**lo, 10**hi_ci, color="gray", alpha=0.12, label="95% interval of the compute needed")
        ax.axvline(
            10 ** ex["log10_flop"], color="gray", ls="--", lw=0.8, label=f"target error {ex['target_error']:.3g}: 10^{ex['log10_flop']:.1f} FLOP"
        )
        ylo = min(ylo, float(ex["target_error"]))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(10 ** grid[0], 10 ** grid[-1])
    ax.set_ylim(ylo / 1.3, min(1.0, yhi * 1.3))
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(_plain))
    ax.yaxis.set_minor_formatter(NullFormatter())
    title, metric = _metric(result)
    what = "operations per forward pass" if result.convention == "forward_pass" else "training compute"
    unit = f"(vs. {result.relative_to})" if result.relative_to else "[FLOP]"
    ax.set_xlabel(f"{what} {unit}\n{_CONVENTIONS.get(result.convention, result.convention + ' convention')}")
    ax.set_ylabel(f"error (1 − {metric})")
    ax.set_title(f"{title}: error vs {what}" + (f", models containing {result.model_contains!r}" if result.model_contains else ""))
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.18 if scatter is not None else 1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    _label_frontier(fig, ax, [p for p in pts if p.fact_ids[0] in pareto and p.model])
