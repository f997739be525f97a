"""Fixtures of the extract_pdf tests: the small PDFs of tests/fixtures/extract_pdf (rebuilt if missing)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from flopsdb.extract.document import Document
from flopsdb.extract.pdf import parse_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract_pdf"
NAMES = (
    "two_column.pdf",
    "scanned.pdf",
    "minimal.pdf",
    "huge_page.pdf",
    "zero_pages.pdf",
    "encrypted.pdf",
    "truncated.pdf",
    "garbage.pdf",
    "not_a_pdf.pdf",
)


@pytest.fixture(scope="session")
def pdf_fixtures() -> Path:
    """The fixture folder, with every PDF present (built by make_fixtures.py when one is missing)."""
    if not all((FIXTURES / n).is_file() for n in NAMES):
        spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build(FIXTURES)
    return FIXTURES


@pytest.fixture(scope="session")
def two_column(pdf_fixtures: Path) -> Document:
    """The parsed two-column fixture."""
    return parse_pdf(pdf_fixtures / "two_column.pdf")


@pytest.fixture(scope="session")
def corpus_docs(corpus_dir: Path) -> dict[str, Document]:
    """Every corpus PDF parsed once (skips without ../shared)."""
    return {p.stem: parse_pdf(p) for p in sorted(corpus_dir.glob("*.pdf"))}
