"""Programs: influencer programs with their collaborations, deliverables and payments."""

from __future__ import annotations

import streamlit as st

from db.engine import session_scope
from influencers.queries import program_table
from pages.components.auth import require_page
from pages.components.data import CACHE_TTL, db_key
from pages.components.empty import empty_state
from pages.components.i18n import _

require_page("programs")
st.title(_("Programs"))
st.caption(_("Influencer programs: pipeline, deliverables, payments and results."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _table(_key: str):
    with session_scope() as session:
        return program_table(session)


table = _table(db_key())
if table.empty:
    empty_state(_("Influencer programs and their pipelines appear here once you create one."), sync=False)
    st.stop()
st.dataframe(table.drop(columns=["id"]), hide_index=True, width="stretch", key="programs_table")
