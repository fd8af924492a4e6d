"""Budget widgets shared by the Overview, Budgets and Campaigns pages: status labels and the alert list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import streamlit as st
from babel.dates import format_datetime, get_date_format, get_datetime_format, get_time_format
from babel.numbers import format_compact_currency

from budgets.alerts import Alert
from db.calendar import zone
from pages.components.data import workspace_zone
from pages.components.i18n import N_, _, current_locale, date_text
from pages.components.money import money
from pages.components.terms import DELIVERABLE_TYPE_LABELS, SCOPE_LABELS, ad_platform_label, platform_label, term

MONEY_KEYS = ("planned", "actual", "projected")
# Markdown badges, not st.error boxes: an alert is about the data, not a failure of the page.
BADGES = {"error": ":red-badge[:material/error: {label}]", "warning": ":orange-badge[:material/warning: {label}]"}


def status_label(status: str | None) -> str:
    """A person's word for a pacing status."""
    labels = {
        "on_track": _("On track"),
        "under_pacing": _("Under-pacing"),
        "over_pacing": _("Over-pacing"),
        "exhausted": _("Exhausted"),
        "no_plan": _("No plan"),
        "too_early": _("Too early to tell"),
    }
    return labels.get(status or "", "")


def flag_label(flag: str) -> str:
    labels = {
        "stopped": _("stopped (paused or ended)"),
        "lifetime_ends_early": _("lifetime budget ends early"),
        "spending_without_plan": _("spending without a plan"),
    }
    return labels.get(flag, flag)


def kind_label(kind: str) -> str:
    labels = {
        "over_pacing": _("Over-pacing"),
        "budget_exhausted": _("Budget exhausted"),
        "spending_without_plan": _("No plan"),
        "lifetime_ends_early": _("Lifetime budget"),
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


def tile(column, label: str, amount: Decimal, currency: str, fits: int = 13) -> None:
    """A metric tile: the full amount when it fits (`fits` characters: 13 in a row of four tiles, about
    10 in a row of five), else the compact form with the exact one in help."""
    full = money(amount, currency)
    if len(full) <= fits:
        column.metric(label, full)
    else:
        column.metric(label, compact_money(amount, currency), help=full)


def compact_money(amount: Decimal, currency: str) -> str:
    """`IDR665.3M` for tiles where a full rupiah amount would not fit (the exact amount goes in help)."""
    return format_compact_currency(amount, currency, locale=current_locale(), fraction_digits=1)


# budgets.plans.CHANNELS: the budget channels a plan can cover
BUDGET_CHANNEL_LABELS = {
    "meta_ads": N_("Paid ads"),
    "influencer_fees": N_("Influencer fees"),
    "product_seeding": N_("Product seeding"),
}
# budgets.changes targets: what a proposal changes
CHANGE_TARGET_LABELS = {
    "plan": N_("plan amount"),
    "meta_daily_budget": N_("Meta daily budget"),
    "meta_lifetime_budget": N_("Meta lifetime budget"),
}


def moment_text(moment: dt.datetime | None) -> str:
    """A timestamp in the workspace time zone, in the user's locale (`Nov 27, 2026, 9:05 AM`, `27 Nov 2026,
    09.05`); "" for None."""
    if moment is None:
        return ""
    locale = current_locale()
    pattern = (
        get_datetime_format("medium", locale=locale)
        .replace("{1}", get_date_format("medium", locale=locale).pattern)
        .replace("{0}", get_time_format("short", locale=locale).pattern)
    )
    return format_datetime(moment, pattern, tzinfo=zone(workspace_zone()), locale=locale)


def scope_text(change: dict) -> str:
    """What a budget change is about, in words: `Campaign "ID | Payday" on Kopi ID (Meta)`."""
    kind = change.get("scope_type") or ""
    name = change.get("scope_name") or change.get("scope_key") or ""
    if kind == "channel":
        name = term(BUDGET_CHANNEL_LABELS, name)
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
    target = _(CHANGE_TARGET_LABELS.get(change["target"], change["target"])).capitalize()
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
            when=moment_text(change["proposed_at"]),
            reason=change["reason"],
        ),
    ]
    # Escaped whole: names and reasons are data, and two "$" amounts on a line would read as a formula.
    escaped = [_escape(line) for line in lines]
    return "  \n".join([f"**{escaped[0]}**", *escaped[1:]])
