"""``--source curated`` reads the curation stage's ``curated_facts``; ``all`` mixes it with imported facts."""

from __future__ import annotations

import pytest

from flopsdb.core.errors import FitError
from flopsdb.fitting import FitOptions, run_fit

# (paper, model, GPUs, hours, top-1 %)
PAPERS = [
    ("2001.00001", "A", 8, 10.0, 70.0),
    ("2001.00002", "B", 8, 100.0, 75.0),
    ("2001.00003", "C", 64, 100.0, 80.0),
    ("2001.00004", "D", 256, 300.0, 84.0),
]


@pytest.fixture
def curated(imported, curate_models):
    return curate_models(imported, PAPERS)


def test_curated_source_reads_curated_facts(curated, fixture_catalog):
    res = run_fit(curated, FitOptions(benchmark="imagenet", source="curated", bootstrap=0), catalog=fixture_catalog)
    assert res.main.n == 4
    by_model = {p.model: p for p in res.points}
    assert by_model["A"].flop == pytest.approx(8 * 15.7e12 * 10 * 3600)
    assert by_model["D"].error == pytest.approx(0.16)
    assert all(p.source == "curated" and len(p.fact_ids) == 3 and all(f.startswith("f-") for f in p.fact_ids) for p in res.points)
    assert res.convention == "thompson"


def test_curated_under_the_epoch_convention(curated, fixture_catalog):
    res = run_fit(curated, FitOptions(benchmark="imagenet", source="curated", convention="epoch", bootstrap=0), catalog=fixture_catalog)
    a = next(p for p in res.points if p.model == "A")
    assert a.flop == pytest.approx(8 * 125e12 * 0.4 * 10 * 3600)


def test_all_sources_mix_curated_and_imported(curated, fixture_catalog):
    res = run_fit(curated, FitOptions(benchmark="imagenet", source="all", bootstrap=0), catalog=fixture_catalog)
    assert res.main.n == 11 + 4
    assert {p.source for p in res.points} == {"thompson", "curated"}
    thompson_only = run_fit(curated, FitOptions(benchmark="imagenet", source="thompson", bootstrap=0), catalog=fixture_catalog)
    assert thompson_only.main.slope == pytest.approx(-0.1, abs=1e-6)
    assert res.main.slope != pytest.approx(thompson_only.main.slope, abs=1e-6)


def test_curated_without_facts_is_a_clear_error(imported, fixture_catalog):
    with pytest.raises(FitError, match="no imagenet results"):
        run_fit(imported, FitOptions(benchmark="imagenet", source="curated"), catalog=fixture_catalog)


def test_estimates_of_curated_results_are_stored_for_analysts(curated, fixture_catalog):
    from flopsdb.fitting import estimate_curated

    counts = estimate_curated(curated, catalog=fixture_catalog)
    assert counts["estimates"] == 8
    again = estimate_curated(curated, catalog=fixture_catalog)
    with curated.connect() as con:
        rows = con.execute(
            "SELECT convention, count(*), min(run_id) FROM compute_estimates WHERE source = 'curated' GROUP BY ALL ORDER BY 1"
        ).fetchall()
        joined = con.execute("SELECT count(*) FROM fit_inputs WHERE compute_source = 'curated'").fetchone()[0]
    assert [(r[0], r[1]) for r in rows] == [("epoch", 4), ("thompson", 4)]
    assert rows[0][2] == again["run_id"]
    assert joined == 8


def test_the_estimate_steps_plan_says_what_its_run_then_does(curated, fixture_catalog):
    """``EstimateCurated`` side by side: ``plan`` (``estimate --dry-run``) predicts ``run`` and writes nothing."""
    from flopsdb.fitting import EstimateCurated
    from flopsdb.steps import run_recorded

    step = EstimateCurated(curated, catalog=fixture_catalog)
    with curated.connect() as con:
        planned = step.plan(con)
        before = con.execute("SELECT count(*) FROM compute_estimates WHERE source = 'curated'").fetchone()
    planned_notes = list(step.notes)
    assert planned.counts["estimates"] > 0 and before == (0,)
    run_id, done = run_recorded(curated, step.name, step)
    assert done.counts == planned.counts and step.notes == planned_notes
    with curated.connect() as con:
        stored = con.execute("SELECT count(*) FROM compute_estimates WHERE source = 'curated' AND run_id = ?", [run_id]).fetchone()
        assert step.plan(con).counts == planned.counts
    assert stored == (planned.counts["estimates"],)
