"""API for gifts, donor summaries and receipts (``/api/v1/donations/gifts`` ...)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Response, delete, get, patch, post
from litestar.params import JSONBody, QueryParameter
from pydantic import Field

from core import db
from core.errors import NotFoundError
from plugins.donations import gift_store, gifts, receipt_pdf, receipts, rollups
from plugins.donations.api_support import (
    READ,
    TAGS,
    WRITE,
    Currency,
    Id,
    ItemPage,
    OptionalId,
    Page,
    PerPage,
    PreciseJSONRequest,
)
from plugins.donations.common import org
from plugins.donations.models import (
    DonorSummary,
    Gift,
    GiftIn,
    GiftPatch,
    Input,
    PositiveMinor,
    RecordId,
)


class MatchIn(Input):
    """An employer's matching gift for an employee's gift."""

    employer_id: RecordId
    amount_minor: PositiveMinor


class StatementIn(Input):
    """An annual statement to issue."""

    constituent_id: RecordId
    fiscal_year: int = Field(ge=1900, le=2200)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    language: str | None = Field(default=None, pattern=r"^(en|es)$")


@get("/gifts", opt=READ, tags=TAGS)
async def list_gifts(
    donor_id: OptionalId = None,
    campaign_id: OptionalId = None,
    fund_id: OptionalId = None,
    status: Annotated[str | None, QueryParameter(max_length=20)] = None,
    date_from: Annotated[date | None, QueryParameter(description="gift date on or after")] = None,
    date_to: Annotated[date | None, QueryParameter(description="gift date on or before")] = None,
    sort: Annotated[str, QueryParameter(max_length=20, description="gift_date, amount, id")] = (
        "-gift_date"
    ),
    page: Page = 1,
    per_page: PerPage = 50,
) -> ItemPage[Gift]:
    """Live gifts matching every filter, a page at a time (without splits and credits)."""
    items, total = await gifts.list_gifts(
        donor_id=donor_id,
        campaign_id=campaign_id,
        fund_id=fund_id,
        status=status,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=page,
        per_page=per_page,
    )
    return ItemPage[Gift](items=items, total=total, page=page, per_page=per_page)


@post("/gifts", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def create_gift(data: JSONBody[GiftIn]) -> Gift:
    """Record a gift; the same ``source`` + ``external_id`` returns the stored gift."""
    return await gifts.record_gift(data)


@get("/gifts/{gift_id:int}", opt=READ, tags=TAGS)
async def get_gift(gift_id: Id) -> Gift:
    """One gift with splits, soft credits and tribute."""
    return await gift_store.fetch_gift(gift_id)


@patch("/gifts/{gift_id:int}", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def update_gift(gift_id: Id, data: JSONBody[GiftPatch]) -> Gift:
    """Change the fields sent; lists replace the stored ones."""
    return await gifts.update_gift(gift_id, data)


@post("/gifts/{gift_id:int}/refund", opt=WRITE, status_code=200, tags=TAGS)
async def refund_gift(gift_id: Id) -> Gift:
    """Mark a received gift refunded."""
    return await gifts.refund_gift(gift_id)


@delete("/gifts/{gift_id:int}", opt=WRITE, tags=TAGS)
async def delete_gift(gift_id: Id) -> None:
    """Soft-delete a gift entered by mistake."""
    await gifts.delete_gift(gift_id)


@post("/gifts/{gift_id:int}/match", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def match_gift(gift_id: Id, data: JSONBody[MatchIn]) -> Gift:
    """Record an employer's matching gift (employer hard credit, employee soft credit)."""
    return await gifts.record_matching_gift(gift_id, data.employer_id, data.amount_minor)


@get("/donors/{constituent_id:int}/summary", opt=READ, tags=TAGS)
async def donor_summary(constituent_id: Id, currency: Currency = None) -> DonorSummary:
    """A constituent's giving rollups (and household totals for a household)."""
    if not await db.fetch_one("SELECT id FROM core_constituent WHERE id = {}", constituent_id):
        raise NotFoundError(f"no constituent {constituent_id}")
    return await rollups.donor_summary(constituent_id, (currency or org().default_currency).upper())


@post("/gifts/{gift_id:int}/receipt", opt=WRITE, status_code=200, tags=TAGS)
async def issue_receipt(gift_id: Id) -> receipts.Receipt:
    """Issue (or return) the gift's receipt."""
    return await receipts.issue_gift_receipt(gift_id)


@post("/statements", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def issue_statement(data: JSONBody[StatementIn]) -> receipts.Receipt:
    """Issue an annual statement for a donor and fiscal year."""
    currency = (data.currency or org().default_currency).upper()
    return await receipts.issue_annual_statement(
        data.constituent_id, data.fiscal_year, currency, language=data.language
    )


@get("/donors/{constituent_id:int}/receipts", opt=READ, tags=TAGS)
async def list_receipts(constituent_id: Id) -> list[receipts.Receipt]:
    """A constituent's receipts and statements, newest first."""
    return await receipts.list_receipts(constituent_id)


@get("/receipts/{receipt_id:int}", opt=READ, tags=TAGS)
async def get_receipt(receipt_id: Id) -> receipts.Receipt:
    """One receipt's details."""
    return await receipts.get_receipt(receipt_id)


@get("/receipts/{receipt_id:int}/pdf", opt=READ, tags=TAGS, media_type="application/pdf")
async def receipt_pdf_download(receipt_id: Id) -> Response[bytes]:
    """The receipt as a PDF file."""
    receipt = await receipts.get_receipt(receipt_id)
    pdf = await receipt_pdf.render_pdf(receipt_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{receipt.receipt_number}.pdf"'},
    )


@post("/receipts/{receipt_id:int}/void", opt=WRITE, status_code=200, tags=TAGS)
async def void_receipt(receipt_id: Id) -> receipts.Receipt:
    """Void a receipt (its number stays used)."""
    return await receipts.void_receipt(receipt_id)


ROUTES: list[Any] = [
    list_gifts, create_gift, get_gift, update_gift, refund_gift, delete_gift, match_gift,
    donor_summary, issue_receipt, issue_statement, list_receipts, get_receipt,
    receipt_pdf_download, void_receipt,
]  # fmt: skip
