"""Overview: this month across paid ads and influencer programs; the demo workspace button."""

from __future__ import annotations

import streamlit as st

from budgets import alerts
from budgets.overview import budget_overview
from campaigns import performance
from campaigns.queries import last_sync, spend_by_currency, workspace_counts
from db.calendar import Period
from db.engine import session_scope
from demo.workspace import load_demo
from finance import fx
from finance import reporting as reporting_totals
from influencers.queries import influencer_count, overdue_deliverables
from pages.components.auth import require_page
from pages.components.budget_widgets import money_or_blank, number_tile, render_alerts, tile
from pages.components.data import CACHE_TTL, clear_caches, db_key, month_bounds, today, when_text
from pages.components.i18n import _, date_text
from pages.components.money import money, number
from pages.components.navigation import page_link
from pages.components.terms import SYNC_KIND_LABELS, SYNC_STATUS_LABELS, term

actor = require_page("overview")
st.title(_("Overview"))
st.caption(_("This month across paid ads and influencer programs: spend, conversions, budgets and alerts."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _summary(db: str, start, end) -> dict:
    with session_scope() as session:
        run = last_sync(session)
        return {
            "counts": workspace_counts(session),
            "influencers": influencer_count(session),
            "spend": spend_by_currency(session, start, end),
            "last_sync": None if run is None else (run.kind, run.status, run.finished_at or run.started_at),
        }


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _month(db: str, start, end) -> dict:
    with session_scope() as session:
        currency = fx.reporting_currency(session)
        overview = budget_overview(
            session,
            Period(start, end),
            converter=fx.converter(session, start, end, pivot=currency),
            reporting_currency=currency,
            spent_converter=reporting_totals.day_converter(
                session, start, end, currency, pivot=currency
            ),  # spent: day by day
        )
        overdue = overdue_deliverables(session, overview.today)
        campaigns = performance.campaign_performance(session, performance.CampaignFilters(start, end))
        return {
            "overview": overview,
            "alerts": alerts.build_alerts(overview.pacings, overdue, overview.today),
            "campaigns": campaigns[campaigns["spend"] > 0],
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

st.subheader(_("This month: {start} to {end}", start=date_text(start), end=date_text(end)))
month = _month(db_key(), start, end)
spend = summary["spend"]
totals = {t.currency: t for t in month["overview"].totals}
if spend.empty and not totals:
    st.info(_("No ad spend recorded this month yet."))
recognised = month["overview"].fees_recognised()  # the Budgets page's "Spent" of programs (influencers.fees)
currencies = sorted(set(spend["currency"]) | set(totals) | set(recognised))
by_currency = {row.currency: row for row in spend.itertuples()}
for cur in currencies:
    row = by_currency.get(cur)
    total = totals.get(cur)
    ads = row.spend if row is not None else 0
    fees = recognised.get(cur, 0)
    conversions = row.conversions if row is not None else 0
    value = row.conversion_value if row is not None else 0
    st.markdown(f"**{cur}**")
    a, b, c, d, e = st.columns(5)
    tile(a, _("Spend ({currency})", currency=cur), ads + fees, cur, fits=10)
    a.caption(_("{ads} ads, {fees} influencer fees recognised", ads=money(ads, cur), fees=money(fees, cur)))
    number_tile(b, _("Conversions ({currency} accounts)", currency=cur), conversions)
    cpa = performance.ratio(ads, conversions)
    if cpa is None:
        c.metric(_("CPA ({currency})", currency=cur), "—")
    else:
        tile(c, _("CPA ({currency})", currency=cur), cpa, cur, fits=10)
    roas = performance.ratio(value, ads)
    number_tile(d, _("ROAS ({currency})", currency=cur), roas, 2)
    if total is not None and total.planned:
        used = total.actual / total.planned * 100
        e.metric(_("Budget used ({currency})", currency=cur), f"{number(used, 0)}%")
        e.caption(_("{spent} of {planned} planned", spent=money(total.actual, cur), planned=money(total.planned, cur)))
    else:
        e.metric(_("Budget used ({currency})", currency=cur), "—")

counts = summary["counts"]
a, b, c = st.columns(3)
a.metric(_("Ad accounts"), number(counts["accounts"]))
b.metric(_("Campaigns"), number(counts["campaigns"]))
c.metric(_("Influencers"), number(summary["influencers"]))

ranked = month["campaigns"].copy()
if not ranked.empty:
    # ROAS compares campaigns across currencies; campaigns without conversion value rank by CPA in Campaigns.
    ranked["roas_sort"] = [float(v) if v is not None else 0.0 for v in ranked["roas"]]
    ranked = ranked.sort_values(["roas_sort", "spend"], ascending=[False, False])
    left, right = st.columns(2)

    def _rank_table(frame, key: str) -> None:
        st.dataframe(
            {
                _("Campaign"): list(frame["name"]),
                _("Spend"): [money(v, c) for v, c in zip(frame["spend"], frame["currency"], strict=True)],
                _("Conversions"): [number(v) for v in frame["conversions"]],
                _("CPA"): [money_or_blank(v, c) for v, c in zip(frame["cpa"], frame["currency"], strict=True)],
                _("ROAS"): [None if v is None else number(v, 2) for v in frame["roas"]],
            },
            hide_index=True,
            key=key,
        )

    with left:
        st.subheader(_("Top campaigns by ROAS"))
        _rank_table(ranked.head(5), "overview_top")
    with right:
        st.subheader(_("Bottom campaigns by ROAS"))
        _rank_table(ranked.tail(5).iloc[::-1], "overview_bottom")

st.subheader(_("Alerts"))
render_alerts(month["alerts"], limit=8, key="overview_alerts")
page_link("budgets", _("Open Budgets for pacing, plans and approvals"))
if summary["last_sync"]:
    kind, status, at = summary["last_sync"]
    st.caption(
        _(
            "Last sync: {kind}, {status}, {at}",
            kind=term(SYNC_KIND_LABELS, kind),
            status=term(SYNC_STATUS_LABELS, status),
            at=when_text(at),
        )
    )
