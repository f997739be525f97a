"""The SQL side of the review stage: :class:`DbReviewStore` implements ``curation.store.ReviewStore``.

Every method is one short unit of work on :class:`db.store.Store` (open, transaction, close), so the
review server never holds the DuckDB file between requests and the nightly job can write in
between. Leases and verdicts run inside one transaction each, under a process-wide lock per file,
and the lease insert is conditional on the item still being open.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from functools import lru_cache
from typing import Any

from flopsdb.core.errors import CurationError, LeaseError, PermissionDenied
from flopsdb.core.ids import unversioned
from flopsdb.core.kinds import DECISIVE_ACTIONS, KEEP_ACTIONS, VERDICT_ACTIONS, Action, ReviewMode
from flopsdb.curation.model import (
    Disagreement,
    Event,
    Item,
    Rating,
    Session,
    User,
    make_after,
    new_event_id,
    role_allows,
    utcnow,
)
from flopsdb.curation.queue import QueuePolicy, QueueRow, plan_queue, required_raters
from flopsdb.curation.records import RecordFact, RecordUnit, find_unit, record_units
from flopsdb.db import users as _users
from flopsdb.db.candidates import candidate_from_row, store_candidates
from flopsdb.db.runs import recording
from flopsdb.db.store import Connection, Store
from flopsdb.extract.candidate import Candidate

_LOCKS: dict[str, threading.RLock] = defaultdict(threading.RLock)


class _VerdictGate:
    """Verdicts first: a prefetch (lease planning, item building, counts) waits, between its steps, while
    verdicts of this process are in flight, so that on a busy server a verdict never queues behind the
    next items' preparation (issue 12). The wait is bounded, so a prefetch is never starved."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._verdicts = 0

    @contextmanager
    def verdict(self) -> Iterator[None]:
        with self._cond:
            self._verdicts += 1
        try:
            yield
        finally:
            with self._cond:
                self._verdicts -= 1
                self._cond.notify_all()

    def wait(self, timeout: float = 1.0) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._verdicts == 0, timeout)


_GATES: dict[str, _VerdictGate] = defaultdict(_VerdictGate)

_EVENT_COLS = "event_id, candidate_id, annotator, action, after, before, undoes, revises, dwell_ms, extractor, source, created_at"

MODES: tuple[ReviewMode, ...] = tuple(ReviewMode)

_QUEUE_SQL = """
SELECT c.candidate_id, c.paper, c.kind, c.confidence,
       coalesce(o.n_decided, 0) AS decided,
       coalesce(lo.n, 0) AS leased_by_others,
       me.candidate_id IS NOT NULL AS seen_by_me,
       ml.candidate_id IS NOT NULL AS leased_by_me,
       (a.candidate_id IS NOT NULL OR coalesce(o.n_versions, 0) > 1) AS closed,
       ml.leased_at
FROM candidates c
LEFT JOIN review_outcomes o ON o.candidate_id = c.candidate_id
LEFT JOIN (SELECT candidate_id, count(*) AS n FROM review_leases WHERE annotator <> $me AND expires_at > $now
           GROUP BY candidate_id) lo ON lo.candidate_id = c.candidate_id
LEFT JOIN (SELECT DISTINCT candidate_id FROM review_latest WHERE annotator = $me) me ON me.candidate_id = c.candidate_id
LEFT JOIN (SELECT candidate_id, leased_at FROM review_leases WHERE annotator = $me AND expires_at > $now) ml
       ON ml.candidate_id = c.candidate_id
LEFT JOIN adjudications a ON a.candidate_id = c.candidate_id
WHERE c.candidate_id NOT IN (SELECT candidate_id FROM withdrawn_candidates)
"""


def _rows(con: Connection, sql: str, params: Any = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _event(row: dict[str, Any]) -> Event:
    def text(v: Any) -> str | None:
        return v if v is None or isinstance(v, str) else json.dumps(v, sort_keys=True)

    return Event(
        event_id=row["event_id"],
        candidate_id=row["candidate_id"],
        annotator=row["annotator"],
        action=row["action"],
        after=text(row["after"]),
        before=text(row["before"]),
        undoes=row["undoes"],
        revises=row["revises"],
        dwell_ms=row["dwell_ms"],
        extractor=row["extractor"],
        source=row["source"],
        created_at=row["created_at"],
    )


@lru_cache(maxsize=65536)
def _summary_of(fields_json: str | None) -> str:
    """The one-line summary of a candidate's fields (JSON text; cached: candidates never change)."""
    return _summary_fields(json.loads(fields_json) if fields_json else {})


def _summary_fields(f: dict[str, Any]) -> str:
    parts = [str(f.get(k)) for k in ("accelerator", "count", "hours", "dataset", "metric", "value") if f.get(k) is not None]
    return " ".join(parts)[:80]


# --- review by record (curation.records): the facts of one paper, leased a record at a time -------------------

_LEASE_SQL = """
INSERT INTO review_leases (candidate_id, annotator, leased_at, expires_at)
SELECT w.cid, $me, $now + to_microseconds(w.k), $exp
FROM (SELECT unnest($ids) AS cid, unnest($needs) AS need, unnest($ks) AS k) w
LEFT JOIN (SELECT candidate_id, count(*) AS n FROM review_leases WHERE annotator <> $me
           GROUP BY candidate_id) lo ON lo.candidate_id = w.cid
LEFT JOIN (SELECT candidate_id, count(*) AS n FROM review_latest WHERE outcome IS NOT NULL
             AND candidate_id IN (SELECT unnest($ids)) GROUP BY candidate_id) d ON d.candidate_id = w.cid
WHERE coalesce(lo.n, 0) + coalesce(d.n, 0) < w.need
ON CONFLICT (candidate_id, annotator) DO UPDATE SET expires_at = excluded.expires_at
RETURNING candidate_id
"""


def _same_paper(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and unversioned(a) == unversioned(b)


class RecordReviewMixin:
    """Review-by-record reads and writes of :class:`DbReviewStore` (kept apart so the per-item path stays as it is)."""

    def filtered_plan(self, con: Connection, annotator: str, *, paper: str | None = None, kind: str | None = None) -> list[tuple[Any, QueueRow]]:
        """The annotator's queue (entries with their rows), only the items of ``paper`` (any version) and ``kind``."""
        sql, params = _QUEUE_SQL, {"me": annotator, "now": utcnow()}
        if paper is not None:
            sql += " AND c.paper_id = $paper"
            params["paper"] = unversioned(paper)
        if kind is not None:
            sql += " AND c.kind = $kind"
            params["kind"] = kind
        rows = [QueueRow(**r) for r in _rows(con, sql, params)]
        by_id = {r.candidate_id: r for r in rows}
        return [(e, by_id[e.candidate_id]) for e in plan_queue(rows, self.policy)]  # type: ignore[attr-defined]

    def lease_candidates(self, con: Connection, annotator: str, ids: Sequence[str]) -> set[str]:
        """Lease ``ids`` to ``annotator`` where they still need raters (one conditional insert); the ids leased."""
        if not ids:
            return set()
        now = utcnow()
        return {
            r[0]
            for r in con.execute(
                _LEASE_SQL,
                {
                    "ids": list(ids),
                    "needs": [required_raters(c, self.policy) for c in ids],  # type: ignore[attr-defined]
                    "ks": list(range(len(ids))),
                    "me": annotator,
                    "now": now,
                    "exp": now + timedelta(minutes=self.lease_minutes),  # type: ignore[attr-defined]
                },
            ).fetchall()
        }

    def paper_record_facts(self, con: Connection, paper: str, annotator: str, open_ids: set[str]) -> list[RecordFact]:
        """Every candidate of ``paper`` (withdrawn ones left out) as a ``curation.records.RecordFact``: its current
        version (my kept one, else the curated one) and its state for ``annotator`` (``open_ids``: the plan's)."""
        rows = _rows(
            con,
            """
            SELECT c.*, p.title AS paper_title,
                   CAST(me.after AS VARCHAR) AS my_after, me.outcome AS my_outcome,
                   CAST(cf.fields AS VARCHAR) AS kept_fields, cf.model AS kept_model, cf.fact_id IS NOT NULL AS curated,
                   coalesce(o.n_decided, 0) AS n_decided, ml.candidate_id IS NOT NULL AS leased_by_me
            FROM candidates c
            LEFT JOIN papers p ON p.arxiv_id = c.paper_id
            LEFT JOIN review_latest me ON me.candidate_id = c.candidate_id AND me.annotator = $me AND me.outcome IS NOT NULL
            LEFT JOIN curated_facts cf ON cf.candidate_id = c.candidate_id
            LEFT JOIN review_outcomes o ON o.candidate_id = c.candidate_id
            LEFT JOIN review_leases ml ON ml.candidate_id = c.candidate_id AND ml.annotator = $me AND ml.expires_at > $now
            WHERE c.paper_id = $paper
              AND c.candidate_id NOT IN (SELECT candidate_id FROM withdrawn_candidates)
            ORDER BY c.page, c.top, c.candidate_id""",
            {"me": annotator, "paper": unversioned(paper), "now": utcnow()},
        )
        out = []
        for r in rows:
            item = Item(r["candidate_id"], candidate_from_row(r), "", r.get("paper_title"), r.get("pdf_path"))
            model, fields, state = None, None, "held"
            if r["my_outcome"] == "keep":
                kept = json.loads(r["my_after"])
                model, fields, state = kept.get("model"), kept.get("fields") or {}, "mine"
            elif r["my_outcome"] == "reject":
                state = "rejected"
            elif r["curated"]:
                model, fields, state = r["kept_model"], json.loads(r["kept_fields"] or "{}"), "done"
            elif r["leased_by_me"] or r["candidate_id"] in open_ids:
                state = "open"
            elif r["n_decided"]:
                state = "rejected"
            out.append(RecordFact(item, state, model, fields, bool(r["leased_by_me"])))
        return out

    def lease_record(
        self, annotator: str, *, paper: str | None = None, kind: str | None = None, key: str | None = None
    ) -> tuple[RecordUnit, list[RecordUnit], str] | None:
        """The next record unit for ``annotator`` (one the annotator holds leases in first, then the paper of the
        first item in queue order, its records in screen order: headline, ablation, baselines, unlinked), or the
        unit ``key`` of ``paper``; its open facts (of ``kind``) are leased in the
        same transaction. Returns ``(unit, the paper's units, why)`` or None when nothing is left."""
        with self._tx() as con:  # type: ignore[attr-defined]
            con.execute("DELETE FROM review_leases WHERE expires_at <= ?", [utcnow()])
            plan = self.filtered_plan(con, annotator, paper=paper, kind=kind)
            held = next(((e, r) for e, r in plan if r.leased_by_me), None)
            first = held or (plan[0] if plan else None)
            if key is None and first is None:
                return None
            target = paper if key is not None and paper else first[1].paper  # type: ignore[index]
            open_ids = {e.candidate_id for e, r in plan if _same_paper(r.paper, target)}
            facts = self.paper_record_facts(con, target, annotator, open_ids)
            units = record_units(target, facts)
            unit = find_unit(units, key=key, kind=kind, held=key is None and held is not None)
            if unit is None:
                raise CurationError(f"paper {target!r} has no record {key!r}", paper=target)
            want = [cid for cid in dict.fromkeys(unit.open_ids(kind))]
            got = self.lease_candidates(con, annotator, want)
            if want:
                facts = self.paper_record_facts(con, target, annotator, open_ids - (set(want) - got))
                units = record_units(target, facts)
                unit = find_unit(units, key=unit.key)
                if unit is None:
                    raise CurationError(f"paper {target!r} has no record {key!r}", paper=target)
            if key is not None or first is None:
                why = f"record {unit.name} of {target}, opened by you"
            elif held is not None:
                why = f"you hold leases on this record (kept across reloads); {target}'s records in screen order"
            else:
                why = f"{target} is next in the queue ({first[0].why}); its records in screen order: headline first"
            return unit, units, why

    def paper_units(self, paper: str, annotator: str) -> list[RecordUnit]:
        """The record units of ``paper`` as ``annotator`` sees them now (no leases taken)."""
        with self._con() as con:  # type: ignore[attr-defined]
            plan = self.filtered_plan(con, annotator, paper=paper)
            facts = self.paper_record_facts(con, paper, annotator, {e.candidate_id for e, _ in plan})
        return record_units(paper, facts)

    def decide_many(self, decisions: Sequence[tuple[str, Callable[[Candidate], Event]]], *, mode: str = "lease") -> list[Event]:
        """Record one verdict per ``(candidate_id, make_event)`` in one transaction, each checked as in
        :meth:`DbReviewStore.record` (the poster's live lease under ``mode="lease"``): all are stored or none."""
        out = []
        with self._gate.verdict(), self._tx() as con:  # type: ignore[attr-defined]
            for cid, make_event in decisions:
                rows = _rows(con, "SELECT * FROM candidates WHERE candidate_id = ?", [cid])
                if not rows:
                    raise CurationError(f"unknown candidate {cid!r}")
                cand = candidate_from_row(rows[0])
                out.append(self._record(con, make_event(cand), require_lease=True, candidate=cand, mode=mode))  # type: ignore[attr-defined]
        return out

    def dwell_by_paper(self) -> list[dict[str, Any]]:
        """Annotator time per paper and annotator from the verdicts in force (``dwell_ms``; imports carry none):
        verdicts, verdicts with a dwell, total minutes, median and 90th percentile seconds per verdict."""
        with self._con() as con:  # type: ignore[attr-defined]
            return _rows(
                con,
                """
                SELECT c.paper, e.annotator, count(*) AS verdicts, count(e.dwell_ms) AS timed,
                       round(coalesce(sum(e.dwell_ms), 0) / 60000.0, 2) AS minutes,
                       round(median(e.dwell_ms) / 1000.0, 2) AS median_s,
                       round(quantile_cont(e.dwell_ms, 0.9) / 1000.0, 2) AS p90_s,
                       min(e.created_at) AS first_at, max(e.created_at) AS last_at
                FROM review_effective e JOIN candidates c ON c.candidate_id = e.candidate_id
                WHERE e.action IN ('accept', 'correct', 'reject', 'unsure', 'adjudicate')
                GROUP BY 1, 2 ORDER BY 1, 2""",
            )


class DbReviewStore(RecordReviewMixin):
    """The review store over a DuckDB file (see the module docstring); review by record in :class:`RecordReviewMixin`."""

    def __init__(self, store: Store, *, policy: QueuePolicy | None = None, lease_minutes: float = 10.0) -> None:
        self.store = store
        self.policy = policy or QueuePolicy()
        self.lease_minutes = lease_minutes
        self._lock = _LOCKS[str(store.path.resolve()) if str(store.path) != ":memory:" else ":memory:"]
        self._gate = _GATES[str(store.path.resolve()) if str(store.path) != ":memory:" else ":memory:"]

    def __repr__(self) -> str:
        return f"DbReviewStore({self.store!r})"

    @contextmanager
    def _con(self) -> Iterator[Connection]:
        """A connection for a read. When the server holds the file (``Store.hold``), a cursor on the
        held connection, concurrent with other reads and writes (DuckDB's MVCC gives it a snapshot).
        Otherwise under the per-file process lock: DuckDB refuses a second attach of a file while
        another thread of this process is opening or closing it ("Unique file handle conflict")."""
        if self.store.holder() is not None:
            with self.store.connect() as con:
                yield con
            return
        with self._lock, self.store.connect() as con:
            con.execute("SET threads = 1")
            yield con

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """A write transaction. Writes of this process take turns (the per-file lock), so two never
        conflict; each is short (a verdict, a lease insert) and no read waits for it."""
        with self._lock, self.store.transaction() as con:
            if self.store.holder() is None:
                con.execute("SET threads = 1")
            yield con

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password matches, else None."""
        with self._con() as con:
            return _users.check_password(con, name, password)

    def take_attempt(self, key: str, limit: int, window_s: float) -> float:
        """Record a sign-in attempt of ``key`` unless the window is full; the seconds to wait, else 0.0."""
        with self._tx() as con:
            return _users.take_attempt(con, key, limit, window_s)

    def forgive_attempt(self, key: str) -> None:
        """Take back the latest sign-in attempt of ``key``."""
        with self._tx() as con:
            _users.forgive_attempt(con, key)

    def add_user(self, name: str, role: str, password: str) -> User:
        """Create a user or change its role and password."""
        with self._tx() as con:
            return _users.add_user(con, name, role, password)

    def users(self) -> list[User]:
        """All users."""
        with self._con() as con:
            return _users.list_users(con)

    def open_session(self, user: User, *, hours: float = 12.0) -> Session:
        """A new session for a signed-in user."""
        with self._tx() as con:
            return _users.open_session(con, user, hours=hours)

    def session(self, token: str) -> Session | None:
        """The live session with this token."""
        if not token:
            return None
        with self._con() as con:
            return _users.get_session(con, token)

    def close_session(self, token: str) -> None:
        """Sign out."""
        with self._tx() as con:
            _users.close_session(con, token)

    def _plan(self, con: Connection, annotator: str, now: Any = None) -> list:
        rows = [QueueRow(**r) for r in _rows(con, _QUEUE_SQL, {"me": annotator, "now": now or utcnow()})]
        return plan_queue(rows, self.policy)

    def lease_next(self, annotator: str, *, n: int = 1, paper: str | None = None, kind: str | None = None, skip: Collection[str] = ()) -> list[Item]:
        """Up to ``n`` items for ``annotator``: held leases first, then new ones in queue order (only ``paper``'s
        and ``kind``'s when given), leaving out the ids in ``skip``: the item screen passes the items it already
        has (its buffer and the items whose verdicts are on their way, still leased to it and otherwise first
        in the plan), so a refill brings new items however far the verdicts lag.

        The queue is planned on a read snapshot and the items built after the write, so the write
        transaction (the conditional lease insert) is short and a verdict never waits for a plan. The
        insert re-checks, at write time, everything the plan assumed: the item is still open to this
        annotator (not judged by them meanwhile, not adjudicated) and has fewer raters and leases than it needs.

        It does not wait for verdicts in flight (the gate): the item screen shows the next item from its buffer
        and sends verdicts in the background, so refilling the buffer is what a key waits for, and a page that
        sends verdicts back to back would otherwise hold every refill at the gate (measured: 1.1 s p50)."""
        now = utcnow()
        expires = now + timedelta(minutes=self.lease_minutes)
        with self._con() as con:
            if paper is None and kind is None:
                entries = self._plan(con, annotator, now)
            else:
                entries = [e for e, _ in self.filtered_plan(con, annotator, paper=paper, kind=kind)]
        skipped = set(skip)
        plan = [e for e in entries if e.candidate_id not in skipped][:n]
        if not plan:
            return []
        ids = [e.candidate_id for e in plan]
        with self._tx() as con:
            con.execute("DELETE FROM review_leases WHERE expires_at <= ?", [now])
            got = {
                r[0]
                for r in con.execute(
                    """
                INSERT INTO review_leases (candidate_id, annotator, leased_at, expires_at)
                SELECT w.cid, $me, $now + to_microseconds(w.k), $exp
                FROM (SELECT unnest($ids) AS cid, unnest($needs) AS need, unnest($ks) AS k) w
                LEFT JOIN (SELECT candidate_id, count(*) AS n FROM review_leases WHERE annotator <> $me
                             AND expires_at > $now GROUP BY candidate_id) lo ON lo.candidate_id = w.cid
                LEFT JOIN (SELECT candidate_id, count(*) AS n FROM review_latest WHERE outcome IS NOT NULL
                             AND candidate_id IN (SELECT unnest($ids)) GROUP BY candidate_id) d ON d.candidate_id = w.cid
                WHERE coalesce(lo.n, 0) + coalesce(d.n, 0) < w.need
                  AND w.cid NOT IN (SELECT candidate_id FROM review_latest WHERE annotator = $me
                                      AND candidate_id IN (SELECT unnest($ids)))
                  AND w.cid NOT IN (SELECT candidate_id FROM adjudications WHERE candidate_id IN (SELECT unnest($ids)))
                ON CONFLICT (candidate_id, annotator) DO UPDATE SET expires_at = excluded.expires_at
                RETURNING candidate_id
                """,
                    {
                        "ids": ids,
                        "needs": [required_raters(c, self.policy) for c in ids],
                        "ks": list(range(len(ids))),
                        "me": annotator,
                        "now": now,
                        "exp": expires,
                    },
                ).fetchall()
            }
        chosen = [e for e in plan if e.candidate_id in got]
        with self._con() as con:
            return self._items(con, [(e.candidate_id, e.why) for e in chosen], annotator)

    def _items(self, con: Connection, wanted: Sequence[tuple[str, str]], annotator: str | None = None) -> list[Item]:
        if not wanted:
            return []
        ids = [cid for cid, _ in wanted]
        rows = {
            r["candidate_id"]: r
            for r in _rows(
                con,
                "SELECT c.*, p.title AS paper_title FROM candidates c LEFT JOIN papers p"
                " ON p.arxiv_id = c.paper_id WHERE c.candidate_id IN (SELECT unnest($ids))",
                {"ids": ids},
            )
        }
        papers = sorted({r["paper"] for r in rows.values()})
        siblings: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in _rows(
            con,
            "SELECT candidate_id, paper, kind, page, CAST(fields AS VARCHAR) AS fields, n_decided FROM ("
            " SELECT c.candidate_id, c.paper, c.kind, c.page, c.top, c.fields, o.n_decided, row_number() OVER"
            " (PARTITION BY c.paper ORDER BY c.page, c.top, c.candidate_id) AS rn FROM candidates c"
            " LEFT JOIN review_outcomes o ON o.candidate_id = c.candidate_id WHERE c.paper IN (SELECT unnest($papers)))"
            " WHERE rn <= 40 ORDER BY page, top, candidate_id",
            {"papers": papers},
        ):
            siblings[r["paper"]].append(r)
        leases = {}
        if annotator:
            leases = dict(con.execute("SELECT candidate_id, expires_at FROM review_leases WHERE annotator = ?", [annotator]).fetchall())
        out = []
        for cid, why in wanted:
            row = rows.get(cid)
            if row is None:
                continue
            others = tuple(
                {
                    "candidate_id": s["candidate_id"],
                    "kind": s["kind"],
                    "page": s["page"],
                    "summary": _summary_of(s["fields"]),
                    "decided": bool(s["n_decided"]),
                }
                for s in siblings[row["paper"]]
                if s["candidate_id"] != cid
            )[:30]
            out.append(Item(cid, candidate_from_row(row), why, row.get("paper_title"), row.get("pdf_path"), others, leases.get(cid)))
        return out

    def heartbeat(self, annotator: str) -> int:
        """Extend the annotator's live leases."""
        now = utcnow()
        with self._tx() as con:
            return (
                con.execute(
                    "UPDATE review_leases SET expires_at = ? WHERE annotator = ? AND expires_at > ? RETURNING candidate_id",
                    [now + timedelta(minutes=self.lease_minutes), annotator, now],
                )
                .fetchall()
                .__len__()
            )

    def release(self, annotator: str, candidate_ids: Sequence[str] | None = None) -> int:
        """Give leases back to the queue."""
        with self._tx() as con:
            if candidate_ids is None:
                return len(con.execute("DELETE FROM review_leases WHERE annotator = ? RETURNING 1", [annotator]).fetchall())
            return len(
                con.execute(
                    "DELETE FROM review_leases WHERE annotator = ? AND candidate_id IN (SELECT unnest(?)) RETURNING 1",
                    [annotator, list(candidate_ids)],
                ).fetchall()
            )

    def record(self, event: Event, *, require_lease: bool = True, mode: str = ReviewMode.LEASE) -> Event:
        """Append an event and drop its lease, atomically (idempotent by event id, per user and candidate).

        A verdict needs the poster's live lease (``mode="lease"``); ``mode="revise"`` replaces the
        poster's own verdict in force (logged: the event names the verdict it revises);
        ``mode="adjudicate"`` lets a reviewer or admin decide an item others have decided. Only trusted
        callers (imports, the adjudication form) pass ``require_lease=False``."""
        with self._gate.verdict(), self._tx() as con:
            return self._record(con, event, require_lease=require_lease, mode=mode)

    def record_many(self, events: Sequence[Event], *, require_lease: bool = True, mode: str = ReviewMode.LEASE) -> list[Event]:
        """Append several events in one transaction, each as :meth:`record` would (idempotent by event id); the
        imports use it to store a paper's verdicts at once. All or none: an error rolls the batch back."""
        if not events:
            return []
        with self._gate.verdict(), self._tx() as con:
            return [self._record(con, e, require_lease=require_lease, mode=mode) for e in events]

    def decide(self, candidate_id: str, make_event: Callable[[Candidate], Event], *, mode: str = ReviewMode.LEASE) -> Event:
        """Build the event from the stored candidate and record it, in one transaction (see :meth:`record`)."""
        with self._gate.verdict(), self._tx() as con:
            rows = _rows(con, "SELECT * FROM candidates WHERE candidate_id = ?", [candidate_id])
            if not rows:
                raise CurationError(f"unknown candidate {candidate_id!r}")
            cand = candidate_from_row(rows[0])
            return self._record(con, make_event(cand), require_lease=True, candidate=cand, mode=mode)

    def _check_right(self, con: Connection, event: Event, mode: str, paper: str) -> Event:
        """The event as it may be stored under ``mode``, or the error saying why it may not."""
        cid, me = event.candidate_id, event.annotator
        mine = con.execute(
            "SELECT event_id FROM review_latest WHERE candidate_id = ? AND annotator = ? AND outcome IS NOT NULL", [cid, me]
        ).fetchone()
        if mode == ReviewMode.REVISE:
            if mine is None:
                raise LeaseError(f"you have no verdict in force on {cid} to revise", paper=paper)
            return dataclasses.replace(event, revises=mine[0])
        if mode == ReviewMode.ADJUDICATE:
            user = _users.get_user(con, me)
            if user is None or not role_allows(user.role, "reviewer"):
                raise PermissionDenied(f"{me} may not adjudicate: that needs the reviewer role")
            if event.action == Action.UNSURE:
                raise CurationError("an adjudication keeps or rejects; unsure is not a decision", paper=paper)
            decided = con.execute("SELECT 1 FROM review_latest WHERE candidate_id = ? AND outcome IS NOT NULL", [cid]).fetchone()
            if decided is None:
                raise LeaseError(f"nobody has decided {cid} yet: lease it from the queue instead", paper=paper)
            return dataclasses.replace(event, action=Action.ADJUDICATE, after=event.after if event.action in KEEP_ACTIONS else None)
        if mode != ReviewMode.LEASE:
            raise CurationError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        live = con.execute("SELECT 1 FROM review_leases WHERE candidate_id = ? AND annotator = ? AND expires_at > ?", [cid, me, utcnow()]).fetchone()
        if live is None:
            if mine is not None:
                raise LeaseError(f"you already decided {cid}; send it as a revision to change your verdict", paper=paper)
            raise LeaseError(f"you hold no live lease on {cid}: take it from the queue first", paper=paper)
        return event

    def _record(
        self, con: Connection, event: Event, *, require_lease: bool, candidate: Candidate | None = None, mode: str = ReviewMode.LEASE
    ) -> Event:
        old = _rows(con, f"SELECT {_EVENT_COLS} FROM review_events WHERE event_id = ?", [event.event_id])
        if old:
            if (old[0]["annotator"], old[0]["candidate_id"]) != (event.annotator, event.candidate_id):
                raise CurationError(f"event id {event.event_id!r} belongs to another verdict; send a new id")
            return _event(old[0])
        c = candidate
        if c is None:
            cand = _rows(con, "SELECT * FROM candidates WHERE candidate_id = ?", [event.candidate_id])
            if not cand:
                raise CurationError(f"unknown candidate {event.candidate_id}")
            c = candidate_from_row(cand[0])
        if event.action in VERDICT_ACTIONS and require_lease:
            event = self._check_right(con, event, mode, c.paper)
        before = event.before or make_after(c.fields, c.model, c.stage)
        after = event.after
        if event.action == Action.ACCEPT and after is None:
            after = before
        con.execute(
            f"INSERT INTO review_events ({_EVENT_COLS}, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event.event_id,
                event.candidate_id,
                event.annotator,
                event.action,
                after,
                before,
                event.undoes,
                event.revises,
                event.dwell_ms,
                event.extractor or c.extractor,
                event.source,
                event.created_at,
                event.outcome,
            ],
        )
        if event.action != Action.UNDO:
            con.execute("DELETE FROM review_leases WHERE candidate_id = ? AND annotator = ?", [event.candidate_id, event.annotator])
        return dataclasses.replace(event, after=after, before=before, extractor=event.extractor or c.extractor)

    def undo_last(self, annotator: str) -> Event | None:
        """Undo the annotator's latest verdict in force and lease its item back to them."""
        now = utcnow()
        with self._tx() as con:
            last = _rows(
                con,
                f"SELECT {_EVENT_COLS} FROM review_effective WHERE annotator = ? AND action IN (SELECT unnest(?)) ORDER BY seq DESC LIMIT 1",
                [annotator, [str(a) for a in DECISIVE_ACTIONS]],
            )
            if not last:
                return None
            target = _event(last[0])
            undo = Event(
                new_event_id(),
                target.candidate_id,
                annotator,
                Action.UNDO,
                undoes=target.event_id,
                extractor=target.extractor,
                source=target.source,
                created_at=now,
            )
            self._record(con, undo, require_lease=False)
            if target.action != Action.ADJUDICATE:
                con.execute(
                    "INSERT INTO review_leases VALUES (?, ?, ?, ?) ON CONFLICT (candidate_id, annotator)"
                    " DO UPDATE SET expires_at = excluded.expires_at",
                    [target.candidate_id, annotator, now, now + timedelta(minutes=self.lease_minutes)],
                )
            return target

    def candidate(self, candidate_id: str) -> Candidate | None:
        """One stored candidate."""
        with self._con() as con:
            rows = _rows(con, "SELECT * FROM candidates WHERE candidate_id = ?", [candidate_id])
        return candidate_from_row(rows[0]) if rows else None

    def item(self, candidate_id: str, *, why: str = "") -> Item | None:
        """One candidate as an item."""
        with self._con() as con:
            items = self._items(con, [(candidate_id, why)])
        return items[0] if items else None

    def events(self, *, candidate_id: str | None = None, annotator: str | None = None) -> list[Event]:
        """Stored events, oldest first."""
        where, params = [], []
        if candidate_id:
            where.append("candidate_id = ?")
            params.append(candidate_id)
        if annotator:
            where.append("annotator = ?")
            params.append(annotator)
        sql = f"SELECT {_EVENT_COLS} FROM review_events" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq"
        with self._con() as con:
            return [_event(r) for r in _rows(con, sql, params)]

    def disagreements(self) -> list[Disagreement]:
        """Disputed candidates with their versions side by side (the extractor's included)."""
        with self._con() as con:
            latest = _rows(
                con,
                """
                SELECT l.candidate_id, l.annotator, l.outcome, CAST(l.after AS VARCHAR) AS after, l.dwell_ms
                FROM review_latest l JOIN review_outcomes o ON o.candidate_id = l.candidate_id
                WHERE o.n_versions > 1 AND l.outcome IS NOT NULL
                  AND l.candidate_id NOT IN (SELECT candidate_id FROM adjudications)
                ORDER BY l.candidate_id, l.annotator""",
            )
            ids = sorted({r["candidate_id"] for r in latest})
            items = {i.candidate_id: i for i in self._items(con, [(cid, "") for cid in ids])}
        grouped: dict[str, dict[tuple, list[str]]] = defaultdict(dict)
        for r in latest:
            grouped[r["candidate_id"]].setdefault((r["outcome"], r["after"]), []).append(r["annotator"])
        out = []
        for cid in ids:
            item = items.get(cid)
            if item is None:
                continue
            c = item.candidate
            proposed = make_after(c.fields, c.model, c.stage)
            versions = [{"outcome": "keep", "after": json.loads(proposed), "raters": [f"extractor:{c.extractor}"]}]
            for (outcome, after), raters in grouped[cid].items():
                versions.append({"outcome": outcome, "after": json.loads(after) if after else None, "raters": raters})
            out.append(Disagreement(cid, c, tuple(versions), item.title, item.pdf_path))
        return out

    def ratings(self, *, include_extractor: bool = True) -> list[Rating]:
        """Latest decisive judgement per rater and candidate; the extractor rates what it proposed."""
        with self._con() as con:
            rows = _rows(
                con,
                """
                SELECT l.candidate_id, c.kind, l.annotator, l.outcome, CAST(l.after AS VARCHAR) AS after,
                       c.extractor, CAST(c.fields AS VARCHAR) AS proposed
                FROM review_latest l JOIN candidates c ON c.candidate_id = l.candidate_id
                WHERE l.outcome IS NOT NULL ORDER BY l.candidate_id, l.annotator""",
            )
        out: list[Rating] = []
        seen: set[str] = set()
        for r in rows:
            after = json.loads(r["after"])["fields"] if r["after"] else None
            out.append(Rating(r["candidate_id"], r["kind"], r["annotator"], r["outcome"], after))
            if include_extractor and r["candidate_id"] not in seen:
                seen.add(r["candidate_id"])
                out.append(Rating(r["candidate_id"], r["kind"], f"extractor:{r['extractor']}", "keep", json.loads(r["proposed"])))
        return out

    def add_candidates(self, candidates: Iterable[tuple[Candidate, str | None]], *, command: str = "review import", run_id: str | None = None) -> int:
        """Store candidates under a new run (or the enclosing run ``run_id``), grouped by PDF path."""
        by_pdf: dict[str | None, list[Candidate]] = defaultdict(list)
        for c, path in candidates:
            by_pdf[path].append(c)
        with self._tx() as con, recording(self.store, command, run_id=run_id, con=con) as run:
            new = sum(store_candidates(con, cs, run_id=run.run_id, pdf_path=path) for path, cs in by_pdf.items())
            run.counts = {"candidates": new}
        return new

    def candidates(self, *, paper: str | None = None) -> list[tuple[Candidate, str | None]]:
        """Stored candidates with their PDF paths, in page order."""
        sql = "SELECT * FROM candidates" + (" WHERE paper = ?" if paper else "") + " ORDER BY paper, page, top, candidate_id"
        with self._con() as con:
            return [(candidate_from_row(r), r["pdf_path"]) for r in _rows(con, sql, [paper] if paper else [])]

    def queue_counts(self) -> dict[str, int]:
        """Counts for the status line."""
        self._gate.wait()
        with self._con() as con:
            row = con.execute(
                """
                SELECT (SELECT count(*) FROM candidates),
                       (SELECT count(DISTINCT candidate_id) FROM review_leases WHERE expires_at > $now),
                       (SELECT count(*) FROM review_outcomes WHERE n_decided > 0),
                       (SELECT count(*) FROM review_outcomes o WHERE n_versions > 1
                          AND candidate_id NOT IN (SELECT candidate_id FROM adjudications)),
                       (SELECT count(*) FROM curated_facts)""",
                {"now": utcnow()},
            ).fetchone() or (0, 0, 0, 0, 0)
        total, leased, decided, disputed, curated = (int(v or 0) for v in row)
        return {"total": total, "pending": total - decided, "leased": leased, "decided": decided, "disputed": disputed, "curated": curated}

    def curated(self) -> list[dict[str, object]]:
        """The ``curated_facts`` rows."""
        with self._con() as con:
            return _rows(con, "SELECT * FROM curated_facts ORDER BY paper, page, candidate_id")


def known_ids(con: Connection, candidate_ids: Sequence[str], event_ids: Sequence[str]) -> tuple[set[str], set[str]]:
    """Which of ``candidate_ids`` and ``event_ids`` (review events) are stored already: what an import skips."""
    cands = con.execute("SELECT candidate_id FROM candidates WHERE list_contains(?, candidate_id)", [list(set(candidate_ids))]).fetchall()
    events = con.execute("SELECT event_id FROM review_events WHERE list_contains(?, event_id)", [list(set(event_ids))]).fetchall()
    return {r[0] for r in cands}, {r[0] for r in events}
