"""Fixtures of the crawler tests: a scripted local HTTP server, and one that the configuration points arXiv and
Papers with Code at (``env``, with the three OAI-PMH fixture pages routed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from crawler_helpers import FIXTURES, Reply, ScriptedServer

from flopsdb.core.config import Config


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer()
    yield s
    s.close()


@pytest.fixture
def env(config: Config, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> ScriptedServer:
    monkeypatch.setenv("FLOPSDB_ARXIV_OAI_URL", server.url + "/oai")
    monkeypatch.setenv("FLOPSDB_ARXIV_PDF_URL", server.url + "/pdf")
    monkeypatch.setenv("FLOPSDB_ARXIV_API_URL", server.url + "/api/query")
    monkeypatch.setenv("FLOPSDB_PWC_API_URL", server.url + "/pwc")
    monkeypatch.setenv("FLOPSDB_MAX_RETRIES", "1")
    oai = FIXTURES / "oai"
    server.route("/oai?resumptionToken=tok|2", Reply(200, (oai / "page2.xml").read_bytes()))
    server.route("/oai?resumptionToken=tok|3", Reply(200, (oai / "page3.xml").read_bytes()))
    server.route("/oai?metadataPrefix=arXivRaw", Reply(200, (oai / "page1.xml").read_bytes()))
    return server
