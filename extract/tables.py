"""Tables, found from their captions and read from the characters pdfium already gave us.

For every ``Table N`` caption the region is searched above and below the caption, inside the
caption's column (or across the page for a spanning caption): lines are taken while they look
tabular (several fragments, numbers, short) and stop at running text, a heading, another caption or
a wide vertical gap. Horizontal rules (pdfium path objects that are thin and wide, as in booktabs
tables) trim the region and separate the header rows from the body.

Columns come from the body rows: the x-intervals covered by their words, merged where the gap is
narrower than half the font size (text-based columns, as pdfplumber's ``text`` strategy does). A
header phrase over several columns is copied into each (merged cells), so ``Table.header`` reads
``BLEU EN-DE``. Cells keep ``±`` values as text; bold cells are flagged and footnote symbols
(``* † ‡ §``) move into ``Cell.marks``.

pdfplumber would parse the whole page again in pure Python (about 80 ms per page); reading the
table from the pdfium characters costs about a millisecond. :func:`read_table_pdfplumber` is kept as
a slower cross-check for one region.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from flopsdb.extract.document import Box, Caption, Cell, Document, Table
from flopsdb.extract.layout import Fragment, RawPage, VisualLine, caption_of, charmap

DATA = Path(__file__).resolve().parent / "data"
_NUMBER = re.compile(r"^[(\[]?[-+−±~≈<>]?\d[\d,]*(\.\d+)?%?")


@lru_cache(maxsize=1)
def table_rules() -> dict[str, object]:
    """Settings and mark symbols from ``extract/data/table_rules.json``."""
    return json.loads((DATA / "table_rules.json").read_text(encoding="utf-8"))


@dataclass
class Word:
    """A word of a table region with its box and whether its font is bold."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    bold: bool

    @property
    def mid(self) -> float:
        """Vertical centre."""
        return (self.top + self.bottom) / 2


@dataclass
class PageData:
    """What table reading needs of a page: its characters, ordered lines and gutter."""

    raw: RawPage
    lines: list[VisualLine]
    gutter: float | None
    rules: list[tuple[float, float, float]] | None = None


def _words(frag: Fragment, raw: RawPage) -> list[Word]:
    replace, _ = charmap()
    out: list[Word] = []
    buf: list[str] = []
    idx: list[int] = []

    def flush() -> None:
        if idx:
            b = raw.boxes[idx]
            out.append(Word("".join(buf), float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()), frag.bold))
        buf.clear()
        idx.clear()

    for i in frag.chars:
        ch = raw.text[i]
        ch = replace.get(ch, ch)
        if not ch or ch.isspace():
            flush()
            continue
        if not ch.isprintable():
            continue
        buf.append(ch)
        idx.append(i)
    flush()
    return out


def _page_rules(pdf: object, number: int) -> list[tuple[float, float, float]]:
    """Horizontal rules on a page: ``(y, x0, x1)`` in top-left coordinates."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    page = pdf[number - 1]  # type: ignore[index]
    left, bottom, right, top = page.get_cropbox()
    rules: list[tuple[float, float, float]] = []
    try:
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=3):
            x0, y0, x1, y1 = obj.get_bounds()
            if (y1 - y0) <= 2.0 and (x1 - x0) >= 20.0:
                rules.append(((top - (y0 + y1) / 2), x0 - left, x1 - left))
    except pdfium.PdfiumError:
        return []
    rules.sort()
    return rules


def _is_tabular(line: VisualLine, width: float, raw: RawPage) -> bool:
    if len(line.fragments) >= 2:
        return True
    text = raw.text[line.fragments[0].chars[0] : line.fragments[0].chars[-1] + 1]
    words = text.split()
    if not words:
        return False
    numeric = sum(1 for w in words if _NUMBER.match(w))
    prose = sum(1 for w in words if w.strip(".,;:()").isalpha() and w[:1].islower())
    if len(words) >= 5 and prose >= 0.6 * len(words):
        return False
    if line.x1 - line.x0 < 0.6 * width:
        return True
    return numeric / len(words) >= 0.3


def _regroup(frags: list[Fragment]) -> list[VisualLine]:
    """Visual lines of a region; small raised or lowered fragments (exponents, indices) join the
    line they touch instead of forming rows of their own."""
    if not frags:
        return []
    heights = sorted(f.height for f in frags)
    typical = heights[len(heights) // 2]
    normal = [f for f in frags if f.height >= 0.8 * typical]
    small = [f for f in frags if f.height < 0.8 * typical]
    lines: list[VisualLine] = []
    for f in sorted(normal, key=lambda f: (f.top + f.bottom) / 2):
        mid = (f.top + f.bottom) / 2
        if lines and lines[-1].top - 1.0 <= mid <= lines[-1].bottom + 1.0 and abs(mid - (lines[-1].top + lines[-1].bottom) / 2) < 0.45 * max(lines[-1].bottom - lines[-1].top, 1.0):
            lines[-1].fragments.append(f)
        else:
            lines.append(VisualLine([f]))
    for f in small:
        touching = [ln for ln in lines if f.bottom > ln.top and f.top < ln.bottom]
        if touching:
            best = min(touching, key=lambda ln: abs((f.top + f.bottom) / 2 - (ln.top + ln.bottom) / 2))
            best.fragments.append(f)
        else:
            lines.append(VisualLine([f]))
    lines.sort(key=lambda ln: (ln.top + ln.bottom) / 2)
    for line in lines:
        line.fragments.sort(key=lambda f: f.x0)
    return lines


def _region(cap: Caption, data: PageData, width: float, others: Sequence[Box] = ()) -> tuple[dict[int, list[VisualLine]], float, float]:
    """Candidate table lines below (``1``) and above (``-1``) the caption, and the x-range searched."""
    raw = data.raw
    gutter = data.gutter
    if gutter is None or (cap.bbox.x0 < gutter - 0.1 * width and cap.bbox.x1 > gutter + 0.1 * width):
        xr = (0.0, raw.width)
    elif cap.bbox.x1 <= gutter + 2:
        xr = (0.0, gutter)
    else:
        xr = (gutter, raw.width)
    frags = [f for line in data.lines for f in line.fragments if not f.rotated and f.x0 >= xr[0] - 2 and f.x1 <= xr[1] + 2]
    barriers = [b for b in others if b.x1 > xr[0] and b.x0 < xr[1]]

    def inside(f: Fragment, b: Box) -> bool:
        return f.top >= b.top - 1 and f.bottom <= b.bottom + 1 and f.x0 >= b.x0 - 1 and f.x1 <= b.x1 + 1

    frags = [f for f in frags if not inside(f, cap.bbox) and not any(inside(f, b) for b in barriers)]
    lines = _regroup(frags)
    span = xr[1] - xr[0]
    found: dict[int, list[VisualLine]] = {}
    for direction in (1, -1):
        if direction == 1:
            seq = [ln for ln in lines if ln.top >= cap.bbox.bottom - 1]
        else:
            seq = [ln for ln in reversed(lines) if ln.bottom <= cap.bbox.top + 1]
        got: list[VisualLine] = []
        edge = cap.bbox.bottom if direction == 1 else cap.bbox.top
        height = max(cap.bbox.bottom - cap.bbox.top, 8.0) / max(1, round((cap.bbox.bottom - cap.bbox.top) / 11.0))
        limit = float(table_rules()["max_gap_lines"]) * height  # type: ignore[arg-type]
        if direction == 1:
            stop = min((b.top for b in barriers if b.top >= cap.bbox.bottom - 1), default=float("inf"))
        else:
            stop = max((b.bottom for b in barriers if b.bottom <= cap.bbox.top + 1), default=float("-inf"))
        for ln in seq:
            if (direction == 1 and ln.bottom > stop + 1) or (direction == -1 and ln.top < stop - 1):
                break
            gap = (ln.top - edge) if direction == 1 else (edge - ln.bottom)
            text = raw.text[ln.fragments[0].chars[0] : ln.fragments[0].chars[-1] + 1]
            if gap > limit and got:
                break
            if gap > 2.5 * limit:
                break
            if caption_of(text) or not _is_tabular(ln, span, raw):
                break
            got.append(ln)
            edge = ln.bottom if direction == 1 else ln.top
        if len(got) >= 2:
            found[direction] = sorted(got, key=lambda ln: ln.top)
    return found, xr[0], xr[1]


def _columns(rows: list[list[Word]], min_gap: float) -> list[tuple[float, float]]:
    """Column x-intervals: where the rows' words leave a vertical strip at least ``min_gap`` wide that
    at most one row in ten crosses. Called with the body rows that have the most cells, so that
    spanning cells do not merge columns."""
    words = [w for row in rows for w in row]
    if not words:
        return []
    lo = min(w.x0 for w in words)
    hi = max(w.x1 for w in words)
    step = 0.5
    n = int((hi - lo) / step) + 2
    cover = np.zeros(n)
    for row in rows:
        mask = np.zeros(n, dtype=bool)
        for w in row:
            mask[int((w.x0 - lo) / step) : int((w.x1 - lo) / step) + 1] = True
        cover += mask
    allowed = int(0.1 * len(rows))
    filled = cover > allowed
    cols: list[tuple[float, float]] = []
    start: int | None = None
    gap_run = 0
    for i, f in enumerate(filled):
        if f:
            if start is None:
                start = i
            elif gap_run * step >= min_gap:
                cols.append((lo + start * step, lo + (i - gap_run) * step))
                start = i
            gap_run = 0
        elif start is not None:
            gap_run += 1
    if start is not None:
        end = len(filled) - gap_run
        cols.append((lo + start * step, lo + end * step))
    return cols


def _phrases(row: list[Word], min_gap: float) -> list[list[Word]]:
    out: list[list[Word]] = []
    for w in sorted(row, key=lambda w: w.x0):
        if out and w.x0 - out[-1][-1].x1 < min_gap:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _cell(words: Sequence[Word]) -> Cell:
    marks_chars = str(table_rules()["marks"])
    text = " ".join(w.text for w in words)
    marks = ""
    stripped = text.strip()
    while stripped and stripped[-1] in marks_chars:
        marks = stripped[-1] + marks
        stripped = stripped[:-1].rstrip()
    while stripped and stripped[0] in marks_chars and len(stripped) > 1:
        marks = marks + stripped[0]
        stripped = stripped[1:].lstrip()
    box = Box(min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words), max(w.bottom for w in words))
    bold = all(w.bold for w in words if w.text.strip(marks_chars))
    return Cell(stripped, box, bold=bold, marks=marks)


_EMPTY = Cell("", Box(0.0, 0.0, 0.0, 0.0))


def _spanned(col: int, px0: float, px1: float, cols: list[tuple[float, float]], taken: set[int]) -> list[int]:
    """The columns a header phrase stands over: the run of neighbouring columns (not overlapped by
    another phrase of its row) whose joint centre is nearest the phrase's centre."""
    mid = (px0 + px1) / 2
    best = [col]
    best_d = abs(mid - (cols[col][0] + cols[col][1]) / 2)
    for lo in range(max(0, col - 2), col + 1):
        for hi in range(col, min(len(cols), col + 3)):
            run = list(range(lo, hi + 1))
            if len(run) < 2 or any(c in taken and c != col for c in run):
                continue
            d = abs(mid - (cols[lo][0] + cols[hi][1]) / 2)
            if d < best_d - 1.0 and d < 0.15 * (cols[hi][1] - cols[lo][0]):
                best, best_d = run, d
    return best


def _read(cap: Caption, data: PageData, pdf: object, lines: list[VisualLine], rx0: float, rx1: float) -> Table | None:
    raw = data.raw
    rows: list[list[Word]] = []
    for ln in lines:
        words = [w for f in ln.fragments for w in _words(f, raw)]
        if words:
            rows.append(sorted(words, key=lambda w: w.x0))
    if len(rows) < 2:
        return None
    sizes = [f.font_size for ln in lines for f in ln.fragments if f.font_size > 0]
    size = float(np.median(sizes)) if sizes else 9.0
    min_gap = float(table_rules()["min_column_gap_em"]) * size  # type: ignore[arg-type]
    if data.rules is None:
        data.rules = _page_rules(pdf, cap.page)
    table_x0 = min(w.x0 for r in rows for w in r)
    table_x1 = max(w.x1 for r in rows for w in r)
    wide = 0.6 * (table_x1 - table_x0)
    mids = [sum(w.mid for w in r) / len(r) for r in rows]
    candidates = [(y, x1 - x0) for y, x0, x1 in data.rules if mids[0] - 2 * size < y < mids[-1] + 2 * size and x0 >= rx0 - 5 and x1 <= rx1 + 5]
    near = [y for y, w in candidates if w >= wide]
    full_width = [y for y, w in candidates if w >= 0.9 * (table_x1 - table_x0)]
    if len(near) >= 2:
        kept = [i for i, m in enumerate(mids) if near[0] < m < near[-1] or len(_phrases(rows[i], min_gap)) > 1]
        if len(kept) >= 2:
            rows = [rows[i] for i in kept]
            mids = [mids[i] for i in kept]
    top = min(w.top for w in rows[0])
    bottom = max(w.bottom for w in rows[-1])
    inside = [y for y in full_width if mids[0] < y < mids[-1]]
    header_rows = 0
    if inside:
        header_rows = sum(1 for m in mids if m < inside[0])
    if header_rows == 0 or header_rows >= len(rows):
        header_rows = 0
        for r in rows:
            later = r[1:] if len(r) > 1 else r
            if any(_NUMBER.match(w.text) and not re.match(r"^\d{4}$|^\d+[kKmMbB]?$", w.text) for w in later):
                break
            header_rows += 1
        header_rows = min(header_rows, 4)
        if header_rows >= len(rows):
            header_rows = 1
    body = rows[header_rows:] or rows
    counts = [len(_phrases(r, min_gap)) for r in body]
    full = [r for r, c in zip(body, counts) if c == max(counts)]
    cols = _columns(full, min_gap)
    if len(cols) < 2:
        cols = _columns(body, min_gap)
    if len(cols) < 2:
        return None
    centers = [(a + b) / 2 for a, b in cols]
    claimed: list[set[int]] = []
    for row in rows:
        taken: set[int] = set()
        for phrase in _phrases(row, min_gap):
            px0, px1 = phrase[0].x0, max(w.x1 for w in phrase)
            taken.update(c for c, (a, b) in enumerate(cols) if a < px1 - 0.5 and b > px0 + 0.5)
        claimed.append(taken)
    out_rows: list[tuple[Cell, ...]] = []
    for r_i, row in enumerate(rows):
        slots: list[list[Word]] = [[] for _ in cols]
        for phrase in _phrases(row, min_gap):
            px0, px1 = phrase[0].x0, max(w.x1 for w in phrase)
            hit = [c for c, (a, b) in enumerate(cols) if a < px1 - 0.5 and b > px0 + 0.5]
            if not hit:
                mid = (px0 + px1) / 2
                hit = [int(np.argmin([abs(mid - c) for c in centers]))]
            if r_i < header_rows and len(hit) == 1:
                hit = _spanned(hit[0], px0, px1, cols, claimed[r_i])
            if len(hit) > 1 and r_i >= header_rows:
                hit = [max(hit, key=lambda c: min(cols[c][1], px1) - max(cols[c][0], px0))]
            for c in hit:
                slots[c].extend(phrase)
        out_rows.append(tuple(_cell(s) if s else _EMPTY for s in slots))
    bbox = Box(min(w.x0 for r in rows for w in r), top, max(w.x1 for r in rows for w in r), bottom)
    return Table(page=cap.page, bbox=bbox, caption=cap, rows=tuple(out_rows), header_rows=header_rows)


def read_tables(doc: Document, pdf: object, pages: dict[int, PageData]) -> list[Table]:
    """A Table for every table caption whose region could be read (captions without a readable
    table are skipped; the caption is still in ``doc.captions``).

    Whether tables sit below or above their captions is decided once per document by a vote of the
    captions that have table-like lines on one side only; a caption reads its other side only when
    the preferred side has nothing."""
    regions: list[tuple[Caption, PageData, dict[int, list[VisualLine]], float, float]] = []
    for cap in doc.captions:
        if cap.kind != "table" or cap.page not in pages:
            continue
        data = pages[cap.page]
        try:
            others = [c.bbox for c in doc.captions if c.page == cap.page and c is not cap]
            found, rx0, rx1 = _region(cap, data, data.raw.width, others)
        except (ValueError, IndexError):
            continue
        regions.append((cap, data, found, rx0, rx1))
    votes = Counter(next(iter(found)) for _, _, found, _, _ in regions if len(found) == 1)
    preferred = 1 if votes[1] >= votes[-1] else -1
    tables: list[Table] = []
    for cap, data, found, rx0, rx1 in regions:
        lines = found.get(preferred) or found.get(-preferred)
        if not lines:
            continue
        try:
            table = _read(cap, data, pdf, lines, rx0, rx1)
        except (ValueError, IndexError):
            table = None
        if table is not None:
            tables.append(table)
    return tables


def read_table_pdfplumber(path: str | Path, page: int, bbox: Box) -> list[list[str | None]]:
    """Read one region with pdfplumber (text columns, rules as rows): a slow cross-check."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        region = pdf.pages[page - 1].crop((bbox.x0 - 2, bbox.top - 2, bbox.x1 + 2, bbox.bottom + 2))
        table = region.extract_table({"vertical_strategy": "text", "horizontal_strategy": "text"})
    return table or []
