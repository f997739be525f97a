"""parameters.v6: parameter counts of the paper's own models ("213M parameters", "1.5B", "about 2.6 million
parameters", "25.5×10^6", "6B RMs", "11,238,723 parameters") from sentences and from the parameter or size column of
tables, linked to the model.

v6 (patterns in ``extract/data/parameters.v6.json``) adds to v5: a count before a role noun ("6B RMs", a critic, a
verifier) is a second own model's, kept beside the main model's count of the same value; an own model's name right
after the count takes it ("52B RL-CAI CoT model"); the name of an appositive or relative clause owns the count
("MiniLM, a 22M encoder we use" is another work's); a name of up to three words before a parenthesised count owns
it; "we use X with N parameters" gives the count to X; "we fine-tune a 7B LLaMa model" is own; "suppose", "imagine"
and "assume" make no fact; a backbone's count is a part unless the text says in total; data nouns after up to two
adjectives ("1.2M labeled images", "128K context") are no counts; an unmarked table row of a well-known model is
another work's.

v5 (patterns in ``extract/data/parameters.v5.json``, written from real passages outside the corpora,
``tests/fixtures/phrasings/real_parameters.v2.jsonl``) adds to v4: a word scale after a hyphen ("a
37.5-million-parameter model"); both ends of a range of own models ("models ranging from 150M to 7B parameters"),
none of a range in a sentence without an own cue ("(2B-235B parameters)"); active and non-embedding counts are not
totals ("501B ... with 23B parameters active per token"); bounds ("< 32B parameters") and rules of thumb ("1B params ≈
2GB") are no counts; counts printed in full ("Total number of parameters is 25,450", a "params" column of
"3,293,447"); "a 70B-parameter model takes 140 GB" (an indefinite article, no own cue) is any model of that size;
"than X model (280B parameters)" is X's; a table that marks own rows ("X (Ours)") leaves the other rows to other work.
v4 adds to v3: "3M parameters fewer than" and the old value of a
change ("reduce the parameters from 25M to 10M") are differences; a count in parentheses after a name is that name's
("GPT-2 (1.5B parameters)" a baseline's, "ZapNet-Large (340M)" the own model's); a count in a clause that supposes
("scaling the model to 10B parameters would require ...") and "more than 100B parameters" in a sentence with no own
cue are no statements; "24 layers with 300M parameters" is the whole model's count, not a part's; a unit row under
a parameter title ("Params" over "(M)") gives the cells their unit; row labels that start with a layer word
("FC-DenseNet56") do not make a layer-by-layer table. v3 adds to v2: differences stated by a verb before the count ("adds
only 2M parameters", "reduces the size by 3M") are not counts; a count whose phrase names a part of the model ("the
embedding layer has 30M parameters", "23M parameters in the embeddings") is not the model's total unless it says
total; a name after the count must be capitalised to be a baseline's ("with 5.3M parameters and 390M FLOPs" is no
baseline); an unclaimed count in a sentence that cites others' work and has no own cue is a baseline's. v2: each count is given to the model whose phrase holds it (the
nearest model name before it in its clause, or "for X" / "N-parameter X" after it), so "our model has 15M parameters,
fewer than ResNet [12] with 40M" gives the own model high and the baseline low confidence; differences ("8M more
parameters") and orders of magnitude are not counts; layer-by-layer architecture tables are not read; a size printed
in an own model's row label or a "Size" column ("BitNet b1.58 3B", "700M") counts. The paper's own models are
``Document.models`` less the ones it cites ("ResNet [12]"); ``fields["own"]`` says whether a count is theirs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from flopsdb.core.ids import model_key
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Document, Evidence, ModelName, Table
from flopsdb.extract.models import abbreviates, link_model, linked_candidate, main_model, row_model, variant_mention, vocabulary
from flopsdb.extract.stage import NUMBER, SentenceSpan, classify_stage, hedge_pattern, in_table, iter_sentences

EXTRACTOR = "parameters.v6"
"""The extractor's versioned name; its patterns are ``extract/data/<EXTRACTOR>.json``."""

_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mil": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}
_PREFILTER = re.compile(r"param|\d\s*(?:[MB]|million|billion)\b", re.I)
_MODEL_WORD = re.compile(
    r"(?<![\w\-])(?:[A-Z][a-z]*[A-Z0-9][\w\-\.]*|[A-Z][a-z]+(?:Net|Former|former|GPT|BERT)\w*|[A-Z]{2,}[\w\-]*|[A-Z][a-z]+(?:-[A-Z][a-z]+)*(?:-\d+(?:\.\d+)?)*-\d+(?:\.\d+)?[BMK])(?![\w\-])"
)


@lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    """The data file ``extract/data/<EXTRACTOR>.json`` with its regexes compiled."""
    data = json.loads((Path(__file__).parent / "data" / f"{EXTRACTOR}.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k == "header_scale":
            out[k] = [(float(f), re.compile(r)) for f, r in v.items()]
        elif isinstance(v, str) and not k.startswith("_"):
            out[k] = re.compile(v, re.I)
        else:
            out[k] = v
    return out


def own_models(doc: Document) -> tuple[ModelName, ...]:
    """``Document.models`` less the names the paper cites ("ResNet [12]", "GPT-3 (Brown et al., 2020)"): a cited
    model is someone else's, whatever the title detection made of it. Names marked "(ours)" always stay."""
    out = []
    for m in doc.models:
        if m.source == "ours":
            out.append(m)
            continue
        cited = re.search(re.escape(m.name) + r"\s*(?:\[\d|\((?:[A-Z][\w\-]+(?: et al\.?| and [A-Z][\w\-]+)?),?\s*\d{4})", doc.text)
        if not cited:
            out.append(m)
    return tuple(out)


def _dataset_word(word: str) -> bool:
    from flopsdb.core.taxonomy import load_taxonomy

    return load_taxonomy().get(word) is not None


def model_words(text: str, models: Iterable[ModelName] = ()) -> list[str]:
    """Words of ``text`` that look like model names ("ResNet", "GPT-3", "BERT") and are none of ``models``, not
    a dataset of the taxonomy and not a generic word of the models.v3 stoplist ("CNN", "LSTM", "GPU")."""
    stop = vocabulary()["_stop"]
    models = tuple(models)
    out = []
    for w in _MODEL_WORD.finditer(text):
        word = w.group(0)
        if word.lower() in stop or word.lower().rstrip("s") in stop or re.fullmatch(r"[GT]PUs?|CPUs?|NVIDIA|FLOPs?|MACs?|GB|MB", word):
            continue
        if _dataset_word(word) or link_model(word, models) is not None:
            continue
        out.append(word)
    return out


def name_just_before(sentence: str, start: int, models: Iterable[ModelName]) -> ModelName | None:
    """The own model whose name ends right before ``sentence[start]`` ("Mistral 7B", "BitNet b1.58 3B")."""
    before = sentence[max(0, start - 60) : start]
    for model in models:
        hits = [h for h in re.finditer(re.escape(model.name) + r"(?:-[\w.]+)*(?:[\s\-]?|\s*\(\s*)$", before, re.I)]
        if hits:
            return model
    return None


def holder(sentence: str, start: int, end: int, models: Iterable[ModelName] = ()) -> tuple[bool | None, ModelName | None]:
    """Whose count ``sentence[start:end]`` is: ``(own, model)``, own True for the paper's models, False for a
    baseline's, None when the sentence does not say; ``model`` the own model it names."""
    p = patterns()
    models = tuple(models)
    named = name_just_before(sentence, start, models)
    if named is not None:
        return True, named
    head = sentence[:start]
    paren = re.search(
        r"(?P<name>\S+(?:\s+(?-i:[A-Za-z0-9][\w\-\.]*)){0,2}?)(?:\s+(?:models?|networks?|LMs?))?\s*\(\s*(?:about|around|roughly|approximately|only|~|≈)?\s*$",
        head,
    )
    if paren and (model_words(paren.group("name"), models) or p["baseline_before"].search(sentence[max(0, paren.start() - 60) : paren.start()])):
        if link_model(paren.group("name"), models) is None:
            return False, None  # "GPT-2 (1.5B parameters)", "GPT-2 small (124M parameters)": the name's before the parenthesis
    relative = p["relative_of"].search(head)
    if relative:
        own = link_model(relative.group("name"), models)
        if own is not None:
            return True, own  # "ZapNet, which has only 25M parameters"
        if model_words(relative.group("name"), models):
            return False, None  # "We compare with BERT-large, which has 340M parameters"
    appositive = p["appositive"].search(head)
    if appositive:
        name = appositive.group("name")
        own = link_model(name, models)
        if own is not None:
            return True, own  # "ZapNet, a 37.5M-parameter model"
        if p["tool_use"].search(sentence) or (model_words(name, models) and not p["own_training_before"].search(head[: appositive.start()])):
            return False, None  # "MiniLM, a 22-million-parameter encoder we use"
    if p["own_training_before"].search(head):
        after_name = p["baseline_after"].match(sentence[end:])
        return True, link_model(after_name.group("name"), models) if after_name else None  # "we fine-tune a 7B LLaMa model"
    after = sentence[end:]
    named_after = p["own_name_after"].match(after)
    if named_after and link_model(named_after.group("name"), models) is not None:
        return True, link_model(named_after.group("name"), models)  # "52B RL-CAI CoT model" for the own RL-CAI
    m = p["baseline_after"].match(after)
    if m and (re.match(r"\s*(?:-?\s*param\w*\s+|for\s)", after, re.I)):
        name = m.group("name")
        own = link_model(name, models)
        if own is not None:
            return True, own
        if model_words(name, models):
            return False, None
    cuts = [c.end() for c in p["boundary"].finditer(sentence, 0, start) if not re.fullmatch(r"and|that|which", c.group(0), re.I)]
    lo = max(cuts + [max(0, start - 100)])
    clause = sentence[lo:start]
    strong_cuts = [c.end() for c in p["boundary"].finditer(sentence, 0, start)]
    phrase = sentence[max(strong_cuts + [max(0, start - 100)]) : start]
    stop = vocabulary()["_stop"]
    names = [
        w
        for w in _MODEL_WORD.finditer(clause)
        if w.group(0).lower().rstrip("s") not in stop
        and w.group(0).lower() not in stop
        and not re.fullmatch(r"[GT]PUs?|CPUs?|NVIDIA|FLOPs?|MACs?|GB|MB", w.group(0))
        and not _dataset_word(w.group(0))
    ]
    if names:
        last = names[-1]
        between = clause[last.end() :]
        if p["baseline_before"].search(between):
            return False, None
        name_text = clause[last.start() :]
        own = link_model(name_text, models) or link_model(last.group(0), models)
        if own is not None:
            return True, own
        if not (p["own_before"].search(phrase) or p["own_possessive"].search(clause)):
            return False, None
        lead = clause[: last.start()]
        if p["tool_use"].search(lead) and not p["own_possessive"].search(lead):
            return False, None  # "We use BERT-large with 340M parameters as the encoder": the used model's count
    if p["baseline_before"].search(clause):
        return False, None
    if p["own_before"].search(phrase) or p["own_before"].search(clause):
        return True, link_model(clause, models)
    return None, None


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    value = rf"(?P<num>{NUMBER})(?:\s*|\s*-\s*(?=thousand|million|billion|trillion))(?:(?P<scale>[KMBT]|[Bb]n|thousand|millions?|billions?|trillion)(?![A-Za-z])|[×x]\s*10\^?\s*(?P<exp>\d{{1,2}}))"
    sentence = re.compile(rf"(?:(?P<hedge>{hedge_pattern()})\s*)?{value}", re.I)
    cell = re.compile(rf"^\s*(?:(?P<hedge>{hedge_pattern()})\s*)?{value}\s*$|^\s*(?P<plain>{NUMBER})\s*$", re.I)
    return sentence, cell


def parse_count(num: str, scale: str | None, exp: str | None) -> float | None:
    """``("213", "M", None)`` -> 213e6; ``("25.5", None, "6")`` -> 25.5e6."""
    try:
        value = float(num.replace(",", ""))
    except ValueError:
        return None
    if exp:
        return value * 10 ** int(exp)
    if scale:
        factor = _SCALE.get(scale.lower())
        if factor is None or (scale == "m" and False):
            return None
        return value * factor
    return value


def is_part(sentence: str, start: int, end: int) -> bool:
    """Whether the count ``sentence[start:end]`` is the size of a part of a model (an embedding, a layer, a head, the
    decoder: ``part_before`` / ``part_after``) rather than its total (``total_cue`` before it in the sentence or
    right after it)."""
    p = patterns()
    cuts = [c.end() for c in p["boundary"].finditer(sentence, 0, start) if not re.fullmatch(r"and|that|which", c.group(0), re.I)]
    phrase = sentence[max(cuts + [max(0, start - 80)]) : start]
    after = sentence[end : end + 60]
    if p["total_cue"].search(sentence[:start]) or p["total_cue"].search(after[:25]):
        return False
    return bool(p["part_before"].search(phrase) or p["part_after"].match(after))


def generic_article(sentence: str, start: int) -> bool:
    """Whether the count at ``start`` follows an indefinite article that is not the predicate of a subject: "a
    70B-parameter model takes ...", "prompting a 540B-parameter model" (any model of that size), unlike "ZapNet, a
    37.5M-parameter model" or "it is an 80B-parameter model"."""
    p = patterns()
    m = p["generic_article"].search(sentence[max(0, start - 40) : start])
    return bool(m) and not (m.group("pre") and p["copula"].match(m.group("pre")))


def range_ends(sentence: str, found: list[re.Match[str]]) -> dict[int, str]:
    """The counts that end a range, by start: ``range`` for "from 150M to 7B parameters", "between 10M and 100M",
    "5M-314M" and a count after a bare number and a dash ("1-4B parameters"); ``change`` for a range downwards
    ("from 25M to 10M": a change of size, neither end a count)."""
    p = patterns()
    out: dict[int, str] = {m.start(): "range" for m in found if re.search(r"\d\s*[–—~\-]\s*$", sentence[: m.start()])}
    for a, b in zip(found, found[1:]):
        between = sentence[a.end() : b.start()]
        dash = between.strip() in ("-", "–", "—", "~")
        if p["range_between"].match(between) and (dash or p["range_before"].search(sentence[max(0, a.start() - 30) : a.start()])):
            lo, hi = (parse_count(x.group("num"), x.group("scale"), x.group("exp")) or 0.0 for x in (a, b))
            kind = "range" if lo < hi else "change"
            out[a.start()] = out[b.start()] = kind
    return out


def counts_in(sentence: str, models: Iterable[ModelName] = ()) -> list[dict[str, Any]]:
    """Parameter counts stated in one sentence: dicts with value, value_text, start, end, confidence, approx, own
    (True, False or None: see :func:`holder`) and model (the own :class:`ModelName` the count is given to, or None).

    ``models`` are the paper's own models (none: ownership from "our", "we" and baseline cues only)."""
    if not _PREFILTER.search(sentence):
        return []
    p = patterns()
    models = tuple(models)
    pattern, _ = _patterns()
    out = []
    tokens = sentence.split()
    tabular = len(tokens) > 6 and sum(1 for t in tokens if re.fullmatch(r"[\d.,×x%()/\-]+[MBKk]?", t)) > 0.3 * len(tokens)
    own_sentence = bool(p["own_before"].search(sentence)) or link_model(sentence, models) is not None
    found = list(pattern.finditer(sentence))
    ranged = range_ends(sentence, found)
    for m in found:
        if (
            m.start() > 0
            and re.match(r"[A-Za-z\-]", sentence[m.start() - 1])
            and not (sentence[m.start() - 1] == "-" and name_just_before(sentence, m.start(), models) is not None)
        ):
            continue  # "ResNet-50", "V100"; but "LLaMA-13B" for the own model LLaMA is a size
        after = sentence[m.end() :]
        if p["not_params_after"].match(after) or p["difference_after"].match(after):
            continue
        if p["vague_before"].search(sentence[max(0, m.start() - 30) : m.start()]):
            continue
        if ranged.get(m.start()) == "change" or (not own_sentence and m.start() in ranged):
            continue  # "models from 2B to 235B parameters", "(1-4B parameters)": a class of models unless they are ours
        if p["conversion_after"].match(after):
            continue  # "1B params ≈ 2GB": a rule of thumb, not a statement
        if p["not_total_after"].match(after):
            continue  # "23B parameters active per token", "22.6M non-embedding parameters": not the model's total
        if m.group("hedge") and p["bound_hedge"].match(m.group("hedge").strip()):
            continue  # "models < 32B parameters": a bound, not a count
        if not own_sentence and m.group("hedge") and p["vague_quantifier"].search(m.group("hedge") + " "):
            continue  # "models with more than 100B parameters": a class of models, not a count
        if p["difference_before"].search(sentence[max(0, m.start() - 60) : m.start()]):
            continue  # "adds only 2M parameters", "reduces the model size by 3M"
        if is_part(sentence, m.start(), m.end()):
            continue  # "the embedding layer has 30M parameters"
        value = parse_count(m.group("num"), m.group("scale"), m.group("exp"))
        if value is None or value < 1e4:
            continue
        window_after = after[:40].lower()
        window_before = sentence[max(0, m.start() - int(p["param_window"])) : m.start()].lower()
        direct = re.match(r"\s*(?:-|\s)?\s*(?:trainable\s+|learnable\s+|free\s+|total\s+)?(?:parameters?|params?|weights)\b", after, re.I)
        scale = (m.group("scale") or "").lower()
        if direct:
            conf = 0.7
        elif "param" in window_before or "param" in window_after:
            conf = 0.45
        elif scale in ("m", "b", "million", "billion") and p["sized_model"].match(after) and own_sentence:
            conf = 0.45
        elif p["size_cue_before"].search(sentence[: m.start()]):
            conf = 0.45
        elif scale in ("m", "b") and value >= 1e6 and name_just_before(sentence, m.start(), models) is not None:
            conf = 0.45
        else:
            continue
        out.append(_count(sentence, m.start(), m.end(), m.start("num"), value, conf, bool(m.group("hedge")), models, own_sentence, tabular))
    out.extend(raw_counts(sentence, models, own_sentence, tabular))
    return out


def _count(
    sentence: str,
    start: int,
    end: int,
    num_start: int,
    value: float,
    conf: float,
    approx: bool,
    models: tuple[ModelName, ...],
    own_sentence: bool,
    tabular: bool,
) -> dict[str, Any]:
    """One count of :func:`counts_in` with its holder (:func:`holder`) and its confidence after the cues of its
    sentence: the holder's ownership, a citation or comparison nearby, a tabular sentence, an indefinite article
    ("a 70B-parameter model takes ..."), a clause that supposes."""
    p = patterns()
    own, model = holder(sentence, start, end, models)
    if own is True:
        conf += 0.15
    elif own is False:
        conf = min(conf - 0.35, 0.25)
    else:
        near = sentence[max(0, start - 80) : start]
        if own_sentence:
            conf += 0.1
        if re.search(r"\[\d+(?:,\s*\d+)*\]|et al|\(\d{4}\)|\b(?:than|compared|vs\.?|versus|whereas|while|unlike)\b", near, re.I):
            conf -= 0.35
            if not own_sentence:
                own, conf = False, min(conf, 0.25)  # "GPT-3 (Brown et al., 2020) has 175B parameters"
        elif not own_sentence and p["other_subject"].search(sentence[:start]):
            own, conf = False, min(conf, 0.25)  # "BERT (Devlin et al., 2019) ... its base version has 110M", "OpenAI's Whisper"
    if tabular:
        conf -= 0.35
    if own is None and not own_sentence and generic_article(sentence, start):
        conf = min(conf, 0.3)  # "A 70B-parameter model takes 140 GB", "how a 100B-parameter model learns": any model
    lo = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start), 0)
    hi = min([i for i in (sentence.find(",", end), sentence.find(";", end)) if i >= 0] or [len(sentence)])
    if p["hypothetical"].search(sentence, lo, hi):
        conf = min(conf - 0.4, 0.3)  # "scaling the model to 10B parameters would require ...", "Suppose we fine-tune a 7B model"
    role = p["role_after"].match(sentence[end:]) if model is None and own is not False else None
    return {
        "role": _role_name(role.group("role")) if role else None,
        "value": value,
        "value_text": sentence[num_start:end].strip(),
        "start": start,
        "end": end,
        "confidence": round(max(0.05, min(0.95, conf)), 3),
        "approx": approx,
        "own": own,
        "model": model,
    }


def _role_name(word: str) -> str:
    """A role noun as a model's name, one per role (``role_names``): "RMs" and "reward models" -> "reward model",
    "teachers" -> "teacher"."""
    word = " ".join(word.split())
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return str(patterns()["role_names"].get(word.lower(), word))


_RAW = re.compile(r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3}){1,4})(?![\w,]|\.\d)")


def raw_counts(sentence: str, models: tuple[ModelName, ...], own_sentence: bool, tabular: bool) -> list[dict[str, Any]]:
    """Counts printed in full with thousands separators ("11,238,723 trainable parameters", "Total number of
    parameters is 25,450", "parameters: ~1,415,811"): right before the word parameters or right after a parameter
    cue, never elsewhere (a bare "50,000" is images, steps or tokens)."""
    p = patterns()
    out = []
    for m in _RAW.finditer(sentence):
        value = float(m.group("num").replace(",", ""))
        if value < 1e4:
            continue
        if p["raw_after"].match(sentence[m.end() :]):
            conf = 0.7
        elif p["raw_before"].search(sentence[max(0, m.start() - 60) : m.start()]):
            conf = 0.6
        else:
            continue
        approx = bool(re.search(r"(?:~|≈|about|around|approximately|roughly)\s*$", sentence[: m.start()], re.I))
        out.append(_count(sentence, m.start(), m.end(), m.start(), value, conf, approx, models, own_sentence, tabular))
    return out


def titled_columns(table: Table, wanted: Any, max_rows: int = 3) -> list[tuple[int, str, list[Any]]]:
    """(column, title, body rows) of the columns (not the first) whose title ``wanted`` accepts: the header's title,
    or, when the header row detection stopped short, the cells of one of the first ``max_rows`` rows joined to
    those above them ("Training" over "(GPU days)"), the rows below being the body."""
    header = table.header
    rows = list(table.rows)
    width = max((len(r) for r in rows), default=0)
    out = []
    for col in range(1, width):
        title = header[col] if col < len(header) else ""
        if wanted(title):
            out.append((col, title, list(table.body())))
            continue
        parts: list[str] = []
        for k, row in enumerate(rows[:max_rows]):
            text = row[col].text.strip() if col < len(row) else ""
            if text:
                parts.append(text)
            joined = " ".join(parts)
            if k >= table.header_rows and joined and wanted(joined) and not re.fullmatch(r"[~≈<>]?\s*[\d.,]+\s*[%KMBkmbhHdD]?\s*[*†‡§]*", text):
                out.append((col, joined, rows[k + 1 :]))
                break
    return out


def _param_column(table: Table) -> tuple[int, bool] | None:
    """The parameter column (index, True) or else a model-size column (index, False: its cells need a scale)."""
    for i, title in enumerate(table.header):
        if i and patterns()["param_title"].search(title) and not re.search(r"FLOP|MAC|ratio|%|reduc|saving", title, re.I):
            return i, True
    for i, title in enumerate(table.header):
        if i and patterns()["size_header"].search(title):
            return i, False
    return None


def _header_scale(title: str) -> float:
    for factor, pattern in patterns()["header_scale"]:
        if pattern.search(title):
            return factor
    return 1.0


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def row_confidence(label: str, names: list[str]) -> float:
    """Own rows high, cited or re-reported baselines low, others in between.

    ``names`` are the own-model names to look for; empty when no row of the table mentions one."""
    if re.search(r"\[\d+(?:,\s*\d+)*\]|et al|reported by|\(\d{4}\)", label, re.I):
        return 0.25
    if re.search(r"\bours\b|\(ours\)|\bproposed\b", label, re.I):
        return 0.75
    if not names:
        return 0.5
    key = _key(label)
    if any(_key(n) and _key(n) in key for n in names):
        return 0.65
    return 0.3


def layer_table(table: Table) -> bool:
    """Whether the table lists an architecture layer by layer ("convolution", "max pool", "inception (3a)"): its
    parameter column counts per layer, not per model."""
    p = patterns()
    labels = [r[0].text.strip() for r in table.body() if r and r[0].text.strip()]
    if not labels:
        return False
    layers = sum(1 for label in labels if p["layer_rows"].match(label))
    return layers >= p["layer_share"] * len(labels)


_SIZE = re.compile(r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s*(?P<scale>[MB])(?![\w])")


def _from_table(doc: Document, table: Table, names: list[str] | None = None) -> list[Candidate]:
    """Parameter counts of one table: its parameter (or size) column, else sizes in own models' row labels."""
    if layer_table(table):
        return []
    models = own_models(doc)
    found = _column_counts(table)
    column = _param_column(table)
    sized_by_column = bool(found) and column is not None and column[1]
    if not found:
        found = _row_counts(table)
        sized_by_column = bool(found)
    if not found:
        found = _label_sizes(table, models)
    if not found:
        return []
    mentioned = [
        n for n in (names if names is not None else [m.name for m in models]) if any(_key(n) and _key(n) in _key(label) for label, *_ in found)
    ]
    out = []
    abbreviated = any(abbreviates(label, models) for label, *_ in found)
    marked = any(row_confidence(label, []) > 0.5 for label, *_ in found)
    for label, snippet, cell, value, text in found:
        conf = row_confidence(label, mentioned)
        own = link_model(label, models) or abbreviates(label, models)
        if own is not None:
            conf = max(conf, 0.65)
        elif conf == 0.5 and _known_baseline(label):
            conf = 0.3  # "ResNet-50", "BERT-base": a well-known model's row, not the paper's
        elif (mentioned or abbreviated or marked or not sized_by_column) and conf == 0.5:
            conf = 0.3  # a table that names or marks its own rows ("X (ours)") leaves the others to other work
        model, key = (label, row_model(label, models)[1]) if label else (None, None)
        out.append(
            Candidate(
                paper=doc.paper,
                kind="parameters",
                extractor=EXTRACTOR,
                evidence=Evidence(page=table.page, bbox=cell.bbox, snippet=snippet),
                confidence=conf,
                fields={"value": value, "value_text": text, "own": conf >= 0.5, "model_confidence": 0.9 if own else 0.5},
                model=model,
                model_key=key,
                scope="model" if model else None,
                stage="training",
                flags=("table",),
            )
        )
    return out


@lru_cache(maxsize=1)
def _known_models() -> re.Pattern[str]:
    from flopsdb.extract.table_results import vocabulary as table_vocabulary

    generic = set(patterns()["known_generic"])
    names = sorted((n for n in table_vocabulary()["known_models"] if n not in generic), key=len, reverse=True)
    return re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z])")


def _known_baseline(label: str) -> bool:
    """Whether a row label names a well-known model of the areas (``known_models`` of the table reader's vocabulary:
    "ResNet-50", "BERT-base", "GPT-2 (1.5B)")."""
    return bool(_known_models().search(label))


def _column_counts(table: Table) -> list[tuple[str, str, Any, float, str]]:
    found = _param_column(table)
    body: list[Any] = list(table.body())
    title = table.header[found[0]] if found else ""
    if found is None or not found[1]:  # the header detection stopped short: a parameter title in one of the first rows
        late = titled_columns(table, lambda t: bool(patterns()["param_title"].search(t)) and not re.search(r"FLOP|MAC|ratio|%|reduc|saving", t, re.I))
        if late:
            col, title, body = late[0]
            found = (col, True)
        elif found is None:
            return []
    col, is_param = found
    unit_scale = _header_scale(title) if is_param else 1.0
    if is_param and unit_scale == 1.0 and body and col < len(body[0]) and patterns()["unit_row"].match(body[0][col].text):
        unit_scale, body = _header_scale(f"({body[0][col].text.strip(' ()[]')})"), body[1:]  # "Params" over "(M)"
    if is_param and unit_scale == 1.0 and table.caption is not None and patterns()["caption_millions"].search(table.caption.text):
        unit_scale = 1e6  # "Params" column, the caption says "(parameters in millions)"
    out = []
    for row in body:
        if col >= len(row) or not row[col].text.strip():
            continue
        cell = row[col]
        value = cell_count(cell.text, unit_scale if is_param else None)
        if value is None:
            continue
        label = row_label(row[:col])
        if not is_param and label and not _SIZE.search(label):
            label = f"{label} {cell.text.strip()}"  # "BitNet b1.58" in a row whose Size column says 3B: "BitNet b1.58 3B"
        out.append((label, " ".join(c.text for c in row if c.text), cell, value, cell.text.strip()))
    return out


def cell_count(text: str, unit_scale: float | None) -> float | None:
    """The parameter count a table cell prints ("25.6M", "~1.2B", "26M (5.3x)", "25.6*"); a bare number counts only
    under a title giving its unit (``unit_scale``, e.g. 1e6 for "Params (M)")."""
    _, cell_re = _patterns()
    clean = re.sub(r"\s*\([^)]*\)\s*$", "", text.replace("∼", "~")).rstrip("*†‡§ ")
    m = cell_re.match(clean)
    if not m:
        return None
    value: float | None
    if m.group("plain"):
        if unit_scale == 1.0 and re.fullmatch(r"\d{1,3}(?:,\d{3})+", m.group("plain")):
            unit_scale = 1.0  # "3,293,447" under a parameter title without a unit: the count itself
        elif not unit_scale or unit_scale == 1.0:
            return None
        value = float(m.group("plain").replace(",", "")) * unit_scale
    else:
        value = parse_count(m.group("num"), m.group("scale"), m.group("exp"))
    return value if value and value >= 1e4 else None


def _row_counts(table: Table) -> list[tuple[str, str, Any, float, str]]:
    """A parameter row ("Params | 125M | 350M"), the column titles naming the models."""
    header = table.header
    out = []
    for row in table.rows[table.header_rows :]:
        title = row[0].text.strip() if row else ""
        if not title or not patterns()["param_title"].search(title) or re.search(r"FLOP|MAC|ratio|%", title, re.I):
            continue
        scale = _header_scale(title)
        for col, cell in enumerate(row[1:], 1):
            value = cell_count(cell.text, scale)
            label = header[col].strip() if col < len(header) else ""
            if value is not None and label:
                out.append((label, f"{label} | {title} | {cell.text.strip()}", cell, value, cell.text.strip()))
    return out


def row_label(cells: Iterable[Any]) -> str:
    """A table row's label: its first cell that is not empty and not a bare row number."""
    texts = [c.text.strip() for c in cells if c.text.strip()]
    return next((t for t in texts if not re.fullmatch(r"\(?\d{1,3}[.)]?", t)), texts[0] if texts else "")


def _label_sizes(table: Table, models: tuple[ModelName, ...]) -> list[tuple[str, str, Any, float, str]]:
    """Sizes printed in the row labels of own models ("BitNet b1.58 3B", "LLaMA-2 Long 70B")."""
    out = []
    for row in table.body():
        if not row or not row[0].text.strip():
            continue
        label = row[0].text.strip()
        if link_model(label, models) is None:
            continue
        m = _SIZE.search(label)
        if not m:
            continue
        value = parse_count(m.group("num"), m.group("scale"), None)
        if value and value >= 1e6:
            out.append((label, " ".join(c.text for c in row if c.text), row[0], value, m.group(0)))
    return out


def extract_parameters(doc: Document) -> list[Candidate]:
    """``Document -> list[Candidate]`` of kind ``parameters`` (sentences, then tables), each linked to a model."""
    out: list[Candidate] = []
    models = own_models(doc)
    for sent in iter_sentences(doc):
        out.extend(_from_sentence(doc, sent, models))
    for table in doc.tables:
        out.extend(_from_table(doc, table))
    return out


def _from_sentence(doc: Document, sent: SentenceSpan, models: tuple[ModelName, ...] = ()) -> list[Candidate]:
    found = counts_in(sent.text, models)
    if not found:
        return []
    found = [x for x in found if not in_table(doc, sent.start + int(x["start"]), sent.start + int(x["end"]))]
    stage = classify_stage(sent.text, sent.section)
    stage = "training" if stage == "inference" else stage
    main = main_model(models)
    out = []
    for c in found:
        model: ModelName | None = c["model"]
        name, key, scope, link_conf = None, None, None, 0.0
        fields: dict[str, Any] = {"value": c["value"], "value_text": c["value_text"], "own": c["own"] is not False}
        if model is None and c["role"] is not None:
            name, scope, link_conf = f"{c['role']} {c['value_text']}", "model", 0.6  # "6B RMs": a second own model, by its role
            key, fields["role"] = model_key(name), c["role"]
        elif model is not None:
            name = variant_mention(sent.text, model)
            key, scope, link_conf = model_key(name) or model.key, "model", 0.9
        elif c["own"] is not False and main is not None:
            name, scope, link_conf = main.name, "main_model", 0.45
            if float(c["value"]) >= 1e8 and re.fullmatch(r"\d+(?:\.\d+)?\s*[MB]", str(c["value_text"])):
                name = f"{main.name} {c['value_text']}"  # one of several sizes of the main model: "FLAN 422M"
            key = model_key(name) or main.key
        link = (name, key, scope, link_conf)
        ev = doc.evidence(sent.start, sent.end)
        flags = ("approx",) if c["approx"] else ()
        out.append(linked_candidate(doc, "parameters", EXTRACTOR, ev, float(c["confidence"]), fields, link, stage=stage, flags=flags))
    return out
