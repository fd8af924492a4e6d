"""Currency codes (ISO 4217), precision, rounding and locale-aware money formatting (Babel)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    list_currencies,
    parse_pattern,
)

from db.errors import N_, DomainError

# Currencies shown and exported without decimals. CLDR gives IDR two digits, but rupiah amounts
# are never written with cents in practice (and Meta treats these as offset-1 currencies).
ZERO_DECIMAL = frozenset({"CLP", "COP", "CRC", "HUF", "IDR", "ISK", "JPY", "KRW", "PYG", "TWD", "VND"})


# amount, from currency, to currency, day -> the amount in the target currency (None: no rate known). Finance's FX
# rate book provides one; domain code below finance takes it as a parameter.
Converter = Callable[[Decimal, str, str, dt.date], Decimal | None]

# ISO 4217 codes as CLDR (Babel) lists them, without the ones that are not money: precious metals, SDRs,
# bond-market units and the testing / "no currency" codes.
NOT_MONEY = frozenset({"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"})
CURRENCY_CODES = frozenset(code for code in list_currencies() if len(code) == 3 and code not in NOT_MONEY)


class CurrencyError(DomainError):
    """A currency code that is not ISO 4217."""


def is_currency(code: object) -> bool:
    """True for an ISO 4217 money code (`IDR`, `usd`); False for `XYZ`, `XAU`, blanks and non-strings."""
    return isinstance(code, str) and code.strip().upper() in CURRENCY_CODES


def currency_code(value: object) -> str:
    """`value` as an upper-case ISO 4217 code, or a CurrencyError naming it (the one check every form uses)."""
    text = value.strip().upper() if isinstance(value, str) else ""
    if not text:
        raise CurrencyError(N_("A currency code is required (ISO 4217, e.g. IDR or USD)."))
    if text not in CURRENCY_CODES:
        raise CurrencyError(
            N_("{code} is not an ISO 4217 currency code (e.g. IDR, USD, SGD)."), code=str(value).strip()
        )
    return text


def precision(currency: str) -> int:
    """Number of decimals for `currency` (IDR 0, USD 2, BHD 3)."""
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    return get_currency_precision(code)


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round `amount` half-up to the currency's precision."""
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return value.quantize(Decimal(1).scaleb(-precision(currency)), rounding=ROUND_HALF_UP)


def plain(amount: Decimal | int | str | None, currency: str) -> str:
    """The export form: plain decimal at the currency's precision, `.` separator, no grouping."""
    if amount is None:
        return ""
    return f"{quantize(amount, currency):f}"


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@cache
def _pattern(fmt: str) -> NumberPattern:
    return parse_pattern(fmt)


@cache
def _symbol(code: str, locale: str) -> str:
    return get_currency_symbol(code, locale=locale)


def format_money(amount: Decimal | int | None, currency: str, locale: str = "en_US") -> str:
    """For people: `Rp1.250.000` in id_ID, `$1,250.00` in en_US; blank for None.

    A table formats thousands of amounts per run: the locale, the pattern and the symbol are looked up once
    (Babel's own `format_decimal` parses both on every call; the same `apply` runs either way)."""
    if amount is None:
        return ""
    code = currency.upper()
    value = quantize(amount, code)
    if precision(code) == 0:
        # CLDR keeps two decimals for IDR; build the zero-decimal form from Babel's parts.
        number = _pattern("#,##0").apply(abs(value), _locale(locale))
        sign = "-" if value < 0 else ""
        return f"{sign}{_symbol(code, locale)}{number}"
    return format_currency(value, code, locale=_locale(locale))


def format_number(value: Decimal | int | float | None, locale: str = "en_US", digits: int = 0) -> str:
    """A grouped number for people (counts, ratios)."""
    if value is None:
        return ""
    fmt = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return _pattern(fmt).apply(value, _locale(locale))


# Below this the compact form would not be shorter, so the exact amount is shown.
COMPACT_FROM = 1000


def format_compact(amount: Decimal | int, currency: str, locale: str = "en_US") -> str:
    """Short form for tiles and narrow cells: `Rp14,1 jt`, `Rp1,2 M` (miliar) in id_ID; `IDR14.1M`, `$1.2K` in en_US.

    One decimal of its unit (CLDR compact patterns via Babel), so it is rounded: show `format_money(amount, ...)`
    beside it (help or tooltip). Amounts below 1,000 come back exact, as `format_money` writes them.
    """
    code = currency_code(currency)
    value = quantize(amount, code)
    if abs(value) < COMPACT_FROM:
        return format_money(value, code, locale)
    return format_compact_currency(value, code, locale=locale, fraction_digits=1)


def format_compact_number(value: Decimal | int, locale: str = "en_US") -> str:
    """Short form of a count for tiles: `1,2 jt` / `12,3 rb` in id_ID, `1.2M` / `12.3K` in en_US (CLDR compact
    patterns via Babel, one decimal, so rounded: show `format_number` beside it). Below 1,000 it is exact."""
    if abs(Decimal(value)) < COMPACT_FROM:
        return format_number(value, locale)
    return format_compact_decimal(value, locale=locale, fraction_digits=1)
