"""``flopsdb demo``: the first run, on the shipped sample through the real pipeline (local server, real
DuckDB file), a fit of the sample's dataset, a plot, and next steps that work as printed. No network: any
connection to an address other than loopback fails the test."""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
import socket
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.config import Config


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list:
    """Refuse every network connection that is not to 127.0.0.1 / ::1 (records the refused addresses); Unix sockets pass."""
    refused: list = []
    real = socket.socket.connect

    def connect(self: socket.socket, address) -> None:  # type: ignore[no-untyped-def]
        if self.family == socket.AF_UNIX:  # local sockets (multiprocessing's listeners)
            return real(self, address)
        host = address[0] if isinstance(address, tuple) else address
        try:
            ok = isinstance(host, str) and (host == "localhost" or ipaddress.ip_address(host).is_loopback)
        except ValueError:
            ok = False
        if not ok:
            refused.append(address)
            raise OSError(f"test: no network ({address!r})")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return refused


def _run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_demo_runs_the_pipeline_fits_plots_and_prints_next_steps(config: Config, loopback_only: list) -> None:
    res = _run("demo")
    assert res.exit_code == 0, res.output
    assert not loopback_only, f"the demo tried the network: {loopback_only}"
    home = config.home / "sample"
    out = res.output

    # the real pipeline ran on the sample: papers crawled, PDFs downloaded and extracted, candidates queued
    con = duckdb.connect(str(home / "flopsdb.duckdb"), read_only=True)
    try:
        papers = con.execute("SELECT count(*) FROM papers").fetchone()[0]
        candidates = con.execute("SELECT count(*) FROM candidates").fetchone()[0]
        sample_facts = con.execute("SELECT count(*) FROM imported_facts WHERE source = 'sample'").fetchone()[0]
        other = con.execute("SELECT count(*) FROM imported_facts WHERE source <> 'sample'").fetchone()[0]
    finally:
        con.close()
    assert papers >= 4 and candidates > 0
    assert sample_facts > 0 and other == 0, "the sample's dataset must be imported as 'sample', nothing else"
    waiting = int(re.search(r"review the (\d+) candidates waiting", out).group(1))
    assert waiting == candidates

    # the fit and the plot
    fit = re.search(r"R² ([0-9.]+), n (\d+); 10% error would take 10\^([0-9.]+) FLOP", out)
    assert fit, out
    assert int(fit.group(2)) == 9 and float(fit.group(1)) > 0.5
    plot = Path(re.search(r"^plot: (.+)$", out, re.M).group(1))
    assert plot == home / "demo-imagenet.png" and plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # every printed next step names the sample's home and works as printed
    steps = [line.split("#")[0].strip() for line in out.splitlines() if line.strip().startswith("flopsdb ")]
    assert any(s.startswith(f"flopsdb --home {home} users add") for s in steps), steps
    assert "http://127.0.0.1:8765/" in out
    sql = next(s for s in steps if " sql " in s)
    args = shlex.split(sql)[1:]
    assert args[:2] == ["--home", str(home)]
    rows = _run(*args, "--format", "json")
    assert rows.exit_code == 0, rows.output
    got = json.loads(rows.stdout)
    assert len(got) == 9 and got[0]["model"] == "AlexNet", got
    users = shlex.split(next(s for s in steps if " users add " in s))[1:]
    added = _run(*users, "--password", "a-long-password-1")
    assert added.exit_code == 0, added.output
    listed = _run("--home", str(home), "users", "list")
    assert "alice" in listed.output


def test_the_sample_dataset_never_mixes_into_the_real_sources(config: Config, loopback_only: list) -> None:
    assert _run("demo").exit_code == 0
    home = str(config.home / "sample")
    for source in ("all", "thompson"):
        res = CliRunner().invoke(main, ["--home", home, "fit", "--source", source, "--no-variants"])
        assert res.exit_code != 0 and "no imagenet results" in res.output, res.output
    res = _run("--home", home, "fit", "--source", "sample", "--no-variants", "--format", "json")
    doc = json.loads(res.stdout)
    assert doc["n"] == 9 and {p["result_source"] for p in doc["points"]} == {"sample"}
