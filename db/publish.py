"""Publishing: a consistent snapshot of the live database, swapped in atomically for analysts.

While this holds the live file (so no other process writes), it checkpoints it and copies it to a
temporary file beside the snapshot, then renames that over the snapshot. Readers that have the old
snapshot open keep reading it; new readers get the new one; no reader ever blocks a writer.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flopsdb.db.store import Store

__all__ = ["publish"]


def publish(store: Store, target: Path) -> Path:
    """Write a snapshot of ``store`` to ``target`` atomically; return ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with store.connect() as con:
        con.execute("CHECKPOINT")
        shutil.copyfile(store.path, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target
