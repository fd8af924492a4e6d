"""The Campaigns table's CTR, CPA and ROAS worked out a column at a time (`performance.ratio_columns`) equal the
per-row definition (`performance._ratios`): on random figures, and on random campaigns stored and read back through
`campaign_performance` (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import performance
from campaigns.meta_budgets import ACTIVE, effective_budget
from tests import builders as b

CURRENCIES = ("IDR", "USD", "JPY", "BHD")  # 0, 2, 0 and 3 places
DAY = dt.date(2026, 11, 3)


@functools.cache
def amounts(places: int = 4, high: int = 10**14) -> st.SearchStrategy[Decimal]:
    """Amounts as the table holds them: zero, small, huge, at 0-4 places (stored money has 4).

    Built once per (places, high), not per draw: hypothesis validates a strategy made afresh (a new `builds`,
    `one_of`, `sampled_from`) again on every draw, which cost more than the ratios under test. Same values drawn."""
    return st.builds(
        lambda n, p: Decimal(n).scaleb(-p),
        st.one_of(st.just(0), st.integers(1, 999), st.integers(0, high)),
        st.integers(0, places),
    )


IMPRESSIONS = st.one_of(st.just(0), st.integers(1, 10**12))
SIGNS = st.sampled_from((1, 1, 1, -1))  # refunds and corrections can leave a sum below zero
CURRENCY_PICKS = st.sampled_from(CURRENCIES)


@functools.cache
def optional_amounts(places: int) -> st.SearchStrategy[Decimal | None]:
    return st.one_of(st.none(), amounts(places, 10**8))


@functools.cache
def ad_set_budgets(places: int) -> st.SearchStrategy[list[Decimal | None]]:
    return st.lists(optional_amounts(places), max_size=2)


@st.composite
def rows(draw: st.DrawFn) -> tuple[Decimal, int, int, Decimal, Decimal, str]:
    impressions = draw(IMPRESSIONS)
    clicks = draw(st.integers(0, max(impressions, 1) * 2))
    sign = draw(SIGNS)
    return (
        sign * draw(amounts()),
        impressions,
        clicks,
        draw(amounts(high=10**9)),
        draw(amounts()),
        draw(CURRENCY_PICKS),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(rows(), max_size=40))
def test_ratio_columns_equal_the_per_row_ratios(batch: list[tuple]) -> None:
    columns = [list(c) for c in zip(*batch, strict=True)] if batch else [[] for _ in range(6)]
    got = performance.ratio_columns(*columns)
    want = [performance._ratios(s, i, c, n, v, performance._step(cur)) for s, i, c, n, v, cur in batch]
    assert [list(r) for r in zip(*got, strict=True)] == [list(r) for r in want]
    # Equal and written the same (the same exponent: 25.00, not 25), as the page and the CSV show them.
    assert [[repr(x) for x in r] for r in zip(*got, strict=True)] == [[repr(x) for x in r] for r in want]


@st.composite
def campaigns(draw: st.DrawFn) -> list[dict]:
    out = []
    for _ in range(draw(st.integers(1, 6))):
        places = draw(st.integers(0, 4))
        days = draw(st.integers(0, 3))
        out.append(
            {
                "currency": draw(CURRENCY_PICKS),
                "daily": draw(optional_amounts(places)),
                "ad_sets": draw(ad_set_budgets(places)),
                "days": [
                    {
                        "spend": draw(amounts(places, 10**10)),
                        "impressions": draw(st.integers(0, 10**7)),
                        "clicks": draw(st.integers(0, 10**5)),
                        "conversions": draw(amounts(places, 10**5)),
                        "conversion_value": draw(amounts(places, 10**10)),
                    }
                    for _ in range(days)
                ],
            }
        )
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=campaigns())
def test_campaign_table_rows_equal_the_per_row_definition(session, specs: list[dict]) -> None:
    savepoint = session.begin_nested()
    try:
        accounts = {cur: b.account(session, currency=cur) for cur in CURRENCIES}
        want = {}
        for spec in specs:
            c = b.campaign(session, accounts[spec["currency"]], daily_budget=spec["daily"])
            for budget in spec["ad_sets"]:
                b.ad_set(session, c, daily_budget=budget)
            for n, day in enumerate(spec["days"]):
                b.insights(session, c, [DAY + dt.timedelta(days=n)], **day)
            sums = {m: sum((d[m] for d in spec["days"]), Decimal(0)) for m in performance.METRICS}
            budget = effective_budget(spec["daily"], None, [(ACTIVE, a, None) for a in spec["ad_sets"]])
            ratios = performance._ratios(
                sums["spend"], sums["impressions"], sums["clicks"], sums["conversions"], sums["conversion_value"],
                performance._step(spec["currency"]),
            )  # fmt: skip
            if not any(d["conversion_value"] != 0 for d in spec["days"]):  # no value tracked: ROAS "—"
                ratios = (ratios[0], ratios[1], None)
            want[c.id] = (*ratios, budget.level if budget.kind else None, budget.kind, budget.daily)
        session.flush()
        frame = performance.campaign_performance(session, performance.CampaignFilters(DAY, DAY + dt.timedelta(3)))
        got = {
            row.id: (
                row.ctr,
                row.cpa,
                row.roas,
                *(None if pd.isna(v) else v for v in (row.budget_level, row.budget_type)),
                row.budget,
            )
            for row in frame.itertuples()
        }
        assert {k: got[k] for k in want} == want
        assert {k: tuple(map(repr, got[k][:3])) for k in want} == {k: tuple(map(repr, v[:3])) for k, v in want.items()}
    finally:
        savepoint.rollback()


def test_an_empty_table_keeps_its_columns(session) -> None:
    frame = performance.campaign_performance(session, performance.CampaignFilters(DAY, DAY))
    assert frame.empty
    assert list(frame.columns) == list(performance.TABLE_COLUMNS)
