"""JSON API of constituents' emails, phones and postal addresses.

Each constituent holds at most a few of each, so these sub-collections are returned whole
(no pagination).
"""

from __future__ import annotations

from typing import Any

from litestar import delete, get, patch, post
from litestar.params import JSONBody

from core.constituents import contacts
from core.constituents.api_support import Id, PreciseJSONRequest
from core.constituents.schemas import (
    AddressIn,
    AddressOut,
    AddressPatch,
    EmailIn,
    EmailOut,
    EmailPatch,
    PhoneIn,
    PhoneOut,
    PhonePatch,
)

READ = {"permission": "constituents.read"}
WRITE = {"permission": "constituents.write"}
BASE = "/constituents/{constituent_id:int}"


# --- emails -------------------------------------------------------------------------------


@get(BASE + "/emails", opt=READ)
async def list_emails(constituent_id: Id) -> list[EmailOut]:
    """The constituent's email addresses."""
    return await contacts.list_emails(constituent_id)


@post(BASE + "/emails", opt=WRITE, request_class=PreciseJSONRequest)
async def add_email(constituent_id: Id, data: JSONBody[EmailIn]) -> EmailOut:
    """Add an email address."""
    return await contacts.add_email(constituent_id, data)


@patch(BASE + "/emails/{email_id:int}", opt=WRITE, request_class=PreciseJSONRequest)
async def update_email(constituent_id: Id, email_id: Id, data: JSONBody[EmailPatch]) -> EmailOut:
    """Change an email address or make it primary."""
    return await contacts.update_email(constituent_id, email_id, data)


@delete(BASE + "/emails/{email_id:int}", opt=WRITE)
async def remove_email(constituent_id: Id, email_id: Id) -> None:
    """Remove an email address."""
    await contacts.remove_email(constituent_id, email_id)


# --- phones -------------------------------------------------------------------------------


@get(BASE + "/phones", opt=READ)
async def list_phones(constituent_id: Id) -> list[PhoneOut]:
    """The constituent's phone numbers."""
    return await contacts.list_phones(constituent_id)


@post(BASE + "/phones", opt=WRITE, request_class=PreciseJSONRequest)
async def add_phone(constituent_id: Id, data: JSONBody[PhoneIn]) -> PhoneOut:
    """Add a phone number (read in the default country unless it starts with +)."""
    return await contacts.add_phone(constituent_id, data)


@patch(BASE + "/phones/{phone_id:int}", opt=WRITE, request_class=PreciseJSONRequest)
async def update_phone(constituent_id: Id, phone_id: Id, data: JSONBody[PhonePatch]) -> PhoneOut:
    """Change a phone number or make it primary."""
    return await contacts.update_phone(constituent_id, phone_id, data)


@delete(BASE + "/phones/{phone_id:int}", opt=WRITE)
async def remove_phone(constituent_id: Id, phone_id: Id) -> None:
    """Remove a phone number."""
    await contacts.remove_phone(constituent_id, phone_id)


# --- addresses ----------------------------------------------------------------------------


@get(BASE + "/addresses", opt=READ)
async def list_addresses(constituent_id: Id) -> list[AddressOut]:
    """The constituent's postal addresses."""
    return await contacts.list_addresses(constituent_id)


@post(BASE + "/addresses", opt=WRITE, request_class=PreciseJSONRequest)
async def add_address(constituent_id: Id, data: JSONBody[AddressIn]) -> AddressOut:
    """Add a postal address."""
    return await contacts.add_address(constituent_id, data)


@patch(BASE + "/addresses/{address_id:int}", opt=WRITE, request_class=PreciseJSONRequest)
async def update_address(
    constituent_id: Id, address_id: Id, data: JSONBody[AddressPatch]
) -> AddressOut:
    """Change a postal address or make it primary."""
    return await contacts.update_address(constituent_id, address_id, data)


@delete(BASE + "/addresses/{address_id:int}", opt=WRITE)
async def remove_address(constituent_id: Id, address_id: Id) -> None:
    """Remove a postal address."""
    await contacts.remove_address(constituent_id, address_id)


ROUTES: list[Any] = [
    list_emails,
    add_email,
    update_email,
    remove_email,
    list_phones,
    add_phone,
    update_phone,
    remove_phone,
    list_addresses,
    add_address,
    update_address,
    remove_address,
]
