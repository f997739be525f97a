"""Fixtures of the extract tests: hand-built Documents, a generated sample PDF, parsed corpus papers."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from flopsdb.extract.document import Document, Page, Section, Sentence

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"


def make_doc(text: str, *, paper: str = "hand-built", sections: dict[str, str] | None = None) -> Document:
    """A one-page Document whose characters sit on 12-pt lines of 6-pt wide boxes; sentences split on '. '.

    ``sections`` maps a heading to its body: the headings become :class:`Section` entries."""
    parts: list[tuple[str | None, str]] = [(None, text)] if sections is None else [(k, v) for k, v in sections.items()]
    full = ""
    secs: list[Section] = []
    from flopsdb.extract.document import Box

    for title, body in parts:
        if title:
            secs.append(Section(title=title, number=None, page=1, start=len(full), bbox=Box(0, 0, 1, 1)))
            full += title + "\n"
        full += body + "\n"
    boxes = np.zeros((len(full), 5))
    x = y = 0.0
    for i, ch in enumerate(full):
        if ch == "\n":
            y += 12.0
            x = 0.0
            continue
        boxes[i] = (1, 50 + x, 50 + y, 56 + x, 60 + y)
        x += 6.0
    sentences = []
    for m in re.finditer(r"[^\n]+?(?:\.(?=\s|$)|(?=\n)|$)", full):
        if m.group(0).strip():
            sentences.append(Sentence(m.start(), m.end(), full[m.start() : m.end()], 1))
    return Document(paper=paper, path="", text=full, char_boxes=boxes, pages=[Page(1, 612, 792, 0, len(full))], sentences=sentences, sections=secs)


@pytest.fixture
def doc_of():
    """``doc_of(text, **kw)`` builds a hand-made Document (see :func:`make_doc`)."""
    return make_doc


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two-page sample paper, generated with matplotlib (``tests/fixtures/extract/make_pdf.py``)."""
    spec = importlib.util.spec_from_file_location("make_pdf", FIXTURES / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.write_pdf(tmp_path_factory.mktemp("pdf") / "sample-paper.pdf")


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    """The tiny gold of the sample paper."""
    return FIXTURES / "gold"


_PARSED: dict[str, Document] = {}


@pytest.fixture
def corpus_doc(corpus_dir: Path):
    """``corpus_doc("1706.03762")`` parses a real corpus paper once per session (skips without ../shared)."""
    from flopsdb.extract.pdf import parse_pdf

    def load(paper: str) -> Document:
        if paper not in _PARSED:
            _PARSED[paper] = parse_pdf(corpus_dir / f"{paper}.pdf", paper=paper)
        return _PARSED[paper]

    return load


def sentence_with(doc: Document, needle: str) -> str:
    """The text of the parsed sentence holding ``needle`` (whitespace folded)."""
    i = doc.text.find(needle)
    assert i >= 0, f"{needle!r} not in {doc.paper}"
    s = doc.sentence_at(i)
    assert s is not None
    return " ".join(s.text.split())
