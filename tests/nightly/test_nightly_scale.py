"""Parallel and distributed extraction give the same database as one process."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flopsdb.batch import extract_files
from flopsdb.core.config import Config
from flopsdb.db.runs import start_run
from flopsdb.db.store import Store
from flopsdb.distributed import backfill
from flopsdb.extract.pipeline import paper_id_for
from flopsdb.sample_server import sample_dir

PDFS = sorted((sample_dir() / "pdf").glob("*.pdf"))


def _rows(path: Path) -> tuple[list[tuple], list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cands = con.execute("SELECT candidate_id, paper, kind, fields FROM candidates ORDER BY 1").fetchall()
        outs = con.execute("SELECT paper, status, split_part(reason, ':', 1) FROM extractions ORDER BY 1").fetchall()
        return cands, outs
    finally:
        con.close()


def _extract(path: Path, workers: int) -> tuple[list[tuple], list[tuple]]:
    store = Store(path)
    with store.transaction() as con:
        run = start_run(con, "test")
    out = extract_files(store, [(str(p), paper_id_for(p)) for p in PDFS], run_id=run, workers=workers)
    assert out.files == len(PDFS) and len(out.failures) == 1
    return _rows(path)


def test_worker_processes_store_what_one_process_stores(tmp_path: Path) -> None:
    one = _extract(tmp_path / "one.duckdb", 1)
    two = _extract(tmp_path / "two.duckdb", 2)
    assert one == two
    assert one[0], "the sample produced no candidates"
    assert ("2611.00005", "failed") in {(p, s) for p, s, _ in one[1]}


def test_dask_local_cluster_backfill_loads_parquet_shards(config: Config, tmp_path: Path) -> None:
    store = Store(config.db_path)
    report = backfill(config, store, [sample_dir() / "pdf"], workers=2, shard_dir=tmp_path / "shards")
    assert report.files == len(PDFS) and [f[0] for f in report.failures] == ["2611.00005"]
    shards = sorted(p.name for p in (tmp_path / "shards").glob("*.parquet"))
    assert sum(n.endswith(".outcome.parquet") for n in shards) == len(PDFS)
    assert _rows(config.db_path) == _extract(tmp_path / "reference.duckdb", 1)
    again = backfill(config, store, [sample_dir() / "pdf"], workers=2, shard_dir=tmp_path / "shards")
    assert again.candidates == 0, "a re-run must not add candidates"


def test_worker_processes_exit_when_the_parent_already_has_a_parser_pool(tmp_path: Path) -> None:
    """A process that parsed before (and so owns the shared parser process) then forks --workers:
    each worker gets a parser of its own and must stop it when it exits, or the batch hangs."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(f"""
        from pathlib import Path
        from flopsdb.db.runs import start_run
        from flopsdb.db.store import Store
        from flopsdb.extract.robust import parse_pdf_safe
        from flopsdb.batch import extract_files
        pdfs = {[str(p) for p in PDFS]!r}
        parse_pdf_safe(pdfs[0])
        store = Store(Path({str(tmp_path / "x.duckdb")!r}))
        with store.transaction() as con:
            run = start_run(con, "test")
        out = extract_files(store, [(p, Path(p).stem) for p in pdfs], run_id=run, workers=2)
        print(out.files, len(out.failures))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(len(PDFS)), "1"]


def test_the_nightly_extracts_in_the_warm_pool_in_job_order(tmp_path: Path) -> None:
    """The nightly's batch runs the warm guarded pool of ``flopsdb extract`` (``extract.pipeline.extract_files``):
    its own process imports none of the parsing stack (the workers forked from the fork server parse and
    extract), and outcomes are stored in the jobs' order as they come back."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from flopsdb.db.runs import start_run
        from flopsdb.db.store import Store
        from flopsdb.batch import extract_files
        from flopsdb.extract.pipeline import paper_id_for
        pdfs = {[str(p) for p in reversed(PDFS)]!r}
        store = Store(Path({str(tmp_path / "x.duckdb")!r}))
        with store.transaction() as con:
            run = start_run(con, "test")
        out = extract_files(store, [(p, paper_id_for(p)) for p in pdfs], run_id=run, workers=2)
        print(",".join(out.succeeded))
        print(",".join(m for m in ("spacy", "pypdfium2", "pdfplumber", "thinc") if m in sys.modules) or "-")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    succeeded, heavy = done.stdout.split()
    expected = [paper_id_for(p) for p in reversed(PDFS) if paper_id_for(p) != "2611.00005"]
    assert succeeded.split(",") == expected
    assert heavy == "-", f"the nightly's own process imported {heavy}"
