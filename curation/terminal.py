"""The terminal reviewer: one annotator, the same keys and the same events as the web page.

:func:`review_records_terminal` reviews a model record at a time (the web page's record screen);
:func:`review_terminal` an item at a time. Both read single keys from ``read_key`` and edited values from ``ask`` (the CLI
passes a ``curation.keys.KeyReader`` and ``click.prompt``; tests pass scripted readers) and draws with rich.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from flopsdb.core.errors import CurationError, LeaseError
from flopsdb.core.kinds import KIND_FIELDS, Action
from flopsdb.curation.model import Event, Item, coerce_fields, make_after, new_event_id
from flopsdb.curation.records import (
    BASELINES,
    UNLINKED,
    RecordUnit,
    fact_rows,
    fact_verdict,
    find_unit,
    move_target,
    record_accept_verdicts,
    unit_json,
)
from flopsdb.curation.store import ReviewStore

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


def review_terminal(
    store: ReviewStore,
    annotator: str,
    *,
    read_key: Callable[[], str],
    ask: Callable[[str, str], str],
    console: Console | None = None,
    limit: int | None = None,
    paper: str | None = None,
    kind: str | None = None,
) -> dict[str, int]:
    """Review the queue as ``annotator`` (only ``paper``'s and ``kind``'s items when given) until it is empty,
    ``q`` is pressed or ``limit`` verdicts are saved. Returns counts per action. Leases still held at the end
    are released."""
    console = console or Console()
    done: dict[str, int] = {}
    item: Item | None = None
    try:
        while limit is None or sum(v for k, v in done.items() if k != Action.UNDO) < limit:
            if item is None:
                got = store.lease_next(annotator, n=1, paper=paper, kind=kind)
                if not got:
                    console.print("The queue is empty.")
                    break
                item = got[0]
            _show(console, item, store.queue_counts())
            shown = time.monotonic()
            key = read_key()
            dwell_ms = int((time.monotonic() - shown) * 1000)
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
                store.record(
                    Event(
                        new_event_id(), item.candidate_id, annotator, action, after=after, dwell_ms=dwell_ms, extractor=c.extractor, source="terminal"
                    )
                )
            except LeaseError as exc:
                console.print(f"[red]not saved:[/red] {exc}")
            else:
                done[action] = done.get(action, 0) + 1
            item = None
    finally:
        store.release(annotator)
    return done


RECORD_KEYS_HELP = (
    "a accept the record · j/k choose a fact · y accept it · e fix a field · m move to another model"
    " · n not the paper's · x reject · o other records · u undo · q quit"
)


def _fact_line(f: Mapping[str, Any]) -> str:
    v = f["current_fields"]
    if f["kind"] == "result":
        text = " ".join(str(x) for x in (v.get("dataset"), v.get("split"), v.get("metric"), v.get("value")) if x is not None)
        return text + (" (not own)" if v.get("own") is False else "")
    if f["kind"] == "hardware":
        return f"{v.get('count')} × {v.get('accelerator')}" + (f" ({v['unit']})" if v.get("unit") else "")
    if f["kind"] == "training_time":
        return f"{v.get('hours')} h" + (f" {v['scope']}" if v.get("scope") else "") + (" approx" if v.get("approx") else "")
    return str(v.get("value_text") or v.get("value"))


def _show_record(console: Console, data: Mapping[str, Any], focus: int, expanded: bool, counts: Mapping[str, int]) -> None:
    table = Table(show_header=True, box=None)
    for col in ("", "#", "kind", "value", "model", "state"):
        table.add_column(col)
    for n, f in enumerate(data["facts"]):
        model = {"shared": "all models", "main": "main model"}.get(f["role"], str(f["current_model"]))
        star = "★" if f["headline"] and f["kind"] == "result" else ""
        table.add_row(
            ">" if n == focus else "",
            f"{n + 1}{star}",
            f["kind"],
            Text(_fact_line(f)),
            Text(model),
            f["state"],
            style="bold" if n == focus else ("dim" if f["state"] != "open" else None),
        )
    title = Text(f"{data['paper']} · record {data['name']} ({data['section']})")
    if data.get("title"):
        title.append(f" · {data['title']}")
    console.print(Panel.fit(table, title=title))
    est = data.get("estimate") or {}
    if est:
        flops = " · ".join(f"{k} {v['flop']:.3g} FLOP" for k, v in (est.get("compute") or {}).items()) or "none"
        lacks = [m for m in est.get("missing") or [] if m != "results"]
        console.print(Text(f"compute: {flops}" + (f" — lacks {', '.join(lacks)}" if lacks else ""), style="cyan"))
    if data["facts"]:
        f = data["facts"][focus]
        snippet = Text("".join(f["snippet"]))
        if f["snippet"][1]:
            snippet.stylize("bold black on yellow", len(f["snippet"][0]), len(f["snippet"][0]) + len(f["snippet"][1]))
        console.print(Panel(snippet, title=f"evidence p{f['page']} · {f['extractor']}"))
    others = [u for u in data["units"] if u["key"] != data["key"]]
    if expanded:
        for n, u in enumerate(others[:9], 1):
            console.print(Text(f"  [{n}] {u['name']} — {u['section']}, {u['open']} open of {u['facts']}"))
    elif others:
        console.print(Text(f"o: {len(others)} other record(s) of this paper (ablations, baselines)", style="dim"))
    if data.get("why"):
        console.print(Text(f"why: {data['why']}", style="magenta"))
    console.print(Text(f"{counts.get('pending', 0)} pending · {counts.get('curated', 0)} curated   {RECORD_KEYS_HELP}", style="dim"))


def review_records_terminal(
    store: ReviewStore,
    annotator: str,
    *,
    read_key: Callable[[], str],
    ask: Callable[[str, str], str],
    console: Console | None = None,
    limit: int | None = None,
    paper: str | None = None,
    kind: str | None = None,
    estimate: Callable[[list[dict[str, Any]]], dict[str, dict[str, Any]]] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, int]:
    """Review a record at a time as ``annotator`` (the web page's record screen, the same events with
    ``source = terminal``): until no record is left, ``q`` is pressed or ``limit`` verdicts are saved. ``paper`` and
    ``kind`` filter the queue; ``estimate`` shows the record's compute (the CLI passes ``flopsdb.review.record_estimate``).
    Returns counts per action; leases still held at the end are released."""
    console = console or Console()
    done: dict[str, int] = {}
    unit: RecordUnit | None = None
    units: list[RecordUnit] = []
    why, focus, expanded = "", 0, False

    def payload() -> dict[str, Any]:
        est = {}
        if estimate is not None and unit is not None and unit.key not in (BASELINES, UNLINKED):
            est = estimate(fact_rows(unit)).get(unit.key, {})
        return unit_json(unit, units, why=why, estimate=est)  # type: ignore[arg-type]

    def saved(events: list[Event]) -> None:
        for e in events:
            done[e.action] = done.get(e.action, 0) + 1

    def refresh(key: str) -> None:
        nonlocal unit, units
        units = store.paper_units(unit.paper, annotator)  # type: ignore[union-attr]
        unit = find_unit(units, key=key) or (units[0] if units else None)

    try:
        while limit is None or sum(v for k, v in done.items() if k != "undo") < limit:
            if unit is None:
                got = store.lease_record(annotator, paper=paper, kind=kind)
                if got is None:
                    console.print("No record left to review.")
                    break
                unit, units, why = got
                focus, expanded = 0, False
            data = payload()
            if not data["facts"]:
                unit = None
                continue
            focus = min(focus, len(data["facts"]) - 1)
            _show_record(console, data, focus, expanded, store.queue_counts())
            shown = clock()
            key = read_key()
            dwell = int((clock() - shown) * 1000)
            facts = [f for f, _ in unit.facts]
            fact = facts[focus]
            try:
                if key == "q":
                    break
                if key in ("j", "k"):
                    focus = (focus + (1 if key == "j" else -1)) % len(facts)
                elif key == "o":
                    expanded = not expanded
                elif expanded and key.isdigit() and key != "0":
                    others = [u for u in units if u.key != unit.key]
                    if int(key) <= len(others):
                        got = store.lease_record(annotator, paper=unit.paper, kind=kind, key=others[int(key) - 1].key)
                        if got is not None:
                            unit, units, _ = got
                            why, focus, expanded = f"opened by you from {data['name']}", 0, False
                elif key == "a":
                    ids = [f.candidate_id for f in facts if f.state == "open" and f.leased]
                    if ids:
                        saved(store.decide_many(record_accept_verdicts(unit, ids, annotator, dwell_ms=dwell, source="terminal")))
                    unit = None
                elif key in ("y", "n", "x", "e", "m"):
                    action = {"y": "accept", "n": "not_paper", "x": "reject", "e": "fix", "m": "move"}[key]
                    fields, target = None, None
                    if key == "e":
                        cur = fact.current_fields
                        edited = {k: ask(k, "" if cur.get(k) is None else str(cur.get(k))) for k in KIND_FIELDS[fact.item.candidate.kind]}
                        fields = {k: v for k, v in edited.items() if v != ("" if cur.get(k) is None else str(cur.get(k)))}
                        if not fields:
                            console.print("nothing changed")
                            continue
                    if key == "m":
                        models = data["models"]
                        if not models:
                            console.print("this paper has no other model to move the fact to")
                            continue
                        for n, m in enumerate(models[:9], 1):
                            console.print(Text(f"  [{n}] {m['name']} ({m['section']})"))
                        console.print(Text("move to which record? 1-9, any other key cancels", style="dim"))
                        pick = read_key()
                        if not (pick.isdigit() and 1 <= int(pick) <= min(9, len(models))):
                            continue
                        target = move_target(units, fact, models[int(pick) - 1]["key"])
                    make = fact_verdict(fact, action, annotator, fields=fields, target=target, dwell_ms=dwell, source="terminal")
                    saved(store.decide_many([(fact.candidate_id, make)], mode="revise" if fact.state == "mine" else "lease"))
                    refresh(unit.key)
                elif key == "u":
                    target_event = store.undo_last(annotator)
                    if target_event is None:
                        console.print("nothing to undo")
                        continue
                    done["undo"] = done.get("undo", 0) + 1
                    refresh(unit.key)
                else:
                    console.print(f"unknown key {key!r}; {RECORD_KEYS_HELP}")
            except (LeaseError, CurationError) as exc:
                console.print(f"[red]not saved:[/red] {exc}")
                refresh(unit.key)  # type: ignore[union-attr]
    finally:
        store.release(annotator)
    return done
