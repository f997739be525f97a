"""Fixtures of the crawler tests: a scripted local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from crawler_helpers import ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer()
    yield s
    s.close()
