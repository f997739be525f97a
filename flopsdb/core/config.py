"""Configuration: ``flopsdb.toml`` in the working directory (or ``--config``), then environment variables.

Precedence, lowest first: built-in defaults, the TOML file, ``FLOPSDB_*`` environment variables.
Every key of :class:`Config` can be set in the file's top-level table; its environment variable is
``FLOPSDB_`` plus the upper-cased key (``arxiv_delay`` -> ``FLOPSDB_ARXIV_DELAY``). List values are
comma-separated in the environment.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from flopsdb.core.errors import ConfigError

__all__ = ["Config", "load_config", "DEFAULT_SETS"]

DEFAULT_SETS: tuple[str, ...] = ("cs:cs:LG", "cs:cs:CV", "cs:cs:CL", "stat:stat:ML")


@dataclass(frozen=True)
class Config:
    """Every setting flopsdb reads. Build one with :func:`load_config`."""

    home: Path = Path("flopsdb-data")
    arxiv_oai_url: str = "https://oaipmh.arxiv.org/oai"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_pdf_url: str = "https://arxiv.org/pdf"
    arxiv_eprint_url: str = "https://arxiv.org/e-print"
    pwc_api_url: str = "https://paperswithcode.co/api/v1"
    pwc_dump: str = ""
    arxiv_delay: float = 3.0
    contact_email: str = "flopsdb@example.org"
    sets: tuple[str, ...] = DEFAULT_SETS
    http_timeout: float = 30.0
    max_retries: int = 5
    max_pdf_bytes: int = 60_000_000
    extract_timeout: float = 120.0
    workers: int = 1
    lease_minutes: float = 10.0
    audit_share: float = 0.05
    overlap_share: float = 0.0
    overlap_k: int = 2
    max_failures: int = 5
    sql_timeout: float = 30.0
    sql_max_rows: int = 10_000

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


def _coerce(name: str, raw: Any, default: Any) -> Any:
    try:
        if isinstance(default, Path):
            return Path(str(raw))
        if isinstance(default, bool):
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, tuple):
            items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
            return tuple(str(i).strip() for i in items if str(i).strip())
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid value for {name}: {raw!r} ({exc})") from None


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Config:
    """Read the configuration.

    ``path`` defaults to ``./flopsdb.toml`` when that file exists. ``env`` defaults to
    ``os.environ``. Keyword ``overrides`` win over everything (the CLI uses them).

    >>> load_config(env={"FLOPSDB_ARXIV_DELAY": "0"}).arxiv_delay
    0.0
    """
    env = os.environ if env is None else env
    defaults = Config()
    values: dict[str, Any] = {}
    known = {f.name: f for f in dataclasses.fields(Config)}

    file = Path(path) if path is not None else Path("flopsdb.toml")
    if path is not None and not file.exists():
        raise ConfigError(f"configuration file not found: {file}")
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot parse {file}: {exc}") from None
        data = data.get("flopsdb", data)
        for key, raw in data.items():
            if key not in known:
                raise ConfigError(f"unknown setting {key!r} in {file}")
            values[key] = _coerce(key, raw, getattr(defaults, key))

    for key in known:
        raw = env.get(f"FLOPSDB_{key.upper()}")
        if raw is not None and raw != "":
            values[key] = _coerce(f"FLOPSDB_{key.upper()}", raw, getattr(defaults, key))

    for key, raw in overrides.items():
        if raw is None:
            continue
        if key not in known:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(key, raw, getattr(defaults, key))

    cfg = dataclasses.replace(defaults, **values)
    if cfg.arxiv_delay < 0:
        raise ConfigError("arxiv_delay must be >= 0")
    return cfg
