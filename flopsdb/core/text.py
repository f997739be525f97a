"""Text that is safe to show on a terminal: data never becomes markup or an escape sequence.

Data read from papers, feeds, file names or the database can hold terminal escape sequences (ESC,
CSI), other control characters, bidirectional overrides, or undecodable bytes carried as lone
surrogates (``os.fsdecode`` of a non-UTF-8 file name). :func:`printable` removes or replaces them;
every line the CLI prints with data in it goes through it.
"""

from __future__ import annotations

import re
from typing import Any

_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
"""CSI (``ESC [ ... final``), OSC (``ESC ] ... BEL``) and two-character escape sequences."""
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 controls except tab and newline, DEL, C1 controls, and bidirectional marks and overrides."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(value: Any, *, one_line: bool = False) -> str:
    """``value`` as text fit for a terminal: escape sequences and control characters removed, undecodable
    bytes as U+FFFD; with ``one_line`` tabs and line breaks become spaces (for table cells).

    >>> printable("a\\x1b[31mred\\x1b[0m\\x07 [b]")
    'ared [b]'
    """
    text = "" if value is None else str(value)
    text = _SURROGATE.sub("\ufffd", _CONTROL.sub("", _ESCAPE.sub("", text)))
    return re.sub(r"[\t\n]+", " ", text) if one_line else text
