"""Turning modules on and off from the admin UI, without a restart."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pytest

from core import hookimpl
from core.plugins.manifest import PluginInfo
from core.plugins.registry import PluginRegistry
from core.plugins.types import NavItem
from core.testing import BrowserSession

NAVTEST = PluginInfo(
    name="navtest",
    version="1.2.3",
    label="Nav test",
    hooks=__name__,
    requires=frozenset({"social"}),
)


class NavPlugin:
    """A module with a nav entry that requires ``social``."""

    @hookimpl
    def steward_admin_nav(self) -> Sequence[NavItem]:
        """One entry."""
        return [NavItem("Nav test page", "/admin/navtest/", order=50)]


@pytest.fixture
async def registry(registry: PluginRegistry) -> PluginRegistry:
    """The loaded registry plus a module with a nav entry."""
    registry.add_plugin(NAVTEST, NavPlugin())
    registry.installed.append(NAVTEST)
    return registry


async def test_modules_page_lists_plugins(admin_ui: BrowserSession) -> None:
    page = await admin_ui.get("/admin/settings/modules")
    assert page.status_code == 200
    assert 'data-module="social"' in page.text
    assert 'data-module="constituents"' in page.text  # internal, shown as core
    assert "1.2.3" in page.text
    assert "/admin/settings/modules/constituents/disable" not in page.text


async def test_a_required_module_cannot_be_turned_off(admin_ui: BrowserSession) -> None:
    response = await admin_ui.submit("/admin/settings/modules/social/disable")
    assert response.status_code == 409
    assert "Nav test" in response.text
    assert "turn those off first" in response.text
    core = await admin_ui.submit("/admin/settings/modules/constituents/disable")
    assert core.status_code == 409
    assert (await admin_ui.submit("/admin/settings/modules/nosuch/disable")).status_code == 404


async def test_round_trip(admin_ui: BrowserSession, api: httpx.AsyncClient) -> None:
    assert (await api.get("/api/v1/social/")).status_code == 200
    assert "Nav test page" in (await admin_ui.get("/admin/")).text

    off = await admin_ui.submit("/admin/settings/modules/navtest/disable")
    assert off.status_code == 303
    assert "Nav test page" not in (await admin_ui.get("/admin/")).text
    off = await admin_ui.submit("/admin/settings/modules/social/disable")
    assert off.status_code == 303
    assert (await api.get("/api/v1/social/")).status_code == 404
    page = await admin_ui.get("/admin/settings/modules")
    assert "is now off" in page.text
    assert "/admin/settings/modules/social/enable" in page.text

    blocked = await admin_ui.submit("/admin/settings/modules/navtest/enable")
    assert blocked.status_code == 409
    assert "turn that on first" in blocked.text

    assert (await admin_ui.submit("/admin/settings/modules/social/enable")).status_code == 303
    assert (await admin_ui.submit("/admin/settings/modules/navtest/enable")).status_code == 303
    assert (await api.get("/api/v1/social/")).status_code == 200
    assert "Nav test page" in (await admin_ui.get("/admin/")).text
    audit = await admin_ui.get("/admin/settings/audit?entity_type=plugin&entity_id=social")
    assert audit.text.count('data-audit="') == 2
