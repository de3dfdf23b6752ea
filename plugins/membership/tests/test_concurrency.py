"""Twenty concurrent renewals of one membership: twenty extensions, none lost, no errors."""

from __future__ import annotations

import asyncio
from datetime import date

from core import db
from plugins.membership import memberships, store
from plugins.membership.models import JoinIn
from plugins.membership.periods import add_months
from plugins.membership.tests.conftest import LevelFactory, PersonFactory, SetToday

RENEWALS = 20


async def test_twenty_concurrent_renewals_all_count(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(date(2026, 1, 31))
    monthly = await level("Monthly", duration_unit="months", dues_minor=1000)
    membership = await memberships.join(JoinIn(member_id=await person(), level_id=monthly.id))
    assert membership.end_date == date(2026, 2, 28)

    results = await asyncio.gather(
        *(memberships.renew(membership.id) for _ in range(RENEWALS)), return_exceptions=True
    )

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    after = await store.fetch_membership(membership.id)
    # Each renewal added one month counted from the 31 January anchor: no lost update.
    assert after.end_date == add_months(date(2026, 1, 31), 1 + RENEWALS)
    assert after.version == membership.version + RENEWALS
    terms = await store.terms_of(membership.id)
    assert [t.kind for t in terms].count("renew") == RENEWALS
    ends = sorted(t.end_date for t in terms if t.kind == "renew")
    assert ends == [add_months(date(2026, 1, 31), 1 + k) for k in range(1, RENEWALS + 1)]
    gifts = await db.fetch_one(
        "SELECT COUNT(*) AS n, SUM(amount_minor) AS total FROM donations_gift "
        "WHERE donor_id = {} AND source = 'membership'",
        membership.member_id,
    )
    assert gifts is not None
    assert int(gifts["n"]) == RENEWALS + 1
    assert int(gifts["total"]) == 1000 * (RENEWALS + 1)
