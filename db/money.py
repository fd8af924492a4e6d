"""Currency codes (ISO 4217), precision, rounding and locale-aware money formatting (Babel)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
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


@cache
def _exponent(currency: str) -> Decimal:
    """`1`, `0.01`, `0.001`: what `quantize` rounds to for the currency (worked out once per code)."""
    return Decimal(1).scaleb(-precision(currency))


# Wide enough that a stored amount (NUMERIC(20, 4)) times a rate (at most 20 significant digits) is exact, and that
# rounding it to a currency never fails: Decimal's default 28 digits silently rounded such a product and then
# refused to quantize it (InvalidOperation), found by tests/finance/test_units_sum.py at 10^14 BHD x 10^12.
EXACT = Context(prec=60, rounding=ROUND_HALF_UP)


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round `amount` half-up to the currency's precision (exactly, whatever its size: `EXACT`)."""
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return value.quantize(_exponent(currency), rounding=ROUND_HALF_UP, context=EXACT)


def times(amount: Decimal, factor: Decimal) -> Decimal:
    """`amount` x `factor`, exact (`EXACT`): an amount converted at a rate, before it is rounded to its currency."""
    return EXACT.multiply(amount, factor)


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


@dataclass(frozen=True)
class _Layout:
    """What Babel's `NumberPattern.apply` writes around the digits of one pattern in one locale (and currency):
    the prefix and suffix for a positive and a negative value (currency sign filled in), the quantum it rounds to
    and the locale's group and decimal symbols (a `str.translate` table for Python's `,` and `.`)."""

    prefix: tuple[str, str]
    suffix: tuple[str, str]
    quantum: Decimal
    symbols: dict[int, str]

    def apply(self, value: Decimal | int | float) -> str | None:
        """`NumberPattern.apply(value, locale, currency)`: the same Decimal steps (scale, sign, normalize, quantize
        in the current context), the digits grouped by Python's `,` format; None for a non-finite value."""
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        number = number.scaleb(0)
        if not number.is_finite():
            return None
        negative = int(number.is_signed())
        digits = format(abs(number).normalize().quantize(self.quantum), ",f").translate(self.symbols)
        return self.prefix[negative] + digits + self.suffix[negative]


@cache
def _layout(fmt: str | None, locale: str, currency: str | None = None) -> _Layout | None:
    """The layout of pattern `fmt` (None: the locale's standard currency pattern) for `locale` and `currency`, or
    None when the pattern needs Babel's own `apply` (not grouped in threes, scaled, scientific, significant digits,
    a variable number of decimals, quoted text, currency names or symbols Python's format would not reproduce)."""
    loc = _locale(locale)
    pattern = loc.currency_formats["standard"] if fmt is None else _pattern(fmt)
    frac = (get_currency_precision(currency),) * 2 if currency else pattern.frac_prec
    group = get_group_symbol(loc, numbering_system="latn")
    point = get_decimal_symbol(loc, numbering_system="latn")
    parts = (*pattern.prefix, *pattern.suffix)
    if (
        pattern.grouping != (3, 3)
        or pattern.int_prec[0] != 1
        or pattern.scale
        or pattern.exp_prec
        or "@" in pattern.pattern
        or not pattern.number_pattern
        or frac[0] != frac[1]
        or any("'" in part or "¤¤" in part for part in parts)
        or (not currency and any("¤" in part for part in parts))
        or group == point
        or any(c in group + point for c in "'¤0123456789")
    ):
        return None
    prefix, suffix = pattern.prefix, pattern.suffix
    if currency:
        sign = _symbol(currency, locale)
        if "'" in sign:
            return None
        prefix = (prefix[0].replace("¤", sign), prefix[1].replace("¤", sign))
        suffix = (suffix[0].replace("¤", sign), suffix[1].replace("¤", sign))
    return _Layout(prefix, suffix, Decimal(10) ** -frac[1], str.maketrans({",": group, ".": point}))


def _number_text(value: Decimal | int | float, fmt: str, locale: str) -> str:
    layout = _layout(fmt, locale)
    text = layout.apply(value) if layout else None
    return _pattern(fmt).apply(value, _locale(locale)) if text is None else text


@dataclass(frozen=True)
class _MoneyFormat:
    """How amounts of one currency are written in one locale: looked up once, applied to every amount."""

    code: str
    locale: str
    step: Decimal
    zero_decimal: bool
    symbol: str
    layout: _Layout | None

    def text(self, amount: Decimal | int | str | None) -> str:
        if amount is None:
            return ""
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        value = value.quantize(self.step, rounding=ROUND_HALF_UP)
        if self.zero_decimal:
            # CLDR keeps two decimals for IDR; build the zero-decimal form from Babel's parts.
            sign = "-" if value < 0 else ""
            return f"{sign}{self.symbol}{_number_text(abs(value), '#,##0', self.locale)}"
        text = self.layout.apply(value) if self.layout else None
        return format_currency(value, self.code, locale=_locale(self.locale)) if text is None else text


@cache
def _money_format(currency: str, locale: str) -> _MoneyFormat:
    code = currency.upper()
    digits = precision(code)
    return _MoneyFormat(
        code=code,
        locale=locale,
        step=Decimal(1).scaleb(-digits),
        zero_decimal=digits == 0,
        symbol=_symbol(code, locale),
        layout=None if digits == 0 else _layout(None, locale, code),
    )


def format_money(amount: Decimal | int | None, currency: str, locale: str = "en_US") -> str:
    """For people: `Rp1.250.000` in id_ID, `$1,250.00` in en_US; blank for None.

    A table formats thousands of amounts per run: the currency's precision, symbol and Babel pattern are looked up
    once per currency and locale, and the digits are grouped by Python's own format (`_Layout`), which writes what
    Babel's `format_currency` writes (tests/db/test_money_columns.py compares them)."""
    if amount is None:
        return ""
    return _money_format(currency, locale).text(amount)


def format_money_column(
    amounts: Iterable[Decimal | int | None], currencies: Iterable[str], locale: str = "en_US"
) -> list[str]:
    """`format_money` for each amount in its row's currency (a table column): the same text, per-currency lookups
    done once for the column."""
    formats: dict[str, _MoneyFormat] = {}
    out = []
    for amount, currency in zip(amounts, currencies, strict=True):
        if amount is None:
            out.append("")
            continue
        fmt = formats.get(currency)
        if fmt is None:
            fmt = formats[currency] = _money_format(currency, locale)
        out.append(fmt.text(amount))
    return out


def _number_format(digits: int) -> str:
    return "#,##0" if digits == 0 else "#,##0." + "0" * digits


def format_number(value: Decimal | int | float | None, locale: str = "en_US", digits: int = 0) -> str:
    """A grouped number for people (counts, ratios)."""
    if value is None:
        return ""
    return _number_text(value, _number_format(digits), locale)


def format_number_column(
    values: Iterable[Decimal | int | float | None], locale: str = "en_US", digits: int = 0
) -> list[str]:
    """`format_number` for each value of a column (blank for None), the pattern looked up once."""
    fmt = _number_format(digits)
    layout = _layout(fmt, locale)
    out = []
    for value in values:
        if value is None:
            out.append("")
            continue
        text = layout.apply(value) if layout else None
        out.append(_pattern(fmt).apply(value, _locale(locale)) if text is None else text)
    return out


# Below this the compact form would not be shorter, so the exact amount is shown.
COMPACT_FROM = 1000


def compact_digits(value: Decimal | int) -> int:
    """Decimals of a compact form: two when its unit holds one digit (`Rp1,02 M` for 1.017.608.000, not `Rp1 M`,
    which hid 1.7 %), else one (`Rp14,1 jt`, `Rp159,7 jt`): at least three significant digits, at most 12
    characters (`-SGD999,9 rb`). The units step by 1,000 (rb, jt, M, T / K, M, B, T)."""
    whole = len(str(int(abs(Decimal(value)))))
    return 2 if whole % 3 == 1 else 1


def format_compact(amount: Decimal | int, currency: str, locale: str = "en_US") -> str:
    """Short form for tiles and narrow cells: `Rp14,1 jt`, `Rp1,2 M` (miliar) in id_ID; `IDR14.1M`, `$1.2K` in en_US.

    At least three significant digits of its unit (CLDR compact patterns via Babel; `compact_digits`), so it is
    rounded: show `format_money(amount, ...)` beside it (help or tooltip). Amounts below 1,000 come back exact, as
    `format_money` writes them.
    """
    code = currency_code(currency)
    value = quantize(amount, code)
    if abs(value) < COMPACT_FROM:
        return format_money(value, code, locale)
    return format_compact_currency(value, code, locale=locale, fraction_digits=compact_digits(value))


def format_compact_number(value: Decimal | int, locale: str = "en_US") -> str:
    """Short form of a count for tiles: `1,2 jt` / `12,3 rb` in id_ID, `1.2M` / `12.3K` in en_US (CLDR compact
    patterns via Babel, `compact_digits` decimals, so rounded: show `format_number` beside it). Below 1,000 it is
    exact."""
    if abs(Decimal(value)) < COMPACT_FROM:
        return format_number(value, locale)
    return format_compact_decimal(value, locale=locale, fraction_digits=compact_digits(value))
