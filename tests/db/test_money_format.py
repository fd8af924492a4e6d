"""Compact money for tiles and narrow cells (Babel's CLDR compact patterns), beside the exact format."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.money import CurrencyError, format_compact, format_money
from db.parse import amount_bound, parse_amount

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        (Decimal(14_100_000), "IDR", "id_ID", f"Rp14,1{NBSP}jt"),
        (Decimal(14_120_000), "IDR", "id_ID", f"Rp14,1{NBSP}jt"),
        (Decimal(1_200_000_000), "IDR", "id_ID", f"Rp1,2{NBSP}M"),
        (Decimal(2_500), "IDR", "id_ID", f"Rp2,5{NBSP}rb"),
        (Decimal(3_000_000_000_000), "IDR", "id_ID", f"Rp3{NBSP}T"),
        (Decimal(-14_100_000), "IDR", "id_ID", f"-Rp14,1{NBSP}jt"),
        (Decimal(14_100_000), "IDR", "en_US", "IDR14.1M"),
        (Decimal(1_200), "USD", "en_US", "$1.2K"),
        (Decimal("1234.56"), "USD", "id_ID", f"US$1,23{NBSP}rb"),
        # a unit of one digit keeps two decimals: 1.017.608.000 is not shown as Rp1 M (1.7 % hidden)
        (Decimal(1_017_608_000), "IDR", "id_ID", f"Rp1,02{NBSP}M"),
        (Decimal(-9_990), "USD", "en_US", "-$9.99K"),
        (Decimal(159_740_893), "IDR", "id_ID", f"Rp159,7{NBSP}jt"),
        (Decimal(999_950), "USD", "en_US", "$1M"),
        (Decimal(1_000_000), "USD", "en_US", "$1M"),
        (Decimal("999.995"), "USD", "en_US", "$1K"),
        (14_100_000, "idr", "en_US", "IDR14.1M"),
    ],
)
def test_compact_amounts(amount: Decimal | int, currency: str, locale: str, expected: str) -> None:
    assert format_compact(amount, currency, locale) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "locale"),
    [
        (Decimal(950), "IDR", "id_ID"),
        (Decimal("999.99"), "USD", "en_US"),
        (Decimal("-999.5"), "USD", "en_US"),
        (Decimal(0), "IDR", "en_US"),
        (Decimal("12.5"), "USD", "id_ID"),
    ],
)
def test_small_amounts_stay_exact(amount: Decimal, currency: str, locale: str) -> None:
    assert format_compact(amount, currency, locale) == format_money(amount, currency, locale)


def test_format_money_is_unchanged_and_gives_the_exact_amount_beside_the_compact_one() -> None:
    assert format_money(Decimal(14_123_456), "IDR", "id_ID") == "Rp14.123.456"
    assert format_money(Decimal(14_123_456), "IDR", "en_US") == "IDR14,123,456"
    assert format_money(Decimal("1234.56"), "USD", "en_US") == "$1,234.56"


def test_compact_refuses_a_bad_currency() -> None:
    with pytest.raises(CurrencyError):
        format_compact(Decimal(1), "XYZ", "en_US")


# Babel's (CLDR's) short compact units per locale: Indonesian M is miliar, English M is million.
UNITS = {"id_ID": {"rb": 3, "jt": 6, "M": 9, "T": 12}, "en_US": {"K": 3, "M": 6, "B": 9, "T": 12}}
COMPACT = re.compile(r"(?P<symbol>Rp|US\$|IDR|\$)(?P<number>[0-9]+(?:[.,][0-9]{1,2})?)\u00a0?(?P<unit>[A-Za-z]+)")


@settings(database=None, deadline=None, max_examples=300)
@given(
    amount=st.integers(min_value=1_000, max_value=10**14),
    locale=st.sampled_from(["id_ID", "en_US"]),
    currency=st.sampled_from(["IDR", "USD"]),
)
def test_compact_is_the_amount_to_three_significant_digits(amount: int, locale: str, currency: str) -> None:
    text = format_compact(Decimal(amount), currency, locale)
    match = COMPACT.fullmatch(text)
    assert match, text
    exponent = UNITS[locale][match["unit"]]
    shown = Decimal(match["number"].replace(",", ".")).scaleb(exponent)
    # Rounded to the third significant digit at least (a hundredth of a one-digit unit, a tenth of a longer one),
    # never cut further: within half of that step of the exact amount.
    whole = len(str(amount))
    unit = 3 * ((whole - 1) // 3)
    step = Decimal(10) ** (unit - (2 if whole % 3 == 1 else 1))
    assert abs(shown - amount) <= step / 2, text
    assert len(text) <= 12, text
    if amount <= amount_bound(currency):
        assert parse_amount(format_money(Decimal(amount), currency, locale), currency, locale) == amount
