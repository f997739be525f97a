"""What one step did (:class:`StepReport`), in a module of its own so that a step can return one without importing
the database layer (``flopsdb extract`` without ``--store`` never imports DuckDB); :mod:`flopsdb.steps` re-exports it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flopsdb.core.failures import ItemFailure


@dataclass
class StepReport:
    """What one step did: counts, item failures and time."""

    name: str
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[ItemFailure] = field(default_factory=list)
    skipped: str | None = None
    status: str | None = None
    """The run's status when the step says (``failed``: a harvest that failed); else :func:`run_recorded` makes it
    ``partial`` with item failures and ``ok`` without."""
    error: str | None = None
    """The run's error message, when the step has one."""
