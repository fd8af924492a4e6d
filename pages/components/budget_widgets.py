"""Budget widgets shared by the Overview, Budgets and Campaigns pages: status labels and the alert list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import streamlit as st

from budgets.alerts import Alert
from budgets.overview import CurrencyTotals
from pages.components.data import when_text
from pages.components.i18n import _, date_text
from pages.components.metric_fit import TILE_CHARS
from pages.components.money import compact_money, compact_number, money, number
from pages.components.terms import (
    BUDGET_TARGET_LABELS,
    DELIVERABLE_TYPE_LABELS,
    PACING_FLAG_LABELS,
    PACING_LABELS,
    SCOPE_LABELS,
    ad_platform_label,
    platform_label,
    scope_name,
    term,
)

MONEY_KEYS = ("planned", "actual", "projected")
# Markdown badges, not st.error boxes: an alert is about the data, not a failure of the page.
BADGES = {"error": ":red-badge[:material/error: {label}]", "warning": ":orange-badge[:material/warning: {label}]"}


def status_label(status: str | None) -> str:
    """A person's word for a pacing status (pages.components.terms.PACING_LABELS)."""
    return term(PACING_LABELS, status) if status else ""


def flag_label(flag: str) -> str:
    """A person's words for a pacing flag (pages.components.terms.PACING_FLAG_LABELS)."""
    return term(PACING_FLAG_LABELS, flag)


def kind_label(kind: str) -> str:
    labels = {
        "over_pacing": _("Over-pacing"),
        "over_plan": _("Over plan"),
        "budget_exhausted": _("Budget exhausted"),
        "spending_without_plan": _("No plan"),
        "lifetime_ends_early": _("Lifetime budget"),
        "lifetime_spent": _("Lifetime budget spent"),
        "deliverable_overdue": _("Deliverable overdue"),
    }
    return labels.get(kind, kind)


def _escape(text: str) -> str:
    """Keep names from being read as Markdown (brackets, stars, dollar signs)."""
    for char in ("\\", "[", "]", "*", "_", "$", "`", "#", ":"):
        text = text.replace(char, "\\" + char)
    return text


def money_or_blank(amount: Decimal | None, currency: str) -> str:
    return "" if amount is None else money(amount, currency)


def alert_text(alert: Alert) -> str:
    """The alert's message, translated, with its amounts formatted in their currency."""
    values = dict(alert.values)
    for key, value in values.items():
        if isinstance(value, dt.date):
            values[key] = date_text(value)
    if alert.scope_key and "name" in values:  # a channel scope is named by its code (`channel:meta_ads`)
        values["name"] = scope_name(alert.scope_key.partition(":")[0], str(values["name"]))
    if alert.kind == "deliverable_overdue":
        # budgets.alerts writes the status with spaces ("draft submitted"), as the terms list it
        values["status"] = _(str(values.get("status", "")))
        values["type"] = term(DELIVERABLE_TYPE_LABELS, values.get("type"))
        values["platform"] = platform_label(str(values.get("platform", "")))
    for key in MONEY_KEYS:
        if key in values and values[key] is not None:
            values[key] = money(values[key], values["currency"])
    return _(alert.template, **values)


def _lines(alerts: Sequence[Alert]) -> str:
    lines = []
    for alert in alerts:
        badge = BADGES.get(alert.severity, ":blue-badge[{label}]").format(label=kind_label(alert.kind))
        lines.append(f"- {badge} {_escape(alert_text(alert))}")
    return "\n".join(lines)


def render_alerts(alerts: Sequence[Alert], *, limit: int | None = None, key: str = "alerts") -> None:
    """Alerts as a badge list, budget alerts first. With `limit`, the rest are counted; without it,
    overdue deliverables beyond the first five fold into an expander."""
    if not alerts:
        st.success(_("No budget alerts: every plan is on pace and every deliverable is on time."))
        return
    if limit is not None:
        st.markdown(_lines(alerts[:limit]))
        if len(alerts) > limit:
            st.caption(_("{count} more alerts on the Budgets page.", count=len(alerts) - limit))
        return
    budget = [a for a in alerts if a.kind != "deliverable_overdue"]
    deliverables = [a for a in alerts if a.kind == "deliverable_overdue"]
    st.markdown(_lines(budget + deliverables[:5]))
    if len(deliverables) > 5:
        with st.expander(_("{count} more overdue deliverables", count=len(deliverables) - 5), key=f"{key}_more"):
            st.markdown(_lines(deliverables[5:]))


NO_FIGURE = "—"  # a tile without a figure (no plan, a missing rate): never a 0 that reads as "nothing spent"


def tile(column, label: str, amount: Decimal | None, currency: str) -> None:
    """A metric tile: the full amount when it fits (`metric_fit.TILE_CHARS` characters, which every tile holds
    on any screen), else the compact form (`Rp14,1 jt`) with the exact amount in help; "—" for None (no
    figure: say why in a caption)."""
    if amount is None:
        column.metric(label, NO_FIGURE)
        return
    full = money(amount, currency)
    if len(full) <= TILE_CHARS:
        column.metric(label, full)
    else:
        column.metric(label, compact_money(amount, currency), help=full)


def converted_totals(totals: Sequence[CurrencyTotals], reporting: str) -> CurrencyTotals | None:
    """The all-currencies total in the reporting currency from `budget_overview`'s (converted) totals, or None
    when a scope stayed in its own currency (a rate is missing: `finance.fx.missing_rate_messages` says which)."""
    if not totals:
        return CurrencyTotals(reporting)
    if len(totals) == 1 and totals[0].currency == reporting:
        return totals[0]
    return None


def remaining_amount(total: CurrencyTotals | None) -> Decimal | None:
    """THE remaining of a tile: the planned scopes' plan minus their spent; None (shown "—") without a plan."""
    return None if total is None or not total.plans else total.remaining


def budget_used_tile(column, label: str, total: CurrencyTotals | None, currency: str) -> None:
    """Budget used: the planned scopes' spent over their plan (spend without a plan is said apart), with what is
    left; "—" when nothing in the currency has a plan."""
    if total is None or not total.plans or not total.planned:
        column.metric(label, NO_FIGURE)
        column.caption(_("No plan this month."))
        return
    spent = total.actual - total.unplanned_actual
    column.metric(label, f"{number(spent / total.planned * 100, 0)}%")
    column.caption(
        _(
            "{spent} of {planned} planned; {remaining} remaining",
            spent=money(spent, currency),
            planned=money(total.planned, currency),
            remaining=money(total.remaining, currency),
        )
    )
    if total.unplanned_actual:
        column.caption(_("{amount} spent without a plan", amount=money(total.unplanned_actual, currency)))


def number_tile(column, label: str, value: Decimal | int | None, digits: int = 0) -> None:
    """A metric tile for a count or ratio: in full when it fits (`metric_fit.TILE_CHARS`), else compact
    (`1,2 jt`) with the full one in help; "—" when there is no value."""
    if value is None:
        column.metric(label, "—")
        return
    full = number(value, digits)
    if len(full) <= TILE_CHARS:
        column.metric(label, full)
    else:
        column.metric(label, compact_number(value), help=full)


def scope_text(change: dict) -> str:
    """What a budget change is about, in words: `Campaign "ID | Payday" on Kopi ID (Meta)`."""
    kind = change.get("scope_type") or ""
    name = scope_name(kind, change.get("scope_name") or change.get("scope_key") or "")
    label = _(SCOPE_LABELS[kind]).capitalize() if kind in SCOPE_LABELS else ""
    text = f"{label} “{name}”" if label else f"“{name}”"
    if kind == "campaign" and change.get("account_name"):
        text = _(
            "{scope} on {account} ({platform})",
            scope=text,
            account=change["account_name"],
            platform=ad_platform_label(change.get("platform")),
        )
    return text


def change_description(change: dict) -> str:
    """A budget proposal as a manager reads it (Markdown, names escaped): what, which period, old -> new in its
    currency, who proposed it, when and why."""
    old = money_or_blank(change["old_amount"], change["currency"]) or "—"
    target = term(BUDGET_TARGET_LABELS, change["target"]).capitalize()
    new = money(change["new_amount"], change["currency"])
    lines = [
        scope_text(change),
        _(
            "{target} for {start} – {end}: {old} → {new}",
            target=target,
            start=date_text(change.get("period_start")),
            end=date_text(change.get("period_end")),
            old=old,
            new=new,
        )
        if change.get("period_start")
        else _(
            "{target}: {old} → {new}",
            target=target,
            old=old,
            new=new,
        ),
        _(
            "Proposed by {who} on {when}. Why: {reason}",
            who=change["proposed_by"],
            when=when_text(change["proposed_at"]),
            reason=change["reason"],
        ),
    ]
    # Escaped whole: names and reasons are data, and two "$" amounts on a line would read as a formula.
    escaped = [_escape(line) for line in lines]
    return "  \n".join([f"**{escaped[0]}**", *escaped[1:]])
