"""Which papers are worth downloading: a tracked category plus a tracked benchmark, or a PwC link.

The vocabulary lives in ``crawler/data/relevance.v1.json`` (categories and benchmark patterns).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from flopsdb.crawler.paper import Paper


@dataclass(frozen=True)
class RelevanceRules:
    """Tracked categories and one compiled pattern per tracked benchmark."""

    categories: frozenset[str]
    benchmarks: tuple[tuple[str, re.Pattern[str]], ...]


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> RelevanceRules:
    """Read the rules file (default: the shipped ``crawler/data/relevance.v1.json``)."""
    if path is None:
        text = (resources.files("flopsdb.crawler") / "data" / "relevance.v1.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = json.loads(text)
    benchmarks = tuple((name, re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)) for name, patterns in data["benchmarks"].items())
    return RelevanceRules(frozenset(data["categories"]), benchmarks)


def judge(paper: Paper, *, pwc_linked: bool = False, rules: RelevanceRules | None = None) -> tuple[bool, str]:
    """``(relevant, reason)``; reasons: ``pwc``, ``benchmark:<name>``, ``off-topic category``, ``no tracked benchmark``."""
    if pwc_linked:
        return True, "pwc"
    rules = rules or load_rules()
    if not rules.categories.intersection(paper.categories):
        return False, "off-topic category"
    text = f"{paper.title}\n{paper.abstract}"
    for name, pattern in rules.benchmarks:
        if pattern.search(text):
            return True, f"benchmark:{name}"
    return False, "no tracked benchmark"
