"""The store protocol the review stage needs; ``db/curation.py`` implements it over DuckDB.

curation/ never imports db/: the web app, the terminal reviewer and the interchange functions take
any object with these methods.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, Protocol

from flopsdb.core.kinds import ReviewMode
from flopsdb.curation.model import Disagreement, Event, Item, Rating, Session, User
from flopsdb.curation.records import RecordUnit
from flopsdb.extract.candidate import Candidate


class ReviewStore(Protocol):
    """Everything the review stage reads and writes. Each call is one short unit of work."""

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password matches, else None."""

    def take_attempt(self, key: str, limit: int, window_s: float) -> float:
        """Record a sign-in attempt of ``key`` (``user:<name>``, ``address:<ip>``) unless ``limit`` attempts are
        already in the last ``window_s`` seconds: 0.0 when allowed, else the seconds to wait. Kept in the store,
        so a restarted server or a second one sees the same attempts."""

    def forgive_attempt(self, key: str) -> None:
        """Take back the latest attempt of ``key`` (the sign-in succeeded: only failures count)."""

    def add_user(self, name: str, role: str, password: str) -> User:
        """Create (or update the role and password of) a local user."""

    def users(self) -> list[User]:
        """All users."""

    def open_session(self, user: User, *, hours: float = 12.0) -> Session:
        """A new session with a random token and CSRF token."""

    def session(self, token: str) -> Session | None:
        """The live session with this token, or None."""

    def close_session(self, token: str) -> None:
        """Sign out."""

    def lease_next(self, annotator: str, *, n: int = 1, paper: str | None = None, kind: str | None = None, skip: Collection[str] = ()) -> list[Item]:
        """Up to ``n`` items leased to ``annotator``: the ones already held first, then new leases in
        queue order (only ``paper``'s, any version, and ``kind``'s when given), leaving out the ids in
        ``skip`` (items the caller already has). Atomic: two callers never lease the same item beyond its
        required raters."""

    def heartbeat(self, annotator: str) -> int:
        """Extend the annotator's live leases; return how many."""

    def release(self, annotator: str, candidate_ids: Sequence[str] | None = None) -> int:
        """Give leases back to the queue (all of the annotator's when ``candidate_ids`` is None)."""

    def record(self, event: Event, *, require_lease: bool = True, mode: str = ReviewMode.LEASE) -> Event:
        """Append a verdict event and drop its lease, atomically. Re-sending an event id (same user and
        candidate) is a no-op that returns the stored event. ``mode``: ``lease`` needs the poster's live
        lease (``LeaseError`` otherwise), ``revise`` replaces the poster's own verdict in force (the event
        names it), ``adjudicate`` is a reviewer's or admin's decision on an item others decided."""

    def decide(self, candidate_id: str, make_event: Callable[[Candidate], Event], *, mode: str = ReviewMode.LEASE) -> Event:
        """Build the event from the stored candidate and :meth:`record` it, in one unit of work."""

    def undo_last(self, annotator: str) -> Event | None:
        """Undo the annotator's most recent verdict still in force and lease its item back."""

    def candidate(self, candidate_id: str) -> Candidate | None:
        """One stored candidate (a light lookup, for building a verdict)."""

    def item(self, candidate_id: str, *, why: str = "") -> Item | None:
        """One candidate as an item (title, other candidates, pdf path)."""

    def events(self, *, candidate_id: str | None = None, annotator: str | None = None) -> list[Event]:
        """Stored events, oldest first."""

    def disagreements(self) -> list[Disagreement]:
        """Candidates whose latest verdicts disagree and that no reviewer has adjudicated."""

    def ratings(self, *, include_extractor: bool = True) -> list[Rating]:
        """Every rater's latest decisive judgement per candidate (the extractor included)."""

    def add_candidates(self, candidates: Iterable[tuple[Candidate, str | None]], *, command: str) -> int:
        """Store candidates (with their PDF path) under a new run; return how many were new."""

    def candidates(self, *, paper: str | None = None) -> list[tuple[Candidate, str | None]]:
        """Stored candidates with their PDF paths."""

    def queue_counts(self) -> dict[str, int]:
        """Counts by state for the status line: total, pending, leased, decided, disputed, curated."""

    def curated(self) -> list[dict[str, object]]:
        """The ``curated_facts`` rows as dicts."""

    def lease_record(
        self, annotator: str, *, paper: str | None = None, kind: str | None = None, key: str | None = None
    ) -> tuple[RecordUnit, list[RecordUnit], str] | None:
        """Review by record: the next record unit (or ``paper``'s unit ``key``) with its open facts (of ``kind``)
        leased to ``annotator`` in one unit of work; ``(unit, the paper's units, why)``, None when nothing is left."""

    def paper_units(self, paper: str, annotator: str) -> list[RecordUnit]:
        """The record units of ``paper`` as ``annotator`` sees them (no leases taken)."""

    def decide_many(self, decisions: Sequence[tuple[str, Callable[[Candidate], Event]]], *, mode: str = "lease") -> list[Event]:
        """Record one verdict per ``(candidate_id, make_event)`` in one unit of work: all or none."""

    def dwell_by_paper(self) -> list[dict[str, Any]]:
        """Annotator time per paper and annotator (from the verdicts' ``dwell_ms``)."""
