"""hardware.v6 and training_time.v6: the rules of 2026-12-04, on sentences written for these tests from how READMEs,
model cards and papers state (or only mention) training hardware and time. Each runs through the extractors and
``select_facts`` as ``flopsdb extract --facts`` does (``extracted`` of the real-passage test)."""

from __future__ import annotations

import pytest

from flopsdb.extract.hardware import mentions_in
from flopsdb.extract.training_time import durations_in
from tests.extract.test_extract_real_phrasings import extracted


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The detector is trained on NVIDIA Tesla P100 GPU with 16G RAM.", [("NVIDIA P100", 1, "gpu")]),
        ("We fine-tuned the model using Unsloth on a Modal A10G.", [("NVIDIA A10G", 1, "gpu")]),
        ("Training was performed on an **NVIDIA A100 GPU** for about 4 hours.", [("NVIDIA A100", 1, "gpu")]),
        ("The final model was trained on NVIDIA Tesla K80 for 80 epochs.", [("NVIDIA K80", 1, "gpu")]),
        ("The code is implemented in PyTorch and trained on NVIDIA Tesla V100 GPUs.", [("NVIDIA V100", None, "gpu")]),
        ("All experiments were run on NVIDIA A100 Tensor Core GPUs.", [("NVIDIA A100", None, "gpu")]),
        ("Hardware Type: A100 PCIe 40GB.", [("NVIDIA A100", None, "gpu")]),
    ],
)
def test_a_named_gpu_in_the_singular_is_one_gpu(sentence: str, expected: list[tuple[object, ...]]) -> None:
    assert extracted(sentence)["hardware"] == expected


def test_the_singular_needs_a_word_of_use_and_no_plural_or_group_after() -> None:
    for sentence in ("We train on V100 GPU nodes of the cluster.", "We use the V100 GPU implementation of the kernel."):
        assert all(m["count"] is None for m in mentions_in(sentence)), sentence
    assert [m["count"] for m in mentions_in("(b) GTX TITAN Black much of training had been shared")] == [None]


@pytest.mark.parametrize(
    "sentence",
    [
        "Env: GPU: 8x NVIDIA H20, 97,871 MiB each, Driver: 535.161.08, NCCL: 2.21.5.",
        "To train on 2 nodes with 8 GPUs each (total 16 GPUs):",
        "Run on node1 to start training on two nodes, 8 GPUs per node",
        "This fork of llama.cpp serves a 27B model on a single Tesla V100 32 GB.",
        "U-Net is popular because it can be trained on a single GPU for small datasets.",
        "Vill-Small is suitable for training on a single A100 or T4 GPU.",
        "Bounded memory enables 30M-cell training on a single A100 (40 GB).",
        "We compare the training time with 1, 2, 4, 8 Tesla V100 GPUs.",
        "NVIDIA's revenue grew, largely driven by its H100 GPUs for data centers.",
        "We support using multiple GPUs for training and a single GPU for testing.",
    ],
)
def test_no_training_hardware(sentence: str) -> None:
    assert extracted(sentence)["hardware"] == []


def test_a_time_per_epoch_on_a_device_is_training_hardware() -> None:
    assert extracted("The execution time was around 21 seconds per epoch on 12GB NVIDIA Tesla K80 GPU.")["hardware"] == [("NVIDIA K80", 1, "gpu")]


def test_model_card_hours_used_are_device_hours() -> None:
    assert extracted("Hours used: 200000. Cloud Provider: AWS.")["training_time"] == [(200000.0, "device_hours")]
    assert extracted("Hours used: 1,825 GPU hours.")["training_time"] == [(1825.0, "device_hours")]
    assert durations_in("Hours used: 12 of 40 allocated") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In our training the time was reduced from 15 hours to 5 hours with packing.", [(5.0, "wall_clock")]),
        ("Training is performed on 4 TPUv2 chips for a couple of hours.", []),
        ("The world model was trained on 10,000 hours of synthetic gameplay data.", []),
    ],
)
def test_former_vague_and_data_durations(sentence: str, expected: list[tuple[float, str]]) -> None:
    assert extracted(sentence)["training_time"] == expected


def test_a_product_specification_and_a_list_of_supported_names_are_no_training_hardware() -> None:
    assert extracted("Google TPU v3-8: 8 TPU cores, 128 GB HBM memory.")["hardware"] == []
    sentence = "Our model is trained on 8 A100 GPUs, and the framework supports training with V100 and RTX3090."
    assert extracted(sentence)["hardware"] == [("NVIDIA A100", 8, "gpu")]
