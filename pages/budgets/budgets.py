"""Budgets: plans against actual spend for the month."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import select

from campaigns.models import BudgetPlan
from db.engine import session_scope
from pages.components.auth import require_page
from pages.components.data import CACHE_TTL, db_key
from pages.components.empty import empty_state
from pages.components.i18n import _

require_page("budgets")
st.title(_("Budgets"))
st.caption(_("Planned, spent and projected spend for paid ads and influencer fees, with pacing alerts."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _plans(_key: str) -> pd.DataFrame:
    with session_scope() as session:
        rows = session.execute(
            select(
                BudgetPlan.scope_key,
                BudgetPlan.period_start,
                BudgetPlan.period_end,
                BudgetPlan.amount,
                BudgetPlan.currency,
            ).order_by(BudgetPlan.period_start.desc(), BudgetPlan.scope_key)
        ).mappings()
        return pd.DataFrame(rows.all(), columns=["scope_key", "period_start", "period_end", "amount", "currency"])


plans = _plans(db_key())
if plans.empty:
    empty_state(
        _("Budget plans per month for campaigns, programs and channels appear here with their pacing."),
        extra=_("Sync or import campaigns first, then set a plan per campaign or program."),
    )
    st.stop()
st.dataframe(plans, hide_index=True, width="stretch", key="budgets_plans")
