"""Fixtures of the table-results tests: a small paper with result tables, drawn with matplotlib."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flopsdb.extract.document import Box, Caption, Document, Line, Page, Table

TABLES: list[dict] = [
    {
        "caption": "Table 1: Top-1 and top-5 error (%) on the ImageNet validation set (single crop).",
        "header": [["Model", "Top-1 err.", "Top-5 err."]],
        "rows": [["ResNet-50 [12]", "23.9", "7.1"], ["VGG-16 [30]", "28.1", "9.3"], ["FooNet-50", "22.1", "6.0"], ["FooNet-101", "20.8", "5.4"]],
    },
    {
        "caption": "Table 2: Exact match and F1 on the SQuAD 1.1 development set.",
        "header": [["", "Dev", ""], ["Model", "EM", "F1"]],
        "rows": [["BiDAF [25]", "67.7", "77.3"], ["Match-LSTM (Wang et al., 2016)", "64.1", "73.9"], ["FooNet (ours)", "73.6", "82.7"]],
    },
    {
        "caption": "Table 3: Test error (%) on CIFAR-10.",
        "header": [["Model", "Error"]],
        "rows": [["ResNet-110 [12]", "6.43"], ["FooNet-50", "3.91"]],
    },
    {
        "caption": "Table 4: Optimisation settings.",
        "header": [["Setting", "Value"]],
        "rows": [["learning rate", "0.1"], ["weight decay", "0.0001"]],
    },
]
"""What the fixture paper prints: two tracked result tables and two that must give nothing."""

PROSE = [
    "FooNet: Faster Image Classification with Folded Filters",
    "Abstract. We propose FooNet, a convolutional network that folds its filters. FooNet reaches a top-1",
    "error of 20.8% on the ImageNet validation set, and a reading model built on it reaches 82.7 F1 on SQuAD.",
]


def write_table_pdf(path: Path) -> Path:
    """Draw the fixture paper (one US-letter page, booktabs-style tables: horizontal rules only)."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["pdf.fonttype"] = 42
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(path) as pdf:
        fig = plt.figure(figsize=(8.5, 11))
        y = 0.95
        fig.text(0.5, y, PROSE[0], ha="center", fontsize=15)
        y -= 0.04
        for line in PROSE[1:]:
            fig.text(0.1, y, line, fontsize=9)
            y -= 0.018
        y -= 0.02
        for table in TABLES:
            fig.text(0.5, y, table["caption"], ha="center", fontsize=9)
            y -= 0.012
            fig.add_artist(plt.Line2D([0.22, 0.78], [y, y], color="black", lw=0.8))
            y -= 0.016
            xs = [0.24, 0.56, 0.70]
            for row in table["header"]:
                for x, cell in zip(xs, row):
                    fig.text(x, y, cell, fontsize=9)
                y -= 0.016
            fig.add_artist(plt.Line2D([0.22, 0.78], [y + 0.01, y + 0.01], color="black", lw=0.5))
            for row in table["rows"]:
                for x, cell in zip(xs, row):
                    fig.text(x, y - 0.004, cell, fontsize=9)
                y -= 0.016
            fig.add_artist(plt.Line2D([0.22, 0.78], [y + 0.008, y + 0.008], color="black", lw=0.8))
            y -= 0.05
        pdf.savefig(fig)
        plt.close(fig)
    return path


@pytest.fixture(scope="session")
def table_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture paper as a PDF file (generated, never copied from the corpus)."""
    return write_table_pdf(tmp_path_factory.mktemp("extract_tables") / "foonet.pdf")


def hand_document(text: str, tables: list[Table], captions: list[Caption]) -> Document:
    """A one-page Document of ``text`` (one line per text line) with hand-built ``tables`` and their ``captions``."""
    lines = []
    pos = 0
    for i, line in enumerate(text.split("\n")):
        lines.append(
            Line(page=1, bbox=Box(72, 72 + 12 * i, 540, 82 + 12 * i), start=pos, end=pos + len(line), text=line, font_size=14.0 if i == 0 else 10.0)
        )
        pos += len(line) + 1
    return Document(
        paper="hand",
        path="",
        text=text,
        char_boxes=np.zeros((len(text), 5)),
        pages=[Page(1, 612, 792, 0, len(text))],
        lines=lines,
        captions=captions,
        tables=tables,
    )
