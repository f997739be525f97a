"""The epoch convention uses what Epoch's table gives: MFU, numerical format and epochs."""

from __future__ import annotations

import csv

import pytest

from flopsdb.core.catalog import Accelerator, Catalog, load_catalog
from flopsdb.scaling.compute import convention, hardware_compute, tokens_compute
from flopsdb.scaling.importers import _EPOCH_REQUIRED, active_parameters, parse_epoch

COLUMNS = [
    *_EPOCH_REQUIRED,
    "Domain",
    "Link",
    "Epochs",
    "Hardware utilization (MFU)",
    "Numerical format",
    "Base model",
    "Parameters notes",
    "Training chip-hours",
]


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


def test_a_mixture_of_experts_model_counts_its_active_parameters(tmp_path):
    """6 x active parameters x tokens when the row's parameter notes state them; 6 x all parameters otherwise."""
    base = {"Domain": "Language", "Parameters": "671e9", "Training dataset size (datapoints)": "1.48e13"}
    rows = [
        {**base, "Model": "Sparse-LM", "Parameters notes": "Mixture-of-Experts model with 671B total parameters with 37B activated for each token."},
        {**base, "Model": "Dense-LM", "Parameters notes": "671 billion parameters (Table 1)"},
    ]
    ops = _estimates(parse_epoch(_table(tmp_path / "moe.csv", rows)), "operations", "operations")
    sparse, dense = ops["epoch:2"], ops["epoch:3"]
    assert sparse.flop == pytest.approx(6 * 37e9 * 1.48e13)
    assert sparse.assumptions["parameters_from"] == "active" and sparse.assumptions["total_parameters"] == 671e9
    assert dense.flop == pytest.approx(6 * 671e9 * 1.48e13) and "parameters_from" not in dense.assumptions


@pytest.mark.parametrize(
    ("text", "total", "active"),
    [
        ("21B active params, 236B total", 236e9, 21e9),
        ("235 billion total parameters and 22 billion activated parameters", 235e9, 22e9),
        ("Total Parameters: 456B Activated Parameters per Token: 45.9B", 456e9, 45.9e9),
        ("The network activates 96.6 billion parameters per token", 1.2e12, 96.6e9),
        ("14.2e9 active parameters", 14.2e9, None),  # not a count with a unit
        ("a 288 billion active parameter model", 2e11, None),  # not smaller than the total: ignored
        ("dense transformer, 7 billion parameters", 7e9, None),
    ],
)
def test_active_parameters_are_read_from_the_text(text, total, active):
    assert active_parameters(text, total) == (pytest.approx(active) if active else None)


def test_tokens_compute_ignores_active_parameters_not_below_the_total():
    est = tokens_compute(1e9, 1e10, active_parameters=2e9)
    assert est.flop == pytest.approx(6e19) and est.assumptions["parameters"] == 1e9


def _pascal() -> Catalog:
    return Catalog(
        [
            Accelerator(
                name="Test Pascal",
                vendor="NVIDIA",
                kind="gpu",
                aliases=("Test Pascal",),
                peak_flops={"fp32": 11.34e12, "fp16": 0.177e12, "bf16": None},
            )
        ]
    )


def test_a_chip_slower_at_fp16_than_fp32_trains_at_its_fp32_peak_by_default():
    """The default 16-bit precision gives way to FP32 where the chip's FP16 rate is a fraction of FP32."""
    cat = _pascal()
    default = hardware_compute("Test Pascal", 4, 10, catalog=cat, conv=convention("epoch"), domain="vision")
    given = hardware_compute("Test Pascal", 4, 10, catalog=cat, conv=convention("epoch"), domain="vision", precision="fp16")
    assert default.flop == pytest.approx(4 * 11.34e12 * 0.4 * 10 * 3600) and default.assumptions["precision"] == "fp32"
    assert default.assumptions["precision_fallback"].startswith("fp16 -> fp32")
    assert "precision_fallback" not in given.assumptions
    assert given.flop == pytest.approx(4 * 0.177e12 * 0.4 * 10 * 3600) and given.assumptions["precision_from"] == "source"


def test_a_chip_faster_at_fp16_keeps_the_fp16_peak(fixture_catalog):
    est = hardware_compute("NVIDIA V100", 1, 1, catalog=fixture_catalog, conv=convention("epoch"), domain="vision")
    assert est.assumptions["precision"] == "fp16" and est.assumptions["peak_flops"] == 125e12
    assert "precision_fallback" not in est.assumptions


def test_chip_hours_from_the_row_replace_quantity_times_hours(tmp_path, fixture_catalog):
    """A run whose stages used other chip counts: the row's chip-hours are the run's, quantity x hours is not."""
    base = {"Domain": "Vision", "Training hardware": "NVIDIA V100", "Confidence": "Likely"}
    rows = [
        {**base, "Model": "Staged", "Hardware quantity": "512", "Training time (hours)": "1344", "Training chip-hours": "360000"},
        {**base, "Model": "Hours-only", "Training chip-hours": "1000"},
        {**base, "Model": "Plain", "Hardware quantity": "8", "Training time (hours)": "10"},
    ]
    hw = _estimates(parse_epoch(_table(tmp_path / "ch.csv", rows), catalog=fixture_catalog), "hardware", "epoch")
    rate = 125e12 * 0.4 * 3600
    assert hw["epoch:2"].flop == pytest.approx(360000 * rate) and hw["epoch:2"].assumptions["chip_hours_from"] == "source"
    assert hw["epoch:3"].flop == pytest.approx(1000 * rate)
    assert hw["epoch:4"].flop == pytest.approx(80 * rate) and "chip_hours" not in hw["epoch:4"].assumptions


def test_several_base_models_are_not_summed(tmp_path, fixture_catalog):
    rows = [
        {"Model": "LM-A", "Training compute (FLOP)": "1e23"},
        {"Model": "Vis-B", "Training compute (FLOP)": "1e22"},
        {
            "Model": "Combined",
            "Domain": "Multimodal",
            "Base model": "LM-A,Vis-B",
            "Training hardware": "NVIDIA V100",
            "Hardware quantity": "8",
            "Training time (hours)": "10",
        },
    ]
    est = _estimates(parse_epoch(_table(tmp_path / "mb.csv", rows), catalog=fixture_catalog), "hardware", "epoch")["epoch:4"]
    assert est.flop == pytest.approx(8 * 125e12 * 0.4 * 10 * 3600)
    assert "several base models" in est.assumptions["base_compute"]


@pytest.mark.shared
def test_mixture_of_experts_models_of_epochs_table_come_out_near_epochs_figures(shared_dir):
    path = shared_dir / "datasets" / "epoch" / "epoch_all_ml_systems_full_view.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    batch = parse_epoch(path)
    names = {f.entry_id: f.model for f in batch.facts}
    published = {names[e.entry_id]: e.estimate.flop for e in batch.estimates if e.estimate.assumptions.get("as_published")}
    ops = {names[k]: v for k, v in _estimates(batch, "operations", "operations").items()}
    for model in ("DeepSeek-V3", "Qwen3-235B-A22B", "GLaM"):
        assert ops[model].assumptions["parameters_from"] == "active"
        assert ops[model].flop == pytest.approx(published[model], rel=0.1)
