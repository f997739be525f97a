"""End to end from gold annotations: `review import` as verdicts -> `records` -> `fit --source curated` (real CLI, real
DuckDB, the real corpus PDFs for boxes and years)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main

pytestmark = pytest.mark.shared

GOLD = Path(__file__).resolve().parents[2] / "annotations" / "gold"
P100_FP32 = 9.3e12


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_gold_verdicts_become_records_and_one_point_per_model(corpus_dir, config, store, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    for paper in ("1706.03762", "1611.05431", "1508.04025"):
        shutil.copy(GOLD / f"{paper}.jsonl", gold / f"{paper}.jsonl")
    r = run("review", "import", str(gold), "--format", "annotations", "--pdf-dir", str(corpus_dir))
    assert r.exit_code == 0 and "skipped 0" in r.output, r.output
    r = run("records", "--format", "jsonl")
    recs = {rec["record_id"]: rec for rec in map(json.loads, r.output.splitlines())}
    base, big = recs["1706.03762:transformerbasemodel"], recs["1706.03762:transformerbig"]
    # the paper's one hardware line (model null: all its models) and each model's own training time
    assert base["hardware"]["count"] == 8 and base["training_time"]["hours"] == 12 and not base["missing"]
    assert big["training_time"]["hours"] == 84 and big["training_time"]["scope"] == "wall_clock"
    assert big["training_time"]["model_scope"] is None and base["hardware"]["model_scope"] == "all_models"
    assert any(res["headline"] for res in big["results"]) and big["year"] is not None
    rx = recs["1611.05431:resnext10164x4"]
    assert not rx["missing"] and rx["training_time"]["hours"] == 240
    # ablation rows keep their results but get no training time of another model
    ablations = [rec for rid, rec in recs.items() if rid.startswith("1611.05431") and rec is not rx and rec["results"]]
    assert ablations and all(rec["training_time"] is None or rec["training_time"]["fact_id"] != rx["training_time"]["fact_id"] for rec in ablations)
    r = run("fit", "--benchmark", "wmt14-en-de", "--source", "curated", "--format", "json")
    assert "{" in r.output, r.output
    fit = json.loads(r.output[r.output.index("{") :])
    points = {p["model"]: p for p in fit["points"] if p["paper"] == "1706.03762"}
    assert set(points) == {"Transformer (base model)", "Transformer (big)"}
    bleu = {
        res["model"]: res["value"]
        for res in big["results"] + base["results"]
        if res["benchmark"] and "EN-DE" in res["benchmark"].upper() and res["headline"]
    }
    for name, p in points.items():
        assert p["error"] == pytest.approx(1 - bleu[name] / 100)  # BLEU is a score: error is 1 - BLEU/100
    hours = {"Transformer (base model)": 12, "Transformer (big)": 84}
    for name, p in points.items():
        assert p["compute"] == pytest.approx(8 * P100_FP32 * hours[name] * 3600, rel=0.01)
        assert p["year"] == big["year"]
