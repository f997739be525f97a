"""The review page in a real browser (Debian's chromium through Playwright) against the real server."""

from __future__ import annotations

import json

import pytest
from curation_helpers import sign_in

from flopsdb.db.curation import DbReviewStore

pytestmark = pytest.mark.browser


def current(page) -> str:
    return page.evaluate("window.__review.current()")


def press_and_wait(page, key: str) -> None:
    before = page.evaluate("window.__review.verdicts")
    page.keyboard.press(key)
    try:
        page.wait_for_function(f"window.__review.verdicts > {before}", timeout=10000)
    except Exception as exc:
        raise AssertionError(
            f"no verdict after {key!r}; status: {page.locator('#status').inner_text()} {page.evaluate('window.__review.state()')} {page.evaluate('window.__review.current()')} {page.evaluate('window.__review.errors')}"
        ) from exc


def test_twenty_items_keyboard_only_with_edit_undo_and_alternative(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    seen = []
    keys = ["a", "x", " ", "1"] * 4 + ["a", "a", "x"]
    for key in keys:
        seen.append(current(page))
        if key == "1" and page.locator("#alternatives li").count() == 0:
            key = "a"
        press_and_wait(page, key)
    # 20th item: edit the first field, save with Enter
    seen.append(current(page))
    page.keyboard.press("e")
    page.locator("#fields input").first.fill("edited value")
    before = page.evaluate("window.__review.verdicts")
    page.keyboard.press("Enter")
    page.wait_for_function(f"window.__review.verdicts > {before}")
    assert len(set(seen)) == 20
    events = rs.events(annotator="ann1")
    assert len(events) == 20
    assert [e.candidate_id for e in events] == seen
    edited = events[-1]
    assert edited.action == "correct" and "edited value" in edited.after
    # Esc cancels an edit without saving
    page.keyboard.press("e")
    page.locator("#fields input").first.fill("never saved")
    page.keyboard.press("Escape")
    assert page.locator("#fields input").count() == 0
    # undo brings the last item back and cancels its verdict
    page.keyboard.press("u")
    page.wait_for_function(f"window.__review.current() === {json.dumps(seen[-1])}")
    assert rs.events(annotator="ann1")[-1].action == "undo"
    assert seen[-1] not in {f["candidate_id"] for f in rs.curated()}
    actions = {e.candidate_id: e.action for e in rs.events(annotator="ann1") if e.action != "undo"}
    assert {"accept", "reject", "unsure", "correct"} <= set(actions.values())
    page.context.close()


def test_two_browser_sessions_never_get_the_same_item(browser, live, rs: DbReviewStore) -> None:
    one = sign_in(browser, live.url, "ann1")
    two = sign_in(browser, live.url, "ann2")
    a, b = [current(one)], [current(two)]
    for _ in range(4):
        press_and_wait(one, "a")
        press_and_wait(two, "x")
        a.append(current(one))
        b.append(current(two))
    a, b = [x for x in a if x], [x for x in b if x]
    assert len(a) == 5 and len(b) == 5
    assert not set(a) & set(b)
    with rs.store.connect() as con:
        held = con.execute("SELECT candidate_id, count(*) FROM review_leases GROUP BY 1 HAVING count(*) > 1").fetchall()
    assert held == []
    one.context.close()
    two.context.close()


def test_reload_mid_queue_loses_no_verdict(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    judged = []
    for _ in range(3):
        judged.append(current(page))
        press_and_wait(page, "a")
    showing = current(page)
    page.reload()
    page.wait_for_function("window.__review && window.__review.ready === true")
    assert current(page) == showing
    assert [e.candidate_id for e in rs.events(annotator="ann1")] == judged
    assert set(judged) <= {f["candidate_id"] for f in rs.curated()}
    press_and_wait(page, "a")
    assert len(rs.events(annotator="ann1")) == 4
    page.context.close()


def test_script_in_snippet_is_shown_as_text(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    page.evaluate("() => { window.__alerted = false; window.alert = () => { window.__alerted = true; }; }")
    for _ in range(21):
        if "<script>" in page.locator("#snippet").inner_text():
            break
        press_and_wait(page, "a")
    assert "<script>alert(1)</script>" in page.locator("#snippet").inner_text()
    assert page.locator("#snippet script").count() == 0
    assert page.locator("#fields b").count() == 0
    assert "<b>1</b>" in page.locator("#fields").inner_text()
    assert page.evaluate("window.__alerted") is False
    page.context.close()


def test_request_without_csrf_token_is_refused(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    cid = current(page)
    status = page.evaluate(
        """async (cid) => (await fetch('/api/verdict', {method: 'POST', headers: {'Content-Type': 'application/json'},
             body: JSON.stringify({candidate_id: cid, action: 'reject'})})).status""",
        cid,
    )
    assert status == 403
    wrong = page.evaluate(
        """async (cid) => (await fetch('/api/verdict', {method: 'POST', headers: {'Content-Type': 'application/json',
             'X-CSRF-Token': 'forged'}, body: JSON.stringify({candidate_id: cid, action: 'reject'})})).status""",
        cid,
    )
    assert wrong == 403
    assert rs.events() == []
    page.context.close()


def test_annotator_cannot_reach_admin_action(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "ann1")
    assert page.locator("a[href='/admin/users']").count() == 0
    resp = page.goto(live.url + "/admin/users")
    assert resp.status == 403
    page.goto(live.url + "/")
    page.wait_for_function("window.__review && window.__review.ready === true")
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    status = page.evaluate(
        """async (csrf) => (await fetch('/admin/users', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
             body: 'name=mallory&role=admin&password=xxxxx&csrf=' + encodeURIComponent(csrf)})).status""",
        csrf,
    )
    assert status == 403
    assert "mallory" not in {u.name for u in rs.users()}
    assert page.goto(live.url + "/adjudicate").status == 403
    page.context.close()


def test_admin_adds_user_and_crop_is_served(browser, live, rs: DbReviewStore) -> None:
    page = sign_in(browser, live.url, "root")
    src = page.locator("#crop").get_attribute("src")
    page.wait_for_function("document.getElementById('crop').complete && document.getElementById('crop').naturalWidth > 100")
    page.goto(live.url + "/admin/users")
    page.fill("input[name=name]", "newbie")
    page.select_option("select[name=role]", "annotator")
    page.fill("input[name=password]", "pw-newbie-long")
    page.click("form[action='/admin/users'] button")
    page.wait_for_selector("#users >> text=newbie")
    assert ("newbie", "annotator") in {(u.name, u.role) for u in rs.users()}
    assert src and src.startswith("/crop/")
    page.context.close()


def test_adjudication_and_agreement_pages_with_two_annotators(browser, live, rs: DbReviewStore) -> None:
    from flopsdb.curation.model import Event, make_after, new_event_id
    from flopsdb.curation.queue import QueuePolicy

    both = DbReviewStore(rs.store, policy=QueuePolicy(audit_share=0.0, overlap_share=1.0, overlap_k=2))
    for _ in range(4):
        a = both.lease_next("ann1")[0]
        b = both.lease_next("ann2")[0]
        assert a.candidate_id == b.candidate_id
        c = a.candidate
        both.record(Event(new_event_id(), a.candidate_id, "ann1", "accept", after=make_after(c.fields, c.model, c.stage)))
        both.record(Event(new_event_id(), b.candidate_id, "ann2", "reject"))
    page = sign_in(browser, live.url, "rev")
    page.goto(live.url + "/adjudicate")
    assert page.locator("article.dispute").count() == 4
    first = page.locator("article.dispute").first
    assert first.locator(".version").count() == 3
    first.locator(".version").nth(1).locator("button").click()
    page.wait_for_load_state()
    assert page.locator("article.dispute").count() == 3
    assert [f["verdict"] for f in rs.curated()] == ["adjudicated"]
    page.goto(live.url + "/agreement")
    text = page.locator("#agreement-people").inner_text()
    assert "(record)" in text and "0.0" in text
    assert page.locator("#precision tr").count() >= 2
    page.context.close()
