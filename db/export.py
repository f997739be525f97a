"""``flopsdb export``: the curated dataset and the scaling views as Parquet or CSV files, one per relation."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flopsdb.core.errors import StoreError
from flopsdb.db.store import Store, scalar

EXPORT_RELATIONS: tuple[str, ...] = (
    "papers",
    "curated_facts",
    "imported_facts",
    "compute_estimates",
    "benchmark_results",
    "fit_inputs",
    "forward_ops_inputs",
    "pwc_results",
    "model_records",
)


def export_tables(db_path: str | Path, out_dir: str | Path, *, fmt: str = "parquet", relations: tuple[str, ...] = EXPORT_RELATIONS) -> dict[str, int]:
    """Write each relation to ``out_dir/<relation>.<fmt>`` (read-only on the database); returns rows per file.

    Relations missing from the database are skipped; a file is written to a temporary name first and
    renamed, so a failed export never leaves a half-written file under the final name.
    """
    if fmt not in ("parquet", "csv"):
        raise StoreError(f"unknown export format {fmt!r}; use parquet or csv")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with Store(db_path, read_only=True).connect() as con:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        for name in relations:
            if name not in present:
                continue
            target = out / f"{name}.{fmt}"
            tmp = out / f".{name}.{fmt}.tmp"
            option = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER true)"
            try:
                con.execute(f"COPY (SELECT * FROM {name}) TO '{tmp.as_posix()}' {option}")
            except duckdb.Error as exc:
                tmp.unlink(missing_ok=True)
                raise StoreError(f"cannot export {name}: {exc}") from exc
            tmp.replace(target)
            counts[name] = scalar(con, f"SELECT count(*) FROM {name}")
    return counts
