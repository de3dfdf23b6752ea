"""Security headers on every response, error pages included (a ``before_send`` hook)."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    ),
}
# The Swagger UI page loads its own inline script and assets.
SCHEMA_CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline' https:; "
    "script-src 'self' 'unsafe-inline' https:; frame-ancestors 'none'"
)


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Add :data:`SECURITY_HEADERS` (and HSTS behind HTTPS) to an HTTP response start."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS.items():
        if name not in headers:
            headers[name] = value
    if scope.get("path", "").startswith("/schema"):
        headers["Content-Security-Policy"] = SCHEMA_CSP
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
