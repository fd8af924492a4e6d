"""Periods for finance: months, month segments of a date range, SQL month keys, the restatement window."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.sql import ColumnElement

from campaigns.meta_settings import RESTATEMENT_DAYS
from finance.fx import month_end, month_start


def month_segments(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The range cut at month boundaries: [(since, end of its month), ..., (start of last month, until)]."""
    segments = []
    start = since
    while start <= until:
        end = min(month_end(start), until)
        segments.append((start, end))
        start = end + dt.timedelta(days=1)
    return segments


def is_whole_month(since: dt.date, until: dt.date) -> bool:
    return since == month_start(since) and until == month_end(since)


def month_key(column: ColumnElement, dialect: str) -> ColumnElement:
    """`YYYY-MM` of a date column, in SQL."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def provisional_since(timezone_name: str | None, now: dt.datetime) -> dt.date:
    """The first day still inside Meta's restatement window, counted back from the account's today."""
    try:
        zone = ZoneInfo(timezone_name or "UTC")
    except Exception:
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date() - dt.timedelta(days=RESTATEMENT_DAYS)
