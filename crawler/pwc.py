"""Papers with Code: the archived ``evaluation-tables.json`` dump and the read-only paperswithcode.co API.

:func:`iter_results` streams a dump (plain or ``.gz``, a path or a URL) with ijson and yields one
:class:`PwcResult` per (row, metric), recursing through ``subtasks`` and ``subdatasets``.
:func:`normalise_value` turns the dump's free-form values into floats and keeps the raw text.
:class:`PwcApi` reads ``/papers/{arxiv_id}`` and ``/evaluations/?paper_id=...`` (paginated),
tolerating missing and renamed fields.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any, cast

import ijson
import requests
import urllib3

from flopsdb.core.errors import FeedError, HTTPError
from flopsdb.crawler.http import HttpClient

_NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf)/((?:\d{4}\.\d{4,5})|(?:[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}))(?:v\d+)?",
    re.IGNORECASE,
)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_REPAIR_LIMIT = 64_000_000
_STREAM_ERRORS = (
    ijson.JSONError,
    ijson.IncompleteJSONError,
    EOFError,
    OSError,
    gzip.BadGzipFile,
    urllib3.exceptions.HTTPError,
    requests.exceptions.RequestException,
)


@dataclass(frozen=True)
class PwcResult:
    """One reference result: a model's score on a dataset for a task, as Papers with Code lists it."""

    task: str
    task_path: str
    dataset: str
    subdataset: str | None
    metric: str
    value: float | None
    raw_value: str | None
    model_name: str | None
    paper_title: str | None
    paper_url: str | None
    arxiv_id: str | None
    paper_date: date | None
    uses_additional_data: bool | None
    source: str

    @property
    def result_id(self) -> str:
        """A stable id from the row's identity (same row in a re-loaded dump -> same id)."""
        key = "\x1f".join(
            str(x or "")
            for x in (self.task_path, self.dataset, self.subdataset, self.metric, self.model_name, self.paper_url, self.paper_title, self.raw_value)
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()


def normalise_value(raw: Any) -> tuple[float | None, str | None]:
    """``(value, raw_text)``: numbers pass through; strings lose ``%``, thousands commas, ``±`` parts and
    footnote marks (``".923"`` -> 0.923, ``"92.3%"`` -> 92.3); missing or non-numeric -> None.

    >>> normalise_value("92.3%")
    (92.3, '92.3%')
    """
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return None, str(raw)
    if isinstance(raw, (int, float)):
        value = float(raw)
        return (value if value == value else None), str(raw)
    text = str(raw).strip()
    if text.lower() in _missing_values():
        return None, text
    match = _NUMBER.search(text)
    if match is None:
        return None, text
    try:
        return float(match.group(0).replace(",", "")), text
    except ValueError:
        return None, text


@lru_cache(maxsize=1)
def _missing_values() -> frozenset[str]:
    data = json.loads((resources.files("flopsdb.crawler") / "data" / "pwc_values.v1.json").read_text(encoding="utf-8"))
    return frozenset(v.lower() for v in data["missing"])


def arxiv_id_from_url(url: str | None) -> str | None:
    """The arXiv id in an ``arxiv.org/abs|pdf`` URL, without version; None otherwise."""
    if not url:
        return None
    match = _ARXIV_URL.search(url)
    return match.group(1) if match else None


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _name(node: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _rows(sota: Any) -> list[Mapping[str, Any]]:
    if not isinstance(sota, Mapping):
        return []
    rows = sota.get("rows") or []
    return [r for r in rows if isinstance(r, Mapping)]


def _dataset_results(
    task: str, task_path: str, dataset: Mapping[str, Any], source: str, top: str | None, sub_path: tuple[str, ...]
) -> Iterator[PwcResult]:
    name = _name(dataset, "dataset", "subdataset", "name")
    dataset_name = top if top is not None else name
    subdataset = " / ".join(sub_path) if sub_path else None
    for row in _rows(dataset.get("sota")):
        metrics = row.get("metrics") or {}
        if not isinstance(metrics, Mapping):
            continue
        paper_url = row.get("paper_url") or None
        for metric, raw in metrics.items():
            value, raw_text = normalise_value(raw)
            extra = row.get("uses_additional_data")
            yield PwcResult(
                task=task,
                task_path=task_path,
                dataset=dataset_name,
                subdataset=subdataset,
                metric=str(metric),
                value=value,
                raw_value=raw_text,
                model_name=row.get("model_name") or None,
                paper_title=row.get("paper_title") or None,
                paper_url=paper_url,
                arxiv_id=arxiv_id_from_url(paper_url),
                paper_date=_date(row.get("paper_date")),
                uses_additional_data=extra if isinstance(extra, bool) else None,
                source=source,
            )
    for sub in dataset.get("subdatasets") or []:
        if isinstance(sub, Mapping):
            sub_name = _name(sub, "subdataset", "dataset", "name")
            yield from _dataset_results(task, task_path, sub, source, dataset_name, sub_path + (sub_name,))


def results_from_task(task: Mapping[str, Any], source: str, parents: tuple[str, ...] = ()) -> Iterator[PwcResult]:
    """Every result of one task entry, recursing through its ``subtasks`` and datasets' ``subdatasets``."""
    name = _name(task, "task", "name")
    path = parents + (name,)
    task_path = " / ".join(path)
    for dataset in task.get("datasets") or []:
        if isinstance(dataset, Mapping):
            yield from _dataset_results(name, task_path, dataset, source, None, ())
    for sub in task.get("subtasks") or []:
        if isinstance(sub, Mapping):
            yield from results_from_task(sub, source, path)


@contextmanager
def _open(source: str | Path, client: HttpClient | None) -> Iterator[io.BufferedReader]:
    """The dump's bytes, gunzipped when they start with the gzip magic; a URL is streamed (connecting
    with the client's retries)."""
    text = str(source)
    with ExitStack() as stack:
        if text.startswith(("http://", "https://")):
            resp = stack.enter_context((client or HttpClient(user_agent="flopsdb")).stream(text))
            resp.raw.decode_content = True
            resp.raw.auto_close = False
            raw: IO[bytes] = resp.raw
        else:
            path = Path(text)
            if not path.is_file():
                raise FeedError(f"dump not found: {path}", url=text)
            raw = stack.enter_context(path.open("rb"))
        buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(Any, raw))
        if buffered.peek(2)[:2] == b"\x1f\x8b":
            gz = stack.enter_context(gzip.GzipFile(fileobj=buffered))
            yield io.BufferedReader(cast(Any, gz))
        else:
            yield buffered


def iter_tasks(source: str | Path, *, client: HttpClient | None = None) -> Iterator[Mapping[str, Any]]:
    """Stream the top-level task objects of a dump (a JSON list of tasks, or one task object).

    A small file that strict JSON rejects only for trailing commas (as some hand-written
    sota-extractor files do) is repaired and read; anything else malformed (or a download cut
    short) raises :class:`FeedError` naming the source (tasks before the error have been yielded).
    """
    yielded = 0
    try:
        with _open(source, client) as stream:
            head = stream.peek(64).lstrip()[:1]
            prefix = "" if head == b"{" else "item"
            for task in ijson.items(stream, prefix, use_float=True):
                if isinstance(task, Mapping):
                    yielded += 1
                    yield task
    except _STREAM_ERRORS as exc:
        repaired = _repair(source) if yielded == 0 else None
        if repaired is None:
            raise FeedError(f"malformed dump after {yielded} tasks: {exc}", url=str(source)) from None
        yield from repaired


def _repair(source: str | Path) -> list[Mapping[str, Any]] | None:
    path = Path(str(source))
    if str(source).startswith(("http://", "https://")) or not path.is_file() or path.stat().st_size > _REPAIR_LIMIT:
        return None
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    try:
        parsed = json.loads(_TRAILING_COMMA.sub(r"\1", data.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    items = parsed if isinstance(parsed, list) else [parsed]
    return [t for t in items if isinstance(t, Mapping)]


def iter_results(source: str | Path, *, client: HttpClient | None = None) -> Iterator[PwcResult]:
    """Every reference result in a dump (path or URL, plain or gzip), streamed."""
    for task in iter_tasks(source, client=client):
        yield from results_from_task(task, str(source))


def _first(obj: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in obj and obj[key] not in (None, ""):
            return obj[key]
    return None


class PwcApi:
    """The read-only paperswithcode.co API (``/api/v1``), tolerant of missing and renamed fields."""

    def __init__(self, client: HttpClient, base_url: str, *, max_pages: int = 100) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.max_pages = max_pages

    def _json(self, url: str, params: Mapping[str, str] | None = None, paper: str | None = None) -> Any:
        resp = self.client.get(url, params=params, paper=paper)
        try:
            return resp.json()
        except ValueError:
            raise FeedError("answer is not JSON", url=resp.url, paper=paper) from None

    def paper(self, arxiv_id: str) -> dict[str, Any] | None:
        """The paper record for an arXiv id (``id``, ``arxiv_id``, ``title``, ``url_abs``, ...); None on 404."""
        try:
            data = self._json(f"{self.base_url}/papers/{arxiv_id}/", paper=arxiv_id)
        except HTTPError as exc:
            if exc.status == 404:
                return None
            raise
        if isinstance(data, Mapping) and isinstance(data.get("results"), list):
            data = data["results"][0] if data["results"] else None
        return dict(data) if isinstance(data, Mapping) else None

    def _pages(self, url: str, params: Mapping[str, str] | None, paper: str | None) -> Iterator[Mapping[str, Any]]:
        for _ in range(self.max_pages):
            data = self._json(url, params, paper)
            items = data if isinstance(data, list) else _first(data, "results", "items", "data") or []
            for item in items:
                if isinstance(item, Mapping):
                    yield item
            nxt = data.get("next") if isinstance(data, Mapping) else None
            if not nxt:
                return
            url, params = str(nxt), None

    def results(self, arxiv_id: str) -> list[PwcResult]:
        """The paper's evaluation results as :class:`PwcResult` rows (one per metric)."""
        record = self.paper(arxiv_id)
        if record is None:
            return []
        paper_id = str(_first(record, "id", "paper_id", "slug") or arxiv_id)
        title = _first(record, "title", "paper_title")
        url = _first(record, "url_abs", "paper_url", "url") or f"https://arxiv.org/abs/{arxiv_id}"
        published = _date(_first(record, "published", "date", "paper_date"))
        out: list[PwcResult] = []
        for ev in self._pages(f"{self.base_url}/evaluations/", {"paper_id": paper_id}, arxiv_id):
            task = str(_first(ev, "task", "task_name") or "")
            if isinstance(_first(ev, "task"), Mapping):
                task = str(_first(ev["task"], "name", "id") or "")
            dataset = _first(ev, "dataset", "dataset_name") or ""
            if isinstance(dataset, Mapping):
                dataset = _first(dataset, "name", "id") or ""
            model = _first(ev, "model_name", "methodology", "model", "method")
            metrics = _first(ev, "metrics", "results") or {}
            if isinstance(metrics, list):
                metrics = {str(_first(m, "name", "metric")): _first(m, "value", "score") for m in metrics if isinstance(m, Mapping)}
            if not isinstance(metrics, Mapping):
                continue
            for metric, raw in metrics.items():
                value, raw_text = normalise_value(raw)
                extra = _first(ev, "uses_additional_data", "external_data")
                out.append(
                    PwcResult(
                        task=task,
                        task_path=task,
                        dataset=str(dataset),
                        subdataset=None,
                        metric=str(metric),
                        value=value,
                        raw_value=raw_text,
                        model_name=str(model) if model else None,
                        paper_title=title,
                        paper_url=url,
                        arxiv_id=arxiv_id,
                        paper_date=published,
                        uses_additional_data=extra if isinstance(extra, bool) else None,
                        source="api",
                    )
                )
        return out
