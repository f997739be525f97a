"""Helpers of the scaling tests (imported by name; the fixtures are in conftest.py)."""

from __future__ import annotations

from flopsdb.curation.model import Event, make_after, new_event_id
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.extract.candidate import Candidate
from flopsdb.extract.document import Box, Evidence


def accept_all(store: Store, cands: list[Candidate]) -> None:
    """Store ``cands`` in the review queue and accept each as annotator ``ann`` (no lease needed)."""
    review = DbReviewStore(store)
    review.add_candidates([(c, None) for c in cands])
    for c in cands:
        review.record(
            Event(
                event_id=new_event_id(),
                candidate_id=c.candidate_id,
                annotator="ann",
                action="accept",
                after=make_after(c.fields, c.model, c.stage),
                source="terminal",
            ),
            require_lease=False,
        )


def candidate(
    paper: str, kind: str, fields: dict, model: str | None = None, *, i: int = 0, scope: str | None = None, headline: bool = False
) -> Candidate:
    """A test candidate of ``paper`` on page 1, the ``i``-th box down the page (extractor ``test.v1``)."""
    return Candidate(
        paper=paper,
        kind=kind,
        extractor="test.v1",
        confidence=0.9,
        fields=fields,
        model=model,
        scope=scope,
        headline=headline,
        evidence=Evidence(page=1, bbox=Box(10, 10 + i, 100, 20 + i), snippet=f"{kind} {i}"),
    )
