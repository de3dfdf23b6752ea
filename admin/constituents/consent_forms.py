"""Consent, do-not-contact blocks and custom field values of a constituent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from admin.constituents.common import (
    BASE,
    WRITE,
    channel_labels,
    options,
    service_errors,
)
from admin.constituents.custom_inputs import (
    PREFIX,
    custom_field_inputs,
    custom_values_from_form,
    form_values_of,
)
from admin.constituents.relation_forms import generic_form
from admin.forms import FormErrors, form_values
from core.constituents import consent
from core.constituents.custom_fields import active_fields, canonical_value, set_custom_value
from core.constituents.service import get_constituent
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import unit_of_work
from core.i18n import gettext as _
from core.plugins.registry import current_registry
from core.web.pages import redirect_with_flash


def _method_labels() -> dict[str, str]:
    return {
        "web_form": _("Web form"),
        "paper": _("Paper form"),
        "phone": _("Telephone"),
        "in_person": _("In person"),
        "import": _("Import"),
        "portal": _("Portal"),
        "api": _("API"),
    }


def _consent_fields() -> list[dict[str, Any]]:
    return [
        {
            "control": "input",
            "name": "purpose",
            "label": _("Purpose"),
            "required": True,
            "help": _("A short code such as newsletter or fundraising."),
        },
        {
            "control": "select",
            "name": "channel",
            "label": _("Channel"),
            "options": options(channel_labels()),
        },
        {
            "control": "select",
            "name": "status",
            "label": _("Consent"),
            "options": [("granted", _("Granted")), ("withdrawn", _("Withdrawn"))],
        },
        {
            "control": "select",
            "name": "method",
            "label": _("How it was given"),
            "options": options(_method_labels()),
        },
        {
            "control": "textarea",
            "name": "wording",
            "label": _("Exact wording shown"),
            "required": True,
        },
        {
            "control": "input",
            "name": "occurred_at",
            "label": _("When"),
            "type": "datetime-local",
            "help": _("Leave empty for now."),
        },
        {"control": "input", "name": "source", "label": _("Source")},
    ]


async def _consent_page(
    request: Request[Any, Any, Any],
    constituent_id: int,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Response[str]:
    return await generic_form(
        request,
        constituent_id,
        title=_("Record consent"),
        action=f"{BASE}/{constituent_id}/consent/new",
        fields=_consent_fields(),
        values=values,
        errors=errors,
    )


@get("/constituents/{constituent_id:int}/consent/new", include_in_schema=False, opt=WRITE)
async def consent_form(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[str]:
    """The form to add an entry to the consent log."""
    defaults = {"channel": "email", "status": "granted", "method": "paper"}
    return await _consent_page(request, constituent_id, defaults)


def _instant(text: str | None) -> datetime | None:
    """A ``datetime-local`` value read in the organisation's time zone."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=current_registry().settings.zone)
    return moment


@post("/constituents/{constituent_id:int}/consent/new", include_in_schema=False, opt=WRITE)
async def record_consent(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[Any]:
    """Append the consent entry, or show the form again with the problems."""
    await get_constituent(constituent_id)
    values = await form_values(request)
    errors: FormErrors = {}
    occurred_at = None
    try:
        occurred_at = _instant(values.get("occurred_at"))
    except ValueError:
        errors["occurred_at"] = _("Enter a date and time.")
    wording = values.get("wording")
    if not errors:
        try:
            await consent.record_consent(
                constituent_id,
                channel=str(values.get("channel") or ""),
                purpose=str(values.get("purpose") or ""),
                status=str(values.get("status") or ""),
                method=str(values.get("method") or ""),
                wording=wording if isinstance(wording, str) else "",
                occurred_at=occurred_at,
                source=values.get("source"),
            )
        except InvalidInputError as exc:
            errors = service_errors(exc)
    if errors:
        return await _consent_page(request, constituent_id, values, errors)
    return redirect_with_flash(f"{BASE}/{constituent_id}#consent", _("Consent recorded."))


def _block_fields() -> list[dict[str, Any]]:
    return [
        {
            "control": "select",
            "name": "channel",
            "label": _("Channel"),
            "options": options(channel_labels(with_all=True)),
        },
        {"control": "input", "name": "reason", "label": _("Reason"), "required": True},
    ]


async def _block_page(
    request: Request[Any, Any, Any],
    constituent_id: int,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Response[str]:
    return await generic_form(
        request,
        constituent_id,
        title=_("Block a channel"),
        action=f"{BASE}/{constituent_id}/blocks/new",
        fields=_block_fields(),
        values=values,
        errors=errors,
        intro=_("Nobody will contact this constituent on the channel until the block is lifted."),
    )


@get("/constituents/{constituent_id:int}/blocks/new", include_in_schema=False, opt=WRITE)
async def block_form(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[str]:
    """The do-not-contact form."""
    return await _block_page(request, constituent_id, {"channel": "all"})


@post("/constituents/{constituent_id:int}/blocks/new", include_in_schema=False, opt=WRITE)
async def block(request: Request[Any, Any, Any], constituent_id: FromPath[int]) -> Response[Any]:
    """Block the channel, or show the form again with the problems."""
    await get_constituent(constituent_id)
    values = await form_values(request)
    errors: FormErrors = {}
    try:
        await consent.block_contact(
            constituent_id, str(values.get("channel") or ""), str(values.get("reason") or "")
        )
    except InvalidInputError as exc:
        errors = service_errors(exc)
    except ConflictError as exc:
        errors = {"channel": str(exc)}
    if errors:
        return await _block_page(request, constituent_id, values, errors)
    return redirect_with_flash(f"{BASE}/{constituent_id}#consent", _("Channel blocked."))


@post(
    "/constituents/{constituent_id:int}/blocks/{block_id:int}/lift",
    include_in_schema=False,
    opt=WRITE,
)
async def lift(
    request: Request[Any, Any, Any], constituent_id: FromPath[int], block_id: FromPath[int]
) -> Response[Any]:
    """Lift a do-not-contact block (it stays in the history)."""
    blocks = (await consent.list_blocks(constituent_id, per_page=200)).items
    if block_id not in {b.id for b in blocks}:
        raise NotFoundError(f"contact block {block_id} not found")
    try:
        await consent.lift_block(block_id)
    except ConflictError as exc:
        return redirect_with_flash(f"{BASE}/{constituent_id}#consent", str(exc), "error")
    return redirect_with_flash(f"{BASE}/{constituent_id}#consent", _("Block lifted."))


async def _custom_page(
    request: Request[Any, Any, Any],
    constituent_id: int,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Response[str]:
    return await generic_form(
        request,
        constituent_id,
        title=_("Custom fields"),
        action=f"{BASE}/{constituent_id}/custom-fields",
        fields=[],
        values=values,
        errors=errors,
        custom_inputs=await custom_field_inputs(),
    )


@get("/constituents/{constituent_id:int}/custom-fields", include_in_schema=False, opt=WRITE)
async def custom_form(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[str]:
    """The constituent's custom field values, one typed control each."""
    detail = await get_constituent(constituent_id)
    return await _custom_page(request, constituent_id, form_values_of(detail.custom_fields))


@post("/constituents/{constituent_id:int}/custom-fields", include_in_schema=False, opt=WRITE)
async def save_custom(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[Any]:
    """Save every changed value in one change, or show the form again with the problems."""
    detail = await get_constituent(constituent_id)
    values = await form_values(request)
    typed, errors = await custom_values_from_form(values)
    current = form_values_of(detail.custom_fields)
    if not errors:
        fields = await active_fields()
        failing = ""
        try:
            async with unit_of_work():
                for key, raw in typed.items():
                    failing = PREFIX + key
                    new = canonical_value(fields[key], raw)
                    old = canonical_value(fields[key], current.get(PREFIX + key))
                    if new != old:
                        await set_custom_value(constituent_id, key, raw)
        except InvalidInputError as exc:
            errors = {failing: next(iter(exc.errors.values()))}
        except ConflictError as exc:
            errors = {failing: str(exc)}
    if errors:
        return await _custom_page(request, constituent_id, values, errors)
    return redirect_with_flash(f"{BASE}/{constituent_id}#custom-fields", _("Saved."))


ROUTES = [
    consent_form,
    record_consent,
    block_form,
    block,
    lift,
    custom_form,
    save_custom,
]
