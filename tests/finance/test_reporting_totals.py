"""`finance.reporting`: a page's reporting-currency total is the sum of the per-day conversions, each rounded to the
target currency, that the exports write (docs/exports.md, "One rounding rule"), under every FX policy."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from finance.fx import POLICIES, RateBook, round_rate
from finance.reporting import DayConverter, converted_sum

D = dt.date
SINCE, UNTIL = D(2026, 10, 1), D(2026, 11, 30)  # two months
DAYS = [SINCE + dt.timedelta(days=i) for i in range((UNTIL - SINCE).days + 1)]
PLACES = {"IDR": 0, "JPY": 0, "USD": 2, "SGD": 2, "BHD": 3}
SOURCES = ("USD", "SGD", "JPY", "BHD")

amounts = st.builds(lambda n: Decimal(n).scaleb(-4), st.integers(-(10**12), 10**12))  # stored: 4 places
rates = st.builds(lambda n, k: Decimal(n).scaleb(-k), st.integers(1, 10**9), st.integers(0, 9))


def _round(value: Decimal, currency: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-PLACES[currency]), ROUND_HALF_UP)


def _expected_rate(stored: dict[tuple[str, dt.date], Decimal], inverse: set[str], cur: str, day: dt.date, policy: str):
    """The rate of `day` written out for this test's data (a finance rate on every day of the months)."""

    def of(d: dt.date) -> Decimal:
        rate = stored[(cur, d)]
        return round_rate(1 / rate) if cur in inverse else rate  # stored target->cur: the inverse

    if policy == "daily":
        return of(day)
    month = [d for d in DAYS if (d.year, d.month) == (day.year, day.month)]
    if policy == "month_end":
        return of(month[-1])
    return round_rate(sum((of(d) for d in month), Decimal(0)) / len(month))


@settings(max_examples=150, deadline=None)
@given(
    target=st.sampled_from(["IDR", "USD"]),
    policy=st.sampled_from(POLICIES),
    currencies=st.lists(st.sampled_from(SOURCES), min_size=1, max_size=4, unique=True),
    inverse=st.sets(st.sampled_from(SOURCES)),
    day_rates=st.lists(rates, min_size=len(DAYS) * len(SOURCES), max_size=len(DAYS) * len(SOURCES)),
    picks=st.lists(st.tuples(st.integers(0, len(DAYS) - 1), st.integers(0, 4), amounts), min_size=1, max_size=60),
)
def test_the_total_is_the_sum_of_each_day_converted_and_rounded(
    target, policy, currencies, inverse, day_rates, picks
) -> None:
    codes = [*currencies, target]  # the target's own amounts convert at 1
    stored = {(cur, day): day_rates[i * len(DAYS) + j] for i, cur in enumerate(SOURCES) for j, day in enumerate(DAYS)}
    inverse = {c for c in inverse if c != target}
    rows = []
    for (cur, day), rate in stored.items():
        if cur == target:
            continue
        rows.append((day, target, cur, rate) if cur in inverse else (day, cur, target, rate))
    book = RateBook(None, target, SINCE, UNTIL, policy, pivot=target, rows=rows)
    dated = [(DAYS[d], codes[c % len(codes)], amount) for d, c, amount in picks]

    expected = Decimal(0)
    for day, cur, amount in dated:
        rate = Decimal(1) if cur == target else _expected_rate(stored, inverse, cur, day, policy)
        expected += _round(_round(amount, cur) * rate, target)

    summed = converted_sum(dated, book.try_rate, target)
    assert summed.total == expected
    assert DayConverter(book)(dated) == expected  # what the pages call
    assert summed.sources <= {"finance", "same_currency"}


def test_a_missing_rate_gives_no_total() -> None:
    book = RateBook(None, "IDR", SINCE, UNTIL, "daily", pivot="IDR", rows=[(SINCE, "USD", "IDR", Decimal("16000"))])
    day_ok, far = SINCE, SINCE + dt.timedelta(days=40)  # beyond the 7-day look-back (ECB rates: not for VND)
    assert DayConverter(book)([(day_ok, "USD", Decimal("1.005"))]) == Decimal("16160")  # 1.01 x 16000
    assert DayConverter(book)([(day_ok, "USD", Decimal("1")), (far, "VND", Decimal("5"))]) is None
