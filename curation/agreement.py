"""Agreement between raters, per kind and field, after normalisation.

Raters are annotators and the extractor (``extractor:<name>``), so extractor precision is one more
agreement figure: the share of its proposals a person kept unchanged. A rejected candidate counts
as the value ``<rejected>`` in every field. For each (kind, field): exact match and tolerance match
over all rater pairs on shared items, mean pairwise Cohen's kappa (statsmodels) and Krippendorff's
alpha (nominal, the ``krippendorff`` package). Comparison rules live in ``data/agreement.v1.json``.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import krippendorff
import numpy as np
from statsmodels.stats.inter_rater import cohens_kappa

from flopsdb.core.kinds import KIND_FIELDS
from flopsdb.curation.model import Rating

RECORD = "(record)"


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    return json.loads((resources.files("flopsdb.curation") / "data" / "agreement.v1.json").read_text(encoding="utf-8"))


def normalise(kind: str, field: str, value: Any) -> Any:
    """A comparable value: numbers as floats, text casefolded with folded whitespace and aliases applied."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    text = " ".join(str(value).split()).casefold()
    if field in _rules()["numeric"].get(kind, {}):
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return text
    return _rules()["aliases"].get(field, {}).get(text, text)


def _close(kind: str, field: str, a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        tol = _rules()["numeric"].get(kind, {}).get(field, _rules()["default_tolerance"])
        return math.isclose(a, b, rel_tol=tol, abs_tol=1e-12)
    return a == b


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float | None:
    """Cohen's kappa of two raters' labels on the same items (None when undefined: one category only)."""
    if len(a) != len(b) or not a:
        return None
    cats = sorted({repr(v) for v in itertools.chain(a, b)})
    if len(cats) < 2:
        return None
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    for x, y in zip(a, b):
        table[index[repr(x)], index[repr(y)]] += 1
    value = float(cohens_kappa(table, return_results=False))
    return None if math.isnan(value) else value


def krippendorff_alpha(units: Sequence[Mapping[str, Any]]) -> float | None:
    """Nominal Krippendorff's alpha of ``units`` (each ``rater -> value``; missing raters allowed).
    None when undefined (fewer than two values in the data, or no unit with two ratings)."""
    raters = sorted({r for u in units for r in u})
    cats = sorted({repr(v) for u in units for v in u.values()})
    if len(cats) < 2 or not any(len(u) >= 2 for u in units):
        return None
    code = {c: i for i, c in enumerate(cats)}
    data = np.full((len(raters), len(units)), np.nan)
    for j, u in enumerate(units):
        for r, v in u.items():
            data[raters.index(r), j] = code[repr(v)]
    try:
        value = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except (ValueError, ZeroDivisionError):
        return None
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class FieldAgreement:
    """Agreement on one field of one kind (``field`` ``(record)`` compares whole versions)."""

    kind: str
    field: str
    items: int
    pairs: int
    exact: float | None
    tolerance: float | None
    kappa: float | None
    alpha: float | None

    def row(self) -> list[Any]:
        """For printing: kind, field, items, pairs, exact, tolerance, kappa, alpha (rounded)."""
        r = lambda v: None if v is None else round(v, 3)  # noqa: E731
        return [self.kind, self.field, self.items, self.pairs, r(self.exact), r(self.tolerance), r(self.kappa), r(self.alpha)]


def _units(ratings: Iterable[Rating], kind: str, field: str) -> list[dict[str, Any]]:
    rejected = _rules()["rejected"]
    per: dict[str, dict[str, Any]] = {}
    for r in ratings:
        if r.kind != kind:
            continue
        if r.outcome == "reject" or r.after is None:
            value: Any = rejected
        elif field == RECORD:
            value = tuple(normalise(kind, f, r.after.get(f)) for f in KIND_FIELDS[kind])
        else:
            value = normalise(kind, field, r.after.get(field))
        per.setdefault(r.candidate_id, {})[r.rater] = value
    return [u for _, u in sorted(per.items())]


def _field_agreement(ratings: Sequence[Rating], kind: str, field: str) -> FieldAgreement:
    units = [u for u in _units(ratings, kind, field) if len(u) >= 2]
    exact = close = pairs = 0
    by_pair: dict[tuple[str, str], tuple[list[Any], list[Any]]] = {}
    for u in units:
        for ra, rb in itertools.combinations(sorted(u), 2):
            a, b = u[ra], u[rb]
            pairs += 1
            exact += a == b
            if field == RECORD and isinstance(a, tuple) and isinstance(b, tuple):
                close += all(_close(kind, f, x, y) for f, x, y in zip(KIND_FIELDS[kind], a, b))
            else:
                close += _close(kind, field, a, b)
            xs, ys = by_pair.setdefault((ra, rb), ([], []))
            xs.append(a)
            ys.append(b)
    kappas = [k for xs, ys in by_pair.values() if (k := cohen_kappa(xs, ys)) is not None]
    return FieldAgreement(
        kind,
        field,
        len(units),
        pairs,
        exact / pairs if pairs else None,
        close / pairs if pairs else None,
        float(np.mean(kappas)) if kappas else None,
        krippendorff_alpha(units),
    )


def agreement(ratings: Iterable[Rating], *, include_extractor: bool = True) -> list[FieldAgreement]:
    """Agreement per kind and field (and whole record) over every kind present in ``ratings``."""
    ratings = [r for r in ratings if include_extractor or not r.rater.startswith("extractor:")]
    kinds = sorted({r.kind for r in ratings})
    out = []
    for kind in kinds:
        for field in (*KIND_FIELDS[kind], RECORD):
            fa = _field_agreement(ratings, kind, field)
            if fa.items:
                out.append(fa)
    return out


def extractor_precision(ratings: Iterable[Rating]) -> dict[str, dict[str, float | int]]:
    """Per extractor: items judged by people, how many they kept unchanged (exact after
    normalisation, all fields), and the precision (kept / judged)."""
    ratings = list(ratings)
    out: dict[str, dict[str, float | int]] = {}
    by_item: dict[str, list[Rating]] = {}
    for r in ratings:
        by_item.setdefault(r.candidate_id, []).append(r)
    for rs in by_item.values():
        machine = [r for r in rs if r.rater.startswith("extractor:")]
        people = [r for r in rs if not r.rater.startswith("extractor:")]
        if not machine or not people:
            continue
        m = machine[0]
        units = _units([m, *people], m.kind, RECORD)[0]
        stats = out.setdefault(m.rater.split(":", 1)[1], {"judged": 0, "kept": 0, "precision": 0.0})
        for p in people:
            stats["judged"] += 1
            stats["kept"] += units[p.rater] == units[m.rater]
    for stats in out.values():
        stats["precision"] = stats["kept"] / stats["judged"] if stats["judged"] else 0.0
    return out
