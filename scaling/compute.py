"""Training compute: the hardware method and operation counting, under two conventions.

- ``thompson``: the paper's "hardware burden": FP32 peaks for GPUs, per-board peaks for TPUs, no
  utilisation factor.
- ``epoch``: Epoch AI's practice: the peak of the precision used, times a utilisation of 0.3 for
  language models and 0.4 otherwise (overridable).

The defaults are data (``scaling/data/assumptions.v1.json``); every :class:`ComputeEstimate` records
its method, convention and assumptions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flopsdb.core.catalog import Accelerator, Catalog
from flopsdb.core.errors import ScalingError

CONVENTIONS: tuple[str, ...] = ("thompson", "epoch")


@lru_cache(maxsize=1)
def assumptions() -> dict[str, Any]:
    """The default assumptions (``scaling/data/assumptions.v1.json``)."""
    return json.loads((Path(__file__).parent / "data" / "assumptions.v1.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Convention:
    """How peaks and utilisation are chosen: precision per accelerator kind, TPU unit, utilisation by domain."""

    name: str
    precision: Mapping[str, str]
    tpu_per: str
    utilisation: Mapping[str, float]

    def utilisation_for(self, domain: str | None) -> float:
        """Utilisation for a model of ``domain`` (language models get the ``language`` figure)."""
        words = assumptions()["language_domains"]
        is_language = bool(domain) and any(w in str(domain).lower() for w in words)
        return float(self.utilisation["language" if is_language else "other"])


def convention(name: str, *, utilisation: float | None = None, precision: str | None = None) -> Convention:
    """The named convention, with an optional fixed utilisation or precision override."""
    if name not in CONVENTIONS:
        raise ScalingError(f"unknown convention {name!r}; use one of {', '.join(CONVENTIONS)}")
    a = assumptions()
    util = dict(a["utilisation"][name])
    if utilisation is not None:
        if not 0 < utilisation <= 1:
            raise ScalingError(f"utilisation must be in (0, 1], not {utilisation}")
        util = {"language": utilisation, "other": utilisation}
    prec = dict(a["precision"][name])
    if precision is not None:
        prec = {k: precision for k in prec}
    return Convention(name=name, precision=prec, tpu_per=a["tpu_per"][name], utilisation=util)


@dataclass(frozen=True)
class ComputeEstimate:
    """A training-compute figure in FLOP with bounds, the method and convention behind it, and its facts."""

    flop: float
    flop_low: float
    flop_high: float
    method: str
    convention: str
    quantity: str
    fact_ids: tuple[str, ...] = ()
    assumptions: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def _peak(acc: Accelerator, conv: Convention, *, given: bool = False) -> tuple[float, str, str]:
    """The chip's peak at the convention's precision (falling back to FP32, BF16, FP16 when the catalog lacks it).

    A default 16-bit precision that the chip computes slower than FP32 (consumer Pascal GPUs run FP16 at 1/64 of
    FP32) gives way to FP32: mixed precision is used where it speeds training up, so such chips train in FP32. A
    precision the source gives is kept.
    """
    precision = conv.precision.get(acc.kind, "fp32")
    per = conv.tpu_per if acc.kind == "tpu" else "chip"
    for candidate in dict.fromkeys((precision, "fp32", "bf16", "fp16")):
        value = acc.peak(candidate, per=per)
        if value is not None:
            fp32 = acc.peak("fp32", per=per)
            if not given and candidate in ("fp16", "bf16") and fp32 is not None and fp32 > value:
                return fp32, "fp32", per
            return value, candidate, per
    raise ScalingError(f"no {precision} peak for {acc.name} in the hardware catalog")


def find_accelerator(catalog: Catalog, name: str) -> Accelerator | None:
    """The catalog entry for ``name``, dropping trailing variant words (``"NVIDIA A100 SXM4 80 GB"`` -> A100)."""
    words = str(name).split()
    while words:
        text = " ".join(words)
        acc = catalog.get(text) or catalog.match(text)
        if acc is not None:
            return acc
        words = words[:-1]
    return None


def hardware_compute(
    accelerator: str,
    count: float,
    hours: float,
    *,
    catalog: Catalog,
    conv: Convention,
    domain: str | None = None,
    hours_low: float | None = None,
    hours_high: float | None = None,
    count_unit: str = "chip",
    fact_ids: tuple[str, ...] = (),
    utilisation: float | None = None,
    precision: str | None = None,
    peak_flops: float | None = None,
    given_from: str = "source",
) -> ComputeEstimate:
    """count x peak x seconds x utilisation (utilisation 1 under ``thompson``).

    ``count_unit`` says what ``count`` counts for TPUs: ``chip``, ``board`` or ``core`` (or a hardware fact's unit,
    ``tpu_chip``, ``tpu_board``, ``tpu_core``); it is converted to the convention's unit. Under ``epoch``, a ``utilisation`` (MFU) and ``precision`` the source gives
    replace the convention's defaults; the assumptions say which were given and which fell back. ``peak_flops`` (per
    chip, epoch convention only) replaces the catalog's peak; ``given_from`` names where a given utilisation came from
    (``source``, or ``notes``: Epoch's notes, :mod:`flopsdb.scaling.epoch_notes`), and a given peak is ``peak_from: notes``.
    """
    acc = find_accelerator(catalog, accelerator)
    if acc is None:
        raise ScalingError(f"accelerator {accelerator!r} is not in the hardware catalog")
    if acc.generic:
        raise ScalingError(f"accelerator {accelerator!r} is generic ({acc.name}): no peak FLOP/s")
    if count <= 0 or hours <= 0:
        raise ScalingError(f"count and hours must be positive (count={count}, hours={hours})")
    given_precision = precision if conv.name == "epoch" and precision else None
    if given_precision:
        conv = Convention(conv.name, {k: given_precision for k in ("gpu", "tpu", "cpu")}, conv.tpu_per, conv.utilisation)
    peak, used_precision, per = _peak(acc, conv, given=bool(given_precision))
    peak_given = conv.name == "epoch" and peak_flops is not None and peak_flops > 0
    catalog_peak = peak
    if peak_given and peak_flops is not None:
        peak = peak_flops
    units = float(count)
    count_unit = count_unit.removeprefix("tpu_")
    if acc.kind == "tpu" and count_unit != per:
        chips = units
        if count_unit == "core":
            chips = units / (acc.tpu_cores_per_chip or 1)
        elif count_unit == "board":
            chips = units * (acc.tpu_chips_per_board or 1)
        units = chips / (acc.tpu_chips_per_board or 1) if per == "board" else chips
    given_util = utilisation if conv.name == "epoch" and utilisation is not None and 0 < utilisation <= 1 else None
    util = given_util if given_util is not None else conv.utilisation_for(domain)
    rate = units * peak * util * 3600.0
    low_h = hours_low if hours_low is not None else hours
    high_h = hours_high if hours_high is not None else hours
    return ComputeEstimate(
        flop=rate * hours,
        flop_low=rate * low_h,
        flop_high=rate * high_h,
        method="hardware",
        convention=conv.name,
        quantity="hardware_burden" if conv.name == "thompson" else "compute",
        fact_ids=tuple(fact_ids),
        assumptions={
            "accelerator": acc.name,
            "units": units,
            "unit": per if acc.kind == "tpu" else "chip",
            "precision": used_precision,
            "peak_flops": peak,
            "utilisation": util,
            "hours": hours,
            "utilisation_from": given_from if given_util is not None else "default",
            "precision_from": "source" if given_precision else "default",
            **({"peak_from": "notes", "catalog_peak_flops": catalog_peak} if peak_given else {}),
            **_fallback(conv.precision.get(acc.kind, "fp32"), used_precision),
        },
    )


def _fallback(wanted: str, used: str) -> dict[str, str]:
    """The assumption saying that the catalog or the chip made the peak's precision another than the one asked."""
    return {} if wanted == used else {"precision_fallback": f"{wanted} -> {used} (the catalog's {wanted} peak is missing or below {used})"}


def _counted(flop: float, fact_ids: tuple[str, ...], assumptions: dict[str, Any]) -> ComputeEstimate:
    """An estimate by operation counting: exact (no range), the network's operations under no hardware convention."""
    return ComputeEstimate(
        flop=flop,
        flop_low=flop,
        flop_high=flop,
        method="operations",
        convention="operations",
        quantity="network_operations",
        fact_ids=tuple(fact_ids),
        assumptions=assumptions,
    )


def operations_compute(
    forward_flops: float, examples: float, epochs: float, *, fp_bp_ratio: float = 3.0, fact_ids: tuple[str, ...] = ()
) -> ComputeEstimate:
    """Operation counting: forward FLOPs per example x (forward + backward ratio, 3) x examples x epochs."""
    if min(forward_flops, examples, epochs, fp_bp_ratio) <= 0:
        raise ScalingError("forward FLOPs, examples, epochs and ratio must be positive")
    flop = forward_flops * fp_bp_ratio * examples * epochs
    return _counted(flop, fact_ids, {"forward_flops": forward_flops, "fp_bp_ratio": fp_bp_ratio, "examples": examples, "epochs": epochs})


def tokens_compute(
    parameters: float,
    tokens: float,
    *,
    epochs: float | None = None,
    active_parameters: float | None = None,
    fact_ids: tuple[str, ...] = (),
) -> ComputeEstimate:
    """Operation counting for transformers: 6 x parameters x tokens (x epochs over the dataset when given).

    For a mixture-of-experts model, ``active_parameters`` (the parameters each token passes through) replace the
    total: a token's forward and backward pass touch only the experts it is routed to, so 6 x all parameters
    overcounts by the ratio of total to active parameters. The assumptions say which count was used.
    """
    if parameters <= 0 or tokens <= 0 or (epochs is not None and epochs <= 0):
        raise ScalingError("parameters, tokens and epochs must be positive")
    active = active_parameters if active_parameters is not None and 0 < active_parameters < parameters else None
    used = active if active is not None else parameters
    flop = 6.0 * used * tokens * (epochs if epochs is not None else 1.0)
    extra: dict[str, Any] = {"total_parameters": parameters, "parameters_from": "active"} if active is not None else {}
    return _counted(
        flop,
        fact_ids,
        {
            "parameters": used,
            **extra,
            "tokens": tokens,
            "flop_per_param_token": 6,
            "epochs": epochs if epochs is not None else 1.0,
            "epochs_from": "source" if epochs is not None else "default",
        },
    )


def geometric_mean(hardware: ComputeEstimate, operations: ComputeEstimate) -> ComputeEstimate:
    """One figure from both methods: the geometric mean of a hardware-method and an operation-counting estimate
    (and of their bounds), as Epoch combines them when it has both ("GMean(...)" in its notes). The assumptions keep
    each method's figure and assumptions, so every input and default of both stays visible."""
    if hardware.method != "hardware" or operations.method != "operations":
        raise ScalingError(f"geometric_mean takes a hardware and an operations estimate, not {hardware.method} and {operations.method}")
    return ComputeEstimate(
        flop=math.sqrt(hardware.flop * operations.flop),
        flop_low=math.sqrt(hardware.flop_low * operations.flop_low),
        flop_high=math.sqrt(hardware.flop_high * operations.flop_high),
        method="hardware+operations",
        convention=hardware.convention,
        quantity="compute",
        fact_ids=tuple(dict.fromkeys((*hardware.fact_ids, *operations.fact_ids))),
        assumptions={
            "combined": "geometric mean",
            "hardware_flop": hardware.flop,
            "operations_flop": operations.flop,
            "hardware": dict(hardware.assumptions),
            "operations": dict(operations.assumptions),
        },
    )
