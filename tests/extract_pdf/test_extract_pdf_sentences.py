"""The sentence splitter: the fast tokenizer, spaCy's sentencizer rule (checked against spaCy itself)
and the rule components."""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from flopsdb.extract.sentences import PUNCT_CHARS, _sentencizer_starts, split_sentences, tokenize

TEXT = (
    "We use e.g. the GPUs. Results (see Fig. 3) are good. Smith et al. trained it.\n"
    'The value 3.5 days! Is it "done." Yes.\n\fNext page U.S. based.  Double  spaces.'
)


def sents(text: str, breaks: list[int] | None = None) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, breaks or [])]


def test_tokenizer_keeps_the_text() -> None:
    words, spaces = tokenize(TEXT)
    assert "".join(w + " " * sp for w, sp in zip(words, spaces)) == TEXT
    assert words[:6] == ["We", "use", "e.g", ".", "the", "GPUs"]


def test_abbreviations_initials_and_numbers_do_not_split() -> None:
    assert sents(TEXT) == [
        "We use e.g. the GPUs.",
        "Results (see Fig. 3) are good.",
        "Smith et al. trained it.",
        "The value 3.5 days!",
        'Is it "done."',
        "Yes.",
        "Next page U.S. based.",
        "Double  spaces.",
    ]


def test_an_abbreviation_after_an_opening_bracket_does_not_split() -> None:
    text = "It beats both (i.e. 1.2% on MNLI-m and 1.5% on SQuAD). See [e.g. Table 3] too."
    assert sents(text) == ["It beats both (i.e. 1.2% on MNLI-m and 1.5% on SQuAD).", "See [e.g. Table 3] too."]


def test_lower_case_continuation_is_not_a_new_sentence() -> None:
    assert sents("Training took approx. 3 days on 8 GPUs. then it stopped.") == ["Training took approx. 3 days on 8 GPUs. then it stopped."]


def test_breaks_force_a_sentence_start() -> None:
    text = "5.2 Hardware and Schedule\nWe trained our models on one machine with 8 NVIDIA P100 GPUs."
    assert len(sents(text)) == 1
    start = text.index("We trained")
    assert sents(text, [start]) == ["5.2 Hardware and Schedule", "We trained our models on one machine with 8 NVIDIA P100 GPUs."]


def test_spans_are_trimmed_and_ordered() -> None:
    spans = split_sentences("  One.   Two.  \n")
    assert spans == [(2, 6), (9, 13)]


@lru_cache(maxsize=1)
def _spacy_sentencizer() -> tuple[Any, Any]:
    import spacy

    nlp = spacy.blank("en")
    return nlp, nlp.add_pipe("sentencizer")


def _spacy_starts(words: list[str], spaces: list[bool]) -> list[int]:
    """The sentence starts (``SENT_START``) spaCy's own sentencizer sets on a Doc of these tokens."""
    from spacy.attrs import SENT_START
    from spacy.tokens import Doc

    nlp, sentencizer = _spacy_sentencizer()
    return list(sentencizer(Doc(nlp.vocab, words=words, spaces=spaces)).to_array(SENT_START).astype("int64").tolist())


def _same_as_spacy(text: str) -> bool:
    words, spaces = tokenize(text)
    return not words or _sentencizer_starts(words) == _spacy_starts(words, spaces)


def test_punctuation_is_spacys() -> None:
    from spacy.pipeline import Sentencizer

    assert PUNCT_CHARS == frozenset(Sentencizer.default_punct_chars)


def test_the_split_is_spacys_sentencizer_on_hard_cases() -> None:
    text = TEXT + " Wait!? ... (Yes.) 'No!' — a dash. End。Next． Ok ‼ Then?! ) after. [1]. Done"
    assert _same_as_spacy(text)
    assert len(split_sentences(text)) > 10


def test_the_split_is_spacys_sentencizer_on_random_text() -> None:
    rng = random.Random(12)
    alphabet = ["A", "b", "e.g", "Fig", ".", "!", "?", "。", ")", "]", '"', "'", ",", "-", "3.5", "U", " ", "  ", "\n", "\f", "…", "—", "(", "‼"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        assert _same_as_spacy(text), repr(text)


@pytest.mark.shared
def test_the_split_is_spacys_sentencizer_on_corpus_text(corpus_dir: Path) -> None:
    import pypdfium2 as pdfium

    for path in sorted(corpus_dir.glob("*.pdf"))[:4]:
        pdf = pdfium.PdfDocument(str(path))
        try:
            text = "\f".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        finally:
            pdf.close()
        assert _same_as_spacy(text), path.name
