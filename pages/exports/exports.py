"""Exports: CSV files for finance in one reporting currency."""

from __future__ import annotations

import streamlit as st

from campaigns.queries import workspace_counts
from db.engine import session_scope
from pages.components.auth import require_page
from pages.components.empty import empty_state
from pages.components.i18n import _

require_page("exports")
st.title(_("Exports"))
st.caption(_("Finance files: daily and monthly campaign spend, campaigns, influencer payments, marketing spend."))

with session_scope() as session:
    counts = workspace_counts(session)
if counts["campaigns"] == 0:
    empty_state(_("Exports are built from synced campaigns and influencer programs; there is nothing to export yet."))
    st.stop()
st.info(_("CSV exports are being built; see the README for the planned formats."))
