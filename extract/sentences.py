"""Sentences: spaCy ``blank("en")`` with a sentencizer and two rule components.

The tokenizer is :class:`FastTokenizer` (whitespace plus sentence-final punctuation), about five
times faster than spaCy's English tokenizer and enough for sentence boundaries.

* ``flopsdb_no_split`` keeps abbreviations (``e.g.``, ``et al.``, ``Fig.``, ``approx.``), numbers
  with a decimal point and initials from ending a sentence (vocabulary in
  ``extract/data/sentence_rules.v1.json``);
* ``flopsdb_breaks`` starts a sentence at every offset listed in ``doc.user_data["breaks"]``
  (headings, captions, page ends) and after blank-ish layout breaks.

No downloaded model is needed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _rules() -> dict[str, frozenset[str]]:
    raw = json.loads((DATA / "sentence_rules.v1.json").read_text(encoding="utf-8"))
    return {"abbreviations": frozenset(a.lower() for a in raw["abbreviations"])}


_CHUNK = re.compile(r"\S+|\s+")
_END = re.compile(r"^(.*?[^.!?])?([.!?]+)([)\]\"'”’]*)$")


class FastTokenizer:
    """Whitespace tokens with sentence-final ``. ! ?`` (and closing brackets or quotes after them)
    split off: all the sentencizer needs, at a fraction of the cost of the full English tokenizer.
    Runs of whitespace other than one space become whitespace tokens, so ``doc.text == text``."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = _words(text)
        return Doc(self.vocab, words=words, spaces=spaces)


def _words(text: str) -> tuple[list[str], list[bool]]:
    """The tokens of :class:`FastTokenizer`, as words and their trailing-space flags."""
    words: list[str] = []
    spaces: list[bool] = []
    for m in _CHUNK.finditer(text):
        chunk = m.group(0)
        if chunk[0].isspace():
            if chunk == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
            else:
                if words and spaces[-1]:
                    spaces[-1] = False
                    chunk = " " + chunk
                words.append(chunk)
                spaces.append(False)
            continue
        last = chunk[-1]
        if last in ".!?)]\"'”’" and (e := _END.match(chunk)) and e.group(1):
            words.append(e.group(1))
            spaces.append(False)
            words.append(e.group(2))
            spaces.append(False)
            if e.group(3):
                words.append(e.group(3))
                spaces.append(False)
        else:
            words.append(chunk)
            spaces.append(False)
    return words, spaces


def _undo_starts(words: list[str], spaces: list[bool], starts: list[int]) -> None:
    """Undo sentence starts (set -1) after abbreviations, initials and inside numbers, and before a
    lower-case word or closing punctuation."""
    abbreviations = _rules()["abbreviations"]
    for i in [k for k, v in enumerate(starts) if v == 1]:
        if i == 0:
            continue
        at = i
        prev = words[i - 1]
        if prev.isspace() and i >= 2:
            prev = words[i - 2]
            i -= 1
        if prev in (".", "!", "?") and i >= 2:
            word = words[i - 2]
            if not spaces[i - 2] and ((word.lower() + ".") in abbreviations or (len(word) == 1 and word.isupper())):
                starts[at] = -1
                continue
        elif prev.lower() in abbreviations:
            starts[at] = -1
            continue
        first = words[at][:1]
        if first.islower() or (first and first in ",;:)]"):
            starts[at] = -1


def _force_starts(idx: np.ndarray, starts: list[int], breaks: Iterable[int]) -> None:
    """Force sentence starts (set 1) at the tokens that begin at the character offsets ``breaks``."""
    for off in breaks:
        k = int(np.searchsorted(idx, off))
        if 0 < k < len(starts) and idx[k] == off:
            starts[k] = 1


def _write_starts(doc: Doc, starts: list[int]) -> Doc:
    for tok, old, new in zip(doc, doc.to_array(SENT_START).tolist(), starts):
        if new != old:
            tok.is_sent_start = new == 1
    return doc


@Language.component("flopsdb_no_split")
def _no_split(doc: Doc) -> Doc:
    """Undo sentence starts after abbreviations, initials and inside numbers, and before a
    lower-case word or closing punctuation."""
    starts = doc.to_array(SENT_START).tolist()
    _undo_starts([t.text for t in doc], [bool(t.whitespace_) for t in doc], starts)
    return _write_starts(doc, starts)


@Language.component("flopsdb_breaks")
def _breaks(doc: Doc) -> Doc:
    """Force sentence starts at the character offsets in ``doc.user_data["breaks"]``."""
    breaks = doc.user_data.get("breaks") or ()
    if not breaks:
        return doc
    starts = doc.to_array(SENT_START).tolist()
    _force_starts(doc.to_array(IDX), starts, breaks)
    return _write_starts(doc, starts)


@lru_cache(maxsize=1)
def sentencizer() -> Language:
    """The shared pipeline: blank English, sentencizer, the two rule components."""
    nlp = spacy.blank("en")
    nlp.tokenizer = FastTokenizer(nlp.vocab)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("flopsdb_no_split")
    nlp.add_pipe("flopsdb_breaks")
    nlp.max_length = 20_000_000
    return nlp


def split_sentences(text: str, breaks: Iterable[int] = ()) -> list[tuple[int, int]]:
    """``(start, end)`` character spans of the sentences of ``text``, whitespace trimmed.

    ``breaks`` are offsets where a sentence must start (line starts of headings and captions).
    The pipeline's ``flopsdb_no_split`` and ``flopsdb_breaks`` rules, applied to plain lists (setting
    ``Token.is_sent_start`` costs time linear in the document, once per token changed)."""
    words, spaces = _words(text)
    if not words:
        return []
    nlp = sentencizer()
    doc = nlp.get_pipe("sentencizer")(Doc(nlp.vocab, words=words, spaces=spaces))
    starts = doc.to_array(SENT_START).tolist()
    _undo_starts(words, spaces, starts)
    idx = np.cumsum([0] + [len(w) + sp for w, sp in zip(words, spaces)])[:-1]
    _force_starts(idx, starts, sorted(set(breaks)))
    bounds = [k for k in range(1, len(words)) if starts[k] == 1]
    spans: list[tuple[int, int]] = []
    for a, b in zip([0, *bounds], [*bounds, len(words)]):
        start = int(idx[a])
        end = int(idx[b - 1]) + len(words[b - 1])
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
