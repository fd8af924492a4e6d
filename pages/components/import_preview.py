"""The preview table of an imported file (Ads Manager and the TikTok, Google Ads and LinkedIn reports alike): headers
in the user's language, amounts as money and counts as numbers in their locale, days as real dates shown in the
user's language (`table_dates`), and each row numbered by its line in the file, as the rejected rows are."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from campaigns.number_rule import NumberRule
from db.engine import session_scope
from db.errors import DomainError, FieldErrors
from db.roles import PermissionDenied
from pages.components.data import day_values
from pages.components.i18n import _
from pages.components.inputs import error_text, message_text
from pages.components.money import amount_columns, money_column, number_column
from pages.components.table_dates import dated_table

T = TypeVar("T")

MONEY = ("spend", "conversion_value")
COUNTS = ("impressions", "clicks")
DAYS = ("start", "end", "date")


def preview_frame(table: list[dict], currency: str, labels: dict[str, str]) -> pd.DataFrame:
    """`table` (one dict per row, the keys of `labels` in order) as people read it; `labels`: code -> N_ text."""
    frame = pd.DataFrame(table, columns=list(labels))
    currencies = [currency] * len(frame)
    for column in MONEY:
        if column in labels:
            frame[column] = money_column(frame[column], currencies)
    for column in COUNTS:
        if column in labels:
            frame[column] = number_column(frame[column])
    if "conversions" in labels:
        whole = all(Decimal(v) == Decimal(v).to_integral_value() for v in frame["conversions"])
        frame["conversions"] = number_column(frame["conversions"], 0 if whole else 2)
    for column in DAYS:
        if column in labels:
            frame[column] = day_values(frame[column]).set_axis(frame.index)  # real days: the preview sorts by date
    return frame.rename(columns={code: _(text) for code, text in labels.items()})


def show_preview(table: list[dict], currency: str, labels: dict[str, str], key: str) -> None:
    """The preview table on the page, each amount column wide enough for its longest amount."""
    shown = preview_frame(table, currency, labels)
    money_labels = [_(labels[c]) for c in MONEY if c in labels]
    dated_table(shown, amount_columns(shown, money_labels), key=key)


def number_convention_caption(numbers: NumberRule | None) -> None:
    """Say which decimal mark an imported file's figures were read with, and why (results, promo sales, FX rates)."""
    if numbers is not None:
        st.caption(message_text(numbers.read_with()))


def dry_run(run: Callable[[Any], T]) -> T | None:
    """An import's dry run for its preview, in a session of its own; a refusal is shown in the user's words (each
    field's reason, or the one error) and gives None."""
    try:
        with session_scope() as session:
            return run(session)
    except FieldErrors as exc:
        for reason in exc.messages.values():
            st.error(message_text(reason))
    except (DomainError, PermissionDenied) as exc:
        st.error(error_text(exc))
    return None
