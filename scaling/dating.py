"""The year of a paper whose id is not a dated arXiv id (a gold file's stem such as ``gpt2-radford2019``), from the
imported datasets that date its models: Thompson et al.'s ``year`` and Epoch AI's ``Publication date``.

A paper's own models (the models of its result facts; results marked ``own: false`` are baselines and are not used) are
matched to the imported rows' model names by :func:`flopsdb.scaling.inputs.bare_key`, the alias matching of the fit's
point identity (case, spaces, dashes, brackets and footnote marks folded, ``(single model)`` dropped; see
docs/records.md). Thompson's rows are asked first, then Epoch's (the fit's preference order). A source whose matches
give more than one year (a name several papers use: ``Transformer``, ``ResNet-50``) dates nothing; neither does a
paper whose own models match rows of different years.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flopsdb.scaling.inputs import bare_key

SOURCES: tuple[str, ...] = ("thompson", "epoch")
"""The imported datasets asked for a year, in order."""


def own_model_names(facts: Iterable[Mapping[str, Any]]) -> list[str]:
    """The models a paper reports results of as its own (result facts not marked ``own: false``), in order, once.
    Hardware, time and parameter facts are not asked: they can name the model a method is applied to (a detector
    trained as the base of the paper's own variant), which is another paper's."""
    names: dict[str, None] = {}
    for f in facts:
        fields = f.get("fields") or {}
        if f.get("kind") != "result" or fields.get("own") is False:
            continue
        if f.get("model"):
            names[str(f["model"])] = None
    return list(names)


def imported_year(names: Sequence[str], imported: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"year", "year_source", "year_match"}`` from the first source (:data:`SOURCES`) whose rows named like one of
    ``names`` all give one year; else ``{"reason": ...}`` saying what matched and why it dates nothing.

    >>> rows = [{"source": "epoch", "model": "ResNeXt-101 64x4d", "year": 2016, "entry_id": "epoch:9"}]
    >>> imported_year(["ResNeXt-101 (64 × 4d)"], rows)["year"]
    2016
    """
    keys = {bare_key(n): n for n in names if bare_key(n)}
    if not keys:
        return {"reason": "no model name to match to Thompson's or Epoch's rows"}
    why: list[str] = []
    for source in SOURCES:
        hits = [r for r in imported if r.get("source") == source and bare_key(r.get("model")) in keys]
        years = sorted({int(r["year"]) for r in hits})
        if len(years) == 1:
            r = hits[0]
            return {
                "year": years[0],
                "year_source": source,
                "year_match": f"model {keys[bare_key(r.get('model'))]!r} = {source}'s {r.get('model')!r} ({r.get('entry_id')})",
            }
        if years:
            why.append(
                f"{source}'s rows of {', '.join(sorted({str(r.get('model')) for r in hits}))} give {len(years)} years ({', '.join(map(str, years))})"
            )
    if why:
        return {"reason": "ambiguous: " + "; ".join(why)}
    return {"reason": f"no Thompson or Epoch row names its models ({', '.join(list(keys.values())[:4])})"}
