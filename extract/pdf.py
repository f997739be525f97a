"""``parse_pdf(path) -> Document``: text in reading order with a box for every character.

pypdfium2 reads every character, its loose box, rotation and font (fast, in C); ``extract.layout``
orders the page; this module joins the pages into one ``Document.text`` (words by single spaces,
lines by ``\\n``, pages by ``\\f``) and keeps ``Document.char_boxes`` aligned with it, one row per
character. Ligatures are expanded (every letter keeps the ligature's box), line-end hyphens between
two lower-case letters are removed together with their line break, and inserted separators carry
page 0. Sections, captions, sentences and (from their captions) tables are found afterwards.

File-level failures raise :class:`flopsdb.core.errors.PDFError` with a ``reason``: ``corrupt``,
``truncated``, ``encrypted``, ``no_pages``, ``no_text`` or ``too_large``. Page-level trouble
becomes a page flag (``no_text``, ``huge``, ``failed``) and the rest of the file is still read.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from flopsdb.core.errors import PDFError
from flopsdb.extract.document import Box, Caption, Document, Line, Page, Section, Sentence
from flopsdb.extract.layout import FOOTNOTE, RawPage, VisualLine, caption_of, charmap, heading_of, layout_page
from flopsdb.extract.sentences import split_sentences
from flopsdb.extract.tables import PageData, read_tables

MAX_PAGE_SIDE = 5000.0
"""Pages wider or taller than this many points are flagged ``huge`` and their text is not read."""
MAX_PAGE_CHARS = 60_000
"""Pages with more characters than this are flagged ``huge`` and read only up to the limit."""

_FPDF_ERR_PASSWORD = 4


def open_pdf(path: str | Path, *, paper: str | None = None, max_bytes: int | None = None) -> pdfium.PdfDocument:
    """Open a PDF with pdfium, turning every way it can fail into a :class:`PDFError` with a reason."""
    p = Path(path)
    name = paper or p.stem
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise PDFError(f"cannot read PDF: {exc.strerror or exc}", reason="corrupt", paper=name) from exc
    if max_bytes is not None and size > max_bytes:
        raise PDFError(f"PDF is {size} bytes, over the limit of {max_bytes}", reason="too_large", paper=name)
    if size == 0:
        raise PDFError("PDF file is empty", reason="truncated", paper=name)
    try:
        with p.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as exc:
        raise PDFError(f"cannot read PDF: {exc.strerror or exc}", reason="corrupt", paper=name) from exc
    if b"%PDF" not in head:
        raise PDFError("not a PDF: no %PDF header", reason="corrupt", paper=name)
    try:
        pdf = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as exc:
        raise _load_failure(p, name, tail, exc) from exc
    if len(pdf) == 0:
        pdf.close()
        raise PDFError("PDF has no pages", reason="no_pages", paper=name)
    return pdf


def _load_failure(path: Path, name: str, tail: bytes, exc: Exception) -> PDFError:
    """Why pdfium could not load a file. pdfium's last-error code is not reset between calls, so
    the file's bytes confirm it (``/Encrypt`` in the trailer, an empty page tree)."""
    code = getattr(exc, "err_code", None)
    data = path.read_bytes()
    if code == _FPDF_ERR_PASSWORD and b"/Encrypt" in data:
        return PDFError("PDF is encrypted with a password", reason="encrypted", paper=name)
    if b"%%EOF" not in tail:
        return PDFError(f"PDF is truncated (no %%EOF) and pdfium cannot repair it: {exc}", reason="truncated", paper=name)
    counts = re.findall(rb"/Count\s+(\d+)", data)
    if re.search(rb"/Type\s*/Pages\b", data) and counts and all(int(c) == 0 for c in counts):
        return PDFError("PDF has no pages (its page tree is empty)", reason="no_pages", paper=name)
    return PDFError(f"PDF is corrupt: {exc}", reason="corrupt", paper=name)


def _font_reader(textpage: ctypes.c_void_p) -> Callable[[int], tuple[float, bool]]:
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()

    def font_of(index: int) -> tuple[float, bool]:
        size = float(pdfium_c.FPDFText_GetFontSize(textpage, index))
        n = pdfium_c.FPDFText_GetFontInfo(textpage, index, buf, 256, ctypes.byref(flags))
        name = buf.value.decode("latin-1", "replace") if n else ""
        weight = pdfium_c.FPDFText_GetFontWeight(textpage, index)
        low = name.lower()
        bold = weight >= 600 or "bold" in low or "cmbx" in low or "black" in low or "heavy" in low or "-medi" in low or "semibold" in low
        return size, bold

    return font_of


def _read_page(pdf: pdfium.PdfDocument, index: int) -> tuple[RawPage, list[str], Callable[[int], tuple[float, bool]], object]:
    """One page's characters with top-left boxes; also its flags, a font reader and the handles to keep alive."""
    page = pdf[index]
    left, bottom, right, top = page.get_cropbox()
    width, height = right - left, top - bottom
    flags: list[str] = []
    if width > MAX_PAGE_SIDE or height > MAX_PAGE_SIDE or width <= 0 or height <= 0:
        flags.append("huge")
        empty = RawPage(index + 1, float(width), float(height), "", np.zeros((0, 4)), np.zeros(0, bool), np.zeros(0))
        return empty, flags, lambda i: (0.0, False), (page,)
    textpage = page.get_textpage()
    tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    if n > MAX_PAGE_CHARS:
        flags.append("huge")
        n = MAX_PAGE_CHARS
    if n <= 0:
        text = ""
    else:
        buf = ctypes.create_string_buffer((n + 1) * 2)
        pdfium_c.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        text = buf.raw[: n * 2].decode("utf-16-le", "replace")
        if len(text) != n:
            text = _join_units([pdfium_c.FPDFText_GetUnicode(tp, i) for i in range(n)])
    get_angle = pdfium_c.FPDFText_GetCharAngle
    rects = (pdfium_c.FS_RECTF * max(n, 1))()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) if n else np.zeros(0, np.uint32)
    at = np.flatnonzero((codes != 32) & (codes != 13) & (codes != 10))
    glyphs = at.tolist()
    # One C call per glyph, each writing its own element of ``rects`` (by address: no ctypes object per glyph).
    addresses = (at * ctypes.sizeof(pdfium_c.FS_RECTF) + ctypes.addressof(rects)).tolist()
    deque(map(_loose_box(), repeat(ctypes.cast(tp, ctypes.c_void_p).value, len(glyphs)), glyphs, addresses), maxlen=0)
    lrtb = np.frombuffer(rects, dtype=np.float32).reshape(-1, 4)[:n].astype(np.float64)
    boxes = np.empty((n, 4))
    boxes[:, 0] = lrtb[:, 0] - left
    boxes[:, 1] = top - lrtb[:, 1]
    boxes[:, 2] = lrtb[:, 2] - left
    boxes[:, 3] = top - lrtb[:, 3]
    ang = np.zeros(n)
    maybe_rotated = (lrtb[:, 2] - lrtb[:, 0]) > 0.9 * (lrtb[:, 1] - lrtb[:, 3])
    glyph_mask = np.zeros(n, dtype=bool)
    glyph_mask[glyphs] = True
    for i in np.flatnonzero(maybe_rotated & glyph_mask).tolist():
        a = get_angle(tp, i)
        if a > 0:
            ang[i] = a
    not_glyph = ~glyph_mask
    boxes[not_glyph] = 0.0
    raw = RawPage(index + 1, float(width), float(height), text, boxes, np.zeros(n, bool), ang)
    return raw, flags, _font_reader(tp), (page, textpage)


@lru_cache(maxsize=1)
def _loose_box() -> Callable[[int | None, int, int], int]:
    """pdfium's ``FPDFText_GetLooseCharBox(textpage, index, rect)`` taking the text page and the rectangle as
    addresses."""
    proto = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
    address = ctypes.cast(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_void_p).value
    assert address, "pdfium exports FPDFText_GetLooseCharBox"
    return proto(address)


def _join_units(units: list[int]) -> str:
    """One character per pdfium index: a surrogate pair becomes the full character followed by a
    zero-width space (dropped later), lone surrogates become U+FFFD."""
    out: list[str] = []
    i = 0
    while i < len(units):
        u = units[i]
        if 0xD800 <= u < 0xDC00 and i + 1 < len(units) and 0xDC00 <= units[i + 1] < 0xE000:
            out.append(chr(0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)))
            out.append("\u200b")
            i += 2
            continue
        out.append("\ufffd" if 0xD800 <= u < 0xE000 else chr(u))
        i += 1
    return "".join(out)


_SLOW = None


def _slow_pattern() -> re.Pattern[str]:
    global _SLOW
    if _SLOW is None:
        replace, _ = charmap()
        chars = "".join(re.escape(c) for c in replace if c)
        _SLOW = re.compile(f"[{chars}\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufff0-\\uffff]|\\s\\s|^\\s")
    return _SLOW


class _Builder:
    """Accumulates ``Document.text`` (as pieces) and ``char_boxes`` (as arrays) side by side."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.arrays: list[np.ndarray] = []
        self.length = 0
        self.last = ""

    def add(self, s: str, boxes: np.ndarray) -> None:
        if s:
            self.pieces.append(s)
            self.arrays.append(boxes)
            self.length += len(s)
            self.last = s[-1]

    def sep(self, ch: str) -> None:
        self.add(ch, _ZERO_ROW)

    def drop_last(self) -> None:
        """Remove the last character (a line-end hyphen)."""
        s = self.pieces[-1]
        if len(s) == 1:
            self.pieces.pop()
            self.arrays.pop()
        else:
            self.pieces[-1] = s[:-1]
            self.arrays[-1] = self.arrays[-1][:-1]
        self.length -= 1
        self.last = self.pieces[-1][-1] if self.pieces else ""

    def text(self) -> str:
        return "".join(self.pieces)

    def boxes(self) -> np.ndarray:
        if not self.arrays:
            return np.zeros((0, 5))
        return np.concatenate(self.arrays, axis=0)


_ZERO_ROW = np.zeros((1, 5))


def _emit_line(out: _Builder, line: VisualLine, raw: RawPage, pb: np.ndarray) -> None:
    """Append one visual line: fragments joined by single spaces, whitespace collapsed, characters mapped."""
    replace, _ = charmap()
    slow = _slow_pattern()
    text = raw.text
    first = True
    for frag in line.fragments:
        if not first and out.last != " ":
            out.sep(" ")
        first = False
        a, b = frag.chars[0], frag.chars[-1] + 1
        s = text[a:b]
        if not slow.search(s):
            out.add(s, pb[a:b])
            continue
        chars: list[str] = []
        rows: list[int] = []
        prev_space = out.last in (" ", "\n", "\f", "")
        for i in range(a, b):
            ch = text[i]
            if ch in replace:
                ch = replace[ch]
                if not ch:
                    continue
            if ch.isspace():
                if not prev_space:
                    chars.append(" ")
                    rows.append(-1)
                    prev_space = True
                continue
            if not ch.isprintable():
                continue
            prev_space = False
            for c in ch:
                chars.append(c)
                rows.append(i)
        while chars and chars[-1] == " ":
            chars.pop()
            rows.pop()
        if chars:
            idx = np.array(rows)
            arr = pb[idx]
            arr[idx < 0] = 0.0
            out.add("".join(chars), arr)


_WORD = re.compile(r"\w+(?:-\w+)*")


def parse_pdf(path: str | Path, *, paper: str | None = None, tables: bool = True, max_bytes: int | None = None) -> Document:
    """Parse one PDF into a :class:`Document` (see the module docstring).

    ``paper`` names the document (default: the file stem); ``tables=False`` skips table reading;
    ``max_bytes`` rejects larger files with ``PDFError(reason="too_large")``."""
    started = time.perf_counter()
    p = Path(path)
    name = paper or p.stem
    pdf = open_pdf(p, paper=name, max_bytes=max_bytes)
    try:
        return _parse_open(pdf, p, name, tables, started)
    finally:
        pdf.close()


def _parse_open(pdf: pdfium.PdfDocument, path: Path, name: str, tables: bool, started: float) -> Document:
    _, hyphens = charmap()
    read: list[tuple[int, RawPage | None, list[VisualLine], list[str], float | None]] = []
    page_errors: dict[int, str] = {}
    for index in range(len(pdf)):
        try:
            raw, flags, font_of, keep = _read_page(pdf, index)
            ordered, gutter = layout_page(raw, font_of)
            del keep
            read.append((index + 1, raw, ordered, flags, gutter))
        except (pdfium.PdfiumError, ValueError, IndexError, ArithmeticError) as exc:
            page_errors[index + 1] = f"{type(exc).__name__}: {exc}"
            read.append((index + 1, None, [], ["failed"], None))
    words = _vocabulary(raw.text for _, raw, _, _, _ in read if raw is not None)

    out = _Builder()
    pages: list[Page] = []
    line_records: list[tuple[int, VisualLine, int, int]] = []
    gutters: dict[int, float | None] = {}
    size_counts: Counter[float] = Counter()
    for number, page_raw, ordered, flags, gutter in read:
        if number > 1:
            out.sep("\f")
        page_start = out.length
        if page_raw is None:
            pages.append(Page(number, 0.0, 0.0, page_start, page_start, tuple(flags)))
            continue
        raw = page_raw
        gutters[number] = gutter
        pb = np.zeros((len(raw.text), 5))
        if len(raw.text):
            pb[:, 0] = number
            pb[:, 1:] = raw.boxes
            codes = np.frombuffer(raw.text.encode("utf-32-le"), dtype=np.uint32)
            pb[(codes == 32) | (codes == 10) | (codes == 13) | (codes == 9)] = 0.0
        prev: VisualLine | None = None
        for line in ordered:
            if prev is not None:
                join = _hyphen_join(prev, line, raw, words, hyphens)
                if join == "drop":
                    out.drop_last()
                    p_no, p_line, p_start, _ = line_records[-1]
                    line_records[-1] = (p_no, p_line, p_start, out.length)
                elif join != "keep":
                    out.sep("\n")
            start = out.length
            _emit_line(out, line, raw, pb)
            if out.length == start:
                continue
            line_records.append((number, line, start, out.length))
            prev = line
            for f in line.fragments:
                size_counts[round(f.font_size, 1)] += len(f.chars)
        page_flags = list(flags)
        if out.length == page_start and "huge" not in page_flags:
            page_flags.append("no_text")
        pages.append(Page(number, raw.width, raw.height, page_start, out.length, tuple(page_flags)))
    text = out.text()
    char_boxes = out.boxes()
    if len(char_boxes) != len(text):
        raise PDFError(f"internal error: {len(text)} characters but {len(char_boxes)} boxes", reason="corrupt", paper=name)
    if not text.strip():
        raise PDFError(f"PDF has no text layer on any of its {len(pages)} pages (scanned?)", reason="no_text", paper=name)
    doc_flags: list[str] = []
    for flag, page_flag in (("huge_pages", "huge"), ("pages_without_text", "no_text"), ("pages_failed", "failed")):
        if any(page_flag in pg.flags for pg in pages):
            doc_flags.append(flag)
    body_size = size_counts.most_common(1)[0][0] if size_counts else 10.0
    lines, sections, captions, breaks = _structure(text, line_records, body_size)
    breaks.extend(pg.start for pg in pages)
    page_starts = [pg.start for pg in pages]
    sentences = []
    for s, e in split_sentences(text, breaks):
        k = bisect.bisect_right(page_starts, s) - 1
        sentences.append(Sentence(s, e, text[s:e], pages[max(k, 0)].number))
    doc = Document(
        paper=name,
        path=str(path),
        text=text,
        char_boxes=char_boxes,
        pages=pages,
        lines=lines,
        sentences=sentences,
        sections=sections,
        captions=captions,
        flags=doc_flags,
        metadata={"n_pages": len(pages), "body_font_size": body_size, "gutters": gutters, "page_errors": page_errors},
    )
    if tables:
        table_pages = {c.page for c in captions if c.kind == "table"}
        page_data = {number: PageData(raw, ordered, gutter) for number, raw, ordered, _, gutter in read if raw is not None and number in table_pages}
        try:
            doc.tables = read_tables(doc, pdf, page_data)
        except Exception as exc:  # noqa: BLE001 - a table-reading bug must not cost the text
            doc.flags.append("tables_failed")
            doc.metadata["tables_error"] = f"{type(exc).__name__}: {exc}"
    doc.metadata["parse_seconds"] = round(time.perf_counter() - started, 4)
    return doc


def _vocabulary(texts: Iterable[str]) -> set[str]:
    """Lower-cased words of the paper, with every adjacent pair of a hyphenated compound
    (``state-of-the-art`` gives ``state-of``, ``of-the``, ``the-art``)."""
    words: set[str] = set()
    for text in texts:
        for w in _WORD.findall(text):
            w = w.lower()
            words.add(w)
            if "-" in w:
                parts = w.split("-")
                words.update(f"{a}-{b}" for a, b in zip(parts, parts[1:]))
    return words


def _hyphen_join(prev: VisualLine, line: VisualLine, raw: RawPage, words: set[str], hyphens: frozenset[str]) -> str:
    """How to join two lines when the first ends with a hyphen: ``drop`` the hyphen and the line
    break (``com-|putation``), ``keep`` the hyphen but not the break (``GPU-|hours``), or
    ``newline`` (no hyphen, or not between words)."""
    if prev.column != line.column:
        return "newline"
    last_frag = prev.fragments[-1]
    end = last_frag.chars[-1]
    if raw.text[end] not in hyphens:
        return "newline"
    m = re.search(r"(\w+)$", raw.text[last_frag.chars[0] : end])
    first_frag = line.fragments[0]
    n = re.match(r"\w+", raw.text[first_frag.chars[0] : first_frag.chars[-1] + 1])
    if not m or not n:
        return "newline"
    left, right = m.group(1), n.group(0)
    rest = raw.text[first_frag.chars[0] + len(right) : first_frag.chars[0] + len(right) + 2]
    if rest[:1] == "-" and rest[1:2].isalnum():
        return "keep"
    joined, dashed = (left + right).lower(), f"{left}-{right}".lower()
    if joined in words and dashed not in words:
        return "drop"
    if dashed in words:
        return "keep"
    if left[-1].isalpha() and left[-1].islower() and right[0].islower():
        return "drop"
    return "keep"


def _continues_paragraph(text: str, records: list[tuple[int, VisualLine, int, int]], i: int) -> bool:
    """Whether line ``i`` carries on the sentence of the line just above it (so a ``Table 1a.`` at
    its start is a reference in running text, not a caption)."""
    if i == 0:
        return False
    number, line, _, _ = records[i]
    p_number, prev, p_start, p_end = records[i - 1]
    if p_number != number or prev.column != line.column:
        return False
    height = max(line.bottom - line.top, 1.0)
    if line.top - prev.bottom > 0.5 * height or line.top < prev.top:
        return False
    if len(prev.fragments) > 2 or (prev.x1 - prev.x0) < 0.85 * (line.x1 - line.x0):
        return False
    last = text[p_start:p_end].rstrip()[-1:]
    return bool(last) and last not in ".:!?" and abs(prev.font_size - line.font_size) < 0.5


def _structure(
    text: str, records: list[tuple[int, VisualLine, int, int]], body_size: float
) -> tuple[list[Line], list[Section], list[Caption], list[int]]:
    """Lines, section headings, captions and the offsets where a sentence must start."""
    lines: list[Line] = []
    sections: list[Section] = []
    captions: list[Caption] = []
    breaks: list[int] = []
    seen: set[tuple[int, str, str]] = set()
    for i, (number, vline, start, end) in enumerate(records):
        ltext = text[start:end]
        bbox = Box(vline.x0, vline.top, vline.x1, vline.bottom)
        lines.append(Line(number, bbox, start, end, ltext, round(vline.font_size, 2), vline.bold))
        if vline.starts_note:
            breaks.append(start)
        if vline.column == 3 or vline.column == FOOTNOTE:
            continue
        head = heading_of(ltext, vline.font_size, vline.bold, body_size)
        if head is not None:
            sections.append(Section(head[1], head[0], number, start, bbox))
            breaks.append(start)
            breaks.append(end + 1)
        cap = caption_of(ltext)
        if cap is None or _continues_paragraph(text, records, i):
            continue
        j = i + 1
        cbox, cend, prev = bbox, end, vline
        height = max(vline.bottom - vline.top, 1.0)
        allowed = 0.45 * height
        while j < len(records) and j - i < 15:
            n2, v2, s2, e2 = records[j]
            if n2 != number or v2.column != vline.column or len(v2.fragments) > 2:
                break
            gap = v2.top - prev.bottom
            if gap > allowed or gap < -height:
                break
            allowed = max(gap, 0.0) + 1.5
            t2 = text[s2:e2]
            if caption_of(t2) or heading_of(t2, v2.font_size, v2.bold, body_size):
                break
            cbox = cbox.union(Box(v2.x0, v2.top, v2.x1, v2.bottom))
            cend, prev = e2, v2
            j += 1
        key = (number, cap[0], cap[1])
        if key not in seen:
            seen.add(key)
            captions.append(Caption(cap[0], cap[1], " ".join(text[start:cend].split()), number, cbox, start, cend))
        breaks.append(start)
        breaks.append(cend + 1)
    return lines, sections, captions, breaks
