"""models.v1: the paper's own model names (Document.models) and the model link of result candidates."""

from __future__ import annotations

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
    assert VERSION == "models.v1" and vocabulary()["name_patterns"] and vocabulary()["ours_patterns"]


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
        "result_table.v3" if table else "result.v1",
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
    out = extract_document(doc, names=["result.v1"])
    assert [m.name for m in doc.models][:1] == ["FlipNet"]
    results = [c for c in out if c.kind == "result"]
    assert results and all(c.model_key == "flipnet" for c in results)
    assert any(c.headline and c.headline_reason == "abstract" for c in results)
