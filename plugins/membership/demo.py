"""Demo data: three levels and a deterministic mix of members for the demo organisation."""

from __future__ import annotations

import random
from datetime import timedelta

from core import db
from core.settings import Settings
from plugins.membership import levels, memberships
from plugins.membership.common import org_today
from plugins.membership.models import JoinIn, LevelIn, RenewIn


async def build_demo(settings: Settings, seed: int) -> int:
    """Create levels and memberships (the same ones for the same seed); returns how many."""
    if await db.fetch_one("SELECT id FROM membership_level LIMIT 1"):
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    currency = settings.default_currency
    created = [
        await levels.create_level(
            LevelIn(
                name="Individual",
                dues_minor=4_500,
                currency=currency,
                tier=1,
                benefits="Newsletter, member events, 10% shop discount",
            )
        ),
        await levels.create_level(
            LevelIn(
                name="Family",
                dues_minor=8_000,
                currency=currency,
                tier=2,
                kind="family",
                member_cap=4,
                benefits="Everything in Individual for up to five people",
            )
        ),
        await levels.create_level(
            LevelIn(
                name="Patron",
                dues_minor=50_000,
                currency=currency,
                tier=3,
                period_type="fixed",
                rollover_month=10,
                rollover_day=1,
                benefits="Everything in Family, annual dinner, name in the annual report",
            )
        ),
    ]
    people = await db.fetch_all(
        "SELECT id FROM core_constituent WHERE deleted_at IS NULL AND kind = 'individual' "
        "ORDER BY id LIMIT 30"
    )
    today, count = org_today(), 0
    for row in people:
        if rng.random() < 0.3:
            continue
        level = rng.choice(created)
        joined = today - timedelta(days=rng.randint(0, 900))
        membership = await memberships.join(
            JoinIn(
                member_id=int(row["id"]),
                level_id=level.id,
                join_date=joined,
                source="import",
                auto_renew=rng.random() < 0.3,
                external_id=f"demo-{seed}-{count}",
            )
        )
        count += 1
        # Most members renewed on time in past years; some let it lapse.
        while membership.end_date < today and rng.random() < 0.7:
            on = membership.end_date - timedelta(days=rng.randint(0, 20))
            membership = await memberships.renew(membership.id, RenewIn(on=on))
    await recompute()
    return count


async def recompute() -> None:
    """Demo memberships joined in the past: bring their statuses up to today."""
    from plugins.membership.recompute import recompute_all

    await recompute_all()
