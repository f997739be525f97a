"""The hardware catalog and the benchmark taxonomy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flopsdb.core.catalog import load_catalog
from flopsdb.core.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]


def test_catalog_has_every_canonical_name_of_the_guidelines() -> None:
    names = {a.name for a in load_catalog()}
    for name in (
        "NVIDIA K40",
        "NVIDIA K80",
        "NVIDIA M40",
        "NVIDIA P100",
        "NVIDIA V100",
        "NVIDIA T4",
        "NVIDIA A100",
        "NVIDIA H100",
        "NVIDIA Titan X",
        "NVIDIA Titan Xp",
        "NVIDIA Titan V",
        "NVIDIA Titan RTX",
        "NVIDIA GTX Titan Black",
        "NVIDIA GTX 1080",
        "NVIDIA GTX 1080 Ti",
        "NVIDIA RTX 2080 Ti",
        "NVIDIA Kepler GPU",
        "Google TPU v2",
        "Google TPU v3",
        "Google TPU v4",
        "Google TPU",
        "GPU",
        "CPU",
    ):
        assert name in names


@pytest.mark.parametrize(
    "mention, name",
    [
        ("Tesla K40", "NVIDIA K40"),
        ("TitanX", "NVIDIA Titan X"),
        ("TPUv3", "Google TPU v3"),
        ("Volta V100", "NVIDIA V100"),
        ("Tesla V-100 GPU", "NVIDIA V100"),
        ("1080 Ti", "NVIDIA GTX 1080 Ti"),
        ("NVidia Kepler", "NVIDIA Kepler GPU"),
        ("GeForce RTX 2080Ti", "NVIDIA RTX 2080 Ti"),
    ],
)
def test_match_resolves_aliases_and_near_misses(mention: str, name: str) -> None:
    acc = load_catalog().match(mention)
    assert acc is not None and acc.name == name


def test_match_rejects_unrelated_text() -> None:
    assert load_catalog().match("ResNet-50") is None
    assert load_catalog().match("") is None


def test_peaks_per_chip_board_and_core() -> None:
    v3 = load_catalog().get("Google TPU v3")
    assert v3 is not None and v3.kind == "tpu"
    chip = v3.peak("bf16")
    assert chip == pytest.approx(123e12)
    assert v3.peak("bf16", per="board") == pytest.approx(chip * 4)
    assert v3.peak("bf16", per="core") == pytest.approx(chip / 2)
    v100 = load_catalog().get("NVIDIA V100")
    assert v100.peak("fp32") == pytest.approx(15.67e12) and v100.peak("fp16") == pytest.approx(125e12)
    assert v100.peak("fp32", per="board") == v100.peak("fp32")
    with pytest.raises(ValueError):
        v100.peak("fp8")


def test_generic_entries_have_no_figures() -> None:
    for name in ("GPU", "CPU", "Google TPU", "NVIDIA Kepler GPU"):
        acc = load_catalog().get(name)
        assert acc is not None and acc.generic and acc.peak("fp32") is None


def test_catalog_lines_follow_the_contract() -> None:
    for line in (ROOT / "flopsdb" / "core" / "data" / "hardware.v1.jsonl").read_text().splitlines():
        d = json.loads(line)
        assert set(d) == {
            "name",
            "vendor",
            "kind",
            "aliases",
            "peak_flops",
            "tpu_cores_per_chip",
            "tpu_chips_per_board",
            "tdp_watts",
            "release_year",
            "source",
            "system",
        }
        assert d["kind"] in ("gpu", "tpu", "cpu", "accelerator", "system")
        assert (d["kind"] == "system") == (d["system"] is not None)
        assert set(d["peak_flops"]) == {"fp64", "fp32", "tf32", "fp16", "bf16", "int8"}
        assert d["source"]


@pytest.mark.shared
def test_build_catalog_regenerates_the_committed_file(shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "hardware.v1.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_catalog.py"),
            "--epoch",
            str(shared_dir / "datasets/epoch/epoch_chip_dataset.csv"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_text() == (ROOT / "flopsdb" / "core" / "data" / "hardware.v1.jsonl").read_text()


@pytest.mark.parametrize(
    "mention, dataset",
    [
        ("WMT 2014 English-to-German", "WMT14 EN-DE"),
        ("WMT'14 En-Fr", "WMT14 EN-FR"),
        ("SQuAD v1.1", "SQuAD 1.1"),
        ("SQuAD2.0", "SQuAD 2.0"),
        ("CoNLL 2003", "CoNLL-2003"),
        ("ILSVRC 2012", "ImageNet"),
        ("MS COCO", "COCO"),
        ("VOC 2007", "PASCAL VOC 2007"),
    ],
)
def test_taxonomy_resolves_dataset_mentions(mention: str, dataset: str) -> None:
    bench = load_taxonomy().dataset(mention)
    assert bench is not None and bench.dataset == dataset


def test_taxonomy_metrics_have_direction_and_aliases() -> None:
    tax = load_taxonomy()
    assert tax.dataset("CIFAR-10") is None
    imagenet = tax.get("ImageNet")
    assert imagenet.metric("top-5 err").name == "top-5 error" and not imagenet.metric("top-5 error").higher_is_better
    assert tax.get("COCO").metric("AP50").higher_is_better
    assert tax.get("SQuAD 1.1").metric("exact match").name == "EM"
    assert tax.get("WMT14 EN-DE").task == "machine translation"


def test_systems_name_their_member_accelerators() -> None:
    catalog = load_catalog()
    systems = [a for a in catalog if a.kind == "system"]
    assert {"NVIDIA DGX-1", "NVIDIA DGX-2", "NVIDIA DGX-2H", "NVIDIA DGX A100", "NVIDIA DGX H100"} <= {a.name for a in systems}
    for acc in systems:
        member = catalog.get(acc.system_of or "")
        assert member is not None and member.kind == "gpu" and (acc.system_count or 0) > 1, acc.name
        assert acc.generic  # a system has no figures of its own: compute goes through its members
    dgx2 = catalog.get("DGX-2")
    assert dgx2 is not None and (dgx2.system_of, dgx2.system_count) == ("NVIDIA V100", 16)
    assert catalog.get("DGX A100") is not None and catalog.get("DGX A100").system_of == "NVIDIA A100"


def test_vendor_accelerators_that_are_not_gpus_have_their_own_kind() -> None:
    catalog = load_catalog()
    for name in ("Huawei Ascend 910", "Intel Gaudi2", "Amazon Trainium", "Graphcore Colossus MK2 GC200", "Cerebras CS-2"):
        acc = catalog.get(name)
        assert acc is not None and acc.kind == "accelerator", name
    for name in ("AMD MI250X", "NVIDIA A100", "Intel Data Center GPU Max 1550"):
        assert catalog.get(name).kind == "gpu", name
