"""The extraction pipeline: the registry of extractors, ``extract_document`` and ``extract_file``.

Every extractor is a pure function ``Document -> list[Candidate]`` registered under its versioned name.
``extract_document`` runs them all (one failing extractor is recorded and the others go on) and removes
duplicates (the same fact stated twice, e.g. in the abstract and the results section, keeps its most
confident statement). ``extract_file`` parses a PDF first and turns a :class:`~flopsdb.core.errors.PDFError`
into a failed :class:`ExtractionOutcome` with its reason.
"""

from __future__ import annotations

import importlib
import os
import pickle
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from flopsdb.core.errors import ExtractError, FlopsdbError, PDFError
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Document
from flopsdb.extract.files import DEFAULT_MAX_BYTES, check_pdf_path, storable_name
from flopsdb.extract.hardware import EXTRACTOR as HARDWARE
from flopsdb.extract.headline import mark_headlines
from flopsdb.extract.models import find_models, link_results
from flopsdb.extract.parameters import EXTRACTOR as PARAMETERS
from flopsdb.extract.results import EXTRACTOR as RESULT
from flopsdb.extract.table_results import EXTRACTOR as RESULT_TABLE
from flopsdb.extract.training_time import EXTRACTOR as TRAINING_TIME

if TYPE_CHECKING:
    from flopsdb.extract.robust import ParserPool

Extractor = Callable[[Document], list[Candidate]]

REGISTRY: dict[str, str] = {
    HARDWARE: "flopsdb.extract.hardware:extract_hardware",
    TRAINING_TIME: "flopsdb.extract.training_time:extract_training_time",
    PARAMETERS: "flopsdb.extract.parameters:extract_parameters",
    RESULT: "flopsdb.extract.results:extract_results",
    RESULT_TABLE: "flopsdb.extract.table_results:extract_table_results",
}
"""Versioned extractor name (each module's ``EXTRACTOR``, defined there once) -> ``module:function``. Add an
extractor by adding one entry."""

NEEDS_SPACY: frozenset[str] = frozenset({HARDWARE})
"""Extractors that import spaCy (the hardware grammar). A parsing worker, which does not import it, runs the
others on the files it reads ahead and leaves these to an extracting worker (:func:`extract_files`)."""


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


def _named_model(c: Candidate) -> str | None:
    """The key of the own model a parameter count is stated for by name (a table row or a sentence naming one of the
    paper's models); None when the link is weaker (the paper's main model, a row label no own model matches)."""
    if c.kind != "parameters" or c.scope != "model" or float(c.fields.get("model_confidence") or 0) < 0.9:
        return None
    return c.model_key


def _fold_parameters(kept: list[Candidate]) -> list[Candidate]:
    """Parameter counts of one value: one per named own model (:func:`_named_model`; a key that extends another,
    "densenetbck12" after "densenetbc", is the same model), and a statement without a named model only when no
    named model states the value; a count of a second own model named by its role (``fields["role"]``: "6B RMs")
    is its own fact beside them."""
    named: dict[object, list[str]] = {}
    for c in sorted(kept, key=lambda c: len(_named_model(c) or "")):
        key = _named_model(c)
        if key is not None:
            keys = named.setdefault(c.fields.get("value"), [])
            if not any(key.startswith(k) or k.startswith(key) for k in keys):
                keys.append(key)
    out: list[Candidate] = []
    taken: set[tuple[object, str | None, bool, object]] = set()
    for c in kept:
        if c.kind == "parameters":
            value, key, role = c.fields.get("value"), _named_model(c), c.fields.get("role")
            keys = named.get(value, [])
            same = next((k for k in keys if key is not None and (key.startswith(k) or k.startswith(key))), None)
            mine = bool(c.fields.get("own", True))
            if (keys and same is None and mine and role is None) or (value, same, mine, role) in taken:
                continue
            taken.add((value, same, mine, role))
        out.append(c)
    return out


def dedup(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per fact (:func:`fact_key`): the most confident, earliest statement; order kept.

    Parameter counts are one fact per value and named own model (the kind's :func:`fact_key` and the model,
    :func:`_fold_parameters`), so two models of a paper with the same size stay two facts. A hardware mention without a count is dropped when the same accelerator is also stated with a count for the same
    stage (guidelines: one line per accelerator, count and stage), and a
    generic one ("8 GPUs") when a named accelerator is stated with the same count, unit and stage ("8 NVIDIA P100 GPUs")."""
    best: dict[tuple[object, ...], Candidate] = {}
    order: list[tuple[object, ...]] = []
    for c in candidates:
        key = fact_key(c) if c.kind != "parameters" else (*fact_key(c), _named_model(c), c.fields.get("role"))
        if key not in best:
            best[key] = c
            order.append(key)
        elif c.confidence > best[key].confidence or (c.confidence == best[key].confidence and c.model and not best[key].model):
            best[key] = c
    kept = _fold_parameters([best[k] for k in order])
    counted = {(c.fields.get("accelerator"), c.stage) for c in kept if c.kind == "hardware" and c.fields.get("count") is not None}
    kept = [c for c in kept if not (c.kind == "hardware" and c.fields.get("count") is None and (c.fields.get("accelerator"), c.stage) in counted)]
    specific = {
        (c.fields.get("unit"), c.fields.get("count"), c.stage)
        for c in kept
        if c.kind == "hardware" and c.stage != "inference" and c.fields.get("accelerator") not in _GENERIC and c.fields.get("count") is not None
    }
    return [
        c
        for c in kept
        if not (
            c.kind == "hardware" and c.fields.get("accelerator") in _GENERIC and (c.fields.get("unit"), c.fields.get("count"), c.stage) in specific
        )
    ]


Ran = dict[str, tuple[list[Candidate], str | None]]
"""Extractor name -> its candidates on one document and its failure (``"name: error"``, or None)."""


def run_extractors(doc: Document, names: Iterable[str], *, raise_failures: bool = False) -> Ran:
    """Each named extractor on ``doc`` (whose models are found): its candidates, or its failure; with
    ``raise_failures`` a failing extractor raises an :class:`ExtractError` instead."""
    ran: Ran = {}
    names = list(names)
    for name, func in (extractors(names) if names else {}).items():
        try:
            ran[name] = (func(doc), None)
        except Exception as exc:  # one broken extractor must not lose the others' facts
            if raise_failures:
                raise ExtractError(f"extractor {name} failed: {exc}", paper=doc.paper) from exc
            ran[name] = ([], f"{name}: {type(exc).__name__}: {exc}")
    return ran


def extract_document(
    doc: Document, *, names: Iterable[str] | None = None, failures: list[str] | None = None, ran: Ran | None = None
) -> list[Candidate]:
    """Find the paper's own models (``Document.models``), run the extractors on the document and return
    deduplicated candidates, results linked to their model (``extract.models``) and the headline results marked
    (``extract.headline``).

    An extractor that raises is recorded in ``failures`` (``"name: error"``) and the others go on. ``ran`` holds
    extractors already run on this document (:func:`run_extractors`, in a parsing worker): they are not run again,
    and the result is the same as running them here.
    """
    if not doc.models:
        doc.models = find_models(doc)
    chosen = list(dict.fromkeys(names or REGISTRY))
    done = ran or {}
    ran = {**done, **run_extractors(doc, [n for n in chosen if n not in done], raise_failures=failures is None)}
    out: list[Candidate] = []
    for name in chosen:
        found, failure = ran[name]
        out.extend(found)
        if failure is not None:
            if failures is None:
                raise ExtractError(f"extractor {failure}", paper=doc.paper)
            failures.append(failure)
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


def extract_file(
    path: str | Path,
    *,
    paper: str | None = None,
    names: Iterable[str] | None = None,
    timeout: float | None = 120.0,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> ExtractionOutcome:
    """Parse one PDF and extract its candidates; a PDF that cannot be read gives a failed outcome, never an exception.

    Only a regular file of at most ``max_bytes`` whose name is valid UTF-8 is read (``extract.files``).
    With ``timeout`` (seconds) the PDF is hashed, parsed and its candidates extracted in a guarded worker
    process (``extract.robust``), all within the one time limit: a file that reads too slowly, hangs or
    crashes the parser fails with reason ``timeout`` or ``corrupt``; None does it all in this process.
    The candidates are the same either way (the worker runs :func:`extract_document`).
    """
    if timeout is not None:
        from flopsdb.extract.robust import prestart

        prestart(warm_up=warm_extractors)  # the parser's fork server starts while this process checks the file
    chosen = _chosen(names)
    return _finish(_parse(path, paper, timeout, max_bytes, chosen), chosen)


def _chosen(names: Iterable[str] | None) -> tuple[str, ...]:
    """The extractor names to run (all by default); an unknown name is an :class:`ExtractError`."""
    chosen = tuple(names or REGISTRY)
    unknown = [n for n in chosen if n not in REGISTRY]
    if unknown:
        raise ExtractError(f"unknown extractor {unknown[0]!r}; known: {', '.join(REGISTRY)}")
    return chosen


MAX_WORKERS = 2
"""Guarded workers :func:`extract_files` runs at once by default (at most one per core this process may use)."""


def default_workers() -> int:
    """Guarded workers for :func:`extract_files`: one per usable core, at most :data:`MAX_WORKERS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def extract_files(
    jobs: Iterable[tuple[str | Path, str | None]],
    *,
    names: Iterable[str] | None = None,
    timeout: float | None = 120.0,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    workers: int | None = None,
) -> Iterator[ExtractionOutcome]:
    """:func:`extract_file` over ``(path, paper)`` jobs, outcomes in order (the same outcomes, one by one).

    With ``timeout``, ``workers`` guarded worker processes (default :func:`default_workers`: one per core,
    at most two) each hash, parse and extract a file at a time, in parallel, while this process only collects
    the candidates; every worker keeps its own time and memory limit per file, and a file that times out
    stops only its own worker."""
    jobs = list(jobs)
    chosen = _chosen(names)
    import multiprocessing

    if timeout is None or multiprocessing.current_process().daemon:
        for path, paper in jobs:
            yield extract_file(path, paper=paper, names=chosen, timeout=timeout, max_bytes=max_bytes)
        return
    from flopsdb.extract.robust import ParserPool, prestart, shared_pool

    n = max(1, workers or default_workers())
    prestart(warm_up=warm_extractors)
    if n == 1:
        pool = shared_pool(warm_up=warm_extractors)
        for path, paper in jobs:
            yield _finish(_parse(path, paper, timeout, max_bytes, chosen, pool=pool), chosen)
        return
    prestart()
    extracting = [shared_pool(warm_up=warm_extractors)] + [ParserPool(warm_up=warm_extractors) for _ in range(min(n, len(jobs) + 1) - 2)]
    plan = _Plan(jobs, timeout, max_bytes, chosen, window=4 * n)
    threads = [threading.Thread(target=plan.parse_ahead, args=(shared_pool(),), daemon=True, name="extract-parse")]
    threads += [threading.Thread(target=plan.extract, args=(pool,), daemon=True, name="extract") for pool in extracting]
    for t in threads:
        t.start()
    try:
        for k in range(len(jobs)):
            yield _finish(plan.result(k), chosen)
    finally:
        plan.stop()
        for t in threads:
            t.join()
        for pool in extracting[1:]:
            pool.close()


class _Plan:
    """Which worker does what in :func:`extract_files` with two or more workers: one parsing worker (no
    spaCy, so it is ready about a second before the others) hashes and parses the files in order; each
    extracting worker first extracts a file the parsing worker has read, else reads and extracts the next
    file itself. Work is taken in job order, at most ``window`` files ahead of the outcome yielded last."""

    def __init__(
        self, jobs: list[tuple[str | Path, str | None]], timeout: float, max_bytes: int | None, chosen: tuple[str, ...], window: int
    ) -> None:
        self.jobs, self.timeout, self.max_bytes, self.chosen, self.window = jobs, timeout, max_bytes, chosen, window
        self.cond = threading.Condition()
        self.next = 0  # the next job nobody has taken
        self.yielded = 0  # outcomes handed out so far
        self.parsing = 0  # files the parsing worker is reading now
        self.parsed: dict[int, tuple] = {}  # read ahead, waiting for an extracting worker
        self.done: dict[int, tuple] = {}
        self.stopped = False

    def _take(self) -> int | None:
        """The next job's index, when one is left and inside the window (call with the lock held)."""
        if self.next < len(self.jobs) and self.next < self.yielded + self.window:
            self.next += 1
            return self.next - 1
        return None

    def parse_ahead(self, pool: ParserPool) -> None:
        """The parsing worker's loop."""
        while True:
            with self.cond:
                while True:
                    if self.stopped or self.next >= len(self.jobs):
                        return
                    k = self._take()
                    if k is not None:
                        break
                    self.cond.wait()
                self.parsing += 1
            path, paper = self.jobs[k]
            got = _parse(path, paper, self.timeout, self.max_bytes, self.chosen, pool=pool, ahead=True)
            with self.cond:
                self.parsing -= 1
                (self.parsed if isinstance(got[4], _Parsed) else self.done)[k] = got
                self.cond.notify_all()

    def extract(self, pool: ParserPool) -> None:
        """An extracting worker's loop (its worker starts first: the imports are never a file's time)."""
        try:
            pool.start()
        except PDFError:
            pass  # every file it takes then fails with that reason
        while True:
            with self.cond:
                while True:
                    if self.stopped:
                        return
                    if self.parsed:
                        k = min(self.parsed)
                        item, ahead = self.parsed.pop(k), True
                        break
                    taken = self._take()
                    if taken is not None:
                        k, item, ahead = taken, self.jobs[taken], False
                        break
                    if self.next >= len(self.jobs) and not self.parsing:
                        return
                    self.cond.wait()
            if ahead:
                got = _extract_ahead(item, self.timeout, self.chosen, pool)
            else:
                got = _parse(item[0], item[1], self.timeout, self.max_bytes, self.chosen, pool=pool)
            with self.cond:
                self.done[k] = got
                self.cond.notify_all()

    def result(self, k: int) -> tuple:
        """Job ``k``'s read file, once a worker has it."""
        with self.cond:
            while k not in self.done:
                self.cond.wait()
            self.yielded = k + 1
            self.cond.notify_all()
            return self.done.pop(k)

    def stop(self) -> None:
        """No more work is taken (the consumer stopped early); files being read are finished."""
        with self.cond:
            self.stopped = True
            self.cond.notify_all()


@dataclass
class _Extracted:
    """What the guarded worker sends back for a file it read: candidates, page count, warnings."""

    candidates: list[Candidate]
    pages: int
    warnings: list[str]


def _extract_parsed(doc: Document, chosen: tuple[str, ...], ran: Ran | None = None) -> _Extracted:
    """Run the chosen extractors on a parsed Document (here or in the worker: the same function); ``ran``: those a
    parsing worker has run already."""
    warnings: list[str] = []
    candidates = extract_document(doc, names=chosen, failures=warnings, ran=ran)
    return _Extracted(candidates, len(doc.pages), warnings + list(doc.flags))


def _bug(exc: Exception, name: str) -> ExtractError:
    """A parser's or an extractor's bug on one file as the error the batch records (it must not stop a batch)."""
    return ExtractError(f"{type(exc).__name__}: {exc}", paper=name)


def _extracted_or_bug(doc: Document, name: str, chosen: tuple[str, ...], ran: Ran | None = None) -> _Extracted | ExtractError:
    try:
        return _extract_parsed(doc, chosen, ran)
    except Exception as exc:  # noqa: BLE001 - an extraction bug on one file must not stop a batch
        return _bug(exc, name)


def read_and_extract(path: str, name: str, chosen: tuple[str, ...], max_bytes: int | None) -> tuple[str, _Extracted | FlopsdbError]:
    """Runs in the guarded worker: hash, parse and extract one file. ``(digest, result)`` where ``result`` is an
    :class:`_Extracted`, the file's :class:`PDFError` or an extraction bug's :class:`ExtractError` (errors pickle
    whole); a file that cannot even be hashed raises its PDFError."""
    from flopsdb.extract.robust import parse_contained, read_digest

    digest = read_digest(path, name, max_bytes)
    try:
        doc = parse_contained(path, name, True, max_bytes)
    except PDFError as exc:
        return digest, exc
    return digest, _extracted_or_bug(doc, name, chosen)


@dataclass
class _Parsed:
    """A file a parsing worker has read: its Document and what the worker's extractors found (:data:`Ran`), pickled
    together, and the seconds the worker took (of the file's time limit)."""

    blob: bytes
    seconds: float


def _run_early(doc: Document, chosen: tuple[str, ...]) -> Ran | None:
    """The chosen extractors that need no spaCy (:data:`NEEDS_SPACY`), run on ``doc`` after its models are found;
    None when finding the models fails (the extracting worker then runs everything and records that failure)."""
    early = [n for n in chosen if n not in NEEDS_SPACY]
    if not early:
        return None
    try:
        if not doc.models:
            doc.models = find_models(doc)
    except Exception:  # noqa: BLE001 - the extracting worker meets the same bug and reports it for this file
        return None
    return run_extractors(doc, early)


def read_and_parse(path: str, name: str, max_bytes: int | None, chosen: tuple[str, ...] = ()) -> tuple[str, _Parsed | PDFError]:
    """Runs in a parsing worker: hash and parse one file and run the ``chosen`` extractors that need no spaCy
    (:func:`_run_early`), as :func:`read_and_extract` but the result is a :class:`_Parsed` (the Document and those
    extractors' results pickled to bytes, and the seconds it took here) for the worker that finishes it
    (:func:`extract_parsed`)."""
    from flopsdb.extract.robust import parse_contained, read_digest

    clock = time.perf_counter()
    digest = read_digest(path, name, max_bytes)
    try:
        doc = parse_contained(path, name, True, max_bytes)
    except PDFError as exc:
        return digest, exc
    ran = _run_early(doc, chosen)
    return digest, _Parsed(pickle.dumps((doc, ran), protocol=pickle.HIGHEST_PROTOCOL), time.perf_counter() - clock)


def extract_parsed(blob: bytes, name: str, chosen: tuple[str, ...]) -> _Extracted | ExtractError:
    """Runs in an extracting worker: the chosen extractors on a Document pickled by :func:`read_and_parse`, but for
    those the parsing worker ran there."""
    doc, ran = cast(tuple[Document, Ran | None], pickle.loads(blob))
    return _extracted_or_bug(doc, name, chosen, ran)


def _parse(
    path: str | Path,
    paper: str | None,
    timeout: float | None,
    max_bytes: int | None,
    chosen: tuple[str, ...] = (),
    pool: ParserPool | None = None,
    ahead: bool = False,
) -> tuple:
    """Check and read one file: ``(name, shown, digest, started, Document | _Extracted | _Parsed | PDFError |
    ExtractError)`` (never raises for a bad file; an ExtractError is a bug). With ``timeout`` (and not in a daemonic
    process) the guarded worker hashes, parses and extracts (``chosen``) within the one time limit and the result is
    an :class:`_Extracted`; with ``ahead`` it only hashes and parses (:func:`read_and_parse`) and the result is a
    :class:`_Parsed`, for :func:`_extract_ahead`."""
    import multiprocessing

    from flopsdb.extract.robust import parse_pdf_safe, pdf_digest_safe, shared_pool

    p = Path(path)
    name = storable_name(paper or paper_id_for(p))
    shown = storable_name(p)
    started = time.perf_counter()
    digest = ""
    try:
        check_pdf_path(p, paper=name)  # name and kind, before a byte is read
        if timeout is not None and (pool is not None or not multiprocessing.current_process().daemon):
            work, args = (
                (read_and_parse, (str(p), name, max_bytes, chosen or tuple(REGISTRY)))
                if ahead
                else (read_and_extract, (str(p), name, chosen or tuple(REGISTRY), max_bytes))
            )
            answer = (pool or shared_pool(warm_up=warm_extractors)).run(work, args, timeout=timeout, name=name, doing="reading the file")
            digest, result = cast(tuple[str, Any], answer)
            if isinstance(result, PDFError):
                result.paper = result.paper or name
            return name, shown, digest, started, result
        clock = time.perf_counter()
        digest = pdf_digest_safe(p, timeout, paper=name, max_bytes=max_bytes)  # read inside the time limit
        left = None if timeout is None else timeout - (time.perf_counter() - clock)
        if left is not None and left <= 0:
            raise PDFError(f"reading the file took longer than {timeout:g} s", reason="timeout", paper=name)
        return name, shown, digest, started, parse_pdf_safe(p, left, paper=name, max_bytes=max_bytes)
    except PDFError as exc:
        return name, shown, digest, started, exc
    except Exception as exc:  # a parser bug on one file must not stop a batch
        return name, shown, digest, started, _bug(exc, name)


def _extract_ahead(parsed: tuple, timeout: float, chosen: tuple[str, ...], pool: ParserPool) -> tuple:
    """The second half of a file read ``ahead`` (:func:`_parse`): its Document through the extractors in the
    extracting worker ``pool``, within what is left of the file's time limit; the tuple :func:`_finish` takes."""
    name, shown, digest, started, ahead = parsed
    left = timeout - ahead.seconds
    try:
        if left <= 0:
            raise PDFError(f"reading the file took longer than {timeout:g} s", reason="timeout", paper=name)
        try:
            value = pool.run(extract_parsed, (ahead.blob, name, chosen), timeout=left, name=name, doing="reading the file")
        except PDFError as exc:
            if exc.reason != "timeout":
                raise
            raise PDFError(f"reading the file took longer than {timeout:g} s; worker stopped", reason="timeout", paper=name) from None
        return name, shown, digest, started, value
    except PDFError as exc:
        return name, shown, digest, started, exc
    except Exception as exc:  # a bug on one file must not stop a batch
        return name, shown, digest, started, _bug(exc, name)


def _finish(parsed: tuple, chosen: tuple[str, ...]) -> ExtractionOutcome:
    """The outcome of a read file: its candidates (extracted here, or already by the worker), or the failure."""
    name, shown, digest, started, doc = parsed
    if isinstance(doc, FlopsdbError):
        reason = doc.reason if isinstance(doc, PDFError) else f"error: {doc.message.partition(':')[0]}"
        return ExtractionOutcome(
            name, shown, digest, "failed", reason=reason, error=str(doc), seconds=time.perf_counter() - started, extractors=chosen
        )
    done = doc if isinstance(doc, _Extracted) else _extract_parsed(doc, chosen)
    return ExtractionOutcome(
        name,
        shown,
        digest,
        "ok",
        candidates=done.candidates,
        pages=done.pages,
        seconds=time.perf_counter() - started,
        extractors=chosen,
        warnings=done.warnings,
    )


def warm_extractors() -> None:
    """Fill the extractors' caches (hardware grammar, model and table vocabularies, sentence pipeline) by
    running every extractor on a small hand-built Document; the parser's fork server calls it once, so
    every worker it forks extracts its first file warm."""
    import numpy as np

    from flopsdb.extract.document import Caption, Cell, Page, Section, Sentence, Table

    text = (
        "Results\nWe train our model BigNet on 8 NVIDIA V100 GPUs for 3 days. BigNet has 110M parameters and "
        "achieves 28.4 BLEU on the WMT 2014 English-to-German translation task.\n"
    )
    boxes = np.zeros((len(text), 5))
    for i in range(len(text)):
        boxes[i] = (1, 50 + 6 * (i % 80), 50 + 12 * (i // 80), 56 + 6 * (i % 80), 60 + 12 * (i // 80))
    first = text.index("We")
    mid = text.index("BigNet has")
    sentences = [Sentence(first, mid - 1, text[first : mid - 1], 1), Sentence(mid, len(text) - 1, text[mid:-1], 1)]
    from flopsdb.extract.document import Box

    box = Box(50, 300, 300, 400)
    caption = Caption(kind="table", label="1", text="Table 1: BLEU on WMT 2014 English-German.", page=1, bbox=box, start=0, end=0)
    rows = (
        (Cell("Model", box, bold=True), Cell("Params (M)", box, bold=True), Cell("BLEU", box, bold=True)),
        (Cell("BigNet", box), Cell("110", box), Cell("28.4", box)),
    )
    tables, captions = [Table(page=1, bbox=box, caption=caption, rows=rows)], [caption]
    doc = Document(
        paper="warm-up",
        path="",
        text=text,
        char_boxes=boxes,
        pages=[Page(1, 612, 792, 0, len(text))],
        sentences=sentences,
        sections=[Section(title="Results", number=None, page=1, start=0, bbox=Box(0, 0, 1, 1))],
        tables=tables,
        captions=captions,
    )
    extract_document(doc, failures=[])
