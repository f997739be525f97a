"""Model records: curated facts -> one record per model -> one fit point per model, with the right error and compute."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from scaling_helpers import accept_all, candidate

from flopsdb.cli import main
from flopsdb.core.errors import FitError
from flopsdb.core.ids import arxiv_id_year, model_key
from flopsdb.crawler.paper import Paper
from flopsdb.db.papers import upsert_papers
from flopsdb.db.records import read_records
from flopsdb.db.runs import start_run
from flopsdb.fitting import FitOptions, run_fit
from flopsdb.records import rebuild_records
from flopsdb.scaling.benchmarks import resolve_benchmark
from flopsdb.scaling.inputs import to_error

V100_FP32 = 15.7e12


def _hw(paper, count, i, **kw):
    return candidate(paper, "hardware", {"accelerator": "NVIDIA V100", "count": count, "unit": "chip"}, i=i, **kw)


def _tt(paper, hours, i, **kw):
    return candidate(paper, "training_time", {"hours": hours, "hours_low": None, "hours_high": None, "scope": "total", "approx": False}, i=i, **kw)


def _res(paper, model, value, i, metric="Top-1 accuracy", **kw):
    return candidate(
        paper,
        "result",
        {
            "task": "Image Classification",
            "dataset": "ImageNet",
            "split": "val",
            "metric": metric,
            "value": value,
            "value_text": str(value),
            "own": True,
        },
        model,
        i=i,
        **kw,
    )


def _papers(store, *rows):
    with store.transaction() as con:
        run = start_run(con, "test papers")
        upsert_papers(
            con, [Paper(arxiv_id=a, version=1, title=a, first_version_date=d, journal_ref=j) for a, d, j in rows], [(True, "test")] * len(rows), run
        )


def test_an_error_metric_stays_an_error_and_accuracy_becomes_one_minus():
    bench = resolve_benchmark("imagenet")
    assert to_error(20.4, bench, "top-1 error", "ImageNet") == pytest.approx(0.204)
    assert to_error(20.4, bench, "Top-1 err.", "ImageNet") == pytest.approx(0.204)
    assert to_error(79.6, bench, "Top-1 accuracy", "ImageNet") == pytest.approx(0.204)
    assert to_error(0.796, bench, "top1") == pytest.approx(0.204)


def test_a_papers_single_training_time_goes_to_its_main_model_only(store, fixture_catalog):
    p = "2101.00001"
    accept_all(
        store,
        [
            _hw(p, 8, 0),
            _tt(p, 10.0, 1),
            _res(p, "Big (ours)", 80.0, 2, headline=True),
            _res(p, "Ablation w/o X", 78.0, 3),
            _res(p, "Ablation w/o Y", 77.5, 4),
        ],
    )
    _papers(store, (p, date(2021, 1, 4), "CVPR 2021"))
    records = {r.model_key: r for r in rebuild_records(store, catalog=fixture_catalog)}
    assert set(records) == {model_key("Big (ours)"), model_key("Ablation w/o X"), model_key("Ablation w/o Y")}
    big = next(r for r in records.values() if r.names == ["Big (ours)"])
    assert big.compute["thompson"]["flop"] == pytest.approx(8 * V100_FP32 * 10 * 3600)
    assert big.year == 2021 and big.venue == "CVPR 2021" and big.year_source == "arxiv"
    ablations = [r for r in records.values() if r is not big]
    # the paper's only hardware statement is its setup (every model); its one training time is the main model's
    assert all(not r.compute and r.missing == ["training_time"] and r.hardware["count"] == 8 for r in ablations)
    with store.connect() as con:
        stored = read_records(con, incomplete=True)
    assert len(stored) == 2 and all(r["flop_thompson"] is None for r in stored)
    with pytest.raises(FitError):
        run_fit(store, FitOptions(benchmark="imagenet", source="curated", variants=False), catalog=fixture_catalog)


def test_all_models_scope_applies_to_every_model_and_no_main_model_means_no_guess(store, fixture_catalog):
    p, q = "2101.00002", "2101.00003"
    accept_all(
        store,
        [
            _hw(p, 16, 0, scope="all_models"),
            _tt(p, 5.0, 1, model="S"),
            _tt(p, 20.0, 2, model="L"),
            _res(p, "S", 70.0, 3),
            _res(p, "L", 75.0, 4),
            _hw(q, 8, 5),
            _tt(q, 10.0, 6),
            _res(q, "A1", 70.0, 7),
            _res(q, "A2", 71.0, 8),
        ],
    )
    records = {(r.paper, r.names[0]): r for r in rebuild_records(store, catalog=fixture_catalog)}
    assert records[(p, "S")].compute["thompson"]["flop"] == pytest.approx(16 * V100_FP32 * 5 * 3600)
    assert records[(p, "L")].compute["thompson"]["flop"] == pytest.approx(16 * V100_FP32 * 20 * 3600)
    for name in ("A1", "A2"):
        rec = records[(q, name)]
        assert not rec.compute and any("not linked to a model" in n for n in rec.notes)
        # no papers row, no PDF: the year of the new-style arXiv id (2101: January 2021)
        assert (rec.year, rec.year_source, rec.year_reason) == (2021, "arxiv_id", None)


def test_curated_fit_points_are_one_per_model_with_error_compute_and_year(store, fixture_catalog):
    cands, meta = [], []
    for k, (gpus, hours, err) in enumerate([(8, 10.0, 30.0), (8, 100.0, 25.0), (64, 100.0, 20.4), (256, 300.0, 16.0)]):
        p = f"2102.0000{k}"
        cands += [
            _hw(p, gpus, 10 * k),
            _tt(p, hours, 10 * k + 1),
            _res(p, f"M{k}", err, 10 * k + 2, metric="top-1 error", headline=True),
            _res(p, f"M{k}", 100 - err, 10 * k + 3, metric="Top-1 accuracy"),
        ]
        meta.append((p, date(2018 + k, 3, 1), None))
    accept_all(store, cands)
    _papers(store, *meta)
    res = run_fit(store, FitOptions(benchmark="imagenet", source="curated", bootstrap=0), catalog=fixture_catalog)
    assert res.main.n == 4
    by_model = {p.model: p for p in res.points}
    assert by_model["M2"].error == pytest.approx(0.204)
    assert by_model["M2"].flop == pytest.approx(64 * V100_FP32 * 100 * 3600)
    assert [by_model[f"M{k}"].year for k in range(4)] == [2018, 2019, 2020, 2021]
    assert res.main.slope < 0
    assert res.year_control is not None
    assert "points by source: curated 4" in res.notes


def test_curated_and_imported_points_of_one_model_are_one_point(imported, fixture_catalog):
    p = "1004.00004v2"
    accept_all(imported, [_hw(p, 8, 0), _tt(p, 10.0, 1), _res(p, "Net 4", 87.0, 2, headline=True)])
    res = run_fit(imported, FitOptions(benchmark="imagenet", source="all", variants=False), catalog=fixture_catalog)
    net4 = [pt for pt in res.points if pt.paper and pt.paper.startswith("1004.00004")]
    assert len(net4) == 1 and net4[0].source == "curated"
    assert any("preferred source" in n for n in res.notes)


def test_a_source_that_changes_the_fit_is_warned_about(imported, fixture_catalog):
    cands = []
    for k, (gpus, hours) in enumerate([(8, 1.0), (64, 2.0), (256, 50.0)]):
        p = f"2103.0000{k}"
        cands += [_hw(p, gpus, 10 * k), _tt(p, hours, 10 * k + 1), _res(p, f"Odd{k}", 60.0 - 5 * k, 10 * k + 2)]
    accept_all(imported, cands)
    res = run_fit(imported, FitOptions(benchmark="imagenet", source="all", variants=False), catalog=fixture_catalog)
    assert any(n.startswith("warning: the 3 curated point(s) change the fit") for n in res.notes), res.notes
    clean = run_fit(imported, FitOptions(benchmark="imagenet", source="thompson", variants=False), catalog=fixture_catalog)
    assert not any(n.startswith("warning:") for n in clean.notes)


def test_records_command_lists_records_and_what_they_lack(config, store, fixture_catalog):
    p = "2104.00001"
    accept_all(store, [_hw(p, 8, 0), _res(p, "Solo", 70.0, 1)])
    runner = CliRunner()
    out = runner.invoke(main, ["records", "--format", "jsonl"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    docs = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [d["record_id"] for d in docs] == [f"{p}:solo"]
    assert docs[0]["missing"] == ["training_time"] and docs[0]["hardware"]["count"] == 8
    table = runner.invoke(main, ["records", "--incomplete", "--paper", p + "v1"], catch_exceptions=False)
    assert table.exit_code == 0 and "training_time" in table.stdout and "Solo" in table.stdout
    with pytest.raises(FitError):
        run_fit(store, FitOptions(benchmark="imagenet", source="curated", variants=False), catalog=fixture_catalog)


def test_a_fact_naming_several_models_and_device_hours(store, fixture_catalog):
    p = "2101.00009"
    gpu_hours = candidate(
        p,
        "training_time",
        {"hours": 160.0, "hours_low": None, "hours_high": None, "scope": "device_hours", "approx": False},
        "Big",
        i=1,
        scope="model",
    )
    accept_all(
        store,
        [
            _hw(p, 4, 0, model="S and M", scope="model"),
            _tt(p, 12.0, 2, model="S, M", scope="model"),
            _hw(p, 8, 3, model="Big", scope="model"),
            gpu_hours,
            _res(p, "S", 70.0, 4),
            _res(p, "M", 72.0, 5),
            _res(p, "Big", 75.0, 6, headline=True),
            _hw(p, 2, 7, model="S and Tiny", scope="model"),
        ],
    )
    records = {r.names[0]: r for r in rebuild_records(store, catalog=fixture_catalog) if r.names}
    # "S and M", "S, M": both models' own facts (every part is a model of the paper)
    for name in ("S", "M"):
        assert records[name].hardware["count"] == 4 and records[name].training_time["hours"] == 12.0
        assert records[name].compute["thompson"]["flop"] == pytest.approx(4 * V100_FP32 * 12 * 3600)
    # "S and Tiny": Tiny is no model of the paper, so the name is not split
    assert "sandtiny" in {r.model_key for r in rebuild_records(store, catalog=fixture_catalog)}
    big = records["Big"]
    # 160 GPU-hours on 8 GPUs: 20 hours of wall clock; the training time's own scope is kept apart from the link
    assert big.training_time["scope"] == "device_hours" and big.training_time["model_scope"] == "model"
    assert big.compute["thompson"]["flop"] == pytest.approx(8 * V100_FP32 * 20 * 3600)
    assert big.compute["thompson"]["assumptions"]["wall_clock_hours"] == "device-hours / 8 devices"


def test_search_time_is_not_training_and_pretraining_comes_before_fine_tuning(store, fixture_catalog):
    import dataclasses

    p = "2101.00010"
    search_hw = dataclasses.replace(_hw(p, 64, 0, scope="all_models"), stage="search")
    search_tt = dataclasses.replace(_tt(p, 108.0, 1, scope="all_models"), stage="search")
    pre_tt = dataclasses.replace(_tt(p, 300.0, 2, scope="all_models"), stage="pretraining")
    fine_tt = dataclasses.replace(_tt(p, 2.0, 3, model="Det", scope="model"), stage="fine-tuning")
    accept_all(
        store,
        [search_hw, search_tt, pre_tt, fine_tt, _hw(p, 8, 4, scope="all_models"), _res(p, "Cls", 75.0, 5, headline=True), _res(p, "Det", 40.0, 6)],
    )
    records = {r.names[0]: r for r in rebuild_records(store, catalog=fixture_catalog) if r.paper == p}
    for name in ("Cls", "Det"):
        rec = records[name]
        assert rec.hardware["count"] == 8 and rec.training_time["hours"] == 300.0, name
        assert any("stage search is not the model's training" in n for n in rec.notes)


def test_the_year_comes_from_metadata_else_the_pdf_else_a_dated_arxiv_id_else_a_reason(store, fixture_catalog):
    assert [arxiv_id_year(p) for p in ("1706.03762", "2012.12877v2", "0704.0001", "hep-th/9901001", "cs/0612099")] == [
        2017,
        2020,
        2007,
        1999,
        2006,
    ]
    # not dated ids: a PDF stem, a month 13, a new-style number before April 2007, an old-style number after March 2007
    assert [arxiv_id_year(p) for p in ("gpt2-radford2019", "1713.00001", "0612.0001", "cs/0801001")] == [None] * 4
    meta, stem = "2103.00001", "bigmodel-smith2021"
    accept_all(store, [_hw(meta, 8, 0), _tt(meta, 10.0, 1), _res(meta, "A", 70.0, 2), _hw(stem, 8, 3), _tt(stem, 10.0, 4), _res(stem, "B", 71.0, 5)])
    _papers(store, (meta, date(2019, 5, 1), None))  # metadata wins over the id's 2021
    records = {r.paper: r for r in rebuild_records(store, catalog=fixture_catalog)}
    assert (records[meta].year, records[meta].year_source) == (2019, "arxiv")
    assert records[stem].year is None and records[stem].year_source is None
    assert "not a dated arXiv id" in records[stem].year_reason and "no PDF recorded" in records[stem].year_reason
