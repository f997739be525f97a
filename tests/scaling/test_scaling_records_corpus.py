"""End to end on real corpus papers: extract --store -> accept facts through the store API -> records -> fit."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.catalog import load_catalog
from flopsdb.curation.model import Event, make_after, new_event_id
from flopsdb.db.curation import DbReviewStore
from flopsdb.fitting import FitOptions, import_thompson, run_fit
from flopsdb.records import rebuild_records
from flopsdb.scaling.compute import find_accelerator

pytestmark = pytest.mark.shared

PAPERS = ("1611.05431", "2012.12877")


def _keep(review, cand, model):
    review.record(
        Event(
            event_id=new_event_id(),
            candidate_id=cand.candidate_id,
            annotator="ann",
            action="accept" if model == cand.model else "correct",
            after=make_after(cand.fields, model, cand.stage),
            source="terminal",
        ),
        require_lease=False,
    )


def _first(cands, kind, **want):
    return next(c for c in cands if c.kind == kind and all(c.fields.get(k) == v for k, v in want.items()))


def test_extracted_facts_become_records_and_fit_points(shared_dir, corpus_dir, config, store):
    res = CliRunner().invoke(main, ["extract", "--store", *[str(corpus_dir / f"{p}.pdf") for p in PAPERS]], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    review = DbReviewStore(store)
    by_paper = {}
    for cand, _ in review.candidates():
        by_paper.setdefault(cand.paper.split("v")[0], []).append(cand)
    assert set(PAPERS) <= set(by_paper)
    rx, deit = by_paper["1611.05431"], by_paper["2012.12877"]
    # ResNeXt: the paper's one training time and its hardware, moved to the model they describe (a reviewer's pick
    # from the paper's models); the model's own top-1 error.
    big = "ResNeXt-101 (64 × 4d)"
    hw_rx, tt_rx = _first(rx, "hardware", count=8), _first(rx, "training_time", hours=240.0)
    err_rx = next(c for c in rx if c.kind == "result" and c.model and c.model_key == "resnext10164x4" and c.fields.get("metric") == "top-1 error")
    for c in (hw_rx, tt_rx, err_rx):
        _keep(review, c, big)
    # DeiT: one model reviewed; the paper's 8 V100s (linked by the extractor to the DeiT named just before the
    # footnote, moved by the reviewer to DeiT-B) and a training time stated without a model go to it.
    hw_deit = next(c for c in deit if c.kind == "hardware" and c.fields.get("accelerator") == "NVIDIA V100" and c.fields.get("count") == 8)
    acc = next(c for c in deit if c.kind == "result" and c.fields.get("metric") == "top-1 accuracy" and c.fields.get("value") == 83.1)
    tt_deit = _first(deit, "training_time", hours=53.0)
    _keep(review, hw_deit, "DeiT-B")
    _keep(review, tt_deit, None)
    _keep(review, acc, "DeiT-B")
    catalog = load_catalog()
    records = {r.names[0]: r for r in rebuild_records(store, catalog=catalog) if r.names}
    assert set(records) == {big, "DeiT-B"} and not records[big].missing and not records["DeiT-B"].missing
    # no arXiv metadata in this store: the year a dated arXiv id encodes comes before the PDF's date (the PDF dates the
    # version it is: this one 2017, the id's first version 2016)
    assert (records[big].year, records[big].year_source) == (2016, "arxiv_id")
    # DeiT's new-style arXiv id (2012.12877: December 2020)
    assert (records["DeiT-B"].year, records["DeiT-B"].year_source) == (2020, "arxiv_id")
    m40 = find_accelerator(catalog, hw_rx.fields["accelerator"])
    v100 = find_accelerator(catalog, "NVIDIA V100")
    assert records[big].compute["thompson"]["flop"] == pytest.approx(8 * m40.peak("fp32") * 240 * 3600)
    assert records["DeiT-B"].compute["thompson"]["flop"] == pytest.approx(8 * v100.peak("fp32") * 53 * 3600)
    thompson = shared_dir / "datasets" / "thompson2022"
    import_thompson(store, thompson)
    fit = run_fit(store, FitOptions(benchmark="imagenet", source="all", variants=False), catalog=catalog)
    curated = {p.model: p for p in fit.points if p.source == "curated"}
    assert set(curated) == {big, "DeiT-B"}
    assert curated[big].error == pytest.approx(0.204) and curated["DeiT-B"].error == pytest.approx(1 - 0.831)
    assert curated[big].flop == records[big].compute["thompson"]["flop"]
    # Thompson et al. list ResNeXt-101 64x4d of the same paper: one point, the curated one
    same = [p for p in fit.points if p.paper and p.paper.startswith("1611.05431") and "64" in str(p.model)]
    assert len(same) == 1 and same[0].source == "curated"
