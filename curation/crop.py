"""PDF evidence for reviewers: a crop of the page around the evidence box, with the box drawn,
rendered on the server with pypdfium2; and finding a quote's box on a page.

Coordinates follow ``extract.document``: PDF points, origin at the page's top-left.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
from PIL import ImageDraw

from flopsdb.core.errors import PDFError
from flopsdb.extract.document import Box

_PDFIUM = threading.Lock()


@contextmanager
def _open_page(pdf_path: str | Path, page: int) -> Iterator[pdfium.PdfPage]:
    """Page ``page`` (1-based) of a PDF, under the pdfium lock; PDFError when the file or page is missing."""
    path = Path(pdf_path)
    if not path.is_file():
        raise PDFError(f"PDF not found: {path}", reason="missing", page=page)
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise PDFError(f"cannot open PDF: {exc}", page=page) from exc
        try:
            if not 1 <= page <= len(pdf):
                raise PDFError(f"page {page} out of range (1-{len(pdf)})", page=page)
            pg = pdf[page - 1]
            try:
                yield pg
            finally:
                pg.close()
        finally:
            pdf.close()


def render_crop(pdf_path: str | Path, page: int, box: Box, *, scale: float = 2.0, margin: float = 60.0, min_width: float = 420.0) -> bytes:
    """PNG bytes of the page region around ``box`` (widened to ``min_width`` points and padded by
    ``margin``), with the box outlined in red. The box is clipped to the page; a box that is empty, not
    finite or off the page shows the page's top half without an outline."""
    with _open_page(pdf_path, page) as pg:
        width, height = pg.get_size()
        box = _clip(box, width, height)
        if box.x1 <= box.x0 or box.bottom <= box.top:
            region = Box(0, 0, width, height / 2)
        else:
            cx = (box.x0 + box.x1) / 2
            half = max(box.x1 - box.x0 + 2 * margin, min_width) / 2
            region = Box(max(0.0, cx - half), max(0.0, box.top - margin), min(width, cx + half), min(height, box.bottom + margin))
        crop = (region.x0, height - region.bottom, width - region.x1, region.top)
        image = pg.render(scale=scale, crop=crop).to_pil().convert("RGB")
    if box.x1 > box.x0 and box.bottom > box.top:
        draw = ImageDraw.Draw(image)
        rect = [
            (box.x0 - region.x0 - 2) * scale,
            (box.top - region.top - 2) * scale,
            (box.x1 - region.x0 + 2) * scale,
            (box.bottom - region.top + 2) * scale,
        ]
        draw.rectangle(rect, outline=(220, 30, 30), width=max(2, int(scale * 1.5)))
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, compress_level=1)  # fastest; these crops compress as well
    return buf.getvalue()


def _clip(box: Box, width: float, height: float) -> Box:
    """``box`` cut to the page ``[0, width] x [0, height]``; a zero box when a coordinate is not finite."""
    values = box.as_list()
    if not all(math.isfinite(v) for v in values):
        return Box(0, 0, 0, 0)
    x0, top, x1, bottom = values
    return Box(min(max(x0, 0.0), width), min(max(top, 0.0), height), min(max(x1, 0.0), width), min(max(bottom, 0.0), height))


def render_page(pdf_path: str | Path, page: int, *, scale: float = 1.5, quality: int = 80) -> tuple[bytes, float, float]:
    """JPEG bytes of the whole of ``page`` rendered at ``scale``, and the page's width and height in points."""
    with _open_page(pdf_path, page) as pg:
        width, height = pg.get_size()
        image = pg.render(scale=scale).to_pil().convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return buf.getvalue(), width, height


def crop_png(cache_dir: str | Path, pdf_path: str | Path, page: int, box: Box, **options: float) -> bytes:
    """:func:`render_crop` cached on disk by (file, page, box, options)."""
    key = hashlib.sha256(repr((str(pdf_path), page, box.as_list(), sorted(options.items()))).encode()).hexdigest()[:24]
    cached = Path(cache_dir) / f"{key}.png"
    if cached.is_file():
        return cached.read_bytes()
    data = render_crop(pdf_path, page, box, **options)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # two requests may render it at once
    tmp.write_bytes(data)
    tmp.replace(cached)
    return data


def _find(text: pdfium.PdfTextPage, height: float, words: list[str]) -> Box | None:
    full = text.get_text_range()
    keep = [i for i, ch in enumerate(full) if not ch.isspace() and ch != "-"]
    squeezed = "".join(full[i] for i in keep).lower()
    needle = "".join(ch for ch in "".join(words) if ch != "-").lower()
    for probe in (needle, needle[:40], needle[:16]):
        at = squeezed.find(probe) if probe else -1
        if at < 0:
            continue
        chars = keep[at : at + len(probe)]
        rects = [text.get_charbox(i) for i in chars if i < text.count_chars()]
        rects = [r for r in rects if r[2] > r[0]]
        if not rects:
            continue
        line = rects
        left, bottom = min(x[0] for x in line), min(x[1] for x in line)
        right, top = max(x[2] for x in line), max(x[3] for x in line)
        return Box(round(left, 2), round(height - top, 2), round(right, 2), round(height - bottom, 2))
    return None


def locate_quote(pdf_path: str | Path, page: int, quote: str) -> Box | None:
    """The box of ``quote`` on ``page`` (pdfium text search; whitespace-insensitive fallback on a
    prefix of the quote), or None when it is not found."""
    words = quote.split()
    if not words:
        return None
    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            if not 1 <= page <= len(pdf):
                return None
            pg = pdf[page - 1]
            height = pg.get_height()
            text = pg.get_textpage()
            try:
                return _find(text, height, words)
            finally:
                text.close()
                pg.close()
        finally:
            pdf.close()
    return None
