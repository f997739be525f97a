"""Curated fit points from small gold files of our own, through the real CLI and a real DuckDB file:
headline results only by default (one point per record and benchmark, its best headline result), ``--all-results``
for the ablation rows, ensembles of N models at N times the member's compute, the batched import's idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.scaling.records import ensemble_size

V100_FP32 = 15.7e12  # the catalog's V100 peak (thompson convention: fp32 peak, utilisation 1)


def run(*args: str, ok: bool = True):
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    if ok:
        assert r.exit_code == 0, r.output
    return r


def _line(**kw) -> str:
    base = {"paper": "2101.00001", "stage": "training", "page": 1, "quote": "q", "own": True}
    return json.dumps({**base, **kw})


def _result(model: str, value: float, headline: bool, metric: str = "top-1 error", **kw) -> str:
    return _line(
        kind="result",
        model=model,
        task="image classification",
        dataset="ImageNet",
        split="val",
        metric=metric,
        value=value,
        value_text=str(value),
        headline=headline,
        **kw,
    )


def _gold(tmp_path: Path) -> Path:
    """One paper: a paper-wide 8 x V100 and a paper-wide 48 h (model null: every model), a main model with two
    headline results, three ablation rows (not headline), and a 4-model ensemble; a second paper's ensemble of an
    unstated size."""
    gold = tmp_path / "gold"
    gold.mkdir()
    lines = [
        _line(kind="hardware", model=None, accelerator="NVIDIA V100", count=8, unit="gpu"),
        _line(kind="training_time", model=None, hours=48, hours_low=48, hours_high=48, scope="wall_clock", approx=False),
        _result("NetX-50", 22.0, True),
        _result("NetX-50", 21.0, True, note="multi-crop"),
        _result("NetX-50", 80.5, False, metric="top-1 accuracy"),
        *[_result(f"NetX-50 ablation {i}", 25.0 + i, False) for i in range(3)],
        _result("NetX-50 (4-model ensemble)", 19.0, True),
    ]
    (gold / "2101.00001.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    other = [
        _line(paper="2101.00002", kind="hardware", model=None, accelerator="NVIDIA V100", count=2, unit="gpu"),
        _line(paper="2101.00002", kind="training_time", model=None, hours=10, hours_low=10, hours_high=10, scope="wall_clock", approx=False),
        _result("NetY", 30.0, True, paper="2101.00002"),
        _result("NetY Ensemble", 28.0, True, paper="2101.00002"),
    ]
    (gold / "2101.00002.jsonl").write_text("\n".join(other) + "\n", encoding="utf-8")
    return gold


def _fit(*extra: str) -> tuple[dict, str]:
    r = run("fit", "--benchmark", "imagenet", "--source", "curated", "--no-variants", "--format", "json", *extra)
    return json.loads(r.output[r.output.index("{") :]), r.output


def test_headline_points_ensembles_and_all_results(config, store, tmp_path):
    gold = _gold(tmp_path)
    run("review", "import", str(gold), "--format", "annotations")
    fit, _ = _fit()
    points = {p["model"]: p for p in fit["points"]}
    # one point per model with a headline result; the ablation rows are left out, and the notes say so
    assert set(points) == {"NetX-50", "NetX-50 (4-model ensemble)", "NetY"}, points.keys()
    assert points["NetX-50"]["error"] == pytest.approx(0.21)  # the best of its two headline results
    member = 8 * V100_FP32 * 48 * 3600
    assert points["NetX-50"]["compute"] == pytest.approx(member, rel=0.01)
    assert points["NetX-50 (4-model ensemble)"]["compute"] == pytest.approx(4 * member, rel=0.01)
    notes = " | ".join(fit["notes"])
    assert "3 record(s) left out: no headline result" in notes, notes
    assert "result fact(s) with compute left out" in notes, notes
    # the ensemble of an unstated size has no compute: left out, and its record says why
    assert "NetY Ensemble" not in points
    recs = {rec["record_id"]: rec for rec in map(json.loads, run("records", "--format", "jsonl").output.splitlines())}
    ens = recs["2101.00002:netyensemble"]
    assert not ens["compute"] and any("unstated number of models" in m for m in ens["missing"]), ens["missing"]
    assert recs["2101.00001:netx504modelensemble"]["compute"]["thompson"]["assumptions"]["ensemble"].startswith("4 models")
    # --all-results brings the ablation rows back, one point each
    fit_all, _ = _fit("--all-results")
    assert {p["model"] for p in fit_all["points"]} == set(points) | {f"NetX-50 ablation {i}" for i in range(3)}
    # a second import of the same gold stores nothing new (known event ids skipped, batch by paper)
    run("review", "import", str(gold), "--format", "annotations")
    with store.connect() as con:
        events = con.execute("SELECT count(*) FROM review_events").fetchone()[0]
        candidates = con.execute("SELECT count(*) FROM candidates").fetchone()[0]
    assert events == candidates, (events, candidates)  # one verdict per candidate, not two


def test_no_points_says_why(config, store, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "2101.00003.jsonl").write_text(
        "\n".join(
            [
                _line(paper="2101.00003", kind="hardware", model=None, accelerator="NVIDIA V100", count=8, unit="gpu"),
                _line(
                    paper="2101.00003",
                    kind="result",
                    model="Det-A",
                    task="object detection",
                    dataset="COCO",
                    split="test-dev",
                    metric="box AP",
                    value=40.0,
                    value_text="40.0",
                    headline=True,
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    run("review", "import", str(gold), "--format", "annotations")
    r = run("fit", "--benchmark", "coco", "--source", "curated", "--no-variants", ok=False)
    assert r.exit_code != 0 and "lacks training_time" in r.output, r.output


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SPP-net ensemble (eleven models)", (True, 11)),
        ("GoogLeNet (7-model ensemble, 144 crops)", (True, 7)),
        ("Ensemble 8 models + unk replace", (True, 8)),
        ("BiDAF (ensemble)", (True, None)),
        ("ResNet-152 (144 crops)", (False, None)),
        ("D-RFCN ensemble of 3 networks", (True, 3)),
    ],
)
def test_ensemble_size(name, expected):
    assert ensemble_size([name]) == expected


def test_coco_points_score_to_error_in_the_authors_form(config, store, tmp_path):
    """COCO box AP is a score: error 1 - AP/100, fitted as log10(1/error); AP50 rows of the same model give no
    second point (the benchmark's metric is box AP)."""
    gold = tmp_path / "gold"
    gold.mkdir()
    for k, (hours, ap) in enumerate([(10, 30.0), (100, 36.0), (1000, 42.0)]):
        paper = f"2101.0001{k}"
        (gold / f"{paper}.jsonl").write_text(
            "\n".join(
                [
                    _line(paper=paper, kind="hardware", model=None, accelerator="NVIDIA V100", count=8, unit="gpu"),
                    _line(
                        paper=paper,
                        kind="training_time",
                        model=None,
                        hours=hours,
                        hours_low=hours,
                        hours_high=hours,
                        scope="wall_clock",
                        approx=False,
                    ),
                    *[
                        _line(
                            paper=paper,
                            kind="result",
                            model=f"Det-{k}",
                            task="object detection",
                            dataset="COCO",
                            split="test-dev",
                            metric=metric,
                            value=value,
                            value_text=str(value),
                            headline=True,
                        )
                        for metric, value in (("box AP", ap), ("AP50", ap + 20))
                    ],
                ]
            )
            + "\n",
            encoding="utf-8",
        )
    run("review", "import", str(gold), "--format", "annotations")
    r = run("fit", "--benchmark", "coco", "--source", "curated", "--no-variants", "--format", "json")
    fit = json.loads(r.output[r.output.index("{") :])
    assert fit["y_transform"] == "log10(1/error)" and fit["n"] == 3
    assert sorted(p["error"] for p in fit["points"]) == pytest.approx([0.58, 0.64, 0.70])
    assert fit["slope"] > 0  # more compute, higher log10(1/error)
