"""A consolidated hardware-burden measure: the measured hardware burden where a result has one, else
the hardware burden predicted from its network operations by a log-log conversion line.

Thompson et al. fit some benchmarks on such a column (the COCO notebook's ``hardware_burden_consolidated``):
results that only have an operation count are put on the hardware-burden scale with a line
``log10(hardware burden) = intercept + slope * log10(network operations)`` that the authors fitted on
ImageNet (their "conversion regression"), and a measured hardware burden always wins over a prediction.
Pure functions over the dict rows of ``db.facts.read_fit_inputs``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ConversionLine:
    """``log10(hardware burden) = intercept + slope * log10(network operations)``, with where it comes from."""

    intercept: float
    slope: float
    source: str

    def predict(self, operations: float) -> float:
        """The hardware burden [FLOP] this line predicts for ``operations`` network operations."""
        return float(10 ** (self.intercept + self.slope * math.log10(operations)))


AUTHORS_CONVERSION = ConversionLine(
    intercept=2.7580,
    slope=0.8935,
    source="Thompson et al.'s conversion regression of hardware burden on network operations, fitted on ImageNet "
    "(coefficients as printed in their object-detection-on-coco notebook, 2022-08-04)",
)


def consolidated_rows(
    burden_rows: Iterable[dict[str, Any]], operation_rows: Iterable[dict[str, Any]], line: ConversionLine = AUTHORS_CONVERSION
) -> tuple[list[dict[str, Any]], int]:
    """The rows of both measures as one: every hardware-burden row, plus each network-operations row of a
    result (its first fact id) that has no hardware-burden row, with its ``flop`` replaced by the predicted
    hardware burden (``quantity`` ``hardware_burden_consolidated``, ``method`` ``operations->hardware``).
    Returns the rows and how many were predicted."""
    out = [dict(r) for r in burden_rows]
    measured = {r["fact_ids"][0] for r in out}
    predicted = 0
    for r in operation_rows:
        if r["fact_ids"][0] in measured or not r.get("flop") or float(r["flop"]) <= 0:
            continue
        row = dict(r)
        row["flop"] = line.predict(float(r["flop"]))
        row["flop_low"] = row["flop_high"] = None
        row["quantity"], row["method"] = "hardware_burden_consolidated", "operations->hardware"
        out.append(row)
        predicted += 1
    return out, predicted
