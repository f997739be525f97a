"""Papers per minute of the nightly's extraction step with 1, 2 and N worker processes.

Usage: python benchmarks/nightly_scale.py [PDF_DIR] [--workers 1,2,4] [--repeat 1]

Runs :func:`flopsdb.batch.extract_files` (parse, extract, store in a fresh DuckDB file) over every
PDF in PDF_DIR (default ../shared/corpus/pdfs) and prints papers/min and pages/s per worker count
beside the 1-worker baseline. Figures depend on the machine: these machines have 2 cores.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from flopsdb.batch import extract_files
from flopsdb.db.runs import start_run
from flopsdb.db.store import Store
from flopsdb.extract.pipeline import paper_id_for

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf_dir", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "pdfs"))
    parser.add_argument("--workers", default=f"1,2,{os.cpu_count() or 2}")
    args = parser.parse_args()
    pdfs = sorted(Path(args.pdf_dir).glob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"no PDFs in {args.pdf_dir}")
    counts = sorted({int(w) for w in args.workers.split(",")})
    print(f"{len(pdfs)} PDFs from {args.pdf_dir}; cores: {os.cpu_count()}")
    print(f"{'workers':>8} {'seconds':>9} {'papers/min':>11} {'pages/s':>9} {'speed-up':>9} {'failures':>9}")
    base = None
    for n in counts:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.duckdb")
            with store.transaction() as con:
                run = start_run(con, "benchmark")
            t0 = time.perf_counter()
            out = extract_files(store, [(str(p), paper_id_for(p)) for p in pdfs], run_id=run, workers=n)
            secs = time.perf_counter() - t0
        base = base or secs
        print(f"{n:>8} {secs:>9.1f} {len(pdfs) / secs * 60:>11.1f} {out.pages / secs:>9.1f} {base / secs:>8.2f}x {len(out.failures):>9}")


if __name__ == "__main__":
    main()
