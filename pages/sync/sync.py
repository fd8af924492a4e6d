"""Sync: the Meta connection, sync runs and Ads Manager imports."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import select

from campaigns.models import SyncRun
from db.config import env
from db.engine import session_scope
from pages.components.auth import require_page
from pages.components.i18n import _

require_page("sync")
st.title(_("Sync"))
st.caption(_("Bring in campaigns, budgets, spend and conversions from Meta, and see every run."))

st.subheader(_("Meta connection"))
if env("FB_ACCESS_TOKEN"):
    st.success(_("An access token is configured."))
else:
    st.warning(
        _("No Meta access token yet. Set FB_ACCESS_TOKEN (a system-user token with ads_read) in the environment.")
    )

st.subheader(_("Run history"))
with session_scope() as session:
    runs = (
        session.execute(
            select(SyncRun.started_at, SyncRun.kind, SyncRun.status, SyncRun.rows, SyncRun.requests, SyncRun.error)
            .order_by(SyncRun.started_at.desc())
            .limit(50)
        )
        .mappings()
        .all()
    )
if not runs:
    st.info(_("No sync has run yet. Runs appear here with their status, rows and errors."))
else:
    st.dataframe(pd.DataFrame(runs), hide_index=True, width="stretch", key="sync_runs")
