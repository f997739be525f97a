"""What the CLI prints from data is text: never rich markup, never a terminal escape sequence."""

from __future__ import annotations

import json

from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.core.text import printable

QUERY = "SELECT 'a [/b] c' AS x, '[red]x[/red]' AS y, chr(27) || '[31mred' || chr(7) AS z, '[bold]' AS \"[/h]\""


def test_sql_table_prints_data_as_text(store) -> None:
    res = CliRunner().invoke(main, ["sql", "--live", QUERY])
    assert res.exit_code == 0, res.output
    assert "a [/b] c" in res.output and "[red]x[/red]" in res.output and "[/h]" in res.output
    assert "\x1b" not in res.output and "\x07" not in res.output and "red" in res.output


def test_sql_csv_strips_control_characters_and_json_escapes_them(store) -> None:
    csv_out = CliRunner().invoke(main, ["sql", "--live", QUERY, "--format", "csv"]).output
    assert csv_out.splitlines()[1] == "a [/b] c,[red]x[/red],red,[bold]"
    doc = json.loads(CliRunner().invoke(main, ["sql", "--live", QUERY, "--format", "json"]).output)
    assert doc[0]["z"] == "\x1b[31mred\x07"


def test_users_list_prints_markup_names_as_text(store) -> None:
    runner = CliRunner()
    for name in ("[/x]", "[red]eve[/red]"):
        res = runner.invoke(main, ["users", "add", name, "--role", "annotator", "--password", "correct horse battery"])
        assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["users", "list"])
    assert res.exit_code == 0, res.output
    assert "[/x]" in res.output and "[red]eve[/red]" in res.output


def test_status_strips_escape_sequences(store) -> None:
    from flopsdb.db.runs import start_run

    with store.transaction() as con:
        start_run(con, "crawl \x1b]0;owned\x07arxiv \x1b[2J")
    res = CliRunner().invoke(main, ["status"])
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "crawl arxiv" in res.output


def test_printable() -> None:
    assert printable("x\u202eevil\x9b\udcff\r\n", one_line=True) == "xevil\ufffd "
    assert printable(None) == ""
