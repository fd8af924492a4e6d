"""`budgets.plans.prorate`: a plan's months (or any consecutive ranges) add up to the plan exactly, each within one
unit of the currency of its exact pro-rata share."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from budgets.plans import plan_share, prorate
from db.calendar import Period, month_segments
from db.money import quantize


@dataclass(frozen=True)
class Plan:
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    currency: str


UNIT = {"IDR": Decimal(1), "USD": Decimal("0.01"), "BHD": Decimal("0.001")}


def test_the_quarter_of_the_review_adds_up_to_the_plan() -> None:
    plan = Plan(dt.date(2026, 10, 1), dt.date(2026, 12, 31), Decimal(1_000_000), "IDR")
    months = [prorate(plan, a, b) for a, b in month_segments(plan.period_start, plan.period_end)]
    assert sum(months) == Decimal(1_000_000)  # was 336.957 + 326.087 + 336.957 = 1.000.001
    assert months == [Decimal(336957), Decimal(326086), Decimal(336957)]


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
    days=st.integers(0, 500),
    cents=st.integers(0, 10**14),
    currency=st.sampled_from(sorted(UNIT)),
    cuts=st.lists(st.integers(0, 500), max_size=6),
)
def test_consecutive_ranges_add_up_to_the_plan(start, days, cents, currency, cuts) -> None:
    amount = quantize(Decimal(cents).scaleb(-3), currency)
    plan = Plan(start, start + dt.timedelta(days=days), amount, currency)
    edges = sorted({c for c in cuts if 0 < c <= days})
    bounds = [0, *edges, days + 1]
    ranges = [
        (start + dt.timedelta(days=lo), start + dt.timedelta(days=hi - 1)) for lo, hi in itertools.pairwise(bounds)
    ]
    shares = [prorate(plan, a, b) for a, b in ranges]
    assert sum(shares, Decimal(0)) == amount
    for (a, b), share in zip(ranges, shares, strict=True):
        assert abs(share - plan_share(plan, Period(a, b))) <= UNIT[currency]
    months = [prorate(plan, a, b) for a, b in month_segments(plan.period_start, plan.period_end)]
    assert sum(months, Decimal(0)) == amount
