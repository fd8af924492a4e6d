"""Query plumbing for pages: today in the workspace time zone, database URL for cache keys, cache clearing."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from db.calendar import local_today, workspace_timezone
from db.config import database_url
from db.engine import session_scope
from pages.components.i18n import datetime_text

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
    """The workspace time zone (Settings; default Asia/Jakarta): every timestamp on a page is shown in it."""
    return _workspace_zone(db_key())


def when_text(moment: dt.datetime | None) -> str:
    """A stored (UTC) timestamp in the workspace time zone and the user's locale; "" for None/NaT."""
    if moment is None or moment != moment:  # NaT is not equal to itself
        return ""
    if hasattr(moment, "to_pydatetime"):
        moment = moment.to_pydatetime()
    return datetime_text(moment, workspace_zone())


def today() -> dt.date:
    """Today in the workspace time zone (Settings; default Asia/Jakarta): the date every page uses."""
    return local_today(_workspace_zone(db_key()))


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def display_copy(frame, times: tuple[str, ...] = ()):
    """A copy of `frame` for reading: `times` columns as workspace-time text, and every missing value (None,
    NaN, NaT) blank instead of "None"/"nan"/"NaT". Keep the real frame for sorting, charts and downloads."""
    shown = frame.copy()
    for column in times:
        if column in shown.columns:
            shown[column] = [when_text(v) for v in shown[column]]
    for column in shown.columns:
        if shown[column].isna().any():
            shown[column] = shown[column].astype(object).where(shown[column].notna(), "")
    return shown
