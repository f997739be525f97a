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

import bisect
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from flopsdb.extract.document import Box, Caption, Cell, Document, Table
from flopsdb.extract.layout import Fragment, RawPage, VisualLine, caption_of, charmap

DATA = Path(__file__).resolve().parent / "data"
_NUMBER = re.compile(r"^[(\[]?[-+−±~≈<>]?\d[\d,]*(\.\d+)?%?")
VALUE = re.compile(r"^(?P<num>\d{1,3}(?:[.·]\d+)?)\s*(?P<pct>%)?\s*(?P<pm>±\s*\d+(?:\.\d+)?)?\s*(?P<marks>[*†‡§¶#♯∗⋆]{0,3}|[a-d])$")
"""A result-like cell: a number of at most three integer digits, an optional ``%``, ``±`` part and marks."""
DECIMAL = re.compile(r"\d\.\d|\d%")
"""A decimal or percent number (result cells; plain integers are counts, sizes or years)."""


@lru_cache(maxsize=1)
def table_rules() -> dict[str, object]:
    """Settings and mark symbols from ``extract/data/table_rules.v1.json``."""
    return json.loads((DATA / "table_rules.v1.json").read_text(encoding="utf-8"))


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
        if (
            lines
            and lines[-1].top - 1.0 <= mid <= lines[-1].bottom + 1.0
            and abs(mid - (lines[-1].top + lines[-1].bottom) / 2) < 0.45 * max(lines[-1].bottom - lines[-1].top, 1.0)
        ):
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

    def decimals(r: list[Word]) -> int:
        return sum(1 for w in r if is_value(w.text) and DECIMAL.search(w.text))

    most = max((decimals(r) for r in rows[header_rows:]), default=0)
    while header_rows > 0 and most >= 2 and decimals(rows[header_rows - 1]) >= 0.75 * most:
        header_rows -= 1  # a row with a full set of values is body, even above a rule (a rule under the first row)
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


# --------------------------------------------------------------------------- strategy "chars": rows next to the caption


@dataclass
class _Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    bold: bool = False
    size: float = field(init=False)
    centre: float = field(init=False)

    def __post_init__(self) -> None:
        self.size = max(1.0, self.bottom - self.top)
        self.centre = (self.top + self.bottom) / 2


def is_value(text: str) -> bool:
    """Whether a cell's text is a result-like number (``41.2``, ``41.2%``, ``73.6 ± 0.2``, ``28.4*``)."""
    return bool(VALUE.match(text.strip()))


def _rows_of(words: list[_Word]) -> list[list[_Word]]:
    """Words grouped into visual rows by their vertical centres (tall glyphs do not merge two rows)."""
    if not words:
        return []
    typical = sorted(w.size for w in words)[len(words) // 2]
    rows: list[list[_Word]] = []
    centres: list[float] = []
    normal: list[float] = []
    for w in sorted(words, key=lambda w: (w.centre, w.x0)):
        tol = 0.4 * min(typical, w.size)
        if rows and abs(w.centre - centres[-1]) <= tol:
            rows[-1].append(w)
            if w.size <= 1.4 * typical:
                bisect.insort(normal, w.centre)
                centres[-1] = normal[len(normal) // 2]
        else:
            rows.append([w])
            centres.append(w.centre)
            normal = [w.centre] if w.size <= 1.4 * typical else []
    return [sorted(r, key=lambda w: w.x0) for r in rows]


def _cells_of(row: list[_Word]) -> list[Cell]:
    cells: list[Cell] = []
    cur: list[_Word] = []

    def flush() -> None:
        if cur:
            text = " ".join(w.text for w in cur)
            box = Box(min(w.x0 for w in cur), min(w.top for w in cur), max(w.x1 for w in cur), max(w.bottom for w in cur))
            cells.append(Cell(text=text, bbox=box, bold=all(w.bold for w in cur)))
            cur.clear()

    for w in row:
        if cur:
            prev = cur[-1]
            gap = w.x0 - prev.x1
            attach_pm = w.text.startswith(("±", "·", "⋅", "×")) or prev.text.endswith(("±", "·", "⋅", "×"))  # 73.6 ± 0.2, 2.3 · 10^19
            numeric = is_value(w.text) or is_value(prev.text)
            subscript = gap < 0.8 and (w.bottom - prev.bottom > 1.0 or w.size < 0.85 * prev.size)
            if not (attach_pm or subscript or (not numeric and gap < 0.55 * max(prev.size, w.size))):
                flush()
        cur.append(w)
    flush()
    return cells


def _prose(row: list[_Word], band: tuple[float, float], body: float) -> bool:
    """A line of running text: a dense run of words (small gaps), wide or in the body font size."""
    run: list[_Word] = [row[0]]
    runs: list[list[_Word]] = []
    for a, b in zip(row, row[1:]):
        if b.x0 - a.x1 < 0.9 * max(a.size, b.size) and b.x0 - a.x1 < 9:
            run.append(b)
        else:
            runs.append(run)
            run = [b]
    runs.append(run)
    for r in runs:
        if len(r) < 6 or sum(is_value(w.text) for w in r) > 1:
            continue
        width = r[-1].x1 - r[0].x0
        size = sorted(w.size for w in r)[len(r) // 2]
        stops = sum(w.text.lower() in _STOPWORDS for w in r)
        cells_outside = any(is_value(w.text) or w.text in ("-", "–", "—", "/") for w in row if w not in r)
        if (width > 0.6 * (band[1] - band[0]) and len(r) >= 8) or (
            size >= 0.95 * body and width > 0.3 * (band[1] - band[0]) and stops >= 2 and not cells_outside
        ):
            return True
    return False


_STOPWORDS = frozenset("the of and to in is we that for with a an are this on by as be it our which from".split())
_CAPTION_START = re.compile(r"^(?:Table|Tab\.|Figure|Fig\.)\s*[0-9IVX]+\s*[:.|]", re.I)


def _walk(
    rows: list[list[_Word]], band: tuple[float, float], upward: bool, body: float, edge: float, barriers: Sequence[Box] = ()
) -> list[list[_Word]]:
    """Rows from the caption's edge outwards until a large gap, a prose line or another caption (``barriers``)."""
    taken: list[list[_Word]] = []
    seq = list(reversed(rows)) if upward else rows
    for row in seq:
        top, bottom = min(w.top for w in row), max(w.bottom for w in row)
        size = sorted(w.size for w in row)[len(row) // 2]
        gap = (edge - bottom) if upward else (top - edge)
        if any((bottom <= b.top + 1 and b.bottom <= edge + 1) if upward else (top >= b.bottom - 1 and b.top >= edge - 1) for b in barriers):
            break
        if gap > (max(24.0, 2.5 * size) if not taken else max(14.0, 2.0 * size)):
            break
        text = " ".join(w.text for w in row)
        if _CAPTION_START.match(text) or _prose(row, band, body):
            break
        taken.append(row)
        edge = top if upward else bottom
    return list(reversed(taken)) if upward else taken


def _score(rows: list[list[_Word]]) -> float:
    return sum(1 for r in rows if any(is_value(w.text) and DECIMAL.search(w.text) for w in r)) + 0.1 * len(rows)


def _band(caption: Caption, width: float) -> tuple[float, float]:
    centre = (caption.bbox.x0 + caption.bbox.x1) / 2
    if caption.bbox.x1 - caption.bbox.x0 > 0.6 * width or abs(centre - width / 2) < 0.08 * width:
        return (0.0, width)
    if centre < width / 2:
        return (0.0, width / 2 + 4)
    return (width / 2 - 4, width)


def _header_count(rows: Sequence[Sequence[Cell]]) -> int:
    """Leading rows without a decimal value after their first cell: the header (at most four rows)."""
    n = 0
    for row in rows:
        if any(is_value(c.text) and DECIMAL.search(c.text) for c in row[1:]):
            break
        n += 1
    return n if n < min(len(rows), 5) else 0


def _grid(rows: Sequence[Sequence[Cell]], header_rows: int) -> tuple[tuple[Cell, ...], ...]:
    """Cells placed on the table's column grid, as the ``lines`` strategy gives them: the columns are the
    x-intervals of the body rows with the most cells (overlapping cells merged); a body cell goes to the column
    it overlaps most, a header cell to every column it stands over (a spanning title reaches each), a cell over
    no column to the nearest; empty slots are empty cells."""
    body = [r for r in rows[header_rows:] if r] or [r for r in rows if r]
    most = max((len(r) for r in body), default=0)
    if most < 2:
        return tuple(tuple(r) for r in rows)
    spans: list[list[float]] = []
    for c in sorted((c for r in body if len(r) == most for c in r), key=lambda c: c.bbox.x0):
        if spans and c.bbox.x0 < spans[-1][1] - 0.5:
            spans[-1][1] = max(spans[-1][1], c.bbox.x1)
        else:
            spans.append([c.bbox.x0, c.bbox.x1])
    if len(spans) < 2:
        return tuple(tuple(r) for r in rows)

    def overlap(c: Cell, k: int) -> float:
        return min(spans[k][1], c.bbox.x1) - max(spans[k][0], c.bbox.x0)

    out: list[tuple[Cell, ...]] = []
    for n, row in enumerate(rows):
        slots: list[list[Cell]] = [[] for _ in spans]
        for c in row:
            hits = [k for k in range(len(spans)) if overlap(c, k) > 0.5]
            if not hits:
                mid = (c.bbox.x0 + c.bbox.x1) / 2
                hits = [min(range(len(spans)), key=lambda k: abs(mid - (spans[k][0] + spans[k][1]) / 2))]
            elif n >= header_rows and len(hits) > 1:
                hits = [max(hits, key=lambda k: overlap(c, k))]
            for k in hits:
                slots[k].append(c)
        out.append(tuple(_merge(s) if s else _EMPTY for s in slots))
    return tuple(out)


def _merge(cells: Sequence[Cell]) -> Cell:
    if len(cells) == 1:
        return cells[0]
    box = cells[0].bbox
    for c in cells[1:]:
        box = box.union(c.bbox)
    return Cell(" ".join(c.text for c in cells), box, bold=all(c.bold for c in cells), marks="".join(c.marks for c in cells))


def _table_from_rows(page: int, caption: Caption, rows: list[list[_Word]]) -> Table:
    cells = [tuple(_cells_of(r)) for r in rows]
    boxes = [c.bbox for r in cells for c in r]
    box = boxes[0]
    for b in boxes[1:]:
        box = box.union(b)
    header_rows = _header_count(cells)
    return Table(page=page, bbox=box, caption=caption, rows=_grid(cells, header_rows), header_rows=header_rows, strategy="chars")


def _page_words(doc: Document, number: int) -> list[_Word]:
    """The words of one page with the boxes of their characters (``Document.char_boxes``).

    A word ends at whitespace, at a horizontal gap wider than a third of the character height, and
    after a ``%`` followed by a digit (``77.2%94.0%`` is two cells).
    """
    page = doc.pages[number - 1]
    text = doc.text[page.start : page.end]
    if getattr(doc.char_boxes, "ndim", 0) != 2:
        return []
    boxes = doc.char_boxes[page.start : page.end]
    if not len(text) or len(boxes) != len(text):
        return []
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    space = np.isin(chars, np.frombuffer(" \t\n\r\f\v\u00a0".encode("utf-32-le"), dtype=np.uint32))
    valid = (boxes[:, 0] == number) & ~space
    if not valid.any():
        return []
    idx = np.flatnonzero(valid)
    b = boxes[idx]
    height = np.maximum(1.0, b[:, 4] - b[:, 2])
    gap = np.empty(len(idx))
    gap[0] = np.inf
    gap[1:] = b[1:, 1] - b[:-1, 3]
    adjacent = np.ones(len(idx), dtype=bool)
    adjacent[1:] = idx[1:] == idx[:-1] + 1
    pct = np.zeros(len(idx), dtype=bool)
    digits = (chars >= 48) & (chars <= 57)
    pct[1:] = (chars[idx[:-1]] == 37) & digits[idx[1:]]
    start = ~adjacent | (gap > 0.3 * height) | pct
    start[0] = True
    starts = np.flatnonzero(start)
    x0 = np.minimum.reduceat(b[:, 1], starts)
    top = np.minimum.reduceat(b[:, 2], starts)
    x1 = np.maximum.reduceat(b[:, 3], starts)
    bottom = np.maximum.reduceat(b[:, 4], starts)
    bold = np.zeros(len(text), dtype=bool)
    for ln in doc.lines:
        if ln.page == number and ln.bold:
            bold[max(0, ln.start - page.start) : max(0, ln.end - page.start)] = True
    ends = list(starts[1:]) + [len(idx)]
    words: list[_Word] = []
    for k, (s0, s1) in enumerate(zip(starts, ends)):
        positions = idx[s0:s1]
        word = text[positions[0] : positions[-1] + 1]
        words.append(_Word(word, float(x0[k]), float(top[k]), float(x1[k]), float(bottom[k]), bool(bold[positions[0]])))
    return words


def read_tables_from_chars(doc: Document, captions: Sequence[Caption]) -> list[Table]:
    """Read the tables of ``captions`` from the positions of the document's characters, next to each caption.

    The region runs from the caption up or down until a prose line, another caption or a wide vertical
    gap. The side is the one most of these captions' tables take (more rows with decimals there), unless
    it holds no such row; rows taken by one table are not given to another. Cells carry boxes and bold
    marks (from the parser's bold lines).
    """
    boxes = doc.char_boxes if getattr(doc.char_boxes, "ndim", 0) == 2 else np.zeros((0, 5))
    real = boxes[boxes[:, 0] > 0]
    body = float(np.median(real[:, 4] - real[:, 2])) if len(real) else 10.0
    words_of: dict[int, list[_Word]] = {}
    rows_of: dict[tuple[int, tuple[float, float]], list[list[_Word]]] = {}
    cap_boxes = {p: [c.bbox for c in captions if c.page == p] for p in {c.page for c in captions}}
    sides: list[tuple[Caption, list[list[_Word]], list[list[_Word]]]] = []
    for cap in sorted(captions, key=lambda c: (c.page, c.bbox.top)):
        if not 1 <= cap.page <= len(doc.pages):
            continue
        if cap.page not in words_of:
            words_of[cap.page] = _page_words(doc, cap.page)
        band = _band(cap, float(doc.pages[cap.page - 1].width))
        key = (cap.page, band)
        if key not in rows_of:
            rows_of[key] = _rows_of(
                [
                    w
                    for w in words_of[cap.page]
                    if w.x0 >= band[0] - 1
                    and w.x1 <= band[1] + 1
                    and not any(
                        w.top >= b.top - 1 and w.bottom <= b.bottom + 1 and w.x0 >= b.x0 - 1 and w.x1 <= b.x1 + 1 for b in cap_boxes[cap.page]
                    )
                ]
            )
        rows = rows_of[key]
        others = [b for b in cap_boxes[cap.page] if b != cap.bbox and min(b.x1, band[1]) - max(b.x0, band[0]) > 0]
        above = _walk(
            [r for r in rows if max(w.bottom for w in r) <= cap.bbox.top + 1], band, upward=True, body=body, edge=cap.bbox.top, barriers=others
        )
        below = _walk(
            [r for r in rows if min(w.top for w in r) >= cap.bbox.bottom - 1], band, upward=False, body=body, edge=cap.bbox.bottom, barriers=others
        )
        sides.append((cap, above, below))
    votes = sum(1 if _score(a) > _score(b) else -1 for _, a, b in sides if _score(a) != _score(b))
    used: set[int] = set()
    out: list[Table] = []
    for cap, above, below in sides:
        above = [r for r in above if not any(id(w) in used for w in r)]
        below = [r for r in below if not any(id(w) in used for w in r)]
        first, second = (above, below) if votes > 0 else (below, above)
        rows = first if _score(first) >= 1 or _score(first) >= _score(second) else second
        if rows:
            used.update(id(w) for r in rows for w in r)
            out.append(_table_from_rows(cap.page, cap, rows))
    return out


def table_quality(table: Table) -> tuple[int, int]:
    """How completely a reading shows a table's grid: the rows that carry a full set of decimal values (at least
    three quarters of the most any row carries) and the decimal values in them. A reading that splits a title
    such as ``SQuAD 1.1`` into cells, or runs into a neighbouring line, does not gain by it."""
    counts = [sum(1 for c in row for part in c.text.split("/") if is_value(part) and DECIMAL.search(part)) for row in table.rows]
    most = max(counts, default=0)
    if not most:
        return (0, 0)
    full = [n for n in counts if n >= 0.75 * most]
    return (len(full), sum(full))


def read_tables(doc: Document, pdf: object, pages: dict[int, PageData]) -> list[Table]:
    """One Table for every table caption that either strategy could read, in caption order.

    Strategy ``lines`` (:func:`read_tables_from_lines`) reads the parser's visual lines between rules; strategy
    ``chars`` (:func:`read_tables_from_chars`) rebuilds rows and cells from the character boxes next to the
    caption. Per caption the reading with the better :func:`table_quality` is kept, ``lines`` on a tie; both
    give the same table model (cells with boxes, ``Table.strategy`` says which one read it)."""
    lines = {(t.page, t.caption.label, t.caption.start): t for t in read_tables_from_lines(doc, pdf, pages) if t.caption is not None}
    captions = [c for c in doc.captions if c.kind == "table"]
    try:
        chars = {(t.page, t.caption.label, t.caption.start): t for t in read_tables_from_chars(doc, captions) if t.caption is not None}
    except (ValueError, IndexError):
        chars = {}
    out: list[Table] = []
    for cap in captions:
        key = (cap.page, cap.label, cap.start)
        a, b = lines.get(key), chars.get(key)
        if a is None or (b is not None and table_quality(b) > table_quality(a)):
            a = b if b is not None and table_quality(b) > (0, 0) else a
        if a is not None:
            out.append(a)
    return out


def read_tables_from_lines(doc: Document, pdf: object, pages: dict[int, PageData]) -> list[Table]:
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
