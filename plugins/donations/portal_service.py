"""Portal giving services: a signed-in donor's checkouts, gifts, receipts and recurring gifts.

Every function takes the signed-in constituent's id and only ever touches that donor's
records: another donor's record is reported as missing (NotFoundError, a 404), so the portal
never tells whether it exists.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from core import db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.i18n import gettext as _
from plugins.donations import gateways, gift_store, gifts, receipts, recurring, rollups
from plugins.donations.common import as_int, config, current_fiscal_year, org
from plugins.donations.models import Gift

FREQUENCIES = ("once", "monthly", "annually")


class GivingSummary(BaseModel):
    """What the portal widget shows: this fiscal year's giving in one currency."""

    fiscal_year: int
    currency: str
    total_minor: int
    gift_count: int


def gateway_name() -> str:
    """Stripe Checkout when its keys are configured, else the built-in offline gateway."""
    return "stripe" if config().stripe_secret_key else "offline"


async def start_donation(
    constituent_id: int,
    email: str,
    *,
    amount_minor: int,
    currency: str,
    frequency: str,
    fund_id: int | None,
) -> gateways.CheckoutStart:
    """Start a checkout for the signed-in donor through the configured gateway."""
    if frequency not in FREQUENCIES:
        raise InvalidInputError({"frequency": "unknown frequency"})
    data = gateways.CheckoutIn.model_validate(
        {
            "amount_minor": amount_minor,
            "currency": currency,
            "frequency": frequency,
            "fund_id": fund_id,
            "constituent_id": constituent_id,
            "email": email or None,
            "gateway": gateway_name(),
        }
    )
    return await gateways.start_checkout(data)


async def own_checkout(constituent_id: int, checkout_id: int) -> dict[str, Any]:
    """One of the donor's own checkouts; another donor's is reported missing."""
    try:
        checkout = await gateways.get_checkout(checkout_id)
    except NotFoundError:
        checkout = None
    if checkout is None or checkout.get("constituent_id") != constituent_id:
        raise NotFoundError(_("There is no such donation."))
    return checkout


async def complete_own_offline(constituent_id: int, checkout_id: int) -> str:
    """Complete the donor's own open offline checkout (records the gift or recurring gift)."""
    checkout = await own_checkout(constituent_id, checkout_id)
    if checkout["gateway"] != "offline":
        raise NotFoundError(_("There is no such donation."))
    if checkout["status"] != "open":
        raise ConflictError(_("This donation is already complete."))
    outcome: str = await gateways.complete_offline(checkout_id)
    return outcome


async def my_gifts(constituent_id: int, page: int = 1) -> tuple[list[Gift], int]:
    """The donor's own gifts, newest first."""
    return await gifts.list_gifts(donor_id=constituent_id, page=page, per_page=50)


async def own_gift(constituent_id: int, gift_id: int) -> Gift:
    """One of the donor's own live gifts."""
    try:
        gift = await gift_store.fetch_gift(gift_id)
    except NotFoundError:
        gift = None
    if gift is None or gift.donor_id != constituent_id:
        raise NotFoundError(_("There is no such gift."))
    return gift


async def gift_receipt(constituent_id: int, gift_id: int) -> receipts.Receipt:
    """The receipt of the donor's own received gift (issued on first request)."""
    gift = await own_gift(constituent_id, gift_id)
    if gift.status != "received":
        raise ConflictError(_("Only a received gift gets a receipt."))
    return await receipts.issue_gift_receipt(gift_id)


async def own_receipt(constituent_id: int, receipt_id: int) -> receipts.Receipt:
    """One of the donor's own receipts."""
    try:
        receipt = await receipts.get_receipt(receipt_id)
    except NotFoundError:
        receipt = None
    if receipt is None or receipt.constituent_id != constituent_id:
        raise NotFoundError(_("There is no such receipt."))
    return receipt


async def statement_years(constituent_id: int) -> list[tuple[int, str]]:
    """(fiscal year, currency) pairs the donor gave in, newest first."""
    years = await rollups.donor_years(constituent_id)
    pairs = {(y.fiscal_year, y.currency) for y in years if y.gift_count}
    return sorted(pairs, reverse=True)


async def annual_statement(
    constituent_id: int, fiscal_year: int, currency: str
) -> receipts.Receipt:
    """Issue the donor's annual statement for a fiscal year they gave in."""
    if (fiscal_year, currency) not in await statement_years(constituent_id):
        raise NotFoundError(_("You made no gifts in this fiscal year."))
    return await receipts.issue_annual_statement(constituent_id, fiscal_year, currency)


async def own_recurring(constituent_id: int, recurring_id: int) -> recurring.Recurring:
    """One of the donor's own recurring gifts."""
    try:
        found = await recurring.get_recurring(recurring_id)
    except NotFoundError:
        found = None
    if found is None or found.donor_id != constituent_id:
        raise NotFoundError(_("There is no such recurring gift."))
    return found


async def change_own_recurring(
    constituent_id: int,
    recurring_id: int,
    *,
    amount_minor: int | None = None,
    status: str | None = None,
) -> recurring.Recurring:
    """Change the amount of, pause, resume or cancel the donor's own recurring gift."""
    await own_recurring(constituent_id, recurring_id)
    patch = recurring.RecurringPatch(amount_minor=amount_minor, status=status)
    return await recurring.change_recurring(recurring_id, patch)


async def giving_summary(constituent_id: int) -> GivingSummary:
    """This fiscal year's received giving in the organisation's currency."""
    fiscal_year, currency = current_fiscal_year(), org().default_currency
    row = await db.fetch_one(
        "SELECT COUNT(*) AS n, SUM(amount_minor) AS total FROM donations_gift "
        "WHERE donor_id = {} AND fiscal_year = {} AND currency = {} AND status = 'received' "
        "AND deleted_at IS NULL",
        constituent_id,
        fiscal_year,
        currency,
    )
    return GivingSummary(
        fiscal_year=fiscal_year,
        currency=currency,
        total_minor=as_int(row["total"]) if row else 0,
        gift_count=as_int(row["n"]) if row else 0,
    )
