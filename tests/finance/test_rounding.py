"""One rounding rule in every export: each dated amount is converted and rounded on its own, totals add the
rounded amounts. So campaign-monthly equals the sum of campaign-daily, and the ledger's Meta rows equal both."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from finance.exports import build_live, read_rows
from tests.finance.conftest import NOW
from tests.finance.test_campaign_daily_fast import _add_awkward_rows

D = dt.date
SINCE, UNTIL = D(2026, 10, 1), D(2026, 11, 30)


def _rows(session, name: str, currency: str, policy: str) -> list[dict[str, str]]:
    header, rows = read_rows(b"".join(build_live(session, name, SINCE, UNTIL, currency, now=NOW, policy=policy)))
    return [dict(zip(header, row, strict=True)) for row in rows]


def _campaign(row: dict[str, str]) -> str:
    return row["campaign_id"].removeprefix("pantau-")


@pytest.mark.parametrize("policy", ["monthly_average", "month_end", "daily"])
@pytest.mark.parametrize("currency", ["IDR", "USD"])
def test_monthly_equals_the_sum_of_daily_for_the_same_rows(fs, currency: str, policy: str) -> None:
    _add_awkward_rows(fs)  # amounts that round half up (also negative), many days, daily rates with gaps
    daily: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in _rows(fs, "campaign-daily", currency, policy):
        key = (row["date"][:7], row["account_id"], _campaign(row), row["currency"])
        for column in ("spend", "conversion_value", "spend_reporting", "conversions"):
            daily[key][column] += Decimal(row[column])
        assert row["fx_missing"] == "false"
    monthly = _rows(fs, "campaign-monthly", currency, policy)
    assert len(monthly) == len(daily) > 10
    for row in monthly:
        key = (row["month"], row["account_id"], _campaign(row), row["currency"])
        for column in ("spend", "conversion_value", "spend_reporting", "conversions"):
            assert Decimal(row[column]) == daily[key][column], (key, column)
    # The ledger's Meta rows are the same sums (actual in the campaign currency, and converted).
    ledger = [r for r in _rows(fs, "marketing-spend", currency, policy) if r["channel"] == "meta_ads" and r["actual"]]
    by_campaign = {(r["month"], _campaign(r), r["currency"]): r for r in monthly}
    compared = 0
    for row in ledger:
        if row["item_type"] != "campaign" or Decimal(row["actual"]) == 0:
            continue
        match = by_campaign[(row["month"], row["item_id"], row["currency"])]
        assert Decimal(row["actual"]) == Decimal(match["spend"])
        assert Decimal(row["actual_reporting"]) == Decimal(match["spend_reporting"])
        compared += 1
    assert compared >= 5


def test_the_worked_example_of_the_docs(session) -> None:
    """docs/exports.md: three days of Rp 10.000 at 0.0000612345 USD per rupiah."""
    from campaigns.models import AdAccount, Campaign, CampaignInsight
    from finance.models import FxRate

    account = AdAccount(account_id="1", name="Toko", currency="IDR", timezone_name="Asia/Jakarta")
    session.add(account)
    session.flush()
    campaign = Campaign(account_id=account.id, meta_id="9", name="Promo", currency="IDR")
    session.add(campaign)
    session.flush()
    for day in (1, 2, 3):
        session.add(
            CampaignInsight(
                campaign_id=campaign.id, date=D(2026, 10, day), currency="IDR", spend=Decimal(10000), source="meta_api"
            )
        )
    session.add(FxRate(date=D(2026, 10, 1), from_currency="IDR", to_currency="USD", rate=Decimal("0.0000612345")))
    session.flush()
    daily = [
        r["spend_reporting"]
        for r in _rows_for(session, "campaign-daily", D(2026, 10, 1), D(2026, 10, 31), "USD", "monthly_average")
    ]
    assert daily == ["0.61", "0.61", "0.61"]
    (month,) = _rows_for(session, "campaign-monthly", D(2026, 10, 1), D(2026, 10, 31), "USD", "monthly_average")
    assert (month["spend"], month["fx_rate"], month["spend_reporting"]) == ("30000", "0.0000612345", "1.83")
    # Not round(30,000 x 0.0000612345 = 1.837035) = 1.84: the month is the sum of its days.


def _rows_for(session, name: str, since: dt.date, until: dt.date, currency: str, policy: str) -> list[dict]:
    header, rows = read_rows(b"".join(build_live(session, name, since, until, currency, now=NOW, policy=policy)))
    return [dict(zip(header, row, strict=True)) for row in rows]
