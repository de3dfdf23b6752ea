"""Allowed hosts: refuse requests whose Host header names a host we do not serve.

Litestar's own check compares the whole header, port included, so ``127.0.0.1:8000`` fails
against ``127.0.0.1``; this one compares the host name only (``*.example.org`` allowed).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send


def host_name(header: str) -> str:
    """The host part of a Host header: no port, lower case, IPv6 brackets kept."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_allowed(host: str, allowed: Sequence[str]) -> bool:
    """Exact match, ``*`` for any, or ``*.suffix`` for subdomains."""
    for pattern in allowed:
        pattern = pattern.lower()
        if pattern == "*" or pattern == host:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


class AllowedHostsMiddleware(ASGIMiddleware):
    """400 with a problem-details body for a Host header outside ``allowed_hosts``."""

    def __init__(self, allowed: Sequence[str]) -> None:
        self.allowed = list(allowed)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] in ("http", "websocket"):
            raw = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
            if not is_allowed(host_name(raw), self.allowed):
                await _refuse(send)
                return
        await next_app(scope, receive, send)


async def _refuse(send: Send) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": "Bad Request", "status": 400,
         "detail": "This host name is not served here."}
    ).encode()  # fmt: skip
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 400,
        "headers": [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})
