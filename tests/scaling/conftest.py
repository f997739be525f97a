"""Fixtures of the scaling tests: the hand-made fixture folder, a fixture catalog, an imported store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
