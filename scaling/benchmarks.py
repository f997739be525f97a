"""Benchmarks known to the scaling stage and the paper's transforms of their scores.

The vocabulary lives in ``scaling/data/benchmarks.v1.json``: each benchmark's Thompson et al. file and
metric column, its score scale (100 = percent), the y transform of the polynomial and exponential
models, and the dataset/metric names that identify it in curated facts.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flopsdb.core.errors import FitError
from flopsdb.core.taxonomy import load_taxonomy

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: its key (``imagenet``), title, metric, scale and default y transforms; ``metric_name`` is the
    metric as a reader knows it (``top-1 accuracy``, ``EM``), the score whose complement is the error."""

    key: str
    title: str
    thompson_file: str | None
    metric: str
    metrics: dict[str, str]
    scale: float
    polynomial: str
    exponential: str
    aliases: tuple[str, ...]
    metric_aliases: tuple[str, ...]
    metric_name: str = "score"

    def transform(self, form: str) -> str:
        """The paper's y transform for ``form`` (``polynomial`` or ``exponential``)."""
        if form == "polynomial":
            return self.polynomial
        if form == "exponential":
            return self.exponential
        raise FitError(f"unknown form {form!r}; use polynomial or exponential")


@dataclass(frozen=True)
class Transform:
    """A y transform of the error: forward (error -> y), inverse (y -> error), and its label."""

    name: str
    label: str
    forward: Callable[[float], float]
    inverse: Callable[[float], float]


TRANSFORMS: dict[str, Transform] = {
    "log10_error": Transform("log10_error", "log10(error)", lambda e: math.log10(e), lambda y: 10**y),
    "error": Transform("error", "error", lambda e: e, lambda y: y),
    "log10_inv_error": Transform("log10_inv_error", "log10(1/error)", lambda e: -math.log10(e), lambda y: 10 ** (-y)),
    "inv_error": Transform("inv_error", "1/error", lambda e: 1.0 / e, lambda y: 1.0 / y),
    "log10_score": Transform("log10_score", "log10(score)", lambda e: math.log10(1.0 - e), lambda y: 1.0 - 10**y),
}
"""``log10_score`` is the score itself (1 - error, a fraction), as the COCO notebook fits box AP on operations per forward pass."""


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@lru_cache(maxsize=1)
def load_benchmarks() -> dict[str, Benchmark]:
    """Every benchmark in ``scaling/data/benchmarks.v1.json`` by key."""
    raw = json.loads((DATA / "benchmarks.v1.json").read_text(encoding="utf-8"))
    return {
        key: Benchmark(
            key=key,
            title=v["title"],
            thompson_file=v.get("thompson_file"),
            metric=v["metric"],
            metrics=dict(v.get("metrics", {})),
            scale=float(v.get("scale", 100)),
            polynomial=v["polynomial"],
            exponential=v["exponential"],
            aliases=tuple(v.get("aliases", ())),
            metric_aliases=tuple(v.get("metric_aliases", ())),
            metric_name=v.get("metric_name", "score"),
        )
        for key, v in raw.items()
    }


def resolve_benchmark(name: str) -> Benchmark:
    """The benchmark whose key or alias matches ``name``; a benchmark unknown to the vocabulary gets defaults.

    A dataset of the benchmark taxonomy that the vocabulary does not list (``SQuAD 2.0``, ``PASCAL VOC 2007``) is
    fitted on its first metric alone (:func:`_from_taxonomy`). Other names (any benchmark in the database) are
    treated as percentage scores with the log10(error) / error transforms.
    """
    known = load_benchmarks()
    key = _norm(name)
    for bench in known.values():
        if key == _norm(bench.key) or any(key == _norm(a) for a in bench.aliases):
            return bench
    if not key:
        raise FitError("empty benchmark name")
    found = _from_taxonomy(name)
    if found is not None:
        return found
    return Benchmark(
        key=name,
        title=name,
        thompson_file=None,
        metric="",
        metrics={},
        scale=100.0,
        polynomial="log10_error",
        exponential="error",
        aliases=(name,),
        metric_aliases=(),
    )


def _from_taxonomy(name: str) -> Benchmark | None:
    """A benchmark for a dataset of the taxonomy (``flopsdb/core/data/benchmarks.v1.jsonl``) by name or alias: its
    first metric is the fit's metric (``EM`` for SQuAD 2.0, ``mAP`` for PASCAL VOC), so that one fit never mixes two
    metrics, and the y transforms follow the metric's direction as the authors fit their benchmarks: a score
    (higher is better) log10(1/error) and 1/error, an error log10(error) and error."""
    ds = load_taxonomy().get(name)
    if ds is None or not ds.metrics:
        return None
    metric = ds.metrics[0]
    score = metric.higher_is_better
    return Benchmark(
        key=ds.dataset,
        title=f"{ds.dataset} {metric.name}",
        thompson_file=None,
        metric=metric.name,
        metrics={metric.name: metric.name},
        scale=100.0,
        polynomial="log10_inv_error" if score else "log10_error",
        exponential="inv_error" if score else "error",
        aliases=tuple(dict.fromkeys((ds.dataset, *ds.aliases))),
        metric_aliases=tuple(dict.fromkeys((metric.name, *metric.aliases))),
        metric_name=metric.name,
    )
