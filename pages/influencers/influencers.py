"""Influencers: the CRM directory of creators and their handles."""

from __future__ import annotations

import streamlit as st

from db.engine import session_scope
from influencers.queries import influencer_table
from pages.components.auth import require_page
from pages.components.data import CACHE_TTL, db_key
from pages.components.empty import empty_state
from pages.components.i18n import _

require_page("influencers")
st.title(_("Influencers"))
st.caption(_("Creators you work with: contacts, handles, followers, collaborations and results."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _table(_key: str):
    with session_scope() as session:
        return influencer_table(session)


table = _table(db_key())
if table.empty:
    empty_state(
        _("Your influencer directory appears here once you add or import creators."),
        sync=False,
        extra=_("Import contacts from a CSV with `python cli.py import influencers FILE.csv`."),
    )
    st.stop()
st.dataframe(table.drop(columns=["id"]), hide_index=True, width="stretch", key="influencers_table")
