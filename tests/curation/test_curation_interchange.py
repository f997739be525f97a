"""Export and import round trips (annotations gold JSONL, Label Studio JSON, Prodigy JSONL)."""

from __future__ import annotations

import base64
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from curation_helpers import FIX, fixture_candidates
from PIL import Image

from flopsdb.cli import main
from flopsdb.core.errors import CurationError
from flopsdb.core.kinds import KIND_FIELDS, VERDICT_ACTIONS
from flopsdb.curation.interchange import LABEL_CONFIG, LS_TEXT_FIELDS, collect_records, read_import
from flopsdb.curation.model import Event, make_after, new_event_id
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.review import export_records, import_records, review_store


def review_some(rs: DbReviewStore) -> None:
    items = rs.lease_next("ann1", n=6)
    for n, item in enumerate(items):
        c = item.candidate
        if n % 3 == 0:
            rs.record(Event(new_event_id(), item.candidate_id, "ann1", "accept", after=make_after(c.fields, c.model, c.stage), dwell_ms=1200))
        elif n % 3 == 1:
            rs.record(Event(new_event_id(), item.candidate_id, "ann1", "reject", dwell_ms=800))
        else:
            fields = {**c.fields, next(iter(c.fields)): "corrected"}
            rs.record(Event(new_event_id(), item.candidate_id, "ann1", "correct", after=make_after(fields, "m2", c.stage), dwell_ms=3000))
    rs.undo_last("ann1")


def snapshot(rs: DbReviewStore) -> tuple:
    cands = sorted((c.candidate_id, c.evidence.page, tuple(c.evidence.bbox.as_list()), c.evidence.snippet, path) for c, path in rs.candidates())
    events = sorted(
        (e.event_id, e.candidate_id, e.annotator, e.action, e.after, e.dwell_ms)
        for r in collect_records(rs.candidates(), rs.events())
        for e in r.events
    )
    facts = sorted((f["candidate_id"], f["verdict"], f["fields"]) for f in rs.curated())
    return cands, events, facts


@pytest.mark.parametrize("fmt", ["annotations", "labelstudio", "prodigy"])
def test_round_trip_keeps_verdicts_and_evidence(rs: DbReviewStore, tmp_path: Path, fmt: str) -> None:
    review_some(rs)
    before = snapshot(rs)
    assert before[1] and before[2]
    out = tmp_path / ("export" if fmt == "annotations" else f"export.{'json' if fmt == 'labelstudio' else 'jsonl'}")
    files = export_records(rs, fmt, out)
    assert files and all(f.stat().st_size > 0 for f in files)
    other = DbReviewStore(Store(tmp_path / "other.duckdb"))
    counts = import_records(other, read_import(fmt, out))
    assert counts["new_events"] == len(before[1])
    after = snapshot(other)
    assert after[1] == before[1] and after[2] == before[2]
    assert after[0] == [c for c in before[0] if c[0] in {x[0] for x in after[0]}]
    assert import_records(other, read_import(fmt, out))["new_events"] == 0


def test_plain_gold_lines_import_as_accepted_facts_with_located_boxes(store: Store, config) -> None:
    rs = review_store(config, store)
    records = read_import("annotations", FIX / "gold.jsonl", pdf_dir=FIX, annotator="gold")
    counts = import_records(rs, records)
    assert counts == {"records": 7, "new_candidates": 7, "new_events": 7}
    facts = rs.curated()
    assert len(facts) == 7 and {f["verdict"] for f in facts} == {"accepted"}
    hw = next(f for f in facts if f["kind"] == "hardware" and f["page"] == 1)
    assert json.loads(hw["fields"]) == {"accelerator": "NVIDIA P100", "count": 8, "unit": "gpu"}
    assert hw["x1"] > hw["x0"] > 0 and hw["bottom"] > hw["top"] > 0


def test_label_studio_tasks_fit_the_shipped_config(rs: DbReviewStore, tmp_path: Path) -> None:
    review_some(rs)
    out = tmp_path / "ls.json"
    export_records(rs, "labelstudio", out, users={"ann1": 7})
    text = out.read_text()
    tasks = json.loads(text)
    assert len(tasks) == 21 and [t["id"] for t in tasks] == list(range(1, 22))
    assert str(FIX) not in json.dumps([{k: v for k, v in t["data"].items() if k != "flopsdb"} for t in tasks])
    config = ET.parse(LABEL_CONFIG).getroot()
    variables = set(re.findall(r"\$(\w+)", LABEL_CONFIG.read_text()))
    assert variables <= set(tasks[0]["data"])
    boxes = {e.get("name") for e in config.iter("TextArea")}
    assert boxes == set(LS_TEXT_FIELDS) == {"model", "stage", *(f for fs in KIND_FIELDS.values() for f in fs)}
    assert [c.get("value") for c in config.iter("Choice")] == list(VERDICT_ACTIONS)
    controls = {e.get("name"): e for e in config.iter() if e.get("toName")}
    for t in tasks:
        image = t["data"]["image"]
        assert image.startswith("data:image/jpeg;base64,")
        picture = Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1])))
        p = t["predictions"][0]
        assert p["model_version"].startswith("fixture.v") and 0 < p["score"] <= 1
        for res in p["result"] + [r for a in t["annotations"] for r in a["result"]]:
            assert res["id"] and res["from_name"] in controls and res["to_name"] == "page"
            assert res["type"] == controls[res["from_name"]].tag.lower()
        region = p["result"][0]
        assert region["type"] == "rectanglelabels" and (region["original_width"], region["original_height"]) == picture.size
        c = json.loads(json.dumps(t["data"]["flopsdb"]["candidate"]))
        x0, top, x1, bottom = c["bbox"]
        assert abs(region["value"]["x"] / 100 * picture.size[0] - x0 * 1.5) < 1
        assert abs((region["value"]["y"] + region["value"]["height"]) / 100 * picture.size[1] - bottom * 1.5) < 1
        for a in t["annotations"]:
            assert a["completed_by"] == 7
    judged = [t for t in tasks if t["annotations"]]
    assert judged and {r["value"]["choices"][0] for t in judged for a in t["annotations"] for r in a["result"] if r["from_name"] == "verdict"} == {
        e.action for r in collect_records(rs.candidates(), rs.events()) for e in r.events
    } == {"accept", "reject", "correct"}
    export_records(rs, "labelstudio", out)
    assert all("completed_by" not in a for t in json.loads(out.read_text()) for a in t["annotations"])


def ls_task(rs: DbReviewStore, tmp_path: Path, kind: str) -> dict:
    out = tmp_path / "ls.json"
    export_records(rs, "labelstudio", out)
    return next(t for t in json.loads(out.read_text()) if t["data"]["kind"] == kind)


def verdict(choice: str, **texts: str) -> list[dict]:
    res = [{"id": "v", "from_name": "verdict", "to_name": "page", "type": "choices", "value": {"choices": [choice]}}]
    return res + [{"id": k, "from_name": k, "to_name": "page", "type": "textarea", "value": {"text": [v]}} for k, v in texts.items()]


def test_label_studio_annotations_become_typed_verdicts(rs: DbReviewStore, tmp_path: Path) -> None:
    task = ls_task(rs, tmp_path, "result")
    task["data"]["flopsdb"]["candidate"]["fields"].pop("split")  # a proposal without one of its kind's fields
    shown = {r["from_name"]: r["value"]["text"][0] for r in task["predictions"][0]["result"] if r["type"] == "textarea" and r["from_name"] != "split"}
    task["annotations"] = [
        {"id": 11, "completed_by": 3, "lead_time": 2.5, "created_at": "2026-12-01T10:00:00.5Z", "result": verdict("accept")},
        {"id": 12, "completed_by": 4, "result": verdict("accept", **{**shown, "value": "29.1", "value_text": "29.10"})},
        {"id": 13, "completed_by": 3, "was_cancelled": True, "result": []},
        {"id": 14, "completed_by": 9, "result": verdict("correct", **shown)},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task]))
    (rec,) = read_import("labelstudio", path, users={"ada": 3, "bo": 4})
    c = rec.candidate
    got = [(e.annotator, e.action, json.loads(e.after) if e.after else None) for e in rec.events]
    proposed = {"fields": {**c.fields}, "model": c.model, "stage": c.stage}
    assert got[0] == ("ada", "accept", proposed) and rec.events[0].dwell_ms == 2500
    assert rec.events[0].after == rec.events[3].after == make_after(c.fields, c.model, c.stage)  # as the web page keeps it
    assert rec.events[0].created_at.isoformat() == "2026-12-01T10:00:00.500000"
    assert got[1] == ("bo", "correct", {**proposed, "fields": {**c.fields, "value": 29.1, "value_text": "29.10"}})
    assert got[2] == ("ada", "unsure", None)
    assert got[3] == ("labelstudio:9", "accept", proposed)
    again = read_import("labelstudio", path, users={"ada": 3, "bo": 4})
    assert [e.event_id for e in again[0].events] == [e.event_id for e in rec.events]


def test_label_studio_files_of_the_earlier_format_still_import() -> None:
    """``labelstudio-v1.json`` was written by the exporter before the labeling config (names in ``completed_by``,
    the kept values as JSON in one text box, the event id in ``meta``)."""
    problems: list[str] = []
    records = read_import("labelstudio", FIX / "labelstudio-v1.json", problems=problems)
    assert problems == []
    got = [(e.event_id, e.annotator, e.action, e.after, e.dwell_ms) for r in records for e in r.events]
    kept = [make_after(r.candidate.fields, r.candidate.model, r.candidate.stage) for r in records]
    assert [g[:3] + g[4:] for g in got] == [
        ("ev0", "ada", "accept", 1500),
        ("ev1", "ada", "accept", 1500),
        ("ev1b", "bo", "correct", 900),
        ("ev2", "ada", "accept", 1500),
        ("ev2b", "bo", "correct", 900),
        ("ev2c", "cy", "reject", 0),
    ]
    assert [got[0][3], got[1][3], got[3][3]] == kept and json.loads(got[2][3])["model"] == "m9" and got[5][3] is None
    assert [r.candidate.candidate_id for r in records] == [c.candidate_id for c, _ in fixture_candidates(1)[:3]]
    assert records[1].candidate.scope is None and records[1].candidate.fields["scope"] == "wall_clock"


def test_label_studio_bad_tasks_are_named_and_the_rest_imported(rs: DbReviewStore, tmp_path: Path) -> None:
    good = ls_task(rs, tmp_path, "hardware")
    good["annotations"] = [{"id": 1, "result": verdict("reject")}]
    tasks = [
        {**good, "id": 101},
        {**good, "id": 102, "annotations": [{"id": 5, "result": verdict("correct")}, {"id": 6, "result": verdict("accept")}]},
        {**good, "id": 103, "annotations": [{"id": 7, "result": []}]},
        {**good, "id": 104, "annotations": [{"id": 8, "result": verdict("accept", hours="3")}]},
        {"id": 105, "data": {"image": "x.png"}},
        {**good, "id": 106, "annotations": [{"id": 9, "result": verdict("maybe")}]},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    problems: list[str] = []
    records = read_import("labelstudio", path, problems=problems)
    assert [len(r.events) for r in records] == [1, 1, 0, 0, 0]
    assert [e.action for r in records for e in r.events] == ["reject", "accept"]
    assert len(problems) == 5
    assert problems[0].startswith("task 102 (fixture-paper p.1 hardware), annotation 5: ") and "correct without the kept values" in problems[0]
    assert problems[1].startswith("task 103 (") and "no verdict chosen" in problems[1]
    assert problems[2].startswith("task 104 (") and "hours do not belong to kind 'hardware'" in problems[2]
    assert problems[3].startswith("task 105: ") and "no flopsdb candidate" in problems[3]
    assert problems[4].startswith("task 106 (") and "unknown verdict 'maybe'" in problems[4]
    with pytest.raises(CurationError, match="task 102 .*correct without the kept values"):
        read_import("labelstudio", path)


def test_label_studio_import_cli_names_bad_tasks(rs: DbReviewStore, tmp_path: Path, config) -> None:
    good = ls_task(rs, tmp_path, "hardware")
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps(
            [
                {**good, "id": 201, "annotations": [{"id": 1, "result": verdict("accept")}]},
                {**good, "id": 202, "annotations": [{"id": 2, "result": []}]},
            ]
        )
    )
    result = CliRunner().invoke(main, ["review", "import", str(path), "--format", "labelstudio", "--ls-user", "ann1=1"])
    assert result.exit_code == 0, result.output
    assert "skipped task 202 (fixture-paper p.1 hardware), annotation 2: no verdict chosen" in result.stderr
    assert "new_events 1" in result.stdout and "skipped 1" in result.stdout
    bad = CliRunner().invoke(main, ["review", "export", "--format", "labelstudio", "--out", str(tmp_path / "x.json"), "--ls-user", "ann1"])
    assert bad.exit_code == 2 and "NAME=ID" in bad.output


def test_prodigy_corrections_keep_their_own_verdict(rs: DbReviewStore, tmp_path: Path) -> None:
    review_some(rs)
    out = tmp_path / "p.jsonl"
    export_records(rs, "prodigy", out)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    answered = [line for line in lines if "answer" in line]
    fix = next(line for line in answered if line["flopsdb_event"]["action"] == "correct")
    assert fix["answer"] == "accept" and fix["accept"] == ["correct"] and {o["id"] for o in fix["options"]} >= {"accept", "correct", "reject"}
    assert fix["kept"] == fix["flopsdb_event"]["after"] and fix["kept"]["model"] == "m2"
    plain = [{k: v for k, v in line.items() if k != "flopsdb_event"} for line in answered]
    out.write_text("".join(json.dumps(line) + "\n" for line in plain))
    recs = read_import("prodigy", out)
    assert sorted((e.action, e.after and json.loads(e.after)["model"]) for r in recs for e in r.events) == sorted(
        (line["accept"][0], line["kept"] and line["kept"]["model"]) for line in answered
    )
    assert [e.event_id for r in read_import("prodigy", out) for e in r.events] == [e.event_id for r in recs for e in r.events]


def test_prodigy_plain_answers_map_to_verdicts(tmp_path: Path, rs: DbReviewStore) -> None:
    out = tmp_path / "p.jsonl"
    export_records(rs, "prodigy", out)
    lines = [json.loads(text) for text in out.read_text().splitlines()]
    assert len(lines) == 21 and all("answer" not in row for row in lines)
    lines[0]["answer"], lines[0]["_annotator_id"] = "accept", "prodigy-user"
    lines[1]["answer"] = "ignore"
    out.write_text("".join(json.dumps(row) + "\n" for row in lines))
    recs = read_import("prodigy", out)
    actions = sorted(e.action for r in recs for e in r.events)
    assert actions == ["accept", "unsure"]


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"paper": "x", "kind": "hardware"}\nnot json\n')
    with pytest.raises(CurationError, match="without the flopsdb candidate"):
        read_import("prodigy", bad)
    bad.write_text("not json\n")
    with pytest.raises(CurationError, match="not JSON"):
        read_import("prodigy", bad)
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"paper": "x", "kind": "flops", "page": 1, "quote": "q"}\n')
    with pytest.raises(CurationError, match=r"gold\.jsonl:1: bad gold record"):
        read_import("annotations", gold)
    with pytest.raises(CurationError, match="unknown format"):
        read_import("csv", gold)
    with pytest.raises(CurationError, match="not found"):
        read_import("annotations", tmp_path / "missing")


def test_the_import_steps_plan_says_what_its_run_then_does(rs: DbReviewStore, tmp_path: Path, config) -> None:
    """``ImportReview`` side by side: ``plan`` (``review import --dry-run``) predicts ``run`` on the same database,
    for a file new to it and the same file again; the run stores the candidates under its own run id."""
    from flopsdb.review import ImportReview
    from flopsdb.steps import run_recorded

    review_some(rs)
    out = tmp_path / "export.jsonl"
    export_records(rs, "prodigy", out)
    other = Store(tmp_path / "other.duckdb")
    gold = ImportReview(config, "annotations", FIX / "gold.jsonl", pdf_dir=FIX)
    with rs.store.connect() as con:
        planned = gold.plan(con)
    assert planned.counts == {"records": 7, "new_candidates": 7, "new_events": 7}
    run_id, done = run_recorded(rs.store, gold.name, gold)
    assert done.counts == planned.counts
    with rs.store.connect() as con:
        assert gold.plan(con).counts == {"records": 7, "new_candidates": 0, "new_events": 0}
        runs = con.execute("SELECT command, status FROM runs WHERE run_id = ?", [run_id]).fetchall()
        assert runs == [("review import", "ok")]
        assert con.execute("SELECT count(*) FROM candidates WHERE run_id = ?", [run_id]).fetchone() == (7,)
    step = ImportReview(config, "prodigy", out)
    with other.connect() as con:
        first = step.plan(con)
    assert first.counts["new_events"] > 0 and first.counts["new_candidates"] == first.counts["records"]
    assert import_records(DbReviewStore(other), step.records()) == first.counts
    with other.connect() as con:
        assert step.plan(con).counts == {"records": first.counts["records"], "new_candidates": 0, "new_events": 0}
    assert import_records(DbReviewStore(other), step.records())["new_events"] == 0
