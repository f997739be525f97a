"""hardware.v1: the accelerators a paper trained on, with count and unit, from its sentences.

Handles counts in digits and words ("8", "eight", "a single", "8x"), replicas or nodes times devices each
("4 nodes with 8 GPUs each", "50 replicas running each on a Kepler GPU"), TPU slices ("TPU v3-256",
"a pod with 1024 cores", "4x4 TPU pod"), conjunctions ("a 1080 Ti or 2080 Ti GPU") and the unit counted
(gpu, tpu_chip, tpu_core, tpu_board, cpu). Hardware named only to measure speed gets stage ``inference``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.catalog import Accelerator, load_catalog
from flopsdb.extract.document import Document
from flopsdb.extract.stage import SentenceSpan, classify_stage, has_cue, is_hypothetical, local_stage, iter_sentences, number_pattern, parse_number, vocab

EXTRACTOR = "hardware.v1"

_PREFILTER = re.compile(r"gpu|tpu|cpu|k40|k80|m40|p100|v100|a100|h100|\bt4\b|titan|gtx|rtx|1080|2080|kepler|tesla", re.I)
_PREFIX_WORDS = r"(?:NVIDIA|Tesla|GeForce|Google|Cloud|Volta|Pascal|Maxwell|Ampere|Hopper|high-end|modern|identical|\d+\s*GB|SXM\d?|PCIe|Intel|AMD|Xeon|EPYC|Core|i[3579](?:-\d+\w*)?|E[357]-\d{4}\w*(?:\s*v\d)?|Gold|Silver|Platinum|\d{4}\w*)"
_GROUP = r"(?:replicas?|workers?|machines?|nodes?|servers?|hosts?|instances?|computers?)"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    models = load_catalog().alias_pattern()
    mention = re.compile(
        rf"(?:(?<=\d[x×])|(?<![A-Za-z0-9]))(?:(?P<model>{models})(?:\s*-\s*(?P<slice>\d+)(?![\d.]))?|(?P<generic>GPU|TPU|CPU)s?(?![a-z]))"
        rf"(?:[\s\-]*(?P<noun>GPUs?|graphics\s*cards?|cards?|chips?|TensorCores?|cores?|boards?|devices?|pods?|accelerators?)(?![a-z]))?",
        re.I,
    )
    count = re.compile(
        rf"(?<![A-Za-z0-9.,\-])(?:(?P<grid_a>\d+)\s*[x×]\s*(?P<grid_b>\d+)|(?P<count>{number_pattern()}))\s*(?:[x×](?![A-Za-z0-9]{{2}})|-)?\s*(?:{_PREFIX_WORDS}[\s\-]*)*$",
        re.I,
    )
    group = re.compile(rf"(?P<n>{number_pattern()})\s*(?:\w+\s+){{0,2}}{_GROUP}(?![a-z])", re.I)
    cores = re.compile(rf"(?P<n>{number_pattern()})\s*(?:TPU\s*|CPU\s*|TensorCore\s*)?cores(?![a-z])", re.I)
    return mention, count, group, cores


def _unit(acc: Accelerator, noun: str | None, slice_: str | None, sentence: str) -> str:
    noun = (noun or "").lower()
    if acc.kind == "cpu":
        return "cpu"
    if acc.kind == "gpu":
        return "gpu"
    if slice_ or noun.startswith("core") or noun.startswith("tensorcore"):
        return "tpu_core"
    if noun.startswith("board") or noun.startswith("device"):
        return "tpu_board"
    return "tpu_chip"


def _suppressed(sentence: str, end: int) -> bool:
    after = sentence[end : end + 24].lower().lstrip(" -")
    return any(after.startswith(w) for w in vocab()["not_hardware_after"])


def mentions_in(sentence: str) -> list[dict[str, object]]:
    """The hardware statements of one sentence: dicts with accelerator, count, unit, span and alternatives."""
    if not _PREFILTER.search(sentence):
        return []
    catalog = load_catalog()
    mention_re, count_re, group_re, cores_re = _patterns()
    out: list[dict[str, object]] = []
    prev: dict[str, object] | None = None
    for m in mention_re.finditer(sentence):
        text = m.group("model") or m.group("generic")
        acc = catalog.match(text) if m.group("model") else catalog.get({"gpu": "GPU", "tpu": "Google TPU", "cpu": "CPU"}[m.group("generic").lower()])
        if acc is None:
            continue
        generic = m.group("model") is None
        if generic and _suppressed(sentence, m.end()):
            continue
        if re.match(r"[\s\-]*(?:hours?|days?|weeks?|months?|hrs?|h)\b", sentence[m.end() :], re.I):
            continue
        before = sentence[max(0, m.start() - 48) : m.start()]
        if generic and re.search(r"(?:\bper|\beach|\bevery|single-|multi-)\s*$", before, re.I):
            continue
        noun, slice_ = m.group("noun"), m.group("slice")
        unit = _unit(acc, noun, slice_, sentence)
        count: int | None = None
        alternatives: list[dict[str, object]] = []
        flags: list[str] = []
        cm = count_re.search(before)
        start = m.start()
        if slice_:
            count = int(slice_)
            if acc.tpu_cores_per_chip:
                alternatives.append({"accelerator": acc.name, "count": count // acc.tpu_cores_per_chip, "unit": "tpu_chip"})
        elif cm and cm.group("grid_a"):
            count = int(cm.group("grid_a")) * int(cm.group("grid_b"))
            start = m.start() - len(before) + cm.start()
            if acc.kind == "tpu" and acc.tpu_cores_per_chip:
                alternatives.append({"accelerator": acc.name, "count": count * acc.tpu_cores_per_chip, "unit": "tpu_core"})
        elif cm and not re.match(r"[\s\-]*(?:based|cluster|implementation|server|machine)", sentence[m.end():], re.I) or (cm and re.match(r"\d", cm.group("count") or "")):
            value = parse_number(cm.group("count"))
            if value is not None and value >= 1 and value == int(value) and value < 100000:
                count = int(value)
                start = m.start() - len(before) + cm.start()
        if count is None and acc.kind == "tpu":
            cmatch = cores_re.search(sentence, m.end(), min(len(sentence), m.end() + 60))
            if cmatch:
                count, unit = int(parse_number(cmatch.group("n")) or 0) or None, "tpu_core"
        article = bool(cm) and (cm.group("count") or "").lower().strip() in ("a", "an", "single", "a single", "one")
        if count is not None and article and acc.kind == "cpu":
            count = None
        if count is None and not generic and prev is not None and not prev["model"] and prev.get("count") is not None:
            between = sentence[int(prev["end"]) : m.start()]  # type: ignore[arg-type]
            if re.fullmatch(r"[\s,(]*(?:of|device|card|:)?\s*(?:NVIDIA|Tesla|GeForce)?\s*", between, re.I):
                count = prev["count"]  # type: ignore[assignment]
                start = int(prev["start"])  # type: ignore[arg-type]
                out.remove(prev)
                prev = None
        if count is None and prev is not None:
            between = sentence[int(prev["end"]) : m.start()]  # type: ignore[arg-type]
            if re.fullmatch(r"\s*(?:or|and|/|,)\s*(?:an?\s+)?(?:NVIDIA\s+)?", between, re.I) and prev.get("count") is not None:
                count = prev["count"]  # type: ignore[assignment]
        if count is not None:
            g = None
            for gm in group_re.finditer(sentence[: m.start()]):
                g = gm
            after = sentence[m.end() : m.end() + 20].lower()
            if g is not None and ("each" in sentence[g.end() : m.start()].lower() or after.lstrip().startswith("each") or "per " in sentence[g.end() : m.start()].lower()):
                n = parse_number(g.group("n"))
                if n and n > 1 and n == int(n):
                    alternatives.append({"accelerator": acc.name, "count": count, "unit": unit})
                    count = int(n) * count
                    start = g.start()
        if generic and count is None and prev is not None and prev.get("model"):
            continue
        if count is None and not generic and not re.search(r"\b(?:on|using|with|use|used|via|by|of|an?|the|our)\s+(?:\S+\s+){0,2}$", before, re.I):
            flags.append("no_usage_cue")
        mention = {"accelerator": acc.name, "count": count, "unit": unit, "start": start, "end": m.end(), "model": not generic,
                   "alternatives": alternatives, "flags": flags, "article": article}
        if generic and prev is not None and prev.get("model") and re.fullmatch(r"[\s\-]*", sentence[int(prev["end"]) : m.start()]):  # type: ignore[arg-type]
            continue
        out.append(mention)
        prev = mention
    if not any(o["accelerator"] == "Google TPU" or load_catalog().get(str(o["accelerator"])).kind == "tpu" for o in out):  # type: ignore[union-attr]
        return out
    pod = re.search(rf"(?:pod|slice)[^.]{{0,40}}?(?P<n>{number_pattern()})\s*(?:TPU\s*)?cores", sentence, re.I)
    if pod and not any(o["unit"] == "tpu_core" and o["count"] for o in out):
        tpu = next(o for o in out if load_catalog().get(str(o["accelerator"])).kind == "tpu")  # type: ignore[union-attr]
        n = parse_number(pod.group("n"))
        if n:
            tpu.update(count=int(n), unit="tpu_core", end=max(int(tpu["end"]), pod.end()))  # type: ignore[arg-type]
    return out


def _clause(sentence: str, start: int, end: int) -> str:
    lo = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start), 0)
    hi = [i for i in (sentence.find(",", end), sentence.find(";", end)) if i >= 0]
    return sentence[lo : min(hi) if hi else len(sentence)]


def _confidence(mention: dict[str, object], stage: str, clause: str = "") -> float:
    conf = 0.85 if mention["model"] else 0.6
    if mention["count"] is None:
        conf -= 0.2 if re.search(r"\bwe\s+(?:\w+\s+)?(?:used?|train(?:ed)?|implemented|ran|run)\b", clause, re.I) else 0.3
    elif mention.get("article") and not mention["model"]:
        conf -= 0.3
    if "no_usage_cue" in mention["flags"]:  # type: ignore[operator]
        conf -= 0.25
    if stage == "inference":
        conf -= 0.2
    return round(max(0.05, conf), 3)


def extract_hardware(doc: Document) -> list[Candidate]:
    """``Document -> list[Candidate]`` of kind ``hardware``."""
    out: list[Candidate] = []
    for sent in iter_sentences(doc):
        out.extend(_from_sentence(doc, sent))
    return out


def _from_sentence(doc: Document, sent: SentenceSpan) -> list[Candidate]:
    found = mentions_in(sent.text)
    if not found or has_cue(sent.text, "grant_cues"):
        return []
    if sum(1 for f in found if f["model"] and f["count"] is None) >= 3:
        found = [f for f in found if not (f["model"] and f["count"] is None)]

    sentence_stage = classify_stage(sent.text, sent.section)
    cands = []
    for mention in found:
        stage = local_stage(sent.text, int(mention["start"]), int(mention["end"]), sentence_stage)  # type: ignore[arg-type]
        if mention["count"] is None and not mention["model"] and not re.search(r"train|implement|run|use|experiment", sent.text, re.I):
            continue
        ev = doc.evidence(sent.start, sent.end)
        clause = _clause(sent.text, int(mention["start"]), int(mention["end"]))  # type: ignore[arg-type]
        conf = _confidence(mention, stage, clause) - (0.4 if is_hypothetical(clause) else 0.0)
        fields = {"accelerator": mention["accelerator"], "count": mention["count"], "unit": mention["unit"]}
        cands.append(Candidate(
            paper=doc.paper, kind="hardware", extractor=EXTRACTOR, evidence=ev, confidence=round(max(0.05, conf), 3),
            fields=fields, model=None, stage=stage, alternatives=tuple(mention["alternatives"]),  # type: ignore[arg-type]
            flags=tuple(mention["flags"]),  # type: ignore[arg-type]
        ))
    return cands
