"""Look-ups by id through the ``arxiv`` package (4.x), wrapped with what it lacks.

The package's client is given our :class:`~crawler.http.HttpClient` as its session (so every call
shares the arXiv rate limiter, timeouts, ``Retry-After``-aware backoff and our User-Agent) and the
configured API URL. On top: a strict XML check (truncated feeds are retried), arXiv's error feed
(an entry titled "Error" with an id under ``arxiv.org/api/errors``) raised as
:class:`flopsdb.core.errors.FeedError`, and a retry when a look-up comes back empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import arxiv
import requests
from lxml import etree

from flopsdb.core.errors import ArxivErrorFeed, FeedError
from flopsdb.core.ids import split_version
from flopsdb.crawler.download import pdf_url
from flopsdb.crawler.http import HttpClient, Retryable
from flopsdb.crawler.paper import Paper

_ATOM = "{http://www.w3.org/2005/Atom}"
_ENTRY_ID = re.compile(r"arxiv\.org/abs/(.+)$")


def check_atom(resp: requests.Response) -> None:
    """Validator: malformed XML is retried; an error feed raises :class:`ArxivErrorFeed`;
    a 400 that is not an error feed raises :class:`FeedError`."""
    try:
        root = etree.fromstring(resp.content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        if resp.status_code >= 400:
            raise FeedError(f"HTTP {resp.status_code} with an unreadable body", url=resp.url) from None
        raise Retryable(f"malformed or truncated Atom feed: {exc}") from None
    for entry in root.iter(f"{_ATOM}entry"):
        entry_id = entry.findtext(f"{_ATOM}id") or ""
        title = (entry.findtext(f"{_ATOM}title") or "").strip()
        if "arxiv.org/api/errors" in entry_id or title == "Error":
            summary = " ".join((entry.findtext(f"{_ATOM}summary") or entry_id).split())
            raise ArxivErrorFeed(f"arXiv API error: {summary}", url=resp.url)
    if resp.status_code >= 400:
        raise FeedError(f"HTTP {resp.status_code}", url=resp.url)


class _Session:
    """The slice of ``requests.Session`` that ``arxiv.Client`` uses, routed through our client."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def get(self, url: str, headers: dict[str, str] | None = None, **_: Any) -> requests.Response:
        return self.http.get(url, validate=check_atom, accept=frozenset({400}))


class _Client(arxiv.Client):
    def __init__(self, http: HttpClient, api_url: str, page_size: int, retries: int) -> None:
        super().__init__(page_size=page_size, delay_seconds=0.0, num_retries=retries)
        self.query_url_format = api_url.split("?")[0] + "?{}"
        self._session = _Session(http)


def paper_from_result(result: arxiv.Result, pdf_base: str) -> Paper:
    """An ``arxiv.Result`` as a :class:`Paper` (first-version date = ``published``)."""
    match = _ENTRY_ID.search(result.entry_id)
    if match is None:
        raise FeedError(f"unexpected entry id {result.entry_id!r}")
    arxiv_id, version = split_version(match.group(1), default=1)
    categories = tuple(dict.fromkeys([result.primary_category, *result.categories]) if result.primary_category else result.categories)
    return Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=" ".join(result.title.split()),
        abstract=" ".join(result.summary.split()),
        authors=tuple(a.name for a in result.authors),
        categories=tuple(c for c in categories if c),
        first_version_date=result.published.date() if result.published else None,
        updated_date=result.updated.date() if result.updated else None,
        pdf_url=pdf_url(pdf_base, arxiv_id, version),
        comments=result.comment or None,
        journal_ref=result.journal_ref or None,
        doi=result.doi or None,
        source="api",
    )


class ArxivApi:
    """Id look-ups against the arXiv API (``FLOPSDB_ARXIV_API_URL``)."""

    def __init__(
        self, http: HttpClient, api_url: str, *, pdf_base: str = "https://arxiv.org/pdf", page_size: int = 100, empty_retries: int = 2
    ) -> None:
        self.http = http
        self.pdf_base = pdf_base
        self.empty_retries = empty_retries
        self._client = _Client(http, api_url, page_size, empty_retries)

    def lookup(self, ids: Sequence[str] | Iterable[str]) -> list[Paper]:
        """The papers with these ids (unversioned or ``<id>v<n>``), in arXiv's order.

        An empty answer is retried ``empty_retries`` times before it is believed.
        """
        id_list = [i.strip() for i in ids if i and i.strip()]
        if not id_list:
            return []
        search = arxiv.Search(id_list=id_list, max_results=len(id_list))
        for _ in range(self.empty_retries + 1):
            try:
                results = list(self._client.results(search))
            except arxiv.UnexpectedEmptyPageError as exc:
                raise FeedError(f"arXiv kept answering an empty page: {exc}", url=exc.url) from None
            if results:
                return [paper_from_result(r, self.pdf_base) for r in results]
        return []

    def search(self, query: str, *, max_results: int = 100) -> list[Paper]:
        """Papers matching an arXiv API ``search_query`` (paginated by the package, ``page_size`` per request)."""
        search = arxiv.Search(query=query, max_results=max_results)
        try:
            return [paper_from_result(r, self.pdf_base) for r in self._client.results(search)]
        except arxiv.UnexpectedEmptyPageError as exc:
            raise FeedError(f"arXiv kept answering an empty page: {exc}", url=exc.url) from None
