"""Version-pinned PDF downloads into the content-addressed cache, with per-item failure records."""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from datetime import date

import pytest
from crawler_helpers import Reply, ScriptedServer, Seen, pdf_bytes

from flopsdb.core.config import Config, load_config
from flopsdb.core.errors import DownloadError, HTTPError, NotAPDF
from flopsdb.crawl import download_pdfs
from flopsdb.crawler.download import download_pdf, download_source
from flopsdb.crawler.http import HttpClient
from flopsdb.crawler.paper import Paper
from flopsdb.db.papers import upsert_papers
from flopsdb.db.store import Store

PDF = pdf_bytes(["We trained on 8 NVIDIA V100 GPUs for 3.5 days."] * 40)
HTML = b"<!DOCTYPE html><html><body>Sorry, this article is not available.</body></html>"


def http() -> HttpClient:
    return HttpClient(user_agent="flopsdb-test", backoff=0.01, max_retries=2, timeout=5)


def ranged(body: bytes, *, truncate_first: bool = False):
    """A handler that honours ``Range: bytes=N-`` (206) and can cut its first full answer short."""
    state = {"calls": 0}

    def handle(seen: Seen) -> Reply:
        state["calls"] += 1
        rng = seen.headers.get("range")
        if rng:
            start = int(rng.split("=")[1].rstrip("-"))
            return Reply(206, body[start:], {"Content-Type": "application/pdf", "Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"})
        if truncate_first and state["calls"] == 1:
            return Reply(200, body, {"Content-Type": "application/pdf"}, action="truncate")
        return Reply(200, body, {"Content-Type": "application/pdf"})

    return handle


def test_pdf_lands_in_the_content_addressed_cache(tmp_path, server: ScriptedServer) -> None:
    server.route("/pdf/2611.90001v2", Reply(200, PDF, {"Content-Type": "application/pdf"}))
    got = download_pdf(http(), server.url + "/pdf", "2611.90001", 2, tmp_path)
    sha = hashlib.sha256(PDF).hexdigest()
    assert got.sha256 == sha and got.bytes == len(PDF)
    assert got.path == tmp_path / sha[:2] / f"{sha}.pdf" and got.path.read_bytes() == PDF
    assert not any((tmp_path / ".partial").iterdir())


def test_html_instead_of_pdf_is_rejected(tmp_path, server: ScriptedServer) -> None:
    server.route("/pdf/2611.90004v1", Reply(200, HTML, {"Content-Type": "text/html; charset=utf-8"}))
    with pytest.raises(NotAPDF, match="HTML page instead of a PDF") as info:
        download_pdf(http(), server.url + "/pdf", "2611.90004", 1, tmp_path)
    assert info.value.paper == "2611.90004v1"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_truncated_body_resumes_with_a_range_request(tmp_path, server: ScriptedServer) -> None:
    server.route("/pdf/2611.90001v2", ranged(PDF, truncate_first=True))
    got = download_pdf(http(), server.url + "/pdf", "2611.90001", 2, tmp_path)
    assert got.path.read_bytes() == PDF
    ranges = [s.headers.get("range") for s in server.seen]
    assert ranges[0] is None and ranges[1] == f"bytes={len(PDF) // 2}-"


def test_size_cap(tmp_path, server: ScriptedServer) -> None:
    server.route("/pdf/2611.90001v2", Reply(200, PDF, {"Content-Type": "application/pdf"}))
    with pytest.raises(DownloadError, match="cap"):
        download_pdf(http(), server.url + "/pdf", "2611.90001", 2, tmp_path, max_bytes=1000)


def test_missing_pdf_is_an_http_error(tmp_path, server: ScriptedServer) -> None:
    with pytest.raises(HTTPError) as info:
        download_pdf(http(), server.url + "/pdf", "2611.90009", 1, tmp_path)
    assert info.value.status == 404


def test_eprint_tarball_is_recognised(tmp_path, server: ScriptedServer) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = b"\\documentclass{article}\\begin{document}Hi\\end{document}"
        info = tarfile.TarInfo("main.tex")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    server.route("/e-print/2611.90001v2", Reply(200, buf.getvalue(), {"Content-Type": "application/gzip"}))
    server.route("/e-print/2611.90002v1", Reply(200, gzip.compress(b"\\documentclass{article}"), {"Content-Type": "application/gzip"}))
    tar_got = download_source(http(), server.url + "/e-print", "2611.90001", 2, tmp_path)
    single = download_source(http(), server.url + "/e-print", "2611.90002", 1, tmp_path)
    assert tar_got.path.name.endswith(".tar.gz") and single.path.name.endswith(".gz") and not single.path.name.endswith(".tar.gz")


def _seed(store: Store) -> None:
    papers = [
        Paper("2611.90001", 2, "Tiny Transformers", "WMT 2014 English-German BLEU", categories=("cs.CL",), first_version_date=date(2026, 11, 2)),
        Paper("2611.90004", 1, "Span Encoders", "88.1 F1 on SQuAD 1.1", categories=("cs.CL",), first_version_date=date(2026, 11, 5)),
        Paper("2611.90003", 1, "Lattice Walks", "We count walks.", categories=("math.CO",), first_version_date=date(2026, 11, 4)),
    ]
    with store.transaction() as con:
        upsert_papers(con, papers, [(True, "benchmark:WMT"), (True, "benchmark:SQuAD"), (False, "off-topic category")], "seed")


def test_download_pass_records_failures_and_goes_on(config: Config, store: Store, server: ScriptedServer) -> None:
    _seed(store)
    server.route("/pdf/2611.90001v2", Reply(200, PDF, {"Content-Type": "application/pdf"}))
    server.route("/pdf/2611.90004v1", Reply(200, HTML, {"Content-Type": "text/html"}))
    c = load_config(arxiv_pdf_url=server.url + "/pdf", max_retries=1)
    report = download_pdfs(c, store)
    assert (report.attempted, report.ok, report.failed) == (2, 1, 1) and report.status == "partial"
    assert "2611.90003v1" not in {s.path.rsplit("/", 1)[-1] for s in server.seen}
    with store.connect() as con:
        rows = con.execute("SELECT arxiv_id, status, attempts, error, sha256 FROM downloads ORDER BY 1").fetchall()
        run = con.execute("SELECT status FROM runs WHERE run_id = ?", [report.run_id]).fetchall()
    assert rows[0][:3] == ("2611.90001", "ok", 1) and rows[0][4] == hashlib.sha256(PDF).hexdigest()
    assert rows[1][:3] == ("2611.90004", "failed", 1) and "NotAPDF" in rows[1][3]
    assert run == [("partial",)]

    n = len(server.seen)
    again = download_pdfs(c, store)
    assert (again.attempted, again.ok, again.failed) == (1, 0, 1)
    assert [s.path for s in server.seen[n:]] == ["/pdf/2611.90004v1"]
    with store.connect() as con:
        assert con.execute("SELECT attempts FROM downloads WHERE arxiv_id = '2611.90004'").fetchall() == [(2,)]


def test_download_gives_up_after_max_failures(config: Config, store: Store, server: ScriptedServer) -> None:
    _seed(store)
    server.route("/pdf/2611.90001v2", Reply(200, PDF, {"Content-Type": "application/pdf"}))
    server.route("/pdf/2611.90004v1", Reply(200, HTML, {"Content-Type": "text/html"}))
    c = load_config(arxiv_pdf_url=server.url + "/pdf", max_failures=2)
    download_pdfs(c, store)
    download_pdfs(c, store)
    assert download_pdfs(c, store).attempted == 0


def test_download_by_id_ignores_relevance(config: Config, store: Store, server: ScriptedServer) -> None:
    _seed(store)
    server.route("/pdf/2611.90003v1", Reply(200, PDF, {"Content-Type": "application/pdf"}))
    c = load_config(arxiv_pdf_url=server.url + "/pdf")
    report = download_pdfs(c, store, ids=["2611.90003"])
    assert report.ok == 1 and [s.path for s in server.seen] == ["/pdf/2611.90003v1"]


def test_a_trickling_download_is_cut_off_and_resumed_later(tmp_path, server: ScriptedServer) -> None:
    server.route("/pdf/2611.90001v2", Reply(200, PDF, {"Content-Type": "application/pdf"}, action="trickle"))
    with pytest.raises(DownloadError, match="too slow"):
        download_pdf(http(), server.url + "/pdf", "2611.90001", 2, tmp_path, max_seconds=0.35)
    (part,) = (tmp_path / ".partial").iterdir()
    kept = part.stat().st_size
    assert 0 < kept < len(PDF)
    server.route("/pdf/2611.90001v2", ranged(PDF))
    got = download_pdf(http(), server.url + "/pdf", "2611.90001", 2, tmp_path)
    assert got.path.read_bytes() == PDF and not part.exists()
    assert server.seen[-1].headers["range"] == f"bytes={kept}-"
