"""Integration through hooks: merge, privacy, segments, panels, cards, import, demo, matching."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from core import db
from core.auth.service import ensure_builtin_roles
from core.constituents import merge
from core.mail import service as mail
from core.settings import Settings
from core.testing import create_test_user
from plugins.volunteers import checkin, hooks, hours, matching, profiles, shifts, signups
from plugins.volunteers.importer import import_hours
from plugins.volunteers.models import OpportunityIn, ProfileIn, ShiftIn
from plugins.volunteers.tests.conftest import PersonFactory, ShiftFactory


async def test_merge_moves_signups_hours_and_profile_without_double_places(
    person: PersonFactory, shift: ShiftFactory, opportunity: int
) -> None:
    keep, dup, waiting = await person("Keep"), await person("Dup"), await person("Wait")
    shift_id = await shift(capacity=2)
    await signups.sign_up(shift_id, keep)
    await signups.sign_up(shift_id, dup)
    third = await signups.sign_up(shift_id, waiting)
    assert third.status == "waitlisted"
    await profiles.save_profile(keep, ProfileIn(skills=["cooking"]))
    await profiles.save_profile(dup, ProfileIn(skills=["driving"], postcode="28013"))
    await hours.record_hours(
        hours.HoursIn(
            constituent_id=dup, opportunity_id=opportunity, work_date=date(2025, 1, 2), minutes=60
        ),
        source="staff",
    )
    await merge.merge_constituents(keep, dup)
    roster = await signups.roster(shift_id)
    assert sorted((s.constituent_id, s.status) for s in roster) == sorted(
        [(keep, "signed_up"), (waiting, "signed_up")]
    )
    merged = await profiles.get_profile(keep)
    assert merged is not None
    assert merged.skills == ["cooking", "driving"]
    assert merged.postcode == "28013"
    assert (await hours.person_total(keep)).minutes == 60


async def test_merge_undo_gives_back_signups_hours_and_profiles(
    person: PersonFactory, shift: ShiftFactory, opportunity: int
) -> None:
    keep, dup, waiting = await person("Keep"), await person("Dup"), await person("Wait")
    shift_id = await shift(capacity=2)
    await signups.sign_up(shift_id, keep)
    await signups.sign_up(shift_id, dup)
    await signups.sign_up(shift_id, waiting)
    await profiles.save_profile(keep, ProfileIn(skills=["cooking"]))
    await profiles.save_profile(dup, ProfileIn(skills=["driving"], postcode="28013"))
    await hours.record_hours(
        hours.HoursIn(
            constituent_id=dup, opportunity_id=opportunity, work_date=date(2025, 1, 2), minutes=60
        ),
        source="staff",
    )
    result = await merge.merge_constituents(keep, dup)
    undone = await merge.undo_merge(result.merge_id)
    assert "volunteers" not in undone.plugins_not_reversed
    roster = {s.constituent_id: s.status for s in await signups.roster(shift_id)}
    # The waitlisted person was promoted into the freed place; the restored sign-up waits.
    assert roster == {keep: "signed_up", waiting: "signed_up", dup: "waitlisted"}
    kept, restored = await profiles.get_profile(keep), await profiles.get_profile(dup)
    assert kept is not None
    assert restored is not None
    assert (kept.skills, restored.skills, restored.postcode) == (["cooking"], ["driving"], "28013")
    assert (await hours.person_total(dup)).minutes == 60
    assert (await hours.person_total(keep)).minutes == 0


async def test_export_and_erasure(
    person: PersonFactory, shift: ShiftFactory, opportunity: int
) -> None:
    ana = await person("Ana")
    await profiles.save_profile(
        ana, ProfileIn(skills=["first aid"], emergency_name="Luis", emergency_phone="600")
    )
    await signups.sign_up(await shift(), ana)
    await hours.record_hours(
        hours.HoursIn(
            constituent_id=ana,
            opportunity_id=opportunity,
            work_date=date(2025, 1, 2),
            minutes=90,
            note="Sorted tins",
        ),
        source="staff",
    )
    section = await hooks.steward_personal_data_export(constituent_id=ana)
    assert section.records["volunteer_profile"][0]["emergency_name"] == "Luis"
    assert len(section.records["shift_signups"]) == 1
    assert section.records["volunteer_hours"][0]["note"] == "Sorted tins"
    report = await hooks.steward_personal_data_erasure(constituent_id=ana)
    assert report.erased["volunteers_profile"] == 1
    assert report.erased["volunteers_hours.note"] == 1
    assert await profiles.get_profile(ana) is None
    assert (await hours.person_total(ana)).minutes == 90


async def test_segments_panel_and_card(
    person: PersonFactory, opportunity: int, shift: ShiftFactory
) -> None:
    a, b = await person("A"), await person("B")
    await profiles.save_profile(a, ProfileIn(skills=["First  Aid"]))
    await hours.add_rate(
        hours.RateIn(effective_from=date(2020, 1, 1), rate_minor=1200, currency="EUR")
    )
    await hours.record_hours(
        hours.HoursIn(
            constituent_id=a, opportunity_id=opportunity, work_date=date(2025, 3, 1), minutes=600
        ),
        source="staff",
    )
    await hours.record_hours(
        hours.HoursIn(
            constituent_id=b, opportunity_id=opportunity, work_date=date(2025, 9, 1), minutes=60
        ),
        source="staff",
    )
    filters = {f.key: f for f in hooks.steward_segment_filters()}

    async def matches(key: str, value: object) -> set[int]:
        condition, args = filters[key].sql(value)
        rows = await db.fetch_all(f"SELECT c.id FROM core_constituent c WHERE {condition}", *args)
        return {int(r["id"]) for r in rows}

    assert await matches(
        "volunteers.volunteered_in_period", {"date_from": "2025-08-01", "date_to": "2025-12-31"}
    ) == {b}
    assert await matches("volunteers.hours_over", {"hours": 5}) == {a}
    assert await matches("volunteers.has_skill", {"skill": "first aid"}) == {a}
    await signups.sign_up(await shift(), a)
    panel = (await hooks.steward_profile_panels(constituent_id=a))[0]
    assert panel.context["hours"] == 10
    assert panel.context["value_minor"] == 12_000
    assert len(panel.context["upcoming"]) == 1
    nobody = (await hooks.steward_profile_panels(constituent_id=await person("Nobody")))[0]
    assert (nobody.context["hours"], nobody.context["profile"], nobody.facts) == (0, None, {})
    await ensure_builtin_roles()
    reader = await create_test_user("coordinator@example.org", ["admin"])
    assert (await hooks.steward_dashboard_cards(user_id=reader.user_id))[0].context["short"] == 1
    specs = {spec.key: spec for spec in hooks.steward_reports()}
    monthly = await specs["volunteers.hours_by_month"].build(
        date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)
    )
    assert len(monthly.rows) == 12
    assert monthly.rows[2]["hours"] == 10
    assert monthly.rows[2]["value_minor"] == 12_000
    for spec in specs.values():
        assert (await spec.build()).key


async def test_matching_ranks_with_reasons_and_invites_once(person: PersonFactory) -> None:
    opp = await shifts.create_opportunity(
        OpportunityIn(title="Driving", required_skills=["driving", "lifting"])
    )
    # A Saturday 10:00-13:00 in Madrid.
    start = datetime(2027, 5, 8, 8, 0, tzinfo=UTC)
    made = await shifts.create_shift(
        ShiftIn(
            opportunity_id=opp.id, starts_at=start, ends_at=start + timedelta(hours=3), capacity=4
        )
    )
    best, other, flaky = await person("Best"), await person("Other"), await person("Flaky")
    await profiles.save_profile(
        best,
        ProfileIn(
            skills=["driving", "lifting"],
            languages=["spanish"],
            availability={"5": [("09:00", "14:00")]},
            postcode="28013",
        ),
    )
    await profiles.save_profile(other, ProfileIn(skills=["cooking"], postcode="08001"))
    await profiles.save_profile(flaky, ProfileIn(skills=["driving"], postcode="28014"))
    # Flaky missed one of one past shift.
    past = await shifts.create_shift(
        ShiftIn(
            opportunity_id=opp.id,
            starts_at=datetime.now(UTC) + timedelta(hours=1),
            ends_at=datetime.now(UTC) + timedelta(hours=2),
            capacity=2,
        )
    )
    missed = await signups.sign_up(past.id, flaky)
    await signups.set_status(missed.id, "no_show")
    ranked = await matching.rank(made.id, languages=["Spanish"], postcode="28013")
    assert [m.constituent_id for m in ranked] == [best, flaky, other]
    assert any("Saturdays" in r for r in ranked[0].reasons)
    assert any("No-shows: 1 of 1" in r for r in ranked[1].reasons)
    assert await matching.invite(made.id, [best, flaky]) == 2
    assert await matching.invite(made.id, [best, 999_999]) == 0
    page = await mail.list_outbox(page=1, per_page=50)
    assert len([m for m in page.items if m.tag == "volunteers.invite"]) == 2


async def test_import_hours_reports_bad_rows(
    person: PersonFactory, tmp_path: Path, opportunity: int
) -> None:
    ana = await person("Ana")
    path = tmp_path / "hours.csv"
    path.write_text(
        "constituent_id,opportunity,work_date,hours,minutes,note\n"
        f"{ana},Food bank,2025-05-01,2.5,,Inventory\n"
        f"{ana},Food bank,2025-05-02,,45,\n"
        f"{ana},Nope,2025-05-01,1,,\n"
        f"999999,Food bank,2025-05-01,1,,\n"
        f"{ana},Food bank,not-a-date,1,,\n"
        f"{ana},Food bank,2025-05-01,lots,,\n"
    )
    assert [c.name for c in hooks.steward_import_commands()] == ["hours"]
    report = await import_hours(path)
    assert (report.rows, report.recorded) == (6, 2)
    assert [line for line, _ in report.errors] == [4, 5, 6, 7]
    assert (await hours.person_total(ana)).minutes == 150 + 45


async def test_demo_data_is_deterministic(person: PersonFactory, settings: Settings) -> None:
    for name in ("A", "B", "C"):
        await person(name)
    from plugins.volunteers.demo import build_demo

    assert await build_demo(settings, seed=7) >= 0
    assert await build_demo(settings, seed=7) == 0
    assert await db.fetch_value("SELECT COUNT(*) AS n FROM volunteers_profile") == 3


async def test_kiosk_checkin_shows_on_the_timeline(
    person: PersonFactory, shift: ShiftFactory
) -> None:
    ana = await person("Ana")
    made = await signups.sign_up(await shift(), ana)
    await checkin.check_in(made.id)
    rows = await db.fetch_all(
        "SELECT interaction_type FROM core_interaction WHERE constituent_id = {}", ana
    )
    assert [r["interaction_type"] for r in rows] == ["volunteers.shift"]
