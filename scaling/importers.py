"""Pure parsing of published datasets into facts: Thompson et al. (2022) and Epoch AI's models table.

Nothing here touches the database: :func:`parse_thompson` and :func:`parse_epoch` return an
:class:`ImportBatch` of :class:`ImportedFact` values and :class:`ComputeEstimate` rows tied to them,
plus the rows that could not be read and why. ``db.facts`` stores the batch.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flopsdb.core.catalog import Catalog
from flopsdb.core.errors import DataImportError, ScalingError
from flopsdb.core.failures import ItemFailure
from flopsdb.core.kinds import Kind
from flopsdb.scaling.benchmarks import load_benchmarks
from flopsdb.scaling.compute import ComputeEstimate, convention, find_accelerator, hardware_compute, tokens_compute
from flopsdb.scaling.epoch_notes import notes_peak, notes_utilisation
from flopsdb.scaling.forward import FORWARD_OPS_KIND, forward_ops

_ARXIV = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?")
_BLOCKS = ("training", "pretraining", "finetuning")


def arxiv_id(text: str | None) -> str | None:
    """The new-style arXiv id in a URL or string (``https://arxiv.org/pdf/2205.01917v1.pdf`` -> ``2205.01917``)."""
    if not text:
        return None
    m = _ARXIV.search(str(text))
    return m.group(1) if m else None


@dataclass(frozen=True)
class ImportedFact:
    """One value from an external dataset, attributed to its source file and row. Never human-confirmed."""

    fact_id: str
    source: str
    source_file: str
    source_row: int
    entry_id: str
    kind: str
    fields: dict[str, Any]
    paper: str | None = None
    model: str | None = None
    year: int | None = None
    benchmark: str | None = None
    domain: str | None = None


@dataclass
class _RowFacts:
    """The facts staged from one source row: each with the row's ``common`` attributes (source, file, row, entry,
    paper, model, ...) and an id under the row's entry."""

    common: dict[str, Any]
    facts: list[ImportedFact] = field(default_factory=list)

    def add(self, suffix: str, kind: str, fields: dict[str, Any]) -> str:
        """Stage a fact ``<entry>:<suffix>`` and return its id."""
        fact_id = f"{self.common['entry_id']}:{suffix}"
        self.facts.append(ImportedFact(fact_id=fact_id, kind=kind, fields=fields, **self.common))
        return fact_id

    def __iter__(self) -> Iterator[ImportedFact]:
        return iter(self.facts)


@dataclass(frozen=True)
class EstimateRow:
    """A compute estimate tied to the entry (source row) whose facts it was computed from."""

    entry_id: str
    source: str
    estimate: ComputeEstimate


@dataclass
class ImportBatch:
    """What an importer produced: facts, compute estimates and failures."""

    source: str
    files: list[str] = field(default_factory=list)
    facts: list[ImportedFact] = field(default_factory=list)
    estimates: list[EstimateRow] = field(default_factory=list)
    failures: list[ItemFailure] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Counts for the run record."""
        return {"facts": len(self.facts), "estimates": len(self.estimates), "failures": len(self.failures)}


def _num(raw: str | None, *, what: str) -> float | None:
    text = (raw or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what}: not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{what}: not finite: {raw!r}")
    return value


def _read_thompson_file(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataImportError(f"cannot read {path.name}: {exc}") from None
    if len(rows) < 4 or not rows[0] or rows[0][0].strip() != "name":
        raise DataImportError(f"{path.name}: not a Thompson et al. CSV (expected a 4-line header starting with 'name')")
    return [c.strip() for c in rows[0]], rows[4:]


def parse_thompson(directory: str | Path, *, source: str = "thompson") -> ImportBatch:
    """Parse the authors' six CSVs in ``directory`` (files named in ``scaling/data/benchmarks.v1.json``).

    ``source`` names where the rows come from (``thompson`` for the authors' data; another name for a
    dataset in the same format, such as the shipped sample's, so it is never mistaken for theirs).

    Each row (line 5 on; line numbers are kept) becomes facts sharing one ``entry_id``: a ``result``
    per metric column, ``compute`` facts for network_operations / hardware_burden (as the authors
    computed them, method and convention recorded), ``hardware`` and ``training_time`` per block
    (training, pretraining, finetuning), ``parameters``, and ``forward_ops`` (operations per forward pass:
    ``flops``, else 2 x ``multiadds``; not training compute, so no compute fact and no estimate).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise DataImportError(f"not a directory: {folder}")
    batch = ImportBatch(source=source)
    found = False
    for bench in load_benchmarks().values():
        if not bench.thompson_file or not (folder / bench.thompson_file).is_file():
            continue
        found = True
        path = folder / bench.thompson_file
        batch.files.append(path.name)
        header, rows = _read_thompson_file(path)
        for offset, row in enumerate(rows):
            line = offset + 5
            if not any(c.strip() for c in row):
                continue
            try:
                _thompson_row(batch, bench.key, bench.metrics, path.name, line, dict(zip(header, row)), source=source)
            except ValueError as exc:
                batch.failures.append(ItemFailure("import", path.name, str(exc), row=line))
    if not found:
        raise DataImportError(f"no Thompson et al. CSV found in {folder} (expected e.g. image-classification-on-imagenet.csv)")
    return batch


def _thompson_row(
    batch: ImportBatch, bench: str, metrics: dict[str, str], fname: str, line: int, rec: dict[str, str], *, source: str = "thompson"
) -> None:
    name = (rec.get("name") or "").strip()
    if not name:
        raise ValueError("row has no model name")
    year_v = _num(rec.get("year"), what="year")
    year = int(year_v) if year_v is not None else None
    paper = arxiv_id(rec.get("paper_link")) or (rec.get("title") or "").strip() or None
    entry = f"{source}:{bench}:{line}"
    common: dict[str, Any] = dict(
        source=source, source_file=fname, source_row=line, entry_id=entry, paper=paper, model=name, year=year, benchmark=bench
    )
    staged = _RowFacts(common)
    for column, metric in metrics.items():
        value = _num(rec.get(column), what=column)
        if value is None:
            continue
        staged.add(
            f"result:{metric}",
            Kind.RESULT,
            {
                "task": bench,
                "dataset": bench,
                "metric": metric,
                "value": value,
                "value_text": rec.get(column, "").strip(),
                "scale": 100,
                "own": True,
            },
        )
    params = _num(rec.get("parameters"), what="parameters")
    if params is not None:
        staged.add("parameters", Kind.PARAMETERS, {"value": params})
    for block in _BLOCKS:
        secs = _num(rec.get(f"{block}_time_total_sec"), what=f"{block}_time_total_sec")
        if secs is not None:
            staged.add(
                f"training_time:{block}",
                Kind.TRAINING_TIME,
                {"hours": secs / 3600.0, "scope": block, "text": (rec.get(f"{block}_time_total") or "").strip()},
            )
        for dev in ("gpu", "tpu", "cpu"):
            model = (rec.get(f"{block}_{dev}_model") or "").strip()
            amount = _num(rec.get(f"{block}_{dev}_amount"), what=f"{block}_{dev}_amount")
            ptp = _num(rec.get(f"{block}_{dev}_ptp_gflops") or rec.get(f"{block}_{dev}_ptp_flops"), what=f"{block}_{dev}_ptp")
            if model or amount is not None:
                staged.add(
                    f"hardware:{block}:{dev}",
                    Kind.HARDWARE,
                    {
                        "accelerator": model or None,
                        "count": amount,
                        "unit": "board" if dev == "tpu" else "chip",
                        "ptp_gflops": ptp,
                        "scope": block,
                    },
                )
    support = tuple(f.fact_id for f in staged if f.kind in (Kind.HARDWARE, Kind.TRAINING_TIME))
    for column, method in (("hardware_burden", "hardware"), ("network_operations", "operations")):
        flop = _num(rec.get(column), what=column)
        if flop is None:
            continue
        if flop <= 0:
            raise ValueError(f"{column}: not positive: {flop}")
        conv = "thompson" if method == "hardware" else "operations"
        fid = staged.add(f"compute:{column}", "compute", {"quantity": column, "flop": flop, "method": method, "convention": conv})
        ids = (fid, *support) if method == "hardware" else (fid,)
        batch.estimates.append(
            EstimateRow(
                entry,
                source,
                ComputeEstimate(
                    flop=flop,
                    flop_low=flop,
                    flop_high=flop,
                    method=method,
                    convention=conv,
                    quantity=column,
                    fact_ids=ids,
                    assumptions={"as_published": True, "file": fname, "row": line},
                ),
            )
        )
    fwd = forward_ops(_num(rec.get("flops"), what="flops"), _num(rec.get("multiadds"), what="multiadds"))
    if fwd is not None:
        staged.add("forward_ops", FORWARD_OPS_KIND, {"flop": fwd[0], "from": fwd[1]})
    batch.facts.extend(staged)


_EPOCH_REQUIRED = (
    "Model",
    "Publication date",
    "Training compute (FLOP)",
    "Training hardware",
    "Hardware quantity",
    "Training time (hours)",
    "Parameters",
    "Training dataset size (datapoints)",
    "Confidence",
)


def parse_epoch(file: str | Path, *, catalog: Catalog | None = None, notes: bool = True) -> ImportBatch:
    """Parse Epoch AI's models table (``All ML Systems - full view.csv``).

    Per model: ``compute`` (the reported training compute, with Epoch's bounds, method and
    confidence), ``hardware`` (first listed chip, quantity), ``training_time``, ``parameters`` and
    ``dataset_size`` facts. For language models with parameters and a dataset size (tokens), operation
    counting gives 6 x parameters x tokens. With a ``catalog``, the hardware method is also computed
    under both conventions where chip, quantity and hours are known. With ``notes`` (the default), the epoch
    convention's hardware method takes the utilisation and peak that the row's ``Training compute notes`` state
    (:mod:`flopsdb.scaling.epoch_notes`) where the columns give none; the assumptions say when (``*_from: notes``).
    """
    path = Path(file)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in _EPOCH_REQUIRED if c not in header]
            if missing:
                raise DataImportError(f"{path.name}: not an Epoch models table; missing columns: {', '.join(missing)}")
            records = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataImportError(f"cannot read {path}: {exc}") from None
    batch = ImportBatch(source="epoch", files=[path.name])
    for offset, rec in enumerate(records):
        line = offset + 2
        try:
            _epoch_row(batch, path.name, line, rec, catalog, notes=notes)
        except ValueError as exc:
            batch.failures.append(ItemFailure("import", path.name, str(exc), row=line))
    _add_base_compute(batch, records)
    return batch


FINE_TUNING_ONLY = "fine_tuning_only"
"""The assumption that marks an estimate of a fine-tuned row as the fine-tuning alone (its base model's compute not
added, or Epoch's published figure below its base's): not the model's training compute, so no fit point takes it."""


def _add_base_compute(batch: ImportBatch, records: list[dict[str, str]]) -> None:
    """A fine-tuned model's training compute includes its base model's: Epoch's ``Training compute (FLOP)`` of a
    row with a ``Base model`` is the base's compute plus the fine-tuning, while the row's hardware, time and dataset
    describe the fine-tuning. Each own estimate of such a row (epoch convention and operation counting; the
    thompson hardware burden stays the row's own) gets the base model's published training compute added, when the
    table has it; the assumptions say so, or that the base's compute is unknown. A row built on several pretrained
    components (``"Qwen2-72B,InternViT-6B"``) gets none added: Epoch's figures for such rows are sometimes the
    sum and sometimes the new training only, so the assumptions say the components were not added. Estimates that stay
    the fine-tuning alone (no base added; a published figure below the base's own; the thompson hardware burden, which
    never adds one) are marked :data:`FINE_TUNING_ONLY`. A base model missing from the table gets the compute other
    fine-tuned rows of it imply (:func:`_implied_bases`, never the row's own), ``base_compute_from`` saying so."""
    published: dict[str, float] = {}
    for rec in records:
        name, flop = (rec.get("Model") or "").strip().casefold(), rec.get("Training compute (FLOP)")
        try:
            value = float(flop) if flop not in (None, "") else None
        except ValueError:
            value = None
        if name and value and value > 0:
            published.setdefault(name, value)
    bases = {f"epoch:{i + 2}": b for i, rec in enumerate(records) if (b := (rec.get("Base model") or "").strip())}
    implied = _implied_bases(records)
    for k, row in enumerate(batch.estimates):
        est, base = row.estimate, bases.get(row.entry_id)
        if base is None:
            continue
        if est.convention == "thompson":
            why = f"the hardware burden of the fine-tuning from {base} (the thompson convention adds no base model)"
            batch.estimates[k] = replace(row, estimate=replace(est, assumptions={**est.assumptions, FINE_TUNING_ONLY: why}))
            continue
        base_flop = published.get(base.casefold())
        base_from: dict[str, Any] = {}
        others = [(e, v) for e, v in implied.get(base.casefold(), []) if e != row.entry_id]
        if base_flop is None and others and not est.assumptions.get("as_published"):
            base_flop = statistics.median(v for _, v in others)
            base_from = {"base_compute_from": "implied: Training compute - Finetune compute of " + ", ".join(e for e, _ in others)}
        if est.assumptions.get("as_published"):
            if base_flop is not None and est.flop < base_flop:
                why = f"Epoch's figure is below its base model {base}'s ({base_flop:.3g}): the fine-tuning only"
                batch.estimates[k] = replace(row, estimate=replace(est, assumptions={**est.assumptions, FINE_TUNING_ONLY: why}))
            continue
        if base_flop is None:
            why = "several base models (components): not added" if "," in base else "unknown (not in the table): the fine-tuning only"
            assumptions = {**est.assumptions, "base_model": base, "base_compute": why, FINE_TUNING_ONLY: f"base model {base}: {why}"}
            batch.estimates[k] = replace(row, estimate=replace(est, assumptions=assumptions))
            continue
        assumptions = {**est.assumptions, "base_model": base, "base_compute": base_flop, **base_from, "fine_tuning_flop": est.flop}
        total = replace(
            est, flop=est.flop + base_flop, flop_low=est.flop_low + base_flop, flop_high=est.flop_high + base_flop, assumptions=assumptions
        )
        batch.estimates[k] = replace(row, estimate=total)


def _implied_bases(records: list[dict[str, str]]) -> dict[str, list[tuple[str, float]]]:
    """The compute of base models that Epoch's fine-tuned rows imply: a row with one ``Base model`` and both its
    ``Training compute (FLOP)`` (base + fine-tuning, by Epoch's definition) and a ``Finetune compute (FLOP)`` (of at
    least 1e6, below the training compute) implies the base's as their difference. Base name (casefolded) -> (entry,
    implied FLOP) per such row; a row never uses its own (the caller leaves it out)."""
    out: dict[str, list[tuple[str, float]]] = {}
    for i, rec in enumerate(records):
        base = (rec.get("Base model") or "").strip()
        try:
            total, tuned = float(rec.get("Training compute (FLOP)") or "nan"), float(rec.get("Finetune compute (FLOP)") or "nan")
        except ValueError:
            continue
        if base and "," not in base and tuned >= 1e6 and total > tuned:
            out.setdefault(base.casefold(), []).append((f"epoch:{i + 2}", total - tuned))
    return out


def _epoch_row(batch: ImportBatch, fname: str, line: int, rec: dict[str, str], catalog: Catalog | None, *, notes: bool = True) -> None:
    name = (rec.get("Model") or "").strip()
    if not name:
        raise ValueError("row has no model name")
    date = (rec.get("Publication date") or "").strip()
    year = int(date[:4]) if re.match(r"\d{4}", date) else None
    paper = arxiv_id(rec.get("Link")) or arxiv_id(rec.get("Reference"))
    domain = (rec.get("Domain") or "").strip() or None
    entry = f"epoch:{line}"
    common: dict[str, Any] = dict(
        source="epoch", source_file=fname, source_row=line, entry_id=entry, paper=paper, model=name, year=year, domain=domain
    )
    confidence = (rec.get("Confidence") or "").strip() or None
    staged = _RowFacts(common)
    flop = _num(rec.get("Training compute (FLOP)"), what="Training compute (FLOP)")
    low = _num(rec.get("Training compute lower bound"), what="Training compute lower bound")
    high = _num(rec.get("Training compute upper bound"), what="Training compute upper bound")
    hardware = [h.strip() for h in (rec.get("Training hardware") or "").split(",") if h.strip()]
    qty = _num(rec.get("Hardware quantity"), what="Hardware quantity")
    hours = _num(rec.get("Training time (hours)"), what="Training time (hours)")
    params = _num(rec.get("Parameters"), what="Parameters")
    size = _num(rec.get("Training dataset size (datapoints)"), what="Training dataset size (datapoints)")
    mfu = _num(rec.get("Hardware utilization (MFU)"), what="Hardware utilization (MFU)")
    chip_hours = _num(rec.get("Training chip-hours"), what="Training chip-hours")
    precision = _precision(rec.get("Numerical format"))
    if params is not None:
        staged.add("parameters", Kind.PARAMETERS, {"value": params})
    if size is not None:
        staged.add("dataset_size", "dataset_size", {"value": size, "dataset": (rec.get("Training dataset") or "").strip() or None})
    if hardware or qty is not None:
        staged.add(
            "hardware",
            Kind.HARDWARE,
            {
                "accelerator": hardware[0] if hardware else None,
                "all": hardware,
                "count": qty,
                "unit": "chip",
                "utilisation": mfu,
                "precision": precision,
            },
        )
    if hours is not None:
        staged.add("training_time", Kind.TRAINING_TIME, {"hours": hours, "scope": "training"})
    if flop is not None:
        if flop <= 0:
            raise ValueError(f"Training compute (FLOP): not positive: {flop}")
        method = (rec.get("Training compute estimation method") or "").strip() or None
        fid = staged.add(
            "compute",
            "compute",
            {
                "quantity": "compute",
                "flop": flop,
                "flop_low": low,
                "flop_high": high,
                "method": method,
                "confidence": confidence,
                "convention": "epoch",
            },
        )
        batch.estimates.append(
            EstimateRow(
                entry,
                "epoch",
                ComputeEstimate(
                    flop=flop,
                    flop_low=low or flop,
                    flop_high=high or flop,
                    method=epoch_method(method),
                    convention="epoch",
                    quantity="compute",
                    fact_ids=(fid,),
                    assumptions={"as_published": True, "confidence": confidence, "epoch_method": method},
                ),
            )
        )
    epochs = _num(rec.get("Epochs"), what="Epochs")
    if params and size and domain and domain.strip().lower() == "language":
        ids = tuple(i for i in (f"{entry}:parameters", f"{entry}:dataset_size"))
        active = active_parameters(rec.get("Parameters notes"), params) or active_parameters(rec.get("Training compute notes"), params)
        batch.estimates.append(
            EstimateRow(entry, "epoch", tokens_compute(params, size, epochs=epochs or None, active_parameters=active, fact_ids=ids))
        )
    if catalog is not None and hardware and ((qty and hours) or chip_hours):
        ids = (f"{entry}:hardware", f"{entry}:training_time")
        # chip-hours, when the row gives them, are the quantity x time of the whole run (stages with other chip
        # counts included); else quantity x the hours.
        count, run_hours = (qty, chip_hours / qty) if chip_hours and qty else (1.0, chip_hours) if chip_hours else (qty, hours)
        text = (rec.get("Training compute notes") or "") if notes else ""
        acc = find_accelerator(catalog, hardware[0])
        util, util_from = (mfu, "source") if mfu is not None else (notes_utilisation(text), "notes")
        peak = notes_peak(text, acc) if acc is not None and not acc.generic and mfu is None else None
        for conv_name in ("thompson", "epoch"):
            try:
                est = hardware_compute(
                    hardware[0],
                    count or 1.0,
                    run_hours or 0.0,
                    catalog=catalog,
                    conv=convention(conv_name),
                    domain=domain,
                    fact_ids=ids,
                    utilisation=util,
                    precision=precision,
                    peak_flops=peak,
                    given_from=util_from,
                )
            except ScalingError as exc:
                batch.failures.append(ItemFailure("import", fname, f"hardware method ({conv_name}): {exc}", row=line))
                break
            if chip_hours:
                est = replace(est, assumptions={**est.assumptions, "chip_hours": chip_hours, "chip_hours_from": "source"})
            batch.estimates.append(EstimateRow(entry, "epoch", est))
    batch.facts.extend(staged)


_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12}
_COUNT = r"(\d+(?:\.\d+)?)\s*(thousand|million|billion|trillion|[kmbt])\b"
_ACTIVE_WORD = r"\b(?:active|activated|activation|activates)\b"
_ACTIVE_AFTER = re.compile(_COUNT + r"[^\d;]{0,25}?" + _ACTIVE_WORD, re.I)
_ACTIVE_BEFORE = re.compile(_ACTIVE_WORD + r"[^\d;]{0,30}?" + _COUNT, re.I)


def active_parameters(text: str | None, total: float) -> float | None:
    """The active parameters a mixture-of-experts model's description states (``"671B total 37B activated"``,
    ``"Activated Parameters per Token: 45.9B"``, ``"activates 96.6 billion parameters per token"``), when smaller
    than ``total``; else None. A count on the other side of a digit or a semicolon is not taken."""
    for pattern in (_ACTIVE_AFTER, _ACTIVE_BEFORE):
        for m in pattern.finditer(text or ""):
            value = float(m.group(1)) * _SCALE[m.group(2).lower()]
            if 0 < value < total:
                return value
    return None


_PRECISIONS = {
    "fp32": "fp32",
    "float32": "fp32",
    "tf32": "tf32",
    "fp16": "fp16",
    "float16": "fp16",
    "bf16": "bf16",
    "bfloat16": "bf16",
    "int8": "int8",
}


def _precision(text: str | None) -> str | None:
    """Epoch's ``Numerical format`` (``"BF16"``, ``"FP16, FP32"``) as a catalog precision; the first one known."""
    for part in re.split(r"[,;/\s]+", (text or "").lower()):
        if part in _PRECISIONS:
            return _PRECISIONS[part]
    return None


def epoch_method(text: str | None) -> str:
    """The method Epoch's ``Training compute estimation method`` names: ``hardware+operations`` (both), ``hardware``,
    ``operations``, or ``reported`` (neither: a reported, third-party, benchmark-imputed or unstated figure)."""
    low = (text or "").lower()
    if "hardware" in low and "operation" in low:
        return "hardware+operations"
    if "hardware" in low:
        return "hardware"
    if "operation" in low:
        return "operations"
    return "reported"
