"""Campaigns: every campaign's spend, results and budget for a period."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from campaigns.queries import campaign_table
from db.engine import session_scope
from pages.components.auth import require_page
from pages.components.data import CACHE_TTL, db_key, month_bounds, today
from pages.components.empty import empty_state
from pages.components.i18n import _

require_page("campaigns")
st.title(_("Campaigns"))
st.caption(_("Spend, impressions, clicks and conversions per campaign, in each account's currency."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _table(_key: str, since: dt.date, until: dt.date):
    with session_scope() as session:
        return campaign_table(session, since, until)


start, end = month_bounds(today())
period = st.date_input(_("Period"), value=(start, min(end, today())), key="campaigns_period")
since, until = (period[0], period[-1]) if isinstance(period, tuple) and period else (start, end)
table = _table(db_key(), since, until)
if table.empty:
    empty_state(_("This page lists your Meta campaigns with spend and conversions once they are synced or imported."))
    st.stop()
st.dataframe(table.drop(columns=["id"]), hide_index=True, width="stretch", key="campaigns_table")
