"""The analyst SQL is read-only and safe; export writes Parquet/CSV."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from flopsdb.core.errors import QueryError, QueryTimeout
from flopsdb.db.export import export_tables
from flopsdb.db.sql import query_database, run_query


@pytest.fixture
def db(imported):
    return imported.path


def test_views_answer(db):
    res = run_query(
        db, "SELECT compute_source, count(*) FROM fit_inputs WHERE benchmark = 'imagenet' AND quantity = 'hardware_burden' GROUP BY ALL ORDER BY 1"
    )
    assert res.rows == [("epoch", 1), ("thompson", 11)] and not res.truncated
    res = run_query(db, "SELECT source, count(*) FROM benchmark_results GROUP BY ALL ORDER BY 1")
    assert res.rows[0][0] == "thompson"


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO runs (run_id, command, started_at) VALUES ('x', 'y', now())",
        "DELETE FROM imported_facts",
        "CREATE TABLE t (a INTEGER)",
        "DROP VIEW fit_inputs",
    ],
)
def test_writes_are_refused(db, sql):
    with pytest.raises(QueryError, match="read-only"):
        run_query(db, sql)


@pytest.mark.parametrize(
    "sql",
    [
        "COPY imported_facts TO '{out}/x.csv'",
        "ATTACH '{out}/other.duckdb' AS other",
        "SELECT * FROM read_csv('{csv}')",
        "SELECT * FROM '{csv}'",
        "SELECT * FROM glob('{out}/*')",
        "INSTALL httpfs",
        "LOAD httpfs",
    ],
)
def test_file_access_is_refused(db, fx, tmp_path, sql):
    text = sql.format(out=tmp_path, csv=fx / "prices.csv")
    with pytest.raises(QueryError, match="disabled by configuration|disabled through configuration"):
        run_query(db, text)
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "other.duckdb").exists()


@pytest.mark.parametrize("sql", ["SET enable_external_access = true", "SET threads = 1", "RESET lock_configuration"])
def test_configuration_is_locked(db, sql):
    with pytest.raises(QueryError, match="locked"):
        run_query(db, sql)


def test_runaway_query_is_interrupted(db):
    with pytest.raises(QueryTimeout, match="time limit"):
        run_query(db, "SELECT count(*) FROM range(1000000000000) t(a) WHERE a % 7 = 3", timeout=0.3)


def test_row_cap_is_applied_and_reported(db):
    res = run_query(db, "SELECT * FROM range(50)", max_rows=20)
    assert len(res.rows) == 20 and res.truncated
    res = run_query(db, "SELECT * FROM range(20)", max_rows=20)
    assert len(res.rows) == 20 and not res.truncated


def test_bad_sql_is_a_clear_error(db):
    with pytest.raises(QueryError, match="no_such_table"):
        run_query(db, "SELECT * FROM no_such_table")
    with pytest.raises(QueryError, match="empty"):
        run_query(db, "  ")


def test_published_snapshot_is_preferred(config, imported):
    assert query_database(config) == config.db_path
    config.published_path.parent.mkdir(parents=True)
    shutil.copy(config.db_path, config.published_path)
    assert query_database(config) == config.published_path


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export(db, tmp_path, fmt):
    counts = export_tables(db, tmp_path / "out", fmt=fmt)
    assert counts["imported_facts"] == 57 + 11 and counts["fit_inputs"] > 0
    path = tmp_path / "out" / f"fit_inputs.{fmt}"
    frame = pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)
    assert len(frame) == counts["fit_inputs"] and "fact_ids" in frame.columns
    assert not list((tmp_path / "out").glob(".*.tmp"))
