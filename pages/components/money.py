"""Money and number formatting for pages, in the current user's locale."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from db.money import (
    format_compact,
    format_compact_number,
    format_money,
    format_money_column,
    format_number,
    format_number_column,
)
from pages.components.i18n import current_locale


def money(amount: Decimal | int | None, currency: str) -> str:
    """`Rp1.250.000` / `$1,250.00` for the current language."""
    return format_money(amount, currency, current_locale())


def number(value: Decimal | int | float | None, digits: int = 0) -> str:
    return format_number(value, current_locale(), digits)


def money_column(amounts: Iterable[Decimal | int | None], currencies: Iterable[str]) -> list[str]:
    """`money` for a table column, each amount in its row's currency (blank for None): the same text."""
    return format_money_column(amounts, currencies, current_locale())


def number_column(values: Iterable[Decimal | int | float | None], digits: int = 0) -> list[str]:
    """`number` for a table column (blank for None): the same text."""
    return format_number_column(values, current_locale(), digits)


def compact_money(amount: Decimal | int, currency: str) -> str:
    """`Rp14,1 jt` / `IDR14.1M`: for tiles where the full amount would not fit (show the full one in help)."""
    return format_compact(amount, currency, current_locale())


def compact_number(value: Decimal | int) -> str:
    """`1,2 jt` / `1.2M`: for tiles where the full count would not fit (show the full one in help)."""
    return format_compact_number(value, current_locale())


def amount_columns(frame, columns) -> dict:
    """`column_config` sizing text amount columns to their longest value, so no amount is cut in a cell."""
    import streamlit as st

    config = {}
    for column in columns:
        if column in frame.columns and len(frame):
            longest = max([len(str(column))] + [len(str(v)) for v in frame[column]])
            width = "small" if longest <= 8 else "medium" if longest <= 18 else "large"
            config[column] = st.column_config.TextColumn(column, width=width)
    return config
