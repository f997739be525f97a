"""OAI-PMH harvesting into a real DuckDB file, against a local server serving hand-made arXivRaw pages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from crawler_helpers import FIXTURES, Reply, ScriptedServer

from flopsdb.core.config import Config, load_config
from flopsdb.core.errors import FeedError
from flopsdb.crawl import crawl_arxiv
from flopsdb.crawler.oai import parse_list_records, split_authors
from flopsdb.db.papers import get_cursor
from flopsdb.db.store import Store
from tests.conftest import LOCAL_ARXIV

OAI = FIXTURES / "oai"
ALL_IDS = {"2611.90001", "2611.90002", "2611.90003", "2611.90004", "2611.90005"}


def page(name: str) -> Reply:
    return Reply(200, (OAI / name).read_bytes(), {"Content-Type": "text/xml"})


def serve_chain(server: ScriptedServer, *, first: list[Reply] | None = None, third: list[Reply] | None = None) -> None:
    server.route("/oai?resumptionToken=tok|2", page("page2.xml"))
    server.route("/oai?resumptionToken=tok|3", *(third or [page("page3.xml")]))
    server.route("/oai?metadataPrefix=arXivRaw", *(first or [page("page1.xml")]))


def cfg(config: Config, server: ScriptedServer) -> Config:
    return load_config(arxiv_oai_url=server.url + "/oai", arxiv_pdf_url=server.url + "/pdf", max_retries=2)


def stored(store: Store) -> dict[str, tuple]:
    with store.connect() as con:
        rows = con.execute("SELECT arxiv_id, version, first_version_date, updated_date, relevant, run_id FROM papers").fetchall()
    return {r[0]: r[1:] for r in rows}


def test_parse_arxivraw_page() -> None:
    result = parse_list_records((OAI / "page1.xml").read_bytes(), pdf_base="http://h/pdf")
    assert result.resumption_token == "tok|2" and result.complete_list_size == 5
    assert result.response_date == "2026-11-21T05:00:00Z"
    first, second = result.papers
    assert first.arxiv_id == "2611.90001" and first.version == 2
    assert first.first_version_date == date(2026, 11, 2) and first.updated_date == date(2026, 11, 19)
    assert first.authors == ("Ada Example", "Ben Sample", "Cy Test")
    assert first.categories == ("cs.LG", "cs.CL")
    assert first.pdf_url == "http://h/pdf/2611.90001v2"
    assert first.doi == "10.1234/tiny.2026" and first.journal_ref == "Proc. Tiny 2026" and first.comments == "12 pages, 3 figures"
    assert first.license == "http://creativecommons.org/licenses/by/4.0/"
    assert first.abstract.startswith("We train transformers") and not first.abstract.endswith("\n")
    assert second.authors == ("Dana Dummy", "Eve Instance") and second.affiliations == (("Univ. A, B",), ())


def test_deleted_records_and_last_page() -> None:
    two = parse_list_records((OAI / "page2.xml").read_bytes())
    assert [p.arxiv_id for p in two.papers] == ["2611.90003"] and two.deleted == ("2611.90099",)
    three = parse_list_records((OAI / "page3.xml").read_bytes())
    assert three.resumption_token is None and three.papers[1].version == 3
    assert three.papers[1].first_version_date == date(2026, 11, 6)


def test_split_authors() -> None:
    assert split_authors("A. One, B. Two, and C. Three") == ("A. One", "B. Two", "C. Three")
    assert split_authors("Solo Author") == ("Solo Author",)
    assert split_authors("") == ()


def test_truncated_xml_raises_feed_error() -> None:
    body = (OAI / "page1.xml").read_bytes()
    with pytest.raises(FeedError, match="truncated"):
        parse_list_records(body[: len(body) // 2], url="http://h/oai")


def test_three_page_chain_stores_every_record_once(config: Config, store: Store, server: ScriptedServer) -> None:
    serve_chain(server)
    report = crawl_arxiv(cfg(config, server), store, since=date(2026, 11, 1), sets=["cs:cs:LG"])
    assert report.status == "ok" and report.pages == 3 and report.papers == 5 and report.new == 5 and report.deleted == 1
    papers = stored(store)
    assert set(papers) == ALL_IDS
    assert papers["2611.90001"][:3] == (2, date(2026, 11, 2), date(2026, 11, 19))
    assert papers["2611.90002"][3] is True and papers["2611.90003"][3] is False  # ImageNet vs math.CO
    assert report.relevant == 3  # WMT, ImageNet, SQuAD
    first = server.requests_to("/oai")[0].query
    assert first == {"verb": ["ListRecords"], "metadataPrefix": ["arXivRaw"], "set": ["cs:cs:LG"], "from": ["2026-11-01"]}
    with store.connect() as con:
        cursor = get_cursor(con, "arxiv-oai:cs:cs:LG")
        run = con.execute("SELECT status, command FROM runs WHERE run_id = ?", [report.run_id]).fetchall()
    assert cursor["cursor"] == "2026-11-21" and "token" not in cursor["state"]
    assert run == [("ok", "crawl arxiv")]


def test_rerun_adds_no_duplicates_and_continues_from_the_cursor(config: Config, store: Store, server: ScriptedServer) -> None:
    serve_chain(server)
    c = cfg(config, server)
    crawl_arxiv(c, store, since=date(2026, 11, 1), sets=["cs:cs:LG"])
    again = crawl_arxiv(c, store, sets=["cs:cs:LG"])
    assert again.new == 0 and again.updated == 5
    assert server.requests_to("/oai")[3].query["from"] == ["2026-11-21"]
    with store.connect() as con:
        assert con.execute("SELECT count(*), count(DISTINCT arxiv_id) FROM papers").fetchall() == [(5, 5)]


def test_first_harvest_needs_since(config: Config, store: Store, server: ScriptedServer) -> None:
    report = crawl_arxiv(cfg(config, server), store, sets=["cs:cs:LG"])
    assert report.status == "failed" and "--since" in report.errors[0]
    assert server.seen == []


def test_empty_first_page_is_a_complete_harvest(config: Config, store: Store, server: ScriptedServer) -> None:
    server.route("/oai", page("no_records.xml"))
    report = crawl_arxiv(cfg(config, server), store, since=date(2026, 11, 1), sets=["cs:cs:LG"])
    assert report.status == "ok" and report.papers == 0
    with store.connect() as con:
        assert get_cursor(con, "arxiv-oai:cs:cs:LG")["cursor"] == "2026-11-22"


def test_truncated_page_is_refetched(config: Config, store: Store, server: ScriptedServer) -> None:
    body = (OAI / "page1.xml").read_bytes()
    serve_chain(server, first=[Reply(200, body[:400]), page("page1.xml")])
    report = crawl_arxiv(cfg(config, server), store, since=date(2026, 11, 1), sets=["cs:cs:LG"])
    assert report.status == "ok" and set(stored(store)) == ALL_IDS


def test_503_and_429_during_the_chain(config: Config, store: Store, server: ScriptedServer) -> None:
    serve_chain(server, third=[Reply(503, b"busy", {"Retry-After": "0"}), Reply(429, b"slow"), page("page3.xml")])
    report = crawl_arxiv(cfg(config, server), store, since=date(2026, 11, 1), sets=["cs:cs:LG"])
    assert report.status == "ok" and set(stored(store)) == ALL_IDS
    assert len(server.requests_to("/oai")) == 5


def test_failure_midway_keeps_stored_pages_and_resumes_from_the_token(config: Config, store: Store, server: ScriptedServer) -> None:
    serve_chain(server, third=[Reply(500, b"oops")])
    c = cfg(config, server)
    broken = crawl_arxiv(c, store, since=date(2026, 11, 1), sets=["cs:cs:LG"])
    assert broken.status == "failed" and "HTTP 500" in broken.errors[0]
    assert set(stored(store)) == {"2611.90001", "2611.90002", "2611.90003"}
    with store.connect() as con:
        cursor = get_cursor(con, "arxiv-oai:cs:cs:LG")
        assert con.execute("SELECT status FROM runs WHERE run_id = ?", [broken.run_id]).fetchall() == [("failed",)]
    assert cursor["state"]["token"] == "tok|3" and cursor["cursor"] is None
    serve_chain(server)
    n = len(server.seen)
    fixed = crawl_arxiv(c, store, sets=["cs:cs:LG"])
    assert fixed.status == "ok" and set(stored(store)) == ALL_IDS
    assert server.seen[n].query == {"verb": ["ListRecords"], "resumptionToken": ["tok|3"]}


def test_expired_token_restarts_from_the_harvest_date(config: Config, store: Store, server: ScriptedServer) -> None:
    serve_chain(server, third=[Reply(500, b"oops")])
    c = cfg(config, server)
    crawl_arxiv(c, store, since=date(2026, 11, 1), sets=["cs:cs:LG"])
    serve_chain(server)
    server.route("/oai?resumptionToken=tok|3", page("bad_token.xml"), page("page3.xml"))
    report = crawl_arxiv(c, store, sets=["cs:cs:LG"])
    assert report.status == "ok" and set(stored(store)) == ALL_IDS
    assert any(s.query.get("from") == ["2026-11-01"] for s in server.seen[-4:])


def test_max_stops_after_the_page_and_the_next_run_continues(config: Config, store: Store, server: ScriptedServer) -> None:
    serve_chain(server)
    c = cfg(config, server)
    first = crawl_arxiv(c, store, since=date(2026, 11, 1), sets=["cs:cs:LG"], max_papers=2)
    assert first.papers == 2 and first.complete is False and set(stored(store)) == {"2611.90001", "2611.90002"}
    rest = crawl_arxiv(c, store, sets=["cs:cs:LG"])
    assert rest.papers == 3 and set(stored(store)) == ALL_IDS


def _run_cli(home: Path, oai: str, *extra: str) -> subprocess.Popen:
    local = {f"FLOPSDB_{k.upper()}": f"http://127.0.0.1:9{p}" for k, p in LOCAL_ARXIV.items()}
    env = {**os.environ, **local, "FLOPSDB_HOME": str(home), "FLOPSDB_ARXIV_DELAY": "0", "FLOPSDB_ARXIV_OAI_URL": oai, "FLOPSDB_MAX_RETRIES": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "flopsdb.cli", "--quiet", "crawl", "arxiv", "--since", "2026-11-01", "--sets", "cs:cs:LG", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_killed_crawl_rerun_equals_uninterrupted_run(tmp_path: Path, server: ScriptedServer) -> None:
    """kill -9 while the third page is in flight, re-run: exactly the papers of an uninterrupted run."""
    serve_chain(server, third=[Reply(200, (OAI / "page3.xml").read_bytes(), delay=30)])
    home = tmp_path / "killed"
    proc = _run_cli(home, server.url + "/oai")
    deadline = time.monotonic() + 60
    while not any(s.query.get("resumptionToken") == ["tok|3"] for s in server.seen):
        assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() is not None else "timeout"
        time.sleep(0.05)
    proc.kill()
    proc.wait(10)
    serve_chain(server)
    assert _run_cli(home, server.url + "/oai").wait(60) == 0
    clean = tmp_path / "clean"
    assert _run_cli(clean, server.url + "/oai").wait(60) == 0
    killed_rows, clean_rows = (stored(Store(h / "flopsdb.duckdb")) for h in (home, clean))
    assert set(killed_rows) == set(clean_rows) == ALL_IDS
    assert {k: v[:4] for k, v in killed_rows.items()} == {k: v[:4] for k, v in clean_rows.items()}


def test_xml_that_stays_truncated_fails_the_set_with_the_reason(config: Config, store: Store, server: ScriptedServer) -> None:
    body = (OAI / "page1.xml").read_bytes()
    serve_chain(server, first=[Reply(200, body[:400])])
    report = crawl_arxiv(cfg(config, server), store, since=date(2026, 11, 1), sets=["cs:cs:LG", "cs:cs:CV"])
    assert report.status == "failed" and len(report.errors) == 2
    assert "malformed or truncated OAI-PMH XML" in report.errors[0] and "3 attempts" in report.errors[0]
    assert stored(store) == {}


def test_an_html_page_instead_of_oai_is_an_error(config: Config, store: Store, server: ScriptedServer) -> None:
    serve_chain(server, first=[Reply(200, b"<html><body><p>Maintenance</p></body></html>", {"Content-Type": "text/html"})])
    report = crawl_arxiv(cfg(config, server), store, since=date(2026, 11, 1), sets=["cs:cs:LG"])
    assert report.status == "failed" and "not an OAI-PMH answer" in report.errors[0]


def test_sets_left_over_by_max_start_from_since_next_time(config: Config, store: Store, server: ScriptedServer) -> None:
    serve_chain(server)
    c = cfg(config, server)
    first = crawl_arxiv(c, store, since=date(2026, 11, 1), sets=["cs:cs:LG", "cs:cs:CV"], max_papers=5)
    assert first.papers == 5 and first.complete is False
    assert not any(s.query.get("set") == ["cs:cs:CV"] for s in server.seen)
    with store.connect() as con:
        assert get_cursor(con, "arxiv-oai:cs:cs:CV")["state"]["harvest_from"] == "2026-11-01"
    second = crawl_arxiv(c, store, sets=["cs:cs:LG", "cs:cs:CV"])
    assert second.status == "ok"
    cv = [s for s in server.seen if s.query.get("set") == ["cs:cs:CV"]]
    assert len(cv) == 1 and cv[0].query["from"] == ["2026-11-01"]
    assert set(stored(store)) == ALL_IDS
