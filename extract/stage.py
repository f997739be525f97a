"""What the extractors share: stage and pitfall classification, numbers in words, sentences and sections.

Vocabularies live in ``extract/data/vocab.v1.json``. Stage is one of ``pretraining``, ``training``,
``fine-tuning``, ``search`` or ``inference`` (hardware or time used only to measure speed).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flopsdb.extract.document import Document

NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"


@lru_cache(maxsize=1)
def vocab() -> dict:
    """The vocabularies of ``extract/data/vocab.v1.json``."""
    return json.loads((Path(__file__).parent / "data" / "vocab.v1.json").read_text(encoding="utf-8"))


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s*").replace(r"\-", r"[\-\s]?") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def number_pattern() -> str:
    """A regex for a count in digits or words (``8``, ``1,024``, ``eight``, ``a single``)."""
    return rf"(?:{NUMBER}|(?<![A-Za-z])(?:{_alternation(list(vocab()['number_words']))})(?![A-Za-z]))"


@lru_cache(maxsize=1)
def hedge_pattern() -> str:
    """A regex for a hedge word before a number (``about``, ``~``, ``less than``)."""
    words = vocab()["hedges"]
    symbols = [w for w in words if not w[0].isalpha()]
    alpha = [w for w in words if w[0].isalpha()]
    return rf"(?:(?<![A-Za-z])(?:{_alternation(alpha)})(?![A-Za-z])|{_alternation(symbols)})"


def parse_number(text: str) -> float | None:
    """``"1,024"`` -> 1024, ``"eight"`` -> 8, ``"a single"`` -> 1, ``"2.5"`` -> 2.5; None if not a number."""
    t = " ".join(text.strip().lower().split())
    if not t:
        return None
    words = vocab()["number_words"]
    if t in words:
        return float(words[t])
    t2 = t.replace("-", " ")
    for key, value in words.items():
        if key.replace("-", " ") == t2:
            return float(value)
    try:
        return float(t.replace(",", ""))
    except ValueError:
        return None


def has_cue(text: str, group: str) -> bool:
    """Whether ``text`` (lowercased) holds one of the cues of a vocab list or stage group."""
    low = text.lower()
    cues = vocab()["stage_cues"][group] if group in vocab()["stage_cues"] else vocab()[group]
    return any(c in low for c in cues)


def classify_stage(sentence: str, section: str | None = None) -> str:
    """The stage a sentence speaks of; the section title decides when the sentence itself has no cue.

    Inference wins only when the sentence has an inference cue and no training cue: hardware used just to
    measure speed is ``inference``.
    """
    s = sentence.lower()
    training_cue = any(c in s for c in vocab()["strong_training_cues"])
    if (has_cue(s, "inference") or re.search(r"\d\s*ms\b", s)) and not training_cue:
        if not (section and any(c in section.lower() for c in vocab()["strong_training_cues"])):
            return "inference"
    for stage in ("search", "pretraining", "fine-tuning"):
        if has_cue(s, stage):
            return stage
    if section:
        sec = section.lower()
        if not training_cue and has_cue(sec, "inference") and not has_cue(sec, "training"):
            return "inference"
        for stage in ("search", "pretraining", "fine-tuning"):
            if has_cue(sec, stage):
                return stage
    return "training"


def local_stage(sentence: str, start: int, end: int, default: str) -> str:
    """The stage of the clause around ``sentence[start:end]`` when it has its own cue, else ``default``.

    "We pre-train for 53h and fine-tune for 20h" gives each duration its own stage.
    """
    lo = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start), sentence.rfind(" and ", 0, start), start - 60, 0)
    hi_candidates = [i for i in (sentence.find(",", end), sentence.find(";", end), sentence.find(" and ", end)) if i >= 0]
    hi = min(hi_candidates + [end + 40, len(sentence)])
    clause = sentence[lo:hi].lower()
    for stage in ("search", "pretraining", "fine-tuning"):
        if has_cue(clause, stage):
            return stage
    if default == "inference" and (has_cue(clause, "training") and not has_cue(clause, "inference")):
        return "training"
    return default


def is_hypothetical(sentence: str) -> bool:
    """Whether the sentence estimates or supposes rather than reports ("could be trained within a week")."""
    return has_cue(sentence, "hypothetical_cues")


def is_project_total(sentence: str) -> bool:
    """Whether the sentence speaks of a whole project or all experiments rather than one run."""
    return has_cue(sentence, "project_total_cues")


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence's span in ``Document.text``, its text and the title of the section it stands in."""

    start: int
    end: int
    text: str
    section: str | None


_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])|\n\s*\n|\f")


def skipped_section(title: str | None) -> bool:
    """Whether facts in this section are not the paper's own (references, related work, acknowledgements)."""
    if not title:
        return False
    low = title.lower()
    return any(w in low for w in vocab()["skip_sections"])


def iter_sentences(doc: Document, *, skip: bool = True) -> Iterator[SentenceSpan]:
    """The document's sentences (``doc.sentences``, or a regex split when the parser gave none).

    With ``skip`` the sentences of references, related work and acknowledgements are left out."""
    for sent in _all_sentences(doc):
        if not (skip and skipped_section(sent.section)):
            yield sent


def _all_sentences(doc: Document) -> Iterator[SentenceSpan]:
    starts = [s.start for s in doc.sections]
    titles = [s.title for s in doc.sections]

    def title_at(offset: int) -> str | None:
        i = bisect.bisect_right(starts, offset) - 1
        return titles[i] if i >= 0 else None

    if doc.sentences:
        for s in doc.sentences:
            yield SentenceSpan(s.start, s.end, doc.text[s.start : s.end], title_at(s.start))
        return
    pos = 0
    for m in _SPLIT.finditer(doc.text):
        if m.start() > pos:
            yield SentenceSpan(pos, m.start(), doc.text[pos : m.start()], title_at(pos))
        pos = m.end()
    if pos < len(doc.text):
        yield SentenceSpan(pos, len(doc.text), doc.text[pos:], title_at(pos))


def in_table(doc: Document, start: int, end: int) -> bool:
    """Whether the characters ``start:end`` lie in a table region read by the parser (table extractors cover them)."""
    if not doc.tables:
        return False
    ev = doc.evidence(start, end)
    b = ev.bbox
    cx, cy = (b.x0 + b.x1) / 2, (b.top + b.bottom) / 2
    return any(t.page == ev.page and t.bbox.x0 - 2 <= cx <= t.bbox.x1 + 2 and t.bbox.top - 2 <= cy <= t.bbox.bottom + 2 for t in doc.tables)
