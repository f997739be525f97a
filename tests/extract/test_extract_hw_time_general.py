"""hardware.v6 and training_time.v6: general phrasings of hardware and time (sentences of our own, written from how
ML papers state them), and real sentences of the develop half (skipping cleanly without ../shared)."""

from __future__ import annotations

import pytest

from flopsdb.extract.hardware import extract_hardware, mentions_in
from flopsdb.extract.training_time import durations_in, extract_training_time


def _facts(sentence: str) -> list[tuple[object, object, object]]:
    return [(m["accelerator"], m["count"], m["unit"]) for m in mentions_in(sentence)]


def _with_models(doc):
    from flopsdb.extract.models import find_models

    doc.models = find_models(doc)
    return doc


# --- groups of devices: the product, never the per-group count -------------------------------------------------


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("We train on 4 8-GPU nodes.", ("GPU", 32, "gpu")),
        ("Training runs on two 8-GPU machines.", ("GPU", 16, "gpu")),
        ("Pre-training used 16 8xA100 nodes.", ("NVIDIA A100", 128, "gpu")),
        ("We use 4 8-V100 servers for all runs.", ("NVIDIA V100", 32, "gpu")),
        ("Training uses 2 machines with 8 GPUs each.", ("GPU", 16, "gpu")),
        ("We used 8 x 8 V100 GPUs.", ("NVIDIA V100", 64, "gpu")),
        ("The model was trained on 8×8 TPU v3 chips.", ("Google TPU v3", 64, "tpu_chip")),
        ("We trained on 8 nodes of 8 A100 GPUs.", ("NVIDIA A100", 64, "gpu")),
        ("Our models are trained on 4 nodes, each with 8 NVIDIA A100 GPUs.", ("NVIDIA A100", 32, "gpu")),
        ("We use a cluster of 16 servers with 4 Tesla V100 GPUs per server.", ("NVIDIA V100", 64, "gpu")),
        ("We trained on 3 machines, with 4 RTX 3090 GPUs per machine.", ("NVIDIA RTX 3090", 12, "gpu")),
        ("Training is distributed over 6 workstations, each equipped with 2 Titan Xp cards.", ("NVIDIA Titan Xp", 12, "gpu")),
    ],
)
def test_groups_of_devices_multiply(sentence: str, expected: tuple[object, object, object]) -> None:
    assert expected in _facts(sentence)
    assert all(f[1] != expected[1] // 2 or f[1] == expected[1] for f in _facts(sentence) if f[0] == expected[0])


def test_a_group_spelled_out_in_parentheses_is_the_same_statement() -> None:
    assert set(_facts("We train on 64 GPUs (8 nodes x 8 GPUs).")) == {("GPU", 64, "gpu")}


# --- systems: a DGX counts as its GPUs (catalog data) ------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Training was done on 4 DGX-2 nodes.", ("NVIDIA V100", 64, "gpu")),
        ("We train on two NVIDIA DGX A100 machines.", ("NVIDIA A100", 16, "gpu")),
        ("The model was trained on 32 DGX H100 nodes.", ("NVIDIA H100", 256, "gpu")),
        ("We used an NVIDIA DGX-2H server.", ("NVIDIA V100", 16, "gpu")),
        ("All models were trained on a single DGX-1.", ("GPU", 8, "gpu")),
        ("We trained on a DGX-1 with 8 V100 GPUs.", ("NVIDIA V100", 8, "gpu")),
        ("We trained on 2 DGX-1 servers with 8 P100 GPUs each.", ("NVIDIA P100", 16, "gpu")),
        ("Experiments ran on a DGX Station with four V100 GPUs.", ("NVIDIA V100", 4, "gpu")),
    ],
)
def test_systems_are_counted_as_their_accelerators(sentence: str, expected: tuple[object, object, object]) -> None:
    facts = _facts(sentence)
    assert facts == [expected]
    assert not any("DGX" in str(f[0]) for f in facts)


def test_a_system_keeps_its_own_reading_as_an_alternative() -> None:
    (m,) = mentions_in("Training was done on 4 DGX-2 nodes.")
    assert {"accelerator": "NVIDIA DGX-2", "count": 4, "unit": "system"} in m["alternatives"]
    assert "system" in m["flags"]


# --- vendors' accelerators that are not GPUs: unit accelerator ----------------------------------------------------


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Training takes 3 days on 64 Ascend 910 NPUs.", ("Huawei Ascend 910", 64, "accelerator")),
        ("We pre-train on 512 Huawei Ascend 910B NPUs.", ("Huawei Ascend 910B", 512, "accelerator")),
        ("Training was done on 32 Gaudi2 accelerators.", ("Intel Gaudi2", 32, "accelerator")),
        ("We trained on 16 AWS Trainium chips.", ("Amazon Trainium", 16, "accelerator")),
        ("We trained on 16 Graphcore IPUs.", ("Graphcore IPU", 16, "accelerator")),
        ("The model is trained on 64 Graphcore GC200 IPUs.", ("Graphcore Colossus MK2 GC200", 64, "accelerator")),
        ("Training was done on a Cerebras CS-2.", ("Cerebras CS-2", 1, "accelerator")),
        ("Our model was trained on a cluster of 256 AMD MI250X GPUs.", ("AMD MI250X", 256, "gpu")),
    ],
)
def test_non_gpu_accelerators_have_an_honest_unit(sentence: str, expected: tuple[object, object, object]) -> None:
    assert expected in _facts(sentence)


# --- statements made once for all models ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "All models were trained on 8 V100 GPUs.",
        "All experiments were run on 4 NVIDIA A100 GPUs.",
        "We ran all experiments on a single Titan RTX.",
        "Each of our networks is trained on 8 GPUs.",
        "In all experiments we use 16 TPU v3 chips.",
        "Both models were trained on 64 V100 GPUs.",
    ],
)
def test_a_statement_for_all_models_has_scope_all_models(doc_of, sentence: str) -> None:
    doc = _with_models(doc_of(f"We propose ZapNet, a network for images. {sentence}"))
    cands = [c for c in extract_hardware(doc) if c.fields["count"] is not None]
    assert cands and all(c.scope == "all_models" and c.model is None for c in cands)


def test_hardware_and_time_share_one_model_link(doc_of) -> None:
    doc = _with_models(doc_of("We propose ZapNet, a network for images. ZapNet-L was trained for 3 days on 8 V100 GPUs."))
    (hw,) = extract_hardware(doc)
    (tt,) = extract_training_time(doc)
    assert hw.model_key == tt.model_key and hw.scope == tt.scope == "model"


def test_hardware_of_an_indexing_or_preprocessing_clause_is_not_training(doc_of) -> None:
    doc = doc_of("Retrieval configuration: we used an HNSW index on CPU, with 512 neighbours per node.")
    assert all(c.stage == "inference" for c in extract_hardware(doc))
    doc = doc_of("Preprocessing the corpus ran on 64 CPUs.")
    assert all(c.stage == "inference" for c in extract_hardware(doc))
    doc = doc_of("We trained on 8 GPUs; the preprocessing used 64 CPUs.")
    got = {c.fields["accelerator"]: c.stage for c in extract_hardware(doc)}
    assert got["GPU"] == "training" and got["CPU"] == "inference"


# --- device-time units --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, hours",
    [
        ("The model was trained for 2,000 GPU-days.", 48000.0),
        ("Training required 32 V100 days.", 768.0),
        ("This took 256 TPU-core-hours.", 256.0),
        ("Pre-training took 14 TPUv3-core-days.", 336.0),
        ("Training took 1000 A100 GPU hours.", 1000.0),
        ("The search cost is 4 GPU days.", 96.0),
        ("Training took about 200 chip-hours.", 200.0),
        ("Training took 5 GPU-months.", 3600.0),
        ("The model was trained for 3 TPU-years.", 26280.0),
    ],
)
def test_device_time_units_are_device_hours(sentence: str, hours: float) -> None:
    (d,) = durations_in(sentence)
    assert d["scope"] == "device_hours" and d["hours"] == pytest.approx(hours) and d["confidence"] >= 0.35


def test_wall_clock_beside_device_time_keeps_both_readings() -> None:
    got = {(d["hours"], d["scope"]) for d in durations_in("Pre-training took about 4 days on 64 V100 GPUs, which amounts to 6,144 GPU hours.")}
    assert got == {(96.0, "wall_clock"), (6144.0, "device_hours")}


# --- times that are not training totals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "One epoch takes 2 hours on 8 GPUs.",
        "Each epoch takes about 30 minutes.",
        "Training takes 4 hours per epoch.",
        "Training takes 25 minutes per epoch on a single V100.",
        "Training for one epoch on ImageNet takes 3 hours on 8 GPUs.",
        "We train for 100 epochs, each of which takes 6 minutes.",
        "Each training iteration takes 1.2 hours.",
        "Inference takes 3 hours on the test set.",
        "Preprocessing the dataset took 2 days.",
        "Evaluation on the full benchmark takes 5 hours.",
        "Decoding the test set takes 20 minutes.",
        "Building the index takes 8 hours.",
        "Data loading takes 2 hours.",
        "Generating the synthetic data took 3 days.",
        "Sampling 50k images takes 3 hours on 8 A100 GPUs.",
        "The forward pass takes 3 hours on the validation set.",
        "Collecting the data with crowd workers took 3 weeks.",
    ],
)
def test_times_that_are_not_training_totals_are_not_facts(sentence: str) -> None:
    assert all(d["confidence"] < 0.35 for d in durations_in(sentence))


@pytest.mark.parametrize(
    "sentence, hours",
    [
        ("We trained for 90 epochs, which took 5 days on 8 GPUs.", 120.0),
        ("We train for one epoch in total, which takes 10 hours.", 10.0),
        ("Training with 32 workers took 3 days.", 72.0),
        ("The training set is processed in 2 epochs; training takes 36 hours in total.", 36.0),
        ("The models were trained for 300k iterations (about 4 days).", 96.0),
        ("Training the base model takes 12 hours.", 12.0),
    ],
)
def test_training_totals_beside_epochs_and_workers_stay_facts(sentence: str, hours: float) -> None:
    assert any(d["hours"] == pytest.approx(hours) and d["confidence"] >= 0.35 for d in durations_in(sentence))


# --- per-model time tables ----------------------------------------------------------------------------------------


def _cells(rows: list[list[str]], top: float = 300.0):
    from flopsdb.extract.document import Box, Cell

    return tuple(
        tuple(Cell(t, Box(50 + 90 * i, top + 12 * r, 130 + 90 * i, top + 10 + 12 * r)) for i, t in enumerate(texts)) for r, texts in enumerate(rows)
    )


@pytest.mark.parametrize(
    "title, cell, hours, scope",
    [
        ("Training (hours)", "12", 12.0, "wall_clock"),
        ("Train. time", "3 days", 72.0, "wall_clock"),
        ("Train hrs", "30", 30.0, "wall_clock"),
        ("V100 hours", "40", 40.0, "device_hours"),
        ("Cost (TPUv3 core-days)", "2", 48.0, "device_hours"),
        ("Time to train (h)", "5", 5.0, "wall_clock"),
    ],
)
def test_time_columns_per_model(doc_of, title: str, cell: str, hours: float, scope: str) -> None:
    from flopsdb.extract.document import Box, Table

    doc = _with_models(doc_of("We propose QuokkaNet, a network. QuokkaNet-S is small."))
    rows = _cells([["Model", "Params", title], ["QuokkaNet-S", "5M", cell]])
    doc.tables.append(Table(1, Box(50, 300, 400, 330), None, rows, 1))
    (c,) = extract_training_time(doc)
    assert (c.model, c.fields["hours"], c.fields["scope"]) == ("QuokkaNet-S", pytest.approx(hours), scope)


@pytest.mark.parametrize("title", ["Epoch time (min)", "Time per step (s)", "Iteration time (h)", "Inference time (h)", "Speed (img/s)"])
def test_per_unit_and_inference_columns_are_not_training_times(doc_of, title: str) -> None:
    from flopsdb.extract.document import Box, Table

    doc = _with_models(doc_of("We propose QuokkaNet, a network."))
    rows = _cells([["Model", title], ["QuokkaNet", "12"]])
    doc.tables.append(Table(1, Box(50, 300, 400, 330), None, rows, 1))
    assert extract_training_time(doc) == []


# --- real sentences of the develop half ---------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize(
    "paper, needle",
    [("1711.02132", "all our networks on NVIDIA K80"), ("2004.10934", "are trained with a 1080 Ti")],
)
def test_real_statements_for_all_models(corpus_doc, paper: str, needle: str) -> None:
    doc = corpus_doc(paper)
    cands = [c for c in extract_hardware(doc) if needle in " ".join(c.evidence.snippet.split())]
    assert cands and all(c.scope == "all_models" and c.model is None for c in cands)


@pytest.mark.shared
def test_real_indexing_hardware_is_not_training(corpus2_dir) -> None:
    from flopsdb.extract.facts import is_fact
    from flopsdb.extract.pdf import parse_pdf

    doc = parse_pdf(corpus2_dir / "2004.04906.pdf", paper="2004.04906")
    cpu = [c for c in extract_hardware(doc) if c.fields["accelerator"] == "CPU" and "index" in c.evidence.snippet.lower()]
    assert cpu and not any(is_fact(c) for c in cpu)
    gpus = [c for c in extract_hardware(doc) if c.fields["count"] == 8 and c.fields["accelerator"] == "GPU"]
    assert gpus and any(is_fact(c) and c.scope == "all_models" for c in gpus)


@pytest.mark.shared
@pytest.mark.parametrize(
    "paper, needle, hours",
    [("1907.10529", "took 15 days to complete", 360.0), ("1611.01603", "takes roughly 20 hours", 20.0)],
)
def test_real_training_totals(corpus_doc, paper: str, needle: str, hours: float) -> None:
    from tests.extract.conftest import sentence_with

    got = durations_in(sentence_with(corpus_doc(paper), needle))
    assert any(d["hours"] == hours and d["confidence"] >= 0.35 for d in got)
