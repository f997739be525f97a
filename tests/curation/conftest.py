"""Fixtures of the review stage: a queue from the generated fixture PDF, a live server, a browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from curation_helpers import CHROMIUM, CHROMIUM_ARGS, PASSWORD, LiveServer, fixture_candidates

from flopsdb.core.config import Config
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.review import build_app, review_store


@pytest.fixture
def rs(store: Store, config: Config) -> DbReviewStore:
    """A review store with 21 fixture candidates and users ann1, ann2 (annotators), rev (reviewer), root (admin)."""
    r = review_store(config, store)
    r.add_candidates(fixture_candidates(), command="test")
    for name, role in (("ann1", "annotator"), ("ann2", "annotator"), ("rev", "reviewer"), ("root", "admin")):
        r.add_user(name, role, PASSWORD)
    return r


@pytest.fixture
def live(rs: DbReviewStore, config: Config, store: Store) -> Iterator[LiveServer]:
    """The review server over the fixture queue."""
    with LiveServer(build_app(config, store)) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (skipped when /usr/bin/chromium is missing)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
