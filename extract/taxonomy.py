"""The benchmark taxonomy: tracked datasets, their task, splits and metrics (with direction and aliases).

Read from ``extract/data/benchmarks.jsonl``; names seeded from Papers with Code and Thompson et al. (2022).
The result extractors (sentences: ``extract.results``; tables: ``extract.table_results``) resolve mentions here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

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
    """The packaged taxonomy (``extract/data/benchmarks.jsonl``), loaded once."""
    out = []
    for line in (Path(__file__).parent / "data" / "benchmarks.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        metrics = tuple(Metric(m["name"], bool(m["higher_is_better"]), tuple(m.get("aliases", ()))) for m in d["metrics"])
        out.append(Benchmark(d["dataset"], d["task"], d.get("area", ""), tuple(d.get("aliases", ())), tuple(d.get("splits", ())), metrics, tuple(d.get("pwc", ()))))
    return Taxonomy(out)
