"""Import spaCy without its command line: a third of its import time, which extraction never uses.

``spacy/__init__.py`` imports ``spacy.cli`` (typer, weasel, requests, httpx, jinja2 and every CLI command) only to
export ``spacy.info``; in an extracting worker that is about 0.2 s of CPU before its first file, and the hardware
grammar's build gets cheaper too (0.6 s -> 0.35 s for ``import spacy`` and :func:`flopsdb.extract.hardware.machine`
together, issue 12). :func:`import_spacy` imports spaCy with a stand-in ``spacy.cli`` package that loads the real
one the moment anything asks it for a name (``spacy.info`` included), then removes the stand-in, so that a later
``import spacy.cli`` gets the real package. The vocabulary, the tokens, the Matcher and the EntityRuler are the
real ones: the grammar and its matches do not change.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

_lock = threading.Lock()


def _real(name: str) -> Any:
    """The real ``spacy.cli`` module (or submodule) ``name``, the stand-ins removed first."""
    for stub in ("spacy.cli.info", "spacy.cli"):
        if isinstance(sys.modules.get(stub), _StandIn):
            del sys.modules[stub]
    return importlib.import_module(name)


class _StandIn(types.ModuleType):
    """A stand-in for a ``spacy.cli`` module: any name asked of it comes from the real module."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(_real(self.__name__), attr)


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: the real ``spacy.cli.info.info``, imported when called."""
    return _real("spacy.cli.info").info(*args, **kwargs)


def import_spacy() -> types.ModuleType:
    """``spacy``, imported without ``spacy.cli`` when it is not imported yet (a no-op after the first call)."""
    with _lock:
        if "spacy" in sys.modules or "spacy.cli" in sys.modules:
            return importlib.import_module("spacy")
        spec = importlib.util.find_spec("spacy")
        locations = list(spec.submodule_search_locations or []) if spec is not None else []
        if not locations:
            return importlib.import_module("spacy")
        package = _StandIn("spacy.cli")
        package.__path__ = [f"{locations[0]}/cli"]  # a real submodule (spacy.cli._util, ...) still imports from there
        info = _StandIn("spacy.cli.info")
        info.info = _info  # type: ignore[attr-defined]
        sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = package, info
        try:
            return importlib.import_module("spacy")
        finally:
            for name, stub in (("spacy.cli", package), ("spacy.cli.info", info)):
                if sys.modules.get(name) is stub:
                    del sys.modules[name]
            spacy = sys.modules.get("spacy")
            if spacy is not None and getattr(spacy, "cli", None) is package:
                delattr(spacy, "cli")
