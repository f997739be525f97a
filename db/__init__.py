"""db: the DuckDB store. The only package that speaks SQL."""

from flopsdb.db.runs import Run, finish_run, last_runs, recording, start_run
from flopsdb.db.store import Connection, Store, migration_names

__all__ = ["Store", "Connection", "migration_names", "start_run", "finish_run", "last_runs", "recording", "Run"]
