"""Fixtures of the scaling tests: the hand-made fixture folder, a fixture catalog, an imported store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scaling_helpers import accept_all, candidate

from flopsdb.core.catalog import Accelerator, Catalog
from flopsdb.db.store import Store
from flopsdb.fitting import import_epoch, import_thompson

FX = Path(__file__).resolve().parents[1] / "fixtures" / "scaling"


@pytest.fixture(scope="session")
def fx() -> Path:
    """``tests/fixtures/scaling``."""
    return FX


@pytest.fixture(scope="session")
def fixture_catalog() -> Catalog:
    """A three-entry hardware catalog (V100, TPU v3, generic GPU) in the contract's format."""
    lines = (FX / "hardware.jsonl").read_text(encoding="utf-8").splitlines()
    return Catalog(Accelerator.from_json(json.loads(line)) for line in lines if line.strip())


@pytest.fixture
def imported(store: Store, fixture_catalog: Catalog) -> Store:
    """A migrated store with the fixture Thompson CSVs and Epoch table imported."""
    import_thompson(store, FX / "thompson")
    import_epoch(store, FX / "epoch_models.csv", catalog=fixture_catalog)
    return store


@pytest.fixture
def curate_models():
    """``curate(store, papers)``: each ``(paper, model, V100s, hours, top-1 %)`` stored as three candidates
    (hardware and time unlinked, an own ImageNet result of ``model``), each accepted by annotator ``ann``."""

    def curate(store: Store, papers: list[tuple[str, str, int, float, float]]) -> Store:
        cands = []
        for i, (paper, model, gpus, hours, top1) in enumerate(papers):
            cands += [
                candidate(paper, "hardware", {"accelerator": "NVIDIA V100", "count": gpus, "unit": "chip"}, None, i=3 * i),
                candidate(
                    paper,
                    "training_time",
                    {"hours": hours, "hours_low": None, "hours_high": None, "scope": "total", "approx": False},
                    None,
                    i=3 * i + 1,
                ),
                candidate(
                    paper,
                    "result",
                    {
                        "task": "Image Classification",
                        "dataset": "ImageNet",
                        "split": "val",
                        "metric": "Top-1 accuracy",
                        "value": top1,
                        "value_text": f"{top1}%",
                        "own": True,
                    },
                    model,
                    i=3 * i + 2,
                ),
            ]
        accept_all(store, cands)
        return store

    return curate
