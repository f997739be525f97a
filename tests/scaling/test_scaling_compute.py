"""Compute estimation: the hardware method under both conventions, operation counting, bad input."""

from __future__ import annotations

import pytest

from flopsdb.core.errors import ScalingError
from flopsdb.scaling.compute import convention, find_accelerator, hardware_compute, operations_compute, tokens_compute


def test_thompson_convention_uses_fp32_without_utilisation(fixture_catalog):
    est = hardware_compute("Tesla V100", 8, 24, catalog=fixture_catalog, conv=convention("thompson"))
    assert est.flop == pytest.approx(8 * 15.7e12 * 24 * 3600)
    assert est.method == "hardware" and est.convention == "thompson" and est.quantity == "hardware_burden"
    assert est.assumptions["precision"] == "fp32" and est.assumptions["utilisation"] == 1.0


def test_epoch_convention_uses_tensor_peak_and_utilisation_by_domain(fixture_catalog):
    vision = hardware_compute("V100", 8, 24, catalog=fixture_catalog, conv=convention("epoch"), domain="Vision")
    lang = hardware_compute("V100", 8, 24, catalog=fixture_catalog, conv=convention("epoch"), domain="Language")
    assert vision.flop == pytest.approx(8 * 125e12 * 0.4 * 24 * 3600)
    assert lang.flop == pytest.approx(8 * 125e12 * 0.3 * 24 * 3600)
    fixed = hardware_compute("V100", 8, 24, catalog=fixture_catalog, conv=convention("epoch", utilisation=0.5))
    assert fixed.flop == pytest.approx(8 * 125e12 * 0.5 * 24 * 3600)


def test_tpus_are_counted_per_board_under_thompson_and_per_chip_under_epoch(fixture_catalog):
    t = hardware_compute("Cloud TPU v3", 32, 10, catalog=fixture_catalog, conv=convention("thompson"), count_unit="chip")
    assert t.assumptions["units"] == 8 and t.assumptions["unit"] == "board"
    assert t.flop == pytest.approx(8 * 4 * 123e12 * 10 * 3600)
    cores = hardware_compute("TPU v3", 64, 10, catalog=fixture_catalog, conv=convention("epoch"), count_unit="core")
    assert cores.assumptions["units"] == 32
    assert cores.flop == pytest.approx(32 * 123e12 * 0.4 * 10 * 3600)


def test_bounds_follow_the_hours_range(fixture_catalog):
    est = hardware_compute("V100", 1, 10, catalog=fixture_catalog, conv=convention("thompson"), hours_low=8, hours_high=12)
    assert est.flop_low == pytest.approx(est.flop * 0.8) and est.flop_high == pytest.approx(est.flop * 1.2)


def test_variant_names_fall_back_to_the_chip(fixture_catalog):
    assert find_accelerator(fixture_catalog, "NVIDIA V100 SXM2 32 GB").name == "NVIDIA V100"
    assert find_accelerator(fixture_catalog, "Acme X1") is None


def test_unknown_generic_and_nonpositive_inputs_are_refused(fixture_catalog):
    conv = convention("thompson")
    with pytest.raises(ScalingError, match="not in the hardware catalog"):
        hardware_compute("Acme X1", 1, 1, catalog=fixture_catalog, conv=conv)
    with pytest.raises(ScalingError, match="generic"):
        hardware_compute("GPUs", 1, 1, catalog=fixture_catalog, conv=conv)
    with pytest.raises(ScalingError, match="positive"):
        hardware_compute("V100", 0, 1, catalog=fixture_catalog, conv=conv)
    with pytest.raises(ScalingError, match="unknown convention"):
        convention("moore")


def test_operation_counting():
    est = operations_compute(4.1e9, 1.28e6, 90)
    assert est.flop == pytest.approx(4.1e9 * 3 * 1.28e6 * 90)
    assert est.method == "operations"
    assert tokens_compute(1.5e9, 4e10).flop == pytest.approx(6 * 1.5e9 * 4e10)
    with pytest.raises(ScalingError):
        tokens_compute(0, 1)
