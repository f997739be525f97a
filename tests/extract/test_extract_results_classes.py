"""result.v3 and headline.v6: the general classes fixed on the tune part of the real abstract set
(tests/fixtures/phrasings/real_abstracts.v2.jsonl), each on a sentence of our own and, where a develop paper states
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
    found = select_facts(c for c in extract_document(_doc(text), names=["result.v3"]) if c.kind == "result")
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
    found = [c for c in extract_document(doc, names=["result.v3"]) if c.kind == "result" and c.fields["value"] == 79.6]
    assert all(c.confidence < 0.35 for c in found), [(c.fields["dataset"], c.confidence) for c in found]


# result.v3 (2026-12-04): classes of the tune part of real_abstracts.v2, each on sentences of our own


def test_a_number_glued_to_its_metric_and_the_split_printed_beside_each_value() -> None:
    s = "FooDet obtains the best results on both COCO val2017 (63.2AP) and test-dev (63.3AP)."
    got = {(r["metric"], r["value"], r["split"]) for r in results_in(s, in_abstract=True)}
    assert got == {("box AP", 63.2, "val"), ("box AP", 63.3, "test-dev")}
    assert _headline(s) == {("COCO", "box AP", 63.3)}  # the test-dev number replaces the val number
    assert _facts("FooDet achieves 49.4AP in 12 epochs on COCO.", in_abstract=True) == {("COCO", "box AP", 49.4, True)}


def test_every_value_listed_before_one_metric() -> None:
    s = "Without extra data, FooNet-T, FooNet-S and FooNet-B achieve 81.0%, 83.1%, and 84.0% top-1 accuracy on ImageNet-1K."
    assert {v for _, _, v, _ in _facts(s, in_abstract=True)} == {81.0, 83.1, 84.0}


def test_a_metric_that_rose_to_a_value() -> None:
    s = "The F1 score on the CoNLL03 dataset increased from the initial 84.0% to 90.5% with our prompts."
    assert _facts(s, in_abstract=True) == {("CoNLL-2003", "F1", 90.5, True)}


def test_a_value_achieved_without_a_metric_takes_the_result_stated_before_it() -> None:
    text = "Our FooNet-B5 achieves 84.0% top-1 accuracy on ImageNet. By pretraining on more data, our FooNet-B6 achieves 86.9%, with 40% fewer FLOPs."
    assert _headline(text) == {("ImageNet", "top-1 accuracy", 84.0), ("ImageNet", "top-1 accuracy", 86.9)}
    same = "FooSSL reaches 74.0% top-1 accuracy on ImageNet with a ResNet-50 and 78.8% with a larger ResNet."
    assert {v for _, _, v, _ in _facts(same, in_abstract=True)} == {74.0, 78.8}
    # a value with a unit or metric of its own after it, or a value not achieved, takes nothing
    units = "Our FooNet-B5 achieves 84.0% top-1 accuracy on ImageNet. It also achieves 2.1% error rate on CIFAR-10 and runs 45% faster."
    assert _headline(units) == {("ImageNet", "top-1 accuracy", 84.0)}


def test_a_bare_accuracy_is_imagenet_top1_only_where_imagenet_is_the_only_dataset() -> None:
    s = "A vanilla FooViT-H model achieves the best accuracy (86.9%) among methods that use only ImageNet-1K data."
    assert _facts(s, in_abstract=True) == {("ImageNet", "top-1 accuracy", 86.9, True)}
    assert _facts("FooNet reaches 97.1% accuracy on CIFAR-10 and competitive results on ImageNet.", in_abstract=True) == set()
    assert _facts("Training longer improves accuracy to 75.0% on our data.", in_abstract=True) == set()


def test_a_ranked_metric_implies_imagenet_other_metrics_imply_nothing() -> None:
    assert _facts("A small FooNet also achieves 73% top-1 accuracy on mobile platforms.", in_abstract=True) == {
        ("ImageNet", "top-1 accuracy", 73.0, True)
    }
    assert _facts("FooDet has the highest accuracy 55.0% AP among real-time detectors.", in_abstract=True) == set()


def test_numbers_in_parentheses_after_a_compared_model_are_not_own() -> None:
    s = "FooDet achieves a 50.2 AP on MS-COCO. This surpasses recent detectors, such as BarDet (47.7 AP) and BazDet (48.2 AP)."
    assert _headline(s) == {("COCO", "box AP", 50.2)}
    margins = "FooBERT outperforms the larger models on SQuAD v2.0 (i.e. 1.2% EM score on SQuAD v2.0)."
    assert _headline(margins) == set()


def test_et_al_is_a_whole_word_not_part_of_a_name() -> None:
    assert _facts("A small version of FooNet also achieves 73.5% top-1 accuracy on ImageNet.", in_abstract=True) == {
        ("ImageNet", "top-1 accuracy", 73.5, True)
    }
    assert _facts("The method of Smith et al. achieves 70.1% top-1 accuracy on ImageNet.", in_abstract=True) == {
        ("ImageNet", "top-1 accuracy", 70.1, False)
    }


def test_a_reduced_data_setting_is_never_headline() -> None:
    text = "FooT achieves 87.0% top-1 accuracy on ILSVRC-2012. On small datasets, FooT attains 76.0% on ILSVRC-2012 with 10 examples per class."
    assert _headline(text) == {("ImageNet", "top-1 accuracy", 87.0)}


def test_a_relative_clause_about_the_compared_work_is_its_result() -> None:
    text = "Our CNN achieves a top-1 error of 38.0% on the ILSVRC-2010 test set. We also surpass sparse coding models, which recorded 47.1% top-1 and 28.2% top-5 errors."
    assert _headline(text) == {("ImageNet", "top-1 error", 38.0)}


def test_the_dataset_named_last_is_the_context_of_two_sentences_that_name_none() -> None:
    text = (
        "FooDet achieves 74.0% mAP on the PASCAL VOC 2007 test set. This outperforms BarDet (63.4% mAP at 45 FPS). "
        "With a larger input, the accuracy improved to 76.1% mAP."
    )
    assert _headline(text) == {("PASCAL VOC 2007", "mAP", 74.0), ("PASCAL VOC 2007", "mAP", 76.1)}
    far = "FooDet achieves 74.0% mAP on the PASCAL VOC 2007 test set. It is fast. It is small. It is simple. Later it reaches 76.1% mAP."
    assert _headline(far) == {("PASCAL VOC 2007", "mAP", 74.0)}
