"""Model records in DuckDB: the facts they are built from, the papers' metadata, and the ``model_records`` table.

db sits left of scaling, so it takes ``scaling.records.ModelRecord`` by shape (:class:`RecordLike`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from flopsdb.core.ids import VersionedId, unversioned
from flopsdb.db.facts import _dicts, _insert
from flopsdb.db.store import Connection


class RecordLike(Protocol):
    """A model record (``scaling.records.ModelRecord`` has this shape)."""

    paper: str
    model_key: str
    names: list[str]
    year: int | None
    year_source: str | None
    year_reason: str | None
    venue: str | None
    parameters: float | None
    compute: dict[str, dict[str, Any]]
    missing: list[str]
    fact_ids: list[str]

    @property
    def record_id(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...


def read_record_facts(con: Connection, *, paper: str | None = None) -> list[dict[str, Any]]:
    """Curated facts with their candidates' model links (``model_key``, ``scope``, ``headline``) and quote (``snippet``),
    ``fields`` decoded.

    A fact whose model a reviewer changed (the record screen's *move*, or a corrected model name) is linked to that
    model alone: its ``scope`` is ``model`` whatever the extractor's link was."""
    sql = (
        "SELECT c.fact_id, c.paper, c.kind, c.model, c.stage, c.fields, c.page, k.model_key,"
        " CASE WHEN c.model IS NOT NULL AND c.model IS DISTINCT FROM k.model THEN 'model' ELSE k.scope END AS scope,"
        " k.headline, k.snippet FROM curated_facts c JOIN candidates k ON k.candidate_id = c.candidate_id"
    )
    params: list[Any] = []
    if paper:
        sql += " WHERE k.paper_id = ?"
        params.append(unversioned(paper))
    rows = _dicts(con.execute(sql + " ORDER BY c.paper, c.fact_id", params))
    for r in rows:
        r["fields"] = json.loads(r["fields"]) if isinstance(r["fields"], str) else (r["fields"] or {})
    return rows


def read_paper_meta(con: Connection, papers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Year, venue and domain per paper id (without version) from arXiv metadata (the ``papers`` row), else a
    reason why there is none. Keys are the ids as given, versions dropped."""
    ids = sorted({unversioned(p) for p in papers})
    out: dict[str, dict[str, Any]] = {}
    if not ids:
        return out
    rows = _dicts(
        con.execute(
            "SELECT arxiv_id, CAST(year(first_version_date) AS INTEGER) AS year, journal_ref, categories"
            " FROM papers WHERE list_contains(?, arxiv_id)",
            [ids],
        )
    )
    for r in rows:
        if r["year"] is not None:
            out[r["arxiv_id"]] = {
                "year": r["year"],
                "year_source": "arxiv",
                "venue": r["journal_ref"],
                "domain": "language" if "cs.CL" in (r["categories"] or []) else None,
            }
        else:
            out[r["arxiv_id"]] = {"reason": f"papers row of {r['arxiv_id']} has no first version date"}
    for p in ids:
        out.setdefault(p, {"reason": f"no arXiv metadata for {p} (the paper was not crawled)"})
    return out


def read_imported_years(con: Connection) -> list[dict[str, Any]]:
    """Every model name an imported dataset (Thompson et al., Epoch AI) dates: ``source``, ``model``, ``year`` (the
    publication year the row gives), ``paper`` and ``entry_id``, one row per distinct combination."""
    return _dicts(
        con.execute(
            "SELECT DISTINCT source, model, year, paper, min(entry_id) AS entry_id FROM imported_facts"
            " WHERE year IS NOT NULL AND model IS NOT NULL AND source IN ('thompson', 'epoch') GROUP BY ALL ORDER BY ALL"
        )
    )


def read_pdf_paths(con: Connection, papers: Sequence[str]) -> dict[str, str]:
    """The PDF each paper's candidates were extracted from (paper id without version -> path), where recorded."""
    ids = sorted({unversioned(p) for p in papers})
    rows = con.execute(
        "SELECT paper_id, max(pdf_path) FROM candidates WHERE pdf_path IS NOT NULL AND list_contains(?, paper_id) GROUP BY 1", [ids]
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def store_records(con: Connection, records: Sequence[RecordLike], *, run_id: str, paper: str | None = None) -> int:
    """Replace the stored records (all of them, or one paper's) with ``records``; returns how many were written."""
    if paper:
        con.execute("DELETE FROM model_records WHERE paper_id = ?", [unversioned(paper)])
    else:
        con.execute("DELETE FROM model_records")
    cols = (
        "record_id",
        "paper",
        "model_key",
        "names",
        "year",
        "year_source",
        "year_reason",
        "venue",
        "parameters",
        "flop_thompson",
        "flop_epoch",
        "missing",
        "fact_ids",
        "record",
        "run_id",
        "paper_id",
    )
    values = [
        [
            r.record_id,
            r.paper,
            r.model_key,
            list(r.names),
            r.year,
            r.year_source,
            r.year_reason,
            r.venue,
            r.parameters,
            (r.compute.get("thompson") or {}).get("flop"),
            (r.compute.get("epoch") or {}).get("flop"),
            list(r.missing),
            list(r.fact_ids),
            json.dumps(r.to_json(), default=str),
            run_id,
            VersionedId.split(r.paper)[0],
        ]
        for r in records
    ]
    if values:
        _insert(con, "model_records", cols, values)
    return len(values)


def read_records(con: Connection, *, paper: str | None = None, incomplete: bool = False) -> list[dict[str, Any]]:
    """Stored records (optionally one paper's, or only those lacking something), ``record`` decoded."""
    sql, params = "SELECT * FROM model_records WHERE true", []
    if paper:
        sql += " AND paper_id = ?"
        params.append(unversioned(paper))
    if incomplete:
        sql += " AND len(missing) > 0"
    rows = _dicts(con.execute(sql + " ORDER BY paper, model_key", params))
    for r in rows:
        r["record"] = json.loads(r["record"]) if isinstance(r["record"], str) else r["record"]
    return rows
