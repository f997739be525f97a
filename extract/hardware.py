"""hardware.v6: the accelerators a paper trained on, with count, unit and the model they trained, by an entity-first grammar.

v6 (grammar ``hardware_grammar.v5``): a named GPU in the singular with no count is one GPU ("trained on NVIDIA Tesla
V100 GPU", "on a Modal A10G"; flag ``singular``); a sentence that lists an environment ("GPU: 8x H100, RAM: 2TB,
Driver: ...") or tells the reader how to run ("To train on 2 nodes with 8 GPUs each:") is no training statement; a
device "for testing" or "for sampling" is not the training's; what hardware can train ("can be trained on a single
GPU", "suitable for training on a single A100", "supports training with V100") is hypothetical; a product's
specification ("Google TPU v3-8: 8 TPU cores") and a sweep of counts ("with 1, 2, 4, 8 GPUs") state no training; a
model card's "Hardware Type:" names the hardware.

v4 (grammar ``hardware_grammar.v4``): whose statement the hardware is comes from its clause
(:func:`~flopsdb.extract.models.statement_owner`): another work's ("Megatron-LM [31] used 512 V100 GPUs", "DETR [3],
which was trained on 16 V100 GPUs", "Unlike [7], which requires 128 TPUs, ...") is far below the facts' confidence,
the paper's own clause in the same sentence keeps its hardware, and a citation of the method followed ("following
[12]") costs nothing; "one GPU" and "a single GPU" state a count (only "a GPU" is vague); what hardware could hold or
run ("trainable on a single GPU", "fits on one V100") counts as hypothetical; a parenthesis that restates a count as a
total ("4 Cloud TPUs (16 TPU chips total)") keeps the total only.

Three steps per sentence (the grammar is data: ``extract/data/hardware_grammar.v5.json``):

1. **Entities** (spaCy's English vocabulary, ``EntityRuler``s): accelerator names from the catalog
   (``flopsdb/core/data/hardware.v1.jsonl``: every alias, with its spacing and hyphen variants: "TPU v3", "TPUv3", "TPU-v3"),
   then generic devices (GPU, TPU, CPU), counts (digits, number words, "a single"), topologies (4x4), durations
   ("120 hours"), device-time units ("GPU hours", "core-days"), memory sizes ("11GB") and vendor or model words.
   Overlapping entities keep the longest, so a name's digits ("GTX 1080 Ti") and its memory size ("A100-40GB")
   belong to the name and never become a count, and a duration ("120 hours on a Titan X") never is one.
2. **Relations** (spaCy ``Matcher`` patterns of the grammar over one token per entity): a count before the device
   ("two GTX 1080 Ti 11GB GPUs", "8x V100", "8 GPUs of NVIDIA M40"), after it ("V100 x 8"), a TPU slice
   ("TPU v3-256": cores), a TPU with its cores ("a TPUv3 with 128 cores"), conjunctions ("a 1080 Ti or 2080 Ti GPU"),
   the device noun that sets the unit (chips, cores, boards), and blocks (device-time units, "GPU memory", "per GPU").
   Replicas or nodes times devices each ("4 nodes with 8 GPUs each") multiply.
3. **Links**: the stage of the clause (hardware named only to measure speed, latency or throughput is ``inference``),
   and the model: an own model named in the sentence (``scope`` ``model``), else one named in the two sentences before
   (``model``, less sure), else all own models when the sentence says so ("all models were trained on ...",
   ``all_models``), else the paper's main model (``main_model``). ``fields["model_confidence"]`` says how sure the
   link is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flopsdb.core.catalog import Accelerator, load_catalog
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Document
from flopsdb.extract.models import link_statement, linked_candidate, statement_owner
from flopsdb.extract.stage import SentenceSpan, classify_stage, has_cue, is_hypothetical, iter_sentences, local_stage, parse_number, vocab
from flopsdb.extract.training_time import baseline_sentence, not_training
from flopsdb.extract.training_time import patterns as time_patterns

EXTRACTOR = "hardware.v6"
"""The extractor's versioned name (the pipeline's registry reads it)."""

GRAMMAR = "hardware_grammar.v5"
"""The versioned grammar file (``extract/data/<GRAMMAR>.json``)."""

_GENERIC_NAMES = frozenset({"GPU", "CPU", "Google TPU"})
_TOKEN = re.compile(r"\d+(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|[^\W\d_]+|\S")
_DEVICE_LABELS = ("ACCEL", "GENERIC")


@lru_cache(maxsize=1)
def grammar() -> dict[str, Any]:
    """The grammar data file, ``$name`` references not yet expanded."""
    return json.loads((Path(__file__).parent / "data" / f"{GRAMMAR}.json").read_text(encoding="utf-8"))


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Tokens with their character spans: runs of digits (``1,024``, ``2.5``), runs of letters, single symbols.

    Letters and digits always part ("V100" -> "V", "100"; "1080Ti" -> "1080", "Ti") so that names match however
    they are spaced; an ``x`` glued between a number and a name ("8xV100") is a token of its own."""
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text):
        word, start = m.group(0), m.start()
        if len(word) > 1 and word[0] in "xX" and word[1:].isalpha() and out and out[-1][0][-1].isdigit() and out[-1][2] == start:
            out.append((word[0], start, start + 1))
            word, start = word[1:], start + 1
        out.append((word, start, start + len(word)))
    return out


def _expand(obj: Any, lists: dict[str, list[str]]) -> Any:
    if isinstance(obj, str) and obj.startswith("$"):
        return lists[obj[1:]]
    if isinstance(obj, list):
        return [_expand(o, lists) for o in obj]
    if isinstance(obj, dict):
        return {k: _expand(v, lists) for k, v in obj.items()}
    return obj


def _alias_patterns(alias: str) -> list[list[dict[str, Any]]]:
    """Token patterns of one alias: its tokens, an optional hyphen between them, letter runs joined or apart.

    Where the alias writes two parts together ("V100") the text must too (``SPACY`` false: "V100", "V-100", never
    "20M 40M"); where it spaces them ("1080 Ti") the text may space, hyphenate or join them."""
    toks = [t for t in tokenize(alias) if t[0] != "-"]
    glued = [
        j + 1 < len(toks) and not alias[toks[j][2] : toks[j + 1][1]].strip(" -") and " " not in alias[toks[j][2] : toks[j + 1][1]]
        for j in range(len(toks))
    ]
    variants: list[list[tuple[str, bool]]] = [[]]
    for i, (atom, _, _) in enumerate(toks):
        grown: list[list[tuple[str, bool]]] = []
        for v in variants:
            grown.append(v + [(atom.lower(), glued[i])])
            if i and v and v[-1][0].isalpha() and atom.isalpha():
                grown.append(v[:-1] + [(v[-1][0] + atom.lower(), glued[i])])
        variants = grown[:8]
    out = []
    for v in variants:
        pattern: list[dict[str, Any]] = []
        for j, (atom, tight) in enumerate(v):
            if j:
                pattern.append({"ORTH": "-", "OP": "?", "SPACY": False} if v[j - 1][1] else {"ORTH": "-", "OP": "?"})
            pattern.append({"LOWER": atom, "SPACY": False} if tight and j + 1 < len(v) else {"LOWER": atom})
        out.append(pattern)
    return out


def _anchors(alias: str, prefixes: list[str]) -> set[str]:
    """Keys a sentence must hold (as a word, or two adjacent words joined) for the alias to be in it: its first
    part after vendor words ("tpu", not in "output"), a short first part with the next ("v100" for V100, V-100),
    two words of a longer name ("datacenter"), and letter parts written together ("tpuv" of "TPUv3")."""
    atoms = [t.lower() for t, _, _ in tokenize(alias) if t != "-"]
    while len(atoms) > 1 and atoms[0] in prefixes:
        atoms = atoms[1:]
    keys = {atoms[0]}
    if len(atoms) > 1 and (len(atoms[0]) <= 2 or (len(atoms) > 2 and atoms[0].isalpha() and atoms[1].isalpha())):
        keys = {atoms[0] + atoms[1]}
    if len(atoms) > 1 and atoms[0].isalpha() and atoms[1].isalpha():
        keys.add(atoms[0] + atoms[1])
    return keys


def _sentence_keys(sentence: str) -> set[str]:
    """The sentence's words (letter runs, digit runs, lower-cased) and every two adjacent ones joined."""
    words = re.findall(r"[^\W\d_]+|\d+", re.sub(r"(?<=\d)[x×](?=[^\W\d_])", " x ", sentence.lower()))  # "8xA100": x, a100
    return set(words) | {a + b for a, b in zip(words, words[1:])}


@dataclass
class _Machine:
    """The compiled grammar: the spaCy vocabulary, the grammar's entity rulers (run after the catalog's names,
    :func:`_catalog_entities`) and the relation matcher; ``names`` are the catalog's patterns and ``required``
    the words (lower case) each one needs in a sentence to match at all."""

    nlp: Any
    ruler: tuple[Any, ...]
    matcher: Any
    actions: dict[str, tuple[str, bool]] = field(default_factory=dict)
    anchors: frozenset[str] = frozenset()
    lists: dict[str, list[str]] = field(default_factory=dict)
    names: tuple[dict[str, Any], ...] = ()
    required: tuple[frozenset[str], ...] = ()


def _required_words(pattern: list[dict[str, Any]]) -> frozenset[str]:
    """The ``LOWER`` values of a token pattern's tokens that must occur (no ``OP``): without all of them in a
    sentence the pattern cannot match there."""
    return frozenset(t["LOWER"] for t in pattern if "OP" not in t and isinstance(t.get("LOWER"), str))


def _accelerators() -> list[Accelerator]:
    return [a for a in load_catalog() if a.name not in _GENERIC_NAMES]


@lru_cache(maxsize=1)
def machine() -> _Machine:
    """Build (once) the EntityRuler from the catalog and the grammar, and the Matcher of its relations."""
    from flopsdb.extract.spacy_import import import_spacy

    import_spacy()  # without spaCy's command line (extract.spacy_import)
    from spacy.lang.en import English
    from spacy.matcher import Matcher
    from spacy.pipeline import EntityRuler
    from spacy.tokenizer import Tokenizer

    g = grammar()
    lists: dict[str, list[str]] = dict(g["lists"])
    nlp = English(create_tokenizer=lambda nlp: Tokenizer(nlp.vocab))  # spaCy's English vocabulary; the words come tokenized
    ruler = nlp.add_pipe("entity_ruler", name="grammar_entities", config={"overwrite_ents": False})
    assert isinstance(ruler, EntityRuler)  # add_pipe is typed as returning any component
    patterns: list[dict[str, Any]] = []
    anchors: set[str] = set()
    for acc in _accelerators():
        for alias in {acc.name, *acc.aliases}:
            for p in _alias_patterns(alias):
                lead = [{"LOWER": {"IN": lists["name_prefixes"]}, "OP": "*"}]  # "NVIDIA GTX TITAN X" is Titan X, not "NVIDIA GTX Titan"
                patterns.append({"label": "ACCEL", "id": acc.name, "pattern": lead + p})
            anchors |= _anchors(alias, lists["name_prefixes"])
    catalog_patterns = tuple(patterns)  # run per sentence by _names_ruler, only those that can match there
    patterns = []
    number_words = [[{"LOWER": w} for w in phrase.split()] for phrase in vocab()["number_words"]]
    for entry in g["entities"]:
        if entry["pattern"] == "$number_words":
            patterns.extend({"label": entry["label"], "pattern": p} for p in number_words)
            continue
        pattern: dict[str, Any] = {"label": entry["label"], "pattern": _expand(entry["pattern"], lists)}
        if "id" in entry:
            pattern["id"] = entry["id"]
        patterns.append(pattern)
    ruler.add_patterns(patterns)
    matcher = Matcher(nlp.vocab)
    actions: dict[str, tuple[str, bool]] = {}
    for rel in g["relations"]:
        matcher.add(rel["name"], [_expand(rel["pattern"], lists)])
        actions[rel["name"]] = (rel["action"], bool(rel.get("generic_only")))
    anchors |= {"gpu", "gpus", "tpu", "tpus", "cpu", "cpus", "graphics", "gpgpu", "gpgpus"}
    required = tuple(_required_words(p["pattern"]) for p in catalog_patterns)
    return _Machine(nlp, (ruler,), matcher, actions, frozenset(anchors), lists, catalog_patterns, required)


@lru_cache(maxsize=512)
def _names_ruler(chosen: tuple[int, ...]) -> Any:
    """An entity ruler of only the catalog patterns ``chosen`` (indices, in catalog order). On a sentence that
    contains the required words of these patterns and of no other, it finds exactly the matches of the whole
    catalog ruler (the others cannot match there), at a fraction of the cost: spaCy's Matcher tries every
    pattern at every token."""
    from spacy.pipeline import EntityRuler

    m = machine()
    ruler = EntityRuler(m.nlp, name="accelerators")
    ruler.add_patterns([m.names[i] for i in chosen])
    return ruler


def catalog_ruler() -> Any:
    """The entity ruler of the whole catalog, which :func:`_catalog_entities` stands for (built on demand: the
    extractor never runs it)."""
    return _names_ruler(tuple(range(len(machine().names))))


def _catalog_entities(m: _Machine, doc: Any, words: list[str]) -> Any:
    """``doc`` with the catalog's entities, as the whole catalog ruler sets them: only the patterns whose
    required words all occur among ``words`` are run (with none, the ruler would set no entity)."""
    present = {w.lower() for w in words}
    chosen = tuple(i for i, need in enumerate(m.required) if need <= present)
    if not chosen:
        doc.ents = list(doc.ents)
        return doc
    return _names_ruler(chosen)(doc)


@dataclass
class _Unit:
    """One token of the relation layer: an entity (label, canonical id) or a plain word."""

    text: str
    start: int
    end: int
    label: str = ""
    ident: str = ""


def entities(sentence: str) -> list[_Unit]:
    """The sentence as units: each entity of step 1 one unit (label and canonical id), other tokens as they are."""
    from spacy.tokens import Doc

    m = machine()
    toks = tokenize(sentence)
    if not toks:
        return []
    spaces = [a[2] < b[1] for a, b in zip(toks, toks[1:])] + [False]
    words = [t for t, _, _ in toks]
    doc = Doc(m.nlp.vocab, words=words, spaces=spaces)
    doc = _catalog_entities(m, doc, words)  # catalog names first; the grammar's entities fill the rest
    for ruler in m.ruler:
        doc = ruler(doc)
    units: list[_Unit] = []
    i = 0
    ents = {e.start: e for e in doc.ents}
    while i < len(toks):
        e = ents.get(i)
        if e is not None:
            start, end = toks[e.start][1], toks[e.end - 1][2]
            units.append(_Unit(sentence[start:end], start, end, e.label_, e.ent_id_))
            i = e.end
        else:
            units.append(_Unit(toks[i][0], toks[i][1], toks[i][2]))
            i += 1
    return units


def _relations(units: list[_Unit]) -> list[tuple[str, bool, int, int]]:
    """(action, generic_only, start, end) of every relation match over the units."""
    from spacy.tokens import Doc, Span

    m = machine()
    doc = Doc(m.nlp.vocab, words=[u.text.lower() if u.label else u.text for u in units], spaces=[False] * len(units))
    doc.ents = [Span(doc, i, i + 1, label=u.label) for i, u in enumerate(units) if u.label]
    out = []
    for match_id, start, end in m.matcher(doc):
        action, generic_only = m.actions[m.nlp.vocab.strings[match_id]]
        out.append((action, generic_only, start, end))
    return out


def _count_value(unit: _Unit) -> int | None:
    if unit.label == "GRID":
        a, b = re.findall(r"\d+", unit.text)[:2]
        return int(a) * int(b)
    if not unit.text.isascii():
        return None
    value = parse_number(unit.text)
    if value is None or value != int(value) or not 1 <= value < 100000:
        return None
    return int(value)


def _unit_of(acc: Accelerator, noun: str, sliced: bool) -> str:
    if acc.kind == "system":
        member = load_catalog().get(acc.system_of or "")
        return _unit_of(member, noun, sliced) if member is not None else "gpu"
    if acc.kind in ("cpu", "gpu", "accelerator"):
        return acc.kind
    noun = noun.lower()
    if sliced or noun.startswith("core") or noun.startswith("tensorcore"):
        return "tpu_core"
    if noun.startswith("board") or noun.startswith("device"):
        return "tpu_board"
    return "tpu_chip"


def mentions_in(sentence: str) -> list[dict[str, Any]]:
    """The hardware statements of one sentence: dicts with accelerator, count, unit, span, alternatives and flags."""
    m = machine()
    if m.anchors.isdisjoint(_sentence_keys(sentence)):
        return []
    catalog = load_catalog()
    units = entities(sentence)
    devices = [i for i, u in enumerate(units) if u.label in _DEVICE_LABELS]
    if not devices:
        return []
    blocked: set[int] = set()
    device_time: set[int] = set()
    absorbed: set[int] = set()
    noun: dict[int, str] = {}
    end_of: dict[int, int] = {i: units[i].end for i in devices}
    start_of: dict[int, int] = {i: units[i].start for i in devices}
    count: dict[int, tuple[int, int, str, str]] = {}  # device -> (distance, value, how, count text)
    sliced: dict[int, int] = {}
    cores: dict[int, tuple[int, str]] = {}
    conj: list[tuple[int, int]] = []
    runs: set[int] = set()
    per_group: dict[int, tuple[int, int, int]] = {}  # device -> (groups, start, index of the per-group count)
    for action, generic_only, s, e in _relations(units):
        span_devices = [i for i in range(s, e) if units[i].label in _DEVICE_LABELS]
        if not span_devices:
            continue
        first, last = span_devices[0], span_devices[-1]
        counts = [i for i in range(s, e) if units[i].label in ("COUNT", "GRID")]
        if action == "device_time":
            (blocked if units[first].label == "GENERIC" else device_time).add(first)
            said = units[e - 1].text.lower()  # "core-days": cores, "chip-hours": chips
            if "core" in said or "chip" in said:
                noun[first] = "cores" if "core" in said else "chips"
        elif action == "block":
            target = first if units[s].label in _DEVICE_LABELS else last
            if not generic_only or units[target].label == "GENERIC":
                blocked.add(target)
        elif action == "noun":
            tail = e - 1
            noun[first] = units[tail].text
            end_of[first] = max(end_of[first], units[tail].end)
            if units[tail].label == "GENERIC" and tail != first:
                absorbed.add(tail)
        elif action == "count" and counts:
            c = counts[0]
            at = units[c].start
            glued = at > 0 and (sentence[at - 1].isalpha() or (sentence[at - 1] == "-" and at > 1 and sentence[at - 2].isalnum()))
            value: int | None = None if glued else _count_value(units[c])  # "FP16 V100", "ResNet-50 GPU": not a count
            if value is not None and c >= 2 and units[c - 2].label == "COUNT" and (units[c - 1].label == "COUNT" or units[c - 1].text == ","):
                runs.add(last)  # "8 16 32 64 GPUs", "with 1, 2, 4, 8 GPUs": a chart's axis or a sweep, not a statement
            if value is not None and (last not in count or last - c < count[last][0]):
                count[last] = (last - c, value, "before", units[c].text)
                start_of[last] = min(start_of[last], units[c].start)
                for g in span_devices[:-1]:
                    if units[g].label == "GENERIC":
                        absorbed.add(g)
        elif action == "count_after" and counts:
            value = _count_value(units[counts[-1]])
            if value is not None and first not in count:
                count[first] = (counts[-1] - first, value, "after", units[counts[-1]].text)
                end_of[first] = max(end_of[first], units[counts[-1]].end)
        elif action == "slice" and counts:
            value = _count_value(units[counts[0]])
            if value is not None:
                sliced[first] = value
                end_of[first] = max(end_of[first], units[counts[0]].end)
        elif action == "cores" and counts:
            value = _count_value(units[counts[0]])
            if value is not None:
                cores[first] = (value, units[e - 1].text)
                end_of[first] = max(end_of[first], units[e - 1].end)
                absorbed.update(i for i in span_devices[1:] if units[i].label == "GENERIC")
        elif action == "version_slice" and counts and units[first].ident == "Google TPU":
            version = next((units[k].text for k in range(s, e) if units[k].label == "PREFIX"), "")
            acc = catalog.get(f"TPU {version}")
            value = _count_value(units[counts[0]])
            if acc is not None and value is not None:
                units[first] = _Unit(units[first].text, units[first].start, units[first].end, "GENERIC", acc.name)
                sliced[first] = value
                start_of[first] = min(start_of[first], units[s].start)
        elif action == "conj" and first != last:
            conj.append((first, last))
        elif action == "group_count" and len(counts) >= 2:
            groups_n, inner = _count_value(units[counts[0]]), counts[1]
            if groups_n is not None and groups_n > 1 and units[counts[0]].label == "COUNT":
                per_group[last] = (groups_n, units[counts[0]].start, inner)
    for first, last in sorted(conj):
        if last not in count and first in count:
            count[last] = count[first]
    groups = [(i, u) for i, u in enumerate(units) if u.label == "GROUP"]
    each_words = set(m.lists["each_words"])
    group_links = set(m.lists["group_links"])
    out: list[dict[str, Any]] = []
    specific = [i for i in devices if units[i].label == "ACCEL" and i not in blocked]
    for i in devices:
        u = units[i]
        if i in blocked or i in absorbed:
            continue
        generic = u.label == "GENERIC"
        acc = catalog.get(u.ident)
        if acc is None:
            continue
        value = None
        alternatives: list[dict[str, Any]] = []
        flags: list[str] = []
        article = vague = False
        unit = _unit_of(acc, noun.get(i, ""), i in sliced)
        if i in sliced and acc.kind == "tpu":
            value = sliced[i]
            if acc.tpu_cores_per_chip:
                alternatives.append({"accelerator": acc.name, "count": value // acc.tpu_cores_per_chip, "unit": "tpu_chip"})
        elif i in cores and acc.kind == "tpu":
            value, unit = cores[i][0], _unit_of(acc, cores[i][1], False)
        elif i in count and i not in device_time:
            _, value, _, text = count[i]
            article = text.lower().strip() in m.lists["article_words"]
            vague = text.lower().strip() in m.lists["vague_articles"]
            grid = re.fullmatch(r"\s*\d+\s*[x×*]\s*\d+\s*", text) is not None
            if grid and acc.kind == "tpu" and acc.tpu_cores_per_chip:
                alternatives.append({"accelerator": acc.name, "count": value * acc.tpu_cores_per_chip, "unit": "tpu_core"})
            if article and acc.kind == "cpu":
                value = None
        before = sentence[max(0, start_of[i] - 48) : start_of[i]]
        if (
            value is None
            and not (i in device_time or i in sliced or i in cores)
            and _usage_before(before)
            and not re.search(r"type\s*:\W*$", before, re.I)
            and _singular(units, i, noun.get(i, ""), acc)
        ):
            value = 1
            flags.append("singular")
        if value is not None and i in per_group and i in count and count[i][0] == i - per_group[i][2]:
            n_groups, group_start, _ = per_group[i]  # "4 8-GPU nodes": 4 x 8
            alternatives.append({"accelerator": acc.name, "count": value, "unit": unit})
            value = n_groups * value
            start_of[i] = min(start_of[i], group_start)
        elif value is not None:
            for gi, gu in reversed(groups):
                if gu.end > start_of[i]:
                    continue
                between = {t.text.lower() for t in units[gi + 1 : i]}
                after = {t.text.lower() for t in units[i + 1 : i + 4]}
                linked = [t.text.lower() for t in units[gi + 1 : i] if t.label not in ("COUNT", "PREFIX", "MEMORY")]
                direct = 0 < len(linked) <= 3 and set(linked) <= group_links  # "4 nodes with 8 GPUs", "2 machines of 8 V100"
                if between & each_words or after & each_words or direct:
                    n = parse_number(gu.text.split()[0])
                    if n and n > 1 and n == int(n):
                        alternatives.append({"accelerator": acc.name, "count": value, "unit": unit})
                        value = int(n) * value
                        start_of[i] = gu.start
                break
        if generic and value is None and specific:
            continue
        if i in runs and i in count:
            flags.append("number_run")
        before = sentence[max(0, start_of[i] - 48) : start_of[i]]
        system: dict[str, Any] | None = None
        if acc.kind == "system" and acc.system_of and acc.system_count:
            member = catalog.get(acc.system_of)
            if member is None:
                continue
            system = {"name": acc.name, "systems": value, "per_system": acc.system_count}
            alternatives.append({"accelerator": acc.name, "count": value, "unit": "system"})
            value = None if value is None else value * acc.system_count
            acc = member
            flags.append("system")
        if i in device_time:
            flags.append("device_time")
        elif (value is None or "singular" in flags) and not generic and not _usage_before(before):
            flags.append("no_usage_cue")
        out.append(
            {
                "accelerator": acc.name,
                "count": value,
                "unit": unit,
                "start": start_of[i],
                "end": end_of[i],
                "model": not generic,
                "alternatives": alternatives,
                "flags": flags,
                "article": vague,
                "system": system,
            }
        )
    return _restated_totals(_share_generic_count(_merge_systems(out), sentence), sentence)


def _usage_before(before: str) -> bool:
    """Whether the text right before a device ends in a word of use ("on", "using", "Hardware Type:"), at most two
    words and some markup ("an **NVIDIA A100 GPU**") away."""
    words = "|".join(re.escape(w) if w.endswith(":") else w for w in grammar()["lists"]["usage_words"])
    return re.search(rf"(?:\b|(?<=\s))(?:{words})\s+(?:\S+\s+){{0,2}}[^\w\s]*$", before, re.I) is not None


def _singular(units: list[_Unit], i: int, noun: str, acc: Accelerator) -> bool:
    """Whether a named GPU without a count is written in the singular: no device noun or a singular one after it
    ("NVIDIA Tesla V100 GPU", "a Modal A10G"), no plural, group or time word next ("V100 GPUs", "A100 nodes", "V100
    hours", "V100 and A100", "V100 GPU implementation"), not the second of a list ("V100 and RTX3090"), no plural
    quantifier before it ("multiple V100 GPU", "each V100"); grammar
    ``singular_blockers``, ``not_hardware_after`` and ``plural_before``."""
    g = grammar()
    if acc.kind != "gpu" or acc.generic or noun.lower() not in ("", "gpu", "card", "graphics"):
        return False
    rest = [u for u in units[i + 1 :] if u.label not in ("MEMORY", "PREFIX")]
    while rest and rest[0].label in ("GENERIC", "DEVNOUN") and not rest[0].text.lower().endswith("s"):
        rest = rest[1:]
    if rest and rest[0].text == "," and len(rest) > 1:
        rest = rest[1:] if rest[1].label == "ACCEL" else []
    if rest and (
        rest[0].text.lower() in g["singular_blockers"]
        or rest[0].text.lower() in g["lists"]["not_hardware_after"]
        or rest[0].label in ("DEVTIME", "TIMEUNIT", "GROUP", "ACCEL", "CORES")
        or (rest[0].label in ("GENERIC", "DEVNOUN") and rest[0].text.lower().endswith("s"))
    ):
        return False
    if any(u.label in ("GENERIC", "DEVNOUN") and u.text.lower().endswith("s") for u in units[i + 1 : i + 5]):
        return False  # "A100 Tensor Core GPUs"
    if i >= 2 and units[i - 1].text.lower() in ("and", "or", "/", "&", ",") and any(u.label == "ACCEL" for u in units[max(0, i - 4) : i - 1]):
        return False  # "V100 and RTX3090": a list of names
    prev = [u.text.lower() for u in units[max(0, i - 3) : i] if u.label not in ("PREFIX", "MEMORY")]
    return not (set(prev) & set(g["plural_before"]))


def _restated_totals(out: list[dict[str, Any]], sentence: str) -> list[dict[str, Any]]:
    """Drop a counted device that a parenthesis right after it counts again as a total of the same kind of device
    ("4 Cloud TPUs in Pod configuration (16 TPU chips total)": 16 chips), grammar list ``restated_total``."""
    catalog = load_catalog()
    words = "|".join(re.escape(w) for w in grammar()["lists"]["restated_total"])
    drop = []
    for a in out:
        for b in out:
            if a is b or a["count"] is None or b["count"] is None or int(b["start"]) <= int(a["end"]):
                continue
            ka, kb = catalog.get(str(a["accelerator"])), catalog.get(str(b["accelerator"]))
            gap = sentence[int(a["end"]) : int(b["start"])]
            if ka is None or kb is None or ka.kind != kb.kind or "(" not in gap or ")" in gap or len(gap.split()) > 6:
                continue
            close = sentence.find(")", int(b["end"]))
            inside = sentence[gap.rfind("(") + int(a["end"]) : close if close >= 0 else len(sentence)]
            if re.search(rf"\b(?:{words})\b", inside, re.I):
                drop.append(a)
    return [o for o in out if not any(o is d for d in drop)]


def _merge_systems(out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A system and the accelerators the sentence names in it are one statement ("a DGX-1 with 8 V100 GPUs",
    "2 DGX-2 servers with 16 V100 each"): the named chip keeps its name, takes the system's count when it has none,
    and is multiplied by the number of systems when its own count is one system's ("each")."""
    catalog = load_catalog()
    for sys_m in [o for o in out if o.get("system")]:
        others = [o for o in out if not o.get("system") and o["unit"] == sys_m["unit"]]
        if not others:
            continue
        chip = max(others, key=lambda o: (bool(o["model"]), o["count"] is not None))
        info = sys_m["system"]
        n, per = info["systems"], info["per_system"]
        if chip["count"] is None:
            chip["count"] = sys_m["count"]
        elif n and n > 1 and chip["count"] == per:
            chip["count"] = n * per
        member = catalog.get(str(sys_m["accelerator"]))
        if not chip["model"] and member is not None and not member.generic:
            chip.update(accelerator=sys_m["accelerator"], model=True)
        chip.update(
            start=min(int(chip["start"]), int(sys_m["start"])),
            end=max(int(chip["end"]), int(sys_m["end"])),
            alternatives=[*chip["alternatives"], *sys_m["alternatives"]],
            flags=[f for f in chip["flags"] if f != "no_usage_cue"] + ["system"],
        )
        out = [o for o in out if o is not sys_m]
    return out


_CONTRAST = re.compile(r"\b(?:unlike|whereas|while|compared|than|vs|versus|instead|but|however|previous|prior)\b|\[\d", re.I)


def _share_generic_count(out: list[dict[str, Any]], sentence: str) -> list[dict[str, Any]]:
    """One named device without a count and one generic device of the same kind with one, in one sentence, are one
    statement ("trained on NVIDIA V100 GPUs ... using 8 GPUs"): the name takes the count (flag ``count_from_generic``),
    unless the sentence contrasts them ("unlike [4], which used 1024 GPUs, we train on a Titan X")."""
    catalog = load_catalog()
    named = [o for o in out if o["model"]]
    counted = [o for o in out if not o["model"] and o["count"] is not None]
    if len(named) != 1 or named[0]["count"] is not None or len(counted) != 1:
        return out
    spec, gen = named[0], counted[0]
    a, b = catalog.get(str(spec["accelerator"])), catalog.get(str(gen["accelerator"]))
    lo, hi = sorted((int(spec["start"]), int(gen["start"])))
    if a is None or b is None or a.kind != b.kind or _CONTRAST.search(sentence, lo, hi) or _CONTRAST.match(sentence.strip()):
        return out
    spec.update(
        count=gen["count"],
        unit=gen["unit"] if a.kind == "tpu" else spec["unit"],
        start=min(int(spec["start"]), int(gen["start"])),
        end=max(int(spec["end"]), int(gen["end"])),
        alternatives=[*spec["alternatives"], *gen["alternatives"]],
        flags=[f for f in spec["flags"] if f != "no_usage_cue"] + ["count_from_generic"],
    )
    return [o for o in out if o is not gen]


_CLAUSE_MARK = re.compile(r"(?<!\d),|,(?!\d{3}\b)|;")


def _clause(sentence: str, start: int, end: int) -> str:
    """The text between the commas and semicolons around ``sentence[start:end]`` (not the commas of "10,000")."""
    lo = max([m.start() for m in _CLAUSE_MARK.finditer(sentence, 0, start)] or [0])
    hi = min([m.start() for m in _CLAUSE_MARK.finditer(sentence, end)] or [len(sentence)])
    return sentence[lo:hi]


_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:while|whereas|but|and|although|then)\b", re.I)


def clause_stage(sentence: str, start: int, end: int, stage: str) -> str:
    """``inference`` when the clause holding ``sentence[start:end]`` (between commas, "while", "and", ...) speaks of
    speed and not of training ("we measured runtime on a Titan V while training takes 3 days on 8 P100"), else ``stage``."""
    if stage == "inference":
        return stage
    lo = max([m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, start)] or [0])
    hi = min([m.start() for m in _CLAUSE_BREAK.finditer(sentence, end)] or [len(sentence)])
    clause = sentence[lo:hi].lower()
    if (has_cue(clause, "inference") or speed_only(clause)) and not any(c in clause for c in vocab()["strong_training_cues"]):
        return "inference"
    return stage


def _confidence(mention: dict[str, Any], stage: str, clause: str = "") -> float:
    conf = 0.85 if mention["model"] else 0.6
    if mention["count"] is None:
        conf -= 0.2 if re.search(r"\bwe\s+(?:\w+\s+)?(?:used?|train(?:ed)?|implemented|ran|run)\b", clause, re.I) else 0.3
    elif mention.get("article") and not mention["model"]:
        conf -= 0.3
    if "no_usage_cue" in mention["flags"]:
        conf -= 0.25
    if "number_run" in mention["flags"]:
        conf -= 0.55
    if "count_from_generic" in mention["flags"]:
        conf -= 0.1
    if "singular" in mention["flags"]:
        conf -= 0.1
    if stage == "inference":
        conf -= 0.2
    return round(max(0.05, conf), 3)


_AUTHOR_CITATION = re.compile(r"\bet al\b|\(\s*[A-Z][A-Za-z\-]+(?: et al\.?| and [A-Z][A-Za-z\-]+)?,? \d{4}[a-z]?\s*\)")
_NUMBER_CITATION = re.compile(r"\[\d+(?:\s*[,\-–]\s*\d+)*\]")
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|ours)\b", re.I)


def cited(sentence: str, at: int | None = None) -> float:
    """How much a sentence reads as a report of someone else's work (confidence to subtract): it has no first
    person and names authors ("GPT-3 (Brown et al., 2020) was trained on ...": 0.55) or cites a number ("GPT-3 [3]":
    0.25) before the hardware at offset ``at``. A citation after it cites a tool ("... on 8 V100 GPUs using fairseq
    (Ott et al., 2019)"): no penalty."""
    if _FIRST_PERSON.search(sentence):
        return 0.0
    head = sentence if at is None else sentence[:at]
    if _AUTHOR_CITATION.search(head):
        return 0.55
    return 0.25 if _NUMBER_CITATION.search(head) else 0.0


def capability(sentence: str, at: int) -> bool:
    """Whether the clause before the device at ``sentence[at]`` says what the hardware could hold or run ("each
    model replica trainable on a single GPU", "fits on one V100"), not what trained the model (grammar
    ``capability_before``)."""
    lo = max([m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, at)] or [0])
    return re.search(grammar()["capability_before"], sentence[lo:at], re.I) is not None


def attributed(doc: Document, sentence: str, at: int) -> float:
    """The confidence to subtract for whose statement the hardware at ``sentence[at]`` is: none when its clause is the
    paper's own (:func:`~flopsdb.extract.models.statement_owner`), 0.55 when it is another work's ("Megatron-LM [31]
    used 512 V100 GPUs", "DETR [3], which was trained on 16 V100 GPUs") or the sentence reports another model's
    training with a citation and no own cue ("ResNet-50 takes 29 hours on 8 P100 GPUs [10]"), else :func:`cited`."""
    from flopsdb.extract.parameters import model_words, own_models

    models = own_models(doc)
    owner = statement_owner(sentence, at, models)
    if owner in ("own", "follows"):
        return 0.0
    if owner == "other":
        return 0.55
    if baseline_sentence(sentence, models) and model_words(sentence[:at], models) and statement_owner(sentence, len(sentence), models) == "other":
        return 0.55
    return cited(sentence, at)


def not_usage(sentence: str) -> bool:
    """Whether a sentence without a first person describes hardware that is offered, available, required or only
    measured rather than used to train ("The GPU partition features 44 P100 GPUs", "you can use up to 4 V100 GPUs
    for builds", "ran at 33 tokens/sec on two 1080 Ti GPUs", "TP scaling requires 8 GPUs"; grammar ``not_usage``),
    tells the reader how to run ("To train on 2 nodes with 8 GPUs each:", ``instruction``) or lists an environment
    without a training cue ("GPU: 8x H20, Driver: 535, NCCL: 2.21", ``spec_sheet``)."""
    if _FIRST_PERSON.search(sentence) is not None:
        return False
    g = grammar()
    if re.search(g["not_usage"], sentence, re.I) or re.search(g["instruction"], sentence, re.I):
        return True
    return re.search(g["spec_sheet"], sentence, re.I) is not None and time_patterns()["train_cue"].search(sentence) is None


def speed_only(sentence: str) -> bool:
    """Whether a sentence times something in seconds or milliseconds without any training cue (nor epochs, steps,
    updates): a speed
    measurement ("it takes 90 seconds to perform detection on a Titan X GPU"), so its hardware is inference."""
    low = sentence.lower()
    if any(c in low for c in vocab()["strong_training_cues"]) or any(w in low for w in grammar()["lists"]["training_time_words"]):
        return False
    units = "|".join(re.escape(u) for u in sorted(grammar()["lists"]["speed_units"], key=len, reverse=True))
    return re.search(rf"\d\s*(?:{units})(?![a-z])", low) is not None


def extract_hardware(doc: Document) -> list[Candidate]:
    """``Document -> list[Candidate]`` of kind ``hardware``, linked to the paper's models (``Document.models``)."""
    out: list[Candidate] = []
    for sent in iter_sentences(doc):
        out.extend(_from_sentence(doc, sent))
    return out


def _from_sentence(doc: Document, sent: SentenceSpan) -> list[Candidate]:
    found = mentions_in(sent.text)
    if not found or has_cue(sent.text, "grant_cues"):
        return []
    listed = [f for f in found if f["model"] and f["count"] is None and "device_time" not in f["flags"]]
    if len(listed) >= 3 or (len(listed) >= 2 and len(found) > len(listed)):
        found = [f for f in found if not any(f is x for x in listed)]  # "... with V100 and RTX3090": a list of names
    if any(re.match(grammar()["label_after"], sent.text[int(f["end"]) :]) for f in found) and not time_patterns()["train_cue"].search(sent.text):
        return []  # "Google TPU v3-8: 8 TPU cores, 128 GB HBM memory": a product's specification
    sentence_stage = classify_stage(sent.text, sent.section)
    if sentence_stage == "training" and speed_only(sent.text):
        sentence_stage = "inference"
    elif sentence_stage == "training" and any(c in sent.text.lower() for c in grammar()["lists"]["search_cues"]):
        sentence_stage = "search"
    model, scope, link_conf = link_statement(doc, sent.text, sent.start)
    cands = []
    for mention in found:
        stage = local_stage(sent.text, int(mention["start"]), int(mention["end"]), sentence_stage)
        stage = clause_stage(sent.text, int(mention["start"]), int(mention["end"]), stage)
        if stage == "inference" and re.search(grammar()["training_clause"], _clause(sent.text, int(mention["start"]), int(mention["end"])), re.I):
            stage = sentence_stage if sentence_stage != "inference" else "training"  # "21 seconds per epoch on a K80"
        if stage != "inference" and re.match(grammar()["not_training_after"], sent.text[int(mention["end"]) :], re.I):
            stage = "inference"  # "a single GPU for testing", "4 GPUs for sampling": not the training's hardware
        if stage != "inference" and not_training(sent.text, int(mention["start"]), int(mention["end"])):
            stage = "inference"  # "we used HNSW index type on CPU", "annotation ran on ...": not the training's hardware
        if mention["count"] is None and not re.search(grammar()["usage_context"], sent.text, re.I):
            continue
        ev = doc.evidence(sent.start, sent.end)
        clause = _clause(sent.text, int(mention["start"]), int(mention["end"]))
        strong = re.search(grammar()["strong_hypothetical"], clause, re.I) is not None
        hypothetical = (0.55 if strong else 0.4) if is_hypothetical(clause) else 0.55 if capability(sent.text, int(mention["start"])) else 0.0
        if not_usage(sent.text):
            hypothetical = max(hypothetical, 0.55)
        conf = _confidence(mention, stage, clause) - hypothetical - attributed(doc, sent.text, int(mention["start"]))
        fields = {"accelerator": mention["accelerator"], "count": mention["count"], "unit": mention["unit"]}
        link = (model.name if model else None, model.key if model else None, scope, link_conf)
        cands.append(
            linked_candidate(
                doc,
                "hardware",
                EXTRACTOR,
                ev,
                round(max(0.05, conf), 3),
                fields,
                link,
                stage=stage,
                alternatives=tuple(mention["alternatives"]),
                flags=tuple(mention["flags"]),
            )
        )
    return cands
