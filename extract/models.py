"""The paper's own models, found once per paper and stored on the Document (``Document.models``).

Every extractor links its facts to one of these (``Candidate.model`` / ``model_key``). This first pass reads the
title: the name before a colon ("GhostNet: More Features from Cheap Operations") or a capitalised name with a
size ("Mistral 7B"). Further sources (the abstract, "ours" rows, the main table's own rows) extend it.
"""

from __future__ import annotations

import re

from flopsdb.core.ids import model_key
from flopsdb.extract.document import Document, ModelName

_TITLE_NAME = re.compile(r"^\s*(?P<name>[A-Z][\w.+\-]*(?:[ -][\w.+\-]+){0,2}?)\s*:\s")
_NAME_WITH_SIZE = re.compile(r"\b(?P<name>[A-Z][A-Za-z]+[\w\-]*\s+\d+(?:\.\d+)?[BM])\b")


def _title(doc: Document) -> tuple[str, int]:
    """The first line of the first page with the largest font: the title, and its offset."""
    first = [line for line in doc.lines if line.page == 1][:12]
    if not first:
        return "", 0
    size = max(line.font_size for line in first)
    lines = [line for line in first if abs(line.font_size - size) < 0.5]
    return " ".join(line.text.strip() for line in lines), lines[0].start


def find_models(doc: Document) -> tuple[ModelName, ...]:
    """The paper's own model names found in its title (main models), in order, one per key."""
    title, start = _title(doc)
    found: list[ModelName] = []
    for pattern in (_TITLE_NAME, _NAME_WITH_SIZE):
        m = pattern.search(title)
        if m:
            name = m.group("name").strip()
            key = model_key(name)
            if key and all(f.key != key for f in found):
                evidence = doc.evidence(start + m.start("name"), start + m.end("name")) if doc.text else None
                found.append(ModelName(name=name, key=key, main=True, source="title", evidence=evidence))
    return tuple(found)
