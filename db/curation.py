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
from contextlib import contextmanager
from collections import defaultdict
from functools import lru_cache
from datetime import timedelta
from typing import Any, Callable, Iterable, Iterator, Sequence

from flopsdb.curation.model import (
    VERDICT_ACTIONS, Disagreement, Event, Item, Rating, Session, User, make_after, new_event_id, role_allows, utcnow,
)
from flopsdb.curation.queue import QueuePolicy, QueueRow, plan_queue, required_raters
from flopsdb.db import users as _users
from flopsdb.db.candidates import candidate_from_row, store_candidates
from flopsdb.db.runs import finish_run, start_run
from flopsdb.db.store import Connection, Store
from flopsdb.extract.candidate import Candidate
from flopsdb.core.errors import CurationError, LeaseError, PermissionDenied

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

_EVENT_COLS = ("event_id, candidate_id, annotator, action, after, before, undoes, revises, dwell_ms, extractor, source,"
               " created_at")

MODES: tuple[str, ...] = ("lease", "revise", "adjudicate")

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
        event_id=row["event_id"], candidate_id=row["candidate_id"], annotator=row["annotator"], action=row["action"],
        after=text(row["after"]), before=text(row["before"]), undoes=row["undoes"], revises=row["revises"],
        dwell_ms=row["dwell_ms"],
        extractor=row["extractor"], source=row["source"], created_at=row["created_at"],
    )


@lru_cache(maxsize=65536)
def _summary_of(fields_json: str | None) -> str:
    """The one-line summary of a candidate's fields (JSON text; cached: candidates never change)."""
    return _summary_fields(json.loads(fields_json) if fields_json else {})


def _summary_fields(f: dict[str, Any]) -> str:
    parts = [str(f.get(k)) for k in ("accelerator", "count", "hours", "dataset", "metric", "value") if f.get(k) is not None]
    return " ".join(parts)[:80]


class DbReviewStore:
    """The review store over a DuckDB file (see the module docstring)."""

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

    def lease_next(self, annotator: str, *, n: int = 1) -> list[Item]:
        """Up to ``n`` items for ``annotator``: held leases first, then new ones in queue order.

        The queue is planned on a read snapshot and the items built after the write, so the write
        transaction (the conditional lease insert) is short and a verdict never waits for a plan. The
        insert re-checks, at write time, everything the plan assumed: the item is still open to this
        annotator (not judged by them meanwhile, not adjudicated) and has fewer raters and leases than it needs."""
        self._gate.wait()
        now = utcnow()
        expires = now + timedelta(minutes=self.lease_minutes)
        with self._con() as con:
            plan = self._plan(con, annotator, now)[:n]
        if not plan:
            return []
        ids = [e.candidate_id for e in plan]
        self._gate.wait()
        with self._tx() as con:
            con.execute("DELETE FROM review_leases WHERE expires_at <= ?", [now])
            got = {r[0] for r in con.execute(
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
                {"ids": ids, "needs": [required_raters(c, self.policy) for c in ids], "ks": list(range(len(ids))),
                 "me": annotator, "now": now, "exp": expires},
            ).fetchall()}
        chosen = [e for e in plan if e.candidate_id in got]
        self._gate.wait()
        with self._con() as con:
            return self._items(con, [(e.candidate_id, e.why) for e in chosen], annotator)

    def _items(self, con: Connection, wanted: Sequence[tuple[str, str]], annotator: str | None = None) -> list[Item]:
        if not wanted:
            return []
        ids = [cid for cid, _ in wanted]
        rows = {r["candidate_id"]: r for r in _rows(
            con,
            "SELECT c.*, p.title AS paper_title FROM candidates c LEFT JOIN papers p"
            " ON p.arxiv_id = regexp_replace(c.paper, 'v[0-9]+$', '') WHERE c.candidate_id IN (SELECT unnest($ids))",
            {"ids": ids},
        )}
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
            leases = dict(con.execute(
                "SELECT candidate_id, expires_at FROM review_leases WHERE annotator = ?", [annotator]).fetchall())
        out = []
        for cid, why in wanted:
            row = rows.get(cid)
            if row is None:
                continue
            others = tuple(
                {"candidate_id": s["candidate_id"], "kind": s["kind"], "page": s["page"],
                 "summary": _summary_of(s["fields"]), "decided": bool(s["n_decided"])}
                for s in siblings[row["paper"]] if s["candidate_id"] != cid
            )[:30]
            out.append(Item(cid, candidate_from_row(row), why, row.get("paper_title"), row.get("pdf_path"), others,
                            leases.get(cid)))
        return out

    def heartbeat(self, annotator: str) -> int:
        """Extend the annotator's live leases."""
        now = utcnow()
        with self._tx() as con:
            return con.execute(
                "UPDATE review_leases SET expires_at = ? WHERE annotator = ? AND expires_at > ? RETURNING candidate_id",
                [now + timedelta(minutes=self.lease_minutes), annotator, now],
            ).fetchall().__len__()

    def release(self, annotator: str, candidate_ids: Sequence[str] | None = None) -> int:
        """Give leases back to the queue."""
        with self._tx() as con:
            if candidate_ids is None:
                return len(con.execute("DELETE FROM review_leases WHERE annotator = ? RETURNING 1", [annotator]).fetchall())
            return len(con.execute(
                "DELETE FROM review_leases WHERE annotator = ? AND candidate_id IN (SELECT unnest(?)) RETURNING 1",
                [annotator, list(candidate_ids)]).fetchall())

    def record(self, event: Event, *, require_lease: bool = True, mode: str = "lease") -> Event:
        """Append an event and drop its lease, atomically (idempotent by event id, per user and candidate).

        A verdict needs the poster's live lease (``mode="lease"``); ``mode="revise"`` replaces the
        poster's own verdict in force (logged: the event names the verdict it revises);
        ``mode="adjudicate"`` lets a reviewer or admin decide an item others have decided. Only trusted
        callers (imports, the adjudication form) pass ``require_lease=False``."""
        with self._gate.verdict(), self._tx() as con:
            return self._record(con, event, require_lease=require_lease, mode=mode)

    def decide(self, candidate_id: str, make_event: Callable[[Candidate], Event], *, mode: str = "lease") -> Event:
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
        mine = con.execute("SELECT event_id FROM review_latest WHERE candidate_id = ? AND annotator = ?"
                           " AND outcome IS NOT NULL", [cid, me]).fetchone()
        if mode == "revise":
            if mine is None:
                raise LeaseError(f"you have no verdict in force on {cid} to revise", paper=paper)
            return dataclasses.replace(event, revises=mine[0])
        if mode == "adjudicate":
            user = _users.get_user(con, me)
            if user is None or not role_allows(user.role, "reviewer"):
                raise PermissionDenied(f"{me} may not adjudicate: that needs the reviewer role")
            if event.action == "unsure":
                raise CurationError("an adjudication keeps or rejects; unsure is not a decision", paper=paper)
            decided = con.execute("SELECT 1 FROM review_latest WHERE candidate_id = ? AND outcome IS NOT NULL",
                                  [cid]).fetchone()
            if decided is None:
                raise LeaseError(f"nobody has decided {cid} yet: lease it from the queue instead", paper=paper)
            return dataclasses.replace(event, action="adjudicate",
                                       after=event.after if event.action in ("accept", "correct") else None)
        if mode != "lease":
            raise CurationError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        live = con.execute("SELECT 1 FROM review_leases WHERE candidate_id = ? AND annotator = ? AND expires_at > ?",
                           [cid, me, utcnow()]).fetchone()
        if live is None:
            if mine is not None:
                raise LeaseError(f"you already decided {cid}; send it as a revision to change your verdict", paper=paper)
            raise LeaseError(f"you hold no live lease on {cid}: take it from the queue first", paper=paper)
        return event

    def _record(self, con: Connection, event: Event, *, require_lease: bool, candidate: Candidate | None = None,
                mode: str = "lease") -> Event:
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
        if event.action == "accept" and after is None:
            after = before
        con.execute(
            f"INSERT INTO review_events ({_EVENT_COLS}, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [event.event_id, event.candidate_id, event.annotator, event.action, after, before, event.undoes,
             event.revises, event.dwell_ms, event.extractor or c.extractor, event.source, event.created_at, event.outcome],
        )
        if event.action != "undo":
            con.execute("DELETE FROM review_leases WHERE candidate_id = ? AND annotator = ?",
                        [event.candidate_id, event.annotator])
        return dataclasses.replace(event, after=after, before=before, extractor=event.extractor or c.extractor)

    def undo_last(self, annotator: str) -> Event | None:
        """Undo the annotator's latest verdict in force and lease its item back to them."""
        now = utcnow()
        with self._tx() as con:
            last = _rows(con, f"SELECT {_EVENT_COLS} FROM review_effective WHERE annotator = ?"
                              " AND action IN ('accept', 'correct', 'reject', 'unsure', 'adjudicate')"
                              " ORDER BY seq DESC LIMIT 1", [annotator])
            if not last:
                return None
            target = _event(last[0])
            undo = Event(new_event_id(), target.candidate_id, annotator, "undo", undoes=target.event_id,
                         extractor=target.extractor, source=target.source, created_at=now)
            self._record(con, undo, require_lease=False)
            if target.action != "adjudicate":
                con.execute(
                    "INSERT INTO review_leases VALUES (?, ?, ?, ?) ON CONFLICT (candidate_id, annotator)"
                    " DO UPDATE SET expires_at = excluded.expires_at",
                    [target.candidate_id, annotator, now, now + timedelta(minutes=self.lease_minutes)])
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
            latest = _rows(con, """
                SELECT l.candidate_id, l.annotator, l.outcome, CAST(l.after AS VARCHAR) AS after, l.dwell_ms
                FROM review_latest l JOIN review_outcomes o ON o.candidate_id = l.candidate_id
                WHERE o.n_versions > 1 AND l.outcome IS NOT NULL
                  AND l.candidate_id NOT IN (SELECT candidate_id FROM adjudications)
                ORDER BY l.candidate_id, l.annotator""")
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
            rows = _rows(con, """
                SELECT l.candidate_id, c.kind, l.annotator, l.outcome, CAST(l.after AS VARCHAR) AS after,
                       c.extractor, CAST(c.fields AS VARCHAR) AS proposed
                FROM review_latest l JOIN candidates c ON c.candidate_id = l.candidate_id
                WHERE l.outcome IS NOT NULL ORDER BY l.candidate_id, l.annotator""")
        out: list[Rating] = []
        seen: set[str] = set()
        for r in rows:
            after = json.loads(r["after"])["fields"] if r["after"] else None
            out.append(Rating(r["candidate_id"], r["kind"], r["annotator"], r["outcome"], after))
            if include_extractor and r["candidate_id"] not in seen:
                seen.add(r["candidate_id"])
                out.append(Rating(r["candidate_id"], r["kind"], f"extractor:{r['extractor']}", "keep", json.loads(r["proposed"])))
        return out

    def add_candidates(self, candidates: Iterable[tuple[Candidate, str | None]], *, command: str = "review import") -> int:
        """Store candidates under a new run, grouped by PDF path."""
        by_pdf: dict[str | None, list[Candidate]] = defaultdict(list)
        for c, path in candidates:
            by_pdf[path].append(c)
        with self._tx() as con:
            run_id = start_run(con, command)
            new = sum(store_candidates(con, cs, run_id=run_id, pdf_path=path) for path, cs in by_pdf.items())
            finish_run(con, run_id, counts={"candidates": new})
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
            row = con.execute("""
                SELECT (SELECT count(*) FROM candidates),
                       (SELECT count(DISTINCT candidate_id) FROM review_leases WHERE expires_at > $now),
                       (SELECT count(*) FROM review_outcomes WHERE n_decided > 0),
                       (SELECT count(*) FROM review_outcomes o WHERE n_versions > 1
                          AND candidate_id NOT IN (SELECT candidate_id FROM adjudications)),
                       (SELECT count(*) FROM curated_facts)""", {"now": utcnow()}).fetchone()
        total, leased, decided, disputed, curated = (int(v or 0) for v in row)
        return {"total": total, "pending": total - decided, "leased": leased, "decided": decided,
                "disputed": disputed, "curated": curated}

    def curated(self) -> list[dict[str, object]]:
        """The ``curated_facts`` rows."""
        with self._con() as con:
            return _rows(con, "SELECT * FROM curated_facts ORDER BY paper, page, candidate_id")
