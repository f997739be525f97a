"""Model records: the unit of the compute database, one per (paper, model).

A :class:`ModelRecord` gathers the curated facts of one model of a paper by its ``model_key``
(``flopsdb.core.ids.model_key``): the names it is printed under, its own results (headline first), the
training hardware, training time and parameters, the compute estimate under both conventions with its
inputs and assumptions, and the paper's year and venue. Facts are assigned by their model link:

- a fact with a model belongs to that model;
- a fact with scope ``all_models`` belongs to every model of the paper;
- a paper's only hardware statement without a model is its training setup: it belongs to every model;
- any other fact with scope ``main_model``, or with no model, belongs to the paper's main model: its only
  model, else the one model with headline results; otherwise it is left unassigned and every record of
  the paper says so (a paper's single training time no longer goes to every ablation row);
- hardware and time of an architecture search (stage ``search``) are not a model's training compute, and
  training or pre-training facts come before fine-tuning ones.

Pure functions over the dict rows that ``db.records`` reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from flopsdb.core.catalog import Catalog
from flopsdb.core.errors import ScalingError
from flopsdb.core.ids import model_key, unversioned
from flopsdb.core.kinds import KINDS, Kind
from flopsdb.scaling.benchmarks import Benchmark
from flopsdb.scaling.compute import ComputeEstimate, convention, hardware_compute
from flopsdb.scaling.importers import EstimateRow
from flopsdb.scaling.inputs import matches_benchmark, to_error

_PER_MODEL = tuple(kind for kind, spec in KINDS.items() if spec.per_model)
"""The kinds of which a record holds one fact (the first linked): hardware, training time, parameters."""


@dataclass
class ModelRecord:
    """One model of one paper and what is known about it; ``missing`` lists what a compute estimate lacks."""

    paper: str
    model_key: str
    names: list[str]
    results: list[dict[str, Any]] = field(default_factory=list)
    hardware: dict[str, Any] | None = None
    training_time: dict[str, Any] | None = None
    parameters: float | None = None
    compute: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    year: int | None = None
    year_source: str | None = None
    year_reason: str | None = None
    venue: str | None = None
    fact_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        """``paper:model_key``."""
        return f"{self.paper}:{self.model_key}"

    @property
    def complete(self) -> bool:
        """True when the record has a compute estimate under every convention and at least one result."""
        return not self.missing

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``flopsdb records --format jsonl`` and the ``record`` column of ``model_records``)."""
        return {"record_id": self.record_id, **asdict(self)}


def _key(fact: Mapping[str, Any]) -> str | None:
    if fact.get("model"):
        return model_key(str(fact["model"]))
    return fact.get("model_key") or None


def _own(fact: Mapping[str, Any]) -> bool:
    return (fact.get("fields") or {}).get("own") is not False


def _compact(fact: Mapping[str, Any]) -> dict[str, Any]:
    """The fact's fields with its id, model and model link (``model_scope``); a training time's own ``scope``
    (``wall_clock``, ``device_hours``) is a field and stays ``scope``."""
    return {"fact_id": fact["fact_id"], "model": fact.get("model"), "model_scope": fact.get("scope"), **(fact.get("fields") or {})}


_CONJUNCTION = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s*&\s*)")


def _named_records(fact: Mapping[str, Any], records: Mapping[str, Any]) -> list[str]:
    """The records a fact names: its own model's key, else, for a name listing several models ("DeiT-S and
    DeiT-Ti", "MoE-32, MoE-256"), their keys when every one of them is a record of the paper."""
    key = _key(fact)
    if key in records or not fact.get("model"):
        return [key] if key in records and key is not None else []
    parts = [model_key(p) for p in _CONJUNCTION.split(str(fact["model"])) if p.strip()]
    if len(parts) > 1 and all(k in records for k in parts):
        return list(dict.fromkeys(k for k in parts if k))
    return []


def _wall_hours(t: Mapping[str, Any], count: float) -> tuple[float | None, float | None, float | None, str | None]:
    """A training time's wall-clock hours (and range): device-hours (``scope: device_hours``) divided by the
    device count; None hours when the time has none."""
    hours, low, high = t.get("hours"), t.get("hours_low"), t.get("hours_high")
    if t.get("scope") != "device_hours" or hours is None:
        return hours, low, high, None
    if not count:
        raise ScalingError("training time is in device-hours and the hardware has no device count")
    div = float(count)
    return (
        float(hours) / div,
        None if low is None else float(low) / div,
        None if high is None else float(high) / div,
        f"device-hours / {count:g} devices",
    )


_NOT_TRAINING = ("search",)
"""Stages whose hardware and time are not the model's training compute (an architecture search)."""


def _stage_rank(fact: Mapping[str, Any]) -> int:
    """Training and pre-training facts (or facts without a stage) before fine-tuning ones: a model fine-tuned
    from the authors' own pre-training is trained by the pre-training, so a fine-tuning time alone is used only when
    the model has no other. The sort is stable, so a model's own fact still comes before a shared one."""
    return 1 if fact.get("stage") == "fine-tuning" else 0


def _estimate(rec: ModelRecord, conv_name: str, catalog: Catalog, domain: str | None, utilisation: float | None) -> ComputeEstimate:
    h, t = rec.hardware or {}, rec.training_time or {}
    hours, low, high, converted = _wall_hours(t, float(h.get("count") or 0))
    if hours is None:
        raise ScalingError("training time has no hours")
    util = utilisation if utilisation is not None else h.get("utilisation")
    est = hardware_compute(
        str(h.get("accelerator") or ""),
        float(h.get("count") or 0),
        float(hours),
        catalog=catalog,
        conv=convention(conv_name),
        domain=domain,
        hours_low=low,
        hours_high=high,
        count_unit=str(h.get("unit") or "chip"),
        fact_ids=(h["fact_id"], t["fact_id"]),
        utilisation=util,
        precision=h.get("precision"),
    )
    if converted:
        est.assumptions["wall_clock_hours"] = converted
    return est


_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
_COUNT = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"
_ENSEMBLE = re.compile(r"\bensemble\b|\bcombination of\b", re.I)
_ENSEMBLE_SIZE = (
    re.compile(_COUNT + r"[- ](?:models?|members?|networks?|nets?)\b", re.I),
    re.compile(r"\b(?:ensemble|combination) of " + _COUNT + r"\b", re.I),
)


def ensemble_size(names: Iterable[str]) -> tuple[bool, int | None]:
    """Whether a model's printed names call it an ensemble (``ensemble``, ``combination of``), and of how many
    models when a name says so (``7-model ensemble``, ``ensemble (eleven models)``, ``Ensemble 8 models``,
    ``ensemble of 3 networks``); ``(True, None)`` for an ensemble of an unstated size."""
    found = False
    for name in names:
        if not _ENSEMBLE.search(name):
            continue
        found = True
        for pattern in _ENSEMBLE_SIZE:
            m = pattern.search(name)
            if m:
                word = m.group(1).lower()
                n = int(word) if word.isdigit() else _NUMBER_WORDS[word]
                if n > 1:
                    return True, n
    return found, None


_ENSEMBLE_PHRASE = re.compile(
    r"\([^()]*\b(?:ensemble|combination of)\b[^()]*\)"
    r"|\b(?:an? )?(?:" + _COUNT + r"[- ](?:models?|members?|networks?|nets?) )?(?:ensemble|combination)"
    r"(?: of " + _COUNT + r" (?:models?|members?|networks?|nets?))?(?: of)?\b",
    re.I,
)


def ensemble_member_key(names: Iterable[str]) -> str | None:
    """The model key of an ensemble's member: a name of the ensemble without its ensemble phrase
    (``BetaNet-L (ensemble of 5 models)``, ``BetaNet-L ensemble``, ``5-model ensemble BetaNet-L`` give
    ``betanetl``); None when no name keeps anything else."""
    for name in names:
        if not _ENSEMBLE.search(name):
            continue
        rest = _ENSEMBLE_PHRASE.sub(" ", name).strip(" -,;:+()")
        key = model_key(rest) if rest else None
        if key:
            return key
    return None


def _member_facts(
    records: Mapping[str, ModelRecord], shared: Mapping[str, list[Mapping[str, Any]]], key: str
) -> tuple[list[Mapping[str, Any]], str | None]:
    """An ensemble without a training time of its own takes its member's training facts (hardware, time,
    parameters), the member being the paper's model whose key is the ensemble's name without its ensemble phrase."""
    rec = records[key]
    if not ensemble_size(rec.names)[0] or any(f["kind"] == Kind.TRAINING_TIME for f in shared[key]):
        return [], None
    member = ensemble_member_key(rec.names)
    if member is None or member == key or member not in records:
        return [], None
    own = {id(f) for f in shared[key]}
    return [f for f in shared[member] if f["kind"] in _PER_MODEL and id(f) not in own], member


def _ensemble_compute(rec: ModelRecord, picked: Mapping[str, Mapping[str, Any]]) -> None:
    """An ensemble trained with a time not stated for the ensemble itself (a shared or member's time) has N times
    the member's compute when its name gives N; otherwise its compute is dropped and ``missing`` says why."""
    is_ens, n = ensemble_size(rec.names)
    t = picked.get(Kind.TRAINING_TIME)
    if not is_ens or not rec.compute or t is None or _key(t) == rec.model_key:
        return
    if n is None:
        for name in list(rec.compute):
            rec.missing.append(
                f"compute ({name}): an ensemble of an unstated number of models; the training time "
                f"{t['fact_id']} is one member's (move a time stated for the ensemble to it)"
            )
        rec.compute.clear()
        return
    for est in rec.compute.values():
        for k in ("flop", "flop_low", "flop_high"):
            if est.get(k) is not None:
                est[k] = float(est[k]) * n
        est["assumptions"] = {
            **est.get("assumptions", {}),
            "ensemble": f"{n} models x the member's compute (training time {t['fact_id']} is one member's)",
        }


def _paper_records(
    paper: str,
    facts: Sequence[Mapping[str, Any]],
    meta: Mapping[str, Any] | None,
    catalog: Catalog,
    conventions: Sequence[str],
    utilisation: float | None,
) -> list[ModelRecord]:
    records: dict[str, ModelRecord] = {}
    eligible = [f for f in facts if _key(f) and f.get("scope") != "all_models" and (f["kind"] != Kind.RESULT or _own(f))]
    keys = {k for f in eligible if (k := _key(f))}
    # a hardware or time naming several of the paper's models ("S and M") makes no record of its own
    listing = {id(f) for f in eligible if f["kind"] != Kind.RESULT and len(_named_records(f, {k: True for k in keys if k != _key(f)})) > 1}
    named = {_key(f) for f in eligible if id(f) not in listing}
    for f in facts:
        key = _key(f)
        if id(f) in listing and key not in named:
            continue
        if key and f.get("scope") != "all_models" and (f["kind"] != Kind.RESULT or _own(f)):
            rec = records.setdefault(key, ModelRecord(paper=paper, model_key=key, names=[]))
            if f.get("model") and f["model"] not in rec.names:
                rec.names.append(str(f["model"]))
    if not records:
        return []
    headliners = {k for f in facts if f["kind"] == Kind.RESULT and f.get("headline") and (k := _key(f)) in records}
    main = next(iter(records)) if len(records) == 1 else (next(iter(headliners)) if len(headliners) == 1 else None)
    unassigned: list[str] = []
    shared: dict[str, list[Mapping[str, Any]]] = {k: [] for k in records}
    unlinked_hw = [f for f in facts if f["kind"] == Kind.HARDWARE and not _key(f) and f.get("scope") != "main_model"]
    for f in facts:
        key, scope = _key(f), f.get("scope")
        if len(unlinked_hw) == 1 and f is unlinked_hw[0]:
            scope = "all_models"
        naming = _named_records(f, records) if f["kind"] != Kind.RESULT and scope not in ("all_models", "main_model") else []
        if len(naming) > 1:
            for k in naming:
                shared[k].insert(0, f)
            continue
        if f["kind"] == Kind.RESULT:
            if key in records and _own(f):
                records[key].results.append(
                    {
                        "fact_id": f["fact_id"],
                        "model": f.get("model"),
                        "benchmark": (f.get("fields") or {}).get("dataset") or (f.get("fields") or {}).get("task"),
                        **(f.get("fields") or {}),
                        "headline": bool(f.get("headline")),
                    }
                )
            continue
        if scope == "all_models":
            for k in records:
                shared[k].append(f)
        elif key in records and scope != "main_model":
            shared[key].insert(0, f)
        elif main is not None:
            shared[main].append(f)
        else:
            unassigned.append(f"{f['kind']} {f['fact_id']}")
    for key in records:
        extra, member = _member_facts(records, shared, key)
        if extra and member is not None:
            shared[key].extend(extra)
            records[key].notes.append(
                f"the ensemble's training facts are its member's, {', '.join(records[member].names) or member} (its name without the ensemble phrase)"
            )
    out = []
    finetuned: list[ModelRecord] = []
    quotes = {f["fact_id"]: _quote(f) for f in facts}
    for key, rec in records.items():
        picked: dict[str, Mapping[str, Any]] = {}
        for f in sorted(shared[key], key=_stage_rank):
            if f["kind"] in ("hardware", "training_time") and f.get("stage") in _NOT_TRAINING:
                rec.notes.append(f"{f['kind']} {f['fact_id']} not used: stage {f['stage']} is not the model's training")
                continue
            if f["kind"] in _PER_MODEL and f["kind"] not in picked:
                picked[f["kind"]] = f
            elif f["kind"] in _PER_MODEL:
                rec.notes.append(f"{f['kind']} {f['fact_id']} not used: {picked[f['kind']]['fact_id']} comes first")
        rec.hardware = _compact(picked[Kind.HARDWARE]) if Kind.HARDWARE in picked else None
        rec.training_time = _compact(picked[Kind.TRAINING_TIME]) if Kind.TRAINING_TIME in picked else None
        if Kind.PARAMETERS in picked:
            value = (picked[Kind.PARAMETERS].get("fields") or {}).get("value")
            rec.parameters = float(value) if value is not None else None
        if unassigned:
            rec.notes.append(f"not linked to a model of the paper ({len(records)} models, no single main model): " + ", ".join(unassigned))
        rec.results.sort(key=lambda r: (not r["headline"], r["fact_id"]))
        if not rec.results:
            rec.missing.append("results")
        if rec.hardware is None:
            rec.missing.append("hardware")
        if rec.training_time is None:
            rec.missing.append("training_time")
        if rec.hardware is not None and rec.training_time is not None:
            for name in conventions:
                try:
                    est = _estimate(rec, name, catalog, (meta or {}).get("domain"), utilisation)
                except (ScalingError, TypeError, ValueError) as exc:
                    rec.missing.append(f"compute ({name}): {exc}")
                    continue
                rec.compute[name] = _as_dict(est)
            _ensemble_compute(rec, picked)
            if (picked.get(Kind.TRAINING_TIME) or {}).get("stage") == "fine-tuning" and rec.compute:
                finetuned.append(rec)
            elif rec.compute and not ensemble_size(rec.names)[0]:
                _same_row_compute(
                    rec, shared[key], picked, quotes, lambda r, name: _estimate(r, name, catalog, (meta or {}).get("domain"), utilisation)
                )
        if meta and meta.get("year") is not None:
            rec.year, rec.year_source, rec.venue = int(meta["year"]), meta.get("year_source"), meta.get("venue")
            if meta.get("year_match"):
                rec.notes.append(f"year {rec.year} from {meta['year_match']}")
        else:
            rec.year_reason = (meta or {}).get("reason") or f"no metadata for paper {paper} (no papers row, no PDF date)"
        rec.fact_ids = sorted(
            {r["fact_id"] for r in rec.results}
            | {x["fact_id"] for x in (rec.hardware, rec.training_time) if x}
            | ({picked[Kind.PARAMETERS]["fact_id"]} if Kind.PARAMETERS in picked else set())
        )
        out.append(rec)
    tuned = {r.model_key for r in finetuned}
    for rec in finetuned:
        _fine_tuning_compute(rec, {k: b for k, b in records.items() if k not in tuned})
    return out


def _as_dict(est: ComputeEstimate) -> dict[str, Any]:
    return {
        "flop": est.flop,
        "flop_low": est.flop_low,
        "flop_high": est.flop_high,
        "method": est.method,
        "quantity": est.quantity,
        "fact_ids": list(est.fact_ids),
        "assumptions": est.assumptions,
    }


def _quote(fact: Mapping[str, Any]) -> str:
    return " ".join(str(fact.get("snippet") or "").split())


def _same_row_compute(
    rec: ModelRecord,
    facts: Sequence[Mapping[str, Any]],
    picked: Mapping[str, Mapping[str, Any]],
    quotes: Mapping[str, str],
    estimate: Callable[[ModelRecord, str], ComputeEstimate],
) -> None:
    """A result printed in the same table row as another training time of its model (the same quote: ``MoE with 2048
    Experts 4.64 26.03 ... 1 day/64 k40s`` beside a 3-day row on another benchmark) gets the compute of that time
    (and of the row's hardware, when one is linked to the model) as ``compute`` of its own; its point uses it."""
    used = picked.get(Kind.TRAINING_TIME)
    times = [f for f in facts if f["kind"] == Kind.TRAINING_TIME and f is not used and f.get("stage") not in _NOT_TRAINING and _quote(f)]
    if not times:
        return
    hardware = {_quote(f): f for f in facts if f["kind"] == Kind.HARDWARE and f.get("stage") not in _NOT_TRAINING and _quote(f)}
    for r in rec.results:
        q = quotes.get(r["fact_id"]) or ""
        t = next((f for f in times if q and _quote(f) == q), None)
        if t is None:
            continue
        h = hardware.get(q) or picked.get(Kind.HARDWARE)
        row = ModelRecord(rec.paper, rec.model_key, rec.names, hardware=_compact(h) if h else None, training_time=_compact(t))
        own: dict[str, dict[str, Any]] = {}
        for name in rec.compute:
            try:
                own[name] = _as_dict(estimate(row, name))
            except (ScalingError, TypeError, ValueError):
                continue
        if own:
            r["compute"] = own
            rec.notes.append(f"result {r['fact_id']}: compute from the training time {t['fact_id']} of its own table row")


def _fine_tuning_compute(rec: ModelRecord, trained: Mapping[str, ModelRecord]) -> None:
    """A record whose training time is a fine-tuning stage's (and no training or pre-training time is linked to it)
    (``trained``: the paper's other records) has only the fine-tuning's compute. When the paper's model it is fine-tuned from is a record whose key begins its
    key (``DeiT-B`` of ``DeiT-B↑384``) and has a training compute, the two are added (the estimate's ``assumptions``
    say so); otherwise its compute is dropped and ``missing`` says why: a fine-tuning alone is not a model's training
    compute (the pre-training it starts from is)."""
    bases = [b for k, b in trained.items() if k != rec.model_key and rec.model_key.startswith(k) and b.compute]
    base = max(bases, key=lambda b: len(b.model_key), default=None)
    t = (rec.training_time or {}).get("fact_id")
    if base is None:
        for name in list(rec.compute):
            rec.missing.append(
                f"compute ({name}): the training time {t} is a fine-tuning's; the training it starts from has no stated "
                "time (a fine-tuning alone is not the model's training compute)"
            )
        rec.compute.clear()
        return
    for name, est in list(rec.compute.items()):
        b = base.compute.get(name)
        if b is None:
            del rec.compute[name]
            rec.missing.append(f"compute ({name}): the base model {base.record_id} has no {name} estimate")
            continue
        for k in ("flop", "flop_low", "flop_high"):
            if est.get(k) is not None and b.get(k) is not None:
                est[k] = float(est[k]) + float(b[k])
        est["fact_ids"] = [*est.get("fact_ids", []), *b.get("fact_ids", [])]
        est["assumptions"] = {**est.get("assumptions", {}), "fine_tuned_from": f"{base.record_id}: its training compute added"}


def build_records(
    facts: Iterable[Mapping[str, Any]],
    meta: Mapping[str, Mapping[str, Any]],
    *,
    catalog: Catalog,
    conventions: Sequence[str] = ("thompson", "epoch"),
    utilisation: float | None = None,
) -> list[ModelRecord]:
    """Model records from curated fact rows (``fact_id, paper, kind, model, model_key, scope, headline, fields``).

    ``meta`` maps a paper id without version to ``year``, ``year_source`` (``arxiv`` | ``arxiv_id`` | ``thompson`` |
    ``epoch`` | ``pdf``, with ``year_match`` naming the imported row a ``thompson``/``epoch`` year came from), ``venue``
    or a ``reason`` why there is no year. ``utilisation`` overrides every utilisation (the CLI's option).
    """
    by_paper: dict[str, list[Mapping[str, Any]]] = {}
    for f in facts:
        by_paper.setdefault(str(f["paper"]), []).append(f)
    out: list[ModelRecord] = []
    for paper, items in sorted(by_paper.items()):
        out += _paper_records(paper, items, meta.get(unversioned(paper)), catalog, conventions, utilisation)
    return out


def _error_of(result: Mapping[str, Any], bench: Benchmark) -> float:
    """A result's error on ``bench`` (to pick a record's best result); infinite when its value is not a number."""
    try:
        return to_error(float(result["value"]), bench, result.get("metric"), result.get("benchmark"))
    except (TypeError, ValueError):
        return float("inf")


def _lacks(rec: ModelRecord, conv_name: str) -> list[str]:
    """What ``rec`` lacks for a point under ``conv_name``: its own compute reasons whole, other fields by name; the
    other convention's compute reasons are not its concern."""
    own = f"compute ({conv_name})"
    out: list[str] = []
    for m in rec.missing:
        if m == "results" or (m.startswith("compute (") and not m.startswith(own)):
            continue
        out.append(m if m.startswith(own) else m.split(":")[0])
    return out


def _on_bench(rec: ModelRecord, bench: Benchmark | None) -> list[dict[str, Any]]:
    return [r for r in rec.results if r.get("value") is not None and (bench is None or matches_benchmark(bench, r.get("benchmark"), r.get("metric")))]


def _sole_papers(records: Sequence[ModelRecord]) -> dict[str, int]:
    sole: dict[str, int] = {}
    for rec in records:
        if rec.results:
            sole[rec.paper] = sole.get(rec.paper, 0) + 1
    return sole


def _pick(rec: ModelRecord, results: list[dict[str, Any]], bench: Benchmark, sole: Mapping[str, int], all_results: bool) -> dict[str, Any] | None:
    """The result a record gives its point on ``bench`` from: its best headline result (all its results with
    ``all_results``, or when it is its paper's only record with results and none is flagged), else None."""
    pool = [r for r in results if r.get("headline")]
    if not pool and (all_results or (sole.get(rec.paper) == 1 and not any(x.get("headline") for x in rec.results))):
        pool = results
    return min(pool, key=lambda r: _error_of(r, bench)) if pool else None


def record_fit_rows(
    records: Sequence[ModelRecord], conv_name: str, bench: Benchmark | None = None, *, all_results: bool = False
) -> tuple[list[dict[str, Any]], list[str]]:
    """``fit_inputs``-shaped rows from model records, and notes on what was left out and why.

    With ``bench`` (the fit's benchmark): one row per (record, benchmark), the record's **headline** result on it,
    the best (lowest error) when it has several; a record with results on the benchmark but none of them headline
    (ablation and variant rows) gives no row unless ``all_results`` (then its best result), or unless it is its
    paper's only record among ``records`` with results and none of its results is flagged (a paper's only model is
    its headline model). Without ``bench``: one
    row per (record, benchmark, metric), headline first (``all_results`` is then ignored). Records without compute
    under ``conv_name`` are left out, counted by what they lack; records whose results on the benchmark's dataset
    are all in another metric than the fit's are counted too.
    """
    rows: list[dict[str, Any]] = []
    left: dict[str, list[str]] = {}
    not_headline: list[str] = []
    other_metric: list[str] = []
    facts_out = 0
    sole = _sole_papers(records)
    for rec in records:
        est = rec.compute.get(conv_name)
        results = _on_bench(rec, bench)
        if bench is not None and not results:
            if any(r.get("value") is not None and matches_benchmark(bench, r.get("benchmark"), None) for r in rec.results):
                other_metric.append(rec.record_id)
            continue
        if est is None:
            if results or (bench is None and rec.results):
                lacks = _lacks(rec, conv_name) or ["compute"]
                left.setdefault(", ".join(lacks), []).append(rec.record_id)
            continue
        picked: list[dict[str, Any]] = []
        if bench is None:
            seen: set[tuple[str, str]] = set()
            for r in results:
                pair = (str(r.get("benchmark") or ""), str(r.get("metric") or ""))
                if pair not in seen:
                    seen.add(pair)
                    picked.append(r)
        else:
            best = _pick(rec, results, bench, sole, all_results)
            if best is None:
                not_headline.append(rec.record_id)
                facts_out += len(results)
            else:
                picked.append(best)
                facts_out += len(results) - 1
        for r in picked:
            est = (r.get("compute") or {}).get(conv_name) or rec.compute[conv_name]
            rows.append(
                {
                    "benchmark": r.get("benchmark"),
                    "metric": r.get("metric"),
                    "value": r["value"],
                    "source": "curated",
                    "result_source": "curated",
                    "compute_source": "curated",
                    "entry_id": f"record:{rec.record_id}",
                    "paper": rec.paper,
                    "model": rec.names[0] if rec.names else rec.model_key,
                    "year": rec.year,
                    "year_source": rec.year_source,
                    "year_reason": rec.year_reason,
                    "quantity": est["quantity"],
                    "convention": conv_name,
                    "method": est["method"],
                    "flop": est["flop"],
                    "flop_low": est["flop_low"],
                    "flop_high": est["flop_high"],
                    "fact_ids": [r["fact_id"], *est["fact_ids"]],
                    "match": "entry",
                    "headline": bool(r.get("headline")),
                }
            )
    notes = [
        f"{len(ids)} record(s) left out: lacks {lacks} (e.g. {', '.join(ids[:3])}; `flopsdb records --incomplete`)"
        for lacks, ids in sorted(left.items(), key=lambda kv: -len(kv[1]))
    ]
    if not_headline:
        notes.append(
            f"{len(not_headline)} record(s) left out: no headline result on {bench.key if bench else 'the benchmark'}"
            f" (ablation or variant rows; e.g. {', '.join(not_headline[:3])}; `--all-results` includes them)"
        )
    if other_metric and bench is not None:
        notes.append(
            f"{len(other_metric)} record(s) left out: results on {bench.key} only in other metrics than the fit's "
            f"{bench.metric_name} (e.g. {', '.join(other_metric[:3])})"
        )
    if facts_out:
        notes.append(
            f"{facts_out} result fact(s) with compute left out: one point per (record, benchmark), its best "
            + ("result" if all_results else "headline result")
        )
    return rows, notes


def curated_imported_rows(
    rows: Sequence[Mapping[str, Any]], records: Sequence[ModelRecord], bench: Benchmark, *, all_results: bool = False
) -> tuple[list[dict[str, Any]], list[str]]:
    """The ``fit_inputs`` rows of curated results with imported compute (Epoch's, joined by arXiv id and model name)
    under the records' point rules: a row is kept only for the result its record gives its point from on ``bench``
    (:func:`record_fit_rows`' choice: headline, best), under the record's first name, so that it and the record's own
    curated compute are one model; results of no record (baselines, ``own: false``), ablation and variant rows and a
    record's other results are left out, counted in the notes. An ensemble's record takes no compute matched by a
    part of its name (Epoch's ``BiDAF`` for ``BiDAF (ensemble)``): that figure is one member's."""
    sole = _sole_papers(records)
    owner: dict[str, ModelRecord] = {r["fact_id"]: rec for rec in records for r in rec.results}
    chosen: dict[str, str] = {}
    for rec in records:
        best = _pick(rec, _on_bench(rec, bench), bench, sole, all_results)
        if best is not None:
            chosen[best["fact_id"]] = rec.record_id
    out: list[dict[str, Any]] = []
    dropped: set[str] = set()
    for row in rows:
        rid = row["fact_ids"][0]
        holder = owner.get(rid)
        if holder is None or chosen.get(rid) != holder.record_id or (row.get("match") == "partial" and ensemble_size(holder.names)[0]):
            dropped.add(rid)
            continue
        name = holder.names[0] if holder.names else holder.model_key
        # the record's year (arXiv metadata, id, imported rows, PDF) first; else the view's (the Epoch row's, as the
        # record's paper then has no papers row)
        year, source = (holder.year, holder.year_source) if holder.year is not None else (row.get("year"), row.get("compute_source"))
        dated = {"year_source": source if year is not None else None, "year_reason": None if year is not None else holder.year_reason}
        out.append({**row, "model": name, "paper": holder.paper, "year": year, **dated})
    notes = (
        [
            f"{len(dropped)} curated result(s) with imported compute left out: not the result their model record gives "
            f"its point from (one point per model and benchmark, headline results; a baseline belongs to no record)"
        ]
        if dropped
        else []
    )
    return out, notes


def record_estimates(records: Sequence[ModelRecord]) -> tuple[list[EstimateRow], dict[str, dict[str, Any]]]:
    """The records' compute as ``compute_estimates`` rows keyed by the curated results' entries
    (``curated:<paper>:<model as reviewed>``, as the ``benchmark_results`` view names them), and each entry's info."""
    rows: list[EstimateRow] = []
    info: dict[str, dict[str, Any]] = {}
    for rec in records:
        for name in dict.fromkeys(str(r.get("model") or "") for r in rec.results):
            entry = f"curated:{rec.paper}:{name}"
            for conv_name, est in rec.compute.items():
                rows.append(
                    EstimateRow(
                        entry,
                        "curated",
                        ComputeEstimate(
                            flop=est["flop"],
                            flop_low=est["flop_low"],
                            flop_high=est["flop_high"],
                            method=est["method"],
                            convention=conv_name,
                            quantity=est["quantity"],
                            fact_ids=tuple(est["fact_ids"]),
                            assumptions=dict(est["assumptions"]),
                        ),
                    )
                )
            info[entry] = {"paper": rec.paper, "model": name or None, "year": rec.year}
    return rows, info
