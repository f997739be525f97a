"""The reader of Epoch's ``Training compute notes`` (flopsdb.scaling.epoch_notes): the utilisation and the peak FLOP/s
Epoch assumed, in the shapes its notes write them, and what is not a peak."""

from __future__ import annotations

import pytest

from flopsdb.core.catalog import load_catalog
from flopsdb.scaling.compute import convention, hardware_compute
from flopsdb.scaling.epoch_notes import notes_peak, notes_utilisation


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 GPUs * 20 hours * 3600 sec / hour * 0.3 [assumed utilization] = 5.4e18 FLOP", 0.3),
        ("(7 * 24 * 3600) s * 4 GPUs * 3.1e13 FLOP/s * 0.4 (utilization assumption) = 3e19", 0.4),
        ("Assuming a 33% utilization rate: 4.5 days * 64 * 180 teraFLOPS * 0.33", 0.33),
        ("Calculation assuming FP32, utilization 30%: = (40 * 24 * 3600) s", 0.3),
        ("(num gpu) * (peak flops) * (time in seconds) * (0.5) ... (assumed utilization rate)", None),
        ("6 * 247M * 286k * 65536 = 2.8e19", None),
        ("a utilization of 150% is impossible", None),
    ],
)
def test_utilisation(text, expected):
    got = notes_utilisation(text)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("chip", "text", "expected"),
    [
        ("V100", "31330000000000 FLOP / sec / GPU [fp16 assumed] * 8 GPUs * 20 hours", 31.33e12),
        ("V100", "125 teraFLOP/s (exact V100 model not specified) * 180 * 24 * 3600", 125e12),
        ("V100", "flops = (1) * (3.13e13 FLOP/sec) * (24*7 * 3600)", 31.3e12),
        ("K80", "(1) * (4113 * 10**9 FLOP/s) * (24 * 3600) * (0.3)", 4.113e12),
        ("H100", "370000 hours * 3600 s * 133800000000000 FLOPS/s* 0.3 = 5.3e22", 133.8e12),
        ("A100", "1x NVIDIA A100 GPU with 3.12×10^14 FLOP/s (fp16 tensor)", 312e12),
        # not a peak: a measured throughput, a pod's total, a result in FLOP, a range's end, several datasheet peaks
        ("V100", "achieving throughput of 39 TFLOPS which is 30% of the peak", None),
        ("TPU v3", "a TPUv3 pod: the total performance is 11.5 petaFLOPS", None),
        ("V100", "6ND = 6 * 1e9 * 1e10 = 6e19 FLOP", None),
        ("V100", "7 to 8.2 TFLOPS of double precision, 14 to 16.4 TFLOPS single", None),
        # a datasheet's ranges are not peaks; the one peak the notes then use is
        ("V100", "7 to 8.2 TFLOPS of double precision, 14 to 16.4 TFLOPS single; we use 125 TFLOPS tensor", 125e12),
        ("V100", "peak 15.7 TFLOP/s in FP32, 125 TFLOP/s with tensor cores", None),
    ],
)
def test_peak(catalog, chip, text, expected):
    got = notes_peak(text, catalog.get(chip))
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_a_notes_peak_replaces_the_catalog_peak_under_epoch_only(catalog):
    conv = convention("epoch")
    est = hardware_compute("V100", 8, 20, catalog=catalog, conv=conv, utilisation=0.3, given_from="notes", peak_flops=31.33e12)
    assert est.flop == pytest.approx(8 * 31.33e12 * 0.3 * 20 * 3600)
    a = est.assumptions
    assert (a["peak_from"], a["utilisation_from"], a["catalog_peak_flops"]) == ("notes", "notes", 125e12)
    th = hardware_compute("V100", 8, 20, catalog=catalog, conv=convention("thompson"), utilisation=0.3, peak_flops=31.33e12)
    assert th.flop == pytest.approx(8 * 15.67e12 * 20 * 3600) and "peak_from" not in th.assumptions
