"""Print the text of one page of a PDF as the project's parser reads it (for writing gold quotes).

Usage: python3 scripts/page_text.py PDF [PAGE ...]   (no page: every page, each under a header)
"""

from __future__ import annotations

import sys

from flopsdb.extract.pdf import parse_pdf


def main(argv: list[str]) -> None:
    """Print the requested pages."""
    doc = parse_pdf(argv[0])
    pages = [int(p) for p in argv[1:]] or list(range(1, len(doc.pages) + 1))
    for page in pages:
        print(f"===== page {page} of {len(doc.pages)}")
        print(doc.page_text(page))


if __name__ == "__main__":
    main(sys.argv[1:])
