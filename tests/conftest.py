"""Shared fixtures: the ../shared materials (skipped when absent), a data home, a store."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopsdb.core.config import Config, load_config
from flopsdb.db.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LOCAL_ARXIV = {"arxiv_oai_url": "/oai", "arxiv_api_url": "/api/query", "arxiv_pdf_url": "/pdf", "arxiv_eprint_url": "/e-print"}
"""Unreachable local stand-ins for arXiv's URLs; tests that talk to a server override them."""


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip with a reason when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): real corpus and datasets not available on this machine")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    """The 27 real PDFs."""
    path = shared_dir / "corpus" / "pdfs"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def corpus2_dir(shared_dir: Path) -> Path:
    """The 46 further real PDFs (corpus2)."""
    path = shared_dir / "corpus2" / "pdfs"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    """A configuration whose data home is a fresh temporary folder and whose arXiv delay is 0."""
    home = tmp_path / "home"
    monkeypatch.setenv("FLOPSDB_HOME", str(home))
    monkeypatch.setenv("FLOPSDB_ARXIV_DELAY", "0")
    for key, path in LOCAL_ARXIV.items():  # no delay is allowed only when no arXiv URL points at arXiv
        monkeypatch.setenv(f"FLOPSDB_{key.upper()}", f"http://127.0.0.1:9{path}")
    monkeypatch.chdir(tmp_path)
    return load_config()


@pytest.fixture
def store(config: Config) -> Store:
    """A migrated store in the temporary home."""
    s = Store(config.db_path)
    s.migrate()
    return s
