"""Page layout: characters -> fragments -> columns -> lines in reading order.

The input is one page's characters as pdfium reports them (content-stream order, boxes already in
top-left coordinates). A *fragment* is a run of characters on one baseline without a wide gap; a
*visual line* joins the fragments of one column that share a baseline. Reading order:

* a page is two-column when a vertical gutter in its middle third is crossed by few fragments while
  enough text lies on either side;
* fragments wide enough to cross the gutter substantially (titles, abstracts in some styles, wide
  figures and tables, their captions) are *spanning*: they cut the page into horizontal bands, and
  inside each band the left column is read before the right one;
* rotated text (the arXiv stamp in the margin) is read last.

Section headings and captions are recognised on the ordered lines with the patterns in
``extract/data/layout_patterns.v1.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class RawPage:
    """One page's characters: ``text[i]`` with ``boxes[i] = (x0, top, x1, bottom)`` (top-left origin),
    ``generated[i]`` when pdfium inserted the character (spaces, line breaks) and ``angle[i]`` in radians."""

    number: int
    width: float
    height: float
    text: str
    boxes: np.ndarray
    generated: np.ndarray
    angle: np.ndarray


@dataclass
class Fragment:
    """A run of characters on one baseline: character indices into the page, and their box."""

    chars: Sequence[int]
    x0: float
    top: float
    x1: float
    bottom: float
    font_size: float = 0.0
    bold: bool = False
    rotated: bool = False
    column: int = 0

    @property
    def height(self) -> float:
        """Box height in points."""
        return self.bottom - self.top


FOOTNOTE = 4
"""``VisualLine.column`` of footnotes (moved after the page's running text); 0 is a single-column page
or a spanning line, 1 and 2 the left and right columns, 3 rotated margin text."""


@dataclass
class VisualLine:
    """Fragments that share a baseline within one column, left to right (``starts_note`` for the
    first line of a footnote)."""

    fragments: list[Fragment] = field(default_factory=list)
    column: int = 0
    starts_note: bool = False

    @property
    def x0(self) -> float:
        """Left edge."""
        return min(f.x0 for f in self.fragments)

    @property
    def x1(self) -> float:
        """Right edge."""
        return max(f.x1 for f in self.fragments)

    @property
    def top(self) -> float:
        """Top edge."""
        return min(f.top for f in self.fragments)

    @property
    def bottom(self) -> float:
        """Bottom edge."""
        return max(f.bottom for f in self.fragments)

    @property
    def font_size(self) -> float:
        """Font size of the widest fragment."""
        return max(self.fragments, key=lambda f: len(f.chars)).font_size

    @property
    def bold(self) -> bool:
        """Whether the first fragment is set in a bold font."""
        return self.fragments[0].bold


@lru_cache(maxsize=1)
def charmap() -> tuple[dict[str, str], frozenset[str]]:
    """Character rewrites (ligatures, odd spaces, pdfium's hyphen marks) and the set of hyphen
    characters, from ``extract/data/pdf_charmap.v1.json``."""
    raw = json.loads((DATA / "pdf_charmap.v1.json").read_text(encoding="utf-8"))
    return dict(raw["replace"]), frozenset(raw["hyphens"])


@lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    """The heading and caption patterns (``extract/data/layout_patterns.v1.json``), compiled."""
    raw = json.loads((DATA / "layout_patterns.v1.json").read_text(encoding="utf-8"))
    return {
        "caption": re.compile(raw["caption"], re.I),
        "caption_kinds": raw["caption_kinds"],
        "numbered_heading": re.compile(raw["numbered_heading"]),
        "named_headings": {h.lower() for h in raw["named_headings"]},
        "max_heading_chars": int(raw["max_heading_chars"]),
    }


def _fragments(page: RawPage, font_of: Callable[[int], tuple[float, bool]]) -> list[Fragment]:
    """Split the page's character stream into fragments: at line breaks, backward jumps, wide gaps,
    vertical jumps and changes of rotation (computed for all glyphs at once with numpy)."""
    text = page.text
    n = len(text)
    if n == 0:
        return []
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    boxes = page.boxes
    newline = (codes == 10) | (codes == 13)
    space = (codes == 32) | (codes == 9) | (codes == 0xA0) | newline
    glyph = ~space & (boxes[:, 2] >= boxes[:, 0])
    g = np.flatnonzero(glyph)
    if len(g) == 0:
        return []
    b = boxes[g]
    x0, top, x1, bottom = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    h = np.maximum(bottom - top, 1.0)
    mid = (top + bottom) / 2
    rot = page.angle[g] > 0.2
    cut = np.zeros(len(g), dtype=bool)
    cut[0] = True
    nl_before = np.cumsum(newline)[g]
    cut[1:] |= nl_before[1:] != nl_before[:-1]
    ph = h[:-1]
    flat_prev = ~rot[:-1]
    back = (x0[1:] < x1[:-1] - np.maximum(ph, 2.0)) & ((top[1:] > bottom[:-1] - 0.3 * ph) | (x0[1:] < x0[:-1] - ph))
    gap = x0[1:] - x1[:-1] > 1.1 * ph
    vjump = np.abs(mid[1:] - mid[:-1]) > 1.2 * np.maximum(ph, h[1:])
    rw = np.maximum(x1[:-1] - x0[:-1], 1.0)
    rjump = (np.abs(top[1:] - bottom[:-1]) > 1.5 * rw) & (np.abs(top[1:] - top[:-1]) > 1.5 * (bottom[:-1] - top[:-1]) + 1.0) | (
        np.abs(x0[1:] - x0[:-1]) > 0.5 * rw
    )
    cut[1:] |= np.where(flat_prev, back | gap | vjump, rjump)
    cut[1:] |= rot[1:] != rot[:-1]
    starts = np.flatnonzero(cut)
    ends = np.append(starts[1:], len(g))
    fx0 = np.minimum.reduceat(x0, starts)
    ftop = np.minimum.reduceat(top, starts)
    fx1 = np.maximum.reduceat(x1, starts)
    fbot = np.maximum.reduceat(bottom, starts)
    out: list[Fragment] = []
    gl = g.tolist()
    for k, (s, e) in enumerate(zip(starts.tolist(), ends.tolist())):
        first, last = gl[s], gl[e - 1]
        size, bold = font_of(first)
        out.append(Fragment(range(first, last + 1), float(fx0[k]), float(ftop[k]), float(fx1[k]), float(fbot[k]), size, bold, bool(rot[s])))
    return out


def _gutter(frags: list[Fragment], width: float) -> float | None:
    """The x of a two-column page's gutter, or None for a single-column page.

    Fragments are weighted by their number of characters, so that a table's many short cells do
    not outvote the long lines of single-column running text."""
    flat = [f for f in frags if not f.rotated]
    if len(flat) < 12:
        return None
    x0 = np.array([f.x0 for f in flat])
    x1 = np.array([f.x1 for f in flat])
    weight = np.array([len(f.chars) for f in flat], dtype=float)
    total = weight.sum()
    xs = np.arange(width * 0.3, width * 0.7, 1.0)
    crossing = (((x0[:, None] < xs - 1) & (x1[:, None] > xs + 1)) * weight[:, None]).sum(axis=0)
    left = ((x1[:, None] <= xs + 1) * weight[:, None]).sum(axis=0)
    right = ((x0[:, None] >= xs - 1) * weight[:, None]).sum(axis=0)
    ok = (left >= 0.2 * total) & (right >= 0.2 * total)
    if not ok.any():
        return None
    score = np.where(ok, crossing, np.inf)
    best = score.min()
    if best > 0.35 * total:
        return None
    idx = np.flatnonzero(score <= best)
    runs = np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1)
    run = max(runs, key=len)
    return float(xs[run].mean())


def _group_lines(frags: list[Fragment], column: int) -> list[VisualLine]:
    """Join fragments that share a baseline into visual lines, top to bottom."""
    lines: list[VisualLine] = []
    for f in sorted(frags, key=lambda f: (f.top + f.bottom) / 2):
        mid = (f.top + f.bottom) / 2
        if lines:
            line = lines[-1]
            lt, lb = line.top, line.bottom
            small = f.height < 0.75 * (lb - lt)
            if lt <= mid <= lb and (small or abs(mid - (lt + lb) / 2) < 0.35 * max(lb - lt, f.height)):
                line.fragments.append(f)
                continue
        lines.append(VisualLine([f], column))
    for line in lines:
        line.fragments.sort(key=lambda f: f.x0)
    return lines


def layout_page(page: RawPage, font_of: Callable[[int], tuple[float, bool]]) -> tuple[list[VisualLine], float | None]:
    """The page's visual lines in reading order, and the gutter x when the page has two columns."""
    frags = _fragments(page, font_of)
    rotated = [f for f in frags if f.rotated]
    flat = [f for f in frags if not f.rotated]
    gutter = _gutter(flat, page.width)
    if gutter is None:
        ordered = _group_lines(flat, 0)
    else:
        reach = 0.12 * page.width
        left: list[Fragment] = []
        right: list[Fragment] = []
        span: list[Fragment] = []
        for f in flat:
            if f.x1 <= gutter + 1:
                f.column = 1
                left.append(f)
            elif f.x0 >= gutter - 1:
                f.column = 2
                right.append(f)
            elif f.x0 < gutter - reach and f.x1 > gutter + reach:
                span.append(f)
            elif gutter - f.x0 > f.x1 - gutter:
                f.column = 1
                left.append(f)
            else:
                f.column = 2
                right.append(f)
        spans = _group_lines(span, 0)
        lefts = _group_lines(left, 1)
        rights = _group_lines(right, 2)
        ordered = []
        li = ri = 0
        for s in spans + [None]:
            limit = (s.top + s.bottom) / 2 if s is not None else float("inf")
            while li < len(lefts) and (lefts[li].top + lefts[li].bottom) / 2 < limit:
                ordered.append(lefts[li])
                li += 1
            while ri < len(rights) and (rights[ri].top + rights[ri].bottom) / 2 < limit:
                ordered.append(rights[ri])
                ri += 1
            if s is not None:
                ordered.append(s)
    ordered = _footnotes_last(ordered, page)
    if rotated:
        for f in sorted(rotated, key=lambda f: (f.x0, -f.bottom)):
            ordered.append(VisualLine([f], 3))
    return ordered, gutter


def _footnotes_last(lines: list[VisualLine], page: RawPage) -> list[VisualLine]:
    """Move footnotes (the run of small-print lines that ends a column in the lower part of the page
    and starts with a marker) after the page's running text, so that a sentence continuing from the
    bottom of the left column to the top of the right one stays whole."""
    if len(lines) < 8:
        return lines
    sizes: dict[float, int] = {}
    for ln in lines:
        for f in ln.fragments:
            key = round(f.font_size, 1)
            sizes[key] = sizes.get(key, 0) + len(f.chars)
    body = max(sizes, key=lambda k: sizes[k])
    notes: set[int] = set()
    band = 0
    groups: dict[tuple[int, int], list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.column == 0 and i and lines[i - 1].column != 0:
            band += 1
        groups.setdefault((band, ln.column), []).append(i)
    for idx in groups.values():
        k = len(idx)
        while k > 0:
            ln = lines[idx[k - 1]]
            if ln.font_size < 0.9 * body and ln.top > 0.5 * page.height:
                k -= 1
                continue
            break
        run = idx[k:]
        if not run or len(run) == len(idx):
            continue
        if not any(_marker(lines[i], page) for i in run):
            continue
        first = next(j for j, i in enumerate(run) if _marker(lines[i], page))
        notes.update(run[first:])
    if not notes:
        return lines
    moved = [ln for i, ln in enumerate(lines) if i in notes]
    for ln in moved:
        ln.column = FOOTNOTE
        ln.starts_note = _marker(ln, page)
    return [ln for i, ln in enumerate(lines) if i not in notes] + moved


def _marker(line: VisualLine, page: RawPage) -> bool:
    """Whether a line starts like a footnote: a symbol, or a raised (smaller) digit before a word."""
    chars = [i for i in line.fragments[0].chars if not page.text[i].isspace()][:2]
    if not chars:
        return False
    first = page.text[chars[0]]
    if first in "*†‡§¶∗⋆":
        return True
    if first.isdigit() and len(chars) == 2:
        a, b = page.boxes[chars[0]], page.boxes[chars[1]]
        return (a[3] - a[1]) < 0.85 * (b[3] - b[1])
    return False


def heading_of(text: str, font_size: float, bold: bool, body_size: float) -> tuple[str | None, str] | None:
    """``(number, title)`` when a line reads as a section heading, else None.

    A heading is short, set bold or larger than the body text, and either numbered (``3.1 Title``)
    or one of the usual unnumbered names (Abstract, References, ...)."""
    p = patterns()
    text = text.strip()
    if not text or len(text) > p["max_heading_chars"]:
        return None
    if body_size > 0 and font_size > 1.6 * body_size:
        return None
    emphasised = bold or font_size > body_size + 0.6
    m = p["numbered_heading"].match(text)
    if m and emphasised:
        return m.group("number").rstrip("."), m.group("title").strip()
    plain = re.sub(r"^[\dIVX]+\.?\s+", "", text).rstrip(".:").strip()
    if plain.lower() in p["named_headings"] and (emphasised or text.isupper()):
        num = text[: len(text) - len(text.lstrip("0123456789IVX."))].strip().rstrip(".") or None
        return num, plain
    return None


def caption_of(text: str) -> tuple[str, str] | None:
    """``(kind, label)`` when a line starts a caption (``Table 3:``, ``Figure 2.``, ``TABLE IV``)."""
    p = patterns()
    m = p["caption"].match(text.strip())
    if not m:
        return None
    kind = p["caption_kinds"].get(m.group("kind").lower().rstrip("."))
    if kind is None:
        return None
    return kind, m.group("label")
