"""Operations per forward pass as a measure of its own, and the --relative-to / --model-contains selections, on
self-made CSVs in the authors' format (no ../shared)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.errors import FitError, ScalingError
from flopsdb.fitting import FitOptions, import_thompson, run_fit
from flopsdb.scaling.forward import forward_ops

HEADER = "name,year,parameters,title,paper_with_code,paper_link,flops,multiadds,fp_bp_ratio,network_operations,hardware_burden,{metric}"
COMMAS = "," * 11
A, B = 0.20, -0.10
"""The fixture's line: log10(top-1 error) = A + B log10(operations per forward pass)."""


def _ops(i: int) -> float:
    return 10.0 ** (9 + 0.5 * i)


def _write(folder: Path, fname: str, metric: str, rows: list[tuple[str, str, str, str, float]]) -> None:
    """``rows``: name, flops, multiadds, hardware_burden, score (percent)."""
    lines = [HEADER.format(metric=metric), "name" + COMMAS, COMMAS, COMMAS]
    for k, (name, flops, madds, burden, score) in enumerate(rows):
        lines.append(f"{name},2019,,Paper {k},,https://arxiv.org/pdf/19{k:02d}.0000{k}v1.pdf,{flops},{madds},3,,{burden},{score}")
    (folder / fname).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An ImageNet CSV of 6 models on one exact log-log line (3 with ``flops``, 3 with ``multiadds`` only), one with a
    hardware burden, one without any operation count; and a COCO CSV of 4 models."""
    out = tmp_path / "thompson"
    out.mkdir()
    names = ["RefNet", "ResNet-50", "ResNet-101", "ResNet-152", "DenseNet-1", "DenseNet-2"]
    rows = []
    for i, name in enumerate(names):
        err = 10 ** (A + B * math.log10(_ops(i)))
        flops, madds = (f"{_ops(i):.6e}", "") if i % 2 == 0 else ("", f"{_ops(i) / 2:.6e}")
        rows.append((name, flops, madds, "1e18" if i == 1 else "", 100 * (1 - err)))
    rows.append(("NoOps", "", "", "", 70.0))
    _write(out, "image-classification-on-imagenet.csv", "(TOP 1 score)", rows)
    coco = [(f"Det-{i}", f"{_ops(i):.6e}", "", "", 100 * 10 ** (-1.0 + 0.05 * math.log10(_ops(i)))) for i in range(4)]
    _write(out, "object-detection-on-coco.csv", "(BOX AP)", coco)
    return out


def test_forward_ops_is_flops_else_twice_the_multiadds():
    assert forward_ops(3e9, 5e9) == (3e9, "flops")
    assert forward_ops(None, 5e9) == (1e10, "2 x multiadds")
    assert forward_ops(None, None) is None
    with pytest.raises(ValueError, match="not positive"):
        forward_ops(0.0, None)


def test_imported_as_its_own_measure_never_as_compute(store, folder):
    assert import_thompson(store, folder)["failures"] == 0
    with store.connect() as con:
        facts = dict(con.execute("SELECT model, json_extract_string(fields, '$.from') FROM imported_facts WHERE kind = 'forward_ops'").fetchall())
        quantities = {r[0] for r in con.execute("SELECT DISTINCT quantity FROM compute_estimates").fetchall()}
        fit_inputs = con.execute("SELECT count(*) FROM fit_inputs WHERE quantity = 'forward_ops'").fetchone()[0]
        rows = con.execute("SELECT model, flop FROM forward_ops_inputs WHERE benchmark = 'imagenet' ORDER BY flop").fetchall()
    assert facts["RefNet"] == "flops" and facts["ResNet-50"] == "2 x multiadds" and "NoOps" not in facts
    assert quantities == {"hardware_burden"} and fit_inputs == 0
    assert [m for m, _ in rows] == ["RefNet", "ResNet-50", "ResNet-101", "ResNet-152", "DenseNet-1", "DenseNet-2"]
    assert rows[1][1] == pytest.approx(_ops(1), rel=1e-6)
    # training-compute fits do not see it: the one hardware burden is the only compute point
    with pytest.raises(FitError, match="at least 3 points"):
        run_fit(store, FitOptions(benchmark="imagenet", x="hardware_burden", source="thompson", variants=False))


def test_fit_on_forward_ops_relative_and_per_family(store, folder):
    import_thompson(store, folder)
    fit = run_fit(store, FitOptions(benchmark="imagenet", x="forward_ops", source="thompson", variants=False))
    assert (fit.main.n, fit.convention, fit.y_transform) == (6, "forward_pass", "log10_error")
    assert fit.main.slope == pytest.approx(B, abs=1e-6) and fit.main.intercept == pytest.approx(A, abs=1e-5) and fit.main.r2 == pytest.approx(1.0)
    rel = run_fit(store, FitOptions(benchmark="imagenet", x="forward_ops", source="thompson", relative_to="refnet", variants=False))
    assert rel.main.slope == pytest.approx(B, abs=1e-6)
    assert rel.main.intercept == pytest.approx(A + B * math.log10(_ops(0)), abs=1e-5)
    assert rel.relative_to == "refnet" and any("x relative to RefNet" in n for n in rel.notes)
    fam = run_fit(
        store, FitOptions(benchmark="imagenet", x="forward_ops", source="thompson", relative_to="RefNet", model_contains="resnet", variants=False)
    )
    assert fam.main.n == 3 and {p.model for p in fam.points} == {"ResNet-50", "ResNet-101", "ResNet-152"}
    assert fam.main.intercept == pytest.approx(rel.main.intercept, abs=1e-5)


def test_coco_on_forward_ops_fits_log10_of_the_score(store, folder):
    import_thompson(store, folder)
    fit = run_fit(store, FitOptions(benchmark="coco", x="forward_ops", source="thompson", variants=False))
    assert fit.y_transform == "log10_score"
    assert fit.main.slope == pytest.approx(0.05, abs=1e-6) and fit.main.intercept == pytest.approx(-1.0, abs=1e-5)
    hw = run_fit(store, FitOptions(benchmark="coco", x="forward_ops", source="thompson", y_transform="log10_inv_error", variants=False))
    assert hw.y_transform == "log10_inv_error" and hw.main.slope != pytest.approx(0.05, abs=1e-3)


def test_refusals(store, folder):
    import_thompson(store, folder)
    with pytest.raises(ScalingError, match="target-error"):
        run_fit(store, FitOptions(benchmark="imagenet", x="forward_ops", source="thompson", target_error=0.05))
    with pytest.raises(ScalingError, match="no compute convention"):
        run_fit(store, FitOptions(benchmark="imagenet", x="forward_ops", source="thompson", convention="epoch"))
    with pytest.raises(ScalingError, match="no point of that model"):
        run_fit(store, FitOptions(benchmark="imagenet", x="forward_ops", source="thompson", relative_to="AlexNet"))


def test_cli(config, folder, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["import", "thompson", str(folder)], catch_exceptions=False).exit_code == 0
    args = ["fit", "--x", "forward_ops", "--source", "thompson", "--relative-to", "RefNet", "--model-contains", "ResNet", "--bootstrap", "5"]
    res = runner.invoke(main, [*args, "--format", "json", "--plot", str(tmp_path / "f.svg")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output[: res.output.rindex("}") + 1])
    assert (doc["x"], doc["relative_to"], doc["model_contains"], doc["n"]) == ("forward_ops", "RefNet", "ResNet", 3)
    assert "operations per forward pass" in (tmp_path / "f.svg").read_text(encoding="utf-8")
    table = runner.invoke(main, args, catch_exceptions=False).output
    assert "log10(forward_ops / RefNet's)  models containing 'ResNet'" in table
