"""parameters.v2 and result.v1 (results stated in sentences)."""

from __future__ import annotations

import pytest

from flopsdb.extract.parameters import counts_in, extract_parameters
from flopsdb.extract.results import extract_results, results_in, split_of
from tests.extract.conftest import sentence_with


@pytest.mark.parametrize("sentence, value", [("The model has about 2.6 million parameters.", 2.6e6), ("DenseNet-201 with 20M parameters", 20e6),
                                             ("We train a 1.5B-parameter model.", 1.5e9), ("ResNeXt has 25.5×10^6 params.", 25.5e6),
                                             ("Our model has 213M parameters.", 213e6)])
def test_parameter_counts(sentence: str, value: float) -> None:
    assert [c["value"] for c in counts_in(sentence)] == [pytest.approx(value)]


@pytest.mark.parametrize("sentence", ["We use 3.3 billion tokens.", "It needs 7.8 billion FLOPs.", "The M40 has parameters.", "There are 14M images."])
def test_not_parameter_counts(sentence: str) -> None:
    assert counts_in(sentence) == []


def test_baseline_parameter_counts_get_lower_confidence() -> None:
    ours = counts_in("Our model has 20M parameters.")[0]
    theirs = counts_in("The VGG model [18] has 138M parameters.")[0]
    assert ours["confidence"] > theirs["confidence"]


def test_parameters_candidate(doc_of) -> None:
    (c,) = extract_parameters(doc_of("Our model has 213M parameters."))
    assert c.kind == "parameters" and c.fields == {"value": 213e6, "value_text": "213M", "own": True} and c.extractor == "parameters.v2"


def _results(sentence: str) -> list[tuple[object, ...]]:
    return [(r["dataset"], r["metric"], r["value"], r["own"]) for r in results_in(sentence)]


@pytest.mark.parametrize("sentence, expected", [
    ("Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task, improving over the existing best results by over 2 BLEU.",
     [("WMT14 EN-DE", "BLEU", 28.4, True)]),
    ("On the WMT 2014 English-to-French translation task, our big model achieves a BLEU score of 41.0.", [("WMT14 EN-FR", "BLEU", 41.0, True)]),
    ("GoogLeNet achieves a top-5 error of 6.67% on ILSVRC 2014.", [("ImageNet", "top-5 error", 6.67, True)]),
    ("We obtain 21.2% top-1 and 5.6% top-5 error on the ILSVRC 2012 validation set.", [("ImageNet", "top-1 error", 21.2, True), ("ImageNet", "top-5 error", 5.6, True)]),
    ("Our single model obtains 94.6% and 88.7% F1 on SQuAD 1.1 and 2.0 respectively.", [("SQuAD 1.1", "F1", 94.6, True), ("SQuAD 2.0", "F1", 88.7, True)]),
    ("YOLOv4 achieves 43.5% AP (65.7% AP50) for the MS COCO dataset.", [("COCO", "box AP", 43.5, True), ("COCO", "AP50", 65.7, True)]),
    ("Our tagger obtains an F1 score of 91.21 on CoNLL 2003.", [("CoNLL-2003", "F1", 91.21, True)]),
])
def test_results_in_sentences(sentence: str, expected: list[tuple[object, ...]]) -> None:
    assert _results(sentence) == expected


@pytest.mark.parametrize("sentence", ["The Weighted Transformer achieves a 1.1 BLEU score improvement on WMT 2014 English-to-German.",
                                      "We improve the F1 on SQuAD by 2.7 points.", "CIFAR-10 error is 3.5%.", "We train on WMT 2016 English-German with 28.1 BLEU."])
def test_improvements_and_untracked_datasets_are_not_results(sentence: str) -> None:
    assert _results(sentence) == []


def test_baseline_results_are_not_own() -> None:
    (r,) = results_in("The previous best model [12] reached 26.3 BLEU on WMT 2014 English-to-German.")
    assert r["own"] is False


def test_split_of() -> None:
    assert split_of("on COCO test-dev") == "test-dev" and split_of("on the SQuAD dev set") == "dev" and split_of("validation") == "val"


def test_result_candidates(doc_of) -> None:
    (c,) = extract_results(doc_of("Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task."))
    assert c.extractor == "result.v1" and c.fields["task"] == "machine translation" and c.fields["value_text"] == "28.4" and c.fields["own"] is True


@pytest.mark.shared
def test_real_result_and_parameter_sentences(corpus_doc) -> None:
    assert ("WMT14 EN-DE", "BLEU", 28.4, True) in _results(sentence_with(corpus_doc("1706.03762"), "28.4 BLEU"))
    assert 2.6e6 in [c["value"] for c in counts_in(sentence_with(corpus_doc("1611.01603"), "2.6 million"))]


def _table(rows: list[list[str]]):
    from flopsdb.extract.document import Box, Cell, Table

    cells = tuple(tuple(Cell(text, Box(50 + 60 * i, 100 + 12 * r, 100 + 60 * i, 110 + 12 * r)) for i, text in enumerate(row)) for r, row in enumerate(rows))
    return Table(page=3, bbox=Box(50, 100, 400, 200), caption=None, rows=cells, header_rows=1)


def test_parameters_from_a_table_of_model_sizes(doc_of) -> None:
    doc = doc_of("We propose DenseNet, a dense network.")
    doc.tables.append(_table([["Method", "Depth", "Params", "C10"], ["ResNet [11]", "110", "1.7M", "6.61"],
                              ["DenseNet (k = 12)", "40", "1.0M", "7.00"], ["DenseNet-BC (k = 24)", "250", "15.3M", "5.19"]]))
    doc.tables.append(_table([["Model", "Params (M)", "Top-1"], ["Ours-small", "4.2", "70.6"]]))
    by_value = {round(c.fields["value"]): c for c in extract_parameters(doc) if "table" in c.flags}
    assert set(by_value) == {1_700_000, 1_000_000, 15_300_000, 4_200_000}
    assert by_value[1_000_000].model == "DenseNet (k = 12)" and by_value[1_000_000].evidence.page == 3
    assert by_value[1_700_000].confidence < 0.35 <= by_value[15_300_000].confidence
