"""Helpers of the review-stage tests (imported by name; the fixtures are in conftest.py)."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from pathlib import Path

from flopsdb.curation.interchange import read_import

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
