"""The nightly job: crawl -> download -> extract -> enqueue -> publish -> summary.

Every step is idempotent and records the run id; a run killed at any point and started again ends
with the same database as an uninterrupted run (see ``docs/architecture.md``). A failing item is
recorded with its reason, retried on later nights with backoff and parked after
``config.max_failures`` failures; it never aborts the run.

Exit statuses (``NightlyReport.exit_status``): 0 all well, 1 finished with item failures,
2 could not run (configuration, lock, database).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flopsdb import steps
from flopsdb.core.config import Config
from flopsdb.core.errors import FlopsdbError
from flopsdb.core.failures import ItemFailure
from flopsdb.db.items import parked_items
from flopsdb.db.runs import recording
from flopsdb.db.store import Store
from flopsdb.lock import RunLock
from flopsdb.steps import StepReport

STEPS: tuple[str, ...] = ("crawl", "download", "extract", "enqueue", "publish")
"""The names of the steps, in order (``flopsdb.steps.nightly_steps`` builds them)."""

log = logging.getLogger("flopsdb.nightly")


@dataclass
class NightlyReport:
    """The outcome of one nightly run."""

    run_id: str | None
    steps: list[StepReport] = field(default_factory=list)
    error: str | None = None
    took_over_from: dict[str, object] | None = None
    parked: list[dict[str, Any]] = field(default_factory=list)
    log_path: Path | None = None
    dry_run: bool = False

    @property
    def failures(self) -> list[ItemFailure]:
        """Every item failure of every step."""
        return [f for s in self.steps for f in s.failures]

    @property
    def exit_status(self) -> int:
        """0 all well, 1 item failures, 2 could not run."""
        if self.error is not None:
            return 2
        return 1 if self.failures else 0

    def summary(self) -> str:
        """A concise, cron-friendly summary."""
        if self.error is not None:
            return f"flopsdb nightly: could not run: {self.error}"
        head = "flopsdb nightly (dry run)" if self.dry_run else f"flopsdb nightly {self.run_id}"
        lines = [f"{head}: {'ok' if not self.failures else f'finished with {len(self.failures)} item failure(s)'}"]
        if self.took_over_from:
            lines.append(f"  took over a stale lock from pid {self.took_over_from.get('pid')}")
        for s in self.steps:
            counts = ", ".join(f"{k} {v}" for k, v in s.counts.items()) or "-"
            extra = f" (skipped: {s.skipped})" if s.skipped else ""
            lines.append(f"  {s.name:<9} {s.seconds:7.1f}s  {counts}{extra}")
        for f in self.failures:
            lines.append(f"  FAILED {f.stage} {f.item}: {f.reason} (attempt {f.attempts}{', parked' if f.parked else ''})")
        if self.parked:
            lines.append(f"  parked items waiting for an operator: {len(self.parked)} (flopsdb status)")
        if self.log_path:
            lines.append(f"  log: {self.log_path}")
        return "\n".join(lines)


@contextmanager
def _file_log(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("flopsdb")
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
        handler.close()


def run_nightly(
    config: Config,
    *,
    dry_run: bool = False,
    max_papers: int | None = None,
    since: date | None = None,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> NightlyReport:
    """Run the whole nightly pipeline under the run lock and return its report (never raises for
    item failures; a run that cannot start returns a report with ``error`` set). ``progress(step, done, total)``
    is called as each step starts and once more when all are done (step ``done``)."""
    store = Store(config.db_path)
    report = NightlyReport(run_id=None, dry_run=dry_run)
    try:
        if dry_run:  # writes nothing, so it takes no run lock (nor leaves a lock file on a new home), but says when one runs
            RunLock(config.home / "nightly.lock").check()
            with store.dry_run() as con:
                report.steps = steps.plan(con, steps.nightly_steps(config, store, since=since, max_papers=max_papers, workers=workers))
            return report
        with RunLock(config.home / "nightly.lock") as lock:
            report.took_over_from = lock.took_over_from
            plan = steps.nightly_steps(config, store, since=since, max_papers=max_papers, workers=workers)
            with recording(store, "nightly") as run:
                run_id = run.run_id
                report.run_id = run_id
                report.log_path = config.home / "logs" / f"nightly-{run_id}.log"
                with _file_log(report.log_path):
                    if lock.took_over_from:
                        log.warning("took over a stale lock from %s", lock.took_over_from)
                    log.info("nightly %s starts (since=%s, max_papers=%s)", run_id, since, max_papers)
                    for i, runner in enumerate(plan):
                        name = runner.name
                        if progress is not None:
                            progress(name, i, len(STEPS))
                        t0 = time.monotonic()
                        step = runner.run(run_id)
                        step.seconds = time.monotonic() - t0
                        report.steps.append(step)
                        log.info("step %s: %s in %.1fs; %d failure(s)", name, step.counts, step.seconds, len(step.failures))
                        for f in step.failures:
                            log.error("item failure: %s", f)
                    if progress is not None:
                        progress("done", len(STEPS), len(STEPS))
                    with store.transaction() as con:
                        report.parked = parked_items(con)
                    run.status = "partial" if report.failures else "ok"
                    run.counts = {s.name: s.counts for s in report.steps} | {"failures": len(report.failures)}
                    log.info("nightly %s done: exit %d", run_id, report.exit_status)
    except FlopsdbError as exc:
        report.error = str(exc)
    return report
