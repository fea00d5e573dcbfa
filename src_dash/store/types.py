"""Column types of the store: money as exact integer cents, timestamps as UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

from src_dash.money import from_cents, to_cents


class Money(TypeDecorator[Decimal]):
    """A Decimal amount stored as a BIGINT number of cents.

    Exact on every backend (SQLite has no decimal type), cheap to sum in SQL and to load into
    Polars as Int64. Raw SQL sees cents; the ORM sees Decimal.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> int | None:
        """Decimal -> cents."""
        return None if value is None else to_cents(value)

    def process_result_value(self, value: int | None, dialect: object) -> Decimal | None:
        """Cents -> Decimal."""
        return None if value is None else from_cents(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        """Normalise to UTC (naive values are taken as UTC)."""
        return _as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        """Return an aware UTC datetime (SQLite gives naive values back)."""
        return _as_utc(value)


def _as_utc(value: datetime | None) -> datetime | None:
    """`value` in UTC, a naive one taken as UTC already; None stays None."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
