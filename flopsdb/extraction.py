"""Wiring of the extract stage into the store: extract one PDF and keep its candidates and outcome.

``flopsdb extract --store`` calls :func:`extract_and_store`; the nightly stores through the same
:func:`flopsdb.batch.store_result`.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from pathlib import Path

from flopsdb.batch import store_result
from flopsdb.core.errors import ExtractError
from flopsdb.db.store import Store
from flopsdb.extract.files import DEFAULT_MAX_BYTES
from flopsdb.extract.pipeline import ExtractionOutcome, extract_file


def extract_and_store(
    path: str | Path,
    store: Store,
    run_id: str,
    *,
    paper: str | None = None,
    names: Iterable[str] | None = None,
    timeout: float | None = 120.0,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> ExtractionOutcome:
    """Extract one PDF and store its candidates (with evidence) and its outcome (ok, or failed with the reason).

    A file that cannot be read (or takes longer than ``timeout`` seconds to parse) is recorded as ``failed``
    with its reason; it never raises for bad input. Only regular files of at most ``max_bytes`` are read.
    """
    return store_outcome(extract_file(path, paper=paper, names=names, timeout=timeout, max_bytes=max_bytes), store, run_id)


def store_outcome(outcome: ExtractionOutcome, store: Store, run_id: str) -> ExtractionOutcome:
    """Store one file's candidates and outcome in one transaction (the second half of :func:`extract_and_store`)."""
    with store.transaction() as con:
        new = store_result(con, outcome, run_id=run_id)
    outcome.warnings.append(f"stored {new} new candidates")
    return outcome


def pdf_files(paths: Sequence[str | Path]) -> list[Path]:
    """Files named by ``paths``: a folder stands for its ``*.pdf`` (recursively), a pattern with ``*``, ``?`` or
    ``[`` for what it matches (``papers/*.pdf``, ``**/*.pdf``); other paths are kept as given (a missing file is
    then reported by the extractor). A pattern that matches nothing is an ``ExtractError``."""
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists() and glob.has_magic(str(raw)):
            matches = [Path(m) for m in sorted(glob.glob(str(raw), recursive=True))]
            if not matches:
                raise ExtractError(f"no file matches {raw}")
            files += [f for m in matches for f in (sorted(m.rglob("*.pdf")) if m.is_dir() else [m])]
        else:
            files += sorted(p.rglob("*.pdf")) if p.is_dir() else [p]
    return list(dict.fromkeys(files))
