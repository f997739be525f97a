"""Operations per forward pass, and the selections the authors' notebooks fit on: one model family, an x
relative to a reference model.

Operations per forward pass measure a model's size at inference, not its training compute: Thompson et al.'s
``ops_forward_pass`` is the CSV's ``flops``, else 2 x ``multiadds``. It is imported as a fact of its own kind
(:data:`FORWARD_OPS_KIND`), never as a compute fact or a compute estimate, so it never reaches ``fit_inputs``,
``compute_estimates`` or a model record's compute; ``flopsdb fit --x forward_ops`` reads it from the
``forward_ops_inputs`` view. Pure functions over numbers and :class:`FitPoint` values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from flopsdb.core.errors import ScalingError
from flopsdb.scaling.fit import FitPoint

FORWARD_OPS = "forward_ops"
"""The x measure's name (``flopsdb fit --x forward_ops``)."""
FORWARD_OPS_KIND = "forward_ops"
"""The kind of the imported fact that holds it (``fields``: ``flop``, ``from``)."""

AUTHORS_FORWARD_TRANSFORMS: dict[str, dict[str, str]] = {"coco": {"polynomial": "log10_score"}}
"""The y the authors fit on operations per forward pass where it differs from the benchmark's default: the COCO
notebook fits log10(box AP), the score itself (cell 7), where its training-compute fits use log10(1/(1-AP))."""


def forward_ops(flops: float | None, multiadds: float | None) -> tuple[float, str] | None:
    """The authors' operations per forward pass: ``flops`` when given, else 2 x ``multiadds``; with which column
    it came from (``flops`` / ``2 x multiadds``), or None when the row has neither. Not positive raises ValueError."""
    if flops is not None:
        value, origin = flops, "flops"
    elif multiadds is not None:
        value, origin = 2.0 * multiadds, "2 x multiadds"
    else:
        return None
    if value <= 0:
        raise ValueError(f"operations per forward pass ({origin}): not positive: {value}")
    return value, origin


def forward_transform(benchmark: str, form: str, default: str) -> str:
    """The y transform the authors use for ``benchmark`` on operations per forward pass in ``form``."""
    return AUTHORS_FORWARD_TRANSFORMS.get(benchmark, {}).get(form, default)


def _norm(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def name_contains(model: str | None, contains: str) -> bool:
    """True when the model name contains ``contains`` (case-insensitive; spaces and punctuation ignored)."""
    key = _norm(contains)
    if not key:
        raise ScalingError("--model-contains needs letters or digits")
    return key in _norm(model)


def select_models(points: Sequence[FitPoint], contains: str) -> list[FitPoint]:
    """The points whose model name contains ``contains`` (:func:`name_contains`), as the notebooks fit one model
    family (``NASNet``, ``ResNet``)."""
    return [p for p in points if name_contains(p.model, contains)]


def relative_to(points: Sequence[FitPoint], reference: str) -> tuple[list[FitPoint], FitPoint]:
    """Every point's x divided by the x of the model named ``reference`` (its name, case, spaces and punctuation
    ignored), as the notebooks put operations "vs. AlexNet"; returns the points and the reference point.

    The slope and R2 of a log-log fit do not change, its intercept becomes the y at the reference's x. The
    reference must be among ``points`` (the benchmark's points on the same x) with one x."""
    key = _norm(reference)
    found = [p for p in points if key and _norm(p.model) == key]
    if not found:
        raise ScalingError(f"--relative-to {reference!r}: no point of that model on this x (a model of the fit, by its name)")
    if len({p.flop for p in found}) > 1:
        raise ScalingError(
            f"--relative-to {reference!r}: {len(found)} points of that name with different x: {', '.join(p.fact_ids[0] for p in found)}"
        )
    ref = found[0]
    return [replace(p, flop=p.flop / ref.flop, flop_low=None, flop_high=None) for p in points], ref


def select_points(points: list[FitPoint], *, x: str, relative: str | None, contains: str | None, notes: list[str]) -> list[FitPoint]:
    """``--relative-to`` (the reference is looked up among all the benchmark's points), then ``--model-contains``;
    each step says what it did in ``notes``."""
    if relative and points:
        points, ref = relative_to(points, relative)
        notes.append(f"x relative to {ref.model} ({ref.fact_ids[0]}): {x} / {ref.flop:.4g}")
    if contains:
        kept = select_models(points, contains)
        notes.append(f"{len(kept)} of {len(points)} point(s) are of models whose name contains {contains!r}")
        points = kept
    return points
