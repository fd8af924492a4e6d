"""Budgets: planned, spent, projected and remaining per period, pacing, alerts, plans and approvals."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from budgets import alerts
from budgets.changes import (
    MetaPush,
    approval_refusal,
    approve_change,
    change_history,
    open_changes,
    propose_change,
    reject_change,
)
from budgets.charts import pacing_chart
from budgets.overview import BudgetOverview, CurrencyTotals, budget_overview
from budgets.plans import TARGET_PLAN, plan_members, plan_scopes, set_mix_plan, set_plan
from campaigns import performance
from campaigns.queries import campaign_identities
from db.calendar import Period, default_range
from db.engine import session_scope
from db.errors import DomainError, Message
from db.money import CurrencyError, currency_code
from db.roles import PermissionDenied, is_one_person
from db.settings import get_setting
from finance import fx
from finance import reporting as reporting_totals
from influencers.queries import overdue_deliverables
from pages.components.auth import require_page
from pages.components.budget_widgets import (
    change_description,
    converted_totals,
    flag_label,
    money_or_blank,
    remaining_amount,
    render_alerts,
    scope_text,
    status_label,
    tile,
)
from pages.components.campaign_names import campaign_label_list
from pages.components.charts import chart
from pages.components.data import CACHE_TTL, clear_caches, db_key, display_copy, today
from pages.components.empty import empty_state
from pages.components.finance_exports import workspace_finance
from pages.components.i18n import _, current_language, current_locale, date_text, month_text, picker_format
from pages.components.inputs import DATABASE_FAILED, amount_input, error_text, message_text
from pages.components.money import money, money_column
from pages.components.table_dates import dated_table
from pages.components.terms import SCOPE_LABELS, ad_platform_label, label, scope_name, term
from pages.components.text_notices import removed_notices, show_notices

actor = require_page("budgets")
st.title(_("Budgets"))
st.caption(_("Planned, spent and projected spend for paid ads and influencer fees, with pacing alerts."))


def _campaign_names(session, results) -> dict[str, str]:
    """Scope key -> the campaign's label (`campaign_names`: same-named campaigns told apart) for campaign rows."""
    rows = [i for i in range(len(results)) if results.scope_type[i] == "campaign" and results.campaign_id[i]]
    ids = [int(results.campaign_id[i]) for i in rows]
    known = campaign_identities(session, ids)
    labels = campaign_label_list(
        [str(results.name[i]) for i in rows],
        [known.get(cid, ("", None))[0] for cid in ids],
        [known.get(cid, ("", None))[1] for cid in ids],
        ids,
    )
    return {str(results.scope_key[i]): label for i, label in zip(rows, labels, strict=True)}


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _overview(db: str, start: dt.date, end: dt.date) -> dict:
    period = Period(start, end)
    with session_scope() as session:
        # The reporting currency's scan starts beside the overview's reads; its converters are made when needed.
        reporting = reporting_totals.LateReporting(session, start, end)
        overview = budget_overview(
            session,
            period,
            reporting=reporting,  # plans and totals in the reporting currency, spent day by day
        )
        overdue = overdue_deliverables(session, overview.today)
        results, verdicts = overview.results, overview.results.verdicts
        plan_ids = [i for i in results.plan_id.tolist() if i]
        alerting = alerts.alerting_rows(verdicts.status.tolist(), results.actual.tolist(), verdicts.ends_early())
        return {
            "overview": overview,
            "alerts": alerts.build_alerts(results.pacings(alerting), overdue, overview.today),
            "open": open_changes(session),
            "history": change_history(session, plan_ids=plan_ids),
            "scopes": plan_scopes(session),
            "members": plan_members(session),
            "push_enabled": bool(get_setting(session, "meta_budget_push")),
            "reporting_currency": reporting.currency,
            "missing": reporting.missing,
            "campaign_names": _campaign_names(session, results),
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
    return Message(note.text, {**note.params, "scope": scope_name(kind, code)})


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _table_view(db: str, language: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The formatted plans-and-pacing table, cached (formatting thousands of amounts is the slow part), from the
    overview's result columns (`budgets.overview.PacingResults`)."""
    data = _overview(db, start, end)
    overview: BudgetOverview = data["overview"]
    r, names = overview.results, data["campaign_names"]
    v = r.verdicts
    types, currencies = r.scope_type.tolist(), r.currency.tolist()

    def amounts(column) -> list[str]:  # blank where a scope has none (the table's money columns, a column at once)
        return money_column(column.tolist(), currencies)

    columns = {
        _("Type"): [term(SCOPE_LABELS, t) for t in types],
        _("Name"): [
            names.get(k) or scope_name(t, n)
            for t, n, k in zip(types, r.name.tolist(), r.scope_key.tolist(), strict=True)
        ],
        _("Currency"): currencies,
        _("Planned"): amounts(r.planned),
        _("Platform budget"): amounts(v.meta_budget),  # Meta, TikTok, ... campaign budget
        _("Committed"): money_column([a or None for a in r.committed.tolist()], currencies),
        _("Spent"): amounts(r.actual),
        _("Expected to date"): amounts(v.expected_to_date),
        _("Projected"): amounts(v.projected),
        _("Remaining"): amounts(v.remaining),
        _("Status"): [status_label(s) for s in v.status.tolist()],
        _("Flags"): [", ".join(flag_label(f) for f in flags) for flags in v.flags()],
    }
    if overview.ended:  # nothing more can be spent: the spend is final, and fees not recognised say so
        columns = _ended_columns(columns, amounts(overview.unrecognised_column()))
    return pd.DataFrame(columns)


def _ended_columns(columns: dict[str, list[str]], unrecognised: list[str]) -> dict[str, list[str]]:
    """The table's columns for an ended period: "Final" instead of "Projected" (it equals the spent), no "Expected
    to date" (the whole plan), and the fees committed but not recognised in the period after "Committed"."""
    out: dict[str, list[str]] = {}
    for name, values in columns.items():
        if name == _("Expected to date"):
            continue
        out[_("Final") if name == _("Projected") else name] = values
        if name == _("Committed"):
            out[_("Committed, not recognised in the period")] = unrecognised
    return out


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


def _write(action, success: str, typed: Mapping[str, object] | None = None) -> None:
    """Run one write in its own unit of work; domain errors become a message, never a traceback. `typed` (a
    field's label -> what was typed) is what the save cleaned: what it removed is said with the success."""
    try:
        with session_scope() as session:
            action(session)
    except (DomainError, PermissionDenied) as exc:  # a BudgetError, or a ConflictError from a concurrent save
        st.session_state["budgets_flash"] = ("error", error_text(exc))
    except SQLAlchemyError:  # the database's own words never reach a person
        st.session_state["budgets_flash"] = ("error", _(DATABASE_FAILED))
    else:
        st.session_state["budgets_flash"] = ("success", success, removed_notices(typed or {}))
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
    opening = default_range(now)
    chosen = k2.date_input(
        _("From and to"), value=(opening.start, opening.end), key="budgets_custom_period", format=picker_format()
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
        format_func=functools.partial(month_text, locale=current_locale()),  # the language of this run
        key="budgets_month",
    )
    period = Period.month_of(month)

data = _overview(db_key(), period.start, period.end)
overview: BudgetOverview = data["overview"]
flash = st.session_state.pop("budgets_flash", None)
if flash:
    (st.error if flash[0] == "error" else st.success)(flash[1])
    show_notices(flash[2] if len(flash) > 2 else None)

results = overview.results
if not len(results) and not data["open"]:
    empty_state(
        _("Budget plans per month for campaigns, programs and channels appear here with their pacing."),
        extra=_("Sync or import campaigns first, then set a plan per campaign or program below."),
    )

ended = overview.ended  # the period is over: figures are final, no projection (docs/budgets.md)
if ended:
    st.caption(
        _(
            "{start} to {end}. This period has ended (today is {today}): its spend is final and nothing more can "
            "be spent in it.",
            start=date_text(period.start),
            end=date_text(period.end),
            today=date_text(overview.today),
        )
    )
else:
    st.caption(
        _(
            "{start} to {end}. Pacing counts completed days in each ad account's time zone (today is {today}).",
            start=date_text(period.start),
            end=date_text(period.end),
            today=date_text(overview.today),
        )
    )

# One currency and one scope drive the tiles and the chart together: every currency the workspace's campaigns and
# programs use, each in its own money (default: the reporting currency); campaigns and programs only (channel and
# account plans overlap them).
reporting = data["reporting_currency"]
row_types, row_currencies, row_keys = results.scope_type, results.currency, results.scope_key
paced = np.isin(row_types, ["campaign", "program"])
currencies = sorted({cur for _key, _kind, _name, cur in data["scopes"] if cur} | set(row_currencies[paced].tolist()))
currencies = [reporting, *[c for c in currencies if c != reporting]]
c1, c2 = st.columns([1, 3])
chart_currency = c1.selectbox(_("Currency"), currencies, key="budgets_chart_currency")
in_currency = results.rows(paced & (row_currencies == chart_currency))
scope_labels = {"": _("All campaigns and programs in {currency}", currency=chart_currency)}
campaign_names = data["campaign_names"]  # same-named campaigns told apart, as in the table
scope_labels.update(
    {row_keys[i]: campaign_names.get(row_keys[i], results.name[i]) for i in in_currency if row_types[i] == "campaign"}
)
chart_scope = c2.selectbox(_("Scope"), list(scope_labels), format_func=scope_labels.get, key="budgets_chart_scope")
chosen = next((i for i in in_currency if row_keys[i] == chart_scope), None)
selected = [chosen] if chosen is not None else in_currency
totals = next(iter(results.totals(selected)), CurrencyTotals(chart_currency))
cur = chart_currency
t1, t2, t3, t4 = st.columns(4)
third = _("Final ({currency})", currency=cur) if ended else _("Projected ({currency})", currency=cur)
if not selected:  # nothing of its own in this currency (often the reporting currency): no 0 that reads as "nothing"
    tile(t1, _("Planned ({currency})", currency=cur), None, cur)
    tile(t2, _("Spent ({currency})", currency=cur), None, cur)
    tile(t3, third, None, cur)
    tile(t4, _("Remaining ({currency})", currency=cur), None, cur)
    st.caption(_("No campaign or program is in {currency} in this period.", currency=cur))
    if cur == reporting:
        for message in fx.missing_rate_messages(data["missing"])[:3]:
            st.caption(message_text(message))
else:
    tile(t1, _("Planned ({currency})", currency=cur), totals.planned if totals.plans else None, cur)
    tile(t2, _("Spent ({currency})", currency=cur), totals.actual, cur)
    tile(t3, third, totals.projected, cur)
    tile(t4, _("Remaining ({currency})", currency=cur), remaining_amount(totals), cur)
    if not totals.plans:
        st.caption(_("No plan in {currency} for these scopes: nothing is planned, so nothing remains.", currency=cur))
extra = []
unrecognised = overview.unrecognised_total(selected) if ended else Decimal(0)
if unrecognised:  # an ended period: committed fees it did not recognise are not in its final figure
    extra.append(_("{amount} committed to influencers, not recognised in the period", amount=money(unrecognised, cur)))
elif totals.committed and not ended:
    extra.append(_("{amount} committed to influencers", amount=money(totals.committed, cur)))
if totals.unplanned_actual:
    extra.append(_("{amount} spent without a plan", amount=money(totals.unplanned_actual, cur)))
if extra:
    st.caption("; ".join(extra))
converted = converted_totals(overview.totals, reporting)  # None: a scope stayed in its currency (a missing rate)
several = len(set(row_currencies[paced].tolist())) > 1
if chosen is None and several and converted is None and selected:
    for message in fx.missing_rate_messages(data["missing"])[:3]:
        st.caption(message_text(message))
if chosen is None and converted is not None and several and ended:
    st.caption(
        _(
            "All currencies converted to {currency}: planned {planned}, spent {actual}, final (the period has ended).",
            currency=reporting,
            planned=money(converted.planned, reporting),
            actual=money(converted.actual, reporting),
        )
    )
elif chosen is None and converted is not None and several:
    st.caption(
        _(
            "All currencies converted to {currency}: planned {planned}, spent {actual}, projected {projected}.",
            currency=reporting,
            planned=money(converted.planned, reporting),
            actual=money(converted.actual, reporting),
            projected=money(converted.projected, reporting),
        )
    )
for note in overview.notes:
    st.caption(message_text(scope_named(note)))

rates = results.verdicts.daily_rate
if chosen is not None:
    days = _campaign_days(db_key(), results.campaign_id[chosen], period.start, period.end)
    daily = days[["date", "spend"]] if not days.empty else pd.DataFrame(columns=["date", "spend"])
    planned = results.planned[chosen]
    rate = rates[chosen] if results.accruing[chosen] else Decimal(0)
    chart_today = results.today[chosen]
else:
    daily = pd.DataFrame([d for d in overview.daily if d["currency"] == chart_currency], columns=["date", "spend"])
    planned = sum((results.planned[i] or Decimal(0) for i in in_currency), Decimal(0)) or None
    rate = sum((rates[i] for i in in_currency if results.accruing[i]), Decimal(0))
    chart_today = overview.today
st.subheader(_("Pacing"))
chart(
    pacing_chart,
    daily,
    planned,
    period.start,
    period.end,
    chart_today,
    rate,
    chart_currency,
    key="budgets_pacing_chart",
)

# The table with flags.
st.subheader(_("Plans and pacing"))
if len(results):
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
if data["open"] and actor.can("budget.approve") and is_one_person(actor):
    st.caption(_("Local mode: you are the only person using Pantau, so you approve your own proposals."))
for change in data["open"]:
    with st.container(border=True, key=f"budgets_change_{change['id']}"):
        st.markdown(change_description(change))
        refusal = approval_refusal(actor, change["proposed_by"])
        if actor.can("budget.approve"):
            cid = change["id"]
            if refusal is not None:
                st.info(message_text(refusal), icon=":material/group:")
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
            if refusal is None and a.button(
                _("Approve"), key=f"budgets_approve_{cid}", type="primary", disabled=not confirmed
            ):
                _write(
                    lambda s, cid=cid, note=note: approve_change(s, actor, cid, note=note, push=meta_budget_push()),
                    _("Change approved and applied to the plan.")
                    if change["target"] == TARGET_PLAN
                    else _("Change approved; see the Meta push result in the history."),
                    {_("Decision note"): note},
                )
                st.rerun()
            if b.button(_("Reject"), key=f"budgets_reject_{cid}"):
                _write(
                    lambda s, cid=cid, note=note: reject_change(s, actor, cid, note=note),
                    _("Change rejected."),
                    {_("Decision note"): note},
                )
                st.rerun()

plans_in_period = [i for i, plan in enumerate(results.plan_id.tolist()) if plan]
if actor.can("budget.propose") and plans_in_period:
    with st.expander(_("Propose a plan change"), expanded=False):
        plan_labels = {
            results.plan_id[i]: f"{results.name[i]} ({money_or_blank(results.planned[i], results.currency[i])})"
            for i in plans_in_period
        }
        plan_id = st.selectbox(_("Plan"), list(plan_labels), format_func=plan_labels.get, key="budgets_propose_plan")
        plan_currency = next(results.currency[i] for i in plans_in_period if results.plan_id[i] == plan_id)
        amount = amount_input(_("New amount"), plan_currency, key="budgets_propose_amount")
        reason = st.text_area(_("Why"), key="budgets_propose_reason")
        if st.button(_("Propose change"), key="budgets_propose_submit"):
            if amount is not None:
                _write(
                    lambda s: propose_change(s, actor, plan_id=plan_id, new_amount=amount, reason=reason),
                    _("Change proposed; a manager will approve or reject it."),
                    {_("Why"): reason},
                )
                st.rerun()
            elif not (st.session_state.get("budgets_propose_amount") or "").strip():
                st.error(_("Type the new amount first."))

if actor.can("budget.plan"):
    with st.expander(_("Set a plan for this period"), expanded=False):
        kinds = {"campaign": _("Campaign"), "program": _("Program"), "channel": _("Channel")}
        scopes = {
            key: f"{kinds[kind]}: {scope_name(kind, name)} ({cur or '-'})" for key, kind, name, cur in data["scopes"]
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
                    {_("Why"): reason},
                )
                st.rerun()
            elif currency and not (st.session_state.get("budgets_plan_amount") or "").strip():
                st.error(_("Type the planned amount first."))

if actor.can("budget.plan"):
    with st.expander(_("Set a plan across channels"), expanded=False):
        st.caption(
            _(
                "One plan over campaigns of any platform, influencer programs and whole channels (for example "
                "Meta and TikTok campaigns of a launch with its creators). A campaign inside a chosen channel "
                "counts once."
            )
        )
        kinds = {"campaign": _("Campaign"), "program": _("Program"), "channel": _("Channel")}
        member_labels = {}
        for key, kind, name, platform in data["members"]:
            shown = scope_name(kind, name)
            where = f" ({ad_platform_label(platform)})" if platform and kind == "campaign" else ""
            member_labels[key] = f"{kinds[kind]}: {shown}{where}"
        mix_name = st.text_input(_("Plan name"), key="budgets_mix_name")
        mix_members = st.multiselect(
            _("Covers"),
            list(member_labels),
            format_func=member_labels.get,
            key="budgets_mix_members",
            placeholder=_("Choose options"),
        )
        m1, m2 = st.columns([2, 1])
        typed = m2.text_input(
            _("Currency"), value=workspace_finance(db_key())["reporting_currency"], key="budgets_mix_currency"
        )
        mix_currency = None
        try:
            mix_currency = currency_code(typed)
        except CurrencyError as exc:
            m2.error(error_text(exc), icon=":material/error:")
        mix_amount = (
            amount_input(_("Planned amount"), mix_currency, key="budgets_mix_amount", container=m1)
            if mix_currency
            else None
        )
        mix_reason = st.text_input(_("Why"), key="budgets_mix_reason")
        if st.button(_("Save plan"), key="budgets_mix_submit", type="primary") and mix_amount is not None:
            _write(
                lambda s: set_mix_plan(
                    s, actor, mix_name, mix_members, period, mix_amount, currency=mix_currency, reason=mix_reason
                ),
                _("Plan saved."),
                {_("Plan name"): mix_name, _("Why"): mix_reason},
            )
            st.rerun()

st.subheader(_("Change history"))
history = data["history"]
if history:
    changes = display_copy(
        pd.DataFrame(
            {
                _("When"): [h["proposed_at"] for h in history],
                _("Scope"): [scope_text(h) for h in history],
                _("Old"): [money_or_blank(h["old_amount"], h["currency"]) for h in history],
                _("New"): [money(h["new_amount"], h["currency"]) for h in history],
                _("Why"): [h["reason"] for h in history],
                _("Proposed by"): [h["proposed_by"] for h in history],
                _("Decided"): [h["decided_at"] for h in history],
                _("Status"): [label("budget_change_status", h["status"]) for h in history],
                _("Decided by"): [h["decided_by"] or "" for h in history],
                _("Note"): [h["decision_note"] or "" for h in history],
            }
        ),
        times=(_("When"), _("Decided")),
    )
    dated_table(changes, width="stretch", key="budgets_history")
else:
    st.caption(_("No plan in this period has been changed yet."))
