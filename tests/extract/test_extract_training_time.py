"""training_time.v6 on hand-built sentences and real corpus sentences."""

from __future__ import annotations

import pytest

from flopsdb.extract.training_time import durations_in, extract_training_time
from tests.extract.conftest import sentence_with


def _one(sentence: str) -> dict[str, object]:
    found = durations_in(sentence)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "sentence, hours, low, high, scope, approx",
    [
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
    ],
)
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


@pytest.mark.parametrize(
    "sentence",
    [
        "We trained a model on 10 hours of audio.",
        "It takes 5 days, with each epoch taking 2 hours to train.",
        "The dataset was released 3 days ago.",
        "Each training iteration takes 2 hours.",
    ],
)
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
@pytest.mark.parametrize(
    "paper, needle, hours",
    [
        ("1706.03762", "300,000 steps", 84),
        ("1906.08237", "about 2.5 days", 60),
        ("1907.10529", "15 days", 360),
        ("1611.05431", "10 days total", 240),
        ("1611.01603", "roughly 20 hours", 20),
    ],
)
def test_real_sentences(corpus_doc, paper: str, needle: str, hours: float) -> None:
    found = durations_in(sentence_with(corpus_doc(paper), needle))
    assert hours in [d["hours"] for d in found]


def test_time_column_of_a_table(doc_of) -> None:
    from flopsdb.extract.document import Box, Caption, Cell, Table

    def row(texts: list[str], r: int) -> tuple[Cell, ...]:
        return tuple(Cell(t, Box(50 + 90 * i, 300 + 12 * r, 130 + 90 * i, 310 + 12 * r)) for i, t in enumerate(texts))

    doc = doc_of("We propose QANet, a fast reader.")
    caption = Caption("table", "4", "Table 4: Speed comparison between our model and BiDAF [3].", 1, Box(50, 280, 400, 290), 0, 10)
    doc.tables.append(
        Table(
            1,
            Box(50, 300, 400, 350),
            caption,
            (
                row(["", "Train time", "GPU days", "Inference speed"], 0),
                row(["QANet", "3 hours", "0.5", "259 samples/s"], 1),
                row(["BiDAF [3]", "15 hours", "2", "37 samples/s"], 2),
            ),
            1,
        )
    )
    found = {(c.model, c.fields["hours"], c.fields["scope"]): c for c in extract_training_time(doc) if "table" in c.flags}
    assert set(found) == {
        ("QANet", 3.0, "wall_clock"),
        ("BiDAF [3]", 15.0, "wall_clock"),
        ("QANet", 12.0, "device_hours"),
        ("BiDAF [3]", 48.0, "device_hours"),
    }
    assert found[("BiDAF [3]", 15.0, "wall_clock")].confidence < 0.35 <= found[("QANet", 3.0, "wall_clock")].confidence
    assert all(c.stage == "training" for c in found.values())


# --------------------------------------------------------------------------- v2: the failure classes of issue 9


def _cells(rows: list[list[str]], top: float = 300.0):
    from flopsdb.extract.document import Box, Cell

    return tuple(
        tuple(Cell(t, Box(50 + 90 * i, top + 12 * r, 130 + 90 * i, top + 10 + 12 * r)) for i, t in enumerate(texts)) for r, texts in enumerate(rows)
    )


def _with_models(doc):
    from flopsdb.extract.models import find_models

    doc.models = find_models(doc)
    return doc


def test_extractor_is_versioned_once_and_registered() -> None:
    from flopsdb.extract import training_time
    from flopsdb.extract.pipeline import REGISTRY

    assert training_time.EXTRACTOR == "training_time.v6" and training_time.EXTRACTOR in REGISTRY
    assert training_time.patterns()["time_header"].search("TPUv3-core-days")


def test_times_per_model_in_a_table_column_are_linked_to_their_row(doc_of) -> None:
    from flopsdb.extract.document import Box, Caption, Table

    doc = _with_models(doc_of("We propose FooNet, a fast network. FooNet-S and FooNet-L are its two sizes."))
    caption = Caption("table", "3", "Table 3: Training cost of the models.", 1, Box(50, 280, 400, 290), 0, 10)
    rows = _cells(
        [
            ["Model", "Params", "Train time (h)", "TPUv3-core-days", "Inference time (ms)"],
            ["ResNet-50 [12]", "25M", "29", "8", "12"],
            ["FooNet-S", "5M", "12.5", "2", "4"],
            ["FooNet-L", "40M", "~60", "11", "20"],
        ]
    )
    doc.tables.append(Table(1, Box(50, 300, 500, 360), caption, rows, 1))
    got = {(c.model, c.fields["hours"], c.fields["scope"]): c for c in extract_training_time(doc)}
    assert set(got) == {
        ("ResNet-50 [12]", 29.0, "wall_clock"),
        ("FooNet-S", 12.5, "wall_clock"),
        ("FooNet-L", 60.0, "wall_clock"),
        ("ResNet-50 [12]", 192.0, "device_hours"),
        ("FooNet-S", 48.0, "device_hours"),
        ("FooNet-L", 264.0, "device_hours"),
    }
    own = got[("FooNet-L", 60.0, "wall_clock")]
    assert own.model_key == "foonetl" and own.scope == "model" and own.fields["approx"] and own.confidence >= 0.65
    assert own.evidence.snippet == "FooNet-L | Train time (h) | ~60" and own.fields["model_confidence"] > 0.5
    assert got[("ResNet-50 [12]", 29.0, "wall_clock")].confidence < 0.35  # a cited baseline's row
    assert all(c.fields["hours"] not in (12 / 3600, 4.0) for c in got.values())  # the inference column is not read


def test_times_per_model_in_a_table_row_are_linked_to_their_column(doc_of) -> None:
    from flopsdb.extract.document import Box, Table

    doc = _with_models(doc_of("We introduce BarLM, a language model."))
    rows = _cells([["", "BarLM-small", "BarLM-large"], ["Parameters", "120M", "1.2B"], ["GPU days", "3", "40"], ["Training time", "1 day", "5 days"]])
    doc.tables.append(Table(2, Box(50, 300, 400, 350), None, rows, 1))
    got = {(c.model, c.fields["hours"], c.fields["scope"]) for c in extract_training_time(doc)}
    assert got == {
        ("BarLM-small", 72.0, "device_hours"),
        ("BarLM-large", 960.0, "device_hours"),
        ("BarLM-small", 24.0, "wall_clock"),
        ("BarLM-large", 120.0, "wall_clock"),
    }


def test_a_statement_for_all_models_gets_scope_all_models(doc_of) -> None:
    from flopsdb.extract.candidate import Candidate

    doc = _with_models(doc_of("We propose QuuxNet, a network. All models were trained for 3 days on 8 GPUs."))
    (c,) = extract_training_time(doc)
    assert (c.scope, c.model, c.fields["scope"], c.fields["hours"]) == ("all_models", None, "wall_clock", 72.0)
    line = c.to_json()
    assert line["model_scope"] == "all_models" and line["scope"] == "wall_clock"
    assert Candidate.from_json(line).scope == "all_models"


def test_the_model_named_in_the_sentence_is_linked_with_its_variant(doc_of) -> None:
    doc = _with_models(doc_of("We propose ZapNet, a network. We train ZapNet-Large on 64 GPUs, which takes about 2.5 days."))
    (c,) = extract_training_time(doc)
    assert (c.model, c.model_key, c.scope) == ("ZapNet-Large", "zapnetlarge", "model") and c.fields["model_confidence"] >= 0.9


def test_a_time_without_a_name_goes_to_a_model_named_just_before_else_to_the_main_model(doc_of) -> None:
    doc = _with_models(
        doc_of(
            "x",
            sections={
                "Abstract": "We propose ZapNet, a network.",
                "Setup": "The training takes 20 hours on one GPU.",
                "Variants": "Our second model, called BlipNet, is smaller. Its training takes 6 hours.",
            },
        )
    )
    got = {c.fields["hours"]: c for c in extract_training_time(doc)}
    assert (got[20.0].model, got[20.0].scope) == ("ZapNet", "main_model")
    assert (got[6.0].model, got[6.0].scope) == ("BlipNet", "model")
    assert got[20.0].fields["model_confidence"] < got[6.0].fields["model_confidence"] < 0.9


@pytest.mark.parametrize(
    "sentence",
    [
        "Computing dense embeddings on 21 million passages takes roughly 8.8 hours on 8 GPUs.",
        "Building the index over all passages takes 8.5 hours.",
        "Human evaluation of the samples took about 3 weeks.",
        "Annotating the dataset took two months.",
        "Training all experiments in the entire project took 30 days in total.",
        "Inference on the test set takes 2 hours on a single GPU.",
    ],
)
def test_data_processing_evaluation_and_project_times_are_not_training_facts(doc_of, sentence: str) -> None:
    from flopsdb.extract.facts import is_fact

    cands = extract_training_time(doc_of(sentence))
    assert cands and not any(is_fact(c) for c in cands)


def test_a_training_clause_beside_an_evaluation_clause_stays_a_fact(doc_of) -> None:
    from flopsdb.extract.facts import is_fact

    got = {c.fields["hours"]: is_fact(c) for c in extract_training_time(doc_of("Training takes 3 days, while evaluation takes 2 hours."))}
    assert got == {72.0: True, 2.0: False}


@pytest.mark.parametrize(
    "sentence",
    [
        "Claims held steady at just under 900,000 a week, as uncertainty continued to restrain hiring.",
        "The hiring freeze continued to restrain growth for six months.",
    ],
)
def test_rates_and_words_that_merely_contain_train_are_not_durations(sentence: str) -> None:
    assert durations_in(sentence) == []


def test_quoted_model_samples_are_not_read(doc_of) -> None:
    doc = doc_of("x", sections={"Model samples": "The model was trained for 3 days, says the sample."})
    assert extract_training_time(doc) == []


@pytest.fixture
def corpus2_doc(corpus2_dir):
    from flopsdb.extract.pdf import parse_pdf

    cache: dict[str, object] = {}

    def load(paper: str):
        if paper not in cache:
            cache[paper] = _with_models(parse_pdf(corpus2_dir / f"{paper}.pdf", paper=paper))
        return cache[paper]

    return load


@pytest.mark.shared
def test_real_indexing_times_are_not_training_facts(corpus2_doc) -> None:
    from flopsdb.extract.facts import is_fact

    doc = corpus2_doc("2004.04906")
    times = {c.fields["hours"]: c for c in extract_training_time(doc)}
    assert {8.8, 8.5, 0.5} <= set(times)
    assert not any(is_fact(times[h]) for h in (8.8, 8.5, 0.5))


@pytest.mark.shared
def test_real_sentence_names_its_model_variant(corpus_doc) -> None:
    doc = _with_models(corpus_doc("1906.08237"))
    linked = [c for c in extract_training_time(doc) if c.fields["hours"] == 60]
    assert linked and linked[0].model == "XLNet-Large" and linked[0].scope == "model"


@pytest.mark.parametrize(
    "sentence, hours, scope",
    [("Training takes 2 days and 6 hours on 8 GPUs.", 54.0, "wall_clock"), ("The search took 3 TPU-years.", 26280.0, "device_hours")],
)
def test_compound_durations_and_device_years(sentence: str, hours: float, scope: str) -> None:
    d = _one(sentence)
    assert (d["hours"], d["scope"]) == (hours, scope)


def test_years_without_a_device_are_not_durations() -> None:
    assert durations_in("Over the last 10 years, training on ImageNet has become common.") == []


def test_a_clause_with_its_own_subject_keeps_its_training_reading() -> None:
    (d,) = durations_in("After preprocessing, the model converges in 3 days.")
    assert "not_training" not in d["flags"]
    (d,) = durations_in("Building an inverted index is much cheaper and takes only about 30 minutes.")
    assert "not_training" in d["flags"]


def test_all_experiments_alone_is_not_a_project_total() -> None:
    from flopsdb.extract.facts import DEFAULT_MIN_CONFIDENCE

    (d,) = durations_in("In all experiments, training takes 2 days.")
    assert d["confidence"] >= DEFAULT_MIN_CONFIDENCE


def test_a_baseline_time_from_a_cited_work_is_not_a_fact() -> None:
    from flopsdb.extract.facts import DEFAULT_MIN_CONFIDENCE

    (d,) = durations_in("ELMo requires 2 weeks to train on 3 GPUs (Peters et al., 2018).")
    assert "baseline" in d["flags"] and d["confidence"] < DEFAULT_MIN_CONFIDENCE
    for own in ("The model was trained for 3 days on 8 GPUs using Adam [12].", "We train for 3 days as in BERT [5]."):
        (d,) = durations_in(own)
        assert "baseline" not in d["flags"] and d["confidence"] >= DEFAULT_MIN_CONFIDENCE


@pytest.mark.parametrize("sentence, hours", [("Training lasted two and a half days on 8 GPUs.", 60.0), ("The whole run lasts about 3 days.", 72.0)])
def test_half_units_and_lasting(sentence: str, hours: float) -> None:
    assert _one(sentence)["hours"] == hours


def test_a_column_titled_training_is_read_when_its_cells_carry_units(doc_of) -> None:
    from flopsdb.extract.document import Box, Table

    doc = _with_models(doc_of("We propose FooNet."))
    doc.tables.append(
        Table(1, Box(50, 300, 400, 350), None, _cells([["Model", "Training", "Top-1"], ["FooNet", "3 days", "76.1"], ["FooNet-L", "5", "77.0"]]), 1)
    )
    assert [(c.model, c.fields["hours"]) for c in extract_training_time(doc)] == [("FooNet", 72.0)]


def test_a_time_title_below_a_short_header_is_found(doc_of) -> None:
    from flopsdb.extract.document import Box, Table

    doc = _with_models(doc_of("We propose FooNet."))
    rows = _cells([["Model", "Training", "Top-1"], ["", "TPUv3-core-days", "(%)"], ["FooNet-S", "2", "74.0"], ["FooNet-L", "10", "77.0"]])
    doc.tables.append(Table(1, Box(50, 300, 400, 360), None, rows, 1))
    got = {(c.model, c.fields["hours"], c.fields["scope"]) for c in extract_training_time(doc)}
    assert got == {("FooNet-S", 48.0, "device_hours"), ("FooNet-L", 240.0, "device_hours")}


def test_an_hour_abbreviation_after_a_colon() -> None:
    assert _one("Training wall-clock time: 14h on 8 GPUs.")["hours"] == 14.0


@pytest.mark.parametrize(
    ("sentence", "hours"),
    [
        ("Note, on a i7 12700KF cpu, the training takes ~520 seconds (10 minutes) to run.", [0.1444]),
        ("Pre-training takes about 2 days (53 hours) on 8 GPUs.", [53.0]),
        ("The GPUs used for spatial simulations included Titan V and V100 GPUs, which took 10 h and 8 h to simulate.", [10.0, 8.0]),
        ("Training took 3 minutes 39 seconds.", [0.0608]),
    ],
)
def test_restatements_short_units_and_equal_units(sentence: str, hours: list[float]) -> None:
    """A parenthesised restatement is one duration (the more precise one); minutes and seconds are durations;
    two durations in the same unit never add up."""
    assert [round(d["hours"], 4) for d in durations_in(sentence)] == hours
