"""Gift pages: the filtered list, a gift's detail, refund and delete (confirmed), receipts."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel, Field

from admin import render_admin_page, validate_form
from core.errors import ConflictError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.donations import gift_store, gifts, receipt_pdf, receipts, structure
from plugins.donations.admin_common import (
    BASE,
    MAX_ID,
    PER_PAGE,
    READ,
    WRITE,
    Pager,
    credit_types,
    donor_names,
    payment_methods,
    statuses,
)
from plugins.donations.models import GiftStatus


class GiftFilters(BaseModel):
    """The gift list's filters as typed in the query string."""

    date_from: date | None = None
    date_to: date | None = None
    fund_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    campaign_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: GiftStatus | None = None
    donor_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    page: int = Field(default=1, ge=1, le=100_000)


FILTER_FIELDS = tuple(GiftFilters.model_fields)


@get("/gifts", include_in_schema=False, opt=READ)
async def gift_list(request: Request[Any, Any, Any]) -> Response[str]:
    """Gifts filtered by date range, fund, campaign, status and donor, newest first."""
    values = {k: (request.query_params.get(k) or None) for k in FILTER_FIELDS}
    filters, errors = validate_form(GiftFilters, {k: v for k, v in values.items() if v})
    found: list[Any] = []
    total = 0
    page = filters.page if filters else 1
    if filters is not None:
        found, total = await gifts.list_gifts(
            **filters.model_dump(exclude={"page"}), page=page, per_page=PER_PAGE
        )
    query = "&".join(f"{k}={v}" for k, v in values.items() if v and k != "page")
    context = {
        "values": values,
        "errors": errors,
        "recent": found,
        "total": total,
        "names": await donor_names([g.donor_id for g in found]),
        "pager": Pager.of(page, PER_PAGE, total),
        "base_url": f"{BASE}/gifts?{query}&" if query else f"{BASE}/gifts?",
        "funds": [(f.id, f.name) for f in await structure.list_funds()],
        "campaigns": [(c.id, c.name) for c in await structure.list_campaigns()],
        "statuses": statuses(),
        "status_labels": dict(statuses()),
    }
    return await render_admin_page(
        request, "donations/admin/gifts.html", context, status_code=422 if errors else 200
    )


async def _detail_context(gift_id: int) -> dict[str, Any]:
    gift = await gift_store.fetch_gift(gift_id)
    people = [gift.donor_id, *(c.constituent_id for c in gift.soft_credits)]
    if gift.tribute and gift.tribute.honoree_id:
        people.append(gift.tribute.honoree_id)
    funds = {f.id: f.name for f in await structure.list_funds()}
    campaign = await structure.get_campaign(gift.campaign_id) if gift.campaign_id else None
    appeal = await structure.get_appeal(gift.appeal_id) if gift.appeal_id else None
    gift_receipts = [r for r in await receipts.list_receipts(gift.donor_id) if r.gift_id == gift.id]
    return {
        "gift": gift,
        "names": await donor_names(people),
        "funds": funds,
        "campaign": campaign,
        "appeal": appeal,
        "receipts": gift_receipts,
        "has_live_receipt": any(r.voided_at is None for r in gift_receipts),
        "status_labels": dict(statuses()),
        "method_labels": dict(payment_methods()),
        "credit_labels": credit_types(),
    }


@get("/gifts/{gift_id:int}", include_in_schema=False, opt=READ)
async def gift_detail(request: Request[Any, Any, Any], gift_id: FromPath[int]) -> Response[str]:
    """One gift with its splits, soft credits, tribute and receipts."""
    context = await _detail_context(gift_id)
    return await render_admin_page(request, "donations/admin/gift.html", context)


async def _confirm(request: Request[Any, Any, Any], gift_id: int, action: str) -> Response[str]:
    context = await _detail_context(gift_id) | {"action": action}
    return await render_admin_page(request, "donations/admin/gift_confirm.html", context)


@get("/gifts/{gift_id:int}/refund", include_in_schema=False, opt=WRITE)
async def confirm_refund(request: Request[Any, Any, Any], gift_id: FromPath[int]) -> Response[str]:
    """Ask before refunding a gift."""
    return await _confirm(request, gift_id, "refund")


@post("/gifts/{gift_id:int}/refund", include_in_schema=False, opt=WRITE)
async def refund_gift(gift_id: FromPath[int]) -> Response[Any]:
    """Mark the gift refunded: it leaves every total; the record stays."""
    try:
        await gifts.refund_gift(gift_id)
    except ConflictError:
        return redirect_with_flash(
            f"{BASE}/gifts/{gift_id}", _("Only a received gift can be refunded."), "error"
        )
    return redirect_with_flash(f"{BASE}/gifts/{gift_id}", _("Gift refunded."))


@get("/gifts/{gift_id:int}/delete", include_in_schema=False, opt=WRITE)
async def confirm_delete(request: Request[Any, Any, Any], gift_id: FromPath[int]) -> Response[str]:
    """Ask before deleting a gift."""
    return await _confirm(request, gift_id, "delete")


@post("/gifts/{gift_id:int}/delete", include_in_schema=False, opt=WRITE)
async def delete_gift(gift_id: FromPath[int]) -> Response[Any]:
    """Delete a gift keyed by mistake: it leaves totals, lists and the timeline."""
    await gifts.delete_gift(gift_id)
    return redirect_with_flash(f"{BASE}/gifts", _("Gift deleted."))


@post("/gifts/{gift_id:int}/receipt", include_in_schema=False, opt=WRITE)
async def issue_receipt(gift_id: FromPath[int]) -> Response[Any]:
    """Issue the gift's receipt (or keep the one already issued)."""
    try:
        receipt = await receipts.issue_gift_receipt(gift_id)
    except ConflictError:
        message = _("Only a received gift gets a receipt.")
        return redirect_with_flash(f"{BASE}/gifts/{gift_id}", message, "error")
    return redirect_with_flash(
        f"{BASE}/gifts/{gift_id}", _("Receipt %(number)s issued.", number=receipt.receipt_number)
    )


@get("/receipts/{receipt_id:int}/pdf", include_in_schema=False, opt=READ)
async def receipt_pdf_download(receipt_id: FromPath[int]) -> Response[bytes]:
    """The receipt as a PDF file."""
    receipt = await receipts.get_receipt(receipt_id)
    pdf = await receipt_pdf.render_pdf(receipt_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{receipt.receipt_number}.pdf"'},
    )


ROUTES: list[Any] = [
    gift_list, gift_detail, confirm_refund, refund_gift, confirm_delete, delete_gift,
    issue_receipt, receipt_pdf_download,
]  # fmt: skip
