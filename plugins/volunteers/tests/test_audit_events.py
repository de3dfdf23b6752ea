"""Every change leaves an audit entry and an event dispatched only after commit."""

from __future__ import annotations

import pytest

from core import audit, events
from core.errors import ConflictError
from core.plugins.types import DomainEvent
from plugins.volunteers import checkin, shifts, signups
from plugins.volunteers.tests.conftest import PersonFactory, ShiftFactory


async def test_signup_flow_is_audited_and_emits_events_after_commit(
    person: PersonFactory, shift: ShiftFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[DomainEvent] = []

    async def capture(event: DomainEvent) -> None:
        seen.append(event)

    monkeypatch.setattr(events, "dispatch", capture)
    shift_id = await shift(capacity=1)
    ana, blas = await person("Ana"), await person("Blas")
    seen.clear()
    first = await signups.sign_up(shift_id, ana)
    await signups.sign_up(shift_id, blas)
    await signups.cancel_signup(first.id)
    await shifts.cancel_shift(shift_id, "Rain")
    names = [e.name for e in seen if e.name.startswith("volunteers.")]
    assert "interaction.recorded" in [e.name for e in seen]  # the timeline entries
    assert names == [
        "volunteers.signed_up",
        "volunteers.signed_up",
        "volunteers.promoted",
        "volunteers.signup_cancelled",
        "volunteers.shift_cancelled",
    ]
    assert seen[-1].payload["notified"] == [blas]
    seen.clear()
    with pytest.raises(ConflictError):
        await signups.sign_up(shift_id, await person("Cruz"))
    assert [e.name for e in seen if e.name.startswith("volunteers.")] == []
    entries = await audit.entries_for(entity_type="volunteers_signup", constituent_id=ana)
    assert [e["action"] for e in entries] == ["cancel", "sign_up"]
    promoted = await audit.entries_for(entity_type="volunteers_signup", constituent_id=blas)
    assert "promote" in [e["action"] for e in promoted]
    shift_entries = await audit.entries_for(entity_type="volunteers_shift", entity_id=shift_id)
    assert [e["action"] for e in shift_entries] == ["cancel", "create"]


async def test_attendance_is_audited(person: PersonFactory, shift: ShiftFactory) -> None:
    ana = await person("Ana")
    made = await signups.sign_up(await shift(), ana)
    await checkin.check_in(made.id)
    entries = await audit.entries_for(entity_type="volunteers_signup", entity_id=made.id)
    assert entries[0]["action"] == "check_in"
    assert entries[0]["after"]["status"] == "attended"
