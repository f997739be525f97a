"""parameters.v1: parameter counts ("213M parameters", "1.5B", "about 2.6 million parameters",
"25.5×10^6") from sentences and from the parameter column of tables of model sizes."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Document, Evidence, Table
from flopsdb.extract.stage import in_table, NUMBER, SentenceSpan, classify_stage, hedge_pattern, iter_sentences

EXTRACTOR = "parameters.v2"
"""The extractor's versioned name; its patterns are ``extract/data/<EXTRACTOR>.json``."""

_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mil": 1e6, "million": 1e6, "millions": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9, "t": 1e12, "trillion": 1e12}
_PREFILTER = re.compile(r"param", re.I)
_NOT_PARAMS = re.compile(r"^\s*(?:FLOPs?|multi|mult-adds|Mult-Adds|MACs|MAdds|operations|ops|images|tokens|words|examples|sentences|steps|iterations|samples|pairs|documents|GB|MB|hours|training|frames|videos|queries|questions|articles|pages|web|English|bytes|characters|updates|connections|multiplications)", re.I)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    value = rf"(?P<num>{NUMBER})\s*(?:(?P<scale>[KMBT]|[Bb]n|thousand|millions?|billions?|trillion)(?![A-Za-z])|[×x]\s*10\^?\s*(?P<exp>\d{{1,2}}))"
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


def counts_in(sentence: str) -> list[dict[str, object]]:
    """Parameter counts stated in one sentence: dicts with value, value_text, start, end, confidence."""
    if not _PREFILTER.search(sentence):
        return []
    pattern, _ = _patterns()
    out = []
    tokens = sentence.split()
    tabular = len(tokens) > 6 and sum(1 for t in tokens if re.fullmatch(r"[\d.,×x%()/\-]+[MBKk]?", t)) > 0.3 * len(tokens)
    own = bool(re.search(r"\b(?:our|we|ours|proposed)\b", sentence, re.I))
    for m in pattern.finditer(sentence):
        if m.start() > 0 and re.match(r"[A-Za-z\-]", sentence[m.start() - 1]):
            continue
        after = sentence[m.end() :]
        if _NOT_PARAMS.match(after):
            continue
        value = parse_count(m.group("num"), m.group("scale"), m.group("exp"))
        if value is None or value < 1e4:
            continue
        window_after = after[:40].lower()
        window_before = sentence[max(0, m.start() - 60) : m.start()].lower()
        direct = re.match(r"\s*(?:-|\s)?\s*(?:trainable\s+|learnable\s+|free\s+)?(?:parameters?|params?|weights)\b", after, re.I)
        if direct:
            conf = 0.7
        elif "param" in window_before or "param" in window_after:
            conf = 0.45
        else:
            continue
        if own:
            conf += 0.15
        near = sentence[max(0, m.start() - 80) : m.start()]
        if re.search(r"\[\d+(?:,\s*\d+)*\]|et al|\(\d{4}\)|\b(?:than|compared|vs\.?|versus|whereas|while|unlike)\b", near, re.I) or tabular:
            conf -= 0.35
        out.append({"value": value, "value_text": sentence[m.start("num") : m.end()].strip(), "start": m.start(), "end": m.end(), "confidence": round(max(0.05, min(0.95, conf)), 3),
                    "approx": bool(m.group("hedge"))})
    return out


def _param_column(table: Table) -> int | None:
    for i, title in enumerate(table.header):
        if re.search(r"#?\s*param|parameters|#\s*params|size\s*\(M\)", title, re.I):
            return i
    return None


def own_model_names(doc: Document) -> list[str]:
    """The paper's names for its own models (``extract.table_results.own_names``; empty when unavailable)."""
    try:
        from flopsdb.extract.table_results import own_names
    except ImportError:
        return []
    try:
        return [n for n in own_names(doc) if len(n) >= 3]
    except Exception:  # the names only tune confidence; never lose the table over them
        return []


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


def _from_table(doc: Document, table: Table, names: list[str] | None = None) -> list[Candidate]:
    col = _param_column(table)
    if col is None:
        return []
    names = own_model_names(doc) if names is None else names
    _, cell_re = _patterns()
    header = table.header[col]
    unit_scale = 1e6 if re.search(r"\(\s*M\s*\)|\bM\b|million", header) else 1e9 if re.search(r"\(\s*B\s*\)|billion", header) else 1.0
    out = []
    labels: list[str] = []
    for row in table.body():
        if col >= len(row) or not row[col].text.strip():
            continue
        cell = row[col]
        m = cell_re.match(cell.text.replace("∼", "~"))
        if not m:
            continue
        if m.group("plain"):
            value = float(m.group("plain").replace(",", "")) * unit_scale
            if unit_scale == 1.0:
                continue
        else:
            value = parse_count(m.group("num"), m.group("scale"), m.group("exp"))
        if not value or value < 1e4:
            continue
        model = next((c.text.strip() for c in row if c.text.strip()), None)
        snippet = " ".join(c.text for c in row if c.text)
        ev = Evidence(page=table.page, bbox=cell.bbox, snippet=snippet)
        labels.append(snippet)
        out.append(Candidate(paper=doc.paper, kind="parameters", extractor=EXTRACTOR, evidence=ev, confidence=0.5,
                             fields={"value": value, "value_text": cell.text.strip()}, model=model, stage="training", flags=("table",)))
    mentioned = [n for n in names if any(_key(n) in _key(label) for label in labels)]
    return [replace(c, confidence=row_confidence(label, mentioned)) for c, label in zip(out, labels)]


def extract_parameters(doc: Document) -> list[Candidate]:
    """``Document -> list[Candidate]`` of kind ``parameters`` (sentences, then tables)."""
    out: list[Candidate] = []
    for sent in iter_sentences(doc):
        out.extend(_from_sentence(doc, sent))
    names = own_model_names(doc) if doc.tables else []
    for table in doc.tables:
        out.extend(_from_table(doc, table, names))
    return out


def _from_sentence(doc: Document, sent: SentenceSpan) -> list[Candidate]:
    found = counts_in(sent.text)
    if not found:
        return []
    found = [x for x in found if not in_table(doc, sent.start + int(x["start"]), sent.start + int(x["end"]))]  # type: ignore[arg-type]
    stage = classify_stage(sent.text, sent.section)
    stage = "training" if stage == "inference" else stage
    return [
        Candidate(paper=doc.paper, kind="parameters", extractor=EXTRACTOR, evidence=doc.evidence(sent.start, sent.end),
                  confidence=float(c["confidence"]), fields={"value": c["value"], "value_text": c["value_text"]}, model=None, stage=stage,  # type: ignore[arg-type]
                  flags=("approx",) if c["approx"] else ())
        for c in found
    ]
