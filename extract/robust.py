"""Failure containment for ``parse_pdf``: a time limit per file, a memory limit, a crash shield.

pdfium is C code: a hostile file can hang it or crash the process. :class:`ParserPool` therefore
parses in one long-lived worker process (started once, reused for every file, so the overhead per
file is only pickling the Document back). The worker is forked from a fork server that has already
imported the parsing stack and filled its caches (:mod:`flopsdb.extract.preload`; not spaCy, which only
the extractors need), and a worker is ready before a file's clock starts: its start-up (for a pool made
with a ``warm_up``, e.g. the extractors' imports and caches, also that) is never charged to a file's time limit. When a file
runs over its time limit the worker is killed and replaced; when the worker dies or runs out of memory
the file fails and the next one gets a fresh worker. Every failure is a :class:`flopsdb.core.errors.PDFError` whose ``reason`` is one of
``corrupt``, ``truncated``, ``encrypted``, ``no_pages``, ``no_text``, ``timeout``, ``too_large``.

:func:`parse_many` runs a batch and yields a Document or a PDFError per file: the run goes on.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import resource
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, cast

from flopsdb.core.errors import PDFError
from flopsdb.extract.files import pdf_digest

if TYPE_CHECKING:
    from flopsdb.extract.document import Document

REASONS: tuple[str, ...] = ("corrupt", "truncated", "encrypted", "no_pages", "no_text", "timeout", "too_large")
START_TIMEOUT = 300.0
"""Seconds a new worker may take to start (apart from any file's time limit)."""
DEFAULT_MEMORY_LIMIT = 2 * 1024**3
"""Address space a worker may add to what it maps at start, in bytes (a file needing more fails as
``too_large``)."""


def _virtual_size() -> int:
    """This process's current address-space size in bytes (0 when /proc is unavailable)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _exit_with(client: int) -> None:
    """Exit this worker soon after ``client`` (the process that asked for it) is gone: a run killed with
    ``kill -9`` must not leave its parser behind (nor, through it, the fork server)."""
    stat = Path(f"/proc/{client}/stat")
    while True:
        time.sleep(1.0)
        try:
            os.kill(client, 0)
            state = stat.read_text().rsplit(")", 1)[1].split()[0] if stat.exists() else "R"
        except ProcessLookupError:
            os._exit(0)
        except (PermissionError, OSError, IndexError):
            continue
        if state in ("Z", "X"):  # killed, not yet reaped by its parent
            os._exit(0)


def _init_worker(client: int) -> None:
    """Exit with the client process."""
    threading.Thread(target=_exit_with, args=(client,), daemon=True, name="exit-with-client").start()


def _start_worker(memory_limit: int | None, warm_up: Callable[[], object] | None) -> int:
    """The worker's first task, before any file: fill its caches (:func:`warm`, then ``warm_up``), then cap its
    address space at what it maps once warm plus ``memory_limit`` bytes; its process id."""
    pid = warm()
    if warm_up is not None:
        warm_up()
    if memory_limit:
        try:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            want = _virtual_size() + memory_limit
            soft = want if hard == resource.RLIM_INFINITY else min(want, hard)
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        except (ValueError, OSError):
            pass
    return pid


def warm() -> int:
    """Fill the parser's caches (sentence split, character map, layout and table rules) and return this
    process's id; idempotent and cheap after the first call."""
    # The parsing stack (pypdfium2, numpy) is imported here and in parse_contained, not at module level:
    # in guarded mode the parent never parses, so it need not pay the ~2 s of importing it (issue 12).
    from flopsdb.extract.layout import charmap, patterns
    from flopsdb.extract.sentences import split_sentences
    from flopsdb.extract.tables import table_rules

    charmap()
    patterns()
    table_rules()
    split_sentences("Warm up the pipeline. It is cached.")
    return os.getpid()


def parse_contained(path: str, paper: str | None, tables: bool, max_bytes: int | None) -> Document:
    """Runs in the worker: the Document, or a :class:`PDFError` for any failure (errors pickle with their context,
    so the parent gets the worker's PDFError as it was raised)."""
    from flopsdb.extract.pdf import parse_pdf

    name = paper or Path(path).stem
    try:
        return parse_pdf(path, paper=paper, tables=tables, max_bytes=max_bytes)
    except PDFError:
        raise
    except MemoryError:
        raise PDFError("PDF needs more memory than the worker's limit", reason="too_large", paper=name) from None
    except RecursionError:
        raise PDFError("PDF structure is too deeply nested", reason="corrupt", paper=name) from None
    except Exception as exc:  # noqa: BLE001 - any other failure inside pdfium or layout is this file's problem
        raise PDFError(f"PDF could not be parsed: {type(exc).__name__}: {exc}", reason="corrupt", paper=name) from None


def read_digest(path: str, paper: str, max_bytes: int | None) -> str:
    """The file's SHA-256 (:func:`flopsdb.extract.files.pdf_digest`), an unreadable file a :class:`PDFError`
    (``missing``); runs in the worker."""
    try:
        return pdf_digest(path, paper=paper, max_bytes=max_bytes)
    except OSError as exc:
        raise PDFError(f"cannot read {Path(path).name}: {exc.strerror or exc}", reason="missing", paper=paper) from None


class ParserPool:
    """One reusable worker process that parses PDFs with a time and memory limit per file.

    Use as a context manager or call :meth:`close`. ``parse`` is thread-safe (calls are serialised).
    The worker comes from a fork server that has already imported the parser: cheap to start, and
    safe in processes that run threads (a review server, Playwright, a Dask worker), where a plain
    fork can inherit a held lock and hang. ``warm_up`` (a module-level function) runs in the worker when it
    starts, before any file's clock: :func:`flopsdb.extract.pipeline.warm_extractors` imports and warms the
    extractors (about 1 s, spaCy for the hardware grammar)."""

    def __init__(
        self,
        *,
        memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
        max_bytes: int | None = None,
        start_method: str | None = None,
        warm_up: Callable[[], object] | None = None,
    ) -> None:
        self.memory_limit = memory_limit
        self.warm_up = warm_up
        methods = multiprocessing.get_all_start_methods()
        self.start_method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        self.max_bytes = max_bytes
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        """The executor, with a worker that is up and warm (started here when there is none)."""
        if self._executor is None:
            ctx = multiprocessing.get_context(self.start_method)
            if self.start_method == "forkserver":
                ctx.set_forkserver_preload(["flopsdb.extract.preload"])
            executor = ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),))
            try:
                executor.submit(_start_worker, self.memory_limit, self.warm_up).result(timeout=START_TIMEOUT)
            except (FutureTimeout, BrokenProcessPool) as exc:
                self._executor = executor
                self._kill()
                raise PDFError(f"the parser process did not start ({type(exc).__name__})", reason="corrupt") from None
            self._executor = executor
        return self._executor

    def start(self) -> ParserPool:
        """Start the worker now (otherwise the first :meth:`parse` does, before that file's clock starts)."""
        with self._lock:
            self._pool()
        return self

    def _kill(self) -> None:
        ex = self._executor
        self._executor = None
        if ex is None:
            return
        for proc in list(getattr(ex, "_processes", {}).values()):
            try:
                proc.kill()
            except (OSError, AttributeError):
                pass
        ex.shutdown(wait=False, cancel_futures=True)

    def run(
        self, func: Callable[..., object], args: tuple[object, ...], *, timeout: float | None, name: str, doing: str = "reading the file"
    ) -> object:
        """Run ``func(*args)`` (a module-level function that returns a value or raises :class:`PDFError`) in the
        worker within ``timeout`` seconds (the worker is up before the clock starts); the value, or a PDFError:
        ``timeout``, ``corrupt`` on a crash, or the one ``func`` raised (pickled back whole, ``name`` as its paper
        when it names none)."""
        with self._lock:
            try:
                pool = self._pool()  # a worker up and warm before this file's clock starts
            except PDFError as exc:
                raise PDFError(exc.message, reason=exc.reason, paper=name) from None
            try:
                return pool.submit(func, *args).result(timeout=timeout)
            except FutureTimeout:
                self._kill()
                raise PDFError(f"{doing} took longer than {timeout:g} s; worker stopped", reason="timeout", paper=name) from None
            except BrokenProcessPool:
                self._kill()
                raise PDFError("the parser process died on this PDF (crash or memory limit)", reason="corrupt", paper=name) from None
            except PDFError as exc:
                exc.paper = exc.paper or name
                raise exc from None

    def parse(
        self, path: str | Path, *, timeout: float | None = 120.0, paper: str | None = None, tables: bool = True, max_bytes: int | None = None
    ) -> Document:
        """Parse one file in the worker; raise :class:`PDFError` (``timeout`` when it takes longer than
        ``timeout`` seconds, ``corrupt`` when the worker crashed, ``too_large`` over ``max_bytes``,
        default the pool's)."""
        limit = max_bytes if max_bytes is not None else self.max_bytes
        return cast(
            "Document", self.run(parse_contained, (str(path), paper, tables, limit), timeout=timeout, name=paper or Path(path).stem, doing="parsing")
        )

    def digest(self, path: str | Path, *, timeout: float | None = 120.0, paper: str | None = None, max_bytes: int | None = None) -> str:
        """The file's SHA-256, read in the worker (:func:`flopsdb.extract.files.pdf_digest`) within
        ``timeout`` seconds; raise :class:`PDFError` (``timeout``, ``not_regular``, ``too_large``, ...)."""
        name = paper or Path(path).stem
        limit = max_bytes if max_bytes is not None else self.max_bytes
        return cast(str, self.run(read_digest, (str(path), name, limit), timeout=timeout, name=name))

    def close(self) -> None:
        """Stop the worker."""
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    def __enter__(self) -> ParserPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: dict[Callable[[], object] | None, ParserPool] = {}
_shared_pid: int | None = None


def shared_pool(*, warm_up: Callable[[], object] | None = None) -> ParserPool:
    """The worker shared by this process (started on first use, stopped when the process ends); one per
    ``warm_up`` (:class:`ParserPool`)."""
    return _shared_pool(warm_up)


def _shared_pool(warm_up: Callable[[], object] | None = None) -> ParserPool:
    global _shared_pid
    if _shared_pid != os.getpid():
        _shared.clear()
        _shared_pid = os.getpid()
    pool = _shared.get(warm_up)
    if pool is None:
        pool = _shared[warm_up] = ParserPool(warm_up=warm_up)
        # A multiprocessing finalizer, not atexit: a worker process (e.g. of ``--workers N``) joins its
        # children before atexit handlers would run, so the parser process must be stopped first.
        multiprocessing.util.Finalize(pool, pool.close, exitpriority=100)
    return pool


def prestart(*, warm_up: Callable[[], object] | None = None) -> None:
    """Start the shared worker of ``warm_up`` (:func:`shared_pool`) in the background, so that the fork server
    imports the parsing stack while this process gets on with its own start-up (a no-op once started, and in a
    daemonic process, which parses in process)."""
    if multiprocessing.current_process().daemon:
        return
    pool = _shared_pool(warm_up)
    if pool._executor is None and not pool._lock.locked():
        threading.Thread(target=_start_quietly, args=(pool,), daemon=True, name="parser-prestart").start()


def _start_quietly(pool: ParserPool) -> None:
    try:
        pool.start()
    except PDFError:
        pass  # the next parse starts it again and reports the failure for its file


def parse_pdf_safe(
    path: str | Path,
    timeout: float | None = 120.0,
    *,
    paper: str | None = None,
    tables: bool = True,
    pool: ParserPool | None = None,
    max_bytes: int | None = None,
) -> Document:
    """``parse_pdf`` with containment: runs in ``pool`` (default: a shared worker kept for the
    process's lifetime) and raises only :class:`PDFError`; ``timeout`` None parses in this process
    (no time limit, still only PDFError); ``max_bytes`` refuses larger files (``too_large``)."""
    if pool is None and (timeout is None or multiprocessing.current_process().daemon):
        # A daemonic process (e.g. a Dask worker started with daemon=True) may not have children:
        # parse here, without the time limit, rather than fail every file.
        return parse_contained(str(path), paper, tables, max_bytes)
    return (pool or _shared_pool()).parse(path, timeout=timeout, paper=paper, tables=tables, max_bytes=max_bytes)


def pdf_digest_safe(
    path: str | Path, timeout: float | None = 120.0, *, paper: str, pool: ParserPool | None = None, max_bytes: int | None = None
) -> str:
    """The file's SHA-256 read under the time limit: in ``pool`` (default the shared worker) like
    :func:`parse_pdf_safe`; ``timeout`` None (or a daemonic process) reads it here, without a limit."""
    if pool is None and (timeout is None or multiprocessing.current_process().daemon):
        return pdf_digest(path, paper=paper, max_bytes=max_bytes)
    return (pool or _shared_pool()).digest(path, timeout=timeout, paper=paper, max_bytes=max_bytes)


def parse_many(
    paths: Iterable[str | Path], timeout: float | None = 120.0, *, tables: bool = True, pool: ParserPool | None = None
) -> Iterator[tuple[Path, Document | PDFError]]:
    """Parse every file; yield ``(path, Document)`` or ``(path, PDFError)``. Never stops early."""
    own = pool is None
    p = pool or ParserPool()
    try:
        for path in paths:
            try:
                yield Path(path), p.parse(path, timeout=timeout, tables=tables)
            except PDFError as exc:
                yield Path(path), exc
    finally:
        if own:
            p.close()
