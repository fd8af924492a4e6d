"""Periods for finance: SQL month keys and the restatement window (months and segments live in db.calendar)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement

from campaigns.meta_settings import RESTATEMENT_DAYS
from db.calendar import local_today


def month_key(column: ColumnElement[Any] | InstrumentedAttribute[Any], dialect: str) -> ColumnElement[Any]:
    """`YYYY-MM` of a date column, in SQL."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def provisional_since(timezone_name: str | None, now: dt.datetime) -> dt.date:
    """The first day still inside Meta's restatement window, counted back from the account's today."""
    return local_today(timezone_name, now) - dt.timedelta(days=RESTATEMENT_DAYS)
