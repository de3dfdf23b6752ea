"""Email to volunteers: shift cancelled, moved off the waitlist, reminders and invitations.

Messages go through core mail (recorded in the outbox inside the caller's transaction, so a
rolled-back change sends nothing). A person without an email address is skipped. The
check-in code in a reminder is a short HMAC of the sign-up id under the deployment's secret
key: the kiosk accepts it instead of a name search, and nobody can guess another person's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Literal

from markupsafe import Markup

from core import db
from core.mail import OutgoingMail, render_mail, send_mail
from plugins.volunteers import qr
from plugins.volunteers.common import org
from plugins.volunteers.models import Shift

Kind = Literal["cancelled", "promoted", "reminder", "invite"]
CODE_LENGTH = 8


async def address_of(constituent_id: int) -> tuple[str, str] | None:
    """The person's primary (else first) email address and the name to greet, or None."""
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


def checkin_code(signup_id: int) -> str:
    """The sign-up's check-in code: ``<id>-<8 base32 characters of an HMAC>``."""
    digest = hmac.new(
        org().secret_key.encode(), f"volunteers.checkin:{signup_id}".encode(), hashlib.sha256
    ).digest()
    return f"{signup_id}-{base64.b32encode(digest).decode()[:CODE_LENGTH]}"


def signup_of_code(code: str) -> int | None:
    """The sign-up id a check-in code names, or None when the code is not genuine.

    A scanner that reads the reminder's QR code types the whole link: its ``code=``
    parameter is used.
    """
    if "code=" in code:
        code = code.split("code=", 1)[1].split("&", 1)[0]
    head, _, _tail = code.strip().upper().partition("-")
    if not head.isdigit() or len(head) > 10:
        return None
    signup_id = int(head)
    return signup_id if hmac.compare_digest(checkin_code(signup_id), code.strip().upper()) else None


def kiosk_link(shift_id: int, signup_id: int) -> str:
    """The kiosk link in a reminder (opened on the staff kiosk, it checks the person in)."""
    base = org().public_base_url.rstrip("/")
    return f"{base}/admin/volunteers/kiosk/{shift_id}?code={checkin_code(signup_id)}"


def qr_markup(link: str) -> Markup:
    """The link as an inline SVG QR code (built here from our own URL, so safe to embed)."""
    return Markup(qr.svg(link))  # noqa: S704 - generated SVG, no user input


def portal_link(shift_id: int) -> str:
    """The portal page of a shift (to sign up after an invitation)."""
    return f"{org().public_base_url.rstrip('/')}/portal/volunteers/shifts/{shift_id}"


async def send_notice(
    kind: Kind, constituent_id: int, shift: Shift, *, signup_id: int | None = None
) -> int | None:
    """Email one notice; returns the outbox id, or None when the person has no address."""
    address = await address_of(constituent_id)
    if address is None:
        return None
    email, name = address
    context: dict[str, object] = {"kind": kind, "name": name, "shift": shift, "code": ""}
    if kind == "reminder" and signup_id is not None:
        context["code"] = checkin_code(signup_id)
        context["link"] = kiosk_link(shift.id, signup_id)
        context["qr_svg"] = qr_markup(str(context["link"]))
    else:
        context["link"] = portal_link(shift.id)
        context["qr_svg"] = None
    subject, text, html = render_mail("volunteers/mail/notice", context)
    return await send_mail(
        OutgoingMail(to=email, subject=subject, text=text, html=html, tag=f"volunteers.{kind}")
    )


async def shift_cancelled(constituent_id: int, shift: Shift) -> int | None:
    """Tell a person their shift was cancelled."""
    return await send_notice("cancelled", constituent_id, shift)


async def promoted(constituent_id: int, shift: Shift) -> int | None:
    """Tell a person they moved from the waitlist onto the shift."""
    return await send_notice("promoted", constituent_id, shift)
