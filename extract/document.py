"""The Document: a PDF's text in reading order, with every character's page and box.

``parse_pdf`` (``extract.pdf``) builds it; the extractors read it. Positions follow pdfplumber:
PDF points, origin at the page's top-left, boxes as ``(x0, top, x1, bottom)``.

``Document.text`` is the whole paper in reading order (pages joined by a form feed, lines by
newlines). ``Document.char_boxes`` has one row per character of ``text``:
``(page, x0, top, x1, bottom)`` with the 1-based page, or page 0 for characters that the parser
inserted (spaces, newlines) and that have no box of their own. Any span of ``text`` therefore
maps back to boxes on pages: :meth:`Document.evidence` does that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Box:
    """A rectangle on a page in PDF points, top-left origin."""

    x0: float
    top: float
    x1: float
    bottom: float

    def as_list(self) -> list[float]:
        """``[x0, top, x1, bottom]`` rounded to 0.01 pt, as the output contract prints it."""
        return [round(self.x0, 2), round(self.top, 2), round(self.x1, 2), round(self.bottom, 2)]

    def union(self, other: Box) -> Box:
        """The smallest box holding both."""
        return Box(min(self.x0, other.x0), min(self.top, other.top), max(self.x1, other.x1), max(self.bottom, other.bottom))

    @classmethod
    def of(cls, values: list[float] | tuple[float, ...]) -> Box:
        """Build from ``[x0, top, x1, bottom]``."""
        x0, top, x1, bottom = (float(v) for v in values)
        return cls(x0, top, x1, bottom)


@dataclass(frozen=True)
class Evidence:
    """Where a fact stands: page (1-based), box, the char span in ``Document.text`` and the snippet.

    ``start``/``end`` are None for evidence that is not in the running text (e.g. a table cell read
    from a cropped region whose characters were not matched to the text).
    """

    page: int
    bbox: Box
    snippet: str
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict[str, object]:
        """The evidence fields of the output contract."""
        return {
            "page": self.page,
            "bbox": self.bbox.as_list(),
            "snippet": self.snippet,
            "span": [self.start, self.end] if self.start is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evidence:
        """Inverse of :meth:`to_json` (``span`` optional)."""
        span = data.get("span") or [None, None]
        return cls(page=int(data["page"]), bbox=Box.of(data["bbox"]), snippet=str(data.get("snippet", "")), start=span[0], end=span[1])


@dataclass(frozen=True)
class Line:
    """A line of text on one page, with its span in ``Document.text``."""

    page: int
    bbox: Box
    start: int
    end: int
    text: str
    font_size: float = 0.0
    bold: bool = False


@dataclass(frozen=True)
class Sentence:
    """A sentence (spaCy sentencizer over the reading-order text)."""

    start: int
    end: int
    text: str
    page: int


@dataclass(frozen=True)
class Section:
    """A section heading, e.g. ``5.2 Hardware and Schedule``."""

    title: str
    number: str | None
    page: int
    start: int
    bbox: Box


@dataclass(frozen=True)
class Caption:
    """A figure or table caption: ``kind`` is ``table`` or ``figure``, ``label`` e.g. ``"3"``."""

    kind: str
    label: str
    text: str
    page: int
    bbox: Box
    start: int
    end: int


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, box and marks (bold, footnote symbols stripped into ``marks``)."""

    text: str
    bbox: Box
    bold: bool = False
    marks: str = ""


@dataclass(frozen=True)
class Table:
    """A table found from its caption: rows of cells, ``header_rows`` of them being headers."""

    page: int
    bbox: Box
    caption: Caption | None
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 1
    strategy: str = "lines"
    """How the table was read (``extract.tables``): ``lines`` (the parser's visual lines, rules and columns) or
    ``chars`` (rows and cells rebuilt from the document's character boxes next to the caption)."""

    @property
    def header(self) -> list[str]:
        """Column titles: the header rows' texts joined per column."""
        if not self.rows:
            return []
        width = max(len(r) for r in self.rows)
        cols = [""] * width
        for row in self.rows[: self.header_rows]:
            for i, cell in enumerate(row):
                if cell.text:
                    cols[i] = f"{cols[i]} {cell.text}".strip()
        return cols

    def body(self) -> Iterator[tuple[Cell, ...]]:
        """The rows after the header."""
        yield from self.rows[self.header_rows :]


@dataclass(frozen=True)
class Page:
    """One page: size, its span in ``Document.text`` and flags (``no_text``, ``huge``, ``failed``)."""

    number: int
    width: float
    height: float
    start: int
    end: int
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelName:
    """One of the paper's own models, as the paper prints its name.

    ``key`` is :func:`flopsdb.core.ids.model_key` of the name (shared by all facts of that model); ``main`` marks
    the paper's main model(s) (named in the title or abstract, or the last/bold own rows of the main table);
    ``evidence`` where the name was found; ``source`` how (``title``, ``abstract``, ``main_table``, ``ours``...).
    """

    name: str
    key: str
    main: bool = False
    source: str = ""
    evidence: Evidence | None = None


@dataclass
class Document:
    """A parsed paper. See the module docstring for the coordinate and span conventions."""

    paper: str
    path: str
    text: str
    char_boxes: np.ndarray
    pages: list[Page] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    metadata: dict[str, object] = field(default_factory=dict)
    models: tuple[ModelName, ...] = ()
    """The paper's own models, found once per paper before the extractors run (``extract.models``)."""

    def page_of(self, offset: int) -> int:
        """The 1-based page holding ``text[offset]``."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages else 1

    def evidence(self, start: int, end: int, *, snippet: str | None = None) -> Evidence:
        """Evidence for ``text[start:end]``: the page of its first boxed character and the union of
        the boxes of its characters on that page."""
        start = max(0, start)
        end = min(len(self.text), max(end, start + 1))
        boxes = self.char_boxes[start:end]
        real = boxes[boxes[:, 0] > 0] if len(boxes) else boxes
        if len(real) == 0:
            page = self.page_of(start)
            bbox = Box(0.0, 0.0, 0.0, 0.0)
        else:
            page = int(real[0, 0])
            same = real[real[:, 0] == page]
            bbox = Box(float(same[:, 1].min()), float(same[:, 2].min()), float(same[:, 3].max()), float(same[:, 4].max()))
        text = " ".join(self.text[start:end].split()) if snippet is None else snippet
        return Evidence(page=page, bbox=bbox, snippet=text, start=start, end=end)

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing ``offset``, if any."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if s.end <= offset:
                lo = mid + 1
            elif s.start > offset:
                hi = mid
            else:
                return s
        return None

    def page_text(self, number: int) -> str:
        """The reading-order text of one page."""
        page = self.pages[number - 1]
        return self.text[page.start : page.end]
