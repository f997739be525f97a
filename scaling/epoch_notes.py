"""A reader of the two hardware-method inputs Epoch AI's ``Training compute notes`` state in prose: the utilisation
Epoch assumed (``"* 0.3 [assumed utilization]"``, ``"Assuming a 33% utilization rate"``) and the peak FLOP/s it took
for the chip (``"31330000000000 FLOP / sec / GPU [fp16 assumed]"``, ``"125 teraFLOP/s"``, ``"3.13e13 FLOP/sec"``).

The importer uses them only where the row's columns give none (no ``Hardware utilization (MFU)``; the peak of a
catalogued chip), and the estimate's assumptions say so (``utilisation_from: notes``, ``peak_from: notes``). A peak
is taken only when it is a rate (per second) and lies within the chip's own catalog range (its lowest catalogued peak
/ 2 to its highest x 1.05): a pod's total, a measured throughput far below peak or a result in FLOP is not a peak.
Nothing else is read from the notes: never Epoch's result, never a count, a time or a dataset size.
"""

from __future__ import annotations

import re

from flopsdb.core.catalog import Accelerator

_NUM = r"(\d+(?:\.\d+)?(?:\s*[eE]\s*\+?\d+|\s*\*\s*10\s*\*\*\s*\d+|\s*[x×]\s*10\^\s*\d+)?)"
_UTIL_WORD = r"(?:utili[sz]ation|mfu)"
_UTIL_AFTER = re.compile(_NUM + r"\s*(%)?\s*[\[(]?\s*(?:assumed\s+|assumption\s+of\s+)?" + _UTIL_WORD, re.I)
_UTIL_BEFORE = re.compile(_UTIL_WORD + r"(?:\s+(?:rate|assumption|factor|of|is|was|at))*\s*(?:=|:)?\s*\(?" + _NUM + r"\s*(%)?", re.I)
_PREFIX = {"": 1.0, "t": 1e12, "tera": 1e12, "p": 1e15, "peta": 1e15, "g": 1e9, "giga": 1e9}
_PEAK = re.compile(
    _NUM + r"\s*(tera|peta|giga|[TPG])?\s*-?\s*(?:FLOP|FLOPS|FLOPs)\s*(?:/\s*(?:GPU|chip|TPU|device|card)\s*)?"
    r"(?:/\s*(?:s|sec|second)\b|per\s+second\b|(?<=S)(?![a-z/]))",
    re.I,
)


def _value(text: str) -> float:
    """A number as the notes write it: ``3.13e13``, ``4113 * 10**9``, ``3.12 × 10^14``."""
    t = re.sub(r"\s+", "", text)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\*10\*\*|[x×]10\^)(\d+)", t)
    if m:
        return float(m.group(1)) * 10 ** int(m.group(2))
    return float(t.replace("E+", "e").replace("e+", "e"))


def notes_utilisation(text: str | None) -> float | None:
    """The utilisation the notes say Epoch assumed (or the source reported): a fraction (``0.3``) or a percentage
    (``30%``) next to the word utilisation / MFU, in (0.05, 1]; the first one, else None.

    >>> notes_utilisation("1024 * 1.25e14 * 24 * 3600 * 0.3 (utilization assumption)"), notes_utilisation("Assuming a 33% utilization rate")
    (0.3, 0.33)
    """
    for pattern in (_UTIL_AFTER, _UTIL_BEFORE):
        for m in pattern.finditer(text or ""):
            value = _value(m.group(1))
            if m.group(2):
                value /= 100.0
            if 0.05 < value <= 1:
                return value
    return None


_NOT_PEAK = re.compile(r"(?:throughput|achiev\w*|sustain\w*|measured|reported as|\bto|-)\s*(?:of\s*)?$", re.I)


def notes_peak(text: str | None, acc: Accelerator) -> float | None:
    """The peak FLOP/s the notes give for ``acc`` (a rate: ``FLOP/s``, ``FLOP / GPU / sec``, ``TFLOPS``), when it lies
    within the chip's catalog range (lowest catalogued peak / 2 to highest x 1.05) and is the only one: a rate after
    "throughput", "achieved", "sustained", "measured" or the end of a range ("7 to 8.2 TFLOPS") is not a peak, and
    notes giving several different peaks (a datasheet's list) give none.

    >>> from flopsdb.core.catalog import load_catalog
    >>> notes_peak("31330000000000 FLOP / sec / GPU [fp16 assumed] * 8 GPUs", load_catalog().get("V100"))
    31330000000000.0
    """
    known = [v for v in acc.peak_flops.values() if v]
    if not known:
        return None
    low, high = min(known) / 2.0, max(known) * 1.05
    found: list[float] = []
    for m in _PEAK.finditer(text or ""):
        if _NOT_PEAK.search((text or "")[max(0, m.start() - 30) : m.start()]):
            continue
        value = _value(m.group(1)) * _PREFIX[(m.group(2) or "").lower()]
        if low <= value <= high and not any(abs(value / v - 1) < 0.05 for v in found):
            found.append(value)
    return found[0] if len(found) == 1 else None
