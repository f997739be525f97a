"""parse_pdf on the 27 real papers of ../shared/corpus/pdfs (skipped when it is absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flopsdb.extract.document import Document, Table
from flopsdb.extract.robust import parse_many

pytestmark = pytest.mark.shared

KNOWN_SENTENCES = [
    ("1706.03762", 7, "We trained our models on one machine with 8 NVIDIA P100 GPUs."),
    (
        "1512.00567",
        7,
        "We have trained our networks with stochastic gradient utilizing the TensorFlow [1] distributed machine learning system using 50 replicas running each on a NVidia Kepler GPU with batch size 32 for 100 epochs.",
    ),
    ("1907.10529", 6, "The pre-training was done on 32 Volta V100 GPUs and took 15 days to complete."),
    ("1612.03144", 5, "We adopt synchronized SGD training on 8 GPUs."),
    ("1611.05431", 5, "We use SGD with a mini-batch size of 256 on 8 GPUs (32 per GPU)."),
    ("1611.01603", 6, "The training process takes roughly 20 hours on a single Titan X GPU."),
    (
        "1906.08237",
        8,
        "We train XLNet-Large on 512 TPU v3 chips for 500K steps with an Adam optimizer, linear learning rate decay and a batch size of 2048, which takes about 2.5 days.",
    ),
    ("1508.04025", 6, "When running on a single GPU device Tesla K40, we achieve a speed of 1K target words per second."),
]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_corpus_pdf_parses_in_the_worker(corpus_dir: Path) -> None:
    files = sorted(corpus_dir.glob("*.pdf"))
    assert len(files) == 27
    results = list(parse_many(files, timeout=120))
    failed = [(p.name, str(r)) for p, r in results if not isinstance(r, Document)]
    assert failed == []


def test_documents_are_consistent(corpus_docs: dict[str, Document]) -> None:
    for name, doc in corpus_docs.items():
        assert len(doc.text) > 10_000, name
        assert doc.char_boxes.shape == (len(doc.text), 5), name
        assert len(doc.pages) == doc.text.count("\f") + 1, name
        boxed = doc.char_boxes[doc.char_boxes[:, 0] > 0]
        widths = np.array([doc.pages[int(p) - 1].width for p in boxed[:, 0]])
        heights = np.array([doc.pages[int(p) - 1].height for p in boxed[:, 0]])
        inside = (boxed[:, 1] >= -1) & (boxed[:, 3] <= widths + 1) & (boxed[:, 2] >= -1) & (boxed[:, 4] <= heights + 1) & (boxed[:, 1] <= boxed[:, 3])
        assert inside.mean() > 0.995, name
        assert len(doc.sentences) > 100 and len(doc.sections) >= 5 and doc.captions, name
        for s in doc.sentences[:50]:
            assert doc.text[s.start : s.end] == s.text


@pytest.mark.parametrize("paper,page,sentence", KNOWN_SENTENCES)
def test_two_column_sentences_come_out_whole(corpus_docs: dict[str, Document], paper: str, page: int, sentence: str) -> None:
    doc = corpus_docs[paper]
    matches = [s for s in doc.sentences if flat(s.text) == sentence]
    assert matches, f"{sentence!r} is not one sentence of {paper}"
    assert matches[0].page == page


def test_evidence_of_a_known_phrase(corpus_docs: dict[str, Document]) -> None:
    doc = corpus_docs["1907.10529"]
    flat_text = doc.text
    start = flat_text.index("32 Volta V100 GPUs")
    ev = doc.evidence(start, start + len("32 Volta V100 GPUs"))
    page = doc.pages[ev.page - 1]
    assert ev.page == 6
    assert 0 <= ev.bbox.x0 < ev.bbox.x1 <= page.width and 0 <= ev.bbox.top < ev.bbox.bottom <= page.height
    assert ev.bbox.bottom - ev.bbox.top < 15, "one line high"
    gutter = doc.metadata["gutters"][6]
    assert gutter is not None and (ev.bbox.x1 <= gutter or ev.bbox.x0 >= gutter), "inside one column"


def test_sections_of_the_transformer(corpus_docs: dict[str, Document]) -> None:
    titles = {(s.number, s.title) for s in corpus_docs["1706.03762"].sections}
    assert {("5.2", "Hardware and Schedule"), ("6.1", "Machine Translation"), (None, "References")} <= titles


def _row(table: Table, first: str) -> list[str]:
    for row in table.body():
        if row[0].text == first:
            return [c.text for c in row]
    raise AssertionError(f"no row {first!r} in {[r[0].text for r in table.body()]}")


def test_transformer_table_2(corpus_docs: dict[str, Document]) -> None:
    doc = corpus_docs["1706.03762"]
    (table,) = [t for t in doc.tables if t.caption and t.caption.label == "2"]
    assert table.page == 8
    assert table.header == ["Model", "BLEU EN-DE", "BLEU EN-FR", "Training Cost (FLOPs) EN-DE", "Training Cost (FLOPs) EN-FR"]
    big = _row(table, "Transformer (big)")
    assert big[1:3] == ["28.4", "41.8"]
    assert _row(table, "GNMT + RL [38]")[1:3] == ["24.6", "39.92"]
    cells = next(r for r in table.body() if r[0].text == "Transformer (big)")
    assert cells[1].bold and cells[2].bold and not cells[0].bold


def test_imagenet_table_of_resnext(corpus_docs: dict[str, Document]) -> None:
    doc = corpus_docs["1611.05431"]
    (table,) = [t for t in doc.tables if t.caption and t.caption.label == "5"]
    assert table.header[1:] == ["224×224 top-1 err", "224×224 top-5 err", "320×320 / 299×299 top-1 err", "320×320 / 299×299 top-5 err"]
    assert _row(table, "ResNeXt-101 (64 × 4d)") == ["ResNeXt-101 (64 × 4d)", "20.4", "5.3", "19.1", "4.4"]
    assert _row(table, "Inception-v3 [39]") == ["Inception-v3 [39]", "-", "-", "21.2", "5.6"]


def test_inception_v3_multi_crop_table(corpus_docs: dict[str, Document]) -> None:
    doc = corpus_docs["1512.00567"]
    (table,) = [t for t in doc.tables if t.caption and t.caption.label == "4"]
    assert table.header == ["Network", "Crops Evaluated", "Top-5 Error", "Top-1 Error"]
    rows = [[c.text for c in r] for r in table.body()]
    assert ["Inception-v3", "144", "18.77%", "4.2%"] in rows
    assert ["VGG [18]", "-", "24.4%", "6.8%"] in rows
