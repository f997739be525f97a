"""Gold import time: ``flopsdb review import annotations/gold --format annotations`` into a fresh DuckDB file, then
the same import again (idempotent: no new verdict), whole processes, wall clock.

With ``../shared/corpus/pdfs`` present the quotes' boxes are searched in the PDFs (``--pdf-dir``), as the
documented gold path does. Target: under 60 s for the 73 gold files on these machines.

Run: python benchmarks/gold_import.py [--gold annotations/gold] [--no-pdfs]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDFS = ROOT.parent / "shared" / "corpus" / "pdfs"
TARGET_S = 60.0


def timed_import(home: Path, gold: Path, pdfs: Path | None) -> tuple[float, str]:
    """Seconds of one ``review import`` process and its last output line."""
    cmd = [str(Path(sys.executable).parent / "flopsdb"), "review", "import", str(gold), "--format", "annotations"] + (
        ["--pdf-dir", str(pdfs)] if pdfs else []
    )
    start = time.perf_counter()
    out = subprocess.run(cmd, env={**os.environ, "FLOPSDB_HOME": str(home)}, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, (out.stdout.strip().splitlines() or [""])[-1]


def main() -> None:
    """Print the first and the repeated import's wall clock beside the target."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=ROOT / "annotations" / "gold")
    ap.add_argument("--no-pdfs", action="store_true")
    args = ap.parse_args()
    pdfs = None if args.no_pdfs or not PDFS.is_dir() else PDFS
    with tempfile.TemporaryDirectory() as tmp:
        for label in ("first import", "second import"):
            secs, line = timed_import(Path(tmp), args.gold, pdfs)
            print(f"{label}: {secs:.1f} s ({line}); target < {TARGET_S:.0f} s: {'met' if secs < TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
