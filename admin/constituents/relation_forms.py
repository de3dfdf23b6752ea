"""Relationships and household membership of a constituent."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel, ConfigDict, Field

from admin.constituents.common import (
    BASE,
    WRITE,
    form_page,
    options,
    parse_id,
    role_labels,
    service_errors,
)
from admin.forms import FormErrors, form_values, validate_form
from core.constituents import households
from core.constituents.relations import create_relationship, end_relationship, get_relationship
from core.constituents.relationship_types import list_relationship_types
from core.constituents.service import get_constituent
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash

FORM = "admin/constituents/form.html"


async def generic_form(
    request: Request[Any, Any, Any],
    constituent_id: int,
    *,
    title: str,
    action: str,
    fields: list[dict[str, Any]],
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    intro: str = "",
    submit: str = "",
    custom_inputs: list[Any] | None = None,
) -> Response[str]:
    """Render ``form.html`` for one of the constituent's small forms."""
    context = {
        "constituent": await get_constituent(constituent_id),
        "title": title,
        "action": action,
        "fields": fields,
        "intro": intro,
        "submit": submit,
        "custom_inputs": custom_inputs or [],
    }
    return await form_page(request, FORM, context, values, errors)


# -- relationships -------------------------------------------------------------------------


class RelationshipForm(BaseModel):
    """A new relationship as typed into the form."""

    model_config = ConfigDict(extra="ignore")

    relation: str = Field(max_length=30)
    related_id: int = Field(ge=1, le=2_147_483_647)
    start_date: date | None = None
    end_date: date | None = None
    notes: str | None = Field(default=None, max_length=500)


async def _relation_options() -> list[tuple[str, str]]:
    types = (await list_relationship_types(active=True, per_page=200)).items
    pairs: list[tuple[str, str]] = []
    for t in types:
        pairs.append((f"{t.id}:a", t.label_a_to_b))
        if not t.symmetric:
            pairs.append((f"{t.id}:b", t.label_b_to_a))
    return sorted(pairs, key=lambda pair: pair[1].casefold())


async def _relationship_fields() -> list[dict[str, Any]]:
    return [
        {
            "control": "select",
            "name": "relation",
            "label": _("This constituent is"),
            "options": await _relation_options(),
            "required": True,
            "blank": "—",
        },
        {
            "control": "input",
            "name": "related_id",
            "label": _("Of constituent number"),
            "required": True,
            "help": _("The number shown on the other constituent's page."),
        },
        {"control": "input", "name": "start_date", "label": _("From"), "type": "date"},
        {"control": "input", "name": "end_date", "label": _("Until"), "type": "date"},
        {"control": "textarea", "name": "notes", "label": _("Notes")},
    ]


async def _relationship_page(
    request: Request[Any, Any, Any],
    constituent_id: int,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Response[str]:
    return await generic_form(
        request,
        constituent_id,
        title=_("Add relationship"),
        action=f"{BASE}/{constituent_id}/relationships/new",
        fields=await _relationship_fields(),
        values=values,
        errors=errors,
    )


@get("/constituents/{constituent_id:int}/relationships/new", include_in_schema=False, opt=WRITE)
async def new_relationship(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[str]:
    """The form to relate this constituent to another one."""
    return await _relationship_page(request, constituent_id, {})


@post("/constituents/{constituent_id:int}/relationships/new", include_in_schema=False, opt=WRITE)
async def add_relationship(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[Any]:
    """Create the relationship, or show the form again with the problems."""
    await get_constituent(constituent_id)
    values = await form_values(request)
    form, errors = validate_form(RelationshipForm, values)
    if form is not None:
        type_text, _sep, side = form.relation.partition(":")
        if not type_text.isdigit() or side not in ("a", "b"):
            errors = {"relation": _("Choose one of the options.")}
        else:
            try:
                await create_relationship(
                    constituent_id,
                    form.related_id,
                    int(type_text),
                    side=side,
                    start_date=form.start_date,
                    end_date=form.end_date,
                    notes=form.notes,
                )
            except InvalidInputError as exc:
                errors = service_errors(exc, {"type_id": "relation", "side": "relation"})
            except NotFoundError as exc:
                key = "relation" if "type" in str(exc) else "related_id"
                errors = {key: str(exc)}
            except ConflictError as exc:
                errors = {"relation": str(exc)}
    if errors:
        return await _relationship_page(request, constituent_id, values, errors)
    return redirect_with_flash(f"{BASE}/{constituent_id}#relationships", _("Relationship added."))


@post(
    "/constituents/{constituent_id:int}/relationships/{relationship_id:int}/end",
    include_in_schema=False,
    opt=WRITE,
)
async def end(
    request: Request[Any, Any, Any], constituent_id: FromPath[int], relationship_id: FromPath[int]
) -> Response[Any]:
    """End an active relationship today."""
    record = await get_relationship(relationship_id)
    if constituent_id not in (record.constituent_a_id, record.constituent_b_id):
        raise NotFoundError(f"relationship {relationship_id} not found")
    try:
        await end_relationship(relationship_id)
    except (ConflictError, InvalidInputError) as exc:
        return redirect_with_flash(f"{BASE}/{constituent_id}#relationships", str(exc), "error")
    return redirect_with_flash(f"{BASE}/{constituent_id}#relationships", _("Relationship ended."))


# -- households ----------------------------------------------------------------------------


def _household_fields(other: str, other_label: str) -> list[dict[str, Any]]:
    return [
        {"control": "input", "name": other, "label": other_label, "required": True},
        {
            "control": "select",
            "name": "role",
            "label": _("Role"),
            "options": options(role_labels()),
        },
        {"control": "checkbox", "name": "is_primary_contact", "label": _("Primary contact")},
    ]


async def _membership_page(
    request: Request[Any, Any, Any],
    constituent_id: int,
    joining: bool,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Response[str]:
    if joining:
        fields = _household_fields("household_id", _("Household number"))
        title, action = _("Add to household"), f"{BASE}/{constituent_id}/household"
        intro = _("A person lives in one household at a time: joining leaves the current one.")
    else:
        fields = _household_fields("member_id", _("Person's number"))
        title, action = _("Add member"), f"{BASE}/{constituent_id}/members/new"
        intro = ""
    return await generic_form(
        request,
        constituent_id,
        title=title,
        action=action,
        fields=fields,
        values=values,
        errors=errors,
        intro=intro,
    )


async def _join(
    request: Request[Any, Any, Any], constituent_id: int, joining: bool
) -> Response[Any]:
    detail = await get_constituent(constituent_id)
    other = "household_id" if joining else "member_id"
    values = await form_values(request)
    other_id = parse_id(values.get(other))
    role = str(values.get("role") or "member")
    errors: FormErrors = {}
    if other_id is None:
        errors[other] = _("Enter a constituent number.")
    if role not in role_labels():
        errors["role"] = _("Choose one of the options.")
    if not errors and other_id is not None:
        household_id, member_id = (
            (other_id, constituent_id) if joining else (constituent_id, other_id)
        )
        try:
            await households.add_member(
                household_id,
                member_id,
                role=role,
                is_primary_contact=values.get("is_primary_contact") == "true",
            )
        except InvalidInputError as exc:
            errors = service_errors(exc, {"member_id": other if not joining else "__all__"})
        except (NotFoundError, ConflictError) as exc:
            errors = {other: str(exc)}
    if errors:
        return await _membership_page(request, detail.id, joining, values, errors)
    return redirect_with_flash(f"{BASE}/{constituent_id}#household", _("Household updated."))


@get("/constituents/{constituent_id:int}/household", include_in_schema=False, opt=WRITE)
async def join_form(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[str]:
    """The "Add to household" form on a person's page."""
    return await _membership_page(request, constituent_id, True, {"role": "member"})


@post("/constituents/{constituent_id:int}/household", include_in_schema=False, opt=WRITE)
async def join(request: Request[Any, Any, Any], constituent_id: FromPath[int]) -> Response[Any]:
    """Move the person into a household."""
    return await _join(request, constituent_id, True)


@get("/constituents/{constituent_id:int}/members/new", include_in_schema=False, opt=WRITE)
async def member_form(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[str]:
    """The "Add member" form on a household's page."""
    await households.require_household(constituent_id)
    return await _membership_page(request, constituent_id, False, {"role": "member"})


@post("/constituents/{constituent_id:int}/members/new", include_in_schema=False, opt=WRITE)
async def add_member(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[Any]:
    """Add a person to this household."""
    await households.require_household(constituent_id)
    return await _join(request, constituent_id, False)


@post(
    "/constituents/{constituent_id:int}/members/{member_id:int}/remove",
    include_in_schema=False,
    opt=WRITE,
)
async def remove_member(
    request: Request[Any, Any, Any], constituent_id: FromPath[int], member_id: FromPath[int]
) -> Response[Any]:
    """Close a current membership today (the history keeps it)."""
    await households.remove_member(constituent_id, member_id)
    back = parse_id((await form_values(request)).get("back"))
    target = back if back in (constituent_id, member_id) else constituent_id
    return redirect_with_flash(f"{BASE}/{target}#household", _("Household updated."))


ROUTES = [
    new_relationship,
    add_relationship,
    end,
    join_form,
    join,
    member_form,
    add_member,
    remove_member,
]
