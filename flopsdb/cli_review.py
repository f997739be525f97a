"""CLI verbs of the review stage: ``flopsdb review`` (terminal reviewer) and its subcommands, ``flopsdb users``."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from flopsdb.cli_common import App, echo, pass_app, print_rows, progress_bar
from flopsdb.core.errors import CurationError
from flopsdb.core.kinds import Kind
from flopsdb.curation.interchange import FORMATS

if TYPE_CHECKING:
    from flopsdb.curation.keys import KeyReader

_KINDS = tuple(k.value for k in Kind)
_PAPER_OPT = click.option("--paper", default=None, help="Only this paper's items (arXiv id or corpus id, version optional).")
_KIND_OPT = click.option("--kind", type=click.Choice(_KINDS), default=None, help="Only items of this kind.")


def _annotator(rs, user: str | None) -> str:
    name = user or getpass.getuser()
    if name not in {u.name for u in rs.users()}:
        raise CurationError(f"no user {name!r}; add one with: flopsdb users add {name} --role annotator")
    return name


def _asker(keys: KeyReader) -> Callable[[str, str], str]:
    """A prompt for an edited value that gives the terminal its normal typing mode back while it asks."""

    def ask(field: str, value: str) -> str:
        with keys.cooked():
            return str(click.prompt(field, default=value, show_default=True))

    return ask


@click.group("review", invoke_without_command=True)
@click.option("--user", "user", default=None, help="Annotator name (an existing user; default: your login name).")
@click.option("--limit", type=int, default=None, help="Stop after this many verdicts.")
@_PAPER_OPT
@_KIND_OPT
@pass_app
@click.pass_context
def review(ctx: click.Context, app: App, user: str | None, limit: int | None, paper: str | None, kind: str | None) -> None:
    """Review the queue in the terminal (one annotator), or run a subcommand.

    Keys: a accept, x reject, e edit, space unsure, u undo, 1-9 alternative, q quit.

    \b
    Example:
      flopsdb users add ada --role annotator
      flopsdb review --user ada
    """
    if ctx.invoked_subcommand is not None:
        return
    from flopsdb.curation.keys import KeyReader
    from flopsdb.curation.terminal import review_terminal
    from flopsdb.review import review_store

    rs = review_store(app.config, app.existing_store)
    name = _annotator(rs, user)
    with KeyReader() as keys:  # one key at a time, type-ahead kept, no echo (curation/keys.py)
        counts = review_terminal(rs, name, read_key=keys.read_key, ask=_asker(keys), limit=limit, paper=paper, kind=kind)
    app.say("saved: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing"))


@review.command("terminal")
@click.option("--user", "user", default=None, help="Annotator name (an existing user; default: your login name).")
@click.option("--limit", type=int, default=None, help="Stop after this many verdicts.")
@_PAPER_OPT
@_KIND_OPT
@click.option(
    "--by",
    "unit",
    type=click.Choice(["record", "item"]),
    default="record",
    show_default=True,
    help="Review a model record at a time (its results, hardware, time, parameters) or an item at a time.",
)
@pass_app
def review_terminal_cmd(app: App, user: str | None, limit: int | None, paper: str | None, kind: str | None, unit: str) -> None:
    """Review in the terminal, a model record at a time (or an item at a time with --by item).

    Record keys: a accept the record, j/k choose a fact, y accept it, e fix a field, m move it to another
    model of the paper (a list to pick from), n not the paper's, x reject, o other records (ablations,
    baselines), u undo, q quit.

    \b
    Example:
      flopsdb review terminal --user ada
      flopsdb review terminal --user ada --paper 1611.05431 --kind training_time
    """
    from flopsdb.curation.keys import KeyReader
    from flopsdb.curation.terminal import review_records_terminal, review_terminal
    from flopsdb.review import record_estimate, review_store

    rs = review_store(app.config, app.existing_store)
    name = _annotator(rs, user)
    with KeyReader() as keys:
        if unit == "item":
            counts = review_terminal(rs, name, read_key=keys.read_key, ask=_asker(keys), limit=limit, paper=paper, kind=kind)
        else:
            counts = review_records_terminal(
                rs, name, read_key=keys.read_key, ask=_asker(keys), limit=limit, paper=paper, kind=kind, estimate=record_estimate
            )
    app.say("saved: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing"))


@review.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port to listen on.")
@click.option("--secure-cookies", is_flag=True, help="Mark cookies Secure and send HSTS: use when users reach the server over HTTPS (a TLS proxy).")
@click.option("--paper", default=None, help="Serve only this paper's items and records (a page URL's ?paper= overrides it).")
@_KIND_OPT
@pass_app
def review_serve(app: App, host: str, port: int, secure_cookies: bool, paper: str | None, kind: str | None) -> None:
    """Run the review web server (sign in with a user made by `flopsdb users add`).

    The server speaks plain HTTP; anywhere but localhost put it behind a TLS proxy and pass
    --secure-cookies (docs/security.md).

    \b
    Example:
      flopsdb review serve --host 127.0.0.1 --port 8765
      flopsdb review serve --secure-cookies   # behind an HTTPS proxy
      flopsdb review serve --paper 1611.05431 --kind training_time   # review by record: /records
    """
    from flopsdb.review import serve

    app.say(f"review server on http://{host}:{port}/ (Ctrl-C to stop); review by record: http://{host}:{port}/records")
    serve(app.config, host=host, port=port, secure_cookies=secure_cookies, paper=paper, kind=kind)


@review.command("agreement")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True, help="Output format.")
@click.option("--people-only", is_flag=True, help="Leave the extractor out of the raters.")
@pass_app
def review_agreement(app: App, fmt: str, people_only: bool) -> None:
    """Print agreement per kind and field: exact, tolerance, Cohen's kappa, Krippendorff's alpha.

    \b
    Example:
      flopsdb review agreement
      flopsdb review agreement --people-only --format csv
    """
    from flopsdb.review import agreement_report, review_store

    report = agreement_report(review_store(app.config, app.existing_store), include_extractor=not people_only)
    print_rows(["kind", "field", "items", "pairs", "exact", "tolerance", "kappa", "alpha"], [fa.row() for fa in report["fields"]], fmt)
    if fmt == "table":
        print_rows(
            ["extractor", "judged", "kept", "precision"],
            [[k, v["judged"], v["kept"], round(float(v["precision"]), 3)] for k, v in report["precision"].items()],
        )


@review.command("stats")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True, help="Output format.")
@click.option("--by-annotator", is_flag=True, help="One row per paper and annotator (default: one per paper).")
@pass_app
def review_stats(app: App, fmt: str, by_annotator: bool) -> None:
    """Print annotator time per paper: verdicts, how many carry a dwell time, minutes, seconds per verdict.

    The time is the dwell the web page and the terminal record with every verdict (from showing the item or
    record to the key; a record's acceptance splits its dwell over its facts). Imported verdicts carry none.

    \b
    Example:
      flopsdb review stats
      flopsdb review stats --by-annotator --format csv
    """
    from flopsdb.review import dwell_report, review_store

    rows = dwell_report(review_store(app.config, app.existing_store), by_annotator=by_annotator)
    head = ["paper"] + (["annotator"] if by_annotator else ["annotators"]) + ["verdicts", "timed", "minutes", "median s", "p90 s"]
    print_rows(
        head,
        [
            [r["paper"], r["annotator"] if by_annotator else r["annotators"], r["verdicts"], r["timed"], r["minutes"], r["median_s"], r["p90_s"]]
            for r in rows
        ],
        fmt,
    )
    if fmt == "table" and rows:
        timed = [r for r in rows if r["timed"]]
        total = sum(float(r["minutes"]) for r in rows)
        echo(
            f"{len(rows)} row(s); {total:.1f} annotator minutes over {len(timed)} with timed verdicts"
            + (f", {total / len(timed):.1f} min per paper" if timed and not by_annotator else ""),
            err=True,
        )


def _ls_users(_: click.Context, __: click.Parameter, values: tuple[str, ...]) -> dict[str, int]:
    """``NAME=ID`` pairs: flopsdb annotator -> Label Studio user id."""
    out = {}
    for value in values:
        name, _sep, uid = value.partition("=")
        if not name or not uid.strip().isdigit():
            raise click.BadParameter(f"{value!r} is not NAME=ID (a Label Studio user id, a number)")
        out[name] = int(uid)
    return out


_LS_USER = click.option(
    "--ls-user", "users", multiple=True, callback=_ls_users, metavar="NAME=ID", help="Label Studio: the user id of annotator NAME (repeatable)."
)


@review.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Interchange format.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder (annotations) or file (labelstudio .json, prodigy .jsonl).")
@_LS_USER
@pass_app
def review_export(app: App, fmt: str, out: Path, users: dict[str, int]) -> None:
    """Export candidates with their verdicts in force.

    \b
    Example:
      flopsdb review export --format labelstudio --out review.json --ls-user ada=1
      flopsdb review export --format annotations --out exported/
    """
    from flopsdb.review import export_records, review_store

    paths = export_records(review_store(app.config, app.existing_store), fmt, out, users=users)
    app.say(f"wrote {len(paths)} file(s): {', '.join(str(p) for p in paths[:5])}{' ...' if len(paths) > 5 else ''}")


@review.command("import")
@click.argument("src", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Interchange format.")
@click.option(
    "--pdf-dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder of <paper>.pdf, to find the boxes of plain gold quotes."
)
@click.option("--as-candidates", is_flag=True, help="Import the facts as candidates to review, without verdicts.")
@click.option("--annotator", default="gold", show_default=True, help="Who confirmed plain gold lines.")
@_LS_USER
@click.option("--dry-run", is_flag=True, help="Read the file and say what would be added; write nothing.")
@pass_app
def review_import(
    app: App, src: Path, fmt: str, pdf_dir: Path | None, as_candidates: bool, annotator: str, users: dict[str, int], dry_run: bool
) -> None:
    """Import candidates and verdicts (re-importing the same file adds nothing).

    Label Studio tasks that cannot be read are named one by one on stderr; the others are imported.

    \b
    Example:
      flopsdb review import annotations/gold --format annotations --pdf-dir ../shared/corpus/pdfs --as-candidates
      flopsdb review import ls-export.json --format labelstudio --ls-user ada=1
    """
    from flopsdb.review import ImportReview
    from flopsdb.steps import run_recorded

    with progress_bar(app, "review import", unit="records") as bar:
        step = ImportReview(
            app.config, fmt, src, pdf_dir=pdf_dir, annotator=annotator, with_verdicts=not as_candidates, users=users, progress=bar.update
        )
        if dry_run:
            with app.store.dry_run() as con:
                counts = step.plan(con).counts
        else:
            counts = run_recorded(app.store, step.name, step)[1].counts
    problems = step.problems
    for problem in problems:
        echo(f"skipped {problem}", err=True)
    app.say(", ".join(f"{k} {v}" for k, v in {**counts, "skipped": len(problems)}.items()))


@click.group("users")
def users() -> None:
    """Local accounts for the review server.

    \b
    Example:
      flopsdb users add ada --role annotator
      flopsdb users list
    """


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["annotator", "reviewer", "admin"]), required=True, help="The user's role.")
@click.option("--password", default=None, help="Password (prompted, hidden, when omitted; env FLOPSDB_PASSWORD).", envvar="FLOPSDB_PASSWORD")
@pass_app
def users_add(app: App, name: str, role: str, password: str | None) -> None:
    """Add a user, or change an existing user's role and password.

    \b
    Example:
      flopsdb users add ada --role reviewer
    """
    from flopsdb.review import review_store

    if password is None:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    user = review_store(app.config, app.store).add_user(name, role, password)
    app.say(f"user {user.name} ({user.role}) saved")


@users.command("list")
@pass_app
def users_list(app: App) -> None:
    """List users and roles.

    \b
    Example:
      flopsdb users list
    """
    from flopsdb.review import review_store

    print_rows(["name", "role"], [[u.name, u.role] for u in review_store(app.config, app.existing_store).users()])


COMMANDS: list[click.Command] = [review, users]
