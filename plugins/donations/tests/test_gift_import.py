"""The set-based gift importer: bad rows, duplicates, atomic batches, rollups, timeline rows."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core import db
from plugins.donations import gifts, import_rows, importer, rollups, structure
from plugins.donations.importer import import_gifts
from plugins.donations.models import GiftIn
from plugins.donations.tests.conftest import PersonFactory

HEADER = "donor_id,donor_external_id,amount,currency,gift_date,fund_code,campaign_code,"
HEADER += "appeal_code,payment_method,external_id,notes\n"


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "gifts.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


async def gift_count() -> int:
    return int(await db.fetch_value("SELECT COUNT(*) AS n FROM donations_gift") or 0)


async def test_every_bad_row_is_reported_and_good_rows_commit(
    person: PersonFactory, tmp_path: Path, fund: int
) -> None:
    donor = await person("Good")
    await db.execute("UPDATE core_constituent SET external_id = 'EXT-1' WHERE id = {}", donor)
    spring = await structure.create_campaign(
        structure.CampaignIn(code="SPRING", name="Spring", currency="USD")
    )
    autumn = await structure.create_campaign(
        structure.CampaignIn(code="AUTUMN", name="Autumn", currency="USD")
    )
    await structure.create_appeal(
        structure.AppealIn(campaign_id=spring.id, code="MAIL", name="Mail", currency="USD")
    )
    path = write(
        tmp_path,
        [
            f"{donor},,12.50,USD,2024-05-01,GEN,SPRING,MAIL,card,a1,first",
            ",EXT-1,7,,2024-05-02,,,,,a2,",
            f"{donor},,12.505,USD,2024-05-01,,,,,b1,",
            "999999,,5,USD,2024-05-01,,,,,b2,",
            ",NOPE,5,USD,2024-05-01,,,,,b3,",
            f"{donor},,5,USD,2024-05-01,NOPE,,,,b4,",
            f"{donor},,5,USD,01/05/2024,,,,,b5,",
            f"{donor},,5,USD,2024-05-01,,AUTUMN,MAIL,,b6,",
            f"{donor},,5,USD,2024-05-01,,,,barter,b7,",
            f"{donor},,5,XXX,2024-05-01,,,,,b8,",
            f"{donor},,-5,USD,2024-05-01,,,,,b9,",
            f"{donor},,5,USD,2024-05-01,,,,in_kind,b10,",
            f"{donor},,5,USD,2024-05-01,,,,,{'x' * 201},",
            f"{donor},,5,USD,2024-05-01,,,,,b12,{'n' * 4001}",
        ],
    )
    report = await import_gifts(path)
    assert (report.rows, report.recorded) == (14, 2)
    assert [line for line, _ in report.errors] == list(range(4, 16))
    messages = dict(report.errors)
    assert messages[4].startswith("amount:")
    assert messages[5].startswith("donor:")
    assert messages[6].startswith("donor:")
    assert messages[7] == "fund_code: no fund 'NOPE'"
    assert messages[8].startswith("gift_date:")
    assert messages[9] == "appeal_code: the appeal belongs to another campaign"
    assert messages[10].startswith("payment_method:")
    assert messages[12] == "amount_minor: must be between 1 and 1000000000000000 minor units"
    assert messages[13].startswith("in_kind_description:")
    assert messages[14] == "external_id: at most 200 characters"
    assert messages[15] == "notes: at most 4000 characters"
    assert autumn.id != spring.id
    stored = await db.fetch_all(
        "SELECT external_id, amount_minor, campaign_id, appeal_id, notes, fiscal_year "
        "FROM donations_gift ORDER BY external_id"
    )
    assert [(r["external_id"], r["amount_minor"]) for r in stored] == [("a1", 1_250), ("a2", 700)]
    assert stored[0]["campaign_id"] == spring.id
    assert stored[0]["appeal_id"] is not None
    assert stored[0]["notes"] == "first"
    assert stored[0]["fiscal_year"] == 2024  # fiscal years start on 1 July
    split = await db.fetch_one("SELECT fund_id, amount_minor FROM donations_gift_split")
    assert split == {"fund_id": fund, "amount_minor": 1_250}


async def test_duplicates_are_skipped_set_wise(person: PersonFactory, tmp_path: Path) -> None:
    donor = await person()
    lines = [f"{donor},,10,USD,2024-05-01,,,,,d{i}," for i in range(5)]
    path = write(tmp_path, [*lines, lines[0], f"{donor},,11,USD,2024-05-01,,,,,d1,"])
    first = await import_gifts(path)
    assert (first.recorded, first.already_recorded) == (6, 1)  # d0 twice: one gift
    assert [line for line, _ in first.errors] == [8]  # d1 again with another amount
    assert "already identifies a gift" in first.errors[0][1]
    again = await import_gifts(write(tmp_path, lines))
    assert (again.recorded, again.already_recorded, again.errors) == (5, 5, [])
    assert await gift_count() == 5
    assert (await rollups.donor_totals(donor))[0].lifetime_minor == 5_000


async def test_a_refused_row_is_isolated_and_the_rest_of_its_batch_commits(
    person: PersonFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    donor = await person()
    await import_gifts(write(tmp_path, [f"{donor},,10,USD,2024-05-01,,,,,taken,"]))

    async def nothing_stored(external_ids: Any) -> dict[str, Any]:
        return {}  # as if another import stored "taken" after this batch was checked

    monkeypatch.setattr(importer, "stored_gifts", nothing_stored)
    monkeypatch.setattr(importer, "BATCH_ROWS", 4)
    lines = [f"{donor},,{n},USD,2024-05-01,,,,,n{n}," for n in range(1, 7)]
    lines.insert(2, f"{donor},,10,USD,2024-05-01,,,,,taken,")
    report = await import_gifts(write(tmp_path, lines))
    assert report.recorded == 6
    assert [line for line, _ in report.errors] == [4]
    assert "refused" in report.errors[0][1]
    assert await gift_count() == 7
    audits = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_audit_log WHERE entity_type = 'donations_gift_import'"
    )
    assert int(audits) == 1 + 3  # the first import, then halves of batch one and batch two


async def test_rollups_after_import_equal_a_recomputation(
    person: PersonFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH_ROWS", 3)
    donors = [await person(f"D{i}") for i in range(4)]
    lines = []
    for i in range(20):
        currency = "EUR" if i % 5 == 0 else "USD"
        day = f"{2020 + i % 6}-0{1 + i % 9}-15"
        lines.append(f"{donors[i % 4]},,{5 + i},{currency},{day},,,,,r{i},")
    progress: list[tuple[int, int]] = []
    report = await import_gifts(
        write(tmp_path, lines), lambda done, total: progress.append((done, total))
    )
    assert report.recorded == 20
    assert len(progress) == 7  # one call per batch of three
    assert progress[-1][0] == progress[-1][1] == (tmp_path / "gifts.csv").stat().st_size
    imported = await db.fetch_all(
        "SELECT * FROM donations_donor_total ORDER BY constituent_id, currency"
    )
    async with db.transaction():
        for donor in donors:
            await rollups.recompute_donor(donor)
    again = await db.fetch_all(
        "SELECT * FROM donations_donor_total ORDER BY constituent_id, currency"
    )

    def strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k not in ("id", "updated_at")} for r in rows]

    assert strip(imported) == strip(again)
    assert len(imported) == 8  # four donors, two currencies


async def test_timeline_rows_match_a_recorded_gift(person: PersonFactory, tmp_path: Path) -> None:
    donor = await person()
    made = await gifts.record_gift(
        GiftIn(
            donor_id=donor,
            amount_minor=2_500,
            currency="USD",
            gift_date=date(2024, 5, 1),
            payment_method="card",
        )
    )
    await import_gifts(write(tmp_path, [f"{donor},,25,USD,2024-05-01,,,,card,t1,"]))
    imported_id = int(
        await db.fetch_value("SELECT id FROM donations_gift WHERE external_id = 't1'")
    )
    rows = {
        r["external_ref"]: r
        for r in await db.fetch_all(
            "SELECT * FROM core_interaction WHERE interaction_type = 'donations.gift'"
        )
    }
    recorded, imported = rows[f"gift:{made.id}"], rows[f"gift:{imported_id}"]
    assert imported["subject"] == f"Gift {imported_id}"
    assert json.loads(imported["payload"])["gift_id"] == imported_id
    skip = {"id", "external_ref", "subject", "payload", "created_at", "updated_at"}
    assert {k: v for k, v in imported.items() if k not in skip} == {
        k: v for k, v in recorded.items() if k not in skip
    }
    assert {**json.loads(imported["payload"]), "gift_id": 0} == {
        **json.loads(recorded["payload"]),
        "gift_id": 0,
    }
    assert import_rows.SOURCE == "import"
