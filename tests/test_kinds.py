"""The per-kind registry (``flopsdb.core.kinds``): one place for a kind's fields, dedup key, summary and value rules,
and the same rules for extracted candidates and reviewers' corrections."""

from __future__ import annotations

import pytest

from flopsdb.core.errors import CurationError
from flopsdb.core.kinds import KIND_FIELDS, KINDS, FieldValueError, Kind, kind_spec
from flopsdb.curation.model import check_fields, coerce_fields
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence
from flopsdb.extract.pipeline import dedup, fact_key

EV = Evidence(page=3, bbox=Box(10.0, 20.0, 200.0, 30.0), snippet="s", start=0, end=1)


def _c(kind: str, fields: dict, *, model: str | None = None, stage: str | None = "training", page: int = 3, confidence: float = 0.8) -> Candidate:
    ev = Evidence(page=page, bbox=EV.bbox, snippet="s", start=page, end=page + 1)
    return Candidate(
        paper="1706.03762", kind=kind, extractor=f"{kind}.v1", evidence=ev, confidence=confidence, fields=fields, model=model, stage=stage
    )


def test_every_kind_has_one_entry_with_its_fields() -> None:
    assert set(KINDS) == set(Kind)
    assert KIND_FIELDS["hardware"] == ("accelerator", "count", "unit")
    assert all(kind_spec(k).fields == KIND_FIELDS[k] for k in Kind)
    with pytest.raises(FieldValueError, match="unknown kind 'flops'"):
        kind_spec("flops")


@pytest.mark.parametrize(
    ("kind", "same", "other"),
    [
        ("hardware", {"accelerator": "NVIDIA P100", "count": 8, "unit": "chip"}, {"accelerator": "NVIDIA P100", "count": 4, "unit": "chip"}),
        ("training_time", {"hours": 12.001, "scope": "wall_clock", "approx": False}, {"hours": 84.0, "scope": "wall_clock"}),
        (
            "result",
            {"dataset": "WMT14 EN-DE", "metric": "BLEU", "value": 28.4, "own": True},
            {"dataset": "WMT14 EN-DE", "metric": "BLEU", "value": 28.4, "own": False},
        ),
        ("parameters", {"value": 213e6, "value_text": "213M"}, {"value": 65e6}),
    ],
)
def test_the_kind_key_decides_which_candidates_state_the_same_fact(kind: str, same: dict, other: dict) -> None:
    a, b, c = _c(kind, same), _c(kind, dict(same), page=9, confidence=0.9), _c(kind, other, page=5)
    assert a.fact_key == b.fact_key != c.fact_key
    assert a.fact_key[0] == kind
    assert [fact_key(x) for x in (a, b, c)] == [x.fact_key for x in (a, b, c)]  # the pipeline's dedup agrees
    assert dedup([a, b, c]) == [b, c]


def test_summaries_name_the_values() -> None:
    assert _c("hardware", {"accelerator": "NVIDIA P100", "count": 8, "unit": "chip"}).summary == "8 x NVIDIA P100 (chip)"
    assert _c("training_time", {"hours": 12.0, "scope": "wall_clock", "approx": True}).summary == "12.0 h wall_clock ~"
    assert _c("result", {"dataset": "ImageNet", "metric": "top-1", "value": 76.1, "own": False}).summary == "ImageNet top-1 76.1 (baseline)"
    assert _c("parameters", {"value": 213000000}).summary == "213,000,000"
    assert kind_spec("parameters").summary({"value": None}) == "None"


def test_edited_text_is_typed_by_the_kind() -> None:
    assert kind_spec("result").coerce({"value": "1,200.5", "value_text": "28.4", "own": "false", "split": ""}) == {
        "value": 1200.5,
        "value_text": "28.4",
        "own": False,
        "split": None,
    }
    assert kind_spec("hardware").coerce({"count": "8"}) == {"count": 8}
    with pytest.raises(FieldValueError, match="'hours' does not belong to kind 'hardware'"):
        kind_spec("hardware").coerce({"hours": "3"})


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("hardware", {"count": 0}, "'count' must be a whole number of at least 1"),
        ("hardware", {"count": 2.5}, "'count' must be a whole number of at least 1"),
        ("training_time", {"hours": -1.0}, "'hours' must not be negative"),
        ("parameters", {"value": -5}, "'value' must not be negative"),
        ("result", {"value": float("nan")}, "'value' must be a finite number"),
        ("result", {"own": "yes"}, "'own' must be true or false"),
        ("result", {"dataset": "x" * 301}, "'dataset' must be text of at most 300 characters"),
    ],
)
def test_extracted_and_corrected_values_obey_the_same_rules(kind: str, fields: dict, message: str) -> None:
    with pytest.raises(CurationError, match=message):
        check_fields(kind, fields)
    with pytest.raises(ValueError, match=message):
        _c(kind, fields)


def test_a_result_value_may_be_negative_and_extra_fields_of_an_extractor_pass() -> None:
    assert check_fields("result", {"value": -3.5}) == {"value": -3.5}
    assert _c("hardware", {"accelerator": "TPU v3", "count": 8, "unit": "core", "precision": "bf16"}).fields["precision"] == "bf16"
    with pytest.raises(CurationError, match="does not belong"):
        check_fields("hardware", {"precision": "bf16"})
    with pytest.raises(CurationError, match="unknown kind"):
        coerce_fields("flops", {})
