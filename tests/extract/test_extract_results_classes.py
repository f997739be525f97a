"""result.v2 and headline.v5: the general classes fixed on the tune part of the real abstract set
(tests/fixtures/phrasings/real_abstracts.v1.jsonl), each on a sentence of our own and, where a develop paper states
it, on the paper's own sentence (skipping without ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopsdb.extract.document import Document, ModelName, Sentence
from flopsdb.extract.facts import select_facts
from flopsdb.extract.headline import mark_headlines
from flopsdb.extract.pipeline import extract_document
from flopsdb.extract.results import results_in
from flopsdb.extract.sentences import split_sentences
from tests.extract.conftest import make_doc, sentence_with
from tests.extract.test_extract_headline import _cell, _sentence


def _facts(sentence: str, **kw: object) -> set[tuple[object, ...]]:
    return {(r["dataset"], r["metric"], r["value"], r["own"]) for r in results_in(sentence, **kw)}  # type: ignore[arg-type]


def _doc(text: str) -> Document:
    doc = make_doc(text)
    doc.sentences = [Sentence(a, b, doc.text[a:b], 1) for a, b in split_sentences(doc.text)]
    return doc


def _headline(text: str) -> set[tuple[object, ...]]:
    found = select_facts(c for c in extract_document(_doc(text), names=["result.v2"]) if c.kind == "result")
    return {(c.fields["dataset"], c.fields["metric"], c.fields["value"]) for c in found}


def test_an_abstract_result_is_own_without_our() -> None:
    s = "The design makes FooNet compatible with many tasks, including image classification (86.1 top-1 accuracy on ImageNet-1K)."
    assert _facts(s, in_abstract=True) == {("ImageNet", "top-1 accuracy", 86.1, True)}
    assert _facts(s) == {("ImageNet", "top-1 accuracy", 86.1, False)}


def test_a_closed_comparison_clause_does_not_make_the_result_a_baseline() -> None:
    own = "Experiments show that FooQA performs better than some strong baseline models, and achieves an F1 score of 71.2 on SQuAD 2.0."
    assert _facts(own, in_abstract=True) == {("SQuAD 2.0", "F1", 71.2, True)}
    other = "Our model reaches 84.0 F1 on the SQuAD test set, which is better than the best published F1 score of 81.5."
    assert ("SQuAD 1.1", "F1", 81.5, False) in _facts(other, in_abstract=True)


def test_a_value_stated_on_a_dataset_belongs_to_it() -> None:
    s = "With a small input the network gets 79.1% mAP on PASCAL VOC 2007, 77.0% mAP on PASCAL VOC 2012 datasets."
    assert _facts(s, in_abstract=True) == {("PASCAL VOC 2007", "mAP", 79.1, True), ("PASCAL VOC 2012", "mAP", 77.0, True)}


def test_listed_metrics_take_listed_values_in_order() -> None:
    s = "On the test data, we achieved top-1 and top-5 error rates of 38.1% and 16.9% on ImageNet."
    assert _facts(s) == {("ImageNet", "top-1 error", 38.1, True), ("ImageNet", "top-5 error", 16.9, True)}
    qa = "Our reader obtains EM and F1 of 80.2 and 87.5 on SQuAD v1.1."
    assert _facts(qa) == {("SQuAD 1.1", "EM", 80.2, True), ("SQuAD 1.1", "F1", 87.5, True)}


@pytest.mark.parametrize(
    ("sentence", "metric"),
    [
        ("We achieve 5.02% top-5 test error on the ImageNet 2012 classification dataset.", "top-5 error"),
        ("We won with a top-5 test error rate of 14.9% on ILSVRC-2012.", "top-5 error"),
        ("Our ensemble reaches 4.7% top-5 validation error on ImageNet.", "top-5 error"),
        ("Our model reaches 80.1% top-1 single-crop accuracy on ImageNet.", "top-1 accuracy"),
    ],
)
def test_a_split_word_between_top_k_and_error(sentence: str, metric: str) -> None:
    assert {f[1] for f in _facts(sentence)} == {metric}


def test_the_sentence_before_gives_the_dataset() -> None:
    text = (
        "We evaluate our tagger on the CoNLL 2003 corpus for named entity recognition (NER). "
        "We obtain state-of-the-art performance on both datasets, 96.9% accuracy for POS tagging and 90.8% F1 for NER."
    )
    assert _headline(text) == {("CoNLL-2003", "F1", 90.8)}


@pytest.mark.parametrize(
    "second",
    [
        "We also achieve a new state of the art on the OntoNotes coreference resolution task (78.9% F1).",
        "We also observe similar gains on five additional extractive question answering benchmarks (81.0% F1 on average).",
    ],
)
def test_a_sentence_about_other_benchmarks_takes_no_dataset_from_the_one_before(second: str) -> None:
    first = "Our model reaches 93.1 F1 on SQuAD 1.1. "
    assert _headline(first + second) == {("SQuAD 1.1", "F1", 93.1)}


def test_a_value_without_a_metric_takes_the_metric_before_it_for_the_next_dataset() -> None:
    s = "By doing so we achieve 84.1% mAP on PASCAL VOC 2007 (Table 10) and 82.2% on PASCAL VOC 2012 (Table 11)."
    assert _facts(s) == {("PASCAL VOC 2007", "mAP", 84.1, True), ("PASCAL VOC 2012", "mAP", 82.2, True)}


def test_coco_map_is_box_ap_and_at_half_iou_is_ap50() -> None:
    assert _facts("Our detector achieves 41.2 mAP on COCO test-dev.") == {("COCO", "box AP", 41.2, True)}
    assert _facts("On COCO, our ensemble obtains an mAP of 66.0% at 50% overlap.") == {("COCO", "AP50", 66.0, True)}


def test_the_single_model_row_beside_an_anchored_ensemble_row_is_the_abstracts_too() -> None:
    abstract = "ZipDet: Detecting Quickly\nOn COCO, an ensemble of three ZipDet networks obtains 47.9 mAP on COCO test-dev."
    doc = make_doc(abstract, sections={"Abstract": abstract, "1 Introduction": "We compare in Table 3."})
    doc.models = (ModelName("ZipDet", "zipdet", main=True, source="title"),)
    rows = {"ZipDet (single)": (44.0, 65.1, 48.0, 27.0), "ZipDet Ensemble": (47.9, 69.0, 52.9, 31.0), "ZipDet (no flip)": (43.1, 64.0, 47.2, 26.0)}
    cells = [
        _cell(model, metric, value, table="3", row=row)
        for row, (model, values) in enumerate(rows.items())
        for metric, value in zip(("box AP", "AP50", "AP75", "APs"), values)
    ]
    assert ("COCO", "box AP", 47.9, True) in _facts(abstract.split("\n")[1], in_abstract=True)
    marked = mark_headlines(doc, [_sentence(doc, "47.9", "box AP", 47.9), *cells])
    single = {c.fields["metric"] for c in marked if c.headline and c.model == "ZipDet (single)"}
    assert {"box AP", "AP50", "AP75"} <= single
    assert not any(c.headline for c in marked if c.model == "ZipDet (no flip)")


def _parse(folder: Path, paper: str) -> Document:
    from flopsdb.extract.pdf import parse_pdf

    return parse_pdf(folder / f"{paper}.pdf", paper=paper)


def test_snip_abstract_coco_map_and_map_at_50_overlap(corpus2_dir: Path) -> None:
    doc = _parse(corpus2_dir, "1711.08189")
    ensemble = sentence_with(doc, "an ensemble of 3 networks obtains an mAP of 48.3%")
    assert ("COCO", "box AP", 48.3, True) in _facts(ensemble, in_abstract=True)
    overlap = sentence_with(doc, "mAP of 69.7% at 50% overlap")
    assert {f[1] for f in _facts(overlap, in_abstract=True) if f[2] == 69.7} == {"AP50"}


def test_spanbert_coreference_result_is_not_read_as_squad(corpus_dir: Path) -> None:
    doc = _parse(corpus_dir, "1907.10529")
    found = [c for c in extract_document(doc, names=["result.v2"]) if c.kind == "result" and c.fields["value"] == 79.6]
    assert all(c.confidence < 0.35 for c in found), [(c.fields["dataset"], c.confidence) for c in found]
