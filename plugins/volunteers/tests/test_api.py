"""The JSON API: opportunities, shifts, sign-ups, attendance, series, profiles, hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from plugins.volunteers.common import org_today
from plugins.volunteers.tests.conftest import PersonFactory

BASE = "/api/v1/volunteers"


async def test_api_round_trip_and_validation(api: httpx.AsyncClient, person: PersonFactory) -> None:
    ana, blas = await person("Ana"), await person("Blas")
    bad = await api.post(f"{BASE}/opportunities", json={"title": "", "minimum_age": 500})
    assert bad.status_code == 422
    made = await api.post(
        f"{BASE}/opportunities", json={"title": "Beach clean", "required_skills": ["Lifting"]}
    )
    assert made.status_code == 201, made.text
    opportunity = made.json()["id"]
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    backwards = await api.post(
        f"{BASE}/shifts",
        json={
            "opportunity_id": opportunity,
            "starts_at": start.isoformat(),
            "ends_at": (start - timedelta(hours=1)).isoformat(),
            "capacity": 1,
        },
    )
    assert backwards.status_code == 422
    shift = await api.post(
        f"{BASE}/shifts",
        json={
            "opportunity_id": opportunity,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "capacity": 1,
        },
    )
    assert shift.status_code == 201
    shift_id = shift.json()["id"]
    first = await api.post(f"{BASE}/shifts/{shift_id}/signups", json={"constituent_id": ana})
    second = await api.post(f"{BASE}/shifts/{shift_id}/signups", json={"constituent_id": blas})
    assert (first.json()["status"], second.json()["status"]) == ("signed_up", "waitlisted")
    roster = (await api.get(f"{BASE}/shifts/{shift_id}/signups")).json()
    assert [r["status"] for r in roster] == ["signed_up", "waitlisted"]
    arrived = await api.post(f"{BASE}/signups/{first.json()['id']}/check-in")
    assert arrived.json()["status"] == "attended"
    fixed = await api.put(
        f"{BASE}/signups/{first.json()['id']}/attendance",
        json={
            "checked_in_at": start.isoformat(),
            "checked_out_at": (start + timedelta(minutes=75)).isoformat(),
        },
    )
    assert fixed.status_code == 200
    totals = (await api.get(f"{BASE}/hours/totals?group=person")).json()
    assert totals == [{"key": str(ana), "minutes": 75, "value_minor": 0, "currency": "EUR"}]
    series = await api.post(
        f"{BASE}/series",
        json={
            "opportunity_id": opportunity,
            "frequency": "monthly",
            "start_date": (org_today() + timedelta(days=1)).isoformat(),
            "until_date": (org_today() + timedelta(days=70)).isoformat(),
            "local_start": "09:00",
            "duration_minutes": 60,
            "capacity": 3,
        },
    )
    assert series.status_code == 201
    assert len(series.json()["shift_ids"]) >= 2
    assert (await api.get(f"{BASE}/profiles/{ana}")).status_code == 404
    saved = await api.put(
        f"{BASE}/profiles/{ana}",
        json={"skills": ["First aid"], "availability": {"5": [["09:00", "13:00"]]}},
    )
    assert saved.json()["skills"] == ["first aid"]
    wrong_range = await api.put(
        f"{BASE}/profiles/{ana}", json={"availability": {"5": [["13:00", "09:00"]]}}
    )
    assert wrong_range.status_code == 422
    cancelled = await api.post(f"{BASE}/shifts/{shift_id}/cancel", json={"reason": "Storm"})
    assert cancelled.json()["cancelled_at"] is not None
    assert (await api.get(f"{BASE}/shifts/999999")).status_code == 404
