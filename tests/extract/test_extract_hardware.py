"""hardware.v2 on hand-built sentences (every pitfall of the issue) and on real corpus sentences."""

from __future__ import annotations

import pytest

from flopsdb.extract.hardware import EXTRACTOR, extract_hardware, mentions_in
from tests.extract.conftest import sentence_with


def _facts(sentence: str) -> list[tuple[object, object, object]]:
    return [(m["accelerator"], m["count"], m["unit"]) for m in mentions_in(sentence)]


@pytest.mark.parametrize("sentence, expected", [
    ("We trained our models on one machine with 8 NVIDIA P100 GPUs.", [("NVIDIA P100", 8, "gpu")]),
    ("The entire training process takes roughly 60 hours on eight Titan X GPUs.", [("NVIDIA Titan X", 8, "gpu")]),
    ("The training process takes roughly 20 hours on a single Titan X GPU.", [("NVIDIA Titan X", 1, "gpu")]),
    ("Our implementation runs on 8x V100.", [("NVIDIA V100", 8, "gpu")]),
    ("We use 4 nodes with 8 GPUs each.", [("GPU", 32, "gpu")]),
    ("distributed training using 50 replicas running each on a NVidia Kepler GPU", [("NVIDIA Kepler GPU", 50, "gpu")]),
    ("We train XLNet-Large on 512 TPU v3 chips for 500K steps.", [("Google TPU v3", 512, "tpu_chip")]),
    ("The model was trained on a TPU v3-256 pod slice.", [("Google TPU v3", 256, "tpu_core")]),
    ("We trained on a TPU pod with 1024 cores.", [("Google TPU", 1024, "tpu_core")]),
    ("Models were trained on a 4x4 TPU Pod.", [("Google TPU", 16, "tpu_chip")]),
    ("We trained on 32 Cloud TPU v3 boards.", [("Google TPU v3", 32, "tpu_board")]),
    ("All experiments are trained with a 1080 Ti or 2080 Ti GPU.", [("NVIDIA GTX 1080 Ti", 1, "gpu"), ("NVIDIA RTX 2080 Ti", 1, "gpu")]),
    ("When running on a single GPU device Tesla K40, we achieve 1K words per second.", [("NVIDIA K40", 1, "gpu")]),
    ("On 8 GPUs of NVIDIA M40, training takes 0.95s per mini-batch.", [("NVIDIA M40", 8, "gpu")]),
    ("Although we used a CPU based implementation only, it was fine.", [("CPU", None, "cpu")]),
    ("The jobs ran on 64 CPU cores.", [("CPU", 64, "cpu")]),
    ("We trained on Imagenet-1k with a 8xV100 GPU machine.", [("NVIDIA V100", 8, "gpu")]),
    ("Each model is trained on 16 TPUv3 cores for 3 days.", [("Google TPU v3", 16, "tpu_core")]),
    ("We ran all experiments on a machine with two Intel Xeon E5-2680 CPUs and one Titan V.", [("CPU", 2, "cpu"), ("NVIDIA Titan V", 1, "gpu")]),
    ("We trained on 1,024 A100 GPUs.", [("NVIDIA A100", 1024, "gpu")]),
    ("All models were trained on a server with eight RTX 2080Ti cards.", [("NVIDIA RTX 2080 Ti", 8, "gpu")]),
])
def test_counts_units_and_accelerators(sentence: str, expected: list[tuple[object, object, object]]) -> None:
    assert _facts(sentence) == expected


@pytest.mark.parametrize("sentence", ["The model fits in 12 GB of GPU memory.", "It needs 300 GPU hours in total.", "A ResNet-50 has 25M parameters.",
                                      "Training required 256 TPU-v3 core-days."])
def test_no_hardware_in_memory_time_or_unrelated_mentions(sentence: str) -> None:
    assert _facts(sentence) == []


def test_alternatives_keep_the_per_node_reading() -> None:
    (m,) = mentions_in("We use 4 nodes with 8 GPUs each.")
    assert {"accelerator": "GPU", "count": 8, "unit": "gpu"} in m["alternatives"]


def test_speed_only_hardware_is_inference_and_training_hardware_is_training(doc_of) -> None:
    doc = doc_of("We trained our models on one machine with 8 NVIDIA P100 GPUs. Our detector runs at 5 fps on a K40 GPU.")
    by_acc = {c.fields["accelerator"]: c for c in extract_hardware(doc)}
    assert by_acc["NVIDIA P100"].stage == "training"
    assert by_acc["NVIDIA K40"].stage == "inference"


def test_stage_from_sentence_and_section(doc_of) -> None:
    doc = doc_of("", sections={"Pre-training details": "The model was trained on 16 TPU v3 chips.",
                               "Fine-tuning": "We fine-tune on a single V100 GPU."})
    stages = {c.fields["accelerator"]: c.stage for c in extract_hardware(doc)}
    assert stages == {"Google TPU v3": "pretraining", "NVIDIA V100": "fine-tuning"}


def test_candidates_carry_evidence_and_extractor(doc_of) -> None:
    doc = doc_of("Intro text here. We trained our models on one machine with 8 NVIDIA P100 GPUs.")
    (c,) = extract_hardware(doc)
    assert c.extractor == EXTRACTOR == "hardware.v2" and c.kind == "hardware" and c.paper == "hand-built"
    assert c.evidence.page == 1 and "8 NVIDIA P100" in c.evidence.snippet
    assert doc.text[c.evidence.start : c.evidence.end].strip().startswith("We trained")
    assert c.evidence.bbox.x1 > c.evidence.bbox.x0 > 0


def test_references_and_acknowledgements_are_skipped(doc_of) -> None:
    doc = doc_of("", sections={"Acknowledgements": "We thank NVIDIA for the donation of 4 Titan X GPUs.",
                               "References": "Smith. Training on 64 K80 GPUs. 2016."})
    assert extract_hardware(doc) == []


@pytest.mark.shared
@pytest.mark.parametrize("paper, needle, expected", [
    ("1706.03762", "8 NVIDIA P100", ("NVIDIA P100", 8, "gpu")),
    ("1512.00567", "50 replicas", ("NVIDIA Kepler GPU", 50, "gpu")),
    ("1906.08237", "512 TPU v3", ("Google TPU v3", 512, "tpu_chip")),
    ("1907.10529", "32 Volta V100", ("NVIDIA V100", 32, "gpu")),
    ("1611.01603", "eight Titan X", ("NVIDIA Titan X", 8, "gpu")),
])
def test_real_sentences(corpus_doc, paper: str, needle: str, expected: tuple[object, object, object]) -> None:
    assert expected in _facts(sentence_with(corpus_doc(paper), needle))


@pytest.mark.shared
def test_inference_only_hardware_of_a_real_paper(corpus_doc) -> None:
    doc = corpus_doc("1804.02767")
    scored = [c for c in extract_hardware(doc) if c.stage != "inference" and c.confidence >= 0.35]
    assert scored == [], [c.evidence.snippet for c in scored]
