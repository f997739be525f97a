"""arXiv discovery over OAI-PMH: ``ListRecords`` with ``metadataPrefix=arXivRaw``, page by page.

:func:`list_records` yields one :class:`HarvestPage` per HTTP answer: the papers on it and the
resumption token that continues after it (``None`` on the last page). The caller stores each page
and its token together, so a harvest can resume exactly where it stopped. The first-version date
comes from the ``<version>`` history of each arXivRaw record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

import requests
from lxml import etree

from flopsdb.core.errors import FeedError, OAIError
from flopsdb.crawler.authors import parse_authors
from flopsdb.crawler.download import pdf_url
from flopsdb.crawler.http import HttpClient, Retryable
from flopsdb.crawler.paper import Paper

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
RAW_NS = "http://arxiv.org/OAI/arXivRaw/"
_NS = {"oai": OAI_NS, "raw": RAW_NS}


@dataclass(frozen=True)
class HarvestPage:
    """One ``ListRecords`` answer: its papers, deleted ids, and the token that continues after it."""

    papers: tuple[Paper, ...]
    deleted: tuple[str, ...]
    response_date: str
    resumption_token: str | None
    complete_list_size: int | None
    url: str
    page: int


def split_authors(raw: str | None) -> tuple[str, ...]:
    """arXivRaw's one-string author list (``"A, B and C"``) as a tuple of names (see :func:`parse_authors`)."""
    return tuple(a.name for a in parse_authors(raw))


def _text(elem: etree._Element, path: str) -> str | None:
    found = elem.find(path, _NS)
    if found is None or found.text is None:
        return None
    text = " ".join(found.text.split())
    return text or None


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        try:
            return datetime.fromisoformat(value.strip()[:10]).date()
        except ValueError:
            return None


def _paper(raw: etree._Element, pdf_base: str) -> Paper:
    arxiv_id = _text(raw, "raw:id")
    if not arxiv_id:
        raise ValueError("arXivRaw record without <id>")
    versions: list[tuple[int, date | None]] = []
    for v in raw.iterfind("raw:version", _NS):
        label = (v.get("version") or "").lstrip("v")
        if label.isdigit():
            versions.append((int(label), _parse_date(_text(v, "raw:date"))))
    versions.sort()
    version = versions[-1][0] if versions else 1
    categories = tuple((_text(raw, "raw:categories") or "").split())
    authors = parse_authors(_text(raw, "raw:authors"))
    return Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=_text(raw, "raw:title") or "",
        abstract=_text(raw, "raw:abstract") or "",
        authors=tuple(a.name for a in authors),
        affiliations=tuple(a.affiliations for a in authors),
        categories=categories,
        first_version_date=versions[0][1] if versions else None,
        updated_date=versions[-1][1] if versions else None,
        license=_text(raw, "raw:license"),
        pdf_url=pdf_url(pdf_base, arxiv_id, version),
        comments=_text(raw, "raw:comments"),
        journal_ref=_text(raw, "raw:journal-ref"),
        doi=_text(raw, "raw:doi"),
        source="oai",
    )


def _root(body: bytes, url: str) -> etree._Element:
    try:
        return etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"malformed or truncated OAI-PMH XML: {exc}", url=url) from None


def check_oai_xml(resp: requests.Response) -> None:
    """Validator for :meth:`HttpClient.get`: a body that is not well-formed XML is retried."""
    try:
        etree.fromstring(resp.content, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise Retryable(f"malformed or truncated OAI-PMH XML: {exc}") from None


def parse_list_records(body: bytes, *, url: str = "", page: int = 1, pdf_base: str = "https://arxiv.org/pdf") -> HarvestPage:
    """Parse one ``ListRecords`` answer. OAI ``noRecordsMatch`` is an empty last page; other OAI
    errors, and records without an id, raise :class:`FeedError`."""
    root = _root(body, url)
    if root.tag != f"{{{OAI_NS}}}OAI-PMH":
        raise FeedError(f"not an OAI-PMH answer (root element {root.tag})", url=url, page=page)
    response_date = _text(root, "oai:responseDate") or ""
    error = root.find("oai:error", _NS)
    if error is not None:
        code = error.get("code") or "unknown"
        if code == "noRecordsMatch":
            return HarvestPage((), (), response_date, None, 0, url, page)
        raise OAIError(f"OAI-PMH error {code}: {' '.join((error.text or '').split())}", code=code, url=url, page=page)
    listing = root.find("oai:ListRecords", _NS)
    if listing is None:
        raise FeedError("OAI-PMH answer without ListRecords", url=url, page=page)
    papers: list[Paper] = []
    deleted: list[str] = []
    for record in listing.iterfind("oai:record", _NS):
        header = record.find("oai:header", _NS)
        if header is not None and header.get("status") == "deleted":
            ident = _text(header, "oai:identifier") or ""
            deleted.append(ident.rsplit(":", 1)[-1])
            continue
        raw = record.find("oai:metadata/raw:arXivRaw", _NS)
        if raw is None:
            raise FeedError("record without arXivRaw metadata", url=url, page=page)
        try:
            papers.append(_paper(raw, pdf_base))
        except ValueError as exc:
            raise FeedError(str(exc), url=url, page=page) from None
    token_elem = listing.find("oai:resumptionToken", _NS)
    token = None
    size = None
    if token_elem is not None:
        token = (token_elem.text or "").strip() or None
        size_text = token_elem.get("completeListSize")
        size = int(size_text) if size_text and size_text.isdigit() else None
    return HarvestPage(tuple(papers), tuple(deleted), response_date, token, size, url, page)


def parse_identify(body: bytes, *, url: str = "") -> date:
    """The ``earliestDatestamp`` of an OAI-PMH ``Identify`` answer, as a date."""
    root = _root(body, url)
    error = root.find("oai:error", _NS)
    if error is not None:
        code = error.get("code") or "unknown"
        raise OAIError(f"OAI-PMH error {code}: {' '.join((error.text or '').split())}", code=code, url=url)
    stamp = _text(root, "oai:Identify/oai:earliestDatestamp")
    try:
        return date.fromisoformat((stamp or "")[:10])
    except ValueError:
        raise FeedError(f"Identify answer without a valid earliestDatestamp ({stamp!r})", url=url) from None


def identify(client: HttpClient, base_url: str) -> date:
    """Ask the repository for its ``earliestDatestamp`` (OAI-PMH ``Identify``)."""
    resp = client.get(base_url, params={"verb": "Identify"}, validate=check_oai_xml)
    return parse_identify(resp.content, url=resp.url)


def list_records(
    client: HttpClient,
    base_url: str,
    *,
    set_spec: str | None = None,
    since: date | None = None,
    until: date | None = None,
    resumption_token: str | None = None,
    pdf_base: str = "https://arxiv.org/pdf",
) -> Iterator[HarvestPage]:
    """Harvest ``ListRecords`` pages, following resumption tokens until the list is complete.

    Start from ``resumption_token`` when given (resuming an interrupted harvest), else from
    ``since``/``until``/``set_spec``.
    """
    page = 1
    if resumption_token:
        params = {"verb": "ListRecords", "resumptionToken": resumption_token}
    else:
        params = {"verb": "ListRecords", "metadataPrefix": "arXivRaw"}
        if set_spec:
            params["set"] = set_spec
        if since:
            params["from"] = since.isoformat()
        if until:
            params["until"] = until.isoformat()
    while True:
        resp = client.get(base_url, params=params, validate=check_oai_xml)
        result = parse_list_records(resp.content, url=resp.url, page=page, pdf_base=pdf_base)
        yield result
        if not result.resumption_token:
            return
        params = {"verb": "ListRecords", "resumptionToken": result.resumption_token}
        page += 1
