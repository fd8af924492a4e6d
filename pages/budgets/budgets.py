"""Budgets: planned, spent, projected and remaining per period, pacing, alerts, plans and approvals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from budgets import alerts
from budgets.changes import MetaPush, approve_change, change_history, open_changes, propose_change, reject_change
from budgets.charts import pacing_chart
from budgets.errors import BudgetError
from budgets.overview import BudgetOverview, budget_overview
from budgets.plans import TARGET_PLAN, plan_scopes, set_plan
from campaigns import performance
from db.calendar import Period
from db.engine import session_scope
from db.errors import Message
from db.money import CurrencyError, currency_code
from db.roles import PermissionDenied
from db.settings import get_setting
from finance import fx
from influencers.queries import overdue_deliverables
from pages.components.auth import require_page
from pages.components.budget_widgets import flag_label, money_or_blank, render_alerts, status_label, tile
from pages.components.data import CACHE_TTL, clear_caches, db_key, today, when_text
from pages.components.empty import empty_state
from pages.components.finance_exports import workspace_finance
from pages.components.i18n import _, current_language, date_text, month_text
from pages.components.inputs import amount_input, error_text, message_text
from pages.components.money import money
from pages.components.terms import SCOPE_LABELS, label, term

actor = require_page("budgets")
st.title(_("Budgets"))
st.caption(_("Planned, spent and projected spend for paid ads and influencer fees, with pacing alerts."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _overview(db: str, start: dt.date, end: dt.date) -> dict:
    period = Period(start, end)
    with session_scope() as session:
        currency = fx.reporting_currency(session)
        overview = budget_overview(
            session, period, converter=fx.converter(session, start, end), reporting_currency=currency
        )
        overdue = overdue_deliverables(session, overview.today)
        plan_ids = [p.scope.plan_id for p in overview.pacings if p.scope.plan_id]
        return {
            "overview": overview,
            "alerts": alerts.build_alerts(overview.pacings, overdue, overview.today),
            "open": open_changes(session),
            "history": change_history(session, plan_ids=plan_ids),
            "scopes": plan_scopes(session),
            "push_enabled": bool(get_setting(session, "meta_budget_push")),
        }


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _campaign_days(db: str, campaign_id: int, start: dt.date, end: dt.date) -> pd.DataFrame:
    with session_scope() as session:
        return performance.daily_series(session, campaign_id, start, end)


def scope_named(note: Message) -> Message:
    """A pacing note with its `channel:meta_ads` scope key written as the channel's label."""
    scope = str(note.params.get("scope", ""))
    kind, _sep, code = scope.partition(":")
    if kind != "channel":
        return note
    return Message(note.text, {**note.params, "scope": label("ledger_channel", code)})


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _table_view(db: str, language: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The formatted plans-and-pacing table, cached (formatting thousands of amounts is the slow part)."""
    rows = []
    for p in _overview(db, start, end)["overview"].pacings:
        s = p.scope
        rows.append(
            {
                _("Type"): term(SCOPE_LABELS, s.scope_type),
                _("Name"): label("ledger_channel", s.name) if s.scope_type == "channel" else s.name,
                _("Currency"): s.currency,
                _("Planned"): money_or_blank(p.planned, s.currency),
                _("Meta budget"): money_or_blank(p.meta_budget, s.currency),
                _("Committed"): money_or_blank(s.committed or None, s.currency),
                _("Spent"): money(s.actual, s.currency),
                _("Expected to date"): money_or_blank(p.expected_to_date, s.currency),
                _("Projected"): money(p.projected, s.currency),
                _("Remaining"): money_or_blank(p.remaining, s.currency),
                _("Status"): status_label(p.status),
                _("Flags"): ", ".join(flag_label(f) for f in p.flags),
            }
        )
    return pd.DataFrame(rows)


def _month_options(around: dt.date) -> list[dt.date]:
    first = around.replace(day=1)
    months = []
    for offset in range(-11, 3):
        index = first.month - 1 + offset
        months.append(dt.date(first.year + index // 12, index % 12 + 1, 1))
    return months


def meta_budget_push() -> MetaPush | None:
    """The Meta adapter's budget update (campaign, field, amount) -> Meta's answer."""
    from campaigns.meta_connection import push_campaign_budget

    return push_campaign_budget


def _write(action, success: str) -> None:
    """Run one write in its own unit of work; domain errors become a message, never a traceback."""
    try:
        with session_scope() as session:
            action(session)
    except (BudgetError, PermissionDenied) as exc:
        st.session_state["budgets_flash"] = ("error", error_text(exc))
    else:
        st.session_state["budgets_flash"] = ("success", success)
        clear_caches()


# Period selector: a month or a custom range.
now = today()
k1, k2 = st.columns([1, 2])
kind = k1.segmented_control(
    _("Period"),
    ["month", "custom"],
    default="month",
    format_func=lambda v: _("Month") if v == "month" else _("Custom dates"),
    key="budgets_period_kind",
)
if kind == "custom":
    chosen = k2.date_input(
        _("From and to"), value=(now.replace(day=1), now), key="budgets_custom_period", format="YYYY-MM-DD"
    )
    if not (isinstance(chosen, tuple) and len(chosen) == 2):
        st.info(_("Pick the last day of the period too."))
        st.stop()
    period = Period(chosen[0], chosen[1])
else:
    months = _month_options(now)
    month = k2.selectbox(
        _("Month"),
        months,
        index=months.index(now.replace(day=1)),
        format_func=month_text,
        key="budgets_month",
    )
    period = Period.month_of(month)

data = _overview(db_key(), period.start, period.end)
overview: BudgetOverview = data["overview"]
flash = st.session_state.pop("budgets_flash", None)
if flash:
    (st.error if flash[0] == "error" else st.success)(flash[1])

if not overview.pacings and not data["open"]:
    empty_state(
        _("Budget plans per month for campaigns, programs and channels appear here with their pacing."),
        extra=_("Sync or import campaigns first, then set a plan per campaign or program below."),
    )

st.caption(
    _(
        "{start} to {end}. Pacing counts completed days in each ad account's time zone (today is {today}).",
        start=date_text(period.start),
        end=date_text(period.end),
        today=date_text(overview.today),
    )
)

# Tiles per currency: campaigns and programs (channel and account plans overlap them).
for totals in overview.totals:
    cur = totals.currency
    st.markdown(f"**{cur}**")
    t1, t2, t3, t4 = st.columns(4)
    tile(t1, _("Planned ({currency})", currency=cur), totals.planned, cur)
    tile(t2, _("Spent ({currency})", currency=cur), totals.actual, cur)
    tile(t3, _("Projected ({currency})", currency=cur), totals.projected, cur)
    tile(t4, _("Remaining ({currency})", currency=cur), totals.remaining, cur)
    extra = []
    if totals.committed:
        extra.append(_("{amount} committed to influencers", amount=money(totals.committed, cur)))
    if totals.unplanned_actual:
        extra.append(_("{amount} spent without a plan", amount=money(totals.unplanned_actual, cur)))
    if extra:
        st.caption("; ".join(extra))
for note in overview.notes:
    st.caption(message_text(scope_named(note)))

# Pacing chart for one currency, all campaigns and programs in it or one scope.
if overview.totals:
    st.subheader(_("Pacing"))
    c1, c2 = st.columns([1, 3])
    currencies = [t.currency for t in overview.totals]
    chart_currency = c1.selectbox(_("Currency"), currencies, key="budgets_chart_currency")
    in_currency = [
        p
        for p in overview.pacings
        if p.scope.currency == chart_currency and p.scope.scope_type in ("campaign", "program")
    ]
    scope_labels = {"": _("All campaigns and programs in {currency}", currency=chart_currency)}
    scope_labels.update({p.scope.scope_key: p.scope.name for p in in_currency if p.scope.scope_type == "campaign"})
    chart_scope = c2.selectbox(_("Scope"), list(scope_labels), format_func=scope_labels.get, key="budgets_chart_scope")
    if chart_scope:
        chosen = next(p for p in in_currency if p.scope.scope_key == chart_scope)
        days = _campaign_days(db_key(), chosen.scope.campaign_id, period.start, period.end)
        daily = days[["date", "spend"]] if not days.empty else pd.DataFrame(columns=["date", "spend"])
        planned, rate, chart_today = (
            chosen.planned,
            chosen.daily_rate if chosen.scope.accruing else Decimal(0),
            (chosen.scope.today),
        )
    else:
        daily = pd.DataFrame([d for d in overview.daily if d["currency"] == chart_currency], columns=["date", "spend"])
        planned = sum((p.planned or Decimal(0) for p in in_currency), Decimal(0)) or None
        rate = sum((p.daily_rate for p in in_currency if p.scope.accruing), Decimal(0))
        chart_today = overview.today
    st.altair_chart(
        pacing_chart(daily, planned, period.start, period.end, chart_today, rate, chart_currency),
        key="budgets_pacing_chart",
    )
    st.caption(_("Solid: actual cumulative spend. Grey dashes: even pacing to the plan. Orange dashes: projection."))

# The table with flags.
st.subheader(_("Plans and pacing"))
if overview.pacings:
    table = _table_view(db_key(), current_language(), period.start, period.end)
    st.dataframe(table, hide_index=True, width="stretch", key="budgets_table")
else:
    st.info(_("No plan, spend or commitment in this period yet."))

st.subheader(_("Alerts"))
render_alerts(data["alerts"], key="budgets_alerts")

# Approvals.
st.subheader(_("Proposed changes"))
if not data["open"]:
    st.caption(_("No budget change is waiting for a decision."))
for change in data["open"]:
    with st.container(border=True):
        st.markdown(
            _(
                "**{scope}** {period}: {old} → {new}. Proposed by {who} on {when}: {reason}",
                scope=change["scope_key"],
                period=change["period"],
                old=money_or_blank(change["old_amount"], change["currency"]) or "-",
                new=money(change["new_amount"], change["currency"]),
                who=change["proposed_by"],
                when=when_text(change["proposed_at"]),
                reason=change["reason"],
            )
        )
        if actor.can("budget.approve"):
            cid = change["id"]
            note = st.text_input(_("Decision note"), key=f"budgets_note_{cid}")
            pushes = change["target"] != TARGET_PLAN and change["push_to_meta"] and data["push_enabled"]
            confirmed = True
            if pushes:
                confirmed = st.checkbox(
                    _(
                        "Push {amount} to the Meta campaign now",
                        amount=money(change["new_amount"], change["currency"]),
                    ),
                    key=f"budgets_push_confirm_{cid}",
                )
            a, b = st.columns(2)
            if a.button(_("Approve"), key=f"budgets_approve_{cid}", type="primary", disabled=not confirmed):
                _write(
                    lambda s, cid=cid, note=note: approve_change(s, actor, cid, note=note, push=meta_budget_push()),
                    _("Change approved and applied to the plan.")
                    if change["target"] == TARGET_PLAN
                    else _("Change approved; see the Meta push result in the history."),
                )
                st.rerun()
            if b.button(_("Reject"), key=f"budgets_reject_{cid}"):
                _write(
                    lambda s, cid=cid, note=note: reject_change(s, actor, cid, note=note),
                    _("Change rejected."),
                )
                st.rerun()

plans_in_period = [p for p in overview.pacings if p.scope.plan_id]
if actor.can("budget.propose") and plans_in_period:
    with st.expander(_("Propose a plan change"), expanded=False):
        plan_labels = {
            p.scope.plan_id: f"{p.scope.name} ({money_or_blank(p.planned, p.scope.currency)})" for p in plans_in_period
        }
        plan_id = st.selectbox(_("Plan"), list(plan_labels), format_func=plan_labels.get, key="budgets_propose_plan")
        plan_currency = next(p.scope.currency for p in plans_in_period if p.scope.plan_id == plan_id)
        amount = amount_input(_("New amount"), plan_currency, key="budgets_propose_amount")
        reason = st.text_area(_("Why"), key="budgets_propose_reason")
        if st.button(_("Propose change"), key="budgets_propose_submit"):
            if amount is not None:
                _write(
                    lambda s: propose_change(s, actor, plan_id=plan_id, new_amount=amount, reason=reason),
                    _("Change proposed; a manager will approve or reject it."),
                )
                st.rerun()
            elif not (st.session_state.get("budgets_propose_amount") or "").strip():
                st.error(_("Type the new amount first."))

if actor.can("budget.plan"):
    with st.expander(_("Set a plan for this period"), expanded=False):
        kinds = {"campaign": _("Campaign"), "program": _("Program"), "channel": _("Channel")}
        scopes = {
            key: f"{kinds[kind]}: {label('ledger_channel', name) if kind == 'channel' else name} ({cur or '-'})"
            for key, kind, name, cur in data["scopes"]
        }
        scope_currency = {key: cur for key, _kind, _name, cur in data["scopes"]}
        scope_key = st.selectbox(_("For"), list(scopes), format_func=scopes.get, key="budgets_plan_scope")
        p1, p2 = st.columns([2, 1])
        currency = scope_currency.get(scope_key)
        if currency is None:  # channel plans: the currency is chosen, and checked against ISO 4217
            typed = p2.text_input(
                _("Currency (channels only)"),
                value=workspace_finance(db_key())["reporting_currency"],
                key="budgets_plan_currency",
            )
            try:
                currency = currency_code(typed)
            except CurrencyError as exc:
                p2.error(error_text(exc), icon=":material/error:")
        else:
            p2.text_input(_("Currency"), value=currency, disabled=True, key="budgets_plan_scope_currency")
        amount = (
            amount_input(_("Planned amount"), currency, key="budgets_plan_amount", container=p1) if currency else None
        )
        reason = st.text_input(_("Why"), key="budgets_plan_reason")
        if st.button(_("Save plan"), key="budgets_plan_submit", type="primary"):
            if amount is not None:
                _write(
                    lambda s: set_plan(s, actor, scope_key, period, amount, reason=reason, currency=currency),
                    _("Plan saved."),
                )
                st.rerun()
            elif currency and not (st.session_state.get("budgets_plan_amount") or "").strip():
                st.error(_("Type the planned amount first."))

st.subheader(_("Change history"))
history = data["history"]
if history:
    st.dataframe(
        pd.DataFrame(
            {
                _("When"): [when_text(h["proposed_at"]) for h in history],
                _("Scope"): [h["scope_key"] for h in history],
                _("Old"): [money_or_blank(h["old_amount"], h["currency"]) for h in history],
                _("New"): [money(h["new_amount"], h["currency"]) for h in history],
                _("Why"): [h["reason"] for h in history],
                _("Proposed by"): [h["proposed_by"] for h in history],
                _("Status"): [label("budget_change_status", h["status"]) for h in history],
                _("Decided by"): [h["decided_by"] or "" for h in history],
                _("Decided"): [when_text(h["decided_at"]) for h in history],
                _("Note"): [h["decision_note"] or "" for h in history],
            }
        ),
        hide_index=True,
        width="stretch",
        key="budgets_history",
    )
else:
    st.caption(_("No plan in this period has been changed yet."))
