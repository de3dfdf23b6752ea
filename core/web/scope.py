"""Reading headers and cookies straight off an ASGI scope (for middleware)."""

from __future__ import annotations

from litestar.types import Scope


def scope_header(scope: Scope, name: bytes) -> str:
    """The first value of a request header (lower-case ``name``), or ``""``."""
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def scope_cookie(scope: Scope, name: str) -> str:
    """A cookie's value from the ``Cookie`` header, or ``""``."""
    for part in scope_header(scope, b"cookie").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""
