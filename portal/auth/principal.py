"""The signed-in portal visitor: a constituent, never a staff user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException

from core.context import Actor
from core.web.mounting import PORTAL_PRINCIPAL_SCOPE_KEY


@dataclass(frozen=True)
class PortalPrincipal:
    """A constituent signed in to the portal through a server-side session."""

    constituent_id: int
    email: str
    session_id: int
    csrf_token: str

    @property
    def actor(self) -> Actor:
        """Who audit entries and the consent log name for changes made in the portal."""
        return Actor(kind="portal", id=self.constituent_id, label=f"portal:{self.email}")


def portal_principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> PortalPrincipal | None:
    """The portal principal of a request, or None."""
    value = connection.scope.get(PORTAL_PRINCIPAL_SCOPE_KEY)
    return value if isinstance(value, PortalPrincipal) else None


def require_portal_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> PortalPrincipal:
    """The portal principal; 401 (a redirect to the portal sign-in page) when anonymous."""
    principal = portal_principal_of(connection)
    if principal is None:
        raise NotAuthorizedException("Sign in to the portal first.")
    return principal
