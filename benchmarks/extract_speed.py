"""Speed and memory of PDF extraction over a folder of PDFs (default: ../shared/corpus/pdfs).

First, as a user sees it: the whole-process wall clock of ``flopsdb extract`` on a batch of papers
(default: the first 6 of the validate half of ../shared/corpus2/pdfs, unseen when tuning), start-up
included, run as a subprocess with the guarded parser (default) and in process (``--timeout 0``),
beside plain pdfplumber (``extract_text`` + ``extract_tables`` per page, in this process, its import
not counted) and pypdfium2 text on the same batch in the same run. Target: whole process at least 5x
pdfplumber.

Then, over the folder, pages per second by wall clock and by CPU time of this one process (the
per-core figure, fairer on a shared machine), for:

* ``flopsdb extract`` end to end: ``extract.pipeline.extract_file`` (parse + every extractor), when
  that module is installed, parsing in this process (``timeout=None``: the one-core figure), and again
  with the default guarded worker process (its CPU time is the worker's, so only wall clock counts);
* ``parse_pdf`` alone (pypdfium2 text, layout, sentences, tables);
* plain pdfplumber: ``extract_text`` and ``extract_tables`` on every page (the baseline);
* pypdfium2 text only: ``get_textpage`` + ``get_text_range`` on every page (the floor);

and the peak resident memory of extracting the largest PDF (bytes) and the longest (pages), each in a
fresh subprocess (``ru_maxrss``).
Targets: at least 25 pages/s end to end on one core, under 1 GB peak.

Example:
    python benchmarks/extract_speed.py                     # the batch, then the whole corpus
    python benchmarks/extract_speed.py --batch-only        # the whole-process batch figures only
    python benchmarks/extract_speed.py ../shared/corpus/pdfs --plumber-pages 60
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

__all__ = ["main", "measure"]

TARGET_PAGES_PER_S = 25.0
TARGET_PEAK_MB = 1024.0
TARGET_PROCESS_SPEEDUP = 5.0
BATCH = 6


def measure(label: str, files: list[Path], run: Callable[[Path], int]) -> dict[str, object]:
    """Run ``run`` on every file (it returns the pages it handled) and time it."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    pages = 0
    failures = 0
    for f in files:
        try:
            pages += run(f)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports failures and goes on
            failures += 1
            print(f"  {label}: {f.name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "label": label,
        "pages": pages,
        "files": len(files),
        "failures": failures,
        "wall_s": wall,
        "cpu_s": cpu,
        "pages_per_s_wall": pages / wall if wall else 0.0,
        "pages_per_s_cpu": pages / cpu if cpu else 0.0,
    }


def _end_to_end(in_process: bool) -> Callable[[Path], int] | None:
    """``extract_file`` per file; ``in_process`` parses in this process (``timeout=None``) so that
    this process's CPU time is the whole cost on one core."""
    try:
        from flopsdb.extract.pipeline import extract_file
    except ImportError:
        return None
    import inspect

    kwargs = {"timeout": None} if in_process and "timeout" in inspect.signature(extract_file).parameters else {}

    def run(path: Path) -> int:
        outcome = extract_file(path, **kwargs)
        if outcome.status != "ok":
            raise RuntimeError(outcome.error)
        return int(outcome.pages)

    return run


def _parse_only(path: Path) -> int:
    from flopsdb.extract.pdf import parse_pdf

    return len(parse_pdf(path).pages)


def _pdfplumber(limit: int | None) -> Callable[[Path], int]:
    import pdfplumber

    budget = [limit if limit is not None else 10**9]

    def run(path: Path) -> int:
        n = 0
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                if budget[0] <= 0:
                    break
                page.extract_text()
                page.extract_tables()
                page.close()
                budget[0] -= 1
                n += 1
        return n

    return run


def _pdfium_text(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


_PEAK = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
path = {path!r}
try:
    from flopsdb.extract.pipeline import extract_file
    try:
        outcome = extract_file(path, timeout=None)
    except TypeError:
        outcome = extract_file(path)
    pages, mode = outcome.pages, "extract_file"
except ImportError:
    from flopsdb.extract.pdf import parse_pdf
    pages, mode = len(parse_pdf(path).pages), "parse_pdf"
print(json.dumps({{"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "pages": pages, "mode": mode}}))
"""


def peak_memory(path: Path) -> dict[str, object]:
    """Peak RSS (MB) of extracting ``path`` in a fresh Python process."""
    out = subprocess.run([sys.executable, "-c", _PEAK.format(root=str(ROOT), path=str(path))], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def batch_files(folder: Path, n: int = BATCH) -> list[Path]:
    """The first ``n`` PDFs of ``folder`` (by name) in the validate half: papers the rules were not tuned on."""
    from flopsdb.core.ids import half_of
    from flopsdb.extract.pipeline import paper_id_for

    return [p for p in sorted(folder.glob("*.pdf")) if half_of(paper_id_for(p)) == "validate"][:n]


def _flopsdb() -> list[str]:
    """The ``flopsdb`` console script beside this interpreter (the installed command a user runs)."""
    script = Path(sys.executable).parent / "flopsdb"
    found = script if script.exists() else shutil.which("flopsdb")
    if found is None:
        raise SystemExit("extract_speed: the flopsdb command is not installed (pip install -e .)")
    return [str(found)]


def whole_process(label: str, files: list[Path], pages: int, extra: list[str]) -> dict[str, object]:
    """Wall clock of one ``flopsdb extract`` process over ``files`` (start-up, imports, parser worker
        included); its peak memory is the largest of the process and its children, its CPU time that of the whole tree
    (the command, the fork server, every worker: :data:`_TREE`), beside pdfplumber's CPU time on a busy machine."""
    wall0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _TREE, *_flopsdb(), "extract", *extra, *map(str, files)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    info = json.loads(out.stdout.strip().splitlines()[-1])
    wall = time.perf_counter() - wall0 - info["reap_s"]
    return {
        "label": label,
        "pages": pages,
        "files": len(files),
        "failures": int(info["rc"] != 0),
        "wall_s": wall,
        "cpu_s": info["cpu_s"],
        "pages_per_s_wall": pages / wall,
        "pages_per_s_cpu": pages / info["cpu_s"] if info["cpu_s"] else 0.0,
        "maxrss_mb": info["maxrss_mb"],
    }


_TREE = """
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: the fork server and its workers are reaped here
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
exited = time.perf_counter()
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": r.returncode, "maxrss_mb": use.ru_maxrss / 1024, "cpu_s": use.ru_utime + use.ru_stime,
                  "reap_s": time.perf_counter() - exited}))
"""
"""Runs one command and reports its exit status, and for the whole process tree (the command, the parser's fork
server and every worker, reaped here as a subreaper) the CPU time and the largest peak memory; ``reap_s`` is the
time spent waiting for the tree after the command exited (not part of its wall clock)."""


def batch_report(files: list[Path], plumber_pages: int | None = None) -> dict[str, object]:
    """The whole-process figures on ``files``, beside pdfplumber and pypdfium2 in the same run."""
    import pdfplumber  # noqa: F401 - imported before the clock starts (the baseline's start-up is not counted)
    import pypdfium2  # noqa: F401

    pages = sum(_pdfium_text(f) for f in files)
    print(f"batch: {len(files)} papers, {pages} pages: {', '.join(f.name for f in files)}")
    runs = [
        whole_process("flopsdb extract (whole process)", files, pages, []),
        whole_process("flopsdb extract --timeout 0 (process)", files, pages, ["--timeout", "0"]),
        measure("pdfplumber text+tables (baseline)", files, _pdfplumber(plumber_pages)),
        measure("pypdfium2 text only", files, _pdfium_text),
    ]
    plumber = runs[2]["pages_per_s_wall"]
    for r in runs:
        note = ""
        if r["label"].startswith("flopsdb"):
            ratio = r["pages_per_s_wall"] / plumber if plumber else 0.0
            by_cpu = runs[2]["cpu_s"] / r["cpu_s"] if r["cpu_s"] else 0.0
            note = (
                f"  {ratio:.1f}x pdfplumber (target >= {TARGET_PROCESS_SPEEDUP:g}x: {'MET' if ratio >= TARGET_PROCESS_SPEEDUP else 'not met'}),"
                f" {by_cpu:.1f}x by CPU time of the process tree ({r['cpu_s']:.2f} s), peak {r['maxrss_mb']:.0f} MB"
            )
        print(_line(r, note))
    return {"files": [f.name for f in files], "pages": pages, "runs": runs}


def _line(r: dict[str, object], note: str = "") -> str:
    return f"{r['label']:<34} {r['pages']:>5} pages {r['wall_s']:>7.1f} s wall {r['pages_per_s_wall']:>7.1f} pages/s wall {r['pages_per_s_cpu']:>7.1f} pages/s cpu  failures {r['failures']}{note}"


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "folder", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "pdfs"), help="folder of PDFs (default ../shared/corpus/pdfs)"
    )
    ap.add_argument("--plumber-pages", type=int, default=None, help="time pdfplumber on at most this many pages (default: every page)")
    ap.add_argument(
        "--batch-folder",
        default=str(ROOT.parent / "shared" / "corpus2" / "pdfs"),
        help="where the whole-process batch comes from (default ../shared/corpus2/pdfs)",
    )
    ap.add_argument("--batch", type=int, default=BATCH, help=f"papers in the whole-process batch (default {BATCH}; 0: skip)")
    ap.add_argument("--batch-only", action="store_true", help="only the whole-process batch figures")
    ap.add_argument("--json", action="store_true", help="also print the figures as one JSON object")
    args = ap.parse_args(argv)
    batch = None
    if args.batch:
        chosen = batch_files(Path(args.batch_folder), args.batch)
        if chosen:
            batch = batch_report(chosen, args.plumber_pages)
        else:
            print(f"no PDFs for the batch in {args.batch_folder}", file=sys.stderr)
        if args.batch_only:
            if args.json:
                print(json.dumps({"batch": batch}))
            return 0 if batch else 1
    folder = Path(args.folder)
    files = sorted(folder.glob("*.pdf"))
    if not files:
        print(f"no PDFs in {folder}", file=sys.stderr)
        return 1
    print(f"{len(files)} PDFs in {folder}; targets: >= {TARGET_PAGES_PER_S:g} pages/s end to end on one core, < {TARGET_PEAK_MB:g} MB peak")
    from flopsdb.extract.pdf import parse_pdf
    from flopsdb.extract.sentences import split_sentences

    split_sentences("Warm up the splitter. It is cached.")
    parse_pdf(files[0])
    results = []
    e2e = _end_to_end(in_process=True)
    if e2e is not None:
        e2e(files[0])
        results.append(measure("flopsdb extract (end to end)", files, e2e))
        guarded = _end_to_end(in_process=False)
        assert guarded is not None
        guarded(files[0])
        results.append(measure("  same, parse in worker (wall only)", files, guarded))
    else:
        print("flopsdb extract (end to end): extract.pipeline is not installed; parse only below")
    results.append(measure("parse_pdf only", files, _parse_only))
    results.append(measure("pypdfium2 text only", files, _pdfium_text))
    results.append(measure("pdfplumber text+tables (baseline)", files, _pdfplumber(args.plumber_pages)))
    for r in results:
        note = ""
        if r["label"].startswith("flopsdb extract"):
            note = f"  (target >= {TARGET_PAGES_PER_S:g} pages/s cpu: {'MET' if r['pages_per_s_cpu'] >= TARGET_PAGES_PER_S else 'not met'})"
        print(_line(r, note))
    import pypdfium2 as pdfium

    def n_pages(p: Path) -> int:
        doc = pdfium.PdfDocument(str(p))
        try:
            return len(doc)
        finally:
            doc.close()

    largest = max(files, key=lambda p: p.stat().st_size)
    longest = max(files, key=n_pages)
    peaks = []
    for kind, path in (("largest", largest), ("longest", longest)):
        if kind == "longest" and path == largest:
            continue
        peak = {**peak_memory(path), "file": path.name, "which": kind}
        peaks.append(peak)
        status = "TARGET MET" if peak["maxrss_mb"] < TARGET_PEAK_MB else "over target"
        print(
            f"peak memory ({peak['mode']}) on the {kind} PDF {path.name} ({path.stat().st_size / 1e6:.1f} MB, {peak['pages']} pages): {peak['maxrss_mb']:.0f} MB  {status}"
        )
    if args.json:
        print(json.dumps({"batch": batch, "runs": results, "peaks": peaks}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
