"""Integration through hooks: merge, privacy, segments, panels, cards, reports, import, demo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core import db
from core.auth.service import ensure_builtin_roles
from core.constituents import merge
from core.settings import Settings
from core.testing import create_test_user
from plugins.donations import gifts, hooks, rollups
from plugins.donations.importer import import_gifts
from plugins.donations.models import GiftIn
from plugins.donations.tests.conftest import PersonFactory


def usd(donor: int, amount: int, **extra: object) -> GiftIn:
    return GiftIn.model_validate(
        {"donor_id": donor, "amount_minor": amount, "currency": "USD", **extra}
    )


async def test_merge_moves_gifts_and_recomputes_both_rollups(person: PersonFactory) -> None:
    keep, dup, friend = await person("Keep"), await person("Dup"), await person("Friend")
    await gifts.record_gift(usd(keep, 100, gift_date=date(2024, 1, 1)))
    await gifts.record_gift(
        usd(
            dup,
            250,
            gift_date=date(2023, 1, 1),
            soft_credits=[
                {"constituent_id": keep, "credit_type": "household", "amount_minor": 250}
            ],
        )
    )
    await gifts.record_gift(
        usd(
            friend,
            40,
            soft_credits=[{"constituent_id": dup, "credit_type": "solicitor", "amount_minor": 40}],
        )
    )
    before = {c: await rollups.donor_totals(c) for c in (keep, dup)}
    merged = await merge.merge_constituents(keep, dup)
    totals = (await rollups.donor_totals(keep))[0]
    assert (totals.lifetime_minor, totals.gift_count, totals.first_gift_date) == (
        350,
        2,
        date(2023, 1, 1),
    )
    assert totals.soft_credit_minor == 40  # the self-credit is gone, the friend's credit moved
    assert await rollups.donor_totals(dup) == []
    # Undoing the merge puts every gift and credit back, the dropped self-credit included.
    undone = await merge.undo_merge(merged.merge_id)
    assert "donations" not in undone.plugins_not_reversed
    assert {c: await rollups.donor_totals(c) for c in (keep, dup)} == before
    credits = await db.fetch_all(
        "SELECT constituent_id, credit_type FROM donations_soft_credit ORDER BY constituent_id"
    )
    assert sorted((int(r["constituent_id"]), r["credit_type"]) for r in credits) == sorted(
        [(keep, "household"), (dup, "solicitor")]
    )


async def test_export_and_erasure_keep_financial_records(person: PersonFactory) -> None:
    donor = await person()
    await gifts.record_gift(
        usd(
            donor,
            500,
            notes="Prefers calls",
            tribute={
                "tribute_type": "in_memory",
                "honoree_name": "Jo",
                "notify_name": "Sam",
                "notify_email": "sam@example.org",
            },
        )
    )
    section = await hooks.steward_personal_data_export(constituent_id=donor)
    assert section.records["gifts"][0]["notes"] == "Prefers calls"
    report = await hooks.steward_personal_data_erasure(constituent_id=donor)
    assert report.erased == {"gift_notes": 1, "tribute_contacts": 1, "checkouts": 0}
    assert "gifts" in report.retained
    row = await db.fetch_one("SELECT notify_name, notify_email FROM donations_tribute")
    assert row == {"notify_name": None, "notify_email": None}
    assert (await rollups.donor_totals(donor))[0].lifetime_minor == 500


async def test_segment_filters_panels_cards_and_reports(
    person: PersonFactory, registry: object
) -> None:
    a, b = await person("A"), await person("B")
    await gifts.record_gift(usd(a, 9_000, gift_date=date(2024, 3, 1)))
    await gifts.record_gift(usd(b, 100, gift_date=date(2024, 9, 1)))
    filters = {f.key: f for f in hooks.steward_segment_filters()}

    async def matching(key: str, value: object) -> set[int]:
        condition, args = filters[key].sql(value)
        rows = await db.fetch_all(f"SELECT c.id FROM core_constituent c WHERE {condition}", *args)
        return {int(r["id"]) for r in rows}

    assert await matching(
        "donations.gave_in_period", {"date_from": "2024-08-01", "date_to": "2024-12-31"}
    ) == {b}
    assert await matching("donations.lifetime_over", {"amount_minor": 5_000}) == {a}
    assert await matching("donations.lybunt", {"fiscal_year": 2025}) == {a}
    panel = (await hooks.steward_profile_panels(constituent_id=a))[0]
    assert panel.facts["Lifetime giving"] == "$90.00"
    await ensure_builtin_roles()
    reader = await create_test_user("fundraiser@example.org", ["admin"])
    viewer = await create_test_user("viewer@example.org", ["viewer"])
    assert await hooks.steward_dashboard_cards(user_id=viewer.user_id) == []
    card = (await hooks.steward_dashboard_cards(user_id=reader.user_id))[0]
    assert card.template == "donations/card.html"
    for spec in hooks.steward_reports():
        report = await spec.build()
        assert report.key.startswith("donations.")


async def test_import_gifts_reports_bad_rows(
    person: PersonFactory, tmp_path: Path, fund: int
) -> None:
    donor = await person()
    path = tmp_path / "gifts.csv"
    path.write_text(
        "donor_id,amount,currency,gift_date,fund_code,external_id\n"
        f"{donor},12.50,USD,2024-05-01,GEN,g1\n"
        f"{donor},12.505,USD,2024-05-01,GEN,g2\n"
        f"999999,5,USD,2024-05-01,,g3\n"
        f"{donor},5,USD,2024-05-01,NOPE,g4\n"
    )
    report = await import_gifts(path)
    assert (report.rows, report.recorded) == (4, 1)
    assert [line for line, _ in report.errors] == [3, 4, 5]
    again = await import_gifts(path)
    assert again.recorded == 1  # idempotent: g1 is returned, not duplicated
    assert (await rollups.donor_totals(donor))[0].lifetime_minor == 1_250


async def test_demo_data_is_deterministic(person: PersonFactory, settings: Settings) -> None:
    for name in ("A", "B", "C"):
        await person(name)
    from plugins.donations.demo import build_demo

    first = await build_demo(settings, seed=7)
    assert first >= 0
    assert await build_demo(settings, seed=7) == 0
