"""The configuration refuses invalid values through the real CLI: one line naming key, value and range, exit 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopsdb.cli import main

BAD = [
    ("workers = 0", "workers = 0", "an integer in [1, 1024]"),
    ("workers = -3", "workers = -3", "an integer in [1, 1024]"),
    ("workers = true", "workers = True", "an integer"),
    ("lease_minutes = 0", "lease_minutes = 0", "> 0"),
    ("lease_minutes = -1.5", "lease_minutes = -1.5", "> 0"),
    ("max_failures = 0", "max_failures = 0", ">= 1"),
    ("max_retries = -1", "max_retries = -1", "an integer in [0, 100]"),
    ("max_pdf_bytes = 0", "max_pdf_bytes = 0", ">= 1"),
    ("max_pdf_bytes = -5", "max_pdf_bytes = -5", ">= 1"),
    ("http_timeout = 0", "http_timeout = 0", "> 0"),
    ("http_timeout = -2", "http_timeout = -2", "> 0"),
    ("audit_share = 7", "audit_share = 7", "in [0, 1]"),
    ("overlap_share = -0.1", "overlap_share = -0.1", "in [0, 1]"),
    ("overlap_k = 0", "overlap_k = 0", "an integer in [2, 100]"),
    ('home = ""', "home = ''", "a non-empty path"),
    ("home = {a = 1}", "home = {'a': 1}", "a non-empty path"),
    ('arxiv_oai_url = "not a url"', "arxiv_oai_url = 'not a url'", "an http(s) URL"),
    ('arxiv_pdf_url = "file:///etc/passwd"', "arxiv_pdf_url = 'file:///etc/passwd'", "an http(s) URL"),
    ("sql_timeout = 0", "sql_timeout = 0", "> 0"),
    ("sql_timeout = -1", "sql_timeout = -1", "> 0"),
    ("sql_timeout = nan", "sql_timeout = nan", "a finite number > 0"),
    ('arxiv_delay = "nan"', "arxiv_delay = 'nan'", "a finite number >= 0"),
    ("arxiv_delay = inf", "arxiv_delay = inf", "a finite number >= 0"),
    ("arxiv_delay = 1", "arxiv_delay = 1 is below arXiv's 3 s politeness delay", "a number >= 3"),
    ("sets = []", "sets = []", "at least 1"),
    ('contact_email = "nobody"', "contact_email = 'nobody'", "an e-mail address"),
    ("flopsdb = 5", "flopsdb = 5", "a table of settings"),
]


@pytest.mark.parametrize("line,named,allowed", BAD, ids=[b[0] for b in BAD])
def test_invalid_values_are_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, named: str, allowed: str) -> None:
    monkeypatch.chdir(tmp_path)
    for var in [v for v in os.environ if v.startswith("FLOPSDB_")]:  # the file's value is under test, not the caller's
        monkeypatch.delenv(var)
    toml = tmp_path / "flopsdb.toml"
    toml.write_text(line + "\n")
    res = CliRunner().invoke(main, ["--config", str(toml), "status"])
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flopsdb: error: invalid "), res.output
    assert named in lines[0] and allowed in lines[0].split("allowed: ", 1)[1]


@pytest.mark.parametrize(
    "var,value", [("FLOPSDB_WORKERS", "0"), ("FLOPSDB_ARXIV_DELAY", "nan"), ("FLOPSDB_SQL_TIMEOUT", "-1"), ("FLOPSDB_AUDIT_SHARE", "7")]
)
def test_invalid_environment_values_name_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, var: str, value: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(var, value)
    res = CliRunner().invoke(main, ["status"])
    assert res.exit_code == 2 and f"(environment {var})" in res.output and "Traceback" not in res.output


def test_valid_values_and_local_servers_are_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    toml = tmp_path / "flopsdb.toml"
    toml.write_text(
        '[flopsdb]\nhome = "data"\nworkers = 4\naudit_share = 1\narxiv_delay = 0\nmax_retries = 0\n'
        + "".join(f'{k} = "http://127.0.0.1:8000/{k}"\n' for k in ("arxiv_oai_url", "arxiv_api_url", "arxiv_pdf_url", "arxiv_eprint_url"))
    )
    from flopsdb.core.config import load_config

    cfg = load_config(toml, env={})
    assert (cfg.workers, cfg.audit_share, cfg.arxiv_delay, cfg.max_retries, cfg.home) == (4, 1.0, 0.0, 0, Path("data"))


@pytest.mark.parametrize(
    "args",
    [
        ["sql", "--timeout", "0", "SELECT 1"],
        ["sql", "--timeout", "-1", "SELECT 1"],
        ["sql", "--timeout", "nan", "SELECT 1"],
        ["extract", "--timeout", "nan", "x.pdf"],
        ["extract", "--timeout", "-5", "x.pdf"],
    ],
)
def test_time_limits_on_the_command_line_are_checked_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2 and "is not a finite number of seconds" in res.output
