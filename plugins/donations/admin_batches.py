"""Batch gift entry: open a batch with control totals, key gifts, post when the totals match."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel, Field, ValidationError

from admin import form_values, render_admin_page, validate_form
from admin.forms import errors_from_validation
from core import db
from core.errors import ConflictError, InvalidInputError
from core.i18n import format_money
from core.i18n import gettext as _
from core.money import CURRENCY_EXPONENTS
from core.web.pages import redirect_with_flash
from plugins.donations import batches, structure
from plugins.donations.admin_common import (
    BASE,
    MANAGE,
    WRITE,
    currencies,
    donor_names,
    form_errors_of,
    parse_amount,
    payment_methods,
)
from plugins.donations.admin_gift_form import parse_gift_form
from plugins.donations.common import as_int, org, org_today
from plugins.donations.models import GiftIn


class BatchForm(BaseModel):
    """A new batch as typed (the control amount stays text until parsed)."""

    name: str = Field(min_length=1, max_length=200)
    control_count: int = Field(ge=1, le=10_000)
    control_amount: str = Field(min_length=1, max_length=30)
    currency: str = Field(min_length=3, max_length=3)


async def list_batches(limit: int = 100) -> list[dict[str, Any]]:
    """The latest batches with their keyed totals, newest first."""
    rows = await db.fetch_all(
        "SELECT b.id, b.name, b.status, b.currency, b.control_count, b.control_minor, "
        "b.created_at, COUNT(i.id) AS item_count, SUM(i.amount_minor) AS item_minor "
        "FROM donations_batch b LEFT JOIN donations_batch_item i ON i.batch_id = b.id "
        "GROUP BY b.id, b.name, b.status, b.currency, b.control_count, b.control_minor, "
        "b.created_at ORDER BY b.id DESC LIMIT {}",
        limit,
    )
    return [
        dict(r)
        | {
            "item_count": as_int(r["item_count"]),
            "item_minor": as_int(r["item_minor"]),
            "control_minor": as_int(r["control_minor"]),
        }
        for r in rows
    ]


async def _list_page(
    request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str], status: int
) -> Response[str]:
    context = {
        "batches": await list_batches(),
        "values": values,
        "errors": errors,
        "currencies": currencies(),
    }
    return await render_admin_page(
        request, "donations/admin/batches.html", context, status_code=status
    )


@get("/batches", include_in_schema=False, opt=MANAGE)
async def batch_list(request: Request[Any, Any, Any]) -> Response[str]:
    """Open and posted batches, and the form to open a new one."""
    return await _list_page(request, {"currency": org().default_currency}, {}, 200)


@post("/batches", include_in_schema=False, opt=MANAGE)
async def create_batch(request: Request[Any, Any, Any]) -> Response[Any]:
    """Open a batch with its control count and amount."""
    values = await form_values(request)
    form, errors = validate_form(BatchForm, values)
    currency = str(values.get("currency") or "").upper()
    if currency not in CURRENCY_EXPONENTS:
        errors["currency"] = _("Choose a currency from the list.")
        currency = org().default_currency
    minor = parse_amount(values.get("control_amount"), currency, "control_amount", errors)
    if form is None or errors or minor is None:
        return await _list_page(request, values, errors, 422)
    batch = await batches.create_batch(
        batches.BatchIn(
            name=form.name, control_count=form.control_count, control_minor=minor, currency=currency
        )
    )
    return redirect_with_flash(f"{BASE}/batches/{batch.id}", _("Batch opened."))


async def batch_page(
    request: Request[Any, Any, Any],
    batch_id: int,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    problem: str = "",
) -> Response[str]:
    """A batch with its items, running totals against the controls and the add-gift form."""
    batch = await batches.get_batch(batch_id)
    funds = await structure.list_funds(active_only=True)
    campaigns = await structure.list_campaigns(active_only=True)
    context = {
        "batch": batch,
        "names": await donor_names([i.gift.donor_id for i in batch.items]),
        "values": values or {"gift_date": org_today().isoformat(), "payment_method": "cheque"},
        "errors": errors or {},
        "problem": problem,
        "funds": [(f.id, f.name) for f in funds],
        "fund_names": {f.id: f.name for f in funds},
        "campaigns": [(c.id, c.name) for c in campaigns],
        "methods": payment_methods(),
        "method_labels": dict(payment_methods()),
    }
    return await render_admin_page(
        request, "donations/admin/batch.html", context, status_code=status_code
    )


@get("/batches/{batch_id:int}", include_in_schema=False, opt=WRITE)
async def batch_detail(request: Request[Any, Any, Any], batch_id: FromPath[int]) -> Response[str]:
    """The batch being keyed (or posted)."""
    return await batch_page(request, batch_id)


@post("/batches/{batch_id:int}/items", include_in_schema=False, opt=WRITE)
async def add_item(request: Request[Any, Any, Any], batch_id: FromPath[int]) -> Response[Any]:
    """Key one gift into the batch; 422 with the typed values when it is wrong."""
    batch = await batches.get_batch(batch_id)
    values = await form_values(request)
    typed = values | {"currency": batch.currency, "status": "received"}
    data, errors, _rows = parse_gift_form(typed)
    if data is None:
        return await batch_page(request, batch_id, values, errors, 422)
    try:
        await batches.add_item(batch_id, GiftIn.model_validate(data))
    except ValidationError as exc:
        errors = form_errors_of(errors_from_validation(exc))
        return await batch_page(request, batch_id, values, errors, 422)
    except InvalidInputError as exc:
        return await batch_page(request, batch_id, values, form_errors_of(exc.errors), 422)
    except ConflictError:
        return await batch_page(request, batch_id, values, {}, 409, _closed())
    return redirect_with_flash(f"{BASE}/batches/{batch_id}", _("Gift added to the batch."))


def _closed() -> str:
    return _("This batch is already posted; it cannot change.")


@post("/batches/{batch_id:int}/items/{item_id:int}/remove", include_in_schema=False, opt=WRITE)
async def remove_item(batch_id: FromPath[int], item_id: FromPath[int]) -> Response[Any]:
    """Take a keyed gift out of an open batch."""
    try:
        await batches.remove_item(batch_id, item_id)
    except ConflictError:
        return redirect_with_flash(f"{BASE}/batches/{batch_id}", _closed(), "error")
    return redirect_with_flash(f"{BASE}/batches/{batch_id}", _("Gift removed from the batch."))


def mismatch_message(batch: batches.Batch) -> str:
    """Why a batch cannot post: what was keyed against what the controls say."""
    return _(
        "The batch cannot be posted: it has %(count)s gifts totalling %(amount)s; the controls "
        "say %(control_count)s gifts totalling %(control_amount)s.",
        count=batch.item_count,
        amount=format_money(batch.item_minor, batch.currency),
        control_count=batch.control_count,
        control_amount=format_money(batch.control_minor, batch.currency),
    )


@post("/batches/{batch_id:int}/post", include_in_schema=False, opt=WRITE)
async def post_batch(request: Request[Any, Any, Any], batch_id: FromPath[int]) -> Response[Any]:
    """Record every gift of the batch, all or nothing; refused unless the totals match."""
    batch = await batches.get_batch(batch_id)
    if batch.status != "open":
        return await batch_page(request, batch_id, status_code=409, problem=_closed())
    try:
        ids = await batches.post_batch(batch_id)
    except ConflictError:
        return await batch_page(request, batch_id, status_code=409, problem=mismatch_message(batch))
    return redirect_with_flash(
        f"{BASE}/batches/{batch_id}", _("Batch posted: %(n)s gifts recorded.", n=len(ids))
    )


ROUTES: list[Any] = [batch_list, create_batch, batch_detail, add_item, remove_item, post_batch]
