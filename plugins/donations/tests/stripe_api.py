"""A loopback stand-in for the few Stripe API endpoints the donations plugin calls.

Stripe's own library talks to it (``stripe_api_base``), so requests are encoded exactly as
they would be for api.stripe.com. Each request is recorded with its form fields decoded.
Checkout Sessions are numbered in order: ``cs_test_1``, ``cs_test_2``, ...
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class StripeCall:
    """One request the fake received."""

    method: str
    path: str
    form: dict[str, str]


@dataclass
class FakeStripe:
    """The running fake: its address and what it was asked."""

    url: str
    calls: list[StripeCall] = field(default_factory=list)

    def paths(self) -> list[str]:
        """``METHOD /path`` of every call, in order."""
        return [f"{c.method} {c.path}" for c in self.calls]


def _subscription(sub_id: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": "si_1", "object": "subscription_item"}
    item["price"] = {"id": "price_1", "object": "price", "product": "prod_1"}
    return {
        "id": sub_id,
        "object": "subscription",
        "status": "active",
        "items": {"object": "list", "data": [item], "has_more": False},
    }


def _answer(method: str, path: str, sessions: int) -> tuple[int, dict[str, Any]]:
    if "sub_missing" in path:
        message = "No such subscription: 'sub_missing'"
        return 404, {"error": {"type": "invalid_request_error", "message": message}}
    if method == "POST" and path == "/v1/checkout/sessions":
        session = f"cs_test_{sessions}"
        url = f"https://checkout.stripe.com/c/pay/{session}"
        return 200, {"id": session, "object": "checkout.session", "url": url}
    if path.startswith("/v1/subscriptions/"):
        sub_id = path.rsplit("/", 1)[1]
        body = _subscription(sub_id)
        if method == "DELETE":
            body["status"] = "canceled"
        return 200, body
    return 404, {"error": {"type": "invalid_request_error", "message": f"no route {path}"}}


@contextmanager
def fake_stripe() -> Iterator[FakeStripe]:
    """Serve the fake on a free loopback port for the duration of the block."""
    state: FakeStripe

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            path = self.path.split("?", 1)[0]
            state.calls.append(
                StripeCall(self.command, path, dict(parse_qsl(raw, keep_blank_values=True)))
            )
            sessions = sum(1 for c in state.calls if c.path == "/v1/checkout/sessions")
            status, body = _answer(self.command, path, sessions)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("request-id", "req_test")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _handle  # noqa: N815

        def log_message(self, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = FakeStripe(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
