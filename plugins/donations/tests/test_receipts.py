"""Receipts: gapless numbering under concurrency, PDFs, languages and template overrides."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from core.errors import ConflictError
from core.events import unit_of_work
from core.settings import Settings
from core.testing import base_settings
from plugins.donations import gifts, receipt_pdf, receipts
from plugins.donations.models import GiftIn
from plugins.donations.tests.conftest import PersonFactory

OVERRIDE = "<p>{{ t.gift_title }} {{ receipt.receipt_number }} (override)</p>"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The plugin's test settings plus a deployment override folder."""
    folder = tmp_path / "overrides" / "donations" / "receipts" / "mx"
    folder.mkdir(parents=True)
    (folder / "gift.html").write_text(OVERRIDE)
    return base_settings(
        database_url,
        time_zone="America/Mexico_City",
        fiscal_year_start_month=7,
        template_override_dir=str(tmp_path / "overrides"),
        plugin_settings={"donations": {"receipt_series": "R2025"}},
    )


async def _gift(donor: int, amount: int = 1_000, **extra: object) -> int:
    made = await gifts.record_gift(
        GiftIn.model_validate(
            {"donor_id": donor, "amount_minor": amount, "currency": "USD", **extra}
        )
    )
    return made.id


async def test_concurrent_receipts_are_numbered_without_gaps(person: PersonFactory) -> None:
    donor = await person()
    gift_ids = [await _gift(donor, 100 + i) for i in range(12)]

    async def take_number_then_fail() -> None:
        async with unit_of_work():
            await receipts.allocate_number("R2025")
            raise RuntimeError("rolled back after taking a number")

    async def failing() -> None:
        with pytest.raises(RuntimeError):
            await take_number_then_fail()

    issued = await asyncio.gather(
        *[receipts.issue_gift_receipt(g) for g in gift_ids], failing(), failing()
    )
    numbers = sorted(r.number for r in issued if r is not None)
    assert numbers == list(range(1, 13))
    again = await receipts.issue_gift_receipt(gift_ids[0])
    assert again.number == next(r for r in issued if r and r.gift_id == gift_ids[0]).number
    assert again.receipt_number.startswith("R2025-0000")


async def test_gift_receipt_pdf_and_spanish_annual_statement(person: PersonFactory) -> None:
    donor = await person()
    gift_id = await _gift(donor, 12_345, non_deductible_minor=2_345, gift_date=date(2024, 9, 1))
    await _gift(donor, 655, gift_date=date(2025, 6, 30))
    receipt = await receipts.issue_gift_receipt(gift_id)
    assert (receipt.amount_minor, receipt.deductible_minor, receipt.language) == (
        12_345,
        10_000,
        "en",
    )
    html = await receipt_pdf.render_html(receipt.id)
    assert "Official donation receipt" in html
    assert "100.00 USD" in html
    pdf = await receipt_pdf.render_pdf(receipt.id)
    assert pdf.startswith(b"%PDF")
    statement = await receipts.issue_annual_statement(donor, 2025, "USD", language="es")
    assert (statement.amount_minor, statement.number) == (13_000, 2)
    spanish = await receipt_pdf.render_html(statement.id)
    assert "Certificado anual de donativos" in spanish
    assert "130.00 USD" in spanish
    voided = await receipts.void_receipt(receipt.id)
    assert voided.voided_at is not None
    with pytest.raises(ConflictError):
        await receipts.void_receipt(receipt.id)


async def test_templates_chosen_by_jurisdiction_and_overridable(person: PersonFactory) -> None:
    donor = await person()
    receipt = await receipts.issue_gift_receipt(await _gift(donor))
    assert receipt_pdf.template_names(receipt)[-1] == "donations/receipts/gift.html"
    mexican = receipt.model_copy(update={"jurisdiction": "mx"})
    names = receipt_pdf.template_names(mexican)
    assert names[0] == "donations/receipts/mx/gift.html"
    template = receipt_pdf._env().get_template(names[0])
    assert "(override)" in template.render(t=receipt_pdf.TEXTS["es"], receipt=mexican)


def test_every_receipt_text_exists_in_english_and_spanish() -> None:
    assert set(receipt_pdf.TEXTS["en"]) == set(receipt_pdf.TEXTS["es"])
