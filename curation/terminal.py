"""The terminal reviewer: one annotator, the same keys and the same events as the web page.

:func:`review_terminal` reads single keys from ``read_key`` and edited values from ``ask`` (the CLI
passes a ``curation.keys.KeyReader`` and ``click.prompt``; tests pass scripted readers) and draws with rich.
"""

from __future__ import annotations

from typing import Callable

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from flopsdb.curation.model import Event, Item, coerce_fields, make_after, new_event_id
from flopsdb.curation.store import ReviewStore
from flopsdb.core.kinds import KIND_FIELDS
from flopsdb.core.errors import LeaseError
from flopsdb.core.kinds import Action

KEYS_HELP = "a accept · x reject · e edit · space unsure · u undo · 1-9 alternative · q quit"


def _show(console: Console, item: Item, counts: dict[str, int]) -> None:
    c = item.candidate
    table = Table(show_header=False, box=None)
    for k in KIND_FIELDS[c.kind]:
        table.add_row(k, Text(str(c.fields.get(k))))
    table.add_row("model", Text(str(c.model)))
    table.add_row("stage", Text(str(c.stage)))
    for n, alt in enumerate(c.alternatives[:9], 1):
        table.add_row(f"[{n}]", Text(", ".join(f"{k}={v}" for k, v in alt.items())))
    snippet = Text(c.evidence.snippet)
    data = item.to_json()["snippet"]
    if data[1]:
        snippet.stylize("bold black on yellow", len(data[0]), len(data[0]) + len(data[1]))
    title = Text(f"{c.paper} p{c.evidence.page} · {c.kind} · confidence {c.confidence:.2f}")
    if item.title:
        title.append(f" · {item.title}")
    console.print(Panel.fit(table, title=title))
    console.print(Panel(snippet, title="evidence"))
    console.print(Text(f"why: {item.why}", style="magenta"))
    console.print(Text(f"{counts.get('pending', 0)} pending · {counts.get('curated', 0)} curated   {KEYS_HELP}", style="dim"))


def review_terminal(store: ReviewStore, annotator: str, *, read_key: Callable[[], str],
                    ask: Callable[[str, str], str], console: Console | None = None, limit: int | None = None) -> dict[str, int]:
    """Review the queue as ``annotator`` until it is empty, ``q`` is pressed or ``limit`` verdicts
    are saved. Returns counts per action. Leases still held at the end are released."""
    console = console or Console()
    done: dict[str, int] = {}
    item: Item | None = None
    try:
        while limit is None or sum(v for k, v in done.items() if k != Action.UNDO) < limit:
            if item is None:
                got = store.lease_next(annotator, n=1)
                if not got:
                    console.print("The queue is empty.")
                    break
                item = got[0]
            _show(console, item, store.queue_counts())
            key = read_key()
            c = item.candidate
            action, after = None, None
            if key == "q":
                break
            if key == "a":
                action, after = Action.ACCEPT, make_after(c.fields, c.model, c.stage)
            elif key == "x":
                action = Action.REJECT
            elif key == " ":
                action = Action.UNSURE
            elif key.isdigit() and 1 <= int(key) <= min(9, len(c.alternatives)):
                action = Action.CORRECT
                after = make_after({**c.fields, **coerce_fields(c.kind, c.alternatives[int(key) - 1])}, c.model, c.stage)
            elif key == "e":
                edited = {k: ask(k, "" if c.fields.get(k) is None else str(c.fields.get(k))) for k in KIND_FIELDS[c.kind]}
                model = ask("model", c.model or "") or None
                stage = ask("stage", c.stage or "") or None
                after = make_after({**c.fields, **coerce_fields(c.kind, edited)}, model, stage)
                action = Action.ACCEPT if after == make_after(c.fields, c.model, c.stage) else Action.CORRECT
            elif key == "u":
                target = store.undo_last(annotator)
                if target is None:
                    console.print("nothing to undo")
                    continue
                store.release(annotator, [item.candidate_id])
                item = store.item(target.candidate_id, why=f"undone: your {target.action} is cancelled")
                done[Action.UNDO] = done.get(Action.UNDO, 0) + 1
                continue
            else:
                console.print(f"unknown key {key!r}; {KEYS_HELP}")
                continue
            try:
                store.record(Event(new_event_id(), item.candidate_id, annotator, action, after=after,
                                   extractor=c.extractor, source="terminal"))
            except LeaseError as exc:
                console.print(f"[red]not saved:[/red] {exc}")
            else:
                done[action] = done.get(action, 0) + 1
            item = None
    finally:
        store.release(annotator)
    return done
