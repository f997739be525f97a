"""A fault-injecting variant of the sample server, for the nightly's fault tests.

``FaultServer(faults={"oai": ["503", "429", ...], "pdf": [...]})`` answers the next request to each
route kind with the next fault in its list, then serves normally. Faults: ``"503"`` (with
``Retry-After: 1``), ``"429"`` (with ``Retry-After: 0``), ``"500"``, ``"reset"`` (the connection is
closed without an answer), ``"slow"`` (the body trickles in over ~1.5 s), ``"truncate"`` (a
Content-Length larger than the body sent).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import defaultdict
from urllib.parse import urlparse

from flopsdb.sample_server import SampleServer, _Handler

__all__ = ["FaultServer"]


class _FaultHandler(_Handler):
    def do_GET(self) -> None:  # noqa: N802
        kind = "oai" if urlparse(self.path).path.rstrip("/").endswith("/oai") else urlparse(self.path).path.strip("/").split("/")[0]
        with self.server.fault_lock:
            queue = self.server.faults.get(kind) or []
            fault = queue.pop(0) if queue else None
        if fault is None:
            super().do_GET()
            return
        self.server.injected[fault] += 1
        if fault in ("503", "429", "500"):
            self.send_response(int(fault))
            if fault != "500":
                self.send_header("Retry-After", "1" if fault == "503" else "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif fault == "slow":
            body = self._body()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = max(1, len(body) // 5)
            for i in range(0, len(body), step):
                self.wfile.write(body[i : i + step])
                self.wfile.flush()
                time.sleep(0.3)
        elif fault == "truncate":
            body = self._body()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.connection.close()

    def _body(self) -> bytes:
        root = self.server.root
        path = urlparse(self.path)
        if path.path.rstrip("/").endswith("/oai"):
            token = "sample-token-1" in path.query
            return (root / "oai" / ("page2.xml" if token else "page1.xml")).read_bytes()
        vid = path.path.rsplit("/", 1)[-1]
        pdf, html = root / "pdf" / f"{vid}.pdf", root / "pdf" / f"{vid}.html"
        return pdf.read_bytes() if pdf.exists() else html.read_bytes() if html.exists() else b"not found"


class FaultServer(SampleServer):
    """The sample server with a schedule of faults per route kind (``oai``, ``pdf``, ``pwc``)."""

    def __init__(self, faults: dict[str, list[str]] | None = None, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self._server.RequestHandlerClass = _FaultHandler
        self._server.faults = {k: list(v) for k, v in (faults or {}).items()}
        self._server.fault_lock = threading.Lock()
        self._server.injected = defaultdict(int)

    @property
    def injected(self) -> dict[str, int]:
        """How many of each fault were served."""
        return dict(self._server.injected)

    def remaining(self) -> dict[str, list[str]]:
        """Faults scheduled but not yet served."""
        return {k: list(v) for k, v in self._server.faults.items() if v}
