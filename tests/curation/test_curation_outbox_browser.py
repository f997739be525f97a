"""The item screen's verdict outbox in a real browser: the next item shows from the prefetched buffer while the
verdict is still on its way, and a verdict whose POST fails, or that the server refuses, is never lost.

The failures are made in the browser's network layer (Playwright routes: the request is held, answered 503 or
aborted before it reaches the server); the server, its leases and the store are the real ones."""

from __future__ import annotations

import pytest
from curation_helpers import sign_in

from flopsdb.db.curation import DbReviewStore

pytestmark = pytest.mark.browser

VERDICTS = "**/api/verdict"


def current(page) -> str:
    return page.evaluate("window.__review.current()")


def accept_dialogs(page) -> None:
    """Leaving the page with unsent verdicts asks first (beforeunload); these tests leave anyway."""
    page.on("dialog", lambda d: d.accept())


def test_the_next_item_shows_before_the_verdict_is_answered(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    held, holding = [], [True]
    page.route(VERDICTS, lambda route: held.append(route) if holding[0] else route.continue_())
    first = current(page)
    page.keyboard.press("a")
    page.wait_for_function("window.__review.shown >= 1")
    second = current(page)
    assert second and second != first
    page.wait_for_function("document.getElementById('unsaved').textContent.includes('1 verdict(s) not yet saved')")
    assert len(held) == 1 and held[0].request.post_data_json["candidate_id"] == first
    assert rs.events(annotator="ann1") == []  # the server has not seen it: the item came from the buffer
    # a second key while the first verdict is held: the next item shows, the verdicts go in order
    page.keyboard.press("x")
    page.wait_for_function("window.__review.shown >= 2")
    assert current(page) not in (first, second)
    assert len(held) == 1
    holding[0] = False
    held.pop().continue_()
    page.wait_for_function("window.__review.verdicts >= 2")
    assert [(e.candidate_id, e.action) for e in rs.events(annotator="ann1")] == [(first, "accept"), (second, "reject")]
    page.wait_for_function("document.getElementById('unsaved').hidden")
    page.context.close()


def test_a_verdict_whose_post_fails_is_retried_and_survives_a_reload(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    accept_dialogs(page)
    tries = []

    def fail(route) -> None:
        tries.append(route.request.post_data_json["event_id"])
        if len(tries) == 1:
            route.fulfill(status=503, content_type="application/json", body='{"error": "busy"}')
        else:
            route.abort("failed")

    page.route(VERDICTS, fail)
    first = current(page)
    page.keyboard.press("a")
    page.wait_for_function("window.__review.shown >= 1")
    assert current(page) != first
    page.wait_for_function("document.getElementById('unsaved').textContent.includes('retrying')")
    page.wait_for_function("window.__review.state().unsent === 1")
    while len(tries) < 2:  # answered 503, then retried (and aborted)
        page.wait_for_timeout(50)
    assert len(set(tries)) == 1  # retried with the same event id
    assert rs.events(annotator="ann1") == []
    page.reload()  # the verdict is still unsent: the outbox keeps it in the tab's sessionStorage
    page.wait_for_function("window.flopsdbOutbox && window.flopsdbOutbox.pending().length === 1")
    page.unroute(VERDICTS)
    page.wait_for_function("window.__review.ready === true", timeout=20000)
    events = rs.events(annotator="ann1")
    assert [(e.candidate_id, e.action, e.event_id) for e in events] == [(first, "accept", tries[0])]
    assert current(page) != first  # the saved item is not offered again
    assert page.evaluate("window.flopsdbOutbox.pending().length") == 0
    page.context.close()


def test_a_refused_verdict_is_shown_and_kept_not_dropped(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    accept_dialogs(page)
    first = current(page)
    rs.release("ann1")  # the leases are gone (as if expired): the server must refuse the verdict
    page.keyboard.press("a")
    page.wait_for_function("window.flopsdbOutbox.refused().length === 1")
    assert rs.events(annotator="ann1") == []
    text = page.locator("#unsaved").inner_text()
    assert "refused by the server" in text and first in text
    assert page.evaluate("window.flopsdbOutbox.refused()[0].status") == 409
    page.reload()
    page.wait_for_function("window.__review.ready === true")
    assert first in page.locator("#unsaved").inner_text()
    page.context.close()


def test_the_record_screen_saves_item_verdicts_on_their_way_first(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    accept_dialogs(page)
    tries = []

    def fail(route) -> None:
        tries.append(route.request.frame.url)
        route.abort("failed")

    page.route(VERDICTS, fail)
    first = current(page)
    page.keyboard.press("a")
    page.wait_for_function("window.__review.state().unsent === 1")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/record" in r.url else None)
    page.goto(live.url + "/records")
    while sum("/records" in u for u in tries) < 2:  # the record screen retries the item verdict ...
        page.wait_for_timeout(50)
    assert asked == [] and page.evaluate("window.__records.ready") is False  # ... and loads no record before it is saved
    page.unroute(VERDICTS)
    page.wait_for_function("window.__records.ready === true", timeout=20000)
    assert [e.candidate_id for e in rs.events(annotator="ann1")] == [first]
    page.context.close()
