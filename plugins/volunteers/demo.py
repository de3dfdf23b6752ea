"""Demo data: opportunities, a weekly schedule, volunteer profiles, sign-ups and hours."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from core import db
from core.errors import ConflictError, InvalidInputError
from core.settings import Settings
from plugins.volunteers import hours, profiles, series, shifts, signups
from plugins.volunteers.common import org_today
from plugins.volunteers.models import OpportunityIn, ProfileIn, SeriesIn, ShiftIn

SKILLS = ["driving", "cooking", "first aid", "teaching", "lifting", "customer service"]
LANGUAGES = ["english", "spanish", "french", "arabic"]


async def build_demo(settings: Settings, seed: int) -> int:
    """Create deterministic demo volunteering; returns the number of sign-ups."""
    if await db.fetch_one("SELECT id FROM volunteers_opportunity LIMIT 1"):
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = org_today()
    food = await shifts.create_opportunity(
        OpportunityIn(
            title="Food bank sorting",
            description="Sort and pack donated food for families.",
            location="Warehouse, 12 Dock Road",
            required_skills=["lifting"],
        )
    )
    tutor = await shifts.create_opportunity(
        OpportunityIn(
            title="Homework club",
            description="Help children with their homework after school.",
            location="Community centre",
            required_skills=["teaching"],
            minimum_age=18,
        )
    )
    await series.create_series(
        SeriesIn(
            opportunity_id=food.id,
            frequency="weekly",
            start_date=today + timedelta(days=1),
            until_date=today + timedelta(weeks=8),
            local_start="10:00",
            duration_minutes=180,
            capacity=6,
        )
    )
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    club = await shifts.create_shift(
        ShiftIn(
            opportunity_id=tutor.id,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=3,
        )
    )
    await hours.add_rate(
        hours.RateIn(
            effective_from=today.replace(month=1, day=1) - timedelta(days=365 * 2),
            rate_minor=2_000,
            currency=settings.default_currency,
        )
    )
    people = await db.fetch_all(
        "SELECT id FROM core_constituent WHERE deleted_at IS NULL AND kind = 'individual' "
        "AND deceased = {} ORDER BY id LIMIT 25",
        False,
    )
    upcoming = await shifts.list_shifts(start=datetime.now(UTC), limit=3)
    count = 0
    for row in people:
        person = int(row["id"])
        await profiles.save_profile(
            person,
            ProfileIn(
                skills=rng.sample(SKILLS, rng.randint(1, 3)),
                languages=rng.sample(LANGUAGES, rng.randint(1, 2)),
                availability={"5": [("09:00", "14:00")]} if rng.random() < 0.5 else {},
                postcode=f"280{rng.randint(10, 50)}",
            ),
        )
        for shift in [*upcoming, club] if rng.random() < 0.4 else []:
            try:
                await signups.sign_up(shift.id, person)
            except (InvalidInputError, ConflictError):  # under age, or the shift started
                continue
            count += 1
        for _ in range(rng.randint(0, 4)):
            await hours.record_hours(
                hours.HoursIn(
                    constituent_id=person,
                    opportunity_id=rng.choice([food.id, tutor.id]),
                    work_date=today - timedelta(days=rng.randint(1, 400)),
                    minutes=rng.choice([60, 120, 180, 240]),
                ),
                source=rng.choice(["staff", "self"]),
            )
    return count
