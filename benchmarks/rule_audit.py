"""Rule audit: for every pattern and vocabulary entry of the parameters and model-name data, how many papers it changes.

Each entry is switched off in turn (a regex replaced by one that never matches, a list item or a stoplist word
removed, a header unit dropped) and the parameter candidates of every paper are compared with the full rules':
a paper *changes* when its candidates (value, confidence, model key, own) differ. The tp / fp columns are the
change of the paper's parameter facts against the gold (facts mode, operating point 0.35); with ``--every-kind`` the
whole pipeline runs (results and their headline flags, hardware, time too) and tp / fp count the facts of every kind. An entry that changes
no paper or one paper only is a candidate for removal or generalisation (HELPERS.md: never a rule for one paper).

    python benchmarks/rule_audit.py --cache /tmp/doccache-NAME/<hash>   # pickled Documents (one pickled parse_pdf Document per paper)

Only develop-half papers are read (annotations/GUIDELINES.md); the cache is expected to hold Documents pickled
before extraction (``Document.models`` empty), one pickle of a ``parse_pdf`` Document per paper.
"""

from __future__ import annotations

import argparse
import copy
import pickle
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flopsdb.extract.models as models_mod
import flopsdb.extract.parameters as params_mod
from flopsdb.core.ids import half_of
from flopsdb.extract.evaluate import load_gold, score
from flopsdb.extract.facts import select_facts
from flopsdb.extract.pipeline import extract_document

ROOT = Path(__file__).resolve().parent.parent
NEVER = re.compile(r"(?!x)x")


def _signature(doc: Any) -> tuple[Any, ...]:
    cands = params_mod.extract_parameters(doc)
    return tuple(sorted((round(float(c.fields["value"])), c.confidence, c.model_key or "", bool(c.fields.get("own"))) for c in cands))


def _run(docs: dict[str, Any], gold: dict[str, Any], with_models: bool, every_kind: bool = False) -> tuple[dict[str, tuple[Any, ...]], int, int]:
    """Per paper a signature of what the rules give, and the facts' tp and fp: parameters only, or (``every_kind``)
    every extractor of the pipeline (``extract_document``: hardware, time, results with their headline flags)."""
    sigs: dict[str, tuple[Any, ...]] = {}
    cands: dict[str, list[Any]] = {}
    for paper, doc in docs.items():
        d = copy.copy(doc)
        if every_kind:
            d.models = ()
            found = extract_document(d)
            sigs[paper] = tuple(m.key for m in d.models) + tuple(
                sorted((str(c.kind), str(c.fields.get("value")), c.confidence, c.model_key or "", c.headline) for c in found)
            )
            cands[paper] = select_facts(found)
            continue
        if with_models:
            d.models = models_mod.find_models(d)
        sigs[paper] = _signature(d) + tuple(m.key for m in d.models)
        cands[paper] = select_facts(params_mod.extract_parameters(d))
    part = {p: [g for g in f if every_kind or g.kind == "parameters"] for p, f in gold.items() if p in docs}
    ev = score(part, cands, min_confidence=0.35, mode="facts")
    tp = sum(k.tp for k in ev.by_kind.values()) if every_kind else ev.by_kind["parameters"].tp
    fp = sum(k.fp for k in ev.by_kind.values()) if every_kind else ev.by_kind["parameters"].fp
    return sigs, tp, fp


def _parameter_variants() -> Iterator[tuple[str, Callable[[dict[str, Any]], None]]]:
    base = params_mod.patterns()
    for key, value in base.items():
        if key.startswith("_"):
            continue
        if isinstance(value, re.Pattern):
            for i, alt in enumerate(_alternatives(value.pattern)):
                if len(_alternatives(value.pattern)) == 1:
                    yield f"parameters {key}", lambda p, k=key: p.__setitem__(k, NEVER)
                else:
                    rest = [a for j, a in enumerate(_alternatives(value.pattern)) if j != i]
                    yield f"parameters {key} | {alt[:50]}", lambda p, k=key, r=rest: p.__setitem__(k, re.compile("|".join(r), re.I))
        elif key == "header_scale":
            for i, (factor, _) in enumerate(value):
                yield (
                    f"parameters header_scale {factor:g}",
                    lambda p, i=i: p.__setitem__("header_scale", [x for j, x in enumerate(p["header_scale"]) if j != i]),
                )


def _alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` alternatives of a regex (not inside groups or classes)."""
    out, depth, cls, cur, i = [], 0, False, "", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur += pattern[i : i + 2]
            i += 2
            continue
        if cls:
            cls = ch != "]"
        elif ch == "[":
            cls = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
            i += 1
            continue
        cur += ch
        i += 1
    return out + [cur]


def _model_variants() -> Iterator[tuple[str, Callable[[dict[str, Any]], None]]]:
    v = models_mod.vocabulary()
    for i, p in enumerate(v["name_patterns"]):
        yield (
            f"models name_patterns[{i}] {p['pattern'][:50]}",
            lambda d, i=i: d.__setitem__("_patterns", tuple(x for j, x in enumerate(d["_patterns"]) if j != i)),
        )
    for i, p in enumerate(v["ours_patterns"]):
        yield f"models ours_patterns[{i}] {p[:50]}", lambda d, i=i: d.__setitem__("_ours", tuple(x for j, x in enumerate(d["_ours"]) if j != i))
    for word in v["name_stoplist"]:
        low = word.lower()
        yield f"models name_stoplist {word}", lambda d, w=low: d.__setitem__("_stop", d["_stop"] - {w})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", required=True, help="folder of <paper>.pkl Documents")
    ap.add_argument("--gold", default=str(ROOT / "annotations" / "gold"))
    ap.add_argument("--only", default=None, help="audit only entries whose label contains this")
    ap.add_argument("--every-kind", action="store_true", help="score the facts of every kind (the whole pipeline), not parameters only")
    a = ap.parse_args()
    gold, _ = load_gold(a.gold)
    docs = {}
    for f in sorted(Path(a.cache).glob("*.pkl")):
        paper = f.stem
        if paper in gold and half_of(paper) == "develop":
            docs[paper] = pickle.loads(f.read_bytes())
    base_sigs, base_tp, base_fp = _run(docs, gold, True, a.every_kind)
    print(f"{len(docs)} develop papers; {'all' if a.every_kind else 'parameters'} facts tp {base_tp} fp {base_fp}")
    print(f"{'papers':>6} {'tp':>4} {'fp':>4}  entry")
    real_p, real_v = params_mod.patterns, models_mod.vocabulary
    jobs: list[tuple[str, Callable[[dict[str, Any]], None], bool]] = [(n, f, False) for n, f in _parameter_variants()]
    jobs += [(n, f, True) for n, f in _model_variants()]
    for label, change, is_model in jobs:
        if a.only and a.only not in label:
            continue
        data = dict(real_v() if is_model else real_p())
        change(data)
        if is_model:
            models_mod.vocabulary = params_mod.vocabulary = lambda data=data: data  # type: ignore[assignment]
        else:
            params_mod.patterns = lambda data=data: data  # type: ignore[assignment]
        try:
            sigs, tp, fp = _run(docs, gold, True, a.every_kind)
        finally:
            params_mod.patterns, models_mod.vocabulary, params_mod.vocabulary = real_p, real_v, real_v
        changed = [p for p in docs if sigs[p] != base_sigs[p]]
        print(f"{len(changed):>6} {tp - base_tp:>+4} {fp - base_fp:>+4}  {label}  {' '.join(changed[:4])}", flush=True)


if __name__ == "__main__":
    main()
