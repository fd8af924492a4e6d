"""Vega's number and time locale for the user's language: the d3-format / d3-time-format definitions that
Vega-Lite's `config.locale` takes, with month and day names and the decimal and group symbols from Babel's CLDR
data, so chart axes and tooltips read "1.250.000" and "1 Des" in Bahasa Indonesia, "1,250,000" and "Dec 1" in
English (docs/i18n.md)."""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

_SUNDAY_FIRST = (6, 0, 1, 2, 3, 4, 5)  # CLDR numbers Monday 0; d3 lists Sunday first
# Date and time patterns in d3's notation (CLDR's own patterns use another syntax): day-month-year and a 24-hour
# clock with dots in Indonesia, month-day-year and a 12-hour clock in the United States.
_PATTERNS = {
    "id": ("%d/%m/%Y", "%H.%M.%S"),
    "en": ("%m/%d/%Y", "%I:%M:%S %p"),
}


@cache
def vega_locale(babel_locale: str) -> dict[str, Any]:
    """`{"number": ..., "time": ...}` for `config.locale` of a Vega-Lite spec in `babel_locale` (e.g. "id_ID")."""
    locale = Locale.parse(babel_locale)
    days, months = locale.days["format"], locale.months["format"]
    periods = locale.day_periods["format"]["abbreviated"]
    date, time = _PATTERNS.get(locale.language, _PATTERNS["en"])
    return {
        "number": {
            "decimal": get_decimal_symbol(locale),
            "thousands": get_group_symbol(locale),
            "grouping": [3],
            "currency": ["", ""],  # amounts carry their currency in the axis title, never a "$"
        },
        "time": {
            "dateTime": f"%a, %e %b %Y {time}",
            "date": date,
            "time": time,
            "periods": [periods["am"], periods["pm"]],
            "days": [days["wide"][d] for d in _SUNDAY_FIRST],
            "shortDays": [days["abbreviated"][d] for d in _SUNDAY_FIRST],
            "months": [months["wide"][m] for m in range(1, 13)],
            "shortMonths": [months["abbreviated"][m] for m in range(1, 13)],
        },
    }


def with_locale(spec: dict[str, Any], babel_locale: str) -> dict[str, Any]:
    """`spec` with its `config.locale` set to `babel_locale`'s (the spec's other settings kept)."""
    config = dict(spec.get("config") or {})
    config["locale"] = vega_locale(babel_locale)
    return {**spec, "config": config}
