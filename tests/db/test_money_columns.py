"""The fast money and number formats (`db.money._Layout`, whole columns) write exactly what Babel writes.

The reference is the per-value formatting the app used before, built from Babel's own calls: `format_currency`
for currencies with decimals, the `#,##0` pattern after the currency symbol for zero-decimal ones (IDR, JPY),
`NumberPattern.apply` for counts and ratios.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel import Locale
from babel.numbers import format_currency, get_currency_symbol, parse_pattern
from hypothesis import given, settings
from hypothesis import strategies as st

from db.money import (
    _layout,
    format_money,
    format_money_column,
    format_number,
    format_number_column,
    precision,
)

LOCALES = ["en_US", "id_ID", "de_CH", "fr_FR", "hi_IN", "ar_EG", "ja_JP"]
CURRENCIES = ["IDR", "USD", "JPY", "BHD", "SGD", "EUR", "KRW", "CLF"]


def babel_money(amount: Decimal | int, currency: str, locale: str) -> str:
    """The per-value formatter as it was: quantize half-up, then Babel."""
    code = currency.upper()
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    value = value.quantize(Decimal(1).scaleb(-precision(code)), rounding=ROUND_HALF_UP)
    if precision(code) == 0:
        number = parse_pattern("#,##0").apply(abs(value), Locale.parse(locale))
        return f"{'-' if value < 0 else ''}{get_currency_symbol(code, locale=locale)}{number}"
    return format_currency(value, code, locale=Locale.parse(locale))


def babel_number(value: Decimal | int | float, locale: str, digits: int) -> str:
    fmt = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return parse_pattern(fmt).apply(value, Locale.parse(locale))


EDGES = [
    Decimal(0),
    Decimal("-0"),
    Decimal("-0.00"),
    Decimal("0.004"),
    Decimal("-0.004"),
    Decimal("0.005"),
    Decimal("-0.005"),
    Decimal("0.0050"),
    Decimal("1E+3"),
    Decimal("1.5E+2"),
    Decimal("999.995"),
    Decimal("-999.995"),
    Decimal("1234567.125"),
    Decimal("-1234567.135"),
    Decimal("12345678901234567890.1234"),  # huge: 20 integer digits
    Decimal("-98765432109876543210"),
    Decimal("100000000000000000000000"),
    Decimal("0.0001"),
    7,
    -7,
    1_000_000,
    10**18,
]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("currency", CURRENCIES)
def test_money_equals_babel_on_the_edges(currency: str, locale: str) -> None:
    for amount in EDGES:
        assert format_money(amount, currency, locale) == babel_money(amount, currency, locale), (amount, currency)
    assert format_money_column(EDGES, [currency] * len(EDGES), locale) == [
        babel_money(a, currency, locale) for a in EDGES
    ]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("digits", [0, 1, 2, 3])
def test_numbers_equal_babel_on_the_edges(locale: str, digits: int) -> None:
    values = [*EDGES, 0.1, -2.675, 1e15, 12345.678]
    for value in values:
        assert format_number(value, locale, digits) == babel_number(value, locale, digits), value
    assert format_number_column(values, locale, digits) == [babel_number(v, locale, digits) for v in values]


amounts = st.decimals(
    min_value=Decimal("-1e20"), max_value=Decimal("1e20"), places=4, allow_nan=False, allow_infinity=False
)


@settings(database=None, deadline=None, max_examples=400)
@given(
    column=st.lists(st.tuples(st.one_of(st.none(), amounts), st.sampled_from(CURRENCIES)), max_size=30),
    locale=st.sampled_from(LOCALES),
)
def test_a_money_column_is_babel_per_value(column: list[tuple[Decimal | None, str]], locale: str) -> None:
    values = [a for a, _c in column]
    currencies = [c for _a, c in column]
    expected = ["" if a is None else babel_money(a, c, locale) for a, c in column]
    assert format_money_column(values, currencies, locale) == expected
    assert [format_money(a, c, locale) for a, c in column] == expected


@settings(database=None, deadline=None, max_examples=400)
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            amounts,
            st.integers(min_value=-(10**22), max_value=10**22),
            st.decimals(places=2, min_value=-1000, max_value=1000),
        ),
        max_size=30,
    ),
    locale=st.sampled_from(LOCALES),
    digits=st.integers(min_value=0, max_value=3),
)
def test_a_number_column_is_babel_per_value(values: list, locale: str, digits: int) -> None:
    expected = ["" if v is None else babel_number(v, locale, digits) for v in values]
    assert format_number_column(values, locale, digits) == expected


def test_the_app_locales_take_the_fast_path() -> None:
    """en_US and id_ID (the app's languages) are laid out by Python's format, not handed back to Babel."""
    for locale in ("en_US", "id_ID"):
        assert _layout("#,##0", locale) is not None
        assert _layout("#,##0.00", locale) is not None
        for currency in ("USD", "BHD", "SGD"):
            assert _layout(None, locale, currency) is not None


def test_known_texts() -> None:
    column = [Decimal("1250000"), Decimal("-1234.5"), None, Decimal("0.125"), 5]
    currencies = ["IDR", "USD", "USD", "BHD", "JPY"]
    assert format_money_column(column, currencies, "id_ID") == ["Rp1.250.000", "-US$1.234,50", "", "BHD0,125", "JP¥5"]
    assert format_money_column(column, currencies, "en_US") == ["IDR1,250,000", "-$1,234.50", "", "BHD0.125", "¥5"]
    assert format_number_column([1234567, None, Decimal("2.5")], "id_ID", 2) == ["1.234.567,00", "", "2,50"]
