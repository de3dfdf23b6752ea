"""Driver values turned into plain Python values, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.values import as_date, as_instant, as_int


def test_integers_from_sums_and_empty_sums() -> None:
    assert as_int(Decimal("12345678901234")) == 12_345_678_901_234
    assert as_int(None) == 0
    assert as_int("7") == 7


def test_dates_from_text_dates_and_timestamps() -> None:
    assert as_date("2026-02-28") == date(2026, 2, 28)
    assert as_date("2026-02-28 23:30:00") == date(2026, 2, 28)
    assert as_date(datetime(2026, 2, 28, 23, 30, tzinfo=UTC)) == date(2026, 2, 28)
    assert as_date(None) is None


def test_instants_are_aware_utc() -> None:
    madrid = timezone(timedelta(hours=1))
    assert as_instant("2026-01-01T10:00:00") == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert as_instant(datetime(2026, 1, 1, 11, tzinfo=madrid)) == datetime(
        2026, 1, 1, 10, tzinfo=UTC
    )
    converted = as_instant(datetime(2026, 1, 1, 11, tzinfo=madrid))
    assert converted is not None
    assert converted.tzinfo is UTC
    assert as_instant(None) is None
    with pytest.raises(TypeError):
        as_instant(42)
