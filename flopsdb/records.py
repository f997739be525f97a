"""The wiring behind ``flopsdb records``: read curated facts and paper metadata, build model records, store them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from flopsdb.core.catalog import Catalog, load_catalog
from flopsdb.core.ids import arxiv_id_year, unversioned
from flopsdb.db.records import read_imported_years, read_paper_meta, read_pdf_paths, read_record_facts, read_records, store_records
from flopsdb.db.runs import recording
from flopsdb.db.store import Connection, Store
from flopsdb.scaling.dating import imported_year, own_model_names
from flopsdb.scaling.records import ModelRecord, build_records


def pdf_year(path: str | Path) -> int | None:
    """The year of a PDF's ``CreationDate`` (``D:20170412...``), else of its ``ModDate``; None when neither is set
    or the file cannot be read. It dates the version the PDF is, not the paper's first version."""
    try:
        doc = pdfium.PdfDocument(str(path))
        try:
            meta = doc.get_metadata_dict()
        finally:
            doc.close()
    except (pdfium.PdfiumError, OSError):
        return None
    for key in ("CreationDate", "ModDate"):
        m = re.match(r"D:(\d{4})", meta.get(key) or "")
        if m and 1980 <= int(m.group(1)) <= 2100:
            return int(m.group(1))
    return None


def paper_years(
    meta: dict[str, dict[str, Any]], facts: list[dict[str, Any]], imported: list[dict[str, Any]], pdfs: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Date the papers ``meta`` (from :func:`read_paper_meta`) leaves undated, in order: the year a dated arXiv id
    encodes (``arxiv_id``); a match of the paper's own models to Thompson's or Epoch's rows (``thompson`` / ``epoch``,
    :func:`flopsdb.scaling.dating.imported_year`); the PDF's date (``pdf``); else a reason naming every step tried."""
    by_paper: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        by_paper.setdefault(unversioned(str(f["paper"])), []).append(f)
    for pid in [p for p, m in meta.items() if m.get("year") is None]:
        if (id_year := arxiv_id_year(pid)) is not None:
            meta[pid] = {"year": id_year, "year_source": "arxiv_id"}
            continue
        matched = imported_year(own_model_names(by_paper.get(pid, [])), imported)
        if matched.get("year") is not None:
            meta[pid] = matched
            continue
        pdf = pdfs.get(pid)
        year = pdf_year(pdf) if pdf and Path(pdf).is_file() else None
        if year is not None:
            meta[pid] = {"year": year, "year_source": "pdf"}
            continue
        why = f"the PDF {pdf} has no readable date" if pdf else "no PDF recorded for it (import with --pdf-dir)"
        meta[pid] = {"reason": f"{meta[pid]['reason']}; the id is not a dated arXiv id; {matched['reason']}; {why}"}
    return meta


def records_from(con: Connection, *, catalog: Catalog, paper: str | None = None, utilisation: float | None = None) -> list[ModelRecord]:
    """Model records built from the curated facts in ``con`` (one paper's, or all), each paper dated by
    :func:`paper_years`."""
    facts = read_record_facts(con, paper=paper)
    meta = read_paper_meta(con, [str(f["paper"]) for f in facts])
    undated = [p for p, m in meta.items() if m.get("year") is None]
    imported = read_imported_years(con) if undated else []
    meta = paper_years(meta, facts, imported, read_pdf_paths(con, undated))
    return build_records(facts, meta, catalog=catalog, utilisation=utilisation)


def rebuild_records(store: Store, *, paper: str | None = None, catalog: Catalog | None = None) -> list[ModelRecord]:
    """Build the records from the curated facts and replace the stored ones (``model_records``) under a new run."""
    catalog = catalog or load_catalog()
    with store.connect() as con:
        records = records_from(con, catalog=catalog, paper=paper)
    with store.transaction() as con, recording(store, "records" + (f" --paper {paper}" if paper else ""), con=con) as run:
        n = store_records(con, records, run_id=run.run_id, paper=paper)
        run.counts = {"records": n, "incomplete": sum(not r.complete for r in records)}
    return records


def list_records(store: Store, *, paper: str | None = None, incomplete: bool = False, catalog: Catalog | None = None) -> list[dict[str, Any]]:
    """Rebuild, then read the stored records (one paper's, or those lacking something)."""
    rebuild_records(store, paper=paper, catalog=catalog)
    with store.connect() as con:
        return read_records(con, paper=paper, incomplete=incomplete)
