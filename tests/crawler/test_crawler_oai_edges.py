"""OAI-PMH edge cases against a local server, through the real CLI: a from-date before earliestDatestamp,
a resumption token rejected mid-run, a failed set, deleted records."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner
from crawler_helpers import FIXTURES, Reply, ScriptedServer, Seen

from flopsdb.cli import main
from flopsdb.core.config import Config
from flopsdb.curation.model import Event, make_after, new_event_id
from flopsdb.db.downloads import papers_to_download
from flopsdb.db.papers import get_cursor
from flopsdb.db.store import Store
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence
from flopsdb.review import review_store

OAI = FIXTURES / "oai"
ALL_IDS = {"2611.90001", "2611.90002", "2611.90003", "2611.90004", "2611.90005"}


def page(name: str) -> Reply:
    return Reply(200, (OAI / name).read_bytes(), {"Content-Type": "text/xml"})


@pytest.fixture
def crawl(config: Config, store: Store, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FLOPSDB_ARXIV_OAI_URL", server.url + "/oai")
    monkeypatch.setenv("FLOPSDB_MAX_RETRIES", "1")

    def run(*args: str) -> tuple[int, str]:
        res = CliRunner().invoke(main, ["crawl", "arxiv", "--sets", "cs:cs:LG", *args])
        return res.exit_code, res.output

    return run


def ids(store: Store) -> set[str]:
    with store.connect() as con:
        return {r[0] for r in con.execute("SELECT arxiv_id FROM papers").fetchall()}


def chain(server: ScriptedServer, *, first: Reply | None = None) -> None:
    server.route("/oai?verb=Identify", page("identify.xml"))
    server.route("/oai?resumptionToken=tok|2", page("page2.xml"))
    server.route("/oai?resumptionToken=tok|3", page("page3.xml"))
    server.route("/oai?metadataPrefix=arXivRaw", first or page("page1.xml"))


def test_since_before_earliest_datestamp_is_clamped_and_said(crawl, store: Store, server: ScriptedServer) -> None:
    def first(seen: Seen) -> Reply:
        early = seen.query.get("from", [""])[0] < "2026-10-15"
        return page("bad_argument.xml") if early else page("page1.xml")

    chain(server, first=first)  # type: ignore[arg-type]
    code, out = crawl("--since", "2020-01-01")
    assert code == 0, out
    assert "before the repository's earliestDatestamp 2026-10-15; harvesting from 2026-10-15" in out
    assert ids(store) == ALL_IDS
    assert [s.query.get("from") for s in server.requests_to("/oai") if "from" in s.query] == [["2020-01-01"], ["2026-10-15"]]
    with store.connect() as con:
        cursor = get_cursor(con, "arxiv-oai:cs:cs:LG")
    assert cursor["cursor"] == "2026-11-21" and cursor["state"]["harvest_from"] == "2026-10-15"
    code, out = crawl()
    assert code == 0, out


def test_bad_resumption_token_mid_run_restarts_the_set_in_the_same_run(crawl, store: Store, server: ScriptedServer) -> None:
    chain(server)
    server.route("/oai?resumptionToken=tok|2", page("bad_token.xml"), page("page2.xml"))
    code, out = crawl("--since", "2026-11-01", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["complete"] is True and report["errors"] == []
    assert "restarted from 2026-11-01" in report["notes"][0]
    assert ids(store) == ALL_IDS
    assert len([s for s in server.requests_to("/oai") if s.query.get("from") == ["2026-11-01"]]) == 2


def test_a_failed_set_is_never_reported_complete(crawl, store: Store, server: ScriptedServer) -> None:
    chain(server)
    server.route("/oai?resumptionToken=tok|3", Reply(500, b"down"))
    code, out = crawl("--since", "2026-11-01", "--format", "json")
    assert code == 1
    report = json.loads(out[: out.rindex("}") + 1])
    assert report["complete"] is False and report["errors"]
    assert "stopped at --max" not in crawl("--since", "2026-11-01")[1]


def _candidate(paper: str) -> Candidate:
    return Candidate(
        paper=paper,
        kind="hardware",
        extractor="fixture.v1",
        evidence=Evidence(page=1, bbox=Box(72.0, 100.0, 300.0, 112.0), snippet="8 NVIDIA P100 GPUs"),
        confidence=0.5,
        fields={"accelerator": "NVIDIA P100", "count": 8, "unit": "gpu"},
        stage="training",
    )


def test_deleted_records_mark_the_paper_deleted(crawl, config: Config, store: Store, server: ScriptedServer) -> None:
    chain(server)
    assert crawl("--since", "2026-11-01")[0] == 0
    rs = review_store(config, store)
    rs.add_candidates([(_candidate("2611.90001v2"), None), (_candidate("2611.90002v1"), None)], command="test")
    rs.add_user("ann", "annotator", "a long enough password")
    for item in rs.lease_next("ann", n=2):
        c = item.candidate
        rs.record(Event(new_event_id(), item.candidate_id, "ann", "accept", after=make_after(c.fields, c.model, c.stage)))
    pending = dataclasses.replace(_candidate("2611.90002v1"), confidence=0.4, fields={"accelerator": "NVIDIA V100", "count": 4, "unit": "gpu"})
    rs.add_candidates([(pending, None)], command="test")
    with store.connect() as con:
        assert {r[0] for r in con.execute("SELECT paper FROM curated_facts").fetchall()} == {"2611.90001v2", "2611.90002v1"}

    server.route("/oai?metadataPrefix=arXivRaw", page("deleted.xml"))
    code, out = crawl()
    assert code == 0 and "1 deleted" in out, out
    with store.connect() as con:
        kept = con.execute("SELECT arxiv_id, title, deleted_at IS NOT NULL FROM papers WHERE arxiv_id = '2611.90002'").fetchall()
        facts = {r[0] for r in con.execute("SELECT paper FROM curated_facts").fetchall()}
        history = {r[0] for r in con.execute("SELECT paper FROM curated_facts_all").fetchall()}
        todo = {a for a, _ in papers_to_download(con, kind="pdf", max_attempts=5, limit=None, ids=None)}
    assert kept == [("2611.90002", "Residual Networks on ImageNet Revisited", True)]
    assert facts == {"2611.90001v2"} and history == {"2611.90001v2", "2611.90002v1"}
    assert "2611.90002" not in todo
    assert rs.lease_next("ann", n=5) == []
    status = json.loads(CliRunner().invoke(main, ["status", "--format", "json"]).output)
    assert status["papers"]["deleted"] == 1 and status["counts"]["papers"] == 5
