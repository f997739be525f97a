"""Table layouts of issue 9 that result_table.v6 reads (each on a small paper built here, no ../shared needed).

Hand-built papers place every cell at an x position of its own, as ``extract.tables`` gives them, so spanning
titles, label columns and joined cells are laid out as printed; one class is also drawn as a PDF with matplotlib
and read by the real table reader (``parse_pdf``).
"""

from __future__ import annotations

from pathlib import Path

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Caption, Cell, Document, Table
from flopsdb.extract.pdf import parse_pdf
from flopsdb.extract.table_results import extract_table_results
from tests.extract_tables.conftest import hand_document

Placed = list[tuple[float, float, str]]
"""A printed row: ``(x0, x1, text)`` per cell."""


def _paper(title: str, abstract: str, caption: str, header: list[Placed], body: list[Placed]) -> Document:
    """A one-page paper with one table whose cells stand where ``header`` and ``body`` put them."""
    text = "\n".join([title, abstract, "1 Introduction", caption])
    start = text.index(caption)
    cap = Caption("table", caption.split(":")[0].split()[-1], caption, 1, Box(72, 200, 540, 210), start, start + len(caption))
    rows, top = [], 220.0
    for row in [*header, *body]:
        rows.append(tuple(Cell(t, Box(x0, top, x1, top + 9)) for x0, x1, t in row))
        top += 12
    return hand_document(text, [Table(page=1, bbox=Box(60, 210, 560, top), caption=cap, rows=tuple(rows), header_rows=len(header))], [cap])


def _by_value(cands: list[Candidate]) -> dict[float, list[Candidate]]:
    out: dict[float, list[Candidate]] = {}
    for c in cands:
        out.setdefault(float(c.fields["value"]), []).append(c)
    return out


def test_rows_of_tasks_with_metric_and_prompt_columns_and_ditto_rows() -> None:
    """``Task | Metric | Prompt`` label columns; the second row of a task leaves the task and metric blank."""
    header = [
        [(250, 300, "Base models"), (350, 420, "Tuned models")],
        [(100, 120, "Task"), (150, 175, "Metric"), (190, 215, "Prompt"), (250, 265, "6B"), (290, 305, "175B"), (350, 365, "6B"), (395, 410, "175B")],
    ]
    body = [
        [
            (100, 140, "SQuADv2"),
            (150, 160, "f1"),
            (190, 215, "zero-shot"),
            (250, 265, "51.97"),
            (290, 305, "58.66"),
            (350, 365, "45.46"),
            (395, 410, "59.85"),
        ],
        [(190, 215, "few-shot"), (250, 265, "58.86"), (290, 305, "62.33"), (350, 365, "58.33"), (395, 410, "69.93")],
        [
            (100, 140, "WSC"),
            (150, 175, "accuracy"),
            (190, 215, "zero-shot"),
            (250, 265, "56.7"),
            (290, 305, "63.5"),
            (350, 365, "69.2"),
            (395, 410, "73.1"),
        ],
    ]
    doc = _paper("FooTune: Tuning Faster", "We propose FooTune.", "Table 4: Automatic evaluations.", header, body)
    got = _by_value(extract_table_results(doc))
    for value in (51.97, 59.85, 58.86, 69.93):
        (c,) = got[value]
        assert (c.fields["dataset"], c.fields["metric"]) == ("SQuAD 2.0", "F1")
    assert "few-shot" in got[69.93][0].evidence.snippet and got[69.93][0].model == "Tuned models 175B"
    assert not any(v in got for v in (56.7, 63.5, 69.2, 73.1))  # an untracked task gives nothing


def test_values_joined_into_one_cell_and_a_title_spanning_titles() -> None:
    """``32.6 [64] 32.9±1.1`` is two columns' values; ``FooLM 137B`` spans ``zero-shot`` and ``few-shot``, each over
    ``average`` and ``best``: all four columns are FooLM's; the caption names two metrics, so the row's task decides."""
    header = [
        [(400, 450, "FooLM 137B")],
        [(300, 340, "GPT-3 175B"), (365, 400, "zero-shot"), (435, 465, "few-shot")],
        [(300, 320, "zero-"), (326, 345, "few-"), (360, 385, "average"), (395, 412, "best"), (420, 445, "average"), (455, 475, "best")],
    ]
    body = [
        [(110, 150, "SQuADv1"), (300, 315, "22.7"), (326, 388, "50.2 [3] 79.5±1.6"), (395, 412, "80.1"), (420, 450, "82.1±0.5"), (455, 470, "82.7")],
        [(110, 150, "SQuADv2"), (300, 315, "11.1"), (326, 388, "34.9 [3] 40.9±1.8"), (395, 412, "44.2"), (420, 450, "40.8±0.9"), (455, 470, "43.1")],
        [(110, 150, "BoolQ"), (300, 315, "60.5"), (326, 388, "77.5 [1] 80.2±3.1"), (395, 412, "82.9"), (420, 450, "83.6±0.8"), (455, 470, "84.6")],
    ]
    caption = "Table 2: Results for NLU tasks. All values are accuracy (or exact match) except SQuAD v1 and v2, which are F1."
    doc = _paper("FooLM: Language Models Follow Instructions", "We propose FooLM, a language model.", caption, header, body)
    got = _by_value(extract_table_results(doc))
    (avg,) = got[79.5]
    assert (avg.fields["dataset"], avg.fields["metric"], avg.fields["own"]) == ("SQuAD 1.1", "F1", True)
    assert avg.fields["plus_minus"] == "1.6" and "plus_minus" in avg.flags and avg.model == "FooLM 137B zero-shot average"
    assert got[40.9][0].fields["dataset"] == "SQuAD 2.0" and got[44.2][0].fields["own"] is True
    assert got[82.7][0].model == "FooLM 137B few-shot best"
    (gpt,) = got[50.2]
    assert gpt.fields["own"] is False and "GPT-3" in (gpt.model or "")
    assert 80.2 not in got


def test_a_method_added_to_cited_detectors_and_its_ablated_rows_are_own() -> None:
    """``F-RCNN [24]`` is a baseline, ``F-RCNN + Soft-NMS`` (the paper's method added to it) and ``[16]+Soft-NMS``
    are the paper's; ``Soft-NMS - decay`` removes a part of the paper's own row."""
    header = [[(60, 100, "Method"), (160, 175, "AP"), (190, 210, "AP50")]]
    body = [
        [(60, 110, "F-RCNN [24]"), (160, 175, "24.4"), (190, 210, "45.7")],
        [(60, 130, "F-RCNN + Soft-NMS"), (160, 175, "25.5"), (190, 210, "46.6")],
        [(60, 130, "[16]+Soft-NMS"), (160, 175, "38.4"), (190, 210, "60.1")],
        [(60, 100, "Soft-NMS"), (160, 175, "39.9"), (190, 210, "61.0")],
        [(60, 140, "Soft-NMS - decay"), (160, 175, "39.1"), (190, 210, "60.2")],
    ]
    doc = _paper("Soft-NMS: Improving Object Detection", "We propose Soft-NMS.", "Table 1: Results on COCO test-dev.", header, body)
    got = _by_value(extract_table_results(doc))
    assert got[24.4][0].fields["own"] is False
    assert all(got[v][0].fields["own"] for v in (25.5, 38.4, 39.9, 39.1))


def test_a_detection_and_segmentation_table_keeps_box_ap_and_reads_subscript_splits() -> None:
    header = [[(60, 110, "backbone"), (150, 180, "#Params"), (200, 220, "APval"), (240, 275, "APmask val"), (290, 330, "APtest-dev")]]
    body = [
        [(60, 110, "FooNet-49"), (150, 175, "40.8M"), (200, 215, "42.9"), (240, 255, "38.1"), (290, 305, "-")],
        [(60, 110, "FooNet-190"), (150, 175, "176.2M"), (200, 215, "52.2"), (240, 255, "46.1"), (290, 305, "52.5")],
    ]
    caption = "Table 5: Two-stage object detection and instance segmentation results with Mask R-CNN."
    doc = _paper("FooNet: Scale-Permuted Backbones", "We propose FooNet, a backbone for detection on COCO.", caption, header, body)
    got = _by_value(extract_table_results(doc))
    box = got[42.9][0]
    assert (box.fields["dataset"], box.fields["metric"], box.fields["split"]) == ("COCO", "box AP", "val")
    assert (got[38.1][0].fields["metric"], got[38.1][0].fields["split"]) == ("mask AP", "val")
    assert got[52.5][0].fields["split"] == "test-dev" and got[52.5][0].fields["metric"] == "box AP"
    assert 40.8 not in got


def test_untitled_width_and_training_data_columns_are_part_of_the_row_label() -> None:
    header = [[(60, 90, "method"), (120, 135, "data"), (150, 165, "mAP")]]
    body = [
        [(60, 90, "FooDet"), (120, 128, "07"), (150, 165, "69.9")],
        [(60, 90, "FooDet"), (116, 139, "07+12"), (150, 165, "73.2")],
    ]
    doc = _paper("FooDet: Detecting Faster", "We propose FooDet.", "Table 6: Results on PASCAL VOC 2007 test set.", header, body)
    got = _by_value(extract_table_results(doc))
    assert got[69.9][0].model == "FooDet 07" and got[73.2][0].model == "FooDet 07+12"
    assert all(c[0].fields["dataset"] == "PASCAL VOC 2007" and c[0].fields["split"] == "test" for c in got.values())
    header = [[(60, 90, "Network"), (120, 135, "Top-1"), (185, 210, "Params")]]
    body = [
        [(60, 90, "V3-Small"), (95, 105, "1.0"), (120, 135, "67.4"), (185, 205, "2.9M")],
        [(60, 90, "V3-Small"), (95, 107, "0.75"), (120, 135, "65.4"), (185, 205, "2.4M")],
    ]
    doc = _paper("FooNetV3: Searching Networks", "We propose FooNetV3.", "Table 3: Accuracy on ImageNet.", header, body)
    got = _by_value(extract_table_results(doc))
    assert got[65.4][0].model == "V3-Small 0.75" and got[67.4][0].model == "V3-Small 1.0"


def _draw(path: Path) -> Path:
    """A PDF page with a table of tasks (``Task | Metric | Prompt``, the second row of a task blank in the first two
    columns), model titles spanning two size columns each, and ``±`` cells."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["pdf.fonttype"] = 42
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(path) as pdf:
        fig = plt.figure(figsize=(8.5, 11))
        fig.text(0.5, 0.95, "FooTune: Tuning Language Models", ha="center", fontsize=15)
        fig.text(0.1, 0.91, "Abstract. We propose FooTune, a way to tune language models.", fontsize=9)
        fig.text(0.5, 0.85, "Table 3: Automatic evaluations (mean ± std over three seeds).", ha="center", fontsize=9)
        fig.add_artist(plt.Line2D([0.15, 0.85], [0.835, 0.835], color="black", lw=0.8))
        fig.text(0.50, 0.82, "Base models", fontsize=9)
        fig.text(0.70, 0.82, "FooTune models", fontsize=9)
        for x, t in ((0.17, "Task"), (0.29, "Metric"), (0.37, "Prompt"), (0.48, "6B"), (0.57, "175B"), (0.70, "6B"), (0.79, "175B")):
            fig.text(x, 0.80, t, fontsize=9)
        fig.add_artist(plt.Line2D([0.15, 0.85], [0.792, 0.792], color="black", lw=0.5))
        rows = (
            ("SQuADv2", "f1", "zero-shot", "51.97", "58.66", "45.46±0.3", "59.85±0.2"),
            ("", "", "few-shot", "58.86", "62.33", "58.33±0.4", "69.93±0.1"),
            ("WSC", "accuracy", "zero-shot", "56.7", "63.5", "69.2", "73.1"),
        )
        for k, row in enumerate(rows):
            y = 0.775 - 0.018 * k
            for x, t in zip((0.17, 0.29, 0.37, 0.48, 0.57, 0.70, 0.79), row):
                fig.text(x, y, t, fontsize=9)
        fig.add_artist(plt.Line2D([0.15, 0.85], [0.72, 0.72], color="black", lw=0.8))
        pdf.savefig(fig)
        plt.close(fig)
    return path


def test_a_drawn_table_of_tasks_with_ditto_rows_and_plus_minus_cells(tmp_path: Path) -> None:
    doc = parse_pdf(_draw(tmp_path / "footune.pdf"), paper="footune")
    got = _by_value(extract_table_results(doc))
    (few,) = got[69.93]
    assert (few.fields["dataset"], few.fields["metric"], few.fields["own"]) == ("SQuAD 2.0", "F1", True)
    assert few.fields["plus_minus"] == "0.1" and "few-shot" in few.evidence.snippet and "FooTune" in (few.model or "")
    assert got[58.86][0].fields["dataset"] == "SQuAD 2.0" and got[51.97][0].fields["metric"] == "F1"
    assert not any(v in got for v in (56.7, 63.5, 69.2, 73.1))


def test_a_group_title_centred_over_its_columns_covers_them_all() -> None:
    """``Box`` and ``Mask`` printed narrower than the six columns each stands over; ``Runtime`` over one column."""
    xs = [180 + 24 * k for k in range(13)]
    titles = ["AP", "AP50", "AP75", "APS", "APM", "APL"] * 2 + ["FPS"]
    header = [
        [(xs[2] + 8, xs[3] + 4, "Box"), (xs[8] + 8, xs[9] + 4, "Mask"), (xs[12] - 4, xs[12] + 20, "Runtime")],
        [(100, 130, "Method"), *((x, x + 16, t) for x, t in zip(xs, titles))],
    ]
    values = ["42.0", "60.8", "45.5", "23.7", "45.5", "56.4", "37.1", "58.2", "39.9", "19.1", "40.2", "51.9", "4.3"]
    body = [[(100, 140, "FooDet"), *((x, x + 16, v) for x, v in zip(xs, values))]]
    doc = _paper("FooDet: Detecting Faster", "We propose FooDet.", "Table 2: Detection results on COCO val2017.", header, body)
    got = {(c.fields["metric"], c.fields["value"]) for c in extract_table_results(doc)}
    assert {("box AP", 42.0), ("AP50", 60.8), ("APl", 56.4), ("mask AP", 37.1)} <= got
    assert not any(m != "mask AP" and v in (37.1, 58.2, 39.9, 19.1, 40.2, 51.9) for m, v in got)
