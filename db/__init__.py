"""db: the DuckDB store. The only package that speaks SQL."""

from db.runs import finish_run, last_runs, start_run
from db.store import Connection, Store, migration_names

__all__ = ["Store", "Connection", "migration_names", "start_run", "finish_run", "last_runs"]
