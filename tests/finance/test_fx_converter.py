"""The FX converter pages use for reporting-currency totals (budgets, campaigns, overview)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from finance import fx
from finance.models import FxRate
from tests.budgets.test_pages import _open, _table

OCT = dt.date(2026, 10, 15)


def test_converter_uses_the_policy_and_says_none_without_a_rate(session) -> None:
    session.add_all(
        [
            FxRate(date=dt.date(2026, 10, 1), from_currency="IDR", to_currency="USD", rate=Decimal("0.00006")),
            FxRate(date=dt.date(2026, 10, 31), from_currency="IDR", to_currency="USD", rate=Decimal("0.00008")),
        ]
    )
    session.flush()
    convert = fx.converter(session, dt.date(2026, 10, 1), dt.date(2026, 10, 31))  # USD, monthly average
    assert convert(Decimal("1000000"), "IDR", "USD", OCT) == Decimal("70.00")
    assert convert(Decimal("12.34"), "USD", "USD", OCT) == Decimal("12.34")
    assert convert(Decimal("5"), "VND", "USD", OCT) is None  # no rate (the ECB has no VND): never a silent 1.0
    assert convert(Decimal("5"), "USD", "VND", OCT) is None  # into any currency, but never without a rate
    assert convert(Decimal("5"), "USD", "EUR", OCT) is not None  # any target: here the ECB reference rates
    daily = fx.converter(session, dt.date(2026, 10, 1), dt.date(2026, 10, 31), policy="daily")
    assert daily(Decimal("1000000"), "IDR", "USD", dt.date(2026, 10, 31)) == Decimal("80.00")


def test_campaigns_page_totals_in_the_reporting_currency(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/campaigns/campaigns.py")
    assert not at.error, [e.value for e in at.error]
    totals = _table(at, "Campaigns")
    rows = list(totals["Totals"])
    assert rows[:3] == ["Total IDR", "Total SGD", "Total USD"]
    # The reporting currency is the accounts' main one (IDR in the demo): its row adds the converted SGD and USD
    # spend to the rupiah spend.
    assert rows[-1] == "All currencies in IDR (converted)"
    assert len(rows) == 4
    spend = [Decimal(v.removeprefix("IDR").replace(",", "")) for v in totals["Spend"] if v.startswith("IDR")]
    idr_only, reporting = spend
    assert reporting > idr_only
