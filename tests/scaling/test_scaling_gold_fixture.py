"""Unseen gold, end to end without ../shared: a self-made gold folder (tests/fixtures/scaling/gold: four fictional
papers with every line shape of annotations/GUIDELINES.md) through `review import` -> `records` -> `fit --source
curated` (real CLI, real DuckDB, the shipped hardware catalog)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.catalog import load_catalog
from flopsdb.scaling.compute import find_accelerator

GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "scaling" / "gold"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def fit(benchmark: str, *extra: str) -> dict:
    r = run("fit", "--benchmark", benchmark, "--source", "curated", "--no-variants", "--format", "json", *extra)
    assert r.exit_code == 0 and "{" in r.output, r.output
    return json.loads(r.output[r.output.index("{") :])


def fp32(name: str) -> float:
    acc = find_accelerator(load_catalog(), name)
    assert acc is not None
    return acc.peak("fp32")


@pytest.fixture
def imported(config, store):
    r = run("review", "import", str(GOLD), "--format", "annotations")
    assert r.exit_code == 0 and "new_events 44" in r.output and "skipped 0" in r.output, r.output
    again = run("review", "import", str(GOLD), "--format", "annotations")
    assert "new_events 0" in again.output, again.output  # a second import adds nothing
    r = run("records", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    return {rec["record_id"]: rec for rec in map(json.loads, r.output.splitlines())}


def test_records_of_unseen_gold_carry_years_ranges_device_hours_and_ensembles(imported):
    recs = imported
    s, big = recs["2203.01234:alphanets"], recs["1811.09876:gammamtbig"]
    # a new-style arXiv id with no metadata and no PDF: the id's year; a PDF stem: no year, and why
    assert (s["year"], s["year_source"]) == (2022, "arxiv_id")
    delta = recs["deltanet-workshop2020:deltanet50"]
    assert delta["year"] is None and "not a dated arXiv id" in delta["year_reason"]
    # the paper-wide hardware line (model null) reaches every model; a range of days gives bounds
    v100 = fp32("NVIDIA V100")
    th = s["compute"]["thompson"]
    assert th["flop"] == pytest.approx(8 * v100 * 60 * 3600)
    assert (th["flop_low"], th["flop_high"]) == (pytest.approx(8 * v100 * 48 * 3600), pytest.approx(8 * v100 * 72 * 3600))
    assert s["parameters"] == 22_000_000
    # GPU-days (device_hours) are divided by the device count
    assert big["compute"]["thompson"]["flop"] == pytest.approx(8 * fp32("NVIDIA P100") * (840 / 8) * 3600)
    # an ensemble whose time is its member's: N x the member's compute, and the note says whose facts it took
    ens, large = recs["1907.04567:betaqalargeensembleof5models"], recs["1907.04567:betaqalarge"]
    assert ens["compute"]["thompson"]["flop"] == pytest.approx(5 * large["compute"]["thompson"]["flop"])
    assert "5 models" in ens["compute"]["thompson"]["assumptions"]["ensemble"]
    assert any("BetaQA-Large" in n for n in ens["notes"]) and not ens["missing"]
    # what a record lacks is said
    assert recs["1811.09876:gammamtsmall"]["missing"] == ["training_time"]


def test_fit_points_are_one_per_model_with_the_error_direction_compute_and_year(imported):
    recs = imported
    im = fit("imagenet")
    points = {p["model"]: p for p in im["points"]}
    assert set(points) == {"AlphaNet-S", "AlphaNet-L", "DeltaNet-50", "DeltaNet-101"}  # the ablation has no time
    # accuracy becomes 1 - x; a printed error stays an error; top-5 is not the benchmark's metric
    assert points["AlphaNet-S"]["error"] == pytest.approx(1 - 0.795)
    assert points["DeltaNet-50"]["error"] == pytest.approx(0.239)
    assert points["AlphaNet-L"]["compute"] == pytest.approx(recs["2203.01234:alphanetl"]["compute"]["thompson"]["flop"])
    assert points["AlphaNet-L"]["year"] == 2022 and points["DeltaNet-101"]["year"] is None
    assert any("lacks training_time" in n and "alphanetswogating" in n for n in im["notes"])
    assert im["slope"] < 0  # more compute, less error (log10 error on log10 compute)
    # COCO: box AP only (AP50 is not the benchmark's metric), the headline test-dev row, in the authors' form
    coco = fit("coco")
    boxes = {p["model"]: p["error"] for p in coco["points"]}
    assert boxes == {"AlphaDet-S": pytest.approx(1 - 0.412), "AlphaDet-L": pytest.approx(1 - 0.468), "DeltaDet": pytest.approx(1 - 0.38)}
    assert coco["y_transform"] == "log10(1/error)" and coco["slope"] > 0
    # SQuAD: EM, the test number of a model with test and dev; the ensemble at 5x its member's compute
    squad = fit("squad1.1")
    qa = {p["model"]: p for p in squad["points"]}
    assert set(qa) == {"BetaQA-Base", "BetaQA-Large", "BetaQA-Large (ensemble of 5 models)"}
    assert qa["BetaQA-Large"]["error"] == pytest.approx(1 - 0.853) and qa["BetaQA-Base"]["error"] == pytest.approx(1 - 0.81)
    assert qa["BetaQA-Large (ensemble of 5 models)"]["compute"] == pytest.approx(5 * qa["BetaQA-Large"]["compute"])
    assert qa["BetaQA-Large"]["compute"] == pytest.approx(4 * qa["BetaQA-Base"]["compute"])  # 1,536 vs 384 TPU-hours
    assert all(p["year"] == 2019 for p in qa.values())


def test_too_few_points_name_what_was_left_out(imported):
    r = run("fit", "--benchmark", "wmt14-en-de", "--source", "curated", "--no-variants", "--format", "json")
    assert r.exit_code != 0
    assert "got 2" in r.output and "lacks training_time" in r.output and "gammamtsmall" in r.output
    r = run("fit", "--benchmark", "conll2003", "--source", "curated", "--no-variants")
    assert r.exit_code != 0 and "got 1" in r.output


def test_status_counts_the_queue_and_the_facts_by_source(config, store):
    from flopsdb.curation.model import Event, make_after, new_event_id
    from flopsdb.db.curation import DbReviewStore

    r = run("review", "import", str(GOLD), "--format", "annotations", "--as-candidates")
    assert r.exit_code == 0, r.output
    status = json.loads(run("status", "--format", "json").output)
    assert status["queue"] == {"pending": 44, "curated": 0, "disputed": 0, "rejected": 0}
    assert status["facts_by_source"] == {"curated": 0}
    review = DbReviewStore(store)
    with store.connect() as con:  # ids as stored (an unlocated quote's box reads back with other float digits)
        rows = con.execute("SELECT candidate_id, model, stage, fields FROM candidates ORDER BY candidate_id LIMIT 3").fetchall()
    first, second, third = [(cid, model, stage, json.loads(fields)) for cid, model, stage, fields in rows]

    def verdict(cand, who, action, fields):
        cid, model, stage, _ = cand
        review.record(
            Event(event_id=new_event_id(), candidate_id=cid, annotator=who, action=action, after=make_after(fields, model, stage), source="terminal"),
            require_lease=False,
        )

    verdict(first, "ann", "accept", first[3])
    verdict(second, "ann", "accept", second[3])  # two raters keep different versions: disputed
    verdict(second, "bob", "correct", {**second[3], "note": "another version"})
    verdict(third, "ann", "reject", third[3])
    run("import", "thompson", str(Path(__file__).resolve().parents[1] / "fixtures" / "scaling" / "thompson"))
    status = json.loads(run("status", "--format", "json").output)
    assert status["queue"] == {"pending": 41, "curated": 1, "disputed": 1, "rejected": 1}
    assert status["facts_by_source"]["curated"] == 1 and status["facts_by_source"]["thompson"] > 0
    text = run("status").output
    assert "review queue: pending 41, curated 1, disputed 1, rejected 1" in text and "facts by source: curated 1, thompson" in text
