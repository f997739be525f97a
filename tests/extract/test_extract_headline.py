"""headline.v6: the headline policy applied to result candidates (abstract, main table, best own row)."""

from __future__ import annotations

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Caption, Document, Evidence, ModelName
from flopsdb.extract.facts import select_facts
from flopsdb.extract.headline import POLICY, mark_headlines, policy, table_score
from flopsdb.extract.models import link_results
from tests.extract.conftest import make_doc

ABSTRACT = "FlipNet: Detecting Faster\nWe propose FlipNet. FlipNet reaches 45.1 box AP on COCO test-dev."
BODY = "We compare with prior detectors in Table 1 and study its parts in Table 2."


def _doc(captions: dict[str, str]) -> Document:
    doc = make_doc(ABSTRACT, sections={"Abstract": ABSTRACT, "1 Introduction": BODY})
    doc.captions = [Caption("table", label, text, 1, Box(0, 0, 1, 1), 0, 1) for label, text in captions.items()]
    doc.models = (ModelName("FlipNet", "flipnet", main=True, source="title"),)
    return doc


def _cell(
    label: str,
    metric: str,
    value: float,
    *,
    table: str = "1",
    own: bool = True,
    split: str | None = "test-dev",
    row: int = 0,
    dataset: str = "COCO",
    confidence: float = 0.8,
) -> Candidate:
    fields = {
        "task": "object detection",
        "dataset": dataset,
        "split": split,
        "metric": metric,
        "value": value,
        "value_text": str(value),
        "own": own,
        "table": table,
    }
    ev = Evidence(page=1, bbox=Box(300, 100 + 12 * row, 320, 110 + 12 * row), snippet=f"{label} | {metric} | {value}")
    return Candidate("p", "result", "result_table.v6", ev, confidence, fields, model=label, stage="training")


def _sentence(doc: Document, needle: str, metric: str, value: float) -> Candidate:
    start = doc.text.index(needle)
    fields = {
        "task": "object detection",
        "dataset": "COCO",
        "split": "test-dev",
        "metric": metric,
        "value": value,
        "value_text": str(value),
        "own": True,
    }
    return Candidate("p", "result", "result.v3", doc.evidence(start, start + len(needle)), 0.75, fields, stage="training")


def _headline(cands: list[Candidate]) -> dict[tuple[str | None, str, float], str | None]:
    return {(c.model, c.fields["metric"], c.fields["value"]): c.headline_reason for c in cands if c.headline}


def test_policy_is_a_versioned_data_file() -> None:
    assert POLICY == "headline.v6" and policy()["max_per_paper"] == 8


def test_main_comparison_table_rows_are_headline_ablation_rows_are_not() -> None:
    doc = _doc({"1": "Comparison with the state of the art on COCO test-dev.", "2": "Ablation study of the components of FlipNet."})
    cands = [
        _cell("RetinaNet [12]", "box AP", 39.1, own=False, row=0),
        _cell("FlipNet-50", "box AP", 42.0, row=1),
        _cell("FlipNet-50", "AP50", 61.2, row=1),
        _cell("FlipNet-101", "box AP", 44.3, row=2),
        _cell("FlipNet-101", "AP50", 63.0, row=2),
        _cell("FlipNet-101 w/o flip", "box AP", 40.2, table="2", split="val", row=0),
        _cell("FlipNet-101", "box AP", 43.9, table="2", split="val", row=1),
    ]
    marked = _headline(mark_headlines(doc, cands))
    assert marked == {
        ("FlipNet-50", "box AP", 42.0): "main_table",
        ("FlipNet-50", "AP50", 61.2): "main_table",
        ("FlipNet-101", "box AP", 44.3): "main_table",
        ("FlipNet-101", "AP50", 63.0): "main_table",
    }


def test_table_score_reads_caption_baselines_and_test_numbers() -> None:
    own = [_cell("FlipNet", "box AP", 44.3)]
    assert table_score("Comparison with the state of the art", own + [_cell("SSD [3]", "box AP", 30.0, own=False)]) > table_score("Comparison", own)
    assert table_score("Ablation of the loss", own) < table_score("Results", own)


def test_abstract_numbers_are_headline_and_anchor_their_table_row() -> None:
    doc = _doc({"1": "Results on COCO.", "2": "Results with other backbones on COCO."})
    cands = [_sentence(doc, "45.1 box AP", "box AP", 45.1)]
    for row, (label, ap) in enumerate([("FlipNet-S", 38.0), ("FlipNet-M", 41.5), ("FlipNet-L", 43.2), ("FlipNet-X", 45.1)]):
        cands += [_cell(label, "box AP", ap, row=row), _cell(label, "AP50", ap + 20, row=row), _cell(label, "APs", ap - 20, row=row)]
    marked = _headline(mark_headlines(doc, cands))
    assert marked[(None, "box AP", 45.1)] == "abstract"
    assert marked[("FlipNet-X", "AP50", 65.1)] == "abstract_row" and marked[("FlipNet-X", "APs", 25.1)] == "abstract_row"
    assert ("FlipNet-X", "box AP", 45.1) not in marked  # the same fact is one line
    assert not any(label != "FlipNet-X" for label, _, _ in marked if label)


def test_many_own_rows_keep_the_best_row_per_model_with_every_metric_and_the_best_single_model() -> None:
    doc = _doc({"1": "Comparison with other detectors on COCO test-dev."})
    doc.models += (ModelName("SlowNet", "slownet", main=True, source="phrase"),)
    cands = [_cell("YOLO [5]", "box AP", 33.0, own=False, row=0)]
    rows = [("FlipNet-S", 40.0), ("FlipNet-L", 44.0), ("FlipNet ensemble", 46.0), ("SlowNet-S", 35.0), ("SlowNet-L", 37.5)]
    for row, (label, ap) in enumerate(rows, 1):
        cands += [_cell(label, "box AP", ap, row=row), _cell(label, "AP75", ap + 5, row=row)]
    marked = _headline(mark_headlines(doc, cands))
    assert set(marked) == {
        ("FlipNet ensemble", "box AP", 46.0),
        ("FlipNet ensemble", "AP75", 51.0),
        ("FlipNet-L", "box AP", 44.0),
        ("FlipNet-L", "AP75", 49.0),
        ("SlowNet-L", "box AP", 37.5),
        ("SlowNet-L", "AP75", 42.5),
    }
    assert set(marked.values()) == {"best_own_row"}


def test_variants_and_cited_rows_are_never_headline_and_test_beats_val() -> None:
    doc = _doc({"1": "Final results on COCO."})
    cands = [
        _cell("+ multi-scale", "box AP", 47.0, row=0),
        _cell("XLM (2019)", "box AP", 46.0, row=1),
        _cell("FlipNet", "box AP", 44.0, row=2, split="val"),
        _cell("FlipNet", "box AP", 44.6, row=3, split="test-dev"),
    ]
    marked = _headline(link_results(doc, cands))
    assert marked == {}
    marked = _headline(mark_headlines(doc, link_results(doc, cands)))
    assert marked == {("FlipNet", "box AP", 44.6): "main_table"}


def test_at_most_eight_per_paper_and_facts_keep_only_headline_results() -> None:
    doc = _doc({"1": "Final results on COCO test-dev."})
    metrics = ["box AP", "AP50", "AP75", "APs", "APm", "APl", "mask AP"]
    cands = [_cell("FlipNet", m, 30.0 + i, row=0) for i, m in enumerate(metrics)]
    cands += [_cell("FlipNet-B", m, 20.0 + i, row=1) for i, m in enumerate(metrics)]
    marked = mark_headlines(doc, cands)
    assert sum(c.headline for c in marked) == 7  # one row: the best on the primary metric
    assert len(select_facts(marked)) == 7 and all(c.headline for c in select_facts(marked))
    one = [_cell("FlipNet", "box AP", 30.0 + 0.1 * i, row=i) for i in range(12)]
    assert sum(c.headline for c in mark_headlines(doc, one)) == 1


def test_a_paper_without_own_tracked_results_has_no_headline() -> None:
    doc = _doc({"1": "Comparison on COCO."})
    assert not any(c.headline for c in mark_headlines(doc, [_cell("SSD [3]", "box AP", 30.0, own=False)]))


def test_the_bottom_row_of_a_step_by_step_table_is_the_final_model() -> None:
    doc = _doc({"1": "Final results on COCO test-dev."})
    cands = [
        _cell("Basic detector", "box AP", 40.0, row=0),
        _cell("+ multi-scale", "box AP", 41.0, row=1),
        _cell("+ longer schedule", "box AP", 42.5, row=2),
    ]
    marked = _headline(mark_headlines(doc, cands))
    assert ("+ longer schedule", "box AP", 42.5) in marked and ("+ multi-scale", "box AP", 41.0) not in marked


def test_when_the_cap_bites_each_row_keeps_its_main_metrics_and_the_breakdown_whole_or_not_at_all() -> None:
    doc = _doc({"1": "Table 1: Comparison with the state of the art on COCO test-dev."})
    metrics = ("box AP", "AP50", "AP75", "APs", "APm", "APl")
    cells = [_cell("FlipNet", m, 40.0 + k, row=0) for k, m in enumerate(metrics)]
    cells += [_cell("FlipNet (ensemble)", m, 50.0 + k, row=1) for k, m in enumerate(metrics)]
    cells += [_cell("RetinaNet [20]", "box AP", 39.1, row=2, own=False)]
    doc.text = doc.text.replace("45.1 box AP", "a high box AP")
    heads = _headline(mark_headlines(doc, link_results(doc, cells)))
    # 2 rows x 3 main metrics = 6; the 6 breakdown cells do not fit in the 2 places left: none is kept
    assert len(heads) == 6
    for label in ("FlipNet", "FlipNet (ensemble)"):
        assert {m for (model, m, _) in heads if model == label} == {"box AP", "AP50", "AP75"}
    one_row = [c for c in cells if c.model == "FlipNet"]
    assert len(_headline(mark_headlines(doc, link_results(doc, one_row)))) == 6  # a whole breakdown that fits stays


def test_own_marked_rows_of_a_main_table_leave_out_the_models_other_rows() -> None:
    doc = _doc({"1": "Table 1: (a) Comparison with published results on the test set. (b) Ablations on the dev set."})
    doc.text = doc.text.replace("45.1 box AP", "a high box AP")
    cells = [
        _cell("Match-LSTM [20]", "box AP", 30.0, own=False, row=0),
        _cell("FlipNet (Ours)", "box AP", 44.0, row=1, split=None),
        _cell("FlipNet (single)", "box AP", 43.2, row=5, split=None),
        _cell("FlipNet (ensemble)", "box AP", 46.1, row=6, split=None),
    ]
    heads = _headline(mark_headlines(doc, link_results(doc, cells)))
    assert set(heads) == {("FlipNet (Ours)", "box AP", 44.0)}


def test_an_own_name_plus_a_size_is_one_family_under_the_cap() -> None:
    doc = _doc({"1": "Table 1: Comparison with the state of the art on COCO test-dev."})
    doc.text = doc.text.replace("45.1 box AP", "a high box AP")
    doc.models = (ModelName("FlipNet", "flipnet", main=True, source="title"), ModelName("FlipNet-49", "flipnet49", source="abstract"))
    metrics = ("box AP", "AP50", "AP75")
    cells = [_cell("RetinaNet [20]", "box AP", 39.1, row=0, own=False)]
    for row, (label, ap) in enumerate([("FlipNet-49", 42.0), ("FlipNet-96", 45.0), ("FlipNet-190", 48.0)], 1):
        cells += [_cell(label, m, ap + k, row=row) for k, m in enumerate(metrics)]
    heads = _headline(mark_headlines(doc, link_results(doc, cells)))
    assert {model for model, _, _ in heads} == {"FlipNet-190"}


def test_table_results_on_a_dataset_the_abstract_does_not_name_are_not_headline() -> None:
    doc = _doc({"1": "Table 1: Comparison with the state of the art on COCO test-dev.", "2": "Table 2: Comparison on ImageNet."})
    cells = [
        _cell("RetinaNet [20]", "box AP", 39.1, row=0, own=False),
        _cell("FlipNet", "box AP", 45.1, row=1),
        _cell("ResNet-50 [9]", "top-1 accuracy", 76.1, table="2", row=0, own=False, dataset="ImageNet", split=None),
        _cell("FlipNet", "top-1 accuracy", 79.0, table="2", row=1, dataset="ImageNet", split=None),
    ]
    heads = _headline(mark_headlines(doc, link_results(doc, cells)))
    assert ("FlipNet", "top-1 accuracy", 79.0) not in heads and ("FlipNet", "box AP", 45.1) in heads
