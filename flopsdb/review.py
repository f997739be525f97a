"""Wiring of the review stage: the DuckDB-backed store, the web app, import/export and agreement."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Mapping

from flopsdb.curation.agreement import FieldAgreement, agreement, extractor_precision
from flopsdb.curation.interchange import ReviewRecord, collect_records, read_import, write_export
from flopsdb.curation.queue import QueuePolicy
from flopsdb.curation.web import WebSettings, create_app
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.core.config import Config


def review_store(config: Config, store: Store | None = None) -> DbReviewStore:
    """The review store over the live database, with the configured lease time and samples."""
    policy = QueuePolicy(audit_share=config.audit_share, overlap_share=config.overlap_share, overlap_k=config.overlap_k)
    return DbReviewStore(store or Store(config.db_path), policy=policy, lease_minutes=config.lease_minutes)


def build_app(config: Config, store: Store | None = None, *, prefetch: int = 5, secure_cookies: bool = False,
              hold: bool = True):
    """The FastAPI review app over the live database (crops cached under ``<home>/crops``); with
    ``secure_cookies`` (behind TLS) cookies carry the Secure flag and responses send HSTS.

    With ``hold`` (the default), the running server holds the live file (``db.store.Store.hold``):
    one connection for its life, each request a cursor on it, handed over within a poll interval to
    any other process that needs the file (the nightly, ``flopsdb sql --live``, ``publish``) and
    taken back after; the file is let go when the server stops (see docs/architecture.md)."""
    settings = WebSettings(crop_dir=config.home / "crops", prefetch=prefetch, secure_cookies=secure_cookies)
    rs = review_store(config, store)
    app = create_app(rs, settings)
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


def serve(config: Config, *, host: str = "127.0.0.1", port: int = 8765, secure_cookies: bool = False) -> None:
    """Run the review server with uvicorn until interrupted."""
    import uvicorn

    review_store(config).store.migrate()
    uvicorn.run(build_app(config, secure_cookies=secure_cookies), host=host, port=port, log_level="warning")


def import_records(rs: DbReviewStore, records: list[ReviewRecord], *, command: str = "review import",
                   progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Store imported candidates, then their events (idempotent: known event ids are skipped);
    ``progress(done, total)`` counts records as their events are stored."""
    new = rs.add_candidates(((r.candidate, r.pdf_path) for r in records), command=command)
    known = {e.event_id for e in rs.events()}
    events = 0
    for done, r in enumerate(records, 1):
        for e in r.events:
            if e.event_id not in known:
                rs.record(e, require_lease=False)
                events += 1
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


def import_file(config: Config, fmt: str, src: str | Path, *, pdf_dir: str | Path | None = None,
                annotator: str = "gold", with_verdicts: bool = True, users: Mapping[str, int] | None = None,
                problems: list[str] | None = None, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Read ``src`` in ``fmt`` and import it into the live database (Label Studio tasks that cannot be read
    go to ``problems``, the others are imported; ``progress`` as in :func:`import_records`)."""
    records = read_import(fmt, src, pdf_dir=pdf_dir, annotator=annotator, with_verdicts=with_verdicts,
                          users=users, problems=problems)
    return import_records(review_store(config), records, progress=progress)
