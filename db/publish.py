"""Publishing: a consistent snapshot of the live database for analysts, without credentials.

While this holds the live file (so no other process writes), it builds a fresh database beside the
snapshot: the same migrations, then every table's rows copied over, except the accounts tables
(``CREDENTIAL_TABLES``: users and their password hashes, sessions, sign-in attempts), which stay empty. Because the
snapshot is a new file and not a copy, no deleted page of the live file travels with it. The new file
is then renamed over the snapshot: readers that have the old snapshot open keep reading it, new
readers get the new one, and no reader ever blocks a writer.
"""

from __future__ import annotations

import os
from pathlib import Path

from flopsdb.db.store import Connection, Store, scalar

CREDENTIAL_TABLES: frozenset[str] = frozenset({"users", "sessions", "login_attempts"})
_SKIP = CREDENTIAL_TABLES | {"schema_migrations"}


def _tables(con: Connection, database: str) -> set[str]:
    return {
        r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'", [database]).fetchall()
    }


def publish(store: Store, target: Path) -> Path:
    """Write a credential-free snapshot of ``store`` to ``target`` atomically; return ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    wal = tmp.with_name(tmp.name + ".wal")
    for leftover in (tmp, wal):
        leftover.unlink(missing_ok=True)
    try:
        Store(tmp).migrate()
        with store.connect() as con:
            con.execute("ATTACH '{}' AS snapshot".format(str(tmp).replace("'", "''")))
            try:
                live, made = _tables(con, scalar(con, "SELECT current_database()")), _tables(con, "snapshot")
                con.execute("BEGIN TRANSACTION")
                for table in sorted(live - _SKIP):
                    if table in made:
                        con.execute(f'INSERT INTO snapshot."{table}" BY NAME SELECT * FROM main."{table}"')
                    else:
                        con.execute(f'CREATE TABLE snapshot."{table}" AS SELECT * FROM main."{table}"')
                con.execute("COMMIT")
                con.execute("CHECKPOINT snapshot")
            finally:
                con.execute("DETACH snapshot")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, wal):
            leftover.unlink(missing_ok=True)
    return target
