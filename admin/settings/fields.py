"""The custom fields editor: define, edit, retire and restore organisation-defined fields."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel, Field

from admin.forms import form_values, validate_form
from admin.rendering import render_admin_page
from admin.settings.common import BASE, checked, field_errors, route
from core.constituents import custom_fields as service
from core.constituents.schemas import (
    MAX_CHOICES,
    MAX_CUSTOM_TEXT_LENGTH,
    SLUG_PATTERN,
    CustomFieldOut,
)
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash

FIELDS = f"{BASE}/custom-fields"
MANAGE = {"permission": "custom_fields.manage"}


class FieldForm(BaseModel):
    """The editor's fields as typed (integers parsed from text)."""

    key: str = Field(pattern=SLUG_PATTERN, max_length=60)
    label: str = Field(min_length=1, max_length=120)
    field_type: Literal["text", "number", "date", "choice", "boolean"]
    choices: str | None = Field(default=None, max_length=MAX_CHOICES * 101)
    help_text: str | None = Field(default=None, max_length=300)
    max_length: int = Field(default=500, ge=1, le=MAX_CUSTOM_TEXT_LENGTH)
    position: int = Field(default=0, ge=0, le=10_000)


def type_options() -> list[tuple[str, str]]:
    """The field types with translated names."""
    return [
        ("text", _("Text")),
        ("number", _("Number")),
        ("date", _("Date")),
        ("choice", _("Choice from a list")),
        ("boolean", _("Yes / no")),
    ]


def choice_lines(text: str | None) -> list[str]:
    """One choice per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _messages(errors: dict[str, str]) -> dict[str, str]:
    if "key" in errors:
        errors["key"] = _(
            "Use lower-case letters, digits and underscores, starting with a letter "
            "(at most 60 characters)."
        )
    return errors


async def _form(request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str],
                field: Any = None, status_code: int = 200) -> Response[str]:  # fmt: skip
    context = {"values": values, "errors": errors, "field": field, "types": type_options()}
    return await render_admin_page(
        request, "admin/settings/field_form.html", context, status_code=status_code
    )


@get(route(FIELDS), include_in_schema=False, opt=MANAGE)
async def fields_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Every field definition, active ones and retired ones."""
    found = await service.list_custom_fields(include_inactive=True, per_page=200)
    context = {"fields": found.items, "types": dict(type_options())}
    return await render_admin_page(request, "admin/settings/fields.html", context)


@get(route(f"{FIELDS}/new"), include_in_schema=False, opt=MANAGE)
async def new_field_page(request: Request[Any, Any, Any]) -> Response[str]:
    """An empty field definition form."""
    return await _form(request, {"field_type": "text", "max_length": 500, "position": 0}, {})


@post(route(FIELDS), include_in_schema=False, opt=MANAGE)
async def create_field(request: Request[Any, Any, Any]) -> Response[Any]:
    """Define a field; 422 with what was typed on error."""
    values = await form_values(request)
    model, errors = validate_form(FieldForm, values)
    if model is None:
        return await _form(request, values, _messages(errors), status_code=422)
    data = model.model_dump(exclude={"choices"}) | {
        "choices": choice_lines(model.choices),
        "help_text": model.help_text or "",
        "required": checked(values.get("required")),
    }
    try:
        field = await service.define_custom_field(data)
    except InvalidInputError as exc:
        return await _form(request, values, field_errors(exc), status_code=422)
    except ConflictError:
        errors = {"key": _("A custom field with this key already exists.")}
        return await _form(request, values, errors, status_code=422)
    return redirect_with_flash(f"{FIELDS}/{field.key}", _("Custom field created."))


def _values_of(field: CustomFieldOut) -> dict[str, Any]:
    return field.model_dump() | {"choices": "\n".join(field.choices)}


@get(route(f"{FIELDS}/{{key:str}}"), include_in_schema=False, opt=MANAGE)
async def edit_field_page(request: Request[Any, Any, Any], key: FromPath[str]) -> Response[str]:
    """A field definition (its key and type are fixed)."""
    field = await service.get_custom_field(key)
    return await _form(request, _values_of(field), {}, field)


@post(route(f"{FIELDS}/{{key:str}}"), include_in_schema=False, opt=MANAGE)
async def update_field(request: Request[Any, Any, Any], key: FromPath[str]) -> Response[Any]:
    """Change label, choices, help, limits, position and whether it is required."""
    field = await service.get_custom_field(key)
    values = await form_values(request) | {"key": field.key, "field_type": field.field_type}
    model, errors = validate_form(FieldForm, values)
    if model is None:
        return await _form(request, values, _messages(errors), field, 422)
    patch: dict[str, Any] = {
        "label": model.label,
        "help_text": model.help_text or "",
        "max_length": model.max_length,
        "position": model.position,
        "required": checked(values.get("required")),
    }
    if field.field_type == "choice":
        patch["choices"] = choice_lines(model.choices)
    try:
        await service.update_custom_field(key, patch)
    except InvalidInputError as exc:
        return await _form(request, values, field_errors(exc), field, 422)
    except ConflictError as exc:
        return await _form(request, values, {"choices": str(exc)}, field, 409)
    return redirect_with_flash(f"{FIELDS}/{key}", _("Custom field saved."))


async def _set_active(key: str, active: bool) -> Response[Any]:
    await service.update_custom_field(key, {"active": active})
    message = _("Custom field restored.") if active else _("Custom field retired; values are kept.")
    return redirect_with_flash(FIELDS, message)


@post(route(f"{FIELDS}/{{key:str}}/retire"), include_in_schema=False, opt=MANAGE)
async def retire_field(key: FromPath[str]) -> Response[Any]:
    """Hide a field from forms and lists; its values are kept."""
    return await _set_active(key, False)


@post(route(f"{FIELDS}/{{key:str}}/restore"), include_in_schema=False, opt=MANAGE)
async def restore_field(key: FromPath[str]) -> Response[Any]:
    """Bring a retired field back."""
    return await _set_active(key, True)


ROUTES = [
    fields_page, new_field_page, create_field, edit_field_page, update_field, retire_field,
    restore_field,
]  # fmt: skip
