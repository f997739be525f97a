"""The review CLI (users, import, terminal reviewer, agreement, export) and the terminal reviewer itself."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner
from curation_helpers import FIX, PASSWORD, fixture_candidates
from rich.console import Console

from flopsdb.cli import main
from flopsdb.curation.terminal import review_terminal


def run(*args: str, input: str | None = None, env: dict | None = None):
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def test_users_add_and_list(config) -> None:
    r = run("users", "add", "ada", "--role", "reviewer", input="pw-ada1-long\npw-ada1-long\n")
    assert r.exit_code == 0, r.output
    assert "ada (reviewer)" in r.output
    r = run("users", "add", "bob", "--role", "annotator", env={"FLOPSDB_PASSWORD": "pw-bob1-long"})
    assert r.exit_code == 0
    listed = run("users", "list", "-h")
    assert "Example" in listed.output
    out = run("users", "list").output
    assert "ada" in out and "reviewer" in out and "bob" in out
    r = CliRunner().invoke(main, ["users", "add", "eve", "--role", "annotator", "--password", "x"])
    assert r.exit_code == 1 and "password too short" in r.output


def test_import_review_in_terminal_agreement_and_export(config, tmp_path: Path) -> None:
    r = run("review", "import", str(FIX / "gold.jsonl"), "--format", "annotations", "--pdf-dir", str(FIX), "--as-candidates")
    assert r.exit_code == 0 and "new_candidates 7" in r.output, r.output
    run("users", "add", "ann1", "--role", "annotator", "--password", PASSWORD)
    r = run("review", "--user", "ann1", "--limit", "3", input="axa")
    assert r.exit_code == 0, r.output
    assert "accept 2" in r.output and "reject 1" in r.output
    r = run("review", "--user", "ann1", input="q")
    assert r.exit_code == 0 and "saved: nothing" in r.output
    r = run("review", "agreement", "--format", "json")
    rows = json.loads(r.output)
    assert {row["field"] for row in rows} >= {"(record)"}
    assert all(row["pairs"] >= 1 for row in rows)
    out = tmp_path / "ls.json"
    r = run("review", "export", "--format", "labelstudio", "--out", str(out))
    assert r.exit_code == 0 and out.exists()
    tasks = json.loads(out.read_text())
    assert sum(len(t["annotations"]) for t in tasks) == 3
    r = CliRunner().invoke(main, ["review", "--user", "ghost"])
    assert r.exit_code == 1 and "no user 'ghost'" in r.output


def test_terminal_reviewer_keys_make_the_same_events(store, config) -> None:
    from flopsdb.review import review_store

    rs = review_store(config, store)
    rs.add_candidates(fixture_candidates(copies=1), command="test")
    keys = iter(["a", "x", " ", "1", "e", "u", "a", "?", "q"])
    answers = iter(["NVIDIA V100", "16", "gpu", "renamed", ""] * 3)
    buf = io.StringIO()
    counts = review_terminal(rs, "ann1", read_key=lambda: next(keys), ask=lambda k, v: next(answers), console=Console(file=buf, width=120))
    events = rs.events(annotator="ann1")
    assert [e.action for e in events] == ["accept", "reject", "unsure", "correct", "correct", "undo", "accept"]
    assert counts == {"accept": 2, "reject": 1, "unsure": 1, "correct": 2, "undo": 1}
    assert events[5].undoes == events[4].event_id and events[6].candidate_id == events[4].candidate_id
    assert all(e.source == "terminal" for e in events)
    assert "unknown key" in buf.getvalue() and "why:" in buf.getvalue()
    with rs.store.connect() as con:
        assert con.execute("SELECT count(*) FROM review_leases").fetchone()[0] == 0


def test_terminal_stops_when_queue_is_empty(store, config) -> None:
    from flopsdb.review import review_store

    rs = review_store(config, store)
    rs.add_candidates(fixture_candidates(copies=1)[:2], command="test")
    buf = io.StringIO()
    counts = review_terminal(rs, "solo", read_key=lambda: "a", ask=lambda k, v: v, console=Console(file=buf))
    assert counts == {"accept": 2}
    assert "queue is empty" in buf.getvalue()
    assert len(rs.curated()) == 2
