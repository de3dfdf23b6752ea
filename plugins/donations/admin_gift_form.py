"""The "Record gift" and "Edit gift" forms: typed text in, a validated gift out.

The amount is typed as a decimal (``25.50``) and turned into minor units with
:mod:`core.money`; every problem is shown next to its field with what was typed kept (422).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from pydantic import BaseModel, Field, ValidationError

from admin import form_values, render_admin_page, validate_form
from admin.forms import errors_from_validation
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.money import CURRENCY_EXPONENTS
from core.web.pages import redirect_with_flash
from plugins.donations import gift_store, gifts, structure
from plugins.donations.admin_common import (
    BASE,
    MAX_ID,
    WRITE,
    credit_types,
    currencies,
    donor_names,
    form_errors_of,
    iso,
    major_text,
    parse_amount,
    payment_methods,
    service_message,
    statuses,
)
from plugins.donations.admin_gift_parts import (
    CREDIT_ROWS,
    SPLIT_ROWS,
    RowNumbers,
    parse_parts,
    part_field,
    part_values,
)
from plugins.donations.common import org, org_today
from plugins.donations.models import Gift, GiftIn, GiftPatch, GiftStatus, PaymentMethod

OptionalId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]


class GiftForm(BaseModel):
    """The gift form's fields as typed (the amount stays text until its currency is known)."""

    donor_id: int = Field(ge=1, le=MAX_ID)
    amount: str = Field(min_length=1, max_length=30)
    currency: str = Field(min_length=3, max_length=3)
    gift_date: date
    payment_method: PaymentMethod = "cash"
    status: GiftStatus = "received"
    campaign_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    appeal_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    anonymous: bool = False
    in_kind_description: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=4000)


def parse_gift_form(
    values: dict[str, Any],
) -> tuple[dict[str, Any] | None, dict[str, str], RowNumbers]:
    """The gift in :class:`GiftIn` shape (or None and one message per form field), and the
    form rows its splits and soft credits came from. Quick-entry forms (batches) offer a
    single ``fund_id`` instead of the split rows."""
    single_fund = "fund_id" in values
    if single_fund:
        values = {**values, "split_fund_1": values.get("fund_id")}
    form, errors = validate_form(GiftForm, values)
    currency = str(values.get("currency") or "").upper()
    if currency not in CURRENCY_EXPONENTS:
        errors["currency"] = _("Choose a currency from the list.")
        currency = org().default_currency
    minor = parse_amount(values.get("amount"), currency, "amount", errors)
    if minor == 0:
        errors["amount"] = _("Enter an amount greater than zero.")
    parts, rows = parse_parts(values, currency, minor or 0, errors)
    if single_fund and "split_fund_1" in errors:
        errors["fund_id"] = errors.pop("split_fund_1")
    if form is None or errors or minor is None:
        return None, errors, rows
    data: dict[str, Any] = form.model_dump(exclude={"amount", "notes"})
    data.update(parts, currency=currency, amount_minor=minor, notes=form.notes or "")
    return data, {}, rows


def service_errors(errors: dict[str, Any], rows: RowNumbers) -> dict[str, str]:
    """Service messages placed next to the form field (or split/credit row) they concern."""
    placed = {key: part_field(str(key), rows) for key in errors}
    out = form_errors_of({k: v for k, v in errors.items() if placed[k] is None})
    for key, field in placed.items():
        if field is not None:
            out.setdefault(field, service_message(str(errors[key])))
    return out


async def _choices() -> dict[str, Any]:
    funds = await structure.list_funds()
    campaigns = await structure.list_campaigns()
    appeals = await structure.list_appeals()
    campaign_names = {c.id: c.name for c in campaigns}
    inactive = _("(inactive)")
    return {
        "funds": [(f.id, f.name if f.active else f"{f.name} {inactive}") for f in funds],
        "campaigns": [(c.id, c.name if c.active else f"{c.name} {inactive}") for c in campaigns],
        "appeals": [(a.id, f"{campaign_names.get(a.campaign_id, '')} - {a.name}") for a in appeals],
        "methods": payment_methods(),
        "credit_types": list(credit_types().items()),
        "tribute_types": [(k, v) for k, v in credit_types().items() if k.startswith("in_")],
        "split_rows": range(1, SPLIT_ROWS + 1),
        "credit_rows": range(1, CREDIT_ROWS + 1),
        "statuses": statuses(),
        "currencies": currencies(),
    }


async def render_form(
    request: Request[Any, Any, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    gift: Gift | None = None,
    status_code: int = 200,
) -> Response[str]:
    """The gift form (new when ``gift`` is None) with values, errors and choices."""
    donor_name = ""
    donor = str(values.get("donor_id") or "")
    if donor.isdigit() and 0 < int(donor) <= MAX_ID:
        donor_name = (await donor_names([int(donor)])).get(int(donor), "")
    context = {
        "values": values,
        "errors": errors,
        "gift": gift,
        "donor_name": donor_name,
        **await _choices(),
    }
    return await render_admin_page(
        request, "donations/admin/gift_form.html", context, status_code=status_code
    )


@get("/gifts/new", include_in_schema=False, opt=WRITE)
async def new_gift(
    request: Request[Any, Any, Any], constituent_id: OptionalId = None
) -> Response[str]:
    """An empty gift form; ``?constituent_id=`` fills in the donor."""
    values = {
        "donor_id": constituent_id,
        "currency": org().default_currency,
        "gift_date": org_today().isoformat(),
        "payment_method": "cash",
        "status": "received",
    }
    return await render_form(request, values, {})


@post("/gifts", include_in_schema=False, opt=WRITE)
async def create_gift(request: Request[Any, Any, Any]) -> Response[Any]:
    """Record the gift; 422 with the typed values and messages when something is wrong."""
    values = await form_values(request)
    data, errors, rows = parse_gift_form(values)
    if data is None:
        return await render_form(request, values, errors, status_code=422)
    try:
        gift = await gifts.record_gift(await gifts.with_match_credit(GiftIn.model_validate(data)))
    except ValidationError as exc:
        errors = service_errors(errors_from_validation(exc), rows)
        return await render_form(request, values, errors, status_code=422)
    except InvalidInputError as exc:
        errors = service_errors(exc.errors, rows)
        return await render_form(request, values, errors, status_code=422)
    return redirect_with_flash(f"{BASE}/gifts/{gift.id}", _("Gift recorded."))


def values_of(gift: Gift) -> dict[str, Any]:
    """A stored gift as the form's typed values."""
    return {
        "donor_id": gift.donor_id,
        "amount": major_text(gift.amount_minor, gift.currency),
        "currency": gift.currency,
        "gift_date": iso(gift.gift_date),
        "payment_method": gift.payment_method,
        "status": gift.status,
        "campaign_id": gift.campaign_id,
        "appeal_id": gift.appeal_id,
        "anonymous": gift.anonymous,
        "in_kind_description": gift.in_kind_description,
        "notes": gift.notes,
        **part_values(gift),
    }


@get("/gifts/{gift_id:int}/edit", include_in_schema=False, opt=WRITE)
async def edit_gift(request: Request[Any, Any, Any], gift_id: FromPath[int]) -> Response[str]:
    """The gift form filled with the stored gift."""
    gift = await gift_store.fetch_gift(gift_id)
    return await render_form(request, values_of(gift), {}, gift)


@post("/gifts/{gift_id:int}", include_in_schema=False, opt=WRITE)
async def update_gift(request: Request[Any, Any, Any], gift_id: FromPath[int]) -> Response[Any]:
    """Save the changes: splits, soft credits and tribute as the form now shows them."""
    gift = await gift_store.fetch_gift(gift_id)
    values = await form_values(request)
    data, errors, rows = parse_gift_form(values)
    if data is None:
        return await render_form(request, values, errors, gift, 422)
    data.pop("matches_gift_id")  # which gift a match answers is fixed when it is recorded
    try:
        await gifts.update_gift(gift_id, GiftPatch.model_validate(data))
    except ValidationError as exc:
        errors = service_errors(errors_from_validation(exc), rows)
        return await render_form(request, values, errors, gift, 422)
    except InvalidInputError as exc:
        return await render_form(request, values, service_errors(exc.errors, rows), gift, 422)
    except ConflictError as exc:
        return await render_form(request, values, {"__all__": str(exc)}, gift, 409)
    return redirect_with_flash(f"{BASE}/gifts/{gift_id}", _("Gift saved."))


ROUTES: list[Any] = [new_gift, create_gift, edit_gift, update_gift]
