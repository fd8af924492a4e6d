"""`DayConverter.units_sum` (integers of stored units) is `DayConverter.__call__` (Decimals through
`finance.fx.convert_dated`) to the last unit, for any amounts, currencies, rates and days: the Budgets page's
converted spent uses the first, the exports the second, and they must never differ."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from db.types import SCALE
from finance.fx import UsedRate
from finance.reporting import DayConverter

CURRENCIES = ("IDR", "USD", "JPY", "BHD", "SGD", "KWD")  # 0, 2, 0, 3, 2, 3 places
DAYS = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(5)]


class _Book:
    """A rate book of fixed rates: (currency, day) -> rate, or missing."""

    def __init__(self, target: str, rates: dict[tuple[str, dt.date], Decimal]) -> None:
        self.target = target
        self.rates = rates

    def try_rate(self, currency: str, day: dt.date) -> UsedRate | None:
        if currency == self.target:
            return UsedRate(Decimal(1), day.isoformat(), "daily", "same_currency")
        rate = self.rates.get((currency, day))
        return None if rate is None else UsedRate(rate, day.isoformat(), "daily", "finance")


rates = st.decimals(min_value=Decimal("1e-12"), max_value=Decimal("1e12"), places=None, allow_nan=False).filter(
    lambda r: r > 0 and len(r.as_tuple().digits) <= 20
)
units = st.integers(min_value=-(10**19), max_value=10**19)  # NUMERIC(20, 4): up to 10^16 of a currency


@settings(max_examples=300, deadline=None)
@given(
    target=st.sampled_from(CURRENCIES),
    table=st.dictionaries(st.tuples(st.sampled_from(CURRENCIES), st.sampled_from(DAYS)), rates, min_size=1),
    rows=st.lists(st.tuples(st.sampled_from(DAYS), st.sampled_from(CURRENCIES), units), max_size=40),
)
def test_units_sum_is_the_decimal_rule(target: str, table, rows) -> None:
    decimals = DayConverter(_Book(target, table))  # type: ignore[arg-type]
    integers = DayConverter(_Book(target, table))  # type: ignore[arg-type]
    expected = decimals([(day, cur, Decimal(n).scaleb(-SCALE)) for day, cur, n in rows])
    assert integers.units_sum(rows, SCALE) == expected


def test_ties_round_away_from_zero_as_the_files_do() -> None:
    book = _Book("IDR", {("USD", DAYS[0]): Decimal("15000.5")})
    convert = DayConverter(book)  # type: ignore[arg-type]
    # US$1.00 x 15,000.5 = Rp15,000.5 -> Rp15,001; -US$1.00 -> -Rp15,001; US$0.005 rounds to US$0.01 first.
    assert convert.units_sum([(DAYS[0], "USD", 10_000)], SCALE) == Decimal(15001)
    assert convert.units_sum([(DAYS[0], "USD", -10_000)], SCALE) == Decimal(-15001)
    assert convert.units_sum([(DAYS[0], "USD", 50)], SCALE) == Decimal(150)
    assert convert.units_sum([(DAYS[0], "USD", 49)], SCALE) == Decimal(0)
    assert convert.units_sum([(DAYS[1], "USD", 10_000)], SCALE) is None  # no rate that day


small_units = st.integers(min_value=-(10**9), max_value=10**9)  # the numpy steps' range on most rates
ties = st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: n * 50)  # cents and halves: ties to round


@settings(max_examples=300, deadline=None)
@given(
    target=st.sampled_from(CURRENCIES),
    currency=st.sampled_from(CURRENCIES),
    rate=rates | st.sampled_from([Decimal("15000.5"), Decimal("0.5"), Decimal("1"), Decimal("16123.25")]),
    amounts=st.lists(units | small_units | ties, max_size=60),
)
# Found by this test on 2026-12-08: 10^14 BHD x 10^12 is past Decimal's default 28 digits (db.money.EXACT).
@example(target="USD", currency="BHD", rate=Decimal("1000000000000"), amounts=[999_999_999_999_999_995])
def test_the_array_converter_is_the_one_amount_rule(target: str, currency: str, rate: Decimal, amounts) -> None:
    # `units_array_converter` (numpy int64 steps when nothing can overflow, else one by one) gives every amount
    # exactly what `units_converter` gives it, as Python integers: ties, negatives, zero, amounts past int64.
    convert = DayConverter(_Book(target, {(currency, DAYS[0]): rate}))  # type: ignore[arg-type]
    one = convert.units_converter(currency, DAYS[0], SCALE)
    many = convert.units_array_converter(currency, DAYS[0], SCALE)
    assert one is not None
    assert many is not None
    array = np.array(amounts, dtype=object if any(abs(n) >= 2**63 for n in amounts) else np.int64)
    got = many(array).tolist() if array.dtype == np.int64 else [one(n) for n in amounts]
    assert got == [one(n) for n in amounts]
    assert all(type(v) is int for v in got)
    assert convert.units_array_converter(currency, DAYS[1], SCALE) is None or currency == target
