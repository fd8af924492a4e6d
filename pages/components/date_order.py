"""The "Date order" select of an import page: shown only when a file's numeric dates read both ways and neither
its values nor its language say which (`db.parse.decide_date_order`, `DateOrder.needs_choice`), as the Programs
page's promo code import and the Exports page's FX rates import offer it."""

from __future__ import annotations

import streamlit as st

from db.errors import N_
from db.parse import DATE_ORDERS, DateOrderCode
from pages.components.i18n import _

# The date orders a file whose numeric dates read both ways may be read in (`db.parse.DATE_ORDERS`).
DATE_ORDER_LABELS = {
    "dmy": N_("Day/month/year (03/11/2026 is 3 November 2026)"),
    "mdy": N_("Month/day/year (03/11/2026 is March 11, 2026)"),
}


def date_order_select(needed: bool, *, key: str, help: str) -> DateOrderCode | None:
    """The person's date order, from a "Date order" select shown only when `needed`: None until they choose, and
    always None when not `needed` (nothing shown). `help` says where to check a date they know."""
    if not needed:
        return None
    labels = {code: _(text) for code, text in DATE_ORDER_LABELS.items()}
    chosen: DateOrderCode | None = st.selectbox(
        _("Date order"),
        DATE_ORDERS,
        index=None,
        format_func=lambda code: labels[code],
        placeholder=_("Choose how the file writes its dates"),
        help=help,
        key=key,
    )
    return chosen
