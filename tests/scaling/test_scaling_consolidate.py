"""The consolidated hardware-burden measure (scaling.consolidate), on rows as db.facts returns them."""

from __future__ import annotations

import math

import pytest

from flopsdb.scaling.consolidate import AUTHORS_CONVERSION, ConversionLine, consolidated_rows


def _row(result: str, flop: float, quantity: str) -> dict:
    return {"fact_ids": [result, f"{result}:{quantity}"], "flop": flop, "flop_low": None, "flop_high": None, "quantity": quantity, "method": "x"}


def test_a_line_predicts_on_the_log_scale():
    line = ConversionLine(intercept=1.0, slope=0.5, source="test")
    assert line.predict(1e20) == pytest.approx(1e11)


def test_measured_burden_wins_and_the_rest_is_predicted():
    burden = [_row("r1", 5e18, "hardware_burden")]
    ops = [_row("r1", 1e17, "network_operations"), _row("r2", 1e18, "network_operations"), _row("r3", 0.0, "network_operations")]
    rows, predicted = consolidated_rows(burden, ops, AUTHORS_CONVERSION)
    assert predicted == 1
    by_result = {r["fact_ids"][0]: r for r in rows}
    assert set(by_result) == {"r1", "r2"}
    assert by_result["r1"]["flop"] == 5e18
    assert math.log10(by_result["r2"]["flop"]) == pytest.approx(2.7580 + 0.8935 * 18)
    assert by_result["r2"]["quantity"] == "hardware_burden_consolidated"
    assert ops[1]["flop"] == 1e18  # the input rows are not changed
