"""Distributed extraction on Dask: the same :func:`flopsdb.batch.extract_one` on a cluster.

Each task extracts one PDF and writes two Parquet shards named by the file's sha256
(``<sha>.candidates.parquet`` and ``<sha>.outcome.parquet``) into a folder every worker can reach;
the client then loads all shards into DuckDB in one transaction (``db.shards``). Re-running is safe:
shards are overwritten by identical content and candidates are keyed by content.

With no scheduler address a ``LocalCluster`` of worker processes runs on this machine; with
``tcp://host:8786`` the work goes to an existing cluster (``dask scheduler`` on one host,
``dask worker tcp://host:8786`` on each of the others, all with flopsdb installed). Start the workers
with ``DASK_DISTRIBUTED__WORKER__DAEMON=False`` so that each can run the parser in a child process with
a per-file time limit; on daemonic workers files are parsed in the worker itself, without that limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from flopsdb.batch import extract_one
from flopsdb.core.config import Config
from flopsdb.core.failures import ItemFailure
from flopsdb.db.candidates import candidate_row, pending_extractions
from flopsdb.db.runs import recording
from flopsdb.db.shards import load_shards
from flopsdb.db.store import Store
from flopsdb.extract.files import DEFAULT_MAX_BYTES
from flopsdb.extract.pipeline import REGISTRY, paper_id_for
from flopsdb.extraction import pdf_files

_s, _f, _i = pa.string(), pa.float64(), pa.int64()
CANDIDATE_SCHEMA = pa.schema(
    [
        ("candidate_id", _s),
        ("paper", _s),
        ("kind", _s),
        ("extractor", _s),
        ("model", _s),
        ("stage", _s),
        ("page", _i),
        ("x0", _f),
        ("top", _f),
        ("x1", _f),
        ("bottom", _f),
        ("span_start", _i),
        ("span_end", _i),
        ("snippet", _s),
        ("confidence", _f),
        ("fields", _s),
        ("alternatives", _s),
        ("flags", pa.list_(_s)),
        ("pdf_sha256", _s),
        ("pdf_path", _s),
        ("model_key", _s),
        ("scope", _s),
        ("headline", pa.bool_()),
        ("headline_reason", _s),
        ("paper_id", _s),
        ("paper_version", _i),
        ("extractor_name", _s),
        ("extractor_version", _i),
    ]
)
"""The Parquet schema of candidate shards: the ``candidates`` table's columns without the run id."""
OUTCOME_SCHEMA = pa.schema(
    [
        ("paper", _s),
        ("pdf_path", _s),
        ("sha256", _s),
        ("status", _s),
        ("reason", _s),
        ("pages", _i),
        ("seconds", _f),
        ("extractors", pa.list_(_s)),
        ("n_candidates", _i),
    ]
)
"""The Parquet schema of outcome shards: one row per file, the ``extractions`` table's columns."""


@dataclass
class BackfillReport:
    """What a backfill did."""

    run_id: str
    files: int = 0
    candidates: int = 0
    pages: int = 0
    shard_dir: Path | None = None
    failures: list[ItemFailure] = field(default_factory=list)

    def summary(self) -> str:
        """One line per fact worth knowing."""
        lines = [
            f"backfill {self.run_id}: {self.files} file(s), {self.pages} page(s), {self.candidates} new candidate(s), "
            f"{len(self.failures)} failure(s); shards in {self.shard_dir}"
        ]
        lines += [f"  FAILED {f.item}: {f.reason}" for f in self.failures]
        return "\n".join(lines)


def extract_to_shards(path: str, paper: str, shard_dir: str, timeout: float = 120.0, max_bytes: int | None = DEFAULT_MAX_BYTES) -> dict[str, object]:
    """The Dask task: extract one PDF (a regular file of at most ``max_bytes``) and write its candidate and
    outcome shards; return a small summary."""
    result = extract_one(path, paper, timeout=timeout, max_bytes=max_bytes)
    out = Path(shard_dir)
    out.mkdir(parents=True, exist_ok=True)
    key = result.sha256 or f"unreadable-{paper}"
    rows = [candidate_row(c, pdf_sha256=result.sha256, pdf_path=result.path) for c in result.candidates]
    cand_path = out / f"{key}.candidates.parquet"
    if rows:
        pq.write_table(pa.Table.from_pylist(rows, schema=CANDIDATE_SCHEMA), cand_path)
    outcome = {
        "paper": result.paper,
        "pdf_path": result.path,
        "sha256": result.sha256 or key,
        "status": result.status,
        "reason": None if result.ok else f"{result.reason}: {result.error}",
        "pages": result.pages,
        "seconds": result.seconds,
        "extractors": list(result.extractors),
        "n_candidates": len(rows),
    }
    pq.write_table(pa.Table.from_pylist([outcome], schema=OUTCOME_SCHEMA), out / f"{key}.outcome.parquet")
    return {
        "paper": result.paper,
        "ok": result.ok,
        "reason": f"{result.reason}: {result.error}",
        "pages": result.pages or 0,
        "candidates": str(cand_path) if rows else None,
        "outcome": str(out / f"{key}.outcome.parquet"),
    }


def backfill(
    config: Config,
    store: Store,
    paths: Sequence[Path] = (),
    *,
    scheduler: str | None = None,
    workers: int = 2,
    shard_dir: Path | None = None,
    pending: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BackfillReport:
    """Extract ``paths`` (files, folders or glob patterns) or, with ``pending``, every downloaded PDF not yet
    extracted, on a Dask cluster, and load the shards into the store. ``progress(done, total)`` is called as
    files finish."""
    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    with recording(store, "backfill") as run:
        run_id = run.run_id
        with store.connect() as con:
            jobs = [(path, a) for a, _, _, path in pending_extractions(con, tuple(REGISTRY))] if pending else []
        jobs += [(str(p.resolve()), paper_id_for(p)) for p in pdf_files(paths)]
        shard_dir = (shard_dir or config.home / "shards" / run_id).resolve()
        report = BackfillReport(run_id=run_id, shard_dir=shard_dir)
        cluster = None
        if not scheduler:
            with dask.config.set({"distributed.worker.daemon": False}):
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        try:
            with Client(scheduler or cluster) as client:
                futures = [
                    client.submit(extract_to_shards, path, paper, str(shard_dir), config.extract_timeout, config.max_pdf_bytes, pure=False)
                    for path, paper in jobs
                ]
                if progress is not None:
                    progress(0, len(futures))
                    for done, _ in enumerate(as_completed(futures), 1):
                        progress(done, len(futures))
                results = client.gather(futures)
        finally:
            if cluster is not None:
                cluster.close()
        report.files = len(results)
        report.pages = sum(int(r["pages"]) for r in results)
        report.failures = [ItemFailure("extract", str(r["paper"]), str(r["reason"])) for r in results if not r["ok"]]
        with store.transaction() as con:
            report.candidates = load_shards(
                con,
                [Path(str(r["candidates"])) for r in results if r["candidates"]],
                [Path(str(r["outcome"])) for r in results],
                run_id=run_id,
            )
        run.status = "partial" if report.failures else "ok"
        run.counts = {"files": report.files, "candidates": report.candidates, "failures": len(report.failures)}
    return report
