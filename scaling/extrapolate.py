"""Extrapolation: the compute a target error needs, its interval, and what it costs in dollars and CO2.

Every assumption (hardware, its peak and TDP, utilisation, price per chip-hour, PUE, grid carbon
intensity) is returned with its value and source, so the CLI can print it; each is overridable.
"""

from __future__ import annotations

import csv
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from flopsdb.core.catalog import Catalog
from flopsdb.core.errors import FitError, ScalingError
from flopsdb.scaling.benchmarks import Transform
from flopsdb.scaling.compute import assumptions, convention, find_accelerator
from flopsdb.scaling.fit import LinearFit


@dataclass(frozen=True)
class CostAssumptions:
    """What turns FLOP into chip-hours, dollars and CO2, each with its source."""

    hardware: str
    precision: str
    peak_flops: float
    utilisation: float
    tdp_watts: float
    price_per_chip_hour: float
    pue: float
    grid_kg_per_kwh: float
    sources: dict[str, str]
    chips_per_unit: int = 1

    def to_dict(self) -> dict[str, Any]:
        """Each assumption as {value, source}."""
        vals = {
            "hardware": self.hardware,
            "precision": self.precision,
            "peak_flops": self.peak_flops,
            "utilisation": self.utilisation,
            "tdp_watts": self.tdp_watts,
            "price_per_chip_hour_usd": self.price_per_chip_hour,
            "pue": self.pue,
            "grid_kg_co2_per_kwh": self.grid_kg_per_kwh,
            "chips_per_unit": self.chips_per_unit,
        }
        return {k: {"value": v, "source": self.sources.get(k, "")} for k, v in vals.items()}


def price_from_table(path: str | Path, hardware: str, catalog: Catalog) -> tuple[float, str]:
    """The median on-demand price per chip-hour of ``hardware`` in Epoch's hardware price table."""
    target = find_accelerator(catalog, hardware)
    if target is None:
        raise ScalingError(f"hardware {hardware!r} is not in the catalog")
    prices: list[float] = []
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as fh:
            for rec in csv.DictReader(fh):
                raw = (rec.get("Price per chip-hour (on-demand)") or "").strip()
                name = (rec.get("Hardware model") or "").strip()
                if not raw or not name:
                    continue
                acc = find_accelerator(catalog, name)
                if acc is not None and acc.name == target.name:
                    try:
                        prices.append(float(raw.replace("$", "").replace(",", "")))
                    except ValueError:
                        continue
    except OSError as exc:
        raise ScalingError(f"cannot read price table {path}: {exc}") from None
    if not prices:
        raise ScalingError(f"no on-demand price for {target.name} in {path}")
    return statistics.median(prices), f"median on-demand price per chip-hour of {len(prices)} {target.name} rows in {Path(path).name}"


def cost_assumptions(
    catalog: Catalog,
    *,
    conv_name: str,
    hardware: str | None = None,
    utilisation: float | None = None,
    price_per_hour: float | None = None,
    prices_file: str | Path | None = None,
    pue: float | None = None,
    grid_intensity: float | None = None,
    domain: str | None = None,
) -> CostAssumptions:
    """The cost assumptions: defaults from ``scaling/data/assumptions.v1.json``, overridden by the arguments.

    Under ``thompson`` the FLOP are hardware burden (peak x time), so chip-hours use the FP32 peak
    without utilisation; under ``epoch`` / operation counting they are real operations, so the
    convention's precision and utilisation apply.
    """
    d = assumptions()["extrapolation"]
    sources: dict[str, str] = {}
    hw = hardware or d["hardware"]["value"]
    sources["hardware"] = "--hardware" if hardware else d["hardware"]["source"]
    acc = find_accelerator(catalog, hw)
    if acc is None or acc.generic:
        raise ScalingError(f"hardware {hw!r} has no peak FLOP/s in the catalog")
    conv = convention("thompson" if conv_name == "thompson" else "epoch", utilisation=utilisation)
    precision = conv.precision.get(acc.kind, "fp32")
    per = conv.tpu_per if acc.kind == "tpu" else "chip"
    peak = acc.peak(precision, per=per) or acc.peak("fp32", per=per) or acc.peak("bf16", per=per)
    if peak is None:
        raise ScalingError(f"no peak FLOP/s for {acc.name}")
    sources["hardware"] += f" -> catalog entry {acc.name}"
    sources["precision"] = f"{conv.name} convention ({'per board' if per == 'board' else 'per chip'})"
    sources["peak_flops"] = acc.source
    util = conv.utilisation_for(domain)
    sources["utilisation"] = "--utilisation" if utilisation is not None else f"{conv.name} convention default"
    sources["tdp_watts"] = acc.source
    if acc.tdp_watts is None:
        raise ScalingError(f"no TDP for {acc.name} in the catalog")
    if price_per_hour is not None:
        price, sources["price_per_chip_hour_usd"] = price_per_hour, "--price-per-hour"
    elif prices_file is not None:
        price, sources["price_per_chip_hour_usd"] = price_from_table(prices_file, acc.name, catalog)
    else:
        if acc.name != d["hardware"]["value"]:
            raise ScalingError(f"no default price for {acc.name}: give --price-per-hour or --prices FILE")
        price, sources["price_per_chip_hour_usd"] = d["price_per_chip_hour_usd"]["value"], d["price_per_chip_hour_usd"]["source"]
    pue_v = pue if pue is not None else d["pue"]["value"]
    sources["pue"] = "--pue" if pue is not None else d["pue"]["source"]
    grid = grid_intensity if grid_intensity is not None else d["grid_kg_co2_per_kwh"]["value"]
    sources["grid_kg_co2_per_kwh"] = "--grid-intensity" if grid_intensity is not None else d["grid_kg_co2_per_kwh"]["source"]
    for name, value in (("price", price), ("pue", pue_v), ("grid intensity", grid)):
        if not value > 0:
            raise ScalingError(f"{name} must be positive, not {value}")
    chips = int(acc.tpu_chips_per_board or 1) if per == "board" else 1
    sources["chips_per_unit"] = "catalog: TPU chips per board (the peak is per board)" if chips > 1 else "one chip per unit"
    return CostAssumptions(
        hardware=acc.name,
        precision=precision,
        peak_flops=float(peak),
        utilisation=float(util),
        tdp_watts=float(acc.tdp_watts),
        price_per_chip_hour=float(price),
        pue=float(pue_v),
        grid_kg_per_kwh=float(grid),
        sources=sources,
        chips_per_unit=chips,
    )


def _costs(log10_flop: float, a: CostAssumptions) -> tuple[float, float, float]:
    chip_hours = 10**log10_flop / (a.peak_flops * a.utilisation) / 3600.0 * a.chips_per_unit
    usd = chip_hours * a.price_per_chip_hour
    co2 = chip_hours * a.tdp_watts / 1000.0 * a.pue * a.grid_kg_per_kwh
    return chip_hours, usd, co2


def extrapolate(
    fit: LinearFit, transform: Transform, target_error: float, costs: CostAssumptions | None, *, draws: int = 4000, seed: int = 0
) -> dict[str, Any]:
    """log10 FLOP at which the fitted line reaches ``target_error``, a 95% interval from the
    coefficients' sampling distribution, and chip-hours, USD and CO2 (kg) with their intervals."""
    if not 0 < target_error < 1:
        raise FitError(f"target error must be in (0, 1), not {target_error}")
    if fit.slope == 0:
        raise FitError("the fitted slope is zero: no compute reaches the target")
    y = transform.forward(target_error)
    log10_flop = (y - fit.intercept) / fit.slope
    interval = None
    if fit.cov is not None:
        rng = np.random.default_rng(seed)
        theta = rng.multivariate_normal([fit.intercept, fit.slope], np.array(fit.cov), size=draws)
        keep = theta[:, 1] * fit.slope > 0
        sims = (y - theta[keep, 0]) / theta[keep, 1]
        interval = [float(np.percentile(sims, 2.5)), float(np.percentile(sims, 97.5))]
    out: dict[str, Any] = {"target_error": target_error, "log10_flop": float(log10_flop), "log10_flop_ci": interval}
    if costs is not None:
        hours, usd, co2 = _costs(log10_flop, costs)
        out.update({"chip_hours": hours, "usd": usd, "co2_kg": co2, "assumptions": costs.to_dict()})
        if interval:
            out["usd_ci"] = [_costs(v, costs)[1] for v in interval]
            out["co2_kg_ci"] = [_costs(v, costs)[2] for v in interval]
    if not math.isfinite(log10_flop):
        raise FitError("extrapolation is not finite")
    return out
