"""`flopsdb extract` on hostile inputs: non-UTF-8 names, FIFOs, devices, oversized files, markup in PDFs."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _cli(args: list[bytes | str], home: Path, cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flopsdb.cli", *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "FLOPSDB_HOME": str(home), **env},
    )


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "flopsdb.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_bad_name_fifo_and_device_fail_alone_and_the_run_ends(sample_pdf: Path, tmp_path: Path) -> None:
    shutil.copy(sample_pdf, tmp_path / "good.pdf")
    shutil.copy(sample_pdf, tmp_path / "good2.pdf")
    bad = os.fsencode(tmp_path) + b"/bad\xff.pdf"
    shutil.copy(sample_pdf, bad)
    os.mkfifo(tmp_path / "f.pdf")
    home = tmp_path / "home"
    started = time.monotonic()
    res = _cli(["extract", "--store", "--timeout", "20", "good.pdf", b"bad\xff.pdf", "f.pdf", "/dev/zero", "good2.pdf"], home, tmp_path, timeout=100)
    assert time.monotonic() - started < 100
    err = res.stderr.decode()
    assert res.returncode == 1, err
    assert "file name is not valid UTF-8: bad\\xff.pdf" in err
    assert "f.pdf is a FIFO, not a regular file" in err and "/dev/zero is a character device" in err
    assert "Traceback" not in err
    outcomes = dict(_rows(home, "SELECT pdf_path, coalesce(reason, status) FROM extractions"))
    assert outcomes == {"good.pdf": "ok", "bad\\xff.pdf": "bad_name", "f.pdf": "not_regular", "/dev/zero": "not_regular", "good2.pdf": "ok"}
    assert _rows(home, "SELECT status, counts FROM runs") == [("partial", '{"files": 5, "failed": 3}')]


def test_max_pdf_bytes_is_applied_before_reading(sample_pdf: Path, tmp_path: Path) -> None:
    shutil.copy(sample_pdf, tmp_path / "p.pdf")
    res = _cli(["extract", "p.pdf"], tmp_path / "home", tmp_path, FLOPSDB_MAX_PDF_BYTES="1000")
    assert res.returncode == 1 and "over the limit of 1000 (max_pdf_bytes)" in res.stderr.decode()


def test_markup_in_a_pdf_is_printed_as_text(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_pdf", FIXTURES / "extract" / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.write_pdf(tmp_path / "m.pdf", [["5 Training", "We trained [/bold] on 8 NVIDIA P100 GPUs [red]for 3 days[/red]."]])
    res = _cli(["extract", "m.pdf", "--format", "table"], tmp_path / "home", tmp_path)
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr.decode()
    assert "[/bold]" in out and "[red]for" in out


def test_a_fifo_fails_within_the_time_limit(sample_pdf: Path, tmp_path: Path) -> None:
    shutil.copy(sample_pdf, tmp_path / "good.pdf")
    os.mkfifo(tmp_path / "f.pdf")
    (tmp_path / "z.pdf").symlink_to("/dev/zero")
    res = _cli(["extract", "--timeout", "5", "f.pdf", "z.pdf", "good.pdf"], tmp_path / "home", tmp_path, timeout=60)
    err = res.stderr.decode()
    assert res.returncode == 1 and "f.pdf is a FIFO" in err and "z.pdf is a character device" in err
    assert b'"paper": "good"' in res.stdout


def test_a_regular_file_is_hashed_inside_the_time_limit(sample_pdf: Path, tmp_path: Path) -> None:
    """A regular file that takes long to read (here a 256 GB sparse file, allowed by max_pdf_bytes) is hashed in
    the guarded worker: it fails as a timeout after --timeout, and the next file is still extracted."""
    shutil.copy(sample_pdf, tmp_path / "good.pdf")
    with open(tmp_path / "huge.pdf", "wb") as fh:
        fh.truncate(256 * 1024**3)
    home = tmp_path / "home"
    res = _cli(["extract", "--store", "--timeout", "3", "huge.pdf", "good.pdf"], home, tmp_path, timeout=150, FLOPSDB_MAX_PDF_BYTES=str(1024**4))
    err = res.stderr.decode()
    assert res.returncode == 1, err
    assert "took longer than 3 s" in err and "Traceback" not in err
    assert dict(_rows(home, "SELECT pdf_path, coalesce(reason, status) FROM extractions")) == {"huge.pdf": "timeout", "good.pdf": "ok"}
