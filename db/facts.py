"""Imported facts and compute estimates in DuckDB, and the inputs of fits.

db sits left of scaling, so it takes the scaling stage's values by shape (the Protocols below, read-only so that frozen dataclasses match).

Imported facts (Thompson et al., Epoch AI) are stored with their source file and row and are never
human-confirmed (a CHECK constraint enforces it). Re-importing a file replaces that file's rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from flopsdb.core.failures import ItemFailure
from flopsdb.core.ids import VersionedId
from flopsdb.db.store import Connection


class FactRecord(Protocol):
    """An imported fact (``scaling.importers.ImportedFact`` has this shape; db does not import scaling)."""

    @property
    def fact_id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def source_file(self) -> str: ...
    @property
    def source_row(self) -> int: ...
    @property
    def entry_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def fields(self) -> Mapping[str, Any]: ...
    @property
    def paper(self) -> str | None: ...
    @property
    def model(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...
    @property
    def benchmark(self) -> str | None: ...
    @property
    def domain(self) -> str | None: ...


class EstimateRecord(Protocol):
    """A compute estimate (``scaling.compute.ComputeEstimate``)."""

    @property
    def flop(self) -> float: ...
    @property
    def flop_low(self) -> float: ...
    @property
    def flop_high(self) -> float: ...
    @property
    def method(self) -> str: ...
    @property
    def convention(self) -> str: ...
    @property
    def quantity(self) -> str: ...
    @property
    def fact_ids(self) -> Sequence[str]: ...
    @property
    def assumptions(self) -> Mapping[str, Any]: ...


class EntryEstimate(Protocol):
    """An estimate tied to its entry (``scaling.importers.EstimateRow``)."""

    @property
    def entry_id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def estimate(self) -> EstimateRecord: ...


class BatchRecord(Protocol):
    """What an importer produced (``scaling.importers.ImportBatch``)."""

    @property
    def source(self) -> str: ...
    @property
    def files(self) -> Sequence[str]: ...
    @property
    def facts(self) -> Sequence[FactRecord]: ...
    @property
    def estimates(self) -> Sequence[EntryEstimate]: ...
    @property
    def failures(self) -> Sequence[ItemFailure]: ...


_FACT_COLS = (
    "fact_id",
    "source",
    "source_file",
    "source_row",
    "entry_id",
    "kind",
    "paper",
    "paper_id",
    "paper_version",
    "model",
    "year",
    "benchmark",
    "domain",
    "fields",
    "run_id",
)
_EST_COLS = (
    "estimate_id",
    "entry_id",
    "source",
    "paper",
    "paper_id",
    "paper_version",
    "model",
    "year",
    "domain",
    "quantity",
    "flop",
    "flop_low",
    "flop_high",
    "method",
    "convention",
    "fact_ids",
    "assumptions",
    "run_id",
)


def estimate_id(entry_id: str, est: EstimateRecord) -> str:
    """The stable id of an estimate: entry, quantity, convention, method, and ``published`` for figures as published."""
    base = f"{entry_id}:{est.quantity}:{est.convention}:{est.method}"
    return base + ":published" if est.assumptions.get("as_published") else base


def _paper_columns(paper: str | None) -> tuple[str | None, int | None]:
    """``(paper_id, paper_version)`` of a fact's paper as :meth:`VersionedId.split` gives them (both None without one)."""
    return VersionedId.split(paper) if paper is not None else (None, None)


def _fact_row(f: FactRecord, run_id: str) -> list[Any]:
    return [
        f.fact_id,
        f.source,
        f.source_file,
        f.source_row,
        f.entry_id,
        f.kind,
        f.paper,
        *_paper_columns(f.paper),
        f.model,
        f.year,
        f.benchmark,
        f.domain,
        json.dumps(f.fields, default=str),
        run_id,
    ]


def store_import(con: Connection, batch: BatchRecord, *, run_id: str) -> dict[str, int]:
    """Store an import batch (facts, estimates, failures with reasons), replacing earlier imports of the same
    source files. Returns counts."""
    for name in batch.files:
        con.execute(
            "DELETE FROM compute_estimates WHERE entry_id IN (SELECT entry_id FROM imported_facts WHERE source = ? AND source_file = ?)",
            [batch.source, name],
        )
        con.execute("DELETE FROM imported_facts WHERE source = ? AND source_file = ?", [batch.source, name])
    if batch.facts:
        _insert(con, "imported_facts", _FACT_COLS, [_fact_row(f, run_id) for f in batch.facts])
    if batch.failures:
        _insert(
            con,
            "import_failures",
            ("source", "source_file", "source_row", "reason", "run_id"),
            [[batch.source, x.source_file, x.source_row, x.reason, run_id] for x in batch.failures],
        )
    meta = {f.entry_id: f for f in batch.facts}
    n_est = store_estimates(con, batch.estimates, run_id=run_id, meta=meta)
    return {"facts": len(batch.facts), "estimates": n_est, "failures": len(batch.failures)}


def store_estimates(
    con: Connection,
    rows: Iterable[EntryEstimate],
    *,
    run_id: str,
    meta: Mapping[str, FactRecord] | None = None,
    info: dict[str, dict[str, Any]] | None = None,
    replace_source: str | None = None,
) -> int:
    """Insert or replace compute estimates; ``meta``/``info`` give each entry's paper, model, year and domain.
    With ``replace_source``, that source's earlier estimates are dropped first (in the caller's transaction)."""
    if replace_source is not None:
        con.execute("DELETE FROM compute_estimates WHERE source = ?", [replace_source])
    values = []
    for row in rows:
        f = (meta or {}).get(row.entry_id)
        extra = (info or {}).get(row.entry_id, {})
        e = row.estimate
        paper = f.paper if f else extra.get("paper")
        values.append(
            [
                estimate_id(row.entry_id, e),
                row.entry_id,
                row.source,
                paper,
                *_paper_columns(paper),
                f.model if f else extra.get("model"),
                f.year if f else extra.get("year"),
                f.domain if f else extra.get("domain"),
                e.quantity,
                e.flop,
                e.flop_low,
                e.flop_high,
                e.method,
                e.convention,
                list(e.fact_ids),
                json.dumps(e.assumptions, default=str),
                run_id,
            ]
        )
    if values:
        _insert(con, "compute_estimates", _EST_COLS, values, replace=True)
    return len(values)


def _insert(con: Connection, table: str, columns: Sequence[str], values: list[list[Any]], *, replace: bool = False) -> None:
    import pandas as pd  # on demand (issue 12)

    frame = pd.DataFrame(values, columns=list(columns))
    con.register("_flopsdb_rows", frame)
    try:
        cols = ", ".join(columns)
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM _flopsdb_rows")
    finally:
        con.unregister("_flopsdb_rows")


def _dicts(cur: Any) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def read_fit_inputs(
    con: Connection, *, quantity: str, compute_sources: Sequence[str], conventions: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Rows of the ``fit_inputs`` view for one compute quantity from the given compute sources.

    Each row: benchmark, metric, value, result_source, compute_source, entry_id, paper, model, year,
    domain, quantity, convention, method, flop, flop_low, flop_high, estimate_id, fact_ids, match.
    """
    sql = "SELECT * FROM fit_inputs WHERE quantity = ? AND list_contains(?, compute_source) AND value IS NOT NULL AND flop > 0"
    params: list[Any] = [quantity, list(compute_sources)]
    if conventions:
        sql += " AND list_contains(?, convention)"
        params.append(list(conventions))
    return _dicts(con.execute(sql + " ORDER BY entry_id, match, estimate_id", params))


def read_fine_tuning_only(con: Connection) -> dict[str, str]:
    """The compute estimates that are a fine-tuning alone (``assumptions.fine_tuning_only``, set by the Epoch importer:
    the base model's compute not added, or a published figure below the base's): estimate id -> why."""
    rows = con.execute(
        "SELECT estimate_id, json_extract_string(assumptions, '$.fine_tuning_only') FROM compute_estimates"
        " WHERE json_extract_string(assumptions, '$.fine_tuning_only') IS NOT NULL"
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def read_forward_ops_inputs(con: Connection, *, sources: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of the ``forward_ops_inputs`` view (a result and the operations per forward pass of its entry) from the
    given sources; the same columns as :func:`read_fit_inputs`, ``quantity`` ``forward_ops``."""
    sql = "SELECT * FROM forward_ops_inputs WHERE list_contains(?, compute_source) AND value IS NOT NULL AND flop > 0"
    return _dicts(con.execute(sql + " ORDER BY entry_id", [list(sources)]))


def read_benchmark_results(con: Connection, *, sources: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Rows of the ``benchmark_results`` view (all sources, or those given)."""
    if sources:
        return _dicts(con.execute("SELECT * FROM benchmark_results WHERE list_contains(?, source) AND value IS NOT NULL", [list(sources)]))
    return _dicts(con.execute("SELECT * FROM benchmark_results WHERE value IS NOT NULL"))
