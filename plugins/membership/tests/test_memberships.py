"""Membership services against the database: join, renew, change level, cancel, override."""

from __future__ import annotations

from datetime import date

import pytest

from core import db
from core.errors import ConflictError, InvalidInputError
from plugins.membership import adjust, level_change, levels, memberships, rules, store
from plugins.membership.models import (
    ChangeLevelIn,
    JoinIn,
    LevelPatch,
    OverrideIn,
    RenewIn,
    StatusRuleIn,
)
from plugins.membership.tests.conftest import LevelFactory, PersonFactory, SetToday

D = date


async def test_join_rolling_month_end_and_renewals(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 31))
    monthly = await level("Monthly", duration_unit="months", grace_days=10)
    member = await person()
    joined = await memberships.join(JoinIn(member_id=member, level_id=monthly.id))
    assert (joined.join_date, joined.end_date, joined.status) == (
        D(2026, 1, 31),
        D(2026, 2, 28),
        "new",
    )
    assert joined.counts_as_member
    renewed = await memberships.renew(joined.id)
    assert renewed.end_date == D(2026, 3, 31)  # back on the 31st, not 28 March
    terms = await store.terms_of(joined.id)
    assert [(t.kind, t.start_date, t.end_date) for t in terms] == [
        ("join", D(2026, 1, 31), D(2026, 2, 28)),
        ("renew", D(2026, 2, 28), D(2026, 3, 31)),
    ]


async def test_renewal_after_lapse_starts_a_new_period(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2025, 3, 15))
    yearly = await level("Yearly", grace_days=30)
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=yearly.id))
    today(D(2026, 4, 20))  # grace ended on 14 April 2026
    renewed = await memberships.renew(membership.id)
    assert (renewed.period_start, renewed.term_start, renewed.end_date) == (
        D(2026, 4, 20),
        D(2026, 4, 20),
        D(2027, 4, 20),
    )
    assert renewed.join_date == D(2025, 3, 15)
    assert renewed.status == "current"
    assert [t.kind for t in await store.terms_of(membership.id)] == ["join", "rejoin"]


async def test_fixed_calendar_year_with_rollover(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 10, 15))
    calendar_year = await level(
        "Calendar", period_type="fixed", fixed_start_month=1, rollover_month=10, rollover_day=1
    )
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=calendar_year.id))
    assert membership.end_date == D(2028, 1, 1)


async def test_status_follows_the_rules_and_a_grace_transition(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2025, 1, 10))
    yearly = await level("Yearly", grace_days=30)
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=yearly.id))
    from plugins.membership.recompute import recompute_all

    expected = [
        (D(2025, 6, 1), "current", True),
        (D(2026, 1, 10), "grace", True),
        (D(2026, 2, 8), "grace", True),
        (D(2026, 2, 9), "expired", False),
    ]
    for day, status, counts in expected:
        today(day)
        await recompute_all()
        stored = await store.fetch_membership(membership.id)
        assert (stored.status, stored.counts_as_member) == (status, counts), day
    lapsed = await db.fetch_all(
        "SELECT subject FROM core_interaction WHERE constituent_id = {} AND external_ref LIKE {}",
        membership.member_id,
        "%lapsed%",
    )
    assert len(lapsed) == 1
    result = await recompute_all()
    assert result.changed == 0  # a second run the same day changes nothing


async def test_pending_until_paid_and_dues_recorded_as_gift(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 5, 1))
    gold = await level("Gold", dues_minor=12000)
    member = await person()
    pending = await memberships.join(JoinIn(member_id=member, level_id=gold.id, paid=False))
    assert (pending.lifecycle, pending.status, pending.counts_as_member) == (
        "pending",
        "pending",
        False,
    )
    assert pending.gift_id is None
    with pytest.raises(ConflictError):
        await memberships.renew(pending.id)
    active = await memberships.confirm_payment(pending.id, "card")
    assert active.status == "new"
    assert active.gift_id is not None
    gift = await db.fetch_one(
        "SELECT donor_id, amount_minor, currency, source, external_id, payment_method "
        "FROM donations_gift WHERE id = {}",
        active.gift_id,
    )
    assert gift is not None
    assert (gift["donor_id"], gift["amount_minor"], gift["currency"], gift["source"]) == (
        member,
        12000,
        "USD",
        "membership",
    )
    assert gift["payment_method"] == "card"


async def test_upgrade_and_downgrade_with_pro_rata_credit(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 1))
    basic = await level("Basic", dues_minor=10000, tier=1)
    gold = await level("Gold", dues_minor=25000, tier=2)
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=basic.id))
    today(D(2026, 7, 2))  # 183 of 365 days left
    quote = await level_change.quote_level_change(membership.id, gold.id)
    assert (quote.kind, quote.credit_minor, quote.due_minor) == ("upgrade", 5013, 19987)
    upgraded = await level_change.change_membership_level(
        membership.id, ChangeLevelIn(level_id=gold.id)
    )
    assert (upgraded.level_id, upgraded.term_start, upgraded.end_date) == (
        gold.id,
        D(2026, 7, 2),
        D(2027, 7, 2),
    )
    assert upgraded.period_start == D(2026, 1, 1)  # continuous membership
    gift = await db.fetch_one(
        "SELECT amount_minor FROM donations_gift WHERE id = {}", upgraded.gift_id
    )
    assert gift is not None
    assert gift["amount_minor"] == 19987
    today(D(2026, 8, 1))  # 335 of 365 days of the gold term left
    down = await level_change.quote_level_change(membership.id, basic.id)
    assert (down.kind, down.credit_minor, down.due_minor, down.unused_credit_minor) == (
        "downgrade",
        25000 * 335 // 365,
        0,
        25000 * 335 // 365 - 10000,
    )
    downgraded = await level_change.change_membership_level(
        membership.id, ChangeLevelIn(level_id=basic.id)
    )
    terms = await store.terms_of(membership.id)
    assert [(t.kind, t.credit_minor, t.due_minor) for t in terms] == [
        ("join", 0, 10000),
        ("upgrade", 5013, 19987),
        ("downgrade", down.credit_minor, 0),
    ]
    assert downgraded.level_id == basic.id
    # The 129.45 not used buys 472 days at 100.00 a year: carried as extra time, recorded.
    assert down.credit_days == terms[-1].credit_days == 12945 * 365 // 10000 == 472
    assert downgraded.end_date == down.end_date == D(2028, 11, 15)
    entry = await db.fetch_one(
        "SELECT after FROM core_audit_log WHERE entity_id = {} AND action = 'downgrade'",
        str(membership.id),
    )
    assert entry is not None
    assert '"credit_days": 472' in str(entry["after"])
    # Moving straight back up credits the whole carried value, not just the basic dues.
    back = await level_change.quote_level_change(membership.id, gold.id)
    assert (back.credit_minor, back.due_minor) == (down.credit_minor, 25000 - down.credit_minor)


async def test_join_validation_and_conflicts(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 1))
    basic = await level("Basic", auto_renew_allowed=False)
    member = await person()
    with pytest.raises(InvalidInputError) as caught:
        await memberships.join(JoinIn(member_id=999_999, level_id=basic.id, auto_renew=True))
    assert set(caught.value.errors) == {"member_id", "auto_renew"}
    first = await memberships.join(JoinIn(member_id=member, level_id=basic.id))
    with pytest.raises(ConflictError):
        await memberships.join(JoinIn(member_id=member, level_id=basic.id))
    cancelled = await memberships.cancel(first.id, "moved away")
    assert (cancelled.status, cancelled.counts_as_member) == ("cancelled", False)
    with pytest.raises(ConflictError):
        await memberships.renew(first.id)
    again = await memberships.join(JoinIn(member_id=member, level_id=basic.id))
    assert again.id != first.id


async def test_import_replay_returns_the_same_membership(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 1))
    basic = await level("Basic")
    data = JoinIn(member_id=await person(), level_id=basic.id, source="import", external_id="M-1")
    first = await memberships.join(data)
    assert (await memberships.join(data)).id == first.id


async def test_override_with_reason_and_expiry(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2024, 1, 1))
    basic = await level("Basic", grace_days=0)
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=basic.id))
    today(D(2025, 2, 1))
    with pytest.raises(InvalidInputError):
        await adjust.override_status(membership.id, OverrideIn(status="honorary", reason="Founder"))
    with pytest.raises(InvalidInputError):
        await adjust.override_status(
            membership.id, OverrideIn(status="current", reason="x", until=D(2025, 1, 1))
        )
    forced = await adjust.override_status(
        membership.id, OverrideIn(status="current", reason="Paid at the door", until=D(2025, 3, 1))
    )
    assert (forced.status, forced.counts_as_member, forced.override_reason) == (
        "current",
        True,
        "Paid at the door",
    )
    from plugins.membership.recompute import recompute_all

    today(D(2025, 3, 1))
    result = await recompute_all()
    assert result.overrides_expired == 1
    after = await store.fetch_membership(membership.id)
    assert (after.status, after.override_status) == ("expired", None)
    audit = await db.fetch_all(
        "SELECT action FROM core_audit_log WHERE entity_type = 'membership_membership' "
        "AND entity_id = {} ORDER BY id",
        str(membership.id),
    )
    assert [a["action"] for a in audit] == ["create", "override", "override_expired"]


async def test_rules_are_configurable(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 1))
    basic = await level("Basic")
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=basic.id))
    assert membership.status == "new"
    await rules.replace_rules(
        [
            StatusRuleIn(position=1, status="lapsed", anchor="end", from_days=0),
            StatusRuleIn(
                position=2, status="member", anchor="start", from_days=0, counts_as_member=True
            ),
        ]
    )
    from plugins.membership.recompute import recompute_all

    await recompute_all()
    assert (await store.fetch_membership(membership.id)).status == "member"
    with pytest.raises(InvalidInputError):
        await rules.replace_rules([])


async def test_family_members_within_the_cap(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 1))
    family = await level("Family", kind="family", member_cap=2, dues_minor=9000)
    single = await level("Single")
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=family.id))
    first, second, third = await person("One"), await person("Two"), await person("Three")
    await adjust.add_associate(membership.id, first)
    await adjust.add_associate(membership.id, second)
    with pytest.raises(ConflictError):
        await adjust.add_associate(membership.id, third)
    with pytest.raises(ConflictError):
        await adjust.add_associate(membership.id, first)
    with pytest.raises(ConflictError):  # downgrading would strand two people
        await level_change.change_membership_level(membership.id, ChangeLevelIn(level_id=single.id))
    await adjust.remove_associate(membership.id, second)
    assert [a.constituent_id for a in await store.associates_of(membership.id)] == [first]


async def test_levels_validation_and_deletion(
    level: LevelFactory, today: SetToday, person: PersonFactory
) -> None:
    today(D(2026, 1, 1))
    basic = await level("Basic")
    with pytest.raises(ConflictError):
        await level("basic")
    with pytest.raises(InvalidInputError):
        await levels.update_level(basic.id, LevelPatch(rollover_month=2, rollover_day=30))
    with pytest.raises(InvalidInputError):
        await levels.update_level(basic.id, LevelPatch(member_cap=3))
    changed = await levels.update_level(basic.id, LevelPatch(dues_minor=7000, grace_days=0))
    assert (changed.dues_minor, changed.grace_days) == (7000, 0)
    await memberships.join(JoinIn(member_id=await person(), level_id=basic.id))
    with pytest.raises(ConflictError):
        await levels.delete_level(basic.id)
    unused = await level("Unused")
    await levels.delete_level(unused.id)
    assert [lv.name for lv in await levels.list_levels()] == ["Basic"]


async def test_renew_on_a_given_date_records_the_gift_on_that_date(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 1))
    basic = await level("Basic", dues_minor=3000)
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=basic.id))
    renewed = await memberships.renew(
        membership.id, RenewIn(on=D(2026, 11, 30), payment_method="cheque")
    )
    gift = await db.fetch_one(
        "SELECT gift_date, payment_method FROM donations_gift WHERE id = {}", renewed.gift_id
    )
    assert gift is not None
    assert gift["payment_method"] == "cheque"
    assert str(gift["gift_date"])[:10] == "2026-11-30"
