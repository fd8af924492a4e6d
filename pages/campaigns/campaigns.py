"""Campaigns: every campaign's spend, results, budget and pacing; spend vs conversions; one campaign's detail."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from budgets.campaign_page import campaign_page_data
from budgets.changes import TARGET_META_DAILY, TARGET_META_LIFETIME, change_history, propose_change
from budgets.errors import BudgetError
from budgets.overview import campaign_statuses
from campaigns import charts, performance
from db.calendar import Period, default_range
from db.engine import session_scope
from db.roles import PermissionDenied
from db.settings import get_setting
from finance import fx
from finance import reporting as reporting_totals
from pages.components.auth import require_page
from pages.components.budget_widgets import money_or_blank, number_tile, status_label, tile
from pages.components.campaign_names import campaign_labels
from pages.components.charts import chart
from pages.components.conversion_editor import conversion_editor
from pages.components.data import CACHE_TTL, clear_caches, db_key, display_copy, month_bounds, today, when_text
from pages.components.empty import empty_state
from pages.components.i18n import _, current_language, current_locale, date_text, picker_format
from pages.components.inputs import error_text
from pages.components.money import amount_columns, money, money_column, number, number_column
from pages.components.objective_picker import objective_filter
from pages.components.table_dates import dated_table
from pages.components.terms import ad_platform_label, label, label_column, labelled

actor = require_page("campaigns")
st.title(_("Campaigns"))
st.caption(_("Spend, results, budget and pacing per campaign, in each account's currency."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _options(db: str) -> dict:
    with session_scope() as session:
        return performance.filter_options(session)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _pacing_statuses(db: str, start, end) -> dict[int, str]:
    with session_scope() as session:
        return campaign_statuses(session, Period(start, end))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _page_data(db: str, query: tuple, month: tuple) -> tuple[pd.DataFrame, dict[int, str]]:
    """The table for the filters in `query` and each campaign's pacing status for `month`, read side by side
    (`budgets.campaign_page`); the statuses keep their own cache, so a change of filters reads the table alone."""
    with session_scope() as session:
        return campaign_page_data(
            session, performance.CampaignFilters(*query), Period(*month), statuses=lambda: _pacing_statuses(db, *month)
        )


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _detail(db: str, campaign_id: int, since, until) -> dict:
    with session_scope() as session:
        return {
            "daily": performance.daily_series(session, campaign_id, since, until),
            "adsets": performance.ad_set_breakdown(session, campaign_id, since, until),
            "provenance": performance.provenance(session, campaign_id),
            "history": change_history(session, campaign_id=campaign_id),
            "push_enabled": bool(get_setting(session, "meta_budget_push")),
        }


def _pacing_column(ids, statuses: dict[int, str]) -> list[str]:
    """The pacing status of each campaign id in words (blank without one), each status looked up once."""
    words = {status: status_label(status) for status in set(statuses.values())}
    return [words.get(statuses.get(i), "") for i in ids]


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _in_reporting(db: str, since, until) -> tuple[str, dict[int, tuple]]:
    """The reporting currency and, per campaign with days in the period, its spend and conversion value in it:
    each day converted as the exports write it (`finance.reporting`), one query for the period, cached."""
    with session_scope() as session:
        reporting = fx.reporting_currency(session)
        convert = reporting_totals.day_converter(session, since, until, reporting, pivot=reporting)
        return reporting, reporting_totals.campaign_spend_in(session, since, until, convert)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _totals(db: str, query: tuple, month: tuple, ids: tuple[int, ...]) -> tuple[str, pd.DataFrame]:
    """The reporting currency and the totals per currency of the campaigns shown (`ids`; every one when empty):
    the reporting-currency row adds the campaigns' converted days, so it equals the campaign-daily export's
    `spend_reporting` summed over the same campaigns and days."""
    rows = _page_data(db, query, month)[0]
    reporting, in_reporting = _in_reporting(db, query[0], query[1])
    shown = rows[rows["id"].isin(ids)] if ids else rows
    return reporting, performance.currency_totals(shown, reporting_currency=reporting, in_reporting=in_reporting)


options = _options(db_key())
if not options["accounts"]:
    empty_state(_("This page lists your Meta campaigns with spend and conversions once they are synced or imported."))
    st.stop()

month_start, month_end = month_bounds(today())
account_names = {a[0]: f"{a[1]} ({a[2]})" for a in options["accounts"]}
with st.container(border=True):
    p, a, b, c = st.columns([1, 2, 1, 1])
    chosen_platforms = p.multiselect(
        _("Platform"),
        options["platforms"],
        format_func=ad_platform_label,
        key="campaigns_platforms",
        placeholder=_("All"),
    )
    chosen_accounts = a.multiselect(
        _("Ad account"),
        list(account_names),
        format_func=account_names.get,
        key="campaigns_accounts",
        placeholder=_("All"),
    )
    chosen_statuses = b.multiselect(
        _("Status"),
        options["statuses"],
        key="campaigns_statuses",
        format_func=lambda c: label("campaign_status", c),
        placeholder=_("All"),
    )
    chosen_objectives = objective_filter(c, options["objectives"], key="campaigns_objectives")
    d, e = st.columns([1, 2])
    opening = default_range(today())
    period = d.date_input(
        _("Dates"), value=(opening.start, opening.end), key="campaigns_period", format=picker_format()
    )
    search = e.text_input(_("Search campaign names"), key="campaigns_search", placeholder=_("e.g. Payday"))
with st.expander(
    _("Conversion definitions: what counts as a conversion"), expanded="conv_def_flash" in st.session_state
):
    conversion_editor(actor, account_names, list(chosen_accounts))
if isinstance(period, tuple) and len(period) == 2:
    since, until = period
elif isinstance(period, tuple) and period:
    since = until = period[0]
else:
    since, until = default_range(today()).start, default_range(today()).end

query = (
    since,
    until,
    tuple(chosen_accounts),
    tuple(chosen_statuses),
    tuple(chosen_objectives),
    search,
    tuple(chosen_platforms),
)
table, statuses = _page_data(db_key(), query, (month_start, month_end))
if table.empty:
    st.info(_("No campaign matches these filters. Clear a filter or widen the dates."))
    st.stop()
table["pacing"] = _pacing_column(table["id"], statuses)

# Spend vs conversions: one scatter per currency (amounts in different currencies are not comparable).
st.subheader(_("Spend vs conversions"))
currencies = sorted(table["currency"].unique())
s1, s2 = st.columns([1, 1])
scatter_currency = s1.segmented_control(
    _("Currency"), currencies, default=currencies[0], key="campaigns_scatter_currency"
)
colour = s2.segmented_control(
    _("Colour by"),
    ["account", "objective"],
    default="account",
    format_func=lambda v: _("Account") if v == "account" else _("Objective"),
    key="campaigns_scatter_colour",
)
scatter_currency = scatter_currency or currencies[0]
in_currency = table[table["currency"] == scatter_currency]
event = chart(
    charts.scatter_chart,
    labelled(in_currency, {"objective": "objective"}),
    scatter_currency,
    colour or "account",
    locale=current_locale(),
    on_select="rerun",
    selection_mode=[charts.PICK, charts.AREA],
    key=f"campaigns_scatter_{scatter_currency}",
)
st.caption(_("Dashed lines are equal cost per acquisition. Click campaigns or drag an area to filter the table below."))
selected_ids: set[int] = set()
selection = getattr(event, "selection", None) or {}
for point in selection.get(charts.PICK) or []:
    if "id" in point:
        selected_ids.add(int(point["id"]))
area = selection.get(charts.AREA) or {}
if area.get("spend") and area.get("conversions"):
    (x0, x1), (y0, y1) = area["spend"], area["conversions"]
    for row in in_currency.itertuples():
        if x0 <= float(row.spend) <= x1 and y0 <= float(row.conversions) <= y1:
            selected_ids.add(int(row.id))
shown = table[table["id"].isin(selected_ids)] if selected_ids else table
if selected_ids:
    st.info(_("Showing the {count} campaigns selected in the chart.", count=len(shown)))


def _budget_column(rows: pd.DataFrame) -> list[str]:
    """Each campaign's Meta budget in words (`Rp1.250.000 daily (campaign)`), blank without one."""
    template = _("{amount} {kind} ({level})")
    daily, lifetime, campaign, ad_sets = _("daily"), _("lifetime"), _("campaign"), _("ad sets")
    budgets, kinds, levels = rows["budget"], rows["budget_type"], rows["budget_level"]
    amounts = money_column([None if k is None else b for b, k in zip(budgets, kinds, strict=True)], rows["currency"])
    return [
        ""
        if budget is None or kind is None
        else template.format(
            amount=amount,
            kind=daily if kind == "daily" else lifetime,
            level=campaign if level == "campaign" else ad_sets,
        )
        for amount, budget, kind, level in zip(amounts, budgets, kinds, levels, strict=True)
    ]


NO_VALUE = "—"  # ROAS without any conversion value tracked (`performance.shown_roas`), as Ads Manager shows it


def totals_label(currency: str, converted: bool) -> str:
    """A totals row's name: `Total USD` per currency, `All currencies in IDR (converted)` for the reporting
    currency's row, so nobody adds the rows up."""
    if converted:
        return _("All currencies in {currency} (converted)", currency=currency)
    return _("Total {currency}", currency=currency)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _view(db: str, language: str, query: tuple, month: tuple) -> pd.DataFrame:
    """The formatted table for these filters, cached: formatting thousands of amounts is the slow part."""
    rows, statuses = _page_data(db, query, month)
    currencies, ctr = rows["currency"], rows["ctr"]
    return pd.DataFrame(
        {
            "id": rows["id"],
            _("Platform"): label_column("ad_platform", rows["platform"]),
            _("Account"): rows["account"],
            _("Campaign"): campaign_labels(rows),
            _("Status"): label_column("campaign_status", rows["status"]),
            _("Objective"): label_column("objective", rows["objective"]),
            _("Spend"): money_column(rows["spend"], currencies),
            _("Impressions"): number_column(rows["impressions"]),
            _("Clicks"): number_column(rows["clicks"]),
            _("CTR"): ["" if v is None else f"{text}%" for v, text in zip(ctr, number_column(ctr, 2), strict=True)],
            _("Conversions"): number_column(rows["conversions"]),
            _("CPA"): money_column(rows["cpa"], currencies),
            _("Conversion value"): money_column(rows["conversion_value"], currencies),
            _("ROAS"): [
                NO_VALUE if v is None else t for v, t in zip(rows["roas"], number_column(rows["roas"], 2), strict=True)
            ],
            _("Budget"): _budget_column(rows),
            _("Pacing (this month)"): _pacing_column(rows["id"], statuses),
        }
    )


view = _view(db_key(), current_language(), query, (month_start, month_end))
if selected_ids:
    view = view[view["id"].isin(selected_ids)]
st.subheader(_("Campaigns from {since} to {until}", since=date_text(since), until=date_text(until)))
picked = st.dataframe(
    view,
    column_order=[c for c in view.columns if c != "id"],
    hide_index=True,
    width="stretch",
    key="campaigns_table",
    on_select="rerun",
    selection_mode="single-row",
    # sized to the longest cell: a campaign's label (its account and platform id) and amounts are never cut
    column_config=amount_columns(
        view, (_("Campaign"), _("Spend"), _("CPA"), _("Conversion value"), _("Budget"), _("ROAS"))
    ),
)

reporting, totals = _totals(db_key(), query, (month_start, month_end), tuple(sorted(selected_ids)))
st.caption(
    _(
        "Totals per currency, and in the reporting currency ({currency}) when FX rates cover every currency.",
        currency=reporting,
    )
)
st.dataframe(
    pd.DataFrame(
        {
            _("Totals"): [
                totals_label(c, bool(v)) for c, v in zip(totals["currency"], totals["converted"], strict=True)
            ],
            _("Campaigns"): totals["campaigns"],
            _("Spend"): [money(v, c) for v, c in zip(totals["spend"], totals["currency"], strict=True)],
            _("Conversions"): [number(v) for v in totals["conversions"]],
            _("CPA"): [money_or_blank(v, c) for v, c in zip(totals["cpa"], totals["currency"], strict=True)],
            _("Conversion value"): [
                money(v, c) for v, c in zip(totals["conversion_value"], totals["currency"], strict=True)
            ],
            _("ROAS"): [NO_VALUE if v is None else number(v, 2) for v in totals["roas"]],
        }
    ),
    hide_index=True,
    key="campaigns_totals",
)

# Detail: the row picked in the table, else the selectbox.
names = dict(zip(table["id"].astype(int), campaign_labels(table), strict=True))  # over every campaign listed
labels = {int(i): names[int(i)] for i in shown["id"]}
rows = getattr(getattr(picked, "selection", None), "rows", None) or []
default_id = int(shown.iloc[rows[0]]["id"]) if rows else None
choice = st.selectbox(
    _("Campaign detail"),
    list(labels),
    index=list(labels).index(default_id) if default_id in labels else None,
    format_func=labels.get,
    placeholder=_("Pick a campaign (or a table row) to see its days, ad sets and sources"),
    key="campaigns_detail",
)
if choice is None:
    st.stop()

campaign = shown[shown["id"] == choice].iloc[0]
currency = campaign["currency"]
detail = _detail(db_key(), int(choice), since, until)
st.header(names[int(choice)])
# Four number tiles (a fifth cut Rp103.228 at 1280 px); pacing is a status in words, a line under them.
m1, m2, m3, m4 = st.columns(4)
tile(m1, _("Spend"), campaign["spend"], currency)
number_tile(m2, _("Conversions"), campaign["conversions"])
if campaign["cpa"] is None:
    m3.metric(_("CPA"), "—")
else:
    tile(m3, _("CPA"), campaign["cpa"], currency)
number_tile(m4, _("ROAS"), campaign["roas"], 2)
st.markdown(_("**Pacing this month:** {status}", status=campaign["pacing"] or "—"))

daily = detail["daily"]
if daily.empty:
    st.info(_("No daily figures for this campaign in these dates."))
else:
    st.subheader(_("Spend vs conversions per day"))
    chart(charts.spend_conversions_chart, daily, currency, key="campaigns_detail_daily")
    st.caption(_("Drag across the bars to highlight a range of days."))
    st.subheader(_("CPA and ROAS"))
    chart(charts.cpa_roas_chart, daily, currency, key="campaigns_detail_trend")

adsets = detail["adsets"]
st.subheader(_("Ad sets"))
if adsets.empty:
    st.info(_("This campaign has no ad sets stored."))
else:
    st.dataframe(
        pd.DataFrame(
            {
                _("Ad set"): adsets["name"],
                _("Status"): [label("campaign_status", v) for v in adsets["status"]],
                _("Daily budget"): [money_or_blank(v, currency) for v in adsets["daily_budget"]],
                _("Lifetime budget"): [money_or_blank(v, currency) for v in adsets["lifetime_budget"]],
                _("Spend"): [money(v, currency) for v in adsets["spend"]],
                _("Conversions"): [number(v) for v in adsets["conversions"]],
                _("CPA"): [money_or_blank(v, currency) for v in adsets["cpa"]],
                _("ROAS"): [NO_VALUE if v is None else number(v, 2) for v in adsets["roas"]],
            }
        ),
        hide_index=True,
        key="campaigns_detail_adsets",
    )

source = detail["provenance"]
st.subheader(_("Where these numbers come from"))
definition = {
    "campaign_override": _("set for this campaign"),
    "account_default": _("the ad account's default"),
    "objective_default": _("the default for the campaign's objective"),
    "none": _("none: this objective has no default conversion event"),
}[source.definition]
events = ", ".join(source.events) or _("nothing counts as a conversion")
lines = [
    _("Source: {source}.", source=label("sync_kind", source.source)),
    _("Conversions counted: {events} ({definition}).", events=events, definition=definition),
]
if source.last_synced_at:
    lines.append(_("Last synced: {at}.", at=when_text(source.last_synced_at)))
if source.last_run:
    kind, status, at = source.last_run
    lines.append(
        _(
            "Last run: {kind}, {status}, {at}.",
            kind=label("sync_kind", kind),
            status=label("sync_status", status),
            at=when_text(at),
        )
    )
provisional = [d for d in (daily["date"] if not daily.empty else []) if d >= source.provisional_from]
if provisional:
    lines.append(
        _(
            "Days from {start} on are provisional: Meta may still restate them (its {days}-day window, "
            "in the account's time zone {tz}). {count} of the days shown are provisional.",
            start=date_text(source.provisional_from),
            days=source.restatement_days,
            tz=source.timezone_name,
            count=len(provisional),
        )
    )
else:
    lines.append(_("Every day shown is older than Meta's {days}-day restatement window.", days=source.restatement_days))
st.markdown("\n".join(f"- {line}" for line in lines))

st.subheader(_("Budget changes"))
history = detail["history"]
if history:
    changes = display_copy(
        pd.DataFrame(
            {
                _("When"): [h["proposed_at"] for h in history],
                _("What"): [label("budget_target", h["target"]) for h in history],
                _("Old"): [money_or_blank(h["old_amount"], h["currency"]) for h in history],
                _("New"): [money(h["new_amount"], h["currency"]) for h in history],
                _("Why"): [h["reason"] for h in history],
                _("Proposed by"): [h["proposed_by"] for h in history],
                _("Status"): [label("budget_change_status", h["status"]) for h in history],
                _("Decided by"): [h["decided_by"] or "" for h in history],
                _("Meta push"): [h["meta_push_status"] or "" for h in history],
            }
        ),
        times=(_("When"),),
    )
    dated_table(changes, key="campaigns_detail_history")
else:
    st.caption(_("No budget changes recorded for this campaign."))

# Proposing a new Meta budget is only offered when pushing budgets to Meta is switched on.
if detail["push_enabled"] and actor.can("budget.propose") and campaign["budget_level"] == "campaign":
    with st.expander(_("Propose a new Meta budget for this campaign")):
        target = TARGET_META_DAILY if campaign["budget_type"] == "daily" else TARGET_META_LIFETIME
        amount = st.text_input(
            _("New {kind} budget ({currency})", kind=campaign["budget_type"], currency=currency),
            key="campaigns_meta_amount",
        )
        reason = st.text_input(_("Why"), key="campaigns_meta_reason")
        confirm = st.checkbox(_("Push it to Meta once a manager approves it"), key="campaigns_meta_push_confirm")
        if st.button(_("Propose"), key="campaigns_meta_propose"):
            try:
                with session_scope() as session:
                    propose_change(
                        session,
                        actor,
                        campaign_id=int(choice),
                        target=target,
                        new_amount=amount,
                        reason=reason,
                        push_to_meta=confirm,
                    )
            except (BudgetError, PermissionDenied) as exc:
                st.error(error_text(exc))
            else:
                clear_caches()
                st.success(_("Proposed. A manager approves it on the Budgets page."))
