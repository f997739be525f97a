"""Versioned ids are formatted and parsed in one place (``flopsdb.core.ids``), and kept as two columns in the store."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb
import pytest

from flopsdb.core.ids import VersionedId, split_version, unversioned, versioned
from flopsdb.crawler.download import pdf_url
from flopsdb.db.store import Store, migration_names
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence


def test_versioned_ids_round_trip() -> None:
    assert versioned("1706.03762", 5) == "1706.03762v5" == VersionedId("1706.03762", 5).arxiv()
    assert split_version("1706.03762v5") == ("1706.03762", 5)
    assert split_version("hep-th/9901001v12") == ("hep-th/9901001", 12)
    assert split_version(versioned("2611.00004", 1)) == ("2611.00004", 1)
    assert split_version("hep-th/9901001", default=1) == ("hep-th/9901001", 1)
    with pytest.raises(ValueError, match="has no version"):
        split_version("1706.03762")
    assert pdf_url("http://127.0.0.1:9/pdf/", "1706.03762", 5) == "http://127.0.0.1:9/pdf/1706.03762v5"


PAPERS = ["1706.03762v5", "1706.03762", " 1706.03762v12 ", "hep-th/9901001v2", "solv-int/9901001"]
EXTRACTORS = ["hardware.v2", "result_table.v12", "gold", "training_time.v1"]


def _store_at(path: Path, last: str) -> Store:
    """A database made by the schema up to migration ``last`` (as a release before the next one left it)."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)")
    for name in migration_names():
        if name > last:
            break
        con.execute((resources.files("flopsdb.db") / "migrations" / f"{name}.sql").read_text(encoding="utf-8"))
        con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
    con.close()
    return Store(path)


def test_the_split_migration_fills_old_rows_the_way_versioned_id_splits(tmp_path: Path) -> None:
    store = _store_at(tmp_path / "old.duckdb", "0075_model_records")
    rows = [(f"c{i}", paper, EXTRACTORS[i % len(EXTRACTORS)]) for i, paper in enumerate(PAPERS)]
    con = duckdb.connect(str(store.path))
    assert con.execute("SELECT max(name) FROM schema_migrations").fetchone() == ("0075_model_records",)
    con.executemany(
        "INSERT INTO candidates (candidate_id, paper, kind, extractor, page, confidence, fields, run_id) VALUES (?, ?, 'hardware', ?, 1, 1.0, '{}', 'r')",
        rows,
    )
    con.execute("INSERT INTO papers (arxiv_id, version, title, run_id) VALUES ('1706.03762', 5, 'Attention', 'r')")
    con.execute(
        "INSERT INTO model_records (record_id, paper, model_key, names, missing, fact_ids, record, run_id)"
        " VALUES ('1706.03762v5:t', '1706.03762v5', 't', [], [], [], '{}', 'r')"
    )
    con.close()
    assert store.migrate() == [n for n in migration_names() if n > "0075_model_records"]
    with store.connect() as con:
        got = {
            r[0]: r[1:]
            for r in con.execute("SELECT candidate_id, paper_id, paper_version, extractor_name, extractor_version FROM candidates").fetchall()
        }
        records = con.execute("SELECT paper_id FROM model_records").fetchall()
        titled = con.execute("SELECT count(*) FROM candidates c JOIN papers p ON p.arxiv_id = c.paper_id").fetchone()
    for cid, paper, extractor in rows:
        assert got[cid] == (*VersionedId.split(paper), *VersionedId.split(extractor))
        assert got[cid][0] == unversioned(paper)
    assert got["c1"] == ("1706.03762", None, "result_table", 12) and got["c2"] == ("1706.03762", 12, "gold", None)
    assert records == [("1706.03762",)] and titled == (3,)


def test_stored_candidates_carry_their_id_and_version_apart(tmp_path: Path) -> None:
    from flopsdb.db.candidates import candidate_row

    for paper in PAPERS:
        for extractor in EXTRACTORS:
            cand = Candidate(
                paper=paper.strip(),
                kind="parameters",
                extractor=extractor,
                evidence=Evidence(1, Box(0, 0, 1, 1), "x"),
                confidence=1.0,
                fields={"count": 1.0},
            )
            row = candidate_row(cand)
            assert (row["paper_id"], row["paper_version"]) == VersionedId.split(paper)
            assert (row["extractor_name"], row["extractor_version"]) == VersionedId.split(extractor)


def test_the_facts_migration_fills_old_rows_the_way_versioned_id_splits_and_the_views_join_on_them(tmp_path: Path) -> None:
    last = "0100_login_failures"
    store = _store_at(tmp_path / "old.duckdb", last)
    papers = [*PAPERS, "Inception-v4, Inception-ResNet and the impact of residual connections", "Deep Residual Learning", None]
    con = duckdb.connect(str(store.path))
    assert con.execute("SELECT max(name) FROM schema_migrations").fetchone() == (last,)
    con.executemany(
        "INSERT INTO imported_facts (fact_id, source, source_file, source_row, entry_id, kind, paper, model, benchmark, fields, run_id)"
        " VALUES (?, 'thompson', 'f.csv', ?, ?, 'result', ?, 'Transformer (big)', 'wmt14-en-de', '{\"metric\": \"BLEU\", \"value\": 28.4}', 'r')",
        [(f"t{i}", i + 1, f"thompson:wmt:{i}", paper) for i, paper in enumerate(papers)],
    )
    con.executemany(
        "INSERT INTO compute_estimates (estimate_id, entry_id, source, paper, model, quantity, flop, method, convention, fact_ids, run_id)"
        " VALUES (?, ?, ?, ?, 'Transformer (big)', 'compute', 2.3e19, 'reported', 'epoch', [], 'r')",
        [("e1", "epoch:1", "epoch", "1706.03762"), ("e2", "epoch:2", "epoch", "hep-th/9901001v2"), ("e3", "epoch:3", "epoch", None)],
    )
    con.execute(
        "INSERT INTO candidates (candidate_id, paper, paper_id, paper_version, kind, extractor, page, confidence, fields, run_id)"
        " VALUES ('c1', '1706.03762v5', '1706.03762', 5, 'result', 'result_table.v12', 1, 1.0, '{}', 'r')"
    )
    con.execute(
        "INSERT INTO review_events (event_id, candidate_id, annotator, action, outcome, after, source, created_at)"
        " VALUES ('ev1', 'c1', 'ann', 'accept', 'keep',"
        ' \'{"fields": {"dataset": "wmt14-en-de", "metric": "BLEU", "value": 28.4}, "model": "Transformer (big)"}\','
        " 'web', now())"
    )
    con.execute("INSERT INTO papers (arxiv_id, version, title, first_version_date, run_id) VALUES ('1706.03762', 5, 'Attention', '2017-06-12', 'r')")
    before = con.execute("SELECT count(*) FROM fit_inputs WHERE match <> 'entry'").fetchone()
    con.close()
    assert store.migrate() == [n for n in migration_names() if n > last]
    with store.connect() as con:
        facts = {r[0]: r[1:] for r in con.execute("SELECT paper, paper_id, paper_version FROM imported_facts WHERE paper IS NOT NULL").fetchall()}
        nulls = con.execute("SELECT paper_id, paper_version FROM imported_facts WHERE paper IS NULL").fetchall()
        estimates = con.execute("SELECT estimate_id, paper_id, paper_version FROM compute_estimates ORDER BY 1").fetchall()
        curated = con.execute("SELECT paper, paper_id, paper_version, year FROM benchmark_results WHERE source = 'curated'").fetchall()
        joined = con.execute("SELECT entry_id, paper, compute_source, match FROM fit_inputs WHERE match <> 'entry' ORDER BY 1, 2").fetchall()
    for paper in papers:
        if paper is not None:
            assert facts[paper] == VersionedId.split(paper)
    assert nulls == [(None, None)]
    assert estimates == [("e1", "1706.03762", None), ("e2", "hep-th/9901001", 2), ("e3", None, None)]
    assert curated == [("1706.03762v5", "1706.03762", 5, 2017)]
    assert {(e, p) for e, p, _, _ in joined} == {
        ("curated:1706.03762v5:Transformer (big)", "1706.03762v5"),
        ("thompson:wmt:0", "1706.03762v5"),
        ("thompson:wmt:1", "1706.03762"),
        ("thompson:wmt:2", " 1706.03762v12 "),
        ("thompson:wmt:3", "hep-th/9901001v2"),
    }
    assert before == (3,) and {m for _, _, s, m in joined} == {"name"} and {s for _, _, s, _ in joined} == {"epoch"}
