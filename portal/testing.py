"""Test helpers for portal pages, for core's tests and any plugin's.

``sign_in(app, person)`` signs a constituent in through a real magic link (confirmation page,
then POST) and returns a :class:`PortalClient` whose ``submit`` posts forms with the
session's CSRF token, as a browser would::

    from portal.testing import make_person, sign_in

    async def test_my_page(app):
        client = await sign_in(app, await make_person("ann@example.org"))
        assert (await client.get("/portal/my-plugin/")).status_code == 200
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from litestar import Litestar

from core.constituents.service import create_constituent
from core.testing import TEST_HOST
from portal.auth import links

CSRF_FIELD = re.compile(r'name="_csrf" value="([^"]+)"')


@dataclass
class Donor:
    """A constituent with an email address, able to sign in to the portal."""

    id: int
    email: str


class PortalClient(httpx.AsyncClient):
    """A browser-like client signed in to the portal; ``submit`` posts forms with CSRF."""

    csrf: str = ""

    async def submit(self, url: str, data: dict[str, Any] | None = None) -> httpx.Response:
        """POST a form with the session's ``_csrf`` field, without following redirects."""
        fields: dict[str, Any] = {"_csrf": self.csrf, **(data or {})}
        return await self.post(url, data=fields)


def browser(app: Litestar) -> PortalClient:
    """A cookie-keeping client for the app (same-origin headers like a browser form)."""
    return PortalClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url=f"http://{TEST_HOST}",
        headers={"Origin": f"http://{TEST_HOST}"},
    )


async def make_person(email: str, first: str = "Ann", last: str = "Donor") -> Donor:
    """An individual with one primary email."""
    detail = await create_constituent(
        {
            "kind": "individual",
            "first_name": first,
            "last_name": last,
            "emails": [{"email": email, "is_primary": True}],
        }
    )
    return Donor(detail.id, email)


async def sign_in(app: Litestar, donor: Donor) -> PortalClient:
    """Sign a donor in through a fresh magic link (confirmation page, then POST)."""
    token = await links.create_link(donor.id, donor.email)
    client = browser(app)
    page = await client.get(f"/portal/login/confirm?token={token}")
    assert page.status_code == 200, page.text
    response = await client.post("/portal/login/confirm", data={"token": token})
    assert response.status_code == 303, response.text
    home = await client.get("/portal/profile")
    match = CSRF_FIELD.search(home.text)
    assert match, home.text
    client.csrf = match.group(1)
    return client


make_donor = make_person  # the name the donations tests grew up with
