"""training_time.v1 on hand-built sentences and real corpus sentences."""

from __future__ import annotations

import pytest

from flopsdb.extract.training_time import durations_in, extract_training_time
from tests.extract.conftest import sentence_with


def _one(sentence: str) -> dict[str, object]:
    found = durations_in(sentence)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("sentence, hours, low, high, scope, approx", [
    ("The training process takes roughly 20 hours on a single Titan X GPU.", 20, 20, 20, "wall_clock", True),
    ("The big models were trained for 300,000 steps (3.5 days).", 84, 84, 84, "wall_clock", False),
    ("It takes 7-10 days to completely train a model.", 204, 168, 240, "wall_clock", False),
    ("Pre-training took about 2.5 days.", 60, 60, 60, "wall_clock", True),
    ("The search took 2,000 GPU hours.", 2000, 2000, 2000, "device_hours", False),
    ("Training costs 30 TPU core-days.", 720, 720, 720, "device_hours", False),
    ("We trained for approximately two more days.", 48, 48, 48, "wall_clock", True),
    ("Training takes ~1 week on 8 GPUs.", 168, 168, 168, "wall_clock", True),
    ("The model is trained for 53h.", 53, 53, 53, "wall_clock", False),
    ("Training required 256 TPU-v3 core-days.", 6144, 6144, 6144, "device_hours", False),
    ("The model was trained for 2 weeks on 64 V100 GPUs.", 336, 336, 336, "wall_clock", False),
    ("In total, hardware failures caused 35 restarts over the course of 2 months.", 1440, 1440, 1440, "wall_clock", False),
])
def test_durations(sentence: str, hours: float, low: float, high: float, scope: str, approx: bool) -> None:
    d = _one(sentence)
    assert (d["hours"], d["hours_low"], d["hours_high"], d["scope"], d["approx"]) == (hours, low, high, scope, approx)


def test_steps_times_seconds_per_step_is_derived_and_flagged() -> None:
    d = _one("Training takes 0.95 s per mini-batch for 600k iterations.")
    assert d["hours"] == pytest.approx(600_000 * 0.95 / 3600, rel=1e-3)
    assert "derived_steps_x_time" in d["flags"] and d["confidence"] < 0.5


def test_project_totals_and_ambiguous_days_are_flagged_with_alternatives() -> None:
    d = _one("Training all experiments in the entire project took 30 days in total.")
    assert "project_total" in d["flags"] and "days_or_gpu_days" in d["flags"]
    assert d["alternatives"][0]["scope"] == "device_hours" and d["confidence"] < 0.5


@pytest.mark.parametrize("sentence", ["We trained a model on 10 hours of audio.", "It takes 5 days, with each epoch taking 2 hours to train.",
                                      "The dataset was released 3 days ago.", "Each training iteration takes 2 hours."])
def test_not_training_durations(sentence: str) -> None:
    assert all(d["hours"] != 2 and d["hours"] != 10 for d in durations_in(sentence))


def test_hypothetical_estimates_get_low_confidence() -> None:
    d = _one("A rough estimate suggests the network could be trained to convergence within a week.")
    assert "hypothetical" in d["flags"] and d["confidence"] < 0.35


def test_each_clause_gets_its_own_stage(doc_of) -> None:
    doc = doc_of("We pre-train for 53 hours on a single node, and fine-tune for 20 hours.")
    stages = {c.fields["hours"]: c.stage for c in extract_training_time(doc)}
    assert stages == {53: "pretraining", 20: "fine-tuning"}


@pytest.mark.shared
@pytest.mark.parametrize("paper, needle, hours", [("1706.03762", "300,000 steps", 84), ("1906.08237", "about 2.5 days", 60),
                                                  ("1907.10529", "15 days", 360), ("1611.05431", "10 days total", 240),
                                                  ("1611.01603", "roughly 20 hours", 20)])
def test_real_sentences(corpus_doc, paper: str, needle: str, hours: float) -> None:
    found = durations_in(sentence_with(corpus_doc(paper), needle))
    assert hours in [d["hours"] for d in found]


def test_time_column_of_a_table(doc_of) -> None:
    from flopsdb.extract.document import Box, Caption, Cell, Table

    def row(texts: list[str], r: int) -> tuple[Cell, ...]:
        return tuple(Cell(t, Box(50 + 90 * i, 300 + 12 * r, 130 + 90 * i, 310 + 12 * r)) for i, t in enumerate(texts))

    doc = doc_of("We propose QANet, a fast reader.")
    caption = Caption("table", "4", "Table 4: Speed comparison between our model and BiDAF [3].", 1, Box(50, 280, 400, 290), 0, 10)
    doc.tables.append(Table(1, Box(50, 300, 400, 350), caption, (row(["", "Train time", "GPU days", "Inference speed"], 0),
                                                                row(["QANet", "3 hours", "0.5", "259 samples/s"], 1),
                                                                row(["BiDAF [3]", "15 hours", "2", "37 samples/s"], 2)), 1))
    found = {(c.model, c.fields["hours"], c.fields["scope"]): c for c in extract_training_time(doc) if "table" in c.flags}
    assert set(found) == {("QANet", 3.0, "wall_clock"), ("BiDAF [3]", 15.0, "wall_clock"), ("QANet", 12.0, "device_hours"), ("BiDAF [3]", 48.0, "device_hours")}
    assert found[("BiDAF [3]", 15.0, "wall_clock")].confidence < 0.35 <= found[("QANet", 3.0, "wall_clock")].confidence
    assert all(c.stage == "training" for c in found.values())
