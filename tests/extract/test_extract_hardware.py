"""hardware.v6 on hand-built sentences (every pitfall of the issue) and on real corpus sentences."""

from __future__ import annotations

import pytest

from flopsdb.extract.hardware import EXTRACTOR, extract_hardware, mentions_in
from tests.extract.conftest import sentence_with


def _facts(sentence: str) -> list[tuple[object, object, object]]:
    return [(m["accelerator"], m["count"], m["unit"]) for m in mentions_in(sentence)]


@pytest.mark.parametrize(
    "sentence, expected",
    [
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
    ],
)
def test_counts_units_and_accelerators(sentence: str, expected: list[tuple[object, object, object]]) -> None:
    assert _facts(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The model fits in 12 GB of GPU memory.",
        "It needs 300 GPU hours in total.",
        "A ResNet-50 has 25M parameters.",
    ],
)
def test_no_hardware_in_memory_time_or_unrelated_mentions(sentence: str) -> None:
    assert _facts(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Training required 256 TPU-v3 core-days.", [("Google TPU v3", None, "tpu_core")]),
        ("For alpha=0.05, training took approximately 600 TPUv3 chip-days.", [("Google TPU v3", None, "tpu_chip")]),
        ("Based on Pre-trained SD 1.5, our training only costs 199 A100 GPU days.", [("NVIDIA A100", None, "gpu")]),
    ],
)
def test_device_time_names_the_accelerator_without_a_count(sentence: str, expected: list[tuple[object, object, object]]) -> None:
    """A device-time unit ("256 TPU-v3 core-days") says which accelerator trained the model, not how many."""
    assert _facts(sentence) == expected


def test_alternatives_keep_the_per_node_reading() -> None:
    (m,) = mentions_in("We use 4 nodes with 8 GPUs each.")
    assert {"accelerator": "GPU", "count": 8, "unit": "gpu"} in m["alternatives"]


def test_speed_only_hardware_is_inference_and_training_hardware_is_training(doc_of) -> None:
    doc = doc_of("We trained our models on one machine with 8 NVIDIA P100 GPUs. Our detector runs at 5 fps on a K40 GPU.")
    by_acc = {c.fields["accelerator"]: c for c in extract_hardware(doc)}
    assert by_acc["NVIDIA P100"].stage == "training"
    assert by_acc["NVIDIA K40"].stage == "inference"


def test_stage_from_sentence_and_section(doc_of) -> None:
    doc = doc_of(
        "", sections={"Pre-training details": "The model was trained on 16 TPU v3 chips.", "Fine-tuning": "We fine-tune on a single V100 GPU."}
    )
    stages = {c.fields["accelerator"]: c.stage for c in extract_hardware(doc)}
    assert stages == {"Google TPU v3": "pretraining", "NVIDIA V100": "fine-tuning"}


def test_candidates_carry_evidence_and_extractor(doc_of) -> None:
    doc = doc_of("Intro text here. We trained our models on one machine with 8 NVIDIA P100 GPUs.")
    (c,) = extract_hardware(doc)
    assert c.extractor == EXTRACTOR == "hardware.v6" and c.kind == "hardware" and c.paper == "hand-built"
    assert c.evidence.page == 1 and "8 NVIDIA P100" in c.evidence.snippet
    assert doc.text[c.evidence.start : c.evidence.end].strip().startswith("We trained")
    assert c.evidence.bbox.x1 > c.evidence.bbox.x0 > 0


def test_references_and_acknowledgements_are_skipped(doc_of) -> None:
    doc = doc_of(
        "",
        sections={"Acknowledgements": "We thank NVIDIA for the donation of 4 Titan X GPUs.", "References": "Smith. Training on 64 K80 GPUs. 2016."},
    )
    assert extract_hardware(doc) == []


@pytest.mark.shared
@pytest.mark.parametrize(
    "paper, needle, expected",
    [
        ("1706.03762", "8 NVIDIA P100", ("NVIDIA P100", 8, "gpu")),
        ("1512.00567", "50 replicas", ("NVIDIA Kepler GPU", 50, "gpu")),
        ("1906.08237", "512 TPU v3", ("Google TPU v3", 512, "tpu_chip")),
        ("1907.10529", "32 Volta V100", ("NVIDIA V100", 32, "gpu")),
        ("1611.01603", "eight Titan X", ("NVIDIA Titan X", 8, "gpu")),
    ],
)
def test_real_sentences(corpus_doc, paper: str, needle: str, expected: tuple[object, object, object]) -> None:
    assert expected in _facts(sentence_with(corpus_doc(paper), needle))


@pytest.mark.shared
def test_inference_only_hardware_of_a_real_paper(corpus_doc) -> None:
    doc = corpus_doc("1804.02767")
    scored = [c for c in extract_hardware(doc) if c.stage != "inference" and c.confidence >= 0.35]
    assert scored == [], [c.evidence.snippet for c in scored]


# --- hardware.v2: the failure classes of issue 9, on small sentences of our own ---------------------------------------


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("We trained on two GTX 1080 Ti 11GB GPUs.", [("NVIDIA GTX 1080 Ti", 2, "gpu")]),
        ("The model is trained on 8 A100-40GB GPUs.", [("NVIDIA A100", 8, "gpu")]),
        ("We fine-tune on a single A100-80GB.", [("NVIDIA A100", 1, "gpu")]),
        ("Training uses 4 NVIDIA A100-SXM4-80GB GPUs.", [("NVIDIA A100", 4, "gpu")]),
        ("We trained the models on 8 32GB V100 GPUs.", [("NVIDIA V100", 8, "gpu")]),
        ("Both models were trained on 8 NVIDIA A100 (80GB) GPUs.", [("NVIDIA A100", 8, "gpu")]),
        ("Experiments ran on an RTX 3090 24GB card.", [("NVIDIA RTX 3090", 1, "gpu")]),
        ("We used a TPU v4-128 slice.", [("Google TPU v4", 128, "tpu_core")]),
    ],
)
def test_digits_and_memory_inside_a_name_are_not_a_count(sentence: str, expected: list[tuple[object, object, object]]) -> None:
    assert _facts(sentence) == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Training took 120 hours on a Titan X.", [("NVIDIA Titan X", 1, "gpu")]),
        ("It takes about 2.5 days on 4 Titan Xp GPUs.", [("NVIDIA Titan Xp", 4, "gpu")]),
        ("The model converges after 36 hours on TPU v3.", [("Google TPU v3", None, "tpu_chip")]),
        ("We trained for 3-4 days on 16 V100 GPUs.", [("NVIDIA V100", 16, "gpu")]),
        ("Pre-training takes 2 weeks on a TPU v3-256 slice.", [("Google TPU v3", 256, "tpu_core")]),
    ],
)
def test_a_duration_next_to_an_accelerator_is_not_a_count(sentence: str, expected: list[tuple[object, object, object]]) -> None:
    assert _facts(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Size 4.5M 20M 40M Direct 29.3",
        "It needs 2,000 GPU-hours.",
        "The model requires 500 V100 GPU days.",
        "Training required 256 TPUv3-core-days.",
        "We use a batch size of 32 per GPU.",
        "We compare FP16 V100 kernels.",
    ],
)
def test_no_hardware_from_spaced_parts_or_device_time(sentence: str) -> None:
    assert [f for f in _facts(sentence) if f[1] is not None] == []


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Training takes 3 days on 64 Ascend 910 NPUs.", ("Huawei Ascend 910", 64, "accelerator")),
        ("The model is trained on 2048 Ascend 910B chips.", ("Huawei Ascend 910B", 2048, "accelerator")),
        ("We use 128 H800 GPUs for pretraining.", ("NVIDIA H800", 128, "gpu")),
        ("We pre-train on 512 NVIDIA A800 GPUs.", ("NVIDIA A800", 512, "gpu")),
        ("Our model was trained on a cluster of 256 AMD MI250X GPUs.", ("AMD MI250X", 256, "gpu")),
        ("Training was done on 32 Gaudi2 accelerators.", ("Intel Gaudi2", 32, "accelerator")),
        ("We trained on 16 AWS Trainium chips.", ("Amazon Trainium", 16, "accelerator")),
        ("We trained on 64 TPU v5e chips.", ("Google TPU v5e", 64, "tpu_chip")),
        ("the network was trained on 4 NVIDIA GTX TITAN X GPUs.", ("NVIDIA Titan X", 4, "gpu")),
        ("We use 4 machines, each with 8 V100 GPUs.", ("NVIDIA V100", 32, "gpu")),
        ("We train with 64 GPUs (NVIDIA V100 32GB).", ("NVIDIA V100", 64, "gpu")),
        ("This instruction tuning takes around 60 hours on a TPUv3 with 128 cores.", ("Google TPU v3", 128, "tpu_core")),
        ("We pre-train on the TPU v3 Pod (1024 chips).", ("Google TPU v3", 1024, "tpu_chip")),
        ("We train on 4 nodes of 8 V100 GPUs.", ("NVIDIA V100", 32, "gpu")),
    ],
)
def test_catalog_accelerators_of_epochs_chip_table(sentence: str, expected: tuple[object, object, object]) -> None:
    assert _facts(sentence) == [expected]


def test_new_catalog_entries_carry_epochs_peaks() -> None:
    from flopsdb.core.catalog import load_catalog

    cat = load_catalog()
    for name in ("NVIDIA A800", "NVIDIA H800", "Amazon Trainium", "AMD MI250X", "Intel Gaudi2", "Google TPU v5e"):
        acc = cat.get(name)
        assert acc is not None and "Epoch AI" in acc.source
        assert any(acc.peak(p) for p in ("fp32", "fp16", "bf16")), name
    assert cat.get("Huawei Ascend 910").peak("fp16") == pytest.approx(256e12)


def test_entities_are_tagged_before_relations() -> None:
    from flopsdb.extract.hardware import entities

    units = [(u.text, u.label) for u in entities("We trained on two GTX 1080 Ti 11GB GPUs for 120 hours.") if u.label]
    assert units == [("two", "COUNT"), ("GTX 1080 Ti", "ACCEL"), ("11GB", "MEMORY"), ("GPUs", "GENERIC"), ("120 hours", "DURATION")]


def test_grammar_is_a_versioned_data_file_and_the_registry_reads_the_name() -> None:
    from pathlib import Path

    from flopsdb.extract import hardware
    from flopsdb.extract.pipeline import REGISTRY

    assert hardware.EXTRACTOR in REGISTRY and REGISTRY[hardware.EXTRACTOR].endswith("hardware:extract_hardware")
    path = Path(hardware.__file__).parent / "data" / f"{hardware.GRAMMAR}.json"
    assert path.exists() and hardware.grammar()["version"] == hardware.GRAMMAR == "hardware_grammar.v5"
    assert {r["action"] for r in hardware.grammar()["relations"]} >= {"block", "noun", "count", "count_after", "slice", "cores", "conj"}


def _models(*names: str):
    from flopsdb.core.ids import model_key
    from flopsdb.extract.document import ModelName

    return tuple(ModelName(n, model_key(n), main=i == 0, source="title") for i, n in enumerate(names))


def test_hardware_is_linked_to_the_model_the_sentence_names(doc_of) -> None:
    doc = doc_of("GhostNet is efficient. We train GhostNet-Large on 16 TPU v3 chips.")
    doc.models = _models("GhostNet", "GhostNet-Large")
    (c,) = extract_hardware(doc)
    assert (c.model, c.model_key, c.scope, c.fields["model_confidence"]) == ("GhostNet-Large", "ghostnetlarge", "model", 0.9)
    assert c.to_json()["model_scope"] == "model"


def test_a_statement_for_all_models_gets_scope_all_models(doc_of) -> None:
    doc = doc_of("Setup. All models were trained on 8 Tesla V100 GPUs.")
    doc.models = _models("GhostNet")
    (c,) = extract_hardware(doc)
    assert (c.model, c.model_key, c.scope) == (None, None, "all_models")


def test_a_model_named_just_before_then_the_main_model(doc_of) -> None:
    doc = doc_of(
        "",
        sections={
            "Training": "We describe Ghost-S here. It was trained on 4 Titan X GPUs.",
            "Other": "Nothing here at all. Nothing else here. Training took 2 days on 8 P100 GPUs.",
        },
    )
    doc.models = _models("GhostNet", "Ghost-S")
    by_acc = {c.fields["accelerator"]: c for c in extract_hardware(doc)}
    near, main = by_acc["NVIDIA Titan X"], by_acc["NVIDIA P100"]
    assert (near.model, near.scope) == ("Ghost-S", "model") and near.fields["model_confidence"] < 0.9
    assert (main.model, main.scope) == ("GhostNet", "main_model") and main.fields["model_confidence"] < near.fields["model_confidence"]


def test_no_models_no_link(doc_of) -> None:
    (c,) = extract_hardware(doc_of("We trained on 8 P100 GPUs."))
    assert (c.model, c.scope) == (None, None) and "model_confidence" not in c.fields


@pytest.mark.parametrize(
    "sentence",
    [
        "The latency is measured on a single V100 GPU with batch size 1.",
        "Throughput is measured on one A100 GPU.",
        "Inference speed is tested on a 2080Ti.",
        "On 100 images, it takes 90 seconds to perform detection on a Titan X GPU.",
    ],
)
def test_speed_latency_and_throughput_hardware_is_inference(doc_of, sentence: str) -> None:
    (c,) = extract_hardware(doc_of(sentence))
    assert c.stage == "inference"


def test_a_speed_clause_inside_a_training_sentence(doc_of) -> None:
    doc = doc_of("We measured runtime on a Titan V GPU while training takes 3 days on 8 P100 GPUs.")
    stages = {c.fields["accelerator"]: c.stage for c in extract_hardware(doc)}
    assert stages == {"NVIDIA Titan V": "inference", "NVIDIA P100": "training"}


def test_others_hardware_is_less_sure_than_ours(doc_of) -> None:
    named, numbered, ours = extract_hardware(
        doc_of(
            "GPT-3 (Brown et al, 2020) was trained on 1024 V100 GPUs. GPT-2 [3] was trained on 256 TPU v3 cores. "
            "Following [3], we trained on 8 V100 GPUs."
        )
    )
    assert max(named.confidence, numbered.confidence) < 0.35 < ours.confidence  # hardware.v5: a cited model's clause is another work's


def test_nas_controller_hardware_is_search(doc_of) -> None:
    (c,) = extract_hardware(doc_of("The controller uses 100 Cloud TPU v3 in parallel to sample child models."))
    assert c.stage == "search" and c.fields["count"] == 100


# --- the same classes on real sentences of the corpora (develop half), skipping without ../shared --------------------

_DOCS: dict[str, object] = {}


@pytest.fixture
def any_corpus_doc(shared_dir):
    """``any_corpus_doc("2109.01652")`` parses a paper of corpus or corpus2 once (skips without ../shared)."""
    from flopsdb.extract.models import find_models
    from flopsdb.extract.pdf import parse_pdf

    def load(paper: str):
        if paper not in _DOCS:
            path = next(
                (p for p in (shared_dir / "corpus" / "pdfs" / f"{paper}.pdf", shared_dir / "corpus2" / "pdfs" / f"{paper}.pdf") if p.exists()), None
            )
            if path is None:
                pytest.skip(f"{paper}.pdf not in ../shared")
            doc = parse_pdf(path, paper=paper)
            doc.models = find_models(doc)
            _DOCS[paper] = doc
        return _DOCS[paper]

    return load


def _candidate(doc, needle: str, accelerator: str):
    import re as _re

    found = [c for c in extract_hardware(doc) if c.fields["accelerator"] == accelerator and _re.sub(r"\s+", " ", needle) in c.evidence.snippet]
    assert found, f"no {accelerator} candidate on {needle!r}"
    return found[0]


@pytest.mark.shared
def test_real_tpu_with_cores(any_corpus_doc) -> None:
    c = _candidate(any_corpus_doc("2109.01652"), "on a TPUv3 with 128 cores", "Google TPU v3")
    assert (c.fields["count"], c.fields["unit"]) == (128, "tpu_core")


@pytest.mark.shared
def test_real_detection_timing_is_inference(any_corpus_doc) -> None:
    c = _candidate(any_corpus_doc("1711.08189"), "to perform detection on a Titan X GPU", "NVIDIA Titan X")
    assert c.stage == "inference"


@pytest.mark.shared
def test_real_statement_for_all_models(any_corpus_doc) -> None:
    c = _candidate(any_corpus_doc("1711.02132"), "We trained all our networks on NVIDIA K80 GPUs", "NVIDIA K80")
    assert c.scope == "all_models" and c.model is None and c.stage == "training"


@pytest.mark.shared
def test_real_hardware_linked_to_the_named_model(any_corpus_doc) -> None:
    doc = any_corpus_doc("1906.08237")
    c = _candidate(doc, "We train XLNet-Large on 512 TPU v3 chips", "Google TPU v3")
    assert c.scope == "model" and c.model_key is not None and c.model_key.startswith("xlnet")


@pytest.mark.shared
def test_every_ml_chip_of_epochs_table_is_recognised(shared_dir) -> None:
    import csv

    with open(shared_dir / "datasets" / "epoch" / "epoch_chip_dataset.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if (r["ML hardware"] == "checked" or (r["Number of ML models trained"] or "0") != "0")
            and r["Type"] != "CPU"
            and "(" not in r["Hardware name"]
        ]
    assert len(rows) > 100
    bad = []
    for r in rows:
        facts = [f for f in _facts(f"We trained on 8 {r['Hardware name'].strip()} accelerators.") if f[0] not in ("GPU", "CPU", "Google TPU")]
        if len(facts) != 1 or facts[0][1] != 8:
            bad.append((r["Hardware name"], facts))
    assert bad == []


@pytest.mark.parametrize("sentence", ["Each epoch takes 300 seconds on 8 V100 GPUs.", "One step takes 0.4 s on a TPU v3-8."])
def test_seconds_per_epoch_or_step_stay_training(doc_of, sentence: str) -> None:
    (c,) = extract_hardware(doc_of(sentence))
    assert c.stage == "training"


def test_a_number_glued_to_a_name_is_no_count() -> None:
    assert _facts("We report a ResNet-50 GPU model.") == [("GPU", None, "gpu")]


def test_a_chart_axis_of_numbers_is_not_sure(doc_of) -> None:
    (c,) = extract_hardware(doc_of("Speed-up when training on 1 2 4 8 16 32 64 GPUs"))
    assert "number_run" in c.flags and c.confidence < 0.35


def test_a_version_slice_before_tpu() -> None:
    assert _facts("We train on a v3-256 TPU slice.") == [("Google TPU v3", 256, "tpu_core")]


def test_a_tool_cited_after_the_hardware_is_no_penalty(doc_of) -> None:
    (c,) = extract_hardware(doc_of("Models were trained on 8 V100 GPUs using fairseq (Ott et al, 2019)."))
    assert c.confidence == 0.85


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Our models are trained on NVIDIA V100 GPUs, using 8 GPUs per model.", [("NVIDIA V100", 8, "gpu")]),
        ("Unlike prior work which used 1024 GPUs, we train on Titan X GPUs.", [("GPU", 1024, "gpu"), ("NVIDIA Titan X", None, "gpu")]),
        ("Number of GPUs: 64", [("GPU", 64, "gpu")]),
    ],
)
def test_a_generic_count_goes_to_the_one_named_device(sentence: str, expected: list[tuple[object, object, object]]) -> None:
    assert _facts(sentence) == expected


@pytest.mark.parametrize(
    "sentence, named",
    [
        ("We trained on 8 NVIDIA GTX TITAN X GPUs and evaluated on a Tesla K40.", True),
        ("All experiments are trained with a 1080 Ti or 2080-Ti GPU, some on TPU v3-256 pods.", True),
        ("Training used 64 A100 80GB GPUs, then 16 V100 and a P100.", True),
        ("No accelerator is named in this sentence, only 12 processors.", False),
        ("nothing here at all", False),
    ],
)
def test_the_catalog_ruler_on_a_sentence_finds_what_the_whole_catalog_finds(sentence: str, named: bool) -> None:
    from spacy.tokens import Doc

    from flopsdb.extract.hardware import _catalog_entities, catalog_ruler, machine, tokenize

    m = machine()
    toks = tokenize(sentence)
    words = [t for t, _, _ in toks]
    spaces = [a[2] < b[1] for a, b in zip(toks, toks[1:])] + [False]

    def ents(doc: Doc) -> list[tuple[int, int, str, str]]:
        return [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]

    whole = catalog_ruler()(Doc(m.nlp.vocab, words=words, spaces=spaces))
    chosen = _catalog_entities(m, Doc(m.nlp.vocab, words=words, spaces=spaces), words)
    assert ents(chosen) == ents(whole)
    assert bool(ents(whole)) == named
    assert [t.ent_iob for t in chosen] == [t.ent_iob for t in whole]
