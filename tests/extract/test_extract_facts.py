"""The paper's own facts (``extract --facts``), the facts-mode evaluation and the develop/validate rule."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.ids import half_of, model_key
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence
from flopsdb.extract.evaluate import GoldFact, score
from flopsdb.extract.facts import is_fact, select_facts

EV = Evidence(page=1, bbox=Box(0, 0, 1, 1), snippet="s", start=0, end=1)


def _result(value: float, *, headline: bool, own: bool = True, confidence: float = 0.9, model: str | None = "Ours") -> Candidate:
    fields = {
        "task": "machine translation",
        "dataset": "WMT14 EN-DE",
        "split": "test",
        "metric": "BLEU",
        "value": value,
        "value_text": str(value),
        "own": own,
    }
    return Candidate(
        "p",
        "result",
        "result.v3",
        EV,
        confidence,
        fields,
        model=model,
        stage="training",
        headline=headline,
        headline_reason="main_table" if headline else None,
    )


def _hardware(stage: str, confidence: float = 0.9) -> Candidate:
    return Candidate("p", "hardware", "hardware.v1", EV, confidence, {"accelerator": "NVIDIA P100", "count": 8, "unit": "gpu"}, stage=stage)


def test_the_half_rule_is_the_documented_hash() -> None:
    for paper in ("1706.03762", "gpt2-radford2019", "2310.06825"):
        expected = "develop" if int(hashlib.sha256(paper.encode()).hexdigest()[0], 16) < 8 else "validate"
        assert half_of(paper) == expected
    assert {half_of(f"p{i}") for i in range(40)} == {"develop", "validate"}


def test_model_keys_fold_printing_but_keep_sizes() -> None:
    assert model_key("ResNeXt-101 (64 × 4d)") == model_key("ResNeXt-101 64x4d") == model_key("resnext101 64x4")
    assert model_key("BERT-Base") != model_key("BERT-Large")
    assert model_key("Transformer (big)") == model_key("Transformer big")
    assert model_key(None) is None and model_key("()") is None


def test_facts_are_headline_own_results_and_training_hardware() -> None:
    assert is_fact(_result(28.4, headline=True))
    assert not is_fact(_result(27.3, headline=False))
    assert not is_fact(_result(28.4, headline=True, own=False))
    assert not is_fact(_result(28.4, headline=True, confidence=0.2))
    assert is_fact(_hardware("training")) and not is_fact(_hardware("inference"))
    duplicated = [_result(28.4, headline=True), _result(28.4, headline=True, confidence=0.8), _result(27.3, headline=False)]
    assert [c.fields["value"] for c in select_facts(duplicated)] == [28.4]


def test_candidate_json_round_trips_the_model_link() -> None:
    c = _result(28.4, headline=True, model="Transformer (big)")
    data = c.to_json()
    assert data["model_key"] == "transformerbig" and data["headline"] is True and data["headline_reason"] == "main_table"
    back = Candidate.from_json(json.loads(json.dumps(data)))
    assert (back.model_key, back.headline, back.headline_reason) == ("transformerbig", True, "main_table")
    assert "model_key" not in back.fields and "headline" not in back.fields


def test_facts_mode_scores_against_headline_gold_only() -> None:
    gold = {
        "p": [
            GoldFact("p", "result", {"dataset": "WMT14 EN-DE", "metric": "BLEU", "value": 28.4, "headline": True}),
            GoldFact("p", "result", {"dataset": "WMT14 EN-DE", "metric": "BLEU", "value": 27.3, "headline": False}),
        ]
    }
    cands = {"p": [_result(28.4, headline=True), _result(27.3, headline=True)]}
    facts = score(gold, cands, mode="facts")
    assert (facts.by_kind["result"].tp, facts.by_kind["result"].fp, facts.by_kind["result"].fn) == (1, 1, 0)
    assert facts.true_not_headline == 1
    every = score(gold, cands, mode="candidates")
    assert (every.by_kind["result"].tp, every.by_kind["result"].fp, every.by_kind["result"].fn) == (2, 0, 0)


def test_extract_facts_prints_a_subset_of_the_candidates(sample_pdf: Path, config) -> None:
    every = CliRunner().invoke(main, ["extract", str(sample_pdf), "--timeout", "0"])
    facts = CliRunner().invoke(main, ["extract", str(sample_pdf), "--timeout", "0", "--facts"])
    assert every.exit_code == 0 and facts.exit_code == 0, facts.output
    all_ids = {json.loads(line)["id"] for line in every.stdout.splitlines()}
    fact_lines = [json.loads(line) for line in facts.stdout.splitlines()]
    assert {f["id"] for f in fact_lines} <= all_ids
    assert all(f["kind"] != "result" or (f["headline"] and f["own"]) for f in fact_lines)
    assert all(f["stage"] != "inference" for f in fact_lines)


def test_evaluate_reports_both_halves_and_modes(sample_pdf: Path, gold_dir: Path, config) -> None:
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(gold_dir), "--pdfs", str(sample_pdf.parent), "--min-confidence", "0"])
    assert result.exit_code == 0, result.output
    heads = [line for line in result.output.splitlines() if " half, " in line]
    assert [h.split(":")[0] for h in heads] == [
        "develop half, facts",
        "develop half, candidates",
        "validate half, facts",
        "validate half, candidates",
    ]
    mine = half_of("sample-paper")
    assert all(("papers: 1" in h) == h.startswith(mine) for h in heads)
