"""Query plumbing for pages: today in the workspace time zone, database URL for cache keys, cache clearing."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from db.calendar import local_today, workspace_timezone
from db.config import database_url
from db.engine import session_scope

CACHE_TTL = 300  # seconds; every write clears the caches anyway


def db_key() -> str:
    """Part of every cache key, so two databases never share cached results."""
    return database_url()


def clear_caches() -> None:
    """Call after a write so every page shows the new data."""
    st.cache_data.clear()


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _workspace_zone(_db: str) -> str:
    with session_scope() as session:
        return workspace_timezone(session)


def workspace_zone() -> str:
    """The workspace time zone name (Settings; default Asia/Jakarta)."""
    return _workspace_zone(db_key())


def today() -> dt.date:
    """Today in the workspace time zone (Settings; default Asia/Jakarta): the date every page uses."""
    return local_today(_workspace_zone(db_key()))


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end
