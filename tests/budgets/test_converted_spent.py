"""The Budgets overview's spent in the reporting currency, day by day as the exports convert it: rows already in the
reporting currency at its precision stay in the database (`budgets.overview._days_to_convert`), the others are
converted one by one; the total equals every completed day converted and rounded on its own, written out here."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from budgets.overview import _days_to_convert, _unpacked, budget_overview, dated_actuals
from budgets.scopes import _as_date
from campaigns.models import CampaignInsight
from db.calendar import Period
from db.engine import session_scope
from db.roles import CLI_ACTOR
from db.settings import set_setting
from db.types import SCALE, Money
from finance import fx
from finance import reporting as reporting_totals
from tests import builders

NOV = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 5, tzinfo=dt.UTC)  # noon in Jakarta: the 20th everywhere below


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_converted_spent_is_every_completed_day_converted_and_rounded(migrated_url, seed) -> None:
    rng = random.Random(seed)
    rates: dict[dt.date, Decimal] = {}
    with session_scope(migrated_url) as s:
        idr = builders.account(s, currency="IDR", timezone_name="Asia/Jakarta")
        usd = builders.account(s, currency="USD", timezone_name="Asia/Jakarta")
        days = builders.days(NOV.start, NOV.end)
        for _n in range(4):  # whole rupiah, fractions that round up and down, and half a rupiah
            c = builders.campaign(s, idr, daily_budget=500000)
            spend = [rng.choice(["150000", "1500.5", "0.4999", "7.5", "2500000", "99.0001"]) for _ in days]
            builders.insights(s, c, days, spend=lambda d, spend=spend: spend[d.day - 1])
        for _n in range(3):
            c = builders.campaign(s, usd, daily_budget=50)
            builders.insights(s, c, days, spend=lambda d: f"{rng.randint(0, 99999)}.{rng.randint(0, 9999):04d}")
        for day in days:
            rates[day] = Decimal(16000 + rng.randint(0, 999)) + Decimal(rng.randint(0, 99)) / 100
            builders.fx_rate(s, day, "USD", "IDR", rates[day])
        s.flush()
    with session_scope(migrated_url) as s:
        set_setting(s, CLI_ACTOR, "fx_policy", "daily")
        set_setting(s, CLI_ACTOR, "reporting_currency", "IDR")
    with session_scope(migrated_url) as s:
        overview = budget_overview(
            s,
            NOV,
            now=NOW,
            today=TODAY,
            converter=fx.converter(s, NOV.start, NOV.end, pivot="IDR"),
            reporting_currency="IDR",
            spent_converter=reporting_totals.day_converter(s, NOV.start, NOV.end, "IDR", pivot="IDR"),
        )
        rows = s.execute(
            select(CampaignInsight.date, CampaignInsight.currency, CampaignInsight.spend).where(
                CampaignInsight.date < TODAY
            )
        ).all()
    expected = Decimal(0)
    for day, currency, spend in rows:
        if currency == "IDR":
            expected += _round(spend, 0)
        else:
            expected += _round(_round(spend, 2) * rates[day], 0)
    (idr_row,) = [t for t in overview.totals if t.currency == "IDR"]
    assert idr_row.actual == expected
    assert expected != sum((spend for _d, c, spend in rows if c == "IDR"), Decimal(0))  # the days' rounding counts


def test_within_places_is_what_rounding_leaves_unchanged(migrated_url) -> None:
    values = [Decimal(v) for v in ("0", "1500", "1500.5", "0.01", "0.0001", "-7.5", "-2", "12.3400", "99.9999")]
    rng = random.Random(7)
    values += [Decimal(rng.randint(-(10**9), 10**9)).scaleb(-rng.randint(0, 4)) for _ in range(60)]
    with session_scope(migrated_url) as s:
        c = builders.campaign(s, builders.account(s, currency="USD"))
        builders.insights(
            s,
            c,
            [NOV.start + dt.timedelta(days=i) for i in range(len(values))],
            spend=lambda d: values[d.toordinal() - NOV.start.toordinal()],
        )
        s.flush()
        dialect = s.get_bind().dialect
        for places in (0, 2, 3, 4):
            test = Money.within_places(CampaignInsight.spend, places, dialect)
            got = dict(s.execute(select(CampaignInsight.spend, test).where(CampaignInsight.campaign_id == c.id)).all())
            assert got == {v: _round(v, places) == v for v in values}, places


def test_the_rows_to_convert_are_every_row_that_rounding_or_a_rate_changes(migrated_url) -> None:
    # `_days_to_convert` (SQLite: packed per day and currency) unpacked: every row of the period in another
    # currency or with more decimals than the target has, once, as integer units, each campaign's days in date
    # order; whole rupiah and rows outside the period are left in the database.
    rng = random.Random(4)
    with session_scope(migrated_url) as s:
        idr = builders.account(s, currency="IDR")
        usd = builders.account(s, currency="USD")
        days = builders.days(NOV.start - dt.timedelta(days=2), NOV.end + dt.timedelta(days=2))
        for account, choices in (
            (idr, ["150000", "1500.5", "0.4999", "7", "0", "-2.5"]),
            (usd, ["12.34", "0.0001", "5", "99999999999.9999"]),
        ):
            for _n in range(3):
                c = builders.campaign(s, account)
                builders.insights(s, c, days, spend=lambda d, choices=choices: rng.choice(choices))
        s.flush()
        plain = s.execute(
            select(CampaignInsight.campaign_id, CampaignInsight.date, CampaignInsight.currency, CampaignInsight.spend)
            .where(CampaignInsight.date.between(NOV.start, NOV.end))
            .order_by(CampaignInsight.campaign_id, CampaignInsight.date)
        ).all()
        expected = [
            (cid, day, currency, int(spend.scaleb(4)))
            for cid, day, currency, spend in plain
            if currency != "IDR" or _round(spend, 0) != spend
        ]
        found = _days_to_convert(s, NOV, "IDR").result()
        got = [(cid, _as_date(day), cur, units) for cid, day, cur, units in _unpacked(found)]
    assert sorted(got) == expected
    by_campaign: dict[int, list[dt.date]] = {}
    for cid, day, _cur, _units in got:
        by_campaign.setdefault(cid, []).append(day)
    assert all(found_days == sorted(found_days) for found_days in by_campaign.values())
    assert {cur for _c, _d, cur, _u in got} == {"IDR", "USD"}


@pytest.mark.parametrize("seed", [5, 6])
def test_the_days_converted_together_are_each_campaigns_days_converted_on_their_own(migrated_url, seed) -> None:
    # `dated_actuals` converts every campaign's amounts of one day and currency at once (one rate lookup): the same
    # figure per campaign as `units_sum` over that campaign's own days in date order, None from its first day
    # without a rate, and the same rates asked for, so the same missing rates listed. VND (no ECB rate) has finance
    # rates from the 12th only; accounts in Jakarta and Los Angeles (its today the 19th) keep different days.
    # Asking every day and currency up front would list VND days a stopped campaign never reached.
    rng = random.Random(seed)
    with session_scope(migrated_url) as s:
        days = builders.days(NOV.start, NOV.end)
        for currency, zone, choices in (
            ("IDR", "Asia/Jakarta", ["150000", "1500.5", "0.4999", "7"]),
            ("USD", "America/Los_Angeles", ["12.34", "0.0051", "5", "-2.5"]),
            ("VND", "Asia/Jakarta", ["15000.5", "7", "0.5"]),
            ("VND", "America/Los_Angeles", ["2500000.25", "1"]),
        ):
            account = builders.account(s, currency=currency, timezone_name=zone)
            for _n in range(3):
                c = builders.campaign(s, account)
                spent_days = [d for d in days if rng.random() < 0.7]
                builders.insights(s, c, spent_days, spend=lambda d, choices=choices: rng.choice(choices))
        for day in days:
            builders.fx_rate(s, day, "USD", "IDR", Decimal(16000 + rng.randint(0, 999)) / 10 ** rng.randint(0, 2))
            if day.day >= 12 and rng.random() < 0.6:  # none before the 12th (nothing to fall back on)
                builders.fx_rate(s, day, "VND", "IDR", Decimal(rng.randint(50, 99)) / 100)
        s.flush()
    with session_scope(migrated_url) as s:
        set_setting(s, CLI_ACTOR, "fx_policy", "daily")
    with session_scope(migrated_url) as s:
        results = budget_overview(s, NOV, now=NOW, today=TODAY).results
        together = reporting_totals.day_converter(s, NOV.start, NOV.end, "IDR", pivot="IDR")
        alone = reporting_totals.day_converter(s, NOV.start, NOV.end, "IDR", pivot="IDR")
        got = dated_actuals(s, results, [], "IDR", None, together)
        rows = list(_unpacked(_days_to_convert(s, NOV, "IDR").result()))
    todays = set()
    checked = 0
    for (converted, _dated, rest), kind, cid, today, actual in zip(
        got, results.scope_type, results.campaign_id, results.today, results.actual, strict=True
    ):
        if kind != "campaign":
            continue
        own = [(_as_date(d), cur, units) for c, d, cur, units in rows if c == cid and _as_date(d) < today]
        assert converted == (alone.units_sum(own, SCALE) if own else 0)
        assert rest == actual - Decimal(sum(units for _d, _c, units in own)).scaleb(-SCALE)
        todays.add(today)
        checked += converted is None
    assert together.book.missing == alone.book.missing
    assert alone.book.missing  # VND days without a rate were asked for
    assert checked  # some campaign stopped at a missing rate
    assert todays == {TODAY, TODAY - dt.timedelta(days=1)}
