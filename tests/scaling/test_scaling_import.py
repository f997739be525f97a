"""Importers: pure parsing of the fixture CSVs, storing with attribution, re-import, bad input."""

from __future__ import annotations

import duckdb
import pytest

from flopsdb.core.errors import DataImportError
from flopsdb.db.facts import read_fit_inputs
from flopsdb.fitting import import_thompson
from flopsdb.scaling.importers import arxiv_id, parse_epoch, parse_thompson


def test_parse_thompson_keeps_line_numbers_and_reports_bad_values(fx):
    batch = parse_thompson(fx / "thompson")
    assert sorted(batch.files) == ["image-classification-on-imagenet.csv", "question-answering-on-squad-1-1.csv"]
    first = next(f for f in batch.facts if f.kind == "result" and f.model == "Net-0")
    assert first.source_row == 5 and first.benchmark == "imagenet" and first.paper == "1000.00000"
    assert first.fields["metric"] == "top1"
    assert [(f.source_row, f.reason) for f in batch.failures] == [(17, "hardware_burden: not a number: 'lots'")]
    hb = [e for e in batch.estimates if e.estimate.quantity == "hardware_burden"]
    assert len(hb) == 11 + 6
    assert all(e.estimate.convention == "thompson" for e in hb)
    assert any(fid.endswith(":hardware:training:gpu") for fid in hb[0].estimate.fact_ids)


def test_parse_thompson_refuses_other_folders(tmp_path):
    with pytest.raises(DataImportError, match="no Thompson"):
        parse_thompson(tmp_path)
    (tmp_path / "image-classification-on-imagenet.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataImportError, match="4-line header"):
        parse_thompson(tmp_path)


def test_parse_epoch_facts_estimates_and_failures(fx, fixture_catalog):
    batch = parse_epoch(fx / "epoch_models.csv", catalog=fixture_catalog)
    reasons = {f.source_row: f.reason for f in batch.failures}
    assert reasons[4].startswith("Parameters: not a number")
    assert "Acme X1" in reasons[5]
    assert reasons[6] == "row has no model name"
    reported = [e for e in batch.estimates if e.estimate.method == "operations" and e.estimate.convention == "epoch"]
    assert len(reported) == 1 and reported[0].estimate.flop_low == 1e19 and reported[0].estimate.flop_high == 9e19
    lm = [e.estimate for e in batch.estimates if e.entry_id == "epoch:3"]
    assert {e.convention for e in lm} == {"thompson", "epoch", "operations"}
    assert next(e for e in lm if e.convention == "epoch").assumptions["utilisation"] == 0.3
    ops = next(e for e in lm if e.method == "operations")
    assert ops.flop == pytest.approx(6 * 1.5e9 * 1e10) and ops.quantity == "network_operations"
    assert {e.entry_id for e in batch.estimates if e.estimate.method == "operations"} == {"epoch:2", "epoch:3"}


def test_parse_epoch_refuses_a_file_without_its_columns(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("Model,Year\nA,2020\n", encoding="utf-8")
    with pytest.raises(DataImportError, match="missing columns"):
        parse_epoch(bad)


def test_arxiv_ids():
    assert arxiv_id("https://arxiv.org/pdf/2205.01917v1.pdf") == "2205.01917"
    assert arxiv_id("https://example.org/paper") is None


def test_store_attributes_sources_and_reimport_replaces(store, fx):
    first = import_thompson(store, fx / "thompson")
    second = import_thompson(store, fx / "thompson")
    assert first["facts"] == second["facts"] and second["failures"] == 1
    with store.connect() as con:
        n, confirmed, files = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE human_confirmed), count(DISTINCT source_file) FROM imported_facts"
        ).fetchone()
        assert (n, confirmed, files) == (first["facts"], 0, 2)
        fails = con.execute("SELECT source_row, reason, run_id FROM import_failures").fetchall()
        assert [f[0] for f in fails] == [17, 17] and {f[2] for f in fails} == {first["run_id"], second["run_id"]}
        status = con.execute("SELECT status FROM runs WHERE run_id = ?", [second["run_id"]]).fetchone()[0]
        assert status == "partial"
        rows = read_fit_inputs(con, quantity="hardware_burden", compute_sources=["thompson"])
        assert len([r for r in rows if r["benchmark"] == "imagenet" and r["metric"] == "top1"]) == 11


def test_imported_facts_can_never_be_marked_confirmed(store):
    with store.connect() as con:
        with pytest.raises(duckdb.ConstraintException):
            con.execute(
                "INSERT INTO imported_facts (fact_id, source, source_file, source_row, entry_id, kind, fields,"
                " human_confirmed, run_id) VALUES ('x', 'thompson', 'f', 1, 'e', 'result', '{}', true, 'r')"
            )


def test_epoch_compute_joins_results_of_the_same_paper_and_model(imported):
    with imported.connect() as con:
        rows = read_fit_inputs(con, quantity="compute", compute_sources=["epoch"])
    got = sorted((r["model"], r["match"], r["flop"], r["estimate_id"]) for r in rows)
    assert got == [
        ("Net-3", "name", 3.0e19, "epoch:2:compute:epoch:operations:published"),
        ("Net-3", "name", 3.456e19, "epoch:2:compute:epoch:hardware"),
    ]
    assert {r["fact_ids"][0] for r in rows} == {"thompson:imagenet:8:result:top1"}


@pytest.mark.parametrize("dataset", ["thompson", "epoch"])
def test_the_import_steps_plan_says_what_its_run_then_does(store, fx, fixture_catalog, dataset):
    """``ImportDataset`` side by side: ``plan`` (``import --dry-run``) parses and predicts ``run``, writing nothing."""
    from flopsdb.fitting import ImportDataset, import_dataset

    path = fx / "thompson" if dataset == "thompson" else fx / "epoch_models.csv"
    step = ImportDataset(store, dataset, path, catalog=fixture_catalog)
    with store.connect() as con:
        planned = step.plan(con)
        assert con.execute("SELECT count(*) FROM imported_facts").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    assert planned.counts["facts"] > 0 and planned.failures
    done = import_dataset(step)
    assert {k: done[k] for k in planned.counts} == planned.counts
    assert done["failure_reasons"] == [f"{f.source_file}:{f.source_row}: {f.reason}" for f in planned.failures]
    with store.connect() as con:
        facts = con.execute("SELECT count(*) FROM imported_facts").fetchone()[0]
        run = con.execute("SELECT command, status FROM runs WHERE run_id = ?", [done["run_id"]]).fetchone()
        assert con.execute("SELECT count(*) FROM imported_facts WHERE paper IS NOT NULL AND paper_id IS NULL").fetchone() == (0,)
    assert facts == planned.counts["facts"] and run == (f"import {dataset} {path}", "partial")
