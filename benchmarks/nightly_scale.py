"""A night at scale: the real nightly over N OAI-PMH records served locally, with 1 and 2 workers.

Usage: python benchmarks/nightly_scale.py [PDF_DIR ...] [--papers 1000] [--page-size 250] [--workers 1,2]

A local server plays arXiv: ``--papers`` records in OAI-PMH ``ListRecords`` pages of ``--page-size`` joined by
resumption tokens, a quarter of them relevant (a tracked category and a tracked benchmark in the abstract; the
others are off-topic or name no benchmark), and the relevant ones' PDFs served from the PDF folders (default
../shared/corpus/pdfs and ../shared/corpus2/pdfs) round robin, each under its own arXiv id. For each worker count
the whole night (``flopsdb.nightly.run_nightly``: crawl, download, extract, enqueue, publish) runs in a fresh
home with ``arxiv_delay = 0``; the politeness delay a real night adds (one request every 3 s to arXiv) is
printed apart. Prints time and peak memory (resident set of this process and all its children, sampled every
0.2 s) per step, the database size, and papers per minute. Target: the night under 30 minutes on 2 cores,
politeness delay apart. Figures depend on the machine and its load: the load average is printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

import psutil

from flopsdb.core.config import ARXIV_MIN_DELAY, load_config
from flopsdb.nightly import run_nightly
from flopsdb.sample_server import LocalServer, QuietHandler

ROOT = Path(__file__).resolve().parents[1]
TARGET_MINUTES = 30.0
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    '<responseDate>2026-12-03T05:00:00Z</responseDate><request verb="ListRecords" metadataPrefix="arXivRaw">'
    "http://oaipmh.arxiv.org/oai</request><ListRecords>"
)
KINDS = (
    ("cs.CV cs.LG", "We train a convolutional network on ImageNet and report top-1 accuracy."),  # relevant
    ("math.CO", "We count planar lattice walks with small steps."),  # off-topic category
    ("cs.LG", "We prove a bound on the sample complexity of a bandit problem."),  # no tracked benchmark
    ("math.PR", "We study the mixing time of a random walk."),
)


def _record(i: int) -> str:
    cats, abstract = KINDS[i % 4]
    aid = f"2612.{i + 1:05d}"
    return (
        f"<record><header><identifier>oai:arXiv.org:{aid}</identifier><datestamp>2026-12-02</datestamp>"
        f'<setSpec>cs:cs:LG</setSpec></header><metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/">'
        f'<id>{aid}</id><submitter>Bench Mark</submitter><version version="v1"><date>Tue, 1 Dec 2026 10:00:00 GMT</date>'
        f"<size>500kb</size><source_type>D</source_type></version><title>Benchmark paper {i + 1}</title>"
        f"<authors>Bench Mark</authors><categories>{cats}</categories>"
        f"<license>http://creativecommons.org/licenses/by/4.0/</license><abstract>{escape(abstract)}</abstract>"
        "</arXivRaw></metadata></record>"
    )


class _Handler(QuietHandler):
    """OAI-PMH pages of generated records and, for the relevant quarter, a corpus PDF (state: papers, page_size,
    pdfs, oai_requests, pdf_requests)."""

    def do_GET(self) -> None:
        url = urlparse(self.path)
        srv = self.server
        if url.path.rstrip("/").endswith("/oai"):
            srv.oai_requests += 1
            token = parse_qs(url.query).get("resumptionToken", ["0"])[0]
            start = int(token)
            end = min(start + srv.page_size, srv.papers)
            body = HEAD + "".join(_record(i) for i in range(start, end))
            if end < srv.papers:
                body += f'<resumptionToken cursor="{start}" completeListSize="{srv.papers}">{end}</resumptionToken>'
            body += "</ListRecords></OAI-PMH>"
            self.send(200, body.encode(), "text/xml; charset=utf-8")
            return
        if url.path.startswith("/pdf/"):
            srv.pdf_requests += 1
            vid = url.path.rsplit("/", 1)[-1].removesuffix(".pdf")
            number = int(vid.split(".")[1].split("v")[0]) - 1
            if number % 4 == 0:
                pdf = srv.pdfs[(number // 4) % len(srv.pdfs)]
                self.send(200, pdf.read_bytes(), "application/pdf")
                return
        self.send(404, b"not found", "text/plain")


class _Memory:
    """Peak resident set of this process and all its children, per nightly step (sampled every 0.2 s)."""

    def __init__(self) -> None:
        self.step = "start"
        self.peak: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak[self.step] = max(self.peak.get(self.step, 0), total)

    def progress(self, step: str, done: int, total: int) -> None:
        self.step = step

    def __enter__(self) -> _Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def night(pdfs: list[Path], papers: int, page_size: int, workers: int) -> None:
    with LocalServer(_Handler, papers=papers, page_size=page_size, pdfs=pdfs, oai_requests=0, pdf_requests=0) as local:
        server = local.state
        with tempfile.TemporaryDirectory() as home:
            overrides = {**local.config_overrides(), "pwc_dump": ""}
            config = dataclasses.replace(load_config(env={}), home=Path(home), workers=workers, **overrides)  # type: ignore[arg-type]
            load = os.getloadavg()
            t0 = time.perf_counter()
            with _Memory() as mem:
                report = run_nightly(config, since=date(2026, 12, 1), workers=workers, progress=mem.progress)
            wall = time.perf_counter() - t0
            after = os.getloadavg()
            db_mb = config.db_path.stat().st_size / 1e6
            pub_mb = config.published_path.stat().st_size / 1e6 if config.published_path.exists() else 0.0
    if report.error:
        raise SystemExit(f"the night could not run: {report.error}")
    print(f"\nworkers {workers}: load average {load[0]:.1f} at start, {after[0]:.1f} (1 min) / {after[1]:.1f} (5 min) at the end")
    print(f"{'step':<10} {'seconds':>8} {'peak MB':>8}  counts")
    for step in report.steps:
        counts = ", ".join(f"{k} {v}" for k, v in step.counts.items())
        print(f"{step.name:<10} {step.seconds:>8.1f} {mem.peak.get(step.name, 0) / 1e6:>8.0f}  {counts}")
    extract = next(s for s in report.steps if s.name == "extract")
    files = extract.counts.get("files", 0)
    requests = server.oai_requests + server.pdf_requests
    print(
        f"night {wall:.1f} s = {wall / 60:.1f} min (target < {TARGET_MINUTES:.0f} min: {'met' if wall / 60 < TARGET_MINUTES else 'NOT met'}); "
        f"extraction {files / extract.seconds * 60 if extract.seconds else 0:.1f} papers/min, whole night {files / wall * 60:.1f} relevant papers/min; "
        f"database {db_mb:.1f} MB, published snapshot {pub_mb:.1f} MB; failures {len(report.failures)}"
    )
    print(
        f"politeness apart: {requests} requests to arXiv ({server.oai_requests} OAI pages, {server.pdf_requests} PDFs) "
        f"x {ARXIV_MIN_DELAY:g} s = {requests * ARXIV_MIN_DELAY / 60:.1f} min more on a real night"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "pdf_dir", nargs="*", default=[str(ROOT.parent / "shared" / "corpus" / "pdfs"), str(ROOT.parent / "shared" / "corpus2" / "pdfs")]
    )
    parser.add_argument("--papers", type=int, default=1000, help="OAI records in the night (a quarter relevant)")
    parser.add_argument("--page-size", type=int, default=250, help="records per OAI-PMH page")
    parser.add_argument("--workers", default="1,2", help="worker counts to run the night with")
    args = parser.parse_args()
    pdfs = sorted(p for d in args.pdf_dir for p in Path(d).glob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"no PDFs in {args.pdf_dir}")
    print(
        f"{args.papers} OAI records in pages of {args.page_size}, {(args.papers + 3) // 4} relevant, PDFs round robin from "
        f"{len(pdfs)} files; cores: {os.cpu_count()}; python {sys.version.split()[0]}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    for n in sorted({int(w) for w in args.workers.split(",")}):
        night(pdfs, args.papers, args.page_size, n)


if __name__ == "__main__":
    main()
