"""The sentence splitter: spaCy blank English, the fast tokenizer and the rule components."""

from __future__ import annotations

from flopsdb.extract.sentences import sentencizer, split_sentences

TEXT = (
    "We use e.g. the GPUs. Results (see Fig. 3) are good. Smith et al. trained it.\n"
    'The value 3.5 days! Is it "done." Yes.\n\fNext page U.S. based.  Double  spaces.'
)


def sents(text: str, breaks: list[int] | None = None) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, breaks or [])]


def test_tokenizer_keeps_the_text() -> None:
    doc = sentencizer().make_doc(TEXT)
    assert doc.text == TEXT
    assert [t.text for t in doc][:6] == ["We", "use", "e.g", ".", "the", "GPUs"]


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
