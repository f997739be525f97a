"""The CLI verbs end to end on the fixture data: import, fit (JSON, table, plots), sql, export."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from flopsdb.cli import main


@pytest.fixture
def run(config):
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        res = runner.invoke(main, list(args), catch_exceptions=False)
        if ok:
            assert res.exit_code == 0, res.output
        return res

    return invoke


def test_import_fit_sql_export(run, fx, tmp_path):
    out = run("import", "thompson", str(fx / "thompson")).output
    assert "57 facts" in out and "1 failures" in out and "image-classification-on-imagenet.csv:17" in out
    res = run(
        "fit",
        "--benchmark",
        "imagenet",
        "--source",
        "thompson",
        "--target-error",
        "0.05",
        "--format",
        "json",
        "--bootstrap",
        "10",
        "--plot",
        str(tmp_path / "f.png"),
        "--plot",
        str(tmp_path / "f.svg"),
    )
    doc = json.loads(res.output[: res.output.rindex("}") + 1])
    for key in (
        "benchmark",
        "form",
        "x",
        "y_transform",
        "n",
        "intercept",
        "slope",
        "slope_se",
        "r2",
        "ci",
        "target_error",
        "log10_flop",
        "usd",
        "co2_kg",
        "fact_ids",
        "convention",
        "source",
    ):
        assert key in doc
    assert doc["n"] == 11 and doc["slope"] == pytest.approx(-0.1, abs=1e-6) and doc["y_transform"] == "log10(error)"
    assert doc["log10_flop"] == pytest.approx((1 - (-1.30103)) / 0.1, abs=1e-3)
    assert "thompson:imagenet:5:result:top1" in doc["fact_ids"]
    assert doc["extrapolation"]["assumptions"]["hardware"]["value"] == "NVIDIA A100"
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in (tmp_path / "f.svg").read_bytes()[:500]
    table = run("fit", "--benchmark", "squad1.1", "--source", "thompson", "--no-variants").output
    assert "log10(1/error)" in table and "n=6" in table and "slope=+0.1000" in table
    csv_out = run("sql", "SELECT benchmark, count(*) AS n FROM benchmark_results GROUP BY ALL ORDER BY 1", "--format", "csv")
    assert csv_out.output.splitlines() == ["benchmark,n", "imagenet,12", "squad1.1,6"]
    capped = run("sql", "SELECT * FROM range(5)", "--max-rows", "2", "--format", "json")
    assert len(json.loads(capped.stdout)) == 2 and "row cap" in capped.stderr
    exp = run("export", "--format", "csv", str(tmp_path / "exp")).output
    assert "imported_facts.csv: 57 rows" in exp


def test_errors_are_one_line(run, fx):
    run("import", "thompson", str(fx / "thompson"))
    res = run("fit", "--benchmark", "coco", "--source", "thompson", ok=False)
    assert res.exit_code == 1 and "flopsdb: error: no coco results" in res.output
    res = run("sql", "DELETE FROM runs", ok=False)
    assert res.exit_code == 1 and "read-only" in res.output
    res = run("fit", "--benchmark", "imagenet", "--target-error", "0.05", "--hardware", "NVIDIA V100", ok=False)
    assert "no default price" in res.output


def test_fit_dry_run_says_what_would_be_fitted(run, fx, config):
    run("import", "thompson", str(fx / "thompson"))
    plan = run("fit", "--benchmark", "imagenet", "--source", "thompson", "--dry-run").output
    assert plan.startswith(
        "dry run: would fit imagenet log10_error against hardware_burden (polynomial, thompson convention) on 11 points: thompson 11"
    )
    doc = json.loads(run("fit", "--benchmark", "imagenet", "--source", "thompson", "--dry-run", "--format", "json").output)
    assert doc["dry_run"] is True and doc["points"] == doc["thompson"] == 11
    fitted = json.loads(run("fit", "--benchmark", "imagenet", "--source", "thompson", "--no-variants", "--format", "json").output)
    assert fitted["n"] == doc["points"]
    empty = run("fit", "--benchmark", "imagenet", "--source", "epoch", "--dry-run").output
    assert "on 0 points" in empty
    missing = run("fit", "--benchmark", "imagenet", "--source", "bogus", "--dry-run", ok=False)
    assert missing.exit_code == 2
