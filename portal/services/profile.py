"""My profile: what a constituent may change themselves, and what goes to staff review.

Contact details (the primary email, phone and address) and the preferred name change at
once. Identity fields (legal name parts and date of birth) are never overwritten from the
portal: a change is queued as a request (:mod:`portal.services.requests`) that staff approve
or reject in the admin UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.constituents import contacts
from core.constituents.schemas import ConstituentDetail
from core.constituents.service import get_constituent, update_constituent
from core.errors import InvalidInputError
from core.events import unit_of_work
from core.i18n import gettext as _
from portal.services import requests

IDENTITY_FIELDS: tuple[str, ...] = (
    "prefix",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "birth_date",
)
ADDRESS_FIELDS: tuple[str, ...] = ("line1", "line2", "city", "region", "postcode", "country")


class ProfileForm(BaseModel):
    """The profile form as posted (every field optional except the email)."""

    model_config = ConfigDict(extra="ignore")

    prefix: str | None = Field(default=None, max_length=40)
    first_name: str | None = Field(default=None, max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    suffix: str | None = Field(default=None, max_length=40)
    birth_date: date | None = None
    preferred_name: str | None = Field(default=None, max_length=100)
    email: str = Field(min_length=3, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    line1: str | None = Field(default=None, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    postcode: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2)


@dataclass(frozen=True)
class ProfileOutcome:
    """What a save did: contact details changed, and/or an identity change was queued."""

    updated: bool
    change_request_id: int | None


def _primary(items: list[Any]) -> Any | None:
    return next((i for i in items if i.is_primary), items[0] if items else None)


def form_values_of(detail: ConstituentDetail) -> dict[str, Any]:
    """The profile form filled in from the record."""
    values: dict[str, Any] = {f: getattr(detail, f) for f in IDENTITY_FIELDS}
    values["birth_date"] = detail.birth_date.isoformat() if detail.birth_date else None
    values["preferred_name"] = detail.preferred_name
    email = _primary(detail.emails)
    phone = _primary(detail.phones)
    address = _primary(detail.addresses)
    values["email"] = email.email if email else None
    values["phone"] = phone.number if phone else None
    for name in ADDRESS_FIELDS:
        values[name] = getattr(address, name) if address else None
    return values


def _friendly_messages() -> dict[str, str]:
    return {
        "email": _("Enter a valid email address."),
        "number": _("Enter a valid phone number."),
        "phone": _("Enter a valid phone number."),
        "postcode": _("Enter a valid postcode."),
        "country": _("Enter a two-letter country code, such as ES."),
        "line1": _("Enter the first line of the address."),
    }


def _friendly(exc: InvalidInputError, rename: dict[str, str] | None = None) -> InvalidInputError:
    """The service's errors keyed by form field, in the visitor's language."""
    errors: dict[str, str] = {}
    friendly = _friendly_messages()
    for key, message in exc.errors.items():
        field = key.split(".")[-1] or "__all__"
        field = (rename or {}).get(field, field)
        errors[field] = friendly.get(field, str(message))
    return InvalidInputError(errors)


async def _save_email(constituent_id: int, detail: ConstituentDetail, email: str) -> bool:
    current = _primary(detail.emails)
    if current is not None and current.email == email.strip().lower():
        return False
    try:
        if current is None:
            await contacts.add_email(constituent_id, {"email": email, "is_primary": True})
        else:
            await contacts.update_email(constituent_id, current.id, {"email": email})
    except InvalidInputError as exc:
        raise _friendly(exc) from exc
    return True


async def _save_phone(constituent_id: int, detail: ConstituentDetail, phone: str | None) -> bool:
    current = _primary(detail.phones)
    try:
        if not phone:
            if current is None:
                return False
            await contacts.remove_phone(constituent_id, current.id)
        elif current is None:
            await contacts.add_phone(constituent_id, {"number": phone, "is_primary": True})
        elif current.number != phone:
            before = current.number
            updated = await contacts.update_phone(constituent_id, current.id, {"number": phone})
            return bool(updated.number != before)
        else:
            return False
    except InvalidInputError as exc:
        raise _friendly(exc, {"number": "phone"}) from exc
    return True


async def _save_address(constituent_id: int, detail: ConstituentDetail, form: ProfileForm) -> bool:
    current = _primary(detail.addresses)
    wanted = {name: getattr(form, name) for name in ADDRESS_FIELDS}
    if wanted["country"]:
        wanted["country"] = str(wanted["country"]).upper()
    try:
        if not any(wanted.values()):
            if current is None:
                return False
            await contacts.remove_address(constituent_id, current.id)
            return True
        if not wanted["line1"]:
            raise InvalidInputError({"line1": "required"})
        if current is None:
            await contacts.add_address(constituent_id, {**wanted, "is_primary": True})
            return True
        if all(getattr(current, n) == wanted[n] for n in ADDRESS_FIELDS):
            return False
        await contacts.update_address(constituent_id, current.id, wanted)
    except InvalidInputError as exc:
        raise _friendly(exc) from exc
    return True


def identity_changes(detail: ConstituentDetail, form: ProfileForm) -> dict[str, dict[str, Any]]:
    """Identity fields the form changes: ``{field: {"old": ..., "new": ...}}`` (ISO dates)."""
    changes: dict[str, dict[str, Any]] = {}
    for name in IDENTITY_FIELDS:
        old, new = getattr(detail, name), getattr(form, name)
        if isinstance(old, date):
            old = old.isoformat()
        if isinstance(new, date):
            new = new.isoformat()
        if (old or None) != (new or None):
            changes[name] = {"old": old, "new": new}
    return changes


async def save_profile(constituent_id: int, form: ProfileForm) -> ProfileOutcome:
    """Apply contact changes and queue identity changes, all or nothing.

    Raises :class:`InvalidInputError` keyed by form field, with messages for the visitor.
    """
    detail = await get_constituent(constituent_id)
    updated = False
    request_id = None
    async with unit_of_work():
        if (form.preferred_name or None) != (detail.preferred_name or None):
            await update_constituent(constituent_id, {"preferred_name": form.preferred_name})
            updated = True
        updated = await _save_email(constituent_id, detail, form.email) or updated
        updated = await _save_phone(constituent_id, detail, form.phone) or updated
        updated = await _save_address(constituent_id, detail, form) or updated
        changes = identity_changes(detail, form)
        if changes:
            request_id = await requests.queue_identity_change(constituent_id, changes)
    return ProfileOutcome(updated=updated, change_request_id=request_id)
