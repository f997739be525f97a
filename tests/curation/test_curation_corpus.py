"""Done-when on real papers: a queue built by the real extractors from corpus PDFs, reviewed keyboard-only
in the browser, each item with its PDF crop, verdicts landing as curated facts in DuckDB."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from curation_helpers import PASSWORD, LiveServer, sign_in

from flopsdb.db.runs import start_run
from flopsdb.review import build_app, review_store

pytestmark = [pytest.mark.shared, pytest.mark.browser]


def load_corpus_queue(store, corpus_dir: Path, papers: list[str]) -> None:
    """Run the extract stage on real corpus PDFs (``flopsdb extract --store`` in its own process: the
    extractor forks parser workers, which must not happen in a process already driving a browser) and
    store the papers' titles from the corpus manifest."""
    pytest.importorskip("flopsdb.extraction", reason="the extract stage is not in place yet")
    from flopsdb.crawler.paper import Paper
    from flopsdb.db.papers import upsert_papers

    manifest = {r["arxiv_id"]: r for r in csv.DictReader((corpus_dir.parent / "MANIFEST.tsv").open(), delimiter="\t")}
    with store.transaction() as con:
        run = start_run(con, "test corpus queue")
        upsert_papers(
            con, [Paper(arxiv_id=p, version=1, title=manifest[p]["title"], source="file") for p in papers], [(True, "corpus")] * len(papers), run
        )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flopsdb.cli",
            "--home",
            str(store.path.parent),
            "extract",
            "--store",
            "--format",
            "table",
            *[str(corpus_dir / f"{p}.pdf") for p in papers],
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


def test_real_corpus_queue_reviewed_in_browser_becomes_curated_facts(browser, store, config, corpus_dir: Path) -> None:
    load_corpus_queue(store, corpus_dir, ["1706.03762", "1512.00567"])
    rs = review_store(config, store)
    rs.add_user("ann1", "annotator", PASSWORD)
    total = rs.queue_counts()["total"]
    assert total > 20
    with LiveServer(build_app(config, store)) as live:
        page = sign_in(browser, live.url, "ann1")
        judged = []
        for key in ["a", "a", "x", "a", "a", " ", "a", "a"]:
            cid = page.evaluate("window.__review.current()")
            page.wait_for_function("document.getElementById('crop').complete && document.getElementById('crop').naturalWidth > 100")
            assert page.locator("#paper-link").get_attribute("href").startswith("https://arxiv.org/abs/")
            assert page.locator("#why").inner_text()
            judged.append((cid, key))
            before = page.evaluate("window.__review.verdicts")
            page.keyboard.press(key)
            page.wait_for_function(f"window.__review.verdicts > {before}")
        title = page.locator("#paper-link").inner_text()
        assert title in {"Attention Is All You Need", "Rethinking the Inception Architecture for Computer Vision"}
        page.context.close()
    facts = {f["candidate_id"]: f for f in rs.curated()}
    accepted = {cid for cid, key in judged if key == "a"}
    assert set(facts) == accepted
    with store.connect() as con:
        rows = con.execute(
            "SELECT f.page, f.x0, f.top, f.x1, f.bottom, c.pdf_path, e.annotator FROM curated_facts f"
            " JOIN review_events e ON e.event_id = f.event_id JOIN candidates c ON c.candidate_id = f.candidate_id"
        ).fetchall()
    assert len(rows) == len(accepted)
    assert all(r[0] >= 1 and r[3] > r[1] and r[4] > r[2] and r[5].endswith(".pdf") and r[6] == "ann1" for r in rows)
