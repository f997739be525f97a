"""result_table.v6 on a small generated paper and on hand-built Document tables (no ../shared needed)."""

from __future__ import annotations

import pytest

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Caption, Cell, Document, Table
from flopsdb.extract.pdf import parse_pdf
from flopsdb.extract.table_results import EXTRACTOR, extract_table_results, own_names, table_results
from tests.extract_tables.conftest import hand_document as _doc


def _facts(cands: list[Candidate]) -> set[tuple[object, ...]]:
    return {(c.fields["dataset"], c.fields["metric"], c.fields["value"], c.fields["own"]) for c in cands}


@pytest.fixture(scope="module")
def fixture_candidates(table_pdf) -> list[Candidate]:
    return extract_table_results(parse_pdf(table_pdf, paper="foonet"))


def test_own_rows_of_tracked_tables_are_results(fixture_candidates: list[Candidate]) -> None:
    facts = _facts(fixture_candidates)
    assert ("ImageNet", "top-1 error", 20.8, True) in facts
    assert ("ImageNet", "top-5 error", 5.4, True) in facts
    assert ("ImageNet", "top-1 error", 22.1, True) in facts
    assert ("SQuAD 1.1", "EM", 73.6, True) in facts
    assert ("SQuAD 1.1", "F1", 82.7, True) in facts


def test_cited_rows_are_baselines(fixture_candidates: list[Candidate]) -> None:
    facts = _facts(fixture_candidates)
    assert ("ImageNet", "top-1 error", 23.9, False) in facts
    assert ("SQuAD 1.1", "F1", 73.9, False) in facts
    assert not any(c.fields["own"] for c in fixture_candidates if c.model and "[" in c.model)


def test_untracked_and_settings_tables_give_nothing(fixture_candidates: list[Candidate]) -> None:
    values = {c.fields["value"] for c in fixture_candidates}
    assert 3.91 not in values and 6.43 not in values
    assert 0.1 not in values and 0.0001 not in values


def test_candidates_carry_cell_evidence_model_and_split(fixture_candidates: list[Candidate]) -> None:
    best = next(c for c in fixture_candidates if c.fields["value"] == 20.8)
    assert best.extractor == EXTRACTOR
    assert best.model == "FooNet-101"
    assert best.fields["split"] == "val"
    assert best.fields["value_text"] == "20.8"
    assert best.evidence.page == 1
    box = best.evidence.bbox
    assert 0 < box.x0 < box.x1 < 612 and 0 < box.top < box.bottom < 792
    assert "FooNet-101" in best.evidence.snippet and "20.8" in best.evidence.snippet
    row = best.to_json()
    assert row["kind"] == "result" and row["own"] is True and row["task"] == "image classification"
    assert Candidate.from_json(row).fields["value"] == 20.8


def test_own_confidence_is_higher_than_guessed_rows(fixture_candidates: list[Candidate]) -> None:
    ours = next(c for c in fixture_candidates if c.fields["value"] == 82.7)
    assert 0 < ours.confidence <= 1
    assert all(0 < c.confidence <= 1 for c in fixture_candidates)


def _cell(text: str, x0: float, top: float, width: float = 30.0) -> Cell:
    return Cell(text=text, bbox=Box(x0, top, x0 + width, top + 9))


def _wmt_doc(rows: list[tuple[str, str, str]], header: tuple[str, str] = ("EN-DE", "EN-FR")) -> Document:
    text = "FlipNet: Translating Faster\nWe propose FlipNet, a translation model.\nTable 2: BLEU scores on newstest2014."
    start = text.index("Table 2")
    caption = Caption("table", "2", text[start:], 1, Box(72, 300, 540, 310), start, len(text))
    grid = [(_cell("Model", 80, 320), _cell(header[0], 300, 320), _cell(header[1], 380, 320))]
    for i, (label, de, fr) in enumerate(rows):
        top = 335 + 12 * i
        grid.append((_cell(label, 80, top, 150), _cell(de, 300, top), _cell(fr, 380, top)))
    table = Table(page=1, bbox=Box(80, 320, 420, 335 + 12 * len(rows)), caption=caption, rows=tuple(grid), header_rows=1)
    return _doc(text, [table], [caption])


def test_document_tables_are_read_by_position() -> None:
    doc = _wmt_doc([("Transformer (big) [5]", "28.4", "41.8"), ("FlipNet", "29.1%", "42.0 ± 0.2")])
    cands = extract_table_results(doc)
    facts = _facts(cands)
    assert ("WMT14 EN-DE", "BLEU", 28.4, False) in facts
    assert ("WMT14 EN-DE", "BLEU", 29.1, True) in facts
    assert ("WMT14 EN-FR", "BLEU", 42.0, True) in facts
    pm = next(c for c in cands if c.fields["value"] == 42.0)
    assert "plus_minus" in pm.flags and pm.fields["plus_minus"] == "0.2"
    pct = next(c for c in cands if c.fields["value"] == 29.1)
    assert pct.fields["value_text"] == "29.1" and pct.evidence.bbox.x0 == 300


def test_delta_columns_are_not_results() -> None:
    doc = _wmt_doc([("FlipNet", "29.1", "+0.7")], header=("EN-DE", "Improvement"))
    values = {c.fields["value"] for c in extract_table_results(doc)}
    assert values == {29.1}


def test_tables_without_numbers_or_untracked_captions_give_nothing() -> None:
    doc = _wmt_doc([("FlipNet", "n/a", "-")])
    assert extract_table_results(doc) == []
    table = doc.tables[0]
    cifar = Caption("table", "3", "Table 3: Error (%) on CIFAR-10.", 1, Box(72, 500, 540, 510), 0, 10)
    header = (_cell("Model", 80, 320), _cell("Top-1 err.", 300, 320), _cell("Top-5 err.", 380, 320))
    other = Table(
        page=1, bbox=table.bbox, caption=cifar, rows=(header, (_cell("FlipNet", 80, 340, 150), _cell("3.91", 300, 340), _cell("4.10", 380, 340)))
    )
    assert table_results(doc, other, names=["FlipNet"]) == []


def test_empty_document_gives_nothing() -> None:
    assert extract_table_results(_doc("Nothing here", [], [])) == []


def test_own_names_from_title_and_naming_phrases() -> None:
    doc = _doc("FlipNet: Translating Faster\nWe call it DeepFlip-v2 in what follows. Residual networks (ResNets) are strong.", [], [])
    names = own_names(doc)
    assert "FlipNet" in names and "DeepFlip-v2" in names
    assert "ResNets" not in names


def _grid_doc(caption_text: str, header: list[str], rows: list[list[str]], title: str = "FlipNet: Reading Faster") -> Document:
    text = f"{title}\nWe propose FlipNet, a reader.\n{caption_text}"
    start = text.index(caption_text)
    caption = Caption("table", "1", caption_text, 1, Box(72, 300, 540, 310), start, len(text))
    xs = [80, 260, 330, 400]
    grid = [tuple(_cell(h, x, 320, 150 if j == 0 else 30) for j, (x, h) in enumerate(zip(xs, header)))]
    for i, row in enumerate(rows):
        grid.append(tuple(_cell(v, x, 335 + 12 * i, 150 if j == 0 else 30) for j, (x, v) in enumerate(zip(xs, row))))
    table = Table(page=1, bbox=Box(80, 320, 440, 335 + 12 * len(rows)), caption=caption, rows=tuple(grid), header_rows=1)
    return _doc(text, [table], [caption])


def test_rows_that_name_tasks_take_the_column_as_model() -> None:
    doc = _grid_doc(
        "Table 1: Test set comparison across SQuAD, SNLI and NER.",
        ["Task", "Previous SOTA", "Our baseline", "FlipNet + baseline"],
        [["SQuAD", "84.4", "81.1", "85.8"], ["SNLI", "88.6", "88.0", "88.7"], ["NER", "91.93", "90.15", "92.22"]],
    )
    facts = _facts(extract_table_results(doc))
    assert ("SQuAD 1.1", "F1", 85.8, True) in facts
    assert ("CoNLL-2003", "F1", 92.22, True) in facts
    assert ("SQuAD 1.1", "F1", 84.4, False) in facts
    assert not any(f[2] in (88.6, 88.0, 88.7) for f in facts)


def test_two_values_in_one_cell_follow_a_split_header() -> None:
    doc = _grid_doc(
        "Table 1: Results on the SQuAD 1.1 development set.",
        ["Model", "EM / F1", "", ""],
        [["FlipNet", "73.6 / 82.7", "", ""], ["BiDAF (Seo et al., 2016)", "67.7 / 77.3", "", ""]],
    )
    cands = extract_table_results(doc)
    facts = _facts(cands)
    assert ("SQuAD 1.1", "EM", 73.6, True) in facts and ("SQuAD 1.1", "F1", 82.7, True) in facts
    assert ("SQuAD 1.1", "F1", 77.3, False) in facts
    em = next(c for c in cands if c.fields["value"] == 73.6)
    f1 = next(c for c in cands if c.fields["value"] == 82.7)
    assert em.evidence.bbox.x1 <= f1.evidence.bbox.x0


def test_leaderboard_affiliations_are_baselines() -> None:
    doc = _grid_doc(
        "Table 1: Results on the SQuAD 1.1 test set.",
        ["Model", "EM", "F1"],
        [["T-gating (Peking University)", "72.8", "81.0"], ["FlipNet", "76.7", "83.7"], ["Match-LSTM [3]", "64.7", "73.7"]],
    )
    own = {c.fields["value"]: c.fields["own"] for c in extract_table_results(doc)}
    assert own[72.8] is False and own[81.0] is False
    assert own[76.7] is True and own[64.7] is False


def test_other_versions_of_the_model_family_are_baselines() -> None:
    doc = _grid_doc(
        "Table 1: Top-1 accuracy (%) on ImageNet.",
        ["Model", "Top-1 acc.", "Top-5 acc."],
        [["FlipNet-v2", "74.1", "91.0"], ["FlipNet-v3", "76.3", "92.8"], ["V2 small", "70.2", "89.9"]],
        title="FlipNet-v3: Searching Faster",
    )
    own = {c.fields["value"]: c.fields["own"] for c in extract_table_results(doc)}
    assert own[76.3] is True and own[92.8] is True
    assert own[74.1] is False and own[70.2] is False


def test_reading_next_to_the_caption_keeps_rows_and_cells(table_pdf) -> None:
    from flopsdb.extract.tables import read_tables_from_chars

    doc = parse_pdf(table_pdf, paper="foonet", tables=False)
    tables = {t.caption.label: t for t in read_tables_from_chars(doc, [c for c in doc.captions if c.kind == "table"])}
    first = [[c.text for c in row] for row in tables["1"].rows]
    assert first[0] == ["Model", "Top-1 err.", "Top-5 err."]
    assert ["FooNet-101", "20.8", "5.4"] in first
    assert len(first) == 5
    assert [c.text for c in tables["2"].rows[0]] == ["", "Dev", ""]
    assert tables["2"].header_rows == 2 and tables["2"].strategy == "chars"


def test_both_strategies_give_one_table_model(table_pdf) -> None:
    """The ``chars`` strategy places its cells on the same column grid, with the same header rows, as ``lines``."""
    from flopsdb.extract.tables import read_tables_from_chars

    doc = parse_pdf(table_pdf, paper="foonet")
    chars = {t.caption.label: t for t in read_tables_from_chars(doc, [c for c in doc.captions if c.kind == "table"])}
    assert {t.caption.label for t in doc.tables} == {"1", "2", "3", "4"}
    for table in doc.tables:
        other = chars[table.caption.label]
        assert [[c.text for c in r] for r in other.rows] == [[c.text for c in r] for r in table.rows]
        assert other.header_rows == table.header_rows
        assert all(c.bbox.x1 > c.bbox.x0 for r in table.rows for c in r if c.text)


def test_table_quality_prefers_the_reading_with_full_rows() -> None:
    """A reading that splits a title (``SQuAD 1.1`` -> ``SQuAD`` | ``1.1``) gains no row by it; a reading that
    lost a row's values scores lower."""
    from flopsdb.extract.document import Box, Cell, Table
    from flopsdb.extract.tables import table_quality

    def table(rows: list[list[str]]) -> Table:
        cells = tuple(tuple(Cell(t, Box(40.0 * i, 10.0 * n, 40.0 * i + 30, 10.0 * n + 8)) for i, t in enumerate(r)) for n, r in enumerate(rows))
        return Table(1, Box(0, 0, 200, 100), None, cells)

    body = [["Ours", "86.5", "92.6", "82.8", "85.9"], ["Theirs", "84.3", "91.3", "80.0", "83.3"]]
    split_title = table([["SQuAD", "1.1", "SQuAD", "2.0"], ["EM", "F1", "EM", "F1"], *body])
    whole_title = table([["", "SQuAD 1.1", "SQuAD 2.0"], ["", "EM", "F1", "EM", "F1"], *body])
    assert table_quality(split_title) == table_quality(whole_title) == (2, 8)
    assert table_quality(table([["", "EM", "F1"], body[0], ["Theirs", "84.3"]])) < table_quality(whole_title)


def test_group_rows_name_the_dataset_of_the_rows_below() -> None:
    doc = _grid_doc(
        "Table 1: Detection mAP (%) of FlipNet.",
        ["Method", "mAP", "", ""],
        [["PASCAL VOC 2007 test", "", "", ""], ["FlipNet", "73.2", "", ""], ["PASCAL VOC 2012 test", "", "", ""], ["FlipNet", "70.4", "", ""]],
    )
    facts = _facts(extract_table_results(doc))
    assert ("PASCAL VOC 2007", "mAP", 73.2, True) in facts
    assert ("PASCAL VOC 2012", "mAP", 70.4, True) in facts


def test_side_by_side_tables_take_their_own_row_labels() -> None:
    text = "FlipNet: Reading Faster\nWe propose FlipNet, a reader.\nTable 1: (a) Results on the SQuAD 1.1 test set. (b) Ablations on the dev set."
    start = text.index("Table 1")
    caption = Caption("table", "1", text[start:], 1, Box(72, 300, 540, 310), start, len(text))
    grid = [
        (_cell("Model", 80, 320, 100), _cell("EM", 190, 320), _cell("F1", 230, 320), _cell("EM", 400, 320), _cell("F1", 440, 320)),
        (
            _cell("Match-LSTM [3]", 80, 335, 100),
            _cell("64.7", 190, 335),
            _cell("73.7", 230, 335),
            _cell("No char embedding", 280, 335, 100),
            _cell("65.0", 400, 335),
            _cell("75.4", 440, 335),
        ),
        (
            _cell("FlipNet", 80, 347, 100),
            _cell("68.0", 190, 347),
            _cell("77.3", 230, 347),
            _cell("FlipNet (single)", 280, 347, 100),
            _cell("67.7", 400, 347),
            _cell("77.4", 440, 347),
        ),
    ]
    table = Table(page=1, bbox=Box(80, 320, 470, 360), caption=caption, rows=tuple(grid), header_rows=1)
    cands = extract_table_results(_doc(text, [table], [caption]))
    model = {c.fields["value"]: (c.model, c.fields["own"]) for c in cands}
    assert model[64.7] == ("Match-LSTM [3]", False)
    assert model[65.0] == ("No char embedding", True)
    assert model[67.7] == ("FlipNet (single)", True)
    assert model[68.0][1] is True


def test_a_title_over_the_second_table_side_by_side_names_its_dataset() -> None:
    text = "FlipNet: Reading Faster\nWe propose FlipNet, a reader.\nTable 2: Results on SQuAD 1.1 and SQuAD 2.0 dev sets."
    start = text.index("Table 2")
    caption = Caption("table", "2", text[start:], 1, Box(72, 300, 540, 310), start, len(text))
    grid = [
        (
            _cell("SQuAD 1.1", 80, 320, 100),
            _cell("EM", 190, 320),
            _cell("F1", 230, 320),
            _cell("SQuAD 2.0", 280, 320, 100),
            _cell("EM", 400, 320),
            _cell("F1", 440, 320),
        ),
        (
            _cell("FlipNet", 80, 335, 100),
            _cell("88.9", 190, 335),
            _cell("94.5", 230, 335),
            _cell("FlipNet", 280, 335, 100),
            _cell("86.1", 400, 335),
            _cell("88.7", 440, 335),
        ),
    ]
    table = Table(page=1, bbox=Box(80, 320, 470, 350), caption=caption, rows=tuple(grid), header_rows=1)
    facts = _facts(extract_table_results(_doc(text, [table], [caption])))
    assert ("SQuAD 1.1", "F1", 94.5, True) in facts
    assert ("SQuAD 2.0", "EM", 86.1, True) in facts and ("SQuAD 2.0", "F1", 88.7, True) in facts
