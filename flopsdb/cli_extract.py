"""CLI verbs of the extract stage: ``extract`` (PDF -> candidates) and ``evaluate`` (score against the gold)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from flopsdb.cli_common import App, Seconds, echo, pass_app, print_rows, progress_bar
from flopsdb.core.kinds import Kind, kind_spec

_TABLE_COLUMNS = ("paper", "kind", "stage", "page", "confidence", "value", "snippet")


@click.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per candidate on stdout; table: a readable summary.",
)
@click.option("--extractor", "names", multiple=True, help="Run only this extractor (repeatable), e.g. hardware.v2.")
@click.option("--store", "to_store", is_flag=True, help="Also keep the candidates and outcomes in the database (one run).")
@click.option(
    "--timeout",
    type=Seconds(zero_ok=True),
    default=120.0,
    show_default=True,
    help="Seconds one file may take to parse (0: no limit, parse in-process).",
)
@click.option(
    "--facts",
    "facts_only",
    is_flag=True,
    help="Print only the paper's own facts (headline own results, training hardware and time, own parameters; deduplicated).",
)
@pass_app
def extract_cmd(app: App, files: tuple[Path, ...], fmt: str, names: tuple[str, ...], to_store: bool, timeout: float, facts_only: bool) -> None:
    """Extract hardware, training time, results and parameters from PDFs.

    FILES may be PDFs, folders (every *.pdf below them) or quoted glob patterns ('pdfs/17*.pdf').
    On a terminal a progress bar (files, rate, ETA) is drawn on stderr; not with --quiet.

    By default every candidate is printed (the review queue needs them all); with --facts only what the extractor
    asserts as the paper's own facts, in the same JSONL contract. --store keeps every candidate either way.
    A file that cannot be read gets one line on stderr and the others go on; the exit status is 1 if any failed.

    \b
    Example:
      flopsdb extract ../shared/corpus/pdfs/1706.03762.pdf --format table
      flopsdb extract paper1.pdf paper2.pdf > candidates.jsonl
      flopsdb extract ../shared/corpus/pdfs/ --store --quiet
    """
    if timeout:
        from flopsdb.extract.robust import prestart

        prestart()  # the fork server and a parsing worker start while this process imports the rest
    from flopsdb.extract.facts import select_facts
    from flopsdb.extraction import ExtractFiles, pdf_files

    paths = pdf_files(files)

    rows: list[tuple[Any, ...]] = []
    failed = 0
    with progress_bar(app, "extract", total=len(paths)) as bar:

        def emit(outcome: Any) -> None:
            nonlocal failed
            bar.advance()
            failed += _emit(outcome, fmt, facts_only, rows, select_facts)

        step = ExtractFiles(
            paths,
            store=app.store if to_store else None,
            names=names or None,
            timeout=timeout or None,
            max_bytes=app.config.max_pdf_bytes,
            on_outcome=emit,
        )
        if to_store:
            from flopsdb.steps import run_recorded  # DuckDB: only with --store

            run_recorded(app.store, "extract", step)
        else:
            step.run("")
    if fmt == "table" and rows:
        print_rows(_TABLE_COLUMNS, rows, "table")
    if failed:
        sys.exit(1)


def _emit(outcome: Any, fmt: str, facts_only: bool, rows: list, select_facts: Any) -> int:
    """Print one file's candidates (JSONL now, or table rows into ``rows``); 1 when the file failed."""
    if not outcome.ok:
        echo(f"flopsdb: {outcome.path}: {outcome.error or outcome.reason}", err=True)
        return 1
    for w in outcome.warnings:
        if w.startswith(tuple(Kind)):
            echo(f"flopsdb: {outcome.path}: extractor failed: {w}", err=True)
    for c in select_facts(outcome.candidates) if facts_only else outcome.candidates:
        data = c.to_json()
        if fmt == "jsonl":
            click.echo(json.dumps(data, ensure_ascii=False, default=str))
        else:
            rows.append(
                (
                    data["paper"],
                    data["kind"],
                    data["stage"],
                    data["page"],
                    data["confidence"],
                    kind_spec(data["kind"]).summary(data),
                    data["snippet"][:70],
                )
            )
    return 0


@click.command("evaluate")
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(exists=True, path_type=Path),
    default=Path("annotations/gold"),
    show_default=True,
    help="Folder of <paper>.jsonl gold files.",
)
@click.option(
    "--pdfs",
    "pdf_dirs",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    multiple=True,
    help="Folder holding <paper>.pdf files (repeatable: each gold paper is looked up in every folder).",
)
@click.option(
    "--half",
    "halves",
    type=click.Choice(["develop", "validate", "all"]),
    multiple=True,
    help="Score this half (repeatable); default: develop and validate.",
)
@click.option(
    "--mode",
    "modes",
    type=click.Choice(["facts", "candidates"]),
    multiple=True,
    help="facts: what --facts asserts against headline gold; candidates: every candidate against all gold. Default: both.",
)
@click.option("--paper", "papers", multiple=True, help="Score only this paper id (repeatable).")
@click.option(
    "--min-confidence",
    type=float,
    default=0.35,
    show_default=True,
    help="Score only candidates at or above this confidence (weaker ones still go to the review queue).",
)
@click.option("-v", "--verbose", is_flag=True, help="List per paper the gold facts missed and the false candidates.")
@pass_app
def evaluate_cmd(
    app: App,
    gold_dir: Path,
    pdf_dirs: tuple[Path, ...],
    halves: tuple[str, ...],
    modes: tuple[str, ...],
    papers: tuple[str, ...],
    min_confidence: float,
    verbose: bool,
) -> None:
    """Score the extractors against the gold: precision, recall and F1 per kind and micro, per half and mode.

    Papers fall in the develop or validate half by a fixed rule on their id (annotations/GUIDELINES.md).
    Matching: hardware on accelerator and count; training time on hours within 10 %; results on dataset,
    metric and value; parameters on value within 2 %. Inference-stage and baseline results are not scored.

    \b
    Example:
      flopsdb evaluate --pdfs ../shared/corpus/pdfs --pdfs ../shared/corpus2/pdfs
      flopsdb evaluate --pdfs ../shared/corpus2/pdfs --half develop --mode facts --verbose
    """
    from flopsdb.core.ids import half_of
    from flopsdb.extract.evaluate import MODES, evaluate_dir, format_report
    from flopsdb.extract.pipeline import extract_file

    halves = halves or ("develop", "validate")
    wanted = [p.stem for p in gold_dir.glob("*.jsonl") if (not papers or p.stem in papers) and ("all" in halves or half_of(p.stem) in halves)]
    with progress_bar(app, "evaluate", total=len(wanted) or None, unit="papers") as bar:

        def run(path: Path, paper: str) -> Any:
            bar.describe(f"evaluate {paper}")
            try:
                return extract_file(path, paper=paper)
            finally:
                bar.advance()

        results = evaluate_dir(
            gold_dir, pdf_dirs, min_confidence=min_confidence, modes=modes or MODES, halves=halves, papers=papers or None, extract=run
        )
    click.echo("\n\n".join(format_report(ev, verbose=verbose) for ev in results.values()))


COMMANDS: list[click.Command] = [extract_cmd, evaluate_cmd]
