"""Editors for the fundraising structure: funds, campaigns (goal, dates, progress) and appeals.

One set of handlers per kind, built by :func:`_routes_for`; each kind differs only in its form
model, its amount field and the service functions of :mod:`plugins.donations.structure`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel, ValidationError

from admin import form_values, render_admin_page
from admin.charts import progress
from admin.forms import errors_from_validation
from core.errors import ConflictError, InvalidInputError
from core.i18n import format_money
from core.i18n import gettext as _
from core.money import CURRENCY_EXPONENTS
from core.web.pages import redirect_with_flash
from plugins.donations import structure
from plugins.donations.admin_common import (
    BASE,
    MANAGE,
    channels,
    currencies,
    form_errors_of,
    iso,
    major_text,
    parse_amount,
)
from plugins.donations.common import org
from plugins.donations.reports.totals import campaign_progress


@dataclass(frozen=True)
class Kind:
    """How one kind of structure record is edited."""

    key: str  # fund, campaign, appeal
    path: str  # funds, campaigns, appeals
    model: type[BaseModel]
    amount_field: str | None  # goal / cost typed as a decimal
    service: Any  # (create, update, get, list, delete)


KINDS = {
    "fund": Kind(
        "fund",
        "funds",
        structure.FundIn,
        None,
        (
            structure.create_fund,
            structure.update_fund,
            structure.get_fund,
            structure.list_funds,
            structure.delete_fund,
        ),
    ),
    "campaign": Kind(
        "campaign",
        "campaigns",
        structure.CampaignIn,
        "goal",
        (
            structure.create_campaign,
            structure.update_campaign,
            structure.get_campaign,
            structure.list_campaigns,
            structure.delete_campaign,
        ),
    ),
    "appeal": Kind(
        "appeal",
        "appeals",
        structure.AppealIn,
        "cost",
        (
            structure.create_appeal,
            structure.update_appeal,
            structure.get_appeal,
            structure.list_appeals,
            structure.delete_appeal,
        ),
    ),
}


def titles(kind: str) -> dict[str, str]:
    """Translated headings of a kind's pages."""
    return {
        "fund": {"list": _("Funds"), "new": _("New fund"), "edit": _("Edit fund")},
        "campaign": {"list": _("Campaigns"), "new": _("New campaign"), "edit": _("Edit campaign")},
        "appeal": {"list": _("Appeals"), "new": _("New appeal"), "edit": _("Edit appeal")},
    }[kind]


def parse(kind: Kind, values: dict[str, Any]) -> tuple[BaseModel | None, dict[str, str]]:
    """The service's input model from the typed values, or None and the field messages."""
    errors: dict[str, str] = {}
    data = {k: v for k, v in values.items() if v is not None and k != kind.amount_field}
    data["active"] = values.get("active") in ("true", "on", "1")
    if kind.key == "appeal":
        raw = str(values.get("campaign_id") or "")
        if not raw.isdigit():
            errors["campaign_id"] = _("Choose a campaign.")
        data["campaign_id"] = int(raw) if raw.isdigit() else 1
    if kind.amount_field:
        currency = str(values.get("currency") or "").upper()
        if currency not in CURRENCY_EXPONENTS:
            errors["currency"] = _("Choose a currency from the list.")
            currency = org().default_currency
        text = values.get(kind.amount_field) or "0"
        minor = parse_amount(text, currency, kind.amount_field, errors)
        data[f"{kind.amount_field}_minor"] = minor if minor is not None else 0
    try:
        model = kind.model.model_validate(data)
    except ValidationError as exc:
        errors = form_errors_of(errors_from_validation(exc)) | errors
        return None, errors
    return (model, {}) if not errors else (None, errors)


async def _campaign_options() -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in await structure.list_campaigns()]


async def _form(
    request: Request[Any, Any, Any],
    kind: Kind,
    values: dict[str, Any],
    errors: dict[str, str],
    record_id: int | None = None,
    status_code: int = 200,
) -> Response[str]:
    context = {
        "kind": kind.key,
        "path": kind.path,
        "title": titles(kind.key)["edit" if record_id else "new"],
        "values": values,
        "errors": errors,
        "record_id": record_id,
        "currencies": currencies(),
        "channels": channels(),
        "campaigns": await _campaign_options() if kind.key == "appeal" else [],
    }
    return await render_admin_page(
        request, "donations/admin/structure_form.html", context, status_code=status_code
    )


async def _progress_by_campaign(campaigns: list[Any]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for currency in sorted({c.currency for c in campaigns}):
        for row in (await campaign_progress(currency)).rows:
            raised, goal = int(row["raised_minor"]), int(row["goal_minor"])
            text = (
                _(
                    "%(raised)s of %(goal)s",
                    raised=format_money(raised, currency),
                    goal=format_money(goal, currency),
                )
                if goal
                else format_money(raised, currency)
            )
            out[int(row["campaign_id"])] = row | {"bar": progress(raised, goal, text)}
    return out


def _values_of(kind: Kind, record: BaseModel) -> dict[str, Any]:
    values = record.model_dump()
    for key, value in list(values.items()):
        if key.endswith("_date"):
            values[key] = iso(value)
    if kind.amount_field:
        values[kind.amount_field] = major_text(
            values[f"{kind.amount_field}_minor"], values["currency"]
        )
    return values


def _routes_for(kind: Kind) -> list[Any]:
    create, update, fetch, listing, remove = kind.service
    base = f"/{kind.path}"

    async def list_page(request: Request[Any, Any, Any]) -> Response[str]:
        records = await listing()
        context: dict[str, Any] = {
            "kind": kind.key,
            "path": kind.path,
            "records": records,
            "title": titles(kind.key)["list"],
        }
        if kind.key == "campaign":
            context["progress"] = await _progress_by_campaign(records)
        if kind.key == "appeal":
            context["campaign_names"] = dict(await _campaign_options())
            context["channel_labels"] = dict(channels())
        return await render_admin_page(request, "donations/admin/structure.html", context)

    async def new_page(request: Request[Any, Any, Any]) -> Response[str]:
        values = {"active": True, "currency": org().default_currency, "channel": "mail"}
        return await _form(request, kind, values, {})

    async def save(request: Request[Any, Any, Any], record_id: int | None) -> Response[Any]:
        values = await form_values(request)
        model, errors = parse(kind, values)
        if model is None:
            return await _form(request, kind, values, errors, record_id, 422)
        try:
            saved = await (update(record_id, model) if record_id else create(model))
        except InvalidInputError as exc:
            return await _form(request, kind, values, form_errors_of(exc.errors), record_id, 422)
        except ConflictError:
            errors = {"code": _("Another record already uses this code.")}
            return await _form(request, kind, values, errors, record_id, 422)
        return redirect_with_flash(f"{BASE}{base}/{saved.id}", _("Saved."))

    async def create_handler(request: Request[Any, Any, Any]) -> Response[Any]:
        return await save(request, None)

    async def edit_page(request: Request[Any, Any, Any], record_id: FromPath[int]) -> Response[str]:
        return await _form(request, kind, _values_of(kind, await fetch(record_id)), {}, record_id)

    async def update_handler(
        request: Request[Any, Any, Any], record_id: FromPath[int]
    ) -> Response[Any]:
        await fetch(record_id)
        return await save(request, record_id)

    async def delete_handler(record_id: FromPath[int]) -> Response[Any]:
        try:
            await remove(record_id)
        except ConflictError:
            message = _("This record is in use; clear “Active” instead of deleting it.")
            return redirect_with_flash(f"{BASE}{base}/{record_id}", message, "error")
        return redirect_with_flash(f"{BASE}{base}", _("Deleted."))

    item = base + "/{record_id:int}"
    handlers: list[tuple[Callable[..., Awaitable[Any]], Any, str]] = [
        (list_page, get, base),
        (new_page, get, base + "/new"),
        (create_handler, post, base),
        (edit_page, get, item),
        (update_handler, post, item),
        (delete_handler, post, item + "/delete"),
    ]
    return [
        method(
            path, include_in_schema=False, opt=MANAGE, name=f"donations_{kind.key}_{fn.__name__}"
        )(fn)
        for fn, method, path in handlers
    ]


ROUTES: list[Any] = [route for kind in KINDS.values() for route in _routes_for(kind)]
