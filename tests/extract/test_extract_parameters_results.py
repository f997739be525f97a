"""parameters.v6 and result.v3 (results stated in sentences)."""

from __future__ import annotations

import pytest

from flopsdb.extract.models import find_models
from flopsdb.extract.parameters import counts_in, extract_parameters
from flopsdb.extract.results import extract_results, results_in, split_of
from tests.extract.conftest import sentence_with


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("The model has about 2.6 million parameters.", 2.6e6),
        ("DenseNet-201 with 20M parameters", 20e6),
        ("We train a 1.5B-parameter model.", 1.5e9),
        ("ResNeXt has 25.5×10^6 params.", 25.5e6),
        ("Our model has 213M parameters.", 213e6),
    ],
)
def test_parameter_counts(sentence: str, value: float) -> None:
    assert [c["value"] for c in counts_in(sentence)] == [pytest.approx(value)]


@pytest.mark.parametrize(
    "sentence", ["We use 3.3 billion tokens.", "It needs 7.8 billion FLOPs.", "The M40 has parameters.", "There are 14M images."]
)
def test_not_parameter_counts(sentence: str) -> None:
    assert counts_in(sentence) == []


def test_baseline_parameter_counts_get_lower_confidence() -> None:
    ours = counts_in("Our model has 20M parameters.")[0]
    theirs = counts_in("The VGG model [18] has 138M parameters.")[0]
    assert ours["confidence"] > theirs["confidence"]


def test_parameters_candidate(doc_of) -> None:
    (c,) = extract_parameters(doc_of("Our model has 213M parameters."))
    assert c.kind == "parameters" and c.fields == {"value": 213e6, "value_text": "213M", "own": True} and c.extractor == "parameters.v6"


def _results(sentence: str) -> list[tuple[object, ...]]:
    return [(r["dataset"], r["metric"], r["value"], r["own"]) for r in results_in(sentence)]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task, improving over the existing best results by over 2 BLEU.",
            [("WMT14 EN-DE", "BLEU", 28.4, True)],
        ),
        ("On the WMT 2014 English-to-French translation task, our big model achieves a BLEU score of 41.0.", [("WMT14 EN-FR", "BLEU", 41.0, True)]),
        ("GoogLeNet achieves a top-5 error of 6.67% on ILSVRC 2014.", [("ImageNet", "top-5 error", 6.67, True)]),
        (
            "We obtain 21.2% top-1 and 5.6% top-5 error on the ILSVRC 2012 validation set.",
            [("ImageNet", "top-1 error", 21.2, True), ("ImageNet", "top-5 error", 5.6, True)],
        ),
        (
            "Our single model obtains 94.6% and 88.7% F1 on SQuAD 1.1 and 2.0 respectively.",
            [("SQuAD 1.1", "F1", 94.6, True), ("SQuAD 2.0", "F1", 88.7, True)],
        ),
        ("YOLOv4 achieves 43.5% AP (65.7% AP50) for the MS COCO dataset.", [("COCO", "box AP", 43.5, True), ("COCO", "AP50", 65.7, True)]),
        ("Our tagger obtains an F1 score of 91.21 on CoNLL 2003.", [("CoNLL-2003", "F1", 91.21, True)]),
    ],
)
def test_results_in_sentences(sentence: str, expected: list[tuple[object, ...]]) -> None:
    assert _results(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The Weighted Transformer achieves a 1.1 BLEU score improvement on WMT 2014 English-to-German.",
        "We improve the F1 on SQuAD by 2.7 points.",
        "CIFAR-10 error is 3.5%.",
        "We train on WMT 2016 English-German with 28.1 BLEU.",
    ],
)
def test_improvements_and_untracked_datasets_are_not_results(sentence: str) -> None:
    assert _results(sentence) == []


def test_baseline_results_are_not_own() -> None:
    (r,) = results_in("The previous best model [12] reached 26.3 BLEU on WMT 2014 English-to-German.")
    assert r["own"] is False


def test_split_of() -> None:
    assert split_of("on COCO test-dev") == "test-dev" and split_of("on the SQuAD dev set") == "dev" and split_of("validation") == "val"


def test_result_candidates(doc_of) -> None:
    (c,) = extract_results(doc_of("Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task."))
    assert c.extractor == "result.v3" and c.fields["task"] == "machine translation" and c.fields["value_text"] == "28.4" and c.fields["own"] is True


@pytest.mark.shared
def test_real_result_and_parameter_sentences(corpus_doc) -> None:
    assert ("WMT14 EN-DE", "BLEU", 28.4, True) in _results(sentence_with(corpus_doc("1706.03762"), "28.4 BLEU"))
    assert 2.6e6 in [c["value"] for c in counts_in(sentence_with(corpus_doc("1611.01603"), "2.6 million"))]


def _table(rows: list[list[str]]):
    from flopsdb.extract.document import Box, Cell, Table

    cells = tuple(
        tuple(Cell(text, Box(50 + 60 * i, 100 + 12 * r, 100 + 60 * i, 110 + 12 * r)) for i, text in enumerate(row)) for r, row in enumerate(rows)
    )
    return Table(page=3, bbox=Box(50, 100, 400, 200), caption=None, rows=cells, header_rows=1)


def test_parameters_from_a_table_of_model_sizes(doc_of) -> None:
    doc = doc_of("We propose DenseNet, a dense network.")
    doc.tables.append(
        _table(
            [
                ["Method", "Depth", "Params", "C10"],
                ["ResNet [11]", "110", "1.7M", "6.61"],
                ["DenseNet (k = 12)", "40", "1.0M", "7.00"],
                ["DenseNet-BC (k = 24)", "250", "15.3M", "5.19"],
            ]
        )
    )
    doc.tables.append(_table([["Model", "Params (M)", "Top-1"], ["Ours-small", "4.2", "70.6"]]))
    doc.models = find_models(doc)  # as the pipeline does before the extractors
    by_value = {round(c.fields["value"]): c for c in extract_parameters(doc) if "table" in c.flags}
    assert set(by_value) == {1_700_000, 1_000_000, 15_300_000, 4_200_000}
    assert by_value[1_000_000].model == "DenseNet (k = 12)" and by_value[1_000_000].evidence.page == 3
    assert by_value[1_700_000].confidence < 0.35 <= by_value[15_300_000].confidence


# --------------------------------------------------------------------------- parameters.v2: the failure classes of issue 9


def _own(*names: str):
    from flopsdb.core.ids import model_key
    from flopsdb.extract.document import ModelName

    return tuple(ModelName(n, model_key(n), main=i == 0, source="phrase") for i, n in enumerate(names))


def _by_value(sentence: str, models=()) -> dict[float, dict[str, object]]:
    return {round(c["value"]): c for c in counts_in(sentence, models)}  # type: ignore[arg-type]


def test_parameters_extractor_is_versioned_once_and_registered() -> None:
    from flopsdb.extract import parameters
    from flopsdb.extract.pipeline import REGISTRY

    assert parameters.EXTRACTOR == "parameters.v6" and parameters.EXTRACTOR in REGISTRY


def test_a_baseline_count_in_the_same_sentence_as_an_own_count_is_not_own() -> None:
    got = _by_value(
        "For example, our 250-layer model only has 15.3M parameters, but it outperforms other models such as "
        "FractalNet and Wide ResNets that have more than 30M parameters.",
        _own("DenseNet"),
    )
    assert got[15_300_000]["own"] is True and got[15_300_000]["confidence"] >= 0.7
    assert got[30_000_000]["own"] is False and got[30_000_000]["confidence"] < 0.35


def test_the_nearest_model_name_before_a_count_decides() -> None:
    got = _by_value(
        "A DenseNet-201 with 20M parameters yields a similar error as a 101-layer ResNet with more than 40M parameters.", _own("DenseNet")
    )
    assert got[20_000_000]["own"] is True and got[20_000_000]["model"].name == "DenseNet"
    assert got[40_000_000]["own"] is False


@pytest.mark.parametrize(
    "sentence, own_value, other_value",
    [
        (
            "Our layers have fewer parameters (27 million for MultiBox using GoogleNet [34] vs. 2.4 million for RPN using VGG-16).",
            2_400_000,
            27_000_000,
        ),
        ("FooLM also outperforms 175B-parameter GPT-3 on 20 of 25 tasks, with only 8B parameters.", 8_000_000_000, 175_000_000_000),
    ],
)
def test_a_name_after_the_count_decides(sentence: str, own_value: int, other_value: int) -> None:
    got = _by_value(sentence, _own("FooLM", "RPN"))
    assert got[own_value]["confidence"] >= 0.35 > got[other_value]["confidence"]
    assert got[other_value]["own"] is False


@pytest.mark.parametrize(
    "sentence",
    [
        "ResNet and FooNet have around 8M and 1M more parameters respectively.",
        "The two models have on the order of 100B parameters.",
        "It uses 2M fewer parameters than the baseline.",
    ],
)
def test_differences_and_orders_of_magnitude_are_not_counts(sentence: str) -> None:
    assert counts_in(sentence, _own("FooNet")) == []


@pytest.mark.parametrize(
    "sentence, value",
    [("In this paper we only use 6B RMs, as this saves compute.", 6e9), ("We compare samples from our 52B HH RLHF model on the prompts.", 52e9)],
)
def test_own_model_sizes_without_the_word_parameters(sentence: str, value: float) -> None:
    (c,) = counts_in(sentence)
    assert c["value"] == value and c["own"] is True and c["confidence"] >= 0.35


def test_sizes_of_other_things_are_not_parameter_counts() -> None:
    assert counts_in("We train on 300B tokens of web text.") == []
    assert all(c["confidence"] < 0.35 for c in counts_in("The GPT-3 175B model of Brown et al. is larger.", _own("FooLM")))


def test_a_cited_name_is_not_an_own_model(doc_of) -> None:
    from flopsdb.extract.models import find_models
    from flopsdb.extract.parameters import own_models

    doc = doc_of("We propose FooNet. It beats ResNet [12] and GPT-3 (Brown et al., 2020). FooNet has 5M parameters.")
    doc.models = find_models(doc) + _own("ResNet", "GPT-3")
    assert [m.name for m in own_models(doc)] == ["FooNet"]


def _params_table(rows: list[list[str]], header_rows: int = 1):
    from flopsdb.extract.document import Box, Cell, Table

    cells = tuple(tuple(Cell(t, Box(50 + 60 * i, 100 + 12 * r, 100 + 60 * i, 110 + 12 * r)) for i, t in enumerate(row)) for r, row in enumerate(rows))
    return Table(page=4, bbox=Box(50, 100, 500, 300), caption=None, rows=cells, header_rows=header_rows)


def test_layer_by_layer_tables_are_not_model_sizes(doc_of) -> None:
    doc = doc_of("We propose FooNet.")
    doc.tables.append(
        _params_table(
            [
                ["type", "output size", "params", "ops"],
                ["convolution", "112x112x64", "2.7K", "34M"],
                ["max pool", "56x56x64", "", ""],
                ["inception (3a)", "28x28x256", "159K", "128M"],
                ["inception (3b)", "28x28x480", "380K", "304M"],
                ["avg pool", "1x1x1024", "", ""],
                ["linear", "1x1x1000", "1000K", "1M"],
            ]
        )
    )
    assert [c for c in extract_parameters(doc) if "table" in c.flags] == []


def test_a_header_scale_a_size_column_and_size_in_own_row_labels(doc_of) -> None:
    from flopsdb.extract.models import find_models

    doc = doc_of("We propose FooNet and BazLM.")
    doc.models = find_models(doc)
    doc.tables.append(
        _params_table(
            [["Model", "BLEU", "params ×106"], ["Transformer (C)", "23.7", "36"], ["FooNet (C)", "24.8", "36"], ["FooNet (B)", "27.2", "213"]]
        )
    )
    doc.tables.append(_params_table([["Models", "Size", "PPL"], ["LLaMA", "700M", "12.3"], ["BazLM", "700M", "12.9"], ["BazLM", "3.9B", "9.6"]]))
    doc.tables.append(_params_table([["Model", "ARC", "HS"], ["LLaMA 7B", "54.7", "37.0"], ["BazLM 13B", "56.9", "38.5"]]))
    got = {(c.model, round(c.fields["value"])): c.confidence for c in extract_parameters(doc) if "table" in c.flags}
    assert got[("FooNet (B)", 213_000_000)] >= 0.65 and got[("FooNet (C)", 36_000_000)] >= 0.65 > 0.35 > got[("Transformer (C)", 36_000_000)]
    assert got[("BazLM 3.9B", 3_900_000_000)] >= 0.65 and got[("LLaMA 700M", 700_000_000)] < 0.35
    assert ("BazLM 13B", 13_000_000_000) in got and not any(m == "LLaMA 7B" for m, _ in got)


def test_rows_abbreviating_an_own_model_are_own_and_row_numbers_are_not_labels(doc_of) -> None:
    from flopsdb.extract.models import find_models

    doc = doc_of("We propose MobileNetV9.")
    doc.models = find_models(doc)
    doc.tables.append(
        _params_table(
            [["N", "Backbone", "mIOU", "Params"], ["1", "V8", "72.8", "2.11M"], ["2", "V9", "72.6", "3.60M"], ["3", "V9-Small", "68.4", "0.47M"]]
        )
    )
    got = {(c.model, round(c.fields["value"])): c.confidence for c in extract_parameters(doc) if "table" in c.flags}
    assert got[("V9", 3_600_000)] >= 0.65 and got[("V9-Small", 470_000)] >= 0.65 and got[("V8", 2_110_000)] < 0.35


def test_sentence_counts_are_linked_to_the_model(doc_of) -> None:
    from flopsdb.extract.models import find_models

    doc = doc_of("We propose FooNet, a network. FooNet-Large has 340M parameters, while BERT [4] has 110M parameters.")
    doc.models = find_models(doc)
    got = {round(c.fields["value"]): c for c in extract_parameters(doc)}
    assert (got[340_000_000].model, got[340_000_000].scope, got[340_000_000].fields["own"]) == ("FooNet-Large", "model", True)
    assert got[110_000_000].fields["own"] is False and got[110_000_000].model is None and got[110_000_000].confidence < 0.35


@pytest.mark.shared
@pytest.mark.parametrize(
    "paper, needle, own, other",
    [
        ("1608.06993", "only has 15.3M parameters", 15_300_000, 30_000_000),
        ("1506.01497", "27 million for MultiBox", 2_400_000, 27_000_000),
    ],
)
def test_real_sentences_own_and_baseline_counts(corpus_doc, paper: str, needle: str, own: int, other: int) -> None:
    from flopsdb.extract.models import find_models
    from flopsdb.extract.parameters import own_models

    doc = corpus_doc(paper)
    got = _by_value(sentence_with(doc, needle), own_models(replace_models(doc, find_models(doc))))
    assert got[own]["confidence"] >= 0.35 > got[other]["confidence"]


def replace_models(doc, models):
    """The document with its own models set (the parsed corpus Documents are shared between tests)."""
    import copy

    out = copy.copy(doc)
    out.models = models
    return out


@pytest.mark.shared
def test_real_layer_table_and_scaled_header(corpus_doc) -> None:
    from flopsdb.extract.models import find_models

    googlenet = replace_models(corpus_doc("1409.4842"), ())
    googlenet.models = find_models(googlenet)
    assert not any(c.fields["value"] == 159_000 for c in extract_parameters(googlenet))
    wt = replace_models(corpus_doc("1711.02132"), ())
    wt.models = find_models(wt)
    values = {round(c.fields["value"]) for c in extract_parameters(wt) if c.confidence >= 0.35}
    assert {36_000_000, 50_000_000, 80_000_000, 213_000_000} <= values


def test_a_size_printed_after_an_own_model_name_is_its_parameter_count() -> None:
    got = _by_value("On every benchmark we report, the new Mistral 7B outperforms the larger Llama 2 13B model by a clear margin.", _own("Mistral"))
    assert got[7_000_000_000]["own"] is True and got[7_000_000_000]["confidence"] >= 0.35
    assert 13_000_000_000 not in got or got[13_000_000_000]["confidence"] < 0.35


def test_a_model_size_cue_and_a_parameter_row(doc_of) -> None:
    from flopsdb.extract.models import find_models

    assert counts_in("We use a model size of 340M in all runs.")[0]["value"] == 340e6
    doc = doc_of("We introduce BarLM, a language model.")
    doc.models = find_models(doc)
    doc.tables.append(_params_table([["", "BarLM-S", "BarLM-L"], ["Layers", "12", "24"], ["Params", "125M (1x)", "1.3B"]]))
    got = {(c.model, round(c.fields["value"])) for c in extract_parameters(doc) if c.confidence >= 0.35}
    assert got == {("BarLM-S", 125_000_000), ("BarLM-L", 1_300_000_000)}


def test_a_parameter_title_below_a_short_header_is_found(doc_of) -> None:
    doc = doc_of("We propose FooNet.")
    doc.tables.append(
        _params_table([["Model", "Size", "Top-1"], ["", "#Params (M)", "(%)"], ["FooNet-S", "4.2", "74.0"], ["FooNet-L", "12.5", "77.0"]])
    )
    got = {(c.model, round(c.fields["value"])) for c in extract_parameters(doc)}
    assert got == {("FooNet-S", 4_200_000), ("FooNet-L", 12_500_000)}


def test_an_own_size_joined_by_a_hyphen_and_a_caption_unit(doc_of) -> None:
    from flopsdb.extract.document import Box, Caption, Table

    got = _by_value("On most benchmarks, the new FooLM-13B outperforms GPT-3 (175B) while being more than 10x smaller.", _own("FooLM"))
    assert got[13_000_000_000]["own"] is True and 175_000_000_000 not in got
    assert counts_in("ResNet-50 and ResNet-101 are strong.", _own("FooLM")) == []
    doc = doc_of("We propose FooNet.")
    cells = _params_table([["Model", "Params", "Top-1"], ["FooNet-S", "4.2", "74.0"]]).rows
    doc.tables.append(
        Table(
            4, Box(50, 100, 500, 300), Caption("table", "2", "Table 2: Accuracy (parameters in millions).", 4, Box(50, 90, 400, 98), 0, 1), cells, 1
        )
    )
    assert [round(c.fields["value"]) for c in extract_parameters(doc)] == [4_200_000]


# --------------------------------------------------------------------------- parameters.v3: phrasings of own totals,
# differences stated by a verb, parts of a model, capitalised baselines only, unclaimed counts next to a citation


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("Our model has 340M parameters.", 340e6),
        ("We train a 1.5B parameter model on the corpus.", 1.5e9),
        ("Our largest model, with 175 billion parameters, is trained on 300B tokens.", 175e9),
        ("The resulting network contains 25.6 million parameters.", 25.6e6),
        ("The number of parameters of our model is 66 million.", 66e6),
        ("Our model contains approximately 1.2 billion trainable parameters.", 1.2e9),
        ("It has 12 layers, 768 hidden units and 110M parameters in total.", 110e6),
        ("We scale the model to 6.7B parameters.", 6.7e9),
        ("Our model achieves 80.1% accuracy with 5.3M parameters and 390M FLOPs.", 5.3e6),
        ("In total, the encoder and the decoder have 60M parameters.", 60e6),
    ],
)
def test_own_totals_in_many_phrasings_are_asserted(sentence: str, value: float) -> None:
    asserted = [c for c in counts_in(sentence) if c["confidence"] >= 0.35 and c["own"] is not False]
    assert [c["value"] for c in asserted] == [pytest.approx(value)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The proposed model adds only 2M parameters to the backbone.",
        "This adds 0.5M parameters.",
        "The extra branch introduces 1.2M parameters.",
        "Weight sharing reduces the model size by 3M parameters.",
        "The embedding layer has 30M parameters.",
        "The word embeddings account for 23M parameters of the model.",
        "About 12M parameters are in the embedding layers.",
        "GPT-3 (Brown et al., 2020) has 175B parameters.",
    ],
)
def test_differences_parts_and_cited_counts_are_not_asserted(sentence: str) -> None:
    assert not [c for c in counts_in(sentence) if c["confidence"] >= 0.35 and c["own"] is not False]


@pytest.mark.shared
@pytest.mark.parametrize(
    "paper, needle, value",
    [
        ("1608.06993", "DenseNet-201 with 20M parameters", 20_000_000),
        ("1611.01603", "about 2.6 million parameters", 2_600_000),
    ],
)
def test_real_develop_sentences_of_own_totals(corpus_doc, paper: str, needle: str, value: int) -> None:
    from flopsdb.extract.models import find_models
    from flopsdb.extract.parameters import own_models

    doc = corpus_doc(paper)
    models = own_models(replace_models(doc, find_models(doc)))
    got = [c for c in counts_in(sentence_with(doc, needle), models) if c["confidence"] >= 0.35 and c["own"] is not False]
    assert [round(c["value"]) for c in got] == [value]


# --------------------------------------------------------------------------- parameters.v6: a second own model named by
# its role, an own name after the count, appositives, names before a parenthesis, own training verbs, suppositions, data


def test_a_count_before_a_role_noun_is_a_second_own_model_kept_beside_the_main_one(doc_of) -> None:
    """'6B RMs' and 'a single 6B reward model' are one reward model, a fact of its own beside the 6B main model."""
    from flopsdb.extract.facts import select_facts
    from flopsdb.extract.pipeline import extract_document

    doc = doc_of(
        "InstructFoo: aligned models\nWe call the resulting models InstructFoo. We train three model sizes (1.3B, 6B, and 175B "
        "parameters). In this paper we only use 6B RMs, as this saves compute. We trained a single 6B reward model for all sizes."
    )
    facts = select_facts(c for c in extract_document(doc, names=["parameters.v6"]) if c.kind == "parameters")
    assert sorted(c.fields["value"] for c in facts) == [1.3e9, 6e9, 6e9, 175e9]
    assert {c.model for c in facts if c.fields.get("role")} == {"reward model 6B"}


def test_an_own_name_after_the_count_takes_it() -> None:
    got = _by_value("We compare responses from our 52B HH RLHF model and 52B RL-CAI CoT model.", _own("Constitutional AI", "RL-CAI"))
    assert [c["model"].name for c in got.values() if c["model"]] == ["RL-CAI"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "sentence, models, own",
    [
        ("Two pieces matter: MiniLM, a 22-million-parameter encoder we use for the filter, and QLoRA.", (), False),
        ("For the agent, we select the Deep Seek Chat model, a 671 billion parameter model hosted elsewhere.", (), False),
        ("We release ZapNet, a 37.5M-parameter model for tagging.", ("ZapNet",), True),
        ("In this lab I worked with GPT-2 small (124M parameters and a vocabulary of 50,257 tokens).", (), False),
        ("Meta-Llama-3-8B (≈ 8 B parameters) was probed with the lens script.", (), False),
        ("Experiment Setup We fine-tune a 7B parameter LLaMa model Touvron et al. [2023] on various datasets.", (), True),
        ("We use BERT-large with 340M parameters as the encoder.", ("ZapNet",), False),
        ("We compare with BERT-large, which has 340M parameters.", ("ZapNet",), False),
        ("Our model outperforms T5-XXL, which has 11B parameters.", ("ZapNet",), False),
        ("ZapNet, which has only 25M parameters, outperforms ResNet-152.", ("ZapNet",), True),
        ("BERT (Devlin et al., 2019) is popular, its base version has 12 encoder layers with 110M parameters in total.", (), False),
        ("OpenAI's Whisper model comes in several sizes, the medium one consisting of 769M parameters in total.", (), False),
    ],
)
def test_appositives_parenthesised_names_and_own_training_verbs(sentence: str, models: tuple[str, ...], own: bool) -> None:
    (c,) = counts_in(sentence, _own(*models))
    assert c["own"] is own and (c["confidence"] >= 0.35) is own


@pytest.mark.parametrize(
    "sentence, values",
    [
        ("Suppose we fine-tune a 7B-parameter open-weight model on the attention projections.", []),
        ("Our 20M-parameter model was trained on 1.2M labeled images.", [20e6]),
        ("Our model has 7B parameters and a 128K context window.", [7e9]),
        ("Our model has 7B parameters, trained on 11 million images and 1.1 billion masks.", [7e9]),
        ("Our model uses a ResNet-50 backbone with 25M parameters.", []),
        ("Our detector uses a backbone with 25M parameters and has 40M parameters in total.", [40e6]),
    ],
)
def test_suppositions_and_data_sizes_are_not_asserted(sentence: str, values: list[float]) -> None:
    assert [c["value"] for c in counts_in(sentence) if c["confidence"] >= 0.35 and c["own"] is not False] == values


def test_an_unmarked_row_of_a_well_known_model_is_another_works(doc_of) -> None:
    """parameters.v6: in a parameter table that names no own model, a row of a well-known model ("ResNet-50",
    "BERT-base-cased") is another work's (0.3), a row of a family word ("Swin Transformer-Small") stays neutral."""
    doc = doc_of("We propose ZapNet, a small network.")
    doc.tables.append(_table([["Model", "Params", "Top-1"], ["ResNet-50", "25.6M", "76.1"], ["Swin Transformer-Small", "49M", "83.0"]]))
    doc.models = find_models(doc)
    by_value = {round(c.fields["value"]): c.confidence for c in extract_parameters(doc) if "table" in c.flags}
    assert by_value[25_600_000] < 0.35 <= by_value[49_000_000]
