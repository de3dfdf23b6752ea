"""The JSON API: levels, rules, memberships, reports; permissions and validation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import httpx

from plugins.membership.tests.conftest import PersonFactory, SetToday

BASE = "/api/v1/membership"


async def test_levels_memberships_and_reports(
    api: httpx.AsyncClient, person: PersonFactory, today: SetToday
) -> None:
    today(date(2026, 1, 31))
    created = await api.post(
        f"{BASE}/levels",
        json={"name": "Monthly", "dues_minor": 1500, "currency": "usd", "duration_unit": "months"},
    )
    assert created.status_code == 201, created.text
    level = created.json()
    assert level["currency"] == "USD"
    gold = (
        await api.post(
            f"{BASE}/levels",
            json={"name": "Gold", "dues_minor": 9000, "currency": "USD", "tier": 5},
        )
    ).json()
    assert (
        await api.post(f"{BASE}/levels", json={"name": "monthly", "currency": "USD"})
    ).status_code == 409
    bad = await api.post(f"{BASE}/levels", json={"name": "X", "currency": "USD", "dues_minor": 1.5})
    assert bad.status_code == 422
    bad = await api.post(
        f"{BASE}/levels",
        json={
            "name": "X",
            "currency": "USD",
            "period_type": "fixed",
            "rollover_month": 2,
            "rollover_day": 30,
        },
    )
    assert bad.status_code == 422
    patched = await api.patch(f"{BASE}/levels/{level['id']}", json={"grace_days": 5})
    assert patched.json()["grace_days"] == 5

    member = await person()
    joined = await api.post(
        f"{BASE}/memberships", json={"member_id": member, "level_id": level["id"]}
    )
    assert joined.status_code == 201, joined.text
    membership = joined.json()
    assert membership["end_date"] == "2026-02-28"
    again = await api.post(
        f"{BASE}/memberships", json={"member_id": member, "level_id": level["id"]}
    )
    assert again.status_code == 409
    renewed = await api.post(f"{BASE}/memberships/{membership['id']}/renew", json={})
    assert renewed.json()["end_date"] == "2026-03-31"
    quote = await api.get(
        f"{BASE}/memberships/{membership['id']}/level-quote", params={"level_id": gold["id"]}
    )
    assert quote.status_code == 200, quote.text
    assert quote.json()["kind"] == "upgrade"
    detail = (await api.get(f"{BASE}/memberships/{membership['id']}")).json()
    assert [t["kind"] for t in detail["terms"]] == ["join", "renew"]
    listed = (await api.get(f"{BASE}/memberships", params={"level_id": level["id"]})).json()
    assert listed["total"] == 1
    override = await api.post(
        f"{BASE}/memberships/{membership['id']}/override",
        json={"status": "grace", "reason": "Asked for time"},
    )
    assert override.json()["status"] == "grace"
    cleared = await api.delete(f"{BASE}/memberships/{membership['id']}/override")
    assert cleared.json()["override_status"] is None
    cancelled = await api.post(
        f"{BASE}/memberships/{membership['id']}/cancel", json={"reason": "x"}
    )
    assert cancelled.json()["status"] == "cancelled"
    assert (await api.get(f"{BASE}/memberships/999999")).status_code == 404
    assert (await api.get(f"{BASE}/memberships", params={"per_page": 0})).status_code == 422

    rules = (await api.get(f"{BASE}/rules")).json()
    assert [r["status"] for r in rules][:2] == ["pending", "cancelled"]
    csv = await api.get(f"{BASE}/reports/activity", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.startswith("month,joined,renewed,lapsed")
    assert (await api.get(f"{BASE}/reports/nope")).status_code == 404


async def test_readers_cannot_write(
    make_api_client: Callable[..., Awaitable[httpx.AsyncClient]],
) -> None:
    viewer = await make_api_client(roles=["viewer"])
    response = await viewer.post(f"{BASE}/levels", json={"name": "X", "currency": "USD"})
    assert response.status_code == 403
