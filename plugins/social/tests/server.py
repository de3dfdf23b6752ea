"""A real HTTP server on loopback for the source tests (a thread running ``http.server``).

Routes map a path (without query) to a list of canned replies served in turn (the last one
repeats) or to a function of the request. Every request is recorded so tests can check the
conditional headers and query parameters the sources sent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Reply:
    """One canned HTTP reply."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    """One request the server received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


Route = list[Reply] | Callable[[Seen], Reply]


class LoopbackServer:
    """Serves ``routes`` on 127.0.0.1 at a free port."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                seen = Seen(
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                )
                server.seen.append(seen)
                reply = server.reply_for(seen)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if not {"content-length", "transfer-encoding"} & {k.lower() for k in reply.headers}:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def reply_for(self, seen: Seen) -> Reply:
        """The next reply of the matching route, 404 when none matches."""
        route = self.routes.get(seen.path)
        if route is None:
            return Reply(404, b"not found")
        if callable(route):
            return route(seen)
        return route.pop(0) if len(route) > 1 else route[0]

    def requests_to(self, path: str) -> list[Seen]:
        """Requests received for ``path``."""
        return [s for s in self.seen if s.path == path]

    def start(self) -> None:
        """Start serving in a daemon thread."""
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()


def fixture_bytes(name: str, **replacements: str) -> bytes:
    """A fixture file, with ``{{key}}`` placeholders replaced."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for key, value in replacements.items():
        text = text.replace("{{" + key + "}}", value)
    return text.encode("utf-8")
