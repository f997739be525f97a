"""The wiring behind ``flopsdb records``: read curated facts and paper metadata, build model records, store them."""

from __future__ import annotations

from typing import Any

from flopsdb.db.records import read_paper_meta, read_record_facts, read_records, store_records
from flopsdb.db.runs import finish_run, start_run
from flopsdb.db.store import Connection, Store
from flopsdb.extract.catalog import Catalog, load_catalog
from flopsdb.scaling.records import ModelRecord, build_records

__all__ = ["records_from", "rebuild_records", "list_records"]


def records_from(con: Connection, *, catalog: Catalog, paper: str | None = None,
                 utilisation: float | None = None) -> list[ModelRecord]:
    """Model records built from the curated facts in ``con`` (one paper's, or all)."""
    facts = read_record_facts(con, paper=paper)
    meta = read_paper_meta(con, [str(f["paper"]) for f in facts])
    return build_records(facts, meta, catalog=catalog, utilisation=utilisation)


def rebuild_records(store: Store, *, paper: str | None = None, catalog: Catalog | None = None) -> list[ModelRecord]:
    """Build the records from the curated facts and replace the stored ones (``model_records``) under a new run."""
    catalog = catalog or load_catalog()
    with store.connect() as con:
        records = records_from(con, catalog=catalog, paper=paper)
    with store.transaction() as con:
        run_id = start_run(con, "records" + (f" --paper {paper}" if paper else ""))
        n = store_records(con, records, run_id=run_id, paper=paper)
        finish_run(con, run_id, counts={"records": n, "incomplete": sum(not r.complete for r in records)})
    return records


def list_records(store: Store, *, paper: str | None = None, incomplete: bool = False,
                 catalog: Catalog | None = None) -> list[dict[str, Any]]:
    """Rebuild, then read the stored records (one paper's, or those lacking something)."""
    rebuild_records(store, paper=paper, catalog=catalog)
    with store.connect() as con:
        return read_records(con, paper=paper, incomplete=incomplete)
