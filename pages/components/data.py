"""Query plumbing for pages: today's date in a zone, database URL for cache keys, cache clearing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from db.config import database_url

CACHE_TTL = 300  # seconds; every write clears the caches anyway


def db_key() -> str:
    """Part of every cache key, so two databases never share cached results."""
    return database_url()


def clear_caches() -> None:
    """Call after a write so every page shows the new data."""
    st.cache_data.clear()


def today(zone: str = "Asia/Jakarta") -> dt.date:
    return dt.datetime.now(ZoneInfo(zone)).date()


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end
