"""Receipts by email: a message with a link to the PDF in the donor's portal.

Core's outgoing mail carries no attachments, so :func:`send_receipt` mails the donor a link
to ``/portal/donations/receipts/<id>/pdf`` (the donor signs in to the portal to download it;
only the donor's own receipts are served there). The message is rendered from
``donations/mail/receipt.{subject.txt,txt,html}`` in the receipt's language.
"""

from __future__ import annotations

from core import db
from core.errors import StewardError
from core.mail import OutgoingMail, render_mail, send_mail
from plugins.donations.common import org
from plugins.donations.receipts import get_receipt

TAG = "donations.receipt"


class NoAddressError(StewardError):
    """The donor has no email address to send the receipt to."""

    status_code = 409
    title = "Conflict"


async def donor_address(constituent_id: int) -> tuple[str, str] | None:
    """The donor's primary (else first) email address and display name, or None."""
    row = await db.fetch_one(
        "SELECT e.email, c.display_name, c.preferred_name, c.first_name FROM core_email e "
        "JOIN core_constituent c ON c.id = e.constituent_id WHERE e.constituent_id = {} "
        "AND c.deleted_at IS NULL ORDER BY e.is_primary DESC, e.id LIMIT 1",
        constituent_id,
    )
    if row is None:
        return None
    name = row["preferred_name"] or row["first_name"] or row["display_name"] or ""
    return str(row["email"]), str(name)


def receipt_link(receipt_id: int) -> str:
    """The portal download link of a receipt (host from settings, never a request)."""
    return f"{org().public_base_url.rstrip('/')}/portal/donations/receipts/{receipt_id}/pdf"


async def send_receipt(receipt_id: int) -> int:
    """Email a receipt or annual statement to its donor; returns the outbox id.

    Raises NotFoundError for an unknown receipt and :class:`NoAddressError` when the donor
    has no email address.
    """
    receipt = await get_receipt(receipt_id)
    address = await donor_address(receipt.constituent_id)
    if address is None:
        raise NoAddressError(f"constituent {receipt.constituent_id} has no email address")
    email, name = address
    context = {
        "name": name,
        "receipt": receipt,
        "link": receipt_link(receipt_id),
        "org_name": org().org_name,
    }
    subject, text, html = render_mail("donations/mail/receipt", context, locale=receipt.language)
    return await send_mail(OutgoingMail(to=email, subject=subject, text=text, html=html, tag=TAG))
