"""Plots a scientist would publish: each plot kind drawn from a real fit over a real store and checked
through matplotlib's own objects (Figure, Axes, Legend, Text, collections), never pixels."""

from __future__ import annotations

import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from flopsdb.cli import main  # noqa: E402
from flopsdb.fitting import FitOptions, run_fit  # noqa: E402
from flopsdb.scaling.fit import pareto_front  # noqa: E402
from flopsdb.scaling.plot import SOURCE_NAMES, draw_fit, plot_fit  # noqa: E402

# curated papers (paper, model, V100s, hours, top-1 %), written for this test
PAPERS = [
    ("2001.00001", "Alpha", 8, 10.0, 70.0),
    ("2001.00002", "Beta", 8, 100.0, 75.0),
    ("2001.00003", "Gamma", 64, 100.0, 80.0),
    ("2001.00004", "Delta", 256, 300.0, 84.0),
]


@pytest.fixture
def figures():
    """Figures drawn by a test, all closed at its end (pyplot keeps every open figure alive)."""
    made: list = []
    yield made.append
    for fig in made:
        plt.close(fig)
    assert not plt.get_fignums(), "a figure was left open"


@pytest.fixture
def curated(imported, curate_models):
    """The imported fixture store plus four curated ImageNet models (hardware, time, result each)."""
    return curate_models(imported, PAPERS)


def _drawn(result, figures):
    fig = draw_fit(result)
    figures(fig)
    fig.canvas.draw()  # tick labels and layout exist only once drawn
    return fig, fig.axes[0]


def _thompson_fit(benchmark, pts, **extra):
    """A polynomial fit of ``log10_error`` on hardware burden over ``pts`` (Thompson's convention and source)."""
    from flopsdb.scaling.benchmarks import TRANSFORMS
    from flopsdb.scaling.fit import FitResult, ols_fit

    return FitResult(
        benchmark=benchmark,
        form="polynomial",
        x="hardware_burden",
        y_transform="log10_error",
        convention="thompson",
        source="thompson",
        main=ols_fit(pts, TRANSFORMS["log10_error"]),
        points=pts,
        **extra,
    )


def _legend(ax) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return [t.get_text() for t in legend.get_texts()]


def _check_axes(ax, title: str, metric: str, convention: str) -> None:
    assert ax.get_title().startswith(title), ax.get_title()
    xlabel, ylabel = ax.get_xlabel(), ax.get_ylabel()
    assert "[FLOP]" in xlabel and convention in xlabel, xlabel
    assert "compute: compute" not in xlabel
    assert ylabel == f"error (1 − {metric})", ylabel
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    lo, hi = ax.get_ylim()
    shown = [float(t) for t in ticks if lo <= float(t) <= hi]
    assert len(shown) >= 2, f"fewer than two readable y ticks in view: {ticks} for {lo:.3g}-{hi:.3g}"
    assert all(re.fullmatch(r"0\.\d+|1", t) for t in ticks), f"y ticks not in the metric's own terms: {ticks}"


def _outside_axes(fig, ax) -> None:
    """The legend (and the colour bar) sit beside the axes and cover no point."""
    renderer = fig.canvas.get_renderer()
    legend_box = ax.get_legend().get_window_extent(renderer)
    axes_box = ax.get_window_extent(renderer)
    assert legend_box.x0 >= axes_box.x1 - 1, "the legend covers the plotting area"


def _labels_apart(fig, ax) -> None:
    """Frontier labels overlap no other label and stay inside the axes."""
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    boxes = [Text.get_window_extent(t, renderer) for t in ax.texts]  # the label's text, not its leader line
    for i, a in enumerate(boxes):
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0 and a.y1 <= frame.y1, ax.texts[i].get_text()
        for j in range(i):
            assert not a.overlaps(boxes[j]), (ax.texts[i].get_text(), ax.texts[j].get_text())


def test_thompson_imagenet_main_fit(imported, figures) -> None:
    res = run_fit(imported, FitOptions(benchmark="imagenet", source="thompson", variants=False))
    fig, ax = _drawn(res, figures)
    _check_axes(ax, "ImageNet top-1", "top-1 accuracy", "hardware burden")
    labels = _legend(ax)
    n = len(res.points)
    assert f"{SOURCE_NAMES['thompson']} (n={n})" in labels, labels
    assert not any(lbl.startswith("epoch") for lbl in labels), labels
    assert any(lbl.startswith("polynomial OLS") and f"slope {res.main.slope:.4f}" in lbl for lbl in labels), labels
    band = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_label() == "95% band of the fit"]
    assert len(band) == 1, "the fit's band is missing"
    pts = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_label().startswith(SOURCE_NAMES["thompson"])]
    assert len(pts) == 1 and len(pts[0].get_offsets()) == n
    drawn = np.asarray(pts[0].get_offsets())
    assert sorted(drawn[:, 0]) == pytest.approx(sorted(p.flop for p in res.points))
    assert sorted(drawn[:, 1]) == pytest.approx(sorted(p.error for p in res.points))
    _outside_axes(fig, ax)


def test_variants_colour_by_year_and_label_the_frontier(imported, figures) -> None:
    res = run_fit(imported, FitOptions(benchmark="imagenet", source="thompson", bootstrap=20))
    assert res.year_control is not None and res.quantile is not None
    fig, ax = _drawn(res, figures)
    labels = _legend(ax)
    assert any(lbl.startswith("frontier (q=0.1)") for lbl in labels), labels
    assert "Pareto-best (frontier)" in labels
    if res.saturating is not None:
        assert any(lbl.startswith("saturating:") for lbl in labels), labels
    colourbars = [a for a in fig.axes if a is not ax]
    assert len(colourbars) == 1 and colourbars[0].get_ylabel() == "publication year"
    years = [t.get_text() for t in colourbars[0].get_yticklabels() if t.get_text()]
    assert years and all(re.fullmatch(r"(19|20)\d\d", y) for y in years), f"colour bar ticks are not whole years: {years}"
    pts = next(c for c in ax.collections if isinstance(c, PathCollection) and c.get_label().startswith(SOURCE_NAMES["thompson"]))
    assert sorted(pts.get_array().tolist()) == sorted(float(p.year) for p in res.points)
    front = pareto_front(res.points)
    assert {p.fact_ids[0] for p in front} == set(res.pareto_ids)
    expected = {f"{p.model} ({p.year})" for p in front}
    written = {t.get_text() for t in ax.texts}
    assert expected and expected <= written, (expected, written)
    assert len(written) == len(expected), "labels on points that are not on the frontier"
    _labels_apart(fig, ax)
    _outside_axes(fig, ax)


def test_squad_title_names_the_benchmark_and_metric(imported, figures) -> None:
    res = run_fit(imported, FitOptions(benchmark="squad1.1", source="thompson", variants=False))
    fig, ax = _drawn(res, figures)
    _check_axes(ax, "SQuAD 1.1 EM", "EM", "hardware burden")
    assert "squad1.1" not in ax.get_title()


def test_mixed_sources_with_a_target_show_band_target_and_legend_by_source(curated, fixture_catalog, figures) -> None:
    res = run_fit(
        curated,
        FitOptions(benchmark="imagenet", source="all", target_error=0.1, hardware="NVIDIA V100", price_per_hour=2.0, bootstrap=0, variants=False),
        catalog=fixture_catalog,
    )
    by_source = {p.result_source or p.source for p in res.points}
    assert by_source == {"thompson", "curated"}
    fig, ax = _drawn(res, figures)
    labels = _legend(ax)
    for src in by_source:
        n = sum((p.result_source or p.source) == src for p in res.points)
        assert f"{SOURCE_NAMES[src]} (n={n})" in labels, labels
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    ex = res.extrapolation
    assert ex is not None
    assert y0 < ex["target_error"] < y1, "the target error is outside the view"
    assert x0 < 10 ** ex["log10_flop"] < x1, "the compute needed is outside the view"
    assert any(lbl.startswith("target error 0.1:") for lbl in labels), labels
    targets = [ln for ln in ax.get_lines() if list(ln.get_ydata()) == [ex["target_error"]] * 2]
    assert targets, "no horizontal line at the target error"
    band = next(c for c in ax.collections if isinstance(c, PolyCollection) and c.get_label() == "95% band of the fit")
    xs = band.get_paths()[0].vertices[:, 0]
    assert xs.max() >= 10 ** ex["log10_flop"], "the band stops before the extrapolation"
    if ex.get("log10_flop_ci"):
        assert any(lbl.startswith("95% interval of the compute needed") for lbl in labels), labels
    _outside_axes(fig, ax)


def test_fit_plot_command_writes_png_and_svg(imported, tmp_path) -> None:
    png, svg = tmp_path / "fit.png", tmp_path / "fit.svg"
    res = CliRunner().invoke(
        main,
        ["fit", "--benchmark", "imagenet", "--source", "thompson", "--no-variants", "--plot", str(png), "--plot", str(svg)],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "ImageNet top-1" in svg.read_text(encoding="utf-8")
    assert not plt.get_fignums(), "plot_fit left its figure open"
    bad = CliRunner().invoke(main, ["fit", "--benchmark", "imagenet", "--source", "thompson", "--plot", str(tmp_path / "x.jpg")])
    assert bad.exit_code != 0 and "must end in .png or .svg" in bad.output


def test_plot_fit_refuses_other_suffixes_before_drawing(imported, tmp_path) -> None:
    from flopsdb.core.errors import ScalingError

    res = run_fit(imported, FitOptions(benchmark="imagenet", source="thompson", variants=False))
    with pytest.raises(ScalingError, match="must end in"):
        plot_fit(res, tmp_path / "fit.pdf")
    assert not plt.get_fignums()


def test_fit_json_points(imported) -> None:
    res = CliRunner().invoke(
        main, ["fit", "--benchmark", "imagenet", "--source", "thompson", "--no-variants", "--format", "json"], catch_exceptions=False
    )
    doc = json.loads(res.output)
    assert len(doc["points"]) == doc["n"]
    p = doc["points"][0]
    assert {"compute", "error", "model", "year", "result_source", "compute_source", "fact_ids"} <= set(p)
    assert p["compute"] > 0 and 0 < p["error"] < 1 and p["result_source"] == "thompson"


def test_clustered_frontier_labels_do_not_overlap(figures) -> None:
    from flopsdb.scaling.fit import FitPoint

    # eight frontier models within a factor 1.25 of compute and 0.03 of error (a crowded corner of a real leaderboard)
    pts = [
        FitPoint(
            flop=1e19 * 1.03**i,
            error=0.30 - 0.004 * i,
            fact_ids=(f"f-{i}",),
            model=f"Model-{i}-large",
            year=2018 + i % 4,
            source="thompson",
            result_source="thompson",
        )
        for i in range(8)
    ]
    pts += [
        FitPoint(
            flop=10 ** (20 + i / 2),
            error=0.2 - 0.02 * i,
            fact_ids=(f"g-{i}",),
            model=f"Far-{i}",
            year=2020,
            source="thompson",
            result_source="thompson",
        )
        for i in range(4)
    ]
    front = pareto_front(pts)
    res = _thompson_fit("imagenet", pts, pareto_ids=[p.fact_ids[0] for p in front])
    fig, ax = _drawn(res, figures)
    assert {t.get_text() for t in ax.texts} == {f"{p.model} ({p.year})" for p in front}
    assert len(front) >= 8
    _labels_apart(fig, ax)


def test_results_and_compute_from_different_sources_say_both() -> None:
    from flopsdb.scaling.plot import source_label

    assert source_label("thompson", "epoch", 23) == "Thompson et al. (2022) results, Epoch AI compute (n=23)"
    assert source_label("thompson", "thompson", 36) == "Thompson et al. (2022) (n=36)"
    assert source_label(None, "curated", 4) == "curated (flopsdb review) (n=4)"


def test_a_short_span_of_years_is_coloured_in_whole_years(figures) -> None:
    from flopsdb.scaling.benchmarks import TRANSFORMS
    from flopsdb.scaling.fit import FitPoint, year_fit

    tr = TRANSFORMS["log10_error"]
    pts = [
        FitPoint(
            flop=10 ** (18 + i / 3),
            error=0.3 * 0.93**i * (1.05 if i % 2 else 0.96),
            fact_ids=(f"f-{i}",),
            model=f"M{i}",
            year=2019 + i % 3,
            source="thompson",
            result_source="thompson",
        )
        for i in range(9)
    ]
    res = _thompson_fit("squad1.1", pts, year_control=year_fit(pts, tr))
    fig, ax = _drawn(res, figures)
    bar = next(a for a in fig.axes if a is not ax)
    years = [t.get_text() for t in bar.get_yticklabels() if t.get_text()]
    assert years and set(years) <= {"2019", "2020", "2021"}, years
