"""Receipts and annual statements, numbered without gaps per series.

A number is allocated by incrementing the series' row in ``donations_receipt_sequence``
inside the transaction that stores the receipt: concurrent issuers queue on that row (a
PostgreSQL row lock, SQLite's IMMEDIATE write lock), and a rolled-back receipt rolls its
number back too, so the numbers issued are 1, 2, 3... with no gaps and no repeats.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from core import audit, db
from core.errors import ConflictError, NotFoundError
from core.events import emit, unit_of_work
from plugins.donations import gift_store
from plugins.donations.common import as_instant, as_int, config, org

ENTITY = "donations_receipt"


class Receipt(BaseModel):
    """An issued receipt or annual statement."""

    id: int
    series: str
    number: int
    receipt_number: str
    kind: str
    constituent_id: int
    gift_id: int | None
    fiscal_year: int | None
    amount_minor: int
    deductible_minor: int
    currency: str
    language: str
    jurisdiction: str
    issued_at: datetime
    voided_at: datetime | None


def _from_row(row: dict[str, object]) -> Receipt:
    number = as_int(row["number"])
    return Receipt.model_validate(
        {
            **row,
            "number": number,
            "receipt_number": f"{row['series']}-{number:06d}",
            "amount_minor": as_int(row["amount_minor"]),
            "deductible_minor": as_int(row["deductible_minor"]),
            "issued_at": as_instant(row["issued_at"]),
            "voided_at": as_instant(row["voided_at"]),
        }
    )


async def allocate_number(series: str) -> int:
    """The next number of ``series``; must run inside the receipt's transaction."""
    assert db.in_transaction(), "receipt numbers are allocated inside the receipt's transaction"
    await db.execute(
        "INSERT INTO donations_receipt_sequence (series, next_number) VALUES ({}, 1) "
        "ON CONFLICT (series) DO NOTHING",
        series,
    )
    row = await db.fetch_one(
        "UPDATE donations_receipt_sequence SET next_number = next_number + 1 WHERE series = {} "
        "RETURNING next_number - 1 AS number",
        series,
    )
    assert row is not None
    return as_int(row["number"])


async def get_receipt(receipt_id: int) -> Receipt:
    """One receipt; NotFoundError when missing."""
    row = await db.fetch_one("SELECT * FROM donations_receipt WHERE id = {}", receipt_id)
    if row is None:
        raise NotFoundError(f"no receipt {receipt_id}")
    return _from_row(row)


async def _store(
    *,
    kind: str,
    constituent_id: int,
    gift_id: int | None,
    fiscal_year: int | None,
    amount: int,
    deductible: int,
    currency: str,
    language: str | None,
) -> Receipt:
    settings = config()
    series = settings.receipt_series
    number = await allocate_number(series)
    row = await db.fetch_one(
        "INSERT INTO donations_receipt (series, number, kind, constituent_id, gift_id, "
        "fiscal_year, amount_minor, deductible_minor, currency, language, jurisdiction, "
        "issued_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
        series,
        number,
        kind,
        constituent_id,
        gift_id,
        fiscal_year,
        amount,
        deductible,
        currency,
        language or settings.receipt_language or org().locale,
        settings.receipt_jurisdiction,
        datetime.now(UTC),
    )
    assert row is not None
    receipt = await get_receipt(int(row["id"]))
    await audit.record_change(
        "issue",
        ENTITY,
        receipt.id,
        after=receipt.model_dump(mode="json"),
        constituent_id=constituent_id,
    )
    await emit(
        "donations.receipt_issued",
        {"receipt_id": receipt.id, "receipt_number": receipt.receipt_number, "kind": kind},
    )
    return receipt


async def issue_gift_receipt(gift_id: int, *, language: str | None = None) -> Receipt:
    """The receipt of a received gift (issued once; asking again returns the same one)."""
    async with unit_of_work():
        gift = await gift_store.fetch_gift(gift_id)
        if gift.status != "received":
            raise ConflictError(
                f"gift {gift_id} is {gift.status}; only received gifts get receipts"
            )
        existing = await db.fetch_one(
            "SELECT * FROM donations_receipt WHERE gift_id = {} AND voided_at IS NULL", gift_id
        )
        if existing is not None:
            return _from_row(existing)
        return await _store(
            kind="gift",
            constituent_id=gift.donor_id,
            gift_id=gift_id,
            fiscal_year=gift.fiscal_year,
            amount=gift.amount_minor,
            deductible=gift.amount_minor - gift.non_deductible_minor,
            currency=gift.currency,
            language=language,
        )


async def issue_annual_statement(
    constituent_id: int, fiscal_year: int, currency: str, *, language: str | None = None
) -> Receipt:
    """A statement of a donor's received gifts in one fiscal year (a new number each time)."""
    async with unit_of_work():
        row = await db.fetch_one(
            "SELECT COUNT(*) AS n, SUM(amount_minor) AS total, SUM(non_deductible_minor) AS nd "
            "FROM donations_gift WHERE donor_id = {} AND fiscal_year = {} AND currency = {} "
            "AND status = 'received' AND deleted_at IS NULL",
            constituent_id,
            fiscal_year,
            currency,
        )
        assert row is not None
        if not as_int(row["n"]):
            raise NotFoundError(f"no gifts from constituent {constituent_id} in {fiscal_year}")
        total = as_int(row["total"])
        return await _store(
            kind="annual",
            constituent_id=constituent_id,
            gift_id=None,
            fiscal_year=fiscal_year,
            amount=total,
            deductible=total - as_int(row["nd"]),
            currency=currency,
            language=language,
        )


async def void_receipt(receipt_id: int) -> Receipt:
    """Void a receipt (its number stays used, so the sequence keeps no gaps)."""
    async with unit_of_work():
        before = await get_receipt(receipt_id)
        if before.voided_at is not None:
            raise ConflictError(f"receipt {receipt_id} is already void")
        await db.execute(
            "UPDATE donations_receipt SET voided_at = {} WHERE id = {}",
            datetime.now(UTC),
            receipt_id,
        )
        after = await get_receipt(receipt_id)
        await audit.record_change(
            "void",
            ENTITY,
            receipt_id,
            before=before.model_dump(mode="json"),
            after=after.model_dump(mode="json"),
            constituent_id=after.constituent_id,
        )
    return after


async def list_receipts(constituent_id: int) -> list[Receipt]:
    """A constituent's receipts, newest first."""
    rows = await db.fetch_all(
        "SELECT * FROM donations_receipt WHERE constituent_id = {} ORDER BY id DESC", constituent_id
    )
    return [_from_row(r) for r in rows]
