"""Overview: this month across paid ads and influencer programs; the demo workspace button."""

from __future__ import annotations

import streamlit as st

from campaigns.queries import last_sync, spend_by_currency, workspace_counts
from db.demo import load_demo
from db.engine import session_scope
from influencers.queries import influencer_count
from pages.components.auth import require_page
from pages.components.data import CACHE_TTL, clear_caches, db_key, month_bounds, today
from pages.components.i18n import _
from pages.components.money import money, number
from pages.components.navigation import page_link

actor = require_page("overview")
st.title(_("Overview"))
st.caption(_("This month across paid ads and influencer programs: spend, conversions, budgets and alerts."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _summary(_key: str, start, end) -> dict:
    with session_scope() as session:
        run = last_sync(session)
        return {
            "counts": workspace_counts(session),
            "influencers": influencer_count(session),
            "spend": spend_by_currency(session, start, end),
            "last_sync": None if run is None else (run.kind, run.status, run.finished_at or run.started_at),
        }


start, end = month_bounds(today())
summary = _summary(db_key(), start, end)

if summary["counts"]["campaigns"] == 0 and summary["influencers"] == 0:
    st.info(
        _(
            "Nothing here yet. Pantau shows this month's ad spend, conversions, budgets and influencer "
            "programs once data is in. Connect Meta or import an Ads Manager CSV on the Sync page, "
            "or load the demo workspace to look around."
        ),
        icon=":material/info:",
    )
    if actor.can("demo.load") and st.button(_("Load demo workspace"), key="overview_load_demo", type="primary"):
        with st.status(_("Loading the demo workspace..."), expanded=True) as status:
            bar = st.progress(0.0)

            def _step(message: str, fraction: float) -> None:
                bar.progress(fraction, text=_(message))

            with session_scope() as session:
                load_demo(session, actor, progress=_step)
            status.update(label=_("Demo workspace loaded"), state="complete")
        clear_caches()
        st.rerun()
    page_link("sync", _("Go to Sync to connect Meta or import a CSV"))
    st.stop()

st.subheader(_("This month: {start} to {end}", start=start.isoformat(), end=end.isoformat()))
spend = summary["spend"]
if spend.empty:
    st.info(_("No ad spend recorded this month yet."))
else:
    columns = st.columns(len(spend))
    for column, row in zip(columns, spend.itertuples(), strict=True):
        column.metric(_("Spend ({currency})", currency=row.currency), money(row.spend, row.currency))
        column.caption(
            _(
                "{conversions} conversions, {value} conversion value",
                conversions=number(row.conversions),
                value=money(row.conversion_value, row.currency),
            )
        )
counts = summary["counts"]
a, b, c = st.columns(3)
a.metric(_("Ad accounts"), number(counts["accounts"]))
b.metric(_("Campaigns"), number(counts["campaigns"]))
c.metric(_("Influencers"), number(summary["influencers"]))
if summary["last_sync"]:
    kind, status, at = summary["last_sync"]
    st.caption(_("Last sync: {kind}, {status}, {at} UTC", kind=kind, status=status, at=at.strftime("%Y-%m-%d %H:%M")))
