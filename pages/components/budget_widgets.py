"""Budget widgets shared by the Overview, Budgets and Campaigns pages: status labels and the alert list."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import streamlit as st

from campaigns.alerts import Alert
from pages.components.i18n import _
from pages.components.money import money

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
    for key in MONEY_KEYS:
        if key in values and values[key] is not None:
            values[key] = money(values[key], values["currency"])
    return _(alert.template, **values)


def render_alerts(alerts: Sequence[Alert], *, limit: int | None = None) -> None:
    """Alerts as coloured boxes, most severe first; says so when there is nothing to look at."""
    if not alerts:
        st.success(_("No budget alerts: every plan is on pace and every deliverable is on time."))
        return
    shown = alerts if limit is None else alerts[:limit]
    lines = []
    for alert in shown:
        badge = BADGES.get(alert.severity, ":blue-badge[{label}]").format(label=kind_label(alert.kind))
        lines.append(f"- {badge} {_escape(alert_text(alert))}")
    st.markdown("\n".join(lines))
    if limit is not None and len(alerts) > limit:
        st.caption(_("{count} more alerts on the Budgets page.", count=len(alerts) - limit))
