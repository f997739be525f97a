"""result_table.v1 on real tables of the corpus (skips cleanly without ../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.pdf import parse_pdf
from flopsdb.extract.table_results import extract_table_results

GOLD = Path(__file__).resolve().parents[2] / "annotations" / "gold"
_CACHE: dict[str, list[Candidate]] = {}


def _candidates(corpus_dir: Path, paper: str) -> list[Candidate]:
    if paper not in _CACHE:
        pdf = corpus_dir / f"{paper}.pdf"
        if not pdf.is_file():
            pytest.skip(f"{pdf} is absent")
        _CACHE[paper] = extract_table_results(parse_pdf(pdf, paper=paper))
    return _CACHE[paper]


def _find(cands: list[Candidate], dataset: str, metric: str, value: float) -> list[Candidate]:
    return [c for c in cands if c.fields["dataset"] == dataset and c.fields["metric"] == metric and c.fields["value"] == value]


def test_transformer_bleu_table(corpus_dir: Path) -> None:
    cands = _candidates(corpus_dir, "1706.03762")
    big = _find(cands, "WMT14 EN-DE", "BLEU", 28.4)
    assert big and big[0].fields["own"] and big[0].model == "Transformer (big)"
    assert big[0].evidence.page == 8 and "28.4" in big[0].evidence.snippet
    assert any(c.fields["own"] for c in _find(cands, "WMT14 EN-FR", "BLEU", 41.8))
    bytenet = _find(cands, "WMT14 EN-DE", "BLEU", 23.75)
    assert bytenet and not bytenet[0].fields["own"]


def test_resnext_error_tables(corpus_dir: Path) -> None:
    cands = _candidates(corpus_dir, "1611.05431")
    row = [c for c in _find(cands, "ImageNet", "top-1 error", 20.4) if c.fields["own"]]
    assert row and "ResNeXt-101" in (row[0].model or "")
    assert any(c.fields["own"] for c in _find(cands, "ImageNet", "top-5 error", 5.3))
    assert any(c.fields["own"] for c in _find(cands, "COCO", "AP50", 51.9))


def _score(paper: str, cands: list[Candidate]) -> tuple[int, int, int]:
    gold = [json.loads(line) for line in (GOLD / f"{paper}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = [g for g in gold if g["kind"] == "result"]
    own = [c for c in cands if c.fields["own"]]
    used: set[int] = set()
    hits = 0
    for g in gold:
        for i, c in enumerate(own):
            if i not in used and c.fields["dataset"] == g["dataset"] and c.fields["metric"] == g["metric"] and float(c.fields["value"]) == float(g["value"]):
                used.add(i)
                hits += 1
                break
    return hits, len(own), len(gold)


@pytest.mark.parametrize("papers", [("1608.06993", "1706.03762", "2004.10934", "rnet-msra2017")])
def test_own_results_against_the_gold(corpus_dir: Path, papers: tuple[str, ...]) -> None:
    hits = found = total = 0
    for paper in papers:
        if not (GOLD / f"{paper}.jsonl").is_file():
            pytest.skip(f"no gold for {paper}")
        h, f, t = _score(paper, _candidates(corpus_dir, paper))
        hits, found, total = hits + h, found + f, total + t
    assert total > 0
    assert hits / total >= 0.7, f"recall {hits}/{total}"
    assert hits / found >= 0.6, f"precision {hits}/{found}"
