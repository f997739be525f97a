"""The Paper value: one arXiv paper's metadata, as harvested."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flopsdb.core.ids import versioned


@dataclass(frozen=True)
class Paper:
    """An arXiv paper at its latest known version.

    ``first_version_date`` is the date of v1 (from the version history), ``updated_date``
    the date of ``version``. ``affiliations`` holds one tuple per author, in author order (empty when
    the source gives none).
    """

    arxiv_id: str
    version: int
    title: str = ""
    abstract: str = ""
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    first_version_date: date | None = None
    updated_date: date | None = None
    license: str | None = None
    pdf_url: str | None = None
    comments: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    source: str = "oai"
    affiliations: tuple[tuple[str, ...], ...] = ()

    @property
    def versioned_id(self) -> str:
        """``<id>v<n>``, the form PDF URLs are pinned to."""
        return versioned(self.arxiv_id, self.version)
