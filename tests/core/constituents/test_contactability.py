"""is_contactable: deceased and deleted constituents are never contacted; checks extend."""

from __future__ import annotations

import pytest

from core.constituents import contactability, service
from core.constituents.contactability import ContactSubject, is_contactable
from core.errors import InvalidInputError
from core.plugins.registry import PluginRegistry
from tests.core.constituents.record_helpers import MARIA


async def test_living_constituent_is_contactable_on_every_channel(
    registry: PluginRegistry,
) -> None:
    cid = (await service.create_constituent(MARIA)).id
    for channel in contactability.CHANNELS:
        assert await is_contactable(cid, channel) is True


async def test_deceased_constituent_is_not_contactable(registry: PluginRegistry) -> None:
    cid = (await service.create_constituent(MARIA)).id
    await service.update_constituent(cid, {"deceased": True})
    assert await is_contactable(cid, "email") is False
    verdict = await contactability.contactability(cid, "mail")
    assert verdict.reasons == ("deceased",)


async def test_deleted_or_unknown_constituent_is_not_contactable(registry: PluginRegistry) -> None:
    cid = (await service.create_constituent(MARIA)).id
    await service.soft_delete_constituent(cid)
    assert await is_contactable(cid, "phone") is False
    assert (await contactability.contactability(cid, "phone")).reasons == ("deleted",)
    assert await is_contactable(4242, "email") is False


async def test_unknown_channel_is_refused(registry: PluginRegistry) -> None:
    with pytest.raises(InvalidInputError):
        await is_contactable(1, "pigeon")


async def test_a_new_check_is_all_it_takes_to_extend(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = (await service.create_constituent(MARIA)).id

    async def no_sms(subject: ContactSubject, channel: str) -> str | None:
        return "sms blocked" if channel == "sms" else None

    monkeypatch.setattr(contactability, "CHECKS", [*contactability.CHECKS, no_sms])
    assert await is_contactable(cid, "sms") is False
    assert await is_contactable(cid, "email") is True
    await service.update_constituent(cid, {"deceased": True})
    assert (await contactability.contactability(cid, "sms")).reasons == (
        "deceased",
        "sms blocked",
    )
