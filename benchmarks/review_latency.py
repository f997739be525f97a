"""Review latency: time from a verdict key to the next item painted, in a real browser (Debian's chromium).

Builds a queue of ``--n`` candidates (default 1,000) in a fresh DuckDB file: real candidates from the
extract stage on corpus PDFs when ``../shared`` is present (repeated under versioned extractor names
to reach the size), else from the test fixture PDF. Starts the real review server, signs in, presses
``a`` for ``--verdicts`` items and prints p50/p95 beside the 150 ms target. The page records each
latency itself (keydown to the second animation frame after the next item is rendered). The page shows
the next item from its buffer of prefetched, leased items and sends the verdict in the background, so
the benchmark also prints the time from the key to the server's confirmation of the verdict, and the
server-side breakdown seen by the browser (Resource Timing of ``POST /api/verdict``, of the outbox's batches
``POST /api/verdicts`` and of ``GET /api/queue``: request sent to response received) and how many keys found
the page's buffer empty. ``--screenshot PATH`` also saves the review page on the first item.

An annotator reads each item before pressing a key; ``--think-ms`` (default 400 ms, faster than any
real reader) models that, and ``--think-ms 0`` shows the worst case of keys pressed back to back
(the buffer then drains as fast as the keys come and refills from the server).

Run: python benchmarks/review_latency.py [--n 1000] [--verdicts 150] [--think-ms 0,400] [--screenshot docs/review.png]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "curation"))

TARGET_MS = 150.0
CORPUS = ROOT.parent / "shared" / "corpus" / "pdfs"
PAPERS = ["1706.03762", "1512.00567", "1611.05431", "1804.09541", "2004.10934", "1906.08237"]


def build_queue(home: Path, n: int, cache: Path | None = None):
    """A migrated store in ``home`` with ``n`` candidates; returns (config, store, source description).
    With ``cache``: copy that database when it exists (a queue built by an earlier run), else save the
    new one there."""
    os.environ["FLOPSDB_HOME"] = str(home)
    import shutil

    from flopsdb.core.config import load_config
    from flopsdb.db.store import Store
    from flopsdb.review import review_store

    config = load_config()
    if cache is not None and cache.exists():
        config.db_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(cache, config.db_path)
        store = Store(config.db_path)
        store.migrate()
        return config, store, f"the queue cached in {cache}"
    store = Store(config.db_path)
    store.migrate()
    if CORPUS.is_dir():
        import csv

        from flopsdb.crawler.paper import Paper
        from flopsdb.db.papers import upsert_papers
        from flopsdb.db.runs import start_run
        from flopsdb.extract.pipeline import extract_file

        manifest = {r["arxiv_id"]: r for r in csv.DictReader((CORPUS.parent / "MANIFEST.tsv").open(), delimiter="\t")}
        with store.transaction() as con:
            run = start_run(con, "benchmark")
            upsert_papers(
                con, [Paper(arxiv_id=p, version=1, title=manifest[p]["title"], source="file") for p in PAPERS], [(True, "corpus")] * len(PAPERS), run
            )
        base = []
        for p in PAPERS:
            out = extract_file(CORPUS / f"{p}.pdf")
            base += [(c, out.path) for c in out.candidates]
        source = f"{len(base)} real candidates from {len(PAPERS)} corpus papers (extract stage)"
    else:
        from conftest import fixture_candidates

        base = fixture_candidates(copies=1)
        source = f"{len(base)} fixture candidates (../shared absent)"
    items = []
    k = 0
    while len(items) < n:
        for c, path in base:
            if len(items) >= n:
                break
            items.append((dataclasses.replace(c, extractor=f"{c.extractor}+rep{k}") if k else c, path))
        k += 1
    rs = review_store(config, store)
    rs.add_candidates(items, command="benchmark")
    rs.add_user("bench", "annotator", "bench-password")
    if cache is not None:
        with store.connect() as con:
            con.execute("CHECKPOINT")
        shutil.copy(config.db_path, cache)
    return config, store, source


def _pcts(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=100)
    return f"p50 {statistics.median(values):6.1f} ms   p95 {q[94]:6.1f} ms   (n={len(values)})"


# The page's own timings of its API requests (Resource Timing: request start to response end).
_TIMINGS = """(from) => performance.getEntriesByType('resource').slice(from).map((e) => [e.name, e.duration])"""


def _summary(paints: list[float], think_ms: int, n: int) -> str:
    q = statistics.quantiles(paints, n=100)
    p50, p95 = statistics.median(paints), q[94]
    return (
        f"{think_ms:4d} ms think, {len(paints)} verdicts on a queue of {n}: p50 {p50:6.1f} ms   p95 {p95:6.1f} ms"
        f"   max {max(paints):6.1f} ms   target p95 <= {TARGET_MS:.0f} ms   {'OK' if p95 <= TARGET_MS else 'OVER TARGET'}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="queue size")
    ap.add_argument("--verdicts", type=int, default=150, help="verdicts to time per think time")
    ap.add_argument(
        "--think-ms",
        default="400",
        help="pause between seeing an item and pressing the key; several"
        " values separated by commas are run one after the other on the same queue (e.g. 0,400)",
    )
    ap.add_argument("--screenshot", type=Path, default=None, help="save a screenshot of the first item here")
    ap.add_argument(
        "--queue-cache", type=Path, default=None, help="reuse the queue database saved here by an earlier run (built and saved when missing)"
    )
    args = ap.parse_args()
    thinks = [int(v) for v in str(args.think_ms).split(",") if v.strip()]
    if args.n < args.verdicts * len(thinks) + 10:
        sys.exit(f"--n {args.n} is too small for {args.verdicts} verdicts x {len(thinks)} think times")
    if not Path("/usr/bin/chromium").exists():
        sys.exit("needs /usr/bin/chromium (apt-get install -y chromium)")
    from conftest import CHROMIUM_ARGS, LiveServer
    from playwright.sync_api import sync_playwright

    from flopsdb.review import build_app

    results: list[tuple[int, list[float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        config, store, source = build_queue(Path(tmp) / "home", args.n, args.queue_cache)
        print(f"queue: {args.n} candidates built from {source} in {time.perf_counter() - t:.1f} s")
        with LiveServer(build_app(config, store)) as live, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            # The page's CSP forbids eval, which Playwright's wait_for_function needs.
            page = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True).new_page()
            page.goto(live.url + "/login")
            page.fill("input[name=name]", "bench")
            page.fill("input[name=password]", "bench-password")
            page.keyboard.press("Enter")
            page.wait_for_function("window.__review && window.__review.ready === true")
            page.wait_for_function("document.getElementById('crop').complete")
            if args.screenshot:
                page.wait_for_timeout(300)
                page.screenshot(path=str(args.screenshot), full_page=True)
                print(f"screenshot: {args.screenshot}")
            page.evaluate("performance.setResourceTimingBufferSize(100000)")
            # The buffered page counts items shown; a page that waits for each verdict counts verdicts.
            counter = "shown" if page.evaluate("'shown' in window.__review") else "verdicts"
            done = 0
            for think in thinks:
                start = len(page.evaluate("window.__review.paints"))
                confirmed = len(page.evaluate("window.__review.confirms || []"))
                timed = len(page.evaluate(_TIMINGS, 0))
                dry = page.evaluate("window.__review.dry || 0")
                for _ in range(args.verdicts):
                    page.wait_for_timeout(think)
                    page.keyboard.press("a")
                    page.wait_for_function(f"window.__review.{counter} > {done}")
                    done += 1
                page.wait_for_function(f"window.__review.verdicts >= {done}", timeout=120_000)
                page.wait_for_timeout(100)
                paints = page.evaluate("window.__review.paints")[start:]
                results.append((think, paints))
                print("  " + _summary(paints, think, args.n) if len(paints) > 1 else f"  {think} ms: too few verdicts")
                confirms = page.evaluate("window.__review.confirms || []")[confirmed:]
                if confirms:
                    print(f"      key -> verdict confirmed by the server: {_pcts(confirms)}")
                entries = page.evaluate(_TIMINGS, timed)
                for label, part in (
                    ("POST /api/verdict", "/api/verdict"),
                    ("POST /api/verdicts (batch)", "/api/verdicts"),
                    ("GET /api/queue", "/api/queue"),
                ):
                    print(f"      {label} round trip: {_pcts([d for name, d in entries if name.split('?')[0].endswith(part)])}")
                if "dry" in page.evaluate("Object.keys(window.__review)"):
                    print(f"      keys that found the buffer empty: {page.evaluate('window.__review.dry') - dry} of {args.verdicts}")
            errors = page.evaluate("window.__review.errors")
            browser.close()
        from flopsdb.review import review_store

        counts = review_store(config, store).queue_counts()
    print("verdict key -> next item painted:")
    for think, paints in results:
        if len(paints) > 1:
            print("  " + _summary(paints, think, args.n))
    print(f"  curated facts after the run: {counts['curated']}; page errors: {len(errors)} {errors[:3]}")


if __name__ == "__main__":
    main()
