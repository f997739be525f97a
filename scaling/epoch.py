"""Epoch AI's methodology over flopsdb's estimates of a row of its table: one figure per model, by the method Epoch
names, and whether that figure compares like for like with Epoch's ``Training compute (FLOP)``.

Sources: Epoch AI, "Estimation" (https://epoch.ai/data/ai-models-documentation/estimation): training compute is "the
total training compute, including pretraining, and including pretrained base models used as components", fine-tuning
compute "is recorded in its associated column", and "When there is enough information to count the operations, this
is preferred"; Epoch's notes combine the two methods by their geometric mean ("GMean(...)") when it has both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from flopsdb.scaling.compute import ComputeEstimate, geometric_mean
from flopsdb.scaling.importers import epoch_method


def epoch_figure(method_text: str | None, estimates: Sequence[ComputeEstimate]) -> ComputeEstimate | None:
    """flopsdb's one figure for a model of Epoch's table, by the method Epoch's ``Training compute estimation method``
    names, from flopsdb's own estimates of the row (epoch convention and operation counting; figures as published and
    the thompson hardware burden are ignored): both methods named and both estimated, their geometric mean (Epoch's
    combination; a fine-tuned row's base compute is added once, to the mean of the fine-tuning figures); one method
    named and estimated, that one. Else operation counting first, as Epoch prefers it ("When there is enough
    information to count the operations, this is preferred"), then the hardware method. The assumptions say whether
    the method came from the row (``method_from: source``) or fell back (``default``, with ``method_fallback``)."""
    own = [e for e in estimates if not e.assumptions.get("as_published") and e.convention != "thompson"]
    hw = next((e for e in own if e.method == "hardware"), None)
    ops = next((e for e in own if e.method == "operations"), None)
    named = epoch_method(method_text)
    single = {"hardware": hw, "operations": ops}.get(named)
    if named == "hardware+operations" and hw is not None and ops is not None:
        chosen = _combined(hw, ops)
    elif single is not None:
        chosen = single
    else:
        fallback = ops or hw
        if fallback is None:
            return None
        why = (
            f"Epoch's method is {named}; the row's columns give flopsdb {fallback.method} only"
            if named != "reported"
            else "Epoch names neither method"
        )
        extra = {"method_from": "default", "method_fallback": f"{why}: {fallback.method} (operation counting first)"}
        return replace(fallback, assumptions={**fallback.assumptions, "epoch_method": method_text or None, **extra})
    return replace(chosen, assumptions={**chosen.assumptions, "epoch_method": method_text, "method_from": "source"})


def _combined(hw: ComputeEstimate, ops: ComputeEstimate) -> ComputeEstimate:
    """The geometric mean of both methods; with the same base model's compute added to both, the mean of the
    fine-tuning figures plus the base's compute once."""
    base_hw, base_ops = hw.assumptions.get("base_compute"), ops.assumptions.get("base_compute")
    if not isinstance(base_hw, float) or base_hw != base_ops:
        return geometric_mean(hw, ops)

    def tuned(e: ComputeEstimate) -> ComputeEstimate:
        return replace(e, flop=e.flop - base_hw, flop_low=e.flop_low - base_hw, flop_high=e.flop_high - base_hw)

    mean = geometric_mean(tuned(hw), tuned(ops))
    assumptions = {**mean.assumptions, "base_model": hw.assumptions.get("base_model"), "base_compute": base_hw, "fine_tuning_flop": mean.flop}
    return replace(mean, flop=mean.flop + base_hw, flop_low=mean.flop_low + base_hw, flop_high=mean.flop_high + base_hw, assumptions=assumptions)


COMPARABLE = "like for like: Epoch's method, flopsdb's estimate by it"
"""The class of a like-for-like comparison (see :func:`comparability`)."""
_MIN_FINETUNE_FLOP = 1e6
"""Epoch's ``Finetune compute (FLOP)`` below this is not a figure (the column holds small integers, 1 to 9, in rows
whose notes give the fine-tuning in the 1e19-1e23 range)."""


def comparability(est: ComputeEstimate, rec: dict[str, str], epoch_flop: float) -> tuple[str, float, float | None]:
    """How flopsdb's figure ``est`` for the row ``rec`` compares with Epoch's ``epoch_flop``: the class, flopsdb's
    figure to compare (the fine-tuning only where Epoch's is) and Epoch's figure to divide it by (None: Epoch gives
    none). Only Epoch's columns decide, never the ratio: its method, its base model and its ``Finetune compute (FLOP)``.
    """
    a = est.assumptions
    tuning = float(a.get("fine_tuning_flop", est.flop))
    if epoch_method(rec.get("Training compute estimation method")) == "reported":
        return "Epoch's figure is by neither method (reported, third-party, benchmarks or not stated)", est.flop, epoch_flop
    if isinstance(a.get("base_compute"), str):
        raw = (rec.get("Finetune compute (FLOP)") or "").strip()
        try:
            tuned = float(raw) if raw else None
        except ValueError:
            tuned = None
        why = "fine-tuned, the base model's compute not in the table: the fine-tuning vs Epoch's Finetune compute (FLOP)"
        return why, est.flop, tuned if tuned and tuned >= _MIN_FINETUNE_FLOP else None
    if isinstance(a.get("base_compute"), float) and epoch_flop < a["base_compute"]:
        return "fine-tuned, Epoch's figure below its base model's (the base left out): vs flopsdb's fine-tuning", tuning, epoch_flop
    if a.get("method_from") == "default":
        return "Epoch's method needs inputs the row's columns lack (flopsdb has the other method only)", est.flop, epoch_flop
    return COMPARABLE, est.flop, epoch_flop
