"""Wiring of the extract stage into the store: extract PDFs and keep their candidates and outcomes.

``flopsdb extract`` runs :class:`ExtractFiles` (storing with ``--store``); :func:`extract_and_store` does one file;
the nightly stores through the same :func:`flopsdb.batch.store_result`.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from flopsdb.core.errors import ExtractError, PDFError
from flopsdb.core.failures import ItemFailure
from flopsdb.extract.files import DEFAULT_MAX_BYTES, check_pdf_path
from flopsdb.extract.pipeline import ExtractionOutcome, extract_file, extract_files
from flopsdb.step_report import StepReport

if TYPE_CHECKING:
    from flopsdb.db.store import Connection, Store


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
    from flopsdb.batch import store_result  # DuckDB only when storing: `flopsdb extract` without --store never imports it

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


@dataclass
class ExtractFiles:
    """PDF files through the extractors (``flopsdb extract``), each outcome handed to ``on_outcome`` as it comes;
    with a ``store``, every file's candidates and outcome are kept under the run (:func:`store_outcome`).

    ``plan`` says, without reading a byte, which files ``run`` would extract and which it would refuse (a missing
    file, not a regular file, a name that is not UTF-8, over ``max_bytes``); a readable file may still fail to
    parse in ``run``."""

    paths: Sequence[Path]
    store: Store | None = None
    names: Iterable[str] | None = None
    timeout: float | None = 120.0
    max_bytes: int | None = DEFAULT_MAX_BYTES
    on_outcome: Callable[[ExtractionOutcome], None] | None = None
    name: ClassVar[str] = "extract"

    def _refusal(self, path: Path) -> str | None:
        try:
            check_pdf_path(path, paper=path.stem)
        except PDFError as exc:
            return exc.reason
        if self.max_bytes is not None and os.stat(path).st_size > self.max_bytes:
            return "too_large"
        return None

    def plan(self, con: Connection | None = None) -> StepReport:
        refused = {str(p): why for p in self.paths if (why := self._refusal(p)) is not None}
        failures = [ItemFailure(self.name, item, why) for item, why in refused.items()]
        counts = {"files": len(self.paths), "would_extract": len(self.paths) - len(refused), "would_refuse": len(refused)}
        return StepReport(self.name, counts=counts, failures=failures, skipped="dry run")

    def run(self, run_id: str) -> StepReport:
        step = StepReport(self.name)
        # The guarded worker parses the next file while this process extracts the current one.
        jobs = [(p, None) for p in self.paths]
        for outcome in extract_files(jobs, names=self.names, timeout=self.timeout, max_bytes=self.max_bytes):
            if self.store is not None:
                outcome = store_outcome(outcome, self.store, run_id)
            if not outcome.ok:
                step.failures.append(ItemFailure(self.name, str(outcome.path), outcome.reason or outcome.error or "failed"))
            if self.on_outcome is not None:
                self.on_outcome(outcome)
        step.counts = {"files": len(self.paths), "failed": len(step.failures)}
        return step
