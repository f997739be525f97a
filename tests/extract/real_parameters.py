"""The real parameter-count passages of ``tests/fixtures/phrasings/real_parameters.v2.jsonl``: loading, the fixed
tune / held-out split, the document each passage is read in, and scoring (shared by the test; ``python -m
tests.extract.real_parameters`` prints precision and recall per part).

Each passage was collected from public text outside the corpora (paper sources, model READMEs, model cards, notes)
and labelled from its words: every parameter count it states, whether it is the count of the text's own model, and
the model's name. ``expected`` is the set of own counts. A passage is read after a title line and a sentence that
name its own model (``own_model``, else the neutral ``ZapNet``), through the whole pipeline, as ``flopsdb extract
--facts`` does."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from flopsdb.extract.document import Box, Cell, Document, Sentence, Table
from flopsdb.extract.evaluate import Score
from flopsdb.extract.facts import select_facts
from flopsdb.extract.parameters import EXTRACTOR
from flopsdb.extract.pipeline import extract_document
from flopsdb.extract.sentences import split_sentences
from tests.extract.conftest import make_doc

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "phrasings" / "real_parameters.v2.jsonl"


def load_passages(path: Path = FIXTURE) -> list[dict[str, Any]]:
    """The labelled passages, one dict per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def part_of(passage: dict[str, Any]) -> str:
    """``tune`` or ``heldout`` by a fixed rule on the passage's source: the first hex digit of ``sha256(source)`` is
    0-7 for tune (rules may be fitted on these), 8-f for held-out (measured only)."""
    return "tune" if hashlib.sha256(passage["source"].encode("utf-8")).hexdigest()[0] in "01234567" else "heldout"


_MARKUP = re.compile(r"\*\*|__|`")


def rendered(text: str) -> str:
    """The text as a PDF shows it: the source format's emphasis and code marks (Markdown ``**``, ``__``, backticks)
    are typography, not characters."""
    return _MARKUP.sub("", text)


def passage_doc(passage: dict[str, Any]) -> Document:
    """The passage as a one-page Document after a preamble naming its own model; table passages become a Table
    (a cell set in ``**bold**`` is a bold cell)."""
    name = passage.get("own_model") or "ZapNet"
    preamble = f"{name}: a model for the task\nWe propose {name}.\n"
    doc = make_doc(preamble + rendered(passage.get("text") or ""))
    doc.sentences = [Sentence(a, b, doc.text[a:b], 1) for a, b in split_sentences(doc.text)]
    rows = passage.get("rows")
    if rows:
        cells = tuple(
            tuple(Cell(rendered(t), Box(50 + 70 * i, 300 + 12 * r, 110 + 70 * i, 310 + 12 * r), bold=t.startswith("**")) for i, t in enumerate(row))
            for r, row in enumerate(rows)
        )
        doc.tables.append(Table(1, Box(50, 300, 600, 300 + 12 * len(rows)), None, cells, 1))
    return doc


def found_counts(passage: dict[str, Any]) -> list[float]:
    """The parameter counts the extractor asserts as own facts of the passage."""
    doc = passage_doc(passage)
    facts = select_facts(c for c in extract_document(doc, names=[EXTRACTOR]) if c.kind == "parameters")
    return sorted(float(c.fields["value"]) for c in facts)


def score_passage(expected: list[float], found: list[float]) -> tuple[int, int, int]:
    """(tp, fp, fn) of one passage; each expected value matches at most one found value within 2 %."""
    free = list(expected)
    tp = 0
    for v in found:
        hit = next((e for e in free if abs(v - e) <= 0.02 * abs(e)), None)
        if hit is None:
            continue
        free.remove(hit)
        tp += 1
    return tp, len(found) - tp, len(free)


def passes(passage: dict[str, Any]) -> bool:
    """Whether the extractor asserts exactly the passage's own counts."""
    tp, fp, fn = score_passage([float(v) for v in passage["expected"]], found_counts(passage))
    return fp == 0 and fn == 0


def measure(passages: list[dict[str, Any]] | None = None) -> dict[str, tuple[int, int, Score]]:
    """Per part: (passages, passages read exactly, tally)."""
    out: dict[str, tuple[int, int, Score]] = {}
    for p in passages if passages is not None else load_passages():
        n, ok, tally = out.get(part_of(p), (0, 0, Score()))
        tp, fp, fn = score_passage([float(v) for v in p["expected"]], found_counts(p))
        tally.tp, tally.fp, tally.fn = tally.tp + tp, tally.fp + fp, tally.fn + fn
        out[part_of(p)] = (n + 1, ok + (fp == 0 and fn == 0), tally)
    return out


if __name__ == "__main__":
    for part, (n, ok, t) in sorted(measure().items(), reverse=True):
        print(f"{part:8} passages {n:3}  exact {ok:3}  tp {t.tp:3} fp {t.fp:3} fn {t.fn:3}  P {t.precision:.3f}  R {t.recall:.3f}")
