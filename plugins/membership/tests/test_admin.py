"""Admin pages: levels editor, list with filters and bulk renewal, detail forms, reports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from core.testing import BrowserSession
from plugins.membership import levels, memberships, store
from plugins.membership.models import JoinIn
from plugins.membership.tests.conftest import LevelFactory, PersonFactory, SetToday

MakeUI = Callable[..., Awaitable[BrowserSession]]


async def test_levels_editor(admin_ui: BrowserSession, today: SetToday) -> None:
    today(date(2026, 1, 1))
    page = await admin_ui.get("/admin/membership/levels/new")
    assert page.status_code == 200
    bad = await admin_ui.submit(
        "/admin/membership/levels",
        {
            "name": "Gold",
            "dues": "ten",
            "currency": "USD",
            "duration_count": "1",
            "duration_unit": "years",
            "period_type": "rolling",
            "kind": "individual",
        },
    )
    assert bad.status_code == 422
    assert 'value="ten"' in bad.text
    rollover = await admin_ui.submit(
        "/admin/membership/levels",
        {
            "name": "Gold",
            "dues": "120.50",
            "currency": "USD",
            "duration_count": "1",
            "duration_unit": "years",
            "period_type": "rolling",
            "kind": "individual",
            "rollover_month": "10",
            "rollover_day": "1",
        },
    )
    assert rollover.status_code == 422
    assert "fixed periods only" in rollover.text
    saved = await admin_ui.submit(
        "/admin/membership/levels",
        {
            "name": "Gold",
            "dues": "120.50",
            "currency": "USD",
            "duration_count": "1",
            "duration_unit": "years",
            "period_type": "fixed",
            "fixed_start_month": "1",
            "rollover_month": "10",
            "rollover_day": "1",
            "grace_days": "15",
            "kind": "family",
            "member_cap": "3",
            "active": "true",
            "auto_renew_allowed": "true",
        },
    )
    assert saved.status_code == 303, saved.text
    [gold] = await levels.list_levels()
    assert (gold.dues_minor, gold.rollover_month, gold.member_cap) == (12050, 10, 3)
    listing = await admin_ui.get("/admin/membership/levels")
    assert "Gold" in listing.text
    assert "grace_end" in listing.text  # the default status rules are listed
    deleted = await admin_ui.submit(f"/admin/membership/levels/{gold.id}/delete")
    assert deleted.status_code == 303
    assert await levels.list_levels() == []


async def test_join_list_bulk_renew_and_detail_forms(
    admin_ui: BrowserSession, person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic", dues_minor=5000, tier=1)
    gold = await level("Gold", dues_minor=15000, tier=2)
    a, b = await person("Alpha"), await person("Beta")
    refused = await admin_ui.submit(
        "/admin/membership/members", {"member_id": "999999", "level_id": str(basic.id)}
    )
    assert refused.status_code == 422
    joined = await admin_ui.submit(
        "/admin/membership/members",
        {"member_id": str(a), "level_id": str(basic.id), "paid": "true"},
    )
    assert joined.status_code == 303, joined.text
    url = joined.headers["location"]
    membership_id = int(url.rsplit("/", 1)[1])
    twice = await admin_ui.submit(
        "/admin/membership/members", {"member_id": str(a), "level_id": str(basic.id)}
    )
    assert twice.status_code == 422
    other = await memberships.join(JoinIn(member_id=b, level_id=basic.id))

    listing = await admin_ui.get("/admin/membership/", params={"search": "alpha"})
    assert "Alpha" in listing.text
    assert "Beta" not in listing.text
    filtered = await admin_ui.get("/admin/membership/", params={"expiring_within_days": "-3"})
    assert filtered.status_code == 200
    bulk = await admin_ui.submit(
        "/admin/membership/bulk-renew", {"ids[]": [str(membership_id), str(other.id)]}
    )
    assert bulk.status_code == 303
    assert (await store.fetch_membership(membership_id)).end_date == date(2028, 1, 1)
    assert (await store.fetch_membership(other.id)).end_date == date(2028, 1, 1)

    today(date(2026, 7, 2))
    detail = await admin_ui.get(url, params={"quote_level": str(gold.id)})
    assert detail.status_code == 200
    assert "Confirm the upgrade" in detail.text
    changed = await admin_ui.submit(f"{url}/level", {"level_id": str(gold.id)})
    assert changed.status_code == 303
    assert (await store.fetch_membership(membership_id)).level_id == gold.id
    no_reason = await admin_ui.submit(f"{url}/override", {"override_status": "grace"})
    assert no_reason.status_code == 303
    assert (await store.fetch_membership(membership_id)).override_status is None
    forced = await admin_ui.submit(
        f"{url}/override", {"override_status": "grace", "override_reason": "Asked for time"}
    )
    assert forced.status_code == 303
    assert (await store.fetch_membership(membership_id)).status == "grace"
    assert (await admin_ui.submit(f"{url}/override/clear")).status_code == 303
    cancelled = await admin_ui.submit(f"{url}/cancel", {"cancel_reason": "Moved"})
    assert cancelled.status_code == 303
    assert (await store.fetch_membership(membership_id)).lifecycle == "cancelled"
    again = await admin_ui.submit(f"{url}/renew")
    assert again.status_code == 303  # refused with a flash message, not an error page
    assert (await store.fetch_membership(membership_id)).lifecycle == "cancelled"


async def test_family_members_on_the_detail_page(
    admin_ui: BrowserSession, person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(date(2026, 1, 1))
    family = await level("Family", kind="family", member_cap=1)
    membership = await memberships.join(
        JoinIn(member_id=await person("Parent"), level_id=family.id)
    )
    child, other = await person("Child"), await person("Other")
    url = f"/admin/membership/members/{membership.id}"
    assert (
        await admin_ui.submit(f"{url}/associates", {"constituent_id": str(child)})
    ).status_code == 303
    await admin_ui.submit(f"{url}/associates", {"constituent_id": str(other)})
    assert [a.constituent_id for a in await store.associates_of(membership.id)] == [child]
    page = await admin_ui.get(url)
    assert "People covered (1 of 1)" in page.text
    assert (await admin_ui.submit(f"{url}/associates/{child}/remove")).status_code == 303
    assert await store.associates_of(membership.id) == []


async def test_reports_page_and_csv(
    admin_ui: BrowserSession, person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(date(2025, 3, 1))
    basic = await level("Basic")
    await memberships.join(JoinIn(member_id=await person(), level_id=basic.id))
    today(date(2026, 5, 1))  # its grace ended on 31 March without a renewal
    page = await admin_ui.get("/admin/membership/reports")
    assert page.status_code == 200
    assert page.text.count('<svg class="chart"') == 4
    csv = await admin_ui.get("/admin/membership/reports/members-over-time/csv")
    assert csv.text.splitlines()[0] == "month,Basic,total"
    assert (await admin_ui.get("/admin/membership/reports/nope/csv")).status_code == 404


async def test_readers_see_pages_but_cannot_change(
    make_admin_ui: MakeUI, level: LevelFactory, person: PersonFactory, today: SetToday
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic")
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=basic.id))
    viewer = await make_admin_ui(roles=["viewer"])
    page = await viewer.get("/admin/membership/")
    if page.status_code == 200:  # viewers may read memberships
        denied = await viewer.submit(f"/admin/membership/members/{membership.id}/renew")
        assert denied.status_code == 403
    else:
        assert page.status_code == 403


async def test_rules_editor(
    admin_ui: BrowserSession, person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic")
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=basic.id))
    page = await admin_ui.get("/admin/membership/rules")
    assert page.status_code == 200
    assert 'name="r6_status" type="text" value="current"' in page.text
    form = {"count": "3", "r0_position": "1", "r0_status": "lapsed", "r0_lifecycle": "active",
            "r0_anchor": "end", "r0_from_days": "0",
            "r1_position": "2", "r1_status": "member", "r1_lifecycle": "active",
            "r1_anchor": "start", "r1_from_days": "0", "r1_counts_as_member": "true",
            "r2_status": ""}  # fmt: skip
    bad = await admin_ui.submit("/admin/membership/rules", form | {"r1_status": "Not OK!"})
    assert bad.status_code == 422
    assert 'id="error-r1_status"' in bad.text
    same_order = await admin_ui.submit("/admin/membership/rules", form | {"r1_position": "1"})
    assert same_order.status_code == 422
    saved = await admin_ui.submit("/admin/membership/rules", form)
    assert saved.status_code == 303
    after = await store.fetch_membership(membership.id)
    assert (after.status, after.counts_as_member) == ("member", True)


async def test_member_profile_shows_panel_and_timeline(
    admin_ui: BrowserSession, person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(date(2026, 1, 31))
    monthly = await level("Monthly", duration_unit="months")
    member = await person("Profiled")
    membership = await memberships.join(JoinIn(member_id=member, level_id=monthly.id))
    await memberships.renew(membership.id)
    page = await admin_ui.get(f"/admin/constituents/{member}")
    assert page.status_code == 200
    assert f"/admin/membership/members/{membership.id}" in page.text  # the profile panel
    timeline = await admin_ui.get(f"/admin/constituents/{member}/timeline")
    assert timeline.status_code == 200
    assert "Renewed" in timeline.text  # the timeline item rendered by this plugin
    assert "Mar 31, 2026" in timeline.text
