"""Export and import round trips (annotations gold JSONL, Label Studio JSON, Prodigy JSONL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIX
from flopsdb.curation.interchange import collect_records, read_import
from flopsdb.curation.model import Event, make_after, new_event_id
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.core.errors import CurationError
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
    cands = sorted((c.candidate_id, c.evidence.page, tuple(c.evidence.bbox.as_list()), c.evidence.snippet, path)
                   for c, path in rs.candidates())
    events = sorted((e.event_id, e.candidate_id, e.annotator, e.action, e.after, e.dwell_ms)
                    for r in collect_records(rs.candidates(), rs.events()) for e in r.events)
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


def test_label_studio_export_has_predictions_prefilled(rs: DbReviewStore, tmp_path: Path) -> None:
    review_some(rs)
    out = tmp_path / "ls.json"
    export_records(rs, "labelstudio", out)
    tasks = json.loads(out.read_text())
    assert len(tasks) == 21
    t = tasks[0]
    assert t["predictions"][0]["model_version"].startswith("fixture.v") and 0 < t["predictions"][0]["score"] <= 1
    judged = [t for t in tasks if t["annotations"]]
    assert judged and all(a["result"][0]["from_name"] == "verdict" for t in judged for a in t["annotations"])


def test_prodigy_plain_answers_map_to_verdicts(tmp_path: Path, rs: DbReviewStore) -> None:
    out = tmp_path / "p.jsonl"
    export_records(rs, "prodigy", out)
    lines = [json.loads(l) for l in out.read_text().splitlines()]
    assert len(lines) == 21 and all("answer" not in l for l in lines)
    lines[0]["answer"], lines[0]["_annotator_id"] = "accept", "prodigy-user"
    lines[1]["answer"] = "ignore"
    out.write_text("".join(json.dumps(l) + "\n" for l in lines))
    recs = read_import("prodigy", out)
    actions = sorted(e.action for r in recs for e in r.events)
    assert actions == ["accept", "unsure"]


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"paper": "x", "kind": "hardware"}\nnot json\n')
    with pytest.raises(CurationError, match="without the flopsdb candidate"):
        read_import("prodigy", bad)
    bad.write_text('not json\n')
    with pytest.raises(CurationError, match="not JSON"):
        read_import("prodigy", bad)
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"paper": "x", "kind": "flops", "page": 1, "quote": "q"}\n')
    with pytest.raises(CurationError, match="line 1"):
        read_import("annotations", gold)
    with pytest.raises(CurationError, match="unknown format"):
        read_import("csv", gold)
    with pytest.raises(CurationError, match="not found"):
        read_import("annotations", tmp_path / "missing")
