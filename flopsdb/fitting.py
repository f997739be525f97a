"""The wiring behind ``flopsdb import`` and ``flopsdb fit``: read the store, build points, fit, extrapolate, plot."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from flopsdb.core.catalog import Catalog, load_catalog
from flopsdb.core.errors import FitError, ScalingError
from flopsdb.db.facts import read_benchmark_results, read_fine_tuning_only, read_fit_inputs, read_forward_ops_inputs, store_estimates, store_import
from flopsdb.db.store import Connection, Store
from flopsdb.records import records_from
from flopsdb.scaling.benchmarks import TRANSFORMS, Benchmark, resolve_benchmark
from flopsdb.scaling.consolidate import AUTHORS_CONVERSION, consolidated_rows
from flopsdb.scaling.extrapolate import cost_assumptions, extrapolate
from flopsdb.scaling.fit import FitPoint, FitResult, coverage, mixing_warnings, ols_fit, pareto_front, quantile_fit, saturating_fit, year_fit
from flopsdb.scaling.forward import FORWARD_OPS, forward_transform, name_contains, select_points
from flopsdb.scaling.importers import ImportBatch, parse_epoch, parse_thompson
from flopsdb.scaling.inputs import matches_benchmark, points_from_rows, select_measure, to_error
from flopsdb.scaling.records import curated_imported_rows, record_estimates, record_fit_rows
from flopsdb.steps import StepReport, run_recorded

SOURCES: tuple[str, ...] = ("thompson", "epoch", "curated", "sample", "all")
"""Where fit points come from; ``all`` is the real sources (thompson, epoch, curated), never the shipped ``sample``."""


@dataclass
class ImportDataset:
    """A published dataset into the store (``flopsdb import``): ``plan`` parses it and says what ``run`` would
    store, without writing; ``run`` stores it (replacing earlier imports of the same files) under ``run_id``.

    ``dataset`` is ``thompson`` (a folder of the six CSVs; ``source`` labels the rows, ``sample`` for the shipped
    sample's dataset in that format) or ``epoch`` (Epoch AI's models table; hardware method with ``catalog``)."""

    store: Store
    dataset: str
    path: str | Path
    source: str = "thompson"
    catalog: Catalog | None = None
    name: ClassVar[str] = "import"
    _parsed: ImportBatch | None = field(default=None, init=False, repr=False)

    @property
    def command(self) -> str:
        """The run's command line (``import thompson <dir>``, ``import epoch <file>``)."""
        label = "" if self.dataset != "thompson" or self.source == "thompson" else f" (as {self.source})"
        return f"import {self.dataset} {self.path}{label}"

    def batch(self) -> ImportBatch:
        """The parsed dataset (parsed once)."""
        if self._parsed is None:
            if self.dataset == "thompson":
                self._parsed = parse_thompson(self.path, source=self.source)
            elif self.dataset == "epoch":
                self._parsed = parse_epoch(self.path, catalog=self.catalog or load_catalog())
            else:
                raise ScalingError(f"unknown dataset {self.dataset!r}; thompson or epoch")
        return self._parsed

    def plan(self, con: Connection) -> StepReport:
        batch = self.batch()
        return StepReport(self.name, counts=batch.counts(), failures=list(batch.failures), skipped="dry run")

    def run(self, run_id: str) -> StepReport:
        batch = self.batch()
        with self.store.transaction() as con:
            counts = store_import(con, batch, run_id=run_id)
        return StepReport(self.name, counts=counts, failures=list(batch.failures))


def import_dataset(step: ImportDataset) -> dict[str, Any]:
    """Run ``step`` as a run of its own; returns counts, run id and failure reasons."""
    run_id, report = run_recorded(step.store, step.command, step)
    return {"run_id": run_id, **report.counts, "failure_reasons": [f"{f.source_file}:{f.source_row}: {f.reason}" for f in report.failures]}


def import_thompson(store: Store, directory: str | Path, *, source: str = "thompson") -> dict[str, Any]:
    """Parse and store the Thompson et al. CSVs in ``directory``; returns counts, run id and failure reasons.
    ``source`` labels the rows (``sample`` for the shipped sample's dataset in the same format)."""
    return import_dataset(ImportDataset(store, "thompson", directory, source=source))


def import_epoch(store: Store, file: str | Path, *, catalog: Catalog | None = None) -> dict[str, Any]:
    """Parse and store Epoch AI's models table ``file`` (hardware method computed with ``catalog``)."""
    return import_dataset(ImportDataset(store, "epoch", file, catalog=catalog))


@dataclass
class EstimateCurated:
    """Compute (hardware method, both conventions) of every curated model record into ``compute_estimates``
    (``flopsdb estimate``; source ``curated``, one row per curated result entry and convention, replacing the
    earlier ones): ``plan`` builds the rows and says how many ``run`` would store, without writing; both note
    the records without an estimate and what they lack (``notes``)."""

    store: Store
    utilisation: float | None = None
    catalog: Catalog | None = None
    name: ClassVar[str] = "estimate curated"
    notes: list[str] = field(default_factory=list, init=False)

    def _rows(self, con: Connection) -> tuple[list[Any], dict[str, dict[str, Any]]]:
        records = records_from(con, catalog=self.catalog or load_catalog(), utilisation=self.utilisation)
        rows, info = record_estimates(records)
        self.notes = sorted(
            {f"record {r.record_id}: no compute estimate: lacks {', '.join(r.missing)}" for r in records if r.results and not r.compute}
        )
        return rows, info

    def plan(self, con: Connection) -> StepReport:
        rows, _ = self._rows(con)
        return StepReport(self.name, counts={"estimates": len(rows), "notes": len(self.notes)}, skipped="dry run")

    def run(self, run_id: str) -> StepReport:
        with self.store.connect() as con:
            rows, info = self._rows(con)
        with self.store.transaction() as con:
            n = store_estimates(con, rows, run_id=run_id, info=info, replace_source="curated")
        return StepReport(self.name, counts={"estimates": n, "notes": len(self.notes)})


def estimate_curated(store: Store, *, utilisation: float | None = None, catalog: Catalog | None = None) -> dict[str, Any]:
    """Run :class:`EstimateCurated` as a run of its own; returns the run id, the count of estimates and the notes."""
    step = EstimateCurated(store, utilisation=utilisation, catalog=catalog)
    run_id, report = run_recorded(store, step.name, step)
    return {"run_id": run_id, "estimates": report.counts["estimates"], "notes": step.notes}


@dataclass
class FitOptions:
    """What to fit and how; the CLI's options one for one."""

    benchmark: str = "imagenet"
    x: str = "hardware_burden"
    form: str = "polynomial"
    source: str = "all"
    convention: str | None = None
    y_transform: str | None = None
    target_error: float | None = None
    hardware: str | None = None
    utilisation: float | None = None
    price_per_hour: float | None = None
    prices_file: str | None = None
    pue: float | None = None
    grid_intensity: float | None = None
    quantile: float = 0.1
    bootstrap: int = 200
    variants: bool = True
    all_results: bool = False
    """Curated records: also a record's non-headline results (ablation and variant rows); default headline only."""
    relative_to: str | None = None
    """Divide every point's x by the x of this model (``AlexNet``), as the notebooks' "vs. AlexNet" fits."""
    model_contains: str | None = None
    """Fit only the models whose name contains this (one family: ``ResNet``)."""


@dataclass
class FitInputs:
    """What a fit of ``opts`` reads: the benchmark, the y transform, the compute convention, the points (after the
    selection), the notes on what was left out or adjusted, and every benchmark result (for coverage)."""

    bench: Benchmark
    y_transform: str
    convention: str
    points: list[FitPoint]
    notes: list[str]
    all_results: list[dict[str, Any]]

    def why_none(self) -> str:
        """The notes that say why points were left out, as a suffix for an error message."""
        why = [n for n in self.notes if "left out" in n]
        return ": " + "; ".join(why) if why else ""


def _training_compute_only(rows: list[dict[str, Any]], tuning: dict[str, str], bench: Benchmark, notes: list[str]) -> list[dict[str, Any]]:
    """The point rule for imported compute, as for curated records: a fine-tuning alone is not a model's training
    compute, so rows whose estimate is an Epoch fine-tuned row's fine-tuning only (:func:`read_fine_tuning_only`) are
    left out, and the notes say how many and why."""
    kept = [r for r in rows if r.get("estimate_id") not in tuning]
    out = [r for r in rows if r.get("estimate_id") in tuning and matches_benchmark(bench, r.get("benchmark"), r.get("metric"))]
    if out:
        models = sorted({str(r.get("model")) for r in out})
        notes.append(
            f"{len(out)} result(s) with imported compute left out: the estimate is a fine-tuned model's fine-tuning only, "
            f"not training compute (e.g. {', '.join(models[:3])}: {tuning[out[0]['estimate_id']]})"
        )
    return kept


def fit_inputs(con: Connection, opts: FitOptions, *, catalog: Catalog | None = None) -> FitInputs:
    """Read and select the points a fit of ``opts`` would use (nothing fitted, nothing written); raises for an
    unknown source, form or transform and for options that do not go together."""
    if opts.source not in SOURCES:
        raise ScalingError(f"unknown source {opts.source!r}; one of {', '.join(SOURCES)}")
    if opts.form not in ("polynomial", "exponential"):
        raise FitError(f"unknown form {opts.form!r}; use polynomial or exponential")
    bench = resolve_benchmark(opts.benchmark)
    default = bench.transform(opts.form)
    ytr = opts.y_transform or (forward_transform(bench.key, opts.form, default) if opts.x == FORWARD_OPS else default)
    if ytr not in TRANSFORMS:
        raise FitError(f"unknown y transform {ytr!r}; one of {', '.join(TRANSFORMS)}")
    quantity, conv_name, methods = select_measure(opts.x, opts.convention)
    if opts.target_error is not None and (opts.x == FORWARD_OPS or opts.relative_to):
        raise ScalingError("--target-error extrapolates training compute in FLOP; not with --x forward_ops or --relative-to")
    sources = ("thompson", "epoch", "curated") if opts.source == "all" else (opts.source,)
    notes: list[str] = []
    imported = [s for s in sources if s != "curated"]
    if quantity == FORWARD_OPS:
        rows = read_forward_ops_inputs(con, sources=imported) if imported else []
        if "curated" in sources:
            notes.append("forward_ops: curated records left out: they have no operations per forward pass (imported rows only)")
    else:
        rows = read_fit_inputs(con, quantity=quantity, compute_sources=imported) if imported else []
        if quantity == "network_operations" and "curated" in sources:
            notes.append(
                "network_operations: curated records left out: their compute is by the hardware method (hardware x time), "
                "not operation counting; use --x hardware_burden or --x compute"
            )
    if methods:
        rows = [r for r in rows if r["method"] in methods]
    if rows and quantity != FORWARD_OPS:
        rows = _training_compute_only(rows, read_fine_tuning_only(con), bench, notes)
    if opts.x == "hardware_burden_consolidated" and imported:
        operations = [
            r
            for r in read_fit_inputs(con, quantity="network_operations", compute_sources=imported)
            if matches_benchmark(bench, r["benchmark"], r["metric"])
        ]
        rows, predicted = consolidated_rows(rows, operations, AUTHORS_CONVERSION)
        notes.append(
            f"hardware_burden_consolidated: {predicted} result(s) without a hardware burden put on its scale from their "
            f"network operations, log10(hw) = {AUTHORS_CONVERSION.intercept} + {AUTHORS_CONVERSION.slope} log10(ops) "
            f"({AUTHORS_CONVERSION.source})"
        )
    all_results = read_benchmark_results(con)
    curated_results = [r for r in rows if r.get("result_source") == "curated"]
    with_records = "curated" in sources and quantity not in ("network_operations", FORWARD_OPS)
    if with_records or curated_results:
        records = [
            rec
            for rec in records_from(con, catalog=catalog or load_catalog(), utilisation=opts.utilisation)
            if any(matches_benchmark(bench, x.get("benchmark"), None) for x in rec.results)
        ]
        if curated_results:
            kept, cnotes = curated_imported_rows(
                [r for r in curated_results if matches_benchmark(bench, r["benchmark"], r["metric"])],
                records,
                bench,
                all_results=opts.all_results,
            )
            rows = [r for r in rows if r.get("result_source") != "curated"] + kept
            notes += cnotes
        if with_records:
            rec_rows, rnotes = record_fit_rows(records, "thompson" if conv_name == "thompson" else "epoch", bench, all_results=opts.all_results)
            rows += [r for r in rec_rows if matches_benchmark(bench, r["benchmark"], r["metric"])]
            notes += rnotes
    points, pnotes = points_from_rows(rows, bench)
    notes += pnotes
    points = select_points(points, x=opts.x, relative=opts.relative_to, contains=opts.model_contains, notes=notes)
    return FitInputs(bench, ytr, conv_name, points, notes, all_results)


def run_fit(store: Store, opts: FitOptions, *, catalog: Catalog | None = None) -> FitResult:
    """Read the fit inputs of ``opts.benchmark`` from ``store`` and fit them (main form plus variants)."""
    catalog = catalog or load_catalog()
    with store.connect() as con:
        inputs = fit_inputs(con, opts, catalog=catalog)
    bench, ytr, conv_name = inputs.bench, inputs.y_transform, inputs.convention
    points, notes, all_results = inputs.points, inputs.notes, inputs.all_results
    transform = TRANSFORMS[ytr]
    if not points:
        raise FitError(f"no {bench.key} results with {opts.x} compute from source {opts.source}" + inputs.why_none())
    by_source = Counter(p.source for p in points)
    notes.append("points by source: " + ", ".join(f"{k} {v}" for k, v in sorted(by_source.items())))
    try:
        main = ols_fit(points, transform, method=f"ols {opts.form}")
    except FitError as exc:
        raise FitError(f"{exc}" + inputs.why_none()) from None
    notes += mixing_warnings(points, main, transform, opts.form)
    result = FitResult(
        benchmark=bench.key,
        form=opts.form,
        x=opts.x,
        y_transform=ytr,
        convention=conv_name,
        source=opts.source,
        main=main,
        points=points,
        notes=notes,
        relative_to=opts.relative_to,
        model_contains=opts.model_contains,
    )
    if opts.variants:
        for attr, fn in (
            ("year_control", lambda: year_fit(points, transform)),
            ("quantile", lambda: quantile_fit(points, transform, q=opts.quantile)),
            ("saturating", lambda: saturating_fit(points, bootstrap=opts.bootstrap)),
        ):
            try:
                setattr(result, attr, fn())
            except FitError as exc:
                notes.append(f"{attr}: {exc}")
        front = pareto_front(points)
        result.pareto_ids = [p.fact_ids[0] for p in front]
        try:
            result.pareto = ols_fit(front, transform, method="ols pareto-best")
        except FitError as exc:
            notes.append(f"pareto: {exc}")
        with_compute = {p.fact_ids[0] for p in points}
        entries = [
            (r["fact_id"], to_error(float(r["value"]), bench, r["metric"], r["benchmark"]), r["fact_id"] in with_compute)
            for r in all_results
            if r["source"] in ("thompson", "curated")
            and matches_benchmark(bench, r["benchmark"], r["metric"])
            and (not opts.model_contains or name_contains(r.get("model"), opts.model_contains))
        ]
        result.coverage = coverage(entries)
    if opts.target_error is not None:
        costs = cost_assumptions(
            catalog,
            conv_name=conv_name,
            hardware=opts.hardware,
            utilisation=opts.utilisation,
            price_per_hour=opts.price_per_hour,
            prices_file=opts.prices_file,
            pue=opts.pue,
            grid_intensity=opts.grid_intensity,
        )
        result.extrapolation = extrapolate(main, transform, opts.target_error, costs)
    return result


@dataclass
class FitBenchmark:
    """``flopsdb fit`` as a step: ``plan`` reads and selects the points a fit of ``opts`` would use and says how many
    from which source (nothing fitted, nothing written); ``run`` fits them (:func:`run_fit`) and keeps the
    :class:`FitResult` in ``result``. A fit writes nothing, so it is not recorded as a run."""

    store: Store
    opts: FitOptions
    catalog: Catalog | None = None
    name: ClassVar[str] = "fit"
    result: FitResult | None = field(default=None, init=False)
    notes: list[str] = field(default_factory=list, init=False)

    def plan(self, con: Connection) -> StepReport:
        inputs = fit_inputs(con, self.opts, catalog=self.catalog)
        self.notes = inputs.notes
        by_source = Counter(str(p.source) for p in inputs.points)
        said = (
            f"would fit {inputs.bench.key} {inputs.y_transform} against {self.opts.x} ({self.opts.form}, {inputs.convention} convention) "
            f"on {len(inputs.points)} points"
            + (": " + ", ".join(f"{k} {v}" for k, v in sorted(by_source.items())) if by_source else inputs.why_none())
        )
        return StepReport(self.name, counts={"points": len(inputs.points), **by_source}, skipped=said)

    def run(self, run_id: str | None = None) -> StepReport:
        self.result = run_fit(self.store, self.opts, catalog=self.catalog)
        self.notes = self.result.notes
        return StepReport(self.name, counts={"points": len(self.result.points)})
