"""Creating, editing and deleting constituent records (individuals, organisations, households)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from admin.constituents.common import (
    BASE,
    DELETE,
    WRITE,
    conflict_errors,
    form_page,
    options,
    parse_id,
    service_errors,
    stage_labels,
)
from admin.constituents.custom_inputs import custom_field_inputs, custom_values_from_form
from admin.forms import FormErrors, errors_from_validation, form_values, validate_form
from core.constituents import households
from core.constituents.schemas import LifecycleStage
from core.constituents.service import (
    create_constituent,
    get_constituent,
    soft_delete_constituent,
    update_constituent,
)
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash

Kind = Literal["individual", "organisation", "household"]
NAME_FIELDS: dict[str, tuple[str, ...]] = {
    "individual": (
        "prefix",
        "first_name",
        "middle_name",
        "last_name",
        "suffix",
        "preferred_name",
    ),
    "organisation": ("organisation_name",),
    "household": ("household_name", "last_name"),
}
RENAMES = {"emails": "email", "phones": "phone"}


class RecordForm(BaseModel):
    """The record fields of every kind; each kind's form shows its own."""

    model_config = ConfigDict(extra="ignore")

    prefix: str | None = Field(default=None, max_length=40)
    first_name: str | None = Field(default=None, max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    suffix: str | None = Field(default=None, max_length=40)
    preferred_name: str | None = Field(default=None, max_length=100)
    organisation_name: str | None = Field(default=None, max_length=200)
    household_name: str | None = Field(default=None, max_length=200)
    lifecycle_stage: LifecycleStage = "prospect"
    birth_date: date | None = None
    deceased: bool = False
    deceased_date: date | None = None
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    source: str | None = Field(default=None, max_length=60)
    external_id: str | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=10_000)


def _record_data(kind: str, form: RecordForm) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(form, name) for name in NAME_FIELDS[kind]}
    data.update(
        lifecycle_stage=form.lifecycle_stage,
        source=form.source,
        external_id=form.external_id,
        notes=form.notes or "",
    )
    if kind == "individual":
        data.update(
            birth_date=form.birth_date, deceased=form.deceased, deceased_date=form.deceased_date
        )
    return data


def custom_errors(exc: InvalidInputError) -> FormErrors:
    """Service errors with ``custom_fields.<key>`` shown beside the ``cf_<key>`` input."""
    errors: FormErrors = {}
    for path, message in exc.errors.items():
        if path.startswith("custom_fields."):
            errors.setdefault("cf_" + path.split(".")[1], message)
    rest = {p: m for p, m in exc.errors.items() if not p.startswith("custom_fields.")}
    if rest:
        for field, message in service_errors(InvalidInputError(rest), RENAMES).items():
            errors.setdefault(field, message)
    return errors


async def _form_context(kind: str, action: str, title: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "name_fields": NAME_FIELDS[kind],
        "action": action,
        "title": title,
        "stages": options(stage_labels()),
        "custom_inputs": await custom_field_inputs() if action.endswith("/new") else [],
        "constituent": None,
    }


def _title(kind: str) -> str:
    return {
        "individual": _("New individual"),
        "organisation": _("New organisation"),
        "household": _("New household"),
    }[kind]


@get("/constituents/new", include_in_schema=False, opt=WRITE)
async def new_constituent(
    request: Request[Any, Any, Any],
    kind: Annotated[Kind, QueryParameter()] = "individual",
) -> Response[str]:
    """The form for a new individual, organisation or household."""
    context = await _form_context(kind, f"{BASE}/new", _title(kind))
    return await form_page(request, "admin/constituents/record_form.html", context)


async def _create_household(values: dict[str, Any]) -> tuple[int | None, FormErrors]:
    raw = str(values.get("members") or "")
    tokens = [t for t in raw.replace(";", ",").replace(" ", ",").split(",") if t]
    ids = [parse_id(t) for t in tokens]
    if any(i is None for i in ids):
        return None, {"members": _("Enter constituent numbers separated by commas.")}
    try:
        created = await households.create_household(
            str(values.get("household_name") or ""), [i for i in ids if i is not None]
        )
    except InvalidInputError as exc:
        return None, service_errors(exc, {"name": "household_name", "member_ids": "members"})
    except ConflictError as exc:
        return None, {"members": str(exc)}
    return created.id, {}


@post("/constituents/new", include_in_schema=False, opt=WRITE)
async def create(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create the constituent, or show the form again with each problem beside its field."""
    values = await form_values(request)
    kind = values.get("kind") if values.get("kind") in NAME_FIELDS else "individual"
    assert isinstance(kind, str)
    errors: FormErrors = {}
    new_id: int | None = None
    if kind == "household":
        new_id, errors = await _create_household(values)
    else:
        form, errors = validate_form(RecordForm, values)
        custom, custom_errs = await custom_values_from_form(values)
        errors.update(custom_errs)
        if form is not None and not errors:
            data = _record_data(kind, form)
            data.update(kind=kind, custom_fields=custom)
            if form.email:
                data["emails"] = [{"email": form.email, "is_primary": True}]
            if form.phone:
                data["phones"] = [{"number": form.phone, "is_primary": True}]
            try:
                new_id = (await create_constituent(data)).id
            except InvalidInputError as exc:
                errors = custom_errors(exc)
            except ValidationError as exc:
                errors = errors_from_validation(exc)
            except ConflictError as exc:
                errors = conflict_errors(exc)
    if new_id is None:
        context = await _form_context(kind, f"{BASE}/new", _title(kind))
        return await form_page(
            request, "admin/constituents/record_form.html", context, values, errors
        )
    return redirect_with_flash(f"{BASE}/{new_id}", _("Constituent created."))


def _edit_values(detail: Any) -> dict[str, Any]:
    names = {n for fields in NAME_FIELDS.values() for n in fields}
    values = {n: getattr(detail, n) for n in names}
    for name in (
        "lifecycle_stage",
        "birth_date",
        "deceased",
        "deceased_date",
        "source",
        "external_id",
        "notes",
    ):
        values[name] = getattr(detail, name)
    return values


@get("/constituents/{constituent_id:int}/edit", include_in_schema=False, opt=WRITE)
async def edit_constituent(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[str]:
    """The form to change a constituent's names, lifecycle stage and life dates."""
    detail = await get_constituent(constituent_id)
    context = await _form_context(
        detail.kind, f"{BASE}/{constituent_id}/edit", _("Edit %(name)s", name=detail.display_name)
    )
    context["constituent"] = detail
    return await form_page(
        request, "admin/constituents/record_form.html", context, _edit_values(detail)
    )


@post("/constituents/{constituent_id:int}/edit", include_in_schema=False, opt=WRITE)
async def update(request: Request[Any, Any, Any], constituent_id: FromPath[int]) -> Response[Any]:
    """Save the record, or show the form again with the problems."""
    detail = await get_constituent(constituent_id)
    values = await form_values(request)
    form, errors = validate_form(RecordForm, values)
    if form is not None:
        try:
            await update_constituent(constituent_id, _record_data(detail.kind, form))
        except InvalidInputError as exc:
            errors = service_errors(exc)
        except ConflictError as exc:
            errors = conflict_errors(exc)
    if errors:
        context = await _form_context(
            detail.kind,
            f"{BASE}/{constituent_id}/edit",
            _("Edit %(name)s", name=detail.display_name),
        )
        context["constituent"] = detail
        return await form_page(
            request, "admin/constituents/record_form.html", context, values, errors
        )
    return redirect_with_flash(f"{BASE}/{constituent_id}", _("Saved."))


@get("/constituents/{constituent_id:int}/delete", include_in_schema=False, opt=DELETE)
async def confirm_delete(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[str]:
    """Ask before moving a constituent to the bin."""
    detail = await get_constituent(constituent_id)
    return await form_page(request, "admin/constituents/delete.html", {"constituent": detail})


@post("/constituents/{constituent_id:int}/delete", include_in_schema=False, opt=DELETE)
async def delete(request: Request[Any, Any, Any], constituent_id: FromPath[int]) -> Response[Any]:
    """Soft-delete: hidden from lists and pages, data kept, restorable through the API."""
    detail = await get_constituent(constituent_id)
    await soft_delete_constituent(constituent_id)
    return redirect_with_flash(f"{BASE}/", _("%(name)s was deleted.", name=detail.display_name))


ROUTES = [new_constituent, create, edit_constituent, update, confirm_delete, delete]
