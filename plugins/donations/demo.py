"""Demo data: funds, a campaign with an appeal, and a few years of gifts for demo people."""

from __future__ import annotations

import random
from datetime import timedelta

from core import db
from core.settings import Settings
from plugins.donations import gifts, structure
from plugins.donations.common import org_today
from plugins.donations.models import GiftIn


async def build_demo(settings: Settings, seed: int) -> int:
    """Create deterministic demo giving; returns the number of gifts."""
    if await db.fetch_one("SELECT id FROM donations_fund WHERE code = 'GENERAL'"):
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    currency = settings.default_currency
    general = await structure.create_fund(structure.FundIn(code="GENERAL", name="General fund"))
    building = await structure.create_fund(structure.FundIn(code="BUILDING", name="Building fund"))
    campaign = await structure.create_campaign(
        structure.CampaignIn(
            code="ANNUAL", name="Annual appeal", goal_minor=5_000_000, currency=currency
        )
    )
    appeal = await structure.create_appeal(
        structure.AppealIn(
            campaign_id=campaign.id,
            code="SPRING-MAIL",
            name="Spring mailing",
            currency=currency,
            cost_minor=50_000,
        )
    )
    people = await db.fetch_all(
        "SELECT id FROM core_constituent WHERE deleted_at IS NULL AND kind <> 'household' "
        "ORDER BY id LIMIT 40"
    )
    count, today = 0, org_today()
    for row in people:
        for _ in range(rng.randint(0, 4)):
            amount = rng.choice([2_500, 5_000, 10_000, 25_000, 100_000])
            fund = rng.choice([general.id, building.id])
            await gifts.record_gift(
                GiftIn(
                    donor_id=int(row["id"]),
                    amount_minor=amount,
                    currency=currency,
                    gift_date=today - timedelta(days=rng.randint(0, 1_100)),
                    payment_method=rng.choice(["card", "cheque", "bank_transfer", "online"]),
                    campaign_id=campaign.id,
                    appeal_id=appeal.id if rng.random() < 0.5 else None,
                    splits=[{"fund_id": fund, "amount_minor": amount}],
                    source="demo",
                    external_id=f"demo-{seed}-{count}",
                )
            )
            count += 1
    return count
