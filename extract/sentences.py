"""Sentences: a rule-based split, the same as spaCy's sentencizer with two rule components.

The text is cut into tokens by :func:`tokenize` (whitespace plus sentence-final punctuation, enough
for sentence boundaries); :func:`split_sentences` then applies, on plain lists:

* spaCy's ``Sentencizer`` rule (a sentence ends after a run of sentence-final characters,
  :data:`PUNCT_CHARS`, at the first token that is neither one nor punctuation), reimplemented here so
  that parsing never imports spaCy (about a second of start-up per process, issue 12);
* ``no split`` keeps abbreviations (``e.g.``, ``et al.``, ``Fig.``, ``approx.``), numbers
  with a decimal point and initials from ending a sentence (vocabulary in
  ``extract/data/sentence_rules.v1.json``);
* ``breaks`` starts a sentence at every given offset (headings, captions, page ends).

No downloaded model is needed; ``tests/extract_pdf/test_extract_pdf_sentences.py`` checks the split
against spaCy's own sentencizer.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _rules() -> dict[str, frozenset[str]]:
    raw = json.loads((DATA / "sentence_rules.v1.json").read_text(encoding="utf-8"))
    return {"abbreviations": frozenset(a.lower() for a in raw["abbreviations"])}


_CHUNK = re.compile(r"\S+|\s+")
_END = re.compile(r"^(.*?[^.!?])?([.!?]+)([)\]\"'”’]*)$")


PUNCT_CHARS: frozenset[str] = frozenset(
    "!.?։؟۔܀܁܂߹।॥၊။።፧፨᙮᜵᜶᠃᠉᥄᥅᪨᪩᪪᪫᭚᭛᭞᭟᰻᰼᱾᱿‼‽⁇⁈⁉⸮⸼꓿꘎꘏꛳꛷꡶꡷꣎꣏꤯꧈꧉꩝꩞꩟꫰꫱꯫﹒﹖﹗！．？𐩖𐩗𑁇𑁈𑂾𑂿𑃀𑃁𑅁𑅂𑅃𑇅𑇆𑇍𑇞𑇟𑈸𑈹𑈻𑈼𑊩𑑋𑑌𑗂𑗃𑗉𑗊𑗋𑗌𑗍𑗎𑗏𑗐𑗑𑗒𑗓𑗔𑗕𑗖𑗗𑙁𑙂𑜼𑜽𑜾𑩂𑩃𑪛𑪜𑱁𑱂𖩮𖩯𖫵𖬷𖬸𖭄𛲟𝪈｡。"
)
"""Sentence-final characters: spaCy's ``Sentencizer.default_punct_chars`` (spaCy 3.8)."""


def tokenize(text: str) -> tuple[list[str], list[bool]]:
    """Whitespace tokens with sentence-final ``. ! ?`` (and closing brackets or quotes after them)
    split off, as words and their trailing-space flags. Runs of whitespace other than one space
    become whitespace tokens, so the words and flags give back ``text``."""
    return _words(text)


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


def _opened(word: str) -> str:
    """A token lower-cased without the brackets or quotes that open it: "(i.e" is the abbreviation "i.e"."""
    return word.lower().lstrip("([{\"'“‘")


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
            if not spaces[i - 2] and ((_opened(word) + ".") in abbreviations or (len(word) == 1 and word.isupper())):
                starts[at] = -1
                continue
        elif _opened(prev) in abbreviations:
            starts[at] = -1
            continue
        first = words[at][:1]
        if first.islower() or (first and first in ",;:)]"):
            starts[at] = -1


def _force_starts(idx: list[int], starts: list[int], breaks: Iterable[int]) -> None:
    """Force sentence starts (set 1) at the tokens that begin at the character offsets ``breaks``
    (``idx``: each token's start offset, ascending)."""
    for off in breaks:
        k = bisect_left(idx, off)
        if 0 < k < len(starts) and idx[k] == off:
            starts[k] = 1


def _is_punct(word: str) -> bool:
    """spaCy's ``is_punct``: every character is Unicode punctuation."""
    return all(unicodedata.category(c).startswith("P") for c in word)


def _sentencizer_starts(words: list[str]) -> list[int]:
    """Sentence starts as spaCy's ``Sentencizer`` sets them on a fresh Doc of ``words`` (``SENT_START``:
    1 a start, -1 not): after a token in :data:`PUNCT_CHARS`, the next token that is neither one nor
    punctuation starts a sentence."""
    starts = [-1] * len(words)
    start = 0
    seen_period = False
    for i, word in enumerate(words):
        in_punct_chars = word in PUNCT_CHARS
        if seen_period and not in_punct_chars and not _is_punct(word):
            starts[start] = 1
            start = i
            seen_period = False
        elif in_punct_chars:
            seen_period = True
    starts[0] = 1
    starts[start] = 1
    return starts


def split_sentences(text: str, breaks: Iterable[int] = ()) -> list[tuple[int, int]]:
    """``(start, end)`` character spans of the sentences of ``text``, whitespace trimmed.

    ``breaks`` are offsets where a sentence must start (line starts of headings and captions).
    The sentencizer rule, then the no-split and break rules, on plain lists of tokens."""
    words, spaces = _words(text)
    if not words:
        return []
    starts = _sentencizer_starts(words)
    _undo_starts(words, spaces, starts)
    idx = list(accumulate((len(w) + sp for w, sp in zip(words, spaces)), initial=0))[:-1]
    _force_starts(idx, starts, sorted(set(breaks)))
    bounds = [k for k in range(1, len(words)) if starts[k] == 1]
    spans: list[tuple[int, int]] = []
    for a, b in zip([0, *bounds], [*bounds, len(words)]):
        start = idx[a]
        end = idx[b - 1] + len(words[b - 1])
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
