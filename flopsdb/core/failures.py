"""One value for an item that failed while the rest of its run went on (a download, a PDF, a row of a file)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ItemFailure:
    """An item that failed: the ``stage`` it failed in (``crawl``, ``download``, ``extract``, ``import``), the
    ``item`` (an arXiv id with version, a paper, a set, a file name), the ``reason`` (one line), for a row of a
    file its ``row`` number, and, once recorded for retry (``db.items``), the ``attempts`` so far, when the next
    try is due and whether the item is ``parked``.

    It reads as the shapes it replaces: ``item, reason = failure`` and ``failure[0]`` (the pairs of the
    crawler and the batch), ``failure["stage"]`` and ``failure.get("error")`` (the nightly's dicts), and
    ``source_file`` / ``source_row`` (the scaling importers' rows)."""

    stage: str
    item: str
    reason: str
    row: int | None = None
    attempts: int = 1
    next_try_at: datetime | None = None
    parked: bool = False

    @property
    def error(self) -> str:
        """The reason (the name the nightly's reports used)."""
        return self.reason

    @property
    def source_file(self) -> str:
        """The file a failed row came from (the item)."""
        return self.item

    @property
    def source_row(self) -> int | None:
        """The failed row's line number."""
        return self.row

    def __iter__(self) -> Iterator[str]:
        yield self.item
        yield self.reason

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return (self.item, self.reason)[key]
        return self.as_dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """``failure[key]``, or ``default`` for a key it does not have."""
        return self.as_dict().get(key, default)

    def as_dict(self) -> dict[str, Any]:
        """The fields, with ``error`` (the reason) beside them."""
        return asdict(self) | {"error": self.reason}

    def line(self) -> str:
        """One line for a report: ``stage item[:row]: reason (attempt n, parked)``."""
        where = f"{self.item}:{self.row}" if self.row is not None else self.item
        extra = f" (attempt {self.attempts}{', parked' if self.parked else ''})" if self.next_try_at or self.parked else ""
        return f"{self.stage} {where}: {self.reason}{extra}"
