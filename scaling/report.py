"""Plain-text reports of fits (what ``flopsdb fit --format table`` prints)."""

from __future__ import annotations

from flopsdb.scaling.benchmarks import TRANSFORMS
from flopsdb.scaling.fit import FitResult, LinearFit


def _line(name: str, f: LinearFit | None) -> str:
    if f is None:
        return f"  {name:<22} (not computed)"
    ci = f"[{f.ci[0]:.4f}, {f.ci[1]:.4f}]" if f.ci else "-"
    se = f"{f.slope_se:.4f}" if f.slope_se is not None else "-"
    r2 = f"{f.r2:.3f}" if f.r2 is not None else "-"
    extra = f"  year {f.year_coef:+.4f} (SE {f.year_se:.4f})" if f.year_coef is not None else ""
    return f"  {name:<22} n={f.n:<4} slope={f.slope:+.4f} (SE {se}, 95% CI {ci})  intercept={f.intercept:.3f}  R2={r2}{extra}"


def format_fit(result: FitResult) -> str:
    """A human-readable summary: the main regression, variants, coverage, extrapolation and its assumptions."""
    label = TRANSFORMS[result.y_transform].label
    x = f"{result.x} / {result.relative_to}'s" if result.relative_to else result.x
    only = f"  models containing {result.model_contains!r}" if result.model_contains else ""
    out = [
        f"{result.benchmark}: {label} on log10({x}){only}  form={result.form}  convention={result.convention}  source={result.source}",
        _line("OLS", result.main),
        _line("OLS + year", result.year_control),
        _line("frontier quantile", result.quantile),
        _line("Pareto-best OLS", result.pareto),
    ]
    s = result.saturating
    if s is not None:
        eci = f"[{s.E_ci[0]:.3f}, {s.E_ci[1]:.3f}]" if s.E_ci else "-"
        aci = f"[{s.alpha_ci[0]:.3f}, {s.alpha_ci[1]:.3f}]" if s.alpha_ci else "-"
        out.append(
            f"  {'saturating E+A*C^-a':<22} n={s.n:<4} E={s.E:.4f} {eci}  alpha={s.alpha:.4f} {aci}  "
            f"log10 A={s.log10_A:.2f}  ({s.loss}, {s.bootstrap} bootstrap fits)"
        )
    if result.coverage:
        out.append("  coverage (share of leaderboard entries with a compute figure, by accuracy rank):")
        out += [f"    ranks {c['ranks']:<7} {c['with_compute']:>3}/{c['entries']:<4} {c['share']:.0%}" for c in result.coverage]
    ex = result.extrapolation
    if ex is not None:
        ci = ex.get("log10_flop_ci")
        ci_text = f" (95% CI 10^{ci[0]:.2f} .. 10^{ci[1]:.2f})" if ci else ""
        out.append(f"  extrapolation: error {ex['target_error']:g} needs 10^{ex['log10_flop']:.2f} FLOP{ci_text}")
        if "usd" in ex:
            out.append(f"    {ex['chip_hours']:.3g} chip-hours, ${ex['usd']:.3g}, {ex['co2_kg']:.3g} kg CO2")
            out.append("    assumptions:")
            out += [f"      {k} = {v['value']}  [{v['source']}]" for k, v in ex["assumptions"].items()]
    if result.notes:
        out.append("  notes:")
        out += [f"    {n}" for n in result.notes]
    out.append(f"  fact ids: {len(result.main.fact_ids)} (use --format json to list them)")
    return "\n".join(out)
