"""The relevance filter: tracked category plus tracked benchmark, or a Papers-with-Code link."""

from __future__ import annotations

import json

import pytest

from flopsdb.crawler.paper import Paper
from flopsdb.crawler.relevance import judge, load_rules


@pytest.mark.parametrize(
    "categories, text, expected",
    [
        (("cs.CV",), "We reach 21.4% top-1 error on ImageNet.", (True, "benchmark:ImageNet")),
        (("cs.CL", "cs.LG"), "BLEU on WMT'14 English-German.", (True, "benchmark:WMT")),
        (("cs.CL",), "Named entities on CoNLL-2003.", (True, "benchmark:CoNLL-2003")),
        (("cs.CV",), "Box AP on MS COCO test-dev.", (True, "benchmark:COCO")),
        (("stat.ML",), "A new bound for kernel ridge regression.", (False, "no tracked benchmark")),
        (("math.CO",), "ImageNet-free lattice walks.", (False, "off-topic category")),
        (("cs.CL",), "We discuss squadron formations.", (False, "no tracked benchmark")),
    ],
)
def test_judge(categories, text, expected) -> None:
    assert judge(Paper("x", 1, title="T", abstract=text, categories=categories)) == expected


def test_pwc_link_overrides_everything() -> None:
    assert judge(Paper("x", 1, categories=("math.CO",)), pwc_linked=True) == (True, "pwc")


def test_rules_are_data(tmp_path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"categories": ["q-bio.NC"], "benchmarks": {"Allen Brain": ["allen brain"]}}))
    loaded = load_rules(str(rules))
    paper = Paper("x", 1, abstract="Data from the Allen Brain atlas.", categories=("q-bio.NC",))
    assert judge(paper, rules=loaded) == (True, "benchmark:Allen Brain")
    assert judge(paper)[0] is False
