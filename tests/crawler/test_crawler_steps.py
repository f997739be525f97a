"""The crawl verbs as steps (``flopsdb.steps``): ``--dry-run`` says what would be fetched and fetches nothing, writes
nothing; the run that follows does what the plan said. Through the real CLI, against a local server and DuckDB."""

from __future__ import annotations

import json

import duckdb
from click.testing import CliRunner
from crawler_helpers import FIXTURES, Reply, ScriptedServer, pdf_bytes

from flopsdb.cli import main
from flopsdb.core.config import Config


def _runs(config: Config) -> list[tuple[str, str]]:
    if not config.db_path.exists():  # a dry run on a new home leaves no database behind
        return []
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        return [(c, s) for c, s in con.execute("SELECT command, status FROM runs ORDER BY started_at").fetchall()]


def _invoke(*args: str, code: int = 0) -> str:
    out = CliRunner().invoke(main, list(args))
    assert out.exit_code == code, out.output
    return out.output


def test_arxiv_plan_then_run(env: ScriptedServer, config: Config) -> None:
    none = _invoke("crawl", "arxiv", "--sets", "cs:cs:LG", "--dry-run")
    assert "dry run: would harvest " + env.url + "/oai: no set" in none
    assert "cannot: crawl cs:cs:LG: no stored cursor for set cs:cs:LG" in none
    planned = json.loads(_invoke("crawl", "arxiv", "--sets", "cs:cs:LG", "--since", "2026-11-01", "--max", "2", "--dry-run", "--format", "json"))
    assert planned["dry_run"] is True and planned["would_harvest"] == 1
    assert planned["plan"].endswith("cs:cs:LG from 2026-11-01, stopping after 2 papers")
    assert env.seen == [] and not config.db_path.exists()

    _invoke("crawl", "arxiv", "--sets", "cs:cs:LG", "--since", "2026-11-01")
    assert _runs(config) == [("crawl arxiv", "ok")]
    again = _invoke("crawl", "arxiv", "--sets", "cs:cs:LG", "--dry-run")
    assert "cs:cs:LG from 2026-11-21" in again and "cannot" not in again


def test_download_plan_lists_what_the_run_fetches(env: ScriptedServer, config: Config) -> None:
    _invoke("crawl", "arxiv", "--since", "2026-11-01", "--sets", "cs:cs:LG")
    seen = len(env.seen)
    planned = json.loads(_invoke("download", "--dry-run", "--format", "json"))
    assert planned["would_fetch"] == 3 and planned["sources"] == 0
    assert all(v in planned["plan"] for v in ("2611.90001v2", "2611.90002v1", "2611.90004v1"))
    assert len(env.seen) == seen and _runs(config) == [("crawl arxiv", "ok")]

    env.route("/pdf/2611.90001v2", Reply(200, pdf_bytes(["hello"]), {"Content-Type": "application/pdf"}))
    env.route("/pdf/2611.90002v1", Reply(200, pdf_bytes(["world"]), {"Content-Type": "application/pdf"}))
    env.route("/pdf/2611.90004v1", Reply(200, b"<html>error</html>", {"Content-Type": "text/html"}))
    report = json.loads(_invoke("download", "--format", "json", code=1).split("\nflopsdb: error")[0])
    assert report["attempted"] == 3 and report["ok"] == 2 and report["failed"] == 1
    assert _runs(config)[-1] == ("download", "partial")
    left = _invoke("download", "--dry-run")
    assert "would fetch 2611.90004v1" in left and "2611.90001v2" not in left


def test_ids_and_pwc_plans_fetch_nothing(env: ScriptedServer, config: Config) -> None:
    dump = FIXTURES / "pwc" / "evaluation-tables.json"
    assert "would ask " + env.url + "/api/query about 2 papers" in _invoke("crawl", "ids", "2611.90001", "2611.90002", "--dry-run")
    assert "would ask " + env.url + "/pwc about 1 papers" in _invoke("crawl", "pwc", "--api", "2611.90001", "--dry-run")
    planned = json.loads(_invoke("crawl", "pwc", "--dump", str(dump), "--dry-run", "--format", "json"))
    assert planned["bytes"] == dump.stat().st_size and planned["failures"] == []
    missing = _invoke("crawl", "pwc", "--dump", "nowhere.json", "--dry-run")
    assert "cannot: crawl pwc: no such file: nowhere.json" in missing
    assert env.seen == [] and _runs(config) == []

    _invoke("crawl", "pwc", "--dump", str(dump))
    assert "loaded before: 10 rows" in _invoke("crawl", "pwc", "--dump", str(dump), "--dry-run")
    env.route("/api/query", Reply(200, (FIXTURES / "atom" / "lookup.xml").read_bytes()))
    _invoke("crawl", "ids", "2611.90001", "2611.90002")
    env.route("/pwc/papers/2611.90001/", Reply(500, b"down"))
    _invoke("crawl", "pwc", "--api", "2611.90001", code=1)
    assert _runs(config) == [("crawl pwc", "ok"), ("crawl ids", "ok"), ("crawl pwc-api", "partial")]
