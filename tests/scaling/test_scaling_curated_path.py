"""The judge's path (`review import DIR --format annotations` -> `records` -> `fit --source curated|all`) on gold
written here, not in the corpus: malformed lines, TPU cores and boards, taxonomy benchmarks outside the fit
vocabulary, fine-tuning-only times, and one point per model across curated and imported rows. Real CLI, real
DuckDB, the shipped hardware catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.catalog import load_catalog
from flopsdb.scaling.benchmarks import resolve_benchmark
from flopsdb.scaling.compute import convention, find_accelerator, hardware_compute
from flopsdb.scaling.inputs import points_from_rows
from flopsdb.scaling.records import ModelRecord, curated_imported_rows


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _line(paper: str, kind: str, model: str | None, **fields) -> dict:
    return {"paper": paper, "kind": kind, "model": model, "stage": fields.pop("stage", "training"), "page": 3, "quote": f"{model} {kind}", **fields}


def _result(paper: str, model: str, dataset: str, metric: str, value: float, headline: bool = True, **extra) -> dict:
    return _line(paper, "result", model, dataset=dataset, metric=metric, value=value, value_text=str(value), own=True, headline=headline, **extra)


def _write(folder: Path, name: str, lines: list[dict | str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines)
    (folder / f"{name}.jsonl").write_text(text, encoding="utf-8")


def _records() -> dict[str, dict]:
    r = run("records", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    return {rec["record_id"]: rec for rec in map(json.loads, r.output.splitlines())}


def _fit(benchmark: str, *extra: str) -> dict:
    r = run("fit", "--benchmark", benchmark, "--source", "curated", "--no-variants", "--format", "json", *extra)
    assert r.exit_code == 0 and "{" in r.output, r.output
    return json.loads(r.output[r.output.index("{") :])


def test_a_malformed_line_is_named_by_file_and_line_and_the_rest_is_imported(config, store, tmp_path):
    gold = tmp_path / "gold"
    p = "2301.00011"
    _write(
        gold,
        p,
        [
            _line(p, "hardware", None, accelerator="NVIDIA V100", count=8, unit="gpu", bbox_note="a field no file of ours uses"),
            "{not json",
            _line(p, "result", "Zeta", page="three", dataset="ImageNet", metric="top-1 error", value=20.0),
            _line(p, "weird", "Zeta"),
            {k: v for k, v in _result(p, "Zeta×2↑384", "ImageNet", "top-1 error", 19.5).items() if k != "stage"},
        ],
    )
    r = run("review", "import", str(gold), "--format", "annotations")
    assert r.exit_code == 0, r.output
    assert f"{gold / p}.jsonl:2: not JSON" in r.output
    assert f"{gold / p}.jsonl:3: bad gold record" in r.output and f"{gold / p}.jsonl:4: bad gold record (unknown kind 'weird')" in r.output
    assert "new_events 2" in r.output and "skipped 3" in r.output and "Traceback" not in r.output
    again = run("review", "import", str(gold), "--format", "annotations")
    assert "new_events 0" in again.output, again.output
    recs = _records()
    assert list(recs) == [f"{p}:zetax2↑384"] and recs[f"{p}:zetax2↑384"]["missing"] == ["training_time"]


@pytest.mark.parametrize(("count", "unit", "chips"), [(16, "tpu_core", 8), (2, "tpu_board", 8), (8, "tpu_chip", 8)])
def test_tpu_cores_and_boards_of_a_hardware_fact_count_chips(count, unit, chips):
    catalog = load_catalog()
    acc = find_accelerator(catalog, "Google TPU v3")
    assert acc is not None
    est = hardware_compute("Google TPU v3", count, 10, catalog=catalog, conv=convention("epoch"), count_unit=unit)
    assert est.assumptions["units"] == chips
    assert est.flop == pytest.approx(chips * acc.peak("bf16") * est.assumptions["utilisation"] * 10 * 3600)
    thompson = hardware_compute("Google TPU v3", count, 10, catalog=catalog, conv=convention("thompson"), count_unit=unit)
    assert thompson.assumptions["units"] == chips / 4 and thompson.assumptions["unit"] == "board"


def test_a_taxonomy_benchmark_outside_the_vocabulary_fits_one_metric_in_the_authors_form(config, store, tmp_path):
    bench = resolve_benchmark("SQuAD 2.0")
    assert (bench.metric, bench.polynomial, bench.exponential) == ("EM", "log10_inv_error", "inv_error")
    assert resolve_benchmark("VOC 2007").key == "PASCAL VOC 2007"
    gold = tmp_path / "gold"
    lines = []
    for i, (model, em, f1) in enumerate((("Q-S", 70.0, 74.0), ("Q-M", 75.0, 79.0), ("Q-L", 80.0, 84.0), ("Q-F1", None, 90.0))):
        lines += [_line("2302.00022", "training_time", model, hours=10.0 * 2**i, scope="wall_clock")]
        if em is not None:
            lines.append(_result("2302.00022", model, "SQuAD 2.0", "EM", em))
        lines.append(_result("2302.00022", model, "SQuAD 2.0", "F1", f1))
    lines.append(_line("2302.00022", "hardware", None, accelerator="NVIDIA V100", count=8, unit="gpu"))
    _write(gold, "2302.00022", lines)
    assert run("review", "import", str(gold), "--format", "annotations").exit_code == 0
    out = _fit("SQuAD 2.0")
    assert out["n"] == 3 and out["y_transform"] == "log10(1/error)"
    assert out["slope"] > 0  # a better score with more compute: log10(1/error) rises
    assert any("1 record(s) left out: results on SQuAD 2.0 only in other metrics" in n for n in out["notes"]), out["notes"]


def test_a_fine_tuning_time_alone_is_not_training_compute_unless_its_base_model_has_one(config, store, tmp_path):
    gold = tmp_path / "gold"
    p = "2303.00033"
    _write(
        gold,
        p,
        [
            _line(p, "hardware", None, accelerator="NVIDIA V100", count=8, unit="gpu"),
            _line(p, "training_time", "Eta-B", hours=50, scope="wall_clock"),
            _line(p, "training_time", "Eta-B↑384", stage="fine-tuning", hours=20, scope="wall_clock"),
            _line(p, "training_time", "Other-L", stage="fine-tuning", hours=30, scope="wall_clock"),
            _result(p, "Eta-B", "ImageNet", "top-1 accuracy", 81.0),
            _result(p, "Eta-B↑384", "ImageNet", "top-1 accuracy", 83.0, stage="fine-tuning"),
            _result(p, "Other-L", "ImageNet", "top-1 accuracy", 84.0, stage="fine-tuning"),
        ],
    )
    assert run("review", "import", str(gold), "--format", "annotations").exit_code == 0
    recs = _records()
    base, tuned, other = recs[f"{p}:etab"], recs[f"{p}:etab↑384"], recs[f"{p}:otherl"]
    v100 = 8 * load_catalog().get("NVIDIA V100").peak("fp32") * 3600  # type: ignore[union-attr]
    assert base["compute"]["thompson"]["flop"] == pytest.approx(v100 * 50)
    assert tuned["compute"]["thompson"]["flop"] == pytest.approx(v100 * (50 + 20))
    assert tuned["compute"]["thompson"]["assumptions"]["fine_tuned_from"].startswith(f"{p}:etab:")
    assert other["compute"] == {} and "is a fine-tuning's" in other["missing"][0]


def _row(fid, result_source, compute_source, *, paper, model, value, year=2019, match="entry", flop=1e20):
    return {
        "benchmark": "SQuAD 1.1",
        "metric": "EM",
        "value": value,
        "result_source": result_source,
        "compute_source": compute_source,
        "paper": paper,
        "model": model,
        "year": year,
        "flop": flop,
        "flop_low": flop,
        "flop_high": flop,
        "match": match,
        "estimate_id": "e",
        "fact_ids": [fid, f"c-{fid}"],
    }


def test_an_imported_row_of_a_curated_model_is_one_point_with_it():
    bench = resolve_benchmark("squad1.1")
    rec = [_row("f-1", "curated", "curated", paper="1906.00001", model="Xi-Large", value=89.9)]
    cases = [
        (_row("t-1", "thompson", "thompson", paper="1906.00001v2", model="Xi (single model)", value=89.9), 1),  # same score
        (_row("t-2", "thompson", "thompson", paper="1906.00001", model="Xi-Large (single model)", value=88.0), 1),  # same name
        (_row("t-3", "thompson", "thompson", paper="1906.00001", model="Xi", value=85.0), 1),  # the one name it begins
        (_row("t-4", "thompson", "thompson", paper="Xi: A Title", model="Xi Large", value=88.0), 1),  # a title, same name and year
        (_row("t-5", "thompson", "thompson", paper="Xi: A Title", model="Xi Large", value=88.0, year=2021), 2),
        (_row("t-6", "thompson", "thompson", paper="1907.00002", model="Xi-Large", value=89.9), 2),  # another arXiv paper
    ]
    for imported, n in cases:
        points, _ = points_from_rows([*rec, imported], bench)
        assert len(points) == n, imported
        assert points[0].source == "curated" or n == 2
    two = [*rec, _row("f-2", "curated", "curated", paper="1906.00001", model="Xi-Base", value=80.0)]
    ambiguous = _row("t-7", "thompson", "thompson", paper="1906.00001", model="Xi", value=85.0)
    assert len(points_from_rows([*two, ambiguous], bench)[0]) == 3  # "Xi" begins both: no match


def test_curated_results_with_epoch_compute_follow_the_record_rules():
    bench = resolve_benchmark("squad1.1")

    def res(fid, value, headline):
        return {"fact_id": fid, "benchmark": "SQuAD 1.1", "metric": "EM", "value": value, "headline": headline}

    single = ModelRecord("1611.00001", "omegasingle", ["Omega (single)"], results=[res("f-s", 68.0, True), res("f-a", 60.0, False)])
    ens = ModelRecord("1611.00001", "omegaensemble", ["Omega (ensemble)"], results=[res("f-e", 73.0, True)])
    rows = [
        _row("f-s", "curated", "epoch", paper="1611.00001", model="Omega (single)", value=68.0, match="partial"),
        _row("f-a", "curated", "epoch", paper="1611.00001", model="Omega, no attention", value=60.0, match="partial"),
        _row("f-e", "curated", "epoch", paper="1611.00001", model="Omega (ensemble)", value=73.0, match="partial"),
        _row("f-x", "curated", "epoch", paper="1611.00001", model="Baseline", value=50.0, match="partial"),
    ]
    kept, notes = curated_imported_rows(rows, [single, ens], bench)
    assert [r["fact_ids"][0] for r in kept] == ["f-s"] and kept[0]["model"] == "Omega (single)"
    assert notes and notes[0].startswith("3 curated result(s) with imported compute left out")


def test_a_result_in_the_table_row_of_another_time_of_its_model_uses_that_time(config, store, tmp_path):
    gold = tmp_path / "gold"
    p = "2304.00044"
    de_row, fr_row = "Mu-XL 4.64 26.03 1 day/64 k40s", "Mu-XL 2.69 40.35 3 days/64 k40s"
    _write(
        gold,
        p,
        [
            {**_line(p, "hardware", None, accelerator="NVIDIA K40", count=64, unit="gpu"), "quote": "64 K40 GPUs"},
            {**_line(p, "training_time", "Mu-XL", hours=72, scope="wall_clock"), "quote": fr_row},
            {**_line(p, "training_time", "Mu-XL", hours=24, scope="wall_clock"), "quote": de_row},
            {**_result(p, "Mu-XL", "WMT14 EN-FR", "BLEU", 40.35), "quote": fr_row},
            {**_result(p, "Mu-XL", "WMT14 EN-DE", "BLEU", 26.03), "quote": de_row},
            _result(p, "Mu-L", "WMT14 EN-DE", "BLEU", 24.0),
        ],
    )
    assert run("review", "import", str(gold), "--format", "annotations").exit_code == 0
    k40 = 64 * load_catalog().get("NVIDIA K40").peak("fp32") * 3600  # type: ignore[union-attr]
    rec = _records()[f"{p}:muxl"]
    flop = {r["dataset"]: (r.get("compute") or rec["compute"])["thompson"]["flop"] for r in rec["results"]}
    assert flop == {"WMT14 EN-DE": pytest.approx(k40 * 24), "WMT14 EN-FR": pytest.approx(k40 * 72)}
    assert sum("compute" in r for r in rec["results"]) == 1  # the record's own time serves the other row
