"""The year of curated points, end to end without ../shared: a self-made gold folder (tests/fixtures/scaling/gold_dating)
and a small Epoch-format table through `import epoch` -> `review import` -> `records` -> `fit --source curated` (real CLI,
real DuckDB): an arXiv id dates its paper; a PDF stem is dated by its own model's Epoch row; a name that Epoch's rows
give two years dates nothing, and the fit and the records say why."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from flopsdb.cli import main  # noqa: E402
from flopsdb.records import paper_years  # noqa: E402
from flopsdb.scaling.dating import imported_year, own_model_names  # noqa: E402

FX = Path(__file__).resolve().parents[1] / "fixtures" / "scaling"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def fitted(config, store):
    r = run("import", "epoch", str(FX / "epoch_dating.csv"))
    assert r.exit_code == 0, r.output
    r = run("review", "import", str(FX / "gold_dating"), "--format", "annotations")
    assert r.exit_code == 0 and "skipped 0" in r.output, r.output
    r = run("records", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    records = {rec["record_id"]: rec for rec in map(json.loads, r.output.splitlines())}
    r = run("fit", "--benchmark", "imagenet", "--source", "curated", "--no-variants", "--format", "json")
    assert r.exit_code == 0 and "{" in r.output, r.output
    return records, json.loads(r.output[r.output.index("{") :])


def test_each_curated_point_has_its_year_and_where_it_came_from(fitted):
    records, fit = fitted
    points = {p["model"]: p for p in fit["points"]}
    assert set(points) == {"IotaNet", "ZetaNet-L", "Transformer"}
    assert (points["IotaNet"]["year"], points["IotaNet"]["year_source"]) == (2021, "arxiv_id")
    # a PDF stem: its own model is Epoch's ZetaNet-L row (published 2019-06-15); the baseline Transformer is not used
    assert (points["ZetaNet-L"]["year"], points["ZetaNet-L"]["year_source"]) == (2019, "epoch")
    assert any("ZetaNet-L" in n and "epoch:2" in n for n in records["zetanet-cvpr2019:zetanetl"]["notes"])
    # a name two Epoch rows give different years: no year, and the reason in the point, the record and the fit's notes
    t = points["Transformer"]
    assert t["year"] is None and t["year_source"] is None and "ambiguous" in t["year_reason"] and "2017, 2018" in t["year_reason"]
    assert "ambiguous" in records["etanet-nips2018:transformer"]["year_reason"]
    assert any("1 point(s) without a year" in n and "etanet-nips2018" in n for n in fit["notes"])


def test_records_table_shows_the_reason_for_a_missing_year(fitted):
    r = run("records")
    assert r.exit_code == 0
    line = next(x for x in r.output.splitlines() if "etanet" in x.lower())
    assert "ambiguous" in line or "- (" in line


def test_imported_year_asks_thompson_first_and_ignores_baselines():
    rows = [
        {"source": "epoch", "model": "ResNeXt-101 64x4d", "year": 2017, "entry_id": "epoch:3"},
        {"source": "thompson", "model": "ResNeXt-101 (64x4d)", "year": 2016, "entry_id": "thompson:imagenet:9"},
    ]
    got = imported_year(["ResNeXt-101 (64 × 4d) (single model)"], rows)
    assert (got["year"], got["year_source"]) == (2016, "thompson") and "thompson:imagenet:9" in got["year_match"]
    assert "no Thompson or Epoch row" in imported_year(["OmegaNet"], rows)["reason"]
    facts = [
        {"kind": "result", "model": "OmegaNet", "fields": {"own": True}},
        {"kind": "result", "model": "ResNeXt-101 64x4d", "fields": {"own": False}},
        {"kind": "hardware", "model": "ResNeXt-101 64x4d", "fields": {}},  # the base a method is applied to
    ]
    assert own_model_names(facts) == ["OmegaNet"]


def test_paper_years_order_arxiv_id_then_imported_rows_then_pdf(tmp_path):
    pdf = tmp_path / "undated.pdf"
    fig = plt.figure()
    fig.savefig(pdf, metadata={"CreationDate": dt.datetime(2015, 3, 1, tzinfo=dt.UTC)})
    plt.close(fig)
    no_row = {"reason": "no arXiv metadata"}
    meta = {"1905.00001": dict(no_row), "lambda-cvpr2015": dict(no_row), "mu-2014": dict(no_row), "nu-2013": dict(no_row)}
    facts = [
        {"paper": "1905.00001", "kind": "result", "model": "Lambda", "fields": {"own": True}},
        {"paper": "lambda-cvpr2015", "kind": "result", "model": "Lambda", "fields": {"own": True}},
        {"paper": "mu-2014", "kind": "result", "model": "Mu", "fields": {"own": True}},
        {"paper": "nu-2013", "kind": "result", "model": "Nu", "fields": {"own": True}},
    ]
    imported = [{"source": "epoch", "model": "Lambda", "year": 2015, "entry_id": "epoch:7"}]
    got = paper_years(meta, facts, imported, {"1905.00001": str(pdf), "lambda-cvpr2015": str(pdf), "mu-2014": str(pdf)})
    assert (got["1905.00001"]["year"], got["1905.00001"]["year_source"]) == (2019, "arxiv_id")
    assert (got["lambda-cvpr2015"]["year"], got["lambda-cvpr2015"]["year_source"]) == (2015, "epoch")
    assert (got["mu-2014"]["year"], got["mu-2014"]["year_source"]) == (2015, "pdf")
    assert "year" not in got["nu-2013"] and "no PDF recorded" in got["nu-2013"]["reason"] and "not a dated arXiv id" in got["nu-2013"]["reason"]
