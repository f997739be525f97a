"""Progress bars: drawn on stderr when it is a terminal (a real pty), never with --quiet or through a pipe.
And ``flopsdb extract`` takes folders and glob patterns."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract_pdf"
FLOPSDB = [sys.executable, "-m", "flopsdb.cli"]


def _pdfs(tmp_path: Path) -> Path:
    folder = tmp_path / "pdfs" / "inner"
    folder.mkdir(parents=True)
    for i in range(3):
        shutil.copy(FIXTURES / "two_column.pdf", folder / f"2601.0000{i}.pdf")
    return tmp_path / "pdfs"


def _run_with_pty_stderr(args: list[str], cwd: Path) -> tuple[int, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL, cwd=cwd, env={**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_extract_draws_a_bar_on_a_terminal(tmp_path: Path) -> None:
    folder = _pdfs(tmp_path)
    code, err = _run_with_pty_stderr([*FLOPSDB, "--home", str(tmp_path / "h"), "extract", str(folder), "--timeout", "0"], tmp_path)
    assert code == 0, err
    assert "extract" in err and "files/s" in err and "ETA" in err
    assert "3/3" in err


def test_no_bar_with_quiet_on_a_terminal(tmp_path: Path) -> None:
    folder = _pdfs(tmp_path)
    code, err = _run_with_pty_stderr([*FLOPSDB, "--quiet", "--home", str(tmp_path / "h"), "extract", str(folder), "--timeout", "0"], tmp_path)
    assert code == 0, err
    assert "files/s" not in err and "ETA" not in err


def test_no_bar_when_stderr_is_a_pipe_and_globs_expand(tmp_path: Path) -> None:
    _pdfs(tmp_path)
    proc = subprocess.run(
        [*FLOPSDB, "--home", str(tmp_path / "h"), "extract", "pdfs/**/2601.0000[01].pdf", "--timeout", "0"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "files/s" not in proc.stderr and "ETA" not in proc.stderr
    papers = {line.split('"paper": "')[1].split('"')[0] for line in proc.stdout.splitlines() if '"paper"' in line}
    assert papers == {"2601.00000", "2601.00001"}


def test_a_glob_matching_nothing_is_a_clear_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*FLOPSDB, "--home", str(tmp_path / "h"), "extract", "nothing/*.pdf"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert proc.returncode != 0
    assert "no file matches nothing/*.pdf" in proc.stderr
