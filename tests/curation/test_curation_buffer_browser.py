"""The item screen's buffer in a real browser against the real server: it refills in the background before it
runs dry, a refill never holds up a verdict, and a refill brings new items even while the verdicts of the items
before are still on their way (it names the items the page has, and the server leaves them out).

Requests are held in the browser's network layer (Playwright routes); the server, its leases and the store are
the real ones."""

from __future__ import annotations

import pytest
from curation_helpers import sign_in

from flopsdb.db.curation import DbReviewStore

pytestmark = pytest.mark.browser

QUEUE = "**/api/queue?*"
VERDICT = "**/api/verdict"


def current(page) -> str:
    return page.evaluate("window.__review.current()")


def test_the_buffer_refills_before_it_runs_dry(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    for k in range(1, 13):
        page.keyboard.press("a")
        page.wait_for_function(f"window.__review.shown >= {k} && !window.__review.state().refilling")
    refills = page.evaluate("window.__review.refills")
    assert len(refills) >= 3  # the first load, then refills in the background
    assert all(r["queued"] >= 1 for r in refills[1:]), refills  # each started while items were left
    assert page.evaluate("window.__review.dry") == 0  # no key found the buffer empty
    page.wait_for_function("window.__review.verdicts >= 12")
    assert len({e.candidate_id for e in rs.events(annotator="ann1")}) == 12
    page.context.close()


def test_a_verdict_is_never_held_up_by_a_refill(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    held, holding = [], [True]
    page.route(QUEUE, lambda route: held.append(route) if holding[0] else route.continue_())
    shown = [current(page)]
    for k in range(1, 4):
        page.keyboard.press("x")
        page.wait_for_function(f"window.__review.shown >= {k}")
        shown.append(current(page))
    page.wait_for_function("window.__review.verdicts >= 3")
    assert held and page.evaluate("window.__review.state().refilling")  # the refill is still held: the verdicts went past it
    assert [e.candidate_id for e in rs.events(annotator="ann1")] == shown[:3]
    holding[0] = False
    for route in held:
        route.continue_()
    page.wait_for_function("!window.__review.state().refilling && window.__review.state().queued >= 1")
    page.context.close()


def test_a_refill_brings_new_items_while_verdicts_are_on_their_way(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    page.on("dialog", lambda d: d.accept())
    held, asked, holding = [], [], [True]
    page.route(VERDICT, lambda route: held.append(route) if holding[0] else route.continue_())  # no answer yet
    page.on("request", lambda r: asked.append(r.url) if "/api/queue" in r.url else None)
    shown = [current(page)]
    for k in range(1, 13):
        page.keyboard.press("a")
        page.wait_for_function(f"window.__review.shown >= {k}")
        shown.append(current(page))
    assert None not in shown and len(set(shown)) == 13  # never "done", never an item twice
    assert page.evaluate("window.__review.state().unsent") == 12 and rs.events(annotator="ann1") == []
    # the refills named the items on their way, which are still leased to ann1 and would otherwise come first
    assert any(f"skip={shown[0]}" in url or f"%2C{shown[0]}" in url or f",{shown[0]}" in url for url in asked[1:])
    holding[0] = False
    assert len(held) == 1  # one at a time: the rest wait in the outbox
    held[0].continue_()
    page.wait_for_function("window.__review.verdicts >= 12", timeout=30000)
    assert [e.candidate_id for e in rs.events(annotator="ann1")] == shown[:12]  # in order, the rest in batches
    page.context.close()
