"""The crawl verbs end to end through the CLI, against a local server and a real DuckDB file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from crawler_helpers import FIXTURES, Reply, ScriptedServer, pdf_bytes

from flopsdb.cli import main


def test_crawl_arxiv_status_and_download(env: ScriptedServer) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["crawl", "arxiv", "--since", "2026-11-01", "--sets", "cs:cs:LG"])
    assert out.exit_code == 0, out.output
    assert "5 papers on 3 pages (5 new, 0 updated, 3 relevant, 1 deleted)" in out.output
    assert "cursor arxiv-oai:cs:cs:LG = 2026-11-21" in out.output

    status = runner.invoke(main, ["status", "--format", "json"])
    report = json.loads(status.output)
    assert report["counts"]["papers"] == 5 and report["papers"]["relevant"] == 3
    assert report["cursors"][0]["cursor"] == "2026-11-21" and report["runs"][0]["status"] == "ok"

    env.route("/pdf/2611.90001v2", Reply(200, pdf_bytes(["hello"]), {"Content-Type": "application/pdf"}))
    env.route("/pdf/2611.90002v1", Reply(200, pdf_bytes(["world"]), {"Content-Type": "application/pdf"}))
    env.route("/pdf/2611.90004v1", Reply(200, b"<html>error</html>", {"Content-Type": "text/html"}))
    dl = runner.invoke(main, ["download"])
    assert dl.exit_code == 1
    assert "2 downloaded" in dl.output and "failed 2611.90004v1: NotAPDF" in dl.output
    assert dl.output.strip().splitlines()[-1] == "flopsdb: error: 1 of 3 downloads failed (see flopsdb status)"

    text = runner.invoke(main, ["status"])
    assert text.exit_code == 0
    assert "downloads pdf ok" in text.output and "download failed: 2611.90004v1 x1" in text.output


def test_quiet_prints_nothing_on_success(env: ScriptedServer) -> None:
    out = CliRunner().invoke(main, ["--quiet", "crawl", "arxiv", "--since", "2026-11-01", "--sets", "cs:cs:LG"])
    assert out.exit_code == 0 and out.output == ""


def test_failures_are_one_line_and_non_zero(env: ScriptedServer) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["crawl", "arxiv", "--sets", "cs:cs:LG"])
    assert out.exit_code == 1
    assert out.output.strip().splitlines()[-1].startswith("flopsdb: error: harvest failed: cs:cs:LG: no stored cursor")
    bad = runner.invoke(main, ["crawl", "arxiv", "--since", "yesterday"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    none = runner.invoke(main, ["crawl", "pwc"])
    assert none.exit_code == 1 and "no dump given" in none.output


def test_crawl_pwc_json(env: ScriptedServer) -> None:
    out = CliRunner().invoke(main, ["crawl", "pwc", "--dump", str(FIXTURES / "pwc" / "evaluation-tables.json"), "--format", "json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["rows"] == 10 and report["new"] == 9 and report["errors"] == []


def test_crawl_ids(env: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOPSDB_ARXIV_API_URL", env.url + "/api/query")
    env.route("/api/query", Reply(200, (FIXTURES / "atom" / "lookup.xml").read_bytes()))
    out = CliRunner().invoke(main, ["crawl", "ids", "2611.90001", "2611.90002"])
    assert out.exit_code == 0, out.output
    assert "2 of 2 found (2 new, 2 relevant)" in out.output
    env.route("/api/query", Reply(200, (FIXTURES / "atom" / "error.xml").read_bytes()))
    bad = CliRunner().invoke(main, ["crawl", "ids", "nonsense"])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines()[-1].startswith("flopsdb: error: look-up failed: arXiv API error: incorrect id format")
