"""result_table.v6: benchmark results read from the tables of a paper.

A table is looked at only when its caption, or the text around it, names a tracked dataset or metric
(``extract/data/table_results.v4.json``: ``table_cues``). The tables are ``Document.tables``, read once by
``extract.tables`` (one table model with cell boxes, whichever strategy read it); this module only interprets.

Interpretation works on positions, not on column indices, so every reading strategy serves:

- the body starts at the first row with a decimal or percent value; the rows above are the header;
- numeric cells of the body are grouped into columns by horizontal overlap; each column's header is
  the header text above it (spanning titles such as ``Dev``/``Test`` reach every column below, and a
  title ``EM / F1`` over two columns is split between them);
- dataset: the column header, else the caption, else a dataset the headers imply (``AP50`` -> COCO),
  else the paper's main dataset (lower confidence); metric: the taxonomy's aliases plus the table
  spellings of the data file; tables whose rows name datasets or tasks are read the other way round;
- the model is the row label (the text left of the first result column);
- own model or baseline: the paper's model names (``Document.models``, ``extract.models``), "ours",
  citations ("[12]", "et al."), affiliations, well-known other models, other versions of the paper's
  model family, and whether the table cites anything at all.

Values are numbers as printed (``"41.2%"`` -> 41.2); a ``±`` part goes to the ``plus_minus`` field and flag.
Two values in one cell are two settings of the row: ``"25.02 / 23.61"`` (the second is a ``second_setting``) and,
in v5, ``"88.83 (90.10)"`` (the worse of the two is the ``second_setting``, kept below the operating point). v5
also reads stacked sub-tables: a row without values such as ``(a) English→French`` is the sub-caption of the block
above it, and the block below the last one is named by the caption's next letter (``(b) English→German``).

v6 reads more layouts: the values of neighbouring columns joined into one cell (``32.6 [64] 32.9±1.1``) are split;
header rows are read from the bottom up, so a title spanning titles (``FLAN 137B`` over ``zero-shot`` / ``few-shot``,
each over ``average`` / ``best``) reaches all their columns, and a spanning title copied per grid column counts once;
tables of tasks with several label columns (``Task | Metric | Prompt``) take the metric from the row and continue a
task into the rows below it that leave its columns blank; a caption naming several metrics of a dataset names none;
a row adding the paper's method to another model (``F-RCNN + Soft-NMS``, ``[24]+Soft-NMS``) and an ablated row of an own
row (``SAC - DCN`` under ``SAC``) are own; untitled and training-data label columns (``0.75``, ``07+12``) join the
row label; a detection-and-segmentation caption keeps box AP; a split printed as a subscript (``APval``) counts; a
row of another table is a repeat only when its other values repeat too; tables of test subsets (contamination
analyses) stay below the operating point (``test_subset``).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from flopsdb.core.taxonomy import Benchmark, load_taxonomy, normalise_key
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Caption, Cell, Document, Evidence, Table
from flopsdb.extract.models import find_models, title_names
from flopsdb.extract.tables import DECIMAL, VALUE, is_value

EXTRACTOR = "result_table.v6"
_LOG = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    """The vocabularies of ``extract/data/table_results.v4.json``."""
    return json.loads((Path(__file__).parent / "data" / "table_results.v4.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _res() -> dict[str, re.Pattern[str]]:
    v = vocabulary()
    tax = load_taxonomy()
    untracked = "|".join(re.escape(u) for u in sorted(v["untracked_datasets"], key=len, reverse=True))
    return {
        "cues": re.compile("|".join(v["table_cues"]), re.I),
        "datasets": re.compile(rf"(?<![A-Za-z0-9])(?:{tax.dataset_pattern()})(?![A-Za-z0-9])", re.I),
        "untracked": re.compile(rf"(?:{'|'.join(v['untracked_patterns'])})|(?<![A-Za-z0-9])(?:{untracked})(?![A-Za-z0-9])", re.I),
        "untracked_col": re.compile("|".join(v["untracked_table_cues"]), re.I),
        "citation": re.compile(v["citation"]),
        "own": re.compile("|".join(v["own_cues"]), re.I),
        "baseline": re.compile("|".join(v["baseline_cues"]), re.I),
        "affiliation": re.compile(f"{v['affiliation']}|{v['leaderboard']}"),
        "leaderboard": re.compile(v["leaderboard"]),
        "row_metric": re.compile(v["row_metric_words"], re.I),
        "variant": re.compile(v["variant_label"], re.I),
        "language_pair": re.compile(v["language_pair"]),
        "untracked_sets": re.compile("|".join(v["untracked_patterns"]), re.I),
    }


# --------------------------------------------------------------------------- own-model names


def own_names(doc: Document) -> list[str]:
    """The paper's names for its own models: ``Document.models`` (``extract.models``), found now when not yet set."""
    return [m.name for m in (doc.models or find_models(doc))]


@lru_cache(maxsize=64)
def _names_re(names: tuple[str, ...]) -> re.Pattern[str] | None:
    keys = sorted({k for k in (re.sub(r"[^a-z0-9]", "", n.lower()) for n in names) if len(k) >= 2}, key=len, reverse=True)
    if not keys:
        return None
    return re.compile("(?<![a-z0-9])(?:" + "|".join(r"[\W_]*".join(re.escape(ch) for ch in k) for k in keys) + ")")


def _mentions(label: str, names: Iterable[str]) -> bool:
    """True when the label names one of ``names`` (case, spaces and hyphens ignored; starting at a word)."""
    pattern = _names_re(tuple(names))
    return bool(label and pattern is not None and pattern.search(label.lower()))


# --------------------------------------------------------------------------- interpreting a table


@dataclass
class _Column:
    x0: float
    x1: float
    cells: list[tuple[int, Cell]] = field(default_factory=list)
    header: str = ""
    section: str = ""


def _columns(body: list[tuple[int, tuple[Cell, ...]]]) -> list[_Column]:
    cells = sorted(((i, c) for i, row in body for c in row if is_value(c.text)), key=lambda t: t[1].bbox.x0)
    cols: list[_Column] = []
    for i, c in cells:
        for col in cols:
            if min(col.x1, c.bbox.x1) - max(col.x0, c.bbox.x0) > 0:
                col.cells.append((i, c))
                col.x0, col.x1 = min(col.x0, c.bbox.x0), max(col.x1, c.bbox.x1)
                break
        else:
            cols.append(_Column(c.bbox.x0, c.bbox.x1, [(i, c)]))
    return sorted(cols, key=lambda c: c.x0)


def _headers(cols: list[_Column], header_rows: Sequence[Sequence[Cell]], label_right: float) -> None:
    """Give each column the header text above it (``header``) and the nearest header cell to its left that
    stands above no column (``section``: ``SQuAD2.0`` over the second of two tables side by side).

    The rows are read from the bottom up: a title over the titles below it reaches their columns too (``FLAN 137B``
    centred over ``zero-shot`` and ``few-shot``, each over ``average`` and ``best``): the columns under one title
    reach as far as each other for a title above that spans two or more columns; a title over one column stays
    with it."""
    reach = {id(col): (col.x0, col.x1) for col in cols}
    heads: dict[int, list[str]] = {id(col): [] for col in cols}
    sections: dict[int, list[str]] = {id(col): [] for col in cols}

    def overlaps(col: _Column, c: Cell, *, far: bool = False) -> bool:
        x0, x1 = reach[id(col)] if far else (col.x0, col.x1)
        return min(x1, c.bbox.x1) - max(x0, c.bbox.x0) > -1.5

    for printed in reversed(header_rows):
        # a title spanning columns may come as one copy per grid column it spans: read it once
        row = list({(c.text, c.bbox): c for c in printed}.values())
        free = [c for c in row if c.text.strip() and not any(overlaps(col, c) for col in cols)]
        for col in cols:
            left = [c for c in free if c.bbox.x1 <= col.x0]
            if left:
                sections[id(col)].insert(0, max(left, key=lambda c: c.bbox.x1).text)
        cells = [c for c in row if c.text.strip() and c.bbox.x1 > label_right]
        if not cells:
            continue
        assigned: dict[int, list[_Column]] = {}
        over = {id(c) for c in cells if any(overlaps(col, c) for col in cols)}
        floating = [c for c in cells if id(c) not in over]
        # a title over two or more columns spans them, and the columns that reach as far as them
        spanning = {id(c) for c in cells if sum(overlaps(col, c) for col in cols) >= 2}
        for col in cols:
            hits = [c for c in cells if overlaps(col, c) or (id(c) in spanning and overlaps(col, c, far=True))]
            if not hits and floating:
                # a title that stands over no column (``Dev`` centred over ``EM  F1``) reaches the columns near it;
                # a title over another column (one line of a multi-line header) does not
                centre = (col.x0 + col.x1) / 2
                near = min(floating, key=lambda c: abs((c.bbox.x0 + c.bbox.x1) / 2 - centre))
                if abs((near.bbox.x0 + near.bbox.x1) / 2 - centre) < 60:
                    hits = [near]
            for h in hits:
                assigned.setdefault(id(h), []).append(col)
        _centred_groups(cols, [c for c in cells if id(c) in spanning], assigned)
        grown: dict[int, tuple[float, float]] = {}
        for cell in cells:
            # the columns under one title reach as far as each other for the spanning titles above (not as far as
            # the title: a wide group title below the column titles must not reach the next table beside it)
            under = [col for col in assigned.get(id(cell), []) if id(cell) in over]
            if len(under) >= 2:
                span = (min(reach[id(c)][0] for c in under), max(reach[id(c)][1] for c in under))
                for col in under:
                    x0, x1 = grown.get(id(col), reach[id(col)])
                    grown[id(col)] = (min(x0, span[0]), max(x1, span[1]))
        reach.update(grown)
        for cell in reversed(cells):
            targets = assigned.get(id(cell), [])
            parts = [p.strip() for p in cell.text.split("/")] if "/" in cell.text else []
            if len(targets) > 1 and len(parts) == len(targets) and all(parts):
                for col, part in zip(sorted(targets, key=lambda c: c.x0), parts):
                    heads[id(col)].insert(0, part)
            else:
                for col in targets:
                    heads[id(col)].insert(0, cell.text)
    for col in cols:
        col.header = " ".join(heads[id(col)]).strip()
        col.section = " ".join(sections[id(col)]).strip()


def _centred_groups(cols: Sequence[_Column], titles: Sequence[Cell], assigned: dict[int, list[_Column]]) -> None:
    """A group title centred over its columns (``Box`` over ``AP AP50 AP75 APS APM APL``, printed narrower than
    them) covers the columns on both sides of the ones it stands over, pair by pair, while no other title of the row
    stands over them and the pair stays centred under it."""
    order = sorted(cols, key=lambda c: c.x0)
    taken = {id(col) for targets in assigned.values() for col in targets}
    pitch = float(np.median([b.x0 - a.x0 for a, b in zip(order, order[1:])])) if len(order) >= 2 else 0.0
    for title in titles:
        under = sorted((order.index(c) for c in assigned.get(id(title), [])), key=int)
        if len(under) < 2 or under != list(range(under[0], under[-1] + 1)):
            continue
        centre = (title.bbox.x0 + title.bbox.x1) / 2
        left, right = under[0] - 1, under[-1] + 1
        while left >= 0 and right < len(order) and not {id(order[left]), id(order[right])} & taken:
            mid = ((order[left].x0 + order[left].x1) / 2 + (order[right].x0 + order[right].x1) / 2) / 2
            if abs(mid - centre) > pitch / 2:
                break
            for col in (order[left], order[right]):
                assigned[id(title)].append(col)
                taken.add(id(col))
            left, right = left - 1, right + 1


def _clean(text: str) -> str:
    return _res()["untracked"].sub(" ", text)


def _pairs(text: str) -> str:
    """Language pairs written with spaces around the arrow or dash (``en → fr``, ``en − fr``) as ``en→fr``, ``en-fr``."""
    return _res()["language_pair"].sub(lambda m: f"{m[1]}{'→' if m[2] == '→' else '-'}{m[3]}", text)


def _datasets_in(text: str) -> list[Benchmark]:
    tax = load_taxonomy()
    out: list[Benchmark] = []
    for m in _res()["datasets"].finditer(_clean(_pairs(text))):
        bench = tax.get(m.group(0)) or tax.dataset(m.group(0))
        if bench is not None and bench not in out:
            out.append(bench)
    return out


def _alias_hit(alias: str, text: str) -> bool:
    pattern = re.escape(alias).replace(r"\ ", r"\s*").replace(r"\-", r"[\-\s]?").replace("@", r"\s*@\s*")
    flags = 0 if len(alias) <= 3 and alias.isalpha() and alias not in ("AP", "EM") else re.I
    return re.search(rf"(?<![A-Za-z0-9]){pattern}(?![A-Za-z0-9])", text, flags) is not None


def _bare_header(header: str, names: Sequence[str]) -> bool:
    """True when a column title says nothing but a split, a dataset or a model name, so the caption may name the metric."""
    v = vocabulary()
    rest = _res()["datasets"].sub(" ", _clean(header))
    rest = re.sub(v["bare_header_words"], " ", rest, flags=re.I)
    if not re.sub(r"[\W_]+", "", rest):
        return True
    # Two patterns, not one of both lists: the known models' pattern is compiled once per process instead of
    # once per paper (a search of an alternation matches exactly when one of its halves does).
    return _mentions(rest, names) or _mentions(rest, v["known_models"])


def _metric(bench: Benchmark, header: str, caption: str, *, caption_ok: bool = True) -> tuple[str | None, float]:
    """The metric a column reports, with a confidence factor (1.0: named by the header)."""
    v = vocabulary()
    raw, header = header, re.sub(v["metric_infix"], "AP ", header)
    if bench.facets:
        return bench.metric_from_header(header, caption)
    metric, conf = _metric_named(bench, header, caption, caption_ok=caption_ok)
    for scope in v.get("metric_scopes", {}).get(bench.dataset, ()):
        if (
            metric is not None
            and metric not in scope["metrics"]
            and (re.search(scope["header"], raw, re.I) or re.search(scope["caption"], caption, re.I))
            and not re.search(scope["unless"], raw, re.I)
        ):
            return None, 0.0
    return metric, conf


def _metric_named(bench: Benchmark, header: str, caption: str, *, caption_ok: bool = True) -> tuple[str | None, float]:
    """The metric a header (else the caption) names through the aliases of the taxonomy and the data file."""
    v = vocabulary()
    context = v["metric_context"].get(bench.dataset)
    if context and not re.search(context, f"{header} {caption}", re.I):
        return None, 0.0
    aliases = v["metric_aliases"].get(bench.dataset, {})
    for text, conf in ((header, 1.0), (caption if caption_ok else "", 0.75)):
        best: tuple[int, str] | None = None
        for metric, names in aliases.items():
            for name in (*names, metric):
                if _alias_hit(name, text) and (best is None or len(name) > best[0]):
                    best = (len(name), metric)
        if best is not None:
            return best[1], conf
        m = bench.metric(text.strip())
        if m is not None:
            return m.name, conf
    return None, 0.0


def _metrics_in(bench: Benchmark, text: str) -> set[str]:
    """The metrics of ``bench`` that a text names (the aliases of the data file and the taxonomy)."""
    aliases = vocabulary()["metric_aliases"].get(bench.dataset, {})
    names = {m.name: [*aliases.get(m.name, ()), *m.aliases, m.name] for m in bench.metrics}
    return {metric for metric, spellings in names.items() if any(_alias_hit(a, text) for a in spellings)}


def _implied_dataset(cols: Sequence[_Column]) -> Benchmark | None:
    """A dataset that a column title implies on its own (``AP50`` -> COCO, ``top-5`` -> ImageNet)."""
    v = vocabulary()
    for col in cols:
        header = re.sub(v["metric_infix"], "AP ", col.header)
        for dataset, aliases in v["metric_implies"].items():
            if any(_alias_hit(a, header) for a in aliases):
                return load_taxonomy().get(dataset)
    return None


def _plausible(bench: Benchmark, metric: str, value: float) -> bool:
    """A score a paper could report: 0-100, not zero, and not a tiny value of a higher-is-better metric
    (a ``1.0`` in an accuracy column is a width multiplier or a count)."""
    m = bench.metric(metric)
    floor = vocabulary()["min_score"] if m is None or m.higher_is_better else 0.0
    return floor < value <= 100 and value != 0


def _confidence(product: float) -> float:
    """The product of the reading's factors (dataset source, metric source, own/baseline certainty) mapped
    onto 0.3..1: on the corpus even the least certain table readings are right about two times in three."""
    return round(0.3 + 0.7 * max(0.0, min(1.0, product)), 3)


def _split(text: str, bench: Benchmark) -> str | None:
    """The split a header or caption names (the taxonomy's ``split_patterns`` of the dataset); a split printed as a
    subscript of the metric (``APval``) counts."""
    return bench.split_of(re.sub(vocabulary()["joined_split"], r"\1 ", text))


_PAIR = re.compile(r"^(?P<a>\S+?)\s*(?:/\s*(?P<b>\S+)|\(\s*(?P<p>[^()\s]+)\s*\))$")


def _split_pair(cell: Cell) -> tuple[Cell, ...]:
    """``"73.6 / 82.7"`` (two values in one cell, e.g. under ``EM / F1``) or ``"32.68 (28.76)"`` (a second value in
    parentheses: another setting of the same row and column) -> two cells, the box split by characters."""
    m = _PAIR.match(cell.text.strip())
    second = m.group("b") or m.group("p") if m else None
    if not m or second is None or not (is_value(m.group("a")) and is_value(second)):
        return (cell,)
    n = max(1, len(cell.text.strip()))
    b = cell.bbox
    cut = b.x0 + (b.x1 - b.x0) * m.end("a") / n
    resume = b.x0 + (b.x1 - b.x0) * m.start("b" if m.group("b") else "p") / n
    return (
        Cell(m.group("a"), Box(b.x0, b.top, cut, b.bottom), cell.bold, cell.marks),
        Cell(second, Box(resume, b.top, b.x1, b.bottom), cell.bold, cell.marks),
    )


_RUN_TOKEN = re.compile(r"^(?:[–—-]|\[\d+\])$")


def _split_run(cell: Cell) -> tuple[Cell, ...]:
    """``"32.6 [64] 32.9±1.1"``: the values of neighbouring columns that the reader joined into one cell (a narrow
    gap) -> one cell per value, the box split by characters; dashes and bracketed counts (``[64]``, a number of
    exemplars) between them are dropped. A cell with one value, or with words, stays as it is."""
    tokens = list(re.finditer(r"\S+(?:\s*±\s*\d+(?:\.\d+)?)?", cell.text))
    values = [m for m in tokens if is_value(m.group(0))]
    if len(values) < 2 or any(not is_value(m.group(0)) and not _RUN_TOKEN.match(m.group(0)) for m in tokens):
        return (cell,)
    n = max(1, len(cell.text))
    b = cell.bbox
    width = b.x1 - b.x0
    return tuple(
        Cell(m.group(0), Box(b.x0 + width * m.start() / n, b.top, b.x0 + width * m.end() / n, b.bottom), cell.bold, cell.marks) for m in values
    )


def _pair_headers(cols: Sequence[_Column], seconds: dict[int, int]) -> None:
    """A column of second values of pairs (``23.61`` of ``25.02 / 23.61``) without a title of its own takes the
    title of its first values: the pair is one printed cell under that title."""
    where = {id(c): col for col in cols for _, c in col.cells}
    for col in cols:
        if col.header:
            continue
        partner = next((where.get(seconds[id(c)]) for _, c in col.cells if id(c) in seconds), None)
        if partner is not None and partner is not col:
            col.header = partner.header


def _pair_split(text: str, bench: Benchmark) -> tuple[str, str] | None:
    """The splits of a pair title such as ``dev / test`` (the first and second value of each pair), if the text has one."""
    for m in re.finditer(r"([A-Za-z][\w\-]*)\s*/\s*([A-Za-z][\w\-]*)", text):
        a, b = bench.split_of(m.group(1)), bench.split_of(m.group(2))
        if a and b and a != b:
            return a, b
    return None


def _join_pairs(row: Sequence[Cell]) -> tuple[Cell, ...]:
    """``25.02`` | ``/`` | ``23.61`` read as three cells -> one cell ``25.02 / 23.61`` (two values of one column,
    such as single-crop / 10-crop, or a pair under ``EM / F1``)."""
    out: list[Cell] = []
    i = 0
    while i < len(row):
        c = row[i]
        if i + 2 < len(row) and is_value(c.text) and row[i + 1].text.strip() == "/" and is_value(row[i + 2].text):
            b = c.bbox.union(row[i + 2].bbox)
            out.append(Cell(f"{c.text} / {row[i + 2].text}", b, c.bold and row[i + 2].bold, c.marks + row[i + 2].marks))
            i += 3
            continue
        out.append(c)
        i += 1
    return tuple(out)


def _number(text: str) -> tuple[float, str, str | None] | None:
    m = VALUE.match(text.strip())
    if not m:
        return None
    raw = m.group("num").replace(",", ".").replace("·", ".")
    return float(raw), m.group("num"), (m.group("pm") or None)


def _main_dataset(doc: Document) -> Benchmark | None:
    counts: Counter[str] = Counter()
    tax = load_taxonomy()
    for m in _res()["datasets"].finditer(_clean(doc.text)):
        bench = tax.get(m.group(0))
        if bench is not None:
            counts[bench.dataset] += 1
    if not counts:
        return None
    (top, n), *rest = counts.most_common(2) + [("", 0)]
    return tax.get(top) if n >= 3 and n >= 2 * rest[0][1] else None


def _relevant(caption: Caption | None, table: Table | None = None, doc: Document | None = None) -> bool:
    text = caption.text if caption else ""
    if doc is not None and caption is not None:
        text += " " + doc.text[max(0, caption.start - 1500) : caption.end + 1500]
    if table is not None:
        text += " " + " ".join(c.text for r in table.rows[:3] for c in r)
    return bool(_res()["cues"].search(_pairs(text)))


def table_results(
    doc: Document, table: Table, *, names: Sequence[str] = (), main: Benchmark | None = None, title_names: Sequence[str] | None = None
) -> list[Candidate]:
    """The result candidates of one table (see the module docstring for the rules).

    ``names`` are the paper's model names (:func:`own_names`); a row that cites one of them counts as
    own only when the name is also in ``title_names`` (default: all of ``names``). A table of results on subsets
    of the test sets (a contamination analysis: data ``subset_captions``) is kept for review, below the operating
    point, flagged ``test_subset``.
    """
    found = _table_results(doc, table, names=names, main=main, title_names=title_names)
    if table.caption is not None and re.search(vocabulary()["subset_captions"], table.caption.text, re.I):
        return [replace(c, confidence=min(c.confidence, _SECONDARY), flags=(*c.flags, "test_subset")) for c in found]
    return found


def _table_results(
    doc: Document, table: Table, *, names: Sequence[str] = (), main: Benchmark | None = None, title_names: Sequence[str] | None = None
) -> list[Candidate]:
    cited_ok = list(names) if title_names is None else list(title_names)
    res = _res()
    caption = table.caption.text if table.caption else ""
    rows = [tuple(c for c in r if c.text.strip()) for r in table.rows]
    rows = [_join_pairs(r) for r in rows if r and not (len(r) == 1 and is_value(r[0].text))]
    seconds: dict[int, int] = {}
    in_parens: dict[int, Cell] = {}  # the two cells of an "X (Y)" pair, each by the id of the other
    split_rows = []
    for r in rows:
        cells: list[Cell] = []
        for c in r:
            parts = _split_pair(c)
            if len(parts) == 1:
                parts = _split_run(c)
            elif len(parts) == 2:
                seconds[id(parts[1])] = id(parts[0])
                if c.text.strip().endswith(")"):
                    in_parens[id(parts[0])], in_parens[id(parts[1])] = parts[1], parts[0]
            cells.extend(parts)
        split_rows.append(tuple(cells))
    rows = split_rows
    start = next((i for i, r in enumerate(rows) if any(is_value(c.text) and DECIMAL.search(c.text) for c in r)), None)
    if start is None:
        return []
    start = max(start, min(table.header_rows, start + 1))
    header_rows, body = rows[:start], list(enumerate(rows))[start:]
    cols = _columns(body)
    if not cols:
        return []
    label_right = cols[0].x0 - 0.5
    last_titles = max((k for k in range(start) if len(rows[k]) >= 2), default=-1)
    if last_titles >= 0:
        start = last_titles + 1
    while start > 1 and all(c.bbox.x1 <= label_right for c in rows[start - 1]):
        start -= 1
    header_rows, body = rows[:start], list(enumerate(rows))[start:]
    _headers(cols, header_rows, label_right)
    _pair_headers(cols, seconds)
    caption = _pairs(caption)
    for col in cols:
        col.header = _pairs(col.header)
    # a "Datasets" title over column titles that mostly name datasets labels the header row, not the rows
    named_cols = sum(bool(_datasets_in(c.header) or res["untracked"].search(c.header)) for c in cols)
    by_title = _dataset_rows(header_rows, label_right) and named_cols * 2 <= len(cols)
    transposed = _by_rows(doc, table, body, cols, caption, names, rows_are_datasets=by_title)
    if transposed is not None:
        return transposed
    if any(re.search(pattern, caption, re.I) for pattern in vocabulary()["untracked_settings"]):
        return []
    cap_sets = _datasets_in(caption)
    untracked_caption = bool(res["untracked"].search(caption)) and not cap_sets
    # a caption naming another year's test set of a tracked task ("newstest 2016 for every other pair") beside a tracked
    # one ("newstest 2014 for en-fr"): columns of that task read only the tracked sets the caption names
    caption_limits = bool(res["untracked_sets"].search(caption)) and bool(cap_sets)
    header_all = " ".join(c.header for c in cols)
    if untracked_caption and not _datasets_in(header_all):
        return []
    implied = _implied_dataset(cols)
    group_sets = _datasets_in(" ; ".join(" ".join(c.text for c in r) for _, r in body if not any(is_value(c.text) for c in r)))
    plan: list[tuple[_Column, Benchmark, str, float, list[dict]]] = []
    from_paper: set[int] = set()  # columns whose dataset is only the paper's main dataset (nothing in the table names it)
    for col in cols:
        if res["untracked_col"].search(col.header) or (res["untracked"].search(col.header) and not _datasets_in(col.header)):
            continue
        if len({w.lower() for w in res["row_metric"].findall(col.header)}) >= 2:
            continue  # one column titled with several metrics ("acc/F1/BLEU"): its rows say which, not the title
        if not any(DECIMAL.search(c.text) for _, c in col.cells):
            continue
        bare = _bare_header(col.header, names)
        tiers = [
            (_datasets_in(col.header), 1.0),
            (_datasets_in(col.section), 0.95),
            (cap_sets, 0.9 if len(cap_sets) == 1 else 0.72),
            (group_sets, 0.8),
            ([implied] if implied else [], 0.75),
            ([main] if main else [], 0.6),
        ]
        alts: list[dict] = []
        chosen: tuple[Benchmark, str, float] | None = None
        for found, conf in tiers:
            for bench in found:
                metric, mconf = _metric(bench, col.header, caption, caption_ok=bare)
                if metric is None:
                    continue
                if chosen is None:
                    chosen = (bench, metric, conf * mconf)
                    if main is not None and found == [main] and conf == tiers[-1][1]:
                        from_paper.add(id(col))
                elif bench is not chosen[0] and len(alts) < 3:
                    alts.append({"dataset": bench.dataset, "task": bench.task, "metric": metric})
            if chosen is not None:
                break
        if chosen is not None and caption_limits and chosen[0] not in cap_sets and chosen[0].task in {b.task for b in cap_sets}:
            continue
        if chosen is not None:
            plan.append((col, chosen[0], chosen[1], chosen[2], alts))
    if not plan:
        return []
    first_x = min(p[0].x0 for p in plan)
    labels: dict[int, str] = {}
    groups: dict[int, str] = {}
    inner: dict[tuple[int, float], str] = {}
    last_label, group, above = "", "", -2
    second_x = _second_label_column(body, first_x)
    first_cell = ""
    rows_of = dict(body)
    subs = _sub_tables(body, caption)
    # a column of numbers without a title left of the results belongs to the row label (``V3-Small | 0.75``: a width);
    # so does a column titled as the training data (``data | 07``, ``07+12``: a training set, not a result or a split)
    trained = re.compile(vocabulary()["training_data_titles"], re.I)
    untitled = {id(c) for col in cols if (not col.header or trained.match(col.header.strip())) and col.x1 <= first_x + 1 for _, c in col.cells}
    for i, row in body:
        if i in subs.get("rows", {}):
            continue  # "(a) English→French" under a block of rows: the block's sub-caption, not a group of the rows below
        left = [c for c in row if c.bbox.x1 <= first_x + 1 and (not is_value(c.text) or c.bbox.x0 <= cols[0].x0 - 1 or id(c) in untitled)]
        label = " ".join(c.text for c in left).strip()
        has_values = any(is_value(c.text) and c.bbox.x0 >= first_x - 1 for c in row)
        if not has_values:
            if i - 1 in labels and left and len(left) == len(row) and _straddle(row, rows_of[i - 1]):
                # the second line of a two-line row label, printed beside the row's values (vertically centred)
                labels[i - 1] = f"{labels[i - 1]} {label}"
                last_label = labels[i - 1]
                continue
            group = " ".join(c.text for c in row)
            above = i
            first_cell = ""
            continue
        starts_first = bool(left) and (second_x is None or min(c.bbox.x0 for c in left) < second_x)
        if left and not starts_first and first_cell and re.search(r"[A-Za-z]", label):
            # the first label column left blank ("ditto"): the row continues the method named above it
            label = f"{first_cell} {label}"
        elif starts_first:
            first_cell = min(left, key=lambda c: c.bbox.x0).text
        if not re.search(r"[A-Za-z]", label):
            label = " ".join(c.text for c in row if c.bbox.x1 <= first_x + 1)
            if above == i - 1 and _straddle(rows_of[i - 1], row):
                label = f"{group} {label}".strip()
        elif re.fullmatch(vocabulary()["setting_rows"], group.strip(), re.I) and group.lower() not in label.lower():
            label = f"{label} ({group.strip()})"  # every row under a "Single model" / "Ensemble" row is of that setting
        elif above == i - 1 and (len(group.split()) <= 2 or _straddle(rows_of[i - 1], row)) and group.lower() not in label.lower():
            label = f"{group} {label}"
        labels[i] = label or last_label
        groups[i] = subs["of"].get(i, group)
        last_label = labels[i]
        inner.update(_inner_labels(i, row, first_x))
    cited = {i for i, lab in labels.items() if _cites(lab, names)}
    table_cites = bool(cited)
    known = vocabulary()["known_models"]
    names = _table_names(list(labels.values()) + list(inner.values()), names, known)
    table_named = any(_mentions(lab, names) or res["own"].search(lab) for lab in labels.values())
    header_of = {id(c): col.header for col in cols for _, c in col.cells}
    alone = {lab: _own(lab, groups.get(i, ""), i in cited, table_cites, names, known, cited_ok, table_named=table_named) for i, lab in labels.items()}
    out: list[Candidate] = []
    for col, bench, metric, conf, alts in plan:
        split = _split(f"{col.header} {caption}", bench)
        for i, cell in col.cells:
            if i not in labels:
                continue
            parsed = _number(cell.text)
            if parsed is None:
                continue
            value, text, pm = parsed
            if not _plausible(bench, metric, value):
                continue
            label = inner.get((i, cell.bbox.x0), labels[i])
            if _names_benchmark(label, bench, metric):
                continue
            is_cited = i in cited if label == labels[i] else _cites(label, names)
            # a group row that names a split ("Test set results on leaderboard") holds for the rows below it
            row_bench, row_metric, row_split = bench, metric, _split(groups.get(i, ""), bench) or split
            in_group = _datasets_in(groups.get(i, "")) if not _datasets_in(col.header) else []
            if in_group and in_group[0] is not bench:
                group_metric, _ = _metric(in_group[0], col.header, caption)
                if group_metric is not None:
                    row_bench, row_metric = in_group[0], group_metric
                    row_split = _split(f"{groups.get(i, '')} {col.header}", row_bench) or _split(caption, row_bench)
            own, oconf = _own(label, groups.get(i, ""), is_cited, table_cites, names, known, cited_ok, table_named=table_named)
            head = _ABLATED.match(label)
            if not own and head and head.group(1) in alone and alone[head.group(1)][0]:
                own, oconf = True, alone[head.group(1)][1]  # "SAC - DCN" under "SAC": the own model with a part removed
            snippet = f"{label} | {col.header or metric} | {cell.text}"
            ev = Evidence(page=table.page, bbox=cell.bbox, snippet=" ".join(snippet.split()))
            flags: tuple[str, ...] = ("plus_minus",) if pm else ()
            secondary = False
            if id(col) in from_paper and row_bench is bench:
                flags += ("dataset_from_paper",)
            firsts = {v: k for k, v in seconds.items()}
            pair_split = _pair_split(f"{col.header} {caption}", row_bench)
            if id(cell) in in_parens and header_of.get(id(in_parens[id(cell)])) == col.header:
                # "88.83 (90.10)": two settings of one row; the row's headline is its better setting
                other = _number(in_parens[id(cell)].text)
                better = bench.metric(row_metric)
                sign = 1 if better is None or better.higher_is_better else -1
                if other is not None and sign * value < sign * other[0]:
                    flags += ("second_setting",)
                    secondary = True  # the other setting: kept for review, below the operating point
            elif id(cell) in seconds and header_of.get(seconds[id(cell)]) == col.header:
                if pair_split:  # "dev / test" pairs: each value its split
                    row_split = pair_split[1]
                else:
                    flags += ("second_setting",)  # the second of two values under one title (10-crop beside single-crop)
            elif id(cell) in firsts and header_of.get(firsts[id(cell)]) == col.header and pair_split:
                row_split = pair_split[0]
            result = (row_bench, row_split, row_metric, (value, text, pm), own)
            confidence = min(_SECONDARY, _confidence(conf * oconf)) if secondary else _confidence(conf * oconf)
            out.append(_cell_result(doc, table, ev, confidence, result, label or None, alternatives=tuple(alts), flags=flags))
    return out


_ABLATED = re.compile(r"^(.+?)\s+(?:[-–−+]|w/o|without)\s+\S")
"""A row label that removes or adds a part to the model named first (``SAC - DCN``, ``RFP + sharing``, ``X w/o Y``)."""
_SECONDARY = 0.3
"""The confidence of the worse setting of an "X (Y)" cell: below the operating point, still in the review queue."""
_SUB_CAPTION = re.compile(r"^\(([a-h])\)\s*\S")


def _sub_tables(body: Sequence[tuple[int, Sequence[Cell]]], caption: str) -> dict[str, dict[int, str]]:
    """Stacked sub-tables: a row without values that reads ``(a) English→French`` is the sub-caption of the block
    of rows above it (down from the previous sub-caption); the rows below the last one are the next letter's block,
    named by the caption (``... on (a) English→French and (b) English→German translation``). ``rows``: the
    sub-caption rows; ``of``: per row index, the text that names its block."""
    marks = [(i, _SUB_CAPTION.match(" ".join(c.text for c in row).strip())) for i, row in body if not any(is_value(c.text) for c in row)]
    found = [(i, m.group(1), " ".join(c.text for c in dict(body)[i]).strip()) for i, m in marks if m]
    if not found:
        return {"rows": {}, "of": {}}

    def from_caption(letter: str) -> str:
        m = re.search(rf"\({letter}\)\s*(.+?)(?=\([a-h]\)|$)", caption)
        return m.group(1) if m else ""

    of: dict[int, str] = {}
    start = -1
    for i, _letter, text in found:
        for j, _row in body:
            if start < j < i:
                of[j] = text
        start = i
    after = from_caption(chr(ord(found[-1][1]) + 1))
    for j, _row in body:
        if j > start and after:
            of[j] = after
    return {"rows": {i: text for i, _letter, text in found}, "of": of}


def _cell_result(
    doc: Document,
    table: Table,
    ev: Evidence,
    confidence: float,
    result: tuple[Benchmark, str | None, str, tuple[float, str, str | None], bool],
    model: str | None,
    **rest: Any,
) -> Candidate:
    """The result candidate of one table cell: ``result`` is ``(benchmark, split, metric, (value, text, plus-minus),
    own)``; ``rest`` the other :class:`Candidate` fields (``alternatives``, ``flags``)."""
    bench, split, metric, (value, text, pm), own = result
    fields = {
        "task": bench.task,
        "dataset": bench.dataset,
        "split": split,
        "metric": metric,
        "value": value,
        "value_text": text,
        "own": own,
        **({"plus_minus": pm.replace("±", "").strip()} if pm else {}),
        "table": table.caption.label if table.caption else None,
    }
    return Candidate(
        paper=doc.paper, kind="result", extractor=EXTRACTOR, evidence=ev, confidence=confidence, fields=fields, model=model, stage="training", **rest
    )


def _straddle(a: Sequence[Cell], b: Sequence[Cell]) -> bool:
    """True when two rows overlap vertically: the lines of a two-line row label beside the row's values, which the
    reader gives as rows of their own (``CSPDarknet53-PANet-SPP`` / ``512x512 43.0 64.9`` / ``(BoF-backbone + Mish)``)."""
    if not a or not b:
        return False
    top = max(min(c.bbox.top for c in a), min(c.bbox.top for c in b))
    bottom = min(max(c.bbox.bottom for c in a), max(c.bbox.bottom for c in b))
    return bottom - top > 0.5


def _names_benchmark(label: str, bench: Benchmark, metric: str) -> bool:
    """True when a row label names a benchmark of its own rather than a model (``HellaSwag acc``, ``WMT'16 En-De BLEU``,
    ``CuratedTREC`` beside ``SQuAD``): it starts with an untracked dataset or another tracked dataset than the
    column's, or it names a metric word other than the column's metric. Such a row is not a result of the column's
    dataset."""
    text = label.strip()
    if not text:
        return False
    res = _res()
    if res["untracked"].match(text):
        return True
    first = res["datasets"].match(_clean(text))
    if first is not None:
        tax = load_taxonomy()
        named = tax.get(first.group(0)) or tax.dataset(first.group(0))
        if named is not None and named is not bench:
            return True
    words = {w.lower() for w in res["row_metric"].findall(text)}
    return bool(words) and not any(w in metric.lower() for w in words)


def _second_label_column(body: Sequence[tuple[int, Sequence[Cell]]], first_x: float) -> float | None:
    """Half-way between the first and the second text column of the row labels (``Method | Backbone``), when most
    labelled rows have two label cells: a row whose label starts right of it left its first column blank. None for
    tables with one label column."""
    seconds: list[float] = []
    firsts: list[float] = []
    labelled = 0
    for _, row in body:
        left = sorted((c for c in row if c.bbox.x1 <= first_x + 1 and re.search(r"[A-Za-z]", c.text)), key=lambda c: c.bbox.x0)
        if left:
            labelled += 1
        if len(left) >= 2:
            seconds.append(left[1].bbox.x0)
            firsts.append(left[0].bbox.x0)
    if labelled < 3 or len(seconds) < 0.6 * labelled:
        return None
    return float((np.median(seconds) + np.median(firsts)) / 2)


def _cites(label: str, names: Sequence[str]) -> bool:
    """A row label that cites another paper or names an affiliation; a leaderboard place (``2014 1st``) only when
    the row does not name the paper's own model (``GoogLeNet 2014 1st`` is the paper's own entry)."""
    res = _res()
    if res["citation"].search(label):
        return True
    m = res["affiliation"].search(label)
    if m is None:
        return False
    return not (res["leaderboard"].search(label) and not re.search(vocabulary()["affiliation"], label) and _mentions(label, names))


def _inner_labels(i: int, row: Sequence[Cell], first_x: float) -> dict[tuple[int, float], str]:
    """Labels inside a row, for two tables printed side by side under one caption: each value cell right
    of a text cell that stands among the value columns takes that text as its label."""
    if not any(c.bbox.x0 > first_x + 1 and not is_value(c.text) and re.search(r"[A-Za-z]{2}", c.text) for c in row):
        return {}
    out: dict[tuple[int, float], str] = {}
    run: list[Cell] = []
    label: list[Cell] = []
    for c in sorted(row, key=lambda c: c.bbox.x0):
        if is_value(c.text):
            if run:
                label, run = run, []
            if label and label[0].bbox.x0 > first_x + 1:
                out[(i, c.bbox.x0)] = " ".join(x.text for x in label)
        elif re.search(r"[A-Za-z]{2}", c.text):
            run.append(c)
    return out


def _dataset_rows(header_rows: Sequence[Sequence[Cell]], label_right: float) -> bool:
    """True when the title of the row-label column (the nearest header text over it) says the rows are datasets or
    tasks (``Dataset``, ``Task``, ``Benchmarks``: data ``dataset_row_titles``). With several label columns
    (``Task | Metric | Prompt``) the first one's title counts, or the whole title when it is one phrase."""
    pattern = vocabulary()["dataset_row_titles"]
    for row in reversed(header_rows):
        cells = sorted((c for c in row if c.text.strip() and c.bbox.x1 <= label_right), key=lambda c: c.bbox.x0)
        if cells:
            text = " ".join(c.text for c in cells).strip()
            return bool(re.fullmatch(pattern, text, re.I) or (len(cells) >= 2 and re.fullmatch(pattern, cells[0].text.strip(), re.I)))
    return False


def _row_labels(body: Sequence[tuple[int, Sequence[Cell]]], right: float) -> dict[int, list[Cell]]:
    """The label cells (text left of ``right``) of each body row with values. A row whose first label column is
    blank continues the row above it (``SQuADv2 | f1 | zero-shot`` then `` | | few-shot``): it takes the cells of
    the label above that stand left of its own first cell."""
    out: dict[int, list[Cell]] = {}
    starts = [min(c.bbox.x0 for c in cells) for _, row in body if (cells := [c for c in row if c.bbox.x1 <= right and not is_value(c.text)])]
    if not starts:
        return out
    first = min(starts)
    above: list[Cell] = []
    for i, row in body:
        cells = sorted((c for c in row if c.bbox.x1 <= right and not is_value(c.text) and c.text.strip()), key=lambda c: c.bbox.x0)
        if not cells or not any(is_value(c.text) for c in row):
            continue
        if cells[0].bbox.x0 > first + 5 and above:
            cells = [c for c in above if c.bbox.x1 <= cells[0].bbox.x0] + cells
        out[i] = cells
        above = cells
    return out


def _by_rows(
    doc: Document,
    table: Table,
    body: list[tuple[int, tuple[Cell, ...]]],
    cols: list[_Column],
    caption: str,
    names: Sequence[str],
    *,
    rows_are_datasets: bool = False,
) -> list[Candidate] | None:
    """A table whose rows are datasets or tasks (``SQuAD``, ``NER``, ``SNLI``) and whose columns are models.

    None when fewer than two row labels name a dataset or task, or none of them a tracked one, unless the title of
    the label column says the rows are datasets (``rows_are_datasets``): then rows naming no tracked dataset give
    nothing (``CuratedTREC`` beside a column ``DrQA SQuAD``: the column names the training data).
    """
    res = _res()
    v = vocabulary()
    tax = load_taxonomy()
    tracked: dict[int, Benchmark] = {}
    named = 0
    # the label columns end at the first column of results (a lone count such as ``15`` left of it is part of a label)
    right = min((col.x0 for col in cols if sum(bool(DECIMAL.search(c.text)) for _, c in col.cells) >= 2), default=cols[0].x0) + 1
    labels = {i: " ".join(c.text for c in cells).strip() for i, cells in _row_labels(body, right).items()}
    for i, label in labels.items():
        if not label:
            continue
        found = _datasets_in(label)
        alias = v["row_datasets"].get(re.sub(r"[^A-Za-z0-9]", "", label.split()[0]).upper()) if label.split() else None
        if found:
            tracked[i] = found[0]
        elif alias and not res["untracked"].search(label):
            tracked[i] = tax.get(alias)  # type: ignore[assignment]
        if found or alias or res["untracked"].search(label.split()[0] if label.split() else ""):
            named += 1
    # rows that name datasets: most rows, or two tracked ones in a table whose column titles name no dataset
    headed = any(_datasets_in(col.header) or res["untracked"].search(col.header) for col in cols)
    qualified = named >= 2 and bool(tracked) and (named >= len(labels) / 2 or (len(set(tracked.values())) >= 2 and not headed))
    if not qualified and not rows_are_datasets:
        return None
    if not tracked:
        return []
    out: list[Candidate] = []
    # when some column names the paper's model, the other columns are the baselines it is compared with
    named_cols = any(res["own"].search(col.header) or _mentions(col.header, names) for col in cols)
    for col in cols:
        if res["untracked_col"].search(col.header) or not any(DECIMAL.search(c.text) for _, c in col.cells):
            continue  # a column of counts (templates, exemplars) holds no results
        cited = bool(res["citation"].search(col.header))
        if res["own"].search(col.header) or _mentions(col.header, names):
            own, oconf = True, 0.8
        elif cited or res["baseline"].search(col.header):
            own, oconf = False, 0.7
        elif _mentions(col.header, v["known_models"]):
            own, oconf = False, 0.6
        else:
            own, oconf = not named_cols, 0.45
        for i, cell in col.cells:
            bench = tracked.get(i)
            parsed = _number(cell.text)
            if bench is None or parsed is None:
                continue
            label = labels.get(i, "")
            # a caption naming several metrics of the dataset ("accuracy (or exact match) except ... F1") names none
            metric, mconf = _metric(bench, col.header, caption if len(_metrics_in(bench, caption)) <= 1 else "")
            if metric is None:  # a metric column among the row labels (``SQuADv2 | f1 | zero-shot``)
                metric, mconf = _metric_named(bench, _res()["datasets"].sub(" ", _clean(label)), "", caption_ok=False)
                mconf *= 0.9
            if metric is None and qualified:  # a table titled by dataset rows alone must name its metric
                metric, mconf = v["default_metric"].get(bench.dataset), 0.6
            if metric is None or not _plausible(bench, metric, parsed[0]):
                continue
            value, text, pm = parsed
            ev = Evidence(page=table.page, bbox=cell.bbox, snippet=" ".join(f"{label} | {col.header} | {cell.text}".split()))
            result = (bench, _split(f"{col.header} {caption}", bench), metric, (value, text, pm), own)
            flags = ("plus_minus",) if pm else ()
            out.append(_cell_result(doc, table, ev, _confidence(0.85 * mconf * oconf), result, col.header or None, flags=flags))
    return out


def _table_names(labels: Sequence[str], names: Sequence[str], known: Sequence[str]) -> list[str]:
    """The paper's names that mark own rows of one table. When some rows name an own model that is not a
    well-known other model (``HarDNet 68``), own names that are well-known models unrelated to it (``ResNet``,
    taken from a garbled title or a comparison sentence) mark baselines there, not own rows; a well-known name
    that is part of an own name (``DenseNet`` beside ``DenseNet-BC``) stays."""

    def key(n: str) -> str:
        return re.sub(r"[^a-z0-9]", "", n.lower())

    known_keys = {key(k) for k in known}
    fresh = [n for n in names if key(n) not in known_keys and any(_mentions(lab, [n]) for lab in labels)]
    if not fresh:
        return list(names)
    return [n for n in names if key(n) not in known_keys or any(key(n) in key(f) for f in fresh)]


def _name_parts(names: Sequence[str]) -> list[str]:
    """Parts of hyphenated names that are names themselves (``Scaled-YOLOv4`` -> ``YOLOv4``)."""
    parts = [p for n in names for p in n.split("-")[1:] + n.split("-")[:1] if "-" in n and re.search(r"\d|[a-z][A-Z]", p) and len(p) >= 4]
    return [p for p in parts if p not in names]


def _adds_own(label: str, names: Sequence[str]) -> bool:
    """A row label that adds the paper's method to another model (``F-RCNN + Soft-NMS``, ``[24]+Soft-NMS``): the row
    is the paper's result even when the base model is cited."""
    added = re.split(r"\+", label)[1:]
    return any(_mentions(part, names) or _mentions(part, _name_parts(names)) for part in added)


_VERSION = re.compile(r"(?P<family>[A-Za-z][A-Za-z\-]*?)[\s\-]?[vV](?P<version>\d+)\b")


def _other_version(label: str, names: Sequence[str]) -> bool:
    """True when the label is another version of the paper's model family (``V2`` or ``YOLOv3`` beside ``YOLOv4``)."""
    own = {(normalise_key(m.group("family")), m.group("version")) for n in names for m in _VERSION.finditer(n)}
    if not own:
        return False
    families = {f for f, _ in own}
    versions = {v for _, v in own}
    for m in re.finditer(r"(?<![A-Za-z0-9])(?P<family>[A-Za-z][A-Za-z\-]*?)?[\s\-]?[vV](?P<version>\d+)\b", label):
        family = normalise_key(m.group("family") or "")
        if (not family or family in families) and m.group("version") not in versions:
            return True
    return False


def _own(
    label: str,
    group: str,
    cited: bool,
    table_cites: bool,
    names: Sequence[str],
    known: Sequence[str],
    cited_ok: Sequence[str] = (),
    *,
    table_named: bool = False,
) -> tuple[bool, float]:
    """Whether a row is the paper's own model, and how sure that is."""
    res = _res()
    ours = bool(res["own"].search(label) or res["own"].search(group))
    named = _mentions(label, names) or (not label and _mentions(group, names))
    weak = not named and _mentions(label, _name_parts(names))
    if ours and not named and _mentions(label, known):
        return False, 0.5
    if _other_version(label, names) and not _mentions(label, [n for n in names if _VERSION.search(n)]):
        return False, 0.6
    if _adds_own(label, names) and not res["baseline"].search(label):
        return True, 0.7
    if ours and not res["baseline"].search(label):
        return True, 0.9
    if named:
        if not cited:
            return True, 0.85
        if _mentions(label, cited_ok):
            return True, 0.6
        return False, 0.6
    if weak and not cited:
        return True, 0.7
    if res["baseline"].search(label):
        return False, 0.5
    if cited or (group and (res["citation"].search(group) or res["affiliation"].search(group))):
        return False, 0.8
    if _mentions(label, known):
        return False, 0.6
    if not table_cites:
        return True, 0.6
    if table_named and re.search(r"[A-Za-z]{2}", label) and not res["variant"].match(label):
        # a comparison table (it cites) whose own rows name the paper's model: another named, uncited row is a
        # baseline (a row without a name, such as a count of ensembled models, is not another paper's model)
        return False, 0.45
    return True, 0.45


def _corner(table: Table) -> str:
    """The top-left title of a table (``Fast R-CNN``, ``Method``): tables that share it repeat rows."""
    for row in table.rows[:2]:
        cells = [c for c in row if c.text.strip()]
        if cells:
            return normalise_key(cells[0].text)
    return ""


def extract_table_results(doc: Document) -> list[Candidate]:
    """``Document -> list[Candidate]`` of kind ``result`` from the tables that mention a tracked benchmark.

    The tables are ``Document.tables``, read once by ``extract.tables`` (one reading per caption); a table is
    looked at when its caption, the text around it or its first rows name a tracked dataset or metric.
    """
    tables = [t for t in doc.tables if _relevant(t.caption, t, doc=doc if t.caption is not None else None)]
    if not tables:
        return []
    names = own_names(doc)
    titled = [n for n in title_names(doc) if n in names]
    main = _main_dataset(doc)
    out: list[Candidate] = []
    seen: dict[tuple[object, ...], list[tuple[int, str, frozenset[float]]]] = {}
    repeated: dict[tuple[object, ...], list[tuple[int, str, frozenset[float]]]] = {}
    for n, table in enumerate(tables):
        try:
            found = table_results(doc, table, names=names, main=main, title_names=titled)
        except Exception as exc:  # one unreadable table must not lose the others
            _LOG.warning(
                "%s: table %s on page %d of %s skipped: %s: %s",
                EXTRACTOR,
                table.caption.label if table.caption else "?",
                table.page,
                doc.paper,
                type(exc).__name__,
                exc,
            )
            continue
        corner = _corner(table)
        row_values: dict[int, frozenset[float]] = {}
        for c in found:
            row = round(c.evidence.bbox.top)
            row_values[row] = row_values.get(row, frozenset()) | {float(c.fields["value"])}
        for c in found:
            key = (c.fields["dataset"], c.fields["metric"], c.fields["value"], c.fields["own"], corner)
            label = c.model or ""
            values = row_values[round(c.evidence.bbox.top)]
            earlier = seen.setdefault(key, [])
            # a repeated row repeats its other values too (a row of two or more values that differ elsewhere is new)
            if any(
                m != n
                and (len(values) < 2 or len(others) < 2 or values == others)
                and (c.fields["own"] or not label or not other or fuzz.token_set_ratio(label, other) >= 80)
                for m, other, others in earlier
            ):
                continue
            # a table that repeats a row of another table under another corner title: the same label (or one label
            # within the other) and the same other values
            anywhere = repeated.setdefault(key[:4], [])
            if label and any(m != n and values == others and fuzz.token_set_ratio(label, other) >= 90 for m, other, others in anywhere):
                continue
            earlier.append((n, label, values))
            anywhere.append((n, label, values))
            out.append(c)
    return out
