"""parse_pdf on small PDFs made for these tests: reading order, boxes, structure, tables."""

from __future__ import annotations

import re

import numpy as np

from flopsdb.extract.document import Document

SENTENCE = "We trained our models on one machine with 8 NVIDIA P100 GPUs."


def flat(text: str) -> str:
    return " ".join(text.split())


def test_text_and_boxes_stay_aligned(two_column: Document) -> None:
    doc = two_column
    assert doc.char_boxes.shape == (len(doc.text), 5)
    inserted = np.array([c in " \n\f" for c in doc.text])
    assert (doc.char_boxes[~inserted, 0] > 0).all(), "every printed character has a page"
    assert (doc.char_boxes[np.array([c in "\n\f" for c in doc.text]), 0] == 0).all()
    assert "  " not in doc.text and " \n" not in doc.text


def test_pages_are_separated_by_form_feeds(two_column: Document) -> None:
    doc = two_column
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.text.count("\f") == 1
    assert doc.text[doc.pages[0].end] == "\f"
    assert doc.page_text(2).startswith("3 Discussion")
    assert doc.pages[0].width == 612 and doc.pages[0].height == 792


def test_two_columns_read_left_then_right(two_column: Document) -> None:
    text = flat(two_column.text)
    assert text.startswith("A Small Two-Column Test Paper 1 Introduction")
    assert SENTENCE in text
    assert text.index("The left column ends here.") < text.index("2 Experiments") < text.index("The right column ends here.")
    assert two_column.metadata["gutters"][1] is not None
    assert two_column.metadata["gutters"][2] is None


def test_evidence_box_lies_in_the_left_column(two_column: Document) -> None:
    doc = two_column
    start = doc.text.index("NVIDIA P100")
    ev = doc.evidence(start, start + len("NVIDIA P100"))
    gutter = doc.metadata["gutters"][1]
    assert ev.page == 1
    assert 0 < ev.bbox.x0 < ev.bbox.x1 < gutter
    assert 0 < ev.bbox.top < ev.bbox.bottom < 792
    assert ev.snippet == "NVIDIA P100"


def test_line_end_hyphen_is_removed_with_boxes_kept(two_column: Document) -> None:
    doc = two_column
    i = doc.text.index("days of training on the full dataset")
    t = i + len("days of ")
    tr, ing = doc.char_boxes[t + 4], doc.char_boxes[t + 5]
    assert doc.text[t : t + 8] == "training"
    assert tr[0] == ing[0] == 1
    assert ing[2] > tr[4], "'ing' sits on the next line, below 'train'"


def test_ligature_expanded_with_the_ligature_box(two_column: Document) -> None:
    doc = two_column
    i = doc.text.index("final")
    assert "\ufb01" not in doc.text
    assert (doc.char_boxes[i] == doc.char_boxes[i + 1]).all()
    assert doc.char_boxes[i, 0] == 1


def test_sections_and_captions(two_column: Document) -> None:
    doc = two_column
    assert [(s.number, s.title, s.page) for s in doc.sections] == [("1", "Introduction", 1), ("2", "Experiments", 1), ("3", "Discussion", 2)]
    (cap,) = doc.captions
    assert (cap.kind, cap.label, cap.page) == ("table", "1", 1)
    assert cap.text == "Table 1: Results on the test set. Our model is best."
    assert doc.text[cap.start : cap.end] == cap.text


def test_lines_carry_spans_and_fonts(two_column: Document) -> None:
    doc = two_column
    for line in doc.lines:
        assert doc.text[line.start : line.end] == line.text
    heading = next(line for line in doc.lines if line.text == "2 Experiments")
    assert heading.bold and heading.page == 1
    body = next(line for line in doc.lines if line.text.startswith("We report results"))
    assert not body.bold and abs(body.font_size - 9.0) < 0.2


def test_sentences(two_column: Document) -> None:
    doc = two_column
    texts = [flat(s.text) for s in doc.sentences]
    assert SENTENCE in texts
    assert "We report results on the test set, e.g. the BLEU score of the best model." in texts
    assert "3 Discussion" in texts
    last = doc.sentences[-1]
    assert last.page == 2 and flat(last.text) == "Training the large model took 3.5 days on 8 GPUs."
    for s in doc.sentences:
        assert doc.text[s.start : s.end] == s.text


def test_booktabs_table_is_read_from_its_caption(two_column: Document) -> None:
    (table,) = two_column.tables
    assert table.caption is not None and table.caption.label == "1"
    assert table.page == 1 and table.header_rows == 1
    assert table.header == ["Model", "BLEU", "Params"]
    body = [[c.text for c in row] for row in table.body()]
    assert body == [["Baseline", "26.3 ± 0.2", "65M"], ["Ours", "28.4", "213M"]]
    baseline, ours = list(table.body())
    assert baseline[0].marks == "†" and not baseline[0].bold
    assert ours[1].bold and not ours[0].bold and not ours[2].bold
    assert table.caption.bbox.bottom <= table.bbox.top
    assert ours[1].bbox.x0 > baseline[0].bbox.x1


def test_hand_written_pdf(pdf_fixtures) -> None:
    from flopsdb.extract.pdf import parse_pdf

    doc = parse_pdf(pdf_fixtures / "minimal.pdf", paper="p1")
    assert doc.paper == "p1"
    assert doc.text == "Hello from a hand-written PDF with 4 V100 GPUs."
    hello = doc.evidence(0, 5)
    assert hello.page == 1 and abs(hello.bbox.x0 - 72) < 1, "the text starts at x=72 (Td 72 720)"
    assert hello.bbox.top < 792 - 720 < hello.bbox.bottom, "baseline y=720 from the bottom is 72 from the top"
    gpus = doc.evidence(doc.text.index("4 V100"), doc.text.index("4 V100") + 6)
    assert gpus.bbox.x0 > hello.bbox.x1 and abs(gpus.bbox.top - hello.bbox.top) < 0.5
    assert re.fullmatch(r"Hello.*GPUs\.", doc.sentences[0].text)


def test_footnote_moves_after_the_running_text(two_column: Document) -> None:
    doc = two_column
    page1 = doc.page_text(1)
    assert page1.rstrip().endswith("Code and data are in the supplement.")
    assert page1.index("to count as running text on the right side.") < page1.index("Code and data")
    texts = [flat(s.text) for s in doc.sentences]
    assert "The left column ends here." in texts
    assert "1 Code and data are in the supplement." in texts
    note = next(line for line in doc.lines if "Code and data" in line.text)
    assert note.font_size < 8 and note.bbox.top > 396


def test_hyphen_before_a_capital_is_kept_and_the_break_dropped(two_column: Document) -> None:
    assert "We used a single 8-GPU node for all runs." in [flat(s.text) for s in two_column.sentences]
    assert "single 8-GPU node" in two_column.text


def test_pdfplumber_cross_check_reads_the_same_region(pdf_fixtures, two_column: Document) -> None:
    from flopsdb.extract.tables import read_table_pdfplumber

    (table,) = two_column.tables
    rows = read_table_pdfplumber(pdf_fixtures / "two_column.pdf", table.page, table.bbox)
    cells = {(c or "").strip() for row in rows for c in row}
    assert {"Model", "28.4", "213M", "65M"} <= cells
