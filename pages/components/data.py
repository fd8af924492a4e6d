"""Query plumbing for pages: today in the workspace time zone, the cache key (database and data version), clearing.

Page queries are `st.cache_data` functions whose first argument is `db_key()`. Their caches are shared by every
session of this server process, so twenty people opening the same page run its queries once. The key carries the
workspace's data version (`db.data_version`), read once at the start of every run, so a write from anywhere (this
app, the command line, the worker, another replica) gives every cache a new key on the next run; a write in this
process also calls `clear_caches()`, which empties the caches of every session here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from db.audit import snapshot_time
from db.calendar import local_today, workspace_timezone
from db.config import database_url
from db.data_version import data_version
from db.engine import session_scope
from pages.components.i18n import datetime_text

CACHE_TTL = 300  # seconds; a write gives every cache a new key (and a write here clears them)
_VERSION_KEY = "_data_version"


def refresh_data_version() -> str:
    """Read the workspace's data version for this run (one small query); `streamlit_app.main` calls it first."""
    with session_scope() as session:
        version = data_version(session)
    st.session_state[_VERSION_KEY] = version
    return version


def db_key() -> str:
    """Part of every cache key: the database (two databases never share results) and its data version."""
    version = st.session_state.get(_VERSION_KEY) or refresh_data_version()
    return f"{database_url()}#{version}"


def clear_caches() -> None:
    """Call after a write so every page shows the new data (all sessions of this process)."""
    st.cache_data.clear()


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _workspace_zone(db: str) -> str:
    with session_scope() as session:
        return workspace_timezone(session)


def workspace_zone() -> str:
    """The workspace time zone (Settings; default Asia/Jakarta): every timestamp on a page is shown in it."""
    return _workspace_zone(db_key())


def when_text(moment: dt.datetime | str | None) -> str:
    """THE way a page shows a stored (UTC) timestamp: in the workspace time zone and the user's locale
    (`datetime_text`: `28 Nov 2026 10.12 WIB`, `Nov 28, 2026, 10:12 AM +0700`); "" for None/NaT. A timestamp kept
    as ISO text (audit snapshots, a conflict's latest values: `2026-11-28T03:12:00+00:00`) is read first; other
    text is shown as it is."""
    if moment is None or moment != moment:  # NaT is not equal to itself
        return ""
    if isinstance(moment, str):
        parsed = snapshot_time(moment)
        if parsed is None:
            return moment
        moment = parsed
    if hasattr(moment, "to_pydatetime"):
        moment = moment.to_pydatetime()
    return datetime_text(moment, workspace_zone())


def stored_text(value: Any) -> Any:
    """A stored value to show: a timestamp (a datetime, or ISO text with a time) through `when_text`, anything
    else unchanged."""
    return when_text(value) if snapshot_time(value) is not None else value


def day_values(values: Iterable[Any]) -> pd.Series:
    """Calendar days (dates, datetimes, ISO text, None/NaN/NaT/"" for a blank) as `datetime64[ns]` days."""
    cleaned = [None if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else v for v in values]
    return pd.Series(pd.to_datetime(pd.Series(cleaned, dtype=object)), dtype="datetime64[ns]").dt.normalize()


def moment_values(values: Iterable[Any]) -> pd.Series:
    """Stored timestamps (a naive one is UTC, as the database stores them; None/NaT/"" blank) as UTC moments."""
    cleaned = [None if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else v for v in values]
    return pd.Series(pd.to_datetime(pd.Series(cleaned, dtype=object), utc=True), dtype="datetime64[ns, UTC]")


def today() -> dt.date:
    """Today in the workspace time zone (Settings; default Asia/Jakarta): the date every page uses."""
    return local_today(_workspace_zone(db_key()))


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def display_copy(frame, times: tuple[str, ...] = (), days: tuple[str, ...] = ()):
    """A copy of `frame` for reading: `times` columns as UTC moments (`moment_values`) and `days` columns as
    calendar days (`day_values`; draw the table with `table_dates.dated_columns`, which shows them in the user's
    language, timestamps in the workspace zone, and sorts them by date), and every other
    missing value (None, NaN) blank instead of "None"/"nan". Date columns keep NaT (the table's placeholder shows
    an empty cell). Keep the real frame for charts and downloads."""
    shown = frame.copy()
    for column in times:
        if column in shown.columns:
            shown[column] = moment_values(shown[column]).set_axis(shown.index)
    for column in days:
        if column in shown.columns:
            shown[column] = day_values(shown[column]).set_axis(shown.index)
    for column in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column].dtype):
            continue
        if shown[column].isna().any():
            shown[column] = shown[column].astype(object).where(shown[column].notna(), "")
    return shown
