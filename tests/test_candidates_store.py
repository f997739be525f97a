"""Candidates go into DuckDB with their evidence and come back equal."""

from __future__ import annotations

import dataclasses

from flopsdb.db.candidates import load_candidates, record_extraction, store_candidates
from flopsdb.db.runs import start_run
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence


def _candidate(hours: float = 12.0) -> Candidate:
    ev = Evidence(page=7, bbox=Box(72.0, 100.5, 300.0, 112.0), snippet="trained the base models for a total of 12 hours", start=10, end=60)
    return Candidate(
        paper="1706.03762",
        kind="training_time",
        extractor="training_time.v1",
        evidence=ev,
        confidence=0.9,
        fields={"hours": hours, "hours_low": hours, "hours_high": hours, "scope": "wall_clock", "approx": False},
        model="Transformer (base)",
        stage="training",
        alternatives=({"hours": 288.0},),
        flags=("days_or_gpu_days",),
    )


def _record_pdf(con, run: str, path, sha: str, size: int) -> None:
    """Record ``path`` as the downloaded PDF of 1706.03762v5."""
    from flopsdb.crawler.download import Downloaded
    from flopsdb.db.downloads import record_download

    record_download(
        con,
        Downloaded(
            arxiv_id="1706.03762",
            version=5,
            kind="pdf",
            url="http://127.0.0.1/x.pdf",
            path=path,
            sha256=sha,
            bytes=size,
            content_type="application/pdf",
        ),
        run,
    )


def test_candidates_round_trip_and_are_stored_once(store) -> None:
    with store.transaction() as con:
        run = start_run(con, "test")
        assert store_candidates(con, [_candidate(), _candidate(84.0)], run_id=run) == 2
        assert store_candidates(con, [_candidate()], run_id=run) == 0
        record_extraction(con, paper="1706.03762", sha256="ab" * 32, status="ok", run_id=run, pages=15, n_candidates=2)
        record_extraction(con, paper="1706.03762", sha256="ab" * 32, status="ok", run_id=run, pages=15, n_candidates=2)
    with store.connect() as con:
        back = load_candidates(con, paper="1706.03762")
        attempts = con.execute("SELECT attempts FROM extractions").fetchone()[0]
    assert sorted(c.fields["hours"] for c in back) == [12.0, 84.0]
    original = _candidate()
    same = next(c for c in back if c.fields["hours"] == 12.0)
    assert same == original and same.candidate_id == original.candidate_id
    assert attempts == 2


def test_a_new_extractor_version_re_extracts_and_supersedes_unreviewed_candidates(store, tmp_path) -> None:
    from flopsdb.db.candidates import drop_superseded, pending_extractions

    sha = "cd" * 32
    with store.transaction() as con:
        run = start_run(con, "test")
        _record_pdf(con, run, tmp_path / "x.pdf", sha, 10)
        record_extraction(con, paper="1706.03762", sha256=sha, status="ok", run_id=run, extractors=["training_time.v1"])
        store_candidates(con, [_candidate()], run_id=run)
        assert [p[2] for p in pending_extractions(con)] == []
        assert [p[2] for p in pending_extractions(con, ["training_time.v1"])] == []
        assert [p[2] for p in pending_extractions(con, ["training_time.v2"])] == [sha]
        assert drop_superseded(con, "1706.03762", ["training_time.v1"]) == 0
        assert drop_superseded(con, "1706.03762", ["training_time.v2"]) == 1
        assert load_candidates(con, paper="1706.03762") == []


def test_the_nightly_re_extracts_a_paper_extracted_by_an_older_extractor_version(config, store, tmp_path) -> None:
    """A paper extracted by older extractors (v0) is pending again once the registry holds other versions: the nightly's
    extract step re-runs it, replaces the unreviewed v0 candidates, records the current versions and then rests."""
    import hashlib
    import importlib.util
    from dataclasses import replace
    from pathlib import Path

    from flopsdb.batch import extract_pending
    from flopsdb.extract.pipeline import REGISTRY

    spec = importlib.util.spec_from_file_location("make_pdf", Path(__file__).parent / "fixtures" / "extract" / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    pdf = module.write_pdf(tmp_path / "1706.03762v5.pdf")
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    old = replace(_candidate(), extractor="training_time.v0")
    assert old.extractor not in REGISTRY
    with store.transaction() as con:
        run = start_run(con, "test")
        _record_pdf(con, run, pdf, sha, pdf.stat().st_size)
        record_extraction(con, paper="1706.03762", sha256=sha, status="ok", run_id=run, extractors=[old.extractor])
        store_candidates(con, [old], run_id=run)

    first = extract_pending(config, store, run_id=run)
    assert (first.files, first.failures, first.succeeded) == (1, [], ["1706.03762v5"])
    with store.connect() as con:
        back = load_candidates(con, paper="1706.03762")
        extractors = con.execute("SELECT list_sort(extractors) FROM extractions WHERE sha256 = ?", [sha]).fetchone()[0]
    assert back and old.candidate_id not in {c.candidate_id for c in back}
    assert {c.extractor for c in back} <= set(REGISTRY) and extractors == sorted(REGISTRY)
    assert extract_pending(config, store, run_id=run).files == 0


def test_a_box_of_whole_numbers_keeps_its_candidate_id_through_the_store(store) -> None:
    """An unlocated gold quote has Box(0, 0, 0, 0) (ints); the store reads it back as DOUBLEs: one id for both."""
    ints = dataclasses.replace(_candidate(), evidence=Evidence(page=3, bbox=Box(0, 0, 0, 0), snippet="8 P100 GPUs"), flags=("unlocated",))
    floats = dataclasses.replace(ints, evidence=Evidence(page=3, bbox=Box(0.0, 0.0, 0.0, 0.0), snippet="8 P100 GPUs"))
    assert ints.candidate_id == floats.candidate_id
    with store.transaction() as con:
        store_candidates(con, [ints], run_id=start_run(con, "test"))
        stored = con.execute("SELECT candidate_id FROM candidates").fetchall()
    with store.connect() as con:
        (back,) = load_candidates(con, paper="1706.03762")
    assert stored == [(ints.candidate_id,)] and back.candidate_id == ints.candidate_id
    assert isinstance(back.evidence.bbox.x0, float)
