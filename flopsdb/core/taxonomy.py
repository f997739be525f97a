"""The benchmark taxonomy: tracked datasets, their task, splits and metrics (with direction and aliases).

Read from ``flopsdb/core/data/benchmarks.v2.jsonl``; names seeded from Papers with Code and Thompson et al. (2022).
The result extractors (sentences: ``extract.results``; tables: ``extract.table_results``) resolve mentions here.

What a table header means is data too: ``split_patterns`` name a dataset's splits as headers and captions print
them (``minival`` is COCO's ``val``, ``newstest2013`` is WMT's ``dev``), and ``facets`` describe metrics that a
header spells in parts (ImageNet: ``rank`` top-1/top-5 and ``direction`` error/accuracy, so that ``Top-1 err.``,
``error (%)`` under a ``top-5`` caption, or ``Acc`` are resolved by :meth:`Benchmark.metric_from_header` without
code for one dataset).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process


def normalise_key(text: str) -> str:
    """Lowercase, apostrophes and non-alphanumerics dropped: ``"WMT'14 En-De"`` -> ``"wmt14ende"``."""
    return re.sub(r"[^a-z0-9.]", "", text.lower()).replace(".", "" if not re.search(r"\d\.\d", text) else ".")


@dataclass(frozen=True)
class Metric:
    """A metric of a dataset: canonical name, direction and aliases."""

    name: str
    higher_is_better: bool
    aliases: tuple[str, ...]
    facets: tuple[tuple[str, str], ...] = ()
    """``(facet, value)`` pairs that identify the metric among its dataset's (``("rank", "1"), ("direction", "error")``)."""


@dataclass(frozen=True)
class Facet:
    """One part of a metric name that headers print separately: its values' patterns, how much a value read from
    the caption instead of the header is worth, and the default (with its factor) when neither says."""

    name: str
    values: tuple[tuple[str, str], ...]
    caption: float = 1.0
    default: str | None = None
    default_factor: float = 0.7

    def read(self, text: str) -> list[str]:
        """The facet's values that ``text`` names."""
        return [v for v, pattern in self.values if re.search(pattern, text, re.I)]


@dataclass(frozen=True)
class Benchmark:
    """A tracked dataset with its task, area, splits and metrics."""

    dataset: str
    task: str
    area: str
    aliases: tuple[str, ...]
    splits: tuple[str, ...]
    metrics: tuple[Metric, ...]
    pwc: tuple[str, ...] = ()
    split_patterns: tuple[tuple[str, str], ...] = ()
    facets: tuple[Facet, ...] = ()

    def split_of(self, text: str) -> str | None:
        """The split a header or caption names, by this dataset's ``split_patterns`` (first match in their order)."""
        for name, pattern in self.split_patterns:
            if name in self.splits and re.search(pattern, text, re.I):
                return name
        return None

    def metric_from_header(self, header: str, caption: str = "") -> tuple[str | None, float]:
        """A faceted metric read from a column header, else from the caption: ``(name, factor)``.

        Each facet takes the one value the header names (factor 1), else the first the caption names (the facet's
        ``caption`` factor; values are listed in priority order), else its default (``default_factor``). Nothing is read unless the header names some
        facet or the caption names every facet unambiguously. ``(None, 0.0)`` for datasets without facets."""
        if not self.facets:
            return None, 0.0
        chosen: dict[str, str] = {}
        factor = 1.0
        in_header = False
        from_caption = 0
        for f in self.facets:
            here, there = f.read(header), f.read(caption)
            if len(here) == 1:
                chosen[f.name], in_header = here[0], True
            elif there:
                chosen[f.name] = there[0]
                factor *= f.caption
                from_caption += len(there) == 1
            elif f.default is not None:
                chosen[f.name] = f.default
                factor *= f.default_factor
            else:
                return None, 0.0
        if not in_header and from_caption < len(self.facets):
            return None, 0.0
        want = set(chosen.items())
        m = next((m for m in self.metrics if set(m.facets) == want), None)
        return (m.name, factor) if m is not None else (None, 0.0)

    def metric(self, text: str) -> Metric | None:
        """The metric named ``text`` (canonical or alias, case-insensitive), if this dataset has it."""
        key = normalise_key(text)
        for m in self.metrics:
            if key in {normalise_key(a) for a in (m.name, *m.aliases)}:
                return m
        return None


class Taxonomy:
    """Benchmarks by name and alias; :meth:`dataset` resolves a mention, :meth:`dataset_pattern` finds them in text."""

    def __init__(self, benchmarks: Iterable[Benchmark]) -> None:
        self.benchmarks: list[Benchmark] = list(benchmarks)
        self._by_key: dict[str, Benchmark] = {}
        for b in self.benchmarks:
            for name in (b.dataset, *b.aliases, *b.pwc):
                self._by_key.setdefault(normalise_key(name), b)

    def __iter__(self):
        return iter(self.benchmarks)

    def get(self, dataset: str) -> Benchmark | None:
        """The benchmark whose canonical name, alias or Papers-with-Code name equals ``dataset``."""
        return self._by_key.get(normalise_key(dataset))

    def dataset(self, mention: str, *, cutoff: float = 90.0) -> Benchmark | None:
        """Resolve a mention (exact key first, then fuzzy with rapidfuzz)."""
        found = self.get(mention)
        if found is not None:
            return found
        hit = process.extractOne(normalise_key(mention), list(self._by_key), scorer=fuzz.ratio, score_cutoff=cutoff)
        return self._by_key[hit[0]] if hit else None

    def dataset_pattern(self) -> str:
        """A regex alternation of every dataset alias, longest first; separators between tokens optional."""
        names = {n for b in self.benchmarks for n in (b.dataset, *b.aliases)}
        parts = []
        for name in sorted(names, key=len, reverse=True):
            tokens = [t for t in re.split(r"[\s\-']+", name) if t]
            parts.append(r"[\s\-']*".join(re.escape(t) for t in tokens))
        return "|".join(parts)

    def metric_names(self) -> list[str]:
        """Every metric name and alias, longest first."""
        return sorted({a for b in self.benchmarks for m in b.metrics for a in (m.name, *m.aliases)}, key=len, reverse=True)


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The packaged taxonomy (``flopsdb/core/data/benchmarks.v2.jsonl``), loaded once."""
    out = []
    for line in (Path(__file__).parent / "data" / "benchmarks.v2.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        metrics = tuple(
            Metric(m["name"], bool(m["higher_is_better"]), tuple(m.get("aliases", ())), tuple(sorted(m.get("facets", {}).items())))
            for m in d["metrics"]
        )
        facets = tuple(
            Facet(name, tuple(f["values"].items()), float(f.get("caption", 1.0)), f.get("default"), float(f.get("default_factor", 0.7)))
            for name, f in d.get("facets", {}).items()
        )
        out.append(
            Benchmark(
                d["dataset"],
                d["task"],
                d.get("area", ""),
                tuple(d.get("aliases", ())),
                tuple(d.get("splits", ())),
                metrics,
                tuple(d.get("pwc", ())),
                tuple((n, pat) for n, pat in d.get("split_patterns", ())),
                facets,
            )
        )
    return Taxonomy(out)
