"""The pipeline (registry, dedup, files), the evaluation, the CLI verbs and the store wiring, end to end on a generated PDF."""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.errors import ExtractError
from flopsdb.db.candidates import load_candidates
from flopsdb.extract.evaluate import GoldFact, load_gold, matches, score
from flopsdb.extract.pipeline import REGISTRY, dedup, extract_document, extract_file, extractors, paper_id_for


def test_registry_names_are_versioned_and_import() -> None:
    loaded = extractors()
    assert {"hardware.v6", "training_time.v6", "parameters.v6", "result.v3"} <= set(loaded)
    for target in REGISTRY.values():  # a module that defines its versioned name (EXTRACTOR) is registered under it
        module = importlib.import_module(target.split(":")[0])
        if hasattr(module, "EXTRACTOR"):
            assert REGISTRY.get(module.EXTRACTOR, "").split(":")[0] == module.__name__
    assert all(name.rsplit(".", 1)[1].startswith("v") for name in REGISTRY)
    with pytest.raises(ExtractError):
        extractors(["nonsense.v9"])


def test_the_same_fact_stated_twice_is_kept_once(doc_of) -> None:
    doc = doc_of(
        "Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task. "
        "We trained on 8 NVIDIA P100 GPUs. In summary, our model reaches 28.4 BLEU on WMT 2014 English-to-German. "
        "Training used 8 NVIDIA P100 GPUs again."
    )
    cands = extract_document(doc)
    kinds = sorted(c.kind for c in cands)
    assert kinds == ["hardware", "result"]
    assert dedup(cands + cands) == cands


def test_count_less_mention_is_dropped_when_a_counted_one_exists(doc_of) -> None:
    doc = doc_of("We trained on 4 NVIDIA V100 GPUs. The V100 GPU implementation we used is fast.")
    assert [(c.fields["accelerator"], c.fields["count"]) for c in extract_document(doc)] == [("NVIDIA V100", 4)]


def test_paper_ids() -> None:
    assert paper_id_for("x/1706.03762v5.pdf") == "1706.03762"
    assert paper_id_for("x/gpt2-radford2019.pdf") == "gpt2-radford2019"


def test_extract_file_on_a_generated_pdf(sample_pdf: Path) -> None:
    outcome = extract_file(sample_pdf)
    assert outcome.ok and outcome.pages == 2 and outcome.paper == "sample-paper" and len(outcome.sha256) == 64
    facts = {(c.kind, c.stage, json.dumps(dict(c.fields), sort_keys=True)) for c in outcome.candidates}
    assert ("hardware", "training", json.dumps({"accelerator": "NVIDIA P100", "count": 8, "unit": "gpu"}, sort_keys=True)) in facts
    assert ("hardware", "inference", json.dumps({"accelerator": "NVIDIA T4", "count": 1, "unit": "gpu"}, sort_keys=True)) in facts
    hw = next(c for c in outcome.candidates if c.fields.get("accelerator") == "NVIDIA P100")
    assert hw.evidence.page == 2 and hw.evidence.bbox.x1 > hw.evidence.bbox.x0 and "8 NVIDIA P100" in hw.evidence.snippet


@pytest.mark.parametrize("content, reason", [(b"", "truncated"), (b"<html>not found</html>", "corrupt"), (b"%PDF-1.4\n1 0 obj garbage", None)])
def test_unreadable_files_fail_with_a_reason(tmp_path: Path, content: bytes, reason: str | None) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    outcome = extract_file(bad)
    assert not outcome.ok and outcome.candidates == [] and outcome.error
    if reason:
        assert outcome.reason == reason
    missing = extract_file(tmp_path / "absent.pdf")
    assert not missing.ok and missing.reason == "missing"


def _gold(kind: str, **fields) -> GoldFact:
    return GoldFact("p", kind, fields)


def test_matching_rules(doc_of) -> None:
    from flopsdb.extract.candidate import Candidate
    from flopsdb.extract.document import Box, Evidence

    ev = Evidence(1, Box(0, 0, 1, 1), "")

    def cand(kind: str, conf: float = 0.9, stage: str = "training", **fields) -> Candidate:
        return Candidate("p", kind, "test.v1", ev, conf, fields, stage=stage)

    assert matches(cand("hardware", accelerator="NVIDIA P100", count=8), _gold("hardware", accelerator="NVIDIA P100", count=8))
    assert not matches(cand("hardware", accelerator="NVIDIA P100", count=4), _gold("hardware", accelerator="NVIDIA P100", count=8))
    assert matches(cand("training_time", hours=88), _gold("training_time", hours=84))
    assert not matches(cand("training_time", hours=100), _gold("training_time", hours=84))
    assert matches(cand("result", dataset="COCO", metric="box AP", value=43.5), _gold("result", dataset="COCO", metric="box AP", value=43.5))
    assert not matches(cand("result", dataset="COCO", metric="AP50", value=43.5), _gold("result", dataset="COCO", metric="box AP", value=43.5))
    assert matches(cand("parameters", value=25.4e6), _gold("parameters", value=25e6))
    assert not matches(cand("parameters", value=26e6), _gold("parameters", value=25e6))

    gold = {"p": [_gold("hardware", accelerator="GPU", count=8)]}
    ev_ = score(
        gold,
        {
            "p": [
                cand("hardware", 0.5, accelerator="GPU", count=8),
                cand("hardware", 0.9, accelerator="GPU", count=8),
                cand("hardware", 0.9, "inference", accelerator="NVIDIA T4", count=1),
                cand("result", dataset="COCO", metric="AP50", value=1.0, own=False),
            ]
        },
    )
    s = ev_.by_kind["hardware"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 0)
    assert ev_.by_kind["result"].fp == 0
    assert ev_.false_positives["p"][0].confidence == 0.5


def test_load_gold_reports_bad_lines_and_keeps_the_rest(tmp_path: Path, gold_dir: Path) -> None:
    text = (gold_dir / "sample-paper.jsonl").read_text()
    (tmp_path / "sample-paper.jsonl").write_text(text + "{broken\n" + '{"kind": "nonsense"}\n')
    gold, problems = load_gold(tmp_path)
    assert len(gold["sample-paper"]) == 6 and len(problems) == 2


def test_evaluate_cli_on_the_tiny_gold(sample_pdf: Path, gold_dir: Path, config) -> None:
    result = CliRunner().invoke(
        main,
        [
            "evaluate",
            "--gold",
            str(gold_dir),
            "--pdfs",
            str(sample_pdf.parent),
            "--min-confidence",
            "0",
            "--verbose",
            "--half",
            "all",
            "--mode",
            "candidates",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines() if line.split()}
    assert rows["hardware"][1:5] == ["1", "1", "0", "0"]
    assert rows["training_time"][1:5] == ["1", "1", "0", "0"]
    assert rows["result"][1:5] == ["2", "2", "0", "0"]
    assert rows["parameters"][1:5] == ["2", "1", "0", "1"]
    assert "miss parameters" in result.output and "value=65000000" in result.output


def test_extract_cli_jsonl_contract_and_failures(sample_pdf: Path, tmp_path: Path, config) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    result = CliRunner().invoke(main, ["extract", str(bad), str(sample_pdf), "--format", "jsonl"])
    assert result.exit_code == 1
    assert "broken.pdf" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert objs and all(o["paper"] == "sample-paper" for o in objs)
    for o in objs:
        for key in ("paper", "kind", "model", "stage", "page", "bbox", "snippet", "confidence", "extractor"):
            assert key in o
        assert len(o["bbox"]) == 4 and 0 <= o["confidence"] <= 1
    hw = next(o for o in objs if o["kind"] == "hardware" and o["stage"] == "training")
    assert (hw["accelerator"], hw["count"], hw["unit"]) == ("NVIDIA P100", 8, "gpu")
    tt = next(o for o in objs if o["kind"] == "training_time")
    assert {k: tt[k] for k in ("hours", "hours_low", "hours_high", "scope", "approx")} == {
        "hours": 84.0,
        "hours_low": 84.0,
        "hours_high": 84.0,
        "scope": "wall_clock",
        "approx": False,
    }
    res = next(o for o in objs if o["kind"] == "result")
    assert {"task", "dataset", "split", "metric", "value", "own"} <= set(res)
    ok = CliRunner().invoke(main, ["extract", str(sample_pdf), "--format", "table"])
    assert ok.exit_code == 0 and "NVIDIA P100" in ok.output


def test_extract_and_store_keeps_candidates_and_outcomes(sample_pdf: Path, tmp_path: Path, store) -> None:
    from flopsdb.db.runs import start_run
    from flopsdb.extraction import extract_and_store

    with store.transaction() as con:
        run_id = start_run(con, "test")
    outcome = extract_and_store(sample_pdf, store, run_id)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"")
    failed = extract_and_store(bad, store, run_id)
    assert outcome.ok and not failed.ok
    with store.connect() as con:
        stored = load_candidates(con, paper="sample-paper")
        rows = con.execute("SELECT paper, status, reason, n_candidates FROM extractions ORDER BY paper").fetchall()
    assert sorted(c.candidate_id for c in stored) == sorted(c.candidate_id for c in outcome.candidates)
    assert ("bad", "failed", "truncated", 0) in rows and ("sample-paper", "ok", None, len(outcome.candidates)) in rows
    again = extract_and_store(sample_pdf, store, run_id)
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM candidates").fetchone()[0] == len(again.candidates)
        assert con.execute("SELECT attempts FROM extractions WHERE paper = 'sample-paper'").fetchone()[0] == 2


def test_extract_cli_store_records_one_run(sample_pdf: Path, tmp_path: Path, store) -> None:
    bad = tmp_path / "gone.pdf"
    result = CliRunner().invoke(main, ["extract", str(sample_pdf), str(bad), "--store"])
    assert result.exit_code == 1 and "gone.pdf" in result.stderr
    with store.connect() as con:
        runs = con.execute("SELECT command, status FROM runs").fetchall()
        n = con.execute("SELECT count(*) FROM candidates WHERE paper = 'sample-paper'").fetchone()[0]
        statuses = dict(con.execute("SELECT paper, status FROM extractions").fetchall())
    assert runs == [("extract", "partial")]
    assert n == len([line for line in result.stdout.splitlines() if line.strip()])
    assert statuses == {"sample-paper": "ok", "gone": "failed"}


def test_generic_mention_is_dropped_when_the_named_accelerator_has_the_same_count(doc_of) -> None:
    doc = doc_of("We trained our models on one machine with 8 NVIDIA P100 GPUs. Training took 12 hours on eight GPUs. Fine-tuning used 4 GPUs.")
    assert sorted((c.fields["accelerator"], c.fields["count"]) for c in extract_document(doc) if c.kind == "hardware") == [
        ("GPU", 4),
        ("NVIDIA P100", 8),
    ]


def test_extract_files_parses_ahead_and_gives_what_extract_file_gives_in_order(sample_pdf, tmp_path) -> None:
    import shutil

    from flopsdb.extract.pipeline import extract_file, extract_files

    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    shutil.copy(sample_pdf, first)
    shutil.copy(sample_pdf, second)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    jobs = [(first, "p1"), (broken, "p2"), (second, "p3")]
    outcomes = list(extract_files(jobs, timeout=60))
    assert [o.paper for o in outcomes] == ["p1", "p2", "p3"]
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].reason in ("corrupt", "truncated", "no_pages")
    alone = extract_file(first, paper="p1", timeout=60)
    assert [c.to_json() for c in outcomes[0].candidates] == [c.to_json() for c in alone.candidates]
    assert len(outcomes[2].candidates) == len(alone.candidates) > 0


def _outcome_fields(o) -> tuple:
    return (o.paper, o.path, o.sha256, o.status, o.reason, o.pages, o.warnings, o.extractors, [c.to_json() for c in o.candidates])


def test_guarded_workers_give_what_the_in_process_path_gives(sample_pdf, tmp_path) -> None:
    """Two guarded workers hash, parse and extract in parallel: the same outcomes, candidates and order as
    extracting every file in this process (``timeout=None``), failures included."""
    import shutil

    from flopsdb.extract.pipeline import extract_files

    jobs = []
    for i in range(4):
        shutil.copy(sample_pdf, tmp_path / f"copy{i}.pdf")
        jobs.append((tmp_path / f"copy{i}.pdf", f"p{i}"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    jobs.insert(2, (tmp_path / "broken.pdf", "bad"))
    jobs.append((tmp_path / "missing.pdf", "gone"))
    here = list(extract_files(jobs, timeout=None))
    guarded = list(extract_files(jobs, timeout=60, workers=2))
    assert [o.paper for o in guarded] == [p for _, p in jobs]
    assert [o.ok for o in here] == [True, True, False, True, True, False]
    assert here[0].candidates, "the sample paper gives candidates"
    assert [_outcome_fields(o) for o in guarded] == [_outcome_fields(o) for o in here]
    one = list(extract_files(jobs[:2], timeout=60, workers=1))
    assert [_outcome_fields(o) for o in one] == [_outcome_fields(o) for o in here[:2]]


def test_a_file_over_its_time_limit_stops_only_its_own_worker(sample_pdf, tmp_path) -> None:
    """With two workers, a file that takes longer than the limit (a 256 GB sparse file to hash) fails as a
    timeout; the files the other worker extracts meanwhile, and those after, are extracted."""
    import shutil

    from flopsdb.extract.pipeline import extract_files

    with open(tmp_path / "huge.pdf", "wb") as fh:
        fh.truncate(256 * 1024**3)
    for i in range(3):
        shutil.copy(sample_pdf, tmp_path / f"good{i}.pdf")
    jobs = [(tmp_path / "huge.pdf", "huge")] + [(tmp_path / f"good{i}.pdf", f"g{i}") for i in range(3)]
    outcomes = list(extract_files(jobs, timeout=3, workers=2, max_bytes=1024**4))
    assert [(o.paper, o.status, o.reason) for o in outcomes] == [
        ("huge", "failed", "timeout"),
        ("g0", "ok", None),
        ("g1", "ok", None),
        ("g2", "ok", None),
    ]
    assert "took longer than 3 s" in (outcomes[0].error or "")
    assert all(o.candidates for o in outcomes[1:])


def test_the_extract_steps_plan_says_what_its_run_then_does(sample_pdf: Path, tmp_path: Path, store) -> None:
    """``ExtractFiles`` side by side: ``plan`` names, without reading a byte, the files ``run`` refuses; a readable
    file that does not parse is the one thing the plan cannot foresee."""
    from flopsdb.extraction import ExtractFiles
    from flopsdb.steps import run_recorded

    fifo, empty, big = tmp_path / "fifo.pdf", tmp_path / "empty.pdf", tmp_path / "big.pdf"
    os.mkfifo(fifo)
    empty.write_bytes(b"")
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (sample_pdf.stat().st_size + 10))
    paths = [sample_pdf, tmp_path / "gone.pdf", fifo, empty, big]
    seen: list[str] = []
    step = ExtractFiles(paths, store=store, timeout=60.0, max_bytes=sample_pdf.stat().st_size + 5, on_outcome=lambda o: seen.append(o.path))
    planned = step.plan()
    assert planned.counts == {"files": 5, "would_extract": 2, "would_refuse": 3}
    assert {f.item: f.reason for f in planned.failures} == {str(tmp_path / "gone.pdf"): "missing", str(fifo): "not_regular", str(big): "too_large"}
    run_id, done = run_recorded(store, "extract", step)
    assert done.counts == {"files": 5, "failed": 4}
    assert {f.item: f.reason for f in done.failures} == {**{f.item: f.reason for f in planned.failures}, str(empty): "truncated"}
    assert len(seen) == 5
    with store.connect() as con:
        runs = con.execute("SELECT run_id, command, status FROM runs").fetchall()
        stored = con.execute("SELECT count(*) FROM candidates WHERE run_id = ?", [run_id]).fetchone()[0]
    assert runs == [(run_id, "extract", "partial")] and stored > 0


def test_a_file_read_ahead_then_extracted_elsewhere_gives_the_same_outcome(sample_pdf, tmp_path) -> None:
    """With two workers a file may be hashed and parsed by the parsing worker and extracted by the extracting one
    (``_parse(ahead=True)`` then ``_extract_ahead``): the same outcome as reading it whole; the second half gets
    only what the first left of the file's time limit."""
    from flopsdb.extract.pipeline import _extract_ahead, _finish, _parse, _Parsed, warm_extractors
    from flopsdb.extract.robust import ParserPool

    chosen = tuple(REGISTRY)
    with ParserPool() as parsing, ParserPool(warm_up=warm_extractors) as extracting:
        ahead = _parse(sample_pdf, "p1", 60, None, chosen, pool=parsing, ahead=True)
        assert isinstance(ahead[4], _Parsed) and 0 < ahead[4].seconds < 60
        split = _finish(_extract_ahead(ahead, 60, chosen, extracting), chosen)
        late = _finish(_extract_ahead(ahead, ahead[4].seconds / 2, chosen, extracting), chosen)
        broken = tmp_path / "broken.pdf"
        broken.write_bytes(b"%PDF-1.4\nnot really a pdf\n")
        bad = _parse(broken, "p2", 60, None, chosen, pool=parsing, ahead=True)
    whole = extract_file(sample_pdf, paper="p1", timeout=60)
    assert _outcome_fields(split) == _outcome_fields(whole) and whole.candidates
    assert (late.status, late.reason) == ("failed", "timeout")
    assert "took longer than" in (late.error or "")
    assert _finish(bad, chosen).reason in ("corrupt", "truncated", "no_pages")


def test_extractors_run_ahead_give_what_running_them_all_here_gives(sample_pdf) -> None:
    """A parsing worker runs the extractors that need no spaCy on the files it reads ahead (``read_and_parse``) and
    ships their results with the Document; the extracting worker runs the rest (``extract_parsed``): the same
    candidates and warnings as every extractor run in one place, and a failure recorded ahead is reported in its
    extractor's place."""
    import pickle

    from flopsdb.extract.pdf import parse_pdf
    from flopsdb.extract.pipeline import NEEDS_SPACY, _Extracted, extract_parsed, read_and_parse, run_extractors

    chosen = tuple(REGISTRY)
    digest, parsed = read_and_parse(str(sample_pdf), "p1", None, chosen)
    doc, ran = pickle.loads(parsed.blob)
    assert len(digest) == 64 and set(ran) == set(REGISTRY) - NEEDS_SPACY
    finished = extract_parsed(parsed.blob, "p1", chosen)
    assert isinstance(finished, _Extracted)
    whole = parse_pdf(sample_pdf, paper="p1")
    assert [c.to_json() for c in finished.candidates] == [c.to_json() for c in extract_document(whole, failures=[])]
    assert finished.candidates

    broken = {**run_extractors(doc, [n for n in chosen if n not in NEEDS_SPACY])}
    last = chosen[-1]
    broken[last] = ([], f"{last}: ValueError: boom")
    failures: list[str] = []
    partly = extract_document(doc, names=chosen, failures=failures, ran=broken)
    assert failures == [f"{last}: ValueError: boom"]
    assert [c.to_json() for c in partly] == [c.to_json() for c in extract_document(doc, names=chosen[:-1], failures=[])]
    with pytest.raises(ExtractError, match="boom"):
        extract_document(doc, names=chosen, ran=broken)


_LIGHT_SPACY = """
import json, sys
from flopsdb.extract.hardware import extract_hardware, machine
from flopsdb.extract.pdf import parse_pdf
doc = parse_pdf(sys.argv[1], paper="p1")
if sys.argv[2] == "full":
    import spacy  # spaCy's own import, command line included
machine()
cli_before = sorted(m for m in ("weasel", "typer", "requests") if m in sys.modules)
found = [c.to_json() for c in extract_hardware(doc)]
import spacy
import spacy.cli
print(json.dumps({"cli_before": cli_before, "found": found, "info": sorted(spacy.info()), "cli": spacy.cli.__name__}))
"""


def test_spacy_without_its_command_line_gives_the_same_hardware_grammar(sample_pdf) -> None:
    """``extract.spacy_import`` imports spaCy without ``spacy.cli`` (typer, weasel, requests): the hardware
    extractor finds the same candidates as with spaCy's own import, and ``spacy.info`` and ``spacy.cli`` still work
    after it (each in a fresh process)."""
    import subprocess
    import sys

    runs = {}
    for mode in ("light", "full"):
        out = subprocess.run([sys.executable, "-c", _LIGHT_SPACY, str(sample_pdf), mode], capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        runs[mode] = json.loads(out.stdout.strip().splitlines()[-1])
    assert runs["light"]["cli_before"] == [] and runs["full"]["cli_before"] != []
    assert runs["light"]["found"] == runs["full"]["found"] and runs["light"]["found"]
    assert runs["light"]["info"] == runs["full"]["info"] and "spacy_version" in runs["light"]["info"]
    assert runs["light"]["cli"] == "spacy.cli"
