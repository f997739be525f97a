"""The extract stage: PDF -> Document -> Candidate facts with evidence.

Public API: ``parse_pdf`` (``extract.pdf``), ``extract`` (a Document or a PDF path -> candidates),
``extract_document``, ``extract_file``, ``EXTRACTORS`` (versioned name -> function), ``Candidate``, ``Document``.
Every module loads on first use: importing a submodule (``flopsdb.extract.robust``, which starts the parser's fork
server) does not import numpy through ``Document``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopsdb.extract.candidate import Candidate
    from flopsdb.extract.document import Document, Evidence

__all__ = ["parse_pdf", "extract", "extract_document", "extract_file", "EXTRACTORS", "Candidate", "Document", "Evidence"]


def extract(source: Document | str | Path) -> list[Candidate]:
    """Candidates of a Document, or of a PDF path (raises ``PDFError`` if the file cannot be read)."""
    from flopsdb.extract.document import Document
    from flopsdb.extract.pipeline import extract_document

    if isinstance(source, Document):
        return extract_document(source)
    from flopsdb.extract.pdf import parse_pdf as _parse

    return extract_document(_parse(source))


def __getattr__(name: str) -> Any:
    if name == "Candidate":
        from flopsdb.extract.candidate import Candidate

        return Candidate
    if name in ("Document", "Evidence"):
        from flopsdb.extract import document

        return getattr(document, name)
    if name == "parse_pdf":
        from flopsdb.extract.pdf import parse_pdf

        return parse_pdf
    if name in ("extract_document", "extract_file"):
        from flopsdb.extract import pipeline

        return getattr(pipeline, name)
    if name == "EXTRACTORS":
        from flopsdb.extract.pipeline import extractors

        return extractors()
    raise AttributeError(name)
