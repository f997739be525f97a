"""One exception tree for all of flopsdb.

Every error carries the context needed to act on it (``url``, ``paper``, ``page``);
``str(error)`` is one line naming that context, which is what the CLI prints.

::

    FlopsdbError
    ├── ConfigError
    ├── FieldValueError          (a field of another kind, or a value of the wrong type; also a ValueError)
    ├── StoreError
    │   └── StoreLocked
    ├── QueryError               (an analyst's query refused or failed)
    │   └── QueryTimeout
    ├── CrawlError
    │   ├── HTTPError            (status, retry_after)
    │   ├── FeedError            (malformed, truncated or error feeds)
    │   │   ├── OAIError         (an OAI-PMH <error>: code)
    │   │   └── ArxivErrorFeed   (the arXiv API's error feed)
    │   └── DownloadError
    │       └── NotAPDF
    ├── ExtractError
    │   └── PDFError             (corrupt, encrypted, no pages, no text, too slow)
    ├── CurationError
    │   ├── LeaseError
    │   └── PermissionDenied
    ├── ScalingError
    │   ├── DataImportError
    │   └── FitError
    └── RunLocked
"""

from __future__ import annotations


class FlopsdbError(Exception):
    """Base of every error flopsdb raises on purpose.

    ``exit_code`` is the CLI's exit status for it; ``url``, ``paper`` and ``page``
    say where it happened, when known.
    """

    exit_code: int = 1

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        paper: str | None = None,
        page: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.paper = paper
        self.page = page

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt from its arguments and attributes without calling ``__init__`` again, so a subclass with
        # required keyword arguments (``OAIError(code=...)``) crosses a process boundary with all of its context.
        return (_rebuild, (type(self), self.args, self.__dict__))

    def context(self) -> dict[str, object]:
        """The non-empty context fields, for logs and JSON reports."""
        return {k: v for k, v in (("url", self.url), ("paper", self.paper), ("page", self.page)) if v is not None}

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.context().items())
        return f"{self.message} ({where})" if where else self.message


def _rebuild(cls: type[FlopsdbError], args: tuple[object, ...], state: dict[str, object]) -> FlopsdbError:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


class ConfigError(FlopsdbError):
    """The configuration file or an environment variable is invalid."""

    exit_code = 2


class FieldValueError(FlopsdbError, ValueError):
    """A field that does not belong to its kind, or a value of the wrong type; the message names the field.

    Also a ``ValueError``, so a pydantic validator that raises it answers 422 naming the field."""


class StoreError(FlopsdbError):
    """The DuckDB store could not be opened, migrated or written."""

    exit_code = 2


class StoreLocked(StoreError):
    """Another process held the database file longer than we were willing to wait."""


class QueryError(FlopsdbError):
    """An analyst's query was refused or failed."""


class QueryTimeout(QueryError):
    """An analyst's query ran past the time limit and was interrupted."""


class CrawlError(FlopsdbError):
    """Harvesting from arXiv or Papers with Code failed."""


class HTTPError(CrawlError):
    """An HTTP request failed for good (after retries, when retrying made sense)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        url: str | None = None,
        paper: str | None = None,
    ) -> None:
        super().__init__(message, url=url, paper=paper)
        self.status = status
        self.retry_after = retry_after


class FeedError(CrawlError):
    """A feed (OAI-PMH XML, Atom, JSON) was malformed, truncated or an error report."""


class OAIError(FeedError):
    """The repository answered with an OAI-PMH ``<error>`` (``code`` is e.g. ``badResumptionToken``)."""

    def __init__(self, message: str, *, code: str, url: str | None = None, page: int | None = None) -> None:
        super().__init__(message, url=url, page=page)
        self.code = code


class ArxivErrorFeed(FeedError):
    """arXiv answered with its error feed (e.g. ``incorrect id format``)."""


class DownloadError(CrawlError):
    """A PDF or source download failed or was rejected."""


class NotAPDF(DownloadError):
    """The server answered with something that is not a PDF (often an HTML error page)."""


class ExtractError(FlopsdbError):
    """Extraction from a document failed."""


class PDFError(ExtractError):
    """A PDF could not be read: corrupt, truncated, encrypted, empty, scanned or too slow."""

    def __init__(self, message: str, *, reason: str = "corrupt", paper: str | None = None, page: int | None = None, url: str | None = None) -> None:
        super().__init__(message, paper=paper, page=page, url=url)
        self.reason = reason


class CurationError(FlopsdbError):
    """A review action was invalid."""


class LeaseError(CurationError):
    """An item's lease expired or belongs to someone else."""


class PermissionDenied(CurationError):
    """The user's role does not allow the action."""


class ScalingError(FlopsdbError):
    """Compute estimation or fitting failed."""


class DataImportError(ScalingError):
    """An external dataset (Thompson et al., Epoch AI) could not be imported."""


class FitError(ScalingError):
    """A fit could not be computed (too few points, degenerate data)."""


class RunLocked(FlopsdbError):
    """Another nightly run holds the lock."""

    exit_code = 2
