"""A local HTTP server that plays arXiv and Papers with Code for the offline sample.

``flopsdb nightly --offline-sample`` starts it on a free loopback port, points the configuration's
URLs at it and runs the real pipeline: OAI-PMH pages with a resumption token, version-pinned PDFs
(one of which is an HTML error page and one truncated), and a Papers-with-Code dump.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlparse


def sample_dir() -> Path:
    """The folder holding the shipped sample (``flopsdb/sample``)."""
    return Path(str(resources.files("flopsdb") / "sample"))


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler for local test servers: logs nothing and answers with :meth:`send`; its server carries
    the state given to :class:`LocalServer` as attributes (``self.server.<name>``)."""

    server: Any

    def log_message(self, format: str, *args: Any) -> None:
        return

    def send(self, status: int, body: bytes, ctype: str) -> None:
        """Answer ``status`` with ``body`` of content type ``ctype``."""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Handler(QuietHandler):
    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        url = urlparse(self.path)
        root = self.server.root
        if url.path.rstrip("/").endswith("/oai"):
            query = parse_qs(url.query)
            token = query.get("resumptionToken", [""])[0]
            page = "page2.xml" if token == "sample-token-1" else "page1.xml"
            self.send(200, (root / "oai" / page).read_bytes(), "text/xml; charset=utf-8")
            return
        if url.path.startswith("/pdf/"):
            vid = url.path.rsplit("/", 1)[-1].removesuffix(".pdf")
            pdf, html = root / "pdf" / f"{vid}.pdf", root / "pdf" / f"{vid}.html"
            if pdf.exists():
                self.send(200, pdf.read_bytes(), "application/pdf")
            elif html.exists():
                self.send(200, html.read_bytes(), "text/html; charset=utf-8")
            else:
                self.send(404, b"not found", "text/plain")
            return
        if url.path.startswith("/pwc/"):
            path = root / "pwc" / url.path.rsplit("/", 1)[-1]
            if path.exists():
                self.send(200, path.read_bytes(), "application/json")
                return
        self.send(404, b"not found", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class LocalServer:
    """``with LocalServer(handler, **state) as s: s.url`` serves ``handler`` on ``127.0.0.1`` until the block ends;
    ``state`` becomes attributes of the HTTP server (:attr:`state`), which the handler reads as ``self.server``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0, **state: Any) -> None:
        self._server = _Server(("127.0.0.1", port), handler)
        for name, value in state.items():
            setattr(self._server, name, value)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def state(self) -> Any:
        """The HTTP server, holding the state its handler reads and writes."""
        return self._server

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def config_overrides(self) -> dict[str, object]:
        """The settings that point flopsdb at this server (one OAI set: the sample's single page chain
        holds every sample paper, whatever set is asked for)."""
        return {
            "arxiv_oai_url": f"{self.url}/oai",
            "arxiv_pdf_url": f"{self.url}/pdf",
            "arxiv_eprint_url": f"{self.url}/e-print",
            "arxiv_api_url": f"{self.url}/api/query",
            "pwc_api_url": f"{self.url}/pwc-api/v1",
            "pwc_dump": f"{self.url}/pwc/evaluation-tables.json",
            "arxiv_delay": 0.0,
            "sets": ("cs:cs:LG",),
        }

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class SampleServer(LocalServer):
    """``with SampleServer() as s: s.url`` serves the sample on ``127.0.0.1`` until the block ends."""

    def __init__(self, root: Path | None = None, port: int = 0) -> None:
        self.root = root or sample_dir()
        super().__init__(_Handler, port, root=self.root, requests=[])

    @property
    def requests(self) -> list[str]:
        """Paths requested so far."""
        return list(self.state.requests)
