"""Fixtures of the review stage: a queue from the generated fixture PDF, a live server, a browser."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flopsdb.core.config import Config
from flopsdb.curation.interchange import read_import
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.review import build_app, import_records, review_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "curation"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "s3cret-pw-long"


def fixture_candidates(copies: int = 3):
    """The fixture facts as candidates of ``copies`` extractor versions with spread confidences
    (real boxes on the generated PDF); the first version also offers an alternative reading."""
    base = read_import("annotations", FIX / "gold.jsonl", pdf_dir=FIX, with_verdicts=False)
    out = []
    for v in range(copies):
        for n, rec in enumerate(base):
            c = rec.candidate
            alts = (
                ({k: (val * 2 if isinstance(val, (int, float)) and not isinstance(val, bool) else val) for k, val in c.fields.items()},)
                if v == 0
                else ()
            )
            out.append(
                (
                    dataclasses.replace(c, extractor=f"fixture.v{v + 1}", confidence=round(0.3 + 0.1 * ((n + v) % 7), 2), alternatives=alts),
                    rec.pdf_path,
                )
            )
    return out


@pytest.fixture
def rs(store: Store, config: Config) -> DbReviewStore:
    """A review store with 21 fixture candidates and users ann1, ann2 (annotators), rev (reviewer), root (admin)."""
    r = review_store(config, store)
    r.add_candidates(fixture_candidates(), command="test")
    for name, role in (("ann1", "annotator"), ("ann2", "annotator"), ("rev", "reviewer"), ("root", "admin")):
        r.add_user(name, role, PASSWORD)
    return r


def free_port() -> int:
    """A free localhost TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving the real app in a thread."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


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


def sign_in(browser, url: str, name: str, password: str = PASSWORD, *, bypass_csp: bool = True):
    """A new browser context signed in as ``name``; returns its page, on the review page.

    Playwright evaluates ``wait_for_function`` predicates with ``eval``, which the server's CSP forbids,
    so these contexts bypass CSP; ``test_curation_security`` drives the page with CSP in force."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp)
    page = ctx.new_page()
    page.goto(url + "/login")
    page.focus("input[name=name]")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/")
    if bypass_csp:
        page.wait_for_function("window.__review && window.__review.ready === true")
    return page


__all__ = ["fixture_candidates", "free_port", "LiveServer", "sign_in", "PASSWORD", "FIX", "import_records"]
