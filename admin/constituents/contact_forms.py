"""Adding, editing and removing a constituent's emails, phones and postal addresses.

One set of handlers per kind of contact detail, built from :data:`KINDS`:
``/constituents/{id}/<kind>/new``, ``/<kind>/{row}/edit`` and ``/<kind>/{row}/delete``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel

from admin.constituents.common import BASE, WRITE, form_page, service_errors
from admin.forms import FormErrors, form_values, validate_form
from core.constituents import contacts
from core.constituents.schemas import AddressIn, EmailIn, PhoneIn
from core.constituents.service import get_constituent
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash


@dataclass(frozen=True)
class ContactForm:
    """How one kind of contact detail is edited."""

    kind: str  # path segment: email | phone | address
    model: type[BaseModel]
    main_field: str
    add: Callable[..., Awaitable[Any]]
    update: Callable[..., Awaitable[Any]]
    remove: Callable[..., Awaitable[None]]
    rows: Callable[[int], Awaitable[list[Any]]]


KINDS: dict[str, ContactForm] = {
    "email": ContactForm(
        "email",
        EmailIn,
        "email",
        contacts.add_email,
        contacts.update_email,
        contacts.remove_email,
        contacts.list_emails,
    ),
    "phone": ContactForm(
        "phone",
        PhoneIn,
        "number",
        contacts.add_phone,
        contacts.update_phone,
        contacts.remove_phone,
        contacts.list_phones,
    ),
    "address": ContactForm(
        "address",
        AddressIn,
        "line1",
        contacts.add_address,
        contacts.update_address,
        contacts.remove_address,
        contacts.list_addresses,
    ),
}


def _titles(kind: str, editing: bool) -> str:
    titles = {
        ("email", False): _("Add email"),
        ("phone", False): _("Add phone"),
        ("address", False): _("Add address"),
        ("email", True): _("Edit email"),
        ("phone", True): _("Edit phone"),
        ("address", True): _("Edit address"),
    }
    return titles[(kind, editing)]


def _type_options(kind: str) -> list[tuple[str, str]]:
    home, work, other = _("Home"), _("Work"), _("Other")
    if kind == "phone":
        return [("mobile", _("Mobile")), ("home", home), ("work", work), ("other", other)]
    if kind == "address":
        return [("home", home), ("work", work), ("mailing", _("Mailing")), ("other", other)]
    return [("home", home), ("work", work), ("other", other)]


async def _render(
    request: Request[Any, Any, Any],
    spec: ContactForm,
    constituent_id: int,
    row_id: int | None,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Response[str]:
    detail = await get_constituent(constituent_id)
    action = f"{BASE}/{constituent_id}/{spec.kind}/" + (f"{row_id}/edit" if row_id else "new")
    context = {
        "constituent": detail,
        "kind": spec.kind,
        "title": _titles(spec.kind, row_id is not None),
        "action": action,
        "row_id": row_id,
        "type_options": _type_options(spec.kind),
    }
    return await form_page(request, "admin/constituents/contact_form.html", context, values, errors)


async def _row(spec: ContactForm, constituent_id: int, row_id: int) -> dict[str, Any]:
    for row in await spec.rows(constituent_id):
        if row.id == row_id:
            data: dict[str, Any] = row.model_dump()
            return data
    raise NotFoundError(f"no {spec.kind} {row_id} on constituent {constituent_id}")


async def _save(
    request: Request[Any, Any, Any], spec: ContactForm, constituent_id: int, row_id: int | None
) -> Response[Any]:
    await get_constituent(constituent_id)
    if row_id is not None:
        await _row(spec, constituent_id, row_id)
    values = await form_values(request)
    values.setdefault("is_primary", False)
    model, errors = validate_form(spec.model, values)
    if model is not None:
        data = model.model_dump()
        try:
            if row_id is None:
                await spec.add(constituent_id, data)
            else:
                if not data["is_primary"]:
                    del data["is_primary"]  # unticked means "leave as it is"
                await spec.update(constituent_id, row_id, data)
        except InvalidInputError as exc:
            errors = service_errors(exc)
        except ConflictError as exc:
            errors = {spec.main_field: str(exc)}
    if errors:
        return await _render(request, spec, constituent_id, row_id, values, errors)
    return redirect_with_flash(f"{BASE}/{constituent_id}#contact", _("Saved."))


def _handlers(spec: ContactForm) -> list[Any]:
    prefix = f"/constituents/{{constituent_id:int}}/{spec.kind}"

    @get(f"{prefix}/new", include_in_schema=False, opt=WRITE, name=f"{spec.kind}-new")
    async def new_form(
        request: Request[Any, Any, Any], constituent_id: FromPath[int]
    ) -> Response[str]:
        return await _render(request, spec, constituent_id, None, {"is_primary": False})

    @post(f"{prefix}/new", include_in_schema=False, opt=WRITE, name=f"{spec.kind}-add")
    async def add(request: Request[Any, Any, Any], constituent_id: FromPath[int]) -> Response[Any]:
        return await _save(request, spec, constituent_id, None)

    @get(
        f"{prefix}/{{row_id:int}}/edit",
        include_in_schema=False,
        opt=WRITE,
        name=f"{spec.kind}-edit",
    )
    async def edit_form(
        request: Request[Any, Any, Any], constituent_id: FromPath[int], row_id: FromPath[int]
    ) -> Response[str]:
        values = await _row(spec, constituent_id, row_id)
        return await _render(request, spec, constituent_id, row_id, values)

    @post(
        f"{prefix}/{{row_id:int}}/edit",
        include_in_schema=False,
        opt=WRITE,
        name=f"{spec.kind}-update",
    )
    async def update(
        request: Request[Any, Any, Any], constituent_id: FromPath[int], row_id: FromPath[int]
    ) -> Response[Any]:
        return await _save(request, spec, constituent_id, row_id)

    @post(
        f"{prefix}/{{row_id:int}}/delete",
        include_in_schema=False,
        opt=WRITE,
        name=f"{spec.kind}-delete",
    )
    async def remove(
        request: Request[Any, Any, Any], constituent_id: FromPath[int], row_id: FromPath[int]
    ) -> Response[Any]:
        await spec.remove(constituent_id, row_id)
        return redirect_with_flash(f"{BASE}/{constituent_id}#contact", _("Removed."))

    return [new_form, add, edit_form, update, remove]


ROUTES = [handler for spec in KINDS.values() for handler in _handlers(spec)]
