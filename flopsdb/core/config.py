"""Configuration: ``flopsdb.toml`` in the working directory (or ``--config``), then environment variables.

Precedence, lowest first: built-in defaults, the TOML file, ``FLOPSDB_*`` environment variables, keyword
overrides (the CLI's options). Every key of :class:`Config` can be set in the file's top-level table (or a
``[flopsdb]`` table); its environment variable is ``FLOPSDB_`` plus the upper-cased key (``arxiv_delay`` ->
``FLOPSDB_ARXIV_DELAY``). List values are comma-separated in the environment.

:class:`Config` declares every setting once, with its type and allowed range (a pydantic dataclass: it is
validated when built, also by ``dataclasses.replace``). :func:`load_config` refuses an invalid value with
one :class:`ConfigError` line naming the key, where it came from, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import annotated_types as at
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic.dataclasses import dataclass

from flopsdb.core.errors import ConfigError

DEFAULT_SETS: tuple[str, ...] = ("cs:cs:LG", "cs:cs:CV", "cs:cs:CL", "stat:stat:ML")
ARXIV_MIN_DELAY = 3.0
"""arXiv's politeness rule: at most one request every 3 seconds to its servers."""
ARXIV_URL_KEYS: tuple[str, ...] = ("arxiv_oai_url", "arxiv_api_url", "arxiv_pdf_url", "arxiv_eprint_url")


def _text_path(value: Any) -> Any:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty path")
    return value


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return value


def _email(value: str) -> str:
    name, at_sign, domain = value.partition("@")
    if not (name and at_sign and "." in domain) or any(c.isspace() for c in value):
        raise ValueError("must be an e-mail address")
    return value


Seconds = Annotated[float, BeforeValidator(_no_bool), Field(gt=0, allow_inf_nan=False)]
Share = Annotated[float, BeforeValidator(_no_bool), Field(ge=0, le=1, allow_inf_nan=False)]
Count = Annotated[int, BeforeValidator(_no_bool)]
Url = Annotated[str, AfterValidator(_http_url), Field(description="an http(s) URL")]


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Config:
    """Every setting flopsdb reads, with its type and allowed range. Build one with :func:`load_config`."""

    home: Annotated[Path, BeforeValidator(_text_path), Field(description="a non-empty path")] = Path("flopsdb-data")
    arxiv_oai_url: Url = "https://oaipmh.arxiv.org/oai"
    arxiv_api_url: Url = "https://export.arxiv.org/api/query"
    arxiv_pdf_url: Url = "https://arxiv.org/pdf"
    arxiv_eprint_url: Url = "https://arxiv.org/e-print"
    pwc_api_url: Url = "https://paperswithcode.co/api/v1"
    pwc_dump: Annotated[str, Field(description="a path or URL, or empty")] = ""
    arxiv_delay: Annotated[float, BeforeValidator(_no_bool), Field(ge=0, allow_inf_nan=False)] = ARXIV_MIN_DELAY
    contact_email: Annotated[str, AfterValidator(_email), Field(description="an e-mail address")] = "flopsdb@example.org"
    sets: Annotated[tuple[str, ...], BeforeValidator(_comma_list), Field(min_length=1)] = DEFAULT_SETS
    http_timeout: Seconds = 30.0
    max_retries: Annotated[Count, Field(ge=0, le=100)] = 5
    max_pdf_bytes: Annotated[Count, Field(ge=1)] = 60_000_000
    extract_timeout: Seconds = 120.0
    workers: Annotated[Count, Field(ge=1, le=1024)] = 2
    lease_minutes: Seconds = 10.0
    audit_share: Share = 0.05
    overlap_share: Share = 0.0
    overlap_k: Annotated[Count, Field(ge=2, le=100)] = 2
    max_failures: Annotated[Count, Field(ge=1)] = 5
    sql_timeout: Seconds = 30.0
    sql_max_rows: Annotated[Count, Field(ge=1)] = 10_000

    @model_validator(mode="after")
    def _polite_to_arxiv(self) -> Config:
        hosts = [urlsplit(getattr(self, k)).hostname or "" for k in ARXIV_URL_KEYS]
        on_arxiv = [k for k, h in zip(ARXIV_URL_KEYS, hosts) if h == "arxiv.org" or h.endswith(".arxiv.org")]
        if self.arxiv_delay < ARXIV_MIN_DELAY and on_arxiv:
            raise ValueError(
                f"arxiv_delay = {self.arxiv_delay:g} is below arXiv's {ARXIV_MIN_DELAY:g} s politeness delay "
                f"while {on_arxiv[0]} points at arXiv; allowed: a number >= {ARXIV_MIN_DELAY:g} "
                "(below only when every arXiv URL points elsewhere, e.g. a local mirror)"
            )
        return self

    @property
    def db_path(self) -> Path:
        """The live DuckDB file."""
        return self.home / "flopsdb.duckdb"

    @property
    def published_path(self) -> Path:
        """The read-only snapshot analysts query (swapped in atomically by ``flopsdb publish``)."""
        return self.home / "published" / "flopsdb.duckdb"

    @property
    def pdf_dir(self) -> Path:
        """The content-addressed PDF cache."""
        return self.home / "pdfs"

    @property
    def user_agent(self) -> str:
        """The descriptive User-Agent sent with every request."""
        from flopsdb import __version__

        return f"flopsdb/{__version__} (literature mining of ML compute; mailto:{self.contact_email})"


_FIELDS = {f.name: f for f in dataclasses.fields(Config)}


def allowed(key: str) -> str:
    """What :class:`Config` allows for ``key``, in words (``"an integer >= 1"``, ``"a number in [0, 1]"``)."""
    info = Config.__pydantic_fields__[key]  # type: ignore[attr-defined]
    kind = {int: "an integer", float: "a finite number", str: "text", Path: "a path"}.get(info.annotation, "a list of text")
    low = high = None
    for m in info.metadata:
        if isinstance(m, (at.Ge, at.Gt)):
            low = (">=" if isinstance(m, at.Ge) else ">", m.ge if isinstance(m, at.Ge) else m.gt)
        elif isinstance(m, (at.Le, at.Lt)):
            high = ("<=" if isinstance(m, at.Le) else "<", m.le if isinstance(m, at.Le) else m.lt)
        elif isinstance(m, at.MinLen):
            kind += f" of at least {m.min_length} item"
    if info.description:
        return info.description
    if low and high:
        return f"{kind} in {'[' if low[0] == '>=' else '('}{low[1]:g}, {high[1]:g}{']' if high[0] == '<=' else ')'}"
    if low:
        return f"{kind} {low[0]} {low[1]:g}"
    return kind


def _build(values: dict[str, Any], origin: dict[str, str]) -> Config:
    try:
        return Config(**values)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        if key not in _FIELDS:
            raise ConfigError(f"invalid configuration: {err['msg'].removeprefix('Value error, ')}") from None
        value = values.get(key, err.get("input"))
        shown = repr(value) if not (isinstance(value, float) and math.isnan(value)) else "nan"
        raise ConfigError(
            f"invalid setting {key} = {shown} ({origin.get(key, 'default')}): {err['msg'].removeprefix('Value error, ')}; allowed: {allowed(key)}"
        ) from None


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Config:
    """Read and validate the configuration.

    ``path`` defaults to ``./flopsdb.toml`` when that file exists. ``env`` defaults to
    ``os.environ``. Keyword ``overrides`` win over everything (the CLI uses them). An invalid value,
    an unknown key or a file that is not a table of settings raises :class:`ConfigError`.

    >>> load_config(env={"FLOPSDB_WORKERS": "2"}).workers
    2
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}

    file = Path(path) if path is not None else Path("flopsdb.toml")
    if path is not None and not file.exists():
        raise ConfigError(f"configuration file not found: {file}")
    if file.exists():
        try:
            data: Any = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise ConfigError(f"cannot parse {file}: {exc}") from None
        data = data.get("flopsdb", data)
        if not isinstance(data, dict):
            raise ConfigError(f"invalid setting flopsdb = {data!r} ({file}): allowed: a table of settings")
        for key, raw in data.items():
            if key not in _FIELDS:
                raise ConfigError(f"unknown setting {key!r} in {file}")
            values[key], origin[key] = raw, str(file)

    for key in _FIELDS:
        raw = env.get(f"FLOPSDB_{key.upper()}")
        if raw is not None and raw != "":
            values[key], origin[key] = raw, f"environment FLOPSDB_{key.upper()}"

    for key, raw in overrides.items():
        if raw is None:
            continue
        if key not in _FIELDS:
            raise ConfigError(f"unknown setting {key!r}")
        values[key], origin[key] = raw, "option"

    return _build(values, origin)
