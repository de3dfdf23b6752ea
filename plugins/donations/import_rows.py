"""Reading and checking the rows of a gift import, a batch at a time.

Each row is parsed in Python; the donors, funds, campaigns and appeals a batch names are
looked up with one query each, and the rows whose ``external_id`` is already stored are
found with one query, so checking a batch costs a handful of statements, not several per
row. Every problem becomes a message for that row's line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

from pydantic import ValidationError

from core import Money, MoneyError, db
from plugins.donations.common import fiscal_year_of, org, org_today
from plugins.donations.models import MAX_MINOR, GiftIn, PaymentMethod

SOURCE = "import"


class RowRejectedError(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass
class ImportRow:
    """One line of the file, as read."""

    line: int
    values: dict[str, str]

    def text(self, column: str) -> str:
        """A cell with surrounding blanks removed ('' when missing)."""
        return (self.values.get(column) or "").strip()


@dataclass
class ReadyGift:
    """A checked row, ready to insert."""

    line: int
    gift: GiftIn
    gift_date: date
    fiscal_year: int
    fund_id: int | None


@dataclass
class StoredGift:
    """A gift already recorded under an external id: its donor and amount."""

    donor_id: int
    amount_minor: int


async def _ids_by(
    table: str, column: str, values: Iterable[Any], live: bool = False
) -> dict[Any, int]:
    """``value → id`` of the rows whose ``column`` is one of ``values`` (chunked)."""
    wanted = sorted(set(values))
    found: dict[Any, int] = {}
    size = db.chunk_size_for(1)
    extra = " AND deleted_at IS NULL" if live else ""
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        marks = ", ".join("{}" for _ in chunk)
        rows = await db.fetch_all(
            f"SELECT id, {column} AS k FROM {table} WHERE {column} IN ({marks}){extra}", *chunk
        )
        found.update((r["k"], int(r["id"])) for r in rows)
    return found


@dataclass
class References:
    """What the rows of one batch refer to, looked up once."""

    donors_by_id: dict[int, int]
    donors_by_external: dict[str, int]
    funds: dict[str, int]
    campaigns: dict[str, int]
    appeals: dict[str, tuple[int, int]]  # code → (appeal id, campaign id)

    @classmethod
    async def load(cls, rows: Sequence[ImportRow]) -> References:
        """One query per kind of reference named in ``rows``."""
        numbers = [int(r.text("donor_id")) for r in rows if r.text("donor_id").isdigit()]
        ids = [n for n in numbers if 1 <= n <= 2_147_483_647]
        appeal_codes = {r.text("appeal_code") for r in rows} - {""}
        appeals: dict[str, tuple[int, int]] = {}
        if appeal_codes:
            marks = ", ".join("{}" for _ in appeal_codes)
            found = await db.fetch_all(
                f"SELECT id, code, campaign_id FROM donations_appeal WHERE code IN ({marks})",
                *sorted(appeal_codes),
            )
            appeals = {r["code"]: (int(r["id"]), int(r["campaign_id"])) for r in found}
        return cls(
            donors_by_id=await _ids_by("core_constituent", "id", ids, live=True),
            donors_by_external=await _ids_by(
                "core_constituent",
                "external_id",
                {r.text("donor_external_id") for r in rows} - {""},
                live=True,
            ),
            funds=await _ids_by("donations_fund", "code", {r.text("fund_code") for r in rows}),
            campaigns=await _ids_by(
                "donations_campaign", "code", {r.text("campaign_code") for r in rows}
            ),
            appeals=appeals,
        )


def _donor(row: ImportRow, refs: References) -> int:
    number = row.text("donor_id")
    if number:
        donor = refs.donors_by_id.get(int(number)) if number.isdigit() else None
    else:
        donor = refs.donors_by_external.get(row.text("donor_external_id"))
    if donor is None:
        raise RowRejectedError("donor: no constituent with that donor_id or donor_external_id")
    return donor


def _structure(row: ImportRow, refs: References, data: dict[str, Any]) -> int | None:
    """Campaign and appeal ids into ``data``; returns the fund id (None: no fund)."""
    fund = None
    if code := row.text("fund_code"):
        fund = refs.funds.get(code)
        if fund is None:
            raise RowRejectedError(f"fund_code: no fund {code!r}")
    if code := row.text("campaign_code"):
        data["campaign_id"] = refs.campaigns.get(code)
        if data["campaign_id"] is None:
            raise RowRejectedError(f"campaign_code: no campaign {code!r}")
    if code := row.text("appeal_code"):
        appeal = refs.appeals.get(code)
        if appeal is None:
            raise RowRejectedError(f"appeal_code: no appeal {code!r}")
        if data.get("campaign_id") not in (None, appeal[1]):
            raise RowRejectedError("appeal_code: the appeal belongs to another campaign")
        data["appeal_id"], data["campaign_id"] = appeal
    return fund


PAYMENT_METHODS = get_args(PaymentMethod)
NOTES_MAX = GiftIn.model_fields["notes"].metadata[0].max_length
EXTERNAL_ID_MAX = 200


def _check_fields(data: dict[str, Any]) -> None:
    """GiftIn's limits on the fields an import row sets; RowRejectedError naming each problem."""
    problems = []
    if not 1 <= data["amount_minor"] <= MAX_MINOR:
        problems.append(f"amount_minor: must be between 1 and {MAX_MINOR} minor units")
    if data["payment_method"] not in PAYMENT_METHODS:
        problems.append(f"payment_method: must be one of {', '.join(PAYMENT_METHODS)}")
    elif data["payment_method"] == "in_kind":
        problems.append("in_kind_description: an in-kind gift needs a description")
    if data["external_id"] is not None and len(data["external_id"]) > EXTERNAL_ID_MAX:
        problems.append(f"external_id: at most {EXTERNAL_ID_MAX} characters")
    if len(data["notes"]) > NOTES_MAX:
        problems.append(f"notes: at most {NOTES_MAX} characters")
    if problems:
        raise RowRejectedError("; ".join(problems))


def check_row(row: ImportRow, refs: References) -> ReadyGift:
    """The row as a gift to insert; RowRejectedError with the reason otherwise."""
    currency = (row.text("currency") or org().default_currency).upper()
    try:
        amount = Money.parse(row.text("amount"), currency).minor
    except MoneyError as exc:
        raise RowRejectedError(f"amount: {exc}") from exc
    try:
        day = date.fromisoformat(row.text("gift_date")) if row.text("gift_date") else None
    except ValueError as exc:
        raise RowRejectedError("gift_date: not a date written as YYYY-MM-DD") from exc
    data: dict[str, Any] = {
        "donor_id": _donor(row, refs),
        "amount_minor": amount,
        "currency": currency,
        "gift_date": day,
        "payment_method": row.text("payment_method") or "cash",
        "source": SOURCE,
        "external_id": row.text("external_id") or None,
        "notes": row.values.get("notes") or "",
    }
    fund = _structure(row, refs, data)
    _check_fields(data)  # the usual problems, in words; the model stays the authority
    try:
        gift = GiftIn.model_validate(data)
    except ValidationError as exc:
        raise RowRejectedError(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        ) from exc
    gift_date = gift.gift_date or org_today()
    return ReadyGift(row.line, gift, gift_date, fiscal_year_of(gift_date), fund)


async def stored_gifts(external_ids: Iterable[str]) -> dict[str, StoredGift]:
    """Gifts already imported under these external ids (one query per chunk)."""
    wanted = sorted(set(external_ids))
    found: dict[str, StoredGift] = {}
    size = db.chunk_size_for(1) - 1
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        marks = ", ".join("{}" for _ in chunk)
        rows = await db.fetch_all(
            "SELECT external_id, donor_id, amount_minor FROM donations_gift "
            f"WHERE source = {{}} AND external_id IN ({marks})",
            SOURCE,
            *chunk,
        )
        found.update(
            (r["external_id"], StoredGift(int(r["donor_id"]), int(r["amount_minor"]))) for r in rows
        )
    return found


def conflict_message(external_id: str, stored: StoredGift) -> str:
    """Why a row whose external id names another gift is refused."""
    return (
        f"external id {external_id!r} of source {SOURCE!r} already identifies a gift with "
        f"another donor or amount (donor {stored.donor_id}, {stored.amount_minor} minor units)"
    )
