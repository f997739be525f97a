"""The point rule for imported compute (issue #10): a fine-tuning alone is not a model's training compute, for
Epoch's rows as for curated records. A small Epoch-format table and a self-made gold line, imported by the real CLI
into a real DuckDB, then `fit_inputs` with `--source all`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.catalog import load_catalog
from flopsdb.fitting import FitOptions, fit_inputs
from flopsdb.scaling.importers import FINE_TUNING_ONLY, parse_epoch

HEADER = (
    "Model,Domain,Publication date,Training compute (FLOP),Training hardware,Hardware quantity,Training time (hours),"
    "Parameters,Training dataset size (datapoints),Confidence,Link,Base model,Training compute estimation method\n"
)
ROWS = (
    # fine-tuned from a base the table lacks: flopsdb's hardware estimate is the fine-tuning only
    "Tuna-X 10B,Language,2021-09-03,,Google TPU v3,128,60,10000000000,,Likely,https://arxiv.org/abs/2109.07777,BaseLM-X,Hardware\n"
    # fine-tuned from a base in the table; Epoch's figure is below the base's (it left the base out)
    "Tuna-Y 20B,Language,2022-10-20,5.0e+20,Google TPU v3,64,30,20000000000,,Likely,https://arxiv.org/abs/2210.08888,BaseLM-Y,Hardware\n"
    "BaseLM-Y,Language,2021-01-01,1.0e+23,Google TPU v3,1024,500,20000000000,,Likely,https://arxiv.org/abs/2101.09999,,Hardware\n"
)


def _gold(paper: str, model: str, value: float) -> str:
    return json.dumps(
        {
            "paper": paper,
            "kind": "result",
            "model": model,
            "stage": "fine-tuning",
            "page": 5,
            "quote": f"{model} {value}",
            "task": "question answering",
            "dataset": "SQuAD 1.1",
            "split": "dev",
            "metric": "EM",
            "value": value,
            "value_text": str(value),
            "own": True,
            "headline": True,
        }
    )


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "epoch.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def test_the_importer_marks_fine_tuning_only_estimates(table):
    batch = parse_epoch(table, catalog=load_catalog())
    by = {(e.entry_id, e.estimate.assumptions.get("as_published", False), e.estimate.convention): e.estimate for e in batch.estimates}
    assert "BaseLM-X" in by[("epoch:2", False, "epoch")].assumptions[FINE_TUNING_ONLY]
    assert "below its base model" in by[("epoch:3", True, "epoch")].assumptions[FINE_TUNING_ONLY]
    tuned_y = by[("epoch:3", False, "epoch")]  # the base's 1e23 added: training compute, not marked
    assert FINE_TUNING_ONLY not in tuned_y.assumptions and tuned_y.flop > 1e23
    assert FINE_TUNING_ONLY not in by[("epoch:4", True, "epoch")].assumptions
    # the thompson hardware burden never adds a base: a fine-tuned row's is the fine-tuning only
    assert "thompson convention adds no base" in by[("epoch:3", False, "thompson")].assumptions[FINE_TUNING_ONLY]
    assert FINE_TUNING_ONLY not in by[("epoch:4", False, "thompson")].assumptions


def test_a_base_missing_from_the_table_gets_the_compute_its_other_fine_tuned_rows_imply(tmp_path):
    cols = HEADER.rstrip("\n") + ",Finetune compute (FLOP)\n"
    rows = (
        "Tuna-A,Language,2023-01-01,2.1e+22,Google TPU v3,16,10,7000000000,,Likely,,BaseLM-Z,Hardware,1.0e+21\n"
        "Tuna-B,Language,2023-02-01,,Google TPU v3,16,10,7000000000,,Likely,,BaseLM-Z,Hardware,\n"
    )
    path = tmp_path / "epoch.csv"
    path.write_text(cols + rows, encoding="utf-8")
    batch = parse_epoch(path, catalog=load_catalog())
    est = {(e.entry_id, e.estimate.convention): e.estimate for e in batch.estimates if not e.estimate.assumptions.get("as_published")}
    b = est[("epoch:3", "epoch")]
    assert b.assumptions["base_compute"] == pytest.approx(2.0e22) and "epoch:2" in b.assumptions["base_compute_from"]
    assert b.flop == pytest.approx(2.0e22 + b.assumptions["fine_tuning_flop"])
    a = est[("epoch:2", "epoch")]  # never its own difference: no other row implies BaseLM-Z for Tuna-A
    assert isinstance(a.assumptions["base_compute"], str) and FINE_TUNING_ONLY in a.assumptions


def test_fit_with_source_all_takes_no_fine_tuning_only_compute(config, store, table, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "2109.07777.jsonl").write_text(_gold("2109.07777", "Tuna-X 10B", 80.0) + "\n", encoding="utf-8")
    (gold / "2210.08888.jsonl").write_text(_gold("2210.08888", "Tuna-Y 20B", 85.0) + "\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["import", "epoch", str(table)], catch_exceptions=False).exit_code == 0
    r = runner.invoke(main, ["review", "import", str(gold), "--format", "annotations"], catch_exceptions=False)
    assert r.exit_code == 0 and "skipped 0" in r.output, r.output
    with store.connect() as con:
        got = fit_inputs(con, FitOptions(benchmark="squad1.1", x="compute", source="all"))
    points = {p.model: p for p in got.points}
    assert "Tuna-X 10B" not in points  # its only compute is the fine-tuning's
    assert any("fine-tuning only" in n and "Tuna-X 10B" in n for n in got.notes), got.notes
    # Tuna-Y: Epoch's published 5e20 (below its base) is left out; flopsdb's estimate with the base added is the point
    assert points["Tuna-Y 20B"].flop > 1e23
    assert (points["Tuna-Y 20B"].year, points["Tuna-Y 20B"].year_source) == (2022, "arxiv_id")
