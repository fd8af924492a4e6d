"""Column types shared by every model: money, rates, UTC timestamps and JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import DateTime, TypeDecorator

# Money: major units, exact. 20 digits with 4 decimals covers IDR billions and sub-cent spend.
Money = Numeric(20, 4, asdecimal=True)
# FX rates need more precision than money (1 USD = 16,000 IDR; 1 IDR = 0.0000625 USD).
Rate = Numeric(24, 10, asdecimal=True)
# Counts that Meta may report with decimals (modelled conversions).
Quantity = Numeric(20, 4, asdecimal=True)
JSONData = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is required")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """The current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


ZERO = Decimal("0")
