"""models.v4: the paper's own model names (Document.models) and the model link of result candidates."""

from __future__ import annotations

from pathlib import Path

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence
from flopsdb.extract.models import VERSION, find_models, link_model, link_results, vocabulary
from flopsdb.extract.pipeline import extract_document
from tests.extract.conftest import make_doc

TEXT = (
    "Fast Detection at Scale\nAbstract. Detection at speed is hard. We propose FlipNet, a one-stage detector, and a family of backbones "
    "we call SwiftNet. Residual networks (ResNets) are strong baselines.\n"
    "Results. Our final model, FlipNet-L, reaches 44.1 box AP on COCO test-dev.\n"
    "Table 1 lists RetinaNet [12] 39.1 and GhostDet (ours) 41.0 on COCO."
)


def _names(text: str) -> dict[str, tuple[str, bool]]:
    return {m.name: (m.source, m.main) for m in find_models(make_doc(text))}


def test_vocabulary_is_a_versioned_data_file() -> None:
    assert VERSION == "models.v4" and vocabulary()["name_patterns"] and vocabulary()["ours_patterns"]


def test_naming_phrases_and_ours_marks_give_own_models() -> None:
    names = _names(TEXT)
    assert names["FlipNet"] == ("phrase", True)
    assert names["SwiftNet"][0] == "phrase"
    assert names["GhostDet"][0] == "ours"
    assert "ResNets" not in names and "RetinaNet" not in names


def test_lower_case_led_names_and_stoplist() -> None:
    names = _names("We propose mRASP, a pre-training method. We propose CNN features for it.")
    assert "mRASP" in names and "CNN" not in names


def test_link_model_takes_the_longest_name_mentioned() -> None:
    models = find_models(make_doc(TEXT))
    assert link_model("FlipNet-L (ours)", models).name == "FlipNet-L"  # type: ignore[union-attr]
    assert link_model("FlipNet-S", models).name == "FlipNet"  # type: ignore[union-attr]
    assert link_model("RetinaNet [12]", models) is None and link_model(None, models) is None


def _result(model: str | None, table: str | None, snippet: str) -> Candidate:
    fields = {
        "task": "object detection",
        "dataset": "COCO",
        "split": "test-dev",
        "metric": "box AP",
        "value": 44.1,
        "value_text": "44.1",
        "own": True,
        **({"table": table} if table else {}),
    }
    return Candidate(
        "p",
        "result",
        "result_table.v6" if table else "result.v3",
        Evidence(1, Box(0, 0, 1, 1), snippet, 0, 1),
        0.8,
        fields,
        model=model,
        stage="training",
    )


def test_results_carry_model_key_and_scope() -> None:
    doc = make_doc(TEXT)
    doc.models = find_models(doc)
    row, generic, sentence, bare = link_results(
        doc,
        [
            _result("FlipNet-L [ours]†", "1", "FlipNet-L | AP | 44.1"),
            _result("Ensemble", "1", "Ensemble | AP | 44.1"),
            _result(None, None, "With SwiftNet backbones the detector reaches 44.1 box AP."),
            _result(None, None, "The detector reaches 44.1 box AP."),
        ],
    )
    assert (row.model_key, row.scope) == ("flipnetlours", "model")
    assert (generic.model, generic.model_key, generic.scope) == ("Ensemble", "flipnet", "main_model")
    assert (sentence.model, sentence.model_key, sentence.scope) == ("SwiftNet", "swiftnet", "model")
    assert (bare.model, bare.model_key, bare.scope) == ("FlipNet", "flipnet", "main_model")


def test_pipeline_stores_models_and_links_and_marks_results() -> None:
    doc = make_doc("FlipNet: Detecting Faster\nWe propose FlipNet. FlipNet reaches 44.1 box AP on the COCO test-dev set.")
    out = extract_document(doc, names=["result.v3"])
    assert [m.name for m in doc.models][:1] == ["FlipNet"]
    results = [c for c in out if c.kind == "result"]
    assert results and all(c.model_key == "flipnet" for c in results)
    assert any(c.headline and c.headline_reason == "abstract" for c in results)


# --------------------------------------------------------------------------- models.v4: the title, row labels


def _titled(lines: list[tuple[str, float, bool]]):  # type: ignore[no-untyped-def]
    """A Document whose first page has these (text, font size, bold) lines."""
    from flopsdb.extract.document import Line

    doc = make_doc("\n".join(t for t, _, _ in lines) + "\nBody text follows here.")
    out, at = [], 0
    for text, size, bold in lines:
        out.append(Line(page=1, bbox=Box(0, 0, 1, 1), start=at, end=at + len(text), text=text, font_size=size, bold=bold))
        at += len(text) + 1
    doc.lines = out
    return doc


def test_the_title_skips_page_furniture_and_stops_at_the_byline() -> None:
    from flopsdb.extract.models import _title

    same_size = [
        ("*&&&$7'*OUFSOBUJPOBM$POGFSFODFPO *$$7", 1.0, False),
        ("FlipNet: A Low Memory Detector", 1.0, True),
        ("Ann Smith1,2 Bo Chen1", 1.0, False),
        ("1National University", 1.0, False),
        ("Abstract", 1.0, True),
        ("Detectors such as ResNet, MobileNet and DenseNet are strong.", 1.0, False),
    ]
    assert _title(_titled(same_size))[0] == "FlipNet: A Low Memory Detector"
    names = {m.name for m in find_models(_titled(same_size))}
    assert "FlipNet" in names and not names & {"ResNet", "MobileNet", "DenseNet", "Smith1"}
    bold_byline = [
        ("International Conference on Computer Vision", 10.0, False),
        ("2380-7504/", 10.0, False),
        ("Swift-NMS: Improving Detection", 1.0, True),
        ("with One Line of Code", 1.0, True),
        ("Ann Smith* Bo Chen*", 1.0, True),
        ("ann@uni.edu", 1.0, False),
    ]
    assert _title(_titled(bold_byline))[0] == "Swift-NMS: Improving Detection with One Line of Code"
    interleaved = [("GapNet: Improving Pre-training by", 14.3, True), ("Ann Smith∗†", 12.0, True), ("Predicting Gaps", 14.3, True)]
    assert _title(_titled(interleaved))[0] == "GapNet: Improving Pre-training by Predicting Gaps"


def test_adjectives_and_generic_plurals_of_the_title_are_no_models() -> None:
    doc = _titled([("CNN-based NER and the Era of 1-bit LLMs with FOFE-based Tagging", 17.2, False), ("Ann Smith", 10.0, False)])
    assert not {m.name for m in find_models(doc)} & {"CNN-based", "LLMs", "LLM", "FOFE-based"}


def test_row_labels_share_the_key_of_the_full_name() -> None:
    from flopsdb.core.ids import model_key
    from flopsdb.extract.document import ModelName
    from flopsdb.extract.models import row_model

    models = (ModelName(name="FlipNetV3", key="flipnetv3", main=True, source="title", evidence=None),)
    assert row_model("V3-Large 1.0", models) == ("FlipNetV3-Large 1.0", model_key("FlipNetV3-Large 1.0"))
    assert row_model("FlipNetV3-Large 1.0 (ours)", models)[1] == row_model("V3-Large 1.0", models)[1]
    assert row_model("ResNet-50 [12]", models) == ("ResNet-50", "resnet50")
    assert row_model("Ours", models) == ("FlipNetV3", "flipnetv3")


def test_a_parenthesised_part_or_objective_is_no_model() -> None:
    text = (
        "Fast Detection with Gaps\nAbstract. We propose GapNet, trained with a span boundary objective (SBO) and Cross mini-Batch "
        "Normalization (CmBN), and Weighted-Residual-Connections (WRC). Our new model, the Dense Gap Network (DGNet), is fast."
    )
    names = _names(text)
    assert "GapNet" in names and "DGNet" in names and not names.keys() & {"SBO", "CmBN", "WRC"}


def test_stoplist_entries_replaced_by_general_rules() -> None:
    """models.v4: a training technique in parentheses is no model (component_before 'training', not 'Pre-Training');
    two-letter abbreviations (SS, EB, ZF) are never names (a key of fewer than three characters); WRN is a model
    name, the own model of a paper that proposes it."""
    text = (
        "Wide Residual Networks\nAbstract. We propose Wide Residual Networks (WRN), trained with Self-Adversarial Training (SAT) "
        "on proposals of Selective Search (SS) and EdgeBoxes (EB) with a ZF backbone, as in Generative Pre-Training (GPT)."
    )
    names = _names(text)
    assert "WRN" in names
    assert not names.keys() & {"SAT", "SS", "EB", "ZF"}
    component = vocabulary()["_component"]
    assert component.search("Self-Adversarial Training") and component.search("quantization-aware training")
    assert not component.search("Generative Pre-Training") and not component.search("Generative Pretraining")


def test_stoplist_rules_on_real_develop_papers(corpus_dir: Path) -> None:
    """YOLOv4 ('Self-Adversarial Training (SAT)') and Faster R-CNN ('Selective Search (SS)', 'EdgeBoxes (EB)', 'ZF')."""
    import pytest

    from flopsdb.extract.pdf import parse_pdf

    for paper, own, never in (("2004.10934", "YOLOv4", {"SAT", "Mish"}), ("1506.01497", "Faster R-CNN", {"SS", "EB", "ZF"})):
        pdf = corpus_dir / f"{paper}.pdf"
        if not pdf.is_file():
            pytest.skip(f"{pdf} is absent")
        doc = parse_pdf(pdf, paper=paper)
        assert doc.text.count(next(iter(never))) >= 1
        names = {m.name for m in find_models(doc)}
        assert own in names and not names & never, (paper, names)


# --------------------------------------------------------------------------- models.v4: naming phrases of real papers
_FILLER = "Results on the benchmark follow the protocol of the earlier section. " * 40  # beyond the abstract window


def test_a_naming_phrase_beyond_the_abstract_needs_an_own_cue() -> None:
    """models.v4: 'called X' / 'named X' / 'is called X' far into a paper names an own model only in a sentence with an
    own cue (a quoted prompt, another lab's model and an idiom are no names)."""
    names = _names(
        "A Study of Alignment\nAbstract. We study alignment.\n" + _FILLER + "Finally, OpenAI has a model called InstructGPT (Ouyang et al., 2022). "
        "There once was a wise frog named Julius. A model is called Pareto optimal if it dominates. "
        "Our approach for tagging, called FOFE-NER hereafter, is simple. "
        "The learned model architecture is named SpineNet-49, of which the blocks are shown."
    )
    assert "FOFE-NER" in names and "SpineNet-49" in names
    assert not {"InstructGPT", "Julius", "Pareto"} & set(names)


def test_naming_phrases_of_real_abstracts() -> None:
    """models.v4: 'We call the resulting models X', 'namely X b1.58', 'Our Dense Passage Retriever (DPR)', 'presents a
    novel ... network (LR-CNN)'; no quoted name after 'the new assistant' nor a list before 'models are trained with
    our ...' (patterns of one paper, removed by the audit of 2026-12-04)."""
    names = _names(
        "Follow the Feedback\nAbstract. We fine-tune a model with feedback. We call the resulting models InstructGPT. "
        "In this work, we introduce a 1-bit LLM variant, namely BitNet b1.58, in which every weight is ternary.\n"
        + _FILLER
        + "Our Dense Passage Retriever (DPR) is exceptionally strong. "
        "This paper presents a novel lexicon rethinking convolutional neural network (LR-CNN). "
        "The new assistant ‘RL-CAI’ is preferred by crowdworkers. "
        "SL-CAI, RL-CAI, and RL-CAI w/ CoT models are trained with our new constitutional method."
    )
    assert names["InstructGPT"] == ("phrase", True) and names["BitNet b1.58"] == ("phrase", True)
    assert {"DPR", "LR-CNN"} <= set(names) and not {"RL-CAI", "SL-CAI", "CoT"} & set(names)


def test_an_acronym_pattern_needs_the_initials_and_an_alias_is_no_model() -> None:
    """models.v4: 'Our X Y (Z)' anywhere names Z only when Z spells the initials ('Our InstructGPT models (PPO-ptx)' is an
    alias, dropped when PPO-ptx is named elsewhere too); an acronym of an own name is kept ('(BIDAF)'); the object
    of 'refer to our data as X' is data, and pre-training corpora are no models."""
    names = _names(
        "Aligned Models\nAbstract. We call the resulting models InstructGPT. We call these models “PPO-ptx”.\n"
        + _FILLER
        + "Our InstructGPT models (PPO-ptx) outperform the baselines. "
        "We propose Bi-Directional Attention Flow (BIDAF) networks. Our Bi-Directional Attention Flow (BIDAF) is fast. "
        "We refer to our pre-training data as PC32. We propose a CommonCrawl filter. "
        "We propose our Switchable Atrous Convolution (SAC) blocks."
    )
    assert "InstructGPT" in names and "PPO-ptx" not in names and "BIDAF" in names
    assert not {"PC32", "CommonCrawl", "SAC"} & set(names)
