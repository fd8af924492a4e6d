"""Finance tables: FX rates, closed periods and their export snapshots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, Versioned
from db.types import JSONData, Rate, UTCDateTime, utcnow


class FxRate(Versioned, Timestamps, Base):
    """1 unit of `from_currency` is worth `rate` units of `to_currency` on `date`."""

    __tablename__ = "fx_rate"
    __table_args__ = (UniqueConstraint("date", "from_currency", "to_currency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    from_currency: Mapped[str] = mapped_column(String(3))
    to_currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Rate)
    source: Mapped[str | None] = mapped_column(String(100))
    updated_by: Mapped[str | None] = mapped_column(String(320))


class PeriodClose(Versioned, Base):
    """A month finance has locked; its exports are served from snapshots."""

    __tablename__ = "period_close"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, unique=True)  # first day of the month
    status: Mapped[str] = mapped_column(String(20), default="locked")  # locked | reopened
    locked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_by: Mapped[str] = mapped_column(String(320))
    notes: Mapped[str | None] = mapped_column(Text)


class ExportSnapshot(Base):
    """The exact bytes of an export taken when its month was closed."""

    __tablename__ = "export_snapshot"
    __table_args__ = (UniqueConstraint("period_close_id", "export_name", "currency", "variant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_close_id: Mapped[int] = mapped_column(ForeignKey("period_close.id", ondelete="CASCADE"))
    export_name: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    variant: Mapped[str] = mapped_column(String(40), default="default")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONData)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
