"""The extraction pipeline: the registry of extractors, ``extract_document`` and ``extract_file``.

Every extractor is a pure function ``Document -> list[Candidate]`` registered under its versioned name.
``extract_document`` runs them all (one failing extractor is recorded and the others go on) and removes
duplicates (the same fact stated twice, e.g. in the abstract and the results section, keeps its most
confident statement). ``extract_file`` parses a PDF first and turns a :class:`~flopsdb.core.errors.PDFError`
into a failed :class:`ExtractionOutcome` with its reason.
"""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flopsdb.core.errors import ExtractError, PDFError
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Document
from flopsdb.extract.files import DEFAULT_MAX_BYTES, check_pdf_path, storable_name
from flopsdb.extract.hardware import EXTRACTOR as HARDWARE
from flopsdb.extract.headline import mark_headlines
from flopsdb.extract.models import find_models, link_results

Extractor = Callable[[Document], list[Candidate]]

REGISTRY: dict[str, str] = {
    HARDWARE: "flopsdb.extract.hardware:extract_hardware",
    "training_time.v2": "flopsdb.extract.training_time:extract_training_time",
    "parameters.v2": "flopsdb.extract.parameters:extract_parameters",
    "result.v1": "flopsdb.extract.results:extract_results",
    "result_table.v1": "flopsdb.extract.table_results:extract_table_results",
}
"""Versioned extractor name -> ``module:function``. Add an extractor by adding one entry."""

def extractors(names: Iterable[str] | None = None) -> dict[str, Extractor]:
    """The registered extractors (all, or the named ones), imported."""
    out: dict[str, Extractor] = {}
    for name in names or REGISTRY:
        if name not in REGISTRY:
            raise ExtractError(f"unknown extractor {name!r}; known: {', '.join(REGISTRY)}")
        module, func = REGISTRY[name].split(":")
        out[name] = getattr(importlib.import_module(module), func)
    return out


_GENERIC = frozenset({"GPU", "Google TPU", "CPU"})


def fact_key(c: Candidate) -> tuple[object, ...]:
    """What makes two candidates the same fact (values, not places)."""
    f = c.fields
    if c.kind == "hardware":
        return (c.kind, f.get("accelerator"), f.get("count"), f.get("unit"), c.stage)
    if c.kind == "training_time":
        return (c.kind, round(float(f.get("hours") or 0), 2), f.get("scope"), c.stage)
    if c.kind == "result":
        return (c.kind, f.get("dataset"), f.get("metric"), f.get("value"), f.get("split") if c.model else None, c.model, bool(f.get("own")))
    return (c.kind, f.get("value"))


def dedup(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per fact (:func:`fact_key`): the most confident, earliest statement; order kept.

    A hardware mention without a count is dropped when the same accelerator is also stated with a count for the same
    stage (guidelines: one line per accelerator, count and stage), and a
    generic one ("8 GPUs") when a named accelerator is stated with the same count, unit and stage ("8 NVIDIA P100 GPUs")."""
    best: dict[tuple[object, ...], Candidate] = {}
    order: list[tuple[object, ...]] = []
    for c in candidates:
        key = fact_key(c)
        if key not in best:
            best[key] = c
            order.append(key)
        elif c.confidence > best[key].confidence or (c.confidence == best[key].confidence and c.model and not best[key].model):
            best[key] = c
    kept = [best[k] for k in order]
    counted = {(c.fields.get("accelerator"), c.stage) for c in kept if c.kind == "hardware" and c.fields.get("count") is not None}
    kept = [c for c in kept if not (c.kind == "hardware" and c.fields.get("count") is None and (c.fields.get("accelerator"), c.stage) in counted)]
    specific = {(c.fields.get("unit"), c.fields.get("count"), c.stage) for c in kept
                if c.kind == "hardware" and c.stage != "inference" and c.fields.get("accelerator") not in _GENERIC and c.fields.get("count") is not None}
    return [c for c in kept if not (c.kind == "hardware" and c.fields.get("accelerator") in _GENERIC
                                    and (c.fields.get("unit"), c.fields.get("count"), c.stage) in specific)]


def extract_document(doc: Document, *, names: Iterable[str] | None = None, failures: list[str] | None = None) -> list[Candidate]:
    """Find the paper's own models (``Document.models``), run the extractors on the document and return
    deduplicated candidates, results linked to their model (``extract.models``) and the headline results marked
    (``extract.headline``).

    An extractor that raises is recorded in ``failures`` (``"name: error"``) and the others go on.
    """
    if not doc.models:
        doc.models = find_models(doc)
    out: list[Candidate] = []
    for name, func in extractors(names).items():
        try:
            out.extend(func(doc))
        except Exception as exc:  # one broken extractor must not lose the others' facts
            if failures is None:
                raise ExtractError(f"extractor {name} failed: {exc}", paper=doc.paper) from exc
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
    return mark_headlines(doc, link_results(doc, dedup(out)))


@dataclass
class ExtractionOutcome:
    """What extracting one file gave: candidates, or the reason it failed."""

    paper: str
    path: str
    sha256: str
    status: str
    candidates: list[Candidate] = field(default_factory=list)
    reason: str | None = None
    error: str | None = None
    pages: int | None = None
    seconds: float = 0.0
    extractors: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was read."""
        return self.status == "ok"


_ARXIV = re.compile(r"^(?P<id>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?_\d{7})(?:v\d+)?$")


def paper_id_for(path: str | Path) -> str:
    """The paper id of a PDF: its arXiv id (version dropped) when the file is named after one, else its stem."""
    stem = Path(path).stem
    m = _ARXIV.match(stem)
    return m.group("id").replace("_", "/") if m else stem


def extract_file(path: str | Path, *, paper: str | None = None, names: Iterable[str] | None = None, timeout: float | None = 120.0,
                 max_bytes: int | None = DEFAULT_MAX_BYTES) -> ExtractionOutcome:
    """Parse one PDF and extract its candidates; a PDF that cannot be read gives a failed outcome, never an exception.

    Only a regular file of at most ``max_bytes`` whose name is valid UTF-8 is read (``extract.files``).
    With ``timeout`` (seconds) the PDF is hashed and parsed in a guarded worker process (``extract.robust``),
    both within the one time limit: a file that reads too slowly, hangs or crashes the parser fails with
    reason ``timeout`` or ``corrupt``; None reads and parses in this process.
    """
    if timeout is not None:
        from flopsdb.extract.robust import prestart

        prestart()  # the parser's fork server starts while this process hashes the file and loads the extractors
    chosen = tuple(extractors(names))
    return _finish(_parse(path, paper, timeout, max_bytes), chosen)


def extract_files(jobs: Iterable[tuple[str | Path, str | None]], *, names: Iterable[str] | None = None,
                  timeout: float | None = 120.0, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Iterator[ExtractionOutcome]:
    """:func:`extract_file` over ``(path, paper)`` jobs, outcomes in order. With ``timeout`` the guarded worker
    parses the next file while this process runs the extractors on the current one (two processes at work
    instead of one taking turns); a file's time limit covers its reading and parse alone."""
    jobs = list(jobs)
    if timeout is None or len(jobs) < 2:
        for path, paper in jobs:
            yield extract_file(path, paper=paper, names=names, timeout=timeout, max_bytes=max_bytes)
        return
    from concurrent.futures import ThreadPoolExecutor

    from flopsdb.extract.robust import prestart

    prestart()
    chosen = tuple(extractors(names))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse-ahead") as ahead:
        pending = ahead.submit(_parse, jobs[0][0], jobs[0][1], timeout, max_bytes)
        for i in range(len(jobs)):
            parsed = pending.result()
            if i + 1 < len(jobs):
                pending = ahead.submit(_parse, jobs[i + 1][0], jobs[i + 1][1], timeout, max_bytes)
            yield _finish(parsed, chosen)


def _parse(path: str | Path, paper: str | None, timeout: float | None, max_bytes: int | None) -> tuple:
    """Check and parse one file: ``(name, shown, digest, started, Document | PDFError | (reason, error))``
    (never raises for a bad file)."""
    from flopsdb.extract.robust import parse_pdf_safe, pdf_digest_safe

    p = Path(path)
    name = storable_name(paper or paper_id_for(p))
    shown = storable_name(p)
    started = time.perf_counter()
    digest = ""
    try:
        check_pdf_path(p, paper=name)  # name and kind, before a byte is read
        clock = time.perf_counter()
        digest = pdf_digest_safe(p, timeout, paper=name, max_bytes=max_bytes)  # read inside the time limit
        left = None if timeout is None else timeout - (time.perf_counter() - clock)
        if left is not None and left <= 0:
            raise PDFError(f"reading the file took longer than {timeout:g} s", reason="timeout", paper=name)
        return name, shown, digest, started, parse_pdf_safe(p, left, paper=name, max_bytes=max_bytes)
    except PDFError as exc:
        return name, shown, digest, started, exc
    except Exception as exc:  # a parser bug on one file must not stop a batch
        return name, shown, digest, started, (f"error: {type(exc).__name__}", f"{type(exc).__name__}: {exc} (paper={name})")


def _finish(parsed: tuple, chosen: tuple[str, ...]) -> ExtractionOutcome:
    """The outcome of a parsed file: its candidates, or the failure."""
    name, shown, digest, started, doc = parsed
    if isinstance(doc, PDFError):
        return ExtractionOutcome(name, shown, digest, "failed", reason=doc.reason, error=str(doc), seconds=time.perf_counter() - started, extractors=chosen)
    if isinstance(doc, tuple):
        reason, error = doc
        return ExtractionOutcome(name, shown, digest, "failed", reason=reason, error=error,
                                 seconds=time.perf_counter() - started, extractors=chosen)
    warnings: list[str] = []
    candidates = extract_document(doc, names=chosen, failures=warnings)
    return ExtractionOutcome(name, shown, digest, "ok", candidates=candidates, pages=len(doc.pages), seconds=time.perf_counter() - started,
                             extractors=chosen, warnings=warnings + list(doc.flags))

