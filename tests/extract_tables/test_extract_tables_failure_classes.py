"""The failure classes of issue 9 for results, on small hand-built papers run through the real pipeline
(``extract_document``: the table reader's model, result_table.v6, model links, the headline policy, ``--facts``).

Each paper is a Document with grid tables built in code (cells with boxes, as ``extract.tables`` gives them).
"""

from __future__ import annotations

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Caption, Cell, Document, Table
from flopsdb.extract.facts import select_facts
from flopsdb.extract.pipeline import extract_document
from tests.extract_tables.conftest import hand_document

_X = (80.0, 300.0, 360.0, 420.0, 480.0)


def _paper(title: str, abstract: str, tables: list[tuple[str, list[list[str]], list[list[str]]]]) -> Document:
    """A one-page paper: title, abstract, then per table its caption line, header rows and body rows."""
    text_lines = [title, abstract, "1 Introduction"]
    starts: list[int] = []
    for caption, _, _ in tables:
        starts.append(sum(len(t) + 1 for t in text_lines))
        text_lines.append(caption)
    text = "\n".join(text_lines)
    captions, grid_tables = [], []
    top = 200.0
    for (caption, header, rows), start in zip(tables, starts):
        cap = Caption("table", caption.split(":")[0].split()[-1], caption, 1, Box(72, top, 540, top + 10), start, start + len(caption))
        top += 16
        grid: list[tuple[Cell, ...]] = []
        for row in [*header, *rows]:
            grid.append(
                tuple(
                    Cell(t, Box(x, top, x + (150 if k == 0 else 30), top + 9)) if t else Cell("", Box(0, 0, 0, 0))
                    for k, (x, t) in enumerate(zip(_X, row))
                )
            )
            top += 12
        grid_tables.append(Table(page=1, bbox=Box(80, cap.bbox.bottom, 520, top), caption=cap, rows=tuple(grid), header_rows=len(header)))
        captions.append(cap)
        top += 30
    return hand_document(text, grid_tables, captions)


def _results(doc: Document) -> list[Candidate]:
    return [c for c in extract_document(doc) if c.kind == "result"]


def _facts(doc: Document) -> set[tuple[object, ...]]:
    return {(c.fields["dataset"], c.fields["metric"], c.fields["value"]) for c in select_facts(extract_document(doc)) if c.kind == "result"}


def test_an_error_percent_header_is_error_and_an_acc_header_accuracy() -> None:
    doc = _paper(
        "FoldNet: Folded Filters for Image Classification",
        "We propose FoldNet, a convolutional network.",
        [
            (
                "Table 1: Single-crop results on the ImageNet validation set.",
                [["Model", "top-1 error (%)", "top-5 error (%)"]],
                [["ResNet-50 [12]", "23.9", "7.1"], ["FoldNet-50", "22.1", "6.0"]],
            ),
            ("Table 2: Top-5 results on the ILSVRC 2012 test set.", [["Model", "Error (%)"]], [["VGG [30]", "7.3"], ["FoldNet-101", "5.9"]]),
            ("Table 3: Comparison on ImageNet (top-1).", [["Model", "Acc. (%)"]], [["VGG [30]", "71.5"], ["FoldNet-152", "79.3"]]),
        ],
    )
    got = {(c.fields["metric"], c.fields["value"], c.fields["own"]) for c in _results(doc)}
    assert ("top-1 error", 22.1, True) in got and ("top-5 error", 6.0, True) in got
    assert ("top-5 error", 5.9, True) in got and ("top-5 error", 7.3, False) in got
    assert ("top-1 accuracy", 79.3, True) in got
    assert not any(m.endswith("accuracy") and v in (22.1, 6.0, 5.9) for m, v, _ in got)


def test_single_model_and_ensemble_group_rows_are_both_headline() -> None:
    doc = _paper(
        "FooReader: Reading Faster",
        "We propose FooReader, a reading comprehension model.",
        [
            (
                "Table 1: Results on the SQuAD 1.1 test set, compared with published models.",
                [["Model", "EM", "F1"]],
                [
                    ["Single model", "", ""],
                    ["BiDAF [1]", "67.7", "77.3"],
                    ["FooReader", "73.6", "82.7"],
                    ["Ensemble", "", ""],
                    ["BiDAF [1]", "73.3", "81.1"],
                    ["FooReader", "76.0", "84.1"],
                ],
            ),
        ],
    )
    assert _facts(doc) == {("SQuAD 1.1", "EM", 73.6), ("SQuAD 1.1", "F1", 82.7), ("SQuAD 1.1", "EM", 76.0), ("SQuAD 1.1", "F1", 84.1)}
    ensemble = next(c for c in _results(doc) if c.fields["value"] == 76.0)
    assert "Ensemble" in (ensemble.model or "") and ensemble.fields["split"] == "test"


def test_single_model_and_ensemble_column_titles_take_their_columns() -> None:
    doc = _paper(
        "FooReader: Reading Faster",
        "We propose FooReader, a reading comprehension model.",
        [
            (
                "Table 1: Comparison with prior work on the SQuAD 1.1 test set.",
                [["", "Single Model", "", "Ensemble", ""], ["Model", "EM", "F1", "EM", "F1"]],
                [["Match-LSTM (Wang et al., 2016)", "64.7", "73.7", "67.9", "77.0"], ["FooReader (ours)", "68.0", "77.3", "73.3", "81.1"]],
            ),
        ],
    )
    assert _facts(doc) == {("SQuAD 1.1", "EM", 68.0), ("SQuAD 1.1", "F1", 77.3), ("SQuAD 1.1", "EM", 73.3), ("SQuAD 1.1", "F1", 81.1)}
    cells = {c.fields["value"]: c for c in _results(doc)}
    assert cells[64.7].fields["own"] is False and "Ensemble" in cells[73.3].evidence.snippet


def test_a_two_line_row_label_keeps_its_group_line() -> None:
    doc = _paper(
        "FlipDet: Detecting Faster",
        "We propose FlipDet, a detector.",
        [
            (
                "Table 1: Comparison with the state of the art on COCO test-dev.",
                [["Method", "AP", "AP50"]],
                [["RetinaNet [20]", "39.1", "59.1"], ["FlipDet", "", ""], ["ResNeXt-101", "45.1", "64.0"]],
            ),
        ],
    )
    cells = {c.fields["value"]: c for c in _results(doc)}
    assert cells[45.1].model == "FlipDet ResNeXt-101" and cells[45.1].fields["own"] is True
    assert cells[39.1].fields["own"] is False
    assert _facts(doc) == {("COCO", "box AP", 45.1), ("COCO", "AP50", 64.0)}


def test_a_pair_of_values_under_one_title_is_two_settings_and_only_the_first_is_headline() -> None:
    doc = _paper(
        "FoldNet: Folded Filters",
        "We propose FoldNet, a convolutional network.",
        [
            (
                "Table 3: Top-1 and top-5 error rates on the ImageNet validation set, with single-crop / 10-crop testing.",
                [["Model", "top-1", "", "", "top-5"]],
                [["FoldNet-121", "25.02", "/", "23.61", "7.71 / 6.66"], ["FoldNet-169", "23.80", "/", "22.08", "6.85 / 5.92"]],
            ),
        ],
    )
    got = {c.fields["value"]: c for c in _results(doc)}
    assert got[25.02].fields["metric"] == "top-1 error" and got[23.61].fields["metric"] == "top-1 error"
    assert "second_setting" in got[23.61].flags and "second_setting" not in got[25.02].flags
    assert _facts(doc) == {
        ("ImageNet", "top-1 error", 25.02),
        ("ImageNet", "top-5 error", 7.71),
        ("ImageNet", "top-1 error", 23.8),
        ("ImageNet", "top-5 error", 6.85),
    }


def test_ablation_per_category_and_baseline_cells_do_not_drown_the_headline() -> None:
    per_class = [[f"class {k}", f"{40 + k}.5", f"{50 + k}.5"] for k in range(12)]
    doc = _paper(
        "FlipDet: Detecting Faster",
        "We propose FlipDet, a detector.",
        [
            (
                "Table 1: Comparison with the state of the art on COCO test-dev.",
                [["Method", "AP", "AP50"]],
                [["Faster R-CNN [30]", "36.2", "59.1"], ["RetinaNet [20]", "39.1", "59.1"], ["FlipDet", "45.1", "64.0"]],
            ),
            (
                "Table 2: Ablation study on COCO val: effect of each component.",
                [["Variant", "AP", "AP50"]],
                [["FlipDet w/o flip", "41.0", "60.2"], ["+ flip", "42.3", "61.0"], ["+ flip + scale", "43.0", "61.9"]],
            ),
            ("Table 3: Per-category AP of FlipDet on COCO val.", [["Category", "AP", "AP50"]], per_class),
        ],
    )
    facts = _facts(doc)
    assert facts == {("COCO", "box AP", 45.1), ("COCO", "AP50", 64.0)}
    assert len([c for c in _results(doc) if c.fields["own"]]) >= 20  # every cell stays a candidate for review


def test_a_mask_table_gives_mask_ap_only() -> None:
    doc = _paper(
        "FlipSeg: Segmenting Faster",
        "We propose FlipSeg.",
        [
            (
                "Table 5: Instance segmentation comparison on COCO test-dev.",
                [["Method", "APmask", "AP50", "AP75"]],
                [["HTC [7]", "38.5", "60.1", "41.7"], ["FlipSeg", "41.2", "63.0", "44.9"]],
            ),
            (
                "Table 4: Comparison on COCO test-dev for bounding box detection.",
                [["Method", "APbbox", "AP50", "AP75"]],
                [["HTC [7]", "43.6", "62.6", "47.4"], ["FlipSeg", "47.0", "66.1", "51.3"]],
            ),
        ],
    )
    got = {(c.fields["metric"], c.fields["value"]) for c in _results(doc)}
    assert ("mask AP", 41.2) in got and ("box AP", 47.0) in got and ("AP50", 66.1) in got
    assert ("AP50", 63.0) not in got and ("AP75", 44.9) not in got


def test_well_known_models_among_own_names_are_baselines_beside_the_papers_model() -> None:
    doc = _paper(
        "HarpNet: a Harmonic Network. ResNet MobileNet",
        "We propose HarpNet, and compare it with ResNet and MobileNet.",
        [
            (
                "Table 4: Results for ImageNet models.",
                [["", "Param", "Top1"], ["", "(M)", "Acc"]],
                [["HarpNet 68", "17.6", "76.2"], ["ResNet 50", "25.0", "76.0"], ["MobileNetV2", "3.5", "72.0"], ["HarpNet 39DS", "3.5", "72.1"]],
            ),
        ],
    )
    own = {c.fields["value"]: c.fields["own"] for c in _results(doc)}
    assert own == {76.2: True, 76.0: False, 72.0: False, 72.1: True}


def test_a_paper_on_untracked_benchmarks_yields_no_headline() -> None:
    doc = _paper(
        "FooNet: Small Images",
        "We propose FooNet and test it on CIFAR-10 and GLUE.",
        [
            (
                "Table 1: Test error (%) on CIFAR-10 and CIFAR-100.",
                [["Model", "C10", "C100"]],
                [["ResNet-110 [12]", "6.43", "25.2"], ["FooNet", "3.91", "19.6"]],
            ),
            (
                "Table 2: Results on the GLUE benchmark (accuracy).",
                [["Model", "MNLI", "SST-2"]],
                [["BERT [4]", "84.6", "93.5"], ["FooNet", "85.0", "94.1"]],
            ),
        ],
    )
    assert _facts(doc) == set()


def test_a_dev_test_pair_gives_each_value_its_split() -> None:
    doc = _paper(
        "FooReader: Reading Faster",
        "We propose FooReader.",
        [
            (
                "Table 1: F1 on SQuAD 1.1 (dev / test), compared with published models.",
                [["Model", "F1"]],
                [["BiDAF [1]", "77.3 / 77.5"], ["FooReader", "84.0 / 84.6"]],
            ),
        ],
    )
    got = {c.fields["value"]: c for c in _results(doc)}
    assert got[84.0].fields["split"] == "dev" and got[84.6].fields["split"] == "test"
    assert "second_setting" not in got[84.6].flags
    assert _facts(doc) == {("SQuAD 1.1", "F1", 84.6)}


def test_a_blank_method_cell_continues_the_method_above() -> None:
    """Two label columns (Method | Backbone): a row that leaves the method blank is the method of the row above."""
    doc = _paper(
        "FlipDet: Detecting Faster",
        "We propose FlipDet, a detector.",
        [
            (
                "Table 1: Comparison with the state of the art on COCO test-dev.",
                [["Method", "Backbone", "AP", "AP50"]],
                [["RetinaNet [20]", "ResNet-101", "39.1", "59.1"], ["FlipDet", "ResNet-50", "43.0", "62.2"], ["", "ResNeXt-101", "45.1", "64.0"]],
            ),
        ],
    )
    cells = {c.fields["value"]: c for c in _results(doc)}
    assert cells[45.1].model == "FlipDet ResNeXt-101" and cells[45.1].fields["own"] is True
    assert cells[39.1].fields["own"] is False


def _centred_label_table(doc: Document) -> Document:
    """The paper's table redrawn as printed in many detection papers: each row's label on two lines, the values
    vertically centred between them (the reader gives three rows: label line, values, label line)."""
    table = doc.tables[0]
    header = table.rows[0]
    top = table.rows[1][0].bbox.top
    rows: list[tuple[Cell, ...]] = [header]
    for name, setting, ap, ap50 in (("FlipDet-S", "(single scale)", "44.0", "63.1"), ("FlipDet-S", "(multi-scale)", "46.2", "65.0")):
        rows.append((Cell(name, Box(80, top, 230, top + 7)),))
        rows.append((Cell(ap, Box(300, top + 5, 330, top + 12)), Cell(ap50, Box(360, top + 5, 390, top + 12))))
        rows.append((Cell(setting, Box(80, top + 9.5, 230, top + 16.5)),))
        top += 22
    doc.tables = [Table(page=1, bbox=table.bbox, caption=table.caption, rows=tuple(rows), header_rows=1)]
    return doc


def test_a_two_line_row_label_beside_centred_values_is_one_label() -> None:
    doc = _paper(
        "FlipDet: Detecting Faster",
        "We propose FlipDet, a detector.",
        [("Table 1: Results on COCO test-dev.", [["Method", "AP", "AP50"]], [["FlipDet-S", "44.0", "63.1"]])],
    )
    cells = {c.fields["value"]: c for c in _results(_centred_label_table(doc))}
    assert cells[44.0].model == "FlipDet-S (single scale)"
    assert cells[46.2].model == "FlipDet-S (multi-scale)"  # not "(single scale) FlipDet-S": the line below is not a group row


def test_rows_that_name_benchmarks_of_their_own_are_not_results_of_the_column() -> None:
    """A zero-shot table: each row a benchmark with its own metric, one column titled with several metrics."""
    doc = _paper(
        "FlipLM: Reading Without Examples",
        "We propose FlipLM and evaluate it on SQuAD 1.1 and other tasks.",
        [
            (
                "Table 1: Zero-shot results of FlipLM on SQuAD and other tasks.",
                [["Task", "Total acc/F1/BLEU", ""]],
                [["HellaSwag acc", "28.5", ""], ["WMT'16 En-De BLEU", "22.7", ""], ["SQuAD F1", "83.4", ""]],
            ),
            (
                "Table 2: Results on the SQuAD 1.1 dev set.",
                [["Model", "EM", "F1"]],
                [["BoolQ acc", "76.5", "70.1"], ["FlipLM", "80.2", "87.9"]],
            ),
        ],
    )
    results = _results(doc)
    values = {c.fields["value"] for c in results}
    assert not values & {28.5, 22.7}  # HellaSwag and WMT'16 rows are not SQuAD
    # the row that names SQuAD may be read as SQuAD (the table read the other way round), never another row
    assert all(c.fields["dataset"] == "SQuAD 1.1" and c.fields["metric"] == "F1" for c in results if c.fields["value"] == 83.4)
    assert not values & {76.5, 70.1}  # a row naming an untracked benchmark ("BoolQ acc") is not SQuAD
    assert {80.2, 87.9} <= values


def test_named_rows_beside_the_papers_model_in_a_citing_table_are_baselines() -> None:
    doc = _paper(
        "FlipDet: Detecting Faster",
        "We propose FlipDet, a detector.",
        [
            (
                "Table 1: Comparison with the state of the art on COCO test-dev.",
                [["Method", "AP", "AP50"]],
                [["RetinaNet [20]", "39.1", "59.1"], ["CornerBox", "41.0", "60.2"], ["w/o flips", "43.0", "62.0"], ["FlipDet", "45.1", "64.0"]],
            ),
        ],
    )
    own = {c.fields["value"]: c.fields["own"] for c in _results(doc)}
    assert own[41.0] is False  # another model, named without a citation
    assert own[43.0] is True  # an ablated variant of the paper's model
    assert own[45.1] is True and own[39.1] is False


def test_a_dataset_titled_label_column_makes_rows_datasets_and_untracked_rows_give_nothing() -> None:
    """Open-domain QA sets as rows under a 'Dataset' title, a column naming SQuAD as the training data: the rows
    CuratedTREC / WebQuestions are not SQuAD results; a 'Dataset' table that names no metric gives nothing."""
    doc = _paper(
        "FlipQA: Answering Questions from the Web",
        "We propose FlipQA and evaluate it on SQuAD 1.1.",
        [
            (
                "Table 1: Open retrieval results. Exact-match accuracy of the reader trained on SQuAD.",
                [["Dataset", "FlipQA SQuAD", "FlipQA +Tune"]],
                [["CuratedTREC", "19.7", "25.7"], ["WebQuestions", "11.8", "19.5"], ["WikiMovies", "24.5", "34.3"]],
            ),
            (
                "Table 2: Retrieval: % of questions whose answer is in the top 5 pages.",
                [["Dataset", "Search", "FlipQA"]],
                [["SQuAD", "62.7", "76.1"], ["CuratedTREC", "81.0", "85.2"]],
            ),
            ("Table 3: Results on the SQuAD 1.1 test set.", [["Model", "EM", "F1"]], [["BiDAF [3]", "68.0", "77.3"], ["FlipQA", "70.0", "79.0"]]),
        ],
    )
    values = {c.fields["value"] for c in _results(doc)}
    assert not values & {19.7, 25.7, 11.8, 19.5, 24.5, 34.3}
    assert not values & {62.7, 76.1}
    assert {70.0, 79.0} <= values
    assert {("SQuAD 1.1", "EM", 70.0), ("SQuAD 1.1", "F1", 79.0)} <= _facts(doc)


def test_spaced_language_pairs_and_a_caption_naming_an_untracked_test_set() -> None:
    """'en → fr' titles are WMT14 EN-FR; a caption that gives newstest 2014 for en − fr and newstest 2016 for every
    other pair keeps the table to EN-FR (the en → de column is WMT16, untracked). Of one model's numbered
    iterations only the best is headline."""
    doc = _paper(
        "FlipMT: Unsupervised Translation",
        "We propose FlipMT, an unsupervised translation model.",
        [
            (
                "Table 1: Fully unsupervised results. We report the BLEU score. Results are obtained on newstest 2014 for en − fr and newstest 2016 for every other pair.",
                [["Model", "en → fr", "fr → en", "en → de"]],
                [
                    ["FlipMT - Iter. 1", "24.79", "26.16", "15.92"],
                    ["FlipMT - Iter. 2", "27.32", "26.80", "17.65"],
                    ["FlipMT - Iter. 3", "28.11", "27.16", "17.94"],
                ],
            ),
        ],
    )
    results = _results(doc)
    assert {c.fields["dataset"] for c in results} == {"WMT14 EN-FR"}
    assert {c.fields["value"] for c in results} == {24.79, 27.32, 28.11}
    assert all(c.fields["split"] == "test" for c in results)
    assert _facts(doc) == {("WMT14 EN-FR", "BLEU", 28.11)}


def test_a_datasets_title_over_dataset_columns_labels_the_header_row() -> None:
    """'Datasets | SQuAD 1.1 EM | SQuAD 1.1 F1' with method rows: the corner names the column titles, the rows stay models."""
    doc = _paper(
        "FlipQA: Answering Questions",
        "We propose FlipQA and evaluate it on SQuAD 1.1.",
        [
            (
                "Table 1: Results on the SQuAD 1.1 test set.",
                [["Datasets", "SQuAD 1.1 EM", "SQuAD 1.1 F1"]],
                [["BiDAF [3]", "68.0", "77.3"], ["FlipQA", "70.0", "79.0"]],
            )
        ],
    )
    assert {("SQuAD 1.1", "EM", 70.0), ("SQuAD 1.1", "F1", 79.0)} <= _facts(doc)


def test_a_value_in_parentheses_is_a_second_setting_and_the_better_one_is_headline() -> None:
    """ "32.68 (28.76)" and "88.83 (90.10)": two settings of one row under one title; the row's better setting is
    the headline, the other stays a candidate below the operating point."""
    doc = _paper(
        "TagNet: Tagging Names",
        "We propose TagNet, a sequence tagger.",
        [
            (
                "Table 2: F1 on the CoNLL-2003 test set; in parentheses, with gazetteer features.",
                [["Model", "CoNLL-2003"]],
                [["TagNet", "88.83 (90.10)"], ["TagNet-small", "86.40 (87.02)"]],
            ),
        ],
    )
    got = {c.fields["value"]: c for c in _results(doc)}
    assert {88.83, 90.1, 86.4, 87.02} <= set(got)
    assert "second_setting" in got[88.83].flags and "second_setting" not in got[90.1].flags
    assert got[88.83].confidence < 0.35 <= got[90.1].confidence
    assert ("CoNLL-2003", "F1", 90.1) in _facts(doc) and ("CoNLL-2003", "F1", 88.83) not in _facts(doc)


def test_stacked_sub_tables_take_their_datasets_from_the_sub_captions() -> None:
    """Two tables stacked under one caption, "(a) English→French" under the first block and the second block named
    by the caption's "(b) English→German"."""
    doc = _paper(
        "LexNet: Large Vocabularies",
        "We propose LexNet, a translation model.",
        [
            (
                "Table 2: BLEU of the models on (a) English→French and (b) English→German translation tasks.",
                [["Model", "LexNet"]],
                [
                    ["Basic", "31.2"],
                    ["+Ensemble", "36.9"],
                    ["", "(a) English→French"],
                    ["Basic", "16.1"],
                    ["+Ensemble", "21.3"],
                ],
            ),
        ],
    )
    got = {c.fields["value"]: c.fields["dataset"] for c in _results(doc)}
    assert got == {31.2: "WMT14 EN-FR", 36.9: "WMT14 EN-FR", 16.1: "WMT14 EN-DE", 21.3: "WMT14 EN-DE"}
