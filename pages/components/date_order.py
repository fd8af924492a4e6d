"""The "Date order" select of an import page: shown only when a file's numeric dates read both ways and neither
its values nor its language say which (`db.parse.decide_date_order`, `DateOrder.needs_choice`), as the Programs
page's promo code import and the Exports page's FX rates import offer it (`pages.components.file_choice`)."""

from __future__ import annotations

from db.errors import N_
from db.parse import DateOrderCode
from pages.components.file_choice import file_choice_select

# The date orders a file whose numeric dates read both ways may be read in (`db.parse.DATE_ORDERS`, in order).
DATE_ORDER_LABELS: dict[DateOrderCode, str] = {
    "dmy": N_("Day/month/year (03/11/2026 is 3 November 2026)"),
    "mdy": N_("Month/day/year (03/11/2026 is March 11, 2026)"),
}


def date_order_select(needed: bool, *, key: str, help: str) -> DateOrderCode | None:
    """The person's date order, from a "Date order" select shown only when `needed`: None until they choose, and
    always None when not `needed` (nothing shown). `help` says where to check a date they know."""
    return file_choice_select(
        needed,
        N_("Date order"),
        DATE_ORDER_LABELS,
        placeholder=N_("Choose how the file writes its dates"),
        key=key,
        help=help,
    )
