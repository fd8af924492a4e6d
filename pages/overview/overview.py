"""Overview: this month across paid ads and influencer programs; the demo workspace button."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
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
from pages.components.budget_widgets import (
    budget_used_tile,
    converted_totals,
    money_or_blank,
    number_tile,
    render_alerts,
    tile,
)
from pages.components.campaign_names import campaign_labels
from pages.components.data import CACHE_TTL, clear_caches, db_key, month_bounds, today, when_text
from pages.components.i18n import _, date_text
from pages.components.inputs import message_text
from pages.components.money import amount_columns, money, number
from pages.components.navigation import page_link
from pages.components.terms import SYNC_KIND_LABELS, SYNC_STATUS_LABELS, is_missing, term

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
        # The reporting currency's scan starts beside the overview's reads; its converters are made when needed.
        reporting = reporting_totals.LateReporting(session, start, end)
        overview = budget_overview(  # the Budgets page's call: the same spent (completed days) for the month
            session,
            Period(start, end),
            reporting=reporting,  # plans and totals in the reporting currency, spent day by day
        )
        overdue = overdue_deliverables(session, overview.today)
        campaigns = performance.campaign_performance(session, performance.CampaignFilters(start, end))
        return {
            "overview": overview,
            "per_currency": overview.results.totals(),  # each currency unconverted: the Budgets page's tiles
            "reporting": reporting.currency,
            "missing": reporting.missing,
            "alerts": alerts.build_alerts(overview.pacings, overdue, overview.today),
            "campaigns": campaigns,
        }


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _completed_ads(db: str, start, until) -> dict:
    """The campaigns over the month's completed days (`start` to `until`, yesterday) and their totals per
    currency: what the Campaigns page's table and totals rows show with Dates set to those days, so the
    Overview's conversions, CPA and ROAS are spend and results of the same days (cost per result, as Ads
    Manager). None before the month's first day is over."""
    if until < start:
        return {"campaigns": None, "totals": {}}
    with session_scope() as session:
        campaigns = performance.campaign_performance(session, performance.CampaignFilters(start, until))
    totals = performance.currency_totals(campaigns)
    return {"campaigns": campaigns, "totals": {row["currency"]: row for row in totals.to_dict("records")}}


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
totals = {t.currency: t for t in month["per_currency"]}
if spend.empty and not totals:
    st.info(_("No ad spend recorded this month yet."))
# One set of days for every tile: the month's completed days (today's partial day is not in yet).
until = min(end, today() - dt.timedelta(days=1))
ads = _completed_ads(db_key(), start, until)
if until < start:
    st.caption(_("No day of this month is over yet: spend, conversions, CPA and ROAS start tomorrow."))
else:
    st.caption(
        _(
            "Spend, conversions, CPA and ROAS are over the completed days, {start} to {until} (today's partial "
            "day is left out). CPA is ad spend over conversions of those days, as the Campaigns page shows "
            "with Dates set to them.",
            start=date_text(start),
            until=date_text(until),
        )
    )
recognised = month["overview"].fees_recognised()  # the Budgets page's "Spent" of programs (influencers.fees)
currencies = sorted(set(spend["currency"]) | set(totals) | set(recognised))
for cur in currencies:
    total = totals.get(cur)
    spent = total.actual if total is not None else Decimal(0)  # completed days: the Budgets page's "Spent"
    fees = recognised.get(cur, Decimal(0))
    day_totals = ads["totals"].get(cur)  # the Campaigns page's "Total {currency}" row for the completed days
    st.markdown(f"**{cur}**")
    a, b, c, d, e = st.columns(5)
    tile(a, _("Spend ({currency})", currency=cur), spent, cur)
    a.caption(_("{ads} ads, {fees} influencer fees recognised", ads=money(spent - fees, cur), fees=money(fees, cur)))
    conversions = day_totals["conversions"] if day_totals is not None else (None if until < start else 0)
    number_tile(b, _("Conversions ({currency} accounts)", currency=cur), conversions)
    # CPA and ROAS: spend and conversions of the same completed days (`_completed_ads`); ROAS "—" without value
    # tracked (`performance.shown_roas`).
    cpa = day_totals["cpa"] if day_totals is not None else None
    tile(c, _("CPA ({currency})", currency=cur), cpa, cur)
    number_tile(d, _("ROAS ({currency})", currency=cur), day_totals["roas"] if day_totals is not None else None, 2)
    budget_used_tile(e, _("Budget used ({currency})", currency=cur), total, cur)

converted = converted_totals(month["overview"].totals, month["reporting"])
if len(currencies) > 1 or (currencies and currencies[0] != month["reporting"]):
    reporting = month["reporting"]
    st.markdown(_("**All currencies in {currency}**", currency=reporting))
    a, _b = st.columns([2, 3])  # wide enough for its label ("Anggaran terpakai, semua mata uang dalam IDR")
    label = _("Budget used, all currencies in {currency}", currency=reporting)
    if converted is None:  # a rate is missing: no figure that reads as "nothing spent"
        a.metric(label, "—")
        for message in fx.missing_rate_messages(month["missing"])[:3]:
            a.caption(message_text(message))
    else:
        budget_used_tile(a, label, converted, reporting)

counts = summary["counts"]
a, b, c = st.columns(3)
a.metric(_("Ad accounts"), number(counts["accounts"]))
b.metric(_("Campaigns"), number(counts["campaigns"]))
c.metric(_("Influencers"), number(summary["influencers"]))

ranked = ads["campaigns"].copy() if ads["campaigns"] is not None else pd.DataFrame()
if not ranked.empty:
    # ROAS compares campaigns across currencies; campaigns without conversion value rank by CPA in Campaigns
    # (the caption under the tables says how many).
    ranked["label"] = campaign_labels(ranked)  # over every campaign of the month, before the top and bottom five
    ranked = ranked[ranked["spend"] > 0]
    # only campaigns with a ROAS are ranked by it: one without conversion value (leads, awareness) shows "—",
    # and at the bottom it would read as the worst of the month
    has_roas = ranked["roas"].map(lambda v: not is_missing(v)).astype(bool)
    unranked = int((~has_roas).sum())
    ranked = ranked.loc[has_roas].copy()  # a boolean mask: an empty month keeps its columns
    ranked["roas_sort"] = [float(v) for v in ranked["roas"]]
    ranked = ranked.sort_values(["roas_sort", "spend"], ascending=[False, False])

    def _rank_table(frame, key: str) -> None:
        # ROAS, what the table ranks by, right after the campaign: in view beside the widest label, never only
        # after scrolling sideways
        shown = pd.DataFrame(
            {
                _("Campaign"): list(frame["label"]),
                _("ROAS"): ["—" if v is None else number(v, 2) for v in frame["roas"]],
                _("Spend"): [money(v, c) for v, c in zip(frame["spend"], frame["currency"], strict=True)],
                _("Conversions"): [number(v) for v in frame["conversions"]],
                _("CPA"): [money_or_blank(v, c) for v, c in zip(frame["cpa"], frame["currency"], strict=True)],
            }
        )
        # sized to the longest cell: a campaign's label (its account and platform id) is never cut; one table
        # per row (the page's width), so the figures beside the label are in view
        st.dataframe(shown, hide_index=True, key=key, column_config=amount_columns(shown, (_("Campaign"), _("Spend"))))

    st.subheader(_("Top campaigns by ROAS"))
    if ranked.empty:
        st.caption(_("No campaign tracks a conversion value this month, so none has a ROAS to rank."))
    else:
        _rank_table(ranked.head(5), "overview_top")
        st.subheader(_("Bottom campaigns by ROAS"))
        _rank_table(ranked.tail(5).iloc[::-1], "overview_bottom")
    if unranked:
        st.caption(
            _(
                "{count} campaign(s) with spend track no conversion value (leads, awareness) and are not ranked by "
                "ROAS: compare them by CPA on the Campaigns page.",
                count=number(unranked),
            )
        )

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
