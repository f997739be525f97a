"""Crawler test helpers: a scripted local HTTP server (real sockets, real HTTP) and tiny hand-written PDFs."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crawler"
_SPEC = importlib.util.spec_from_file_location("make_sample", Path(__file__).resolve().parents[2] / "scripts" / "make_sample.py")
assert _SPEC is not None and _SPEC.loader is not None
_SAMPLE_WRITER = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_SAMPLE_WRITER)


@dataclass
class Reply:
    """One scripted answer. ``action``: ``send`` (normal), ``reset`` (close without answering),
    ``truncate`` (announce ``len(body)`` bytes, send half, close), ``trickle`` (send the body in ten
    pieces 0.1 s apart); ``delay`` sleeps before answering."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    action: str = "send"
    delay: float = 0.0


@dataclass
class Seen:
    """A request the server received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


class ScriptedServer:
    """Routes map a path (and optionally a query key=value) to a queue of replies; the last reply repeats."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply | Callable[[Seen], Reply]]] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                seen = Seen(parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with server.lock:
                    server.seen.append(seen)
                    reply = server._pick(seen)
                if callable(reply):
                    reply = reply(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.action == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply.body)))
                if reply.action == "truncate":
                    self.send_header("Connection", "close")
                self.end_headers()
                if reply.action == "trickle":
                    step = max(1, len(reply.body) // 10)
                    try:
                        for i in range(0, len(reply.body), step):
                            self.wfile.write(reply.body[i : i + step])
                            self.wfile.flush()
                            time.sleep(0.1)
                    except (BrokenPipeError, ConnectionResetError):
                        self.close_connection = True
                    return
                if reply.action == "truncate":
                    self.wfile.write(reply.body[: len(reply.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                try:
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def route(self, key: str, *replies: Reply | Callable[[Seen], Reply]) -> None:
        """``key`` is a path, or ``path?name=value`` to match one query parameter."""
        self.routes[key] = list(replies)

    def _pick(self, seen: Seen) -> Reply | Callable[[Seen], Reply]:
        for key, queue in self.routes.items():
            path, _, cond = key.partition("?")
            if path != seen.path:
                continue
            if cond:
                name, _, value = cond.partition("=")
                if value not in seen.query.get(name, []):
                    continue
            return queue.pop(0) if len(queue) > 1 else queue[0]
        return Reply(404, b"not found", {"Content-Type": "text/plain"})

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def pdf_bytes(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a text layer, written by the shipped sample's PDF writer."""
    return _SAMPLE_WRITER.pdf_bytes([lines])
