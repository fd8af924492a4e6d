"""Money and number formatting for pages, in the current user's locale."""

from __future__ import annotations

from decimal import Decimal

from db.money import format_money, format_number
from pages.components.i18n import current_locale


def money(amount: Decimal | int | None, currency: str) -> str:
    """`Rp1.250.000` / `$1,250.00` for the current language."""
    return format_money(amount, currency, current_locale())


def number(value: Decimal | int | float | None, digits: int = 0) -> str:
    return format_number(value, current_locale(), digits)
