"""Identifiers: versioned arXiv ids and the normalised key of a model name.

``VersionedId`` is the one place where ``2007.05558v2`` is parsed and formatted (:func:`versioned`,
:func:`split_version` and :func:`unversioned` are its short forms; the store keeps an id and its version in two
columns, filled with :meth:`VersionedId.split`); ``model_key`` is the one
normalisation of a model's printed name, shared by extraction (the model a fact belongs to), the model records
and the matching of curated records with imported datasets.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

VERSION_SUFFIX = "v[0-9]+$"
"""The pattern of a version suffix (``v5`` in ``1706.03762v5``), the same for Python's ``re`` and DuckDB's regexps."""

_VERSIONED = re.compile(r"^(?P<id>.+?)v(?P<version>[0-9]+)$")
_SUFFIX = re.compile(VERSION_SUFFIX)


@dataclass(frozen=True, order=True)
class VersionedId:
    """An identifier with a version: an arXiv id (``1706.03762v5``) or a versioned component (``hardware.v2``)."""

    id: str
    version: int

    @classmethod
    def parse(cls, text: str) -> VersionedId:
        """Parse ``<id>v<N>`` or ``<name>.v<N>``; raises ``ValueError`` when there is no version."""
        m = _VERSIONED.match(text.strip())
        if not m:
            raise ValueError(f"{text!r} has no version (expected <id>v<N>)")
        return cls(m.group("id").rstrip("."), int(m.group("version")))

    @classmethod
    def split(cls, text: str) -> tuple[str, int | None]:
        """``(id, version)`` of ``<id>v<N>`` or ``<name>.v<N>``, ``(text, None)`` when there is no version: the
        values of a store's id and version columns (``candidates.paper_id``/``paper_version``,
        ``extractor_name``/``extractor_version``; ``"gold"`` gives ``("gold", None)``).

        >>> VersionedId.split("hardware.v2"), VersionedId.split("1706.03762v5"), VersionedId.split("gold")
        (('hardware', 2), ('1706.03762', 5), ('gold', None))
        """
        try:
            parsed = cls.parse(text)
        except ValueError:
            return text.strip(), None
        return parsed.id, parsed.version

    def arxiv(self) -> str:
        """The arXiv form: ``1706.03762v5``."""
        return f"{self.id}v{self.version}"

    def component(self) -> str:
        """The component form: ``hardware.v2``."""
        return f"{self.id}.v{self.version}"


def versioned(arxiv_id: str, version: int) -> str:
    """``<id>v<n>``, the form PDF URLs, items and extracted papers are pinned to: ``versioned("1706.03762", 5)``
    is ``"1706.03762v5"``."""
    return VersionedId(arxiv_id, int(version)).arxiv()


def split_version(text: str, default: int | None = None) -> tuple[str, int]:
    """``(id, version)`` of ``<id>v<n>``; text without a version gets ``default`` (``ValueError`` when None).

    >>> split_version("1706.03762v5"), split_version("hep-th/9901001", default=1)
    (('1706.03762', 5), ('hep-th/9901001', 1))
    """
    ident, version = VersionedId.split(text)
    if version is None:
        if default is None:
            raise ValueError(f"{text!r} has no version (expected <id>v<N>)")
        return ident, default
    return ident, version


def unversioned(paper: str) -> str:
    """The id without its version suffix, if any: ``1706.03762v5`` and ``1706.03762`` both give ``1706.03762``."""
    return _SUFFIX.sub("", paper.strip())


_NEW_STYLE = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5}$")
_OLD_STYLE = re.compile(r"^[a-z][a-z.\-]*/(?P<yy>\d{2})(?P<mm>\d{2})\d{3}$", re.IGNORECASE)


def arxiv_id_year(paper: str) -> int | None:
    """The year an arXiv id was assigned, read from the id itself: a new-style id ``YYMM.NNNN(N)`` (from April
    2007) is 20YY, an old-style ``archive/YYMMNNN`` (1991 to March 2007) is 19YY or 20YY; None for anything else
    (a PDF stem such as ``gpt2-radford2019``) or an impossible month. The id dates the first version.

    >>> arxiv_id_year("1706.03762v5"), arxiv_id_year("hep-th/9901001"), arxiv_id_year("gpt2-radford2019")
    (2017, 1999, None)
    """
    text = unversioned(paper)
    m = _NEW_STYLE.match(text)
    if m:
        yy, mm = int(m.group("yy")), int(m.group("mm"))
        return 2000 + yy if 1 <= mm <= 12 and (yy, mm) >= (7, 4) else None
    m = _OLD_STYLE.match(text)
    if m:
        yy, mm = int(m.group("yy")), int(m.group("mm"))
        year = 1900 + yy if yy >= 91 else 2000 + yy
        return year if 1 <= mm <= 12 and (year, mm) <= (2007, 3) else None
    return None


_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-", "×": "x", "∗": "*"})
_NOISE = re.compile(r"[\s_\-/,;:()\[\]{}'\"`*†‡§¶⋆?]+")
_ARCH_DIM = re.compile(r"(\d)\s*x\s*(\d+)\s*d\b")


def model_key(name: str | None) -> str | None:
    """The normalised key of a model name: case, dashes, spaces, brackets and footnote marks folded.

    ``"ResNeXt-101 (64 × 4d)"``, ``"ResNeXt-101 64x4d"`` and ``"resnext101 64x4"`` share one key; sizes and
    variants stay distinct (``"BERT-Base"`` vs ``"BERT-Large"``).

    >>> model_key("ResNeXt-101 (64 × 4d)") == model_key("ResNeXt-101 64x4")
    True
    """
    if name is None:
        return None
    text = unicodedata.normalize("NFKC", name).translate(_DASHES).lower()
    text = _ARCH_DIM.sub(r"\1x\2", text)
    key = _NOISE.sub("", text)
    return key or None


HALVES: tuple[str, ...] = ("develop", "validate")


def half_of(paper: str) -> str:
    """The half a paper belongs to, by a fixed rule on its id (annotations/GUIDELINES.md): the first hex digit
    of ``sha256(paper)`` is 0-7 for ``develop``, 8-f for ``validate``. Rules are tuned on the develop half only."""
    return "develop" if hashlib.sha256(paper.encode("utf-8")).hexdigest()[0] in "01234567" else "validate"
