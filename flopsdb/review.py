"""Wiring of the review stage: the DuckDB-backed store, the web app, import/export and agreement."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from flopsdb.core.config import Config
from flopsdb.curation.agreement import FieldAgreement, agreement, extractor_precision
from flopsdb.curation.interchange import ReviewRecord, collect_records, read_import, write_export
from flopsdb.curation.queue import QueuePolicy
from flopsdb.curation.web import WebSettings, create_app
from flopsdb.db.curation import DbReviewStore, known_ids
from flopsdb.db.store import Connection, Store
from flopsdb.steps import StepReport


def review_store(config: Config, store: Store | None = None) -> DbReviewStore:
    """The review store over the live database, with the configured lease time and samples."""
    policy = QueuePolicy(audit_share=config.audit_share, overlap_share=config.overlap_share, overlap_k=config.overlap_k)
    return DbReviewStore(store or Store(config.db_path), policy=policy, lease_minutes=config.lease_minutes)


def record_estimate(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The compute estimate of record units from their facts (``curation.records.fact_rows``), by model key:
    ``compute`` per convention (``flop``, ``method``, ``assumptions``) and what the record lacks (``missing``), as
    ``scaling.records`` builds them for ``flopsdb records``."""
    from flopsdb.core.catalog import load_catalog
    from flopsdb.scaling.records import build_records

    global _CATALOG
    if _CATALOG is None:
        _CATALOG = load_catalog()
    return {r.model_key: {"compute": r.compute, "missing": r.missing} for r in build_records(rows, {}, catalog=_CATALOG)}


_CATALOG: Any = None


def build_app(
    config: Config,
    store: Store | None = None,
    *,
    prefetch: int = 5,
    secure_cookies: bool = False,
    paper: str | None = None,
    kind: str | None = None,
    hold: bool = True,
):
    """The FastAPI review app over the live database (crops cached under ``<home>/crops``); with
    ``secure_cookies`` (behind TLS) cookies carry the Secure flag and responses send HSTS. The record screen's
    compute estimate comes from :func:`record_estimate`; ``paper``/``kind`` are the queue's default filter.

    With ``hold`` (the default), the running server holds the live file (``db.store.Store.hold``):
    one connection for its life, each request a cursor on it, handed over within a poll interval to
    any other process that needs the file (the nightly, ``flopsdb sql --live``, ``publish``) and
    taken back after; the file is let go when the server stops (see docs/architecture.md)."""
    settings = WebSettings(crop_dir=config.home / "crops", prefetch=prefetch, secure_cookies=secure_cookies, paper=paper, kind=kind)
    rs = review_store(config, store)
    app = create_app(rs, settings, estimate=record_estimate)
    if hold:
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(a: Any) -> AsyncIterator[Any]:
            holder = rs.store.hold()
            try:
                async with inner(a) as state:
                    yield state
            finally:
                holder.close()

        app.router.lifespan_context = lifespan
    return app


def serve(
    config: Config, *, host: str = "127.0.0.1", port: int = 8765, secure_cookies: bool = False, paper: str | None = None, kind: str | None = None
) -> None:
    """Run the review server with uvicorn until interrupted (``paper``/``kind``: the default filter of the queue and
    the record screen). ``X-Forwarded-For`` is believed (from the loopback proxy only) with ``secure_cookies`` alone,
    so the sign-in throttle counts each client's real address."""
    import uvicorn

    store = review_store(config).store
    store.migrate()
    try:
        # X-Forwarded-For names the client only behind the TLS proxy that --secure-cookies stands for: otherwise any
        # local client could send a new address with every sign-in and never meet the per-address throttle.
        app = build_app(config, store, secure_cookies=secure_cookies, paper=paper, kind=kind)
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=secure_cookies)
    finally:
        # A forced stop (a second Ctrl-C) skips the app's shutdown: let the file go here all the same, after the
        # units of work in flight, so every verdict that was confirmed is in the file and no WAL is left behind.
        holder = store.holder()
        if holder is not None:
            holder.close()


def dwell_report(rs: DbReviewStore, *, by_annotator: bool = False) -> list[dict[str, Any]]:
    """Annotator time per paper (or per paper and annotator): verdicts, timed verdicts, minutes, median and 90th
    percentile seconds per verdict (medians over the annotators' rows when summed per paper)."""
    rows = rs.dwell_by_paper()
    if by_annotator:
        return rows
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        p = out.setdefault(r["paper"], {"paper": r["paper"], "annotators": 0, "verdicts": 0, "timed": 0, "minutes": 0.0, "_median": [], "_p90": []})
        p["annotators"] += 1
        p["verdicts"] += r["verdicts"]
        p["timed"] += r["timed"]
        p["minutes"] = round(p["minutes"] + float(r["minutes"] or 0), 2)
        if r["median_s"] is not None:
            p["_median"].append(float(r["median_s"]))
            p["_p90"].append(float(r["p90_s"]))
    for p in out.values():
        med, p90 = sorted(p.pop("_median")), sorted(p.pop("_p90"))
        p["median_s"] = med[len(med) // 2] if med else None
        p["p90_s"] = p90[-1] if p90 else None
    return list(out.values())


def import_records(
    rs: DbReviewStore,
    records: list[ReviewRecord],
    *,
    command: str = "review import",
    progress: Callable[[int, int], None] | None = None,
    batch: int = 200,
    run_id: str | None = None,
) -> dict[str, int]:
    """Store imported candidates, then their events (idempotent: known event ids are skipped), in one
    transaction per paper (a paper with more than ``batch`` records is split into batches of ``batch``);
    ``progress(done, total)`` counts records as their events are stored; the candidates are stored under
    ``run_id`` (an enclosing run's), or under a run of their own."""
    new = rs.add_candidates(((r.candidate, r.pdf_path) for r in records), command=command, run_id=run_id)
    known = {e.event_id for e in rs.events()}
    events = 0
    groups: list[list[ReviewRecord]] = []
    for r in records:
        if groups and groups[-1][0].candidate.paper == r.candidate.paper and len(groups[-1]) < max(1, batch):
            groups[-1].append(r)
        else:
            groups.append([r])
    done = 0
    for group in groups:
        todo = [e for r in group for e in r.events if e.event_id not in known]
        rs.record_many(todo, require_lease=False)
        known.update(e.event_id for e in todo)
        events += len(todo)
        done += len(group)
        if progress is not None:
            progress(done, len(records))
    return {"records": len(records), "new_candidates": new, "new_events": events}


def export_records(rs: DbReviewStore, fmt: str, out: str | Path, *, users: Mapping[str, int] | None = None) -> list[Path]:
    """Write every candidate with its verdicts in force in ``fmt`` (see ``curation.interchange``; ``users``:
    Label Studio user ids by annotator)."""
    return write_export(collect_records(rs.candidates(), rs.events()), fmt, out, users=users)


def agreement_report(rs: DbReviewStore, *, include_extractor: bool = True) -> dict[str, Any]:
    """Agreement per kind and field, and extractor precision, from the stored verdicts."""
    ratings = rs.ratings()
    rows: list[FieldAgreement] = agreement(ratings, include_extractor=include_extractor)
    return {"fields": rows, "precision": extractor_precision(ratings)}


@dataclass
class ImportReview:
    """Candidates and verdicts from a file into the live database (``flopsdb review import``): ``plan`` reads the
    file and says what ``run`` would add (records, new candidates, new events), without writing; ``run`` adds them
    (see :func:`import_records`). Label Studio tasks that cannot be read go to ``problems``."""

    config: Config
    fmt: str
    src: str | Path
    pdf_dir: str | Path | None = None
    annotator: str = "gold"
    with_verdicts: bool = True
    users: Mapping[str, int] | None = None
    progress: Callable[[int, int], None] | None = None
    problems: list[str] = field(default_factory=list)
    name: ClassVar[str] = "review import"
    _records: list[ReviewRecord] | None = field(default=None, init=False, repr=False)

    def records(self) -> list[ReviewRecord]:
        """The file's records (read once)."""
        if self._records is None:
            self._records = read_import(
                self.fmt,
                self.src,
                pdf_dir=self.pdf_dir,
                annotator=self.annotator,
                with_verdicts=self.with_verdicts,
                users=self.users,
                problems=self.problems,
            )
        return self._records

    def plan(self, con: Connection) -> StepReport:
        records = self.records()
        cids = [r.candidate.candidate_id for r in records]
        eids = [e.event_id for r in records for e in r.events]
        known_c, known_e = known_ids(con, cids, eids)
        counts = {"records": len(records), "new_candidates": len(set(cids) - known_c), "new_events": len(set(eids) - known_e)}
        return StepReport(self.name, counts=counts, skipped="dry run")

    def run(self, run_id: str) -> StepReport:
        counts = import_records(review_store(self.config), self.records(), progress=self.progress, run_id=run_id)
        return StepReport(self.name, counts=counts)
