"""The foundation: configuration, the store's migrations and lock handling, the error tree, the CLI."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.config import load_config
from flopsdb.core.errors import ConfigError, FlopsdbError, HTTPError, StoreLocked
from flopsdb.db.store import Store, migration_names
from tests.conftest import LOCAL_ARXIV


def test_config_precedence(tmp_path: Path) -> None:
    toml = tmp_path / "flopsdb.toml"
    toml.write_text('home = "/data/a"\narxiv_delay = 5\nsets = ["cs:cs:LG"]\n')
    cfg = load_config(toml, env={})
    assert cfg.home == Path("/data/a") and cfg.arxiv_delay == 5.0 and cfg.sets == ("cs:cs:LG",)
    local = {f"FLOPSDB_{k.upper()}": f"http://127.0.0.1:9{p}" for k, p in LOCAL_ARXIV.items()}
    cfg = load_config(toml, env={"FLOPSDB_ARXIV_DELAY": "0", "FLOPSDB_SETS": "cs:cs:CV,stat:stat:ML", **local})
    assert cfg.arxiv_delay == 0.0 and cfg.sets == ("cs:cs:CV", "stat:stat:ML")
    assert cfg.db_path == Path("/data/a/flopsdb.duckdb")


def test_config_defaults_match_the_documented_endpoints() -> None:
    cfg = load_config(env={})
    assert cfg.arxiv_oai_url == "https://oaipmh.arxiv.org/oai"
    assert cfg.arxiv_api_url == "https://export.arxiv.org/api/query"
    assert cfg.arxiv_pdf_url == "https://arxiv.org/pdf"
    assert cfg.pwc_api_url == "https://paperswithcode.co/api/v1"
    assert cfg.arxiv_delay == 3.0
    assert "mailto:" in cfg.user_agent


def test_config_rejects_bad_values(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FLOPSDB_ARXIV_DELAY"):
        load_config(env={"FLOPSDB_ARXIV_DELAY": "soon"})
    bad = tmp_path / "flopsdb.toml"
    bad.write_text("nonsense = 1\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_config(bad, env={})


def test_migrations_are_named_recorded_and_idempotent(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.duckdb")
    applied = store.migrate()
    assert applied == migration_names() and applied[0] == "0001_core"
    assert store.migrate() == []
    assert store.applied_migrations() == migration_names()


def test_store_waits_for_another_process_then_reports_lock(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    Store(path).migrate()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("held", flush=True)
            time.sleep(float(sys.argv[1]))
            con.close()
        """),
            "1.5",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(StoreLocked, match="stayed locked"):
        with Store(path, lock_timeout=0.3).connect():
            pass
    with Store(path, lock_timeout=20).connect() as con:  # waits until the holder lets go
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    holder.wait(10)


def test_error_text_carries_context() -> None:
    err = HTTPError("server said 503", status=503, url="http://x/oai", paper="1706.03762")
    assert isinstance(err, FlopsdbError)
    assert str(err) == "server said 503 (url=http://x/oai, paper=1706.03762)"


def test_every_verb_has_help_with_an_example() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0, result.output

    ctx = click.Context(main)

    def walk(group, prefix):  # through list_commands/get_command: the CLI loads its commands on demand
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            yield prefix + [name], cmd
            if isinstance(cmd, click.Group):
                yield from walk(cmd, prefix + [name])

    verbs = list(walk(main, []))
    assert verbs, "the CLI has no verbs"
    for path, _cmd in verbs:
        out = runner.invoke(main, path + ["--help"])
        assert out.exit_code == 0, (path, out.output)
        assert "Example" in out.output, f"flopsdb {' '.join(path)} --help shows no example"


def test_cli_turns_errors_into_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "missing.toml"), "status"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("flopsdb: error: configuration file not found")


def test_every_error_survives_pickling_with_its_context() -> None:
    """Errors cross process boundaries (the guarded extraction workers): each class of the tree comes back the same
    class with the same message and context, required keyword arguments (``OAIError.code``) included."""
    import inspect
    import pickle

    import flopsdb.core.errors as errors

    classes = [c for c in vars(errors).values() if inspect.isclass(c) and issubclass(c, errors.FlopsdbError)]
    assert len(classes) >= 20
    for cls in classes:
        params = inspect.signature(cls).parameters
        extra = {n: f"{n}-value" for n, p in params.items() if p.kind is p.KEYWORD_ONLY and p.default is p.empty}
        err = cls("it broke", url="http://127.0.0.1:9/x", **extra) if "url" in params else cls("it broke", **extra)
        err.paper = "1706.03762v5"
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is cls and str(back) == str(err) and vars(back) == vars(err), cls.__name__
        assert back.exit_code == err.exit_code and back.args == err.args
