"""Id look-ups through the arxiv package, redirected to a local server; recorded arXiv answers from ../shared."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from crawler_helpers import FIXTURES, Reply, ScriptedServer

from flopsdb.core.config import Config, load_config
from flopsdb.core.errors import ArxivErrorFeed, HTTPError
from flopsdb.crawl import lookup_papers
from flopsdb.crawler.arxiv_api import ArxivApi
from flopsdb.crawler.http import HttpClient, RateLimiter
from flopsdb.db.store import Store

ATOM = FIXTURES / "atom"


def api(server: ScriptedServer, **kw) -> ArxivApi:
    http = HttpClient(user_agent="flopsdb-test (mailto:t@example.org)", backoff=0.01, max_retries=2, timeout=5, limiter=kw.pop("limiter", None))
    return ArxivApi(http, server.url + "/api/query", pdf_base="http://pdfs/pdf", **kw)


def atom(name: str, status: int = 200) -> Reply:
    return Reply(status, (ATOM / name).read_bytes(), {"Content-Type": "application/atom+xml"})


def recorded(shared_dir: Path, stem: str) -> Reply:
    path = shared_dir / "fixtures" / "arxiv-api"
    matches = sorted(path.glob(f"{stem}_*.json"))
    if not matches:
        pytest.skip(f"recorded answer {stem} absent from {path}")
    data = json.loads(matches[0].read_text(encoding="utf-8"))
    return Reply(data["status_code"], data["body"].encode("utf-8"), {"Content-Type": "application/atom+xml"})


def test_lookup_goes_through_our_session(server: ScriptedServer) -> None:
    server.route("/api/query", atom("lookup.xml"))
    papers = api(server).lookup(["2611.90001", "2611.90002"])
    assert [p.versioned_id for p in papers] == ["2611.90001v2", "2611.90002v1"]
    first = papers[0]
    assert first.title == "Scaling Laws for Tiny Transformers" and first.authors == ("Ada Example", "Ben Sample")
    assert first.first_version_date == date(2026, 11, 2) and first.updated_date == date(2026, 11, 19)
    assert first.categories == ("cs.LG", "cs.CL") and first.source == "api" and first.pdf_url == "http://pdfs/pdf/2611.90001v2"
    seen = server.requests_to("/api/query")[0]
    assert seen.query["id_list"] == ["2611.90001,2611.90002"]
    assert seen.headers["user-agent"].startswith("flopsdb-test")


def test_error_feed_is_an_error_not_a_paper(server: ScriptedServer) -> None:
    server.route("/api/query", atom("error.xml"))
    with pytest.raises(ArxivErrorFeed, match="incorrect id format for nonsense"):
        api(server).lookup(["nonsense"])
    assert len(server.seen) == 1


def test_empty_answer_is_retried_before_it_is_believed(server: ScriptedServer) -> None:
    server.route("/api/query", atom("empty.xml"), atom("lookup.xml"))
    assert len(api(server).lookup(["2611.90001", "2611.90002"])) == 2
    assert len(server.seen) == 2
    server.route("/api/query", atom("empty.xml"))
    assert api(server, empty_retries=2).lookup(["2611.99999"]) == []


def test_truncated_feed_is_retried(server: ScriptedServer) -> None:
    body = (ATOM / "lookup.xml").read_bytes()
    server.route("/api/query", Reply(200, body[:700]), atom("lookup.xml"))
    assert len(api(server).lookup(["2611.90001", "2611.90002"])) == 2


def test_503_then_answer_with_the_shared_limiter(server: ScriptedServer) -> None:
    server.route("/api/query", Reply(503, b"busy", {"Retry-After": "0"}), atom("lookup.xml"))
    assert len(api(server, limiter=RateLimiter(0.1)).lookup(["2611.90001", "2611.90002"])) == 2


def test_persistent_429_is_a_clear_http_error(server: ScriptedServer) -> None:
    server.route("/api/query", Reply(429, b"rate limited"))
    with pytest.raises(HTTPError) as info:
        api(server).lookup(["2611.90001"])
    assert info.value.status == 429 and len(server.seen) == 3


def test_lookup_papers_stores_them(config: Config, store: Store, server: ScriptedServer) -> None:
    server.route("/api/query", atom("lookup.xml"))
    c = load_config(arxiv_api_url=server.url + "/api/query")
    report = lookup_papers(c, store, ["2611.90001", "2611.90002"])
    assert report.status == "ok" and report.new == 2 and report.relevant == 2
    with store.connect() as con:
        assert con.execute("SELECT arxiv_id, source FROM papers ORDER BY 1").fetchall() == [("2611.90001", "api"), ("2611.90002", "api")]


@pytest.mark.shared
def test_recorded_lookup(shared_dir: Path, server: ScriptedServer) -> None:
    server.route("/api/query", recorded(shared_dir, "id_1605.08386"))
    (paper,) = api(server).lookup(["1605.08386"])
    assert paper.versioned_id == "1605.08386v1" and paper.title.startswith("Heat-bath random walks")


@pytest.mark.shared
def test_recorded_two_ids_one_invalid(shared_dir: Path, server: ScriptedServer) -> None:
    server.route("/api/query", recorded(shared_dir, "id_0808.05394_1707.08567"))
    assert [p.arxiv_id for p in api(server).lookup(["0808.05394", "1707.08567"])] == ["1707.08567"]


@pytest.mark.shared
def test_recorded_error_feed_with_400(shared_dir: Path, server: ScriptedServer) -> None:
    server.route("/api/query", recorded(shared_dir, "id_abc"))
    with pytest.raises(ArxivErrorFeed, match="incorrect id format for abc"):
        api(server).lookup(["abc"])


@pytest.mark.shared
def test_recorded_empty_answer(shared_dir: Path, server: ScriptedServer) -> None:
    server.route("/api/query", recorded(shared_dir, "id_0000.0000"))
    assert api(server, empty_retries=1).lookup(["0000.0000"]) == []
    assert len(server.seen) == 2


@pytest.mark.shared
def test_recorded_pagination(shared_dir: Path, server: ScriptedServer) -> None:
    server.route("/api/query?start=10", recorded(shared_dir, "q_testing_s10_m10"))
    server.route("/api/query?start=0", recorded(shared_dir, "q_testing_s0_m10"))
    papers = api(server, page_size=10).search("testing", max_results=20)
    assert len(papers) == 20 and len({p.arxiv_id for p in papers}) == 20
    assert [s.query["start"] for s in server.seen] == [["0"], ["10"]]
