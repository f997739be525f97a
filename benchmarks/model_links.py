"""How well extracted facts are tied to their model: the share of matched facts whose ``model_key`` is the gold line's.

For every gold paper whose gold names more than one model (non-null ``model`` lines with distinct keys), the paper's
facts (``--facts`` contract, operating point 0.35) are matched to its gold lines by ``flopsdb evaluate``'s rules
(greedy by confidence). For each matched pair with a gold model, the link is right when the candidate's
``model_key`` equals ``model_key(gold.model)`` (``flopsdb.core.ids.model_key``: case, dashes, spaces folded), and
*related* when one key contains the other ("densenet121" in "ourdensenet121"). Printed per kind and pooled, with
the number of gold models whose matched facts (all kinds) share one key.

    python benchmarks/model_links.py [--half develop] [--cache /tmp/doccache-NAME] [--verbose]

Only the develop half is for tuning (annotations/GUIDELINES.md). ``--cache`` keeps parsed Documents as pickles.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
from collections import defaultdict
from pathlib import Path

from flopsdb.core.ids import half_of, model_key
from flopsdb.extract.evaluate import find_pdf, load_gold, matches
from flopsdb.extract.facts import select_facts
from flopsdb.extract.pdf import parse_pdf
from flopsdb.extract.pipeline import extract_document

ROOT = Path(__file__).resolve().parent.parent
PARSE = ["pdf.py", "layout.py", "tables.py", "sentences.py", "document.py"]


def _document(path: Path, paper: str, cache: Path | None):  # type: ignore[no-untyped-def]
    if cache is None:
        return parse_pdf(path, paper=paper)
    h = hashlib.sha256()
    for f in PARSE:
        h.update((ROOT / "extract" / f).read_bytes())
    folder = cache / h.hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    f = folder / f"{paper.replace('/', '_')}.pkl"
    if f.exists():
        return pickle.loads(f.read_bytes())
    doc = parse_pdf(path, paper=paper)
    f.write_bytes(pickle.dumps(doc))
    return doc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", default="develop", choices=["develop", "validate", "all"])
    ap.add_argument("--gold", default=str(ROOT / "annotations" / "gold"))
    ap.add_argument("--pdfs", action="append", default=None)
    ap.add_argument("--cache", default=None)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    dirs = a.pdfs or [str(ROOT.parent / "shared" / "corpus" / "pdfs"), str(ROOT.parent / "shared" / "corpus2" / "pdfs")]
    gold, _ = load_gold(a.gold)
    right: dict[str, int] = defaultdict(int)
    related: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    one_key = models_seen = papers = 0
    for paper, facts in sorted(gold.items()):
        if a.half != "all" and half_of(paper) != a.half:
            continue
        keys = {model_key(g.model) for g in facts if g.model}
        if len(keys) < 2:
            continue
        path = find_pdf(paper, dirs)
        if not path.exists():
            continue
        papers += 1
        doc = _document(path, paper, Path(a.cache) if a.cache else None)
        cands = sorted(select_facts(extract_document(doc)), key=lambda c: -c.confidence)
        free = [g for g in facts if not (g.kind == "result" and not g.headline)]
        per_model: dict[str, set[str | None]] = defaultdict(set)
        for c in cands:
            hit = next((g for g in free if matches(c, g)), None)
            if hit is None:
                continue
            free.remove(hit)
            if not hit.model:
                continue
            want, got = model_key(hit.model), c.model_key
            total[c.kind] += 1
            ok = got == want
            right[c.kind] += ok
            related[c.kind] += ok or bool(got and want and (got in want or want in got))
            per_model[str(want)].add(got)
            if a.verbose and not ok:
                print(f"{paper} {c.kind:<13} gold {hit.model!r} -> {c.model!r} ({got}) conf={c.fields.get('model_confidence')}")
        models_seen += len(per_model)
        one_key += sum(1 for v in per_model.values() if len(v) == 1)
    print(f"{a.half} half: {papers} papers with more than one gold model")
    print(f"{'kind':<14} {'matched':>7} {'right':>6} {'share':>6} {'related':>8}")
    for kind in sorted(total) + ["all"]:
        t = sum(total.values()) if kind == "all" else total[kind]
        r = sum(right.values()) if kind == "all" else right[kind]
        rel = sum(related.values()) if kind == "all" else related[kind]
        print(f"{kind:<14} {t:>7} {r:>6} {r / t if t else 0:>6.3f} {rel / t if t else 0:>8.3f}")
    print(f"gold models whose matched facts share one key: {one_key}/{models_seen}")


if __name__ == "__main__":
    main()
