"""arXivRaw author strings -> names and affiliations, by the rules arXiv itself applies to them.

arXiv stores a paper's authors as one string, e.g.
``"QUaD collaboration: S. Gupta (1), P. Ade (1), J. Bock (2,3) ((1) Cardiff University, (2) JPL, (3) Caltech)"``.
The rules (arXiv's author/affiliation parsing, as used for its abstract pages and OAI metadata):

- authors are separated by ``,``, ``:``, `` and `` and `` & ``, but never inside parentheses, so
  ``"Ana Roe (University of X and INFN)"`` is one author with one affiliation;
- a parenthesised group after a name is that author's affiliation; a group of numbers (``(1,2)``,
  ``(1 and 3)``) refers to the numbered list ``((1) ..., (2) ...)`` that closes the string;
- an author without an affiliation takes that of the next author who has one
  (``"A, B (MIT)"``: both at MIT), except a collaboration named first (``"BELLE Collaboration: ..."``);
- ``Jr``, ``Sr``, ``II``, ``III``, ``IV`` after a comma belong to the name before them;
- ``et al`` is not an author;
- a dot between initials is followed by a space (``S.M. Warner`` -> ``S. M. Warner``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENUM_LIST = re.compile(r"\(\s*\((.*)$", re.S)
_ENUM_ITEM = re.compile(r"^(\d+)\)\s*(\S.*?)[.,\s]*$", re.S)
_AND = re.compile(r",?\s+(?:and|&)\s+")
_REFS_AND = re.compile(r"\s+(?:and|&)\s+", re.I)
_SUFFIX = re.compile(r"^(?:Jr|Sr)\.?$|^(?:II|III|IV)$")
_ET_AL = re.compile(r"(?:^|\s+)et\.?\s*al\.?$", re.I)
_COLLABORATION = re.compile(r"\b(?:collaboration|group|team)$", re.I)
_DOT = re.compile(r"(?<!\\)\.(?=[^\s.,\-)'])")


@dataclass(frozen=True)
class Author:
    """One author of a paper and the affiliations given for them (in the order given)."""

    name: str
    affiliations: tuple[str, ...] = ()


def _numbered_list(text: str) -> tuple[str, dict[str, str]]:
    """Cut the closing numbered affiliation list ``((1) A, (2) B)`` off ``text``; return the rest and the list."""
    found = _ENUM_LIST.search(text)
    if not found:
        return text, {}
    body = re.sub(r"\s*\)\s*$", "", found.group(1))
    listed = {}
    for part in body.split("("):
        item = _ENUM_ITEM.match(part.strip())
        if item:
            listed[item.group(1)] = " ".join(item.group(2).split())
    return text[: found.start()], listed


def _blocks(text: str) -> list[tuple[bool, str]]:
    """``text`` as ``(is_parenthesised, content)`` blocks at the top level of parentheses."""
    out: list[tuple[bool, str]] = []
    depth, buf = 0, ""
    for ch in text:
        if ch == "(":
            if depth == 0:
                out.append((False, buf))
                buf = ""
            else:
                buf += ch
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append((True, buf))
                buf = ""
            else:
                buf += ch
        else:
            buf += ch
    out.append((depth > 0, buf))
    return [(paren, content) for paren, content in out if content.strip()]


def _tidy(name: str) -> str:
    return _DOT.sub(". ", " ".join(name.split())).strip(" ,;:")


def parse_authors(raw: str | None) -> tuple[Author, ...]:
    """Parse an arXivRaw ``<authors>`` string into authors with their affiliations."""
    if not raw or not raw.strip():
        return ()
    text, listed = _numbered_list(" ".join(raw.split()))
    names: list[str] = []
    affils: list[list[str]] = []
    glue_ok = False  # may a suffix join the previous name (no affiliation in between)?
    for paren, content in _blocks(text):
        if paren:
            if names:
                refs = _REFS_AND.sub(",", content).strip()
                if re.fullmatch(r"[\d,\s]+", refs):
                    affils[-1] += [listed[n] for n in (r.strip() for r in refs.split(",")) if n in listed]
                else:
                    affils[-1].append(" ".join(content.split()))
            glue_ok = False
            continue
        for piece in re.split(r"[,:;]", _AND.sub(",", content)):
            piece = _ET_AL.sub("", piece.strip()).strip()
            if not piece:
                continue
            if _SUFFIX.match(piece) and names and glue_ok:
                names[-1] = f"{names[-1]} {piece}"
                continue
            names.append(_tidy(piece))
            affils.append([])
            glue_ok = True
    collaborations = 0
    while collaborations < len(names) and _COLLABORATION.search(names[collaborations]):
        collaborations += 1
    following: list[str] = []
    for i in range(len(names) - 1, collaborations - 1, -1):
        if affils[i]:
            following = affils[i]
        else:
            affils[i] = list(following)
    return tuple(Author(n, tuple(dict.fromkeys(a))) for n, a in zip(names, affils))
