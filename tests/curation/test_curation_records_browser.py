"""Review by record in a real browser (Debian's chromium through Playwright) against the real server and DuckDB."""

from __future__ import annotations

import pytest
from curation_helpers import PASSWORD, LiveServer, sign_in
from test_curation_records import PAPER, rrs  # noqa: F401  (the record paper's store fixture)

from flopsdb.core.catalog import load_catalog
from flopsdb.core.config import Config
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.records import records_from
from flopsdb.review import build_app

pytestmark = pytest.mark.browser


@pytest.fixture
def rlive(rrs: DbReviewStore, config: Config, store: Store):  # noqa: F811
    """The review server over the record paper."""
    with LiveServer(build_app(config, store)) as server:
        yield server


def open_records(page, url: str, query: str = "") -> None:
    page.goto(url + "/records" + query)
    page.wait_for_function("window.__records && window.__records.ready === true")


def press(page, key: str) -> None:
    before = page.evaluate("window.__records.actions")
    page.keyboard.press(key)
    try:
        page.wait_for_function(f"window.__records.actions > {before}", timeout=10000)
    except Exception as exc:
        raise AssertionError(f"no action after {key!r}: {page.locator('#status').inner_text()} {page.evaluate('window.__records.errors')}") from exc


def focus_kind(page, kind: str) -> None:
    for _ in range(8):
        row = page.locator("#facts tbody tr.focus td").nth(1).inner_text()
        if row == kind:
            return
        page.keyboard.press("j")
    raise AssertionError(f"no {kind} fact on the screen")


def test_a_record_keyboard_only_move_fix_accept(browser, rlive, rrs: DbReviewStore, store: Store) -> None:  # noqa: F811
    page = sign_in(browser, rlive.url, "ann1")
    open_records(page, rlive.url, f"?paper={PAPER}")
    assert page.evaluate("window.__records.current()") == "big"
    assert page.locator("#record-section").inner_text() == "headline"
    assert "thompson" in page.locator("#estimate").inner_text()
    assert page.locator("#facts tbody tr").count() == 4
    assert page.locator("#crop").get_attribute("src").startswith("/crop/")
    # the ablation and baseline records are collapsed but listed
    assert not page.locator("#others").evaluate("d => d.open")
    page.keyboard.press("o")
    assert page.locator("#units li").all_inner_texts()[0].startswith("Base")
    page.keyboard.press("o")
    # move the training time to Base: a list to pick from, no name typed
    focus_kind(page, "training_time")
    page.keyboard.press("m")
    assert page.locator("#move-list li").all_inner_texts() == ["Base (ablation)"]
    press(page, "1")
    assert "training_time" not in page.locator("#facts").inner_text()
    # fix the hardware count
    focus_kind(page, "hardware")
    page.keyboard.press("e")
    page.locator("#fix-fields input[name=count]").fill("16")
    press(page, "Enter")
    assert "16 × NVIDIA P100" in page.locator("#facts").inner_text()
    # accept the rest of the record: the next record comes
    press(page, "a")
    assert page.evaluate("window.__records.current()") == "base"
    assert "training_time" in page.locator("#facts").inner_text()
    press(page, "a")
    assert page.evaluate("window.__records.current()") == "~baselines"
    press(page, "n")  # the copied result: not the paper's
    events = rrs.events(annotator="ann1")
    assert [e.action for e in events].count("correct") == 2 and all(e.dwell_ms is not None for e in events)
    with store.connect() as con:
        recs = {r.model_key: r for r in records_from(con, catalog=load_catalog())}
    assert recs["base"].training_time["hours"] == 84 and recs["base"].hardware["count"] == 16
    assert recs["big"].training_time is None and not recs["base"].missing[1:]
    # a reload shows the same screen; r loads the next record (none left of this paper: done)
    page.reload()
    page.wait_for_function("window.__records && window.__records.ready === true")
    page.keyboard.press("r")
    page.wait_for_function("document.getElementById('done').hidden === false")
    page.context.close()


def test_record_filter_in_the_url_and_with_csp_in_force(browser, rlive, rrs: DbReviewStore) -> None:  # noqa: F811
    page = sign_in(browser, rlive.url, "ann2", bypass_csp=False)
    page.locator("#item").wait_for()  # the item queue page leased its first items: give them back
    rrs.release("ann2")
    page.goto(rlive.url + f"/records?paper={PAPER}&kind=training_time")
    page.locator("#record-name").filter(has_text="Big").wait_for()
    rows = page.locator("#facts tbody tr.s-open")
    assert rows.count() >= 1
    assert rrs.events() == []
    with rrs.store.connect() as con:
        kinds = {
            r[0]
            for r in con.execute("SELECT c.kind FROM review_leases l JOIN candidates c USING (candidate_id) WHERE l.annotator = 'ann2'").fetchall()
        }
    assert kinds == {"training_time"}
    assert page.locator("#filter-kind").input_value() == "training_time"
    page.context.close()


@pytest.mark.shared
def test_corpus_gold_reviewed_by_record_in_the_browser_then_fit(browser, corpus_dir, config: Config, store: Store, tmp_path) -> None:
    """Gold facts of two corpus papers as candidates (boxes found on the real PDFs), every record accepted with
    `a` in chromium, then records and a fit on the curated points."""
    import json
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from flopsdb.cli import main
    from flopsdb.review import review_store

    gold = tmp_path / "gold"
    gold.mkdir()
    for paper in ("1706.03762", "1508.04025"):
        shutil.copy(Path(__file__).resolve().parents[2] / "annotations" / "gold" / f"{paper}.jsonl", gold)
    r = CliRunner().invoke(
        main, ["review", "import", str(gold), "--format", "annotations", "--pdf-dir", str(corpus_dir), "--as-candidates"], catch_exceptions=False
    )
    assert r.exit_code == 0, r.output
    rs = review_store(config, store)
    rs.add_user("ann1", "annotator", PASSWORD)
    with LiveServer(build_app(config, store)) as server:
        page = sign_in(browser, server.url, "ann1")
        rs.release("ann1")
        open_records(page, server.url, "?paper=1706.03762")
        assert page.evaluate("window.__records.current()") in ("transformerbig", "transformerbasemodel")
        assert page.locator("#crop").get_attribute("src").startswith("/crop/")
        seen = []
        for _ in range(80):
            if page.locator("#done").is_visible():
                break
            seen.append(page.evaluate("window.__records.current()"))
            press(page, "a")
        assert page.locator("#done").is_visible()
        open_records(page, server.url, "?paper=1508.04025")
        for _ in range(80):
            if page.locator("#done").is_visible():
                break
            press(page, "a")
        assert page.locator("#done").is_visible()
        page.context.close()
    assert set(seen[:2]) == {"transformerbig", "transformerbasemodel"}  # the headline records come first
    assert len(seen) == len(set(seen))  # each record once
    assert {e.action for e in rs.events(annotator="ann1")} == {"accept"}
    r = CliRunner().invoke(main, ["fit", "--benchmark", "wmt14-en-de", "--source", "curated", "--format", "json"], catch_exceptions=False)
    fit = json.loads(r.output[r.output.index("{") :])
    by_model = {p["model"]: p for p in fit["points"] if p["paper"] == "1706.03762"}
    assert set(by_model) == {"Transformer (base model)", "Transformer (big)"}
    assert by_model["Transformer (big)"]["compute"] > by_model["Transformer (base model)"]["compute"] * 5
    assert all(0 < p["error"] < 1 and p["year"] is not None for p in by_model.values())


@pytest.mark.shared
def test_extracted_records_reviewed_in_the_browser_then_fit(browser, corpus_dir, config: Config, store: Store) -> None:
    """Done-when of issue #10 on a real corpus paper: `extract --store`, every record of the paper accepted with `a`
    in chromium, then `fit --source curated`: one point per model, error = 1 - BLEU/100, the hardware method's compute
    of the accepted hardware and time, and a year."""
    import json

    from click.testing import CliRunner

    from flopsdb.cli import main
    from flopsdb.review import review_store
    from flopsdb.scaling.compute import find_accelerator

    r = CliRunner().invoke(main, ["extract", "--store", str(corpus_dir / "1706.03762.pdf")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    rs = review_store(config, store)
    rs.add_user("ann1", "annotator", PASSWORD)
    with LiveServer(build_app(config, store)) as server:
        page = sign_in(browser, server.url, "ann1")
        rs.release("ann1")
        open_records(page, server.url, "?paper=1706.03762")
        for _ in range(120):
            if page.locator("#done").is_visible():
                break
            press(page, "a")
        assert page.locator("#done").is_visible()
        page.context.close()
    assert {e.action for e in rs.events(annotator="ann1")} == {"accept"}
    catalog = load_catalog()
    with store.connect() as con:
        records = {rec.model_key: rec for rec in records_from(con, catalog=catalog, paper="1706.03762")}
    # one paper gives fewer than the 3 points a fit needs: fit it with the authors' rows, curated points preferred
    r = CliRunner().invoke(main, ["import", "thompson", str(corpus_dir.parents[1] / "datasets" / "thompson2022")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["fit", "--benchmark", "wmt14-en-de", "--source", "all", "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 0 and "{" in r.output, r.output
    fit = json.loads(r.output[r.output.index("{") :])
    points = [p for p in fit["points"] if p["paper"] and p["paper"].startswith("1706.03762") and p["compute_source"] == "curated"]
    assert points and "points by source: curated" in " ".join(fit["notes"])
    assert len({p["model"] for p in points}) == len(points)  # one point per model
    p100 = find_accelerator(catalog, "NVIDIA P100")
    assert p100 is not None
    for p in points:
        rec = next(r for r in records.values() if p["model"] in r.names)
        bleu = max(res["value"] for res in rec.results if "EN-DE" in str(res.get("dataset") or res.get("benchmark")).upper())
        assert p["error"] == pytest.approx(1 - bleu / 100)  # BLEU is a score
        hours = rec.training_time["hours"] / (rec.hardware.get("count") or 1 if rec.training_time.get("scope") == "device_hours" else 1)
        assert p["compute"] == pytest.approx(rec.hardware["count"] * p100.peak("fp32") * hours * 3600, rel=0.01)
        assert p["year"] == rec.year and rec.year in (2017, 2018, 2019)
