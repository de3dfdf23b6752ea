"""Receipts by email, delivered to a real aiosmtpd server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.mail import deliver_pending
from core.mail.testing import SmtpSink, smtp_sink
from core.settings import Settings
from core.testing import BrowserSession, base_settings
from plugins.donations import gifts, receipt_mail, receipts
from plugins.donations.models import GiftIn
from plugins.donations.tests.conftest import ORG_ZONE


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    """A running SMTP server collecting what it receives."""
    with smtp_sink() as server:
        yield server


@pytest.fixture
def settings(database_url: str, sink: SmtpSink) -> Settings:
    """The donations test organisation, delivering mail to the sink."""
    return base_settings(
        database_url,
        time_zone=ORG_ZONE,
        fiscal_year_start_month=7,
        default_currency="USD",
        plugin_settings={"donations": {"receipt_language": "es"}},
        **sink.settings(),
    )


async def _gift(email: str | None = "grace@example.org") -> int:
    donor = await create_constituent(
        ConstituentIn.model_validate(
            {
                "kind": "individual",
                "first_name": "Grace",
                "last_name": "Hopper",
                "emails": [{"email": email, "is_primary": True}] if email else [],
            }
        )
    )
    gift = await gifts.record_gift(
        GiftIn(donor_id=donor.id, amount_minor=5_000, currency="USD", gift_date=date(2026, 2, 1))
    )
    return gift.id


async def test_send_receipt_arrives_in_the_donors_language(app: object, sink: SmtpSink) -> None:
    receipt = await receipts.issue_gift_receipt(await _gift())
    await receipt_mail.send_receipt(receipt.id)
    await deliver_pending()
    [mail] = sink.wait_for(1)
    assert mail.message["To"] == "grace@example.org"
    assert receipt.receipt_number in str(mail.message["Subject"])
    assert "Su recibo" in str(mail.message["Subject"])
    link = f"/portal/donations/receipts/{receipt.id}/pdf"
    assert link in mail.part("plain")
    assert link in mail.part("html")


async def test_admin_email_receipt_button(admin_ui: BrowserSession, sink: SmtpSink) -> None:
    gift_id = await _gift()
    response = await admin_ui.submit(f"/admin/donations/gifts/{gift_id}/email-receipt")
    assert response.status_code == 303
    await deliver_pending()
    [mail] = sink.wait_for(1)
    assert mail.message["To"] == "grace@example.org"
    no_address = await _gift(None)
    refused = await admin_ui.submit(f"/admin/donations/gifts/{no_address}/email-receipt")
    assert refused.status_code == 303
    assert len(sink.wait_for(1)) == 1
