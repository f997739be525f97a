"""Review by record over HTTP (real server app, real DuckDB): units, leases, accept, fix, move, not-the-paper's."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from curation_helpers import FIX, PASSWORD
from fastapi.testclient import TestClient

from flopsdb.core.catalog import load_catalog
from flopsdb.core.config import Config
from flopsdb.curation.interchange import read_import
from flopsdb.curation.model import Item
from flopsdb.curation.records import BASELINES, RecordFact, record_units
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.records import records_from
from flopsdb.review import build_app, review_store

PAPER = "2401.00001"


def record_candidates():
    """A paper with two models of its own, a baseline and shared facts, on the fixture PDF's real boxes.

    Big: headline BLEU 28.4, a training time (3.5 days); Base: a non-headline ImageNet result; GNMT: a baseline
    (own false); the 8 P100 statement without a model (the paper's one hardware line: every model's); the
    parameter count without a model (the main model's, Big)."""
    base = {
        (r.candidate.kind, r.candidate.evidence.snippet): r for r in read_import("annotations", FIX / "gold.jsonl", pdf_dir=FIX, with_verdicts=False)
    }

    def pick(kind: str, quote: str, **change):
        rec = base[(kind, quote)]
        c = rec.candidate
        fields = {**c.fields, **change.pop("fields", {})}
        return dataclasses.replace(c, paper=PAPER, extractor="rec.v1", fields=fields, confidence=0.5, **change), rec.pdf_path

    return [
        pick("result", "28.4 BLEU on WMT14 EN-DE", model="Big", model_key=None, scope="model", headline=True),
        pick("result", "21.2% top-1 error", model="Base", model_key=None, scope="model"),
        pick("result", "A snippet with <script>alert(1)</script> markup.", model="GNMT", model_key=None, fields={"own": False}),
        pick("hardware", "8 NVIDIA P100 GPUs", model=None, model_key=None, scope=None),
        pick("training_time", "Training took 3.5 days", model="Big", model_key=None, scope="model"),
        pick("parameters", "213M parameters", model=None, model_key=None, scope=None),
    ]


@pytest.fixture
def rrs(store: Store, config: Config) -> DbReviewStore:
    """A review store with the record paper and users ann1, ann2."""
    r = review_store(config, store)
    r.add_candidates(record_candidates(), command="test")
    for name in ("ann1", "ann2"):
        r.add_user(name, "annotator", PASSWORD)
    return r


def signed_in(config: Config, store: Store, name: str) -> tuple[TestClient, str]:
    client = TestClient(build_app(config, store))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}, follow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/records").text).group(1)
    return client, csrf


def test_record_units_follow_the_model_links() -> None:
    items = [Item(c.candidate_id, c, "") for c, _ in record_candidates()]
    units = record_units(PAPER, [RecordFact(i) for i in items])
    assert [u.key for u in units] == ["big", "base", BASELINES]
    big, base, baselines = units
    assert big.headline and big.section == "headline" and base.section == "ablation"
    kinds = {(f.item.candidate.kind, role) for f, role in big.facts}
    assert kinds == {("result", "own"), ("hardware", "shared"), ("training_time", "own"), ("parameters", "main")}
    assert {(f.item.candidate.kind, role) for f, role in base.facts} == {("result", "own"), ("hardware", "shared")}
    assert [f.item.candidate.model for f, _ in baselines.facts] == ["GNMT"]


def test_record_screen_accept_move_fix_and_not_the_papers(rrs: DbReviewStore, config: Config, store: Store) -> None:
    client, csrf = signed_in(config, store, "ann1")
    h = {"X-CSRF-Token": csrf}
    rec = client.get(f"/api/record?paper={PAPER}").json()["record"]
    assert rec["key"] == "big" and rec["section"] == "headline"
    assert [m["key"] for m in rec["models"]] == ["base"]
    assert all(f["leased"] for f in rec["facts"]) and len(rec["facts"]) == 4
    assert rec["estimate"]["compute"]["thompson"]["flop"] > 0  # 8 P100 x 84 h
    assert {u["key"]: u["section"] for u in rec["units"]} == {"big": "headline", "base": "ablation", BASELINES: "baselines"}
    # another annotator cannot take the leased facts
    other, csrf2 = signed_in(config, store, "ann2")
    rec2 = other.get(f"/api/record?paper={PAPER}").json()["record"]
    assert rec2["key"] != "big" or not any(f["leased"] for f in rec2["facts"])
    tt = next(f for f in rec["facts"] if f["kind"] == "training_time")
    hw = next(f for f in rec["facts"] if f["kind"] == "hardware")
    # bad input: 422 naming the field
    bad = client.post(
        "/api/record/fact", json={"paper": PAPER, "key": "big", "candidate_id": tt["candidate_id"], "action": "move", "to_key": "gnmt"}, headers=h
    )
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "to_key"
    bad = client.post("/api/record/fact", json={"paper": PAPER, "key": "big", "candidate_id": tt["candidate_id"], "action": "teleport"}, headers=h)
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "action"
    bad = client.post("/api/record/accept", json={"paper": PAPER, "key": "big", "candidate_ids": ["nope"]}, headers=h)
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "candidate_ids.0"
    assert client.get("/api/record?kind=weights").status_code == 422
    # the other annotator holds no lease on Big's facts: refused, nothing stored
    stolen = other.post(
        "/api/record/accept", json={"paper": PAPER, "key": "big", "candidate_ids": [hw["candidate_id"]]}, headers={"X-CSRF-Token": csrf2}
    )
    assert stolen.status_code == 409 and rrs.events(annotator="ann2") == []
    assert other.post("/logout", data={"csrf": csrf2}, follow_redirects=False).status_code == 303  # gives its leases back
    # move the training time to Base (a key from the list), then fix the hardware count
    moved = client.post(
        "/api/record/fact",
        json={"paper": PAPER, "key": "big", "candidate_id": tt["candidate_id"], "action": "move", "to_key": "base", "dwell_ms": 4000},
        headers=h,
    ).json()
    assert moved["action"] == "correct"
    assert tt["candidate_id"] not in {f["candidate_id"] for f in moved["record"]["facts"]}
    bad = client.post(
        "/api/record/fact",
        json={"paper": PAPER, "key": "big", "candidate_id": hw["candidate_id"], "action": "fix", "fields": {"count": "0"}},
        headers=h,
    )
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "fields.count"
    bad = client.post("/api/record/fact", json={"paper": PAPER, "key": "big", "candidate_id": hw["candidate_id"], "action": "fix"}, headers=h)
    assert bad.status_code == 422 and "fix needs the corrected fields" in bad.json()["error"]
    fixed = client.post(
        "/api/record/fact",
        json={"paper": PAPER, "key": "big", "candidate_id": hw["candidate_id"], "action": "fix", "fields": {"count": "16"}},
        headers=h,
    ).json()
    assert next(f for f in fixed["record"]["facts"] if f["kind"] == "hardware")["current_fields"]["count"] == 16
    rest = [f["candidate_id"] for f in fixed["record"]["facts"] if f["state"] == "open"]
    acc = client.post(
        "/api/record/accept", json={"paper": PAPER, "key": "big", "candidate_ids": rest, "event_id": "rec1", "dwell_ms": 9000}, headers=h
    ).json()
    assert acc["event_ids"] == [f"rec1.{n}" for n in range(len(rest))]
    assert {f["state"] for f in acc["record"]["facts"]} == {"mine"}
    # the baseline unit: mark the copied result not the paper's (stays own false, kept)
    base_rec = client.get(f"/api/record?paper={PAPER}&key={BASELINES}").json()["record"]
    gnmt = base_rec["facts"][0]
    out = client.post(
        "/api/record/fact", json={"paper": PAPER, "key": BASELINES, "candidate_id": gnmt["candidate_id"], "action": "not_paper"}, headers=h
    ).json()
    assert out.get("action") == "accept", out  # own was already false: nothing changed
    nxt = client.get(f"/api/record?paper={PAPER}").json()["record"]
    assert nxt["key"] == "base" and any(f["kind"] == "training_time" for f in nxt["facts"])
    ids = [f["candidate_id"] for f in nxt["facts"] if f["state"] == "open"]
    client.post("/api/record/accept", json={"paper": PAPER, "key": "base", "candidate_ids": ids}, headers=h)
    # every action is one verdict event with the poster's lease; curated facts make the records
    events = rrs.events(annotator="ann1")
    assert len(events) == 6 and all(e.source == "web" for e in events)
    assert sum(e.dwell_ms or 0 for e in events) == 4000 + 9000 // len(rest) * len(rest)
    with store.connect() as con:
        recs = {r.model_key: r for r in records_from(con, catalog=load_catalog())}
    assert recs["base"].training_time is not None and recs["base"].training_time["hours"] == 84
    assert recs["big"].training_time is None and recs["big"].hardware["count"] == 16
    assert recs["base"].hardware["count"] == 16 and recs["big"].parameters == 213000000
    assert "gnmt" not in recs


def test_queue_and_records_filter_by_paper_and_kind(rrs: DbReviewStore, config: Config, store: Store) -> None:
    client, _ = signed_in(config, store, "ann1")
    items = client.get(f"/api/queue?n=10&kind=hardware&paper={PAPER}").json()["items"]
    assert [i["kind"] for i in items] == ["hardware"]
    assert client.get("/api/queue?n=10&paper=1999.99999").json()["items"] == []
    two, _ = signed_in(config, store, "ann2")
    rec = two.get(f"/api/record?paper={PAPER}&kind=training_time").json()["record"]
    leased = [f for f in rec["facts"] if f["leased"]]
    assert [f["kind"] for f in leased] == ["training_time"]
    assert client.get("/api/record?paper=1999.99999").json()["record"] is None
    page = client.get(f"/records?paper={PAPER}&kind=training_time").text
    assert f'data-paper="{PAPER}"' in page and 'data-kind="training_time"' in page
    assert client.get("/records?kind=<script>").status_code == 422


def test_terminal_reviews_a_record_at_a_time(rrs: DbReviewStore, store: Store) -> None:
    import io

    from rich.console import Console

    from flopsdb.curation.terminal import review_records_terminal
    from flopsdb.review import record_estimate

    # Big: focus the training time (4th row: result, hardware, training_time, parameters), move it to Base
    keys = iter(["j", "j", "m", "1", "k", "e", "a", "?", "a", "n", "q"])
    answers = iter(["NVIDIA P100", "16", "gpu"])
    ticks = iter(range(0, 10_000, 2))
    buf = io.StringIO()
    counts = review_records_terminal(
        rrs,
        "ann1",
        read_key=lambda: next(keys),
        ask=lambda k, v: next(answers),
        console=Console(file=buf, width=140),
        paper=PAPER,
        estimate=record_estimate,
        clock=lambda: float(next(ticks)),
    )
    out = buf.getvalue()
    assert "record Big (headline)" in out and "compute: thompson" in out and "[1] Base (ablation)" in out
    assert "record Base (ablation)" in out and "unknown key '?'" in out
    events = rrs.events(annotator="ann1")
    assert all(e.source == "terminal" and e.dwell_ms is not None for e in events)
    assert counts == {"correct": 2, "accept": 4}, counts
    with store.connect() as con:
        recs = {r.model_key: r for r in records_from(con, catalog=load_catalog())}
        held = con.execute("SELECT count(*) FROM review_leases").fetchone()[0]
    assert recs["base"].training_time["hours"] == 84 and recs["big"].hardware["count"] == 16
    assert held == 0


def test_review_terminal_and_stats_cli(rrs: DbReviewStore, config: Config) -> None:
    import json

    from click.testing import CliRunner

    from flopsdb.cli import main

    r = CliRunner().invoke(main, ["review", "terminal", "--user", "ann1", "--paper", PAPER, "--kind", "hardware"], input="aq", catch_exceptions=False)
    assert r.exit_code == 0 and "saved: accept 1" in r.output, r.output
    r = CliRunner().invoke(
        main, ["review", "terminal", "--user", "ann2", "--by", "item", "--kind", "result", "--limit", "1"], input="x", catch_exceptions=False
    )
    assert "saved: reject 1" in r.output, r.output
    assert [e.action for e in rrs.events(annotator="ann2")] == ["reject"]
    assert [c.kind for c, _ in rrs.candidates() if c.candidate_id == rrs.events(annotator="ann2")[0].candidate_id] == ["result"]
    r = CliRunner().invoke(main, ["review", "stats", "--format", "json"], catch_exceptions=False)
    rows = json.loads(r.output)
    assert [(row["paper"], row["annotators"], row["verdicts"], row["timed"]) for row in rows] == [(PAPER, 2, 2, 2)]
    r = CliRunner().invoke(main, ["review", "stats", "--by-annotator", "--format", "json"], catch_exceptions=False)
    assert sorted(row["annotator"] for row in json.loads(r.output)) == ["ann1", "ann2"]


def test_gold_lines_keep_their_headline_and_model_link(tmp_path) -> None:
    lines = [json.loads(line) for line in (FIX / "gold.jsonl").read_text().splitlines() if line.strip()]
    first = next(ln for ln in lines if ln["kind"] == "result")
    first["headline"] = True
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(ln) + "\n" for ln in lines))
    recs = read_import("annotations", tmp_path / "gold.jsonl", pdf_dir=FIX, with_verdicts=False)
    by_kind = {}
    for r in recs:
        by_kind.setdefault(r.candidate.kind, []).append(r.candidate)
    # model null on hardware, time or parameters: stated for all the paper's models (annotations/GUIDELINES.md)
    assert all(c.scope == "all_models" for c in by_kind["hardware"] + by_kind["parameters"] if c.model is None)
    assert [c.scope for c in by_kind["training_time"]] == [None]  # linked by its model name, "big"
    assert [c.headline for c in by_kind["result"]] == [ln is first for ln in lines if ln["kind"] == "result"]
    assert sum(c.headline for c in by_kind["result"]) == 1


def test_serve_filters_are_the_default_of_the_queue_and_the_records(rrs: DbReviewStore, config: Config, store: Store) -> None:
    client = TestClient(build_app(config, store, kind="parameters", paper=PAPER))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "ann1", "password": PASSWORD, "csrf": token})
    assert [i["kind"] for i in client.get("/api/queue?n=10").json()["items"]] == ["parameters"]
    rec = client.get("/api/record").json()["record"]
    assert [f["kind"] for f in rec["facts"] if f["leased"]] == ["parameters"]
    assert 'data-kind="parameters"' in client.get("/records").text
    # a request's own filter wins
    assert [i["kind"] for i in client.get("/api/queue?n=10&kind=hardware").json()["items"]] == ["hardware"]


def test_terminal_undo_brings_the_fact_back(rrs: DbReviewStore) -> None:
    import io

    from rich.console import Console

    from flopsdb.curation.terminal import review_records_terminal

    keys = iter(["y", "u", "y", "q"])
    buf = io.StringIO()
    counts = review_records_terminal(rrs, "ann1", read_key=lambda: next(keys), ask=lambda k, v: v, console=Console(file=buf, width=140), paper=PAPER)
    events = rrs.events(annotator="ann1")
    assert [e.action for e in events] == ["accept", "undo", "accept"] and counts == {"accept": 2, "undo": 1}
    assert events[1].undoes == events[0].event_id and events[2].candidate_id == events[0].candidate_id
    assert [f["candidate_id"] for f in rrs.curated()] == [events[2].candidate_id]


def test_moving_a_shared_fact_links_it_to_that_model_alone(store: Store, config: Config) -> None:
    r = review_store(config, store)
    cands = [(dataclasses.replace(c, scope="all_models") if c.kind == "hardware" else c, p) for c, p in record_candidates()]
    r.add_candidates(cands, command="test")
    r.add_user("ann1", "annotator", PASSWORD)
    client, csrf = signed_in(config, store, "ann1")
    h = {"X-CSRF-Token": csrf}
    rec = client.get(f"/api/record?paper={PAPER}").json()["record"]
    hw = next(f for f in rec["facts"] if f["kind"] == "hardware")
    assert hw["role"] == "shared"
    moved = client.post(
        "/api/record/fact", json={"paper": PAPER, "key": "big", "candidate_id": hw["candidate_id"], "action": "move", "to_key": "base"}, headers=h
    ).json()
    assert hw["candidate_id"] not in {f["candidate_id"] for f in moved["record"]["facts"]}
    base = client.get(f"/api/record?paper={PAPER}&key=base").json()["record"]
    assert [f["role"] for f in base["facts"] if f["kind"] == "hardware"] == ["own"]
    rest = [f["candidate_id"] for f in moved["record"]["facts"] if f["state"] == "open"]
    client.post("/api/record/accept", json={"paper": PAPER, "key": "big", "candidate_ids": rest}, headers=h)
    with store.connect() as con:
        recs = {rr.model_key: rr for rr in records_from(con, catalog=load_catalog())}
    assert recs["base"].hardware["count"] == 8 and recs["base"].hardware["model_scope"] == "model"
    assert recs["big"].hardware is None and recs["big"].training_time["hours"] == 84
