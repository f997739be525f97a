"""Sentences: spaCy ``blank("en")`` with a sentencizer and two rule components.

The tokenizer is :class:`FastTokenizer` (whitespace plus sentence-final punctuation), about five
times faster than spaCy's English tokenizer and enough for sentence boundaries.

* ``flopsdb_no_split`` keeps abbreviations (``e.g.``, ``et al.``, ``Fig.``, ``approx.``), numbers
  with a decimal point and initials from ending a sentence (vocabulary in
  ``extract/data/sentence_rules.json``);
* ``flopsdb_breaks`` starts a sentence at every offset listed in ``doc.user_data["breaks"]``
  (headings, captions, page ends) and after blank-ish layout breaks.

No downloaded model is needed.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

__all__ = ["sentencizer", "split_sentences", "FastTokenizer"]

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _rules() -> dict[str, frozenset[str]]:
    raw = json.loads((DATA / "sentence_rules.json").read_text(encoding="utf-8"))
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
        return Doc(self.vocab, words=words, spaces=spaces)


@Language.component("flopsdb_no_split")
def _no_split(doc: Doc) -> Doc:
    """Undo sentence starts after abbreviations, initials and inside numbers, and before a
    lower-case word or closing punctuation."""
    abbreviations = _rules()["abbreviations"]
    starts = np.flatnonzero(doc.to_array(SENT_START) == 1)
    for i in starts.tolist():
        if i == 0:
            continue
        tok = doc[i]
        prev = doc[i - 1]
        if prev.is_space and i >= 2:
            prev = doc[i - 2]
            i -= 1
        if prev.text in (".", "!", "?") and i >= 2:
            word = doc[i - 2]
            if not word.whitespace_ and ((word.text.lower() + ".") in abbreviations or (len(word.text) == 1 and word.text.isupper())):
                tok.is_sent_start = False
                continue
        elif prev.text.lower() in abbreviations:
            tok.is_sent_start = False
            continue
        first = tok.text[:1]
        if first.islower() or (first and first in ",;:)]"):
            tok.is_sent_start = False
    return doc


@Language.component("flopsdb_breaks")
def _breaks(doc: Doc) -> Doc:
    """Force sentence starts at the character offsets in ``doc.user_data["breaks"]``."""
    breaks = doc.user_data.get("breaks") or ()
    if not breaks:
        return doc
    idx = doc.to_array(IDX)
    for off in breaks:
        k = int(np.searchsorted(idx, off))
        if 0 < k < len(doc) and idx[k] == off:
            doc[k].is_sent_start = True
    return doc


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

    ``breaks`` are offsets where a sentence must start (line starts of headings and captions)."""
    nlp = sentencizer()
    doc = nlp.make_doc(text)
    doc.user_data["breaks"] = sorted(set(breaks))
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        start = sent.start_char
        end = sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
