"""Behind an https public URL the session cookie is marked Secure."""

from __future__ import annotations

import httpx
import pytest

from core.settings import Settings
from core.testing import TestUser, base_settings
from tests.core.auth.conftest import login, session_of


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a deployment served over https."""
    return base_settings(database_url, public_base_url="https://crm.example.org")


async def test_cookie_is_secure_behind_https(client: httpx.AsyncClient, staff: TestUser) -> None:
    response = await login(client, staff.email)

    assert session_of(response).cookie
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
