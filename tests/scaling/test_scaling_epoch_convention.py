"""The epoch convention uses what Epoch's table gives: MFU, numerical format and epochs."""

from __future__ import annotations

import csv

import pytest

from flopsdb.core.catalog import load_catalog
from flopsdb.scaling.importers import _EPOCH_REQUIRED, parse_epoch

COLUMNS = [*_EPOCH_REQUIRED, "Domain", "Link", "Epochs", "Hardware utilization (MFU)", "Numerical format", "Base model"]


def _table(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in COLUMNS})
    return path


def _estimates(batch, method, convention):
    return {
        e.entry_id: e.estimate
        for e in batch.estimates
        if e.estimate.method == method and e.estimate.convention == convention and not e.estimate.assumptions.get("as_published")
    }


def test_mfu_precision_and_epochs_from_the_row(tmp_path, fixture_catalog):
    base = {
        "Publication date": "2020-01-01",
        "Confidence": "Confident",
        "Domain": "Language",
        "Training hardware": "NVIDIA V100",
        "Hardware quantity": "100",
        "Training time (hours)": "10",
        "Parameters": "1e9",
        "Training dataset size (datapoints)": "1e10",
    }
    path = _table(
        tmp_path / "epoch.csv",
        [
            {**base, "Model": "Given", "Epochs": "3", "Hardware utilization (MFU)": "0.25", "Numerical format": "FP32"},
            {**base, "Model": "Defaults"},
        ],
    )
    batch = parse_epoch(path, catalog=fixture_catalog)
    hw, ops = _estimates(batch, "hardware", "epoch"), _estimates(batch, "operations", "operations")
    given, default = "epoch:2", "epoch:3"
    assert hw[given].flop == pytest.approx(100 * 15.7e12 * 0.25 * 10 * 3600)
    assert hw[given].assumptions["utilisation_from"] == "source" and hw[given].assumptions["precision"] == "fp32"
    assert hw[default].flop == pytest.approx(100 * 125e12 * 0.3 * 10 * 3600)
    assert hw[default].assumptions["utilisation_from"] == "default"
    assert ops[given].flop == pytest.approx(6 * 1e9 * 1e10 * 3)
    assert ops[default].flop == pytest.approx(6 * 1e9 * 1e10) and ops[default].assumptions["epochs_from"] == "default"


@pytest.mark.shared
def test_epochs_own_models_come_out_near_epochs_figures(shared_dir):
    path = shared_dir / "datasets" / "epoch" / "epoch_all_ml_systems_full_view.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    batch = parse_epoch(path, catalog=load_catalog())
    names = {f.entry_id: f.model for f in batch.facts}
    hw = {names[k]: v.flop for k, v in _estimates(batch, "hardware", "epoch").items()}
    ops = {names[k]: v.flop for k, v in _estimates(batch, "operations", "operations").items()}
    assert hw["GPT-3 175B (davinci)"] == pytest.approx(3.14e23, rel=0.05)
    assert hw["Llama 2-70B"] == pytest.approx(8.1e23, rel=0.05)
    assert ops["BERT-Large"] == pytest.approx(2.85e20, rel=0.10)


def test_a_fine_tuned_model_adds_its_base_models_published_compute(tmp_path):
    """The row's hardware and time are the fine-tuning; its training compute is the base's plus the fine-tuning."""
    rows = [
        {"Model": "Base-LM", "Domain": "Language", "Training compute (FLOP)": "1e23"},
        {
            "Model": "Tuned-LM",
            "Domain": "Language",
            "Base model": "Base-LM",
            "Training hardware": "NVIDIA A100",
            "Hardware quantity": "8",
            "Training time (hours)": "10",
            "Hardware utilization (MFU)": "0.5",
            "Numerical format": "BF16",
        },
        {
            "Model": "Orphan-LM",
            "Domain": "Language",
            "Base model": "Unknown-LM",
            "Training hardware": "NVIDIA A100",
            "Hardware quantity": "8",
            "Training time (hours)": "10",
        },
    ]
    batch = parse_epoch(_table(tmp_path / "t.csv", rows), catalog=load_catalog())
    epoch = _estimates(batch, "hardware", "epoch")
    thompson = _estimates(batch, "hardware", "thompson")
    tuned, orphan = epoch["epoch:3"], epoch["epoch:4"]
    a100_bf16 = 8 * 3.12e14 * 10 * 3600 * 0.5
    assert tuned.assumptions["fine_tuning_flop"] == pytest.approx(a100_bf16, rel=0.01)
    assert tuned.flop == pytest.approx(1e23 + a100_bf16, rel=1e-6) and tuned.assumptions["base_model"] == "Base-LM"
    assert thompson["epoch:3"].flop < 1e21  # the hardware burden stays the row's own
    assert orphan.flop < 1e21 and "unknown" in orphan.assumptions["base_compute"]
