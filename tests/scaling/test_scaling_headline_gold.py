"""Over the whole of annotations/gold (no PDFs needed): `review import` twice (the second adds no verdict), then
`fit --source curated`: every point is a headline result of its model in the gold, one per model, its best."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main

GOLD = Path(__file__).resolve().parents[2] / "annotations" / "gold"
DATASETS = {"wmt14-en-de": ("WMT14 EN-DE", "BLEU"), "squad1.1": ("SQuAD 1.1", "EM"), "wmt14-en-fr": ("WMT14 EN-FR", "BLEU")}


def run(*args: str):
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


@pytest.mark.skipif(not any(GOLD.glob("*.jsonl")), reason="annotations/gold has no gold files")
def test_gold_fit_points_are_headline_results(config, store):
    run("review", "import", str(GOLD), "--format", "annotations")
    with store.connect() as con:
        events = con.execute("SELECT count(*) FROM review_events").fetchone()[0]
    run("review", "import", str(GOLD), "--format", "annotations")
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM review_events").fetchone()[0] == events
    headline: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for f in GOLD.glob("*.jsonl"):
        for line in f.read_text(encoding="utf-8").splitlines():
            g = json.loads(line) if line.strip() else {}
            if g.get("kind") == "result" and g.get("headline") and g.get("own", True):
                headline[(g["paper"], g["model"], g["dataset"] + "/" + g["metric"])].append(float(g["value"]))
    fitted = 0
    for bench, (dataset, metric) in DATASETS.items():
        r = CliRunner().invoke(main, ["fit", "--benchmark", bench, "--source", "curated", "--no-variants", "--format", "json"])
        if r.exit_code != 0:
            assert "left out" in r.output, r.output  # no fit: the error says what was left out
            continue
        fit = json.loads(r.output[r.output.index("{") :])
        models = [(p["paper"], p["model"]) for p in fit["points"]]
        assert len(models) == len(set(models))  # one point per model
        for p in fit["points"]:
            values = headline.get((p["paper"], p["model"], f"{dataset}/{metric}"))
            assert values, f"{p['model']} ({p['paper']}) is not a headline result on {dataset}"
            assert p["error"] == pytest.approx(1 - max(values) / 100)  # a score: its best headline value
        fitted += 1
    assert fitted >= 1
