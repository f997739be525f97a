"""models.v3: the paper's own models, found once per paper and stored on the Document (``Document.models``).

Every extractor links its facts to one of these (``Candidate.model`` / ``model_key``). Names come from:

- the title: the name before a colon ("GhostNet: More Features from Cheap Operations"), mixed-case or versioned
  words ("YOLOv4", "Inception-v4"), a capitalised name with a size ("Mistral 7B");
- naming phrases of the data file ``extract/data/models.v4.json`` ("we propose X", "we call it X", "our model X",
  "Dense Convolutional Network (DenseNet)" in the abstract);
- own-model marks: "X (ours)", "Ours (X)", "X (this work)", in the text or in table rows.

Names from the title and the abstract are the paper's main models (``ModelName.main``). :func:`link_model`
maps a row label or a sentence to the own model it names; :func:`link_results` gives every result candidate its
``model`` / ``model_key`` / ``scope``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from flopsdb.core.ids import model_key
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Document, Evidence, ModelName

VERSION = "models.v4"

MODEL_LINKS = "model_links.v4"
"""The versioned data file of :func:`link_statement` (``extract/data/<MODEL_LINKS>.json``)."""

_NAME_WITH_SIZE = re.compile(r"\b(?P<name>[A-Z][A-Za-z]+[\w\-]*\s+\d+(?:\.\d+)?[BM])\b")


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The naming vocabulary (``extract/data/models.v4.json``) with its patterns compiled."""
    data = json.loads((Path(__file__).parent / "data" / f"{VERSION}.json").read_text(encoding="utf-8"))
    data["_patterns"] = tuple(
        (re.compile(p["pattern"]), p["scope"] == "start", bool(p["needs_cue"]), bool(p.get("needs_own")), bool(p.get("acronym")))
        for p in data["name_patterns"]
    )
    data["_ours"] = tuple(re.compile(p) for p in data["ours_patterns"])
    data["_cue"] = re.compile(data["name_cue"], re.I)
    data["_own_cue"] = re.compile(data["own_cue"], re.I)
    data["_stop"] = frozenset(s.lower() for s in data["name_stoplist"])
    data["_furniture"] = re.compile(data["title_furniture"], re.I)
    data["_byline"] = re.compile(data["title_byline"])
    data["_not_name_suffix"] = re.compile(data["not_name_suffix"], re.I)
    data["_component"] = re.compile(data["component_before"], re.I)
    return data


def _furniture(text: str) -> bool:
    """A first-page line that is no part of the title: a venue or copyright header, an ISSN or arXiv stamp, or text
    in a font without a usable encoding ("*&&&$7'*OUFSOBUJPOBM")."""
    v = vocabulary()
    letters = sum(ch.isalpha() for ch in text)
    odd = sum(ch in "$&*'#%^|~" for ch in text)
    return bool(v["_furniture"].search(text)) or letters < 0.5 * len(text.replace(" ", "") or "x") or odd > 0.1 * max(len(text), 1)


def _title(doc: Document) -> tuple[str, int]:
    """The title: the first block of lines in the largest font among the first twelve lines of page 1 (after page
    furniture; a two-column author block may sit between its lines), or, when the page gives every line one size, its
    first bold block, else its first line; at most
    ``title_max_lines`` lines, never an author, affiliation or abstract line. Returns the title and its offset."""
    v = vocabulary()
    first = [line for line in doc.lines if line.page == 1][:12]
    first = [line for line in first if not _furniture(line.text.strip())] or first
    if not first:
        return doc.text[:200].split("\n", 1)[0], 0
    size = max(line.font_size for line in first)
    if size - min(line.font_size for line in first) >= 0.5:
        candidates = [line for line in first if line.font_size >= size - 0.5]  # a two-column author block may interleave
    else:
        start = next((i for i, line in enumerate(first) if line.bold), 0)
        candidates = list(first[start:])
        stop = next((i for i, line in enumerate(candidates) if not line.bold and i), len(candidates))
        candidates = candidates[:stop] if first[start].bold else candidates[:1]
    lines = candidates[:1]
    for line in candidates[1 : int(v["title_max_lines"])]:
        if v["_byline"].search(line.text):
            break
        lines.append(line)
    return " ".join(line.text.strip() for line in lines), lines[0].start


def title_names(doc: Document) -> list[str]:
    """Model names in the title: the head before a colon, mixed-case, versioned or short hyphenated capitals."""
    title, _ = _title(doc)
    names = []
    if ":" in title:
        head = title.split(":", 1)[0].strip()
        if 0 < len(head.split()) <= vocabulary()["title_name_words"]:
            names.append(head)
    for token in re.findall(r"[A-Za-z][\w\-]*[A-Za-z0-9]", title):
        mixed = re.search(r"[a-z][A-Z]|[A-Z]{2}", token) and re.search(r"[a-z]", token)
        short_caps = token.isupper() and "-" in token and len(token) <= 8
        if vocabulary()["_not_name_suffix"].search(token):
            continue  # "CNN-based", "FOFE-based": an adjective
        if mixed or re.search(r"\d", token) or short_caps:
            names.append(token)
    m = _NAME_WITH_SIZE.search(title)
    if m:
        names.append(m.group("name"))
    return names


def _standalone_uses(text: str, word: str) -> int:
    """How often a capitalised word stands alone mid-sentence (after a lower-case word, not before a capitalised one)."""
    return len(re.findall(rf"(?<=[a-z,] ){re.escape(word)}(?![\w-])(?!\s+[A-Z])", text))


def spells_initials(acronym: str, words: str) -> bool:
    """Whether ``acronym`` shortens the last words of ``words`` (:func:`_shortens` from a word with its first letter):
    "DPR" of "Our Dense Passage Retriever (", "BIDAF" of "Our Bi-Directional Attention Flow (", "LR-CNN" of "a lexicon
    rethinking convolutional neural network (", not "PPO-ptx" of "Our InstructGPT models ("."""
    parts = re.findall(r"[A-Za-z][\w\-]*", words)
    letters = re.sub(r"[^A-Z]", "", acronym)
    return len(letters) >= 2 and any(w[0].upper() == letters[0] and _shortens(acronym, " ".join(parts[k:])) for k, w in enumerate(parts))


def _shortens(short: str, name: str) -> bool:
    """Whether ``short`` can be a short form of ``name``: same first letter, its capitals in order among the letters of
    ``name`` ("BIDAF" of "Bi-Directional Attention Flow", "RPN" of "Region Proposal Network")."""
    letters, pool = re.sub(r"[^A-Z]", "", short), re.sub(r"[^A-Z]", "", name.upper())
    if not letters or not pool or letters[0] != pool[0]:
        return False
    it = iter(pool)
    return all(ch in it for ch in letters)


def _phrase_names(doc: Document) -> list[tuple[str, int, str]]:
    """(name, offset, source) from the naming phrases and own-model marks of the vocabulary."""
    v = vocabulary()
    found: list[tuple[str, int, str]] = []
    for pattern, at_start, needs_cue, needs_own, acronym in v["_patterns"]:
        text = doc.text[: v["start_window"]] if at_start else doc.text
        for m in pattern.finditer(text):
            name = " ".join(m.group("name").strip(".-").split())
            if re.fullmatch(r"[A-Z][a-z]+", name) and _standalone_uses(doc.text, name) < 5:
                continue
            lead = re.sub(r"\s+as$", "", text[m.start() : m.start("name")].rstrip(' ("“'))
            if lead and v["_component"].search(lead):
                continue  # "span boundary objective (SBO)": a part or a training device, not a model
            before = text[max(0, m.start() - 150) : m.start()]
            if needs_cue and not v["_cue"].search(before.split(".")[-1] + m.group(0)):
                continue
            if acronym and not spells_initials(name, text[m.start() : m.start("name")]):
                continue  # "Our InstructGPT models (PPO-ptx)": an alias, not the expansion of an acronym
            if needs_own and m.start() >= v["start_window"] and not v["_own_cue"].search(re.split(r"[.!?]\s", before)[-1] + m.group(0)):
                continue  # "OpenAI has a model called InstructGPT", "a wise frog named Julius": not the paper's naming
            found.append((name, m.start("name"), "phrase"))
    for pattern in v["_ours"]:
        for m in pattern.finditer(doc.text):
            found.append((" ".join(m.group("name").split()), m.start("name"), "ours"))
    return found


def find_models(doc: Document) -> tuple[ModelName, ...]:
    """The paper's own model names, title first, then in order of appearance; one per key."""
    v = vocabulary()
    _, title_start = _title(doc)
    raw: list[tuple[str, int, str]] = [(n, title_start, "title") for n in title_names(doc)]
    raw += sorted(_phrase_names(doc), key=lambda t: t[1])
    out: list[ModelName] = []
    for name, offset, source in raw:
        for variant in (name, name[:-1] if name.endswith("s") and len(name) > 4 else name):
            key = model_key(variant)
            if (
                variant.lower() in v["_stop"]
                or v["_not_name_suffix"].search(variant)
                or key is None
                or len(key) < 3
                or any(m.key == key for m in out)
            ):
                continue
            main = source == "title" or offset < v["start_window"]
            if source == "title":
                at = doc.text.find(variant)
                evidence = doc.evidence(at, at + len(variant)) if at >= 0 and doc.text else None
            else:
                evidence = doc.evidence(offset, offset + len(variant)) if doc.text else None
            out.append(ModelName(name=variant, key=key, main=main, source=source, evidence=evidence))
    return tuple(m for m in out if m.source == "title" or not alias_of(doc.text, m, out))


def alias_of(text: str, model: ModelName, models: Iterable[ModelName]) -> ModelName | None:
    """The other own model ``model`` is printed as an alias of, in parentheses right after its name and a model noun
    ("Our InstructGPT models (PPO-ptx)": PPO-ptx is InstructGPT, not a model of its own); an acronym of the other's
    name ("Region Proposal Network (RPN)") is no alias."""
    for other in models:
        if other.key == model.key or model.key.startswith(other.key) or _shortens(model.name, other.name):
            continue  # "Bi-Directional Attention Flow (BIDAF)": an acronym is the model's short name, kept
        if re.search(re.escape(other.name) + r"(?:\s+(?:models?|networks?|variants?))?\s*\(\s*" + re.escape(model.name) + r"\s*\)", text):
            return other
    return None


@lru_cache(maxsize=256)
def _names_re(keys: tuple[str, ...]) -> re.Pattern[str] | None:
    alts = sorted({k for k in keys if len(k) >= 2}, key=len, reverse=True)
    if not alts:
        return None
    return re.compile("(?<![a-z0-9])(" + "|".join(r"[\W_]*".join(re.escape(ch) for ch in k) for k in alts) + ")")


def link_model(text: str | None, models: Iterable[ModelName]) -> ModelName | None:
    """The own model a label or sentence names (the longest name it mentions; case, spaces and hyphens ignored)."""
    models = tuple(models)
    if not text or not models:
        return None
    pattern = _names_re(tuple(m.key for m in models))
    if pattern is None:
        return None
    hits = [re.sub(r"[\W_]", "", m.group(1)) for m in pattern.finditer(text.lower())]
    if not hits:
        return None
    best = max(hits, key=len)
    return next((m for m in models if m.key == best), None)


def abbreviates(label: str, models: Iterable[ModelName]) -> ModelName | None:
    """The own model a table row abbreviates: a label whose first word is the versioned tail of an own model's name
    ("V3-Large 1.0" for MobileNetV3, "v2 small" for a model named FooNet-v2)."""
    first = re.match(r"\s*(?:\d+\s+(?=[A-Za-z]))?([A-Za-z]*\d[\w.]*?)(?=[\s\-(]|$)", label)
    if not first:
        return None
    tail = model_key(first.group(1)) or ""
    if len(tail) < 2 or not re.search(r"\d", tail):
        return None
    return next((m for m in models if m.key != tail and m.key.endswith(tail) and len(m.key) > len(tail) + 2), None)


_CITATION = re.compile(r"\s*\[[\d,\s–\-]+\]|\s*\((?:ours|our model|this work)\)", re.I)
_GENERIC = re.compile(r"^[\W\dxX✓✗]*$|^(?:ours|our model|this work|single|ensemble|single model)$", re.I)


def main_model(models: Iterable[ModelName]) -> ModelName | None:
    """The paper's first main model (the title's name when it has one)."""
    return next((m for m in models if m.main), None)


def link_results(doc: Document, candidates: Iterable[Candidate]) -> list[Candidate]:
    """Result candidates linked to a model: a table row's label, else an own model the sentence names, else the
    paper's main model (``scope`` ``model`` or ``main_model``); other kinds unchanged."""
    main = main_model(doc.models)
    out: list[Candidate] = []
    for c in candidates:
        if c.kind != "result" or c.scope is not None:
            out.append(c)
            continue
        label = _CITATION.sub("", c.model or "").strip()
        if label and not _GENERIC.match(label):
            out.append(replace(c, model=c.model, model_key=row_model(label, doc.models)[1], scope="model"))
            continue
        named = None if c.fields.get("table") is not None else link_model(c.evidence.snippet, doc.models)
        target = named or main
        if target is None:
            out.append(c)
        else:
            out.append(replace(c, model=c.model or target.name, model_key=target.key, scope="model" if named else "main_model"))
    return out


@lru_cache(maxsize=1)
def link_vocabulary() -> dict[str, Any]:
    """How stated facts are linked to own models (``extract/data/<MODEL_LINKS>.json``), patterns compiled."""
    data = json.loads((Path(__file__).parent / "data" / f"{MODEL_LINKS}.json").read_text(encoding="utf-8"))
    data["_all"] = tuple(re.compile(p, re.I) for p in data["all_models"])
    data["_attribution"] = {k: re.compile(v, 0 if k == "citation" else re.I) for k, v in data["attribution"].items()}
    return data


def _marks(text: str, models: tuple[ModelName, ...]) -> list[tuple[int, str]]:
    """(offset, "own" | "other") of the attribution marks in ``text``: first person and own-model names, citations
    and third-person words (a citation after a neutral cue such as "following" marks nothing)."""
    a = link_vocabulary()["_attribution"]
    out = [(m.start(), "own") for m in a["own"].finditer(text)]
    pattern = _names_re(tuple(m.key for m in models))
    if pattern is not None:
        out += [(m.start(1), "own") for m in pattern.finditer(text.lower())]
    out += [(m.start(), "other") for m in a["third_person"].finditer(text)]
    for m in a["citation"].finditer(text):
        out.append((m.start(), "follows" if a["neutral_before"].search(text[max(0, m.start() - 60) : m.start()]) else "other"))
    return sorted(out)


def statement_owner(sentence: str, start: int, models: Iterable[ModelName] = ()) -> str | None:
    """Whose statement the fact at ``sentence[start]`` is: ``"own"`` (the paper's), ``"other"`` (a cited or
    earlier work's: "Megatron-LM [31] used 512 V100 GPUs", "Unlike [7], which requires 128 TPUs, ..."),
    ``"follows"`` (the paper's, citing the method it follows: "As in Devlin et al. (2019), training is done on ...")
    or ``None``.

    The clause holding the fact runs back to the last clause break or relative word (``attribution`` in
    ``model_links.v4.json``); an own mark in it decides first, then an other mark; a clause with neither that
    follows a relative word takes the nearest mark of the clause it qualifies."""
    a = link_vocabulary()["_attribution"]
    models = _not_hardware(tuple(models))
    head = sentence[:start]
    breaks = sorted(
        [(m.start(), m.end(), "break") for m in a["clause_break"].finditer(head)]
        + [(m.start(), m.end(), "relative") for m in a["relative"].finditer(head)]
    )
    lo, kind = (breaks[-1][1], breaks[-1][2]) if breaks else (0, "")
    marks = {k for _, k in _marks(head[lo:], models)}
    for mark in ("own", "other", "follows"):
        if mark in marks:
            return mark
    if kind == "relative":
        prev = max([b[1] for b in breaks[:-1]] + [0])
        before = _marks(head[prev : breaks[-1][0]], models)
        if before:
            return before[-1][1]
    return None


def says_all_models(text: str) -> bool:
    """Whether a sentence states its fact once for all the paper's models ("all models were trained ...")."""
    return any(p.search(text) for p in link_vocabulary()["_all"])


def link_statement(doc: Document, text: str, start: int | None = None) -> tuple[ModelName | None, str | None, float]:
    """The own model a fact stated in ``text`` (a sentence starting at ``start`` in ``doc.text``) belongs to.

    Returns ``(model, scope, confidence)``: an own model named in the sentence (scope ``model``); a statement for
    all the paper's models (``all_models``, model None); an own model named shortly before the sentence in the same
    section (``model``, less sure); else the paper's main model (``main_model``); else ``(None, None, 0.0)``.
    The confidence (``model_links.v4.json``) says how sure the link is."""
    v = link_vocabulary()
    conf = v["confidence"]
    models = _not_hardware(doc.models)
    named = link_model(text, models)
    if named is not None:
        return named, "model", float(conf["named"])
    if says_all_models(text):
        return None, "all_models", float(conf["all_models"])
    if start is not None and start > 0:
        lo = max(0, start - int(v["near_chars"]))
        section_starts = [s.start for s in doc.sections if lo < s.start <= start]
        lo = max([lo] + section_starts)
        near = link_model(doc.text[lo:start], models)
        if near is not None:
            return near, "model", float(conf["near"])
    main = main_model(models)
    if main is not None:
        return main, "main_model", float(conf["main_model"])
    return None, None, 0.0


def linked_candidate(
    doc: Document,
    kind: str,
    extractor: str,
    evidence: Evidence,
    confidence: float,
    fields: dict[str, Any],
    link: tuple[str | None, str | None, str | None, float],
    **rest: Any,
) -> Candidate:
    """A candidate of ``doc`` linked to a model: ``link`` is ``(model, model_key, scope, link confidence)``; a
    linked one (a scope) carries the link's confidence as ``fields["model_confidence"]``. ``rest`` are the other
    :class:`Candidate` fields (``stage``, ``alternatives``, ``flags``)."""
    model, key, scope, link_conf = link
    if scope:
        fields["model_confidence"] = link_conf
    return Candidate(
        paper=doc.paper,
        kind=kind,
        extractor=extractor,
        evidence=evidence,
        confidence=confidence,
        fields=fields,
        model=model,
        model_key=key,
        scope=scope,
        **rest,
    )


def _not_hardware(models: tuple[ModelName, ...]) -> tuple[ModelName, ...]:
    """The own models less names of accelerators ("V100", "TPUv3" read as a versioned name): a fact is never
    linked to the hardware it was stated with."""
    from flopsdb.core.catalog import load_catalog

    catalog = load_catalog()
    return tuple(m for m in models if catalog.get(m.name) is None)


_VARIANT = re.compile(
    r"(?:[\s\-]?(?:\(\s*)?(?:(?:large|base|small|tiny|medium|big|huge|xl|xxl|mini|lite)\b|\d+(?:\.\d+)?\s*[BMK]\b|v\d+\b|(?-i:[A-Z]?\d+[a-z]?)\b)(?:\s*\))?)+",
    re.I,
)


def variant_mention(text: str, model: ModelName) -> str:
    """How ``text`` prints ``model`` with its variant: "XLNet-Large", "Mistral 7B", "BitNet b1.58 3B" for the own
    model XLNet / Mistral / BitNet b1.58; the model's own name when the text holds no longer form."""
    pattern = _names_re((model.key,))
    if pattern is None:
        return model.name
    m = pattern.search(text.lower())
    if m is None:
        return model.name
    start, end = m.start(1), m.end(1)
    tail = _VARIANT.match(text, end)
    if tail and tail.group(0).strip():
        end = tail.end()
    return " ".join(text[start:end].split()).strip(" -()") or model.name


def row_model(label: str, models: Iterable[ModelName]) -> tuple[str | None, str | None]:
    """A table row's model name and key, shared by every kind read from a row: the label without citation marks;
    a label that abbreviates an own model (:func:`abbreviates`: "V3-Large 1.0" for MobileNetV3) gets the family
    written out ("MobileNetV3-Large 1.0"), so its results and parameters share the key of the full name; a generic
    label ("Ours", "single model") is the paper's main model."""
    clean = " ".join(_CITATION.sub("", label).split()).strip()
    if not clean:
        return None, None
    main = main_model(models)
    if _GENERIC.match(clean) and main is not None:
        return main.name, main.key  # a row "Ours"
    own = abbreviates(clean, models)
    if own is not None:
        first = re.match(r"\s*(?:\d+\s+(?=[A-Za-z]))?", clean)
        rest = clean[first.end() if first else 0 :]
        tail = model_key(re.match(r"[A-Za-z]*\d[\w.]*?(?=[\s\-(]|$)", rest).group(0)) or ""  # type: ignore[union-attr]
        cut = next((i for i in range(len(own.name) - 1, 0, -1) if model_key(own.name[i:]) == tail), 0)
        clean = own.name[:cut] + rest if cut > 0 else f"{own.name} {rest}"
    return clean, model_key(clean)
