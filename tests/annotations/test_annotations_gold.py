"""Validator of the gold annotations (``annotations/gold/*.jsonl``) against ``annotations/GUIDELINES.md``.

The schema part reads only the repository (the gold files, the guidelines and the hardware catalog) and runs
everywhere. The corpus part (a gold file per corpus PDF, pages within the PDF, quotes found on their page in
``extract.pdf.parse_pdf``'s text) needs ``../shared`` and skips cleanly without it; the quote matcher itself is
also exercised on a small PDF generated here, so it is tested on every machine.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from flopsdb.extract.document import Document
from flopsdb.extract.pdf import parse_pdf

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT / "annotations" / "gold"
GUIDELINES = ROOT / "annotations" / "GUIDELINES.md"
HARDWARE_CATALOG = ROOT / "flopsdb" / "core" / "data" / "hardware.v1.jsonl"
TAXONOMY = ROOT / "flopsdb" / "core" / "data" / "benchmarks.v2.jsonl"

COMMON_FIELDS = {"paper", "kind", "model", "stage", "page", "quote"}
KIND_FIELDS = {
    "hardware": {"accelerator", "count", "unit"},
    "training_time": {"hours", "hours_low", "hours_high", "scope", "approx"},
    "result": {"task", "dataset", "split", "metric", "value", "value_text", "own", "headline"},
    "parameters": {"value", "value_text"},
}
UNIT_KIND = {"gpu": "gpu", "tpu_chip": "tpu", "tpu_core": "tpu", "tpu_board": "tpu", "cpu": "cpu", "accelerator": "accelerator"}
SPACELESS = re.compile(r"[A-Za-z]{25,}")
MAX_ROW_BLOCKS = 3
"""A table-row quote may be split by the parser into this many runs of page text."""
TABLE_KINDS = {"result", "parameters"}
"""Kinds whose quote may be a table row; hardware and training-time quotes must stand as one run."""


# ---------------------------------------------------------------- the guidelines, read as data


def _ticks(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def _table_row(text: str, field: str) -> str:
    m = re.search(rf"^\| `{re.escape(field)}` \|(.*)$", text, re.M)
    assert m, f"GUIDELINES.md has no table row for `{field}`"
    return m.group(1)


@cache
def vocabulary(path: Path = GUIDELINES) -> dict[str, Any]:
    """The allowed values written in the guidelines: kinds, stages, units, scopes, accelerators and the
    benchmark table (dataset -> task, metrics, splits)."""
    text = path.read_text(encoding="utf-8")
    kinds = set(_ticks(_table_row(text, "kind")))
    stages = set(_ticks(_table_row(text, "stage").split("(")[0]))
    unit = re.search(r"`unit`\s*\(([^)]*)\)", text)
    scope = re.search(r"`scope` \((.*?)\),", text, re.S)
    assert unit and scope, "GUIDELINES.md: unit or scope list not found"
    section = text.split("## Canonical accelerators", 1)[1].split("The hardware catalog", 1)[0]
    accelerators = set(_ticks(section))
    benchmarks: dict[str, dict[str, Any]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| `") else []
        if len(cells) != 4:
            continue
        task = _ticks(cells[1])
        metrics = _ticks(cells[2].split("(")[0])
        splits = _ticks(cells[3])
        for dataset in _ticks(cells[0]):
            benchmarks[dataset] = {"task": task[0] if task else None, "metrics": set(metrics), "splits": set(splits)}
    return {
        "kinds": kinds,
        "stages": stages,
        "units": set(_ticks(unit.group(1))),
        "scopes": {s for s in _ticks(scope.group(1)) if "_" in s},
        "accelerators": accelerators,
        "benchmarks": benchmarks,
    }


@cache
def catalog_kinds() -> dict[str, str]:
    """Hardware catalog: canonical name -> kind (gpu, tpu, cpu)."""
    rows = [json.loads(line) for line in HARDWARE_CATALOG.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["name"]: r["kind"] for r in rows}


# ---------------------------------------------------------------- the rules, one function per line


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def line_problems(d: dict[str, Any], paper: str, vocab: dict[str, Any] | None = None) -> list[str]:
    """Everything wrong with one gold line (an empty list when it is valid)."""
    v = vocab or vocabulary()
    kind = d.get("kind")
    if kind not in v["kinds"] or kind not in KIND_FIELDS:
        return [f"kind {kind!r} not in {sorted(v['kinds'])}"]
    out: list[str] = []
    required = COMMON_FIELDS | KIND_FIELDS[kind]
    missing = required - d.keys()
    extra = d.keys() - required - {"note"}
    if missing:
        out.append(f"missing fields {sorted(missing)}")
    if extra:
        out.append(f"unknown fields {sorted(extra)}")
    if missing:
        return out
    if d["paper"] != paper:
        out.append(f"paper {d['paper']!r} differs from the file name {paper!r}")
    if d["model"] is not None and not (isinstance(d["model"], str) and d["model"].strip()):
        out.append("model must be a non-empty string or null")
    if d["stage"] not in v["stages"]:
        out.append(f"stage {d['stage']!r} not in {sorted(v['stages'])}")
    if not (isinstance(d["page"], int) and not isinstance(d["page"], bool) and d["page"] >= 1):
        out.append(f"page {d['page']!r} is not a 1-based page number")
    quote = d["quote"]
    if not (isinstance(quote, str) and quote.strip()):
        out.append("quote is empty")
    elif SPACELESS.search(quote):
        out.append(f"quote has a spaceless run {SPACELESS.search(quote).group()!r}")
    if "note" in d and not (isinstance(d["note"], str) and d["note"].strip()):
        out.append("note, when present, must be a non-empty string")
    if kind in TABLE_KINDS and isinstance(quote, str) and isinstance(d["value_text"], str):
        number = re.match(r"[~∼≈]?\s*(\d[\d,]*(?:\.\d+)?)", d["value_text"].strip())
        if not number or not re.search(rf"(?<![\d.]){re.escape(number.group(1))}(?!\d)", quote):
            out.append(f"the number of value_text {d['value_text']!r} is not in the quote")
    if kind == "hardware":
        out += _hardware_problems(d, v)
    elif kind == "training_time":
        out += _time_problems(d, v)
    elif kind == "result":
        out += _result_problems(d, v)
    else:
        out += _parameter_problems(d)
    return out


def _hardware_problems(d: dict[str, Any], v: dict[str, Any]) -> list[str]:
    out = []
    if d["accelerator"] not in v["accelerators"] and d["accelerator"] not in catalog_kinds():
        out.append(f"accelerator {d['accelerator']!r} is not a canonical name")
    if d["unit"] not in v["units"]:
        out.append(f"unit {d['unit']!r} not in {sorted(v['units'])}")
    count = d["count"]
    if count is not None and not (isinstance(count, int) and not isinstance(count, bool) and count > 0):
        out.append(f"count {count!r} is neither a positive int nor null")
    kind = catalog_kinds().get(d["accelerator"])
    if kind and d["unit"] in UNIT_KIND and UNIT_KIND[d["unit"]] != kind:
        out.append(f"unit {d['unit']!r} does not fit a {kind} ({d['accelerator']})")
    return out


def _time_problems(d: dict[str, Any], v: dict[str, Any]) -> list[str]:
    out = []
    h, lo, hi = d["hours"], d["hours_low"], d["hours_high"]
    if not all(_is_number(x) and x > 0 for x in (h, lo, hi)):
        return [f"hours {h!r}, {lo!r}, {hi!r} must be positive numbers"]
    if not lo <= h <= hi:
        out.append(f"not hours_low <= hours <= hours_high: {lo} <= {h} <= {hi}")
    elif lo != hi and not math.isclose(h, (lo + hi) / 2):
        out.append(f"hours {h} is not the midpoint of the range {lo}-{hi}")
    if d["scope"] not in v["scopes"]:
        out.append(f"scope {d['scope']!r} not in {sorted(v['scopes'])}")
    if not isinstance(d["approx"], bool):
        out.append("approx must be true or false")
    return out


def _result_problems(d: dict[str, Any], v: dict[str, Any]) -> list[str]:
    out = []
    bench = v["benchmarks"].get(d["dataset"])
    if bench is None:
        return [f"dataset {d['dataset']!r} not in the guidelines' table"]
    if d["task"] != bench["task"]:
        out.append(f"task {d['task']!r} is not the task of {d['dataset']} ({bench['task']!r})")
    if d["metric"] not in bench["metrics"]:
        out.append(f"metric {d['metric']!r} not allowed for {d['dataset']} ({sorted(bench['metrics'])})")
    if d["split"] not in bench["splits"]:
        out.append(f"split {d['split']!r} not allowed for {d['dataset']} ({sorted(bench['splits'])})")
    text = d["value_text"]
    if not isinstance(text, str) or "%" in text:
        out.append(f"value_text {text!r} must be the printed number without '%'")
    else:
        try:
            if not (_is_number(d["value"]) and float(text) == d["value"]):
                out.append(f"value {d['value']!r} differs from float(value_text) {text!r}")
        except ValueError:
            out.append(f"value_text {text!r} is not a number")
    if d["own"] is not True:
        out.append("own must be true in the gold")
    if not isinstance(d["headline"], bool):
        out.append(f"headline {d['headline']!r} must be true or false (the headline policy)")
    return out


def _parameter_problems(d: dict[str, Any]) -> list[str]:
    out = []
    if not (isinstance(d["value"], int) and not isinstance(d["value"], bool) and d["value"] > 0):
        out.append(f"value {d['value']!r} must be a positive int (a plain number of parameters)")
    if not (isinstance(d["value_text"], str) and d["value_text"].strip()):
        out.append("value_text must be the printed string")
    return out


def duplicate_problems(lines: list[dict[str, Any]]) -> list[str]:
    """Facts recorded twice in one paper: the same fact, or a parameter count and its rounding."""
    out = []
    keys: Counter[tuple] = Counter()
    params: dict[str, list[int]] = defaultdict(list)
    for d in lines:
        kind = d.get("kind")
        fields = tuple(sorted((k, json.dumps(d.get(k))) for k in KIND_FIELDS.get(kind, ()) if k != "value_text"))
        keys[(kind, None if kind == "hardware" else d.get("model"), d.get("stage"), fields)] += 1
        if kind == "parameters" and isinstance(d.get("value"), int):
            params[str(d.get("model"))].append(d["value"])
    out += [
        f"{k[0]} fact of model {k[1]!r} recorded {n} times"
        if k[0] != "hardware"
        else f"hardware {dict(k[3])} at stage {k[2]!r} recorded {n} times (one line per paper)"
        for k, n in keys.items()
        if n > 1
    ]
    for model, values in params.items():
        for a in values:
            for b in values:
                if a < b and (b - a) / b < 0.05:
                    out.append(f"parameters of {model!r}: {a} looks like a rounding of {b}; keep one")
    return out


def fold(text: str) -> str:
    """Whitespace folded to single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def table_rows(doc: Document, page: int) -> list[str]:
    """The rows of the parser's tables on one page, each as its non-empty cells joined by single spaces."""
    return [fold(" ".join(c.text for c in row if c.text.strip())) for t in doc.tables if t.page == page for row in t.rows]


def in_blocks(quote: str, text: str, blocks: int = MAX_ROW_BLOCKS) -> bool:
    """Whether the quote's words are ``blocks`` or fewer runs of whole words of ``text``, in order, every run
    after the first at least two words long: a table row whose cells the parser reads as separate blocks of
    the page (labels first, numbers later), without letting a lone number match anywhere on the page."""
    words, hay = fold(quote).split(" "), " " + fold(text) + " "

    def fits(i: int, start: int, left: int) -> bool:
        if i == len(words):
            return True
        if left == 0:
            return False
        for j in range(len(words), i, -1):
            if i > 0 and j - i < 2:
                break
            run = " ".join(words[i:j])
            k = hay.find(" " + run + " ", start)
            if k >= 0 and fits(j, k + 1 + len(run), left - 1):
                return True
        return False

    return bool(words) and fits(0, 0, blocks)


def bounded_in(quote: str, text: str) -> bool:
    """Whether ``quote`` stands in ``text`` starting and ending on word boundaries (not inside a word)."""
    for m in re.finditer(re.escape(quote), text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if not (before.isalnum() and quote[0].isalnum()) and not (after.isalnum() and quote[-1].isalnum()):
            return True
    return False


def quote_found(doc: Document, page: int, quote: str, *, row_blocks: int = MAX_ROW_BLOCKS) -> bool:
    """Whether the quote stands, whitespace-folded, in the page's text, in one of the parser's table rows
    of the page, or (a table row) as ``row_blocks`` or fewer in-order runs of the page's text."""
    q, text = fold(quote), fold(doc.page_text(page))
    if not q:
        return False
    if bounded_in(q, text) or any(bounded_in(q, row) for row in table_rows(doc, page)):
        return True
    return row_blocks > 1 and in_blocks(q, text, row_blocks)


# ---------------------------------------------------------------- the gold files


def gold_files() -> list[Path]:
    """The gold files of the repository."""
    return sorted(GOLD_DIR.glob("*.jsonl"))


def read_gold(path: Path) -> list[dict[str, Any]]:
    """The lines of one gold file (each must be a JSON object)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{n}: empty line"
        d = json.loads(line)
        assert isinstance(d, dict), f"{path.name}:{n}: not a JSON object"
        out.append(d)
    return out


GOLD_IDS = [p.stem for p in gold_files()]


def test_gold_files_exist() -> None:
    assert len(GOLD_IDS) >= 27, GOLD_IDS


@pytest.mark.parametrize("paper", GOLD_IDS)
def test_gold_lines_follow_the_guidelines(paper: str) -> None:
    lines = read_gold(GOLD_DIR / f"{paper}.jsonl")
    problems = [f"{paper}:{n}: {p}" for n, d in enumerate(lines, 1) for p in line_problems(d, paper)]
    problems += [f"{paper}: {p}" for p in duplicate_problems(lines)]
    assert not problems, "\n".join(problems)


def test_guidelines_vocabulary_is_read() -> None:
    v = vocabulary()
    assert v["kinds"] == set(KIND_FIELDS)
    assert v["stages"] == {"pretraining", "training", "fine-tuning", "search"}
    assert v["units"] == set(UNIT_KIND)
    assert v["scopes"] == {"wall_clock", "device_hours"}
    assert {"NVIDIA P100", "Google TPU", "GPU", "CPU"} <= v["accelerators"]
    assert not any("/" in a or a.endswith(".jsonl") for a in v["accelerators"])
    assert v["benchmarks"]["WMT14 EN-DE"] == {"task": "machine translation", "metrics": {"BLEU"}, "splits": {"test", "dev"}}
    assert v["benchmarks"]["PASCAL VOC 2012"]["splits"] == {"test"}
    assert len(v["benchmarks"]) == 9


def test_guidelines_accelerators_are_in_the_hardware_catalog() -> None:
    missing = vocabulary()["accelerators"] - set(catalog_kinds())
    assert not missing, f"canonical names missing from {HARDWARE_CATALOG.name}: {sorted(missing)}"


def test_guidelines_benchmarks_agree_with_the_taxonomy() -> None:
    rows = [json.loads(line) for line in TAXONOMY.read_text(encoding="utf-8").splitlines() if line.strip()]
    taxonomy = {r["dataset"]: r for r in rows}
    for dataset, bench in vocabulary()["benchmarks"].items():
        assert dataset in taxonomy, dataset
        assert bench["task"] == taxonomy[dataset]["task"], dataset
        assert bench["metrics"] <= {m["name"] for m in taxonomy[dataset]["metrics"]}, dataset
        assert bench["splits"] <= set(taxonomy[dataset]["splits"]), dataset


def _good(kind: str) -> dict[str, Any]:
    base = {"paper": "p", "kind": kind, "model": "M", "stage": "training", "page": 3, "quote": "We trained on 8 GPUs."}
    extra = {
        "hardware": {"accelerator": "NVIDIA P100", "count": 8, "unit": "gpu"},
        "training_time": {"hours": 204, "hours_low": 168, "hours_high": 240, "scope": "wall_clock", "approx": False},
        "result": {
            "task": "machine translation",
            "dataset": "WMT14 EN-DE",
            "split": "dev",
            "metric": "BLEU",
            "value": 25.8,
            "value_text": "25.8",
            "own": True,
            "headline": False,
            "quote": "big 6 1024 4.33 25.8 213",
        },
        "parameters": {"value": 1542000000, "value_text": "1542M", "quote": "1542M 48 1600"},
    }[kind]
    return {**base, **extra}


@pytest.mark.parametrize("kind", sorted(KIND_FIELDS))
def test_a_valid_line_has_no_problems(kind: str) -> None:
    assert line_problems(_good(kind), "p") == []


@pytest.mark.parametrize(
    ("kind", "change", "expected"),
    [
        ("hardware", {"accelerator": "Tesla P100"}, "canonical"),
        ("hardware", {"unit": "tpu_chip"}, "does not fit"),
        ("hardware", {"count": 0}, "positive int"),
        ("hardware", {"stage": "inference"}, "stage"),
        ("hardware", {"quote": "Wetrainedourmodelsononemachinewith8NVIDIAP100GPUs."}, "spaceless"),
        ("hardware", {"page": 0}, "page"),
        ("hardware", {"paper": "q"}, "file name"),
        ("hardware", {"gpu_count": 8}, "unknown fields"),
        ("training_time", {"hours_low": 250}, "hours_low <= hours"),
        ("training_time", {"hours": 200}, "midpoint"),
        ("training_time", {"scope": "gpu_days"}, "scope"),
        ("result", {"value_text": "25.8%"}, "without '%'"),
        ("result", {"value": 25.9}, "differs from float"),
        ("result", {"split": "val"}, "split"),
        ("result", {"metric": "top-1 error"}, "metric"),
        ("result", {"dataset": "CIFAR-10"}, "dataset"),
        ("result", {"task": "question answering"}, "task"),
        ("result", {"own": False}, "own"),
        ("parameters", {"value": 1.5e9}, "positive int"),
        ("parameters", {"quote": "a 1.5B parameter model"}, "not in the quote"),
        ("result", {"quote": "Transformer (big) 25.81"}, "not in the quote"),
        ("training_time", {"kind": "speed"}, "kind"),
    ],
)
def test_bad_lines_are_reported(kind: str, change: dict[str, Any], expected: str) -> None:
    problems = line_problems({**_good(kind), **change}, "p")
    assert any(expected in p for p in problems), problems


def test_missing_fields_are_reported() -> None:
    d = _good("result")
    del d["split"]
    assert line_problems(d, "p") == ["missing fields ['split']"]


def test_duplicates_and_roundings_are_reported() -> None:
    a = _good("parameters")
    rounded = {**a, "value": 1500000000, "value_text": "1.5B", "quote": "a 1.5B parameter Transformer"}
    other = {**a, "model": "117M", "value": 117000000, "value_text": "117M"}
    assert duplicate_problems([a, other]) == []
    assert any("rounding" in p for p in duplicate_problems([a, rounded, other]))
    r = _good("result")
    assert duplicate_problems([r, {**r, "quote": "elsewhere"}]) == ["result fact of model 'M' recorded 2 times"]
    assert duplicate_problems([r, {**r, "value": 41.0, "value_text": "41.0"}]) == []
    h = _good("hardware")
    assert any("one line per paper" in p for p in duplicate_problems([h, {**h, "model": "Other"}]))
    assert duplicate_problems([h, {**h, "stage": "fine-tuning"}, {**h, "count": 4}]) == []


# ---------------------------------------------------------------- the quote matcher on a generated PDF


@pytest.fixture(scope="module")
def sample_doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    """A two-page PDF written with matplotlib, parsed by the project's parser."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    path = tmp_path_factory.mktemp("gold") / "sample.pdf"
    with PdfPages(path) as pdf:
        for lines in (
            ["Introduction text on the first page."],
            ["We trained our models on one machine with 8", "NVIDIA P100 GPUs. It took 3.5 days."],
            ["Model", "Transformer (big)", "Transformer (base)", "BLEU EN-DE EN-FR", "28.4 41.8", "27.3 38.1"],
        ):
            fig = plt.figure(figsize=(8.5, 11))
            for i, line in enumerate(lines):
                fig.text(0.1, 0.9 - 0.03 * i, line, fontsize=11, family="DejaVu Sans")
            pdf.savefig(fig)
            plt.close(fig)
    return parse_pdf(path)


def test_quote_found_on_its_page_across_a_line_break(sample_doc: Document) -> None:
    assert quote_found(sample_doc, 2, "with 8 NVIDIA P100 GPUs.")
    assert quote_found(sample_doc, 2, "It   took 3.5\ndays.")


def test_quote_must_start_and_end_on_word_boundaries(sample_doc: Document) -> None:
    assert not quote_found(sample_doc, 2, "rained our models")
    assert not quote_found(sample_doc, 2, "We trained our mod")
    assert quote_found(sample_doc, 2, "trained our models")
    assert bounded_in("GPU.", "8 GPU.11 Next") and not bounded_in("GP", "8 GPU.")


def test_quote_not_found_spaceless_or_on_the_wrong_page(sample_doc: Document) -> None:
    assert not quote_found(sample_doc, 2, "with8NVIDIAP100GPUs.")
    assert not quote_found(sample_doc, 1, "with 8 NVIDIA P100 GPUs.")
    assert not quote_found(sample_doc, 2, "with 16 NVIDIA P100 GPUs.")


def test_table_row_quote_may_span_blocks_in_order(sample_doc: Document) -> None:
    assert quote_found(sample_doc, 3, "Transformer (big) 28.4 41.8")
    assert not quote_found(sample_doc, 3, "Transformer (big) 28.4 41.8", row_blocks=1)
    assert not quote_found(sample_doc, 3, "28.4 41.8 Transformer (big)")
    assert not quote_found(sample_doc, 3, "Transformer (big) 28.4 41.9")
    assert not quote_found(sample_doc, 3, "Transformer (b 28.4")
    assert in_blocks("a b c d e", "a x b c y d e", blocks=3)
    assert not in_blocks("a b c d e", "a x b c y d e", blocks=2)
    assert not in_blocks("a b c", "a b x c", blocks=3)
    assert in_blocks("a b c", "c x a b x a b c", blocks=1)


# ---------------------------------------------------------------- against the real corpus (../shared)


@cache
def _parsed(path: str) -> Document:
    return parse_pdf(path)


@pytest.mark.shared
def test_every_corpus_pdf_has_a_gold_file(corpus_dir: Path) -> None:
    pdfs = {p.stem for p in corpus_dir.glob("*.pdf")}
    assert pdfs, f"no PDFs in {corpus_dir}"
    assert pdfs - set(GOLD_IDS) == set(), "corpus PDFs without a gold file"


@pytest.mark.shared
def test_every_gold_file_has_a_pdf(corpus_dir: Path, corpus2_dir: Path) -> None:
    pdfs = {p.stem for d in (corpus_dir, corpus2_dir) for p in d.glob("*.pdf")}
    assert set(GOLD_IDS) - pdfs == set(), "gold files without a PDF in corpus or corpus2"


@pytest.mark.shared
@pytest.mark.parametrize("paper", GOLD_IDS)
def test_gold_quotes_stand_on_their_page(paper: str, corpus_dir: Path, corpus2_dir: Path) -> None:
    pdf = next((d / f"{paper}.pdf" for d in (corpus_dir, corpus2_dir) if (d / f"{paper}.pdf").exists()), None)
    if pdf is None:
        pytest.skip(f"{paper}.pdf is in neither corpus")
    doc = _parsed(str(pdf))
    problems = []
    for n, d in enumerate(read_gold(GOLD_DIR / f"{paper}.jsonl"), 1):
        page = d.get("page")
        if not isinstance(page, int) or not 1 <= page <= len(doc.pages):
            problems.append(f"{paper}:{n}: page {page!r} outside 1..{len(doc.pages)}")
        elif not quote_found(doc, page, d.get("quote", ""), row_blocks=MAX_ROW_BLOCKS if d.get("kind") in TABLE_KINDS else 1):
            problems.append(f"{paper}:{n}: quote not on page {page}: {d.get('quote')!r}")
    assert not problems, "\n".join(problems)
